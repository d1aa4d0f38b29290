"""Streamlit glue for stance: preset axes, axis vectors, this session's labels, cached readings.

Labels live in ``st.session_state`` (one visitor's labels are never seen by another) and are
keyed by the axis, so switching the axis switches the labels. Readings are cached per session on
(dataset, axis, labels): a rerun that changes none of them does no scoring at all.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np
import streamlit as st

from stance_explorer.dataset import STORE_DIR, Dataset
from stance_explorer.package_data import DataFileError
from stance_explorer.stance import (
    CODE,
    Axis,
    Claim,
    LabelSet,
    Preset,
    StanceReading,
    frame_hashes,
    load_presets,
    preset_for,
    preset_formerly,
    preset_named,
    read_claim,
    read_labels,
    reader_features,
    row_index,
)
from stance_explorer.stance.methods import cv_accuracy as cross_validated_accuracy
from stance_explorer.stance.readers import (
    LLM_KEY_ENV,
    LLM_MODEL_ENV,
    LLM_URL_ENV,
    NLI_MODEL_ENV,
    READER_ENV,
    Reader,
    ReaderUnavailable,
    ReadingCache,
    default_reader_name,
    make_reader,
)
from stance_explorer.stance.readers.cache import cache_id
from stance_explorer.stance.readers.nli import NLI_LANGUAGES_ENV
from stance_explorer.store import EmbeddingStore
from webapp import hosting, links
from webapp import params as P
from webapp.frame_cache import per_frame
from webapp.state import STORE_ENV, bundled_dataset, current_model, vector_source
from webapp.text import escape_markdown

_LABELS = "_stance_labels"  # {axis key: LabelSet}


@st.cache_resource(show_spinner=False)
def _presets() -> list[Preset]:
    return load_presets()


def presets() -> list[Preset]:
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
def shipped_labels(path: str) -> LabelSet:
    """A preset's hand labels (read once per process; copied before a session changes them)."""
    return read_labels(path).labels


def labels_for(axis: Axis) -> LabelSet:
    """This session's labels for an axis; a preset axis starts from its shipped hand labels."""
    store = st.session_state.setdefault(_LABELS, {})
    if axis.key not in store:
        preset = preset_for(axis, presets())
        store[axis.key] = (
            shipped_labels(str(preset.labels_path)).copy() if preset and preset.labels_path else LabelSet()
        )
    return store[axis.key]


def project_labels(axis: Axis) -> LabelSet | None:
    """The hand labels this project ships for a preset axis (None for any other axis)."""
    preset = preset_for(axis, presets())
    return shipped_labels(str(preset.labels_path)) if preset and preset.labels_path else None


def label_columns(axis: Axis, hashes) -> tuple[list[str | None], list[str | None]]:
    """Per statement: the project's hand label, and the visitor's own label where it is not the project's."""
    shipped = project_labels(axis)
    labels = labels_for(axis)
    project = [shipped.name_of(h) if shipped is not None else None for h in hashes]
    mine = [labels.name_of(h) if labels.name_of(h) != p else None for h, p in zip(hashes, project)]
    return project, mine


def label_counts(axis: Axis, r: StanceReading, dataset: Dataset) -> tuple[int, int]:
    """(the project's hand labels in force, the visitor's own labels) among the labels matching statements."""
    shipped = project_labels(axis)
    if shipped is None:
        return 0, len(r.label_rows)
    ship = np.full(len(r.hand), -1, dtype=np.int64)
    rows, codes = shipped.rows_in(dataset_index(dataset))
    ship[rows] = codes
    mask = r.hand >= 0
    same = int((mask & (ship == r.hand)).sum())
    return same, int(mask.sum()) - same


def replace_labels(axis: Axis, labels: LabelSet) -> None:
    st.session_state.setdefault(_LABELS, {})[axis.key] = labels


def _axis_store(model_id: str) -> EmbeddingStore:
    """This session's in-memory vectors of axis texts for one model (never written, never shared)."""
    stores = st.session_state.setdefault("_stance_axis_stores", {})
    if model_id not in stores:
        stores[model_id] = EmbeddingStore(None, model_id)
    return stores[model_id]


@st.cache_resource(show_spinner=False)
def _bundled_hashes(model: str) -> np.ndarray:
    hashes = frame_hashes(bundled_dataset(model).frame)
    hashes.setflags(write=False)
    return hashes


@st.cache_resource(show_spinner=False)
def _bundled_index(model: str) -> dict[str, list[int]]:
    return row_index(_bundled_hashes(model))


