"""Similarity heatmaps: speaker x speaker, speaker x topic, statement x statement, with drill-down.

Plotly heatmap clicks do not reach Streamlit, so a cell is chosen with two select boxes (row and
column) that are also part of the share link.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from stance_explorer import analysis as A
from stance_explorer import figures as F
from stance_explorer import schema as S
from stance_explorer.export import safe_csv_bytes
from webapp import links
from webapp import params as P
from webapp.render import quote_card, statements_table
from webapp.shell import empty_guard, notice
from webapp.state import current_view
from webapp.widgets import bound_select

MODES = ["speaker × speaker", "speaker × topic", "statement × statement"]
ALL_TOPICS = "all topics"

MAX_CELL_ROWS = 2000


def cell_table(cell: pd.DataFrame) -> None:
    if len(cell) > MAX_CELL_ROWS:
        st.caption(f"The newest {MAX_CELL_ROWS:,} of {len(cell):,} statements behind this cell.")
    statements_table(A.newest_first(cell, MAX_CELL_ROWS), key="cell_rows")


view = current_view()
st.title("Similarity heatmaps")
st.caption("Cosine similarity of sentence embeddings: how alike statements are in wording and subject, not whether they agree.")
notice(view)

if not empty_guard(view):
    frame, vectors = view.frame, view.vectors
    c1, c2 = st.columns([2, 2])
    links.check_options(P.HM_MODE, MODES, "Matrix")
    mode = c1.radio("Matrix", MODES, key=P.HM_MODE, bind="query-params", horizontal=True)
    hover = None
    if mode == MODES[0]:
        topic_options = [ALL_TOPICS] + sorted(frame[S.TOPIC].unique())
        links.check_options(P.HM_TOPIC, topic_options, "Within topic")
        topic = c2.selectbox("Within topic", topic_options, key=P.HM_TOPIC, bind="query-params")
        t = None if topic == ALL_TOPICS else topic
        matrix = A.speaker_similarity(frame, vectors, topic=t)
        if len(matrix) > 1:
            order = A.cluster_order(matrix.to_numpy())
            matrix = matrix.iloc[order, order]
        title = "Speaker × speaker" + (f" on {t}" if t else "")
        st.caption("Each cell compares two speakers' average statements" + (f" on {t}." if t else ".") + " Rows are ordered by clustering, so speakers who sound alike sit together.")
        fig = F.heatmap_figure(matrix, title=title, zmin=0, zmax=1)
    elif mode == MODES[1]:
        matrix, counts = A.speaker_topic_matrix(frame, vectors)
        title = "Speaker × topic: closeness to everyone else on the topic"
        st.caption("Each cell compares a speaker's average statement on a topic with everyone else's on it. Empty cells: the speaker said nothing on that topic.")
        hover = np.array(
            [[f"{S_} on {T_}: {int(counts.loc[S_, T_])} statements" for T_ in matrix.columns] for S_ in matrix.index], dtype=object
        )
        fig = F.heatmap_figure(matrix, title=title, zmin=-0.2, zmax=1, hover=hover)
    else:
        links.check_number(P.HM_MAX, 10, A.MAX_STATEMENT_MATRIX, "Most statements to show", 120)
        max_n = c2.number_input("Most statements to show", min_value=10, max_value=A.MAX_STATEMENT_MATRIX, value=120, step=10, key=P.HM_MAX, bind="query-params")
        capped = A.cap_statements(len(frame), int(max_n))
        if capped.notice:
            st.warning(capped.notice, icon=":material/content_cut:")
        sub = frame.iloc[capped.rows].reset_index(drop=True)
        sim, order = A.statement_similarity(vectors[capped.rows])
        sub, sim = sub.iloc[order].reset_index(drop=True), sim[np.ix_(order, order)]
        # Labels carry the statement id, so a shared row/column still names the same statement.
        fig = F.statement_heatmap_figure(sub, sim, title="Statement × statement")
        ticks = list(fig.data[0].y)
        labels = [f"{t} · {r[S.SPEAKER]}, {r[S.DATE]:%Y-%m-%d}" for t, (_, r) in zip(ticks, sub.iterrows())]
        matrix = pd.DataFrame(sim, index=labels, columns=labels)
        st.caption(f"{len(sub)} statements ordered by clustering: blocks of warm colour are groups of statements that say similar things. Hover a cell to read both quotes.")

    st.plotly_chart(fig, width="stretch", key="heatmap")

    st.subheader("Look inside a cell")
    if matrix.empty:
        st.info("Nothing to show for these filters.")
    else:
        r1, r2 = st.columns(2)
        # Nothing picked means the first row and the second column (webapp/widgets.py).
        rows_, cols_ = list(matrix.index), list(matrix.columns)
        row_label = bound_select(r1, "Row", rows_, key=P.HM_ROW, fallback=rows_[0], why="first row")
        col_label = bound_select(r2, "Column", cols_, key=P.HM_COL, fallback=cols_[min(1, len(cols_) - 1)], why="second column")
        value = matrix.loc[row_label, col_label]
        st.metric("Cosine similarity", "no statements" if pd.isna(value) else f"{float(value):.3f}")
        if mode == MODES[0]:
            cell = frame[frame[S.SPEAKER].isin([row_label, col_label])]
            if t:
                cell = cell[cell[S.TOPIC] == t]
            cell_table(cell)
        elif mode == MODES[1]:
            cell = frame[(frame[S.SPEAKER] == row_label) & (frame[S.TOPIC] == col_label)]
            if cell.empty:
                st.info(f"{row_label} has no statement on {col_label} under the current filters.")
            else:
                cell_table(cell)
        else:
            a, b = st.columns(2)
            with a:
                quote_card(sub.iloc[labels.index(row_label)])
            with b:
                quote_card(sub.iloc[labels.index(col_label)])

    st.download_button(
        "Download this matrix (CSV)",
        data=safe_csv_bytes(matrix.reset_index(names="")),
        file_name=f"stance-explorer-{mode.replace(' × ', '-by-').replace(' ', '-')}.csv",
        mime="text/csv",
        icon=":material/download:",
    )
