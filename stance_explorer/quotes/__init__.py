"""From a news article to attributed statements (English and Spanish), by rules.

The extractor finds every quoted span (“…”, "…", «…», ‘…’ and '…', a quote inside a quote kept
inside its outer quote, a quote that runs over paragraphs), then looks for who said it in the same
sentence (before, after or around the quote: said, told, according to, dijo, afirmó, aseguró…), and
resolves that mention to a named person: a full name, a surname used earlier in the article or by a
known speaker, a pronoun, or a role ("the premier", "la mandataria", "el secretario de Economía")
matched to a person in the article or to a known speaker's role, across languages. Every reading
carries a confidence and says how it was made.

What is not a statement: a quoted name or title ("La Mañanera"), a quoted phrase attributed to no
one or to an institution ("what Washington calls “non-tariff barriers”") is left out, with a flag
saying why. A quote from an unnamed source ("an official said") is kept with an empty speaker and a
flag, for the user to fill in or drop.

:func:`extract_statements` returns the statements table through the same validation as a CSV
upload (:func:`stance_explorer.reader.read_statements`), plus every problem.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from stance_explorer import schema as S
from stance_explorer.article import Article, read_article
from stance_explorer.quotes import words as W
from stance_explorer.reader import ReadResult, read_statements

# Columns the CLI prints and the review table edits, in this order.
OUTPUT_COLUMNS: tuple[str, ...] = (
    S.ID,
    S.SPEAKER,
    S.ROLE,
    S.DATE,
    S.DATE_PRECISION,
    S.TOPIC,
    S.TEXT,
    S.LANGUAGE,
    S.QUOTE_TYPE,
    S.SOURCE_TITLE,
    S.SOURCE_URL,
    S.CONTEXT,
)
FLAG_UNNAMED = "unnamed source"
FLAG_INSTITUTION = "attributed to an institution, not a person"
FLAG_UNATTRIBUTED = "no speaker found (a scare quote?)"
FLAG_NAME = "a quoted name or title, not a statement"

_OPEN_CLOSE = {"“": "”", "«": "»", "‘": "’", '"': '"', "'": "'", "„": "“"}
_CLOSERS = {"”", "»", "’", '"', "'"}
_DOUBLE = frozenset({"“", "”", "«", "»", '"', "„"})
_SINGLE = frozenset({"‘", "’", "'"})
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W_][\w’'.\-]*", re.UNICODE)
_ABBREV = frozenset(
    "u.s mr mrs ms dr sr sra srta sen rep gov gen lt col jr st no inc corp co ee uu jan feb mar apr jun jul aug sep sept oct nov dec "
    "a.m p.m etc vs e.g i.e lic ing mtro dra".split()
)
_PREPS = frozenset(
    "with to of from about at by for on in into against between among toward towards over under after before than like "
    "con de del a al en por para sobre entre ante hacia contra sin tras desde hasta según".split()
)
_DETS = frozenset(
    "the a an his her their its this that these those el la los las su sus un una unos unas este esta ese esa".split()
)
_TIME_SKIP = frozenset(
    "this last next month week year today yesterday earlier later recently previously also however then again once "
    "monday tuesday wednesday thursday friday saturday sunday on morning evening night publicly privately repeatedly "
    "este esta mes semana año hoy ayer también luego además recientemente públicamente lunes martes miércoles jueves "
    "viernes sábado domingo".split()
)
_STOP_CAPS = frozenset(
    "the a an and but or in on at by for of to as if it its this that these those he she they we i you his her their "
    "our both after before while when where what who which with from under over during since until because though "
    "el la los las un una y o pero en por para con de del al se su sus este esta ese esa durante según tras ante "
    "como cuando donde mientras sin sobre entre hasta desde también además aunque ya así no sí nosotros ellos "
    "ella él yo according following despite asked meanwhile later earlier then however also instead still "
    "tras luego asimismo sin embargo cuestionado consultado".split()
)
_STOP_CAPS = _STOP_CAPS | frozenset(
    _fold_plain
    for _fold_plain in (
        "".join(
            ch for ch in __import__("unicodedata").normalize("NFKD", w) if not __import__("unicodedata").combining(ch)
        )
        for w in _STOP_CAPS
    )
)
_GERUND = re.compile(r"^\w+(ing|ando|iendo)$")
_SUBJ_BREAKERS = frozenset("that que and y but pero while mientras as".split())


@dataclass
class Quote:
    """One quoted span and the reading of who said it."""

    text: str
    start: int  # offsets of the quoted words in the article text
    end: int
    sentence: str
    quote_type: str = S.QUOTE_DIRECT
    language: str = ""
    speaker: str = ""
    role: str = ""
    confidence: float = 0.0
    how: str = ""  # how the speaker was found: name, surname, pronoun, role, known role, continuation, …
    mention: str = ""  # the article's words that named the speaker
    flag: str = ""
    topic: str = ""

    @property
    def is_statement(self) -> bool:
        """Kept as a statement: a resolved speaker, or an unnamed source (kept with an empty speaker)."""
        return bool(self.speaker) or self.flag == FLAG_UNNAMED


@dataclass(frozen=True)
class Person:
    name: str
    role: str = ""
    country: str = ""
    statements: int = 0

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(_fold(t) for t in self.name.split())


@dataclass
class KnownSpeakers:
    """The speakers of a statements table: names, roles and countries, for resolving mentions."""

    people: list[Person] = field(default_factory=list)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame | None) -> KnownSpeakers:
        if frame is None or frame.empty or S.SPEAKER not in frame:
            return cls()
        f = frame.copy()
        f["_d"] = pd.to_datetime(f.get(S.DATE), errors="coerce")
        people = []
        for name, g in f.groupby(S.SPEAKER, sort=False):
            if not str(name).strip():
                continue
            latest = g.sort_values("_d").iloc[-1]
            role = str(latest.get(S.ROLE, "") or "")
            country = str(latest.get(S.COUNTRY, "") or "") if S.COUNTRY in g else ""
            people.append(Person(str(name), role, country, len(g)))
        people.sort(key=lambda p: -p.statements)
        return cls(people)


@dataclass
class QuoteResult:
    """What one article gave: every quote found (flagged ones too) and the validated statements."""

    article: Article | None
    quotes: list[Quote]
    read: ReadResult | None
    problems: list[S.Problem]
    records: list[dict]

    @property
    def frame(self) -> pd.DataFrame:
        from stance_explorer.reader import empty_frame

        return self.read.frame if self.read is not None else empty_frame()

    @property
    def unreadable(self) -> bool:
        return self.article is None


# ---------------------------------------------------------------------------------------------
# Text helpers


def _fold(s: str) -> str:
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


def _is_upper_start(s: str) -> bool:
    m = _LETTER.search(s)
    return bool(m) and m.group().isupper()


# ---------------------------------------------------------------------------------------------
# Finding quoted spans


@dataclass
class _Span:
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


def find_quote_spans(text: str) -> list[_Span]:
    """Top-level quoted spans. Inner quotes stay inside their outer quote."""
    spans: list[_Span] = []
    stack: list[tuple[str, int]] = []  # (opening mark, index)
    piece_start = 0
    pieces: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n" and i + 1 < n and text[i + 1] == "\n":
            if stack:
                # A paragraph ends inside a quote: it goes on if the next paragraph reopens it.
                j = i
                while j < n and text[j] in "\n ":
                    j += 1
                mark = stack[0][0]
                if j < n and text[j] == mark and len(stack) == 1 or (j < n and text[j] in '“«"' and text[j] == mark):
                    pieces.append((piece_start, i))
                    stack = [(mark, stack[0][1])]
                    piece_start = j + 1
                    i = j + 1
                    continue
                pieces.append((piece_start, i))
                spans.append(_Span(stack[0][1], i, False, pieces))
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
            want = [k for k, (mark, _) in enumerate(stack) if _OPEN_CLOSE.get(mark) == ch]
            if not want:  # a straight opening closed by a curly mark, or the other way round
                family = _DOUBLE if ch in _DOUBLE else _SINGLE
                want = [k for k, (mark, _) in enumerate(stack) if mark in family]
            if want:
                k = want[-1]
                del stack[k:]
                if not stack:
                    pieces.append((piece_start, i))
                    spans.append(_Span(pieces[0][0] - 1, i, True, pieces))
                    pieces = []
        i += 1
    if stack:
        pieces.append((piece_start, n))
        spans.append(_Span(stack[0][1], n, False, pieces))
    out = []
    for sp in spans:
        words = " ".join(text[a:b].strip() for a, b in sp.pieces).strip()
        if _LETTER.search(words):
            out.append(sp)
    return out


def _quote_words(text: str, sp: _Span) -> str:
    words = " ".join(re.sub(r"\s+", " ", text[a:b]).strip() for a, b in sp.pieces).strip()
    words = re.sub(r"^[-–—\s]+", "", words)
    return re.sub(r"[,;:\s]+$", "", words)


# ---------------------------------------------------------------------------------------------
# Sentences


def _sentence_bounds(text: str, spans: list[_Span]) -> list[int]:
    """Sorted offsets where a sentence starts (0 included), never inside a quote."""
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
        if word and m.group() == "." and word.group(1).lower().rstrip(".") in _ABBREV:
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


# ---------------------------------------------------------------------------------------------
# Mentions of people, roles and institutions


@dataclass
class _Cand:
    start: int
    end: int
    kind: str  # name, pronoun, role, unnamed, institution
    text: str
    role_key: str = ""
    feminine: bool | None = None
    country: str = ""


_NAME_TOKEN = r"(?:[A-ZÁÉÍÓÚÑ][\w\-]*(?:['’][A-Za-z]\w*)?|[A-Z]\.(?:[A-Z]\.)+)"
_CAP_RUN = re.compile(rf"{_NAME_TOKEN}(?: {_NAME_TOKEN})*")


def _strip_possessive(s: str) -> str:
    return re.sub(r"['’]s$", "", s)


def _role_in(text_lower: str) -> tuple[str, str] | None:
    """The longest role phrase in a lower-cased string: (phrase, English role word)."""
    best = None
    for phrase, role in W.ROLE_WORDS.items():
        if re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", text_lower):
            if best is None or len(phrase) > len(best[0]):
                best = (phrase, role)
    return best


class _Mentions:
    """Candidates in the article text, found once."""

    def __init__(self, text: str, known: KnownSpeakers, persons_hint: set[str] | None = None) -> None:
        self.text = text
        self.known = known
        self.persons_hint = persons_hint  # folded person names from a tagger (spaCy), or None for the rules alone
        self.cands: list[_Cand] = []
        self.full_names: list[tuple[int, str, str]] = []  # (offset, full name, title words before it)
        self.bare: set[str] = set()  # surnames met only as a speech verb's subject ("Homan afirmó")
        self._by_surname: dict[str, list[tuple[int, str]]] = {}  # folded later name token -> (offset, full name)
        self._titles_of: dict[str, str] = {}
        self._known_memo: dict[tuple[str, ...], Person | None] = {}
        self._surname_memo: dict[str, Person | None] = {}
        self._fuzzy_memo: dict[tuple[str, int], str] = {}
        self._people: list[tuple[int, str, str, str, bool | None]] | None = None
        self._find()

    def _person_like(self, tokens: list[str]) -> bool:
        folded = [_fold(t) for t in tokens]
        if any(f in W.NON_NAME_WORDS or f in W.INSTITUTION_WORDS for f in folded):
            return False
        if all(t.isupper() and len(t) <= 5 for t in tokens):
            return False  # acronyms
        return True

    def _find(self) -> None:
        text = self.text
        for m in _CAP_RUN.finditer(text):
            toks = m.group().split(" ")
            offs = []
            pos = m.start()
            for t in toks:
                offs.append(pos)
                pos += len(t) + 1
            kinds = []
            for i, t in enumerate(toks):
                f = _fold(_strip_possessive(t))
                if f in W.TITLE_WORDS:
                    kinds.append("title")
                elif f in W.NON_NAME_WORDS or f in W.INSTITUTION_WORDS:
                    kinds.append("inst")
                elif (
                    (i == 0 and (f in _STOP_CAPS or (len(f) >= 7 and re.match(r"^\w+(ing|ly)$", f))))
                    or (t.isupper() and len(t) >= 3 and "." not in t)
                    or f in _STOP_CAPS
                ):
                    kinds.append("stop")
                else:
                    kinds.append("name")
            groups: list[tuple[int, int]] = []
            i = 0
            while i < len(toks):
                if kinds[i] == "name":
                    j = i
                    while j < len(toks) and kinds[j] == "name":
                        j += 1
                    groups.append((i, j))
                    i = j
                else:
                    i += 1
            for gi, gj in groups:
                name_toks = [_strip_possessive(t) for t in toks[gi:gj]]
                if all(t.isupper() and len(t) <= 5 for t in name_toks):
                    continue  # acronyms
                s0 = offs[gi]
                end0 = offs[gj - 1] + len(_strip_possessive(toks[gj - 1]))
                name = " ".join(name_toks)
                before = text[max(0, s0 - 60) : s0].lower()
                titles = before[-45:]
                nxt = re.match(r"\s*((?:\w+\s+){0,2}?)([\w]+)", text[end0 : end0 + 40])
                prev_word = re.search(r"(\w+)\s*$", text[max(0, s0 - 20) : s0])
                bare = (
                    bool(nxt)
                    and W.is_speech_verb(nxt.group(2).lower())
                    and all(w.lower() in W.AUX_WORDS for w in nxt.group(1).split())
                    and not (prev_word and prev_word.group(1).lower() in _PREPS)
                )
                if bare and len(name_toks) == 1 and self.resolve_name(name, s0) is None:
                    self.bare.add(_fold(name))
                if (
                    self.persons_hint is not None
                    and len(name_toks) >= 2
                    and _fold(name) not in self.persons_hint
                    and self.known_by_name(name) is None
                ):
                    continue  # a tagger was given and does not call this a person
                if len(name_toks) >= 2 or self.resolve_name(name, s0) is not None:
                    self.cands.append(_Cand(s0, end0, "name", name, country=_country_in(titles)))
                    if len(name_toks) >= 2:
                        self._add_full_name(s0, name, titles)
            if not groups and "inst" in kinds:
                self.cands.append(_Cand(m.start(), m.end(), "institution", m.group()))
        low = text.lower()
        for m in re.finditer(r"(?<![\w])(he|she|who|él|ella|quien)(?![\w])", low):
            w = m.group(1)
            fem = True if w in W.PRONOUNS_FEMALE else False if w in W.PRONOUNS_MALE else None
            self.cands.append(_Cand(m.start(), m.end(), "pronoun", text[m.start() : m.end()], feminine=fem))
        heads = "|".join(sorted(W.UNNAMED_HEADS, key=len, reverse=True))
        for m in re.finditer(
            rf"(?<![\w])(a|an|one|some|several|two|three|un|una|unos|unas|algunos|algunas|varios|varias|los|las|the|\d[\d,.]*)\s+(?:[\w.'’\-]+\s+){{0,3}}?({heads})(?![\w])",
            low,
        ):
            if m.group(1) in ("los", "las", "the") and not m.group(2).endswith("s"):
                continue  # "the official" points back to someone named; only plurals are unnamed
            self.cands.append(_Cand(m.start(), m.end(), "unnamed", text[m.start() : m.end()]))
        for m in re.finditer(r"(?<![\w])se\s+le\s+(?:cuestionó|preguntó)", low):
            self.cands.append(_Cand(m.start(), m.end(), "unnamed", text[m.start() : m.end()]))
        phrases = sorted(W.ROLE_WORDS, key=len, reverse=True)
        taken = bytearray(len(text) + 1)  # characters already inside a name or a role
        name_starts = set()
        for c in self.cands:
            if c.kind == "name":
                taken[c.start : c.end] = b"\x01" * (c.end - c.start)
                name_starts.add(c.start)
        for phrase in phrases:
            for m in re.finditer(rf"(?<![\w]){re.escape(phrase)}(?![\w])", low):
                if taken[m.start()] or taken[m.end() - 1]:
                    continue
                # A role right before a name is that name's title ("Premier Doug Ford").
                rest = text[m.end() : m.end() + 40]
                if re.match(rf"\s*,?\s*{_NAME_TOKEN}", rest) and any(m.end() + d in name_starts for d in range(4)):
                    continue
                s = m.start()
                left = text[max(0, s - 30) : s]
                lm = re.search(
                    r"(?:(?:[Tt]he|[Ll]a|[Ee]l|[Ll]os|[Ll]as|[Ss]u|[Tt]his|[Aa]n?) )?(?:[A-Z][\w.]*[ ]|[Uu]\.[Ss]\. )?$",
                    left,
                )
                s2 = s - (len(lm.group(0)) if lm else 0)
                ctx = _role_context(low, s, m.end())
                e2 = m.end()
                of = re.match(r"\s+(?:de|del|of|of the)\s+[A-ZÁÉÍÓÚÑ][\w\-]*(?: [A-ZÁÉÍÓÚÑ][\w\-]*)?", rest)
                if of:  # "la presidenta de México", "the prime minister of Canada"
                    e2 = m.end() + of.end()
                taken[m.start() : e2] = b"\x01" * (e2 - m.start())
                det = re.search(r"(?<![\w])(la|el|los|las|del|al)\s+(?:\w+\s+)?$", low[max(0, s - 20) : s])
                fem = (phrase in W.FEMININE_ROLES) or (phrase == "gobernante" and "mexicana" in ctx) or None
                if fem is None and det and det.group(1) in ("la", "las"):
                    fem = True  # "la titular del Ejecutivo"
                elif (
                    fem is None
                    and det
                    and det.group(1) in ("el", "del", "al")
                    and phrase not in ("president", "premier", "prime minister")
                ):
                    fem = False
                self.cands.append(
                    _Cand(
                        s2,
                        e2,
                        "role",
                        text[s2:e2],
                        role_key=W.ROLE_WORDS[phrase],
                        feminine=fem,
                        country=_country_in(ctx),
                    )
                )
        unnamed_mask = bytearray(len(text) + 1)
        for c in self.cands:
            if c.kind == "unnamed":
                unnamed_mask[c.start : c.end] = b"\x01" * (c.end - c.start)
        for m in re.finditer(
            r"(?<![\w])(?:the\s+|la\s+|el\s+)?(?:[\w'’]+\s+)?(office|ministry|statement|embassy|administration|government|decree|proclamation|report|oficina|ministerio|comunicado|embajada|gobierno|secretaría|decreto|informe)(?![\w])",
            low,
        ):
            if not unnamed_mask[m.start()]:
                self.cands.append(_Cand(m.start(), m.end(), "institution", text[m.start() : m.end()]))
        self.cands.sort(key=lambda c: (c.start, -c.end))

    # -- resolution -----------------------------------------------------------------------

    def known_by_name(self, name: str) -> Person | None:
        toks = tuple(_fold(t) for t in name.split())
        if not toks:
            return None
        if toks not in self._known_memo:
            self._known_memo[toks] = self._known_by_tokens(toks)
        return self._known_memo[toks]

    def _known_by_tokens(self, toks: tuple[str, ...]) -> Person | None:
        for p in self.known.people:
            if p.tokens == toks:
                return p
        for p in self.known.people:
            pt = p.tokens
            if len(toks) >= 2 and toks[0] == pt[0] and toks[-1] in pt:
                return p
            if len(toks) >= 2 and all(t in pt for t in toks):
                return p
            if len(pt) >= 2 and all(t in toks for t in pt):
                return p  # "Claudia Sheinbaum Pardo"
        return None

    def resolve_name(self, name: str, pos: int) -> tuple[str, float, str] | None:
        """A name mention to (speaker, confidence, how)."""
        toks = [t for t in name.split() if _fold(t) not in W.TITLE_WORDS]
        if not toks:
            return None
        folded = [_fold(t) for t in toks]
        if len(toks) >= 2:
            p = self.known_by_name(" ".join(toks))
            if p:
                return p.name, 0.95, "name"
            # "Sheinbaum Pardo": a longer form of a full name used in the article.
            joined = " ".join(toks)
            for _, full in self._by_surname.get(folded[0], ()):
                if full != joined:
                    return self._canonical(full), 0.9, "surname"
            p = self._known_surname(folded[0])
            if p:
                return p.name, 0.85, "surname"
            return joined, 0.9, "name"
        t = folded[0]
        seen = self._by_surname.get(t)
        if seen:
            import bisect

            k = bisect.bisect_left(seen, (pos, "")) - 1
            off, full = seen[k] if k >= 0 else seen[0]  # the latest full name before, else the first after
            return self._canonical(full), 0.9, "surname"
        p = self._known_surname(t)
        if p:
            return p.name, 0.85, "known surname"
        if len(t) >= 6:
            # A misspelt surname ("Sheinbuam"): one letter changed, added, dropped or swapped.
            full = self._misspelt(t)
            if full:
                return self._canonical(full), 0.7, "surname (spelling)"
        if t in self.bare:
            return toks[0], 0.5, "surname only"
        return None

    def _known_surname(self, t: str) -> Person | None:
        if t not in self._surname_memo:
            self._surname_memo[t] = next(
                (
                    p
                    for p in self.known.people
                    if t in p.tokens[1:] or (t == "amlo" and p.name.startswith("Andrés Manuel"))
                ),
                None,
            )
        return self._surname_memo[t]

    def _misspelt(self, t: str) -> str:
        key = (t, len(self._by_surname))
        if key not in self._fuzzy_memo:
            found = ""
            for surname, seen in self._by_surname.items():
                if len(surname) >= 6 and _one_edit(t, surname):
                    found = seen[-1][1]
                    break
            if not found:
                for p in self.known.people:
                    if any(len(x) >= 6 and _one_edit(t, x) for x in p.tokens[1:]):
                        found = p.name
                        break
            self._fuzzy_memo[key] = found
        return self._fuzzy_memo[key]

    def _add_full_name(self, off: int, name: str, titles: str) -> None:
        self.full_names.append((off, name, titles))
        self._titles_of.setdefault(name, titles)
        for t in [_fold(x) for x in name.split()][1:]:
            self._by_surname.setdefault(t, []).append((off, name))

    def _canonical(self, full: str) -> str:
        p = self.known_by_name(full)
        return p.name if p else full

    def person_role(self, speaker: str) -> tuple[str, str]:
        """(role, country) of a speaker: the known role, else the title the article gave."""
        p = self.known_by_name(speaker)
        if p:
            return p.role, p.country
        titles = self._titles_of.get(speaker)
        if titles is not None:
            r = _role_in(titles)
            return (r[1] if r and r[1] else ""), _country_in(titles)
        return "", ""

    def feminine(self, speaker: str) -> bool | None:
        first = _fold(speaker.split()[0]) if speaker.split() else ""
        if first in W.FEMALE_FIRST_NAMES:
            return True
        if first in W.MALE_FIRST_NAMES:
            return False
        return None

    def people(self) -> list[tuple[int, str, str, str, bool | None]]:
        """Every resolved person mention: (offset, speaker, roles as text, country, feminine), in order."""
        if self._people is None:
            out = []
            for off, full, titles in self.full_names:
                speaker = self._canonical(full)
                role, country = self.person_role(speaker)
                title_role = _role_in(titles)
                roles = " ".join(x for x in (role.lower(), (title_role[1].lower() if title_role else "")) if x)
                out.append((off, speaker, roles, country, self.feminine(speaker), True))
            # Names mentioned by surname only ("Sheinbaum") count too, through the known speakers.
            for c in self.cands:
                if c.kind == "name" and len(c.text.split()) == 1:
                    r = self.resolve_name(c.text, c.start)
                    if r:
                        role, country = self.person_role(r[0])
                        out.append((c.start, r[0], role.lower(), country, self.feminine(r[0]), False))
            out.sort(key=lambda x: x[0])
            self._people = out
        return self._people

    def resolve_role(self, cand: _Cand, pos: int) -> tuple[str, float, str] | None:
        """A role mention to a person in the article with that role, else a known speaker's role."""
        import bisect

        want = cand.role_key.lower()
        people = self.people()

        def role_fits(roles: str) -> bool:
            if want == "minister":  # a minister in English news may be a Mexican secretary; not the prime minister
                return ("minister" in roles.replace("prime minister", "")) or "secretary" in roles
            return want in roles

        def fits(p) -> bool:
            _, _, roles, country, fem, _ = p
            if want and not role_fits(roles):
                return False
            if not want and not roles:
                return False
            if cand.country and country and cand.country != country:
                return False
            return cand.feminine is None or fem is None or fem == cand.feminine

        k = bisect.bisect_left([p[0] for p in people], pos)
        hit = next((people[i] for i in range(k - 1, -1, -1) if fits(people[i])), None)
        if hit is None:
            hit = next((people[i] for i in range(k, len(people)) if fits(people[i])), None)
        if hit is not None:
            return hit[1], 0.8, "role"
        if not want:
            return None
        for p in self.known.people:  # sorted by how often they speak in the data
            if role_fits(p.role.lower()) and (not cand.country or not p.country or cand.country == p.country):
                fem = self.feminine(p.name)
                if cand.feminine is not None and fem is not None and fem != cand.feminine:
                    continue
                return p.name, 0.6, "known role"
        return None


