"""Search statements by meaning and by their words, fused into one ranking.

A journalist often remembers a word ("rubberstamp") or a phrase, not only a meaning. Meaning comes
from the sentence embeddings (cosine to the query's vector); words come from BM25 (the ``bm25s``
package) over stemmed, accent-folded words without stop words. The two rankings are fused by
a rank fusion that needs no score calibration between a cosine and a BM25 score: the meaning
ranking adds ``1 / (RRF_K + rank)``, the word ranking the same times the share of the query's
words the statement holds, so a statement that shares a common word or two cannot bury a strong
meaning match, and a statement in another language than the query is not held back for lacking
the query's words (:func:`fuse`). A phrase in double quotes must appear in the
statement, word for word, in any spelling a person counts as the same words (case, accents,
spacing and hyphens aside: "rubber stamp" finds "rubberstamp"). Each result carries its rank and
what placed it there (:func:`match_reason`), so the order explains itself.

Streamlit-free: the Explore page and the CLI ``similar`` share :func:`search`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from stance_explorer import schema as S

#: Rank constant of the fusion (each ranking adds about 1 / (RRF_K + rank)). The plain reciprocal
#: rank fusion used 5; the coverage-weighted fusion was tuned on benchmarks/search_eval.py (60
#: queries, both models, every language pair) over RRF_K 5, 10, 20, COVERAGE_POWER 0 to 3,
#: WORDS_WEIGHT 1 to 4 and BLIND_SHARE 0.3 to 1; docs/search-eval.md has the table.
RRF_K = 10
#: How deep each ranking is read for the fusion: a statement below this rank in both lists is not
#: a candidate. Keeps the cost O(n) plus a small sort at 100k statements.
FUSION_DEPTH = 200
#: How steeply a partial word match loses weight in the fusion: a statement holding a share ``c`` of
#: the query's word weight gets ``c ** COVERAGE_POWER`` of its word rank's share.
COVERAGE_POWER = 1.0
#: Weight of the word ranking against the meaning ranking, for a statement holding every query word.
WORDS_WEIGHT = 2.5
#: Where the words cannot judge (another language), the share of its meaning score a row gets in
#: their place: neutral, neither the full agreement of a word match nor the zero of a miss.
BLIND_SHARE = 0.7

Mode = Literal["fused", "meaning", "words"]

#: The searches the Explore page offers as examples (its search box's placeholder reads them from
#: here); tests/test_search.py checks that each one finds its quote in the bundled data.
EXAMPLE_MEANING = "the trade deal is irrelevant"
EXAMPLE_PHRASE = '"rubber stamp"'
EXAMPLE_QUERIES = (EXAMPLE_MEANING, EXAMPLE_PHRASE)


def example_hint() -> str:
    """The search box's placeholder: the example searches, one by meaning and one exact phrase."""
    return f"e.g. {EXAMPLE_MEANING}, or {EXAMPLE_PHRASE} in double quotes for an exact phrase"


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_PHRASE = re.compile(r'["“”]([^"“”]+)["“”]')
# English function words, plus the contracted forms a tokenizer keeps whole ("don't").
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most
    my myself no nor not now of off on once only or other our ours ourselves out over own same she should
    so some such than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves i'm i've i'll i'd you're you've we're we've they're it's that's there's
    don't doesn't didn't isn't aren't wasn't weren't won't wouldn't can't couldn't shouldn't let's
    also us""".split()
)


def _fold(text: str) -> str:
    """Lower case without accents, and ’ as ', so "Aranceles", "aranceles" and "don’t" match their plain forms."""
    text = str(text)
    if text.isascii():  # the common case, ten times faster
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", str(text).lower().replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class _Stemmer:
    """English Snowball stems (PyStemmer), memoized: statements repeat their words."""

    def __init__(self) -> None:
        import Stemmer

        self._stem = Stemmer.Stemmer("english").stemWord
        self._memo: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        out = self._memo.get(word)
        if out is None:
            out = self._memo[word] = self._stem(word)
        return out


_STEMMER: _Stemmer | None = None


def _stem(word: str) -> str:
    global _STEMMER
    if _STEMMER is None:
        _STEMMER = _Stemmer()
    return _STEMMER(word)


