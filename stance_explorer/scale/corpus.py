"""A corpus larger than memory: statements in Parquet, vector sums per speaker x topic x month.

    python -m stance_explorer corpus FILE... --out DIR [--model M] [--store DIR]

The app holds every row of an ordinary dataset in pandas and every vector in memory. Past a few
million statements it opens a corpus folder instead (``STANCE_EXPLORER_CORPUS=DIR``), built once:

* ``rows/part-*.parquet``: the statements as the reader validated them, plus ``month`` (months
  since 1970-01) and ``row`` (position in the corpus). Row-level views read only the rows they show,
  through DuckDB (optional, ``requirements-scale.txt``).
* ``groups.parquet``: one row per (speaker, topic, month) with its number of statements and how
  many of them have a vector; ``sums.npy``: float32, the sum of those unit vectors, one row per group.
  The sums stay on disk: a figure reads only the groups it selects, in runs of adjacent rows
  (``SumsFile``), so the server's memory does not grow with the corpus.
* ``speaker_topics.parquet`` and ``speaker_topic_sums.npy``: the same per (speaker, topic) over all
  time, which the figures read when no date filter is set; ``topic_months.parquet`` and
  ``topic_sums.npy``: per (topic, month) over every speaker, for "everyone else on a topic".
* ``corpus.json``: written last; without it the folder is not a corpus.

Counts per speaker, topic or year, the mean similarity of two speakers' statements (exact: for unit
vectors the mean over all pairs is the dot product of the sums over the counts), each speaker's
closeness to the rest on a topic and the drift between periods all come from the sums, with the
same functions the in-memory pages use (:mod:`stance_explorer.analysis`). Dates filter by month.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from stance_explorer import schema as S
from stance_explorer.analysis.groups import group_sums, topic_closeness
from stance_explorer.analysis.pairs import pair_means, pairs_over_windows
from stance_explorer.analysis.periods import window_labels, window_shifts
from stance_explorer.analysis.tables import FULL_QUOTE_WORDS
from stance_explorer.runtime import SCALE_INSTALL_HINT, importable

log = logging.getLogger(__name__)

FORMAT = 1
MARKER = "corpus.json"
ROWS = "rows"
GROUPS = "groups.parquet"
SUMS = "sums.npy"
TOPIC_MONTHS = "topic_months.parquet"
TOPIC_SUMS = "topic_sums.npy"
SPEAKER_TOPICS = "speaker_topics.parquet"
SPEAKER_TOPIC_SUMS = "speaker_topic_sums.npy"
PROBLEMS = "problems.csv"

#: Columns kept per statement (those the reader produces), plus the corpus's own two.
ROW_COLUMNS = [
    S.ID,
    S.SPEAKER,
    S.ROLE,
    S.COUNTRY,
    S.DATE,
    S.TOPIC,
    S.TEXT,
    S.LANGUAGE,
    S.QUOTE_TYPE,
    S.SOURCE_TITLE,
    S.SOURCE_URL,
    S.CONTEXT,
]
MONTH = "month"
ROW = "row"

#: DuckDB's share of the server: the row-level views scan, they never hold the corpus.
DUCKDB_MEMORY = "512MB"

# Group keys pack (speaker, topic, month) into one int64: 14 bits of month (offset so that 1287
# onwards fits), 16 of topic, the rest speaker.
_MONTH_BITS, _TOPIC_BITS, _MONTH_OFFSET = 14, 16, 8192


class CorpusError(Exception):
    """A folder that is not a usable corpus, said in one sentence."""


def months_of(dates: pd.Series | np.ndarray) -> np.ndarray:
    """Months since 1970-01 (the encoding :func:`analysis.window_labels` uses).

    Args:
        dates: Dates, as a Series or an array.

    Returns:
        An int64 array of month numbers.
    """
    return np.asarray(dates, dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64)


def month_label(month: int) -> str:
    """A month number written as ``YYYY-MM``.

    Args:
        month: Months since 1970-01.

    Returns:
        The label, e.g. "2026-01".
    """
    return str(np.datetime64(int(month), "M"))


def _atomic_save(path: Path, array: np.ndarray) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(tmp, "wb") as fh:
        np.save(fh, array, allow_pickle=False)
    os.replace(tmp, path)


# ---------------------------------------------------------------------------- building
@dataclass
class BuildReport:
    statements: int = 0
    embedded: int = 0
    groups: int = 0
    files: int = 0
    problems: list[S.Problem] = field(default_factory=list)


class CorpusWriter:
    """Adds statements chunk by chunk; ``close()`` writes the aggregates and then the marker.

    It builds in a hidden folder beside ``out`` and swaps it in at the end, so a build that is
    killed leaves any earlier corpus in ``out`` whole. Memory: one chunk of rows, plus one float32
    row per group (the sums), whatever the number of statements.
    """

    def __init__(self, out: str | Path, model_id: str, dim: int, *, sources: Sequence[str] = ()) -> None:
        self.out = Path(out)
        self.model_id, self.dim = model_id, int(dim)
        self.sources = list(sources)
        self.tmp = self.out.parent / f".{self.out.name}.building-{uuid.uuid4().hex[:8]}"
        (self.tmp / ROWS).mkdir(parents=True)
        self._speakers: dict[str, int] = {}
        self._topics: dict[str, int] = {}
        self._group_of: dict[int, int] = {}
        self._keys = np.zeros(0, dtype=np.int64)
        self._count = np.zeros(0, dtype=np.int64)
        self._embedded = np.zeros(0, dtype=np.int64)
        self._sums = np.zeros((0, self.dim), dtype=np.float32)
        self._n_groups = 0
        self.report = BuildReport()
        self._part = 0

    def _codes(self, values: Iterable[str], table: dict[str, int]) -> np.ndarray:
        uniq, inv = np.unique(np.asarray(list(values), dtype=object).astype(str), return_inverse=True)
        ids = np.array([table.setdefault(u, len(table)) for u in uniq], dtype=np.int64)
        return ids[inv] if len(ids) else np.zeros(0, dtype=np.int64)

    def _grow(self, need: int) -> None:
        if need <= len(self._keys):
            return
        cap = max(need, 2 * len(self._keys), 1024)
        for name in ("_keys", "_count", "_embedded"):
            old = getattr(self, name)
            new = np.zeros(cap, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)
        sums = np.zeros((cap, self.dim), dtype=np.float32)
        sums[: len(self._sums)] = self._sums
        self._sums = sums

    def add(self, frame: pd.DataFrame, vectors: np.ndarray, has_vector: np.ndarray | None = None) -> None:
        """One chunk of validated statements (the reader's frame) and their unit vectors, row-aligned.

        Args:
            frame: The statements, as the reader gives them.
            vectors: One unit vector per row, shape (len(frame), dim).
            has_vector: Which rows have a real vector; None for all.

        Raises:
            ValueError: The vectors' shape is wrong, or there are too many topics or dates out of range.
        """
        n = len(frame)
        if n == 0:
            return
        if vectors.shape != (n, self.dim):
            raise ValueError(f"expected vectors of shape ({n}, {self.dim}), got {vectors.shape}")
        has = np.ones(n, dtype=bool) if has_vector is None else np.asarray(has_vector, dtype=bool)
        months = months_of(frame[S.DATE])
        spk = self._codes(frame[S.SPEAKER], self._speakers)
        top = self._codes(frame[S.TOPIC], self._topics)
        shifted = months + _MONTH_OFFSET
        if len(self._topics) >= 1 << _TOPIC_BITS or shifted.min() < 0 or shifted.max() >= 1 << _MONTH_BITS:
            raise ValueError("too many topics, or dates outside 1287–2652")
        keys = (spk << (_TOPIC_BITS + _MONTH_BITS)) | (top << _MONTH_BITS) | shifted
        uniq, inv = np.unique(keys, return_inverse=True)
        gids = np.empty(len(uniq), dtype=np.int64)
        for i, k in enumerate(uniq.tolist()):
            g = self._group_of.get(k)
            if g is None:
                g = self._group_of[k] = self._n_groups
                self._n_groups += 1
            gids[i] = g
        self._grow(self._n_groups)
        self._keys[gids] = uniq
        np.add.at(self._count, gids, np.bincount(inv, minlength=len(uniq)))
        np.add.at(self._embedded, gids, np.bincount(inv[has], minlength=len(uniq)))
        chunk_sums = group_sums(inv[has], len(uniq), np.asarray(vectors)[has])
        self._sums[gids] += chunk_sums.astype(np.float32)
        self._write_rows(frame, months)
        self.report.statements += n
        self.report.embedded += int(has.sum())

    def _write_rows(self, frame: pd.DataFrame, months: np.ndarray) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        cols = {
            c: frame[c].astype(str).to_numpy() if c in frame else np.full(len(frame), "", dtype=object)
            for c in ROW_COLUMNS
            if c != S.DATE
        }
        table = pa.table(
            {
                **{c: pa.array(cols[c], type=pa.string()) for c in ROW_COLUMNS if c != S.DATE},
                S.DATE: pa.array(frame[S.DATE].to_numpy().astype("datetime64[ms]")),
                MONTH: pa.array(months.astype(np.int32)),
                ROW: pa.array(np.arange(self.report.statements, self.report.statements + len(frame), dtype=np.int64)),
            }
        )
        tmp = self.tmp / ROWS / f".part-{self._part:05d}.tmp"
        pq.write_table(table, tmp, compression="zstd", row_group_size=128_000)
        os.replace(tmp, self.tmp / ROWS / f"part-{self._part:05d}.parquet")
        self._part += 1

    def close(self, problems: Sequence[S.Problem] = ()) -> BuildReport:
        """Write the group tables, sums and metadata, then swap the finished folder in.

        Args:
            problems: The problems the reader found, saved with the corpus.

        Returns:
            The build report.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        n = self._n_groups
        keys = self._keys[:n]
        spk = keys >> (_TOPIC_BITS + _MONTH_BITS)
        top = (keys >> _MONTH_BITS) & ((1 << _TOPIC_BITS) - 1)
        month = (keys & ((1 << _MONTH_BITS) - 1)) - _MONTH_OFFSET
        speakers = np.array(sorted(self._speakers, key=self._speakers.get), dtype=object)
        topics = np.array(sorted(self._topics, key=self._topics.get), dtype=object)
        # Sorted by speaker name, topic, month: a speaker's groups sit together on disk.
        spk_rank = np.argsort(np.argsort(speakers)) if len(speakers) else spk
        top_rank = np.argsort(np.argsort(topics)) if len(topics) else top
        order = np.lexsort((month, top_rank[top], spk_rank[spk])) if n else np.zeros(0, dtype=np.int64)
        groups = pa.table(
            {
                S.SPEAKER: pa.array(speakers[spk[order]].astype(str), type=pa.string()),
                S.TOPIC: pa.array(topics[top[order]].astype(str), type=pa.string()),
                MONTH: pa.array(month[order].astype(np.int32)),
                "count": pa.array(self._count[:n][order]),
                "embedded": pa.array(self._embedded[:n][order]),
            }
        )
        pq.write_table(groups, self.tmp / GROUPS)
        _atomic_save(self.tmp / SUMS, np.ascontiguousarray(self._sums[:n][order]))
        self._write_topic_months(top, month, topics)
        self._write_speaker_topics(spk[order], top[order], order, speakers, topics)
        if problems:
            from stance_explorer.reader import problems_frame

            problems_frame(problems).to_csv(self.tmp / PROBLEMS, index=False)
        self.report.groups, self.report.problems = n, list(problems)
        meta = {
            "format": FORMAT,
            "model_id": self.model_id,
            "dim": self.dim,
            "statements": self.report.statements,
            "embedded": self.report.embedded,
            "groups": n,
            "speakers": len(speakers),
            "topics": len(topics),
            "parts": self._part,
            "problems": len(problems),
            "sources": self.sources,
        }
        self._swap_in(meta)
        return self.report

    def _write_topic_months(self, top: np.ndarray, month: np.ndarray, topics: np.ndarray) -> None:
        """Per (topic, month) over every speaker: counts with a vector, and vector sums."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        n = self._n_groups
        tm_key = top * (1 << _MONTH_BITS) + (month + _MONTH_OFFSET)
        tm_uniq, tm_inv = np.unique(tm_key, return_inverse=True)
        tm_sums = group_sums(tm_inv, len(tm_uniq), self._sums[:n]) if n else np.zeros((0, self.dim))
        tm_top = tm_uniq >> _MONTH_BITS
        pq.write_table(
            pa.table(
                {
                    S.TOPIC: pa.array(topics[tm_top].astype(str) if n else np.zeros(0, dtype=str), type=pa.string()),
                    MONTH: pa.array(((tm_uniq & ((1 << _MONTH_BITS) - 1)) - _MONTH_OFFSET).astype(np.int32)),
                    "embedded": pa.array(
                        np.bincount(tm_inv, weights=self._embedded[:n], minlength=len(tm_uniq)).astype(np.int64)
                    ),
                }
            ),
            self.tmp / TOPIC_MONTHS,
        )
        _atomic_save(self.tmp / TOPIC_SUMS, tm_sums.astype(np.float32))

    def _write_speaker_topics(
        self, spk: np.ndarray, top: np.ndarray, order: np.ndarray, speakers: np.ndarray, topics: np.ndarray
    ) -> None:
        """Per (speaker, topic) over all time: the figures with no date filter read these instead."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        n = self._n_groups
        st_key = spk * (1 << _TOPIC_BITS) + top
        st_uniq, st_inv = np.unique(st_key, return_inverse=True)
        sorted_sums = self._sums[:n][order]
        pq.write_table(
            pa.table(
                {
                    S.SPEAKER: pa.array(
                        speakers[st_uniq >> _TOPIC_BITS].astype(str) if n else np.zeros(0, dtype=str), type=pa.string()
                    ),
                    S.TOPIC: pa.array(
                        topics[st_uniq & ((1 << _TOPIC_BITS) - 1)].astype(str) if n else np.zeros(0, dtype=str),
                        type=pa.string(),
                    ),
                    "count": pa.array(
                        np.bincount(st_inv, weights=self._count[:n][order], minlength=len(st_uniq)).astype(np.int64)
                    ),
                    "embedded": pa.array(
                        np.bincount(st_inv, weights=self._embedded[:n][order], minlength=len(st_uniq)).astype(np.int64)
                    ),
                }
            ),
            self.tmp / SPEAKER_TOPICS,
        )
        _atomic_save(
            self.tmp / SPEAKER_TOPIC_SUMS,
            (group_sums(st_inv, len(st_uniq), sorted_sums) if n else np.zeros((0, self.dim))).astype(np.float32),
        )
        del sorted_sums

    def _swap_in(self, meta: dict) -> None:
        """Write the marker last, then swap the finished folder in for the old one (a killed build leaves the old whole)."""
        (self.tmp / MARKER).write_text(json.dumps(meta, indent=1), "utf-8")
        old = self.out.parent / f".{self.out.name}.old-{uuid.uuid4().hex[:8]}"
        if self.out.exists():
            os.replace(self.out, old)
        os.replace(self.tmp, self.out)
        shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        """Remove the unfinished folder; the old corpus, if any, is left as it was."""
        shutil.rmtree(self.tmp, ignore_errors=True)


def build_corpus(
    files: Sequence[str | Path],
    out: str | Path,
    *,
    store,
    dayfirst: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build a corpus from statement files (CSV or Parquet), each validated by the reader, with the
    vectors the store holds for them (``embed`` them first; a statement without one is counted but
    left out of the similarity figures).

    Args:
        files: The statement files.
        out: The corpus folder to build (replaced when the build finishes).
        store: The embedding store holding the statements' vectors.
        dayfirst: Read ambiguous numeric dates day-first.
        progress: Called with one line per file.

    Returns:
        The ``BuildReport``.

    Raises:
        CorpusError: The store holds no vector for its model.
    """
    from stance_explorer.dataset import vectors_from_store
    from stance_explorer.scale.distributed import read_shard_frame

    if store.dim is None:
        raise CorpusError(
            f"The embedding store holds no vector for model {store.model_id}: run `embed` on these files first."
        )
    writer = CorpusWriter(out, store.model_id, store.dim, sources=[Path(f).name for f in files])
    problems: list[S.Problem] = []
    try:
        for f in files:
            frame, probs, _ = read_shard_frame(str(f), dayfirst=dayfirst)
            problems += probs
            vectors, found = vectors_from_store(frame, store)
            writer.add(frame, vectors, found)
            writer.report.files += 1
            if progress:
                progress(
                    f"{Path(f).name}: {len(frame):,} statements, {int(found.sum()):,} with a vector, {len(probs)} problem(s)"
                )
        return writer.close(problems)
    except BaseException:
        writer.abort()
        raise


# ---------------------------------------------------------------------------- reading
class SumsFile:
    """A float32 ``.npy`` matrix read by rows on demand (``os.pread``), never mapped whole.

    Reading through a memory map would count every page a figure touched in the server's resident
    memory; reading runs of rows into a bounded buffer keeps that at one chunk.
    """

    CHUNK_ROWS = 16_384

    def __init__(self, path: Path) -> None:
        header = np.load(path, mmap_mode="r", allow_pickle=False)  # reads the header; maps, touches nothing
        shape, dtype, self.offset = header.shape, header.dtype, int(header.offset)
        fortran = header.ndim == 2 and not header.flags.c_contiguous
        del header
        if fortran or dtype != np.float32 or len(shape) != 2:
            raise ValueError(f"{path.name} is not a float32 matrix")
        self.path, self.shape = path, tuple(shape)
        self.row_bytes = 4 * shape[1]

    def sum_by(self, idx: np.ndarray, codes: np.ndarray, n: int) -> np.ndarray:
        """Sum of rows ``idx`` (ascending) per code (``codes[i]`` for row ``idx[i]``): an (n, dim) float64 matrix.

        Args:
            idx: The row numbers, ascending.
            codes: The code of each row, in ``[0, n)``.
            n: The number of codes.

        Returns:
            The (n, dim) float64 sums.

        Raises:
            CorpusError: The file is shorter than its header says.
        """
        out = np.zeros((n, self.shape[1]), dtype=np.float64)
        if not len(idx):
            return out
        fd = os.open(self.path, os.O_RDONLY)
        try:
            for lo in range(0, len(idx), self.CHUNK_ROWS):
                part = idx[lo : lo + self.CHUNK_ROWS]
                breaks = np.nonzero(np.diff(part) != 1)[0] + 1
                buf = np.empty((len(part), self.shape[1]), dtype=np.float32)
                at = 0
                for run in np.split(part, breaks):
                    nbytes = len(run) * self.row_bytes
                    data = os.pread(fd, nbytes, self.offset + int(run[0]) * self.row_bytes)
                    if len(data) != nbytes:
                        raise CorpusError(f"{self.path} is shorter than its header says; build the corpus again.")
                    buf[at : at + len(run)] = np.frombuffer(data, dtype=np.float32).reshape(len(run), -1)
                    at += len(run)
                out += group_sums(codes[lo : lo + self.CHUNK_ROWS], n, buf)
        finally:
            os.close(fd)
        return out


@dataclass
class Selection:
    """What the sidebar keeps: empty lists mean everyone / every topic; months are inclusive."""

    speakers: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    first_month: int | None = None
    last_month: int | None = None


@dataclass
class _Level:
    """One table of groups and its sums: codes into the corpus's speaker and topic lists."""

    speaker: np.ndarray
    topic: np.ndarray
    month: np.ndarray | None
    count: np.ndarray
    embedded: np.ndarray
    sums: SumsFile


class Corpus:
    """An opened corpus folder: the group tables in memory, the sums on disk, rows through DuckDB."""

    def __init__(self, root: str | Path) -> None:
        import pyarrow.parquet as pq

        self.root = Path(root)
        marker = self.root / MARKER
        if not marker.is_file():
            raise CorpusError(
                f"{self.root} is not a corpus folder: it has no {MARKER} (build one with `python -m stance_explorer corpus`)."
            )
        try:
            self.meta = json.loads(marker.read_text("utf-8"))
            if self.meta.get("format") != FORMAT:
                raise ValueError(f"format {self.meta.get('format')!r}, this version reads {FORMAT}")
            groups = pq.read_table(self.root / GROUPS)
            spk = groups.column(S.SPEAKER).combine_chunks().dictionary_encode()
            top = groups.column(S.TOPIC).combine_chunks().dictionary_encode()
            self.speakers = np.asarray(spk.dictionary.to_pylist(), dtype=object)
            self.topics = np.asarray(top.dictionary.to_pylist(), dtype=object)
            self._speaker_code = {s: i for i, s in enumerate(self.speakers)}
            self._topic_code = {t: i for i, t in enumerate(self.topics)}
            self.groups = _Level(
                spk.indices.to_numpy(zero_copy_only=False).astype(np.int32),
                top.indices.to_numpy(zero_copy_only=False).astype(np.int32),
                groups.column(MONTH).to_numpy().astype(np.int64),
                groups.column("count").to_numpy().astype(np.int64),
                groups.column("embedded").to_numpy().astype(np.int64),
                SumsFile(self.root / SUMS),
            )
            st = pq.read_table(self.root / SPEAKER_TOPICS)
            self.all_time = _Level(
                self._codes_of(st.column(S.SPEAKER).to_pylist(), self._speaker_code),
                self._codes_of(st.column(S.TOPIC).to_pylist(), self._topic_code),
                None,
                st.column("count").to_numpy().astype(np.int64),
                st.column("embedded").to_numpy().astype(np.int64),
                SumsFile(self.root / SPEAKER_TOPIC_SUMS),
            )
            tm = pq.read_table(self.root / TOPIC_MONTHS)
            self._tm_topic = self._codes_of(tm.column(S.TOPIC).to_pylist(), self._topic_code)
            self._tm_month = tm.column(MONTH).to_numpy().astype(np.int64)
            self._tm_sums = np.load(self.root / TOPIC_SUMS, allow_pickle=False)
        except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
            raise CorpusError(f"The corpus in {self.root} cannot be read ({exc}); build it again.") from exc
        dim = self.meta.get("dim")
        if self.groups.sums.shape != (len(self.groups.count), dim) or self.all_time.sums.shape != (
            len(self.all_time.count),
            dim,
        ):
            raise CorpusError(
                f"The corpus in {self.root} is damaged: its sums do not match its groups; build it again."
            )
        self.model_id: str = self.meta["model_id"]
        self.dim = int(dim)
        self._db = None
        self._closer = None
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the DuckDB connection, if one was opened; the sums and counts stay usable."""
        with self._lock:
            if self._closer is not None:
                self._closer()
            self._db = self._closer = None

    @staticmethod
    def _codes_of(names: list, table: dict) -> np.ndarray:
        return np.array([table[n] for n in names], dtype=np.int32)

    # ------------------------------------------------------------ basics
    @property
    def statements(self) -> int:
        """The number of statements in the corpus.

        Returns:
            The build's statement count.
        """
        return int(self.meta["statements"])

    @property
    def months(self) -> tuple[int, int]:
        """The first and last month with statements.

        Returns:
            (first, last) as months since 1970-01; (0, 0) for an empty corpus.
        """
        m = self.groups.month
        return (int(m.min()), int(m.max())) if len(m) else (0, 0)

    def speaker_names(self) -> list[str]:
        """The corpus's speakers.

        Returns:
            Their names, sorted.
        """
        return sorted(str(s) for s in self.speakers)

    def topic_names(self) -> list[str]:
        """The corpus's topics.

        Returns:
            Their names, sorted.
        """
        return sorted(str(t) for t in self.topics)

    @functools.cached_property
    def problems(self) -> pd.DataFrame:
        """The rows the build left out or warned about (file, line, column, severity, message); read once.

        Returns:
            The problems frame; empty when the build saved none.
        """
        path = self.root / PROBLEMS
        return pd.read_csv(path, dtype=str, keep_default_na=False) if path.is_file() else pd.DataFrame()

    def _all_time(self, sel: Selection) -> bool:
        lo, hi = self.months
        return (sel.first_month is None or sel.first_month <= lo) and (sel.last_month is None or sel.last_month >= hi)

    def _level(self, sel: Selection) -> _Level:
        """The all-time table when the selection spans every month, else the monthly one."""
        return self.all_time if self._all_time(sel) else self.groups

    def mask(
        self,
        sel: Selection,
        *,
        speakers: Sequence[str] | None = None,
        topics: Sequence[str] | None = None,
        level: _Level | None = None,
    ) -> np.ndarray:
        """Groups (of ``level``, the monthly table by default) the selection keeps; ``speakers`` /
        ``topics`` narrow it further, within the selection.

        Args:
            sel: The sidebar's selection.
            speakers: Only these speakers; None for all.
            topics: Only these topics; None for all.
            level: The group table; None for the monthly one.

        Returns:
            A boolean array, one entry per group of that table.
        """
        lv = level or self.groups
        m = np.ones(len(lv.count), dtype=bool)
        for names, table, col in (
            (sel.speakers or None, self._speaker_code, lv.speaker),
            (sel.topics or None, self._topic_code, lv.topic),
            (speakers, self._speaker_code, lv.speaker),
            (topics, self._topic_code, lv.topic),
        ):
            if names is not None:
                m &= np.isin(col, np.array([table[n] for n in names if n in table], dtype=np.int64))
        if lv.month is not None:
            if sel.first_month is not None:
                m &= lv.month >= sel.first_month
            if sel.last_month is not None:
                m &= lv.month <= sel.last_month
        return m

    def count(self, mask: np.ndarray) -> int:
        """The statements in the monthly groups a mask keeps.

        Args:
            mask: A mask over the monthly groups (:meth:`mask`).

        Returns:
            The number of statements.
        """
        return int(self.groups.count[mask].sum())

    def counts_by(self, mask: np.ndarray, by: str) -> pd.DataFrame:
        """Statements per speaker, topic or year over a monthly mask, most first (years: newest first, empty years shown).

        Args:
            mask: A mask over the monthly groups.
            by: "speaker", "topic" or "year".

        Returns:
            A frame of ``by`` and "statements".
        """
        g = self.groups
        c = g.count[mask]
        if by == "year":
            years = g.month[mask] // 12 + 1970
            if not len(years):
                return pd.DataFrame({"year": pd.Series(dtype=str), "statements": pd.Series(dtype=int)})
            lo, hi = int(years.min()), int(years.max())
            n = np.bincount(years - lo, weights=c, minlength=hi - lo + 1).astype(np.int64)
            return pd.DataFrame({"year": [str(y) for y in range(hi, lo - 1, -1)], "statements": n[::-1]})
        col, names = (g.speaker, self.speakers) if by == S.SPEAKER else (g.topic, self.topics)
        n = np.bincount(col[mask], weights=c, minlength=len(names)).astype(np.int64)
        keep = np.nonzero(n)[0]
        out = pd.DataFrame({by: names[keep].astype(str), "statements": n[keep]})
        return out.sort_values(["statements", by], ascending=[False, True], kind="stable").reset_index(drop=True)

    @staticmethod
    def _sums_by(level: _Level, mask: np.ndarray, codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(summed vectors, embedded counts) per code over the masked groups, reading only their sums."""
        idx = np.nonzero(mask)[0]
        return level.sums.sum_by(idx, codes[idx], n), np.bincount(
            codes[idx], weights=level.embedded[idx], minlength=n
        ).astype(np.int64)

    def _positions(self, names: Sequence[str], table: dict, size: int, missing: int) -> np.ndarray:
        """Code -> position of the name in ``names`` (``missing`` for the others)."""
        pos = np.full(size, missing, dtype=np.int64)
        for i, name in enumerate(names):
            if name in table:
                pos[table[name]] = i
        return pos

    # ------------------------------------------------------------ the pages' figures
    def pair_similarity_matrix(
        self, sel: Selection, speakers: list[str], *, topic: str | None = None
    ) -> tuple[pd.DataFrame, pd.Series]:
        """Speaker x speaker mean similarity of their statements taken two at a time (exact), and the
        number of embedded statements behind each speaker.

        Args:
            sel: The sidebar's selection.
            speakers: The speakers, in the order of the matrix.
            topic: Only this topic; None for all.

        Returns:
            (the speaker x speaker frame, the embedded statements per speaker).
        """
        lv = self._level(sel)
        mask = self.mask(sel, speakers=speakers, topics=None if topic is None else [topic], level=lv)
        pos = self._positions(speakers, self._speaker_code, len(self.speakers), len(speakers))
        sums, counts = self._sums_by(lv, mask, pos[lv.speaker], len(speakers) + 1)
        sums, counts = sums[:-1], counts[:-1]
        return pd.DataFrame(pair_means(sums, counts), index=speakers, columns=speakers), pd.Series(
            counts, index=speakers
        )

    def pairs_over_time(
        self, sel: Selection, speakers: list[str], *, topic: str | None = None, freq: str = "Y"
    ) -> pd.DataFrame:
        """Pair similarity of the speakers per period (:func:`analysis.pairs_over_windows`).

        Args:
            sel: The sidebar's selection.
            speakers: The speakers to pair.
            topic: Only this topic; None for all.
            freq: The period: "Y", "6M", "Q" or "M".

        Returns:
            The table :func:`analysis.pair_similarity_over_time` returns.
        """
        g = self.groups
        mask = self.mask(sel, speakers=speakers, topics=None if topic is None else [topic])
        idx = np.nonzero(mask)[0]
        if not len(idx):
            return pairs_over_windows(speakers, [], [], np.zeros((0, 1)), np.zeros(0))
        codes, labels, starts = window_labels(pd.Series(g.month[idx].astype("datetime64[M]")), freq)
        who = self._positions(speakers, self._speaker_code, len(self.speakers), 0)[g.speaker[idx]]
        group = np.zeros(len(g.count), dtype=np.int64)
        group[idx] = who * len(labels) + codes
        sums, counts = self._sums_by(g, mask, group, len(speakers) * len(labels))
        return pairs_over_windows(speakers, labels, starts, sums, counts)

    def topic_closeness(self, sel: Selection, speakers: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Each speaker's closeness to everyone else on each topic (:func:`analysis.speaker_topic_matrix`),
        for the given speakers; "everyone else" is every speaker the selection keeps.

        Args:
            sel: The sidebar's selection.
            speakers: The speakers (rows).

        Returns:
            (speaker x topic closeness, speaker x topic embedded counts), topics as columns.
        """
        lv = self._level(sel)
        topics = [t for t in self.topic_names() if not sel.topics or t in set(sel.topics)]
        n_s, n_t = len(speakers), len(topics)
        t_pos = self._positions(topics, self._topic_code, len(self.topics), -1)
        s_pos = self._positions(speakers, self._speaker_code, len(self.speakers), -1)
        on_topic = t_pos[lv.topic] >= 0
        mask = self.mask(sel, speakers=speakers, level=lv) & on_topic
        cell = np.where(mask, s_pos[lv.speaker] * n_t + t_pos[lv.topic], 0)
        sums, counts = self._sums_by(lv, mask, cell, n_s * n_t)
        sums, counts = sums.reshape(n_s, n_t, -1), counts.reshape(n_s, n_t)
        # Everyone on each topic: the per-(topic, month) sums, unless the sidebar narrows the speakers.
        if sel.speakers:
            everyone, _ = self._sums_by(lv, self.mask(sel, level=lv) & on_topic, np.maximum(t_pos[lv.topic], 0), n_t)
        else:
            tm = t_pos[self._tm_topic] >= 0
            if sel.first_month is not None:
                tm &= self._tm_month >= sel.first_month
            if sel.last_month is not None:
                tm &= self._tm_month <= sel.last_month
            idx = np.nonzero(tm)[0]
            everyone = (
                group_sums(t_pos[self._tm_topic[idx]], n_t, self._tm_sums[idx])
                if len(idx)
                else np.zeros((n_t, self.dim))
            )
        # topic_closeness takes "the rest" as the total minus each row: add everyone else as one more row.
        others = everyone - sums.sum(axis=0)
        stacked = np.concatenate([sums, others[None]], axis=0)
        stacked_counts = np.concatenate([counts, np.ones((1, n_t), dtype=np.int64)], axis=0)
        sim = topic_closeness(stacked, stacked_counts)[:n_s]
        return pd.DataFrame(sim, index=speakers, columns=topics), pd.DataFrame(counts, index=speakers, columns=topics)

    def drift(
        self, sel: Selection, speaker: str, *, topic: str | None = None, freq: str = "Y", flag: int = 2
    ) -> pd.DataFrame:
        """A speaker's shift between consecutive periods (:func:`analysis.window_shifts`).

        Args:
            sel: The sidebar's selection.
            speaker: The speaker.
            topic: Only this topic; None for all.
            freq: The period: "Y", "6M", "Q" or "M".
            flag: How many of the largest shifts are flagged.

        Returns:
            The table :func:`analysis.window_shifts` returns.
        """
        g = self.groups
        mask = self.mask(sel, speakers=[speaker], topics=None if topic is None else [topic]) & (g.embedded > 0)
        idx = np.nonzero(mask)[0]
        if not len(idx):
            return window_shifts([], [], np.zeros((0, 1)), np.zeros(0), flag=flag)
        codes, labels, starts = window_labels(pd.Series(g.month[idx].astype("datetime64[M]")), freq)
        group = np.zeros(len(g.count), dtype=np.int64)
        group[idx] = codes
        sums, counts = self._sums_by(g, mask, group, len(labels))
        return window_shifts(labels, starts, sums, counts, flag=flag)

    # ------------------------------------------------------------ rows, through DuckDB
    def _query(self, sql: str, params: list) -> pd.DataFrame:
        """Run one read-only query on the statements; DuckDB's errors come back as one sentence."""
        if not importable("duckdb"):
            raise CorpusError("Reading the corpus's statements needs DuckDB: " + SCALE_INSTALL_HINT)
        import duckdb

        try:
            with self._lock:
                if self._db is None:
                    # No temporary directory: a query that outgrows its memory fails instead of spilling
                    # to the server's disk (only the operator decides what is written there).
                    con = duckdb.connect(
                        config={
                            "threads": max(1, min(4, os.cpu_count() or 1)),
                            "memory_limit": DUCKDB_MEMORY,
                            "temp_directory": "",
                        }
                    )
                    files = sorted(str(p) for p in (self.root / ROWS).glob("part-*.parquet"))
                    quoted = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
                    con.execute(f"CREATE VIEW statements AS SELECT * FROM read_parquet([{quoted}])")
                    self._db = con
                    # Closed by close(), with this object, or at exit (DuckDB warns of a connection left open).
                    self._closer = weakref.finalize(self, con.close)
                cursor = self._db.cursor()  # one per query: a DuckDB connection is not shared between threads
            try:
                return cursor.execute(sql, params).df()
            finally:
                cursor.close()
        except duckdb.Error as exc:
            raise CorpusError(f"The corpus's statements could not be read: {str(exc).splitlines()[0]}") from exc

    def _where(self, sel: Selection, speakers, topics, contains, months) -> tuple[str, list]:
        """SQL conditions for the selection, narrowed by ``speakers`` / ``topics`` (as :meth:`mask`)."""
        clauses, params = [], []
        for col, names in ((S.SPEAKER, sel.speakers), (S.SPEAKER, speakers), (S.TOPIC, sel.topics), (S.TOPIC, topics)):
            if names:
                clauses.append(f"{col} IN ({', '.join('?' for _ in names)})")
                params += list(names)
        lo, hi = months if months else (sel.first_month, sel.last_month)
        if lo is not None:
            clauses.append(f"{MONTH} >= ?")
            params.append(int(lo))
        if hi is not None:
            clauses.append(f"{MONTH} <= ?")
            params.append(int(hi))
        if contains:
            clauses.append(f"contains(lower({S.TEXT}), ?)")
            params.append(contains.lower())
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def rows(
        self,
        sel: Selection,
        *,
        speakers: Sequence[str] | None = None,
        topics: Sequence[str] | None = None,
        months: tuple[int, int] | None = None,
        contains: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> pd.DataFrame:
        """The newest statements the selection (narrowed by the arguments) keeps; only these are read.

        Args:
            sel: The sidebar's selection.
            speakers: Only these speakers; None for all.
            topics: Only these topics; None for all.
            months: (first, last) months, in place of the selection's.
            contains: Only texts containing this (any case).
            limit: The most rows to return.
            offset: Rows to skip, newest first.

        Returns:
            The row columns, newest first, with dates as datetimes.

        Raises:
            CorpusError: DuckDB is missing or the query fails.
        """
        where, params = self._where(sel, speakers, topics, contains, months)
        cols = ", ".join(ROW_COLUMNS + [ROW])
        sql = f"SELECT {cols} FROM statements{where} ORDER BY {S.DATE} DESC, {ROW} LIMIT ? OFFSET ?"
        frame = self._query(sql, params + [int(limit), int(offset)])
        frame[S.DATE] = pd.to_datetime(frame[S.DATE])
        return frame

    def count_rows(self, sel: Selection, *, contains: str | None = None) -> int:
        """Statements the selection keeps whose text contains ``contains`` (the aggregates answer without it).

        Args:
            sel: The sidebar's selection.
            contains: Only texts containing this (any case); None or empty counts from the groups.

        Returns:
            The number of statements.

        Raises:
            CorpusError: DuckDB is missing or the query fails.
        """
        if not contains:
            return self.count(self.mask(sel))
        where, params = self._where(sel, None, None, contains, None)
        return int(self._query(f"SELECT count(*) AS n FROM statements{where}", params)["n"].iat[0])

    def window_examples(self, sel: Selection, speaker: str, *, topic: str | None, freq: str = "Y") -> pd.DataFrame:
        """The newest full quote (else the newest statement) of each period, for the drift table.

        Args:
            sel: The sidebar's selection.
            speaker: The speaker.
            topic: Only this topic; None for all.
            freq: The period: "Y", "6M", "Q" or "M".

        Returns:
            Text, date, month and "window" label, one row per period with a statement.

        Raises:
            CorpusError: DuckDB is missing or the query fails.
        """
        step = {"Y": 12, "6M": 6, "Q": 3, "M": 1}[freq]
        where, params = self._where(sel, [speaker], None if topic is None else [topic], None, None)
        sql = (
            f"SELECT {S.TEXT}, {S.DATE}, {MONTH} FROM (SELECT *, row_number() OVER (PARTITION BY floor({MONTH} / {step}) "
            f"ORDER BY ({S.QUOTE_TYPE} = '{S.QUOTE_PARTIAL}' OR len(string_split({S.TEXT}, ' ')) < {FULL_QUOTE_WORDS}), {S.DATE} DESC, {ROW}) AS rn "
            f"FROM statements{where}) WHERE rn = 1 ORDER BY {MONTH}"
        )
        frame = self._query(sql, params)
        if frame.empty:
            return frame.assign(window=pd.Series(dtype=str))
        _, labels, _ = window_labels(pd.Series(frame[MONTH].to_numpy().astype("datetime64[M]")), freq)
        frame["window"] = labels
        return frame
