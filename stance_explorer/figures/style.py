"""What every figure shares: the palette, marker symbols and dashes, the similarity colour scale, escaped hover text and the base layout."""

from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go

from stance_explorer import schema as S

# 24 distinguishable colours: the tracker draws up to a dozen speakers at once.
PALETTE = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#393b79",
    "#ad494a",
    "#637939",
    "#7b4173",
    "#e7969c",
    "#3182bd",
    "#e6550d",
    "#31a354",
    "#756bb1",
    "#636363",
    "#843c39",
    "#5254a3",
    "#8ca252",
    "#bd9e39",
]


#: Marker symbols, one per speaker next to its colour: a dozen colours alone are hard to tell apart.
SYMBOLS = [
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "x",
    "star",
    "triangle-down",
    "pentagon",
    "cross",
    "hexagon",
    "triangle-left",
    "triangle-right",
]
DASHES = ["solid", "dash", "dot", "dashdot"]

#: One sequential colour scale for every similarity heatmap, from 0 to 1. A cosine below 0 gets the
#: colour of 0: with sentence embeddings it means unrelated wording, never an opposite view, so a
#: diverging (red/blue) scale, which also reads as US party colours, would mislead.
SIMILARITY_SCALE = "Viridis"
SIMILARITY_COLORBAR = dict(
    title=dict(text="cosine<br>(not agreement)"),
    tickvals=[0, 0.25, 0.5, 0.75, 1],
    ticktext=["≤ 0 unrelated,<br>not opposite", "0.25", "0.5", "0.75", "1 same"],
)


def hover_text(text: str, width: int = 70, max_chars: int = 420) -> str:
    """A quote made safe and readable for a hover label: escaped, shortened, wrapped with <br>.

    Args:
        text: The quote; anything else is converted with ``str``.
        width: Characters per line before a ``<br>`` break.
        max_chars: Longest text kept; longer text is cut and ends in "…".

    Returns:
        The HTML-escaped text, lines joined with ``<br>``.
    """
    text = str(text)
    if len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    if len(text) <= width:  # the common case, and textwrap is slow on thousands of points
        return html.escape(text, quote=False)
    # Break long unbroken strings too, so a 10,000-character token cannot blow up the label.
    lines = textwrap.wrap(text, width=width, break_long_words=True) or [""]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def statement_label(frame: pd.DataFrame) -> list[str]:
    """'Speaker, 2026-01-13: quote' per row, escaped, for hovers.

    Args:
        frame: Statements with speaker, date (datetime) and text columns.

    Returns:
        One hover label per row, in the frame's order.
    """
    dates = frame[S.DATE].dt.strftime("%Y-%m-%d").tolist()
    return [
        f"<b>{html.escape(str(s))}</b>, {d}<br>{hover_text(t)}"
        for s, d, t in zip(frame[S.SPEAKER].tolist(), dates, frame[S.TEXT].tolist())
    ]


def base_layout(fig: go.Figure, title: str | None, height: int | None = None) -> go.Figure:
    """The layout every non-stance figure shares: title, tight margins, left-aligned hovers, plotly_white."""
    fig.update_layout(
        title=title,
        margin=dict(l=10, r=10, t=50 if title else 10, b=10),
        height=height,
        hoverlabel=dict(align="left"),
        template="plotly_white",
    )
    return fig
