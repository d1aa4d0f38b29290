"""Streamlit glue for stance: preset axes, axis vectors, this session's labels, cached readings.

Labels live in ``st.session_state`` (one visitor's labels are never seen by another) and are
keyed by the axis, so switching the axis switches the labels. Readings are cached per session on
(dataset, axis, labels): a rerun that changes none of them does no scoring at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import streamlit as st

from stance_explorer import stance as T
from stance_explorer import stance_methods as M
from stance_explorer.dataset import Dataset
from stance_explorer.models import rules_for
from stance_explorer.store import EmbeddingStore
from webapp.state import bundled_dataset, bundled_store, current_model, encoder_or_message
from webapp.uploads import session_store

_LABELS = "_stance_labels"  # {axis key: LabelSet}
_VECS = "_stance_axis_vectors"  # {(model id, axis key): vectors}
_CACHE = "_stance_cache"  # {"hashes": (frame, hashes), "readings": {key: (frame, Reading)}, "cv": (key, accuracy)}


@st.cache_resource(show_spinner=False)
def presets() -> list[T.Preset]:
    return T.load_presets()


@st.cache_resource(show_spinner=False)
def shipped_labels(path: str) -> T.LabelSet:
    """A preset's hand labels (read once per process; copied before a session changes them)."""
    return T.read_labels(path).labels


def labels_for(axis: T.Axis) -> T.LabelSet:
    """This session's labels for an axis; a preset axis starts from its shipped hand labels."""
    store = st.session_state.setdefault(_LABELS, {})
    if axis.key not in store:
        preset = T.preset_for(axis, presets())
        store[axis.key] = shipped_labels(str(preset.labels_path)).copy() if preset and preset.labels_path else T.LabelSet()
    return store[axis.key]


def replace_labels(axis: T.Axis, labels: T.LabelSet) -> None:
    st.session_state.setdefault(_LABELS, {})[axis.key] = labels


def _axis_store(model_id: str) -> EmbeddingStore:
    """This session's in-memory vectors of axis texts for one model (never written, never shared)."""
    stores = st.session_state.setdefault("_stance_axis_stores", {})
    if model_id not in stores:
        stores[model_id] = EmbeddingStore(None, model_id)
    return stores[model_id]


def axis_vectors(axis: T.Axis, dataset: Dataset, *, allow_model: bool = True) -> tuple[dict[str, np.ndarray] | None, str | None]:
    """The axis texts' vectors for the dataset's model: committed or cached first, the model only if needed.

    Only stores and encoders of the dataset's own model are used, so an axis is always read by the
    model that read the statements. Returns (vectors, None), or (None, message) when the model is
    needed and not available (or ``allow_model`` is False and the vectors are not stored).
    """
    cache = st.session_state.setdefault(_VECS, {})
    key = (dataset.model_id, axis.key)
    if key in cache:
        return cache[key], None
    model = current_model()
    stores = [s for s in (bundled_store(model), session_store(model)) if s.model_id == dataset.model_id]
    mine = _axis_store(dataset.model_id)
    stores.append(mine)
    dim = dataset.vectors.shape[1] if dataset.vectors.ndim == 2 else 0

    def lookup(texts: list[str]):
        vecs = np.zeros((len(texts), dim), dtype=np.float32)
        found = np.zeros(len(texts), dtype=bool)
        for store in stores:
            if store.dim != dim or found.all():
                continue
            more, hit = store.get(texts)
            new = hit & ~found
            vecs[new] = more[new]
            found |= hit
        return vecs, found

    encode = None
    if allow_model:
        def encode(texts: list[str]) -> np.ndarray:
            encoder, msg = encoder_or_message(model)
            if msg:
                raise RuntimeError(msg)
            if encoder.model_id != dataset.model_id:
                raise RuntimeError(f"This axis must be read by the model of these statements ({dataset.model_id}), which is not loaded here.")
            vecs, _ = mine.get_or_encode(texts, encoder)
            return vecs

    try:
        with st.spinner("Reading the axis with the model…"):
            vecs = T.axis_vectors(axis, lookup, encode, rules=rules_for(dataset.model_id))
    except RuntimeError as exc:
        return None, str(exc)
    if vecs is None:
        return None, "This axis has not been read by the model yet."
    cache[key] = vecs
    return vecs, None


@st.cache_resource(show_spinner=False)
def _bundled_hashes(model: str) -> np.ndarray:
    hashes = T.frame_hashes(bundled_dataset(model).frame)
    hashes.setflags(write=False)
    return hashes


@st.cache_resource(show_spinner=False)
def _bundled_index(model: str) -> dict[str, list[int]]:
    return T.row_index(_bundled_hashes(model))