def _one_edit(a: str, b: str) -> bool:
    """Whether two different words are one substitution, insertion, deletion or adjacent swap apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _role_context(low: str, start: int, end: int) -> str:
    """The text around a role (30 characters before, 25 after) that lies within its sentence: the
    country words there are the role's ("in Mexico City. The secretary" is no Mexican secretary)."""
    before = re.split(r"[.!?]\s|\n", low[max(0, start - 30) : start])[-1]
    return before + re.split(r"[.!?]\s|\n", low[start : end + 25])[0]


def _country_in(s: str) -> str:
    s = s.lower()
    for word, country in W.COUNTRY_WORDS.items():
        if re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", s):
            return country
    return ""


# ---------------------------------------------------------------------------------------------
# Attribution


@dataclass
class _Reading:
    speaker: str = ""
    confidence: float = 0.0
    how: str = ""
    mention: str = ""
    flag: str = ""


class _Attributor:
    def __init__(self, text: str, spans: list[_Span], mentions: _Mentions, title: str = "", url: str = "") -> None:
        self.text = text
        self.title, self.url = title, url
        self.spans = spans
        self.m = mentions
        self.bounds = _sentence_bounds(text, spans)
        self.quote_zones = sorted((sp.open_at, sp.close_at + 1) for sp in spans)
        self._zone_starts = [z[0] for z in self.quote_zones]
        self._cand_starts = [c.start for c in mentions.cands]
        self._poffs: list[int] | None = None
        self._next_bound = 0
        self._speaker_offsets: list[int] = []
        self._speakers: list[str] = []
        self._main_person: str | None = None
        self.history: list[tuple[int, str, str]] = []  # (offset, person, "speaker" or "focus"), in order
        self.noted: set[int] = set()

    # -- sentences ----------------------------------------------------------------------------

    def sentence_of(self, pos: int) -> tuple[int, int]:
        import bisect

        k = bisect.bisect_right(self.bounds, pos) - 1
        start = self.bounds[max(k, 0)]
        end = self.bounds[k + 1] if k + 1 < len(self.bounds) else len(self.text)
        return start, end

    def in_quote(self, a: int, b: int) -> bool:
        import bisect

        k = bisect.bisect_right(self._zone_starts, a) - 1
        return k >= 0 and self.quote_zones[k][0] <= a and b <= self.quote_zones[k][1]

    def verbs(self, a: int, b: int) -> list[re.Match]:
        out = []
        prev = ""
        for m in _WORD.finditer(self.text, a, b):
            w = m.group().lower().rstrip(".,;:")
            speech = W.is_speech_verb(w) or (prev in W.HABER and W.is_spanish_participle(w))
            if speech and not self.in_quote(m.start(), m.end()):
                out.append(m)
            prev = w
        return out

    def cands_in(self, a: int, b: int) -> list[_Cand]:
        import bisect

        out = []
        cands = self.m.cands
        for i in range(bisect.bisect_left(self._cand_starts, a), len(cands)):
            c = cands[i]
            if c.start >= b:
                break
            if c.end <= b and not self.in_quote(c.start, c.end):
                out.append(c)
        return out

    # -- subjects -----------------------------------------------------------------------------

    def subject_before_verb(self, sent_start: int, vpos: int) -> _Cand | None:
        """The candidate right before a verb, skipping adverbs, auxiliaries and an appositive."""
        cands = [c for c in self.cands_in(sent_start, vpos)]
        if not cands:
            return None
        j = vpos
        for _ in range(12):
            seg = self.text[sent_start:j]
            stripped = seg.rstrip()
            mw = re.search(r"([\w'’.\-]+)$", stripped)
            if stripped.endswith(","):
                # Skip an appositive ", in a Truth Social post," / ", secretario de Economía,".
                inner = stripped[:-1]
                k = inner.rfind(",")
                if k >= 0 and len(inner[k + 1 :].split()) <= 9:
                    hit = [
                        c
                        for c in cands
                        if c.end <= sent_start + k and not self.text[c.end : sent_start + k].strip(" ’'s")
                    ]
                    if hit:
                        return hit[-1]
                    j = sent_start + k
                    continue
                hit = [
                    c
                    for c in cands
                    if c.end <= sent_start + len(inner) and not self.text[c.end : sent_start + len(inner)].strip(" ’'s")
                ]
                return hit[-1] if hit else None
            end_here = sent_start + len(stripped)
            hit = [
                c
                for c in cands
                if c.end == end_here or (c.end < end_here and not self.text[c.end : end_here].strip(" ’'s"))
            ]
            if hit:
                return max(hit, key=lambda c: (c.end, -c.start))
            if mw and mw.group(1).lower().strip(".") in (W.AUX_WORDS | _TIME_SKIP):
                j = sent_start + mw.start(1)
                continue
            if mw and re.match(r"^\w+ly$", mw.group(1)):
                j = sent_start + mw.start(1)
                continue
            return None
        return None

    def main_subject(self, sent_start: int, limit: int, kinds: tuple[str, ...] | None = None) -> _Cand | None:
        """The first candidate of a sentence (of ``kinds``) that is not a preposition's object."""
        for c in self.cands_in(sent_start, limit):
            if c.kind == "institution" and re.search(r"['’]s$", c.text):
                continue  # "Canada's finance minister, Dominic LeBlanc, …": a possessive is not the subject
            if (kinds is None or c.kind in kinds) and not self.after_preposition(c, sent_start):
                return c
        return None

    def after_preposition(self, c: _Cand, sent_start: int) -> bool:
        """True when a candidate is a preposition's object ("to Carney", "de la presidenta")."""
        before = self.text[max(sent_start, c.start - 25) : c.start].lower().split()
        while before and before[-1] in _DETS:
            before.pop()
        return bool(before) and before[-1].strip(",") in _PREPS

    def subject_of_earlier_verb(self, sent_start: int, pos: int) -> _Cand | None:
        """The subject of an earlier speech verb of the sentence ("X dijo …, pero advirtió"), else the nearest subject."""
        # The clause since the last comma outside quotes: "…, quien ripostó y aclaró" -> quien.
        k = pos
        while True:
            k = max(self.text.rfind(ch, sent_start, k) for ch in ",;—–")
            if k < 0 or not self.in_quote(k, k + 1):
                break
        near = [
            c for c in self.cands_in(max(k + 1, sent_start), pos) if c.kind in ("name", "role", "pronoun", "unnamed")
        ]
        if near:
            return near[-1]
        earlier = [v for v in self.verbs(sent_start, pos) if v.end() < pos - 1]
        for v in reversed(earlier):
            c = self.subject_before_verb(sent_start, v.start()) or self.main_subject(
                sent_start, v.start(), kinds=("name", "role", "pronoun", "unnamed")
            )
            if c is not None:
                return c
        cands = [c for c in self.cands_in(sent_start, pos) if c.kind in ("name", "role", "pronoun", "unnamed")]
        return next((c for c in reversed(cands) if not self.after_preposition(c, sent_start)), None)

    def subject_after_verb(self, vend: int, sent_end: int) -> _Cand | None:
        """An inverted subject: "…", aseguró la presidenta Claudia Sheinbaum / said CTV journalist Ann Roe."""
        phrase = []
        for c in self.cands_in(vend, sent_end):
            gap = self.text[vend : c.start].lower().split()
            if len(gap) > 6 or re.search(r"[,.;:]", " ".join(gap)) or any(g in _PREPS for g in gap):
                break
            phrase.append(c)
            if c.kind == "name":
                break
        if not phrase:
            return None
        first_gap = self.text[vend : phrase[0].start].split()
        if len(first_gap) > 3:
            return None
        rank = {"name": 0, "role": 1, "unnamed": 2, "pronoun": 3, "institution": 4}
        best = min(phrase, key=lambda c: rank.get(c.kind, 9))
        if best.kind in ("role", "unnamed"):
            # "dijo la secretaria de prensa de la Casa Blanca, Karoline Leavitt, …": the appositive name.
            for c in self.cands_in(best.end, min(sent_end, best.end + 80)):
                gap = self.text[best.end : c.start]
                if c.kind == "name" and gap.rstrip().endswith(",") and "." not in gap and ";" not in gap:
                    return c
        return best

    # -- resolution ---------------------------------------------------------------------------

    def resolve(self, c: _Cand, pos: int) -> _Reading:
        if c.kind == "name":
            r = self.m.resolve_name(c.text, c.start)
            if r:
                return _Reading(r[0], r[1], r[2], c.text)
            return _Reading("", 0.0, "", c.text, FLAG_UNATTRIBUTED)
        if c.kind == "pronoun":
            s_start, _ = self.sentence_of(c.start)
            near = [x for x in self.cands_in(s_start, c.start) if x.kind in ("name", "role")]
            if c.text.lower() in W.PRONOUNS_ANY and near:
                r = self.resolve(near[-1], c.start)  # "del primer ministro, quien …": the person just named
                if r.speaker:
                    return _Reading(r.speaker, 0.8, "pronoun", c.text)
            subj = self.main_subject(s_start, c.start, kinds=("name", "role"))
            if subj is not None:  # "Trump threatened … because of what he said": this sentence's subject
                r = self.resolve(subj, c.start)
                fem = self.m.feminine(r.speaker) if r.speaker else None
                if r.speaker and (c.feminine is None or fem is None or fem == c.feminine):
                    return _Reading(r.speaker, 0.8, "pronoun", c.text)
            sp = self.antecedent(c.start, c.feminine)
            if sp:
                return _Reading(sp, 0.8, "pronoun", c.text)
            return _Reading("", 0.0, "", c.text, FLAG_UNATTRIBUTED)
        if c.kind == "role":
            if not c.role_key:  # "el funcionario": the person the article is about right now
                sp = self.antecedent(c.start, c.feminine)
                if sp:
                    return _Reading(sp, 0.7, "role", c.text)
            r = self.m.resolve_role(c, pos)
            if r:
                return _Reading(r[0], r[1], r[2], c.text)
            return _Reading("", 0.0, "", c.text, FLAG_UNNAMED)
        if c.kind == "unnamed":
            return _Reading("", 0.0, "unnamed", c.text, FLAG_UNNAMED)
        return _Reading("", 0.0, "institution", c.text, FLAG_INSTITUTION)

    def antecedent(self, pos: int, feminine: bool | None) -> str:
        """The person a pronoun points to: the latest speaker or sentence subject before it."""
        for off, speaker, _ in reversed(self.history):
            if off >= pos:
                continue
            fem = self.m.feminine(speaker)
            if feminine is None or fem is None or fem == feminine:
                return speaker
        import bisect

        people = self.m.people()
        k = bisect.bisect_left(self._people_offsets(), pos)
        for i in range(k - 1, -1, -1):
            fem = people[i][4]
            if feminine is None or fem is None or fem == feminine:
                return people[i][1]
        return ""

    def _people_offsets(self) -> list[int]:
        if self._poffs is None:
            self._poffs = [p[0] for p in self.m.people()]
        return self._poffs

    def note_subjects(self, upto: int) -> None:
        """Record who speaks (or is the subject) in every sentence before ``upto``, in order."""
        while self._next_bound < len(self.bounds) and self.bounds[self._next_bound] < upto:
            k = self._next_bound
            s = self.bounds[k]
            self._next_bound += 1
            if s in self.noted:
                continue
            self.noted.add(s)
            e = self.bounds[k + 1] if k + 1 < len(self.bounds) else len(self.text)
            vs = self.verbs(s, e)
            acc = re.search(r"(according to|según|de acuerdo con)\s+", self.text[s:e], flags=re.IGNORECASE)
            if acc and not vs:
                c = next(
                    (
                        c
                        for c in self.cands_in(s + acc.end(), e)
                        if len(self.text[s + acc.end() : c.start].split()) <= 3
                    ),
                    None,
                )
                if c is not None and c.kind in ("name", "role", "pronoun"):
                    r = self.resolve(c, c.start)
                    if r.speaker:
                        self.add_history(s, r.speaker, "speaker")
                continue
            if vs:
                v = vs[0]
                head = self.subject_before_verb(s, v.start())
                if re.search(
                    r"(?<![\w])((luego|después|antes) de que|tras|after|since|before|although|aunque)(?![\w])",
                    self.text[s : head.start if head else v.start()].lower(),
                ):
                    continue  # "Esto, luego de que Bloomberg reportó que …": reported speech inside a clause
                c = None
                if not _GERUND.match(v.group().lower()):
                    c = self.subject_before_verb(s, v.start())
                if c is None:
                    c2 = self.subject_after_verb(v.end(), e)
                    c = c2 if c2 is not None and c2.kind in ("name", "role") else self.main_subject(s, v.start())
                if c is None:
                    prev = self.last_speaker(s)
                    if prev:
                        self.add_history(s, prev, "speaker")
                    continue
                if c.kind in ("name", "role", "pronoun"):
                    r = self.resolve(c, c.start)
                    if r.speaker:
                        self.add_history(s, r.speaker, "speaker")
                continue
            c = self.main_subject(s, e)
            if c is not None and c.kind in ("name", "role", "pronoun"):
                r = self.resolve(c, c.start)
                if r.speaker:
                    self.add_history(s, r.speaker, "focus")

    def add_history(self, off: int, person: str, kind: str) -> None:
        self.history.append((off, person, kind))
        if kind == "speaker":
            import bisect

            k = bisect.bisect_right(self._speaker_offsets, off)
            self._speaker_offsets.insert(k, off)
            self._speakers.insert(k, person)

    def last_speaker(self, pos: int) -> str:
        import bisect

        k = bisect.bisect_left(self._speaker_offsets, pos)
        return self._speakers[k - 1] if k else ""

    def attribute(self, sp: _Span, partial: bool) -> _Reading:
        text = self.text
        qs, qe = sp.open_at, sp.close_at + 1
        s_start, s_end = self.sentence_of(qs)
        if sp.closed and qe > s_end:
            s_end = self.sentence_of(sp.close_at)[1]
        if not sp.closed:
            s_end = max(s_end, qe)
        self.note_subjects(s_start)
        # Bullet points under "X has said … for three reasons:" take the intro's speaker.
        line_start = text.rfind("\n", 0, qs) + 1
        if text[line_start:qs].lstrip().startswith(("•", "- ", "* ")):
            intro_end = text.rfind(":", 0, line_start)
            if intro_end > 0 and text[line_start - 2 : line_start].strip() == "" and intro_end >= line_start - 3 - 200:
                i_start, _ = self.sentence_of(intro_end)
                vs = self.verbs(i_start, intro_end)
                if vs:
                    c = self.subject_before_verb(i_start, vs[-1].start()) or self.main_subject(i_start, vs[-1].start())
                    if c:
                        r = self.resolve(c, qs)
                        if r.speaker:
                            r.confidence = min(r.confidence, 0.7)
                            return r
        # 1. Right after the quote: "…," Greer said / "…", aseguró la presidenta / "…", dijo.
        after = text[qe:s_end]
        lead = re.match(r"^[\s,;:—–\-]*", after).end()
        after_start = qe + lead
        vs_after = self.verbs(after_start, s_end)
        cands_after = self.cands_in(after_start, s_end)
        first_word = re.match(r"[\w’'.\-]+", text[after_start:s_end])
        perfect = re.match(r"(\w+)\s+(\w+)", text[after_start:s_end])
        is_perfect = bool(
            perfect and perfect.group(1).lower() in W.HABER and W.is_spanish_participle(perfect.group(2).lower())
        )
        if is_perfect:
            first_word = perfect  # "…", ha indicado.
        if (
            first_word
            and (is_perfect or W.is_speech_verb(first_word.group().lower().rstrip(".,")))
            and not _GERUND.match(first_word.group().lower())
        ):
            c = self.subject_after_verb(after_start + first_word.end(), s_end)
            if c:
                return self.resolve(c, qs)
            return self._implicit(qs, 0.7, "implicit subject")
        if cands_after and cands_after[0].start == after_start:
            c = cands_after[0]
            if c.kind == "unnamed" and c.text.lower().startswith("se le"):
                return self.resolve(c, qs)
            v = next(
                (v for v in vs_after if v.start() >= c.end and self.subject_before_verb(after_start, v.start()) is c),
                None,
            )
            if v is not None:
                return self.resolve(c, qs)
            before_txt = text[s_start:qs].strip(" -–—•")
            comma = "," in after[:lead] or text[
                max(sp.pieces[-1][0], sp.pieces[-1][1] - 2) : sp.pieces[-1][1]
            ].rstrip().endswith(",")
            nxt = re.match(r"\s+([a-záéíóúñ]+)\b", text[c.end : s_end])
            if (
                comma
                and c.kind in ("name", "pronoun")
                and nxt
                and not before_txt
                and nxt.group(1) not in _PREPS | _DETS
            ):
                # "“…,” he complained." — an attribution whose verb is not in the lists.
                r = self.resolve(c, qs)
                if r.speaker:
                    r.confidence = min(r.confidence, 0.7)
                    return r
            colon = after[:lead].strip().startswith((":", "—", "–"))
            if c.kind in ("name", "role") and (
                not before_txt or (colon and not vs_after and not self.verbs(s_start, qs))
            ):
                r = self.resolve(c, qs)  # headline style: ‘…,’ Doug Ford blasts … / “…”: Ebrard perfila …
                if r.speaker:
                    r.confidence, r.how = 0.7, "headline"
                return r
        # 2. Before the quote, in the same sentence: X said … "…" / según X / dijo que … "…".
        vs_before = [v for v in self.verbs(s_start, qs)]
        acc = re.search(r"(according to|según|de acuerdo con)\s+", text[s_start:s_end], flags=re.IGNORECASE)
        if acc and not vs_before and not vs_after:
            c = next(
                (
                    c
                    for c in self.cands_in(s_start + acc.end(), s_end)
                    if len(text[s_start + acc.end() : c.start].split()) <= 3
                ),
                None,
            )
            if c and c.kind in ("name", "role", "unnamed", "pronoun"):
                return self.resolve(c, qs)
        if vs_before:
            v = vs_before[-1]
            vw = v.group().lower()
            c = None
            if not (
                _GERUND.match(vw)
                or re.search(r"(before|after|while|antes de|tras|al)\s*$", text[s_start : v.start()].lower())
            ):
                c = self.subject_before_verb(s_start, v.start())
            lead = text[s_start : v.start()].rstrip()
            if c is None and (not lead or lead[-1] in ',;:—–"”»“«'):
                # Inverted only at the head of a clause: "…", said Sheinbaum: / dijo la presidenta:
                c2 = self.subject_after_verb(v.end(), qs)
                if c2 is not None and c2.kind in ("name", "role", "unnamed"):
                    c = c2
            if c is None and re.search(r"(?:^|\s)(and|y|e|but|pero)$", lead.lower()):
                # "… and described it as “…”": the subject of the verb before the "and".
                c = self.subject_of_earlier_verb(s_start, v.start())
            if c is None:
                c = self.main_subject(
                    s_start, v.start(), kinds=("name", "role", "pronoun", "unnamed")
                ) or self.main_subject(s_start, v.start())
            if c is not None:
                return self.resolve(c, qs)
            return self._implicit(qs, 0.65, "implicit subject")
        if not vs_before and re.search(
            r"(?<![\w])(mensaje|message|warning|advertencia)\s+(de\s+)?(que|that)(?![\w])", text[s_start:qs].lower()
        ):
            c = self.main_subject(s_start, qs, kinds=("name", "role", "pronoun"))
            if c is not None:
                r = self.resolve(c, qs)
                if r.speaker:
                    r.confidence = min(r.confidence, 0.6)
                    return r
        # "X shared a photo with the message: “…”": a colon introduces the sentence subject's words.
        if not vs_before and text[s_start:qs].rstrip().endswith(":"):
            c = self.main_subject(s_start, qs, kinds=("name", "role", "pronoun"))
            if c is not None and c.kind in ("name", "role", "pronoun"):
                r = self.resolve(c, qs)
                if r.speaker:
                    r.confidence = min(r.confidence, 0.6)
                    return r
        # A verb after the quote, further on: "…" was what X said — rare; try it.
        if vs_after and (not partial or re.search(r"[,;]\s*$", text[qe : vs_after[0].start()])):
            v = vs_after[0]
            c = self.subject_after_verb(v.end(), s_end)
            if c is None or c.kind not in ("name", "role"):
                c = self.subject_before_verb(after_start, v.start()) or c
            if c is not None:
                return self.resolve(c, qs)
        # 3. A quote standing alone: it goes on from the last speaker, if one spoke just before.
        long_fragment = partial and len(_quote_words(text, sp).split()) >= 6
        if long_fragment:
            import bisect

            k = bisect.bisect_left(self._speaker_offsets, qs)
            bi = bisect.bisect_left(self.bounds, s_start)
            if k and bi > 0 and self._speaker_offsets[k - 1] >= self.bounds[bi - 1]:
                return _Reading(self._speakers[k - 1], 0.6, "continuation", "")
        if not partial and not text[s_start:qs].strip(" -–—•") and not re.search(r"\w", text[qe:s_end]):
            import bisect

            k = bisect.bisect_left(self._speaker_offsets, qs)
            focus = next((h for h in reversed(self.history) if h[0] < qs), None)
            if self.focus_before(qs):
                # "Guajardo also appealed for reason. “…”": the person the sentence before was about.
                return _Reading(self.focus_before(qs), 0.6, "continuation", "")
            if k and self._paragraph_distance(self._speaker_offsets[k - 1], qs) <= 1:
                return _Reading(self._speakers[k - 1], 0.75, "continuation", "")
            if focus and self._paragraph_distance(focus[0], qs) <= 1:
                return _Reading(focus[1], 0.6, "continuation", "")  # the person the text was just about
        return _Reading(flag=FLAG_UNATTRIBUTED)

    def _paragraph_distance(self, a: int, b: int) -> int:
        return self.text.count("\n\n", a, b)

    def focus_before(self, pos: int) -> str:
        """The person the sentence just before ``pos``'s sentence is about ("Greer was less upbeat."),
        when it names one and no one has spoken since; else ""."""
        import bisect

        s_start, _ = self.sentence_of(pos)
        k = bisect.bisect_left(self._speaker_offsets, pos)
        focus = next((h for h in reversed(self.history) if h[0] < pos), None)
        bi = bisect.bisect_left(self.bounds, s_start)
        just_before = self.bounds[bi - 1] if bi > 0 else -1
        if (
            focus
            and focus[2] == "focus"
            and focus[0] >= just_before
            and (not k or focus[0] > self._speaker_offsets[k - 1])
        ):
            return focus[1]
        return ""

    def _implicit(self, pos: int, conf: float, how: str) -> _Reading:
        focus = self.focus_before(pos)
        if focus:  # "Ebrard se mostró más cauto. “…”, dijo.": the person the sentence before is about
            return _Reading(focus, conf, "sentence before", "")
        prev = self.last_speaker(pos)
        if prev:
            return _Reading(prev, conf, how, "")
        main = self.main_person()
        if main:  # "…", dijo. at the top of an article: the person the article is about
            return _Reading(main, 0.5, "article's main person", "")
        return _Reading(flag=FLAG_UNATTRIBUTED)

    def main_person(self) -> str:
        if self._main_person is None:
            self._main_person = self._find_main_person()
        return self._main_person

    def _find_main_person(self) -> str:
        from collections import Counter

        # The title or the link usually names the person an article is about.
        label = _fold(" ".join((self.title, re.sub(r"[-_/.]+", " ", self.url))))
        for p in self.m.known.people:
            if len(p.tokens) >= 2 and re.search(rf"(?<![\w]){re.escape(p.tokens[-1])}(?![\w])", label):
                return p.name
        counts: Counter = Counter()
        for c in self.m.cands:
            if c.kind == "name":
                r = self.m.resolve_name(c.text, c.start)
            elif c.kind == "role" and c.role_key:
                r = self.m.resolve_role(c, c.start)
            else:
                continue
            if r:
                counts[r[0]] += 1
        return counts.most_common(1)[0][0] if counts else ""


