"""Stance scoring on sentence vectors: where each statement stands on an axis (favor / against / none).

An axis is a target ("the USMCA") with a favor pole and an against pole, in words. The caller
encodes the texts from :func:`axis_texts` with the encoder in use and passes the vectors here;
nothing in this module encodes, imports torch or reaches a model hub, so any encoder works
(MiniLM 384-d, USE multilingual 512-d, ...).

Two modes:
  * :func:`zero_shot` - from the axis text alone: the statement's position between the two poles,
    and "none" when it is not about the target or takes no side.
  * :func:`taught` - from the user's labels: a ridge classifier on the vectors, fitted in closed
    form in about a millisecond, so every new label rescores at once.

Conventions: ``X`` holds L2-normalized float32 row vectors; ``labelled`` holds row positions in
``X`` (a boolean mask of ``len(X)`` is accepted too) and ``y`` the label codes aligned with it.
"""

from __future__ import annotations

import json
import re
from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

LABELS = ("none", "against", "favor")
NONE, AGAINST, FAVOR = 0, 1, 2

#: Fewest labels for which cross-validated accuracy is reported.
MIN_CV_LABELS = 4


class StanceArrays(NamedTuple):
    """One stance reading per statement, row-aligned with the vectors it came from."""

    label: np.ndarray  # int8 codes 0 none / 1 against / 2 favor
    score: np.ndarray  # float32 in [-1, 1], favor > 0
    confidence: np.ndarray  # float32 in [0, 1]


# ---------------------------------------------------------------------------- axis wording
_FAVOR_TEMPLATES = (
    "I support {t}.",
    "{t} is good.",
    "We need {t}.",
    "I am in favor of {t}.",
)
_AGAINST_TEMPLATES = (
    "I oppose {t}.",
    "{t} is bad.",
    "We must stop {t}.",
    "I am against {t}.",
)


def axis_texts(target: str, favor: str | None = None, against: str | None = None) -> dict[str, list[str]]:
    """The texts to encode for an axis: keys "target", "favor" and "against", each a list.

    A pole the user wrote is used as written; a missing pole is derived from the target with a few
    template sentences, whose vectors are averaged.

    Args:
        target: What the statements take a position on; whitespace is collapsed.
        favor: The favor pole's wording; None or blank derives it.
        against: The against pole's wording; None or blank derives it.

    Returns:
        The texts keyed "target", "favor" and "against".

    Raises:
        ValueError: When the target is blank.
    """
    t = " ".join(str(target).split())
    if not t:
        raise ValueError("An axis needs a target: say what the statements take a position on.")
    fav = [" ".join(favor.split())] if favor and favor.strip() else [s.format(t=t) for s in _FAVOR_TEMPLATES]
    ag = [" ".join(against.split())] if against and against.strip() else [s.format(t=t) for s in _AGAINST_TEMPLATES]
    return {"target": [t], "favor": fav, "against": ag}


