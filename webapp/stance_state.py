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
from stance_explorer.dataset import Dataset
from stance_explorer.encoders.base import EncoderUnavailable
from stance_explorer.package_data import DataFileError
from stance_explorer.stance import methods as M
from stance_explorer.store import EmbeddingStore
from webapp import links
from webapp import params as P
from webapp.frame_cache import per_frame
from webapp.state import bundled_dataset, current_model, vector_source
from webapp.text import escape_markdown

_LABELS = "_stance_labels"  # {axis key: LabelSet}
_VECS = "_stance_axis_vectors"  # {(model id, axis key): vectors}


@st.cache_resource(show_spinner=False)
def _presets() -> list[T.Preset]:
    return T.load_presets()


def presets() -> list[T.Preset]:
    """The shipped presets (read once per process); a missing or corrupt file stops the page with its name."""
    try:
        return _presets()
    except DataFileError as exc:
        st.error(
            f"The preset axes cannot be read, so this page cannot start: {escape_markdown(str(exc))}",
            icon=":material/error:",
        )
        st.stop()


@st.cache_resource(show_spinner=False)
def shipped_labels(path: str) -> T.LabelSet:
    """A preset's hand labels (read once per process; copied before a session changes them)."""
    return T.read_labels(path).labels


def labels_for(axis: T.Axis) -> T.LabelSet:
    """This session's labels for an axis; a preset axis starts from its shipped hand labels."""
    store = st.session_state.setdefault(_LABELS, {})
    if axis.key not in store:
        preset = T.preset_for(axis, presets())
        store[axis.key] = (
            shipped_labels(str(preset.labels_path)).copy() if preset and preset.labels_path else T.LabelSet()
        )
    return store[axis.key]


def replace_labels(axis: T.Axis, labels: T.LabelSet) -> None:
    st.session_state.setdefault(_LABELS, {})[axis.key] = labels


def _axis_store(model_id: str) -> EmbeddingStore:
    """This session's in-memory vectors of axis texts for one model (never written, never shared)."""
    stores = st.session_state.setdefault("_stance_axis_stores", {})
    if model_id not in stores:
        stores[model_id] = EmbeddingStore(None, model_id)
    return stores[model_id]


def axis_vectors(
    axis: T.Axis, dataset: Dataset, *, allow_model: bool = True
) -> tuple[dict[str, np.ndarray] | None, str | None]:
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
    chain = vector_source(model, sink=_axis_store(dataset.model_id))
    if chain.model_id != dataset.model_id:
        return (
            None,
            f"This axis must be read by the model of these statements ({dataset.model_id}), which is not loaded here.",
        )
    try:
        with st.spinner("Reading the axis with the model…"):
            vecs = chain.axis_vectors(axis, encode=allow_model)
    except EncoderUnavailable as exc:
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
    return per_frame("stance_index", dataset.frame, lambda: T.row_index(dataset_hashes(dataset)))


def dataset_hashes(dataset: Dataset) -> np.ndarray:
    """sha256 of every statement's text: once per process for the bundled data, once per dataset otherwise."""
    if dataset is bundled_dataset(current_model()):
        return _bundled_hashes(current_model())
    return per_frame("stance_hashes", dataset.frame, lambda: T.frame_hashes(dataset.frame))


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
    """Stance of the statements at dataset rows ``scope`` (sorted, all with vectors), by ``stance.read_axis``.

    Cached in the session on (frame, axis, scope, labels); the zero-shot half, which does not
    depend on the labels, is cached apart so a new label does not read the axis again.
    """
    # No labels (a zero-shot claim, a fresh axis): no need to hash every statement to find none.
    rows, codes = labels.rows_in(dataset_index(dataset)) if len(labels) else (np.zeros(0, np.int64),) * 2
    if len(rows):
        ok = dataset.has_vector[rows]
        rows, codes = rows[ok], codes[ok]
    scope = np.asarray(scope, dtype=np.int64)
    base_key = (dataset.model_id, axis.key, _fingerprint(scope))
    zero = per_frame(
        "stance_zero_shot",
        dataset.frame,
        lambda: T.read_zero_shot(dataset.vectors[scope], vecs, model_id=dataset.model_id),
        key=base_key,
        keep=4,
    )

    def compute() -> Reading:
        r = T.read_axis(
            dataset.vectors,
            vecs,
            scope=scope,
            label_rows=rows,
            label_codes=codes,
            taught=taught,
            model_id=dataset.model_id,
            zero=zero,
        )
        return Reading(r.arrays, r.zero_shot, r.relevance, rows, codes, r.taught)

    key = base_key + (taught, _fingerprint(rows), _fingerprint(codes))
    return per_frame("stance_readings", dataset.frame, compute, key=key, keep=4)


