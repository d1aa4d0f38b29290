"""Shared and per-session state.

Shared across visitors (``st.cache_resource``, once per process): the bundled dataset and its
vectors (made read-only), and the model. Per session (``st.session_state``): the view the sidebar
made; uploads and their vectors live in ``webapp/uploads.py``, which no other visitor can reach.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import streamlit as st

from stance_explorer.dataset import BUNDLED_CSV, STORE_DIR, Dataset, load_dataset
from stance_explorer.encoders.base import Encoder, EncoderUnavailable
from stance_explorer.encoders.models import DEFAULT_MODEL_NAME, MODELS
from stance_explorer.encoders.models import get_encoder as make_encoder
from stance_explorer.store import EmbeddingStore
from stance_explorer.vectors import ChosenModel, VectorSource
from webapp import hosting
from webapp import params as P

#: Point the app at another CSV / store (benchmarks use this for synthetic corpora).
DATA_ENV = "STANCE_EXPLORER_DATA"
STORE_ENV = "STANCE_EXPLORER_STORE"


def current_model() -> str:
    """The model this session compares with (the sidebar's Model choice, ``?model=``): a name in
    ``stance_explorer.encoders.models.MODELS``. Every vector in ``current_view().dataset`` comes from it."""
    name = st.session_state.get(P.MODEL)
    return name if name in MODELS else DEFAULT_MODEL_NAME


_SESSION_STORE = "session_store"


def chosen_model(model: str | None = None) -> ChosenModel:
    """A model (default: this session's) as the library describes it: name, store id, text rules."""
    return ChosenModel.named(model or current_model())


@st.cache_resource(show_spinner=False)
def _bundled_store(model: str) -> EmbeddingStore:
    return EmbeddingStore(os.environ.get(STORE_ENV, STORE_DIR), ChosenModel.named(model).model_id, read_only=True)


def bundled_store(model: str = DEFAULT_MODEL_NAME) -> EmbeddingStore:
    """A model's committed embedding store, opened read-only once per process (memory-mapped)."""
    return _bundled_store(model)


@st.cache_resource(show_spinner="Loading the statements…")
def _bundled_dataset(model: str) -> Dataset:
    ds = load_dataset(os.environ.get(DATA_ENV, BUNDLED_CSV), store=bundled_store(model))
    ds.vectors.setflags(write=False)  # shared by every session: nobody may change it
    return ds


def bundled_dataset(model: str = DEFAULT_MODEL_NAME) -> Dataset:
    """The bundled statements and a model's committed vectors, once per process, without torch."""
    return _bundled_dataset(model)


@st.cache_resource(show_spinner="Loading the embedding model (first use only)…")
def _loaded_encoder(model: str) -> Encoder:
    encoder = make_encoder(model)
    encoder.load()
    return encoder


def get_encoder(model: str = DEFAULT_MODEL_NAME) -> Encoder:
    """A model, loaded on first need (a search, a phrase, an upload) and shared by every session.
    ``model`` is a name in ``stance_explorer.encoders.models.MODELS``; ``current_model()`` is this session's."""
    return _loaded_encoder(model)


get_encoder.clear = _loaded_encoder.clear  # type: ignore[attr-defined]


def encoder_or_message(model: str | None = None) -> tuple[Encoder | None, str | None]:
    """The encoder of ``model`` (default: this session's model), or a message saying why there is none."""
    try:
        return get_encoder(model or current_model()), None
    except EncoderUnavailable as exc:
        return None, f"This needs the embedding model, which is not available here: {exc}"


def _encoder_or_raise(model: str) -> Encoder:
    encoder, msg = encoder_or_message(model)
    if msg:
        raise EncoderUnavailable(msg)
    return encoder


def session_store(model: str | None = None) -> EmbeddingStore:
    """This session's vectors for uploaded text, one store per model: memory only, never written to disk or shared."""
    model = model or current_model()
    key = _SESSION_STORE if model == DEFAULT_MODEL_NAME else f"{_SESSION_STORE}_{model}"
    if key not in st.session_state:
        st.session_state[key] = EmbeddingStore(None, ChosenModel.named(model).model_id)
    return st.session_state[key]


def vector_source(model: str | None = None, *, sink: EmbeddingStore | None = None) -> VectorSource:
    """This session's chain for ``model``: the committed vectors, then the session's own, then the model.

    ``sink``: where new vectors go (default: the session's store for uploads).
    """
    model = model or current_model()
    mine = session_store(model)
    return VectorSource(
        model, [bundled_store(model), mine], sink=sink or mine, encoder=lambda: _encoder_or_raise(model)
    )


@st.cache_data(max_entries=512, show_spinner=False)
def _encode_query_cached(text: str, model: str) -> np.ndarray:
    return get_encoder(model).encode([text])[0]


def encode_phrase(phrase: str) -> tuple[np.ndarray | None, str | None]:
    """A phrase's vector from this session's model (with that model's text rules, like the
    statements), or a message saying why there is none. Anything compared with the view's vectors
    (a search, a tracker phrase, a stance axis) must be encoded through here."""
    model = current_model()
    chosen = chosen_model(model)
    text = chosen.query_text(phrase)
    if model == DEFAULT_MODEL_NAME and (vec := hosting.encode_query(text, chosen.model_id)) is not None:
        return vec, None  # hosted: MiniLM's int8 copy, no torch
    _, msg = encoder_or_message(model)
    if msg:
        return None, msg
    return _encode_query_cached(text, model), None


@dataclass
class View:
    """The dataset in use and the rows the sidebar filters keep. Pages read this, nothing else.

    Two frames, each with its row mapping into the dataset:
    * ``kept`` / ``kept_rows``: every statement the filters keep (``count`` of them);
    * ``frame`` / ``rows`` (with ``vectors``): those of them that have a vector, for similarity.
    ``dataset_rows`` translates positions in ``frame`` (an analysis result's ``row``) or a
    subset of ``kept`` to dataset rows, which is what a picked statement is named by.
    """

    dataset: Dataset
    mask: np.ndarray
    mode: str
    notice: str | None = None

    @cached_property
    def rows(self) -> np.ndarray:
        """Dataset positions of the rows of ``frame``."""
        return np.nonzero(self.mask & self.dataset.has_vector)[0]

    @cached_property
    def kept_rows(self) -> np.ndarray:
        """Dataset positions of the rows of ``kept``."""
        return np.nonzero(self.mask)[0]

    @cached_property
    def kept(self) -> pd.DataFrame:
        """Every statement the filters keep, vector or not, with the dataset's index."""
        return self.dataset.frame[self.mask]

    def dataset_rows(self, positions: np.ndarray | pd.Series | pd.DataFrame) -> np.ndarray:
        """Dataset rows of positions in ``frame`` (e.g. ``hits["row"]``), or of the rows of a subset of ``kept``."""
        if isinstance(positions, pd.DataFrame):
            return self.dataset.frame.index.get_indexer(positions.index)
        return self.rows[np.asarray(positions, dtype=np.intp)]

    @property
    def everything(self) -> bool:
        return len(self.rows) == len(self.dataset.frame)

    @cached_property
    def frame(self) -> pd.DataFrame:
        """Filtered statements (only rows that have vectors), positions aligned with ``vectors``."""
        if self.everything:  # no copy of 100k rows when nothing is filtered out
            return self.dataset.frame
        return self.dataset.frame.iloc[self.rows].reset_index(drop=True)

    @cached_property
    def vectors(self) -> np.ndarray:
        return self.dataset.vectors if self.everything else self.dataset.vectors[self.rows]

    @property
    def count(self) -> int:
        """How many statements the filters keep (``len(kept)``)."""
        return len(self.kept_rows)


def request_dataset(mode: str) -> None:
    """Switch the dataset radio on the next run (a rendered widget's value cannot change mid-run)."""
    st.session_state["_dataset_request"] = mode


def apply_dataset_request() -> None:
    if (mode := st.session_state.pop("_dataset_request", None)) is not None:
        st.session_state[P.DATASET] = mode


def set_view(view: View) -> None:
    st.session_state["_view"] = view


def current_view() -> View:
    return st.session_state["_view"]
