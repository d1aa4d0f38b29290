"""Shared and per-session state.

Shared across visitors (``st.cache_resource``, once per process): the bundled dataset and its
vectors (made read-only), and the model. Per session (``st.session_state``): uploads and their
vectors, which no other visitor can reach.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import streamlit as st

from stance_explorer import schema as S
from stance_explorer.dataset import BUNDLED_CSV, STORE_DIR, Dataset, load_dataset
from stance_explorer.embed_text import embedding_texts, query_embedding_text
from stance_explorer.encoder import Encoder, EncoderUnavailable
from stance_explorer.models import DEFAULT_MODEL_NAME, MODELS, rules_for
from stance_explorer.models import get_encoder as make_encoder
from stance_explorer.models import model_id as id_of_model
from stance_explorer.reader import ReadResult
from stance_explorer.store import EmbeddingStore
from webapp import params as P

#: Point the app at another CSV / store (benchmarks use this for synthetic corpora).
DATA_ENV = "STANCE_EXPLORER_DATA"
STORE_ENV = "STANCE_EXPLORER_STORE"


def current_model() -> str:
    """The model this session compares with (the sidebar's Model choice, ``?model=``): a name in
    ``stance_explorer.models.MODELS``. Every vector in ``current_view().dataset`` comes from it."""
    name = st.session_state.get(P.MODEL)
    return name if name in MODELS else DEFAULT_MODEL_NAME


@st.cache_resource(show_spinner=False)
def _bundled_store(model: str) -> EmbeddingStore:
    return EmbeddingStore(os.environ.get(STORE_ENV, STORE_DIR), id_of_model(model), read_only=True)


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
    ``model`` is a name in ``stance_explorer.models.MODELS``; ``current_model()`` is this session's."""
    return _loaded_encoder(model)


get_encoder.clear = _loaded_encoder.clear  # type: ignore[attr-defined]


def encoder_or_message(model: str | None = None) -> tuple[Encoder | None, str | None]:
    """The encoder of ``model`` (default: this session's model), or a message saying why there is none."""
    try:
        return get_encoder(model or current_model()), None
    except EncoderUnavailable as exc:
        return None, f"This needs the embedding model, which is not available here: {exc}"


@st.cache_data(max_entries=512, show_spinner=False)
def _encode_query_cached(text: str, model: str) -> np.ndarray:
    return get_encoder(model).encode([text])[0]


def encode_phrase(phrase: str) -> tuple[np.ndarray | None, str | None]:
    """A phrase's vector from this session's model (with that model's text rules, like the
    statements), or a message saying why there is none. Anything compared with the view's vectors
    (a search, a tracker phrase, a stance axis) must be encoded through here."""
    model = current_model()
    _, msg = encoder_or_message(model)
    if msg:
        return None, msg
    return _encode_query_cached(query_embedding_text(phrase, rules_for(id_of_model(model))), model), None


# ---------------------------------------------------------------------------- uploads (per session)
@dataclass
class Upload:
    """One uploaded file in this session: what the reader made of it, and its vectors once added."""

    name: str
    digest: str
    result: ReadResult
    raw: bytes
    vectors: np.ndarray | None = None  # set when added: vectors of the model it was added with
    column_map: dict[str, str] = field(default_factory=dict)
    model: str = DEFAULT_MODEL_NAME  # the model ``vectors`` come from
    other_vectors: dict[str, np.ndarray] = field(default_factory=dict)  # other models', made on demand

    @property
    def added(self) -> bool:
        return self.vectors is not None

    def vectors_for(self, model: str) -> np.ndarray | None:
        if self.vectors is None:
            return None
        return self.vectors if model == self.model else self.other_vectors.get(model)


def uploads() -> dict[str, Upload]:
    return st.session_state.setdefault("uploads", {})


def session_store(model: str | None = None) -> EmbeddingStore:
    """This session's vectors for uploaded text, one per model: memory only, never written to disk or shared."""
    model = model or current_model()
    key = "session_store" if model == DEFAULT_MODEL_NAME else f"session_store_{model}"
    if key not in st.session_state:
        st.session_state[key] = EmbeddingStore(None, id_of_model(model))
    return st.session_state[key]


def embed_upload(upload: Upload, progress, model: str | None = None) -> int:
    """Embed an upload's rows with this session's model only, encoding only texts neither that
    model's bundled store nor this session has. Other models' vectors are made when one is chosen."""
    model = model or current_model()
    frame = upload.result.frame
    texts = embedding_texts(frame, rules_for(id_of_model(model)))
    vecs, found = bundled_store(model).get(texts)
    need = np.nonzero(~found)[0]
    new = 0
    if len(need):
        encoder, msg = encoder_or_message(model)
        if msg:
            raise EncoderUnavailable(msg)
        sub, report = session_store(model).get_or_encode([texts[i] for i in need], encoder, progress=progress)
        vecs[need] = sub
        new = report.new
    if upload.vectors is None or model == upload.model:
        upload.vectors, upload.model, upload.other_vectors = vecs, model, {}
    else:
        upload.other_vectors[model] = vecs
    st.session_state.pop("_merged", None)
    return new


def uploads_missing_vectors(model: str | None = None) -> list[Upload]:
    """Added uploads that have no vectors from ``model`` yet (they were added with another model)."""
    model = model or current_model()
    return [u for u in added_uploads() if u.vectors_for(model) is None]


# ---------------------------------------------------------------------------- the current dataset
def added_uploads() -> list[Upload]:
    return [u for u in uploads().values() if u.added]


def dataset_for(mode: str) -> Dataset:
    """The dataset a mode names; merged datasets are cached in the session until uploads change."""
    model = current_model()
    base = bundled_dataset(model)
    ups = added_uploads()
    if mode == P.DATASET_BUNDLED or not ups:
        return base
    key = (mode, model, tuple((u.name, u.digest, u.vectors_for(model) is not None) for u in ups))
    cached = st.session_state.get("_merged")
    if cached and cached[0] == key:
        return cached[1]
    dim = base.vectors.shape[1]
    parts = [(base.frame, base.vectors, base.has_vector)] if mode == P.DATASET_MERGED else []
    for u in ups:  # an upload added with another model has no vectors from this one until asked
        v = u.vectors_for(model)
        n = len(u.result.frame)
        parts.append((u.result.frame, v, np.ones(n, bool)) if v is not None else (u.result.frame, np.zeros((n, dim), np.float32), np.zeros(n, bool)))
    frame = pd.concat([p[0] for p in parts], ignore_index=True, sort=False)
    for col in frame.columns:
        if frame[col].dtype == object or str(frame[col].dtype).startswith("str"):
            frame[col] = frame[col].fillna("")
    vectors = np.concatenate([p[1] for p in parts]).astype(np.float32, copy=False)
    has = np.concatenate([p[2] for p in parts])
    keep = ~frame.duplicated(subset=[S.SPEAKER, S.DATE, S.TEXT], keep="first").to_numpy()
    frame, vectors = frame[keep].reset_index(drop=True), vectors[keep]
    ds = Dataset(frame, vectors, has[keep], base.model_id)
    st.session_state["_merged"] = (key, ds)
    return ds


@dataclass
class View:
    """The dataset in use and the rows the sidebar filters keep. Pages read this, nothing else."""

    dataset: Dataset
    mask: np.ndarray
    mode: str
    notice: str | None = None

    @cached_property
    def rows(self) -> np.ndarray:
        return np.nonzero(self.mask & self.dataset.has_vector)[0]

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
        return int(self.mask.sum())


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