# ---------------------------------------------------------------------------------------------
# Topics


_TOPIC_GLOSSARY = {
    "arancel": "tariffs",
    "aranceles": "tariffs",
    "arancelaria": "tariffs",
    "arancelario": "tariffs",
    "gravámenes": "tariffs",
    "tratado": "usmca",
    "t-mec": "usmca",
    "tmec": "usmca",
    "cusma": "usmca",
    "nafta": "usmca",
    "tlcan": "usmca",
    "revisión": "review",
    "seguridad": "security",
    "cártel": "cartels",
    "cárteles": "cartels",
    "carteles": "cartels",
    "narcotráfico": "drug",
    "fentanilo": "fentanyl",
    "migración": "migration",
    "migrantes": "migrants",
    "frontera": "border",
    "petróleo": "oil",
    "minerales": "minerals",
    "críticos": "critical",
    "acero": "steel",
    "aluminio": "aluminum",
    "comercio": "trade",
    "comercial": "trade",
    "automotriz": "auto",
    "vehículos": "vehicles",
    "soberanía": "sovereignty",
}
_STOP = (
    W.ENGLISH_HINTS
    | W.SPANISH_HINTS
    | frozenset("we our you they their not be will would can could there what which about very".split())
)


def _topic_tokens(text: str) -> list[str]:
    out = []
    for w in re.findall(r"[\w\-]+", text.lower()):
        w = _TOPIC_GLOSSARY.get(w, w)
        if len(w) > 2 and w not in _STOP:
            out.append(w)
    return out


