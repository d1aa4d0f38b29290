"""Read statement CSVs from a path or uploaded bytes into valid rows plus a list of problems.

Nothing here raises on bad input: every outcome is a :class:`ReadResult` whose ``problems`` name
the file, line, column, severity and what to do about it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from stance_explorer import schema as S
from stance_explorer.dates import DateError, numeric_order, parse_date

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_ROWS = 1_000_000
DELIMITERS = (",", ";", "\t")
_DELIM_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def delimiter_name(delimiter: str) -> str:
    """A delimiter as a reader says it: comma, semicolon, tab (anything else quoted).

    Args:
        delimiter: One character.

    Returns:
        Its name, such as "comma".
    """
    return _DELIM_NAMES.get(delimiter, repr(delimiter))


# File signatures of formats people upload by mistake.
_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (an Excel .xlsx workbook?); save it as CSV first",
    b"\xd0\xcf\x11\xe0": "an old Excel/Word file; save it as CSV first",
    b"%PDF": "a PDF document, not a CSV",
    b"\x89PNG": "a PNG image, not a CSV",
    b"\xff\xd8\xff": "a JPEG image, not a CSV",
    b"GIF8": "a GIF image, not a CSV",
    b"\x1f\x8b": "a gzip archive; unpack it first",
}


@dataclass
class ReadResult:
    """Valid rows, problems, and how the file was understood."""

    file: str
    frame: pd.DataFrame
    problems: list[S.Problem] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # user header -> statements column
    headers: list[str] = field(default_factory=list)  # the file's own header row, as found
    encoding: str | None = None
    delimiter: str | None = None
    rows_read: int = 0  # data rows seen in the file, valid or not

    @property
    def unreadable(self) -> bool:
        """The whole file was refused (a problem with no line)."""
        return any(p.severity == "error" and p.line is None for p in self.problems)

    @property
    def errors(self) -> list[S.Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[S.Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def empty_frame() -> pd.DataFrame:
    """A statements table with no rows and every known column, correctly typed.

    Returns:
        An empty DataFrame with the known columns, a datetime date and an int64 source line.
    """
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in S.KNOWN_COLUMNS})
    frame[S.DATE] = pd.Series(dtype="datetime64[ns]")
    frame[S.SOURCE_FILE] = pd.Series(dtype=object)
    frame[S.SOURCE_LINE] = pd.Series(dtype="int64")
    return frame


def normalize_header(name: str) -> str:
    """A header as the column mapping compares it: lower case, without spaces, _ - . or a BOM.

    Args:
        name: A header as written.

    Returns:
        The normalized header.
    """
    return re.sub(r"[\s_\-.]+", "", name.strip().lstrip("\ufeff").lower())


def map_columns(headers: list[str], overrides: Mapping[str, str] | None = None) -> tuple[dict[int, str], list[str]]:
    """Map header positions to statements columns.

    ``overrides`` maps a user header to a statements column (or to "" to ignore it) and wins over
    the aliases. Returns ``{position: column}`` and notes about headers that were passed over.

    Args:
        headers: The file's headers, in order.
        overrides: User header to statements column, or to "" to ignore it.

    Returns:
        ({header position: statements column}, notes).
    """
    overrides = dict(overrides or {})
    alias_of = {alias: col for col, aliases in S.ALIASES.items() for alias in aliases}
    taken: dict[str, int] = {}
    out: dict[int, str] = {}
    notes: list[str] = []
    # Overrides first, then exact names, then aliases, so "text" beats "statement" when both exist.
    passes = [
        lambda h: overrides.get(h),
        lambda h: normalize_header(h) if normalize_header(h) in S.KNOWN_COLUMNS else None,
        lambda h: alias_of.get(normalize_header(h)),
    ]
    for rule_no, rule in enumerate(passes):
        for pos, header in enumerate(headers):
            if pos in out or (rule_no > 0 and header in overrides):
                continue
            col = rule(header)
            if not col:
                continue
            if col in taken:
                if rule_no == 0:
                    notes.append(
                        f"'{header}' and '{headers[taken[col]]}' were both mapped to '{col}'; using '{headers[taken[col]]}'"
                    )
                continue
            taken[col] = pos
            out[pos] = col
    return out, notes


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "UTF-16"
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "UTF-8 with BOM"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "Latin-1"


def _looks_utf16_without_bom(raw: bytes) -> bool:
    sample = raw[:2000]
    return len(sample) >= 4 and (sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4)


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the header line into the most fields (quotes respected)."""
    # The header is the first line with something in it (the reader skips blank lines before it);
    # lines may end in \n, \r\n or a lone \r.
    first = next((m.group() for m in re.finditer(r"[^\r\n]+", text) if re.sub(r'[\s,;"]', "", m.group())), "")
    best, best_n = ",", 1
    for d in DELIMITERS:
        try:
            n = len(next(csv.reader([first], delimiter=d)))
        except (csv.Error, StopIteration):
            continue
        if n > best_n:
            best, best_n = d, n
    return best