#: Folded word -> its stem, or "" for a stop word: one dict look-up per word when indexing.
_TERM: dict[str, str] = {}


def _term(word: str) -> str:
    out = _TERM.get(word)
    if out is None:
        out = _TERM[word] = "" if word in STOPWORDS else _stem(word)
    return out


def words(text: str) -> list[str]:
    """The searchable words of a text: folded, without stop words, stemmed.

    Args:
        text: Any text.

    Returns:
        The stemmed words, in order, repeats kept.
    """
    return [t for t in map(_term, _WORD.findall(_fold(text))) if t]


@dataclass(frozen=True)
class Query:
    """A search as typed: the whole text (for meaning), its words, and the phrases it quotes."""

    text: str
    terms: tuple[str, ...]
    phrases: tuple[str, ...]

    @property
    def meaning_text(self) -> str:
        """The text to embed: the query without its quotation marks."""
        return _PHRASE.sub(lambda m: m.group(1), self.text).strip()


def parse_query(text: str) -> Query:
    """Split a query into stemmed terms and the phrases in double quotes ("…" or “…”).

    Args:
        text: The query as typed.

    Returns:
        A :class:`Query` with the text, its unique stemmed terms in order, and its quoted phrases.
    """
    phrases = tuple(p.strip() for p in _PHRASE.findall(text) if p.strip())
    terms = tuple(dict.fromkeys(words(text)))  # unique, in order
    return Query(text=text, terms=terms, phrases=phrases)


#: What a person writes between the parts of one word and still counts it the same: "rubber stamp",
#: "rubber-stamp" and "rubberstamp" (spaces, hyphens and dashes, none or a run of them).
_JOIN = r"[\s\-\u2010\u2011\u2012\u2013\u2014_]*"
_SEPARATORS = re.compile(r"[\W_]+")


def _phrase_pattern(phrase: str) -> re.Pattern:
    """The spellings of ``phrase`` a person counts as the same words, as a pattern over folded text.

    Case and accents aside (the text is folded first); words written together, apart or hyphenated
    ("rubber stamp" = "rubberstamp" = "Rubber-Stamp"); any punctuation where the phrase has a space.
    The match starts and ends on whole words: "the deal" does not match "theodeal".
    """
    parts = [_JOIN.join(re.escape(ch) for ch in w) for w in _WORD.findall(_fold(phrase))]
    return re.compile(r"(?<![^\W_])" + r"[\W_]*".join(parts) + r"(?![^\W_])")


def squeeze(text: str) -> str:
    """``text`` folded with every space and punctuation mark removed: a phrase's letters in a row.

    A statement can contain a phrase in any spelling :func:`_phrase_pattern` accepts only if its
    squeezed text contains the phrase's squeezed text, which a plain substring test checks fast.
    """
    return _SEPARATORS.sub("", _fold(text))


def phrase_mask(texts: pd.Series | list[str], phrases: tuple[str, ...] | list[str]) -> np.ndarray:
    """True where a text contains every phrase, in any spelling a person counts as the same words:
    case, accents, spacing and hyphens aside ("rubber stamp" finds "rubberstamp").

    Args:
        texts: The statement texts.
        phrases: The phrases required; one with no word is ignored.

    Returns:
        A boolean array, one entry per text; all True without phrases.
    """
    texts = pd.Series(texts, dtype=object) if not isinstance(texts, pd.Series) else texts
    mask = np.ones(len(texts), dtype=bool)
    if not phrases:
        return mask
    folded = texts.astype(str).map(_fold)
    for phrase in phrases:
        if not _WORD.search(_fold(phrase)):
            continue
        mask &= folded.str.contains(_phrase_pattern(phrase), regex=True).to_numpy()
    return mask


