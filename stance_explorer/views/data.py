"""The Data page's views: what the page says about each uploaded file (how it was read, why it was
refused, the column mapping, the problems and their report, the rows to add) and about the merged
data, built from the reader's result without Streamlit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from stance_explorer import schema as S
from stance_explorer.export import safe_csv_bytes, statements_for_export
from stance_explorer.reader import ReadResult, delimiter_name, map_columns, problems_frame
from stance_explorer.wording import counted

#: The mapping box's choice for a field fed by no column.
IGNORE = "(not used)"
#: The fields a user can point a column at.
MAPPABLE = (S.TEXT, S.SPEAKER, S.DATE, S.TOPIC, S.SOURCE_URL, S.QUOTE_TYPE)
#: Rows of a file shown before it is added.
PREVIEW_ROWS = 200
CSV_FORMAT = (
    "Required columns: **speaker**, **date**, **text**. Recommended: **topic**. Optional: id, role, country, "
    "date_precision, language, quote_type (*direct* or *partial*), source_title, source_url, context. "
    "Other columns are kept as they are. Headers such as *quote*, *statement*, *official*, *name*, *when*, "
    "*issue* or *subject* are understood. Dates may be 2026-01-29, 29/01/2026, January 29, 2026, 2026-01 or 2026. "
    "Comma, semicolon and tab separators and UTF-8 or Excel (Windows-1252) encodings all work. "
    "Spanish files work too: *cita*, *declaración*, *orador*, *fecha*, *tema*, *fuente*, *enlace* and dates "
    "such as 29 de enero de 2026 or 29-ene-26 (a file with a *fecha* column reads 03/02/2026 day-first)."
)


def intro(saving_on: bool) -> str:
    """The page's opening caption; it names the Save button only where the operator turned saving on."""
    return (
        "Add your own statements. Uploads stay in this browser session: they are not saved on the server "
        + ("unless you press Save below (the app's operator turned saving on) " if saving_on else "")
        + "and no other visitor can see them. A CSV needs a speaker, a date and the quote; a topic is recommended."
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


@dataclass
class FileView:
    """What the page shows for one uploaded file."""

    name: str
    result: ReadResult
    refused: str | None
    read_as: str | None
    mapping: dict[str, str]
    problems: pd.DataFrame | None
    problems_title: str | None
    preview: pd.DataFrame

    @property
    def headers(self) -> list[str]:
        return list(self.result.headers or [])

    @property
    def options(self) -> list[str]:
        """The mapping boxes' options: no column, then each of the file's headers."""
        return [IGNORE] + self.headers

    def used_for(self, field: str) -> str:
        """The header that feeds ``field`` now, or ``IGNORE``."""
        return next((h for h, c in self.mapping.items() if c == field), IGNORE)

    def problems_csv(self) -> bytes:
        return safe_csv_bytes(self.problems)

    @property
    def problems_file_name(self) -> str:
        return f"{Path(self.name).stem}-problems.csv"

    @property
    def count(self) -> int:
        """Statements the file adds."""
        return len(self.result.frame)

    @property
    def preview_title(self) -> str:
        return f"**Preview: the {counted(self.count, 'statement')} to add**"

    @property
    def added_note(self) -> str:
        return f"Added: {counted(self.count, 'statement')} from {self.name} are in use on every page (dataset: merged)."

    def added_message(self, new: int) -> str:
        """What the page announces once the rows are added, ``new`` of them embedded just now."""
        return (
            f"Added {counted(self.count, 'statement')} from {self.name} ({new} newly embedded, "
            f"{self.count - new} already known)."
        )

    @property
    def add_label(self) -> str:
        """The Add button's label."""
        return f"Add {counted(self.count, 'statement')}"


def file_view(name: str, result: ReadResult, column_map: dict[str, str] | None = None) -> FileView:
    """What the page says about the file ``name`` as the reader read it (with the user's ``column_map``)."""
    refused = read_as = None
    if result.unreadable:
        refused = f"{name} cannot be used: " + "; ".join(p.message for p in result.errors if p.line is None)
    else:
        skipped = len([p for p in result.errors if p.line])
        read_as = (
            f"Read as {result.encoding}, {delimiter_name(result.delimiter)}-separated: "
            f"{counted(result.rows_read, 'row')}, {len(result.frame)} usable, {skipped} skipped, "
            f"{counted(len(result.warnings), 'warning')}."
        )
    # A refused file has no mapping of its own: show the columns found by name anyway.
    mapping = result.mapping or {}
    if result.headers and not mapping:
        mapping = {result.headers[p]: c for p, c in map_columns(result.headers, column_map or None)[0].items()}
    problems = title = None
    if result.problems:
        problems = problems_frame(result.problems)
        title = (
            f"**Problems: {_plural(len(result.errors), 'error')} (row skipped), "
            f"{_plural(len(result.warnings), 'warning')} (row kept)**"
        )
    return FileView(name, result, refused, read_as, mapping, problems, title, result.frame.head(PREVIEW_ROWS))


def remapped(choices: dict[str, str], mapping: dict[str, str]) -> dict[str, str]:
    """The column map the file is read again with: each field's chosen header; a header the user took
    off a field maps to "" (the reader then ignores a column it would otherwise find by name).

    Args:
        choices: Field -> the header picked for it, or ``IGNORE``.
        mapping: Header -> field, as the file was last read.

    Returns:
        Header -> field ("" for "not used").
    """
    new_map: dict[str, str] = {}
    unmapped: list[str] = []
    for field, choice in choices.items():
        used = next((h for h, c in mapping.items() if c == field), IGNORE)
        if choice != IGNORE:
            new_map[choice] = field
        elif used != IGNORE:
            unmapped.append(used)
    for header in unmapped:
        new_map.setdefault(header, "")
    return new_map


def merged_csv(frame: pd.DataFrame) -> bytes:
    """The merged statements as the download offers them, cells safe for spreadsheets."""
    return safe_csv_bytes(statements_for_export(frame))


def field_label(field: str) -> str:
    """A mapping box's label: the field, marked when the reader requires it."""
    return f"{field} (required)" if field in S.REQUIRED_COLUMNS else field


def merged_note(statements: int, mode: str) -> str:
    """What the merged-data section says about the dataset in use."""
    return f"The dataset in use has {counted(statements, 'statement')} ({mode})."
