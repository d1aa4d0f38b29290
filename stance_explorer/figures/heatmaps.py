"""Similarity heatmaps: speaker x speaker (or x topic) matrices and statement x statement matrices, on one 0-to-1 scale."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from stance_explorer.figures.style import SIMILARITY_COLORBAR, SIMILARITY_SCALE, base_layout, statement_label


def heatmap_figure(
    matrix: pd.DataFrame,
    *,
    title: str | None = None,
    hover: np.ndarray | None = None,
    row_ticks: list[str] | None = None,
    col_ticks: list[str] | None = None,
    show_values: bool = True,
) -> go.Figure:
    """A labelled heatmap of a similarity matrix on the shared 0-to-1 scale.

    Args:
        matrix: similarity values; its index and columns name the rows and columns.
        hover: same shape, strings (escaped HTML) that replace the default hover.
        row_ticks, col_ticks: the axis text to show instead of the labels, e.g. "Name (5)".
        show_values: print values in the cells while they are big enough to read.

    Returns:
        A plotly go.Figure holding one heatmap, its rows in the matrix's order from the top.
    """
    z = matrix.to_numpy(dtype=float)
    x = [html.escape(str(c)) for c in matrix.columns]
    y = [html.escape(str(i)) for i in matrix.index]
    label_cells = show_values and 0 < z.shape[0] <= 30 and z.shape[1] <= 30
    text = np.where(np.isnan(z), "", np.char.mod("%.2f", np.nan_to_num(z))) if label_cells else None
    if hover is not None:
        kw = dict(customdata=hover, hovertemplate="%{customdata}<br>cosine %{z:.3f}<extra></extra>")
    else:
        kw = dict(hovertemplate="%{y} × %{x}<br>cosine %{z:.3f}<extra></extra>")
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x,
            y=y,
            zmin=0,
            zmax=1,
            colorscale=SIMILARITY_SCALE,
            colorbar=SIMILARITY_COLORBAR,
            text=text,
            texttemplate="%{text}" if label_cells else None,
            hoverongaps=False,
            **kw,
        )
    )
    fig.update_yaxes(autorange="reversed")
    if row_ticks is not None:
        fig.update_yaxes(tickmode="array", tickvals=y, ticktext=[html.escape(str(t)) for t in row_ticks])
    if col_ticks is not None:
        fig.update_xaxes(tickmode="array", tickvals=x, ticktext=[html.escape(str(t)) for t in col_ticks])
    n = max(len(y), 1)
    return base_layout(fig, title, height=min(900, max(320, 28 * n + 140)))


def statement_heatmap_figure(
    frame: pd.DataFrame, sim: np.ndarray, *, labels: list[str], title: str | None = None
) -> go.Figure:
    """Statement x statement heatmap; ``labels`` (``analysis.statement_labels``) name the axes, hovers show both statements.

    Args:
        frame: The statements, row-aligned with ``sim``'s rows and columns.
        sim: (n, n) statement-by-statement cosine similarities.
        labels: One axis label per statement, in the frame's order.
        title: Optional chart title.

    Returns:
        A plotly go.Figure: the heatmap without values in the cells, its height growing with n.
    """
    hover_labels = np.array(statement_label(frame), dtype=object)
    hover = np.char.add(np.char.add(hover_labels[:, None].astype(str), "<br>—<br>"), hover_labels[None, :].astype(str))
    matrix = pd.DataFrame(sim, index=labels, columns=labels)
    fig = heatmap_figure(matrix, title=title, hover=hover, show_values=False)
    fig.update_layout(height=min(900, max(420, 6 * len(frame) + 160)))
    return fig
