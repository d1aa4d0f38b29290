"""An approximate nearest-neighbour index for search past a few hundred thousand statements.

Brute force (one matrix product over every stored vector) costs about 35 ms a query at 1M
statements on this project's 2-core CPU (benchmarks/scale.py). An HNSW graph (faiss, chosen over
usearch by ``benchmarks/ann.py``: faster to build and to query at the same recall) answers in well
under a millisecond. The graph keeps 8-bit copies of the vectors (a quarter of the float32 size);
its candidates are re-scored exactly against the store's vectors. The index is built from the
vectors of one dataset, in that dataset's row order, and saved beside the store under a name that
carries a fingerprint of the statements' text keys: a dataset that changed never meets a stale index.

faiss-cpu is optional for this (``requirements-scale.txt``). Without it, or below ``THRESHOLD``
rows, search stays exact.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stance_explorer.runtime import SCALE_INSTALL_HINT, importable

log = logging.getLogger(__name__)

#: From this many statements on, search uses an index when one exists.
THRESHOLD = 200_000
#: A filter that keeps fewer rows than this is searched exactly over those rows (fast and exact).
EXACT_BELOW = 50_000
#: HNSW settings chosen with benchmarks/ann.py (recall@10 against brute force, ms per query).
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 256
#: Candidates asked of the graph per result wanted, before exact re-scoring.
OVERFETCH = 4
INSTALL_HINT = SCALE_INSTALL_HINT


def available() -> bool:
    """Whether faiss can be imported here.

    Returns:
        True when it imports.
    """
    return importable("faiss")


def fingerprint(keys: np.ndarray) -> str:
    """A short hash of the dataset's text keys, in row order: the index fits only that dataset.

    Args:
        keys: The dataset's text keys, in row order.

    Returns:
        16 hex characters.
    """
    return hashlib.sha256(np.ascontiguousarray(keys).tobytes()).hexdigest()[:16]


def index_path(store_dir: Path, keys: np.ndarray) -> Path:
    """Where the index for this dataset is saved in a store folder.

    Args:
        store_dir: The store folder.
        keys: The dataset's text keys, in row order.

    Returns:
        ``store_dir/index-<fingerprint>.faiss``.
    """
    return Path(store_dir) / f"index-{fingerprint(keys)}.faiss"


@dataclass
class AnnIndex:
    """An HNSW index over unit vectors (inner product = cosine) whose ids are the dataset's row positions."""

    index: object
    size: int

    @classmethod
    def build(cls, vectors: np.ndarray, *, threads: int = 0) -> AnnIndex:
        """Build an 8-bit HNSW index over the rows of ``vectors``.

        Args:
            vectors: Unit vectors, one row per statement.
            threads: faiss threads; 0 leaves faiss's setting.

        Returns:
            The index, its ids the row positions.
        """
        import faiss

        if threads:
            faiss.omp_set_num_threads(threads)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        index = faiss.IndexHNSWSQ(
            vectors.shape[1], faiss.ScalarQuantizer.QT_8bit, CONNECTIVITY, faiss.METRIC_INNER_PRODUCT
        )
        index.hnsw.efConstruction = EXPANSION_ADD
        index.train(vectors[:: max(1, len(vectors) // 100_000)])
        index.add(vectors)
        index.hnsw.efSearch = EXPANSION_SEARCH
        return cls(index, len(vectors))

    def save(self, path: Path) -> None:
        """Write the index atomically (a temporary name, then a rename).

        Args:
            path: The file to write.
        """
        import faiss

        path = Path(path)
        tmp = path.with_name(f".{path.name}.tmp")
        faiss.write_index(self.index, str(tmp))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> AnnIndex:
        """Read a saved HNSW index.

        Args:
            path: The index file.

        Returns:
            The index, ready to search.

        Raises:
            ValueError: The file is not a faiss index, or not an HNSW one.
        """
        import faiss

        try:
            index = faiss.read_index(str(path))
        except RuntimeError as exc:  # faiss reports a damaged file as a RuntimeError
            raise ValueError(f"{path} is not a faiss index ({str(exc).splitlines()[0][:120]})") from None
        if not hasattr(index, "hnsw"):
            raise ValueError(f"{path} is not an HNSW index")
        index.hnsw.efSearch = EXPANSION_SEARCH  # read_index returns the index as its own class
        return cls(index, index.ntotal)

    def search(
        self, vectors: np.ndarray, query: np.ndarray, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Row positions of the ``k`` rows closest to ``query`` (within ``mask``), best first, and their cosines.

        Candidates from the graph are re-scored exactly against ``vectors``. With a filter, the graph is
        asked for more candidates (in proportion to what the filter drops); a filter that keeps few
        rows, or candidates that run short, fall back to exact search over the kept rows.

        Args:
            vectors: The dataset's vectors, one row per indexed row.
            query: The query's unit vector.
            k: How many rows to return.
            mask: Which rows may be returned; None for all.

        Returns:
            (row positions, their cosines), best first.
        """
        query = np.asarray(query, dtype=np.float32).ravel()
        kept = None if mask is None else np.flatnonzero(mask)
        if kept is not None and len(kept) < EXACT_BELOW:
            return _exact(vectors, query, k, kept)
        share = 1.0 if kept is None else max(len(kept) / self.size, 1e-6)
        want = int(min(self.size, max(k * OVERFETCH, np.ceil(k * OVERFETCH / share))))
        _, found = self.index.search(query[None, :], want)
        rows = found[0][found[0] >= 0].astype(np.int64)
        if kept is not None:
            rows = rows[mask[rows]]
        if len(rows) < min(k, self.size if kept is None else len(kept)):
            return _exact(vectors, query, k, kept)
        return _exact(vectors, query, k, np.sort(rows))  # re-score the candidates exactly


def _exact(vectors: np.ndarray, query: np.ndarray, k: int, rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best of ``rows`` (all rows when None) by exact cosine, best first, with their cosines."""
    from stance_explorer.analysis import similarity_to, top_k

    if rows is None:
        scores = similarity_to(vectors, query)
        best = top_k(scores, k)
        return best, scores[best]
    scores = np.asarray(vectors[rows], dtype=np.float32) @ query
    best = top_k(scores, k)
    return rows[best], scores[best]


def open_index(store_dir: Path, keys: np.ndarray) -> AnnIndex | None:
    """The saved index for this dataset, or None (none built, faiss missing, or unreadable).

    Args:
        store_dir: The store folder.
        keys: The dataset's text keys, in row order.

    Returns:
        The loaded index, or None.
    """
    if len(keys) < THRESHOLD or not available():
        return None
    path = index_path(store_dir, keys)
    if not path.exists():
        return None
    try:
        return AnnIndex.load(path)
    except (ValueError, RuntimeError, OSError) as exc:
        log.warning("ignoring the search index %s: %s", path, exc)
        return None
