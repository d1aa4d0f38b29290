"""Finding quoted spans in an article's text, and the sentence bounds around them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stance_explorer.quotes import words as W
from stance_explorer.quotes.text import LETTER

_OPEN_CLOSE = {"“": "”", "«": "»", "‘": "’", '"': '"', "'": "'", "„": "“"}
_CLOSERS = {"”", "»", "’", '"', "'"}
_DOUBLE = frozenset({"“", "”", "«", "»", '"', "„"})
_SINGLE = frozenset({"‘", "’", "'"})


@dataclass
class Span:
    """One top-level quote: where its marks are and the quoted words, one piece per paragraph."""

    open_at: int  # index of the opening mark
    close_at: int  # index of the closing mark, or the end of the paragraph when never closed
    closed: bool
    pieces: list[tuple[int, int]]  # [start, end) of the quoted words, one piece per paragraph


def _straight_role(text: str, i: int) -> str:
    """Whether a straight quote at i opens, closes, or is neither (an apostrophe, an inch mark)."""
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if text[i] == "'" and prev.isalnum() and nxt.isalnum():
        return ""  # don't, Trump's
    opens = (prev.isspace() or prev in "([{—–-:,;\n") and not nxt.isspace()
    closes = not prev.isspace() and (nxt.isspace() or nxt in ".,;:!?)]}—–-…" or i + 1 == len(text))
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "both" if opens and closes else ""


def _reopened_at(text: str, i: int, mark: str, depth: int) -> int:
    """Where the paragraph after the break at ``i`` reopens a quote opened with ``mark``, else -1."""
    n = len(text)
    j = i
    while j < n and text[j] in "\n ":
        j += 1
    if j < n and text[j] == mark and depth == 1 or (j < n and text[j] in '“«"' and text[j] == mark):
        return j
    return -1


def _closing_level(stack: list[tuple[str, int]], ch: str) -> int:
    """The level of the open quotes that a closing mark closes (the innermost that fits), else -1."""
    want = [k for k, (mark, _) in enumerate(stack) if _OPEN_CLOSE.get(mark) == ch]
    if not want:  # a straight opening closed by a curly mark, or the other way round
        family = _DOUBLE if ch in _DOUBLE else _SINGLE
        want = [k for k, (mark, _) in enumerate(stack) if mark in family]
    return want[-1] if want else -1


def find_quote_spans(text: str) -> list[Span]:
    """The top-level quoted spans of a text, in order. Inner quotes stay inside their outer quote.

    Curly, straight and angle quotes count; an apostrophe ("don't", "Trump's") does not. A quote
    left open at a paragraph's end goes on when the next paragraph reopens it, else ends there.

    Args:
        text: The article text.

    Returns:
        The spans that quote at least one letter.
    """
    spans: list[Span] = []
    stack: list[tuple[str, int]] = []  # (opening mark, index)
    piece_start = 0
    pieces: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n" and i + 1 < n and text[i + 1] == "\n":
            if stack:
                # A paragraph ends inside a quote: it goes on if the next paragraph reopens it.
                mark = stack[0][0]
                j = _reopened_at(text, i, mark, len(stack))
                pieces.append((piece_start, i))
                if j >= 0:
                    stack = [(mark, stack[0][1])]
                    piece_start = i = j + 1
                    continue
                spans.append(Span(stack[0][1], i, False, pieces))
                stack, pieces = [], []
            i += 1
            continue
        if ch == "‘" and text[i + 1 : i + 2] == "s" and (i + 2 == n or not text[i + 2].isalnum()):
            i += 1  # "Sheinbaum ‘s": a misplaced apostrophe, not a quote
            continue
        if ch in ("“", "«", "‘", "„"):
            if ch == "‘" or not stack or stack[-1][0] != ch:
                if not stack:
                    piece_start, pieces = i + 1, []
                stack.append((ch, i))
            i += 1
            continue
        if ch in ('"', "'"):
            role = _straight_role(text, i)
            if stack and stack[-1][0] == ch and role in ("close", "both"):
                role = "close"
            elif role == "both":
                role = "open"
            if role == "open" and not (ch == "'" and stack and stack[-1][0] == "'"):
                if not stack:
                    piece_start, pieces = i + 1, []
                stack.append((ch, i))
                i += 1
                continue
            if role != "close":
                i += 1
                continue
        if ch in _CLOSERS:
            if ch == "’":
                nxt = text[i + 1] if i + 1 < n else " "
                if nxt.isalpha():
                    i += 1
                    continue  # it’s, Greer’s
            k = _closing_level(stack, ch)
            if k >= 0:
                del stack[k:]
                if not stack:
                    pieces.append((piece_start, i))
                    spans.append(Span(pieces[0][0] - 1, i, True, pieces))
                    pieces = []
        i += 1
    if stack:
        pieces.append((piece_start, n))
        spans.append(Span(stack[0][1], n, False, pieces))
    return [sp for sp in spans if LETTER.search(" ".join(text[a:b].strip() for a, b in sp.pieces))]


def quoted_words(text: str, sp: Span) -> str:
    """The words a span quotes, on one line, without a leading dash or trailing punctuation.

    Args:
        text: The article text.
        sp: A span of that text.

    Returns:
        The quoted words ("" when the span holds only marks and spaces).
    """
    words = " ".join(re.sub(r"\s+", " ", text[a:b]).strip() for a, b in sp.pieces).strip()
    words = re.sub(r"^[-–—\s]+", "", words)
    return re.sub(r"[,;:\s]+$", "", words)


def sentence_bounds(text: str, spans: list[Span]) -> list[int]:
    """Where the sentences of a text start, never inside a quote.

    Args:
        text: The article text.
        spans: Its quoted spans (:func:`find_quote_spans`).

    Returns:
        Sorted offsets of sentence starts, 0 included.
    """
    inside = bytearray(len(text))
    for sp in spans:
        for a, b in sp.pieces:
            inside[a:b] = b"\x01" * (b - a)
    starts = {0}
    for m in re.finditer(r"\n+", text):
        starts.add(m.end())
    for m in re.finditer(r"[.!?…]+(?=\s+[\"“«‘'¿¡(\-–—•A-ZÁÉÍÓÚÑ0-9])", text):
        i = m.start()
        if inside[i]:
            continue
        word = re.search(r"([\w.]+)$", text[max(0, i - 12) : i])
        if word and m.group() == "." and word.group(1).lower().rstrip(".") in W.ABBREVIATIONS:
            continue
        if word and m.group() == "." and len(word.group(1)) == 1 and word.group(1).isupper():
            continue  # an initial: J. Smith
        nxt = re.match(r"\s+", text[m.end() :])
        starts.add(m.end() + (nxt.end() if nxt else 0))
    for sp in spans:
        if not sp.closed:
            continue
        inner = text[sp.pieces[-1][0] : sp.pieces[-1][1]].rstrip()
        after = text[sp.close_at + 1 : sp.close_at + 4]
        if inner.endswith((".", "!", "?", "…")) and re.match(r"\s+[\"“«‘A-ZÁÉÍÓÚÑ¿¡]", after):
            nxt = re.match(r"\s+", text[sp.close_at + 1 :])
            starts.add(sp.close_at + 1 + (nxt.end() if nxt else 0))
    return sorted(starts)