def _ends_in_open_quote(text: str, start_line: int, delimiter: str) -> bool:
    """Whether the record starting at ``start_line`` runs to the end of ``text`` inside a quoted field.

    The csv module (strict=False) silently reads an unclosed quote to the end of the file, swallowing
    every row after it; this finds that case. Lines are counted as ``io.StringIO(newline="")`` does.
    """
    lines = io.StringIO(text, newline="")
    for _ in range(start_line - 1):
        lines.readline()
    in_quotes, field_start = False, True
    for line in lines:
        i, n = 0, len(line)
        while i < n:
            ch = line[i]
            if in_quotes:
                if ch == '"':
                    if i + 1 < n and line[i + 1] == '"':
                        i += 1
                    else:
                        in_quotes = False
                field_start = False
            elif ch == '"' and field_start:
                in_quotes, field_start = True, False
            else:
                field_start = ch in (delimiter, "\r", "\n")
            i += 1
    return in_quotes


def _fatal(name: str, message: str, **kw) -> ReadResult:
    return ReadResult(file=name, frame=empty_frame(), problems=[S.Problem(name, None, None, "error", message)], **kw)


def _fatal_with_headers(header: list[str], name: str, message: str, **kw) -> ReadResult:
    # Keep the headers so the app can offer a column mapping that fixes the file.
    res = _fatal(name, message, **kw)
    res.headers = list(header)
    return res


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def read_statements(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    dayfirst: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    column_map: Mapping[str, str] | None = None,
    today: date | None = None,
) -> ReadResult:
    """Read one statements CSV.

    Args:
        source: a path, or the file's bytes (an upload).
        name: the file name used in problems; defaults to the path's name or "upload.csv".
        dayfirst: read ambiguous numeric dates such as 03/04/2026 as day/month.
        max_bytes, max_rows: refuse files larger than this (checked before reading the whole file).
        column_map: user header -> statements column, overriding the automatic mapping.
        today: dates after this are flagged as in the future (defaults to today).

    Returns:
        A :class:`ReadResult`; never raises on bad input.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            size = path.stat().st_size
            if size > max_bytes:
                return _fatal(
                    name,
                    f"the file is {_size_text(size)}, over the {_size_text(max_bytes)} limit; split it or raise the limit",
                )
            raw = path.read_bytes()
        except OSError as exc:
            return _fatal(name, f"cannot open the file: {exc.strerror or exc}")
    else:
        name = name or "upload.csv"
        raw = bytes(source)
        if len(raw) > max_bytes:
            return _fatal(
                name,
                f"the file is {_size_text(len(raw))}, over the {_size_text(max_bytes)} limit; split it or raise the limit",
            )
    return _read_bytes(
        raw, name, dayfirst=dayfirst, max_rows=max_rows, column_map=column_map, today=today or date.today()
    )


class _Unusable(Exception):
    """A whole file refused by one of the reading steps; ``headers`` kept when a mapping could fix it."""

    def __init__(self, message: str, headers: list[str] | None = None) -> None:
        super().__init__(message)
        self.message, self.headers = message, headers


@dataclass
class _Records:
    """The file split into a header and its non-blank data records, each with its first line number."""

    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]]
    last_line: int  # the line the csv module stopped at
    unclosed: int | None  # start line of a last row whose quote never closes


@dataclass
class _Columns:
    """Where each statements column sits in a row, and what unmapped columns are called."""

    header: list[str]
    positions: dict[int, str]  # position in the row -> statements column
    col_pos: dict[str, int]  # statements column -> position
    extras: dict[int, str]  # position of an unmapped column -> its (unique) name


def _read_bytes(raw: bytes, name: str, *, dayfirst: bool, max_rows: int, column_map, today: date) -> ReadResult:
    """Decode, split into records, map the header, check each row; a refused file is one problem."""
    try:
        text, encoding, nul_note = _decode_file(raw)
    except _Unusable as exc:
        return _fatal(name, exc.message)
    delimiter = _sniff_delimiter(text.lstrip("\r\n"))
    result = ReadResult(file=name, frame=empty_frame(), encoding=encoding, delimiter=delimiter)
    if encoding not in ("UTF-8", "UTF-8 with BOM"):
        result.problems.append(S.Problem(name, None, None, "warning", f"read as {encoding} text (not UTF-8)"))
    if nul_note:
        result.problems.append(S.Problem(name, None, None, "warning", nul_note))
    try:
        records = _split_records(text, name, delimiter, max_rows, result.problems)
        columns = _map_header(records, name, column_map, result)
    except _Unusable as exc:
        if exc.headers is not None:
            return _fatal_with_headers(exc.headers, name, exc.message, encoding=encoding, delimiter=delimiter)
        return _fatal(name, exc.message, encoding=encoding, delimiter=delimiter)
    result.rows_read = len(records.rows)
    dayfirst = dayfirst or _spanish_dayfirst(records, columns)
    rows = _check_rows(records, columns, name, delimiter, dayfirst=dayfirst, today=today, problems=result.problems)
    result.frame = to_frame(rows, name)
    return result


def _decode_file(raw: bytes) -> tuple[str, str, str | None]:
    """(text, encoding, note on dropped NUL bytes); refuses empty, binary and known non-CSV files."""
    nul_note = None
    if not raw.strip():
        raise _Unusable("the file is empty")
    for magic, what in _MAGIC.items():
        if raw.startswith(magic):
            raise _Unusable(f"this is {what}")
    if b"\x00" in raw[:65536] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        if _looks_utf16_without_bom(raw):
            try:
                raw = b"\xff\xfe" + raw if raw[1:2] == b"\x00" else b"\xfe\xff" + raw
                raw.decode("utf-16")
            except UnicodeDecodeError:
                raise _Unusable("this is binary data, not a CSV text file") from None
        elif raw.count(b"\x00") <= max(4, len(raw) // 1000):
            # A few stray NUL bytes (a flaky export) are dropped rather than refusing the whole file.
            stray = raw.count(b"\x00")
            raw = raw.replace(b"\x00", b"")
            nul_note = f"removed {stray} stray NUL byte{'s' if stray != 1 else ''} from the file"
        else:
            raise _Unusable("this is binary data, not a CSV text file")
    try:
        text, encoding = _decode(raw)
    except UnicodeDecodeError:
        raise _Unusable("the file's text encoding is not readable (tried UTF-16, UTF-8, Windows-1252)") from None
    # Text files rarely hold control characters; many of them mean the file is not text at all.
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > max(8, len(text[:65536]) // 100):
        raise _Unusable("this is binary data, not a CSV text file")
    return text.replace("\x00", ""), encoding, nul_note


def _split_records(text: str, name: str, delimiter: str, max_rows: int, problems: list[S.Problem]) -> _Records:
    """The header (first non-blank record) and the non-blank data records, with their line numbers."""
    csv.field_size_limit(max(len(text), 131072))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header: list[str] | None = None
    header_line = 1
    rows: list[tuple[int, list[str]]] = []
    prev_end = 0
    try:
        for fields in reader:
            start_line = prev_end + 1
            prev_end = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if header is None:
                header, header_line = [f.strip().lstrip("\ufeff") for f in fields], start_line
                continue
            if len(rows) >= max_rows:
                raise _Unusable(
                    f"the file has more than {max_rows:,} rows, over the row limit; split it or raise the limit"
                )
            rows.append((start_line, fields))
    except csv.Error as exc:
        problems.append(
            S.Problem(
                name, prev_end + 1, None, "error", f"the CSV structure breaks here ({exc}); rows after it were not read"
            )
        )
    if header is None:
        raise _Unusable("the file has no header row")
    unclosed: int | None = None
    if rows and _ends_in_open_quote(text, rows[-1][0], delimiter):
        unclosed = rows[-1][0]
        if prev_end == unclosed:
            problems.append(
                S.Problem(
                    name,
                    unclosed,
                    None,
                    "warning",
                    "a quote opened in this row is never closed; read to the end of the line",
                )
            )
            unclosed = None
    if len(header) == 1 and len(header[0]) > 200:
        raise _Unusable(
            "this does not look like a CSV: the first line is one long field with no comma, semicolon or tab"
        )
    return _Records(header, header_line, rows, prev_end, unclosed)


def _map_header(records: _Records, name: str, column_map, result: ReadResult) -> _Columns:
    """Which column feeds each field (recorded in ``result``); refuses a file without text, speaker or date."""
    header = records.header
    result.headers = list(header)
    positions, notes = map_columns(header, column_map)
    col_pos = {col: pos for pos, col in positions.items()}
    result.mapping = {header[pos]: col for pos, col in sorted(positions.items())}
    for note in notes:
        result.problems.append(S.Problem(name, records.header_line, None, "warning", note))
    found = ", ".join(f"'{h}'" for h in header[:12])
    if S.TEXT not in col_pos:
        raise _Unusable(
            f"no column can be used as the statement text; found {found}. "
            "Name one 'text' (or quote/statement), or pick it in the column mapping",
            headers=header,
        )
    for req in (S.SPEAKER, S.DATE):
        if req not in col_pos:
            raise _Unusable(
                f"no '{req}' column; found {found}. Add one, or pick it in the column mapping "
                f"({'/'.join(S.ALIASES[req][:3])} are understood)",
                headers=header,
            )
    if S.TOPIC not in col_pos:
        result.problems.append(
            S.Problem(
                name,
                records.header_line,
                None,
                "warning",
                "no 'topic' column; every statement gets the topic 'unspecified'",
            )
        )
    # Unmapped columns pass through under their own names (made unique against ours).
    extras: dict[int, str] = {}
    reserved = set(S.KNOWN_COLUMNS) | set(S.TRACE_COLUMNS)
    for pos, h in enumerate(header):
        if pos in positions:
            continue
        col = h or f"column_{pos + 1}"
        while col in reserved or col in extras.values():
            col = f"{col}_"
        extras[pos] = col
    return _Columns(header, positions, col_pos, extras)


def _spanish_dayfirst(records: _Records, columns: _Columns) -> bool:
    """A Spanish export (Mexico, Spain) writes DD/MM/YYYY: a file whose date column has a Spanish
    header reads its ambiguous dates (03/04/2026) day-first, unless it writes one month-first (01/29/2026)."""
    pos = columns.col_pos[S.DATE]
    if normalize_header(columns.header[pos]) not in S.SPANISH_ALIASES[S.DATE]:
        return False
    return numeric_order(f[pos] for _, f in records.rows if len(f) > pos) != "month-first"


def _row_shape(
    fields: list[str], line: int, records: _Records, width: int, name: str, delimiter: str, problems: list[S.Problem]
) -> list[str] | None:
    """The row's fields padded to the header's width, or None when the row must be skipped (a problem says why)."""
    if line == records.unclosed:
        why = (
            f"a quote opened in this row is never closed, so lines {line}-{records.last_line} were read as one "
            "field; close the quote. Row skipped"
        )
        problems.append(S.Problem(name, line, None, "error", why))
        return None
    if len(fields) > width and any(f.strip() for f in fields[width:]):
        why = (
            f"the row has {len(fields)} fields but the header has {width}; a field probably holds an unquoted "
            f"{delimiter_name(delimiter)}. Quote that field; row skipped"
        )
        problems.append(S.Problem(name, line, None, "error", why))
        return None
    if len(fields) < width:
        why = f"the row has {len(fields)} fields but the header has {width}; the missing ones are left empty"
        problems.append(S.Problem(name, line, None, "warning", why))
        fields = fields + [""] * (width - len(fields))
    return fields


def _check_rows(
    records: _Records,
    columns: _Columns,
    name: str,
    delimiter: str,
    *,
    dayfirst: bool,
    today: date,
    problems: list[S.Problem],
) -> list[dict]:
    """The rows to keep, as dicts; every row skipped or doubtful gets a problem naming its line."""
    out: list[dict] = []
    seen: dict[tuple[str, object, str], int] = {}
    seen_ids: dict[str, int] = {}
    width = len(columns.header)
    for line, fields in records.rows:
        fields = _row_shape(fields, line, records, width, name, delimiter, problems)
        if fields is None:
            continue
        rec = _check_record(fields, line, columns, name, dayfirst=dayfirst, today=today, problems=problems)
        if rec is None:
            continue
        dup_key = (rec[S.SPEAKER], rec[S.DATE], rec[S.TEXT])
        if dup_key in seen:
            problems.append(
                S.Problem(
                    name,
                    line,
                    None,
                    "warning",
                    f"exact duplicate of line {seen[dup_key]} (same speaker, date and text); dropped",
                )
            )
            continue
        seen[dup_key] = line
        sid = rec.get(S.ID, "")
        if sid:
            if sid in seen_ids:
                problems.append(
                    S.Problem(
                        name,
                        line,
                        columns.header[columns.col_pos[S.ID]],
                        "warning",
                        f"the id '{sid[:40]}' is also used on line {seen_ids[sid]}; both rows kept",
                    )
                )
            else:
                seen_ids[sid] = line
        for pos, col in columns.extras.items():
            rec[col] = fields[pos].strip() if pos < len(fields) else ""
        rec[S.SOURCE_FILE] = name
        rec[S.SOURCE_LINE] = line
        out.append(rec)
    return out


def _check_record(
    fields: list[str],
    line: int,
    columns: _Columns,
    name: str,
    *,
    dayfirst: bool,
    today: date,
    problems: list[S.Problem],
) -> dict | None:
    """One row's statement fields, checked (text, speaker, date, source link), or None when it is skipped."""
    header, col_pos = columns.header, columns.col_pos
    rec = {col: fields[pos].strip() for pos, col in columns.positions.items()}
    bad = False
    if not rec.get(S.TEXT, ""):
        problems.append(
            S.Problem(name, line, header[col_pos[S.TEXT]], "error", "the statement text is empty; row skipped")
        )
        bad = True
    if not rec.get(S.SPEAKER, ""):
        problems.append(S.Problem(name, line, header[col_pos[S.SPEAKER]], "error", "the speaker is empty; row skipped"))
        bad = True
    date_col = header[col_pos[S.DATE]]
    try:
        parsed = parse_date(rec.get(S.DATE, ""), dayfirst=dayfirst)
    except DateError as exc:
        problems.append(S.Problem(name, line, date_col, "error", f"{exc}; row skipped"))
        return None
    if bad:
        return None
    if parsed.value.year < 1800:
        problems.append(
            S.Problem(name, line, date_col, "error", f"the date {parsed.value} is implausibly early; row skipped")
        )
        return None
    if parsed.value.year > 2200:  # also keeps dates inside what datetime64[ns] can hold (2262)
        problems.append(
            S.Problem(name, line, date_col, "error", f"the date {parsed.value} is implausibly late; row skipped")
        )
        return None
    if parsed.note:
        problems.append(S.Problem(name, line, date_col, "warning", f"'{rec[S.DATE]}': {parsed.note}"))
    if parsed.value > today:
        problems.append(
            S.Problem(name, line, date_col, "warning", f"the date {parsed.value} is in the future; kept as given")
        )
    given_precision = rec.get(S.DATE_PRECISION, "").lower()
    rec[S.DATE_PRECISION] = given_precision if given_precision in S.PRECISIONS else parsed.precision
    rec[S.DATE] = pd.Timestamp(parsed.value)
    if S.QUOTE_TYPE in rec:
        rec[S.QUOTE_TYPE] = rec[S.QUOTE_TYPE].lower()
        rec[S.QUOTE_TYPE] = S.QUOTE_TYPE_ALIASES.get(rec[S.QUOTE_TYPE], rec[S.QUOTE_TYPE])
    url = rec.get(S.SOURCE_URL, "")
    if url and not S.is_web_link(url):
        problems.append(
            S.Problem(
                name,
                line,
                header[col_pos[S.SOURCE_URL]],
                "warning",
                "the source URL is not an http(s) link; it is kept as text and not made clickable",
            )
        )
    return rec


