"""Write the crafted bad-input corpus next to this script, each file with its expected outcome.

Run ``python tests/data/bad/make_corpus.py`` to (re)write every file; the output is deterministic, so a
re-run on a clean checkout leaves ``git status`` unchanged. ``--big`` also writes ``huge_60mb.csv``
(git-ignored) for trying the size limit by hand; the tests build their own copy in a temp folder.

Each ``<file>.expected.json`` says what ``read_statements`` must make of ``<file>``. The numbers are
written by hand from what the file holds, not copied from the reader's output:

    unreadable      the whole file is refused (exactly one error with no line)
    rows            statements kept
    data_rows       non-blank data rows in the file (kept + skipped + dropped duplicates)
    errors          error problems that point at a row (a row can have more than one)
    warnings_min    at least this many warnings (warnings_max: at most, when given)
    must_mention    substrings that some problem message contains
    cli_exit        exit status of ``python -m stance_explorer validate FILE``
    kept_lines      source_line of every kept row, in order (1-based; the header is line 1)
    error_lines     the lines that have an error
    problem_lines   the lines that have any problem
    encoding, delimiter, mapping_includes, text_contains, dates_by_line, text_len_min: optional checks
"""

from __future__ import annotations

import gzip
import io
import json
import random
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
H = "id,speaker,date,topic,text\n"
CORPUS: list[tuple[str, bytes, dict]] = []


def add(name: str, data: bytes | str, **expected) -> None:
    if isinstance(data, str):
        data = data.encode("utf-8")
    expected.setdefault("must_mention", [])
    expected.setdefault("warnings_min", 0)
    if expected.get("unreadable"):
        expected.update(rows=0, data_rows=0, errors=0, cli_exit=2)
    else:
        expected["unreadable"] = False
        expected.setdefault("cli_exit", 1 if expected["errors"] else 0)
        expected.setdefault("data_rows", expected["rows"])
    CORPUS.append((name, data, {"file": name, **expected}))


def unreadable(name: str, data: bytes | str, description: str, *mention: str) -> None:
    add(name, data, description=description, unreadable=True, must_mention=list(mention))


SAMPLE = (
    "1,Claudia Sheinbaum,2025-01-29,trade,“No habrá aranceles” — dijo la presidenta\n"
    "2,Marcelo Ebrard,2025-01-28,trade,¿Qué pasará con el T-MEC?\n"
    "3,Mark Carney,2025-01-27,energy,Le Canada est prêt à répondre\n"
)
SAMPLE_EXPECT = dict(
    rows=3,
    errors=0,
    kept_lines=[2, 3, 4],
    text_contains=["¿Qué pasará con el T-MEC?", "“No habrá aranceles”", "prêt à répondre"],
)