class LexicalIndex:
    """BM25 over the statements' text, built once per dataset (about a second per 100k statements)."""

    def __init__(self, texts: list[str] | pd.Series) -> None:
        import bm25s
        from bm25s.tokenization import Tokenized

        self.texts = [str(t) for t in texts]
        self.size = len(self.texts)
        self._bm25 = bm25s.BM25()  # Lucene's BM25, k1 = 1.5, b = 0.75
        # Words become ids here (bm25s is several times faster fed ids than strings). An empty
        # statement gets a placeholder word, or bm25s would drop its row and shift the others.
        vocab: dict[str, int] = {"\x00": 0}
        ids = [[vocab.setdefault(w, len(vocab)) for w in words(t)] or [0] for t in self.texts]
        if self.size:
            self._bm25.index(Tokenized(ids=ids, vocab=vocab), show_progress=False)
        self.vocabulary = set(vocab) - {"\x00"} if self.size else set()
        self._squeezed: list[str] | None = None

    def scores(self, terms: tuple[str, ...] | list[str]) -> np.ndarray:
        """BM25 score of every statement for these (stemmed) terms; 0 where none appears.

        Args:
            terms: Stemmed terms, as :func:`words` gives them.

        Returns:
            A float32 array, one score per indexed statement.
        """
        known = [t for t in terms if t in self.vocabulary]
        if not known or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def may_contain(self, phrase: str) -> np.ndarray:
        """True where a statement may contain ``phrase`` in one of its spellings (see :func:`squeeze`):
        the candidates :func:`phrase_mask` then checks, so a phrase search reads few texts at 100k.

        Args:
            phrase: The phrase as typed.

        Returns:
            A boolean array, one entry per indexed statement.
        """
        if self._squeezed is None:  # built on the first phrase search: about 0.3 s per 100k statements
            self._squeezed = [squeeze(t) for t in self.texts]
        needle = squeeze(phrase)
        return np.fromiter((needle in t for t in self._squeezed), dtype=bool, count=self.size)

    def containing_all(self, terms: tuple[str, ...] | list[str]) -> np.ndarray:
        """True where a statement has every one of these (stemmed) terms: candidates for a phrase.

        Args:
            terms: Stemmed terms, as :func:`words` gives them.

        Returns:
            A boolean array, one entry per indexed statement.
        """
        mask = np.ones(self.size, dtype=bool)
        for t in terms:
            mask &= self.scores([t]) > 0
        return mask


def _ranks(scores: np.ndarray, candidates: np.ndarray, depth: int) -> dict[int, int]:
    """Rank (1 = best) of the ``depth`` best candidates by score."""
    from stance_explorer.analysis import top_k

    mask = np.zeros(len(scores), dtype=bool)
    mask[candidates] = True
    best = top_k(scores, depth, mask)
    return {int(r): i + 1 for i, r in enumerate(best)}


def rrf(*rankings: dict[int, int], k: int | None = None) -> dict[int, float]:
    """Reciprocal rank fusion: each ranking adds 1 / (k + rank) to the rows it ranks (k: RRF_K).

    Args:
        *rankings: Each maps a row to its rank (1 = best).
        k: The RRF constant; None uses RRF_K.

    Returns:
        The fused score of every row any ranking holds.
    """
    k = RRF_K if k is None else k
    fused: dict[int, float] = {}
    for ranking in rankings:
        for row, rank in ranking.items():
            fused[row] = fused.get(row, 0.0) + 1.0 / (k + rank)
    return fused


def query_language(text: str) -> str:
    """ "en" or "es" by the function words of a query (the quote extractor's hints), "" when it has none.

    Args:
        text: The query.

    Returns:
        "en", "es" or "" (undecided).
    """
    from stance_explorer.quotes import words as W

    found = [w.lower() for w in re.findall(r"[^\W\d_]+", str(text))]
    en = sum(w in W.ENGLISH_HINTS for w in found)
    es = sum(w in W.SPANISH_HINTS for w in found) + 2 * sum(ch in "ñáéíóú¿¡" for ch in str(text).lower())
    if en == es:
        return ""
    return "es" if es > en else "en"