def cv_accuracy(dataset: Dataset, axis: T.Axis, r: Reading) -> float | None:
    """Cross-validated accuracy of the current labels, cached in the session on the labels themselves."""
    key = (dataset.model_id, axis.key, tuple(r.labelled_rows.tolist()), tuple(r.labelled_codes.tolist()))
    return per_frame(
        "stance_cv", dataset.frame, lambda: M.cv_accuracy(dataset.vectors, r.labelled_rows, r.labelled_codes), key=key
    )


# ---------------------------------------------------------------------------- the Stance page's callbacks
#: Session keys of the Stance page's own widgets (the axis fields themselves are bound to the URL).
PRESET_KEY = "_stance_preset"
_GEN = "_stance_gen"  # bumped after a label changes, so the teaching widgets start fresh
_UPLOAD_REPORT = "_stance_upload_report"


def generation() -> int:
    """Bumped whenever labels change, so the teaching widgets (keyed by it) start fresh."""
    return st.session_state.get(_GEN, 0)


def bump() -> None:
    st.session_state[_GEN] = generation() + 1


def follow_renamed_presets(presets: list[T.Preset]) -> None:
    """An old share link names a preset by a former name or carries its former wording: open the preset as now worded.

    Runs before the axis fields and the second-axis box are created: their state is set to the
    preset's current wording and name, which they then write to the URL.
    The presets' former names and wordings are in ``stance_explorer/data/preset_aliases.csv``.
    """
    axis_keys = (P.ST_TARGET, P.ST_FAVOR, P.ST_AGAINST)
    if all(links.incoming(k) for k in axis_keys):
        try:
            old = T.Axis(*(st.query_params[k] for k in axis_keys))
        except ValueError:
            old = None
        renamed = T.preset_formerly(old, presets) if old else None
        if renamed is not None:
            for key, value in zip(axis_keys, (renamed.axis.target, renamed.axis.favor, renamed.axis.against)):
                st.session_state[key] = value  # the bound field starts from it...
                st.query_params[key] = value  # ...and the link, which a bound field reads first, says it too
            links.report(
                "Stance axis", old.target, f"is the former wording of the preset “{renamed.name}”, opened as now worded"
            )
            # A bound field takes the link's value when it is first made; a rerun makes it from the rewritten link.
            # The fields' state is set now, so the rerun finds nothing to rewrite: this happens once.
            st.rerun()
    name2 = links.incoming(P.ST_AXIS2)
    if name2 and not any(p.name == name2[0] for p in presets):
        renamed = T.preset_named(name2[0], presets)
        if renamed is not None:
            st.session_state[P.ST_AXIS2] = renamed.name


def show_matching_preset(default: T.Axis, presets: list[T.Preset], own: str) -> None:
    """Make the preset picker show the preset the axis fields (or the link) now match, else ``own``."""
    follow_renamed_presets(presets)
    current = tuple(
        st.session_state.get(k, st.query_params.get(k, getattr(default, a)))
        for k, a in ((P.ST_TARGET, "target"), (P.ST_FAVOR, "favor"), (P.ST_AGAINST, "against"))
    )
    try:
        matching = T.preset_for(T.Axis(*current), presets)
    except ValueError:
        matching = None
    st.session_state[PRESET_KEY] = matching.name if matching else own


