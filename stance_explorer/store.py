"""The embedding store: vectors keyed by (model id, sha256 of the exact text embedded).

Layout, one folder per model under the store root::

    <root>/<model-slug>/
        <shard>.keys.npy      (n,) |S32 sha256 digests
        <shard>.vectors.npy   (n, dim) float32 or float16, L2-normalized
        <shard>.json          commit marker: model id, dim, count, dtype

A shard exists only once its ``.json`` marker does. The marker is written last, and every file is
written to a temporary name and then renamed, so a run killed at any point leaves either a whole
shard or an orphan that is ignored and cleaned up. Shards that do not match their marker
(truncated, wrong dimension, wrong model) are dropped with a warning; their texts are simply
encoded again on the next run. Nothing is pickled: ``np.load(..., allow_pickle=False)``.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stance_explorer.encoders.base import Encoder, Progress
from stance_explorer.files import atomic_write_bytes, model_slug

KEY_DTYPE = np.dtype("S32")
#: Shards written for the bundled dataset; they are committed to git, unlike the cache shards.
BUNDLED_PREFIX = "bundled"
CACHE_PREFIX = "cache"
#: More shards than this are merged into one when the store is opened for writing.
COMPACT_AFTER = 16
#: Texts per shard while encoding: a killed run loses at most one chunk of work.
CHUNK = 512


def text_key(text: str) -> bytes:
    """The 32-byte sha256 digest of the exact text embedded.

    Args:
        text: The text exactly as it is embedded.

    Returns:
        32 bytes.
    """
    return hashlib.sha256(text.encode("utf-8")).digest()


def text_keys(texts: Sequence[str]) -> np.ndarray:
    """The :func:`text_key` of every text, as one array.

    Args:
        texts: The texts exactly as they are embedded.

    Returns:
        An array of KEY_DTYPE, one key per text.
    """
    return np.array([text_key(t) for t in texts], dtype=KEY_DTYPE)


def _write_shard_files(folder: Path, stem: str, model_id: str, keys: np.ndarray, vectors: np.ndarray) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(folder / f"{stem}.keys.npy", lambda fh: np.save(fh, keys, allow_pickle=False))
    atomic_write_bytes(folder / f"{stem}.vectors.npy", lambda fh: np.save(fh, vectors, allow_pickle=False))
    meta = {"model_id": model_id, "dim": int(vectors.shape[1]), "count": int(len(keys)), "dtype": str(vectors.dtype)}
    # The marker goes last: it is what makes the shard exist.
    atomic_write_bytes(folder / f"{stem}.json", lambda fh: fh.write(json.dumps(meta, indent=1).encode()))


def _shard_stem(prefix: str) -> str:
    return f"{prefix}-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"


def write_shard(
    root: str | Path, model_id: str, keys: np.ndarray, vectors: np.ndarray, *, prefix: str = CACHE_PREFIX
) -> Path:
    """Write one shard of ``model_id``'s store under ``root`` without opening the store.

    For parallel writers (the Ray workers): nothing is loaded and nothing is compacted, and each
    shard gets a unique name, so writers never touch each other's files. Returns the marker path.

    Args:
        root: The store root folder.
        model_id: The encoder's id.
        keys: One :func:`text_key` per vector.
        vectors: (n, d) vectors, written as float32.
        prefix: The shard name's prefix (CACHE_PREFIX, or BUNDLED_PREFIX for shards kept in git).

    Returns:
        The path of the shard's JSON marker.
    """
    folder = Path(root) / model_slug(model_id)
    stem = _shard_stem(prefix)
    _write_shard_files(folder, stem, model_id, np.asarray(keys, dtype=KEY_DTYPE), np.asarray(vectors, dtype=np.float32))
    return folder / f"{stem}.json"


def _prefix64(keys: np.ndarray) -> np.ndarray:
    """First 8 bytes of each digest as uint64: sorting these is far faster than sorting |S32."""
    keys = np.ascontiguousarray(keys, dtype=KEY_DTYPE)
    return keys.view(np.uint8).reshape(-1, 32)[:, :8].copy().view(">u8").ravel().astype(np.uint64)


@dataclass
class EmbedReport:
    """What one ``get_or_encode`` call did."""

    total: int
    cached: int
    new: int
    persisted: bool


class EmbeddingStore:
    """Vectors for one model id, read from disk (memory-mapped) plus any added in this process.

    Args:
        root: store root folder (``embeddings/``), or ``None`` for a store that lives in memory.
        model_id: the encoder's id; shards of any other id are never read.
        read_only: never write to disk; new vectors stay in memory (a hosted app, a session).
        dtype: on-disk dtype of new shards. float16 halves memory at scale.
    """

    def __init__(
        self,
        root: str | Path | None,
        model_id: str,
        *,
        read_only: bool = False,
        dtype: str = "float32",
        mmap: bool = True,
    ) -> None:
        self.model_id = model_id
        self.dtype = np.dtype(dtype)
        self.warnings: list[str] = []
        self.dir: Path | None = Path(root) / model_slug(model_id) if root is not None else None
        self.read_only = read_only or self.dir is None
        self._mmap = mmap
        self._key_parts: list[np.ndarray] = []
        self._vec_parts: list[np.ndarray] = []
        self.dim: int | None = None
        if self.dir is not None:
            if not self.read_only:
                self._ensure_writable()
            self._load_shards()
        self._reindex()

    # ---------------------------------------------------------------- loading
    def _ensure_writable(self) -> None:
        assert self.dir is not None
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            probe = self.dir / f".write-test-{uuid.uuid4().hex}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            self.read_only = True
            self.warnings.append(
                f"The embedding store {self.dir} cannot be written ({exc.strerror or exc}); "
                "new vectors are kept in memory for this run only."
            )

    def _drop(self, marker: Path, why: str) -> None:
        self.warnings.append(f"Embedding shard {marker.name} is unusable ({why}); its texts will be re-encoded.")
        if not self.read_only:
            for suffix in (".json", ".keys.npy", ".vectors.npy"):
                marker.with_name(marker.name[: -len(".json")] + suffix).unlink(missing_ok=True)

    def _load_shards(self) -> None:
        assert self.dir is not None
        if not self.dir.is_dir():
            return
        markers = sorted(self.dir.glob("*.json"), key=lambda p: (not p.name.startswith(BUNDLED_PREFIX), p.name))
        for marker in markers:
            stem = marker.name[: -len(".json")]
            try:
                meta = json.loads(marker.read_text("utf-8"))
                keys = np.load(self.dir / f"{stem}.keys.npy", allow_pickle=False)
                vecs = np.load(
                    self.dir / f"{stem}.vectors.npy",
                    allow_pickle=False,
                    mmap_mode="r" if self._mmap else None,
                )
            except (OSError, ValueError, EOFError, json.JSONDecodeError) as exc:
                self._drop(marker, f"cannot be read: {exc}")
                continue
            if meta.get("model_id") != self.model_id:
                self._drop(marker, f"written by model {meta.get('model_id')!r}, not {self.model_id!r}")
                continue
            if keys.dtype != KEY_DTYPE or keys.ndim != 1:
                self._drop(marker, "its key index is malformed")
                continue
            if vecs.ndim != 2 or len(vecs) != len(keys) or len(keys) != meta.get("count"):
                self._drop(
                    marker,
                    f"{len(keys)} keys but {vecs.shape[0] if vecs.ndim else 0} vectors, marker says {meta.get('count')}",
                )
                continue
            # Check the shard against its own marker before it may set the store's dimension: a
            # damaged first shard must not make every intact shard after it look wrong.
            if vecs.shape[1] != meta.get("dim"):
                self._drop(marker, f"dimension {vecs.shape[1]}, its marker says {meta.get('dim')}")
                continue
            if self.dim is not None and vecs.shape[1] != self.dim:
                self._drop(marker, f"dimension {vecs.shape[1]}, expected {self.dim}")
                continue
            if self.dim is None:
                self.dim = int(vecs.shape[1])
            self._key_parts.append(keys)
            self._vec_parts.append(vecs)
        # Orphans of a killed run: vector or key files without a marker.
        if not self.read_only:
            live = {m.name[: -len(".json")] for m in self.dir.glob("*.json")}
            for f in self.dir.glob("*.npy"):
                if f.name.split(".")[0] not in live:
                    f.unlink(missing_ok=True)
            for f in self.dir.glob(".*.tmp"):
                f.unlink(missing_ok=True)
            if len(self._key_parts) > COMPACT_AFTER:
                self.compact()

    def _reindex(self) -> None:
        """Sorted 64-bit key prefixes over every part, for vectorized lookups."""
        if self._key_parts:
            keys = np.concatenate(self._key_parts)
            sizes = [len(k) for k in self._key_parts]
        else:
            keys = np.zeros(0, dtype=KEY_DTYPE)
            sizes = []
        part = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
        row = np.concatenate([np.arange(s, dtype=np.int64) for s in sizes]) if sizes else np.zeros(0, np.int64)
        prefix = _prefix64(keys)
        order = np.argsort(prefix, kind="stable")
        self._dirty = False
        self._sorted_prefix = prefix[order]
        self._sorted_keys = keys[order]
        self._sorted_part = part[order]
        self._sorted_row = row[order]

    # ---------------------------------------------------------------- queries
    def __len__(self) -> int:
        if self._dirty:
            self._reindex()
        return int(len(self._sorted_keys))

    def locate(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each key, (part index, row) or (-1, -1) when the store does not have it.

        Args:
            keys: Keys from :func:`text_keys`.

        Returns:
            (part index, row) arrays aligned with ``keys``, -1 where missing.
        """
        if self._dirty:
            self._reindex()
        keys = np.asarray(keys, dtype=KEY_DTYPE)
        prefix = _prefix64(keys)
        pos = np.searchsorted(self._sorted_prefix, prefix)
        part = np.full(len(keys), -1, dtype=np.int32)
        row = np.full(len(keys), -1, dtype=np.int64)
        if len(self._sorted_prefix) == 0:
            return part, row
        pos_c = np.minimum(pos, len(self._sorted_prefix) - 1)
        hit = self._sorted_keys[pos_c] == keys  # full-digest check, so a prefix collision never lies
        part[hit] = self._sorted_part[pos_c[hit]]
        row[hit] = self._sorted_row[pos_c[hit]]
        return part, row

    def contains(self, texts: Sequence[str]) -> np.ndarray:
        """Whether the store has a vector for each text.

        Args:
            texts: The texts exactly as they are embedded.

        Returns:
            A boolean array aligned with ``texts``.
        """
        return self.locate(text_keys(texts))[0] >= 0

    def gather(self, part: np.ndarray, row: np.ndarray) -> np.ndarray:
        """Vectors at the located positions, as a float32 array in memory.

        Args:
            part: Part index per row, as :meth:`locate` gives it.
            row: Row within the part; ignored where ``part`` is -1.

        Returns:
            An (n, dim) float32 array, zero where ``part`` is -1.
        """
        dim = self.dim or 0
        out = np.zeros((len(part), dim), dtype=np.float32)
        for p in np.unique(part[part >= 0]):
            sel = np.nonzero(part == p)[0]
            out[sel] = self._vec_parts[p][row[sel]]
        return out

    def get(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(vectors, found mask) for the texts; rows not found are zero.

        Args:
            texts: The texts exactly as they are embedded.

        Returns:
            An (n, dim) float32 array and a boolean array, both aligned with ``texts``.
        """
        part, row = self.locate(text_keys(texts))
        return self.gather(part, row), part >= 0

    # ---------------------------------------------------------------- writing
    def add(self, keys: np.ndarray, vectors: np.ndarray, *, prefix: str = CACHE_PREFIX) -> bool:
        """Add vectors; returns True when they were persisted to disk, False when kept in memory.

        Args:
            keys: One :func:`text_key` per vector.
            vectors: (n, dim) vectors; the first ones added set ``dim``.
            prefix: The shard name's prefix.

        Returns:
            Whether the vectors were written to disk.

        Raises:
            ValueError: When the vectors' shape does not match the keys and the store's ``dim``.
        """
        keys = np.asarray(keys, dtype=KEY_DTYPE)
        vectors = np.asarray(vectors, dtype=self.dtype)
        if len(keys) == 0:
            return not self.read_only
        if self.dim is None:
            self.dim = int(vectors.shape[1])
        if vectors.shape != (len(keys), self.dim):
            raise ValueError(f"expected vectors of shape ({len(keys)}, {self.dim}), got {vectors.shape}")
        persisted = False
        if not self.read_only:
            try:
                self._write_shard(_shard_stem(prefix), keys, vectors)
                persisted = True
            except OSError as exc:
                self.read_only = True
                self.warnings.append(f"Could not write to the embedding store ({exc}); keeping vectors in memory.")
        self._key_parts.append(keys)
        self._vec_parts.append(vectors)
        self._dirty = True  # re-sorted on the next lookup, not once per chunk
        return persisted

    def _write_shard(self, stem: str, keys: np.ndarray, vectors: np.ndarray) -> None:
        assert self.dir is not None
        _write_shard_files(self.dir, stem, self.model_id, keys, vectors)

    def compact(self) -> None:
        """Merge every cache shard into one (bundled shards stay as they are)."""
        assert self.dir is not None
        cache_markers = sorted(m for m in self.dir.glob(f"{CACHE_PREFIX}-*.json"))
        if len(cache_markers) < 2 or self.read_only:
            return
        keys, vecs = [], []
        for m in cache_markers:
            stem = m.name[: -len(".json")]
            keys.append(np.load(self.dir / f"{stem}.keys.npy", allow_pickle=False))
            vecs.append(np.load(self.dir / f"{stem}.vectors.npy", allow_pickle=False))
        all_keys = np.concatenate(keys)
        _, first = np.unique(all_keys, return_index=True)
        first.sort()
        self._write_shard(
            f"{CACHE_PREFIX}-{time.strftime('%Y%m%dT%H%M%S')}-merged-{uuid.uuid4().hex[:8]}",
            all_keys[first],
            np.concatenate(vecs)[first],
        )
        for m in cache_markers:  # marker first, so a kill here leaves only ignorable orphans
            stem = m.name[: -len(".json")]
            m.unlink(missing_ok=True)
            (self.dir / f"{stem}.keys.npy").unlink(missing_ok=True)
            (self.dir / f"{stem}.vectors.npy").unlink(missing_ok=True)
        self._key_parts, self._vec_parts, self.dim = [], [], None
        self._load_shards()
        self._reindex()

    # ---------------------------------------------------------------- the main entry point
    def get_or_encode(
        self,
        texts: Sequence[str],
        encoder: Encoder,
        *,
        batch_size: int = 64,
        progress: Progress | None = None,
        prefix: str = CACHE_PREFIX,
    ) -> tuple[np.ndarray, EmbedReport]:
        """Vectors for every text, encoding only the texts the store does not have.

        New vectors are written in chunks of ``CHUNK`` texts, so a run that is killed keeps what it
        finished. Duplicate texts are encoded once.

        Args:
            texts: The texts exactly as they are embedded.
            encoder: An encoder with the store's model id.
            batch_size: The encoder's batch size.
            progress: Called as ``progress(done, total)`` with counts of new texts.
            prefix: The new shards' name prefix.

        Returns:
            (float32 vectors aligned with ``texts``, an :class:`EmbedReport`).

        Raises:
            ValueError: When the encoder's model id is not the store's.
        """
        if encoder.model_id != self.model_id:
            raise ValueError(f"encoder {encoder.model_id!r} does not match store {self.model_id!r}")
        keys = text_keys(texts)
        part, _ = self.locate(keys)
        missing = np.nonzero(part < 0)[0]
        # One encode per distinct missing text.
        uniq_keys, first_idx = np.unique(keys[missing], return_index=True)
        todo = missing[np.sort(first_idx)]
        persisted = not self.read_only
        total_new = len(todo)
        done = 0
        if total_new and progress is not None:
            progress(0, total_new)
        # Longest first across the whole job, so chunking does not add padding.
        todo = todo[np.argsort([-len(texts[i]) for i in todo], kind="stable")]
        # An encoder may ask for bigger chunks (a GPU pipeline); a killed run loses at most one.
        chunk = int(getattr(encoder, "store_chunk", CHUNK))
        for start in range(0, total_new, chunk):
            idx = todo[start : start + chunk]
            vecs = encoder.encode([texts[i] for i in idx], batch_size=batch_size)
            persisted = self.add(keys[idx], vecs, prefix=prefix) and persisted
            done += len(idx)
            if progress is not None:
                progress(done, total_new)
        part, row = self.locate(keys)
        vectors = self.gather(part, row)
        report = EmbedReport(total=len(texts), cached=len(texts) - len(missing), new=total_new, persisted=persisted)
        return vectors, report