def dataset_index(dataset: Dataset) -> dict[str, list[int]]:
    """sha256 -> rows of the dataset, so mapping labels to rows costs as many lookups as there are labels."""
    if dataset is bundled_dataset(current_model()):
        return _bundled_index(current_model())
    return _per_frame("index", dataset, lambda: T.row_index(dataset_hashes(dataset)))


def dataset_hashes(dataset: Dataset) -> np.ndarray:
    """sha256 of every statement's text: once per process for the bundled data, once per dataset otherwise."""
    if dataset is bundled_dataset(current_model()):
        return _bundled_hashes(current_model())
    return _per_frame("hashes", dataset, lambda: T.frame_hashes(dataset.frame))


def _per_frame(name: str, dataset: Dataset, compute):
    """``compute()`` once per session and dataset frame (an upload changes the frame, and the value)."""
    cache = st.session_state.setdefault(_CACHE, {})
    hit = cache.get(name)
    if hit and hit[0] is dataset.frame:
        return hit[1]
    value = compute()
    cache[name] = (dataset.frame, value)
    return value


@dataclass
class Reading:
    """The model's reading of the statements in scope (row-aligned with ``scope``) on one axis."""

    arrays: M.StanceArrays
    zero_shot: M.StanceArrays
    relevance: np.ndarray
    labelled_rows: np.ndarray  # dataset rows with a label (in scope or not), and their codes
    labelled_codes: np.ndarray
    taught: bool


def _fingerprint(rows: np.ndarray) -> tuple[int, str]:
    return len(rows), hashlib.blake2b(np.ascontiguousarray(rows, dtype=np.int64).tobytes(), digest_size=8).hexdigest()


def reading(
    dataset: Dataset, axis: T.Axis, vecs: dict[str, np.ndarray], labels: T.LabelSet, *, taught: bool, scope: np.ndarray
) -> Reading:
    """Stance of the statements at dataset rows ``scope`` (sorted, all with vectors).

    Only the statements in scope are scored, so a filter or topic narrows the work; the taught
    model still learns from every label in the dataset, in scope or not.
    """
    rows, codes = labels.rows_in(dataset_index(dataset))
    if len(rows):
        ok = dataset.has_vector[rows]
        rows, codes = rows[ok], codes[ok]
    scope = np.asarray(scope, dtype=np.int64)
    base_key = (id(dataset.frame), len(dataset.frame), dataset.model_id, axis.key, _fingerprint(scope))
    key = base_key + (taught, _fingerprint(rows), _fingerprint(codes))
    cache = st.session_state.setdefault(_CACHE, {}).setdefault("readings", {})
    if key in cache and cache[key][0] is dataset.frame:  # the frame itself, not only its id
        return cache[key][1]
    X = dataset.vectors
    base = st.session_state[_CACHE].setdefault("zero_shot", {})  # does not depend on the labels
    if base_key in base and base[base_key][0] is dataset.frame:
        zero, rel = base[base_key][1]
    else:
        Xs = X[scope]
        zero, rel = M.zero_shot(Xs, vecs, model_id=dataset.model_id), T.relevance(Xs, vecs)
        for k in list(base)[: max(0, len(base) - 3)]:
            base.pop(k, None)
        base[base_key] = (dataset.frame, (zero, rel))
    if taught and len(rows):
        pos = np.minimum(np.searchsorted(scope, rows), max(len(scope) - 1, 0))
        inside = (scope[pos] == rows) if len(scope) else np.zeros(len(rows), dtype=bool)
        outside = rows[~inside]
        Xs = X[np.r_[scope, outside]]  # labels outside the scope still teach
        lab = np.r_[pos[inside], len(scope) + np.arange(len(outside))].astype(np.int64)
        y = np.r_[codes[inside], codes[~inside]].astype(np.int64)
        full = T.score(Xs, vecs, lab, y, model_id=dataset.model_id)
        arrays = M.StanceArrays(*(a[: len(scope)] for a in full))
    else:
        arrays = zero
    out = Reading(arrays, zero, rel, rows, codes, bool(taught and len(rows)))
    for k in list(cache)[: max(0, len(cache) - 3)]:
        cache.pop(k, None)
    cache[key] = (dataset.frame, out)
    return out


def cv_accuracy(dataset: Dataset, axis: T.Axis, r: Reading) -> float | None:
    """Cross-validated accuracy of the current labels, cached in the session on the labels themselves."""
    key = (dataset.model_id, axis.key, tuple(r.labelled_rows.tolist()), tuple(r.labelled_codes.tolist()))
    cache = st.session_state.setdefault(_CACHE, {})
    hit = cache.get("cv")
    if hit and hit[0] == key and hit[1] is dataset.frame:
        return hit[2]
    acc = M.cv_accuracy(dataset.vectors, r.labelled_rows, r.labelled_codes)
    cache["cv"] = (key, dataset.frame, acc)
    return acc
