"""Streamlit glue for stance: preset axes, axis vectors, this session's labels, cached readings.

Labels live in ``st.session_state`` (one visitor's labels are never seen by another) and are
keyed by the axis, so switching the axis switches the labels. Readings are cached per session on
(dataset, axis, labels): a rerun that changes none of them does no scoring at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from stance_explorer import stance as T
from stance_explorer import stance_methods as M
from stance_explorer.dataset import Dataset
from webapp.state import bundled_dataset, bundled_store, encoder_or_message, session_store

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


def axis_vectors(axis: T.Axis, dataset: Dataset, *, allow_model: bool = True) -> tuple[dict[str, np.ndarray] | None, str | None]:
    """The axis texts' vectors for the dataset's model: committed or cached first, the model only if needed.

    Returns (vectors, None), or (None, message) when the model is needed and not available (or
    ``allow_model`` is False and the vectors are not stored).
    """
    cache = st.session_state.setdefault(_VECS, {})
    key = (dataset.model_id, axis.key)
    if key in cache:
        return cache[key], None
    shared, mine = bundled_store(), session_store()

    def lookup(texts: list[str]):
        vecs, found = shared.get(texts)
        if not found.all() and mine.dim is not None:
            more, found2 = mine.get(texts)
            if vecs.shape[1] == more.shape[1]:
                vecs[found2 & ~found] = more[found2 & ~found]
                found = found | found2
        return vecs, found

    encode = None
    if allow_model:
        def encode(texts: list[str]) -> np.ndarray:
            encoder, msg = encoder_or_message()
            if msg:
                raise RuntimeError(msg)
            vecs, _ = mine.get_or_encode(texts, encoder)
            return vecs

    try:
        with st.spinner("Reading the axis with the model…"):
            vecs = T.axis_vectors(axis, lookup, encode)
    except RuntimeError as exc:
        return None, str(exc)
    if vecs is None:
        return None, "This axis has not been read by the model yet."
    cache[key] = vecs
    return vecs, None


@st.cache_resource(show_spinner=False)
def _bundled_hashes() -> np.ndarray:
    hashes = T.frame_hashes(bundled_dataset().frame)
    hashes.setflags(write=False)
    return hashes


def dataset_hashes(dataset: Dataset) -> np.ndarray:
    """sha256 of every statement's text: once per process for the bundled data, once per dataset otherwise."""
    if dataset is bundled_dataset():
        return _bundled_hashes()
    cache = st.session_state.setdefault(_CACHE, {})
    hit = cache.get("hashes")
    if hit and hit[0] is dataset.frame:
        return hit[1]
    hashes = T.frame_hashes(dataset.frame)
    cache["hashes"] = (dataset.frame, hashes)
    return hashes


@dataclass
class Reading:
    """The model's reading of every statement of a dataset on one axis."""

    arrays: M.StanceArrays
    zero_shot: M.StanceArrays
    relevance: np.ndarray
    labelled_rows: np.ndarray
    labelled_codes: np.ndarray
    taught: bool


def reading(dataset: Dataset, axis: T.Axis, vecs: dict[str, np.ndarray], labels: T.LabelSet, *, taught: bool) -> Reading:
    """Stance of every statement in the dataset (rows without a vector read "none", confidence 0)."""
    rows, codes = labels.rows(dataset_hashes(dataset))
    if len(rows):
        ok = dataset.has_vector[rows]
        rows, codes = rows[ok], codes[ok]
    key = (id(dataset.frame), len(dataset.frame), dataset.model_id, axis.key, taught, tuple(rows.tolist()), tuple(codes.tolist()))
    cache = st.session_state.setdefault(_CACHE, {}).setdefault("readings", {})
    if key in cache and cache[key][0] is dataset.frame:  # the frame itself, not only its id
        return cache[key][1]
    X = dataset.vectors
    base_key = key[:4]  # dataset and axis: the zero-shot reading and relevance do not depend on labels
    base = st.session_state[_CACHE].setdefault("zero_shot", {})
    if base_key in base and base[base_key][0] is dataset.frame:
        zero, rel = base[base_key][1]
    else:
        zero, rel = M.zero_shot(X, vecs, model_id=dataset.model_id), T.relevance(X, vecs)
        base.clear()  # one axis and dataset at a time is enough
        base[base_key] = (dataset.frame, (zero, rel))
    arrays = T.score(X, vecs, rows, codes, model_id=dataset.model_id) if taught and len(rows) else zero
    if not dataset.has_vector.all():
        missing = ~dataset.has_vector
        arrays = M.StanceArrays(*(a.copy() for a in arrays))
        arrays.label[missing] = T.NONE
        arrays.score[missing] = 0.0
        arrays.confidence[missing] = 0.0
    out = Reading(arrays, zero, rel, rows, codes, bool(taught and len(rows)))
    stale = [k for k in cache if k[:4] == key[:4]]  # older labels on this axis: never read again
    for k in stale + list(cache)[: max(0, len(cache) - 3)]:
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
