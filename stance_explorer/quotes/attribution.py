"""Who said a quote: the attributor reads the quote's sentence (and the ones before) for its speaker."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from stance_explorer.quotes import words as W
from stance_explorer.quotes.mentions import Candidate, Mentions
from stance_explorer.quotes.spans import Span, quoted_words, sentence_bounds
from stance_explorer.quotes.syntax import Parse
from stance_explorer.quotes.text import fold

FLAG_UNNAMED = "unnamed source"
FLAG_INSTITUTION = "attributed to an institution, not a person"
FLAG_UNATTRIBUTED = "no speaker found (a scare quote?)"
FLAG_NAME = "a quoted name or title, not a statement"

_WORD = re.compile(r"[^\W_][\w’'.\-]*", re.UNICODE)

_GERUND = re.compile(r"^\w+(ing|ando|iendo)$")


@dataclass
class _Reading:
    speaker: str = ""
    confidence: float = 0.0
    how: str = ""
    mention: str = ""
    flag: str = ""


@dataclass
class _Place:
    """Where a quote sits: its marks, its sentence, and the speech verbs around it there."""

    sp: Span
    partial: bool
    qs: int  # the opening mark
    qe: int  # just after the closing mark
    s_start: int  # the quote's sentence
    s_end: int
    lead: int  # how many spaces and punctuation marks follow the quote
    vs_after: list[re.Match]  # speech verbs after the quote, in its sentence
    vs_before: list[re.Match] | None = None  # speech verbs before it, found when a rule first asks

    @property
    def after_start(self) -> int:
        """Where the words after the quote begin."""
        return self.qe + self.lead


class Attributor:
    def __init__(
        self,
        text: str,
        spans: list[Span],
        mentions: Mentions,
        title: str = "",
        url: str = "",
        syntax: Parse | None = None,
    ) -> None:
        self.text = text
        self.syntax = syntax  # the dependency parse: grammatical subjects; None keeps to the word rules
        self.title, self.url = title, url
        self.spans = spans
        self.m = mentions
        self.bounds = sentence_bounds(text, spans)
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
        k = bisect.bisect_right(self.bounds, pos) - 1
        start = self.bounds[max(k, 0)]
        end = self.bounds[k + 1] if k + 1 < len(self.bounds) else len(self.text)
        return start, end

    def in_quote(self, a: int, b: int) -> bool:
        k = bisect.bisect_right(self._zone_starts, a) - 1
        return k >= 0 and self.quote_zones[k][0] <= a and b <= self.quote_zones[k][1]

    def verbs(self, a: int, b: int) -> list[re.Match]:
        out = []
        prev = ""
        for m in _WORD.finditer(self.text, a, b):
            w = m.group().lower().rstrip(".,;:")
            speech = W.is_speech_verb(w) or (prev in W.HABER and W.is_spanish_participle(w))
            if speech and self.syntax is not None and self.syntax.pos_at(m.start()) in ("NOUN", "PROPN", "ADJ"):
                speech = False  # "Ante la pregunta sobre Trump": a listed word that the parse reads as a noun
            if speech and not self.in_quote(m.start(), m.end()):
                out.append(m)
            prev = w
        return out

    def cands_in(self, a: int, b: int) -> list[Candidate]:
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

    def parsed_subject(self, spans: list[tuple[int, int]] | None) -> Candidate | None:
        """The mention that a parsed subject's head words hold: a name before a role, the head's own
        before an apposition's ("el secretario de Economía, Marcelo Ebrard" -> Marcelo Ebrard)."""
        if not spans:
            return None
        tiers = [[c for c in self.cands_in(max(a - 60, 0), b + 60) if c.start < b and c.end > a] for a, b in spans]
        word, head, appos = tiers[0], tiers[1], [c for t in tiers[2:] for c in t]
        order = (
            (word, ("name",)),
            (appos, ("name",)),
            (word, ("role", "pronoun")),  # "The Trump Cabinet member": the member, not Trump
            (head, ("name",)),
            (head, ("role", "pronoun")),
            (appos, ("role",)),
            (head, ("unnamed", "institution")),
        )
        for pool, kinds in order:
            hit = next((c for c in pool if c.kind in kinds), None)
            if hit is not None:
                return hit
        return None

    def clause_subject(self, a: int, b: int) -> Candidate | None | bool:
        """The main clause's subject in [a, b) by the parse: its mention, False when the subject is
        no mention or not written ("La reunión duró…", "Afirmó que…"), None without a parse."""
        if self.syntax is None:
            return None
        spans = self.syntax.clause_subject(a, b, skip=self.in_quote)
        if spans is None:
            return None
        return self.parsed_subject(spans) or False

    def verb_subject(self, vpos: int) -> Candidate | None | bool:
        """The subject of the verb at ``vpos`` by the parse (through "and …" to its head's); False
        when it has none written or it is no mention, None without a parse."""
        if self.syntax is None:
            return None
        spans = self.syntax.verb_subject(vpos)
        if spans is None:
            return None
        return self.parsed_subject(spans) or False

    def subject_before_verb(self, sent_start: int, vpos: int) -> Candidate | None:
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
            if mw and mw.group(1).lower().strip(".") in (W.AUX_WORDS | W.TIME_WORDS):
                j = sent_start + mw.start(1)
                continue
            if mw and re.match(r"^\w+ly$", mw.group(1)):
                j = sent_start + mw.start(1)
                continue
            return None
        return None

    def main_subject(self, sent_start: int, limit: int, kinds: tuple[str, ...] | None = None) -> Candidate | None:
        """The first candidate of a sentence (of ``kinds``) that is not a preposition's object."""
        for c in self.cands_in(sent_start, limit):
            if c.kind == "institution" and re.search(r"['’]s$", c.text):
                continue  # "Canada's finance minister, Dominic LeBlanc, …": a possessive is not the subject
            if (kinds is None or c.kind in kinds) and not self.after_preposition(c, sent_start):
                return c
        return None

    def after_preposition(self, c: Candidate, sent_start: int) -> bool:
        """True when a candidate is a preposition's object ("to Carney", "de la presidenta")."""
        before = self.text[max(sent_start, c.start - 25) : c.start].lower().split()
        while before and before[-1] in W.DETERMINERS:
            before.pop()
        return bool(before) and before[-1].strip(",") in W.PREPOSITIONS

    def subject_of_earlier_verb(self, sent_start: int, pos: int) -> Candidate | None:
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

    def subject_after_verb(self, vend: int, sent_end: int) -> Candidate | None:
        """An inverted subject: "…", aseguró la presidenta Claudia Sheinbaum / said CTV journalist Ann Roe."""
        phrase = []
        for c in self.cands_in(vend, sent_end):
            gap = self.text[vend : c.start].lower().split()
            if len(gap) > 6 or re.search(r"[,.;:]", " ".join(gap)) or any(g in W.PREPOSITIONS for g in gap):
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

    def resolve(self, c: Candidate, pos: int) -> _Reading:
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
            subj = self.clause_subject(s_start, c.start) if self.syntax is not None else None
            if not subj or subj is c or subj.kind not in ("name", "role"):
                subj = None if self.syntax is not None else self.main_subject(s_start, c.start, kinds=("name", "role"))
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
            if self._note_parsed(s, e, vs):
                continue
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

    def _note_parsed(self, s: int, e: int, vs: list[re.Match]) -> bool:
        """Record a sentence's grammatical subject as its speaker (a speech verb) or focus; False when
        the parse gives no person, to leave the sentence to the word rules. "According to Carney, Trump
        had …" stays with the rule for it: the speaker is Carney, not the subject."""
        if not vs and re.search(r"(according to|según|de acuerdo con)\s+", self.text[s:e], flags=re.IGNORECASE):
            return False
        c = self.clause_subject(s, e)
        if not c or c.kind not in ("name", "role", "pronoun"):
            return False
        r = self.resolve(c, c.start)
        if not r.speaker:
            return False
        self.add_history(s, r.speaker, "speaker" if vs else "focus")
        return True

    def add_history(self, off: int, person: str, kind: str) -> None:
        self.history.append((off, person, kind))
        if kind == "speaker":
            k = bisect.bisect_right(self._speaker_offsets, off)
            self._speaker_offsets.insert(k, off)
            self._speakers.insert(k, person)

    def last_speaker(self, pos: int) -> str:
        k = bisect.bisect_left(self._speaker_offsets, pos)
        return self._speakers[k - 1] if k else ""

    def attribute(self, sp: Span, partial: bool) -> _Reading:
        """Who said a quote: the first rule that finds one, from the nearest words outwards.

        Args:
            sp: The quoted span.
            partial: Whether the quote is a fragment of a sentence (it then never stands alone).

        Returns:
            The reading: the speaker, its confidence and how it was found, or a flag saying why there is none.
        """
        qs, qe = sp.open_at, sp.close_at + 1
        s_start, s_end = self.sentence_of(qs)
        if sp.closed and qe > s_end:
            s_end = self.sentence_of(sp.close_at)[1]
        if not sp.closed:
            s_end = max(s_end, qe)
        self.note_subjects(s_start)
        r = self._from_bullet_intro(qs)
        if r is not None:
            return r
        lead = re.match(r"^[\s,;:—–\-]*", self.text[qe:s_end]).end()
        w = _Place(sp, partial, qs, qe, s_start, s_end, lead, self.verbs(qe + lead, s_end))
        rules = (
            self._verb_right_after,  # "…," Greer said / "…", aseguró la presidenta / "…", dijo.
            self._mention_right_after,  # "…," he complained. / headline style: ‘…,’ Doug Ford blasts …
            self._verb_before,  # X said … "…" / según X / dijo que … "…"
            self._intro_before,  # X's message that "…" / X shared a photo with the message: "…"
            self._verb_further_after,  # "…" was what X said
            self._standing_alone,  # a quote that goes on from the last speaker
        )
        for rule in rules:
            r = rule(w)
            if r is not None:
                return r
        return _Reading(flag=FLAG_UNATTRIBUTED)

    def _verbs_before(self, w: _Place) -> list[re.Match]:
        """The speech verbs before the quote in its sentence (found once, when a rule first needs them)."""
        if w.vs_before is None:
            w.vs_before = self.verbs(w.s_start, w.qs)
        return w.vs_before

    def _from_bullet_intro(self, qs: int) -> _Reading | None:
        """Bullet points under "X has said … for three reasons:" take the intro's speaker."""
        text = self.text
        line_start = text.rfind("\n", 0, qs) + 1
        if not text[line_start:qs].lstrip().startswith(("•", "- ", "* ")):
            return None
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
        return None

    def _verb_right_after(self, w: _Place) -> _Reading | None:
        """A speech verb right after the quote: its inverted subject, else the implicit one."""
        tail = self.text[w.after_start : w.s_end]
        first_word = re.match(r"[\w’'.\-]+", tail)
        perfect = re.match(r"(\w+)\s+(\w+)", tail)
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
            c = self.subject_after_verb(w.after_start + first_word.end(), w.s_end)
            if c:
                return self.resolve(c, w.qs)
            return self._implicit(w.qs, 0.7, "implicit subject")
        return None

    def _mention_right_after(self, w: _Place) -> _Reading | None:
        """A mention right after the quote: the subject of a later verb, or of a verb the lists lack, or a headline."""
        text = self.text
        cands_after = self.cands_in(w.after_start, w.s_end)
        if not (cands_after and cands_after[0].start == w.after_start):
            return None
        c = cands_after[0]
        if c.kind == "unnamed" and c.text.lower().startswith("se le"):
            return self.resolve(c, w.qs)
        v = next(
            (v for v in w.vs_after if v.start() >= c.end and self.subject_before_verb(w.after_start, v.start()) is c),
            None,
        )
        if v is not None:
            return self.resolve(c, w.qs)
        before_txt = text[w.s_start : w.qs].strip(" -–—•")
        last = w.sp.pieces[-1]
        comma = "," in text[w.qe : w.after_start] or text[max(last[0], last[1] - 2) : last[1]].rstrip().endswith(",")
        nxt = re.match(r"\s+([a-záéíóúñ]+)\b", text[c.end : w.s_end])
        if (
            comma
            and c.kind in ("name", "pronoun")
            and nxt
            and not before_txt
            and nxt.group(1) not in W.PREPOSITIONS | W.DETERMINERS
        ):
            # "“…,” he complained." — an attribution whose verb is not in the lists.
            r = self.resolve(c, w.qs)
            if r.speaker:
                r.confidence = min(r.confidence, 0.7)
                return r
        colon = text[w.qe : w.after_start].strip().startswith((":", "—", "–"))
        if c.kind in ("name", "role") and (not before_txt or (colon and not w.vs_after and not self._verbs_before(w))):
            r = self.resolve(c, w.qs)  # headline style: ‘…,’ Doug Ford blasts … / “…”: Ebrard perfila …
            if r.speaker:
                r.confidence, r.how = 0.7, "headline"
            return r
        return None

    def _verb_before(self, w: _Place) -> _Reading | None:
        """Before the quote in its sentence: "according to X", else the subject of the last speech verb."""
        text = self.text
        acc = re.search(r"(according to|según|de acuerdo con)\s+", text[w.s_start : w.s_end], flags=re.IGNORECASE)
        vs_before = self._verbs_before(w)
        if acc and not vs_before and not w.vs_after:
            c = next(
                (
                    c
                    for c in self.cands_in(w.s_start + acc.end(), w.s_end)
                    if len(text[w.s_start + acc.end() : c.start].split()) <= 3
                ),
                None,
            )
            if c and c.kind in ("name", "role", "unnamed", "pronoun"):
                return self.resolve(c, w.qs)
        if not vs_before:
            return None
        c = self._subject_of_verb_before(w.s_start, w.qs, vs_before[-1])
        if c is not None:
            return self.resolve(c, w.qs)
        return self._implicit(w.qs, 0.65, "implicit subject")

    def _subject_of_verb_before(self, s_start: int, qs: int, v: re.Match) -> Candidate | None:
        """The subject of the speech verb ``v`` that comes before a quote (at ``qs``) in its sentence."""
        text = self.text
        parsed = self.verb_subject(v.start())
        if parsed:
            return parsed
        c = None
        if not (
            _GERUND.match(v.group().lower())
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
        return c

    def _intro_before(self, w: _Place) -> _Reading | None:
        """No speech verb before the quote, but words that introduce one: "the message that …", a colon."""
        before = self.text[w.s_start : w.qs]
        message = re.search(
            r"(?<![\w])(mensaje|message|warning|advertencia)\s+(de\s+)?(que|that)(?![\w])", before.lower()
        )
        # "X shared a photo with the message: “…”": a colon introduces the sentence subject's words.
        colon = before.rstrip().endswith(":")
        if not (message or colon) or self._verbs_before(w):
            return None
        c = self.clause_subject(w.s_start, w.qs)
        if c is None:
            c = self.main_subject(w.s_start, w.qs, kinds=("name", "role", "pronoun"))
        if c and c.kind in ("name", "role", "pronoun"):
            r = self.resolve(c, w.qs)
            if r.speaker:
                r.confidence = min(r.confidence, 0.6)
                return r
        return None

    def _verb_further_after(self, w: _Place) -> _Reading | None:
        """A speech verb after the quote, further on: "…" was what X said — rare; try it."""
        vs_after = w.vs_after
        if not vs_after:
            return None
        v = vs_after[0]
        parsed = self.verb_subject(v.start()) if w.partial else None
        if parsed and parsed.end <= w.qs and parsed.kind in ("name", "role", "pronoun"):
            # "Ebrard, head of the ministry, considered it a “bad idea” … and announced": the subject
            # of the later speech verb is written before the quote, so the quote is in its clause.
            return self.resolve(parsed, w.qs)
        if w.partial and not re.search(r"[,;]\s*$", self.text[w.qe : v.start()]):
            return None
        c = self.subject_after_verb(v.end(), w.s_end)
        if c is None or c.kind not in ("name", "role"):
            c = self.subject_before_verb(w.after_start, v.start()) or c
        if c is not None:
            return self.resolve(c, w.qs)
        return None

    def _standing_alone(self, w: _Place) -> _Reading | None:
        """A quote standing alone: it goes on from the last speaker, if one spoke just before."""
        text, qs = self.text, w.qs
        if w.partial and len(quoted_words(text, w.sp).split()) >= 6:  # a long fragment
            k = bisect.bisect_left(self._speaker_offsets, qs)
            bi = bisect.bisect_left(self.bounds, w.s_start)
            if k and bi > 0 and self._speaker_offsets[k - 1] >= self.bounds[bi - 1]:
                return _Reading(self._speakers[k - 1], 0.6, "continuation", "")
        if not w.partial and not text[w.s_start : qs].strip(" -–—•") and not re.search(r"\w", text[w.qe : w.s_end]):
            k = bisect.bisect_left(self._speaker_offsets, qs)
            focus = next((h for h in reversed(self.history) if h[0] < qs), None)
            if self.focus_before(qs):
                # "Guajardo also appealed for reason. “…”": the person the sentence before was about.
                return _Reading(self.focus_before(qs), 0.6, "continuation", "")
            if k and self._paragraph_distance(self._speaker_offsets[k - 1], qs) <= 1:
                return _Reading(self._speakers[k - 1], 0.75, "continuation", "")
            if focus and self._paragraph_distance(focus[0], qs) <= 1:
                return _Reading(focus[1], 0.6, "continuation", "")  # the person the text was just about
        return None

    def _paragraph_distance(self, a: int, b: int) -> int:
        return self.text.count("\n\n", a, b)

    def focus_before(self, pos: int) -> str:
        """The person the sentence just before ``pos``'s sentence is about ("Greer was less upbeat."),
        when it names one and no one has spoken since; else ""."""
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
        if self.syntax is not None:
            # The latest sentence subject or speaker: the parse found each sentence's subject.
            last = next((h for h in reversed(self.history) if h[0] < pos), None)
            if last is not None:
                return _Reading(last[1], conf, "sentence before" if last[2] == "focus" else how, "")
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
        # The title or the link usually names the person an article is about.
        label = fold(" ".join((self.title, re.sub(r"[-_/.]+", " ", self.url))))
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
