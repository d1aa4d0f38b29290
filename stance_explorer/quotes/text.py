"""Small text helpers the quote modules share: accent folding, the letter pattern, the language guess."""

from __future__ import annotations

import re
import unicodedata

from stance_explorer.quotes import words as W

LETTER = re.compile(r"[^\W\d_]")


def fold(s: str) -> str:
    """A word as the rules compare it: lower case, no accents, no possessive 's, no edge punctuation.

    Args:
        s: A word or a name.

    Returns:
        The folded form ("Sheinbaum’s" -> "sheinbaum", "Economía." -> "economia").
    """
    s = unicodedata.normalize("NFKD", s.lower().replace("’", "'"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.sub(r"'s$", "", s).strip(".,;:")


def detect_language(text: str) -> str:
    """English or Spanish, by the function words and accented letters a text holds.

    Args:
        text: Any text: an article, a quote, a query.

    Returns:
        "en", "es", or "" when the text holds none of the hint words.
    """
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    en = sum(w in W.ENGLISH_HINTS for w in words)
    es = sum(w in W.SPANISH_HINTS for w in words) + 2 * sum(ch in "ñáéíóú¿¡" for ch in text.lower())
    if en == es == 0:
        return ""
    return "es" if es > en else "en"
