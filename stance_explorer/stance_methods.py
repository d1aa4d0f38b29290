"""Stance scoring on sentence vectors: where each statement stands on an axis (favor / against / none).

An axis is a target ("the USMCA") with a favor pole and an against pole, in words. The caller
encodes the texts from :func:`axis_texts` with the encoder in use and passes the vectors here;
nothing in this module encodes, imports torch or reaches a model hub, so any encoder works
(MiniLM 384-d, USE multilingual 512-d, ...).

Two modes:
  * :func:`zero_shot` - from the axis text alone: the statement's position between the two poles,
    and "none" when it is not about the target or takes no side.
  * :func:`taught` - from the user's labels: a class-balanced logistic regression on the vectors,
    fitted in milliseconds so every new label rescores at once.

Conventions: ``X`` holds L2-normalized float32 row vectors; ``labelled`` holds row positions in
``X`` (a boolean mask of ``len(X)`` is accepted too) and ``y`` the label codes aligned with it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.optimize import minimize

LABELS = ("none", "against", "favor")
NONE, AGAINST, FAVOR = 0, 1, 2

#: Fewest labels for which cross-validated accuracy is reported.
MIN_CV_LABELS = 4
#: Inverse L2 strength of the taught logistic regression (vectors are unit length).
TAUGHT_C = 4.0


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
    """
    t = " ".join(str(target).split())
    if not t:
        raise ValueError("An axis needs a target: say what the statements take a position on.")
    fav = [" ".join(favor.split())] if favor and favor.strip() else [s.format(t=t) for s in _FAVOR_TEMPLATES]
    ag = (
        [" ".join(against.split())]
        if against and against.strip()
        else [s.format(t=t) for s in _AGAINST_TEMPLATES]
    )
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
#: Cosine to the target below which a statement counts as not about it (all-MiniLM-L6-v2 scale).
RELEVANCE_MIN = 0.2
#: |position between the poles| below which a statement takes no side.
SIDE_MIN = 0.05


def zero_shot(X: np.ndarray, axis_vectors: dict[str, np.ndarray], *, model_id: str | None = None) -> StanceArrays:
    """Stance from the axis text alone.

    The score is the statement's position between the poles, (x.f - x.a) / (1 - f.a), which is +1
    on the favor pole and -1 on the against pole; it is squashed into [-1, 1]. A statement far from
    the target or close to the middle is "none".
    """
    X = np.asarray(X, dtype=np.float32)
    target, fav, ag = _axis(axis_vectors)
    gap = max(1e-6, 1.0 - float(fav @ ag))
    position = (X @ (fav - ag)) / gap
    relevance = X @ target
    score = np.tanh(3.0 * position).astype(np.float32)
    label = np.where(position > 0, FAVOR, AGAINST).astype(np.int8)
    is_none = (relevance < RELEVANCE_MIN) | (np.abs(position) < SIDE_MIN)
    label[is_none] = NONE
    side_conf = np.abs(score)
    rel_conf = np.clip((relevance - RELEVANCE_MIN) / (1.0 - RELEVANCE_MIN), 0.0, 1.0)
    confidence = np.where(is_none, 1.0 - side_conf * rel_conf, side_conf * np.sqrt(rel_conf))
    return StanceArrays(label, score, np.clip(confidence, 0.0, 1.0).astype(np.float32))


# ---------------------------------------------------------------------------- taught
def _rows(labelled: np.ndarray, n: int) -> np.ndarray:
    labelled = np.asarray(labelled)
    if labelled.dtype == bool:
        if len(labelled) != n:
            raise ValueError("A boolean 'labelled' mask must have one entry per row of X.")
        return np.flatnonzero(labelled)
    return labelled.astype(np.int64, copy=False)


