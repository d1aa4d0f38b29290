"""The 2-D map: every statement as a WebGL point, coloured by speaker, topic, year or stance score, with regions and paths."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from stance_explorer import schema as S
from stance_explorer.figures.map_labels import Box, LabelScale, add_region_labels, star_boxes
from stance_explorer.figures.map_paths import add_trajectories
from stance_explorer.figures.style import PALETTE, base_layout, hover_text

MAP_COLORS = ("speaker", "topic", "year", "stance")
OTHERS_COLOR = "#c7c7c7"


#: Up to this many characters a hover quote stays on one line: no wrapping, which is slow at 100k points.
ONE_LINE_HOVER = 120


def _map_hover(frame: pd.DataFrame, chars: int) -> np.ndarray:
    """Escaped 'Speaker, date<br>quote' per row; shorter quotes (``chars``) keep a 100k map light."""
    dates = frame[S.DATE].dt.strftime("%Y-%m-%d").tolist()
    speakers, texts = frame[S.SPEAKER].astype(str).tolist(), frame[S.TEXT].astype(str).tolist()
    if chars <= ONE_LINE_HOVER:
        esc = html.escape
        quotes = [esc(t if len(t) <= chars else t[: chars - 1] + "…", quote=False) for t in texts]
    else:
        quotes = [hover_text(t, max_chars=chars) for t in texts]
    return np.array([f"<b>{html.escape(s)}</b>, {d}<br>{q}" for s, d, q in zip(speakers, dates, quotes)], dtype=object)


def _points(
    x, y, rows, hover, *, name: str, marker: dict, symbols: np.ndarray | None, showlegend: bool = True
) -> go.Scattergl:
    if symbols is not None:
        marker = dict(marker, symbol=symbols)
    return go.Scattergl(
        x=x,
        y=y,
        mode="markers",
        name=name,
        showlegend=showlegend,
        marker=dict(size=7, opacity=0.8, line=dict(width=0), **marker),
        customdata=rows,  # the frame row of each point: what a selection reports
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
    )


def _add_group_points(
    fig: go.Figure, frame: pd.DataFrame, xy: np.ndarray, hover: np.ndarray, symbols, color_by: str, max_groups: int
) -> dict[str, str]:
    """Points coloured by speaker or topic (the ``max_groups`` largest; the rest grey). Returns each named speaker's colour."""
    rows = np.arange(len(frame))
    speaker_colors: dict[str, str] = {}
    column = S.SPEAKER if color_by == "speaker" else S.TOPIC
    values = frame[column].astype(str).to_numpy()
    counts = pd.Series(values).value_counts()
    named = sorted(counts.index, key=lambda v: (-counts[v], v))[:max_groups]
    rest = ~np.isin(values, named)
    if rest.any():
        sel = np.flatnonzero(rest)
        fig.add_trace(
            _points(
                xy[sel, 0],
                xy[sel, 1],
                rows[sel],
                hover[sel],
                name=f"{len(counts) - len(named):,} other {column}s",
                marker=dict(color=OTHERS_COLOR),
                symbols=None if symbols is None else symbols[sel],
            )
        )
    for i, value in enumerate(named):
        if color_by == "speaker":
            speaker_colors[value] = PALETTE[i % len(PALETTE)]
        sel = np.flatnonzero(values == value)
        fig.add_trace(
            _points(
                xy[sel, 0],
                xy[sel, 1],
                rows[sel],
                hover[sel],
                name=html.escape(value),
                marker=dict(color=PALETTE[i % len(PALETTE)]),
                symbols=None if symbols is None else symbols[sel],
            )
        )
    return speaker_colors