def dataset_index(dataset: Dataset) -> dict[str, list[int]]:
    """sha256 -> rows of the dataset, so mapping labels to rows costs as many lookups as there are labels."""
    if dataset is bundled_dataset(current_model()):
        return _bundled_index(current_model())
    return per_frame("stance_index", dataset.frame, lambda: row_index(dataset_hashes(dataset)))


def dataset_hashes(dataset: Dataset) -> np.ndarray:
    """sha256 of every statement's text: once per process for the bundled data, once per dataset otherwise."""
    if dataset is bundled_dataset(current_model()):
        return _bundled_hashes(current_model())
    return per_frame("stance_hashes", dataset.frame, lambda: frame_hashes(dataset.frame))


# ---------------------------------------------------------------------------- readers
def operator_settings() -> dict[str, str]:
    """The operator's reader settings: the environment, overridden by Streamlit secrets of the same names.

    A visitor never sets these: no URL, model path or key comes from a link or a widget.
    """
    names = (READER_ENV, NLI_MODEL_ENV, NLI_LANGUAGES_ENV, LLM_URL_ENV, LLM_MODEL_ENV, LLM_KEY_ENV)
    out = {k: os.environ[k] for k in names if os.environ.get(k)}
    try:
        out.update({k: str(st.secrets[k]) for k in names if k in st.secrets})
    except Exception:  # no secrets file: Streamlit raises on any access
        pass
    return out


@st.cache_resource(show_spinner="Loading the stance reader (first use only)…")
def _shared_reader(name: str, settings_key: tuple) -> Reader:
    """A model reader (built-in, NLI, LLM), loaded once per process and shared by every session."""
    return make_reader(name, settings=dict(settings_key))


def available_readers() -> list[str]:
    """The readers this app offers: the built-in one where its weights ship, the axis, and those the operator set up."""
    settings = operator_settings()
    names = []
    if _builtin_ships():
        names.append("builtin")
    names.append("axis")
    if settings.get(NLI_MODEL_ENV):
        names.append("nli")
    if settings.get(LLM_URL_ENV):
        names.append("llm")
    if _READINGS in st.session_state:
        names.append("csv")
    return names


_READINGS = "_stance_readings"  # this session's uploaded readings: a CSV reader (never shared, never on disk)
_READINGS_REPORT = "_stance_readings_report"


def upload_readings(name: str, raw: bytes, frame) -> None:
    """Read an uploaded readings CSV into this session's ``csv`` reader (good rows kept) and remember what to report."""
    try:
        reader = make_reader("csv", readings=raw, readings_name=name, frame=frame)
    except ReaderUnavailable as exc:
        st.session_state[_READINGS_REPORT] = (name, 0, [], str(exc))
        return
    st.session_state[_READINGS] = reader
    st.session_state[_READINGS_REPORT] = (name, len(reader.readings.rows), list(reader.problems), None)
    st.session_state[P.ST_READER] = "csv"


def readings_report():
    """(file name, readings read, problems, why it could not be used or None) of the last readings upload, or None."""
    return st.session_state.get(_READINGS_REPORT)


@st.cache_resource(show_spinner=False)
def _builtin_ships() -> bool:
    try:
        from stance_explorer.stance.readers.builtin import weights_present
    except ImportError:
        return False
    return weights_present()


READER_TITLES = {
    "builtin": "built-in reader",
    "axis": "embedding axis (topic, not position)",
    "nli": "NLI model (set by the operator)",
    "llm": "language model endpoint (set by the operator)",
    "csv": "uploaded readings",
}


def reader_title(name: str) -> str:
    """A reader's name as the picker shows it."""
    return READER_TITLES.get(name, name)


def default_reader() -> str:
    """The reader used when the link names none (see ``readers.default_reader_name``)."""
    name = default_reader_name()
    return name if name in available_readers() else "axis"


def reader_name() -> str:
    """This session's reader (``?reader=``), one of :func:`available_readers`."""
    name = st.session_state.get(P.ST_READER) or st.query_params.get(P.ST_READER) or default_reader()
    return name if name in available_readers() else default_reader()


def get_reader(name: str, dataset: Dataset, *, allow_model: bool = True) -> tuple[Reader | None, str | None]:
    """The reader ``name`` for this dataset, or a message saying why it cannot read here."""
    try:
        if name == "axis":
            source = vector_source(current_model(), sink=_axis_store(dataset.model_id))
            if source.model_id != dataset.model_id:
                return (
                    None,
                    f"This axis must be read by the model of these statements ({dataset.model_id}), which is not loaded here.",
                )
            return make_reader("axis", source=source, encode=allow_model), None
        if name == "csv":
            if _READINGS not in st.session_state:
                return None, "Upload a readings file (CSV) to read with it."
            return st.session_state[_READINGS], None
        return _shared_reader(name, tuple(sorted(operator_settings().items()))), None
    except ReaderUnavailable as exc:
        return None, str(exc)


