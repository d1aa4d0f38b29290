"""Search glue: the word index of the dataset in view, built once, and the search a page runs.

The bundled data's index is shared by every session (``st.cache_resource``); a session's merged or
uploaded dataset keeps its own index in ``st.session_state`` until the dataset changes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from stance_explorer import schema as S
from stance_explorer.dataset import Dataset
from stance_explorer.search import LexicalIndex, parse_query, search
from webapp.frame_cache import per_frame
from webapp.state import View, bundled_dataset, current_model, encode_phrase


@st.cache_resource(show_spinner=False)
def _bundled_index() -> LexicalIndex:
    return LexicalIndex(bundled_dataset().frame[S.TEXT])


def lexical_index(dataset: Dataset) -> LexicalIndex:
    """The word index of this dataset (rows aligned with ``dataset.frame``)."""
    if dataset is bundled_dataset() or dataset is bundled_dataset(current_model()):  # same rows for every model
        return _bundled_index()

    def build() -> LexicalIndex:
        with st.spinner("Indexing the words of your statements…"):
            return LexicalIndex(dataset.frame[S.TEXT])

    return per_frame("lexical_index", dataset.frame, build)


def run_search(view: View, text: str, k: int) -> tuple[pd.DataFrame, str | None]:
    """The k best statements among those the filters keep, by meaning and words fused.

    Returns (hits, message). ``hits["row"]`` indexes ``view.frame``. Without the model the search
    runs on words alone and the message says so.
    """
    query = parse_query(text)
    qvec, msg = encode_phrase(query.meaning_text) if query.meaning_text else (None, None)
    if msg:
        msg += " Searching by words only."
    dataset = view.dataset
    index = lexical_index(dataset)
    # The index covers the whole dataset; the filters pick rows of it (view.rows), which are the
    # rows of view.frame, so its scores are read through the same mapping.
    hits = search(
        dataset.frame,
        query=query,
        vectors=dataset.vectors,
        query_vector=qvec,
        index=index,
        k=k,
        mask=_kept(view),
    )
    rows_in_view = pd.Index(view.rows).get_indexer(hits["row"].to_numpy())
    return hits.assign(row=rows_in_view), msg


def _kept(view: View) -> np.ndarray:
    mask = np.zeros(len(view.dataset.frame), dtype=bool)
    mask[view.rows] = True
    return mask
