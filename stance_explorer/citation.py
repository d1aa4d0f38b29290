"""A ready citation of one statement, in plain text or Markdown: speaker, role, date as precise as
known, the quote as the app shows it, the source's title and outlet, and its link.

Pure functions over one statement row (a ``pd.Series`` or a mapping with the schema's columns).
The quote is verbatim: a partial quote (a fragment quoted inside the source's own sentence) keeps
its ellipses, “…like this…”, exactly as the app's quote cards show it.

Plain text goes into documents and spreadsheets, so a citation that would start with a formula
character (=, +, -, @) gets a leading apostrophe, as the CSV exports do. The Markdown style escapes
the characters Markdown reads as markup, so a quote that contains ``*``, ``[...]`` or ``<b>`` reads
as text wherever it is pasted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

import pandas as pd

from stance_explorer import schema as S

PLAIN = "plain"
MARKDOWN = "markdown"
STYLES = (PLAIN, MARKDOWN)

#: What a date of precision "article" means: the statement's own day is not known.
ARTICLE_NOTE = "date of the article"
#: Said of a source without a web link (the seed report's quotes, an upload without a URL), so a
#: reader knows there is nothing to follow rather than a link left out.
NO_LINK = "no link known"
_FORMULA = ("=", "+", "-", "@")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$&#])")
_SPACE = re.compile(r"\s+")
#: A quote whose last word ends its sentence: “…interest.”, “…now!”, “…why?”.
_ENDS_SENTENCE = re.compile(r"[.!?]…?[”\"’']*$")
_MONTHS = "January February March April May June July August September October November December".split()


def _text(value: object) -> str:
    """A cell as one line of text: "" for missing values, runs of white space (newlines too) as one space."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return _SPACE.sub(" ", str(value)).strip()


def citation_date(value: object, precision: object = "day") -> str:
    """A date as precise as it is known: "29 January 2026" (day), "January 2026" (month), "2026"
    (year), "29 January 2026 (date of the article)" (article). "" when there is no date.

    Args:
        value: A date or timestamp; None or NaT for none.
        precision: "day", "month", "year" or "article"; empty means "day".

    Returns:
        The date in English.
    """
    if value is None or pd.isna(value):
        return ""
    d = pd.Timestamp(value)
    precision = _text(precision) or "day"
    if precision == "year":
        return f"{d.year}"
    month = _MONTHS[d.month - 1]  # English whatever the server's locale
    if precision == "month":
        return f"{month} {d.year}"
    day = f"{d.day} {month} {d.year}"
    return f"{day} ({ARTICLE_NOTE})" if precision == "article" else day


def outlet(url: object) -> str:
    """The site a web link points to, without "www.": "fortune.com"; "" when it is not a web link.

    Args:
        url: The source link; anything else gives "".

    Returns:
        The host name.
    """
    url = _text(url)
    if not S.is_web_link(url):
        return ""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def quoted(row: Mapping) -> str:
    """The quote in curly quotes, with ellipses inside them when it is partial: “…fragment…”.

    Args:
        row: A statement, keyed by statements column.

    Returns:
        The quote text in curly quotes.
    """
    partial = _text(row.get(S.QUOTE_TYPE)) == S.QUOTE_PARTIAL
    text = _text(row.get(S.TEXT))
    return ("“…" if partial else "“") + text + ("…”" if partial else "”")


def escape_md(text: str) -> str:
    """Backslash-escape what Markdown reads as markup (emphasis, links, HTML, code, tables, maths).

    Args:
        text: Plain text.

    Returns:
        The text, safe to put in Markdown.
    """
    return _MD_SPECIAL.sub(r"\\\1", text)


def _link_target(url: str) -> str:
    """A URL that cannot break out of ``(<...>)`` in Markdown."""
    return url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")


def plain_citation(row: Mapping) -> str:
    """One line of plain text, e.g.

    Donald Trump (President of the United States), 27 April 2017: “You know I was really ready…”
    Source: President Trump Says…, fortune.com, https://fortune.com/…

    Args:
        row: A statement, keyed by statements column.

    Returns:
        The citation; a leading formula character is neutralized with "'".
    """
    role = _text(row.get(S.ROLE))
    head = _text(row.get(S.SPEAKER)) + (f" ({role})" if role else "")
    when = citation_date(row.get(S.DATE), row.get(S.DATE_PRECISION))
    out = f"{head}, {when}: {quoted(row)}" if when else f"{head}: {quoted(row)}"
    url = _text(row.get(S.SOURCE_URL))
    url = url if S.is_web_link(url) else ""
    title = _text(row.get(S.SOURCE_TITLE))
    source = [x for x in (title, outlet(url), url or no_link_note(title)) if x]
    # A quote that ends its own sentence (“…interest.”) needs no second full stop after it.
    out += (" " if _ENDS_SENTENCE.search(out) else ". ") + "Source: " + ", ".join(source)
    return "'" + out if out.startswith(_FORMULA) else out


def markdown_citation(row: Mapping) -> str:
    """One line of Markdown: the speaker in bold, the source title as a link to the source, e.g.

    **Donald Trump** (President of the United States), 27 April 2017: “You know…” — [President Trump Says…](<https://fortune.com/…>), fortune.com

    Args:
        row: A statement, keyed by statements column.

    Returns:
        The citation, every field Markdown-escaped.
    """
    role = escape_md(_text(row.get(S.ROLE)))
    head = f"**{escape_md(_text(row.get(S.SPEAKER)))}**" + (f" ({role})" if role else "")
    when = citation_date(row.get(S.DATE), row.get(S.DATE_PRECISION))
    body = escape_md(quoted(row))
    out = f"{head}, {when}: {body}" if when else f"{head}: {body}"
    url = _text(row.get(S.SOURCE_URL))
    url = url if S.is_web_link(url) else ""
    title, site = escape_md(_text(row.get(S.SOURCE_TITLE))), escape_md(outlet(url))
    if url:
        out += f" — [{title or site}](<{_link_target(url)}>)" + (f", {site}" if title else "")
    else:
        out += " — " + ", ".join(x for x in (title, no_link_note(title)) if x)
    return out


def no_link_note(title: object = "") -> str:
    """The note "no link known" for a source without a web link, unless its title already says so.

    Args:
        title: The source's title ("" when none).

    Returns:
        :data:`NO_LINK`, or "" when the title names it.
    """
    return "" if NO_LINK in _text(title).lower() else NO_LINK


def citation(row: Mapping, style: str = PLAIN) -> str:
    """The citation of one statement in ``style`` ("plain" or "markdown").

    Args:
        row: A statement, keyed by statements column.
        style: PLAIN or MARKDOWN.

    Returns:
        The citation as one line.

    Raises:
        ValueError: For any other style.
    """
    if style == PLAIN:
        return plain_citation(row)
    if style == MARKDOWN:
        return markdown_citation(row)
    raise ValueError(f"unknown citation style {style!r}; expected one of {', '.join(STYLES)}")