def _unit_mean(vectors: np.ndarray) -> np.ndarray:
    v = np.asarray(vectors, dtype=np.float32)
    if v.ndim == 2:
        v = v.mean(axis=0)
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def _axis(axis_vectors: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit target, favor and against vectors (each the normalized mean of its texts' vectors)."""
    try:
        return tuple(_unit_mean(axis_vectors[k]) for k in ("target", "favor", "against"))  # type: ignore[return-value]
    except KeyError as exc:
        raise ValueError(f"axis_vectors lacks the key {exc.args[0]!r} (needs target, favor, against)") from None


# ---------------------------------------------------------------------------- zero-shot
#: Per-model settings fitted offline on TweetEval stance train+val (benchmarks/stance_eval.py --fit).
WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
#: Zero-shot confidence = a + b * strength, for a side and for "none" (see zero_shot).
ZS_SIDE_CONF = (0.38, 0.19)
ZS_NONE_CONF = (0.58, 0.16)
#: Without settings for a model, this share of the statements (the least about the target) is "none".
FALLBACK_NONE_SHARE = 0.2


def model_key(model_id: str | None) -> str | None:
    """The model's name without path, weights-package version or backend suffix: 'all-MiniLM-L6-v2'.

    Args:
        model_id: An encoder id, or None.

    Returns:
        The key, or None for an empty id.
    """
    if not model_id:
        return None
    return re.split(r"[@+]", str(model_id).rsplit("/", 1)[-1], maxsplit=1)[0] or None


@lru_cache(maxsize=8)
def model_settings(model_id: str | None) -> dict[str, float] | None:
    """Shipped zero-shot settings for a model (JSON, no pickle), or None when there are none.

    Args:
        model_id: The encoder's id, or None.

    Returns:
        The settings (``relevance_min`` at least), or None.
    """
    key = model_key(model_id)
    path = WEIGHTS_DIR / "zero_shot.json"
    if key is None or not path.is_file():
        return None
    try:
        entry = json.loads(path.read_text("utf-8")).get("models", {}).get(key)
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("relevance_min"), (int, float)):
        return None
    return {k: float(v) for k, v in entry.items() if isinstance(v, (int, float))}


def _as_matrix(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    v = v[None, :] if v.ndim == 1 else v
    n = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.where(n > 0, n, 1.0)


def _pole_cosines(
    X: np.ndarray, axis_vectors: dict[str, np.ndarray], target: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(polarity, relevance) from one pass over X (it is memory-bound at 100k rows).

    Polarity: cosine to the nearest favor wording minus cosine to the nearest against one, divided
    by how far apart the poles are, so a pole wording itself sits at about +-1.
    Relevance: cosine to the target.
    """
    F, A = _as_matrix(axis_vectors["favor"]), _as_matrix(axis_vectors["against"])
    gap = max(1e-6, 1.0 - float((F @ A.T).max()))
    with _one_blas_thread():  # a thin product, memory-bound anyway
        C = X @ np.concatenate([F, A, target[None, :]]).T
    nf, na = len(F), len(A)
    return (C[:, :nf].max(axis=1) - C[:, nf : nf + na].max(axis=1)) / gap, C[:, -1]


def polarity(X: np.ndarray, axis_vectors: dict[str, np.ndarray]) -> np.ndarray:
    """Signed position between the poles (see :func:`_pole_cosines`).

    Args:
        X: (n, d) unit vectors.
        axis_vectors: Unit vectors keyed "target", "favor" and "against".

    Returns:
        One signed position per row, favor > 0.
    """
    return _pole_cosines(np.asarray(X, dtype=np.float32), axis_vectors, _axis(axis_vectors)[0])[0]


def zero_shot(
    X: np.ndarray,
    axis_vectors: dict[str, np.ndarray],
    *,
    model_id: str | None = None,
    relevance_min: float | None = None,
) -> StanceArrays:
    """Stance from the axis text alone.

    Polarity: the statement's nearest favor wording against its nearest against wording (measured
    better on TweetEval train+val than the mean of the wordings). "None": the statement's cosine to
    the target is below ``relevance_min`` - fitted per model on TweetEval train+val and shipped in
    ``stance_weights/zero_shot.json``; for a model without settings, the least relevant
    FALLBACK_NONE_SHARE of ``X`` is "none". Confidence is calibrated to how often zero-shot readings
    were right on TweetEval train+val: 0.38-0.57 for a side, 0.58-0.74 for "none".

    Args:
        X: (n, d) unit vectors of the statements.
        axis_vectors: Unit vectors keyed "target", "favor" and "against".
        model_id: The encoder that made ``X``, to find its settings.
        relevance_min: The "none" threshold; None uses the model's settings or the fallback.

    Returns:
        :class:`StanceArrays` row-aligned with ``X``.

    Raises:
        ValueError: When ``X`` is not 2-D.
    """
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2:
        raise ValueError("X must be a 2-D array of row vectors.")
    target, _, _ = _axis(axis_vectors)
    position, relevance = _pole_cosines(X, axis_vectors, target)
    settings = model_settings(model_id)
    if relevance_min is None:
        if settings is not None:
            relevance_min = settings["relevance_min"]
        elif len(X):
            relevance_min = float(np.quantile(relevance, FALLBACK_NONE_SHARE))
        else:
            relevance_min = 0.0
    score = np.tanh(3.0 * position).astype(np.float32)
    label = np.where(position > 0, FAVOR, AGAINST).astype(np.int8)
    is_none = (relevance < relevance_min) | (position == 0)
    label[is_none] = NONE
    # Confidence grows with the distance from the middle and from the relevance cut-off, on the scale
    # of how often such readings were right on TweetEval train+val (all-MiniLM-L6-v2): a side was
    # right 40% of the time near the middle and 55% far from it, a "none" 60% to 73%.
    strength = np.abs(score) * np.minimum(1.0, np.tanh(np.abs(relevance - relevance_min) / 0.1) + 0.5)
    margin = np.tanh(np.abs(relevance - relevance_min) / 0.1)
    confidence = np.where(
        is_none, ZS_NONE_CONF[0] + ZS_NONE_CONF[1] * margin, ZS_SIDE_CONF[0] + ZS_SIDE_CONF[1] * strength
    )
    return StanceArrays(label, score, np.clip(confidence, 0.0, 1.0).astype(np.float32))


# ---------------------------------------------------------------------------- taught
#: Ridge penalty of the taught head (picked by cross-validation on TweetEval train+val, README).
TAUGHT_RIDGE = 1.0
#: Softmax sharpness turning ridge scores (targets +-1) into probabilities.
TAUGHT_SHARPNESS = 4.0


def _rows(labelled: np.ndarray, n: int) -> np.ndarray:
    labelled = np.asarray(labelled)
    if labelled.dtype == bool:
        if len(labelled) != n:
            raise ValueError("A boolean 'labelled' mask must have one entry per row of X.")
        return np.flatnonzero(labelled)
    return labelled.astype(np.int64, copy=False)


class RidgeHead(NamedTuple):
    """A one-vs-rest ridge classifier: scores = X @ W + b, one column per label code."""

    W: np.ndarray
    b: np.ndarray


def _design(X: np.ndarray) -> np.ndarray:
    return np.hstack([np.asarray(X, dtype=np.float64), np.ones((len(X), 1))])


def _one_blas_thread() -> AbstractContextManager:
    """Run the small fits on one BLAS thread: on a busy CPU, a multi-threaded BLAS spends far longer
    waking its threads than the (d+1) x (d+1) solve takes (measured 420 ms against 8 ms)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is in requirements.txt
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _class_weights(y: np.ndarray) -> np.ndarray:
    """Per-row weights that give each labelled class the same total weight (a user labels unevenly)."""
    counts = np.bincount(y, minlength=len(LABELS)).astype(np.float64)
    return len(y) / (np.count_nonzero(counts) * counts[y])


def _ridge_system(Xa: np.ndarray, ridge: float, w: np.ndarray) -> np.ndarray:
    d = Xa.shape[1] - 1
    A = (Xa * w[:, None]).T @ Xa
    A[np.arange(d), np.arange(d)] += ridge  # the bias is not penalized
    A[d, d] += 1e-9
    return A


def _targets(y: np.ndarray) -> np.ndarray:
    Y = -np.ones((len(y), len(LABELS)))
    Y[np.arange(len(y)), y] = 1.0
    return Y


def fit_ridge(X: np.ndarray, y: np.ndarray, *, ridge: float = TAUGHT_RIDGE) -> RidgeHead:
    """Closed-form, class-balanced ridge on the labelled vectors (a (d+1) x (d+1) solve: about a millisecond).

    A label code nobody used gets a bias that rules it out.

    Args:
        X: (m, d) vectors of the labelled statements.
        y: Their label codes (0 none, 1 against, 2 favor).
        ridge: The ridge penalty.

    Returns:
        A :class:`RidgeHead` with float32 weights.
    """
    y = np.asarray(y, dtype=np.int64)
    Xa = _design(X)
    w = _class_weights(y)
    with _one_blas_thread():
        Wb = np.linalg.solve(_ridge_system(Xa, ridge, w), (Xa * w[:, None]).T @ _targets(y))
    b = Wb[-1].copy()
    b[np.bincount(y, minlength=len(LABELS)) == 0] = -1e4
    return RidgeHead(Wb[:-1].astype(np.float32), b.astype(np.float32))


def _arrays_from_scores(S: np.ndarray) -> StanceArrays:
    """Softmax of the sharpened ridge scores: label = most probable, score = P(favor) - P(against),
    confidence = P(label). Written out for 3 columns: this runs on every statement after each label."""
    S = np.asarray(S, dtype=np.float32)
    label = S.argmax(axis=1).astype(np.int8)
    E = S - S.max(axis=1, keepdims=True)
    E *= TAUGHT_SHARPNESS
    np.exp(E, out=E)
    total = E.sum(axis=1)
    score = (E[:, FAVOR] - E[:, AGAINST]) / total
    confidence = 1.0 / total  # the top class has exp(0) = 1
    return StanceArrays(label, np.clip(score, -1.0, 1.0, out=score), np.clip(confidence, 0.0, 1.0, out=confidence))


def taught(
    X: np.ndarray,
    labelled: np.ndarray,
    y: np.ndarray,
    axis_vectors: dict[str, np.ndarray],
    *,
    model_id: str | None = None,
) -> StanceArrays:
    """Stance learnt from the user's labels; falls back to :func:`zero_shot` until two classes are labelled.

    A class-balanced ridge classifier on the vectors (closed form, so a new label rescores 100k statements in a
    few tens of milliseconds). Labelled rows keep the label the user gave them, with confidence 1.

    Args:
        X: (n, d) unit vectors of the statements.
        labelled: Row positions of the labelled statements, or a boolean mask over ``X``.
        y: Their label codes, aligned with ``labelled``.
        axis_vectors: Unit vectors keyed "target", "favor" and "against".
        model_id: The encoder that made ``X``, for the zero-shot fallback.

    Returns:
        :class:`StanceArrays` row-aligned with ``X``.
    """
    X = np.asarray(X, dtype=np.float32)
    rows = _rows(labelled, len(X))
    y = np.asarray(y, dtype=np.int64)
    if len(rows) != len(y):
        raise ValueError("'labelled' and 'y' must have the same length.")
    if len(np.unique(y)) < 2:
        out = zero_shot(X, axis_vectors, model_id=model_id)
    else:
        head = fit_ridge(X[rows], y)
        with _one_blas_thread():  # a thin (n x d) @ (d x 3) product is memory-bound anyway
            S = X @ head.W
        out = _arrays_from_scores(S + head.b)
    label, score, confidence = out.label.copy(), out.score.copy(), out.confidence.copy()
    if len(rows):
        label[rows] = y
        score[rows] = np.select([y == FAVOR, y == AGAINST], [1.0, -1.0], 0.0)
        confidence[rows] = 1.0
    return StanceArrays(label, score, confidence)


def cv_accuracy(X: np.ndarray, labelled: np.ndarray, y: np.ndarray) -> float | None:
    """Leave-one-out accuracy of the taught model on the current labels, or None with too few.

    Needs at least MIN_CV_LABELS labels and two classes. Exact leave-one-out of the ridge head in
    closed form (each label predicted by the model fitted on all the others, the class weights
    kept as they are with all labels), in one solve.

    Args:
        X: (n, d) unit vectors of the statements.
        labelled: Row positions of the labelled statements, or a boolean mask over ``X``.
        y: Their label codes, aligned with ``labelled``.

    Returns:
        The share of labels predicted right, or None.
    """
    X = np.asarray(X, dtype=np.float32)
    rows = _rows(labelled, len(X))
    y = np.asarray(y, dtype=np.int64)
    if len(rows) < MIN_CV_LABELS or len(np.unique(y)) < 2:
        return None
    Xa = _design(X[rows])
    Y = _targets(y)
    w = _class_weights(y)
    with _one_blas_thread():
        G = np.linalg.solve(_ridge_system(Xa, TAUGHT_RIDGE, w), (Xa * w[:, None]).T)  # (d+1) x n
        fitted = Xa @ (G @ Y)
    h = np.einsum("ij,ji->i", Xa, G)
    loo = (fitted - h[:, None] * Y) / np.maximum(1.0 - h, 1e-9)[:, None]
    # A class whose only label is held out cannot be predicted for it.
    counts = np.bincount(y, minlength=len(LABELS))
    loo[:, counts == 0] = -np.inf
    alone = counts[y] == 1
    loo[alone, y[alone]] = -np.inf
    return float(np.mean(loo.argmax(axis=1) == y))


def suggest(
    X: np.ndarray, labelled: np.ndarray, y: np.ndarray, axis_vectors: dict[str, np.ndarray], k: int = 5
) -> np.ndarray:
    """Row positions of up to ``k`` unlabelled statements whose labels would help most.

    Uncertainty sampling: the statements the current model is least sure of, skipping near-copies
    of one already picked so that the k suggestions teach different things.

    Args:
        X: (n, d) unit vectors of the statements.
        labelled: Row positions of the labelled statements, or a boolean mask over ``X``.
        y: Their label codes, aligned with ``labelled``.
        axis_vectors: Unit vectors keyed "target", "favor" and "against".
        k: Most suggestions.

    Returns:
        An int64 array of row positions in ``X``, least certain first.
    """
    X = np.asarray(X, dtype=np.float32)
    rows = _rows(labelled, len(X))
    reading = taught(X, rows, y, axis_vectors)
    unlabelled = np.ones(len(X), dtype=bool)
    unlabelled[rows] = False
    candidates = np.flatnonzero(unlabelled)
    if len(candidates) == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    order = candidates[np.argsort(reading.confidence[candidates], kind="stable")]
    picked: list[int] = []
    for i in order[: max(50 * k, 500)]:
        if picked and float((X[picked] @ X[i]).max()) > 0.95:
            continue
        picked.append(int(i))
        if len(picked) == k:
            break
    return np.asarray(picked, dtype=np.int64)