def to_frame(records: Iterable[dict], name: str = "") -> pd.DataFrame:
    """Build a statements table from row dicts, filling absent known columns.

    Args:
        records: One dict per row, keyed by statements column.
        name: The file name, whose stem makes the ids of rows without one.

    Returns:
        A statements table: known columns, then extra ones, then the trace columns.
    """
    frame = pd.DataFrame.from_records(list(records))
    base = empty_frame()
    if frame.empty:
        extra = [c for c in frame.columns if c not in base.columns]
        return pd.concat([base, pd.DataFrame(columns=extra)], axis=1) if extra else base
    for col in S.KNOWN_COLUMNS + S.TRACE_COLUMNS:
        if col not in frame:
            frame[col] = ""
    frame[S.TOPIC] = frame[S.TOPIC].replace("", "unspecified")
    stem = Path(name).stem or "row"
    missing_id = frame[S.ID] == ""
    frame.loc[missing_id, S.ID] = [f"{stem}:{n}" for n in frame.loc[missing_id, S.SOURCE_LINE]]
    frame[S.DATE] = pd.to_datetime(frame[S.DATE]).astype("datetime64[ns]")
    frame[S.SOURCE_LINE] = frame[S.SOURCE_LINE].astype("int64")
    ordered = (
        list(S.KNOWN_COLUMNS)
        + [c for c in frame.columns if c not in S.KNOWN_COLUMNS and c not in S.TRACE_COLUMNS]
        + list(S.TRACE_COLUMNS)
    )
    return frame[ordered].reset_index(drop=True)


def problems_frame(problems: Iterable[S.Problem]) -> pd.DataFrame:
    """Problems as a table (file, line, column, severity, message) for display or download.

    Args:
        problems: The problems.

    Returns:
        One row per problem, with PROBLEM_COLUMNS.
    """
    return pd.DataFrame([p.to_dict() for p in problems], columns=list(S.PROBLEM_COLUMNS))