def fit_logistic(
    X: np.ndarray, y: np.ndarray, *, n_classes: int = 3, C: float = TAUGHT_C, balanced: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression (L2, optionally class-balanced). Returns (W, b).

    Classes with no example get a bias of -inf in effect (never predicted).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    n, d = X.shape
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    present = counts > 0
    if balanced:
        sample_w = (n / (present.sum() * counts[y]))
    else:
        sample_w = np.ones(n)
    Y = np.zeros((n, n_classes))
    Y[np.arange(n), y] = 1.0
    lam = 1.0 / C

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        W = theta[: d * n_classes].reshape(d, n_classes)
        b = theta[d * n_classes :]
        Z = X @ W + b
        Z[:, ~present] = -1e9
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        logp = np.log(np.maximum(P[np.arange(n), y], 1e-300))
        f = -(sample_w * logp).sum() + 0.5 * lam * (W * W).sum()
        G = (P - Y) * sample_w[:, None]
        gW = X.T @ G + lam * W
        gb = G.sum(axis=0)
        return f, np.concatenate([gW.ravel(), gb])

    theta0 = np.zeros(d * n_classes + n_classes)
    res = minimize(loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": 300})
    W = res.x[: d * n_classes].reshape(d, n_classes).astype(np.float32)
    b = res.x[d * n_classes :].astype(np.float32)
    b[~present] = -1e4
    return W, b


def _softmax(Z: np.ndarray) -> np.ndarray:
    Z = Z - Z.max(axis=1, keepdims=True)
    P = np.exp(Z)
    return P / P.sum(axis=1, keepdims=True)


def _arrays_from_proba(P: np.ndarray) -> StanceArrays:
    label = P.argmax(axis=1).astype(np.int8)
    score = (P[:, FAVOR] - P[:, AGAINST]).astype(np.float32)
    confidence = P.max(axis=1).astype(np.float32)
    return StanceArrays(label, np.clip(score, -1.0, 1.0), np.clip(confidence, 0.0, 1.0))


def taught(
    X: np.ndarray,
    labelled: np.ndarray,
    y: np.ndarray,
    axis_vectors: dict[str, np.ndarray],
    *,
    model_id: str | None = None,
) -> StanceArrays:
    """Stance learnt from the user's labels; falls back to :func:`zero_shot` until two classes are labelled.

    Labelled rows keep the label the user gave them, with confidence 1.
    """
    X = np.asarray(X, dtype=np.float32)
    rows = _rows(labelled, len(X))
    y = np.asarray(y, dtype=np.int64)
    if len(rows) != len(y):
        raise ValueError("'labelled' and 'y' must have the same length.")
    if len(np.unique(y)) < 2:
        out = zero_shot(X, axis_vectors, model_id=model_id)
    else:
        W, b = fit_logistic(X[rows], y)
        out = _arrays_from_proba(_softmax(X @ W + b))
    label, score, confidence = out.label.copy(), out.score.copy(), out.confidence.copy()
    if len(rows):
        label[rows] = y
        score[rows] = np.select([y == FAVOR, y == AGAINST], [1.0, -1.0], 0.0)
        confidence[rows] = 1.0
    return StanceArrays(label, score, confidence)


def cv_accuracy(X: np.ndarray, labelled: np.ndarray, y: np.ndarray) -> float | None:
    """Cross-validated accuracy of the taught model on the current labels, or None with too few.

    Needs at least MIN_CV_LABELS labels and two classes. Leave-one-out up to 30 labels, then
    five stratified folds.
    """
    X = np.asarray(X, dtype=np.float32)
    rows = _rows(labelled, len(X))
    y = np.asarray(y, dtype=np.int64)
    if len(rows) < MIN_CV_LABELS or len(np.unique(y)) < 2:
        return None
    Xl = X[rows]
    n = len(rows)
    if n <= 30:
        folds = [np.array([i]) for i in range(n)]
    else:
        rng = np.random.default_rng(0)
        fold_of = np.empty(n, dtype=np.int64)
        for c in np.unique(y):
            idx = rng.permutation(np.flatnonzero(y == c))
            fold_of[idx] = np.arange(len(idx)) % 5
        folds = [np.flatnonzero(fold_of == f) for f in range(5)]
    correct = 0
    for test in folds:
        train = np.setdiff1d(np.arange(n), test)
        if len(np.unique(y[train])) < 2:
            pred = np.full(len(test), np.bincount(y[train]).argmax())
        else:
            W, b = fit_logistic(Xl[train], y[train])
            pred = (Xl[test] @ W + b).argmax(axis=1)
        correct += int((pred == y[test]).sum())
    return correct / n


def suggest(
    X: np.ndarray, labelled: np.ndarray, y: np.ndarray, axis_vectors: dict[str, np.ndarray], k: int = 5
) -> np.ndarray:
    """Row positions of up to ``k`` unlabelled statements whose labels would help most.

    Uncertainty sampling: the statements the current model is least sure of, skipping near-copies
    of one already picked so that the k suggestions teach different things.
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