class TopicSuggester:
    """The nearest topic of the known data by shared words (idf-weighted), with a small es→en glossary.

    It loads no model, so it works in the CLI and on the first page alike. When nothing is shared
    the topic stays empty (the reader then writes "unspecified").
    """

    def __init__(self, frame: pd.DataFrame | None) -> None:
        import math
        from collections import Counter

        self.topic_words: dict[str, Counter] = {}
        if frame is None or frame.empty or S.TOPIC not in frame:
            self.idf: dict[str, float] = {}
            return
        df: Counter = Counter()
        for topic, g in frame.groupby(S.TOPIC):
            if not str(topic).strip() or topic == "unspecified":
                continue
            words: Counter = Counter()
            for t, ctx in zip(g[S.TEXT].astype(str), g.get(S.CONTEXT, pd.Series([""] * len(g))).astype(str)):
                words.update(_topic_tokens(t + " " + ctx))
            self.topic_words[str(topic)] = words
            df.update(set(words))
        n = max(len(self.topic_words), 1)
        self.idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}
        # Topics with more statements are likelier a priori; a word shared with a tiny topic is weaker evidence.
        self.prior = {t: 1 + 0.15 * math.log1p(sum(1 for _ in g.itertuples())) for t, g in frame.groupby(S.TOPIC)}

    def suggest(self, text: str) -> str:
        toks = _topic_tokens(text)
        best, best_score = "", 0.0
        for topic, words in self.topic_words.items():
            total = sum(words.values()) or 1
            score = self.prior.get(topic, 1.0) * sum(
                self.idf.get(w, 0.0) * (words[w] / total) ** 0.5 for w in set(toks) if w in words
            )
            if score > best_score:
                best, best_score = topic, score
        return best


