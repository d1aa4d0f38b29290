"""One statement, opened from any page: in full, with who else said something close and when its
speaker did. A reader opens it by ticking a table row or clicking a chart point; the pick goes into
the URL (``?stmt=``), so the link reopens it, and closing it takes it out again.

Everything here reads stored vectors: opening a statement never encodes text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from stance_explorer import schema as S
from stance_explorer.analysis.similarity import statement_neighbours
from stance_explorer.dataset import find_statement, statement_ref
from webapp import links
from webapp import params as P
from webapp.render import citation_box, language_caveat, quote_card, statement_detail
from webapp.shell import current_link
from webapp.state import View
from webapp.text import escape_markdown

NEIGHBOURS = 5
_GEN = "_stmt_pickers"  # bumped when the statement closes, so tables and charts drop their selection


def picker_key(name: str) -> str:
    """The key of a table or chart a statement can be picked from; it changes when one closes."""
    return f"{name}_{st.session_state.get(_GEN, 0)}"


def _open(frame: pd.DataFrame, pos: int | None) -> None:
    if pos is None:
        st.query_params.pop(P.STATEMENT, None)
    else:
        st.query_params[P.STATEMENT] = statement_ref(frame, pos)


def pick_row(key: str, frame: pd.DataFrame, positions: np.ndarray) -> None:
    """Callback of a table: the ticked row opens its statement (unticking closes it).

    ``positions`` are the dataset rows in the order the table showed them on the run the reader
    clicked, so the pick names the row they saw.
    """
    rows = st.session_state[key]["selection"]["rows"]
    _open(frame, int(positions[rows[0]]) if rows and rows[0] < len(positions) else None)


def pick_point(key: str, frame: pd.DataFrame, positions: np.ndarray) -> None:
    """Callback of a chart whose points carry ``[label, row]`` as customdata (row: index into positions)."""
    points = st.session_state[key]["selection"]["points"]
    row = None
    if points:
        data = points[0].get("customdata")
        if isinstance(data, list) and len(data) > 1 and 0 <= int(data[1]) < len(positions):
            row = int(positions[int(data[1])])
    _open(frame, row)


def close() -> None:
    st.query_params.pop(P.STATEMENT, None)
    st.session_state[_GEN] = st.session_state.get(_GEN, 0) + 1


@st.dialog("Statement", width="large", on_dismiss=close)
def _dialog(view: View, pos: int) -> None:
    ds = view.dataset
    row = ds.frame.iloc[pos]
    statement_detail(row)
    citation_box(row)
    language_caveat(ds.frame.iloc[[pos]], ds.model_id, one_statement=True)
    if not ds.has_vector[pos]:
        st.info("This statement has no vector yet, so nothing close to it can be found. Add it on the Data page.")
    else:
        # Candidates are what the filters keep, the same rows every other part of the page shows.
        candidates = view.mask & ds.has_vector
        others, same = statement_neighbours(ds.frame, ds.vectors, pos, k=NEIGHBOURS, mask=candidates)
        st.caption(
            f"Closest in meaning among the {int(candidates.sum()):,} statements the filters keep. "
            "Similarity is the cosine of sentence embeddings, not agreement."
        )
        speaker = escape_markdown(row[S.SPEAKER])
        c1, c2 = st.columns(2)
        for col, title, hits, none in (
            (
                c1,
                "Others who said something close",
                others,
                "No statement by another speaker among those the filters keep.",
            ),
            (c2, f"{speaker}, at other times", same, f"No other statement by {speaker} among those the filters keep."),
        ):
            with col:
                st.markdown(f"**{title}**")
                if hits.empty:
                    st.caption(none)
                for _, hit in hits.iterrows():
                    quote_card(hit, score=float(hit["score"]))
    st.caption("Link to this statement, with these filters:")
    st.code(current_link(), language=None, wrap_lines=True)
    if st.button("Close", key="close_statement"):
        close()
        st.rerun()


def show_linked(view: View) -> None:
    """End of a page: open the statement the URL names, or say the data does not have it."""
    ref = st.query_params.get(P.STATEMENT)
    if not ref:
        return
    pos = find_statement(view.dataset.frame, ref)
    if pos is None:
        links.report("Statement", ref, "is not in this dataset, so it was not opened")
        st.query_params.pop(P.STATEMENT, None)
    else:
        _dialog(view, pos)
