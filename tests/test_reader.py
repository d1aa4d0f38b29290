"""Focused tests of stance_explorer.reader.read_statements: headers, encodings, delimiters, dates, limits."""

from __future__ import annotations

import csv
from datetime import date

import pandas as pd
import pytest
from facts import N_BUNDLED

from devtools.server import REPO_ROOT
from stance_explorer import schema as S
from stance_explorer.reader import read_statements

BUNDLED = REPO_ROOT / "stance_explorer" / "data" / "statements.csv"
TODAY = date(2026, 12, 31)  # fixed, so no test date is ever "in the future" by accident
CANON = ["speaker", "date", "topic", "text"]
VALUES = {"speaker": "Mark Carney", "date": "2025-03-14", "topic": "trade", "text": "Elbows up"}


def read(text: str | bytes, **kw):
    data = text.encode("utf-8") if isinstance(text, str) else text
    kw.setdefault("today", TODAY)
    return read_statements(data, name=kw.pop("name", "t.csv"), **kw)


def _variants(alias: str) -> list[str]:
    """The alias as people type it: odd case, padding, and spaces/underscores/hyphens between words."""
    out = [alias, alias.upper(), f"  {alias.title()}  ", alias[:1].upper() + alias[1:].lower()]
    for word in ("text", "id", "time", "url", "title", "precision", "type", "stated"):
        if alias.endswith(word) and alias != word:
            head = alias[: -len(word)]
            out += [f"{head} {word}".title(), f"{head}_{word}", f"{head.upper()}-{word.upper()}"]
    return list(dict.fromkeys(out))


ALIAS_CASES = [(col, alias, v) for col, aliases in S.ALIASES.items() for alias in aliases for v in _variants(alias)]


@pytest.mark.parametrize(("column", "alias", "header"), ALIAS_CASES, ids=[f"{c}:{h!r}" for c, _, h in ALIAS_CASES])
def test_every_header_alias_is_understood_and_reported(column, alias, header):
    headers = [header if c == column else c for c in CANON]
    values = [VALUES[c] for c in CANON]
    if column not in CANON:
        headers.append(header)
        values.append("2025-03-14" if column == S.DATE_PRECISION else "some value")
    res = read(",".join(f'"{h}"' for h in headers) + "\n" + ",".join(values) + "\n")
    assert not res.errors, res.problems
    assert res.mapping[header.strip()] == column, res.mapping
    assert len(res.frame) == 1
    if column in CANON:
        expected = pd.Timestamp(VALUES["date"]) if column == S.DATE else VALUES[column]
        assert res.frame.loc[0, column] == expected
    elif column not in (S.ID, S.DATE_PRECISION, S.QUOTE_TYPE):
        assert res.frame.loc[0, column] == "some value"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Quote,Official,When,Issue", {"Quote": "text", "Official": "speaker", "When": "date", "Issue": "topic"}),
        ("STATEMENT;NAME;DATE;SUBJECT", {"STATEMENT": "text", "NAME": "speaker", "DATE": "date", "SUBJECT": "topic"}),
        ("  text , Speaker ,  date,Topic  ", {"text": "text", "Speaker": "speaker", "date": "date", "Topic": "topic"}),
        (
            "quote_text\tperson\tday\ttheme",
            {"quote_text": "text", "person": "speaker", "day": "date", "theme": "topic"},
        ),
        (
            "Date Stated,Author,Quotation,Issue",
            {"Date Stated": "date", "Author": "speaker", "Quotation": "text", "Issue": "topic"},
        ),
    ],
)
def test_alias_header_sets(header, expected):
    delim = ";" if ";" in header else "\t" if "\t" in header else ","
    cols = [expected[h.strip()] for h in header.split(delim)]
    row = delim.join(VALUES[c] for c in cols)
    res = read(header + "\n" + row + "\n")
    assert res.mapping == expected
    assert not res.problems
    assert res.frame.loc[0, S.TEXT] == "Elbows up" and res.frame.loc[0, S.SPEAKER] == "Mark Carney"


def test_exact_name_beats_alias():
    res = read("statement,text,speaker,date,topic\nthe alias column,the text column,A,2025-01-01,t\n")
    assert res.mapping["text"] == "text"
    assert "statement" not in res.mapping
    assert res.frame.loc[0, S.TEXT] == "the text column"
    assert res.frame.loc[0, "statement"] == "the alias column"  # passed through, not lost


# --- encodings and delimiters ----------------------------------------------------------------------

ROWS = "speaker,date,topic,text\nMélanie Joly,2025-01-10,diplomacy,“Nous répondrons” – c’est clair\n"


