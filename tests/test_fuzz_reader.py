"""Hypothesis fuzzing of read_statements: arbitrary bytes, and CSV-shaped text built to stress the parser.

Properties: nothing escapes as an exception; the frame always has every statements column; every problem
is well formed and names the file; a refusal is exactly one error with no line; and in a readable file
every non-blank data row is accounted for (kept, skipped with an error, or dropped as a duplicate), at
the line where it starts.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stance_explorer import schema as S
from stance_explorer.reader import read_statements

NAME = "fuzz.csv"
TODAY = date(2026, 6, 1)
# 400 examples each keeps the two tests well under a minute; FUZZ_EXAMPLES=5000 for a deeper run.
SETTINGS = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PY_CODEC = {
    "UTF-8": "utf-8",
    "UTF-8 with BOM": "utf-8-sig",
    "UTF-16": "utf-16",
    "Windows-1252": "cp1252",
    "Latin-1": "latin-1",
}


def check_invariants(res, name: str = NAME) -> None:
    for col in S.KNOWN_COLUMNS + S.TRACE_COLUMNS:
        assert col in res.frame.columns
    for p in res.problems:
        assert isinstance(p, S.Problem)
        assert p.severity in ("error", "warning")
        assert p.file == name
        assert isinstance(p.message, str) and p.message
        assert p.line is None or (isinstance(p.line, int) and p.line >= 1)
    if res.unreadable:
        assert len(res.problems) == 1 and res.problems[0].line is None and res.problems[0].severity == "error"
        assert res.frame.empty
        return
    lines = res.frame[S.SOURCE_LINE].tolist()
    assert lines == sorted(set(lines))  # one row per start line, in file order
    assert (res.frame[S.SOURCE_FILE] == name).all()
    skipped = {p.line for p in res.errors if p.line is not None}
    dropped = {p.line for p in res.warnings if p.line is not None and "exact duplicate" in p.message}
    assert not (skipped & set(lines)) and not (dropped & set(lines)) and not (skipped & dropped)
    assert len(lines) + len(skipped) + len(dropped) == res.rows_read
    for col in (S.TEXT, S.SPEAKER):
        assert all(isinstance(v, str) and v and v == v.strip() for v in res.frame[col])
    assert str(res.frame[S.DATE].dtype) == "datetime64[ns]"
    assert res.frame[S.DATE_PRECISION].isin(S.PRECISIONS).all()


# --- (a) arbitrary bytes ---------------------------------------------------------------------------

PREFIXES = [
    b"",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"PK\x03\x04",
    b"\x89PNG",
    b"id,speaker,date,topic,text\n",
    b"speaker;date;text\r",
    "text\tspeaker\tdate\n".encode("utf-16-le"),
]
arbitrary_bytes = st.one_of(
    st.binary(max_size=3000),
    st.tuples(st.sampled_from(PREFIXES), st.binary(max_size=1500)).map(lambda t: t[0] + t[1]),
    st.tuples(
        st.sampled_from(PREFIXES),
        st.lists(
            st.sampled_from(
                [
                    b",",
                    b";",
                    b"\t",
                    b'"',
                    b"\n",
                    b"\r",
                    b"\x00",
                    b"a",
                    b"2026-01-29",
                    b"\xe2\x80\x9c",
                    b"\x93",
                    b"\xff",
                    b" ",
                ]
            ),
            max_size=200,
        ),
    ).map(lambda t: t[0] + b"".join(t[1])),
)


@SETTINGS
@given(data=arbitrary_bytes, max_rows=st.sampled_from([1, 3, 1_000_000]), dayfirst=st.booleans())
def test_arbitrary_bytes_never_raise(data, max_rows, dayfirst):
    res = read_statements(data, name=NAME, max_rows=max_rows, dayfirst=dayfirst, today=TODAY)
    check_invariants(res)


# --- (b) CSV-shaped text ---------------------------------------------------------------------------

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
TOKENS = st.one_of(
    st.characters(blacklist_categories=("Cs", "Cc"), max_codepoint=0x1FAFF),
    st.sampled_from(
        list(",;\t\"'\n\r =+-@<>[]()")
        + [
            "\r\n",
            "\u202e",
            "\u200d",
            "\ufeff",
            "\u00a0",
            "é",
            "“",
            "”",
            "ש",
            "ع",
            "🇲🇽",
            "👨‍👩‍👧",
            "=HYPERLINK(",
            "<script>",
            "2026-01-29",
        ]
    ),
)
free_text = st.lists(TOKENS, max_size=20).map("".join)
some_text = st.lists(TOKENS, min_size=1, max_size=20).map("".join)


def _variants(alias: str) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [alias, alias.upper(), alias.title(), f" {alias} ", f"{alias[:2]} {alias[2:]}", f"{alias[:2]}_{alias[2:]}"]
    )


def alias_of(col: str) -> st.SearchStrategy[str]:
    return st.sampled_from(S.ALIASES[col]).flatmap(_variants)


any_alias = st.sampled_from(sorted(S.ALIASES)).flatmap(alias_of)
# Mostly plausible dates, sometimes far outside 1800-2200, in every spelling the reader accepts.
good_date = st.one_of(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.dates(min_value=date(1500, 1, 1), max_value=date(9999, 12, 31)),
).flatmap(
    lambda d: st.sampled_from(
        [
            d.isoformat(),
            f"{d.day:02d}/{d.month:02d}/{d.year}",
            f"{d.month}/{d.day}/{d.year}",
            f"{d.day}.{d.month}.{d.year % 100:02d}",
            f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
            f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}",
            f"{d.year}-{d.month:02d}",
            str(d.year),
            f"{d.isoformat()}T12:00:00Z",
            f"{MONTHS[d.month - 1]} {d.year}",
        ]
    )
)
date_value = st.one_of(
    good_date,
    good_date,
    good_date,
    st.sampled_from(
        ["", " ", "2026-02-30", "13/13/2026", "yesterday", "0000", "31/02/2026", "2026-1-1", "Jan 2026", "٢٠٢٦"]
    ),
    free_text,
)


@st.composite
def header_strategy(draw):
    cols = [draw(alias_of(S.TEXT)), draw(alias_of(S.SPEAKER)), draw(alias_of(S.DATE))]
    if draw(st.integers(0, 19)) == 7:  # sometimes a needed column is missing
        cols.pop(draw(st.integers(0, 2)))
    cols += draw(st.lists(st.one_of(any_alias, free_text), max_size=4))
    return draw(st.permutations(cols))


def encode_field(draw, value: str, delim: str, header: bool = False, clean: bool = False) -> str:
    risky = [] if clean else ["never"] + ([] if header else ["broken"])
    mode = draw(st.sampled_from(["minimal"] * 14 + ["always", "always"] + risky))
    if mode == "never":
        return value
    if mode == "broken":
        return '"' + value
    if mode == "always" or any(c in value for c in (delim, '"', "\n", "\r")) or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


@st.composite
def csv_document(draw):
    delim = draw(st.sampled_from([",", ",", ",", ";", "\t", "|"]))
    clean = draw(st.booleans())  # a well-quoted file, or one with unquoted and unclosed fields
    header = draw(header_strategy())
    width = len(header)
    date_pos = {
        i for i, h in enumerate(header) if h.strip().lower().replace(" ", "").replace("_", "") in S.ALIASES[S.DATE]
    }
    eols = st.sampled_from(["\n", "\n", "\r\n", "\r"])
    pieces = [draw(st.sampled_from(["", "", "\ufeff", "\n", "\r\n \n"]))]
    pieces.append(delim.join(encode_field(draw, h, delim, header=True, clean=clean) for h in header) + draw(eols))
    # Some rows repeat earlier ones exactly, to exercise duplicate handling.
    made: list[list[str]] = []
    for _ in range(draw(st.integers(0, 12))):
        if made and draw(st.integers(0, 7)) == 3:
            fields = draw(st.sampled_from(made))
        else:
            n = width + (
                draw(st.sampled_from([-2, -1, 1, 2])) if draw(st.integers(0, 9)) == 4 else 0
            )  # sometimes ragged
            fields = [
                draw(
                    date_value
                    if i in date_pos
                    else st.one_of(some_text, some_text, st.sampled_from(["Mark Carney", "x", "", "  "]))
                )
                for i in range(max(n, 0))
            ]
            made.append(fields)
        if draw(st.integers(0, 9)) == 5:
            pieces.append(draw(st.sampled_from(["", "  ", delim * 3])) + draw(eols))  # a blank line
        pieces.append(delim.join(encode_field(draw, f, delim, clean=clean) for f in fields) + draw(eols))
    if draw(st.booleans()):
        pieces[-1] = pieces[-1].rstrip("\r\n") or pieces[-1]  # no final newline
    text = "".join(pieces)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    return data


def records(text: str, delim: str):
    """Independent reading: (start line, fields) of every non-blank record, header first."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=False)
    out, prev = [], 0
    for fields in reader:
        start, prev = prev + 1, reader.line_num
        if any(f.strip() for f in fields):
            out.append((start, fields))
    return out


@SETTINGS
@given(data=csv_document(), dayfirst=st.booleans())
def test_csv_shaped_text_accounts_for_every_row(data, dayfirst):
    res = read_statements(data, name=NAME, dayfirst=dayfirst, today=TODAY)
    check_invariants(res)
    if res.unreadable:
        return
    text = data.decode(PY_CODEC[res.encoding], errors="replace").replace("\x00", "")
    recs = records(text, res.delimiter)
    (header_line, header), body = recs[0], recs[1:]
    starts = {line for line, _ in body}
    assert res.rows_read == len(body)
    assert set(res.frame[S.SOURCE_LINE]) <= starts
    for p in res.problems:
        assert p.line is None or p.line in starts or p.line == header_line, p
    # Kept rows hold exactly what their line says, trimmed (when the header names are unambiguous).
    header = [h.strip().lstrip("\ufeff") for h in header]
    if len(set(header)) == len(header):
        pos = {col: header.index(h) for h, col in res.mapping.items()}
        by_line = dict(body)
        for _, row in res.frame.iterrows():
            fields = by_line[row[S.SOURCE_LINE]]
            for col in (S.TEXT, S.SPEAKER):
                assert row[col] == fields[pos[col]].strip()
