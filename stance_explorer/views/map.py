"""The Map page's views: which statements are drawn (at most ``MAX_POINTS``, a seeded sample beyond),
speakers' paths, the figure with its caption and summary in words, and the statements a box or lasso
selected. The layout itself is stored or computed by ``stance_explorer.mapping`` (cached per session
in ``webapp/mapview.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from stance_explorer import schema as S
from stance_explorer.analysis.similarity import cap_statements
from stance_explorer.analysis.tables import counts_by
from stance_explorer.dataset import find_statement, statement_ref
from stance_explorer.figures.map import ONE_LINE_HOVER, map_figure
from stance_explorer.mapping.trajectories import trajectories
from stance_explorer.summaries import map_summary
from stance_explorer.wording import counted, plural

#: Points drawn at most; a bigger view is drawn as a seeded random sample, and the page says so.
MAX_POINTS = 100_000
#: Above this many points hovers show shorter quotes, which keeps the chart light in the browser.
SHORT_HOVER_FROM = 20_000
#: A selection of at most this many statements goes into the share link.
MAX_LINK_SELECTION = 20
MAX_TRAJECTORIES = 6
MAX_SELECTION_ROWS = 1000
COLORS = ["speaker", "topic", "year"]
METHOD_NAMES = {"umap": "UMAP", "pca": "PCA", "pacmap": "PaCMAP", "tsne": "t-SNE (openTSNE)"}
INTRO = (
    "Every statement the filters keep, placed so that statements close in meaning sit close together. "
    "Drag a box or lasso round points to list them; add speakers below to see where they went year by year."
)
REGIONS_HELP = "Clusters of the map, each named by its most distinctive words (c-TF-IDF). 0 hides them."
PATHS_HELP = (
    "Each star is a speaker's average statement in one year; arrows go forward in time. "
    "Hover a star for the quotes that moved the speaker most."
)
NO_SELECTION = "Drag a box or a lasso on the map (tools at its top right) to list the statements inside it."


@dataclass
class Drawn:
    """The statements drawn: their dataset positions, their rows and map positions, and a notice when sampled."""

    positions: np.ndarray
    frame: pd.DataFrame
    xy: np.ndarray
    notice: str | None


def drawn(dataset_frame: pd.DataFrame, rows: np.ndarray, xy: np.ndarray) -> Drawn:
    """Of the dataset positions ``rows`` (those the filters keep), the ones placed on the map
    (``xy``: every dataset row's position, NaN where unplaced), at most ``MAX_POINTS``."""
    rows = rows[np.isfinite(xy[rows, 0])]
    capped = cap_statements(len(rows), MAX_POINTS, seed=0)
    positions = rows[capped.rows]
    return Drawn(positions, dataset_frame.iloc[positions].reset_index(drop=True), xy[positions], capped.notice or None)


def speakers_by_count(frame: pd.DataFrame) -> list[str]:
    """The speakers offered for paths, most statements first."""
    return counts_by(frame, S.SPEAKER)[S.SPEAKER].tolist()


def paths(frame: pd.DataFrame, vectors: np.ndarray, speakers: list[str], placer: Callable) -> pd.DataFrame:
    """Each speaker's path year by year (``trajectories``), placed on the map with ``placer``."""
    return trajectories(frame, vectors, speakers, placer)


@dataclass
class MapShown:
    """The map as the page shows it: the figure, its caption and its summary in words."""

    figure: go.Figure
    caption: str
    summary: str


def _caption(method: str, points: Drawn, placed: np.ndarray | None, computed_here: bool) -> str:
    notes = [f"{METHOD_NAMES.get(method, method)} map of {counted(len(points.positions), 'statement')}"]
    if points.notice:
        notes.append(points.notice)
    if placed is not None:
        notes.append(
            f"{int(placed.sum()):,} new statements (diamonds) were placed beside their nearest mapped statements, "
            "without recomputing the map"
        )
    if computed_here:
        notes.append("most statements were new, so this map was computed for this session")
    return (
        ". ".join(notes) + ". Nearby points are similar in meaning; the distance between far-apart groups means little."
    )


def _summary(regions: pd.DataFrame | None, steps: pd.DataFrame | None, n: int, hidden: int) -> str:
    summary = map_summary(regions, steps, statements=n)
    if hidden:
        summary += (
            f" {hidden} label{'s' if hidden != 1 else ''} left off the map where {'they' if hidden != 1 else 'it'} "
            "would cover another label or a star of a path; every region is listed under “Regions and their words”, every year in the hovers."
        )
    return summary


def map_shown(
    points: Drawn,
    *,
    color_by: str,
    placed: np.ndarray | None,
    regions: pd.DataFrame | None,
    steps: pd.DataFrame | None,
    steps_frame: pd.DataFrame,
    method: str,
    computed_here: bool,
) -> MapShown:
    """The map of the drawn statements, with regions and paths, its caption and summary.

    Args:
        points: What :func:`drawn` returned.
        color_by: One of ``COLORS``.
        placed: True for statements placed beside a stored map rather than part of it; None if none.
        regions: ``mapping.regions``' table, or None.
        steps: :func:`paths`' table, or None.
        steps_frame: The frame the paths were computed on (the statements the filters keep).
        method: The projection's name (``METHOD_NAMES``' keys).
        computed_here: Whether the layout was computed for this session rather than stored.
    """
    fig = map_figure(
        points.frame,
        points.xy,
        color_by=color_by,
        placed=placed,
        regions=regions,
        steps=steps,
        steps_frame=steps_frame,
        hover_chars=ONE_LINE_HOVER if len(points.frame) > SHORT_HOVER_FROM else 420,
    )
    hidden = (fig.layout.meta or {}).get("hidden_labels", 0)
    n = len(points.positions)
    return MapShown(fig, _caption(method, points, placed, computed_here), _summary(regions, steps, n, hidden))


def chosen_rows(points: list[dict], positions: np.ndarray) -> list[int]:
    """The dataset positions of the points a box or lasso selected (each point's customdata is its
    row among the drawn statements); anything else in the selection is ignored."""
    rows = set()
    for p in points:
        data = p.get("customdata")
        data = data[0] if isinstance(data, list) and data else data
        if isinstance(data, (int, float)) and 0 <= int(data) < len(positions):
            rows.add(int(positions[int(data)]))
    return sorted(rows)


@dataclass
class Selection:
    """The selected statements as the page lists them: dataset positions by date, at most ``MAX_SELECTION_ROWS``."""

    positions: np.ndarray
    title: str
    caption: str


def selection(dataset_frame: pd.DataFrame, selected: list[int]) -> Selection | None:
    """The statements selected on the map (dataset positions), oldest first; None when there are none."""
    if not selected:
        return None
    sel = dataset_frame.iloc[selected]
    order = np.argsort(sel[S.DATE].to_numpy(), kind="stable")[:MAX_SELECTION_ROWS]
    caption = "Tick a row to open the statement with the ones closest to it." + (
        f" Showing the first {MAX_SELECTION_ROWS:,} by date." if len(sel) > MAX_SELECTION_ROWS else ""
    )
    title = f"{len(selected):,} selected {plural(len(selected), 'statement')}"
    return Selection(np.asarray(selected)[order], title, caption)


def refs_of(dataset_frame: pd.DataFrame, positions: list[int]) -> list[str]:
    """What the share link carries for a selection: each statement's reference (its id, or ``#row``)."""
    return [statement_ref(dataset_frame, r) for r in positions]


def positions_of(dataset_frame: pd.DataFrame, refs: list[str]) -> tuple[list[int], list[str]]:
    """A link's selection back to dataset positions (sorted, once each), and the references not found."""
    found, missing = set(), []
    for ref in refs:
        pos = find_statement(dataset_frame, ref)
        if pos is None:
            missing.append(ref)
        else:
            found.add(pos)
    return sorted(found), missing