@pytest.mark.parametrize(
    ("data", "encoding", "warned"),
    [
        (ROWS.encode("utf-8"), "UTF-8", False),
        (b"\xef\xbb\xbf" + ROWS.encode("utf-8"), "UTF-8 with BOM", False),
        (ROWS.encode("cp1252"), "Windows-1252", True),
        (
            ROWS.replace("–", "-").replace("“", '"').replace("”", '"').replace("’", "'").encode("latin-1")
            + b"X,2025-01-11,t,\x81\n",
            "Latin-1",
            True,
        ),
        (b"\xff\xfe" + ROWS.encode("utf-16-le"), "UTF-16", True),
    ],
    ids=["utf8", "utf8-bom", "cp1252", "latin1", "utf16"],
)
def test_encodings(data, encoding, warned):
    res = read(data)
    assert res.encoding == encoding
    assert not res.errors
    assert res.mapping["speaker"] == "speaker"  # the BOM is not part of the first header
    assert res.frame.loc[0, S.SPEAKER] == "Mélanie Joly"
    if encoding != "Latin-1":
        assert res.frame.loc[0, S.TEXT] == "“Nous répondrons” – c’est clair"
    assert any(encoding in p.message for p in res.warnings) is warned


@pytest.mark.parametrize("delim", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_delimiters(delim):
    others = "".join(d for d in ",;\t" if d != delim)
    rows = [
        ["speaker", "date", "topic", "text"],
        ["Doug Ford", "2025-01-10", "energy", f"a{others[0]} b{others[1]} c"],
        ["Mark Carney", "2025-01-11", "trade", "plain"],
    ]
    res = read("\n".join(delim.join(r) for r in rows) + "\n")
    assert res.delimiter == delim
    assert not res.problems
    assert res.frame[S.TEXT].tolist() == [f"a{others[0]} b{others[1]} c", "plain"]


def test_quoted_delimiter_quote_and_newline():
    res = read(
        'speaker,date,topic,text\n"Ford, Doug",2025-01-10,energy,"He said ""no"",\nthen left"\nMark Carney,2025-01-11,trade,next\n'
    )
    assert not res.problems
    assert res.frame[S.SPEAKER].tolist() == ["Ford, Doug", "Mark Carney"]
    assert res.frame.loc[0, S.TEXT] == 'He said "no",\nthen left'
    assert res.frame[S.SOURCE_LINE].tolist() == [2, 4]


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_line_endings_and_line_numbers(eol):
    text = (
        eol.join(["speaker;date;topic;text", "A;2025-01-10;t;one", "", "B;2025-01-11;t;", "C;2025-01-12;t;three"]) + eol
    )
    res = read(text)
    assert res.delimiter == ";"
    assert res.frame[S.SOURCE_LINE].tolist() == [2, 5]
    assert [(p.line, p.severity) for p in res.problems] == [(4, "error")]


def test_blank_lines_before_the_header_do_not_hide_the_delimiter():
    res = read("  \r\n;;;\n\t\nspeaker;date;topic;text\nA;2026-01-01;t;one, two\n")
    assert res.delimiter == ";"
    assert not res.problems
    assert res.frame[S.SOURCE_LINE].tolist() == [5]
    assert res.frame.loc[0, S.TEXT] == "one, two"


# --- dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "dayfirst", "iso", "precision", "note"),
    [
        ("2026-01-29", False, "2026-01-29", "day", None),
        ("2026/1/9", False, "2026-01-09", "day", None),
        ("2026-01-29T14:30:00Z", False, "2026-01-29", "day", None),
        ("29/01/2026", True, "2026-01-29", "day", None),
        ("29/01/2026", False, "2026-01-29", "day", None),  # unambiguous either way
        ("01/29/2026", False, "2026-01-29", "day", None),
        ("29.01.2026", True, "2026-01-29", "day", None),
        ("03/04/2026", False, "2026-03-04", "day", "month-first"),
        ("03/04/2026", True, "2026-04-03", "day", "day-first"),
        ("29/01/26", True, "2026-01-29", "day", "two-digit year"),
        ("January 29, 2026", False, "2026-01-29", "day", None),
        ("Jan. 29th, 2026", False, "2026-01-29", "day", None),
        ("29 January 2026", False, "2026-01-29", "day", None),
        ("29 de enero de 2026", False, "2026-01-29", "day", None),
        ("2026-01", False, "2026-01-01", "month", None),
        ("January 2026", False, "2026-01-01", "month", None),
        ("2026", False, "2026-01-01", "year", None),
    ],
)
def test_date_formats_keep_precision(raw, dayfirst, iso, precision, note):
    res = read(f'speaker,date,topic,text\nA,"{raw}",t,x\n', dayfirst=dayfirst)
    assert not res.errors, res.problems
    assert res.frame.loc[0, S.DATE] == pd.Timestamp(iso)
    assert res.frame.loc[0, S.DATE_PRECISION] == precision
    notes = [p for p in res.warnings if p.column == "date"]
    if note:
        assert len(notes) == 1 and note in notes[0].message and notes[0].line == 2
    else:
        assert not notes


