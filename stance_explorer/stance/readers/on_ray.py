"""Reading a claim over many statements on Ray Data, into the same readings cache the app reads.

    python -m stance_explorer stance FILE... --target T --reader nli --reader-model M --engine ray [--workers N]

The pattern of ``embed --engine ray`` (:mod:`stance_explorer.scale.distributed`; this module sits
with the readers because the library's layers keep ``scale`` and ``stance`` apart):

1. The driver works out which (claim, statement) pairs the reader's cache lacks (the cache's own
   sha256 keys), one of each text, longest first, so a run that was killed resumes with only
   what is missing.
2. Ray Data streams those texts through an actor pool: each actor builds the reader once (the
   model loads once per worker) and writes every batch it reads as one shard of the readings
   store (``<store>/readings/``, the :class:`~stance_explorer.stance.readers.ReadingCache`'s
   folder), written to temporary names and renamed; parallel workers never collide.
3. Only statements the reader read are written: a refusal, a time-out or a language the reader
   does not read is asked again next time, as in the app.

Afterwards the CLI's (or the app's) ``read_claim`` finds every reading cached. Only readers whose
readings are cached run here (``nli``, ``llm``, ``builtin``); the axis reader reads 100k statements in
a second on one machine, and the csv reader's readings are the file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stance_explorer.stance.axes import Axis
from stance_explorer.stance.readers.base import Reader, ReaderUnavailable
from stance_explorer.stance.readers.cache import READINGS_DIR, ReadingCache, cache_id, reading_keys, reading_rows
from stance_explorer.store import CACHE_PREFIX, write_shard


@dataclass
class ReadReport:
    """What a Ray reading did: statements asked for, found cached, read now, left unread (and why)."""

    statements: int
    cached: int
    new: int
    read: int
    shards: int
    notes: dict[str, int] = field(default_factory=dict)

    @property
    def not_read(self) -> int:
        return self.new - self.read


class _ReaderActor:
    """A Ray Data actor: one reader per worker; each batch becomes one readings shard."""

    def __init__(self, reader_factory: Callable[[], Reader], claim: Axis, store_root: str, reader_id: str) -> None:
        from stance_explorer.runtime import one_thread_per_cpu

        one_thread_per_cpu()
        self.reader = reader_factory()
        if cache_id(self.reader) != reader_id:
            raise ValueError(f"worker reader {cache_id(self.reader)!r} is not {reader_id!r}")
        self.claim, self.folder, self.reader_id = claim, str(Path(store_root) / READINGS_DIR), reader_id

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        texts = [str(t) for t in batch["text"]]
        got = self.reader.read(self.claim, texts)
        keys, rows = reading_rows(self.claim, texts, got)
        if len(keys):
            write_shard(self.folder, self.reader_id, keys, rows, prefix=CACHE_PREFIX)
        notes = [n for n, r in zip(got.notes, got.read) if n and not r]
        return {
            "n": np.array([len(texts)]),
            "read": np.array([int(got.read.sum())]),
            "notes": np.array(["\x1e".join(notes)]),
        }


def todo_texts(reader: Reader, claim: Axis, texts: Sequence[str], store_root: Path) -> tuple[list[str], int]:
    """(the distinct texts whose reading the cache lacks, longest first; how many statements were cached).

    Args:
        reader: the reader (its name and version pick the cache).
        claim: the claim.
        texts: every statement's text (as ``stance.reading.reader_texts`` gives it).
        store_root: the embedding store's root; readings live under ``readings/``.

    Returns:
        (texts to read, statements already cached).
    """
    if not texts:
        return [], 0
    cache = ReadingCache(reader, store_root, read_only=True)
    part, _ = cache.store.locate(reading_keys(claim, texts))
    missing = np.flatnonzero(part < 0)
    seen: set[str] = set()
    todo = [t for t in (texts[i] for i in missing) if not (t in seen or seen.add(t))]
    todo.sort(key=len, reverse=True)  # long with long: less padding in every batch
    return todo, len(texts) - len(missing)


def read_on_ray(
    texts: Sequence[str],
    claim: Axis,
    *,
    store_root: Path,
    reader_factory: Callable[[], Reader],
    workers: int = 2,
    batch_size: int = 256,
    address: str | None = None,
    actor_options: dict | None = None,
) -> ReadReport:
    """Read every statement the cache lacks on Ray, writing the readings cache; see the module doc.

    Args:
        texts: the statements' texts, as readers read them (``stance.reading.reader_texts``).
        claim: the claim.
        store_root: the embedding store's root (readings go to ``readings/`` under it).
        reader_factory: makes the reader, in the driver and once per worker (must pickle).
        workers: reading actors (and CPUs for a local Ray).
        batch_size: statements per Ray batch (one readings shard each).
        address: a Ray cluster to join; None starts a local one.
        actor_options: extra ``map_batches`` options (e.g. ``num_gpus``).

    Returns:
        A :class:`ReadReport`.

    Raises:
        ReaderUnavailable: the reader keeps no cache (axis, csv) or cannot be built here.
        RuntimeError: the workers read a different number of statements than were sent.
    """
    reader = reader_factory()
    if not reader.cacheable:
        raise ReaderUnavailable(f"The {reader.name} reader keeps no readings cache; read it without --engine ray.")
    todo, cached = todo_texts(reader, claim, list(texts), store_root)
    report = ReadReport(statements=len(texts), cached=cached, new=len(todo), read=0, shards=0)
    if not todo:
        return report
    import ray
    import ray.data

    started_here = not ray.is_initialized()
    if started_here:
        kwargs = {"address": address} if address else {"num_cpus": max(workers, 1)}
        ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False, **kwargs)
    try:
        blocks = max(1, min(len(todo) // batch_size, 4 * workers))
        ds = ray.data.from_items([{"text": t} for t in todo], override_num_blocks=blocks)
        out = ds.map_batches(
            _ReaderActor,
            fn_constructor_kwargs={
                "reader_factory": reader_factory,
                "claim": claim,
                "store_root": str(store_root),
                "reader_id": cache_id(reader),
            },
            batch_size=batch_size,
            concurrency=workers,
            num_cpus=1,
            **(actor_options or {}),
        )
        sent = 0
        for row in out.iter_rows():
            sent += int(row["n"])
            report.read += int(row["read"])
            report.shards += int(row["read"]) > 0
            for note in filter(None, str(row["notes"]).split("\x1e")):
                report.notes[note] = report.notes.get(note, 0) + 1
        if sent != len(todo):
            raise RuntimeError(f"workers read {sent} of {len(todo)} statements")
        return report
    finally:
        if started_here:
            ray.shutdown()
