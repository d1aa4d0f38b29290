"""Pairs of speakers: their closest and farthest statement pairs, the spread of their similarity, and pairs per time window."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stance_explorer import schema as S
from stance_explorer.analysis.groups import group_sums
from stance_explorer.analysis.periods import window_labels
from stance_explorer.analysis.similarity import cosine_matrix, top_k

#: Most statements per speaker compared pairwise when looking for closest/farthest pairs.
MAX_PAIR_STATEMENTS = 1500
#: Most statements per speaker whose pairs give the spread of a pair of speakers' similarity.
MAX_SPREAD_STATEMENTS = 500


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