# --- encodings -------------------------------------------------------------------------------------
add(
    "utf16_le_bom.csv",
    b"\xff\xfe" + (H + SAMPLE).encode("utf-16-le"),
    description="UTF-16 little-endian with BOM (Excel 'Unicode text')",
    encoding="UTF-16",
    warnings_min=1,
    must_mention=["UTF-16"],
    **SAMPLE_EXPECT,
)
add(
    "utf16_be_bom.csv",
    b"\xfe\xff" + (H + SAMPLE).encode("utf-16-be"),
    description="UTF-16 big-endian with BOM",
    encoding="UTF-16",
    warnings_min=1,
    must_mention=["UTF-16"],
    **SAMPLE_EXPECT,
)
add(
    "utf16_le_no_bom.csv",
    (H + SAMPLE).encode("utf-16-le"),
    description="UTF-16 little-endian without a BOM",
    encoding="UTF-16",
    warnings_min=1,
    must_mention=["UTF-16"],
    **SAMPLE_EXPECT,
)
unreadable(
    "utf16_truncated.csv",
    b"\xff\xfe" + (H + SAMPLE).encode("utf-16-le") + b"A",
    "UTF-16 with a BOM but an odd number of bytes (cut off mid-character)",
    "encoding is not readable",
)
add(
    "cp1252_curly_quotes.csv",
    (
        H + "1,Mark Carney,2025-02-01,trade,“We will not back down” – not one inch\n"
        "2,Mélanie Joly,2025-02-02,diplomacy,It’s ‘our’ decision; costs €25 billion\n"
        "3,Doug Ford,2025-02-03,energy,Plain ASCII row\n"
    ).encode("cp1252"),
    description="Windows-1252 (Excel on Windows) with curly quotes, en dash, é and €",
    rows=3,
    errors=0,
    encoding="Windows-1252",
    warnings_min=1,
    must_mention=["Windows-1252"],
    kept_lines=[2, 3, 4],
    text_contains=["“We will not back down” – not one inch", "It’s ‘our’ decision; costs €25 billion"],
)
add(
    "latin1_fallback.csv",
    H.encode() + b"1,Jos\xe9 Mart\xednez,2025-02-01,trade,Control byte \x81 is undefined in cp1252\n"
    b"2,Fran\xe7ois Legault,2025-02-02,energy,Qu\xe9bec hydro\n",
    description="bytes that are neither UTF-8 nor Windows-1252 (0x81), read as Latin-1",
    rows=2,
    errors=0,
    encoding="Latin-1",
    warnings_min=1,
    must_mention=["Latin-1"],
    kept_lines=[2, 3],
    text_contains=["Québec hydro"],
)
add(
    "utf8_bom.csv",
    "\ufeff" + H + SAMPLE,
    description="UTF-8 with a byte-order mark before the first header",
    encoding="UTF-8 with BOM",
    warnings_max=0,
    mapping_includes={"id": "id"},
    **SAMPLE_EXPECT,
)

# --- delimiters and line endings -------------------------------------------------------------------
add(
    "semicolon.csv",
    "id;speaker;date;topic;text\n"
    "1;Mark Carney;2025-01-15;trade;We will respond, firmly, to tariffs\n"
    "2;Doug Ford;2025-01-16;energy;Electricity, a 25% surcharge, is on the table\n"
    "3;Chrystia Freeland;15/01/2025;trade;Dollar-for-dollar, we will match\n",
    description="semicolon-delimited (European Excel) with commas inside unquoted text",
    rows=3,
    errors=0,
    delimiter=";",
    warnings_max=0,
    kept_lines=[2, 3, 4],
    text_contains=["We will respond, firmly, to tariffs"],
    dates_by_line={"4": ["2025-01-15", "day"]},
)
add(
    "tab_delimited.tsv",
    "id\tspeaker\tdate\ttopic\ttext\n"
    '1\tMark Carney\t2025-01-15\ttrade\tCommas, semicolons; and "quotes" inside\n'
    "2\tDoug Ford\t2025-01\tenergy\tA month-precision date\n",
    description="tab-delimited text export",
    rows=2,
    errors=0,
    delimiter="\t",
    warnings_max=0,
    kept_lines=[2, 3],
    text_contains=['Commas, semicolons; and "quotes" inside'],
    dates_by_line={"3": ["2025-01-01", "month"]},
)
add(
    "mixed_line_endings.csv",
    "id,speaker,date,topic,text\r\n"
    "1,Mark Carney,2025-01-10,trade,LF ending\n"
    "2,Doug Ford,2025-01-11,energy,CR ending\r"
    "3,Mélanie Joly,2025-01-12,diplomacy,CRLF ending\r\n"
    "4,,2025-01-13,trade,empty speaker on line five\n"
    "5,Pierre Poilievre,2025-01-14,economy,no final newline",
    description="header CRLF, then LF, CR, CRLF rows; a bad row on line 5; no final newline",
    rows=4,
    data_rows=5,
    errors=1,
    kept_lines=[2, 3, 4, 6],
    error_lines=[5],
    problem_lines=[5],
    must_mention=["the speaker is empty"],
)
add(
    "cr_only_semicolon.csv",
    "id;speaker;date;topic;text\r"
    "1;Mark Carney;2025-01-10;trade;Classic Mac line endings\r"
    "2;Doug Ford;2025-01-11;energy;Second row, with a comma\r"
    "3;Mélanie Joly;someday;diplomacy;bad date on line four\r",
    description="old-Mac CR-only line endings with semicolons (the delimiter must still be found)",
    rows=2,
    data_rows=3,
    errors=1,
    delimiter=";",
    kept_lines=[2, 3],
    error_lines=[4],
    problem_lines=[4],
    must_mention=["is not a date this reader understands"],
)

