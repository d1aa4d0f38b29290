"""Plotly figure builders. Each takes frames or matrices and returns a ``go.Figure``.

User text in hover labels is HTML-escaped: plotly renders a subset of HTML in labels, and a quote
must always show as text.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass

import numpy as np
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


def _layout(fig: go.Figure, title: str | None, height: int | None = None) -> go.Figure:
    fig.update_layout(
        title=title,
        margin=dict(l=10, r=10, t=50 if title else 10, b=10),
        height=height,
        hoverlabel=dict(align="left"),
        template="plotly_white",
    )
    return fig


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
    return _layout(fig, title, height=min(900, max(320, 28 * n + 140)))


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


def timeline_figure(
    timeline: pd.DataFrame,
    smoothed: pd.DataFrame | None = None,
    *,
    phrase: str = "",
    max_points_per_speaker: int = 400,
    gap_months: int = 12,
) -> go.Figure:
    """Each statement's similarity to a phrase over time, one colour per speaker, with a smoothed line.

    ``timeline`` is ``analysis.phrase_timeline``'s output; each point carries its ``row`` in customdata.

    Args:
        timeline: ``analysis.phrase_timeline``'s table (speaker, date, score and frame row per statement).
        smoothed: ``analysis.smooth_by_speaker``'s table (speaker, date, smoothed); None draws no lines.
        phrase: The phrase, for the title; empty gives no title.
        max_points_per_speaker: Most points per speaker; the best-scoring ones are kept.
        gap_months: A silence longer than this many months breaks a speaker's line.

    Returns:
        A plotly go.Figure with one marker trace (and one line) per speaker.
    """
    fig = go.Figure()
    for i, (speaker, g) in enumerate(timeline.groupby(S.SPEAKER, sort=True)):
        color, symbol = PALETTE[i % len(PALETTE)], SYMBOLS[i % len(SYMBOLS)]
        if len(g) > max_points_per_speaker:  # keep the best-scoring points: those are the ones people hover
            g = g.nlargest(max_points_per_speaker, "score")
        fig.add_trace(
            go.Scatter(
                x=g[S.DATE],
                y=g["score"],
                mode="markers",
                name=html.escape(str(speaker)),
                legendgroup=str(speaker),
                marker=dict(color=color, size=8, opacity=0.75, symbol=symbol),
                # [hover label, timeline row]: the row lets a clicked point name its statement.
                customdata=np.column_stack(
                    [np.array(statement_label(g), dtype=object), g["row"].to_numpy(dtype=object)]
                ),
                hovertemplate="%{customdata[0]}<br>similarity %{y:.3f}<extra></extra>",
            )
        )
        if smoothed is not None:
            s = break_at_gaps(smoothed[smoothed[S.SPEAKER] == speaker], gap_months)
            if len(s) > 1:
                fig.add_trace(
                    go.Scatter(
                        x=s[S.DATE],
                        y=s["smoothed"],
                        mode="lines",
                        connectgaps=False,
                        line=dict(color=color, width=2, dash=DASHES[i % len(DASHES)]),
                        legendgroup=str(speaker),
                        showlegend=False,
                        hoverinfo="skip",
                    )
                )
    fig.update_yaxes(title="similarity to phrase (cosine)")
    fig.update_xaxes(title=None)
    title = f"Similarity to “{html.escape(phrase)}” over time" if phrase else None
    return _layout(fig, title, height=460)


def break_at_gaps(line: pd.DataFrame, gap_months: int) -> pd.DataFrame:
    """A speaker's smoothed line with an empty point wherever they were silent for more than
    ``gap_months``: plotly then breaks the line instead of drawing it across years with no statement.

    Args:
        line: One speaker's rows of the smoothed table (date and smoothed columns).
        gap_months: Longest silence, in months, that the line still crosses.

    Returns:
        The rows sorted by date, with a NaN row a day after each longer gap.
    """
    line = line.sort_values(S.DATE)
    months = line[S.DATE].to_numpy().astype("datetime64[M]").astype(np.int64)
    gaps = np.nonzero(np.diff(months) > gap_months)[0]
    if len(gaps) == 0:
        return line
    fillers = line.iloc[gaps].assign(smoothed=np.nan)
    fillers[S.DATE] = fillers[S.DATE] + pd.Timedelta(days=1)
    return pd.concat([line, fillers]).sort_values(S.DATE, kind="stable")


def pair_similarity_figure(pairs: pd.DataFrame, *, topic: str | None = None) -> go.Figure:
    """One line per pair of speakers: their similarity in each window where both spoke.

    Args:
        pairs: ``analysis.pair_similarity_over_time``'s table (speaker_a, speaker_b, window, start,
            similarity, count_a, count_b).
        topic: The topic the pairs were compared on, for the title; None for all topics.

    Returns:
        A plotly go.Figure with one line per pair, the y axis a cosine from -0.1 to 1.
    """
    fig = go.Figure()
    for i, ((a, b), g) in enumerate(pairs.groupby(["speaker_a", "speaker_b"], sort=False)):
        name = f"{html.escape(str(a))} · {html.escape(str(b))}"
        hover = [
            f"<b>{name}</b>, {html.escape(str(w))}<br>cosine {s:.3f} ({na} and {nb} statements)"
            for w, s, na, nb in zip(g["window"], g["similarity"], g["count_a"], g["count_b"])
        ]
        fig.add_trace(
            go.Scatter(
                x=g["start"],
                y=g["similarity"],
                mode="lines+markers",
                name=name,
                line=dict(color=PALETTE[i % len(PALETTE)], width=2),
                marker=dict(size=9),
                customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    fig.update_yaxes(title="similarity (cosine)", range=[-0.1, 1])
    fig.update_xaxes(title=None, dtick="M12", tickformat="%Y")  # one tick per year, not per month
    title = "How alike they sounded, year by year" + (f" on {html.escape(topic)}" if topic else "")
    fig = _layout(fig, title, height=360)
    fig.update_layout(showlegend=True)  # name the pair even when there is only one
    return fig


def drift_figure(
    drift_frame: pd.DataFrame, *, speaker: str = "", topic: str | None = None, example: str = "Most typical"
) -> go.Figure:
    """Similarity between consecutive windows of one speaker; flagged shifts in red. ``example`` names
    what the ``representative`` column holds, in the hover.

    Args:
        drift_frame: ``analysis.drift``'s table (window, similarity_to_previous, flagged, count,
            representative and optionally shift_rank); windows with no previous one are skipped.
        speaker: The speaker, for the title.
        topic: The topic, for the title; None for all topics.
        example: What the representative column holds, as the hover names it.

    Returns:
        A plotly go.Figure: one bar per window, flagged shifts red and ranked.
    """
    d = drift_frame.dropna(subset=["similarity_to_previous"])
    colors = np.where(d["flagged"].astype(bool), "#d62728", "#1f77b4")
    rank = d["shift_rank"] if "shift_rank" in d else pd.Series([pd.NA] * len(d), index=d.index)
    labels = [f"#{int(r)} shift" if f else "" for r, f in zip(rank, d["flagged"].astype(bool))]
    hover = [
        f"<b>{html.escape(str(w))}</b> vs previous window: cosine {s:.3f}<br>{n} statements<br>"
        f"{html.escape(example)}: {hover_text(r)}"
        for w, s, n, r in zip(d["window"], d["similarity_to_previous"], d["count"], d["representative"])
    ]
    fig = go.Figure(
        go.Bar(
            x=d["window"].astype(str),
            y=d["similarity_to_previous"],
            marker_color=colors,
            customdata=hover,
            text=labels,
            textposition="outside",
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    fig.update_yaxes(title="similarity to previous window", range=[0, 1])
    title = f"{html.escape(speaker)}: drift" + (f" on {html.escape(topic)}" if topic else "")
    return _layout(fig, title, height=360)


# ---------------------------------------------------------------------------- the map
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


def _add_region_labels(
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
        hidden += _add_trajectories(
            fig, frame if steps_frame is None else steps_frame, steps, speaker_colors, scale=scale, taken=taken
        )
    if regions is not None:
        hidden += _add_region_labels(fig, regions, scale, taken, stars)
    fig.layout.meta = {"hidden_labels": hidden}
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, title=None)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, title=None)
    fig = _layout(fig, None, height=height)
    fig.update_layout(dragmode="select", legend=dict(itemsizing="constant"), uirevision="map")
    return fig


# ---------------------------------------------------------------------------- map labels apart
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
    down, then half or a whole label's width to either side."""
    w, h = text_size_px(text, REGION_FONT, bold=True)
    step, side = h * scale.uy * 1.05, w * scale.ux * 0.55
    vertical = [(0.0, 0.0), (0.0, step), (0.0, -step), (0.0, 2 * step), (0.0, -2 * step)]
    return vertical + [(dx, dy) for dx in (side, -side, 2 * side, -2 * side) for dy in (0.0, step, -step)]


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


