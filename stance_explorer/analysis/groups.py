"""Groups of statements as one vector: sums and centroids per speaker or topic, speaker x speaker and speaker x topic similarity."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stance_explorer import schema as S
from stance_explorer.analysis.similarity import cosine_matrix
from stance_explorer.numeric import normalize_rows


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
