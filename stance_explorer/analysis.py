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
from stance_explorer.encoders.base import normalize_rows

#: Most statements a statement x statement view shows; beyond it the view is sampled and says so.
MAX_STATEMENT_MATRIX = 400
#: Most statements per speaker compared pairwise when looking for closest/farthest pairs.
MAX_PAIR_STATEMENTS = 1500
#: Most statements per speaker whose pairs give the spread of a pair of speakers' similarity.
MAX_SPREAD_STATEMENTS = 500


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
    """Boolean mask of the rows the filters keep. An empty or None list means "no filter".

    Args:
        frame: The statements table.
        speakers: Speakers to keep.
        topics: Topics to keep.
        start: First day kept; None keeps every earlier date.
        end: Last day kept (the whole day); None keeps every later date.
        languages: Language codes to keep.

    Returns:
        A boolean array, one entry per row of ``frame``.
    """
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
    """Cosine similarity of unit vectors: rows of ``a`` against rows of ``b`` (or ``a``).

    Args:
        a: (n, d) unit vectors.
        b: (m, d) unit vectors; None compares ``a`` with itself.

    Returns:
        An (n, m) float32 array of cosines.
    """
    a = np.asarray(a, dtype=np.float32)
    b = a if b is None else np.asarray(b, dtype=np.float32)
    return a @ b.T


def similarity_to(vectors: np.ndarray, query: np.ndarray, *, chunk: int = 262_144) -> np.ndarray:
    """Cosine of every vector to one query vector. Works chunk-wise on memory-mapped float16 too.

    Args:
        vectors: (n, d) unit vectors, float32 or float16, in memory or memory-mapped.
        query: One unit vector of length d.
        chunk: Rows converted to float32 at a time.

    Returns:
        A float32 array of n cosines, row-aligned with ``vectors``.
    """
    query = np.asarray(query, dtype=np.float32).ravel()
    n = len(vectors)
    out = np.empty(n, dtype=np.float32)
    for start in range(0, n, chunk):
        block = vectors[start : start + chunk]
        out[start : start + len(block)] = np.asarray(block, dtype=np.float32) @ query
    return out


