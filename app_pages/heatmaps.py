"""Similarity heatmaps: speaker x speaker, speaker x topic, statement x statement, with drill-down.

Plotly heatmap clicks do not reach Streamlit, so a cell is chosen with two select boxes (row and
column) that are also part of the share link. Each matrix has a function of its own that returns
what the page shows; the labels of rows and columns come from the data (``analysis``), never
back from the figure, whose text is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from stance_explorer import schema as S
from stance_explorer import summaries as SM
from stance_explorer.analysis.groups import speaker_topic_matrix
from stance_explorer.analysis.pairs import pair_similarity_matrix
from stance_explorer.analysis.similarity import (
    MAX_STATEMENT_MATRIX,
    cap_statements,
    cluster_order,
    statement_similarity,
)
from stance_explorer.analysis.tables import count_labels, newest_first, statement_labels
from stance_explorer.export import safe_csv_bytes
from stance_explorer.figures.heatmaps import heatmap_figure, statement_heatmap_figure
from stance_explorer.figures.style import hover_text
from stance_explorer.wording import counted
from webapp import links
from webapp import params as P
from webapp.render import chart_summary, language_caveat, quote_card, statements_table
from webapp.shell import empty_guard, notice
from webapp.state import current_view
from webapp.widgets import bound_select

MODES = ["speaker × speaker", "speaker × topic", "statement × statement"]
ALL_TOPICS = "all topics"

MAX_CELL_ROWS = 2000
SCALE_NOTE = (
    "Colours run from 0 (unrelated) to 1 (the same wording). A value below 0 still means unrelated, "
    "not opposite: similarity measures wording and subject, not agreement."
)


@dataclass
class Shown:
    """One matrix as the page shows it: values (labelled as the select boxes and the CSV name them),
    the figure, a caption, the statements it was made from, and what to show behind a cell."""

    matrix: pd.DataFrame
    figure: go.Figure
    caption: str
    statements: pd.DataFrame
    cell: Callable[[str, str], None]
    summary: str


def cell_table(cell: pd.DataFrame) -> None:
    if len(cell) > MAX_CELL_ROWS:
        st.caption(f"The newest {MAX_CELL_ROWS:,} of {len(cell):,} statements behind this cell.")
    statements_table(newest_first(cell, MAX_CELL_ROWS), key="cell_rows")


def speaker_by_speaker(frame: pd.DataFrame, vectors: np.ndarray, topic: str | None) -> Shown:
    matrix = pair_similarity_matrix(frame, vectors, topic=topic)
    if len(matrix) > 1:
        order = cluster_order(matrix.to_numpy())
        matrix = matrix.iloc[order, order]
    used = frame if topic is None else frame[frame[S.TOPIC] == topic]
    ticks = count_labels(used, S.SPEAKER, list(matrix.index))
    fig = heatmap_figure(
        matrix, title="Speaker × speaker" + (f" on {topic}" if topic else ""), row_ticks=ticks, col_ticks=ticks
    )
    caption = (
        "Each cell is the average similarity of two speakers' statements"
        + (f" on {topic}" if topic else "")
        + ", taken two at a time; a speaker's own cell compares their statements with one another. In brackets: "
        "each speaker's number of statements. Rows are ordered by clustering, so speakers who sound alike sit together."
    )

    def cell(row: str, col: str) -> None:
        cell_table(used[used[S.SPEAKER].isin([row, col])])

    return Shown(matrix, fig, caption, used, cell, SM.pair_heatmap_summary(matrix))


def speaker_by_topic(frame: pd.DataFrame, vectors: np.ndarray) -> Shown:
    matrix, counts = speaker_topic_matrix(frame, vectors)
    hover = np.array(
        [[hover_text(f"{s} on {t}: {int(counts.loc[s, t])} statements") for t in matrix.columns] for s in matrix.index],
        dtype=object,
    )
    fig = heatmap_figure(
        matrix,
        title="Speaker × topic: closeness to everyone else on the topic",
        hover=hover,
        row_ticks=count_labels(frame, S.SPEAKER, list(matrix.index)),
        col_ticks=count_labels(frame, S.TOPIC, list(matrix.columns)),
    )
    caption = (
        "Each cell compares a speaker's average statement on a topic with everyone else's on it. Empty cells: the "
        "speaker said nothing on that topic. In brackets: statements per speaker and per topic."
    )

    def cell(row: str, col: str) -> None:
        shown = frame[(frame[S.SPEAKER] == row) & (frame[S.TOPIC] == col)]
        if shown.empty:
            st.info(f"{row} has no statement on {col} under the current filters.")
        else:
            cell_table(shown)

    return Shown(matrix, fig, caption, frame, cell, SM.speaker_topic_summary(matrix))


def statement_by_statement(frame: pd.DataFrame, vectors: np.ndarray, max_n: int) -> Shown:
    capped = cap_statements(len(frame), max_n)
    if capped.notice:
        st.warning(capped.notice, icon=":material/content_cut:")
    sub = frame.iloc[capped.rows].reset_index(drop=True)
    sim, order = statement_similarity(vectors[capped.rows])
    sub, sim = sub.iloc[order].reset_index(drop=True), sim[np.ix_(order, order)]
    # Labels carry the id with speaker and date, so a shared row/column still names the same statement.
    labels = statement_labels(sub)
    position = {label: i for i, label in enumerate(labels)}
    fig = statement_heatmap_figure(sub, sim, labels=labels, title="Statement × statement")
    caption = (
        f"{counted(len(sub), 'statement')}, labelled by id, speaker and date, ordered by clustering: blocks of warm colour are "
        "groups of statements that say similar things. Hover a cell to read both quotes."
    )

    def cell(row: str, col: str) -> None:
        a, b = st.columns(2)
        with a:
            quote_card(sub.iloc[position[row]])
        with b:
            quote_card(sub.iloc[position[col]])

    shown = pd.DataFrame(sim, index=labels, columns=labels)
    return Shown(shown, fig, caption, sub, cell, SM.pair_heatmap_summary(shown, what="statements"))


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
    if mode == MODES[0]:
        topic_options = [ALL_TOPICS] + sorted(frame[S.TOPIC].unique())
        links.check_options(P.HM_TOPIC, topic_options, "Within topic")
        topic = c2.selectbox("Within topic", topic_options, key=P.HM_TOPIC, bind="query-params")
        shown = speaker_by_speaker(frame, vectors, None if topic == ALL_TOPICS else topic)
    elif mode == MODES[1]:
        shown = speaker_by_topic(frame, vectors)
    else:
        links.check_number(P.HM_MAX, 10, MAX_STATEMENT_MATRIX, "Most statements to show", 120)
        max_n = c2.number_input(
            "Most statements to show",
            min_value=10,
            max_value=MAX_STATEMENT_MATRIX,
            value=120,
            step=10,
            key=P.HM_MAX,
            bind="query-params",
        )
        shown = statement_by_statement(frame, vectors, int(max_n))
    matrix = shown.matrix

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
        value = matrix.loc[row_label, col_label]
        st.metric("Cosine similarity", "no statements" if pd.isna(value) else f"{float(value):.3f}")
        shown.cell(row_label, col_label)

    st.download_button(
        "Download this matrix (CSV)",
        data=safe_csv_bytes(matrix.reset_index(names="")),
        file_name=f"stance-explorer-{mode.replace(' × ', '-by-').replace(' ', '-')}.csv",
        mime="text/csv",
        icon=":material/download:",
    )
