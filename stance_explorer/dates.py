"""Parse the dates people type into spreadsheets, keeping how precise they were."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    [
        ("january", "jan", "enero", "ene", "janvier", "janv"),
        ("february", "feb", "febrero", "février", "fevrier", "févr"),
        ("march", "mar", "marzo", "mars"),
        ("april", "apr", "abril", "abr", "avril", "avr"),
        ("may", "mayo", "mai"),
        ("june", "jun", "junio", "juin"),
        ("july", "jul", "julio", "juillet", "juil"),
        ("august", "aug", "agosto", "ago", "août", "aout"),
        ("september", "sep", "sept", "septiembre", "septembre", "set"),
        ("october", "oct", "octubre", "octobre"),
        ("november", "nov", "noviembre", "novembre"),
        ("december", "dec", "diciembre", "dic", "décembre", "decembre", "déc"),
    ],
    start=1,
):
    for _n in _names:
        MONTHS[_n] = _i


class DateError(ValueError):
    """The value is not a date this reader understands; the message says what was expected."""


@dataclass(frozen=True)
class ParsedDate:
    value: date
    precision: str  # "day", "month" or "year"
    note: str | None = None  # set when the reading involved a guess the user should know about


_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_YM = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_Y = re.compile(r"^(\d{4})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_WORDS = re.compile(r"\d+(?:st|nd|rd|th)?|[a-zA-Zàâäéèêëîïôöùûüçñ]+\.?")


def _make(y: int, m: int, d: int, precision: str, note: str | None = None) -> ParsedDate:
    try:
        return ParsedDate(date(y, m, d), precision, note)
    except ValueError as exc:
        raise DateError(f"not a real date ({exc})") from None


def parse_date(raw: str, *, dayfirst: bool = False) -> ParsedDate:
    """Parse one date.

    Understands ISO (``2026-01-29``, with an optional time), ``29/01/2026`` and ``01/29/2026``,
    ``January 29, 2026``, ``29 January 2026``, ``29 de enero de 2026``, year-month (``2026-01``,
    ``January 2026``) and a bare year. A numeric date whose day and month could be swapped
    (``03/04/2026``) is read month-first, or day-first with ``dayfirst=True``, and says so in
    ``note``. Raises :class:`DateError` otherwise.
    """
    s = raw.strip()
    if not s:
        raise DateError("the date is empty")
    if m := _ISO.match(s):
        return _make(int(m[1]), int(m[2]), int(m[3]), "day")
    if m := _YM.match(s):
        return _make(int(m[1]), int(m[2]), 1, "month")
    if m := _Y.match(s):
        return _make(int(m[1]), 1, 1, "year")
    if m := _NUMERIC.match(s):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        note = None
        if len(m[3]) == 2:
            y += 2000 if y < 70 else 1900
            note = f"two-digit year read as {y}"
        if a > 12 and b > 12:
            raise DateError("neither of the first two numbers can be a month")
        if a > 12:
            day, month = a, b
        elif b > 12:
            month, day = a, b
        else:
            day, month = (a, b) if dayfirst else (b, a)
            if a != b:
                order = "day-first (DD/MM/YYYY)" if dayfirst else "month-first (MM/DD/YYYY)"
                note = (note + "; " if note else "") + f"ambiguous, read {order}"
        return _make(y, month, day, "day", note)
    words = [w.rstrip(".").lower() for w in _WORDS.findall(s.replace(",", " "))]
    words = [w for w in words if w not in ("de", "del", "the", "of", "le")]
    words = [re.sub(r"(st|nd|rd|th)$", "", w) if w[:1].isdigit() else w for w in words]
    month_idx = [i for i, w in enumerate(words) if w in MONTHS]
    nums = [w for w in words if w.isdigit()]
    if len(month_idx) == 1 and len(words) == len(nums) + 1:
        month = MONTHS[words[month_idx[0]]]
        years = [int(n) for n in nums if len(n) == 4]
        days = [int(n) for n in nums if len(n) <= 2]
        if len(years) == 1 and len(days) == 1:
            return _make(years[0], month, days[0], "day")
        if len(years) == 1 and not days:
            return _make(years[0], month, 1, "month")
    raise DateError(
        f"'{s[:40]}' is not a date this reader understands; use YYYY-MM-DD, DD/MM/YYYY, "
        "'January 29, 2026', YYYY-MM or YYYY"
    )
