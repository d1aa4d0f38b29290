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


#: Weekday names a date may start with ("jueves, 29 de enero de 2026", "Thursday, January 29, 2026").
WEEKDAYS = frozenset(
    "monday mon tuesday tue tues wednesday wed thursday thu thurs friday fri saturday sat sunday sun "
    "lunes martes miércoles miercoles jueves viernes sábado sabado domingo "
    "lun mié mie jue vie sáb sab dom "
    "lundi mardi mercredi jeudi vendredi samedi dimanche".split()
)
#: Filler words around a written-out date ("a 29 de enero del 2026", "the 29th of January").
FILLERS = frozenset(("de", "del", "the", "of", "le", "a", "el"))


class DateError(ValueError):
    """The value is not a date this reader understands; the message says what was expected."""


@dataclass(frozen=True)
class ParsedDate:
    value: date
    precision: str  # "day", "month" or "year"
    note: str | None = None  # set when the reading involved a guess the user should know about


_ISO = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_YM = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_Y = re.compile(r"^(\d{4})$")
_TIME = r"(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?\s?m\.?)?(?:\s*h(?:rs?)?\.?)?)?"
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})" + _TIME + "$", flags=re.IGNORECASE)
_WORDS = re.compile(r"\d+(?:st|nd|rd|th|º|°|o)?|[a-zA-Zàáâäéèêëíîïóôöúùûüçñ]+\.?")


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

    Args:
        raw: The date as written.
        dayfirst: Read an ambiguous numeric date day-first instead of month-first.

    Returns:
        The ParsedDate: the date, its precision ("day", "month" or "year") and any note.

    Raises:
        DateError: The text is empty, not a date this reader understands, or not a real date.
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
    s_no_time = re.sub(
        r"\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?\s?m\.?)?(?:\s*h(?:rs?)?\.?)?\s*$", "", s, flags=re.IGNORECASE
    )
    words = [w.rstrip(".").lower() for w in _WORDS.findall(s_no_time.replace(",", " "))]
    words = [w for w in words if w not in FILLERS and w not in WEEKDAYS]
    words = [re.sub(r"(st|nd|rd|th|º|°|o)$", "", w) if w[:1].isdigit() else w for w in words]
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
        if not years and len(days) == 2 and month_idx[0] == 1:  # 29-ene-26, as Excel in Spanish writes it
            y = int(nums[1]) + (2000 if int(nums[1]) < 70 else 1900)
            return _make(y, month, int(nums[0]), "day", f"two-digit year read as {y}")
    raise DateError(
        f"'{s[:40]}' is not a date this reader understands; use YYYY-MM-DD, DD/MM/YYYY, "
        "'January 29, 2026', '29 de enero de 2026', YYYY-MM or YYYY"
    )


def numeric_order(values) -> str | None:
    """How a column writes numeric dates, from its unambiguous ones: "day-first" when some date has
    a first number over 12 (29/01/2026) and none a second (01/29/2026), "month-first" for the
    opposite, None when nothing tells (or both appear).

    Args:
        values: The column's date values (any objects; read as strings).

    Returns:
        "day-first", "month-first" or None.
    """
    first = second = False
    for v in values:
        if m := _NUMERIC.match(str(v).strip()):
            first |= int(m[1]) > 12
            second |= int(m[2]) > 12
    if first != second:
        return "day-first" if first else "month-first"
    return None
