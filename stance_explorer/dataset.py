"""The bundled dataset and the glue that pairs a statements frame with its vectors.

Loading the bundled data never imports torch: its vectors are read from the committed store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from stance_explorer import schema as S
from stance_explorer.encoders.base import Encoder, Progress, default_model_id
from stance_explorer.encoders.models import rules_for
from stance_explorer.encoders.text import embedding_texts
from stance_explorer.files import REPO_ROOT
from stance_explorer.package_data import data_path
from stance_explorer.reader import ReadResult, empty_frame, read_statements
from stance_explorer.store import BUNDLED_PREFIX, EmbeddingStore, EmbedReport

#: The bundled statements ship inside the package (stance_explorer/data/), so an installed wheel has them.
BUNDLED_CSV = data_path("statements.csv")
#: The committed vectors stay in the checkout's embeddings/ (the CLI's --store picks another folder).
STORE_DIR = REPO_ROOT / "embeddings"


@dataclass
class Dataset:
    """A statements frame with row-aligned vectors. ``has_vector`` is False for rows not embedded yet."""

    frame: pd.DataFrame
    vectors: np.ndarray
    has_vector: np.ndarray
    model_id: str
    problems: list[S.Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return int((~self.has_vector).sum())

    @classmethod
    def without_vectors(cls, frame: pd.DataFrame, model_id: str = "") -> Dataset:
        """Statements that have no vectors yet (every ``has_vector`` False).

        Args:
            frame: The statements table.
            model_id: The model whose vectors are still to come.

        Returns:
            A :class:`Dataset` with (n, 0) vectors.
        """
        n = len(frame)
        return cls(frame, np.zeros((n, 0), dtype=np.float32), np.zeros(n, dtype=bool), model_id)


def merge_datasets(parts: Sequence[Dataset]) -> Dataset:
    """Concatenate datasets, vectors carried along; the first of exact duplicates (speaker, date, text) is kept.

    Parts must share a model id and vector width (the first non-empty part's are used).
    Text columns' gaps (a column one part lacks) become "". Problems and warnings are concatenated.

    Args:
        parts: The datasets; None and empty parts are skipped.

    Returns:
        One :class:`Dataset` with a fresh 0..n-1 index; an empty one when every part is empty.
    """
    filled = [p for p in parts if p is not None and len(p.frame)]
    if not filled:
        model_id = parts[0].model_id if parts else ""
        return Dataset.without_vectors(empty_frame(), model_id)
    frame = pd.concat([p.frame for p in filled], ignore_index=True, sort=False)
    for col in frame.columns:
        if frame[col].dtype == object or str(frame[col].dtype).startswith("str"):
            frame[col] = frame[col].fillna("")
    vectors = np.concatenate([p.vectors for p in filled]).astype(np.float32, copy=False)
    has_vector = np.concatenate([p.has_vector for p in filled])
    keep = ~frame.duplicated(subset=[S.SPEAKER, S.DATE, S.TEXT], keep="first").to_numpy()
    return Dataset(
        frame[keep].reset_index(drop=True),
        vectors[keep],
        has_vector[keep],
        filled[0].model_id,
        [p for part in filled for p in part.problems],
        [w for part in filled for w in part.warnings],
    )


def vectors_from_store(frame: pd.DataFrame, store: EmbeddingStore) -> tuple[np.ndarray, np.ndarray]:
    """(vectors, found) for every row of the frame, from the store only (no encoding).

    Args:
        frame: The statements table.
        store: An open store for the model.

    Returns:
        (n, dim) float32 vectors (zero where missing; (n, 0) for an empty store) and the found mask.
    """
    vectors, found = store.get(embedding_texts(frame, rules_for(store.model_id)))
    if store.dim is None:
        vectors = np.zeros((len(frame), 0), dtype=np.float32)
    return vectors, found


def load_dataset(
    path: str | Path = BUNDLED_CSV,
    *,
    store_dir: str | Path | None = STORE_DIR,
    model_id: str | None = None,
    read_only: bool = True,
    result: ReadResult | None = None,
    store: EmbeddingStore | None = None,
) -> Dataset:
    """Read a statements CSV and attach whatever vectors the store already has.

    Pass ``store`` to reuse an open store (the app shares one per process); otherwise one is
    opened from ``store_dir`` for ``model_id``.

    Args:
        path: The statements CSV; the bundled data by default.
        store_dir: The store root folder; None keeps vectors in memory only.
        model_id: The encoder's id; None uses the default model.
        read_only: Open the store without writing to it.
        result: An already-read file, instead of reading ``path``.
        store: An open store, instead of opening one.

    Returns:
        A :class:`Dataset` with the file's problems and the store's warnings.
    """
    result = result or read_statements(path)
    store = store or EmbeddingStore(store_dir, model_id or default_model_id(), read_only=read_only)
    model_id = store.model_id
    vectors, found = vectors_from_store(result.frame, store)
    return Dataset(result.frame, vectors, found, model_id, list(result.problems), list(store.warnings))


def embed_frame(
    frame: pd.DataFrame,
    store: EmbeddingStore,
    encoder: Encoder,
    *,
    progress: Progress | None = None,
    batch_size: int = 64,
    bundle: bool = False,
) -> tuple[np.ndarray, EmbedReport]:
    """Vectors for every row, encoding only texts the store lacks. ``bundle`` marks shards for git.

    Args:
        frame: The statements table.
        store: The store, for the encoder's model.
        encoder: The encoder.
        progress: Called as ``progress(done, total)`` with counts of new texts.
        batch_size: The encoder's batch size.
        bundle: Name new shards with BUNDLED_PREFIX.

    Returns:
        (float32 vectors row-aligned with ``frame``, an :class:`EmbedReport`).
    """
    kw = {"prefix": BUNDLED_PREFIX} if bundle else {}
    texts = embedding_texts(frame, rules_for(store.model_id))
    return store.get_or_encode(texts, encoder, progress=progress, batch_size=batch_size, **kw)


def statement_ref(frame: pd.DataFrame, pos: int) -> str:
    """A name for row ``pos`` that a link can carry: its id, or ``#<row number>`` when that id is shared.

    Ids come from the files and need not be unique (an upload may reuse the bundled S001), and a
    link must never open a different statement from the one picked.

    Args:
        frame: The statements table.
        pos: A row position in ``frame``.

    Returns:
        The id, or ``#<pos + 1>``.
    """
    sid = str(frame[S.ID].iat[pos])
    return sid if sid and int((frame[S.ID] == sid).sum()) == 1 else f"#{pos + 1}"


def find_statement(frame: pd.DataFrame, ref: str) -> int | None:
    """The row a ``statement_ref`` names, or None when this frame has no such statement.

    Args:
        frame: The statements table.
        ref: An id or ``#<row number>``.

    Returns:
        The row position, or None.
    """
    hits = np.flatnonzero(frame[S.ID].to_numpy() == ref)
    if len(hits) == 1:
        return int(hits[0])
    if len(hits) == 0 and ref.startswith("#") and ref[1:].isdigit() and 1 <= int(ref[1:]) <= len(frame):
        return int(ref[1:]) - 1
    return None
