"""Mentions of people, roles and institutions in an article, and resolving them to named speakers."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import pandas as pd

from stance_explorer import schema as S
from stance_explorer.quotes import words as W
from stance_explorer.quotes.text import fold


@dataclass(frozen=True)
class Person:
    """A known speaker: the name as the data writes it, the latest role and country, how often they speak."""

    name: str
    role: str = ""
    country: str = ""
    statements: int = 0

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(fold(t) for t in self.name.split())


@dataclass
class KnownSpeakers:
    """The speakers of a statements table: names, roles and countries, for resolving mentions."""

    people: list[Person] = field(default_factory=list)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame | None) -> KnownSpeakers:
        """The speakers of a statements table, most statements first.

        Args:
            frame: A statements table (the reader's frame), or None.

        Returns:
            The known speakers, each with the role and country of their latest statement; none when the
            table is missing, empty or has no speaker column.
        """
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
class Candidate:
    """A mention that may name a quote's speaker: a name, pronoun, role, unnamed source or institution."""

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


def _token_kind(i: int, t: str) -> str:
    """A capitalized word's part in a name: "title", "inst" (institution or non-name), "stop" or "name"."""
    f = fold(_strip_possessive(t))
    if f in W.TITLE_WORDS:
        return "title"
    if f in W.NON_NAME_WORDS or f in W.INSTITUTION_WORDS:
        return "inst"
    if (
        (i == 0 and (f in W.STOP_CAPS or (len(f) >= 7 and re.match(r"^\w+(ing|ly)$", f))))
        or (t.isupper() and len(t) >= 3 and "." not in t)
        or f in W.STOP_CAPS
    ):
        return "stop"
    return "name"


def _name_groups(kinds: list[str]) -> list[tuple[int, int]]:
    """[start, end) of each run of "name" tokens."""
    groups: list[tuple[int, int]] = []
    i = 0
    while i < len(kinds):
        if kinds[i] == "name":
            j = i
            while j < len(kinds) and kinds[j] == "name":
                j += 1
            groups.append((i, j))
            i = j
        else:
            i += 1
    return groups


def _role_feminine(phrase: str, ctx: str, det: str) -> bool | None:
    """Whether a role names a woman: the word itself, or the article before it ("la titular del Ejecutivo")."""
    fem = (phrase in W.FEMININE_ROLES) or (phrase == "gobernante" and "mexicana" in ctx) or None
    if fem is None and det in ("la", "las"):
        fem = True  # "la titular del Ejecutivo"
    elif fem is None and det in ("el", "del", "al") and phrase not in ("president", "premier", "prime minister"):
        fem = False
    return fem


class Mentions:
    """Candidates in the article text, found once."""

    def __init__(self, text: str, known: KnownSpeakers, persons_hint: set[str] | None = None) -> None:
        self.text = text
        self.known = known
        self.persons_hint = persons_hint  # folded person names from a tagger (spaCy), or None for the rules alone
        self.cands: list[Candidate] = []
        self.full_names: list[tuple[int, str, str]] = []  # (offset, full name, title words before it)
        self.bare: set[str] = set()  # surnames met only as a speech verb's subject ("Homan afirmó")
        self._by_surname: dict[str, list[tuple[int, str]]] = {}  # folded later name token -> (offset, full name)
        self._titles_of: dict[str, str] = {}
        self._known_memo: dict[tuple[str, ...], Person | None] = {}
        self._surname_memo: dict[str, Person | None] = {}
        self._fuzzy_memo: dict[tuple[str, int], str] = {}
        self._people: list[tuple[int, str, str, str, bool | None]] | None = None
        self._find()

    def _find(self) -> None:
        """Every candidate, by kind: names first (roles skip their text), then sorted by offset."""
        low = self.text.lower()
        for m in _CAP_RUN.finditer(self.text):
            self._add_cap_run(m)
        self._find_pronouns(low)
        self._find_unnamed(low)
        self._find_roles(low)
        self._find_institutions(low)
        self.cands.sort(key=lambda c: (c.start, -c.end))

    def _add_cap_run(self, m: re.Match) -> None:
        """The names in one run of capitalized words, or the run as an institution when it holds no name."""
        toks = m.group().split(" ")
        offs = []
        pos = m.start()
        for t in toks:
            offs.append(pos)
            pos += len(t) + 1
        kinds = [_token_kind(i, t) for i, t in enumerate(toks)]
        groups = _name_groups(kinds)
        for gi, gj in groups:
            self._add_name(toks[gi:gj], offs[gi], offs[gj - 1])
        if not groups and "inst" in kinds:
            self.cands.append(Candidate(m.start(), m.end(), "institution", m.group()))

    def _add_name(self, toks: list[str], s0: int, last_off: int) -> None:
        """One name (tokens starting at ``s0``, the last one at ``last_off``): a candidate when it reads as a person."""
        text = self.text
        name_toks = [_strip_possessive(t) for t in toks]
        if all(t.isupper() and len(t) <= 5 for t in name_toks):
            return  # acronyms
        end0 = last_off + len(_strip_possessive(toks[-1]))
        name = " ".join(name_toks)
        before = text[max(0, s0 - 60) : s0].lower()
        titles = before[-45:]
        nxt = re.match(r"\s*((?:\w+\s+){0,2}?)([\w]+)", text[end0 : end0 + 40])
        prev_word = re.search(r"(\w+)\s*$", text[max(0, s0 - 20) : s0])
        bare = (
            bool(nxt)
            and W.is_speech_verb(nxt.group(2).lower())
            and all(w.lower() in W.AUX_WORDS for w in nxt.group(1).split())
            and not (prev_word and prev_word.group(1).lower() in W.PREPOSITIONS)
        )
        if bare and len(name_toks) == 1 and self.resolve_name(name, s0) is None:
            self.bare.add(fold(name))
        if (
            self.persons_hint is not None
            and len(name_toks) >= 2
            and fold(name) not in self.persons_hint
            and self.known_by_name(name) is None
        ):
            return  # a tagger was given and does not call this a person
        if len(name_toks) >= 2 or self.resolve_name(name, s0) is not None:
            self.cands.append(Candidate(s0, end0, "name", name, country=_country_in(titles)))
            if len(name_toks) >= 2:
                self._add_full_name(s0, name, titles)

    def _find_pronouns(self, low: str) -> None:
        for m in re.finditer(r"(?<![\w])(he|she|who|él|ella|quien)(?![\w])", low):
            w = m.group(1)
            fem = True if w in W.PRONOUNS_FEMALE else False if w in W.PRONOUNS_MALE else None
            self.cands.append(Candidate(m.start(), m.end(), "pronoun", self.text[m.start() : m.end()], feminine=fem))

    def _find_unnamed(self, low: str) -> None:
        """Unnamed sources: "an official", "two people familiar with…", "los funcionarios", "se le preguntó"."""
        text = self.text
        heads = "|".join(sorted(W.UNNAMED_HEADS, key=len, reverse=True))
        for m in re.finditer(
            rf"(?<![\w])(a|an|one|some|several|two|three|un|una|unos|unas|algunos|algunas|varios|varias|los|las|the|\d[\d,.]*)\s+(?:[\w.'’\-]+\s+){{0,3}}?({heads})(?![\w])",
            low,
        ):
            if m.group(1) in ("los", "las", "the") and not m.group(2).endswith("s"):
                continue  # "the official" points back to someone named; only plurals are unnamed
            self.cands.append(Candidate(m.start(), m.end(), "unnamed", text[m.start() : m.end()]))
        for m in re.finditer(r"(?<![\w])se\s+le\s+(?:cuestionó|preguntó)", low):
            self.cands.append(Candidate(m.start(), m.end(), "unnamed", text[m.start() : m.end()]))

    def _find_roles(self, low: str) -> None:
        """Role phrases outside the names found, longest first; a role right before a name is its title."""
        text = self.text
        taken = bytearray(len(text) + 1)  # characters already inside a name or a role
        name_starts = set()
        for c in self.cands:
            if c.kind == "name":
                taken[c.start : c.end] = b"\x01" * (c.end - c.start)
                name_starts.add(c.start)
        for phrase in sorted(W.ROLE_WORDS, key=len, reverse=True):
            for m in re.finditer(rf"(?<![\w]){re.escape(phrase)}(?![\w])", low):
                if taken[m.start()] or taken[m.end() - 1]:
                    continue
                # A role right before a name is that name's title ("Premier Doug Ford").
                rest = text[m.end() : m.end() + 40]
                if re.match(rf"\s*,?\s*{_NAME_TOKEN}", rest) and any(m.end() + d in name_starts for d in range(4)):
                    continue
                cand = self._role_candidate(phrase, m, low, rest)
                taken[m.start() : cand.end] = b"\x01" * (cand.end - m.start())
                self.cands.append(cand)

    def _role_candidate(self, phrase: str, m: re.Match, low: str, rest: str) -> Candidate:
        """A role phrase found at ``m`` with its article or initial before it and its "of <place>" after it."""
        text = self.text
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
        det = re.search(r"(?<![\w])(la|el|los|las|del|al)\s+(?:\w+\s+)?$", low[max(0, s - 20) : s])
        return Candidate(
            s2,
            e2,
            "role",
            text[s2:e2],
            role_key=W.ROLE_WORDS[phrase],
            feminine=_role_feminine(phrase, ctx, det.group(1) if det else ""),
            country=_country_in(ctx),
        )

    def _find_institutions(self, low: str) -> None:
        """Offices and documents that speak ("the ministry", "el comunicado"), outside unnamed sources."""
        unnamed_mask = bytearray(len(self.text) + 1)
        for c in self.cands:
            if c.kind == "unnamed":
                unnamed_mask[c.start : c.end] = b"\x01" * (c.end - c.start)
        for m in re.finditer(
            r"(?<![\w])(?:the\s+|la\s+|el\s+)?(?:[\w'’]+\s+)?(office|ministry|statement|embassy|administration|government|decree|proclamation|report|oficina|ministerio|comunicado|embajada|gobierno|secretaría|decreto|informe)(?![\w])",
            low,
        ):
            if not unnamed_mask[m.start()]:
                self.cands.append(Candidate(m.start(), m.end(), "institution", self.text[m.start() : m.end()]))

    # -- resolution -----------------------------------------------------------------------

    def known_by_name(self, name: str) -> Person | None:
        toks = tuple(fold(t) for t in name.split())
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
        toks = [t for t in name.split() if fold(t) not in W.TITLE_WORDS]
        if not toks:
            return None
        folded = [fold(t) for t in toks]
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
        for t in [fold(x) for x in name.split()][1:]:
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
        first = fold(speaker.split()[0]) if speaker.split() else ""
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

    def resolve_role(self, cand: Candidate, pos: int) -> tuple[str, float, str] | None:
        """A role mention to a person in the article with that role, else a known speaker's role."""
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