def axis_field(label: str, key: str, default: str, **kw) -> str:
    """One of the axis's three text fields, bound to the URL."""
    # value= only before the widget has state (a preset may have set it): both would warn.
    extra = {} if key in st.session_state else {"value": default}
    return st.text_input(label, key=key, bind="query-params", **extra, **kw)


def apply_preset(presets: list[T.Preset], topics: list[str]) -> None:
    """Callback of the preset picker: fill the three axis fields (and the topic) from the preset."""
    chosen = next((p for p in presets if p.name == st.session_state[PRESET_KEY]), None)
    if chosen is None:  # "(your own axis)": the poles start empty, as their labels promise
        st.session_state[P.ST_FAVOR] = ""
        st.session_state[P.ST_AGAINST] = ""
        return
    st.session_state[P.ST_TARGET] = chosen.axis.target
    st.session_state[P.ST_FAVOR] = chosen.axis.favor
    st.session_state[P.ST_AGAINST] = chosen.axis.against
    if chosen.topic in topics:
        st.session_state[P.ST_TOPIC] = chosen.topic


def set_label(axis: T.Axis, sid: str, sha: str, key: str) -> None:
    """Callback of a suggestion's favor/against/none buttons."""
    value = st.session_state.get(key)
    labels_for(axis).set(sid, sha, T.CODE[value] if value else None)
    bump()


def table_edited(axis: T.Axis, key: str, ids: list[str], hashes: list[str]) -> None:
    """Callback of the statements table: apply the labels picked in the "Your label" column."""
    labels = labels_for(axis)
    for i, change in st.session_state[key].get("edited_rows", {}).items():
        if "your label" in change and int(i) < len(ids):
            value = change["your label"]
            labels.set(ids[int(i)], hashes[int(i)], T.CODE.get(value) if value else None)
    bump()


def upload_labels(axis: T.Axis, name: str, raw: bytes, frame) -> None:
    """Read an uploaded labels CSV into this axis's labels (good rows kept) and remember what to report."""
    read = T.read_labels(raw, name=name, frame=frame)
    if not read.unreadable:
        merged = labels_for(axis).copy()
        merged.update(read.labels)
        replace_labels(axis, merged)
    st.session_state[_UPLOAD_REPORT] = (name, len(read.labels), read.problems, read.unreadable)
    bump()


def clear_labels(axis: T.Axis) -> None:
    replace_labels(axis, T.LabelSet())
    bump()


def upload_report():
    """(file name, labels read, problems, unreadable) of the last labels upload, or None."""
    return st.session_state.get(_UPLOAD_REPORT)


def mode_caption(mode: str, r: Reading, shipped_labels: bool) -> str:
    """What the reading is, in words that agree with the mode control."""
    n = len(r.labelled_rows)
    if mode == "taught" and r.taught:
        return f"Taught by {n:,} labels" + (
            " (the shipped hand labels for this preset, plus yours)." if shipped_labels else "."
        )
    if mode == "taught":
        return "Taught mode, but no label for this axis matches these statements yet, so the reading is zero-shot, from the axis words alone: label statements below to teach it."
    extra = f" Your {n:,} labels are not used in this mode; each is shown beside the model's reading." if n else ""
    return "Zero-shot: from the axis words alone." + extra


def claim_reading(view, claim: T.Claim, mask: np.ndarray) -> tuple[Reading | None, str | None]:
    """The claim read over the view's statements where ``mask`` (over ``view.frame``) is True.

    Zero-shot: no labels; the same reading, the same caches and the same stores as a stance axis.
    Returns (reading, None), or (None, message) when the model is needed and not available.
    """
    axis = claim.axis()
    vecs, msg = axis_vectors(axis, view.dataset)
    if msg:
        return None, msg
    return reading(view.dataset, axis, vecs, T.LabelSet(), taught=False, scope=view.rows[mask]), None
