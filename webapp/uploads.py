"""This session's uploads: the one owner of upload state in ``st.session_state``.

What it keeps per session: each uploaded file as read (``Upload``), the files removed with their
Remove button, the session's own vectors, and the merged dataset built from them. Whatever
changes an upload calls ``invalidate()``, so the merged dataset is rebuilt on next use. Nothing
here is written to disk or shared with another visitor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from stance_explorer.dataset import Dataset, merge_datasets
from stance_explorer.embed_text import embedding_texts
from stance_explorer.encoder import EncoderUnavailable, default_model_id
from stance_explorer.reader import ReadResult, read_statements
from stance_explorer.store import EmbeddingStore
from webapp import hosting
from webapp import params as P
from webapp.state import bundled_dataset, bundled_store, encoder_or_message

#: The file uploader's widget key (the Data page's).
UPLOADER = "uploader"
_UPLOADS = "uploads"
_MERGED = "_merged"
_DISMISSED = "_dismissed"
_SEEN_IN_UPLOADER = "_uploader_names"
_SESSION_STORE = "session_store"
_ANNOUNCE = "_just_added"


@dataclass
class Upload:
    """One uploaded file in this session: what the reader made of it, and its vectors once added."""

    name: str
    digest: str
    result: ReadResult
    raw: bytes
    vectors: np.ndarray | None = None
    column_map: dict[str, str] = field(default_factory=dict)
    dayfirst: bool = False

    @property
    def added(self) -> bool:
        return self.vectors is not None


def uploads() -> dict[str, Upload]:
    """This session's uploads by file name."""
    return st.session_state.setdefault(_UPLOADS, {})


def added_uploads() -> list[Upload]:
    return [u for u in uploads().values() if u.added]


def invalidate() -> None:
    """Forget the merged dataset: the uploads changed, so it is rebuilt on next use."""
    st.session_state.pop(_MERGED, None)


def _dismissed() -> set[str]:
    """Files removed with their Remove button while still sitting in the uploader."""
    return st.session_state.setdefault(_DISMISSED, set())


# ---------------------------------------------------------------------------- what the page calls
def forget_removed_files() -> None:
    """The uploader's on_change: a file taken out of it (its ×) is taken out of the session's data too."""
    now = {f.name for f in st.session_state.get(UPLOADER) or []}
    for name in st.session_state.get(_SEEN_IN_UPLOADER, set()) - now:
        if uploads().pop(name, None) is not None:
            invalidate()
    _dismissed().intersection_update(now)


def sync(files: Iterable, *, dayfirst: bool) -> dict[str, Upload]:
    """Read every new or changed file in the uploader (or all of them when the day-first choice changed).

    The uploader forgets its files when the reader visits another page, so only a change seen on
    the Data page counts as a removal; uploads from an earlier visit stay until removed.
    """
    files = list(files or [])
    st.session_state[_SEEN_IN_UPLOADER] = {f.name for f in files}
    current = uploads()
    for f in files:
        if f.name in _dismissed():
            continue
        raw = f.getvalue()
        digest = hashlib.sha256(raw).hexdigest()[:16]
        entry = current.get(f.name)
        if entry is None or entry.digest != digest or entry.dayfirst != dayfirst:
            overrides = dict(entry.column_map) if entry else {}
            result = read_statements(raw, name=f.name, dayfirst=dayfirst, column_map=overrides or None, **hosting.upload_limits().reader_kwargs())
            current[f.name] = Upload(f.name, digest, result, raw, None, overrides, dayfirst)
            invalidate()
    return current


def remove(name: str) -> None:
    """Take one file out of the session's data (it stays out while it sits in the uploader)."""
    uploads().pop(name, None)
    _dismissed().add(name)
    invalidate()


def remap(upload: Upload, column_map: dict[str, str]) -> None:
    """Read a file again with the reader's own column mapping; its vectors must be made again."""
    upload.column_map = column_map
    upload.result = read_statements(
        upload.raw, name=upload.name, dayfirst=upload.dayfirst, column_map=column_map, **hosting.upload_limits().reader_kwargs()
    )
    upload.vectors = None
    invalidate()


def clear() -> None:
    """Remove every upload of this session."""
    uploads().clear()
    invalidate()


def session_store() -> EmbeddingStore:
    """This session's vectors for uploaded text: memory only, never written to disk or shared."""
    if _SESSION_STORE not in st.session_state:
        st.session_state[_SESSION_STORE] = EmbeddingStore(None, default_model_id())
    return st.session_state[_SESSION_STORE]


def embed_upload(upload: Upload, progress) -> int:
    """Embed an upload's rows, encoding only texts neither the bundled store nor this session has."""
    texts = embedding_texts(upload.result.frame)
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
    invalidate()
    return new


def announce(message: str) -> None:
    """A message for the next run (after st.rerun), shown once."""
    st.session_state[_ANNOUNCE] = message


def announcement() -> str | None:
    return st.session_state.pop(_ANNOUNCE, None)


# ---------------------------------------------------------------------------- the dataset in use
def dataset_for(mode: str) -> Dataset:
    """The dataset a mode names; merged datasets are cached in the session until uploads change."""
    base = bundled_dataset()
    ups = added_uploads()
    if mode == P.DATASET_BUNDLED or not ups:
        return base
    key = (mode, tuple((u.name, u.digest, u.dayfirst) for u in ups))
    cached = st.session_state.get(_MERGED)
    if cached and cached[0] == key:
        return cached[1]
    added = [Dataset(u.result.frame, u.vectors, np.ones(len(u.vectors), dtype=bool), base.model_id) for u in ups]
    ds = merge_datasets(([base] if mode == P.DATASET_MERGED else []) + added)
    st.session_state[_MERGED] = (key, ds)
    return ds
