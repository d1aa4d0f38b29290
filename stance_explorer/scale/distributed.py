"""Embedding on Ray Data: many workers, one model each, writing the same store shards as ``embed``.

    python -m stance_explorer embed FILE... --engine ray [--address ADDR] [--workers N] [--batch-size B]

1. Each input shard (CSV, or Parquet read into the same reader) is validated by a Ray task with
   ``read_statements``: its problems name the file and line exactly as a plain run would.
2. The driver works out which texts the store lacks (sha256 keys, as always) and drops duplicates,
   so a run that was killed resumes with only what is missing.
3. Ray Data streams those texts, longest first, through an actor pool: each actor loads the model
   once and writes every batch it encodes as one store shard (keys, vectors, then the JSON marker,
   each written to a temporary name and renamed). Shards from parallel workers never collide, and a
   worker killed mid-batch leaves at most ignorable orphans.

A plain ``embed`` afterwards finds every vector cached. Ray is optional (``requirements-scale.txt``);
without ``--address`` it starts on this machine.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stance_explorer import schema as S
from stance_explorer.encoders.base import Encoder
from stance_explorer.runtime import SCALE_INSTALL_HINT, importable, one_thread_per_cpu
from stance_explorer.store import CACHE_PREFIX, EmbeddingStore, text_keys, write_shard

log = logging.getLogger(__name__)

INSTALL_HINT = SCALE_INSTALL_HINT


def available() -> bool:
    """Whether Ray and Ray Data can be imported here.

    Returns:
        True when both import.
    """
    return importable("ray", "ray.data")


@dataclass
class ShardResult:
    """What one input file held: the texts to embed, its problems, and whether it was unusable."""

    file: str
    texts: list[str]
    problems: list[S.Problem]
    unreadable: bool


@dataclass
class RayReport:
    files: int
    statements: int
    cached: int
    new: int
    shards: int
    problems: list[S.Problem] = field(default_factory=list)
    unreadable: int = 0


def read_shard_frame(path: str, dayfirst: bool = False):
    """(frame, problems, unreadable) for one input file, validated by the project's reader; Parquet
    goes through it as CSV text, so its problems read the same (a row's "line" is its number + 1).

    Args:
        path: A CSV or Parquet file of statements.
        dayfirst: Read ambiguous numeric dates day-first.

    Returns:
        (the validated frame, its problems, True when the file could not be used at all).
    """
    import pandas as pd

    from stance_explorer.reader import empty_frame, read_statements

    p = Path(path)
    if p.suffix.lower() == ".parquet":
        try:
            raw = pd.read_parquet(p).to_csv(index=False).encode("utf-8")
        except Exception as exc:  # noqa: BLE001 - any unreadable Parquet is one problem, not a crash
            return (
                empty_frame(),
                [S.Problem(p.name, None, None, "error", f"cannot read this Parquet file: {exc}")],
                True,
            )
        res = read_statements(raw, name=p.name, dayfirst=dayfirst)
    else:
        res = read_statements(p, dayfirst=dayfirst)
    return res.frame, list(res.problems), res.unreadable


def read_shard(path: str, dayfirst: bool = False) -> ShardResult:
    """Validate one input file (:func:`read_shard_frame`) and keep the texts to embed.

    Args:
        path: A CSV or Parquet file of statements.
        dayfirst: Read ambiguous numeric dates day-first.

    Returns:
        A ``ShardResult`` with the file's name, embedding texts, problems and unreadable flag.
    """
    from stance_explorer.encoders.text import embedding_texts

    frame, problems, unreadable = read_shard_frame(path, dayfirst)
    return ShardResult(Path(path).name, embedding_texts(frame), problems, unreadable)


class _Embedder:
    """A Ray Data actor: one model per worker; each batch becomes one store shard."""

    def __init__(
        self, encoder_factory: Callable[[], Encoder], store_root: str, model_id: str, encode_batch: int
    ) -> None:
        one_thread_per_cpu()
        self.encoder = encoder_factory()
        if self.encoder.model_id != model_id:
            raise ValueError(f"worker encoder {self.encoder.model_id!r} is not {model_id!r}")
        self.store_root, self.model_id, self.encode_batch = store_root, model_id, encode_batch

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        texts = [str(t) for t in batch["text"]]
        vectors = self.encoder.encode(texts, batch_size=self.encode_batch)
        write_shard(self.store_root, self.model_id, text_keys(texts), vectors, prefix=CACHE_PREFIX)
        return {"n": np.array([len(texts)])}


def todo_texts(results: Sequence[ShardResult], store: EmbeddingStore) -> tuple[list[str], int, int]:
    """(texts the store lacks, one of each, longest first; statements in all; statements cached).

    Args:
        results: The read shards.
        store: The store to check against.

    Returns:
        (the texts to embed, the statements in all, the statements already cached).
    """
    texts = [t for r in results for t in r.texts]
    if not texts:
        return [], 0, 0
    keys = text_keys(texts)
    part, _ = store.locate(keys)
    missing = np.flatnonzero(part < 0)
    _, first = np.unique(keys[missing], return_index=True)
    todo = [texts[i] for i in missing[np.sort(first)]]
    todo.sort(key=len, reverse=True)  # long with long: less padding in every batch
    return todo, len(texts), len(texts) - len(missing)


def embed_on_ray(
    files: Sequence[Path],
    *,
    store_root: Path,
    model_id: str,
    encoder_factory: Callable[[], Encoder],
    workers: int = 2,
    batch_size: int = 512,
    encode_batch: int = 64,
    address: str | None = None,
    dayfirst: bool = False,
    actor_options: dict | None = None,
) -> RayReport:
    """Validate ``files`` and embed what the store at ``store_root`` lacks, on Ray; see the module doc.

    Args:
        files: The input files (CSV or Parquet).
        store_root: The embedding store's folder; workers write shards there.
        model_id: The store id; each worker's encoder must have it.
        encoder_factory: Makes one encoder per worker.
        workers: Embedding actors (and CPUs for a local Ray).
        batch_size: Texts per Ray batch (one store shard each).
        encode_batch: Texts per encoder call.
        address: A Ray cluster to join; None starts a local one.
        dayfirst: Read ambiguous numeric dates day-first.
        actor_options: Extra ``map_batches`` options (e.g. ``num_gpus``).

    Returns:
        A ``RayReport``: files, statements, cached, new, shards, problems and unreadable files.

    Raises:
        RuntimeError: The workers embedded a different number of texts than were sent.
    """
    import ray
    import ray.data

    started_here = not ray.is_initialized()
    if started_here:
        kwargs = {"address": address} if address else {"num_cpus": max(workers, 1)}
        ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False, **kwargs)
    try:
        reader = ray.remote(read_shard)
        results: list[ShardResult] = ray.get([reader.remote(str(f), dayfirst) for f in files])
        problems = [p for r in results for p in r.problems]
        store = EmbeddingStore(store_root, model_id, read_only=True)  # read-only: no compaction under the workers
        todo, total, cached = todo_texts(results, store)
        shards = 0
        if todo:
            ds = ray.data.from_items(
                [{"text": t} for t in todo], override_num_blocks=max(1, min(len(todo) // batch_size, 4 * workers))
            )
            out = ds.map_batches(
                _Embedder,
                fn_constructor_kwargs={
                    "encoder_factory": encoder_factory,
                    "store_root": str(store_root),
                    "model_id": model_id,
                    "encode_batch": encode_batch,
                },
                batch_size=batch_size,
                concurrency=workers,
                num_cpus=1,  # and one math thread each (runtime.one_thread_per_cpu)
                **(actor_options or {}),
            )
            counts = [int(row["n"]) for row in out.iter_rows()]
            shards = len(counts)
            if sum(counts) != len(todo):
                raise RuntimeError(f"workers embedded {sum(counts)} of {len(todo)} texts")
        return RayReport(
            files=len(results),
            statements=total,
            cached=cached,
            new=len(todo),
            shards=shards,
            problems=problems,
            unreadable=sum(r.unreadable for r in results),
        )
    finally:
        if started_here:
            ray.shutdown()
