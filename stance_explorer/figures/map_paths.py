"""Speakers' paths on the map: one star per window, arrows between them, each year placed where it covers no other label."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from stance_explorer import schema as S
from stance_explorer.figures.map_labels import TEXT_POSITIONS, YEAR_FONT, Box, LabelScale, star_boxes
from stance_explorer.figures.style import hover_text


def _step_hover(frame: pd.DataFrame, step) -> str:
    head = f"<b>{html.escape(str(step.speaker))}</b>, {html.escape(str(step.window))}: {step.count} statements"
    if not step.movers:
        return head + "<br>first period shown"
    lines = [head, f"moved {step.shift:.2f} (1 − cosine to the previous period); the quotes that moved it most:"]
    for i, row in enumerate(step.movers, 1):
        lines.append(f"{i}. {frame[S.DATE].iat[row]:%Y-%m-%d}: {hover_text(frame[S.TEXT].iat[row], max_chars=200)}")
    return "<br>".join(lines)


#: Path colours when the points are not coloured by speaker (or the speaker has no colour of their own).
PATH_COLORS = ["#111111", "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"]


def add_trajectories(
    fig: go.Figure,
    frame: pd.DataFrame,
    steps: pd.DataFrame,
    speaker_colors: dict[str, str],
    *,
    scale: LabelScale,
    taken: list[Box],
) -> int:
    """A speaker's path takes the colour of their points, so path and statements read together.

    Each star's year goes above it, or below, right or left of it, wherever it covers no label
    already drawn (``taken``, which grows) and no star; with no free side it is left out (the
    star's hover still names the year). Returns how many were left out.
    """
    hidden = 0
    # A year would rather not sit under another star either: the stars are obstacles, not labels.
    stars = star_boxes(steps, scale)
    for i, (speaker, g) in enumerate(steps.groupby("speaker", sort=False)):
        color = speaker_colors.get(str(speaker), PATH_COLORS[i % len(PATH_COLORS)])
        texts, positions = [], []
        for x, y, w in zip(g["x"], g["y"], g["window"]):
            text = html.escape(str(w))
            spot = None
            for pos in TEXT_POSITIONS:
                box = scale.beside(float(x), float(y), text, YEAR_FONT, pos)
                if not any(box.overlaps(t) for t in taken) and not any(box.overlaps(s) for s in stars):
                    spot = pos
                    taken.append(box)
                    break
            if spot is None:
                hidden += 1
            texts.append(text if spot else "")
            positions.append(spot or TEXT_POSITIONS[0])
        fig.add_trace(
            go.Scatter(
                x=g["x"],
                y=g["y"],
                mode="markers+text",
                name=f"{html.escape(str(speaker))} over time",
                text=texts,
                textposition=positions,
                textfont=dict(size=YEAR_FONT),
                marker=dict(size=13, color=color, symbol="star", line=dict(width=1, color="#222")),
                hovertext=[_step_hover(frame, s) for s in g.itertuples()],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
        xs, ys = g["x"].to_numpy(), g["y"].to_numpy()
        for j in range(1, len(g)):
            fig.add_annotation(
                x=xs[j],
                y=ys[j],
                ax=xs[j - 1],
                ay=ys[j - 1],
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                showarrow=True,
                arrowhead=3,
                arrowsize=1.3,
                arrowwidth=2,
                arrowcolor=color,
                text="",
            )
    return hidden
