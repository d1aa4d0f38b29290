"""Small text helpers the quote modules share: accent folding, the first letter's case, the language guess."""

from __future__ import annotations

import re
import unicodedata

from stance_explorer.quotes import words as W

LETTER = re.compile(r"[^\W\d_]")


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.lower().replace("’", "'"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.sub(r"'s$", "", s).strip(".,;:")


def detect_language(text: str) -> str:
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    en = sum(w in W.ENGLISH_HINTS for w in words)
    es = sum(w in W.SPANISH_HINTS for w in words) + 2 * sum(ch in "ñáéíóú¿¡" for ch in text.lower())
    if en == es == 0:
        return ""
    return "es" if es > en else "en"
