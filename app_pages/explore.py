"""Explore: what the data holds, a filterable table with sources, and semantic search."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from stance_explorer import analysis as A
from stance_explorer import schema as S
from stance_explorer.dataset import find_statement, statement_ref
from webapp import links
from webapp import params as P
from webapp.render import quote_card, statement_detail, statements_table
from webapp.shell import current_link, empty_guard, notice
from webapp.state import View, current_view, encode_phrase
from webapp.text import escape_markdown

MAX_TABLE_ROWS = 5000
NEIGHBOURS = 5
_GEN = "_stmt_tables"  # bumped when the statement closes, so the tables drop their selection


def _table_key(name: str) -> str:
    return f"{name}_{st.session_state.get(_GEN, 0)}"


def _pick(key: str, frame: pd.DataFrame, positions: np.ndarray) -> None:
    """A row picked in a table opens that statement, and the link carries it (``?stmt=``).

    ``positions`` are the dataset rows in the order the table showed them on the run the reader
    clicked, so the pick names the row they saw.
    """
    rows = st.session_state[key]["selection"]["rows"]
    if rows and rows[0] < len(positions):
        st.query_params[P.STATEMENT] = statement_ref(frame, int(positions[rows[0]]))
    else:
        st.query_params.pop(P.STATEMENT, None)


def _close() -> None:
    st.query_params.pop(P.STATEMENT, None)
    st.session_state[_GEN] = st.session_state.get(_GEN, 0) + 1


@st.dialog("Statement", width="large", on_dismiss=_close)
def _statement(view: View, pos: int) -> None:
    """One statement in full, with who else said something close and when its speaker did."""
    ds = view.dataset
    row = ds.frame.iloc[pos]
    statement_detail(row)
    if not ds.has_vector[pos]:
        st.info("This statement has no vector yet, so nothing close to it can be found. Add it on the Data page.")
    else:
        # Candidates are what the filters keep, the same rows every other part of the page shows.
        candidates = view.mask & ds.has_vector
        others, same = A.statement_neighbours(ds.frame, ds.vectors, pos, k=NEIGHBOURS, mask=candidates)
        st.caption(
            f"Closest in meaning among the {int(candidates.sum()):,} statements the filters keep. "
            "Similarity is the cosine of sentence embeddings, not agreement."
        )
        c1, c2 = st.columns(2)
        speaker = escape_markdown(row[S.SPEAKER])
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
        _close()
        st.rerun()


view = current_view()
st.title("Who says what, and how has it changed?")
st.caption(
    "Statements by officials on the USMCA, tariffs, security and migration. Filter in the sidebar, "
    "search by meaning below, or pick a page on the left to compare speakers and trace positions over time."
)
notice(view)

frame = view.dataset.frame[view.mask]
m1, m2, m3, m4 = st.columns(4)
m1.metric("Statements", f"{len(frame):,}")
m2.metric("Speakers", frame[S.SPEAKER].nunique())
m3.metric("Topics", frame[S.TOPIC].nunique())
m4.metric("Years", f"{frame[S.DATE].min():%Y}–{frame[S.DATE].max():%Y}" if len(frame) else "–")

if not empty_guard(view):
    st.subheader("Search by meaning")
    c1, c2 = st.columns([5, 1])
    query = c1.text_input(
        "Statements like…", key=P.QUERY, bind="query-params",
        placeholder="e.g. the trade deal is irrelevant", help="Finds statements whose meaning is close to this phrase, not just the same words.",
    )
    links.check_number(P.TOP_K, 1, 100, "Results", 10)
    k = c2.number_input("Results", min_value=1, max_value=100, value=10, key=P.TOP_K, bind="query-params")
    if query.strip():
        qvec, msg = encode_phrase(query)
        if msg:
            st.warning(msg)
        elif len(view.frame) == 0:
            st.info("None of the statements the filters keep has a vector yet.")
        else:
            hits = A.nearest(view.frame, view.vectors, qvec, k=int(k))
            st.caption(f"The {len(hits)} statements closest in meaning to “{query.strip()[:80]}” among {len(view.frame):,}. Similarity is the cosine of sentence embeddings, not agreement.")
            key = _table_key("search_results")
            pick = partial(_pick, key, view.dataset.frame, view.rows[hits["row"].to_numpy()])
            statements_table(hits, score=True, key=key, on_select=pick)

    # Bars drawn inside tables: the first page then needs no chart library in the browser, which
    # keeps a cold start close to a bare Streamlit page (see benchmarks/cold_start.py).
    st.subheader("What the data holds")
    years = frame.assign(year=frame[S.DATE].dt.year.astype(str))
    for col, (column, counts) in zip(
        st.columns([5, 4, 3]),
        (
            (S.SPEAKER, A.counts_by(frame, S.SPEAKER)),
            (S.TOPIC, A.counts_by(frame, S.TOPIC)),
            ("year", A.counts_by(years, "year").sort_values("year", ascending=False)),
        ),
    ):
        col.dataframe(
            counts,
            hide_index=True,
            width="stretch",
            height=min(420, 35 * len(counts) + 38),
            key=f"counts_{column}",
            column_config={
                column: st.column_config.TextColumn(column.capitalize()),
                "statements": st.column_config.ProgressColumn(
                    "Statements", min_value=0, max_value=int(counts["statements"].max()), format="%d"
                ),
            },
        )

    st.subheader("Statements")
    st.caption(
        "Newest first. Click a column header to sort, tick a row to open the statement with the ones "
        "closest to it; the Source column opens the page the quote was copied from."
    )
    if len(frame) > MAX_TABLE_ROWS:
        st.caption(f"Showing the newest {MAX_TABLE_ROWS:,} of {len(frame):,}; narrow the filters to see others.")
    shown = A.newest_first(frame, MAX_TABLE_ROWS)
    key = _table_key("all_statements")
    pick = partial(_pick, key, view.dataset.frame, view.dataset.frame.index.get_indexer(shown.index))
    statements_table(shown, height=520, key=key, on_select=pick)

if ref := st.query_params.get(P.STATEMENT):
    pos = find_statement(view.dataset.frame, ref)
    if pos is None:
        links.report("Statement", ref, "is not in this dataset, so it was not opened")
        st.query_params.pop(P.STATEMENT, None)
    else:
        _statement(view, pos)
