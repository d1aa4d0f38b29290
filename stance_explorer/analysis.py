"""Pure analysis functions: a statements frame and its row-aligned vectors in, frames and matrices out.

Conventions: ``frame`` and ``vectors`` are aligned by position (row i of the frame is vector i),
vectors are L2-normalized float32, so a dot product is a cosine similarity. Nothing here builds an
n x n matrix for large n: statement-by-statement views go through :func:`cap_statements` first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from stance_explorer import schema as S

#: Most statements a statement x statement view shows; beyond it the view is sampled and says so.
MAX_STATEMENT_MATRIX = 400
#: Most statements per speaker compared pairwise when looking for closest/farthest pairs.
MAX_PAIR_STATEMENTS = 1500


# ---------------------------------------------------------------------------- filtering
def filter_mask(
    frame: pd.DataFrame,
    *,
    speakers: list[str] | None = None,
    topics: list[str] | None = None,
    start: date | pd.Timestamp | None = None,
    end: date | pd.Timestamp | None = None,
    languages: list[str] | None = None,
) -> np.ndarray:
    """Boolean mask of the rows the filters keep. An empty or None list means "no filter"."""
    mask = np.ones(len(frame), dtype=bool)
    if speakers:
        mask &= frame[S.SPEAKER].isin(speakers).to_numpy()
    if topics:
        mask &= frame[S.TOPIC].isin(topics).to_numpy()
    if languages:
        mask &= frame[S.LANGUAGE].isin(languages).to_numpy()
    dates = frame[S.DATE].to_numpy()
    if start is not None:
        mask &= dates >= np.datetime64(pd.Timestamp(start))
    if end is not None:
        # An end date includes that whole day.
        mask &= dates < np.datetime64(pd.Timestamp(end) + pd.Timedelta(days=1))
    return mask


# ---------------------------------------------------------------------------- similarity basics
def cosine_matrix(a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Cosine similarity of unit vectors: rows of ``a`` against rows of ``b`` (or ``a``)."""
    a = np.asarray(a, dtype=np.float32)
    b = a if b is None else np.asarray(b, dtype=np.float32)
    return a @ b.T


def similarity_to(vectors: np.ndarray, query: np.ndarray, *, chunk: int = 262_144) -> np.ndarray:
    """Cosine of every vector to one query vector. Works chunk-wise on memory-mapped float16 too."""
    query = np.asarray(query, dtype=np.float32).ravel()
    n = len(vectors)
    out = np.empty(n, dtype=np.float32)
    for start in range(0, n, chunk):
        block = vectors[start : start + chunk]
        out[start : start + len(block)] = np.asarray(block, dtype=np.float32) @ query
    return out


