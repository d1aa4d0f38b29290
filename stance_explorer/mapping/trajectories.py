"""Where each speaker goes over time on the map: per-window centroids and the quotes behind each move.

A speaker's centroid for a window (a year by default) is the mean of that window's statement
vectors. Its place on the map comes from the caller's ``to_xy`` (the map's own way of placing a
vector it has not seen), so a step is drawn in the same space as the statements. A step from one
window to the next moves the centroid by ``d = c_new - c_old``; each statement of the new window
contributes ``(v - c_old) · d / |d|`` to that move (the contributions add up to ``count × |d|``),
and the largest contributions are "the quotes that moved the speaker most".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from stance_explorer import schema as S
from stance_explorer.analysis import group_sums, window_labels

COLUMNS = ["speaker", "window", "start", "count", "x", "y", "shift", "movers", "mover_scores"]


def trajectories(
    frame: pd.DataFrame,
    vectors: np.ndarray,
    speakers: Sequence[str],
    to_xy: Callable[[np.ndarray], np.ndarray],
    *,
    freq: str = "Y",
    movers: int = 3,
) -> pd.DataFrame:
    """One row per (speaker, window with statements), oldest first per speaker.

    Args:
        frame: statements, row-aligned with ``vectors``.
        vectors: (n, dim) statement vectors.
        speakers: whose trajectories to compute; speakers with no statement are skipped.
        to_xy: maps (m, dim) centroids to (m, 2) map positions.
        freq: window size, one of ``analysis.WINDOW_FREQS`` ("Y" = calendar years).
        movers: how many statements to name per step.

    Returns:
        Columns ``COLUMNS``: ``x``/``y`` the centroid's map position; ``shift`` 1 - cosine between this
        window's centroid and the previous one's (NaN on a speaker's first window); ``movers`` the
        frame positions of the statements that moved the centroid most (empty on the first window),
        with their contributions in ``mover_scores``.
    """
    out = []
    names = frame[S.SPEAKER].to_numpy()
    for speaker in speakers:
        rows = np.flatnonzero(names == speaker)
        if len(rows) == 0:
            continue
        codes, labels, starts = window_labels(frame[S.DATE].iloc[rows], freq)
        sub = np.asarray(vectors[rows], dtype=np.float64)
        counts = np.bincount(codes, minlength=len(labels))
        means = group_sums(codes, len(labels), sub) / counts[:, None]
        xy = np.asarray(to_xy(means.astype(np.float32)), dtype=np.float64)
        prev = None
        for w, (label, start) in enumerate(zip(labels, starts)):
            mean = means[w]
            shift, mover_rows, mover_scores = np.nan, [], []
            if prev is not None:
                norms = np.linalg.norm(mean) * np.linalg.norm(prev)
                shift = float(1.0 - mean @ prev / norms) if norms > 0 else np.nan
                d = mean - prev
                length = np.linalg.norm(d)
                if length > 0:
                    in_w = np.flatnonzero(codes == w)
                    contrib = (sub[in_w] - prev) @ (d / length)
                    best = np.argsort(-contrib, kind="stable")[:movers]
                    mover_rows = [int(rows[in_w[i]]) for i in best]
                    mover_scores = [float(contrib[i]) for i in best]
            out.append(
                [
                    speaker,
                    label,
                    start,
                    int(counts[w]),
                    float(xy[w, 0]),
                    float(xy[w, 1]),
                    shift,
                    mover_rows,
                    mover_scores,
                ]
            )
            prev = mean
    return pd.DataFrame(out, columns=COLUMNS)