def test_given_precision_wins_and_bad_precision_falls_back():
    res = read(
        "speaker,date,date_precision,topic,text\nA,2026-01-29,article,t,x\nB,2026-01-29,fortnight,t,y\nC,2026-01,,t,z\n"
    )
    assert res.frame[S.DATE_PRECISION].tolist() == ["article", "day", "month"]


def test_date_column_is_datetime_and_future_warned():
    res = read("speaker,date,topic,text\nA,2027-05-01,t,x\nB,2026-05-01,t,y\n")
    assert str(res.frame[S.DATE].dtype) == "datetime64[ns]"
    assert [(p.line, p.column) for p in res.problems] == [(2, "date")]
    assert "in the future" in res.problems[0].message


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("soon", "not a date this reader understands"),
        ("2026-02-30", "not a real date"),
        ("1492", "implausibly early"),
        ("3000-01-01", "implausibly late"),
        ("", "the date is empty"),
    ],
)
def test_bad_dates_skip_the_row(raw, fragment):
    res = read(f"speaker,When,topic,text\nA,{raw},t,x\nB,2026-01-01,t,y\n")
    assert len(res.frame) == 1
    assert [(p.line, p.column, p.severity) for p in res.problems] == [(2, "When", "error")]
    assert fragment in res.problems[0].message


# --- values ----------------------------------------------------------------------------------------


def test_whitespace_is_trimmed_everywhere():
    res = read(
        "  speaker ,\tdate , topic,text  ,  Extra \n  Mark Carney  , 2026-01-29 ,  trade\t,  Elbows up  ,  kept  \n"
    )
    assert not res.problems
    row = res.frame.iloc[0]
    assert (row[S.SPEAKER], row[S.TOPIC], row[S.TEXT], row["Extra"]) == ("Mark Carney", "trade", "Elbows up", "kept")
    assert row[S.DATE] == pd.Timestamp("2026-01-29")


def test_empty_text_and_speaker_are_errors_naming_the_users_column():
    res = read("Official,date,topic,Quote\n,2026-01-01,t,x\nB,2026-01-01,t,   \n,2026-01-02,t,\nD,2026-01-03,t,ok\n")
    assert len(res.frame) == 1 and res.frame.loc[0, S.SOURCE_LINE] == 5
    got = [(p.line, p.column, p.severity) for p in res.problems]
    assert got == [(2, "Official", "error"), (3, "Quote", "error"), (4, "Quote", "error"), (4, "Official", "error")]
    assert "the speaker is empty" in res.problems[0].message
    assert "the statement text is empty" in res.problems[1].message


def test_exact_duplicates_dropped_with_warning():
    res = read(
        "speaker,date,topic,text\nA,2026-01-01,t,same\nA , 01/01/2026 ,other,same \nA,2026-01-02,t,same\nB,2026-01-01,t,same\n"
    )
    assert res.frame[S.SOURCE_LINE].tolist() == [2, 4, 5]
    assert [(p.line, p.severity) for p in res.problems] == [(3, "warning")]
    assert "exact duplicate of line 2" in res.problems[0].message and "dropped" in res.problems[0].message
    assert res.rows_read == 4


def test_missing_ids_are_made_from_file_and_line():
    res = read("speaker,date,topic,text\nA,2026-01-01,t,x\n", name="mine.csv")
    assert res.frame.loc[0, S.ID] == "mine:2"
    assert res.frame.loc[0, S.SOURCE_FILE] == "mine.csv"


def test_default_name_for_uploads_and_missing_path(tmp_path):
    res = read_statements(b"", today=TODAY)
    assert res.problems[0].file == "upload.csv"
    missing = read_statements(tmp_path / "nope.csv")
    assert missing.unreadable and missing.problems[0].file == "nope.csv"
    assert "cannot open the file" in missing.problems[0].message


# --- limits ----------------------------------------------------------------------------------------


def test_size_limit_message_states_the_limit(tmp_path):
    data = b"speaker,date,topic,text\n" + b"A,2026-01-01,t,x\n" * 5000
    res = read(data, max_bytes=2 * 1024 * 1024 - 1)
    assert not res.unreadable
    res = read(data, max_bytes=50_000)
    assert res.unreadable and len(res.problems) == 1 and res.problems[0].line is None
    assert "over the 50,000 bytes limit" in res.problems[0].message
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (3 * 1024 * 1024))
    msg = read_statements(path, max_bytes=2 * 1024 * 1024).problems[0].message
    assert "the file is 3 MB, over the 2 MB limit" in msg