def top_k(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Indices of the k highest scores (restricted to ``mask``), best first. O(n), not O(n log n)."""
    if mask is not None:
        candidates = np.nonzero(mask)[0]
        sub = scores[candidates]
    else:
        candidates = None
        sub = scores
    k = min(k, len(sub))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-sub, k - 1)[:k]
    part = part[np.argsort(-sub[part], kind="stable")]
    return candidates[part] if candidates is not None else part


def nearest(
    frame: pd.DataFrame, vectors: np.ndarray, query: np.ndarray, *, k: int = 10, mask: np.ndarray | None = None
) -> pd.DataFrame:
    """The k statements closest to a query vector, best first, with a ``score`` column."""
    scores = similarity_to(vectors, query)
    idx = top_k(scores, k, mask)
    out = frame.iloc[idx].copy()
    out.insert(0, "score", scores[idx])
    out["row"] = idx
    return out


# ---------------------------------------------------------------------------- grouping
def group_centroids(labels: pd.Series | np.ndarray, vectors: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Normalized mean vector per label, in O(n). Returns (labels, centroids, counts)."""
    codes, uniques = pd.factorize(np.asarray(labels), sort=True)
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    sums = np.zeros((len(uniques), dim), dtype=np.float64)
    np.add.at(sums, codes, np.asarray(vectors, dtype=np.float32))
    counts = np.bincount(codes, minlength=len(uniques))
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return [str(u) for u in uniques], (sums / norms).astype(np.float32), counts


def speaker_centroids(
    frame: pd.DataFrame, vectors: np.ndarray, *, topic: str | None = None
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Each speaker's centroid (optionally within one topic): (speakers, centroids, counts)."""
    mask = np.ones(len(frame), dtype=bool) if topic is None else (frame[S.TOPIC] == topic).to_numpy()
    return group_centroids(frame[S.SPEAKER].to_numpy()[mask], vectors[mask])


def speaker_similarity(
    frame: pd.DataFrame, vectors: np.ndarray, *, topic: str | None = None, speakers: list[str] | None = None
) -> pd.DataFrame:
    """Speaker x speaker cosine of centroids. Speakers with no statement (on the topic) get NaN."""
    names, cents, _ = speaker_centroids(frame, vectors, topic=topic)
    sim = pd.DataFrame(cosine_matrix(cents), index=names, columns=names, dtype=float)
    if speakers:
        sim = sim.reindex(index=speakers, columns=speakers)
    return sim


def speaker_topic_matrix(frame: pd.DataFrame, vectors: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How close each speaker is to everyone else on each topic.

    The value is the cosine between the speaker's centroid on the topic and the centroid of all
    *other* speakers' statements on that topic: high means the speaker talks about the topic the
    way others do. Returns (similarity, counts); NaN where the speaker has no statement on the
    topic or nobody else does.
    """
    speakers = sorted(frame[S.SPEAKER].unique())
    topics = sorted(frame[S.TOPIC].unique())
    sim = pd.DataFrame(np.nan, index=speakers, columns=topics)
    counts = pd.DataFrame(0, index=speakers, columns=topics)
    spk = frame[S.SPEAKER].to_numpy()
    top = frame[S.TOPIC].to_numpy()
    for t in topics:
        tmask = top == t
        tv = np.asarray(vectors[tmask], dtype=np.float64)
        names, cents, cnt = group_centroids(spk[tmask], tv)
        total = tv.sum(axis=0)
        for name, cent, c in zip(names, cents, cnt):
            counts.loc[name, t] = int(c)
            own_sum = tv[spk[tmask] == name].sum(axis=0)
            rest = total - own_sum
            nrm = np.linalg.norm(rest)
            if nrm > 0:
                sim.loc[name, t] = float(cent @ (rest / nrm))
    return sim, counts


# ---------------------------------------------------------------------------- statement matrices
@dataclass
class Capped:
    """Rows chosen for a statement x statement view, and a notice when not all could be shown."""

    rows: np.ndarray
    total: int
    notice: str | None


def cap_statements(n: int, max_n: int = MAX_STATEMENT_MATRIX, *, seed: int = 0, priority: np.ndarray | None = None) -> Capped:
    """Pick at most ``max_n`` of ``n`` rows: all of them, or the highest ``priority``, else a seeded sample."""
    if n <= max_n:
        return Capped(np.arange(n), n, None)
    if priority is not None:
        rows = np.sort(top_k(np.asarray(priority, dtype=np.float32), max_n))
        how = "the most relevant"
    else:
        rows = np.sort(np.random.default_rng(seed).choice(n, size=max_n, replace=False))
        how = "a random sample of"
    return Capped(rows, n, f"Showing {how} {max_n:,} of {n:,} statements; narrow the filters to see all.")


def cluster_order(matrix: np.ndarray) -> np.ndarray:
    """Row order that puts similar rows together (average-linkage clustering on 1 - cosine)."""
    m = np.asarray(matrix, dtype=np.float64)
    n = len(m)
    if n < 3:
        return np.arange(n)
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    filled = np.where(np.isnan(m), np.nanmin(m) if np.isfinite(np.nanmin(m)) else 0.0, m)
    dist = np.clip(1.0 - (filled + filled.T) / 2.0, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    return leaves_list(linkage(squareform(dist, checks=False), method="average"))


def statement_similarity(vectors: np.ndarray, *, order: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Statement x statement cosine (call on capped rows only) and a clustering order."""
    sim = cosine_matrix(vectors)
    return sim, (cluster_order(sim) if order else np.arange(len(sim)))


def extreme_pairs(
    frame: pd.DataFrame,
    vectors: np.ndarray,
    *,
    speakers: list[str],
    topic: str | None = None,
    k: int = 5,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame, str | None]:
    """The k closest and k farthest pairs of statements by different speakers.

    Returns (closest, farthest, notice). Each row has score, row_a, row_b. Speakers with more than
    ``MAX_PAIR_STATEMENTS`` statements are sampled, and the notice says so.
    """
    mask = frame[S.SPEAKER].isin(speakers).to_numpy(copy=True)
    if topic is not None:
        mask &= (frame[S.TOPIC] == topic).to_numpy()
    rows = np.nonzero(mask)[0]
    notice = None
    spk = frame[S.SPEAKER].to_numpy()
    rng = np.random.default_rng(seed)
    kept = []
    for s in speakers:
        r = rows[spk[rows] == s]
        if len(r) > MAX_PAIR_STATEMENTS:
            r = np.sort(rng.choice(r, MAX_PAIR_STATEMENTS, replace=False))
            notice = f"Speakers with more than {MAX_PAIR_STATEMENTS:,} statements were sampled to {MAX_PAIR_STATEMENTS:,}."
        kept.append(r)
    rows = np.concatenate(kept) if kept else np.zeros(0, dtype=np.int64)
    empty = pd.DataFrame(columns=["score", "row_a", "row_b"])
    if len(rows) < 2:
        return empty, empty, notice
    sim = cosine_matrix(np.asarray(vectors[rows], dtype=np.float32))
    same = spk[rows][:, None] == spk[rows][None, :]
    upper = np.triu(np.ones_like(same), k=1).astype(bool)
    valid = upper & ~same
    ii, jj = np.nonzero(valid)
    if len(ii) == 0:
        return empty, empty, notice
    vals = sim[ii, jj]
    hi = top_k(vals, k)
    lo = top_k(-vals, k)
    mk = lambda sel: pd.DataFrame({"score": vals[sel], "row_a": rows[ii[sel]], "row_b": rows[jj[sel]]})  # noqa: E731
    return mk(hi), mk(lo), notice


# ---------------------------------------------------------------------------- over time
def phrase_timeline(frame: pd.DataFrame, vectors: np.ndarray, query: np.ndarray, *, mask: np.ndarray | None = None) -> pd.DataFrame:
    """Every (kept) statement's cosine to a phrase, with speaker, date, topic and text, by date."""
    scores = similarity_to(vectors, query)
    rows = np.arange(len(frame)) if mask is None else np.nonzero(mask)[0]
    out = frame.iloc[rows][[S.ID, S.SPEAKER, S.DATE, S.TOPIC, S.TEXT, S.QUOTE_TYPE, S.SOURCE_URL]].copy()
    out["score"] = scores[rows]
    out["row"] = rows
    return out.sort_values([S.DATE, "score"], ascending=[True, False], kind="stable").reset_index(drop=True)


def smooth_by_speaker(timeline: pd.DataFrame, *, window: str = "365D", max_points: int = 200) -> pd.DataFrame:
    """A time-based rolling mean of ``score`` per speaker, resampled to at most ``max_points`` each."""
    parts = []
    for speaker, g in timeline.groupby(S.SPEAKER, sort=True):
        g = g.sort_values(S.DATE)
        rolled = g.set_index(S.DATE)["score"].rolling(window, min_periods=1).mean()
        # Average duplicate dates, then thin evenly so a 100k-point speaker draws a light line.
        rolled = rolled.groupby(level=0).mean()
        if len(rolled) > max_points:
            rolled = rolled.iloc[np.linspace(0, len(rolled) - 1, max_points).astype(int)]
        parts.append(pd.DataFrame({S.SPEAKER: speaker, S.DATE: rolled.index, "smoothed": rolled.to_numpy()}))
    if not parts:
        return pd.DataFrame(columns=[S.SPEAKER, S.DATE, "smoothed"])
    return pd.concat(parts, ignore_index=True)


def closest_over_time(timeline: pd.DataFrame, *, freq: str = "Y", per_window: int = 1) -> pd.DataFrame:
    """The statements closest to the phrase in each time window (year by default), oldest first."""
    if timeline.empty:
        return timeline.assign(window=pd.Series(dtype=str))
    t = timeline.assign(window=timeline[S.DATE].dt.to_period(freq).astype(str))
    t = t.sort_values(["window", "score"], ascending=[True, False], kind="stable")
    return t.groupby("window", sort=True).head(per_window).reset_index(drop=True)


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
    """
    mask = (frame[S.SPEAKER] == speaker).to_numpy(copy=True)
    if topic is not None:
        mask &= (frame[S.TOPIC] == topic).to_numpy()
    rows = np.nonzero(mask)[0]
    cols = ["window", "start", "count", "similarity_to_previous", "shift", "flagged", "representative", "representative_row"]
    if len(rows) == 0:
        return pd.DataFrame(columns=cols)
    periods = frame[S.DATE].iloc[rows].dt.to_period(freq)
    names, cents, counts = group_centroids(periods.astype(str).to_numpy(), np.asarray(vectors[rows], dtype=np.float32))
    out = []
    prev = None
    labels = periods.astype(str).to_numpy()
    for name, cent, cnt in zip(names, cents, counts):
        in_w = rows[labels == name]
        rep = in_w[int(np.argmax(np.asarray(vectors[in_w], dtype=np.float32) @ cent))]
        sim = float(cent @ prev) if prev is not None else np.nan
        out.append(
            {
                "window": name,
                "start": pd.Period(name, freq).start_time,
                "count": int(cnt),
                "similarity_to_previous": sim,
                "shift": 1.0 - sim if prev is not None else np.nan,
                "representative": frame[S.TEXT].iloc[rep],
                "representative_row": int(rep),
            }
        )
        prev = cent
    result = pd.DataFrame(out)
    result["flagged"] = False
    valid = result["shift"].notna()
    if valid.any() and flag > 0:
        top = result.loc[valid, "shift"].nlargest(flag).index
        result.loc[top, "flagged"] = True
    return result[cols]


def counts_by(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Statement counts per value of a column, most first."""
    c = frame[column].value_counts().rename_axis(column).reset_index(name="statements")
    return c