# ---------------------------------------------------------------------------------------------
# The extractor


def _looks_like_name(words: str) -> bool:
    toks = re.findall(r"[\w\-]+", words)
    if not toks or len(toks) > 5:
        return False
    if re.search(r"[.!?,;]$", words.strip()) and (len(toks) < 2 or re.search(r"[!?]$", words.strip())):
        return False
    small = {"de", "del", "la", "el", "of", "the", "and", "y", "a", "en", "sobre"}
    caps = [t for t in toks if t.lower() not in small]
    return (
        bool(caps)
        and all(t[0].isupper() for t in caps)
        and len(caps) >= 1
        and len(toks) >= 1
        and (len(toks) > 1 or len(words) < 25)
    )


def extract_quotes(
    article: Article,
    known: KnownSpeakers | None = None,
    topics: TopicSuggester | None = None,
    *,
    person_names: set[str] | None = None,
) -> list[Quote]:
    """Every quoted span of the article with its speaker reading (flagged ones included).

    ``person_names`` (optional) are the names a tagger calls persons; without it, capitalized
    runs that are not titles, places or institutions count as names (the default: measured as good
    on the labelled articles, see benchmarks/quotes_eval.py --ner).
    """
    known = known or KnownSpeakers()
    text = article.text
    spans = find_quote_spans(text)
    mentions = _Mentions(text, known, {_fold(n) for n in person_names} if person_names is not None else None)
    att = _Attributor(text, spans, mentions, article.title, article.url)
    art_lang = detect_language(text)
    quotes: list[Quote] = []
    for sp in spans:
        words = _quote_words(text, sp)
        if not words:
            continue
        s_start, s_end = att.sentence_of(sp.open_at)
        if sp.closed:
            s_end = max(s_end, att.sentence_of(sp.close_at)[1])
        sentence = re.sub(r"\s+", " ", text[s_start : max(s_end, sp.close_at + 1)]).strip()
        before = text[s_start : sp.open_at].strip(" -–—•")
        partial = not _is_upper_start(words.lstrip("…. ")) or (
            bool(before) and bool(re.search(r"\w$", before)) and len(words.split()) < 6
        )
        q = Quote(
            text=words,
            start=sp.pieces[0][0],
            end=sp.pieces[-1][1],
            sentence=sentence,
            quote_type=S.QUOTE_PARTIAL if partial else S.QUOTE_DIRECT,
        )
        lang = detect_language(words) if len(words.split()) >= 4 else ""
        q.language = lang or art_lang
        if _looks_like_name(words) and len(words.split()) <= 4:
            q.flag = FLAG_NAME
            quotes.append(q)
            continue
        r = att.attribute(sp, partial)
        q.speaker, q.confidence, q.how, q.mention, q.flag = r.speaker, round(r.confidence, 2), r.how, r.mention, r.flag
        if q.speaker:
            q.flag = ""
            q.role, _ = mentions.person_role(q.speaker)
            att.add_history(sp.open_at, q.speaker, "speaker")
            att.noted.add(att.sentence_of(sp.open_at)[0])
        if topics is not None and q.is_statement:
            q.topic = topics.suggest(words + " " + words + " " + sentence)
        quotes.append(q)
    return quotes