@st.cache_resource(show_spinner=False)
def _process_cache(reader_id: str, _reader: Reader) -> ReadingCache:
    """Readings of the bundled statements, shared by every session: the committed ones, plus (locally) new ones on disk."""
    read_only = hosting.hosted() or os.environ.get(STORE_ENV) is not None
    return ReadingCache(_reader, os.environ.get(STORE_ENV, STORE_DIR), read_only=read_only)


def reading_cache(reader: Reader, dataset: Dataset) -> ReadingCache | None:
    """Where readings are kept: process-wide for the bundled statements, this session's memory for the rest."""
    if not reader.cacheable:
        return None
    shared = _process_cache(cache_id(reader), reader)
    if dataset is bundled_dataset(current_model()):
        return shared
    caches = st.session_state.setdefault("_stance_reading_caches", {})
    if cache_id(reader) not in caches:
        caches[cache_id(reader)] = ReadingCache(reader, None, shared=shared)
    return caches[cache_id(reader)]


def _fingerprint(rows: np.ndarray) -> tuple[int, str]:
    return len(rows), hashlib.blake2b(np.ascontiguousarray(rows, dtype=np.int64).tobytes(), digest_size=8).hexdigest()


def hand_codes(dataset: Dataset, labels: LabelSet) -> np.ndarray:
    """Each dataset row's hand-label code (-1: none); rows without a vector keep none."""
    hand = np.full(len(dataset.frame), -1, dtype=np.int64)
    if len(labels):  # no labels (a claim, a fresh axis): no need to hash every statement
        rows, codes = labels.rows_in(dataset_index(dataset))
        hand[rows] = codes
    return hand


def reading(
    dataset: Dataset,
    axis: Axis,
    labels: LabelSet,
    *,
    taught: bool,
    scope: np.ndarray,
    reader: str | None = None,
    allow_model: bool = True,
) -> tuple[StanceReading | None, str | None]:
    """The claim read over the dataset rows ``scope`` by ``reader`` (default: this session's), through ``stance.read_claim``.

    Cached in the session on (frame, reader, axis, scope, labels); the reader's own readings are
    also kept in its reading cache, so a new label or a reopened link reads nothing twice.
    Returns (reading, None), or (None, message) when the reader cannot read here.
    """
    name = reader or reader_name()
    got, msg = get_reader(name, dataset, allow_model=allow_model)
    if got is None:
        return None, msg
    hand = hand_codes(dataset, labels)
    scope = np.asarray(scope, dtype=np.int64)
    key = (name, got.version, axis.key, _fingerprint(scope), taught, _fingerprint(hand))

    def compute() -> StanceReading:
        bar = _ProgressBar(f"Reading the statements with {got.label}…")
        try:
            return read_claim(
                got,
                axis,
                dataset.frame,
                scope=scope,
                vectors=dataset.vectors,
                has_vector=dataset.has_vector,
                hand=hand,
                taught=taught,
                cache=reading_cache(got, dataset),
                progress=bar,
            )
        finally:
            bar.done()

    try:
        return per_frame("stance_readings", dataset.frame, compute, key=key, keep=6), None
    except ReaderUnavailable as exc:
        return None, str(exc)


