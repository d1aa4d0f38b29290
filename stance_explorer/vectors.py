"""Vectors for texts: the chosen model and the ordered chain of stores it reads from.

One object answers "vectors for these texts" for the app, the CLI and the benchmarks alike::

    from stance_explorer.vectors import VectorSource
    src = VectorSource("minilm", [bundled_store, session_store], sink=session_store, encoder=get_encoder)
    got = src.vectors(texts)            # stored vectors first, only the rest is encoded (into ``sink``)
    got.vectors, got.found, got.new
    src.statement_texts(frame)          # what the model embeds for each statement (its text rules)

The source owns the model's name, its store id and its text rules, so nothing outside the library
turns a short name into an id or walks a list of stores. Only stores of the source's own model are
ever read: a vector from another model would make every cosine meaningless.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stance_explorer.encoders.base import Encoder, EncoderUnavailable, Progress
from stance_explorer.encoders.models import DEFAULT_MODEL_NAME, MODELS, name_for, rules_for
from stance_explorer.encoders.models import model_id as _model_id
from stance_explorer.encoders.text import TextRules, embedding_texts, query_embedding_text
from stance_explorer.store import EmbeddingStore


@dataclass(frozen=True)
class ChosenModel:
    """A model as the rest of the code needs it: what people call it, what the store calls it, how it reads text.

    Attributes:
        name: the short name (``minilm``, ``multilingual``) or a sentence-transformers path.
        model_id: the id the embedding store keys this model's vectors by.
        rules: the ``embed_text`` rules its vectors are made with.
        english_only: whether the model reads only English.
    """

    name: str
    model_id: str
    rules: TextRules
    english_only: bool

    @classmethod
    def named(cls, name: str | None = None) -> ChosenModel:
        """The model a short name (or a sentence-transformers path) names; None is the default model.

        Args:
            name: a key of ``stance_explorer.encoders.models.MODELS`` or a model path.

        Returns:
            The chosen model; no weights are loaded.
        """
        name = name or DEFAULT_MODEL_NAME
        mid = _model_id(name)
        spec = MODELS.get(name)
        return cls(name, mid, rules_for(mid), bool(spec and spec.english_only))

    @classmethod
    def of_vectors(cls, model_id: str) -> ChosenModel:
        """The model whose vectors carry ``model_id`` (any backend of MiniLM is ``minilm``).

        Args:
            model_id: a store id, e.g. ``Dataset.model_id``.

        Returns:
            The chosen model, keeping ``model_id`` exactly (an int8 or GPU copy keeps its suffix).
        """
        name = name_for(model_id) or model_id
        spec = MODELS.get(name)
        return cls(name, model_id, rules_for(model_id), bool(spec and spec.english_only))

    def query_text(self, phrase: str) -> str:
        """What the model embeds for a search phrase, a tracker phrase or an axis pole.

        Args:
            phrase: The phrase as typed.

        Returns:
            The text to embed, with this model's text rules applied.
        """
        return query_embedding_text(phrase, self.rules)

    def statement_texts(self, frame: pd.DataFrame) -> list[str]:
        """What the model embeds for each statement of a frame, in row order.

        Args:
            frame: A statements frame (text, and quote type and context when present).

        Returns:
            One text to embed per row.
        """
        return embedding_texts(frame, self.rules)


@dataclass
class Vectors:
    """The answer of :meth:`VectorSource.vectors`.

    Attributes:
        vectors: one row per text asked for (zeros where not found).
        found: which texts have a vector.
        new: how many distinct texts were encoded now.
    """

    vectors: np.ndarray
    found: np.ndarray
    new: int = 0


class VectorSource:
    """A model and the ordered stores its vectors are looked up in, with the encoder for the rest.

    Args:
        model: a ``ChosenModel``, or a short name / path for one.
        stores: stores to read, first match wins; stores of another model are skipped.
        sink: where newly encoded vectors go (an in-memory store for a session, or the CLI's store
            on disk). It is read too, after ``stores``. None: nothing can be encoded.
        encoder: the encoder, or a callable that returns it on first need (loading a model is slow);
            it may raise ``EncoderUnavailable``.
    """

    def __init__(
        self,
        model: ChosenModel | str | None,
        stores: Sequence[EmbeddingStore] = (),
        *,
        sink: EmbeddingStore | None = None,
        encoder: Encoder | Callable[[], Encoder] | None = None,
    ) -> None:
        self.model = model if isinstance(model, ChosenModel) else ChosenModel.named(model)
        chain = [s for s in stores if s is not None and s.model_id == self.model.model_id]
        if sink is not None and sink.model_id == self.model.model_id and all(s is not sink for s in chain):
            chain.append(sink)
        self.stores = chain
        self.sink = sink if sink is not None and sink.model_id == self.model.model_id else None
        self._encoder = encoder

    @property
    def model_id(self) -> str:
        """The store id of this source's model.

        Returns:
            ``self.model.model_id``.
        """
        return self.model.model_id

    def statement_texts(self, frame: pd.DataFrame) -> list[str]:
        """What the model embeds for each statement (see :meth:`ChosenModel.statement_texts`).

        Args:
            frame: A statements frame.

        Returns:
            One text to embed per row.
        """
        return self.model.statement_texts(frame)

    def encoder(self) -> Encoder:
        """The encoder, loaded on first need.

        Returns:
            The encoder (called first when a factory was given).

        Raises:
            EncoderUnavailable: when there is none here, or it is another model's.
        """
        enc = self._encoder() if callable(self._encoder) and not isinstance(self._encoder, Encoder) else self._encoder
        if enc is None:
            raise EncoderUnavailable(f"The model {self.model.name} is not available here to encode new text.")
        if enc.model_id != self.model_id:
            raise EncoderUnavailable(
                f"This must be read by the model of these statements ({self.model_id}), not {enc.model_id}."
            )
        return enc

    def lookup(self, texts: Sequence[str], dim: int | None = None) -> Vectors:
        """Vectors from the stores only, first store first; nothing is encoded.

        Args:
            texts: the texts, already in the model's form (see ``statement_texts``/``query_text``).
            dim: the vector size when no store knows it yet (an empty store has no dimension).

        Returns:
            ``Vectors`` with ``new == 0``.
        """
        dim = next((s.dim for s in self.stores if s.dim), dim) or 0
        vecs = np.zeros((len(texts), dim), dtype=np.float32)
        found = np.zeros(len(texts), dtype=bool)
        for store in self.stores:
            if found.all():
                break
            if store.dim != dim:
                continue
            more, hit = store.get(texts)
            fresh = hit & ~found
            vecs[fresh] = more[fresh]
            found |= hit
        return Vectors(vecs, found)

    def vectors(self, texts: Sequence[str], *, progress: Progress | None = None, encode: bool = True) -> Vectors:
        """Vectors for every text: stored ones first, the rest encoded once and kept in the sink.

        Args:
            texts: the texts, already in the model's form.
            progress: called as ``progress(done, total)`` while encoding.
            encode: False to only look up (``found`` then says what is missing).

        Returns:
            ``Vectors``; with ``encode`` every text is found.

        Raises:
            EncoderUnavailable: when some text must be encoded and no model is here.
        """
        got = self.lookup(texts)
        if got.found.all() or not encode:
            return got
        if self.sink is None:
            raise EncoderUnavailable(f"The model {self.model.name} has nowhere to keep new vectors here.")
        need = np.flatnonzero(~got.found)
        sub, report = self.sink.get_or_encode([texts[i] for i in need], self.encoder(), progress=progress)
        vecs = got.vectors
        if vecs.shape[1] != sub.shape[1]:  # nothing was stored before: the size comes from the model
            vecs = np.zeros((len(texts), sub.shape[1]), dtype=np.float32)
            vecs[got.found] = self.lookup([t for t, f in zip(texts, got.found) if f]).vectors
        vecs[need] = sub
        return Vectors(vecs, np.ones(len(texts), dtype=bool), report.new)

    def statement_vectors(
        self, frame: pd.DataFrame, *, progress: Progress | None = None, encode: bool = True
    ) -> Vectors:
        """Vectors for every statement of a frame (the embed-and-add path of uploads, articles and the CLI).

        Args:
            frame: A statements frame.
            progress: called as ``progress(done, total)`` while encoding.
            encode: False to only look up.

        Returns:
            ``Vectors``, one row per statement (see :meth:`vectors`).
        """
        return self.vectors(self.statement_texts(frame), progress=progress, encode=encode)
