"""Map labels do not overlap (stance_explorer/figures/map_labels.py): region labels and the years of speakers'
paths are placed apart, moved a little or left out, on synthetic crowds and on the bundled map."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from stance_explorer.figures.map import map_figure
from stance_explorer.figures.map_labels import (
    REGION_FONT,
    STAR_SIZE,
    YEAR_FONT,
    Box,
    LabelScale,
    drawn_label_boxes,
    text_size_px,
)
from stance_explorer.mapping.projection import pca_transform, place
from stance_explorer.mapping.regions import regions
from stance_explorer.mapping.trajectories import trajectories

PATH_SPEAKERS = [
    "Donald Trump",
    "Claudia Sheinbaum",
    "Marcelo Ebrard",
    "Jamieson Greer",
    "Mark Carney",
    "Justin Trudeau",
]


def overlapping(fig) -> list:
    boxes = drawn_label_boxes(fig)
    return [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]


def _frame(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {"speaker": ["A"] * n, "topic": "t", "text": "x", "date": pd.Timestamp("2020-01-01")}
    ).reset_index(drop=True)


def test_box_geometry():
    a = Box(0, 1, 0, 1)
    assert a.overlaps(Box(0.5, 2, 0.5, 2)) and not a.overlaps(Box(1, 2, 0, 1))  # touching is not overlapping
    scale = LabelScale(0.01, 0.02)
    w, h = text_size_px("2020", YEAR_FONT)
    top = scale.beside(0, 0, "2020", YEAR_FONT, "top center")
    bottom = scale.beside(0, 0, "2020", YEAR_FONT, "bottom center")
    assert top.y0 > 0 > bottom.y1 and top.x1 - top.x0 == pytest.approx(w * 0.01)
    assert not top.overlaps(bottom)
    assert text_size_px("<b>a &amp; b</b>", 12, bold=True)[0] == pytest.approx(5 * 12 * 0.66 + 8)


def test_labels_of_regions_on_one_spot_are_moved_apart_or_left_out():
    xy = np.random.default_rng(0).normal(size=(200, 2)).astype(np.float32)
    table = pd.DataFrame(
        {
            "label": [f"word{i} · other{i} · third{i}" for i in range(6)],
            "x": [0.0] * 6,
            "y": [0.0] * 6,
            "statements": [60, 50, 40, 30, 20, 10],
        }
    )
    fig = map_figure(_frame(200), xy, regions=table)
    drawn = [a.text for a in fig.layout.annotations]
    assert overlapping(fig) == []
    assert drawn[0] == "<b>word0 · other0 · third0</b>"  # the largest region keeps its place
    assert fig.layout.annotations[0].x == pytest.approx(0) and fig.layout.annotations[0].y == pytest.approx(0)
    assert len(drawn) + fig.layout.meta["hidden_labels"] == 6 and len(drawn) >= 3


def test_years_of_paths_through_the_same_spots_do_not_overlap():
    xy = np.random.default_rng(1).normal(size=(100, 2)).astype(np.float32)
    steps = pd.DataFrame(
        {
            "speaker": ["Ana"] * 3 + ["Ben"] * 3,
            "window": ["2019", "2020", "2021"] * 2,
            "x": [0.0, 0.01, 0.02] * 2,
            "y": [0.0, 0.0, 0.01] * 2,
            "count": 1,
            "shift": np.nan,
            "movers": [[]] * 6,
        }
    )
    fig = map_figure(_frame(100), xy, steps=steps)
    texts = [t for tr in fig.data if tr.mode == "markers+text" for t in tr.text]
    assert overlapping(fig) == []
    assert sum(1 for t in texts if t) + fig.layout.meta["hidden_labels"] == 6
    assert sum(1 for t in texts if t) >= 2


@pytest.mark.parametrize("k", [8, 20])
def test_no_two_labels_overlap_on_the_bundled_map(k):
    from webapp import mapview
    from webapp.state import bundled_dataset

    ds = bundled_dataset()
    lay = mapview.bundled_layout(ds.model_id)
    base = mapview.bundled_map(ds.model_id)
    rows = np.flatnonzero(np.isfinite(lay.xy[:, 0]))
    frame, xy = ds.frame.iloc[rows].reset_index(drop=True), lay.xy[rows]
    if base.pca is not None:
        to_xy = lambda v: pca_transform(v, base.pca)  # noqa: E731
    else:
        to_xy = lambda v: place(v, ds.vectors[rows], xy)  # noqa: E731
    table = regions(frame, xy, k)[1]
    steps = trajectories(ds.frame, ds.vectors, PATH_SPEAKERS, to_xy)
    fig = map_figure(frame, xy, regions=table, steps=steps)
    assert overlapping(fig) == []
    shown = len(drawn_label_boxes(fig))
    assert shown + fig.layout.meta["hidden_labels"] == k + len(steps)
    assert shown >= (k + len(steps)) // 2  # thinned, not emptied


def region_boxes_over_stars(fig) -> list:
    """Region labels (boxed, drawn above the points) that cover a star of a speaker's path."""
    pts = [np.column_stack([np.asarray(t.x, float), np.asarray(t.y, float)]) for t in fig.data if t.x is not None]
    xy = np.concatenate(pts)
    scale = LabelScale.of(xy[np.isfinite(xy).all(axis=1)], fig.layout.height or 640)
    r = STAR_SIZE / 2
    stars = [
        Box(x - r * scale.ux, x + r * scale.ux, y - r * scale.uy, y + r * scale.uy)
        for t in fig.data
        if t.marker is not None and t.marker.symbol == "star"
        for x, y in zip(t.x, t.y)
    ]
    regions_drawn = [
        scale.centered(a.x, a.y, a.text, a.font.size or REGION_FONT, bold=True)
        for a in fig.layout.annotations
        if a.text
    ]
    return [(b, s) for b in regions_drawn for s in stars if b.overlaps(s)]


