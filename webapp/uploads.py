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
from stance_explorer.encoders.base import EncoderUnavailable
from stance_explorer.encoders.models import DEFAULT_MODEL_NAME
from stance_explorer.reader import ReadResult, read_statements
from webapp import hosting
from webapp import params as P
from webapp.state import bundled_dataset, current_model, vector_source

#: The file uploader's widget key (the Data page's).
UPLOADER = "uploader"
_UPLOADS = "uploads"
_MERGED = "_merged"
_DISMISSED = "_dismissed"
_SEEN_IN_UPLOADER = "_uploader_names"
_ANNOUNCE = "_just_added"


@dataclass
class Upload:
    """One uploaded file in this session: what the reader made of it, and its vectors once added."""

    name: str
    digest: str
    result: ReadResult
    raw: bytes
    vectors: np.ndarray | None = None  # set when added: vectors of the model it was added with
    column_map: dict[str, str] = field(default_factory=dict)
    dayfirst: bool = False
    model: str = DEFAULT_MODEL_NAME  # the model ``vectors`` come from
    other_vectors: dict[str, np.ndarray] = field(default_factory=dict)  # other models', made when one is chosen

    @property
    def added(self) -> bool:
        return self.vectors is not None

    def vectors_for(self, model: str) -> np.ndarray | None:
        """This upload's vectors from ``model``, or None (not added, or not embedded with it yet)."""
        if self.vectors is None:
            return None
        return self.vectors if model == self.model else self.other_vectors.get(model)


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
            result = read_statements(
                raw,
                name=f.name,
                dayfirst=dayfirst,
                column_map=overrides or None,
                **hosting.upload_limits().reader_kwargs(),
            )
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
        upload.raw,
        name=upload.name,
        dayfirst=upload.dayfirst,
        column_map=column_map,
        **hosting.upload_limits().reader_kwargs(),
    )
    upload.vectors = None
    invalidate()


def clear() -> None:
    """Remove every upload of this session."""
    uploads().clear()
    invalidate()


def embed_upload(upload: Upload, progress, model: str | None = None) -> int:
    """Embed an upload's rows with this session's model only, encoding only texts neither that
    model's bundled store nor this session has. Another model's vectors are made when it is chosen."""
    model = model or current_model()
    got = vector_source(model).statement_vectors(upload.result.frame, progress=progress)
    if upload.vectors is None or model == upload.model:
        upload.vectors, upload.model, upload.other_vectors = got.vectors, model, {}
    else:
        upload.other_vectors[model] = got.vectors
    invalidate()
    return got.new


def add_with_progress(uploads_to_embed: Iterable[Upload], where=st, *, model: str | None = None) -> int | None:
    """The one embed-and-add path (Data page, article import, the sidebar's "embed them"):
    a progress bar in ``where`` while new text is encoded, an error there if the model is missing.

    Returns how many statements were newly embedded, or None when the model was not available.
    """
    bar = where.progress(0.0, text="Embedding new statements…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=f"Embedding new statements: {done}/{total}")

    new = 0
    try:
        for up in uploads_to_embed:
            new += embed_upload(up, progress, model)
    except EncoderUnavailable as exc:
        bar.empty()
        where.error(str(exc))
        return None
    bar.empty()
    return new


def add_new(upload: Upload, where=st) -> int | None:
    """Add a file made in the app (an imported article) to this session's data and embed it;
    if the model is missing it is taken out again. Returns what ``add_with_progress`` returns."""
    uploads()[upload.name] = upload
    invalidate()
    new = add_with_progress([upload], where)
    if new is None:
        uploads().pop(upload.name, None)
        invalidate()
    return new


def uploads_missing_vectors(model: str | None = None) -> list[Upload]:
    """Added uploads with no vectors from ``model`` yet (they were added while another model was chosen)."""
    model = model or current_model()
    return [u for u in added_uploads() if u.vectors_for(model) is None]


def announce(message: str) -> None:
    """A message for the next run (after st.rerun), shown once."""
    st.session_state[_ANNOUNCE] = message


def announcement() -> str | None:
    return st.session_state.pop(_ANNOUNCE, None)


# ---------------------------------------------------------------------------- the dataset in use
def dataset_for(mode: str) -> Dataset:
    """The dataset a mode names; merged datasets are cached in the session until uploads change."""
    model = current_model()
    base = bundled_dataset(model)
    ups = added_uploads()
    if mode == P.DATASET_BUNDLED or not ups:
        return base
    key = (mode, model, tuple((u.name, u.digest, u.dayfirst, u.vectors_for(model) is not None) for u in ups))
    cached = st.session_state.get(_MERGED)
    if cached and cached[0] == key:
        return cached[1]
    dim = base.vectors.shape[1]
    added = []
    for u in ups:  # an upload added while another model was chosen has no vectors from this one yet
        v, n = u.vectors_for(model), len(u.result.frame)
        has = np.ones(n, dtype=bool) if v is not None else np.zeros(n, dtype=bool)
        added.append(
            Dataset(u.result.frame, v if v is not None else np.zeros((n, dim), np.float32), has, base.model_id)
        )
    ds = merge_datasets(([base] if mode == P.DATASET_MERGED else []) + added)
    st.session_state[_MERGED] = (key, ds)
    return ds