def word_coverage(index: LexicalIndex, terms: tuple[str, ...] | list[str], rows: np.ndarray) -> np.ndarray:
    """Share of the query's word weight (idf) that each of ``rows`` holds: 1 when it has every term.

    A term found in no statement still counts in the total, at the highest idf, so a statement that
    shares only the common words of a long query ("give", "anything") has a small coverage.

    Args:
        index: The lexical index of the statements.
        terms: The query's stemmed terms.
        rows: Positions of the statements to score.

    Returns:
        A float64 array from 0 to 1, aligned with ``rows``.
    """
    rows = np.asarray(rows, dtype=np.int64)
    total, held = 0.0, np.zeros(len(rows), dtype=np.float64)
    for t in dict.fromkeys(terms):
        present = index.scores([t]) > 0
        df = int(present.sum())
        idf = float(np.log(1.0 + (index.size - df + 0.5) / (df + 0.5)))
        total += idf
        held += idf * present[rows]
    return held / total if total > 0 else held


def fuse_parts(
    meaning: dict[int, int],
    words_rank: dict[int, int],
    coverage: dict[int, float],
    k: int | None = None,
) -> dict[int, tuple[float, float]]:
    """Per row, its meaning share ``1 / (k + meaning rank)`` and its word share (see :func:`fuse`).

    Args:
        meaning: Row to rank by meaning (1 = best).
        words_rank: Row to rank by words (1 = best).
        coverage: Row to :func:`word_coverage`.
        k: The RRF constant; None uses RRF_K.

    Returns:
        Row to (meaning share, word share), 0 for a ranking that does not hold the row.
    """
    k = RRF_K if k is None else k
    parts: dict[int, tuple[float, float]] = {}
    for row in meaning.keys() | words_rank.keys():
        m = 1.0 / (k + meaning[row]) if row in meaning else 0.0
        w = (
            WORDS_WEIGHT * coverage.get(row, 0.0) ** COVERAGE_POWER / (k + words_rank[row])
            if row in words_rank
            else 0.0
        )
        parts[row] = (m, w)
    return parts


def fuse(
    meaning: dict[int, int],
    words_rank: dict[int, int],
    coverage: dict[int, float],
    blind: np.ndarray,
    k: int | None = None,
) -> dict[int, float]:
    """Fused score per row: 1 / (k + meaning rank) plus the word ranking's share.

    A row's word share is ``WORDS_WEIGHT * coverage ** COVERAGE_POWER / (k + words rank)``: a
    statement that holds every word of the query gets the full weight, one that shares a common word
    or two gets little, so weak word matches cannot bury a strong meaning match. Where the word
    ranking cannot judge a row (``blind``: another language than the query's) its word share is at
    least ``BLIND_SHARE`` of its meaning share: missing words are not evidence against it.

    Args:
        meaning: Row to rank by meaning (1 = best).
        words_rank: Row to rank by words (1 = best).
        coverage: Row to :func:`word_coverage`.
        blind: Boolean per statement row: True where the word ranking cannot judge it.
        k: The RRF constant; None uses RRF_K.

    Returns:
        The fused score of every row either ranking holds.
    """
    return _combine(fuse_parts(meaning, words_rank, coverage, k), blind)


def _combine(parts: dict[int, tuple[float, float]], blind: np.ndarray) -> dict[int, float]:
    """The fused score from each row's two shares; a ``blind`` row's word share is at least BLIND_SHARE of its meaning share."""
    return {row: m + (max(w, BLIND_SHARE * m) if blind[row] else w) for row, (m, w) in parts.items()}


#: A ranking is named as what placed a result when it gives at least this share of its fused score.
REASON_SHARE = 0.25
MEANING, WORDS, BOTH, PHRASE = "meaning", "words", "meaning + words", "phrase"


def match_reason(meaning_share: float, words_share: float, phrase: bool = False) -> str:
    """What placed a result where it is, in the words the Explore page and the CLI show.

    "meaning" or "words" when that ranking gives at least ``REASON_SHARE`` of the fused score and the
    other does not, "meaning + words" when both do; "phrase, " before it when a quoted phrase kept
    only the statements that contain it, and "phrase" alone when nothing else ranked them.

    Args:
        meaning_share: What the meaning ranking adds to the row's fused score (0 if nothing).
        words_share: What the word ranking adds (0 if nothing; not the stand-in for another language).
        phrase: Whether the query quotes a phrase.

    Returns:
        A short label.
    """
    total = meaning_share + words_share
    named = [
        name
        for name, share in ((MEANING, meaning_share), (WORDS, words_share))
        if total > 0 and share >= REASON_SHARE * total
    ]
    reason = BOTH if len(named) == 2 else (named[0] if named else "")
    if phrase:
        return f"{PHRASE}, {reason}" if reason else PHRASE
    return reason


