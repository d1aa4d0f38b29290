"""Similarity of vectors and statements: cosines, the top k, nearest statements, capped and ordered statement x statement matrices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stance_explorer import schema as S

#: Most statements a statement x statement view shows; beyond it the view is sampled and says so.
MAX_STATEMENT_MATRIX = 400


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