# --- not a CSV at all ------------------------------------------------------------------------------
_rng = random.Random(20260129)
_garbage = bytes(_rng.randrange(256) for _ in range(4096))
assert not _garbage.startswith((b"PK", b"\x89P", b"%P", b"\xd0\xcf", b"\xff", b"\xfe", b"\xef", b"\x1f", b"GIF"))
unreadable("binary_garbage.csv", _garbage, "4 KB of random bytes", "binary data")
unreadable(
    "png_renamed.csv",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\nIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82",
    "a 1x1 PNG image saved with a .csv name",
    "PNG image",
)


def _xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path, body in [
            (
                "[Content_Types].xml",
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            ),
            ("xl/workbook.xml", '<?xml version="1.0"?><workbook/>'),
            (
                "xl/worksheets/sheet1.xml",
                '<?xml version="1.0"?><worksheet><sheetData><row><c t="inlineStr"><is><t>text</t></is></c></row></sheetData></worksheet>',
            ),
        ]:
            z.writestr(zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0)), body)
    return buf.getvalue()


unreadable(
    "workbook.xlsx",
    _xlsx(),
    "an Excel workbook (a ZIP archive) uploaded instead of a CSV",
    "ZIP archive",
    "save it as CSV",
)
unreadable(
    "report.pdf.csv",
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
    "a PDF document",
    "PDF",
)
unreadable("statements.csv.gz", gzip.compress((H + SAMPLE).encode(), mtime=0), "a gzip-compressed CSV", "gzip")
unreadable(
    "one_long_line.csv", "x" * 500 + "\n", "one 500-character line with no delimiter", "does not look like a CSV"
)

# --- headers ---------------------------------------------------------------------------------------
unreadable(
    "missing_text_column.csv",
    "id,speaker,date,topic,comment\n1,Mark Carney,2025-01-10,trade,hello\n",
    "no column that can be the statement text",
    "no column can be used as the statement text",
    "'comment'",
)
unreadable(
    "missing_date_column.csv", "speaker,topic,text\nMark Carney,trade,hello\n", "no date column", "no 'date' column"
)
unreadable(
    "missing_speaker_column.csv",
    "date,topic,text\n2025-01-10,trade,hello\n",
    "no speaker column",
    "no 'speaker' column",
)
add(
    "renamed_headers.csv",
    " Statement ID ,OFFICIAL, When ,ISSUE,  Quote  ,Source-URL,Lang,Reporter\n"
    "Q1,Mark Carney,2025-03-01,trade,Elbows up,https://example.ca/a,en,A. Reporter\n"
    "Q2,Claudia Sheinbaum,1 de marzo de 2025,security,Cabeza fría,https://example.mx/b,es,B. Reporter\n",
    description="aliases with odd case and spaces: Statement ID/OFFICIAL/When/ISSUE/Quote/Source-URL/Lang, plus an unknown column",
    rows=2,
    errors=0,
    warnings_max=0,
    kept_lines=[2, 3],
    mapping_includes={
        "Statement ID": "id",
        "OFFICIAL": "speaker",
        "When": "date",
        "ISSUE": "topic",
        "Quote": "text",
        "Source-URL": "source_url",
        "Lang": "language",
    },
    dates_by_line={"3": ["2025-03-01", "day"]},
)
add(
    "renamed_headers_alt.csv",
    "Quotation;Person;Day;Theme;Notes\n"
    "We are not the 51st state;Mark Carney;March 14, 2025;sovereignty;swearing-in\n"
    "Tariffs are a tax;Doug Ford;2025;trade;year only\n",
    description="second alias set (Quotation/Person/Day/Theme/Notes), semicolon-delimited",
    rows=2,
    errors=0,
    warnings_max=0,
    delimiter=";",
    kept_lines=[2, 3],
    mapping_includes={"Quotation": "text", "Person": "speaker", "Day": "date", "Theme": "topic", "Notes": "context"},
    dates_by_line={"2": ["2025-03-14", "day"], "3": ["2025-01-01", "year"]},
)
add(
    "no_topic_column.csv",
    "speaker,date,text\nMark Carney,2025-03-01,Elbows up\nDoug Ford,2025-03-02,Ontario is open\n",
    description="no topic column: a warning on the header line, rows kept",
    rows=2,
    errors=0,
    warnings_min=1,
    kept_lines=[2, 3],
    problem_lines=[1],
    must_mention=["no 'topic' column"],
)