def search(
    frame: pd.DataFrame,
    *,
    query: str | Query,
    vectors: np.ndarray | None = None,
    query_vector: np.ndarray | None = None,
    index: LexicalIndex | None = None,
    k: int = 10,
    mask: np.ndarray | None = None,
    mode: Mode = "fused",
    depth: int = FUSION_DEPTH,
    ann=None,
) -> pd.DataFrame:
    """The k best statements for a query, best first.

    ``mode``: "meaning" ranks by cosine to ``query_vector``, "words" by BM25 over ``index``, and
    "fused" combines both (:func:`fuse`, falling back to whichever is available). Quoted phrases always
    restrict the candidates. ``frame``, ``vectors`` and ``index`` are row-aligned; ``mask`` keeps
    rows (the filters). Returns the statements with ``score`` (cosine, NaN without a vector),
    ``words_score`` (BM25), ``matched`` (the statement's words that match the query's terms, as
    written), ``row`` (position in ``frame``), ``rank`` (1 = best, the order of the results) and
    ``matched_by`` (what placed it there: :func:`match_reason`). ``ann`` (a ``stance_explorer.scale.ann.AnnIndex`` over
    these rows, past a few 100k statements) ranks by meaning from its graph instead of every vector.

    Returns:
        At most k rows of ``frame`` with score, words_score, matched, row, rank and matched_by, best first.
    """
    from stance_explorer.analysis import similarity_to, top_k

    q = parse_query(query) if isinstance(query, str) else query
    n = len(frame)
    keep = np.ones(n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool).copy()
    for phrase in q.phrases:
        # The index narrows the statements to those whose letters hold the phrase's; the exact
        # check then reads only those, which keeps a phrase search fast at 100k statements.
        if index is not None and squeeze(phrase):
            keep &= index.may_contain(phrase)
        rows = np.nonzero(keep)[0]
        keep[rows] = phrase_mask(frame[S.TEXT].iloc[rows], (phrase,))
    candidates = np.nonzero(keep)[0]
    use_meaning = mode in ("fused", "meaning") and query_vector is not None and vectors is not None
    use_words = mode in ("fused", "words") and index is not None and bool(q.terms)
    if use_meaning and ann is not None:
        # Only the graph's best candidates get a cosine; the rest rank below them (-inf).
        cos = np.full(n, -np.inf, dtype=np.float32)
        found, scores = ann.search(vectors, query_vector, max(k, depth), keep)
        cos[found] = scores
    else:
        cos = similarity_to(vectors, query_vector) if use_meaning else np.full(n, np.nan, dtype=np.float32)
    lex = index.scores(q.terms) if use_words else np.zeros(n, dtype=np.float32)
    if use_meaning and use_words:
        best, shares = _fused_best(frame, q, index, cos, lex, candidates, k, depth)
    elif use_meaning:
        best = top_k(cos, k, keep)
        shares = [(1.0, 0.0)] * len(best)
    elif use_words:
        # A statement that holds a quoted phrase in another spelling ("rubberstamp") may hold none of
        # its words as the index splits them: the phrase alone keeps it, after those the words rank.
        best = top_k(lex, k, keep & ((lex > 0) | bool(q.phrases)))
        shares = [(0.0, float(lex[r] > 0)) for r in best]
    else:
        # Only a quoted phrase, or nothing usable: the statements that contain it, newest first.
        dates = frame[S.DATE].to_numpy()[candidates].astype("datetime64[ns]").astype(np.int64)
        best = candidates[np.argsort(-dates, kind="stable")][:k] if q.phrases else np.zeros(0, dtype=np.int64)
        shares = [(0.0, 0.0)] * len(best)
    out = frame.iloc[best].copy()
    if use_meaning and ann is not None:  # a row found by its words alone still shows its true cosine
        cos[best] = np.asarray(vectors[best], dtype=np.float32) @ np.asarray(query_vector, dtype=np.float32)
    out.insert(0, "score", cos[best])
    out["words_score"] = lex[best]
    out["matched"] = [", ".join(matched_words(t, q)) for t in out[S.TEXT].astype(str)]
    out["row"] = best
    out["rank"] = np.arange(1, len(best) + 1)
    out["matched_by"] = [match_reason(m, w, bool(q.phrases)) for m, w in shares]
    return out


