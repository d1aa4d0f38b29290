"""Similarity heatmaps: speaker x speaker, speaker x topic, statement x statement, with drill-down.

What each matrix shows is built by ``stance_explorer/views/heatmaps.py``; this page makes the
widgets (bound to the share link) and renders what the view returns.
"""

from __future__ import annotations

import streamlit as st

from stance_explorer.views.heatmaps import (
    MAX_STATEMENTS,
    MODES,
    SCALE_NOTE,
    Cell,
    cell_value,
    heatmap_view,
    topic_options,
)
from webapp import links
from webapp import params as P
from webapp.render import chart_summary, language_caveat, quote_card, statements_table
from webapp.shell import empty_guard, notice
from webapp.state import current_view
from webapp.widgets import bound_select


def show_cell(cell: Cell) -> None:
    if cell.message:
        st.info(cell.message)
    elif cell.pair is not None:
        for column, row in zip(st.columns(2), cell.pair):
            with column:
                quote_card(row)
    else:
        if cell.note:
            st.caption(cell.note)
        statements_table(cell.statements, key="cell_rows")


view = current_view()
st.title("Similarity heatmaps")
st.caption(
    "Cosine similarity of sentence embeddings: how alike statements are in wording and subject, not whether they agree."
)
notice(view)

if not empty_guard(view):
    frame, vectors = view.frame, view.vectors
    c1, c2 = st.columns([2, 2])
    links.check_options(P.HM_MODE, MODES, "Matrix")
    mode = c1.radio("Matrix", MODES, key=P.HM_MODE, bind="query-params", horizontal=True)
    options = {}
    if mode == MODES[0]:
        topics = topic_options(frame)
        links.check_options(P.HM_TOPIC, topics, "Within topic")
        options["topic"] = c2.selectbox("Within topic", topics, key=P.HM_TOPIC, bind="query-params")
    elif mode == MODES[2]:
        links.check_number(P.HM_MAX, 10, MAX_STATEMENTS, "Most statements to show", 120)
        options["max_n"] = c2.number_input(
            "Most statements to show",
            min_value=10,
            max_value=MAX_STATEMENTS,
            value=120,
            step=10,
            key=P.HM_MAX,
            bind="query-params",
        )
    shown = heatmap_view(frame, vectors, mode, **options)
    matrix = shown.matrix
    if shown.notice:
        st.warning(shown.notice, icon=":material/content_cut:")

    st.caption(shown.caption)
    st.plotly_chart(shown.figure, width="stretch", key="heatmap")
    chart_summary(shown.summary, "heatmap")
    st.caption(SCALE_NOTE)
    language_caveat(shown.statements, view.dataset.model_id)

    st.subheader("Look inside a cell")
    if matrix.empty:
        st.info("Nothing to show for these filters.")
    else:
        r1, r2 = st.columns(2)
        # Nothing picked means the first row and the second column (webapp/widgets.py).
        rows_, cols_ = list(matrix.index), list(matrix.columns)
        row_label = bound_select(r1, "Row", rows_, key=P.HM_ROW, fallback=rows_[0], why="first row")
        col_label = bound_select(
            r2, "Column", cols_, key=P.HM_COL, fallback=cols_[min(1, len(cols_) - 1)], why="second column"
        )
        st.metric("Cosine similarity", cell_value(matrix, row_label, col_label))
        show_cell(shown.cell(row_label, col_label))

    st.download_button(
        "Download this matrix (CSV)",
        data=shown.csv(),
        file_name=shown.file_name,
        mime="text/csv",
        icon=":material/download:",
    )
