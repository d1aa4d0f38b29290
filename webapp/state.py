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
from stance_explorer.encoder import EncoderUnavailable, SentenceTransformerEncoder, default_model_id
from stance_explorer.reader import ReadResult
from stance_explorer.store import EmbeddingStore
from webapp import hosting
from webapp import params as P

#: Point the app at another CSV / store (benchmarks use this for synthetic corpora).
DATA_ENV = "STANCE_EXPLORER_DATA"
STORE_ENV = "STANCE_EXPLORER_STORE"


@st.cache_resource(show_spinner=False)
def bundled_store() -> EmbeddingStore:
    """The committed embedding store, opened read-only once per process (memory-mapped)."""
    return EmbeddingStore(os.environ.get(STORE_ENV, STORE_DIR), default_model_id(), read_only=True)


@st.cache_resource(show_spinner="Loading the statements…")
def bundled_dataset() -> Dataset:
    """The bundled statements and their committed vectors, once per process, without torch."""
    ds = load_dataset(os.environ.get(DATA_ENV, BUNDLED_CSV), store=bundled_store())
    ds.vectors.setflags(write=False)  # shared by every session: nobody may change it
    return ds


@st.cache_resource(show_spinner="Loading the embedding model (first use only)…")
def get_encoder() -> SentenceTransformerEncoder:
    """The model, loaded on first need (a search, a phrase, an upload) and shared by every session."""
    encoder = SentenceTransformerEncoder()
    encoder.load()
    return encoder


def encoder_or_message() -> tuple[SentenceTransformerEncoder | None, str | None]:
    try:
        return get_encoder(), None
    except EncoderUnavailable as exc:
        return None, f"This needs the embedding model, which is not available here: {exc}"


@st.cache_data(max_entries=512, show_spinner=False)
def _encode_query_cached(text: str, model_id: str) -> np.ndarray:
    return get_encoder().encode([text])[0]


def encode_phrase(phrase: str) -> tuple[np.ndarray | None, str | None]:
    """A phrase's vector (glossed like the statements), or a message saying why there is none."""
    text = query_embedding_text(phrase)
    if (vec := hosting.encode_query(text, default_model_id())) is not None:  # hosted: int8 copy, no torch
        return vec, None
    _, msg = encoder_or_message()
    if msg:
        return None, msg
    return _encode_query_cached(text, default_model_id()), None


# ---------------------------------------------------------------------------- uploads (per session)
@dataclass
class Upload:
    """One uploaded file in this session: what the reader made of it, and its vectors once added."""

    name: str
    digest: str
    result: ReadResult
    raw: bytes
    vectors: np.ndarray | None = None
    column_map: dict[str, str] = field(default_factory=dict)

    @property
    def added(self) -> bool:
        return self.vectors is not None


def uploads() -> dict[str, Upload]:
    return st.session_state.setdefault("uploads", {})


def session_store() -> EmbeddingStore:
    """This session's vectors for uploaded text: memory only, never written to disk or shared."""
    if "session_store" not in st.session_state:
        st.session_state["session_store"] = EmbeddingStore(None, default_model_id())
    return st.session_state["session_store"]


def embed_upload(upload: Upload, progress) -> int:
    """Embed an upload's rows, encoding only texts neither the bundled store nor this session has."""
    frame = upload.result.frame
    texts = embedding_texts(frame)
    vecs, found = bundled_store().get(texts)
    need = np.nonzero(~found)[0]
    new = 0
    if len(need):
        encoder, msg = encoder_or_message()
        if msg:
            raise EncoderUnavailable(msg)
        sub, report = session_store().get_or_encode([texts[i] for i in need], encoder, progress=progress)
        vecs[need] = sub
        new = report.new
    upload.vectors = vecs
    st.session_state.pop("_merged", None)
    return new


# ---------------------------------------------------------------------------- the current dataset
def added_uploads() -> list[Upload]:
    return [u for u in uploads().values() if u.added]


def dataset_for(mode: str) -> Dataset:
    """The dataset a mode names; merged datasets are cached in the session until uploads change."""
    base = bundled_dataset()
    ups = added_uploads()
    if mode == P.DATASET_BUNDLED or not ups:
        return base
    key = (mode, tuple((u.name, u.digest) for u in ups))
    cached = st.session_state.get("_merged")
    if cached and cached[0] == key:
        return cached[1]
    parts = ([(base.frame, base.vectors)] if mode == P.DATASET_MERGED else []) + [(u.result.frame, u.vectors) for u in ups]
    frame = pd.concat([p[0] for p in parts], ignore_index=True, sort=False)
    for col in frame.columns:
        if frame[col].dtype == object or str(frame[col].dtype).startswith("str"):
            frame[col] = frame[col].fillna("")
    vectors = np.concatenate([p[1] for p in parts]).astype(np.float32, copy=False)
    keep = ~frame.duplicated(subset=[S.SPEAKER, S.DATE, S.TEXT], keep="first").to_numpy()
    frame, vectors = frame[keep].reset_index(drop=True), vectors[keep]
    ds = Dataset(frame, vectors, np.ones(len(frame), dtype=bool), base.model_id)
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