def _fused_best(
    frame: pd.DataFrame,
    q: Query,
    index: LexicalIndex,
    cos: np.ndarray,
    lex: np.ndarray,
    candidates: np.ndarray,
    k: int,
    depth: int,
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """The k best candidates by the fused score, and each one's (meaning share, word share)."""
    lexical = candidates[lex[candidates] > 0]  # a statement with none of the words is not ranked by words
    words_rank = _ranks(lex, lexical, depth)
    found = np.fromiter(words_rank, dtype=np.int64, count=len(words_rank))
    coverage = dict(zip(found.tolist(), word_coverage(index, q.terms, found).tolist()))
    blind = _words_blind(frame, q.text)
    parts = fuse_parts(_ranks(cos, candidates, depth), words_rank, coverage)
    fused = _combine(parts, blind)
    rows = np.fromiter(fused, dtype=np.int64, count=len(fused))
    value = np.fromiter(fused.values(), dtype=np.float64, count=len(fused))
    # Ties (rare) go to the closer meaning, then to the row order.
    best = rows[np.lexsort((rows, -cos[rows], -value))[:k]]
    return best, [parts[int(r)] for r in best]


def _words_blind(frame: pd.DataFrame, query_text: str) -> np.ndarray:
    """True for the rows whose missing words say nothing against them: those whose ``language`` is
    known and differs from the query's (English or Spanish by its function words)."""
    lang = query_language(query_text)
    if not lang or S.LANGUAGE not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    codes = frame[S.LANGUAGE].astype(str).str.strip().str.lower().to_numpy()
    return (codes != "") & (codes != lang)


def matched_words(text: str, query: str | Query) -> list[str]:
    """The words of ``text``, as written, that match the query's terms or its quoted phrases.

    Args:
        text: The statement.
        query: The query, as text or parsed.

    Returns:
        The matching words as written, then quoted phrases found, each once, in order.
    """
    q = parse_query(query) if isinstance(query, str) else query
    wanted = set(q.terms)
    seen: dict[str, None] = {}
    for m in _WORD.finditer(str(text)):
        w = _fold(m.group(0))
        if w not in STOPWORDS and _stem(w) in wanted:
            seen.setdefault(m.group(0), None)
    folded = _fold(text)
    for phrase in q.phrases:
        # _fold keeps the length of most text; when it does not, the phrase is named as typed.
        hit = _phrase_pattern(phrase).search(folded) if _WORD.search(_fold(phrase)) else None
        if hit:
            span = str(text)[hit.start() : hit.end()] if len(folded) == len(str(text)) else phrase
            seen.setdefault(f"“{span}”", None)
    return list(seen)


def highlight_spans(text: str, query: str | Query) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, matched) runs, in order, covering it exactly: for highlighting.

    Args:
        text: The statement.
        query: The query, as text or parsed.

    Returns:
        A list of (piece, matched) whose pieces join back into ``text``.
    """
    q = parse_query(query) if isinstance(query, str) else query
    text = str(text)
    hits = np.zeros(len(text), dtype=bool)
    wanted = set(q.terms)
    for m in _WORD.finditer(text):
        w = _fold(m.group(0))
        if w not in STOPWORDS and _stem(w) in wanted:
            hits[m.start() : m.end()] = True
    folded = _fold(text)
    if len(folded) == len(text):
        for phrase in q.phrases:
            if _WORD.search(_fold(phrase)):
                for m in _phrase_pattern(phrase).finditer(folded):
                    hits[m.start() : m.end()] = True
    spans: list[tuple[str, bool]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or hits[i] != hits[start]:
            spans.append((text[start:i], bool(hits[start])))
            start = i
    return spans
