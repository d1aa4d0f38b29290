"""Reading an axis: the one rule the CLI and the pages share (``read_axis``), and how a reading is told and cited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stance_explorer import schema as S
from stance_explorer.stance import methods as M
from stance_explorer.stance.axes import AGAINST, FAVOR, LABELS, LOW_CONFIDENCE, NONE


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


@dataclass
class AxisReading:
    """One axis read over the statements in scope (row-aligned with the scope).

    Attributes:
        arrays: the reading in force: taught when labels teach, else the zero-shot one.
        zero_shot: the reading from the axis words alone (it does not depend on the labels).
        relevance: each statement's cosine to the target (how much it is about the question).
        taught: whether ``arrays`` was learnt from labels.
    """

    arrays: M.StanceArrays
    zero_shot: M.StanceArrays
    relevance: np.ndarray
    taught: bool


def read_zero_shot(
    X: np.ndarray, axis_vecs: Mapping[str, np.ndarray], *, model_id: str | None = None
) -> tuple[M.StanceArrays, np.ndarray]:
    """The zero-shot reading of rows ``X`` and their relevance to the target (what :func:`read_axis` starts from).

    Args:
        X: (n, d) unit vectors of the statements.
        axis_vecs: Unit vectors keyed "target", "favor" and "against".
        model_id: The encoder that made ``X``.

    Returns:
        (the zero-shot :class:`StanceArrays`, float64 relevance per row).
    """
    return M.zero_shot(X, dict(axis_vecs), model_id=model_id), relevance(X, axis_vecs)


def read_axis(
    X: np.ndarray,
    axis_vecs: Mapping[str, np.ndarray],
    *,
    scope: np.ndarray | None = None,
    label_rows: np.ndarray | None = None,
    label_codes: np.ndarray | None = None,
    taught: bool = True,
    model_id: str | None = None,
    zero: tuple[M.StanceArrays, np.ndarray] | None = None,
) -> AxisReading:
    """Read an axis over the statements at rows ``scope`` of ``X``: the one rule the CLI and the pages share.

    Only the statements in scope are scored, so a filter or a topic narrows the work; when teaching,
    every label counts, in scope or not (a label outside the filters still teaches the model).

    Args:
        X: every statement's vector (the whole dataset).
        axis_vecs: the axis's pole vectors (``VectorSource.axis_vectors``).
        scope: sorted rows of ``X`` to read; None reads every row.
        label_rows: rows of ``X`` with a label, and ``label_codes`` their codes (``CODE``).
        taught: learn from the labels when there are any; False reads zero-shot.
        model_id: the encoder that made ``X`` (the zero-shot method has settings per model).
        zero: the zero-shot reading of the scope and its relevance, when the caller has it cached.

    Returns:
        An ``AxisReading`` aligned with ``scope``.
    """
    X = np.asarray(X)
    scope = np.arange(len(X), dtype=np.int64) if scope is None else np.asarray(scope, dtype=np.int64)
    zero_arrays, rel = zero if zero is not None else read_zero_shot(X[scope], axis_vecs, model_id=model_id)
    rows = np.asarray(label_rows if label_rows is not None else [], dtype=np.int64)
    codes = np.asarray(label_codes if label_codes is not None else [], dtype=np.int64)
    if not taught or len(rows) == 0:
        return AxisReading(zero_arrays, zero_arrays, rel, False)
    pos = np.minimum(np.searchsorted(scope, rows), max(len(scope) - 1, 0))
    inside = (scope[pos] == rows) if len(scope) else np.zeros(len(rows), dtype=bool)
    outside = rows[~inside]
    lab = np.r_[pos[inside], len(scope) + np.arange(len(outside))].astype(np.int64)
    y = np.r_[codes[inside], codes[~inside]].astype(np.int64)
    full = score(X[np.r_[scope, outside]], axis_vecs, lab, y, model_id=model_id)
    return AxisReading(M.StanceArrays(*(a[: len(scope)] for a in full)), zero_arrays, rel, True)


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


def describe_reading(row: Mapping) -> str:
    """How a statement's stance is told: a hand label is called a label; the model's is "the model's
    reading", with its confidence, and a differing hand label is shown beside it.

    Args:
        row: A reading with stance, labelled, confidence and optionally hand_label.

    Returns:
        A short phrase such as "favor (a hand label)".
    """
    if row.get("labelled"):
        return f"{row['stance']} (a hand label)"
    text = f"{row['stance']} (the model's reading, confidence {float(row['confidence']):.2f})"
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