def top_k(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Indices of the k highest scores (restricted to ``mask``), best first. O(n), not O(n log n).

    Args:
        scores: One score per row.
        k: How many to return; fewer when fewer rows are eligible.
        mask: Boolean per row; None means every row is eligible.

    Returns:
        An int64 array of row indices into ``scores``, best first.
    """
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
    frame: pd.DataFrame,
    vectors: np.ndarray,
    query: np.ndarray,
    *,
    k: int = 10,
    mask: np.ndarray | None = None,
    index=None,
) -> pd.DataFrame:
    """The k statements closest to a query vector, best first, with a ``score`` column.

    ``index`` (a ``stance_explorer.scale.ann.AnnIndex`` over these rows) answers from a graph instead of a
    pass over every vector; its candidates are re-scored exactly.

    Args:
        frame: The statements, row-aligned with ``vectors``.
        vectors: (n, d) unit vectors of the statements.
        query: The query's unit vector.
        k: How many statements to return.
        mask: Boolean per row limiting the candidates; None for all rows.
        index: An optional ANN index over the same rows.

    Returns:
        The chosen rows of ``frame`` with ``score`` first and ``row`` (their position in ``frame``) last.
    """
    if index is not None:
        return _rows_with_scores(frame, *index.search(vectors, query, k, mask))
    return _best_rows(frame, similarity_to(vectors, query), k, mask)


def _rows_with_scores(frame: pd.DataFrame, idx: np.ndarray, scores: np.ndarray) -> pd.DataFrame:
    out = frame.iloc[idx].copy()
    out.insert(0, "score", scores)
    out["row"] = idx
    return out


def _best_rows(frame: pd.DataFrame, scores: np.ndarray, k: int, mask: np.ndarray | None) -> pd.DataFrame:
    idx = top_k(scores, k, mask)
    return _rows_with_scores(frame, idx, scores[idx])


def statement_neighbours(
    frame: pd.DataFrame, vectors: np.ndarray, row: int, *, k: int = 5, mask: np.ndarray | None = None, index=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The statements closest to statement ``row``: (by other speakers, by the same speaker).

    The first answers "who else says this?", the second "when else did they say it?", which is
    how a position is traced through one person's record. Both use the statement's stored vector,
    so nothing is encoded. The statement itself, and exact repeats of its text, are left out;
    ``mask`` limits the candidates (the rows the filters keep), not the statement itself.
    ``index`` (an ``ann.AnnIndex`` over these rows) replaces the pass over every vector.

    Args:
        frame: The statements, row-aligned with ``vectors``.
        vectors: (n, d) unit vectors of the statements.
        row: Position of the statement in ``frame``.
        k: How many statements each list holds at most.
        mask: Boolean per row limiting the candidates; None for all rows.
        index: An optional ANN index over the same rows.

    Returns:
        Two frames like :func:`nearest`'s: other speakers' statements, then the same speaker's.
    """
    speakers = frame[S.SPEAKER].to_numpy()
    others = speakers != speakers[row]
    same = ~others & (frame[S.TEXT].to_numpy() != frame[S.TEXT].iat[row])
    if mask is not None:
        others &= mask
        same &= mask
    if index is not None:
        query = np.asarray(vectors[row], dtype=np.float32)
        return (
            _rows_with_scores(frame, *index.search(vectors, query, k, others)),
            _rows_with_scores(frame, *index.search(vectors, query, k, same)),
        )
    scores = similarity_to(vectors, vectors[row])  # one pass over the vectors serves both lists
    return _best_rows(frame, scores, k, others), _best_rows(frame, scores, k, same)


# ---------------------------------------------------------------------------- grouping
def group_sums(codes: np.ndarray, n_groups: int, vectors: np.ndarray) -> np.ndarray:
    """Sum of vectors per group code, as one sparse x dense product: O(n), no copy of the vectors.

    Args:
        codes: Group code (0 to n_groups - 1) per row of ``vectors``.
        n_groups: Number of groups; groups with no row get a zero sum.
        vectors: (n, d) vectors.

    Returns:
        An (n_groups, d) float64 array of sums.
    """
    from scipy import sparse

    n = len(codes)
    indicator = sparse.csr_matrix((np.ones(n, dtype=np.float32), (codes, np.arange(n))), shape=(n_groups, n))
    return np.asarray(indicator @ np.asarray(vectors, dtype=np.float32), dtype=np.float64)


def group_centroids(labels: pd.Series | np.ndarray, vectors: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Normalized mean vector per label, in O(n). Returns (labels, centroids, counts).

    Args:
        labels: One group label per row of ``vectors``.
        vectors: (n, d) unit vectors.

    Returns:
        (sorted labels as strings, (g, d) unit centroids, int counts), aligned with each other.
    """
    codes, uniques = pd.factorize(np.asarray(labels), sort=True)
    if len(codes) == 0:
        dim = vectors.shape[1] if np.ndim(vectors) == 2 else 0
        return [], np.zeros((0, dim), dtype=np.float32), np.zeros(0, dtype=np.int64)
    sums = group_sums(codes, len(uniques), vectors)
    counts = np.bincount(codes, minlength=len(uniques))
    return [str(u) for u in uniques], normalize_rows(sums), counts


def speaker_centroids(
    frame: pd.DataFrame, vectors: np.ndarray, *, topic: str | None = None
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Each speaker's centroid (optionally within one topic): (speakers, centroids, counts).

    Args:
        frame: The statements, row-aligned with ``vectors``.
        vectors: (n, d) unit vectors of the statements.
        topic: Only statements on this topic; None for all.

    Returns:
        (speakers sorted, (s, d) unit centroids, statement counts), aligned with each other.
    """
    mask = np.ones(len(frame), dtype=bool) if topic is None else (frame[S.TOPIC] == topic).to_numpy()
    return group_centroids(frame[S.SPEAKER].to_numpy()[mask], vectors[mask])


def speaker_similarity(
    frame: pd.DataFrame, vectors: np.ndarray, *, topic: str | None = None, speakers: list[str] | None = None
) -> pd.DataFrame:
    """Speaker x speaker cosine of centroids. Speakers with no statement (on the topic) get NaN.

    Args:
        frame: The statements, row-aligned with ``vectors``.
        vectors: (n, d) unit vectors of the statements.
        topic: Only statements on this topic; None for all.
        speakers: Rows and columns, in this order; None gives every speaker, sorted.

    Returns:
        A square DataFrame of cosines indexed by speaker on both axes.
    """
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
    topic or nobody else does. One pass over the vectors, whatever the number of speakers.

    Args:
        frame: The statements, row-aligned with ``vectors``.
        vectors: (n, d) unit vectors of the statements.

    Returns:
        (similarity, counts): two speaker x topic DataFrames, speakers and topics sorted.
    """
    spk_codes, speakers = pd.factorize(frame[S.SPEAKER].to_numpy(), sort=True)
    top_codes, topics = pd.factorize(frame[S.TOPIC].to_numpy(), sort=True)
    n_s, n_t = len(speakers), len(topics)
    if len(frame) == 0:
        empty = pd.DataFrame(index=[str(x) for x in speakers], columns=[str(x) for x in topics], dtype=float)
        return empty, empty.fillna(0).astype(int)
    cell = spk_codes * n_t + top_codes
    sums = group_sums(cell, n_s * n_t, vectors).reshape(n_s, n_t, -1)  # per (speaker, topic)
    counts = np.bincount(cell, minlength=n_s * n_t).reshape(n_s, n_t)
    index, columns = [str(x) for x in speakers], [str(x) for x in topics]
    return pd.DataFrame(topic_closeness(sums, counts), index=index, columns=columns), pd.DataFrame(
        counts, index=index, columns=columns
    )


def topic_closeness(sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """From summed vectors per (speaker, topic), shape (s, t, d), and their counts (s, t): the cosine
    of each speaker's centroid on a topic to everyone else's there (see :func:`speaker_topic_matrix`).

    Args:
        sums: (s, t, d) summed vectors per speaker and topic.
        counts: (s, t) statement counts.

    Returns:
        An (s, t) array of cosines, NaN where the speaker or everyone else has no statement.
    """
    rest = sums.sum(axis=0, keepdims=True) - sums  # everyone else on the topic
    own_n = np.linalg.norm(sums, axis=2)
    rest_n = np.linalg.norm(rest, axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        sim = np.einsum("std,std->st", sums, rest) / (own_n * rest_n)
    sim[(counts == 0) | (rest_n == 0)] = np.nan
    return sim


# ---------------------------------------------------------------------------- statement matrices
@dataclass
class Capped:
    """Rows chosen for a statement x statement view, and a notice when not all could be shown."""

    rows: np.ndarray
    total: int
    notice: str | None


def cap_statements(
    n: int, max_n: int = MAX_STATEMENT_MATRIX, *, seed: int = 0, priority: np.ndarray | None = None
) -> Capped:
    """Pick at most ``max_n`` of ``n`` rows: all of them, or the highest ``priority``, else a seeded sample.

    Args:
        n: Number of candidate rows.
        max_n: Most rows to keep.
        seed: Seed of the random sample.
        priority: One score per row; the highest are kept instead of a sample.

    Returns:
        A :class:`Capped` with the kept positions (sorted), ``n``, and a notice when some were left out.
    """
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
    """Row order that puts similar rows together (average-linkage clustering on 1 - cosine).

    Args:
        matrix: A square similarity matrix (NaN allowed).

    Returns:
        A permutation of the row indices; the identity below three rows.
    """
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
    """Statement x statement cosine (call on capped rows only) and a clustering order.

    Args:
        vectors: (n, d) unit vectors, n kept small (see :func:`cap_statements`).
        order: Whether to cluster; False returns the rows' own order.

    Returns:
        (the (n, n) cosine matrix, a row order).
    """
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

    Args:
        frame: The statements, row-aligned with ``vectors``.
        vectors: (n, d) unit vectors of the statements.
        speakers: The speakers whose statements are paired.
        topic: Only statements on this topic; None for all.
        k: Pairs in each list.
        seed: Seed of the sampling.

    Returns:
        (closest, farthest, notice); row_a and row_b are positions in ``frame``, notice None unless sampled.
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
            notice = (
                f"Speakers with more than {MAX_PAIR_STATEMENTS:,} statements were sampled to {MAX_PAIR_STATEMENTS:,}."
            )
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
    hi = _distinct_pairs(vals, ii, jj, k, descending=True)
    taken = set(zip(ii[hi].tolist(), jj[hi].tolist()))
    lo = _distinct_pairs(vals, ii, jj, k, descending=False, exclude=taken)
    mk = lambda sel: pd.DataFrame({"score": vals[sel], "row_a": rows[ii[sel]], "row_b": rows[jj[sel]]})  # noqa: E731
    if len(hi) < k or len(lo) < k:
        few = f"Only {len(vals)} pair{'s' if len(vals) != 1 else ''} of statements by different speakers"
        notice = " ".join(
            x for x in (notice, few + ": each statement and each pair is shown at most once per list.") if x
        )
    return mk(hi), mk(lo), notice


def _distinct_pairs(
    vals: np.ndarray, ii: np.ndarray, jj: np.ndarray, k: int, *, descending: bool, exclude: set | None = None
) -> np.ndarray:
    """Up to k pairs, best first, in which no statement appears twice (and none of ``exclude``).

    Greedy over a shortlist of the best pairs: a speaker's one striking statement would otherwise
    fill the whole list, paired with each of the other speaker's statements.
    """
    exclude = exclude or set()
    score = vals if descending else -vals
    for pool in (min(len(vals), max(50 * k, 500)), len(vals)):
        order = top_k(score, pool)
        used: set[int] = set()
        picked: list[int] = []
        for p in order.tolist():
            a, b = int(ii[p]), int(jj[p])
            if a in used or b in used or (a, b) in exclude:
                continue
            picked.append(p)
            used.update((a, b))
            if len(picked) == k:
                return np.asarray(picked, dtype=np.int64)
    return np.asarray(picked, dtype=np.int64)


def pair_similarity_stats(
    frame: pd.DataFrame, vectors: np.ndarray, *, speakers: list[str], topic: str | None = None, seed: int = 0
) -> pd.DataFrame:
    """For each pair of speakers (and each speaker with themselves), the similarity of their statements
    taken two at a time: mean, standard deviation, lowest, highest and the number of pairs.

    This is what a reader expects "how alike are A and B" to mean. The cosine of the two speakers'
    average vectors is another number, always at least as large in size as the mean (averaging cancels
    what the statements do not share), and readers took it for an error when it beat every single pair.
    A speaker's own row compares their statements with one another. The mean and the count are exact
    (from summed vectors, as in :func:`pair_similarity_matrix`); the spread, lowest and highest come
    from at most ``MAX_SPREAD_STATEMENTS`` statements per speaker, a seeded sample beyond that.

    Args:
        frame: The statements, row-aligned with ``vectors``.
        vectors: (n, d) unit vectors of the statements.
        speakers: The speakers compared, in order.
        topic: Only statements on this topic; None for all.
        seed: Seed of the sampling.

    Returns:
        One row per pair (speaker_a, speaker_b, mean, sd, low, high, pairs); NaN with no pair.
    """
    cols = ["speaker_a", "speaker_b", "mean", "sd", "low", "high", "pairs"]
    mask = np.isin(frame[S.SPEAKER].to_numpy(), speakers)
    if topic is not None:
        mask &= (frame[S.TOPIC] == topic).to_numpy()
    rows = np.nonzero(mask)[0]
    spk = frame[S.SPEAKER].to_numpy()[rows]
    rng = np.random.default_rng(seed)
    sums, counts, sample = {}, {}, {}
    for s in speakers:
        r = rows[spk == s]
        v = np.asarray(vectors[r], dtype=np.float32)
        sums[s], counts[s] = v.sum(axis=0, dtype=np.float64), len(r)
        sample[s] = (
            v[np.sort(rng.choice(len(r), MAX_SPREAD_STATEMENTS, replace=False))]
            if len(r) > MAX_SPREAD_STATEMENTS
            else v
        )
    out = []
    for i, a in enumerate(speakers):
        for b in speakers[i:]:
            na, nb = counts[a], counts[b]
            pairs = na * (na - 1) // 2 if a == b else na * nb
            if pairs == 0:
                out.append((a, b, np.nan, np.nan, np.nan, np.nan, 0))
                continue
            # Unit vectors: the self-pairs of a speaker add na to the dot product of the sums.
            mean = float((sums[a] @ sums[b] - (na if a == b else 0)) / (2 * pairs if a == b else pairs))
            va, vb = sample[a], sample[b]
            sims = (va @ va.T)[np.triu_indices(len(va), k=1)] if a == b else (va @ vb.T).ravel()
            out.append((a, b, mean, float(sims.std()), float(sims.min()), float(sims.max()), pairs))
    return pd.DataFrame(out, columns=cols)


def stats_matrix(stats: pd.DataFrame, speakers: list[str]) -> pd.DataFrame:
    """The means of :func:`pair_similarity_stats` as a symmetric speaker x speaker matrix.

    Args:
        stats: :func:`pair_similarity_stats`' table.
        speakers: Rows and columns, in this order.

    Returns:
        A square DataFrame, NaN where ``stats`` has no row.
    """
    m = pd.DataFrame(np.nan, index=speakers, columns=speakers, dtype=float)
    for a, b, mean in zip(stats["speaker_a"], stats["speaker_b"], stats["mean"]):
        m.loc[a, b] = m.loc[b, a] = mean
    return m


def pair_similarity_matrix(
    frame: pd.DataFrame, vectors: np.ndarray, *, topic: str | None = None, speakers: list[str] | None = None
) -> pd.DataFrame:
    """Speaker x speaker mean similarity of their statements taken two at a time, in O(n).

    For unit vectors the mean of every cross pair is the dot product of the two speakers' summed
    vectors over the product of their counts; on the diagonal, a speaker's distinct pairs. NaN where
    a speaker has no statement (on the topic), or a single one on the diagonal.

    Args:
        frame: The statements, row-aligned with ``vectors``.
        vectors: (n, d) unit vectors of the statements.
        topic: Only statements on this topic; None for all.
        speakers: Rows and columns, in this order; None gives every speaker, sorted.

    Returns:
        A square DataFrame of mean cosines indexed by speaker on both axes.
    """
    mask = np.ones(len(frame), dtype=bool) if topic is None else (frame[S.TOPIC] == topic).to_numpy()
    codes, names = pd.factorize(frame[S.SPEAKER].to_numpy()[mask], sort=True)
    names = [str(x) for x in names]
    if len(codes):
        sums = group_sums(codes, len(names), vectors[mask])
        counts = np.bincount(codes, minlength=len(names)).astype(np.float64)
    else:
        sums, counts = np.zeros((0, 0)), np.zeros(0)
    sim = pd.DataFrame(pair_means(sums, counts), index=names, columns=names, dtype=float)
    return sim.reindex(index=speakers, columns=speakers) if speakers else sim


def pair_means(sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Group x group mean cosine of their unit vectors taken two at a time, from each group's summed
    vectors and count alone; on the diagonal a group's distinct pairs (NaN with fewer than two).

    Args:
        sums: (g, d) summed unit vectors per group.
        counts: Statement count per group.

    Returns:
        A (g, g) array of mean cosines.
    """
    counts = np.asarray(counts, dtype=np.float64)
    dots = sums @ sums.T
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = dots / np.outer(counts, counts)
        own = (np.diag(dots) - counts) / (counts * (counts - 1))  # unit vectors: each self-pair adds 1
    np.fill_diagonal(mean, np.where(counts > 1, own, np.nan))
    return mean


# ---------------------------------------------------------------------------- over time
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


def top_speakers(frame: pd.DataFrame, n: int) -> list[str]:
    """The n speakers with the most statements (ties broken by name).

    Args:
        frame: The statements table.
        n: How many speakers.

    Returns:
        Up to n speaker names, most statements first.
    """
    counts = frame[S.SPEAKER].value_counts()
    return sorted(counts.index, key=lambda s: (-counts[s], s))[:n]


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
    full = _full_quotes(frame.iloc[rows])
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


#: A quote of fewer words than this is a fragment (the same rule as embed_text's partial quotes).
FULL_QUOTE_WORDS = 6


def _full_quotes(frame: pd.DataFrame) -> np.ndarray:
    """True for statements that are not partial quotes and have at least FULL_QUOTE_WORDS words."""
    partial = (
        (frame[S.QUOTE_TYPE] == S.QUOTE_PARTIAL).to_numpy() if S.QUOTE_TYPE in frame else np.zeros(len(frame), bool)
    )
    n_words = frame[S.TEXT].astype(str).str.split().str.len().to_numpy()
    return ~partial & (n_words >= FULL_QUOTE_WORDS)


def pair_similarity_over_time(
    frame: pd.DataFrame,
    vectors: np.ndarray,
    *,
    speakers: list[str],
    topic: str | None = None,
    freq: str = "Y",
) -> pd.DataFrame:
    """How alike each pair of speakers sounds, window by window: do they converge or drift apart?

    For every window (year by default) in which both speakers of a pair have statements (on
    ``topic`` if given), the mean similarity of their statements in that window taken two at a time
    (the same measure as :func:`pair_similarity_matrix`). Windows where one of them is silent are
    left out rather than guessed. O(n): one sparse sum over the kept rows.

    Args:
        frame: The statements, row-aligned with ``vectors``.
        vectors: (n, d) unit vectors of the statements.
        speakers: The speakers compared, in order.
        topic: Only statements on this topic; None for all.
        freq: Window size, as :func:`window_labels` takes it.

    Returns:
        Columns window, start, speaker_a, speaker_b, similarity, count_a, count_b.
    """
    cols = ["window", "start", "speaker_a", "speaker_b", "similarity", "count_a", "count_b"]
    spk = frame[S.SPEAKER].to_numpy()
    mask = np.isin(spk, speakers)
    if topic is not None:
        mask &= (frame[S.TOPIC] == topic).to_numpy()
    rows = np.nonzero(mask)[0]
    if len(rows) == 0:
        return pd.DataFrame(columns=cols)
    order = {s: i for i, s in enumerate(speakers)}
    who = np.array([order[s] for s in spk[rows]])
    codes, labels, starts = window_labels(frame[S.DATE].iloc[rows], freq)
    n_w = len(labels)
    group = who * n_w + codes
    n_groups = len(speakers) * n_w
    sums = group_sums(group, n_groups, vectors[rows])
    counts = np.bincount(group, minlength=n_groups)
    return pairs_over_windows(speakers, labels, starts, sums, counts)


def pairs_over_windows(
    speakers: list[str], labels: list[str], starts: list[pd.Timestamp], sums: np.ndarray, counts: np.ndarray
) -> pd.DataFrame:
    """The rows of :func:`pair_similarity_over_time` from summed vectors and counts per (speaker,
    window), group ``speaker_index * len(labels) + window``: windows where either is silent are left out.

    Args:
        speakers: The speakers, in group order.
        labels: Label per window.
        starts: Start per window.
        sums: Summed unit vectors per group.
        counts: Statements per group.

    Returns:
        The table :func:`pair_similarity_over_time` returns.
    """
    cols = ["window", "start", "speaker_a", "speaker_b", "similarity", "count_a", "count_b"]
    n_w = len(labels)
    out = []
    for i, a in enumerate(speakers):
        for j in range(i + 1, len(speakers)):
            for w in range(n_w):
                ga, gb = i * n_w + w, j * n_w + w
                if counts[ga] and counts[gb]:
                    out.append(
                        (
                            labels[w],
                            starts[w],
                            a,
                            speakers[j],
                            float(sums[ga] @ sums[gb] / (counts[ga] * counts[gb])),
                            int(counts[ga]),
                            int(counts[gb]),
                        )
                    )
    return pd.DataFrame(out, columns=cols)


def other_languages(frame: pd.DataFrame, language: str = "en") -> pd.Series:
    """Statements per language code other than ``language`` (empty codes are unknown, not counted).

    An English-only model scores a statement in another language low against English text
    whatever it says, so pages use this to say when a comparison mixes languages.

    Args:
        frame: The statements table.
        language: The language code the model reads.

    Returns:
        Counts indexed by lower-case language code, most first.
    """
    codes = frame[S.LANGUAGE].astype(str).str.strip().str.lower()
    codes = codes[(codes != "") & (codes != language)]
    return codes.value_counts()


def newest_first(frame: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """Rows by date, newest first (stable), at most ``limit`` of them; argsort on int64 dates is fast.

    Args:
        frame: The statements table.
        limit: Most rows returned; None (or 0) for all.

    Returns:
        The rows of ``frame`` reordered, original index kept.
    """
    order = np.argsort(-frame[S.DATE].to_numpy().astype("datetime64[ns]").astype(np.int64), kind="stable")
    return frame.iloc[order[:limit] if limit else order]


def counts_by(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Statement counts per value of a column, most first.

    Args:
        frame: The statements table.
        column: The column counted.

    Returns:
        Columns ``column`` and ``statements``.
    """
    c = frame[column].value_counts().rename_axis(column).reset_index(name="statements")
    return c


def counts_by_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Statements per calendar year, newest first, with every year between the first and the last:
    a year with no statement shows 0 instead of disappearing from the table.

    Args:
        frame: The statements table.

    Returns:
        Columns year (a string) and statements.
    """
    if frame.empty:
        return pd.DataFrame({"year": pd.Series(dtype=str), "statements": pd.Series(dtype=int)})
    years = frame[S.DATE].dt.year.to_numpy()
    lo, hi = int(years.min()), int(years.max())
    counts = np.bincount(years - lo, minlength=hi - lo + 1)
    out = pd.DataFrame({"year": [str(y) for y in range(lo, hi + 1)], "statements": counts})
    return out.iloc[::-1].reset_index(drop=True)


def statement_labels(frame: pd.DataFrame) -> list[str]:
    """A distinct, readable name per statement row: "S190 · Donald Trump, 2026-01-29".

    Plain text (escaping is the figure's job), so a Row/Column box, the CSV and a link carry the id
    as written, "&" included. Ids are unique per file but not across merged files, and may be
    empty: the position then keeps labels distinct.

    Args:
        frame: The statements table (id, speaker, date).

    Returns:
        One label per row, in the frame's order.
    """
    ids = [sid if sid else f"#{i + 1}" for i, sid in enumerate(frame[S.ID].astype(str).tolist())]
    dates = frame[S.DATE].dt.strftime("%Y-%m-%d").tolist()
    labels = [f"{i} · {s}, {d}" for i, s, d in zip(ids, frame[S.SPEAKER].astype(str).tolist(), dates)]
    if len(set(labels)) < len(labels):
        labels = [f"{label} ({n + 1})" for n, label in enumerate(labels)]
    return labels


def count_labels(frame: pd.DataFrame, column: str, names: list[str], language: str = "en") -> list[str]:
    """Axis text for a matrix: each name with its number of statements, and how many of them are not
    in ``language`` ("Marcelo Ebrard (5, 3 not in en)"), since an English model scores those low.

    Args:
        frame: The statements table.
        column: The column the names are values of (speaker or topic).
        names: The names, in axis order.
        language: The language code the model reads.

    Returns:
        One label per name.
    """
    counts = frame[column].value_counts()
    codes = frame[S.LANGUAGE].astype(str).str.strip().str.lower()
    other = frame.loc[(codes != "") & (codes != language), column].value_counts()
    out = []
    for name in names:
        n, k = int(counts.get(name, 0)), int(other.get(name, 0))
        out.append(f"{name} ({n}" + (f", {k} not in {language}" if k else "") + ")")
    return out