def quote_records(
    quotes: Iterable[Quote], article: Article, *, date: str = "", title: str = "", url: str = ""
) -> list[dict]:
    """The statements (speaker or unnamed source) as rows in the app's schema, ready for CSV."""
    stem = re.sub(r"[^\w\-]+", "-", Path(article.name).stem).strip("-") or "article"
    rows = []
    for n, q in enumerate((q for q in quotes if q.is_statement), start=1):
        context = q.sentence
        if q.flag:
            context = f"[{q.flag}: {q.mention}] {context}" if q.mention else f"[{q.flag}] {context}"
        elif q.how not in ("name", ""):
            context = f"[speaker read from {q.how}{': ' + q.mention if q.mention else ''}, confidence {q.confidence:.2f}] {context}"
        rows.append(
            {
                S.ID: f"{stem}-q{n}",
                S.SPEAKER: q.speaker,
                S.ROLE: q.role,
                S.DATE: date or article.date,
                S.DATE_PRECISION: "article",
                S.TOPIC: q.topic,
                S.TEXT: q.text,
                S.LANGUAGE: q.language,
                S.QUOTE_TYPE: q.quote_type,
                S.SOURCE_TITLE: title or article.title,
                S.SOURCE_URL: url or article.url,
                S.CONTEXT: context,
            }
        )
    return rows


