"""Explore: what the data holds, a filterable table with sources, and search by meaning and words.

What it shows is built by ``stance_explorer/views/explore.py``; the search itself (which encodes the
query with the sidebar's model) by ``webapp/search.py``; this page makes the widgets and renders.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from stance_explorer.views.explore import (
    DOWNLOAD_HELP,
    INTRO,
    SEARCH_HELP,
    export_csv,
    holdings,
    metrics,
    search_placeholder,
    search_shown,
    statements,
)
from webapp import links, statement
from webapp import params as P
from webapp.render import chart_summary, language_caveat, statements_table
from webapp.search import run_search
from webapp.shell import empty_guard, notice
from webapp.state import current_view


def download(frame: pd.DataFrame, file_name: str, label: str) -> None:
    """A formula-safe CSV of these statements with every column, built only when clicked."""
    st.download_button(
        label,
        data=lambda: export_csv(frame),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        help=DOWNLOAD_HELP,
    )


def search_section() -> None:
    st.subheader("Search by meaning and words")
    c1, c2 = st.columns([5, 1])
    query = c1.text_input(
        "Statements like…, or words they contain",
        key=P.QUERY,
        bind="query-params",
        placeholder=search_placeholder(),
        help=SEARCH_HELP,
    )
    links.check_number(P.TOP_K, 1, 100, "Results", 10)
    k = c2.number_input("Results", min_value=1, max_value=100, value=10, key=P.TOP_K, bind="query-params")
    if not query.strip():
        return
    shown = search_shown(query, *run_search(view, query, int(k)), searched=len(view.frame))
    if shown.warning:
        st.warning(shown.warning)
    if shown.message:
        st.info(shown.message)
        return
    st.caption(shown.caption)
    key = statement.picker_key("search_results")
    pick = partial(statement.pick_row, key, view.dataset.frame, view.dataset_rows(shown.results["row"]))
    statements_table(shown.results, score=True, key=key, on_select=pick)
    download(shown.download, "search_results.csv", shown.download_label)
    language_caveat(view.frame, view.dataset.model_id)


def counts_section(frame: pd.DataFrame) -> None:
    # Bars drawn inside tables: the first page then needs no chart library in the browser, which
    # keeps a cold start close to a bare Streamlit page (see benchmarks/cold_start.py).
    st.subheader("What the data holds")
    held = holdings(frame)
    chart_summary(held.summary, "counts")
    for col, (column, counts) in zip(st.columns([5, 4, 3]), held.tables):
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


view = current_view()
st.title("Who says what, and how has it changed?")
st.caption(INTRO)
notice(view)

frame = view.kept
for column, (label, value) in zip(st.columns(4), metrics(frame)):
    column.metric(label, value)

if not empty_guard(view):
    search_section()
    counts_section(frame)
    st.subheader("Statements")
    table = statements(frame)
    st.caption(table.caption)
    if table.cut:
        st.caption(table.cut)
    key = statement.picker_key("all_statements")
    pick = partial(statement.pick_row, key, view.dataset.frame, view.dataset_rows(table.shown))
    statements_table(table.shown, height=520, key=key, on_select=pick)
    download(frame, "statements.csv", table.download_label)

statement.show_linked(view)
