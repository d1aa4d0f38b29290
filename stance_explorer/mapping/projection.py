"""A 2-D map of statement vectors: computing it, storing it beside the vectors, placing new points.

A map is computed once per dataset and model and stored under the model's store folder::

    <store root>/<model-slug>/maps/<name>.keys.npy     (n,) |S32 sha256 of the embedded text (the store's keys)
    <store root>/<model-slug>/maps/<name>.xy.npy       (n, 2) float32 coordinates
    <store root>/<model-slug>/maps/<name>.pca.npy      (3, dim) float32: mean, then the two axes (PCA maps only)
    <store root>/<model-slug>/maps/<name>.json         marker, written last: method, model id, count, trustworthiness

Points are keyed by text, like the vectors, so a map serves any frame holding those statements.
Statements the map lacks (an upload) are *placed* rather than recomputed: exactly with PCA's axes,
otherwise at the similarity-weighted mean position of their nearest mapped neighbours, which needs
only the stored vectors (``place``). Nothing is pickled.

The projection packages (umap-learn, pacmap, openTSNE) are imported only inside ``project``: the
app's first page never pays for them, and PCA needs nothing beyond numpy.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stance_explorer.files import atomic_write_bytes, model_slug
from stance_explorer.store import KEY_DTYPE

#: Methods compared by benchmarks/projection.py; ``DEFAULT_METHOD`` is the one the app uses.
METHODS = ("pca", "umap", "pacmap", "tsne")
DEFAULT_METHOD = "pacmap"
#: Below this many statements a neighbour-graph method has too few neighbours to work with.
MIN_NONLINEAR = 30
#: Neighbours used to place a statement the map lacks.
PLACE_K = 10
MAPS_DIR = "maps"


def pca_axes(vectors: np.ndarray) -> np.ndarray:
    """(3, dim): the mean, then the two principal axes, from the covariance (cheap at 1M rows).

    Args:
        vectors: (n, dim) vectors.

    Returns:
        A (3, dim) float32 array.
    """
    x = np.asarray(vectors, dtype=np.float32)
    mean = x.mean(axis=0, dtype=np.float64)
    # float32 product (half the time of float64 at 1M rows), accumulated into a float64 covariance
    cov = (x.T @ x).astype(np.float64) / max(len(x), 1) - np.outer(mean, mean)
    _, vecs = np.linalg.eigh(cov)  # ascending eigenvalues
    axes = vecs[:, ::-1][:, :2].T
    # A fixed sign per axis, so recomputing never mirrors the map.
    axes *= np.where(axes[np.arange(2), np.abs(axes).argmax(axis=1)] < 0, -1.0, 1.0)[:, None]
    return np.vstack([mean[None, :], axes]).astype(np.float32)


def pca_transform(vectors: np.ndarray, axes: np.ndarray) -> np.ndarray:
    """Coordinates of ``vectors`` on the axes ``pca_axes`` returned.

    Args:
        vectors: (n, dim) vectors.
        axes: :func:`pca_axes`' array.

    Returns:
        (n, 2) float32 coordinates.
    """
    return ((np.asarray(vectors, dtype=np.float32) - axes[0]) @ axes[1:].T).astype(np.float32)


def project(vectors: np.ndarray, method: str = DEFAULT_METHOD, *, seed: int | None = 0, n_jobs: int = -1) -> np.ndarray:
    """(n, 2) float32 coordinates of the rows of ``vectors`` by ``method`` (one of ``METHODS``).

    ``seed`` makes a run repeatable; for UMAP a seed also makes it single-threaded, so pass None for
    speed. Fewer than ``MIN_NONLINEAR`` rows always get PCA.

    Args:
        vectors: (n, dim) unit vectors.
        method: One of METHODS.
        seed: Random seed; None for a faster, unrepeatable run.
        n_jobs: Threads for the nonlinear methods; -1 uses every core.

    Returns:
        (n, 2) float32 coordinates, row-aligned with ``vectors``.

    Raises:
        ValueError: For an unknown method, or one whose package is not installed.
    """
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n = len(x)
    if method not in METHODS:
        raise ValueError(f"unknown projection method {method!r}; choose one of {', '.join(METHODS)}")
    if n == 0:
        return np.zeros((0, 2), dtype=np.float32)
    if method == "pca" or n < MIN_NONLINEAR:
        return pca_transform(x, pca_axes(x))
    jobs = (os.cpu_count() or 1) if n_jobs == -1 else n_jobs
    try:
        return _nonlinear(x, method, seed, jobs)
    except ImportError as exc:
        raise ValueError(
            f"the {method} projection needs a package that is not installed ({exc.name}): "
            "pip install 'stance-explorer[projections]', or use pacmap or pca"
        ) from exc


def _nonlinear(x: np.ndarray, method: str, seed: int | None, jobs: int) -> np.ndarray:
    n = len(x)
    if method == "umap":
        import umap  # noqa: PLC0415 (heavy: numba, pynndescent)

        model = umap.UMAP(
            n_components=2,
            n_neighbors=15,
            min_dist=0.1,
            metric="cosine",
            random_state=seed,
            n_jobs=jobs if seed is None else 1,
        )
        out = model.fit_transform(x)
    elif method == "pacmap":
        import pacmap  # noqa: PLC0415

        model = pacmap.PaCMAP(n_components=2, n_neighbors=10, MN_ratio=0.5, FP_ratio=2.0, random_state=seed)
        out = model.fit_transform(x, init="pca")
    else:  # tsne
        import openTSNE  # noqa: PLC0415

        model = openTSNE.TSNE(
            n_components=2, perplexity=min(30.0, (n - 1) / 3.0), metric="cosine", n_jobs=jobs, random_state=seed
        )
        out = np.asarray(model.fit(x))
    return np.asarray(out, dtype=np.float32)


def place(
    new_vectors: np.ndarray, ref_vectors: np.ndarray, ref_xy: np.ndarray, *, k: int = PLACE_K, chunk: int = 4096
) -> np.ndarray:
    """Map positions for statements the map lacks: the mean position of their ``k`` nearest mapped
    statements (cosine), weighted by similarity. Cost O(new × mapped), no refitting.

    Args:
        new_vectors: (m, dim) unit vectors of the statements to place.
        ref_vectors: (r, dim) unit vectors of mapped statements.
        ref_xy: (r, 2) their map positions.
        k: Neighbours averaged.
        chunk: New rows compared at a time.

    Returns:
        (m, 2) float32 positions; zeros when either side is empty.
    """
    new = np.asarray(new_vectors, dtype=np.float32)
    ref = np.asarray(ref_vectors, dtype=np.float32)
    out = np.zeros((len(new), 2), dtype=np.float32)
    if len(new) == 0 or len(ref) == 0:
        return out
    k = min(k, len(ref))
    for start in range(0, len(new), chunk):
        sims = new[start : start + chunk] @ ref.T
        idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        w = np.clip(np.take_along_axis(sims, idx, axis=1), 1e-3, None) ** 4  # the closest dominate
        out[start : start + chunk] = (w[:, :, None] * ref_xy[idx]).sum(axis=1) / w.sum(axis=1, keepdims=True)
    return out


# ---------------------------------------------------------------------------- stored maps
@dataclass
class StoredMap:
    """A map read from disk: coordinates keyed by the store's text keys."""

    keys: np.ndarray
    xy: np.ndarray
    method: str
    model_id: str
    pca: np.ndarray | None = None
    trustworthiness: float | None = None

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(xy, found) for each key; rows not found are zero."""
        keys = np.asarray(keys, dtype=KEY_DTYPE)
        order = np.argsort(self.keys)
        sorted_keys = self.keys[order]
        pos = np.minimum(np.searchsorted(sorted_keys, keys), max(len(sorted_keys) - 1, 0))
        found = sorted_keys[pos] == keys if len(sorted_keys) else np.zeros(len(keys), dtype=bool)
        xy = np.zeros((len(keys), 2), dtype=np.float32)
        xy[found] = self.xy[order[pos[found]]]
        return xy, found


def map_dir(store_root: str | Path, model_id: str) -> Path:
    """Where a model's maps live: beside its vectors.

    Args:
        store_root: The embedding store's root folder.
        model_id: The encoder's id.

    Returns:
        The maps folder (not created).
    """
    return Path(store_root) / model_slug(model_id) / MAPS_DIR


def _safe_name(name: str) -> str:
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise ValueError(f"a map name is letters, digits, '-' and '_' only, not {name!r}")
    return name


def save_map(
    store_root: str | Path,
    model_id: str,
    name: str,
    keys: np.ndarray,
    xy: np.ndarray,
    method: str,
    *,
    pca: np.ndarray | None = None,
    trustworthiness: float | None = None,
) -> Path:
    """Write a map as .npy files plus a JSON marker, each to a temporary name and renamed; the marker
    goes last, so a killed run leaves the previous map or none, never half of one. Returns the marker.

    Args:
        store_root: The embedding store's root folder.
        model_id: The encoder's id.
        name: The map's name (made safe for a file name).
        keys: One text key per mapped statement.
        xy: (n, 2) positions, row-aligned with ``keys``.
        method: The projection method used.
        pca: :func:`pca_axes`' array, stored so new statements can be projected.
        trustworthiness: The map's measured trustworthiness, when known.

    Returns:
        The JSON marker's path.

    Raises:
        ValueError: When ``xy`` is not (len(keys), 2).
    """
    folder = map_dir(store_root, model_id)
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / _safe_name(name)
    keys = np.asarray(keys, dtype=KEY_DTYPE)
    xy = np.asarray(xy, dtype=np.float32)
    if xy.shape != (len(keys), 2):
        raise ValueError(f"expected coordinates of shape ({len(keys)}, 2), got {xy.shape}")
    marker = stem.with_suffix(".json")
    marker.unlink(missing_ok=True)  # the old map stops existing before its files change
    atomic_write_bytes(stem.with_suffix(".keys.npy"), lambda fh: np.save(fh, keys, allow_pickle=False))
    atomic_write_bytes(stem.with_suffix(".xy.npy"), lambda fh: np.save(fh, xy, allow_pickle=False))
    if pca is not None:
        atomic_write_bytes(
            stem.with_suffix(".pca.npy"), lambda fh: np.save(fh, np.asarray(pca, np.float32), allow_pickle=False)
        )
    else:
        stem.with_suffix(".pca.npy").unlink(missing_ok=True)  # a previous PCA map's axes do not fit this one
    meta = {
        "model_id": model_id,
        "method": method,
        "count": int(len(keys)),
        "pca": pca is not None,
        "trustworthiness": trustworthiness,
    }
    atomic_write_bytes(marker, lambda fh: fh.write(json.dumps(meta, indent=1).encode()))
    return marker


def load_map(store_root: str | Path, model_id: str, name: str) -> StoredMap | None:
    """The stored map, or None when there is none or it does not match its marker (then it is recomputed).

    Args:
        store_root: The embedding store's root folder.
        model_id: The encoder's id.
        name: The map's name.

    Returns:
        A :class:`StoredMap`, or None.
    """
    stem = map_dir(store_root, model_id) / _safe_name(name)
    try:
        meta = json.loads(stem.with_suffix(".json").read_text("utf-8"))
        keys = np.load(stem.with_suffix(".keys.npy"), allow_pickle=False)
        xy = np.load(stem.with_suffix(".xy.npy"), allow_pickle=False)
        pca = np.load(stem.with_suffix(".pca.npy"), allow_pickle=False) if meta.get("pca") else None
    except (OSError, ValueError, EOFError, json.JSONDecodeError):
        return None
    if (
        meta.get("model_id") != model_id
        or keys.dtype != KEY_DTYPE
        or xy.shape != (len(keys), 2)
        or len(keys) != meta.get("count")
    ):
        return None
    if pca is not None and (pca.ndim != 2 or pca.shape[0] != 3):
        return None
    return StoredMap(keys, xy.astype(np.float32), str(meta.get("method")), model_id, pca, meta.get("trustworthiness"))


@dataclass
class Layout:
    """Map positions for every row of a dataset, and how each was obtained."""

    xy: np.ndarray
    placed: np.ndarray  # True where the row was placed (not in the stored map)
    method: str
    computed: bool  # True when the map was computed now rather than read

    @property
    def n_placed(self) -> int:
        return int(self.placed.sum())


#: Above this share of new statements a stored map is recomputed rather than extended.
MAX_PLACED_SHARE = 0.5


def layout(
    keys: np.ndarray,
    vectors: np.ndarray,
    stored: StoredMap | None,
    *,
    method: str = DEFAULT_METHOD,
    max_placed_share: float = MAX_PLACED_SHARE,
) -> Layout:
    """Positions for rows with these keys and vectors: read from ``stored`` where it has them, the rest
    placed on it (PCA's axes, else nearest mapped neighbours). With no stored map, or when most rows
    are new, the map is computed for these rows with ``method`` (seeded, so repeatable).

    Args:
        keys: Text keys of the rows.
        vectors: (n, dim) unit vectors, row-aligned with ``keys``.
        stored: The stored map, or None.
        method: The projection method when the map is computed.
        max_placed_share: Most share of rows that may be placed before the map is recomputed.

    Returns:
        A :class:`Layout` row-aligned with ``keys``.
    """
    n = len(keys)
    if stored is not None and n:
        xy, found = stored.lookup(keys)
        if found.any() and (~found).sum() <= max_placed_share * n:
            new = ~found
            if new.any():
                if stored.pca is not None:
                    xy[new] = pca_transform(vectors[new], stored.pca)
                else:
                    xy[new] = place(vectors[new], vectors[found], xy[found])
            return Layout(xy, new, stored.method, computed=False)
    return Layout(
        project(vectors, method, seed=0),
        np.zeros(n, dtype=bool),
        method if n >= MIN_NONLINEAR else "pca",
        computed=True,
    )
