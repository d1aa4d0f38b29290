"""The Map page's state: where every statement of the current dataset sits on the 2-D map.

The bundled map is read from the store (committed beside the vectors) once per process; if a store
has none (a benchmark corpus), it is computed once per process and kept in memory. A dataset with
uploads reuses it: statements it has keep their place, new ones are placed on it, and only a
dataset made mostly of new statements gets a map of its own, computed for this session only.
Imported by the Map page alone, so no other page pays for it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

from stance_explorer import projection as PJ
from stance_explorer.dataset import Dataset
from stance_explorer.embed_text import embedding_texts
from stance_explorer.store import text_keys
from webapp.state import View, bundled_dataset, bundled_store

BUNDLED_MAP = "bundled"
_SESSION_KEY = "_map_layout"


def map_root() -> str | None:
    """The store root the bundled vectors come from: maps live beside them."""
    store = bundled_store()
    return None if store.dir is None else str(store.dir.parent)


def _keys(ds: Dataset) -> np.ndarray:
    return text_keys(embedding_texts(ds.frame))


@st.cache_resource(show_spinner="Computing the map of the statements (once per server)…")
def bundled_map(model_id: str) -> PJ.StoredMap:
    """The bundled dataset's map: the stored one, else computed now and kept in memory (never written)."""
    root = map_root()
    stored = PJ.load_map(root, model_id, BUNDLED_MAP) if root else None
    if stored is not None:
        return stored
    ds = bundled_dataset()
    rows = np.flatnonzero(ds.has_vector)
    method = PJ.DEFAULT_METHOD
    xy = PJ.project(ds.vectors[rows], method, seed=0)
    pca = PJ.pca_axes(ds.vectors[rows]) if method == "pca" else None
    return PJ.StoredMap(_keys(ds)[rows], xy, method if len(rows) >= PJ.MIN_NONLINEAR else "pca", model_id, pca)


def layout_for(view: View) -> PJ.Layout:
    """Map positions for every row of the view's dataset (NaN where a row has no vector)."""
    ds = view.dataset
    base = bundled_map(ds.model_id)
    if ds is bundled_dataset():
        xy, found = base.lookup(_keys(ds))
        xy[~found] = np.nan
        return PJ.Layout(xy, np.zeros(len(xy), dtype=bool), base.method, computed=False)
    key = (id(ds), ds.model_id, len(ds.frame))
    cached = st.session_state.get(_SESSION_KEY)
    if cached and cached[0] == key:
        return cached[1]
    rows = np.flatnonzero(ds.has_vector)
    xy = np.full((len(ds.frame), 2), np.nan, dtype=np.float32)
    placed = np.zeros(len(ds.frame), dtype=bool)
    with st.spinner(f"Placing {len(rows):,} statements on the map…"):
        lay = PJ.layout(_keys(ds)[rows], ds.vectors[rows], base)
    xy[rows], placed[rows] = lay.xy, lay.placed
    result = PJ.Layout(xy, placed, lay.method, lay.computed)
    st.session_state[_SESSION_KEY] = (key, result)
    return result


def placer(view: View, lay: PJ.Layout) -> Callable[[np.ndarray], np.ndarray]:
    """How to put a vector the map has not seen (a speaker's yearly centroid) onto this map."""
    ds = view.dataset
    base = bundled_map(ds.model_id)
    if base.pca is not None and not lay.computed:
        return lambda v: PJ.pca_transform(v, base.pca)
    known = np.flatnonzero(np.isfinite(lay.xy[:, 0]))
    return lambda v: PJ.place(v, ds.vectors[known], lay.xy[known])
