"""Map labels placed apart: label sizes in pixels and data units, region labels that avoid each other, and the drawn boxes a test checks."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go


def add_region_labels(
    fig: go.Figure, regions: pd.DataFrame, scale: LabelScale, taken: list[Box], stars: list[Box] = ()
) -> int:
    """Each region's label at its middle, largest region first; returns how many were left out.

    A label covers no label already drawn (``taken``, which grows: the years of speakers' paths come
    first) and no star of a path (``stars``): it moves a little, or is left out.
    """
    hidden = 0
    # The largest regions first: a label that would cover one already drawn moves a little, or is left out.
    for r in regions.sort_values("statements", ascending=False, kind="stable").itertuples():
        text = f"<b>{html.escape(r.label)}</b>"
        spot = _free_spot(
            [scale.centered(r.x + dx, r.y + dy, text, REGION_FONT, bold=True) for dx, dy in _offsets(scale, text)],
            [*taken, *stars],
        )
        if spot is None:
            hidden += 1
            continue
        taken.append(spot)
        fig.add_annotation(
            x=(spot.x0 + spot.x1) / 2,
            y=(spot.y0 + spot.y1) / 2,
            text=text,
            showarrow=False,
            bgcolor="rgba(255,255,255,0.8)",
            bordercolor="#888",
            borderwidth=1,
            font=dict(size=REGION_FONT, color="#222"),
        )
    return hidden


REGION_FONT = 12
YEAR_FONT = 11
STAR_SIZE = 13
#: The plot area label placement assumes, in pixels. The chart stretches to the page; a narrow plot
#: gives a label more room in data units, so labels placed apart at this size stay apart when wider.
LABEL_PLOT_WIDTH = 600
#: Where a star's year may go, in order of preference.
TEXT_POSITIONS = ("top center", "bottom center", "middle right", "middle left")
_TAG = re.compile(r"<[^>]+>")


def text_size_px(text: str, font: int, *, bold: bool = False) -> tuple[float, float]:
    """Approximate width and height in pixels of one line of label text (HTML tags and escapes read as text).

    Deliberately generous: 0.62 (bold 0.66) of the font size per character, a line 1.4 font sizes
    high, plus 8 px for the padding and border of a boxed label.

    Args:
        text: One line of label text, possibly with HTML tags and escapes.
        font: The font size in pixels.
        bold: Whether the text is bold (slightly wider).

    Returns:
        (width, height) in pixels, padding included.
    """
    plain = html.unescape(_TAG.sub("", text))
    return len(plain) * font * (0.66 if bold else 0.62) + 8, font * 1.4 + 8


@dataclass(frozen=True)
class Box:
    """A label's box in data units."""

    x0: float
    x1: float
    y0: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1


@dataclass(frozen=True)
class LabelScale:
    """Data units per pixel across and up, for a map drawn over ``xy``'s extent at the assumed size."""

    ux: float
    uy: float

    @classmethod
    def of(cls, xy: np.ndarray, height: int, width: int = LABEL_PLOT_WIDTH) -> LabelScale:
        if len(xy) == 0:
            return cls(1.0, 1.0)
        # No autorange padding counted: the real axis spans a little more, so labels are a little smaller.
        span = np.ptp(np.asarray(xy, dtype=np.float64), axis=0)
        plot_h = max(height - 20, 100)  # the map's margins: 10 px top and bottom
        return cls(float(span[0] or 1.0) / width, float(span[1] or 1.0) / plot_h)

    def centered(self, x: float, y: float, text: str, font: int, *, bold: bool = False) -> Box:
        w, h = text_size_px(text, font, bold=bold)
        return Box(x - w * self.ux / 2, x + w * self.ux / 2, y - h * self.uy / 2, y + h * self.uy / 2)

    def beside(self, x: float, y: float, text: str, font: int, position: str) -> Box:
        """The box of a trace's text at ``position`` ("top center", ...) of a star at (x, y)."""
        w, h = text_size_px(text, font)
        w, h, gap = w * self.ux, h * self.uy, STAR_SIZE / 2 + 2
        vertical, horizontal = position.split()
        if horizontal == "center":
            x0 = x - w / 2
        else:
            x0 = x + gap * self.ux if horizontal == "right" else x - gap * self.ux - w
        if vertical == "middle":
            y0 = y - h / 2
        else:
            y0 = y + gap * self.uy if vertical == "top" else y - gap * self.uy - h
        return Box(x0, x0 + w, y0, y0 + h)


def _offsets(scale: LabelScale, text: str) -> list[tuple[float, float]]:
    """Where a region label may go, in data units from its region's middle: there, then a box up or
    down, then half its width to either side."""
    w, h = text_size_px(text, REGION_FONT, bold=True)
    step, side = h * scale.uy * 1.05, w * scale.ux * 0.55
    vertical = [(0.0, 0.0), (0.0, step), (0.0, -step), (0.0, 2 * step), (0.0, -2 * step)]
    # Half a label aside at most: a label moved further would sit by other points, not its region's.
    return vertical + [(dx, dy) for dx in (side, -side) for dy in (0.0, step, -step)]


def star_boxes(steps: pd.DataFrame, scale: LabelScale) -> list[Box]:
    """The box each star of a speaker's path covers, in data units (the stars are obstacles to labels).

    Args:
        steps: ``trajectories.trajectories``' table (``x``, ``y`` per step).
        scale: Data units per pixel of the map.

    Returns:
        One :class:`Box` per step.
    """
    r = STAR_SIZE / 2
    return [
        Box(x - r * scale.ux, x + r * scale.ux, y - r * scale.uy, y + r * scale.uy)
        for x, y in zip(steps["x"].astype(float), steps["y"].astype(float))
    ]


def _free_spot(candidates: list[Box], taken: list[Box]) -> Box | None:
    return next((b for b in candidates if not any(b.overlaps(t) for t in taken)), None)


def drawn_label_boxes(fig: go.Figure, height: int | None = None) -> list[Box]:
    """The boxes of every label a map figure draws (region annotations, year texts), estimated the
    way :func:`map_figure` places them, from the figure alone: what a test checks for overlaps.

    Args:
        fig: A figure from :func:`map_figure`.
        height: The height the labels were placed for; None takes the figure's (or 640).

    Returns:
        One :class:`Box` in data units per drawn region label and year text.
    """
    pts = [
        np.column_stack([np.asarray(t.x, dtype=np.float64), np.asarray(t.y, dtype=np.float64)])
        for t in fig.data
        if t.x is not None and len(t.x)
    ]
    xy = np.concatenate(pts) if pts else np.zeros((0, 2))
    scale = LabelScale.of(xy[np.isfinite(xy).all(axis=1)], height or fig.layout.height or 640)
    boxes = [
        scale.centered(a.x, a.y, a.text, a.font.size or REGION_FONT, bold=a.text.startswith("<b>"))
        for a in fig.layout.annotations
        if a.text
    ]
    for t in fig.data:
        if t.mode and "text" in t.mode and t.text is not None:
            positions = t.textposition if isinstance(t.textposition, tuple) else [t.textposition] * len(t.x)
            font = (t.textfont.size if t.textfont else None) or 12
            for x, y, text, pos in zip(t.x, t.y, t.text, positions):
                if text:
                    boxes.append(scale.beside(float(x), float(y), text, font, pos))
    return boxes