def test_row_limit_message_states_the_limit():
    body = "".join(f"A,2026-01-01,t,statement {i}\n" for i in range(6))
    res = read("speaker,date,topic,text\n" + body, max_rows=5)
    assert res.unreadable and len(res.problems) == 1
    assert "more than 5 rows" in res.problems[0].message
    assert len(read("speaker,date,topic,text\n" + body, max_rows=6).frame) == 6


# --- column mapping --------------------------------------------------------------------------------


def test_column_map_override():
    res = read(
        "Words,Who,At,Area\nElbows up,Mark Carney,2026-01-29,trade\n",
        column_map={"Words": "text", "Who": "speaker", "At": "date", "Area": "topic"},
    )
    assert res.mapping == {"Words": "text", "Who": "speaker", "At": "date", "Area": "topic"}
    assert not res.problems
    assert res.frame.loc[0, S.TEXT] == "Elbows up"


def test_column_map_wins_over_names_and_can_ignore_a_column():
    res = read(
        "speaker,date,text,topic,comment\nA,2026-01-01,hello,trade,other words\n",
        column_map={"comment": "text", "topic": ""},
    )
    assert res.mapping == {"speaker": "speaker", "date": "date", "comment": "text"}
    row = res.frame.iloc[0]
    assert row[S.TEXT] == "other words"
    assert row[S.TOPIC] == "unspecified"  # the ignored topic column is not used ...
    assert row["text_"] == "hello" and row["topic_"] == "trade"  # ... but nothing typed is lost
    assert any("no 'topic' column" in p.message for p in res.warnings)


def test_without_a_needed_column_the_file_is_refused_with_what_was_found():
    res = read("Words,Who,At\nx,y,2026-01-01\n")
    assert res.unreadable
    assert "'Words', 'Who', 'At'" in res.problems[0].message


def test_extra_columns_pass_through():
    res = read("speaker,date,topic,text,Reporter,,source_line,Reporter\nA,2026-01-01,t,x,Ann,blank header,99,Bob\n")
    assert not res.errors
    row = res.frame.iloc[0]
    assert row["Reporter"] == "Ann" and row["Reporter_"] == "Bob"
    assert row["column_6"] == "blank header"
    assert row["source_line_"] == "99" and row[S.SOURCE_LINE] == 2
    assert list(res.frame.columns[-2:]) == list(S.TRACE_COLUMNS)


def test_ragged_rows():
    res = read("speaker,date,text,topic,context\nA,2026-01-01,short\nB,2026-01-02,x,y,z,extra\nC,2026-01-03,x,t,c,,\n")
    assert res.frame[S.SOURCE_LINE].tolist() == [2, 4]
    assert [(p.line, p.severity) for p in res.problems] == [(2, "warning"), (3, "error")]
    assert res.frame.loc[0, S.TOPIC] == "unspecified"


# --- the bundled data ------------------------------------------------------------------------------


def test_bundled_statements_read_cleanly():
    res = read_statements(BUNDLED)
    assert res.errors == [] and res.warnings == []
    assert len(res.frame) == N_BUNDLED == res.rows_read
    assert res.frame[S.SPEAKER].nunique() == 22
    assert res.encoding == "UTF-8" and res.delimiter == ","
    with BUNDLED.open(encoding="utf-8", newline="") as f:
        raw = {r["id"]: r for r in csv.DictReader(f)}
    assert set(res.frame[S.ID]) == set(raw)
    for _, row in res.frame.iterrows():
        src = raw[row[S.ID]]
        assert row[S.SOURCE_URL] == src["source_url"].strip()
        assert row[S.QUOTE_TYPE] == src["quote_type"].strip().lower()
        assert row[S.TEXT] == src["text"].strip()
        assert row[S.SPEAKER] == src["speaker"].strip()
    assert set(res.frame[S.QUOTE_TYPE]) == {S.QUOTE_DIRECT, S.QUOTE_PARTIAL}
    assert (res.frame[S.QUOTE_TYPE] == S.QUOTE_PARTIAL).sum() == sum(r["quote_type"] == "partial" for r in raw.values())
    assert res.frame[S.SOURCE_URL].str.match(r"^https?://").sum() == sum(bool(r["source_url"]) for r in raw.values())


def test_a_few_stray_nul_bytes_are_dropped_with_a_warning_not_a_refusal():
    raw = b"speaker,date,text\nAna,2026-01-02,Hello\x00 there\nBen,2026-01-03,Second row\n"
    res = read_statements(raw, name="nul.csv")
    assert not res.unreadable
    assert list(res.frame["text"]) == ["Hello there", "Second row"]
    assert any("stray NUL" in p.message and p.severity == "warning" for p in res.problems)


def test_many_nul_bytes_still_mean_binary():
    res = read_statements(b"speaker,date,text\n" + b"\x00\x01\x02" * 400, name="bin.csv")
    assert res.unreadable
    assert "binary" in res.problems[0].message
