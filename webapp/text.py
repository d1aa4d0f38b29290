"""Render user text as text. Markdown and HTML in a quote must never become markup."""

from __future__ import annotations

import re

_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=$:&\"'^%@/?;,])")


def escape_markdown(text: object) -> str:
    """Backslash-escape every ASCII punctuation character (CommonMark allows escaping all of them).

    This neutralizes links, emphasis, HTML tags, LaTeX ($) and Streamlit's :color[...] and
    :material/...: directives. Line breaks are kept as hard breaks.
    """
    s = _PUNCT.sub(r"\\\1", str(text))
    return s.replace("\r\n", "\n").replace("\n", "  \n")