# --- empty and near-empty --------------------------------------------------------------------------
unreadable("empty.csv", b"", "zero bytes", "empty")
unreadable("whitespace_only.csv", "  \r\n\t\n   \n\n", "only spaces, tabs and blank lines", "empty")
add("header_only.csv", H, description="a header and no rows", rows=0, errors=0, warnings_max=0, kept_lines=[])
add(
    "leading_blank_lines.csv",
    "\n\n" + H + "1,Mark Carney,2025-01-10,trade,first row is on line four\n"
    "2,Doug Ford,2025-01-11,energy,\n\n"
    "3,Mélanie Joly,2025-01-12,diplomacy,after a blank line\n",
    description="blank lines before the header and between rows (line numbers must still be file lines)",
    rows=2,
    data_rows=3,
    errors=1,
    kept_lines=[4, 7],
    error_lines=[5],
    problem_lines=[5],
    must_mention=["the statement text is empty"],
)

# --- row structure ---------------------------------------------------------------------------------
add(
    "ragged_rows.csv",
    "id,speaker,date,text,topic,source_url\n"
    "1,Mark Carney,2025-01-10,A full row,trade,https://example.ca/1\n"
    "2,Doug Ford,2025-01-11,Five fields: no url,energy\n"
    "3,Mélanie Joly,2025-01-12,Four fields: no topic\n"
    "4,Pierre Poilievre,2025-01-13,Axe the tax, build the homes, fix the budget,economy,https://example.ca/4\n"
    "5,Mark Carney,2025-01-14,Trailing empty fields are fine,trade,https://example.ca/5,,,\n",
    description="too few fields (warning, kept), too many (error, skipped), trailing empty fields (fine)",
    rows=4,
    data_rows=5,
    errors=1,
    warnings_min=2,
    kept_lines=[2, 3, 4, 6],
    error_lines=[5],
    problem_lines=[3, 4, 5],
    must_mention=["the missing ones are left empty", "unquoted comma"],
)
add(
    "quoted_newline.csv",
    H + '1,Mark Carney,2025-01-10,trade,"First line\nsecond line\nthird, with a comma"\n'
    '2,Doug Ford,2025-01-11,energy,"He said ""no"" and\r\nleft"\r\n'
    "3,,2025-01-12,trade,empty speaker right after two multi-line rows\n"
    '4,Pierre Poilievre,2025-01-13,economy,"Ends the file\nwithout a newline"',
    description="quoted fields holding LF and CRLF; problems must point at the line where the row starts",
    rows=3,
    data_rows=4,
    errors=1,
    kept_lines=[2, 5, 8],
    error_lines=[7],
    problem_lines=[7],
    text_contains=[
        "First line\nsecond line\nthird, with a comma",
        'He said "no" and\r\nleft',
        "Ends the file\nwithout a newline",
    ],
)
add(
    "unclosed_quote.csv",
    H + "1,Mark Carney,2025-01-10,trade,fine\n"
    '2,Doug Ford,2025-01-11,energy,"this quote never closes\n'
    "3,Mélanie Joly,2025-01-12,diplomacy,swallowed\n"
    "4,Pierre Poilievre,2025-01-13,economy,swallowed too\n",
    description="a quote that never closes swallows the rest of the file; that must be reported, not silent",
    rows=1,
    data_rows=2,
    errors=1,
    kept_lines=[2],
    error_lines=[3],
    problem_lines=[3],
    must_mention=["never closed"],
)

