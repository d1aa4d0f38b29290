"""Readings kept beside the embedding store, so nothing is read twice.

A reading is keyed by (reader name and version, the claim's wording, sha256 of the statement's
text) and stored as a short vector in an :class:`~stance_explorer.store.EmbeddingStore` of its
own (``<store root>/readings/``): the same atomic shards, the same "never pickled" files, and the
same choice between a store on disk (the CLI, a local app) and one in memory (a hosted session).

Each stored row is ``(p_none, p_against, p_favor, start, end)``: the probabilities, and where in
the statement the words that decided it start and end (-1 when the reader gave none), so the
evidence shown is always the statement's own words. Only statements a reader actually read are
kept: a time-out or a malformed answer is asked again next time.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from stance_explorer.stance.axes import Axis
from stance_explorer.stance.readers.base import Reader, ReaderOutput, ReadProgress
from stance_explorer.store import EmbeddingStore, text_keys

#: The readings' folder under a store root.
READINGS_DIR = "readings"
_WIDTH = 5


def cache_id(reader: Reader) -> str:
    """The store id of a reader's readings: its name and version.

    Args:
        reader: the reader.

    Returns:
        "reader:<name>:<version>".
    """
    return f"reader:{reader.name}:{reader.version}"


def reading_keys(claim: Axis, texts: Sequence[str]) -> np.ndarray:
    """The cache key of each (claim, statement) pair: sha256 of the claim's wording and the text.

    Args:
        claim: the claim.
        texts: the statements' texts.

    Returns:
        (n,) |S32 digests.
    """
    head = "\x1f".join((claim.target, claim.favor, claim.against, ""))
    return text_keys([head + t for t in texts])


class ReadingCache:
    """One reader's readings, on disk under ``root/readings`` or in memory (``root`` None).

    Args:
        reader: whose readings these are (its name and version pick the folder).
        root: the embedding store's root, or None for memory only.
        read_only: never write to disk (a hosted app): new readings stay in memory.
        shared: another cache of the same reader looked in first and never written (the app's
            process-wide readings of the bundled statements, under a session's own cache).
    """

    def __init__(
        self,
        reader: Reader,
        root: str | Path | None = None,
        *,
        read_only: bool = False,
        shared: ReadingCache | None = None,
    ) -> None:
        self.reader_id = cache_id(reader)
        folder = Path(root) / READINGS_DIR if root is not None else None
        self.store = EmbeddingStore(folder, self.reader_id, read_only=read_only, mmap=False)
        self.shared = shared if shared is not None and shared.reader_id == self.reader_id else None

    def get(self, claim: Axis, texts: Sequence[str]) -> tuple[ReaderOutput, np.ndarray]:
        """The cached readings of the texts and which were found.

        Args:
            claim: the claim.
            texts: the statements' texts.

        Returns:
            (a ReaderOutput with the found rows filled, the found mask).
        """
        keys = reading_keys(claim, texts)
        vecs, found = self._lookup(keys)
        out = ReaderOutput.empty(len(texts))
        if found.any():
            out.probs[found] = vecs[found, :3]
            out.read[found] = True
            for i in np.flatnonzero(found & (vecs[:, 3] >= 0)):
                out.evidence[i] = texts[i][int(vecs[i, 3]) : int(vecs[i, 4])]
        return out, found

    def _lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows of width 5, found) for the keys: this cache first, then the shared one."""
        part, row = self.store.locate(keys)
        found = part >= 0
        vecs = np.zeros((len(keys), _WIDTH), np.float32)
        if found.any():
            vecs[found] = self.store.gather(part[found], row[found])
        if self.shared is not None and not found.all():
            more, hit = self.shared._lookup(keys)
            take = hit & ~found
            vecs[take] = more[take]
            found = found | hit
        return vecs, found

    def put(self, claim: Axis, texts: Sequence[str], got: ReaderOutput) -> None:
        """Keep the readings of the statements the reader read.

        Args:
            claim: the claim.
            texts: the statements' texts, aligned with ``got``.
            got: the reader's output.
        """
        idx = np.flatnonzero(got.read)
        if not len(idx):
            return
        rows = np.full((len(idx), _WIDTH), -1.0, dtype=np.float32)
        rows[:, :3] = got.probs[idx]
        for j, i in enumerate(idx):
            ev = got.evidence[i]
            start = texts[i].find(ev) if ev else -1
            if start >= 0:
                rows[j, 3:] = (start, start + len(ev))
        self.store.add(reading_keys(claim, [texts[i] for i in idx]), rows)


def read_through(
    reader: Reader,
    claim: Axis,
    texts: Sequence[str],
    cache: ReadingCache | None,
    *,
    progress: ReadProgress | None = None,
) -> tuple[ReaderOutput, int]:
    """Readings for every text: cached ones first, only the rest read (each distinct text once).

    Args:
        reader: the reader.
        claim: the claim.
        texts: the statements' texts.
        cache: the reader's cache, or None to read everything.
        progress: called as ``progress(done, total)`` over the statements read now.

    Returns:
        (the readings aligned with ``texts``, how many distinct texts were read now).
    """
    if cache is None or not reader.cacheable:
        return reader.read(claim, list(texts), progress=progress), len(set(texts))
    out, found = cache.get(claim, texts)
    todo = np.flatnonzero(~found)
    if not len(todo):
        return out, 0
    uniq: dict[str, int] = {}
    for i in todo:
        uniq.setdefault(texts[i], len(uniq))
    distinct = list(uniq)
    got = reader.read(claim, distinct, progress=progress)
    cache.put(claim, distinct, got)
    for i in todo:
        j = uniq[texts[i]]
        out.probs[i] = got.probs[j]
        out.read[i] = got.read[j]
        out.notes[i] = got.notes[j]
        out.evidence[i] = got.evidence[j]
    return out, len(distinct)
