"""The one place that names the statements table's columns, their aliases and the Problem value."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Literal

# Column names of the statements table. Every reader produces them; every page reads them.
ID = "id"
SPEAKER = "speaker"
ROLE = "role"
COUNTRY = "country"
DATE = "date"
DATE_PRECISION = "date_precision"
TOPIC = "topic"
TEXT = "text"
LANGUAGE = "language"
QUOTE_TYPE = "quote_type"
SOURCE_TITLE = "source_title"
SOURCE_URL = "source_url"
CONTEXT = "context"
# Added by the reader: where a row came from, so every problem and every row can be traced back.
SOURCE_FILE = "source_file"
SOURCE_LINE = "source_line"

REQUIRED_COLUMNS: tuple[str, ...] = (SPEAKER, DATE, TEXT)
KNOWN_COLUMNS: tuple[str, ...] = (
    ID,
    SPEAKER,
    ROLE,
    COUNTRY,
    DATE,
    DATE_PRECISION,
    TOPIC,
    TEXT,
    LANGUAGE,
    QUOTE_TYPE,
    SOURCE_TITLE,
    SOURCE_URL,
    CONTEXT,
)
TRACE_COLUMNS: tuple[str, ...] = (SOURCE_FILE, SOURCE_LINE)

# Header aliases, compared after lower-casing and dropping spaces, underscores and hyphens.
ALIASES: dict[str, tuple[str, ...]] = {
    TEXT: ("text", "quote", "statement", "quotation", "quotetext"),
    SPEAKER: ("speaker", "official", "name", "person", "author"),
    DATE: ("date", "when", "day", "datestated"),
    TOPIC: ("topic", "issue", "subject", "theme"),
    ID: ("id", "statementid", "quoteid"),
    ROLE: ("role", "title", "position"),
    COUNTRY: ("country", "nation"),
    DATE_PRECISION: ("dateprecision", "precision"),
    LANGUAGE: ("language", "lang"),
    QUOTE_TYPE: ("quotetype", "type"),
    SOURCE_TITLE: ("sourcetitle", "source", "headline"),
    SOURCE_URL: ("sourceurl", "url", "link"),
    CONTEXT: ("context", "note", "notes"),
}

#: Spanish headers, as Mexican newsrooms and government exports write them (with or without accents).
SPANISH_ALIASES: dict[str, tuple[str, ...]] = {
    TEXT: ("cita", "declaración", "declaracion", "texto", "frase", "citatextual"),
    SPEAKER: (
        "orador",
        "oradora",
        "hablante",
        "funcionario",
        "funcionaria",
        "nombre",
        "autor",
        "autora",
        "persona",
        "vocero",
        "vocera",
    ),
    DATE: ("fecha", "fechadeladeclaración", "fechadeladeclaracion"),
    TOPIC: ("tema", "asunto", "materia"),
    ID: ("folio", "iddelacita"),
    ROLE: ("cargo", "puesto"),
    COUNTRY: ("país", "pais", "nación", "nacion"),
    DATE_PRECISION: ("precisión", "precision", "precisióndelafecha", "precisiondelafecha"),
    LANGUAGE: ("idioma", "lengua"),
    QUOTE_TYPE: ("tipo", "tipodecita"),
    SOURCE_TITLE: ("fuente", "título", "titulo", "titular", "medio"),
    SOURCE_URL: ("enlace", "liga", "vínculo", "vinculo", "urldelafuente", "enlacedelafuente"),
    CONTEXT: ("contexto", "nota", "notas", "ocasión", "ocasion"),
}
for _col, _extra in SPANISH_ALIASES.items():
    ALIASES[_col] = ALIASES[_col] + tuple(a for a in _extra if a not in ALIASES[_col])

# quote_type values. A partial quote is a fragment the source quoted inside its own sentence.
QUOTE_DIRECT = "direct"
QUOTE_PARTIAL = "partial"
#: quote_type values in Spanish exports, read as the English ones.
QUOTE_TYPE_ALIASES = {
    "directa": QUOTE_DIRECT,
    "directo": QUOTE_DIRECT,
    "textual": QUOTE_DIRECT,
    "parcial": QUOTE_PARTIAL,
}

# date_precision values, finest first.
PRECISIONS: tuple[str, ...] = ("day", "month", "year", "article")

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input. An error means the row was skipped; a warning means it was kept.

    ``line`` is the 1-based line in the file where the row starts (the header is line 1); ``None``
    for problems with the whole file. ``column`` is the user's own header name when there is one.
    """

    file: str
    line: int | None
    column: str | None
    severity: Severity
    message: str

    def to_dict(self) -> dict[str, object]:
        """The problem as a plain dict.

        Returns:
            The fields (file, line, column, severity, message) keyed by name.
        """
        return asdict(self)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.severity}: {self.message}"


PROBLEM_COLUMNS: tuple[str, ...] = ("file", "line", "column", "severity", "message")


#: A source link is made clickable only when it is http(s); anything else is kept as text.
WEB_LINK = re.compile(r"^https?://", re.IGNORECASE)


def is_web_link(url: str) -> bool:
    """Whether a source URL is an http(s) link (the only kind shown as a link).

    Args:
        url: The source URL.

    Returns:
        True when it starts with http:// or https:// (any case).
    """
    return bool(WEB_LINK.match(url))