def _add_trajectories(
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


# ---------------------------------------------------------------------------- stance
STANCE_COLORS = {"favor": "#1f77b4", "against": "#d62728", "none": "#9a9a9a"}

#: A light template in the manner of plotly_white, small enough to apply in a millisecond: resolving
#: "plotly_white" deep-copies the whole theme, which cost 30-50 ms per chart on a busy CPU.
_AXIS_STYLE = dict(gridcolor="#EBF0F8", linecolor="#EBF0F8", zerolinecolor="#EBF0F8", showgrid=True, ticks="")
STANCE_TEMPLATE = dict(
    layout=dict(
        font=dict(color="#2a3f5f"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=PALETTE,
        xaxis=_AXIS_STYLE,
        yaxis=_AXIS_STYLE,
        hoverlabel=dict(align="left"),
    )
)


_VLINE = dict(type="line", x0=0, x1=0, y0=0, y1=1, yref="paper", line=dict(color="#bbbbbb", dash="dot"))
_HLINE = dict(type="line", x0=0, x1=1, y0=0, y1=0, xref="paper", line=dict(color="#bbbbbb", dash="dot"))


def _stance_layout(fig: go.Figure, title: str | None, height: int | None = None) -> go.Figure:
    fig.update_layout(
        title=title, margin=dict(l=10, r=10, t=50 if title else 10, b=10), height=height, template=STANCE_TEMPLATE
    )
    return fig


#: Where "none" readings are drawn on the stance strip: their own column right of the scale.
NONE_X = 1.55


def _wrap_words(text: str, width: int = 70) -> list[str]:
    """Greedy word wrap (long words cut): several times faster than textwrap for hover labels."""
    lines: list[str] = []
    cur = ""
    for word in text.split():
        while len(word) > width:
            if cur:
                lines.append(cur)
                cur = ""
            lines.append(word[:width])
            word = word[width:]
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    lines.append(cur)
    return lines


def quick_statement_label(frame: pd.DataFrame, max_chars: int = 300) -> list[str]:
    """Like :func:`statement_label` ('Speaker, date: quote', escaped) with a faster wrap, for many points.

    Args:
        frame: Statements with speaker, date (datetime) and text columns.
        max_chars: Longest quote kept; longer ones are cut and end in "…".

    Returns:
        One hover label per row, in the frame's order.
    """
    dates = frame[S.DATE].dt.strftime("%Y-%m-%d").tolist()
    out = []
    for s, d, t in zip(frame[S.SPEAKER].tolist(), dates, frame[S.TEXT].tolist()):
        t = str(t)
        t = t if len(t) <= max_chars else t[: max_chars - 1] + "…"
        body = "<br>".join(html.escape(line, quote=False) for line in _wrap_words(t))
        out.append(f"<b>{html.escape(str(s))}</b>, {d}<br>{body}")
    return out


def _estimate_trace(est: pd.DataFrame, index: dict[str, int]) -> go.Scatter:
    """Each placed speaker's estimate as a diamond with its 95% interval."""
    return go.Scatter(
        x=est["estimate"],
        y=est["speaker"].map(index),
        mode="markers",
        name="speaker estimate (95% interval)",
        marker=dict(symbol="diamond", size=14, color="black", line=dict(color="white", width=1)),
        error_x=dict(
            type="data",
            symmetric=False,
            array=(est["high"] - est["estimate"]).to_numpy(),
            arrayminus=(est["estimate"] - est["low"]).to_numpy(),
            color="black",
            thickness=2,
            width=6,
        ),
        text=[
            f"<b>{html.escape(str(s))}</b>: {e:+.2f} (95% interval {lo:+.2f} to {hi:+.2f}), {n} statements"
            for s, e, lo, hi, n in zip(est["speaker"], est["estimate"], est["low"], est["high"], est["n"])
        ],
        hovertemplate="%{text}<extra></extra>",
    )


def _reading_traces(readings: pd.DataFrame, index: dict[str, int], rng: np.random.Generator) -> list[go.Scatter]:
    """One dot per statement: favor / against on the scale, none in its own column; low confidence hollow."""
    readings = readings.assign(_hover=quick_statement_label(readings) if len(readings) else [])
    traces = []
    for stance in ("favor", "against", "none"):
        for low in (False, True):
            sub = readings[(readings["stance"] == stance) & (readings["low"] == low)]
            if sub.empty:
                continue
            y = sub[S.SPEAKER].map(index).to_numpy(dtype=float) + rng.uniform(-0.18, 0.18, len(sub))
            x = sub["score"].to_numpy() if stance != "none" else NONE_X + rng.uniform(-0.22, 0.22, len(sub))
            how = np.where(sub["labelled"].to_numpy(), "a hand label", "the model's reading")
            text = [
                f"{h}<br>{st} ({w}), score {sc:+.2f}, confidence {c:.2f}"
                if st != "none"
                else f"{h}<br>none ({w}), confidence {c:.2f}"
                for h, st, w, sc, c in zip(sub["_hover"], sub["stance"], how, sub["score"], sub["confidence"])
            ]
            color = STANCE_COLORS[stance]
            traces.append(
                go.Scatter(
                    x=x,
                    y=y,
                    mode="markers",
                    name=f"{stance}{' (low confidence)' if low else ''}",
                    legendgroup=stance,
                    marker=dict(
                        color=color,
                        size=7 if low else 8,
                        opacity=0.45 if low else 0.85,
                        symbol="circle-open" if low else "circle",
                        line=dict(width=1.5 if low else 0.5, color=color),
                    ),
                    customdata=np.column_stack([sub[S.ID].astype(str).to_numpy(), sub["pos"].to_numpy()]),
                    text=text,
                    hovertemplate="%{text}<extra></extra>",
                )
            )
    return traces


def stance_strip_figure(
    readings: pd.DataFrame, estimates: pd.DataFrame, *, axis_label: str = "", title: str | None = None
) -> go.Figure:
    """Where each speaker stands: a dot per statement on the axis and the speaker's estimate with its interval.

    ``readings`` has speaker, score, stance, confidence, low, labelled, and ``pos`` (the row index
    the chart's customdata carries, for opening a statement). Statements read as "none" are drawn
    in their own shaded column right of the scale (x = NONE_X), never at zero: no position is not
    the middle of the scale. Low-confidence readings are hollow and faint.

    Args:
        readings: One row per statement, with the columns above.
        estimates: ``stance.speaker_estimates``' table (speaker, estimate, low, high, n); its order
            is the speakers' order down the chart; empty lists the readings' speakers sorted.
        axis_label: The x axis title; empty gives "against ← model's reading → favor".
        title: Optional chart title.

    Returns:
        A plotly go.Figure, one row per speaker, clicks selecting statements.
    """
    speakers = list(estimates["speaker"]) if len(estimates) else sorted(readings[S.SPEAKER].unique())
    index = {s: i for i, s in enumerate(speakers)}
    rng = np.random.default_rng(0)
    traces = _reading_traces(readings, index, rng)
    # No diamond without an interval: one or two statements are shown as their dots, not as a position.
    est = estimates.dropna(subset=["estimate", "low", "high"]) if len(estimates) else estimates
    if len(est):
        traces.append(_estimate_trace(est, index))
    fig = go.Figure(data=traces)
    fig.update_layout(
        shapes=[  # plain layout shapes: add_vline / add_shape cost tens of ms each
            dict(
                type="rect",
                x0=NONE_X - 0.3,
                x1=NONE_X + 0.3,
                y0=0,
                y1=1,
                yref="paper",
                fillcolor="#f2f2f2",
                line_width=0,
                layer="below",
            ),
            _VLINE,
        ]
    )
    fig.update_yaxes(
        tickvals=list(range(len(speakers))), ticktext=[html.escape(s) for s in speakers], autorange="reversed"
    )
    fig.update_xaxes(
        range=[-1.1, NONE_X + 0.32],
        tickvals=[-1, -0.5, 0, 0.5, 1, NONE_X],
        ticktext=["-1", "-0.5", "0", "0.5", "1", "none"],
        title_text=axis_label or "against ← model's reading → favor",
        zeroline=False,
    )
    _stance_layout(fig, title, height=max(260, 70 * len(speakers) + 120))
    fig.update_layout(legend=dict(orientation="h", y=-0.25), clickmode="event+select")
    return fig


def stance_time_figure(periods: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Each speaker's mean stance period by period. Periods where no statement takes a side are gaps.

    Args:
        periods: ``stance.stance_over_time``'s table (speaker, period, start, mean, side, n, n_side).
        title: Optional chart title.

    Returns:
        A plotly go.Figure with one line per speaker on a -1 to 1 scale.
    """
    fig = go.Figure()
    for i, (speaker, g) in enumerate(periods.groupby("speaker", sort=False)):
        g = g.sort_values("start")
        y = g["mean"].where(g["side"] != "none")
        fig.add_trace(
            go.Scatter(
                x=g["start"],
                y=y,
                mode="lines+markers",
                name=html.escape(str(speaker)),
                connectgaps=True,
                line=dict(color=PALETTE[i % len(PALETTE)]),
                marker=dict(size=np.clip(5 + 2 * g["n_side"].to_numpy(), 6, 18)),
                text=[
                    f"<b>{html.escape(str(speaker))}</b>, {p}: {side}, mean {m:+.2f} over {ns} of {n} statements taking a side"
                    if side != "none"
                    else f"<b>{html.escape(str(speaker))}</b>, {p}: none of {n} statements takes a side"
                    for p, side, m, ns, n in zip(g["period"], g["side"], g["mean"].fillna(0), g["n_side"], g["n"])
                ],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    fig.update_layout(shapes=[_HLINE])
    fig.update_yaxes(range=[-1.1, 1.1], title_text="against ← mean reading → favor")
    return _stance_layout(fig, title, height=380)


def two_axis_figure(
    est_x: pd.DataFrame, est_y: pd.DataFrame, *, x_label: str, y_label: str, title: str | None = None
) -> go.Figure:
    """Speakers on two axes at once: axis 1 across, axis 2 up, each with its 95% interval.

    Args:
        est_x: ``stance.speaker_estimates``' table for the across axis.
        est_y: The same for the up axis; only speakers with an interval on both are drawn.
        x_label: Axis 1's name.
        y_label: Axis 2's name.
        title: Optional chart title.

    Returns:
        A plotly go.Figure with one labelled point per speaker, both axes from -1 to 1.
    """
    both = est_x.merge(est_y, on="speaker", suffixes=("_x", "_y")).dropna(
        subset=["estimate_x", "estimate_y", "low_x", "low_y"]
    )
    fig = go.Figure()
    for i, (_, r) in enumerate(both.iterrows()):
        fig.add_trace(
            go.Scatter(
                x=[r["estimate_x"]],
                y=[r["estimate_y"]],
                mode="markers+text",
                name=html.escape(str(r["speaker"])),
                text=[html.escape(str(r["speaker"]))],
                textposition=("top center", "bottom center", "middle right")[i % 3],
                marker=dict(size=12, color=PALETTE[i % len(PALETTE)]),
                error_x=dict(
                    type="data",
                    symmetric=False,
                    array=[r["high_x"] - r["estimate_x"]],
                    arrayminus=[r["estimate_x"] - r["low_x"]],
                    thickness=1,
                ),
                error_y=dict(
                    type="data",
                    symmetric=False,
                    array=[r["high_y"] - r["estimate_y"]],
                    arrayminus=[r["estimate_y"] - r["low_y"]],
                    thickness=1,
                ),
                hovertemplate=f"<b>{html.escape(str(r['speaker']))}</b><br>{html.escape(x_label)}: {r['estimate_x']:+.2f}<br>{html.escape(y_label)}: {r['estimate_y']:+.2f}<extra></extra>",
            )
        )
    fig.update_layout(shapes=[_HLINE, _VLINE])
    fig.update_xaxes(range=[-1.1, 1.1], title_text=f"{x_label}: against ← → favor")
    fig.update_yaxes(range=[-1.1, 1.1], title_text=f"{y_label}: against ← → favor")
    fig.update_layout(showlegend=False)
    return _stance_layout(fig, title, height=480)


def claim_time_figure(periods: pd.DataFrame, frame: pd.DataFrame, *, claim: str, title: str | None = None) -> go.Figure:
    """Per speaker over time: the share of their statements that hold a claim (up) and reject it (down).

    Args:
        periods: ``stance.claim_over_time``'s table.
        frame: the statements it was computed on (for the deciding quotes in the hover).
        claim: the claim, as the axis title names it.
        title: an optional chart title.

    Returns:
        A figure with one colour per speaker: solid above zero for "holds", dashed below for "rejects".
    """
    fig = go.Figure()

    def quote(row: int) -> str:
        if row < 0:
            return ""
        text = str(frame[S.TEXT].iat[row])
        return "<br>“" + "<br>".join(html.escape(line, quote=False) for line in _wrap_words(text[:300])) + "”"

    for i, (speaker, g) in enumerate(periods.groupby("speaker", sort=False)):
        color = PALETTE[i % len(PALETTE)]
        name = html.escape(str(speaker))
        for side, sign, dash, rows in (("holds", 1, "solid", "row_holds"), ("rejects", -1, "dot", "row_rejects")):
            text = [
                f"<b>{name}</b>, {p}: {side} in {k} of {n} statements{quote(int(r))}"
                for p, k, n, r in zip(g["period"], g[side], g["n"], g[rows])
            ]
            fig.add_trace(
                go.Scatter(
                    x=g["start"],
                    y=sign * g[f"share_{side}"],
                    mode="lines+markers",
                    name=f"{name}: {side}",
                    legendgroup=name,
                    line=dict(color=color, dash=dash),
                    marker=dict(size=np.clip(5 + 2 * g["n"].to_numpy(), 6, 16), color=color),
                    text=text,
                    hovertemplate="%{text}<extra></extra>",
                )
            )
    fig.update_layout(shapes=[_HLINE])
    fig.update_yaxes(
        range=[-1.05, 1.05],
        tickvals=[-1, -0.5, 0, 0.5, 1],
        ticktext=["100%", "50%", "0", "50%", "100%"],
        title_text=f"rejects ↓ · share of statements · ↑ holds “{html.escape(claim)}”",
    )
    return _stance_layout(fig, title, height=420)