# --- field values ----------------------------------------------------------------------------------
add(
    "invalid_dates.csv",
    H + "1,Mark Carney,2025-01-10,trade,valid ISO\n"
    "2,Doug Ford,next Tuesday,energy,words\n"
    "3,Mélanie Joly,2025-02-30,diplomacy,no such day\n"
    "4,Pierre Poilievre,31/31/2025,economy,no such month\n"
    "5,Chrystia Freeland,,trade,empty date\n"
    "6,William the Conqueror,1066-10-14,history,too early\n"
    "7,Time Traveller,9999-12-31,future,too late\n"
    "8,Dominic LeBlanc,2025-13,trade,month 13\n"
    '9,Claudia Sheinbaum,"January 29, 2025",trade,valid words\n',
    description="dates that cannot be read, impossible or implausible: each row skipped with its own error",
    rows=2,
    data_rows=9,
    errors=7,
    kept_lines=[2, 10],
    error_lines=[3, 4, 5, 6, 7, 8, 9],
    problem_lines=[3, 4, 5, 6, 7, 8, 9],
    must_mention=[
        "is not a date this reader understands",
        "not a real date",
        "neither of the first two numbers can be a month",
        "the date is empty",
        "implausibly early",
        "implausibly late",
    ],
    dates_by_line={"10": ["2025-01-29", "day"]},
)
add(
    "ambiguous_dates.csv",
    H + "1,Mark Carney,03/04/2025,trade,ambiguous one\n"
    "2,Doug Ford,04/03/2025,energy,ambiguous two\n"
    "3,Mélanie Joly,13/04/2025,diplomacy,unambiguous day-first\n"
    "4,Pierre Poilievre,04/04/2025,economy,same both ways\n"
    "5,Chrystia Freeland,03/04/25,trade,two-digit year\n",
    description="numeric dates whose day and month could swap: read month-first by default, with a warning",
    rows=5,
    errors=0,
    warnings_min=3,
    kept_lines=[2, 3, 4, 5, 6],
    problem_lines=[2, 3, 6],
    must_mention=["ambiguous, read month-first", "two-digit year read as 2025"],
    dates_by_line={
        "2": ["2025-03-04", "day"],
        "3": ["2025-04-03", "day"],
        "4": ["2025-04-13", "day"],
        "5": ["2025-04-04", "day"],
        "6": ["2025-03-04", "day"],
    },
)
add(
    "future_dates.csv",
    H + "1,Mark Carney,2099-05-01,trade,far future day\n"
    "2,Doug Ford,2099,energy,future year\n"
    "3,Mélanie Joly,2025-01-12,diplomacy,past\n",
    description="dates in the future are kept with a warning",
    rows=3,
    errors=0,
    warnings_min=2,
    kept_lines=[2, 3, 4],
    problem_lines=[2, 3],
    must_mention=["in the future"],
    dates_by_line={"2": ["2099-05-01", "day"], "3": ["2099-01-01", "year"]},
)
add(
    "duplicate_ids.csv",
    H + "S1,Mark Carney,2025-01-10,trade,first statement\n"
    "S1,Doug Ford,2025-01-11,energy,another statement with the same id\n"
    "S2,Mélanie Joly,2025-01-12,diplomacy,unique\n"
    "s1,Pierre Poilievre,2025-01-13,economy,ids are case-sensitive\n",
    description="an id used twice: both rows kept, the second warned",
    rows=4,
    errors=0,
    warnings_min=1,
    kept_lines=[2, 3, 4, 5],
    problem_lines=[3],
    must_mention=["also used on line 2"],
)
add(
    "exact_duplicates.csv",
    H + "1,Mark Carney,2025-01-10,trade,Elbows up\n"
    "1,Mark Carney,2025-01-10,trade,Elbows up\n"
    "7,  Mark Carney ,2025-01-10,sovereignty,  Elbows up  \n"
    "2,Mark Carney,2025-01-11,trade,Elbows up\n"
    '3,Mark Carney,"January 10, 2025",trade,Elbows up\n',
    description="exact duplicates (same speaker, date and text after trimming, any date spelling) dropped with a warning",
    rows=2,
    data_rows=5,
    errors=0,
    warnings_min=3,
    kept_lines=[2, 5],
    problem_lines=[3, 4, 6],
    must_mention=["exact duplicate of line 2"],
)
add(
    "empty_speakers.csv",
    H + "1,Mark Carney,2025-01-10,trade,valid\n"
    "2,,2025-01-11,energy,empty\n"
    "3,   ,2025-01-12,diplomacy,spaces only\n"
    '4,"",2025-01-13,economy,quoted empty\n'
    "5,Doug Ford,2025-01-14,energy,valid again\n",
    description="empty, blank and quoted-empty speakers: each row skipped",
    rows=2,
    data_rows=5,
    errors=3,
    kept_lines=[2, 6],
    error_lines=[3, 4, 5],
    problem_lines=[3, 4, 5],
    must_mention=["the speaker is empty"],
)
add(
    "empty_text.csv",
    H + "1,Mark Carney,2025-01-10,trade,valid\n"
    "2,Doug Ford,2025-01-11,energy,\n"
    "3,Mélanie Joly,2025-01-12,diplomacy,   \n"
    '4,Pierre Poilievre,2025-01-13,economy,""\n'
    "5,,2025-01-14,trade,\n"
    "6,Chrystia Freeland,2025-01-15,trade,valid again\n",
    description="empty text (and one row with empty text and speaker, two errors on one line)",
    rows=2,
    data_rows=6,
    errors=5,
    kept_lines=[2, 7],
    error_lines=[3, 4, 5, 6],
    problem_lines=[3, 4, 5, 6],
    must_mention=["the statement text is empty", "the speaker is empty"],
)
_MB = 1024 * 1024
_big = ("tariffs and trade " * (_MB // 18 + 1))[:_MB]
add(
    "huge_field_1mb.csv",
    H + f'1,Mark Carney,2025-01-10,trade,"{_big}"\n' + "2,Doug Ford,2025-01-11,energy,normal row after the big one\n",
    description="one quoted 1 MB field (over the csv module's default 128 KB field limit)",
    rows=2,
    errors=0,
    warnings_max=0,
    kept_lines=[2, 3],
    text_len_min=_MB,
    text_contains=["normal row after the big one"],
)
_long = "".join(chr(ord("a") + (i * 7) % 26) for i in range(200_000))
add(
    "long_unbroken_string.csv",
    H + f"1,{'Q' * 5000},2025-01-10,trade,{_long}\n2,Doug Ford,2025-01-11,energy,https://example.com/{'x' * 3000}\n",
    description="a 200,000-character text and a 5,000-character speaker with no spaces",
    rows=2,
    errors=0,
    warnings_max=0,
    kept_lines=[2, 3],
    text_len_min=200_000,
)
add(
    "rtl_and_emoji.csv",
    H + "1,محمد بن سلمان,2025-02-01,diplomacy,سنعمل معًا من أجل السلام 🤝\n"
    "2,בנימין נתניהו,2025-02-02,security,אנחנו נמשיך לדבר 🇮🇱\n"
    "3,Claudia Sheinbaum,2025-02-03,trade,👍🔥🇲🇽 👨‍👩‍👧\n"
    "4,Mixed Direction,2025-02-04,trade,English then עברית then العربية then \u202etxt.exe\n",
    description="right-to-left scripts, flags, ZWJ emoji sequences and a right-to-left override character",
    rows=4,
    errors=0,
    warnings_max=0,
    kept_lines=[2, 3, 4, 5],
    text_contains=["سنعمل معًا من أجل السلام 🤝", "אנחנו נמשיך לדבר 🇮🇱", "👍🔥🇲🇽 👨‍👩‍👧", "\u202etxt.exe"],
)
add(
    "formula_cells.csv",
    H + '1,Mark Carney,2025-01-10,trade,"=HYPERLINK(""http://evil.example"",""click me"")"\n'
    "2,Doug Ford,2025-01-11,energy,+cmd|' /C calc'!A0\n"
    "3,Mélanie Joly,2025-01-12,diplomacy,-2+3\n"
    "4,Pierre Poilievre,2025-01-13,=A1,@SUM(A1:A2)\n"
    "5,=1+1,2025-01-14,trade,a formula-looking speaker\n",
    description="spreadsheet-formula-looking cells are ordinary text: kept verbatim",
    rows=5,
    errors=0,
    warnings_max=0,
    kept_lines=[2, 3, 4, 5, 6],
    text_contains=['=HYPERLINK("http://evil.example","click me")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)"],
)
add(
    "html_injection.csv",
    H + "1,Mark Carney,2025-01-10,trade,<script>alert(1)</script>\n"
    "2,<b>Doug Ford</b>,2025-01-11,energy,<img src=x onerror=alert(1)>\n"
    "3,Mélanie Joly,2025-01-12,<iframe src=javascript:alert(1)>,[x](javascript:alert(1))\n"
    "4,Pierre Poilievre,2025-01-13,economy,{{7*7}} ${7*7} <!-- comment --> &lt;&amp;\n",
    description="HTML, script, Markdown-link and template injection text: kept verbatim as data",
    rows=4,
    errors=0,
    warnings_max=0,
    kept_lines=[2, 3, 4, 5],
    text_contains=[
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "{{7*7}} ${7*7}",
    ],
)
add(
    "javascript_url.csv",
    "id,speaker,date,topic,text,source_url\n"
    "1,Mark Carney,2025-01-10,trade,js url,javascript:alert(1)\n"
    "2,Doug Ford,2025-01-11,energy,mixed case js url,JavaScript:alert(document.cookie)\n"
    '3,Mélanie Joly,2025-01-12,diplomacy,data url,"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="\n'
    "4,Pierre Poilievre,2025-01-13,economy,fine url,https://example.com/ok\n"
    "5,Chrystia Freeland,2025-01-14,trade,no url,\n",
    description="non-http(s) source URLs are kept as text with a warning (never made clickable)",
    rows=5,
    errors=0,
    warnings_min=3,
    kept_lines=[2, 3, 4, 5, 6],
    problem_lines=[2, 3, 4],
    must_mention=["not an http(s) link"],
)


def write(out: Path = HERE, big: bool = False) -> list[Path]:
    written = []
    for name, data, expected in CORPUS:
        (out / name).write_bytes(data)
        (out / f"{name}.expected.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        written.append(out / name)
    if big:
        written.append(write_big(out / "huge_60mb.csv"))
    return written


def write_big(path: Path, size: int = 60 * 1024 * 1024) -> Path:
    """A valid-looking CSV of ``size`` bytes, written in chunks (never held in memory whole)."""
    row = "1,Mark Carney,2025-01-10,trade,This row is repeated to make the file too big to read\n"
    chunk = (row * (1024 * 1024 // len(row) + 1)).encode()[: 1024 * 1024]
    with path.open("wb") as f:
        f.write(H.encode())
        remaining = size - len(H)
        while remaining > 0:
            f.write(chunk[:remaining])
            remaining -= len(chunk)
    return path


if __name__ == "__main__":
    files = write(big="--big" in sys.argv[1:])
    print(f"wrote {len(files)} files to {HERE}")