def test_a_region_label_does_not_hide_the_stars_or_years_of_a_path_through_its_middle():
    xy = np.random.default_rng(2).normal(size=(200, 2)).astype(np.float32)
    table = pd.DataFrame({"label": ["tariffs · steel · autos"], "x": [0.0], "y": [0.0], "statements": [80]})
    # A speaker's path runs right through the region's middle, where its label would go.
    steps = pd.DataFrame(
        {
            "speaker": ["Ana"] * 3,
            "window": ["2019", "2020", "2021"],
            "x": [-0.05, 0.0, 0.05],
            "y": [0.0, 0.0, 0.0],
            "count": 1,
            "shift": np.nan,
            "movers": [[]] * 3,
        }
    )
    fig = map_figure(_frame(200), xy, regions=table, steps=steps)
    texts = [t for tr in fig.data if tr.mode == "markers+text" for t in tr.text]
    assert region_boxes_over_stars(fig) == [] and overlapping(fig) == []
    assert [a.text for a in fig.layout.annotations if a.text] == [
        "<b>tariffs · steel · autos</b>"
    ]  # moved, not dropped
    assert sum(1 for t in texts if t) >= 2  # the years keep their places beside the stars


@pytest.mark.parametrize("k", [8, 20])
def test_no_region_label_hides_a_star_on_the_bundled_map(k):
    from webapp import mapview
    from webapp.state import bundled_dataset

    ds = bundled_dataset()
    lay = mapview.bundled_layout(ds.model_id)
    base = mapview.bundled_map(ds.model_id)
    rows = np.flatnonzero(np.isfinite(lay.xy[:, 0]))
    frame, xy = ds.frame.iloc[rows].reset_index(drop=True), lay.xy[rows]
    if base.pca is not None:
        to_xy = lambda v: pca_transform(v, base.pca)  # noqa: E731
    else:
        to_xy = lambda v: place(v, ds.vectors[rows], xy)  # noqa: E731
    steps = trajectories(ds.frame, ds.vectors, PATH_SPEAKERS, to_xy)
    fig = map_figure(frame, xy, regions=regions(frame, xy, k)[1], steps=steps)
    assert region_boxes_over_stars(fig) == [] and overlapping(fig) == []
    years = [t for tr in fig.data if tr.mode == "markers+text" for t in tr.text]
    assert sum(1 for t in years if t) == len(steps)  # every year of every path is shown
    assert sum(1 for a in fig.layout.annotations if a.text) >= k * 3 // 4  # regions moved aside, few left out
