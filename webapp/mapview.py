"""The Map page's state: where every statement of the current dataset sits on the 2-D map.

The bundled map is read from the store (committed beside the vectors) once per process; if a store
has none (a benchmark corpus), it is computed once per process and kept in memory. A dataset with
uploads reuses it: statements it has keep their place, new ones are placed on it, and only a
dataset made mostly of new statements gets a map of its own, computed for this session only.
Imported by the Map page alone, so no other page pays for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd
import streamlit as st

from stance_explorer.dataset import Dataset
from stance_explorer.mapping.projection import (
    DEFAULT_METHOD,
    MIN_NONLINEAR,
    Layout,
    StoredMap,
    layout,
    load_map,
    pca_axes,
    pca_transform,
    place,
    project,
)
from stance_explorer.mapping.regions import regions
from stance_explorer.store import text_keys
from stance_explorer.vectors import ChosenModel
from webapp.frame_cache import per_frame
from webapp.state import View, bundled_dataset, bundled_store

BUNDLED_MAP = "bundled"


def map_root() -> str | None:
    """The store root the bundled vectors come from: maps live beside them."""
    store = bundled_store()
    return None if store.dir is None else str(store.dir.parent)


def _model_name(model_id: str) -> str:
    """The registry name of the model that made these vectors (the bundled data has one per model)."""
    return ChosenModel.of_vectors(model_id).name


def _keys(ds: Dataset) -> np.ndarray:
    """The store's keys of the dataset's rows: the text each model embedded (its own text rules)."""
    return text_keys(ChosenModel.of_vectors(ds.model_id).statement_texts(ds.frame))


@st.cache_resource(show_spinner="Computing the map of the statements (once per server)…")
def bundled_map(model_id: str) -> StoredMap:
    """The bundled dataset's map: the stored one, else computed now and kept in memory (never written)."""
    root = map_root()
    stored = load_map(root, model_id, BUNDLED_MAP) if root else None
    if stored is not None:
        return stored
    ds = bundled_dataset(_model_name(model_id))
    rows = np.flatnonzero(ds.has_vector)
    method = DEFAULT_METHOD
    xy = project(ds.vectors[rows], method, seed=0)
    pca = pca_axes(ds.vectors[rows]) if method == "pca" else None
    return StoredMap(_keys(ds)[rows], xy, method if len(rows) >= MIN_NONLINEAR else "pca", model_id, pca)


def _dataset_layout(ds: Dataset, base: StoredMap) -> Layout:
    """Positions for every row of ``ds`` (NaN where a row has no vector)."""
    rows = np.flatnonzero(ds.has_vector)
    xy = np.full((len(ds.frame), 2), np.nan, dtype=np.float32)
    placed = np.zeros(len(ds.frame), dtype=bool)
    lay = layout(_keys(ds)[rows], ds.vectors[rows], base)
    xy[rows], placed[rows] = lay.xy, lay.placed
    return Layout(xy, placed, lay.method, lay.computed)


@st.cache_resource(show_spinner=False)
def bundled_layout(model_id: str) -> Layout:
    """The bundled dataset's positions, once per process (hashing 100k texts is not free)."""
    lay = _dataset_layout(bundled_dataset(_model_name(model_id)), bundled_map(model_id))
    lay.xy.setflags(write=False)
    return lay


def layout_for(view: View) -> Layout:
    """Map positions for every row of the view's dataset (NaN where a row has no vector)."""
    ds = view.dataset
    if ds is bundled_dataset(_model_name(ds.model_id)):
        return bundled_layout(ds.model_id)

    def compute() -> Layout:
        with st.spinner(f"Placing {int(ds.has_vector.sum()):,} statements on the map…"):
            return _dataset_layout(ds, bundled_map(ds.model_id))

    return per_frame("map_layout", ds.frame, compute, key=(ds.model_id, int(ds.has_vector.sum())))


@st.cache_resource(show_spinner=False, max_entries=64)
def _bundled_regions(model_id: str, k: int, rows_digest: str, _frame, _xy):
    return regions(_frame, _xy, k)[1]


def regions_for(view: View, frame, xy: np.ndarray, k: int, drawn: np.ndarray):
    """Labelled regions of the drawn points: shared by every visitor for the bundled data, kept in
    the session for a dataset with uploads; recomputed only when the points or ``k`` change."""
    digest = hashlib.blake2b(drawn.tobytes(), digest_size=16).hexdigest()
    ds = view.dataset
    if ds is bundled_dataset(_model_name(ds.model_id)):
        return _bundled_regions(ds.model_id, k, digest, frame, xy)
    return per_frame("map_regions", ds.frame, lambda: regions(frame, xy, k)[1], key=(ds.model_id, k, digest))


def placer(view: View, lay: Layout) -> Callable[[np.ndarray], np.ndarray]:
    """How to put a vector the map has not seen (a speaker's yearly centroid) onto this map."""
    ds = view.dataset
    base = bundled_map(ds.model_id)
    if base.pca is not None and not lay.computed:
        return lambda v: pca_transform(v, base.pca)
    known = np.flatnonzero(np.isfinite(lay.xy[:, 0]))
    return lambda v: place(v, ds.vectors[known], lay.xy[known])


def regions_and_paths(region_table: pd.DataFrame | None, steps: pd.DataFrame | None) -> None:
    """The map's regions with their words, and the speakers' paths year by year, each in an expander."""
    if region_table is not None:
        with st.expander("Regions and their words"):
            st.dataframe(
                region_table[["label", "statements", "speakers"]],
                hide_index=True,
                width="stretch",
                column_config={
                    "label": st.column_config.TextColumn("Most distinctive words (c-TF-IDF)", width="large"),
                    "speakers": st.column_config.ListColumn("Most statements by"),
                },
            )
    if steps is not None and len(steps):
        with st.expander("Speakers' paths, year by year"):
            st.dataframe(
                steps[["speaker", "window", "count", "shift"]],
                hide_index=True,
                width="stretch",
                column_config={
                    "window": "Year",
                    "count": "Statements",
                    "shift": st.column_config.NumberColumn("Moved (1 − cosine to the previous year)", format="%.3f"),
                },
            )
