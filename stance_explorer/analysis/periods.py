"""Periods and drift: a phrase over time, time windows, the closest speakers per window, a speaker's drift between windows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stance_explorer import schema as S
from stance_explorer.analysis.groups import group_sums
from stance_explorer.analysis.similarity import similarity_to
from stance_explorer.analysis.tables import full_quotes
from stance_explorer.numeric import normalize_rows


def phrase_timeline(
    frame: pd.DataFrame, vectors: np.ndarray, query: np.ndarray, *, mask: np.ndarray | None = None
) -> pd.DataFrame:
    """Every (kept) statement's cosine to a phrase, with speaker, date, topic and text, by date.

    Args:
        frame: The statements, row-aligned with ``vectors``.
        vectors: (n, d) unit vectors of the statements.
        query: The phrase's unit vector.
        mask: Boolean per row of the statements kept; None keeps all.

    Returns:
        The kept rows' id, speaker, date, topic, text, quote type and source columns, plus ``score``
        and ``row`` (position in ``frame``), by date and best score first within a date.
    """
    scores = similarity_to(vectors, query)
    rows = np.arange(len(frame)) if mask is None else np.nonzero(mask)[0]
    # Sort positions with numpy first: sorting a wide DataFrame of 100k rows is several times slower.
    dates = frame[S.DATE].to_numpy()[rows].astype("datetime64[ns]").astype(np.int64)
    rows = rows[np.lexsort((-scores[rows], dates))]
    out = frame.iloc[rows][
        [S.ID, S.SPEAKER, S.DATE, S.TOPIC, S.TEXT, S.QUOTE_TYPE, S.SOURCE_URL, S.SOURCE_TITLE]
    ].reset_index(drop=True)
    out["score"] = scores[rows]
    out["row"] = rows
    return out


def smooth_by_speaker(timeline: pd.DataFrame, *, window_months: int = 12) -> pd.DataFrame:
    """Each speaker's trailing ``window_months`` mean of ``score``, at every month they spoke.

    Scores are binned by (speaker, month) and rolled with cumulative sums, so the cost is
    O(n + speakers x months) however many statements there are.

    Args:
        timeline: :func:`phrase_timeline`'s table (speaker, date, score).
        window_months: Length of the trailing window, in months.

    Returns:
        Columns speaker, date (first of the month) and smoothed.
    """
    cols = [S.SPEAKER, S.DATE, "smoothed"]
    if timeline.empty:
        return pd.DataFrame(columns=cols)
    spk_codes, speakers = pd.factorize(timeline[S.SPEAKER].to_numpy(), sort=True)
    months = timeline[S.DATE].to_numpy().astype("datetime64[M]").astype(np.int64)
    m0 = months.min()
    mi = months - m0
    n_s, n_m = len(speakers), int(mi.max()) + 1
    flat = spk_codes * n_m + mi
    sums = np.bincount(flat, weights=timeline["score"].to_numpy(dtype=np.float64), minlength=n_s * n_m).reshape(
        n_s, n_m
    )
    counts = np.bincount(flat, minlength=n_s * n_m).reshape(n_s, n_m)
    csum = np.cumsum(np.pad(sums, ((0, 0), (1, 0))), axis=1)
    ccnt = np.cumsum(np.pad(counts, ((0, 0), (1, 0))), axis=1)
    hi = np.arange(1, n_m + 1)
    lo = np.maximum(hi - window_months, 0)
    wsum, wcnt = csum[:, hi] - csum[:, lo], ccnt[:, hi] - ccnt[:, lo]
    si, mj = np.nonzero(counts)  # only months in which the speaker said something
    dates = (np.datetime64(int(m0), "M") + mj).astype("datetime64[ns]")
    return pd.DataFrame(
        {S.SPEAKER: np.asarray(speakers, dtype=object)[si], S.DATE: dates, "smoothed": wsum[si, mj] / wcnt[si, mj]}
    )


#: Time windows understood by the over-time functions.
WINDOW_FREQS = ("Y", "6M", "Q", "M")


def window_labels(dates: pd.Series, freq: str = "Y") -> tuple[np.ndarray, list[str], list[pd.Timestamp]]:
    """Window of each date: (code per row, label per window code, start per window code).

    Computed on integer months with numpy, which is much faster than ``to_period`` on 100k rows.

    Args:
        dates: Datetime per row.
        freq: "Y", "6M", "Q" or "M"; windows align with calendar years.

    Returns:
        (window code per row, label per window, start per window), windows in date order.

    Raises:
        ValueError: When ``freq`` is not one of WINDOW_FREQS.
    """
    if freq not in WINDOW_FREQS:
        raise ValueError(f"freq must be one of {WINDOW_FREQS}")
    months = dates.to_numpy().astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    step = {"Y": 12, "6M": 6, "Q": 3, "M": 1}[freq]
    # Windows align with calendar years (1970 starts a year, a half and a quarter).
    raw = months // step
    uniq, codes = np.unique(raw, return_inverse=True)
    starts = [pd.Timestamp(np.datetime64(int(u * step), "M")) for u in uniq]
    if freq == "Y":
        labels = [f"{t.year}" for t in starts]
    elif freq == "6M":
        labels = [f"{t.year}-H{1 + (t.month - 1) // 6}" for t in starts]
    elif freq == "Q":
        labels = [f"{t.year}-Q{1 + (t.month - 1) // 3}" for t in starts]
    else:
        labels = [f"{t.year}-{t.month:02d}" for t in starts]
    return codes, labels, starts


def closest_over_time(timeline: pd.DataFrame, *, freq: str = "Y", per_window: int = 1) -> pd.DataFrame:
    """The statements closest to the phrase in each time window (year by default), oldest first.

    Args:
        timeline: :func:`phrase_timeline`'s table.
        freq: Window size, as :func:`window_labels` takes it.
        per_window: Statements kept per window.

    Returns:
        The kept rows of ``timeline`` with a ``window`` label column.
    """
    if timeline.empty:
        return timeline.assign(window=pd.Series(dtype=str))
    codes, labels, _ = window_labels(timeline[S.DATE], freq)
    score = timeline["score"].to_numpy()
    order = np.lexsort((-score, codes))  # by window, best score first within it
    sorted_codes = codes[order]
    first = np.r_[0, np.nonzero(np.diff(sorted_codes))[0] + 1]
    rank = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
    pick = order[rank < per_window]
    out = timeline.iloc[pick].copy()
    out["window"] = np.asarray(labels, dtype=object)[codes[pick]]
    return out.reset_index(drop=True)


def drift(
    frame: pd.DataFrame,
    vectors: np.ndarray,
    *,
    speaker: str,
    topic: str | None = None,
    freq: str = "Y",
    flag: int = 2,
) -> pd.DataFrame:
    """How a speaker's position moves between consecutive time windows.

    For each window with statements (year by default) the speaker's centroid is computed; each row
    compares a window with the previous non-empty one. ``shift`` is 1 - cosine between the two
    centroids, and the ``flag`` largest shifts are marked. ``representative`` is the window's
    statement closest to its centroid, so the chart can show what was said before and after.

    Args:
        frame: The statements, row-aligned with ``vectors``.
        vectors: (n, d) unit vectors of the statements.
        speaker: The speaker followed.
        topic: Only statements on this topic; None for all.
        freq: Window size, as :func:`window_labels` takes it.
        flag: How many of the largest shifts are flagged.

    Returns:
        One row per non-empty window: window, start, count, similarity_to_previous, shift,
        shift_rank, flagged, representative and representative_row (its position in ``frame``).
    """
    mask = (frame[S.SPEAKER] == speaker).to_numpy(copy=True)
    if topic is not None:
        mask &= (frame[S.TOPIC] == topic).to_numpy()
    rows = np.nonzero(mask)[0]
    cols = [
        "window",
        "start",
        "count",
        "similarity_to_previous",
        "shift",
        "shift_rank",
        "flagged",
        "representative",
        "representative_row",
    ]
    if len(rows) == 0:
        return pd.DataFrame(columns=cols)
    codes, labels, starts = window_labels(frame[S.DATE].iloc[rows], freq)
    sums = group_sums(codes, len(labels), vectors[rows])
    result = window_shifts(labels, starts, sums, np.bincount(codes, minlength=len(labels)), flag=flag)
    cents = normalize_rows(sums)
    sub = np.asarray(vectors[rows], dtype=np.float32)
    full = full_quotes(frame.iloc[rows])
    reps = []
    for w in range(len(labels)):
        in_w = np.nonzero(codes == w)[0]
        # The most typical statement of the window, a full quote when the window has one: a
        # two-word fragment ("transitional deal") explains nothing on its own.
        pool = in_w[full[in_w]] if full[in_w].any() else in_w
        reps.append(int(rows[pool[int(np.argmax(sub[pool] @ cents[w]))]]))
    result["representative"] = frame[S.TEXT].iloc[reps].to_numpy()
    result["representative_row"] = reps
    return result[cols]


def window_shifts(
    labels: list[str], starts: list[pd.Timestamp], sums: np.ndarray, counts: np.ndarray, *, flag: int = 2
) -> pd.DataFrame:
    """The shift between consecutive non-empty windows, from each window's summed vectors and count.

    ``shift`` is 1 - cosine between a window's centroid and the previous window's; the ``flag``
    largest shifts are flagged, whatever their size (the rule is a rank, shown with it).

    Args:
        labels: Label per window.
        starts: Start per window.
        sums: (w, d) summed vectors per window.
        counts: Statements per window; empty windows are dropped.
        flag: How many of the largest shifts are flagged.

    Returns:
        Columns window, start, count, similarity_to_previous, shift, shift_rank, flagged.
    """
    keep = np.asarray(counts) > 0
    cents = normalize_rows(np.asarray(sums, dtype=np.float64)[keep])
    sim = np.r_[np.nan, np.einsum("ij,ij->i", cents[1:], cents[:-1])].astype(np.float64) if len(cents) else np.zeros(0)
    result = pd.DataFrame(
        {
            "window": np.asarray(labels, dtype=object)[keep],
            "start": pd.DatetimeIndex(starts)[keep],
            "count": np.asarray(counts)[keep].astype(int),
            "similarity_to_previous": sim,
            "shift": 1.0 - sim,
        }
    )
    result["shift_rank"] = result["shift"].rank(ascending=False, method="first").astype("Int64")
    result["flagged"] = result["shift_rank"].le(flag).fillna(False).astype(bool) if flag > 0 else False
    return result