class _ProgressBar:
    """A progress bar shown only while a reader reads new statements."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if total <= 0:
            return
        if self.bar is None:
            self.bar = st.progress(0.0, text=self.text)
        self.bar.progress(min(done / total, 1.0), text=f"{self.text} {done:,} of {total:,}")

    def done(self) -> None:
        if self.bar is not None:
            self.bar.empty()


def cv_accuracy(dataset: Dataset, axis: Axis, r: StanceReading) -> float | None:
    """Cross-validated accuracy of the current labels, cached in the session on the labels themselves."""
    key = (r.reader, dataset.model_id, axis.key, _fingerprint(r.hand))
    feats = dataset.vectors if r.reader == "axis" else reader_features(dataset.vectors, r.probs)
    return per_frame(
        "stance_cv", dataset.frame, lambda: cross_validated_accuracy(feats, r.label_rows, r.label_codes), key=key
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


def follow_renamed_presets(presets: list[Preset]) -> None:
    """An old share link names a preset by a former name or carries its former wording: open the preset as now worded.

    Runs before the axis fields and the second-axis box are created: their state is set to the
    preset's current wording and name, which they then write to the URL.
    The presets' former names and wordings are in ``stance_explorer/data/preset_aliases.csv``.
    """
    axis_keys = (P.ST_TARGET, P.ST_FAVOR, P.ST_AGAINST)
    if all(links.incoming(k) for k in axis_keys):
        try:
            old = Axis(*(st.query_params[k] for k in axis_keys))
        except ValueError:
            old = None
        renamed = preset_formerly(old, presets) if old else None
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
        renamed = preset_named(name2[0], presets)
        if renamed is not None:
            st.session_state[P.ST_AXIS2] = renamed.name


def show_matching_preset(default: Axis, presets: list[Preset], own: str) -> None:
    """Make the preset picker show the preset the axis fields (or the link) now match, else ``own``."""
    follow_renamed_presets(presets)
    current = tuple(
        st.session_state.get(k, st.query_params.get(k, getattr(default, a)))
        for k, a in ((P.ST_TARGET, "target"), (P.ST_FAVOR, "favor"), (P.ST_AGAINST, "against"))
    )
    try:
        matching = preset_for(Axis(*current), presets)
    except ValueError:
        matching = None
    st.session_state[PRESET_KEY] = matching.name if matching else own


def axis_field(label: str, key: str, default: str, **kw) -> str:
    """One of the axis's three text fields, bound to the URL."""
    # value= only before the widget has state (a preset may have set it): both would warn.
    extra = {} if key in st.session_state else {"value": default}
    return st.text_input(label, key=key, bind="query-params", **extra, **kw)


def apply_preset(presets: list[Preset], topics: list[str]) -> None:
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


def set_label(axis: Axis, sid: str, sha: str, key: str) -> None:
    """Callback of a suggestion's favor/against/none buttons."""
    value = st.session_state.get(key)
    labels_for(axis).set(sid, sha, CODE[value] if value else None)
    bump()


def table_edited(axis: Axis, key: str, ids: list[str], hashes: list[str]) -> None:
    """Callback of the statements table: apply the labels picked in the "Your label" column."""
    labels = labels_for(axis)
    shipped = project_labels(axis)
    for i, change in st.session_state[key].get("edited_rows", {}).items():
        if "your label" in change and int(i) < len(ids):
            value = change["your label"]
            # Clearing your label on a statement the project labels puts the project's label back.
            code = CODE.get(value) if value else (shipped.code_of(hashes[int(i)]) if shipped is not None else None)
            labels.set(ids[int(i)], hashes[int(i)], code)
    bump()


def upload_labels(axis: Axis, name: str, raw: bytes, frame) -> None:
    """Read an uploaded labels CSV into this axis's labels (good rows kept) and remember what to report."""
    read = read_labels(raw, name=name, frame=frame)
    if not read.unreadable:
        merged = labels_for(axis).copy()
        merged.update(read.labels)
        replace_labels(axis, merged)
    st.session_state[_UPLOAD_REPORT] = (name, len(read.labels), read.problems, read.unreadable)
    bump()


def clear_labels(axis: Axis) -> None:
    replace_labels(axis, LabelSet())
    bump()


def upload_report():
    """(file name, labels read, problems, unreadable) of the last labels upload, or None."""
    return st.session_state.get(_UPLOAD_REPORT)


def mode_caption(mode: str, r: StanceReading, shipped_labels: bool, counts: tuple[int, int] = (0, 0)) -> str:
    """What the reading is, in words that agree with the mode control; labels are named for whose they are."""
    n = len(r.label_rows)
    project, yours = counts
    whose = (
        f" ({project:,} of the project's hand labels for this preset and {yours:,} of yours)."
        if shipped_labels
        else f" ({n:,} of yours)."
    )
    if mode == "taught" and r.taught:
        return f"Taught by {n:,} labels" + whose
    own = "from the axis words alone" if r.reader == "axis" else f"the {r.reader} reader's own reading"
    if mode == "taught":
        return f"Taught mode, but no label for this axis matches these statements yet, so the reading is zero-shot, {own}: label statements below to teach it."
    extra = (
        f" The {n:,} labels{whose[:-1]} are not used in this mode; each is shown beside the reader's reading."
        if n
        else ""
    )
    return f"Zero-shot: {own}." + extra


def claim_reading(view, claim: Claim, mask: np.ndarray) -> tuple[StanceReading | None, str | None]:
    """The claim read over the view's statements where ``mask`` (over ``view.frame``) is True.

    No labels: the same reader, the same caches and the same stores as a stance axis.
    Returns (reading, None), or (None, message) when the reader cannot read here.
    """
    return reading(view.dataset, claim.axis(), LabelSet(), taught=False, scope=view.rows[mask])
