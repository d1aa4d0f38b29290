"""The Heatmaps page's views: one matrix (speaker x speaker, speaker x topic or statement x statement)
with its figure, caption and summary in words, and what is behind one of its cells.

Plotly heatmap clicks do not reach Streamlit, so the page picks a cell with two select boxes; the
labels of rows and columns come from the data (``analysis``), never back from the figure, whose
text is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from stance_explorer import schema as S
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
from stance_explorer.summaries import pair_heatmap_summary, speaker_topic_summary
from stance_explorer.wording import counted

MODES = ["speaker × speaker", "speaker × topic", "statement × statement"]
ALL_TOPICS = "all topics"
MAX_CELL_ROWS = 2000
#: The statement x statement matrix's largest size (its number input's maximum).
MAX_STATEMENTS = MAX_STATEMENT_MATRIX
SCALE_NOTE = (
    "Colours run from 0 (unrelated) to 1 (the same wording). A value below 0 still means unrelated, "
    "not opposite: similarity measures wording and subject, not agreement."
)


@dataclass
class Cell:
    """What is behind one cell: statements to list (with a note when cut), a message when there are
    none, or the two statements a statement x statement cell compares."""

    statements: pd.DataFrame | None = None
    note: str | None = None
    message: str | None = None
    pair: tuple[pd.Series, pd.Series] | None = None


@dataclass
class Shown:
    """One matrix as the page shows it: values (labelled as the select boxes and the CSV name them),
    the figure, a caption, the statements it was made from, the chart's summary in words, a notice
    when the statements were cut, and what to show behind a cell (``cell(row, column)``)."""

    matrix: pd.DataFrame
    figure: go.Figure
    caption: str
    statements: pd.DataFrame
    cell: Callable[[str, str], Cell]
    summary: str
    notice: str | None = None
    file_name: str = field(default="stance-explorer-heatmap.csv")

    def csv(self) -> bytes:
        """The matrix as the download offers it: labelled rows and columns, cells safe for spreadsheets."""
        return safe_csv_bytes(self.matrix.reset_index(names=""))


def statements_cell(statements: pd.DataFrame) -> Cell:
    """The statements behind a cell, newest first, at most ``MAX_CELL_ROWS`` (and a note saying so)."""
    note = None
    if len(statements) > MAX_CELL_ROWS:
        note = f"The newest {MAX_CELL_ROWS:,} of {len(statements):,} statements behind this cell."
    return Cell(statements=newest_first(statements, MAX_CELL_ROWS), note=note)


def speaker_by_speaker(frame: pd.DataFrame, vectors: np.ndarray, topic: str | None) -> Shown:
    """Mean similarity of every two speakers' statements (on ``topic``, or all), ordered by clustering."""
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

    def cell(row: str, col: str) -> Cell:
        return statements_cell(used[used[S.SPEAKER].isin([row, col])])

    return Shown(matrix, fig, caption, used, cell, pair_heatmap_summary(matrix))


def speaker_by_topic(frame: pd.DataFrame, vectors: np.ndarray) -> Shown:
    """How close each speaker's average statement on a topic is to everyone else's on it."""
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

    def cell(row: str, col: str) -> Cell:
        shown = frame[(frame[S.SPEAKER] == row) & (frame[S.TOPIC] == col)]
        if shown.empty:
            return Cell(message=f"{row} has no statement on {col} under the current filters.")
        return statements_cell(shown)

    return Shown(matrix, fig, caption, frame, cell, speaker_topic_summary(matrix))


def statement_by_statement(frame: pd.DataFrame, vectors: np.ndarray, max_n: int) -> Shown:
    """Every two of at most ``max_n`` statements (a seeded sample beyond), ordered by clustering."""
    capped = cap_statements(len(frame), max_n)
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

    def cell(row: str, col: str) -> Cell:
        return Cell(pair=(sub.iloc[position[row]], sub.iloc[position[col]]))

    shown = pd.DataFrame(sim, index=labels, columns=labels)
    summary = pair_heatmap_summary(shown, what="statements")
    return Shown(shown, fig, caption, sub, cell, summary, notice=capped.notice)


def heatmap_view(
    frame: pd.DataFrame, vectors: np.ndarray, mode: str, *, topic: str = ALL_TOPICS, max_n: int = 120
) -> Shown:
    """The matrix of ``mode`` (one of ``MODES``) over the statements the filters keep.

    Args:
        frame: The statements the filters keep, row-aligned with ``vectors``.
        vectors: Their unit vectors.
        mode: One of ``MODES``.
        topic: For speaker x speaker: a topic, or ``ALL_TOPICS``.
        max_n: For statement x statement: the most statements shown.

    Returns:
        The :class:`Shown` matrix, with the CSV file name for its download.
    """
    if mode == MODES[0]:
        shown = speaker_by_speaker(frame, vectors, None if topic == ALL_TOPICS else topic)
    elif mode == MODES[1]:
        shown = speaker_by_topic(frame, vectors)
    else:
        shown = statement_by_statement(frame, vectors, int(max_n))
    shown.file_name = f"stance-explorer-{mode.replace(' × ', '-by-').replace(' ', '-')}.csv"
    return shown


def topic_options(frame: pd.DataFrame) -> list[str]:
    """What the speaker x speaker matrix can be restricted to: all topics, then each topic."""
    return [ALL_TOPICS] + sorted(frame[S.TOPIC].unique())


def cell_value(matrix: pd.DataFrame, row: str, col: str) -> str:
    """A cell's cosine as the page's metric shows it, or "no statements" for an empty cell."""
    value = matrix.loc[row, col]
    return "no statements" if pd.isna(value) else f"{float(value):.3f}"