def _add_scaled_points(
    fig: go.Figure,
    frame: pd.DataFrame,
    xy: np.ndarray,
    hover: np.ndarray,
    symbols,
    color_by: str,
    scores,
    score_label: str,
) -> None:
    """Points on a colour scale: the year, or a stance score (NaN: "no score", grey)."""
    n = len(frame)
    rows = np.arange(n)
    if color_by == "year":
        values = frame[S.DATE].dt.year.to_numpy(dtype=float)
        scale = dict(colorscale="Viridis", colorbar=dict(title="year", tickformat="d"))
    else:
        values = np.asarray(scores, dtype=float)
        if values.shape != (n,):
            raise ValueError(f"expected one score per statement ({n}), got shape {values.shape}")
        bound = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
        scale = dict(colorscale="RdBu", cmin=-bound, cmax=bound, colorbar=dict(title=html.escape(score_label)))
        unknown = np.flatnonzero(~np.isfinite(values))
        if len(unknown):
            fig.add_trace(
                _points(
                    xy[unknown, 0],
                    xy[unknown, 1],
                    rows[unknown],
                    hover[unknown],
                    name="no score",
                    marker=dict(color=OTHERS_COLOR),
                    symbols=None if symbols is None else symbols[unknown],
                )
            )
    sel = np.flatnonzero(np.isfinite(values))
    fig.add_trace(
        _points(
            xy[sel, 0],
            xy[sel, 1],
            rows[sel],
            hover[sel],
            name=color_by,
            showlegend=False,
            marker=dict(color=values[sel], **scale),
            symbols=None if symbols is None else symbols[sel],
        )
    )


def map_figure(
    frame: pd.DataFrame,
    xy: np.ndarray,
    *,
    color_by: str = "speaker",
    scores: np.ndarray | None = None,
    score_label: str = "stance score",
    placed: np.ndarray | None = None,
    regions: pd.DataFrame | None = None,
    steps: pd.DataFrame | None = None,
    steps_frame: pd.DataFrame | None = None,
    max_groups: int = 12,
    hover_chars: int = 420,
    height: int = 640,
) -> go.Figure:
    """Every statement as a WebGL point on the 2-D map, with optional regions and speaker trajectories.

    Args:
        frame: the statements drawn, row-aligned with ``xy``; each point's customdata is its row here.
        xy: (n, 2) map positions.
        color_by: "speaker" or "topic" (the ``max_groups`` largest get a colour, the rest are grey),
            "year" (a colour scale), or "stance": ``scores`` (one per row, NaN where unknown) on a
            diverging scale titled ``score_label``. "stance" without scores falls back to "speaker".
        placed: True for rows placed on a stored map rather than part of it (drawn as diamonds).
        regions: ``regions.regions``' table; each label is written at its region's middle.
        steps: ``trajectories.trajectories``' table; each speaker's windows joined by arrows, the hover of
            a step naming the quotes that moved the speaker most (texts from ``steps_frame``, the frame
            the paths were computed on; default ``frame``).
        max_groups: how many speakers or topics get a colour of their own.
        hover_chars: longest quote shown in a hover.
        height: the figure's height in pixels (labels are placed for it).

    Returns:
        A plotly go.Figure in select mode; ``layout.meta["hidden_labels"]`` counts labels left out.

    Example:
        >>> fig = map_figure(frame, xy, color_by="year")
    """
    xy = np.asarray(xy, dtype=np.float32)
    hover = _map_hover(frame, hover_chars)
    symbols = (
        np.where(np.asarray(placed, dtype=bool), "diamond", "circle") if placed is not None and np.any(placed) else None
    )
    fig = go.Figure()
    speaker_colors: dict[str, str] = {}
    if color_by == "stance" and scores is None:
        color_by = "speaker"
    if color_by in ("speaker", "topic"):
        speaker_colors = _add_group_points(fig, frame, xy, hover, symbols, color_by, max_groups)
    else:
        _add_scaled_points(fig, frame, xy, hover, symbols, color_by, scores, score_label)
    ext = [xy[np.isfinite(xy).all(axis=1)]]
    if steps is not None and len(steps):
        ext.append(steps[["x", "y"]].to_numpy(dtype=np.float32))
    scale = LabelScale.of(np.concatenate(ext), height)
    taken: list[Box] = []
    hidden = 0
    stars: list[Box] = []
    if steps is not None and len(steps):
        # The paths a reader asked for first: their years are placed, then the region labels around
        # those years and the stars, so no region label hides a step of a path.
        stars = star_boxes(steps, scale)
        hidden += add_trajectories(
            fig, frame if steps_frame is None else steps_frame, steps, speaker_colors, scale=scale, taken=taken
        )
    if regions is not None:
        hidden += add_region_labels(fig, regions, scale, taken, stars)
    fig.layout.meta = {"hidden_labels": hidden}
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, title=None)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, title=None)
    fig = base_layout(fig, None, height=height)
    fig.update_layout(dragmode="select", legend=dict(itemsizing="constant"), uirevision="map")
    return fig