def records_csv(records: Iterable[dict]) -> bytes:
    """Rows as a UTF-8 CSV with exactly :data:`OUTPUT_COLUMNS`: the file uploads as it is."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(OUTPUT_COLUMNS), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in records:
        w.writerow({k: ("" if r.get(k) is None else str(r.get(k))) for k in OUTPUT_COLUMNS})
    return buf.getvalue().encode("utf-8")


def extract_statements(
    source: str | Path | bytes | Article,
    *,
    name: str | None = None,
    date: str = "",
    title: str = "",
    url: str = "",
    known: pd.DataFrame | None = None,
) -> QuoteResult:
    """Read an article and return its statements, validated exactly as a CSV upload is.

    ``known`` is a statements table whose speakers (names, roles) help resolve mentions and whose
    topics are suggested. Never raises on bad input.
    """
    if isinstance(source, Article):
        article, problems = source, []
    else:
        article, problems = read_article(source, name=name)
    if article is None:
        return QuoteResult(None, [], None, problems, [])
    speakers = KnownSpeakers.from_frame(known)
    topics = TopicSuggester(known)
    quotes = extract_quotes(article, speakers, topics)
    records = quote_records(quotes, article, date=date, title=title, url=url)
    problems = list(problems) + [S.Problem(article.name, None, None, "warning", n) for n in article.notes]
    if not (date or article.date):
        problems.append(
            S.Problem(
                article.name,
                None,
                "date",
                "error",
                "the article has no date; give the article's date (YYYY-MM-DD) before adding its quotes",
            )
        )
    if not records:
        problems.append(
            S.Problem(article.name, None, None, "warning", "no attributed quotes were found in this article")
        )
        return QuoteResult(article, quotes, None, problems, records)
    read = read_statements(records_csv(records), name=f"{Path(article.name).stem} (quotes)")
    return QuoteResult(article, quotes, read, problems + read.problems, records)
