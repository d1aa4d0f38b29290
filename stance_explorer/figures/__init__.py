"""Plotly figure builders, one module per family of figures. Each takes frames or matrices and
returns a ``go.Figure``.

| module | figures |
|---|---|
| ``style`` | what every figure shares: palette, symbols, the similarity scale, escaped hover text, the base layout |
| ``heatmaps`` | speaker x speaker / topic and statement x statement similarity |
| ``timelines`` | a phrase over time, pairs of speakers per window, one speaker's drift |
| ``map``, ``map_labels``, ``map_paths`` | the 2-D map, its labels placed apart, speakers' paths |
| ``stance`` | the stance strip, stance over time, two axes, a claim over time |

User text in hover labels is HTML-escaped: plotly renders a subset of HTML in labels, and a quote
must always show as text. Callers import the names they use from the family's module
(``from stance_explorer.figures.heatmaps import heatmap_figure``); this package re-exports them too.
"""

from stance_explorer.figures.heatmaps import heatmap_figure, statement_heatmap_figure
from stance_explorer.figures.map import MAP_COLORS, ONE_LINE_HOVER, OTHERS_COLOR, map_figure
from stance_explorer.figures.map_labels import (
    LABEL_PLOT_WIDTH,
    REGION_FONT,
    STAR_SIZE,
    TEXT_POSITIONS,
    YEAR_FONT,
    Box,
    LabelScale,
    add_region_labels,
    drawn_label_boxes,
    text_size_px,
)
from stance_explorer.figures.map_paths import PATH_COLORS, add_trajectories
from stance_explorer.figures.stance import (
    NONE_X,
    STANCE_COLORS,
    STANCE_TEMPLATE,
    claim_time_figure,
    quick_statement_label,
    stance_strip_figure,
    stance_time_figure,
    two_axis_figure,
)
from stance_explorer.figures.style import (
    DASHES,
    PALETTE,
    SIMILARITY_COLORBAR,
    SIMILARITY_SCALE,
    SYMBOLS,
    base_layout,
    hover_text,
    statement_label,
)
from stance_explorer.figures.timelines import break_at_gaps, drift_figure, pair_similarity_figure, timeline_figure

__all__ = [
    "Box",
    "DASHES",
    "LABEL_PLOT_WIDTH",
    "LabelScale",
    "MAP_COLORS",
    "NONE_X",
    "ONE_LINE_HOVER",
    "OTHERS_COLOR",
    "PALETTE",
    "PATH_COLORS",
    "REGION_FONT",
    "SIMILARITY_COLORBAR",
    "SIMILARITY_SCALE",
    "STANCE_COLORS",
    "STANCE_TEMPLATE",
    "STAR_SIZE",
    "SYMBOLS",
    "TEXT_POSITIONS",
    "YEAR_FONT",
    "add_region_labels",
    "add_trajectories",
    "base_layout",
    "break_at_gaps",
    "claim_time_figure",
    "drawn_label_boxes",
    "drift_figure",
    "heatmap_figure",
    "hover_text",
    "map_figure",
    "pair_similarity_figure",
    "quick_statement_label",
    "stance_strip_figure",
    "stance_time_figure",
    "statement_heatmap_figure",
    "statement_label",
    "text_size_px",
    "timeline_figure",
    "two_axis_figure",
]
