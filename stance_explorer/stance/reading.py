"""Reading a claim: the one function the CLI and the pages share (``read_claim``), the one reading object
(:class:`StanceReading`, aligned with the dataset's rows), and how a reading is told and cited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stance_explorer import schema as S
from stance_explorer.stance import methods as M
from stance_explorer.stance.axes import AGAINST, FAVOR, LABELS, LOW_CONFIDENCE, NONE, Axis


# ---------------------------------------------------------------------------- readings
def score(
    X: np.ndarray,
    axis_vecs: Mapping[str, np.ndarray],
    rows: np.ndarray | None = None,
    codes: np.ndarray | None = None,
    *,
    model_id: str | None = None,
) -> M.StanceArrays:
    """Zero-shot without labels; taught with them (labelled rows keep their label).

    ``model_id``: the encoder that made the vectors; the method may have settings for it.

    Args:
        X: (n, d) unit vectors of the statements.
        axis_vecs: Unit vectors keyed "target", "favor" and "against".
        rows: Row positions of the labelled statements; None or empty for zero-shot.
        codes: Their label codes, aligned with ``rows``.
        model_id: The encoder that made ``X``.

    Returns:
        :class:`StanceArrays` row-aligned with ``X``.
    """
    if rows is None or len(rows) == 0:
        return M.zero_shot(X, dict(axis_vecs), model_id=model_id)
    return M.taught(X, np.asarray(rows), np.asarray(codes), dict(axis_vecs), model_id=model_id)


def readings(
    frame: pd.DataFrame, arrays: M.StanceArrays, labelled: np.ndarray | None = None, *, hand: np.ndarray | None = None
) -> pd.DataFrame:
    """The statements with their stance: stance, score, confidence, low (tentative), ``labelled``
    (the stance shown is a hand label, not the model's reading) and ``hand_label`` (the statement's
    hand label when it has one, whatever is shown: "" otherwise).

    Args:
        frame: the statements, row-aligned with ``arrays``.
        arrays: the stance in force (taught: labelled rows carry their label).
        labelled: positions whose stance in ``arrays`` IS their label (the taught mode's labelled
            rows). In zero-shot mode pass None: every stance shown is then the model's reading.
        hand: a label code per row (-1: no label), shown beside the model's reading.
    """
    out = frame.copy()
    out["stance"] = np.asarray(LABELS, dtype=object)[arrays.label.astype(np.int64)]
    out["score"] = arrays.score.astype(np.float64)
    out["confidence"] = arrays.confidence.astype(np.float64)
    out["low"] = out["confidence"].to_numpy() < LOW_CONFIDENCE
    lab = np.zeros(len(frame), dtype=bool)
    if labelled is not None and len(labelled):
        lab[labelled] = True
    out["labelled"] = lab
    names = np.asarray(("",) + tuple(LABELS), dtype=object)
    out["hand_label"] = names[np.asarray(hand, dtype=np.int64) + 1] if hand is not None else ""
    return out


_WHOSE_LABEL = {"project": "the project's hand label", "you": "your label"}


def describe_reading(row: Mapping) -> str:
    """How a statement's stance is told: a hand label is called a label; the model's is "the model's
    reading", with its confidence and the reader that read it, and a differing hand label is shown
    beside it. A statement the reader did not read (a language it cannot read) says so, never a stance.

    Args:
        row: A reading with stance, labelled, confidence and optionally hand_label.

    Returns:
        A short phrase such as "favor (the project's hand label)"; ``label_by`` ("project" or
        "you") says whose a label is, when known.
    """
    if row.get("labelled"):
        whose = _WHOSE_LABEL.get(row.get("label_by") or "", "a hand label")
        return f"{row['stance']} ({whose})"
    reader = row.get("reader") or ""
    if row.get("read") is not None and not bool(row.get("read")):
        why = row.get("note") or "no reason given"
        return f"not read by the {reader or 'model'} reader ({why})"
    by = f"; reader: {reader}" if reader else ""
    text = f"{row['stance']} (the model's reading, confidence {float(row['confidence']):.2f}{by})"
    hand = row.get("hand_label") or ""
    if hand and hand != row["stance"]:
        text += f"; hand label: {hand}"
    return text


def teaching_gap(codes: Sequence[int]) -> str | None:
    """What the labels cannot teach yet: None when both favor and against are labelled.

    Args:
        codes: The label codes given so far.

    Returns:
        A sentence saying which label is missing, or None (also with no labels at all).
    """
    present = set(int(c) for c in codes)
    if FAVOR in present and AGAINST in present:
        return None
    if not present:
        return None
    if FAVOR in present or AGAINST in present:
        have, lack = ("favor", "against") if FAVOR in present else ("against", "favor")
        return (
            f"Your labels have {have} examples but no {lack} one, so the axis cannot yet tell favor from against: "
            f"label at least one {lack} statement."
        )
    return 'Your labels are all "none", so the axis cannot yet tell favor from against: label a favor and an against statement.'


def relevance(X: np.ndarray, axis_vecs: Mapping[str, np.ndarray]) -> np.ndarray:
    """Cosine of each statement to the axis target (the mean of the target texts' vectors).

    Args:
        X: (n, d) unit vectors of the statements.
        axis_vecs: Vectors keyed "target" (one row per target text).

    Returns:
        A float64 cosine per row.
    """
    t = np.asarray(axis_vecs["target"], dtype=np.float32).reshape(-1, np.shape(X)[1]).mean(axis=0)
    n = float(np.linalg.norm(t))
    return (np.asarray(X, dtype=np.float32) @ (t / n if n else t)).astype(np.float64)


def clarity(arrays: M.StanceArrays, tiebreak: np.ndarray | None = None) -> np.ndarray:
    """How clearly each statement takes its side: |score| (0 for none), ties broken by ``tiebreak``.

    Hand-labelled statements all score exactly ±1, so ``tiebreak`` (the statement's relevance to
    the target, :func:`relevance`) decides which of them is the clearest example of its side: the
    one most plainly about the target.

    Args:
        arrays: The readings.
        tiebreak: One value per row, clipped to [-1, 1] and weighted 0.001; None for no tiebreak.

    Returns:
        A float64 array, one per row.
    """
    c = np.where(arrays.label == NONE, 0.0, np.abs(arrays.score.astype(np.float64)))
    if tiebreak is not None:
        c = c + 1e-3 * np.clip(np.asarray(tiebreak, dtype=np.float64), -1.0, 1.0)
    return c


#: A quote shorter than this many words is a fragment: never the evidence for a side when a fuller one exists.
MIN_EVIDENCE_WORDS = 6


def citability(frame: pd.DataFrame) -> np.ndarray:
    """How well each statement serves as cited evidence: 3 for a full quote with a source link,
    2 for a fragment with a link, 1 for a full quote without one, 0 for a fragment without a link.

    A source a reader can follow comes first: a quote with a link is cited ahead of any quote without
    one (such as the seed report's, whose link is not known), and among those the full quote ahead of
    the fragment. A partial quote ("irrelevant", "very well.") stays as it was reported, but the
    evidence shown for a side or a flip is the fullest sourced statement that supports it (see
    :func:`evidence_rank`).

    Args:
        frame: The statements (text, and source_url and quote_type when present).

    Returns:
        An array of 0, 1, 2 or 3 per row.
    """
    n = len(frame)
    urls = frame[S.SOURCE_URL].tolist() if S.SOURCE_URL in frame else [""] * n
    sourced = np.fromiter((isinstance(u, str) and bool(u.strip()) for u in urls), dtype=bool, count=n)
    # A plain split per text: pandas' .str.split().str.len() took 0.4 s at 100k statements, this 0.1 s.
    words = np.fromiter((len(t.split()) if isinstance(t, str) else 0 for t in frame[S.TEXT].tolist()), np.int64, n)
    partial = (frame[S.QUOTE_TYPE].to_numpy() == S.QUOTE_PARTIAL) if S.QUOTE_TYPE in frame else np.zeros(n, bool)
    full = (words >= MIN_EVIDENCE_WORDS) & ~partial
    return 2.0 * sourced + full


def evidence_rank(frame: pd.DataFrame, arrays: M.StanceArrays, tiebreak: np.ndarray | None = None) -> np.ndarray:
    """Which statement to cite for its side: full sourced quotes first, then the clearest reading.

    Compare only statements on the same side: citability outranks clarity (which lies in [0, 1]).

    Args:
        frame: The statements, row-aligned with ``arrays``.
        arrays: Their readings.
        tiebreak: As :func:`clarity` takes it.

    Returns:
        A float64 rank per row; higher is better evidence (for a "none" reading, its clarity only).
    """
    rank = clarity(arrays, tiebreak)
    sided = np.flatnonzero(arrays.label != NONE)  # only statements on a side are ever cited for one
    rank[sided] += 2.0 * citability(frame.iloc[sided])
    return rank


# ---------------------------------------------------------------------------- a reader's reading of a dataset
#: Weight of the reader's log-probabilities among the taught head's features (beside the embedding).
READER_FEATURE_WEIGHT = 1.0


@dataclass
class StanceReading:
    """One claim read over a dataset: every array is aligned with the dataset's rows, ``scope`` says which were read.

    There is one row system: the dataset's. A page narrows with masks (``scope``, a speaker), and
    :meth:`table` gives the rows in scope as a frame whose ``row`` column names each dataset row.

    Attributes:
        axis: the claim.
        reader: the reader's name (``axis``, ``builtin``, ``nli``, ``llm``, ``csv``).
        reader_label: how the reader is named on every display.
        scope: (N,) bool: the rows asked for (the filters, the topic).
        read: (N,) bool: the rows the reader read (in scope, and not refused: a language it cannot read, a failure).
        probs: (N, 3) the reader's probabilities (none, against, favor); 0 where not read.
        arrays: the reading in force: taught when labels teach, else the reader's own.
        zero_shot: the reader's own reading (not taught).
        relevance: (N,) cosine of each statement to the claim's target (NaN where unknown).
        hand: (N,) each statement's hand-label code, -1 for none (labels outside the scope included).
        taught: whether ``arrays`` was learnt from labels.
        notes: (N,) why a statement was not read ("" when read or out of scope).
        evidence: (N,) the words of the statement that decided its reading ("" when the reader gave none).
        new: how many statements the reader read now (0 when all came from the cache).
        reader_version: the reader's version (its model id, its weights' hash).
    """

    axis: Axis
    reader: str
    reader_label: str
    scope: np.ndarray
    read: np.ndarray
    probs: np.ndarray
    arrays: M.StanceArrays
    zero_shot: M.StanceArrays
    relevance: np.ndarray
    hand: np.ndarray
    taught: bool
    notes: np.ndarray
    evidence: np.ndarray
    new: int = 0
    reader_version: str = ""

    @property
    def rows(self) -> np.ndarray:
        """The dataset rows in scope, in order."""
        return np.flatnonzero(self.scope)

    @property
    def label_rows(self) -> np.ndarray:
        """Dataset rows with a hand label (in scope or not)."""
        return np.flatnonzero(self.hand >= 0)

    @property
    def label_codes(self) -> np.ndarray:
        """Their label codes, aligned with :attr:`label_rows`."""
        return self.hand[self.hand >= 0]

    def first_note(self) -> str:
        """Why the first statement in scope that the reader did not read was not read ("" when all were read)."""
        notes = [n for n in self.notes[self.scope & ~self.read] if n]
        return notes[0] if notes else ("no reason given" if (self.scope & ~self.read).any() else "")

    def scoped(self, mask: np.ndarray | None = None) -> M.StanceArrays:
        """The reading in force at the rows in scope (and in ``mask`` when given).

        Args:
            mask: (N,) bool to narrow further, or None.

        Returns:
            StanceArrays aligned with those rows.
        """
        rows = np.flatnonzero(self.scope if mask is None else self.scope & mask)
        return M.StanceArrays(*(a[rows] for a in self.arrays))

    def table(self, frame: pd.DataFrame, mask: np.ndarray | None = None) -> pd.DataFrame:
        """The statements in scope (and in ``mask``) with their reading: what every display shows.

        Columns added to the statements': ``row`` (the dataset row), stance, score, confidence, low,
        labelled (the stance shown is a hand label), hand_label, read, note, evidence, reader, and
        the reader's own reading before any label taught it (reader_stance, reader_score, reader_confidence).

        Args:
            frame: the dataset's statements frame.
            mask: (N,) bool to narrow further, or None.

        Returns:
            One row per statement, positions 0..m-1 (what the speaker functions' row numbers index).
        """
        rows = np.flatnonzero(self.scope if mask is None else self.scope & mask)
        arrays = M.StanceArrays(*(a[rows] for a in self.arrays))
        shown_label = np.flatnonzero(self.hand[rows] >= 0) if self.taught else None
        out = readings(frame.iloc[rows].reset_index(drop=True), arrays, shown_label, hand=self.hand[rows])
        out["row"] = rows
        out["read"] = self.read[rows]
        out["note"] = self.notes[rows]
        out["evidence"] = self.evidence[rows]
        out["reader"] = self.reader
        own = self.zero_shot
        out["reader_stance"] = np.asarray(LABELS, dtype=object)[own.label[rows].astype(np.int64)]
        out["reader_score"] = own.score[rows].astype(np.float64)
        out["reader_confidence"] = own.confidence[rows].astype(np.float64)
        return out


def reader_texts(frame: pd.DataFrame) -> list[str]:
    """What a reader reads for each statement: the quote, with the collector's context after a short partial quote.

    Args:
        frame: a statements frame.

    Returns:
        One text per row.
    """
    from stance_explorer.encoders.text import TextRules, embedding_texts

    return embedding_texts(frame, TextRules(gloss=False, partial_context=True))


def reader_features(X: np.ndarray | None, probs: np.ndarray) -> np.ndarray:
    """What a taught head learns from on top of a reader: its log-probabilities, beside the embedding when there is one.

    Args:
        X: (N, d) the statements' embeddings, or None.
        probs: (N, 3) the reader's probabilities.

    Returns:
        (N, d + 3) float32 features (or (N, 3) without embeddings).
    """
    logp = np.log(np.clip(probs, 1e-4, 1.0)) * READER_FEATURE_WEIGHT
    return logp if X is None or X.shape[1] == 0 else np.hstack([np.asarray(X, np.float32), logp.astype(np.float32)])


def _taught_on(features: np.ndarray, rows: np.ndarray, codes: np.ndarray, base: M.StanceArrays) -> M.StanceArrays:
    """A class-balanced ridge head on ``features`` learnt from the labels; labelled rows keep their label."""
    if len(np.unique(codes)) < 2:
        out = base
    else:
        head = M.fit_ridge(features[rows], codes)
        out = M._arrays_from_scores(features @ head.W + head.b)
    hand = np.full(len(features), -1, dtype=np.int64)
    hand[rows] = codes
    return _keep_labels(out, rows, hand)


def _full(arrays: M.StanceArrays, rows: np.ndarray, n: int) -> M.StanceArrays:
    label = np.full(n, NONE, np.int8)
    score = np.zeros(n, np.float32)
    conf = np.zeros(n, np.float32)
    label[rows], score[rows], conf[rows] = arrays.label, arrays.score, arrays.confidence
    return M.StanceArrays(label, score, conf)


#: ``read_claim`` takes a ``relevance`` argument; this is the function of that name.
_target_cosine = relevance


def _spread(out, rows: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A reader's output over ``rows``, spread over all ``n`` dataset rows (not read elsewhere)."""
    probs = np.zeros((n, len(LABELS)), np.float32)
    read = np.zeros(n, bool)
    notes = np.full(n, "", dtype=object)
    evidence = np.full(n, "", dtype=object)
    probs[rows], read[rows], notes[rows], evidence[rows] = out.probs, out.read, out.notes, out.evidence
    return probs, read, notes, evidence


def _scope_mask(n: int, scope: np.ndarray | None) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    if scope is None:
        mask[:] = True
    elif np.asarray(scope).dtype == bool:
        mask[:] = scope
    else:
        mask[np.asarray(scope, dtype=np.int64)] = True
    return mask


def _taught_arrays(reader, axis: Axis, own: M.StanceArrays, rows, mask, read, probs, vectors, has_vector, hand):
    """The reading learnt from every hand label on top of the reader (labelled rows keep their label)."""
    lab = np.flatnonzero(hand >= 0)
    if hasattr(reader, "read_vectors") and vectors is not None:
        lab = lab[has_vector[lab]]
        need = np.union1d(rows, lab)
        sub = M.taught(
            vectors[need],
            np.searchsorted(need, lab),
            hand[lab],
            reader.pole_vectors(axis),
            model_id=reader.version,
        )
        arrays = _full(M.StanceArrays(*(a[np.searchsorted(need, rows)] for a in sub)), rows, len(hand))
        return _keep_labels(arrays, lab, hand)
    arrays = _taught_on(reader_features(vectors, probs), lab, hand[lab], own)
    return _unread_stay_unread(arrays, mask & ~read, hand)


def read_claim(
    reader,
    axis: Axis,
    frame: pd.DataFrame,
    *,
    scope: np.ndarray | None = None,
    vectors: np.ndarray | None = None,
    has_vector: np.ndarray | None = None,
    hand: np.ndarray | None = None,
    taught: bool = True,
    cache=None,
    relevance: np.ndarray | None = None,
    progress=None,
) -> StanceReading:
    """Read a claim over a dataset with a reader: the one function every stance display and the CLI call.

    Only the statements in scope are read, and of those only what the cache lacks. With hand labels
    (and ``taught``), a head learnt from every label (in scope or not) reads on top of the reader's
    output (its probabilities, beside the embedding when there is one).

    Args:
        reader: a :class:`~stance_explorer.stance.readers.Reader`.
        axis: the claim.
        frame: the dataset's statements.
        scope: (N,) bool or sorted rows to read; None reads every row.
        vectors: (N, d) the statements' embeddings (the axis reader reads these; others use them to
            learn from labels); None when there are none.
        has_vector: (N,) which rows have a vector (default: all when ``vectors`` is given).
        hand: (N,) hand-label codes, -1 for none.
        taught: learn from the labels when there are any.
        cache: the reader's :class:`~stance_explorer.stance.readers.ReadingCache`, or None.
        relevance: (N,) each statement's cosine to the target when the caller has it (else computed
            from ``vectors`` by the axis reader, NaN otherwise).
        progress: called as ``progress(done, total)`` while the reader reads.

    Returns:
        A :class:`StanceReading`.
    """
    from stance_explorer.stance.readers.cache import read_through

    n = len(frame)
    mask = _scope_mask(n, scope)
    if vectors is not None and has_vector is None:
        has_vector = np.ones(n, dtype=bool)
    hand = np.full(n, -1, np.int64) if hand is None else np.asarray(hand, dtype=np.int64)
    rel = np.full(n, np.nan) if relevance is None else np.asarray(relevance, dtype=np.float64).copy()
    rows = np.flatnonzero(mask)
    new = 0
    if hasattr(reader, "read_vectors") and vectors is not None:
        rows = rows[has_vector[rows]]
        mask = _scope_mask(n, rows)
        out = reader.read_vectors(axis, vectors[rows])
        if relevance is None:
            rel[rows] = _target_cosine(vectors[rows], reader.pole_vectors(axis))
    else:
        out, new = read_through(reader, axis, reader_texts(frame.iloc[rows]), cache, progress=progress)
    probs, read, notes, evidence = _spread(out, rows, n)
    own = _full(out.stance_arrays(), rows, n)
    is_taught = taught and bool((hand >= 0).any())
    arrays = own
    if is_taught:
        arrays = _taught_arrays(reader, axis, own, rows, mask, read, probs, vectors, has_vector, hand)
    return StanceReading(
        axis,
        reader.name,
        reader.label,
        mask,
        read,
        probs,
        arrays,
        own,
        rel,
        hand,
        is_taught,
        notes,
        evidence,
        new,
        reader.version,
    )


def _keep_labels(arrays: M.StanceArrays, lab: np.ndarray, hand: np.ndarray) -> M.StanceArrays:
    label, score, conf = arrays.label.copy(), arrays.score.copy(), arrays.confidence.copy()
    codes = hand[lab]
    label[lab] = codes
    score[lab] = np.select([codes == FAVOR, codes == AGAINST], [1.0, -1.0], 0.0)
    conf[lab] = 1.0
    return M.StanceArrays(label, score, conf)


def _unread_stay_unread(arrays: M.StanceArrays, unread: np.ndarray, hand: np.ndarray) -> M.StanceArrays:
    """A statement the reader could not read is not given a taught reading either (unless it is labelled)."""
    idx = np.flatnonzero(unread & (hand < 0))
    label, score, conf = arrays.label.copy(), arrays.score.copy(), arrays.confidence.copy()
    label[idx], score[idx], conf[idx] = NONE, 0.0, 0.0
    return M.StanceArrays(label, score, conf)


def suggest_next(reading: StanceReading, vectors: np.ndarray | None = None, k: int = 5) -> np.ndarray:
    """Up to ``k`` unlabelled statements in scope whose labels would help most: the least sure readings.

    Near-copies (cosine over 0.95) of a statement already picked are skipped, so the suggestions
    teach different things. Statements the reader did not read are not suggested.

    Args:
        reading: the reading.
        vectors: (N, d) the statements' embeddings for the near-copy check, or None.
        k: most suggestions.

    Returns:
        Positions in ``reading.table(...)`` (0..m-1 over the rows in scope), least sure first.
    """
    rows = reading.rows
    ok = (reading.hand[rows] < 0) & reading.read[rows]
    cand = np.flatnonzero(ok)
    if len(cand) == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    order = cand[np.argsort(reading.arrays.confidence[rows[cand]], kind="stable")]
    use_vectors = vectors is not None and np.shape(vectors)[1] > 0
    picked: list[int] = []
    for i in order[: max(50 * k, 500)]:
        if use_vectors and picked and float((vectors[rows[picked]] @ vectors[rows[i]]).max()) > 0.95:
            continue
        picked.append(int(i))
        if len(picked) == k:
            break
    return np.asarray(picked, dtype=np.int64)
