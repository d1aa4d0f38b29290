"""Plotly figure builders. Each takes frames or matrices and returns a ``go.Figure``.

User text in hover labels is HTML-escaped: plotly renders a subset of HTML in labels, and a quote
must always show as text.
"""

from __future__ import annotations

import html
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from stance_explorer import schema as S

# 24 distinguishable colours: the tracker draws up to a dozen speakers at once.
PALETTE = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#393b79", "#ad494a", "#637939", "#7b4173", "#e7969c", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
    "#843c39", "#5254a3", "#8ca252", "#bd9e39",
]


#: Marker symbols, one per speaker next to its colour: a dozen colours alone are hard to tell apart.
SYMBOLS = [
    "circle", "square", "diamond", "triangle-up", "x", "star", "triangle-down", "pentagon", "cross", "hexagon",
    "triangle-left", "triangle-right",
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
    """A quote made safe and readable for a hover label: escaped, shortened, wrapped with <br>."""
    text = str(text)
    if len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    if len(text) <= width:  # the common case, and textwrap is slow on thousands of points
        return html.escape(text, quote=False)
    # Break long unbroken strings too, so a 10,000-character token cannot blow up the label.
    lines = textwrap.wrap(text, width=width, break_long_words=True) or [""]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def statement_label(frame: pd.DataFrame) -> list[str]:
    """'Speaker, 2026-01-13: quote' per row, escaped, for hovers."""
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
    """Statement x statement heatmap; ``labels`` (``analysis.statement_labels``) name the axes, hovers show both statements."""
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
                customdata=np.column_stack([np.array(statement_label(g), dtype=object), g["row"].to_numpy(dtype=object)]),
                hovertemplate="%{customdata[0]}<br>similarity %{y:.3f}<extra></extra>",
            )
        )
        if smoothed is not None:
            s = break_at_gaps(smoothed[smoothed[S.SPEAKER] == speaker], gap_months)
            if len(s) > 1:
                fig.add_trace(
                    go.Scatter(
                        x=s[S.DATE], y=s["smoothed"], mode="lines", connectgaps=False,
                        line=dict(color=color, width=2, dash=DASHES[i % len(DASHES)]),
                        legendgroup=str(speaker), showlegend=False, hoverinfo="skip",
                    )
                )
    fig.update_yaxes(title="similarity to phrase (cosine)")
    fig.update_xaxes(title=None)
    title = f"Similarity to “{html.escape(phrase)}” over time" if phrase else None
    return _layout(fig, title, height=460)


def break_at_gaps(line: pd.DataFrame, gap_months: int) -> pd.DataFrame:
    """A speaker's smoothed line with an empty point wherever they were silent for more than
    ``gap_months``: plotly then breaks the line instead of drawing it across years with no statement."""
    line = line.sort_values(S.DATE)
    months = line[S.DATE].to_numpy().astype("datetime64[M]").astype(np.int64)
    gaps = np.nonzero(np.diff(months) > gap_months)[0]
    if len(gaps) == 0:
        return line
    fillers = line.iloc[gaps].assign(smoothed=np.nan)
    fillers[S.DATE] = fillers[S.DATE] + pd.Timedelta(days=1)
    return pd.concat([line, fillers]).sort_values(S.DATE, kind="stable")


def pair_similarity_figure(pairs: pd.DataFrame, *, topic: str | None = None) -> go.Figure:
    """One line per pair of speakers: their similarity in each window where both spoke."""
    fig = go.Figure()
    for i, ((a, b), g) in enumerate(pairs.groupby(["speaker_a", "speaker_b"], sort=False)):
        name = f"{html.escape(str(a))} · {html.escape(str(b))}"
        hover = [
            f"<b>{name}</b>, {html.escape(str(w))}<br>cosine {s:.3f} ({na} and {nb} statements)"
            for w, s, na, nb in zip(g["window"], g["similarity"], g["count_a"], g["count_b"])
        ]
        fig.add_trace(
            go.Scatter(
                x=g["start"], y=g["similarity"], mode="lines+markers", name=name,
                line=dict(color=PALETTE[i % len(PALETTE)], width=2), marker=dict(size=9),
                customdata=hover, hovertemplate="%{customdata}<extra></extra>",
            )
        )
    fig.update_yaxes(title="similarity (cosine)", range=[-0.1, 1])
    fig.update_xaxes(title=None, dtick="M12", tickformat="%Y")  # one tick per year, not per month
    title = "How alike they sounded, year by year" + (f" on {html.escape(topic)}" if topic else "")
    fig = _layout(fig, title, height=360)
    fig.update_layout(showlegend=True)  # name the pair even when there is only one
    return fig

def drift_figure(drift_frame: pd.DataFrame, *, speaker: str = "", topic: str | None = None) -> go.Figure:
    """Similarity between consecutive windows of one speaker; flagged shifts in red."""
    d = drift_frame.dropna(subset=["similarity_to_previous"])
    colors = np.where(d["flagged"].astype(bool), "#d62728", "#1f77b4")
    rank = d["shift_rank"] if "shift_rank" in d else pd.Series([pd.NA] * len(d), index=d.index)
    labels = [f"#{int(r)} shift" if f else "" for r, f in zip(rank, d["flagged"].astype(bool))]
    hover = [
        f"<b>{html.escape(str(w))}</b> vs previous window: cosine {s:.3f}<br>{n} statements<br>"
        f"Most typical: {hover_text(r)}"
        for w, s, n, r in zip(d["window"], d["similarity_to_previous"], d["count"], d["representative"])
    ]
    fig = go.Figure(
        go.Bar(x=d["window"].astype(str), y=d["similarity_to_previous"], marker_color=colors, customdata=hover,
               text=labels, textposition="outside", hovertemplate="%{customdata}<extra></extra>")
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


def _points(x, y, rows, hover, *, name: str, marker: dict, symbols: np.ndarray | None, showlegend: bool = True) -> go.Scattergl:
    if symbols is not None:
        marker = dict(marker, symbol=symbols)
    return go.Scattergl(
        x=x, y=y, mode="markers", name=name, showlegend=showlegend,
        marker=dict(size=7, opacity=0.8, line=dict(width=0), **marker),
        customdata=rows,  # the frame row of each point: what a selection reports
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
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
        hover_chars: longest quote shown in a hover.

    Example:
        >>> fig = map_figure(frame, xy, color_by="year")
    """
    xy = np.asarray(xy, dtype=np.float32)
    n = len(frame)
    rows = np.arange(n)
    hover = _map_hover(frame, hover_chars)
    symbols = np.where(np.asarray(placed, dtype=bool), "diamond", "circle") if placed is not None and np.any(placed) else None
    fig = go.Figure()
    speaker_colors: dict[str, str] = {}
    if color_by == "stance" and scores is None:
        color_by = "speaker"
    if color_by in ("speaker", "topic"):
        column = S.SPEAKER if color_by == "speaker" else S.TOPIC
        values = frame[column].astype(str).to_numpy()
        counts = pd.Series(values).value_counts()
        named = sorted(counts.index, key=lambda v: (-counts[v], v))[:max_groups]
        rest = ~np.isin(values, named)
        if rest.any():
            sel = np.flatnonzero(rest)
            fig.add_trace(_points(xy[sel, 0], xy[sel, 1], rows[sel], hover[sel], name=f"{len(counts) - len(named):,} other {column}s",
                                  marker=dict(color=OTHERS_COLOR), symbols=None if symbols is None else symbols[sel]))
        for i, value in enumerate(named):
            if color_by == "speaker":
                speaker_colors[value] = PALETTE[i % len(PALETTE)]
            sel = np.flatnonzero(values == value)
            fig.add_trace(_points(xy[sel, 0], xy[sel, 1], rows[sel], hover[sel], name=html.escape(value),
                                  marker=dict(color=PALETTE[i % len(PALETTE)]), symbols=None if symbols is None else symbols[sel]))
    else:
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
                fig.add_trace(_points(xy[unknown, 0], xy[unknown, 1], rows[unknown], hover[unknown], name="no score",
                                      marker=dict(color=OTHERS_COLOR), symbols=None if symbols is None else symbols[unknown]))
        sel = np.flatnonzero(np.isfinite(values))
        fig.add_trace(_points(xy[sel, 0], xy[sel, 1], rows[sel], hover[sel], name=color_by, showlegend=False,
                              marker=dict(color=values[sel], **scale), symbols=None if symbols is None else symbols[sel]))
    if regions is not None:
        for r in regions.itertuples():
            fig.add_annotation(x=r.x, y=r.y, text=f"<b>{html.escape(r.label)}</b>", showarrow=False,
                               bgcolor="rgba(255,255,255,0.8)", bordercolor="#888", borderwidth=1, font=dict(size=12, color="#222"))
    if steps is not None and len(steps):
        _add_trajectories(fig, frame if steps_frame is None else steps_frame, steps, speaker_colors)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, title=None)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, title=None)
    fig = _layout(fig, None, height=height)
    fig.update_layout(dragmode="select", legend=dict(itemsizing="constant"), uirevision="map")
    return fig


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


def _add_trajectories(fig: go.Figure, frame: pd.DataFrame, steps: pd.DataFrame, speaker_colors: dict[str, str]) -> None:
    """A speaker's path takes the colour of their points, so path and statements read together."""
    for i, (speaker, g) in enumerate(steps.groupby("speaker", sort=False)):
        color = speaker_colors.get(str(speaker), PATH_COLORS[i % len(PATH_COLORS)])
        fig.add_trace(
            go.Scatter(
                x=g["x"], y=g["y"], mode="markers+text", name=f"{html.escape(str(speaker))} over time",
                text=[html.escape(str(w)) for w in g["window"]], textposition="top center",
                marker=dict(size=13, color=color, symbol="star", line=dict(width=1, color="#222")),
                hovertext=[_step_hover(frame, s) for s in g.itertuples()], hovertemplate="%{hovertext}<extra></extra>",
            )
        )
        xs, ys = g["x"].to_numpy(), g["y"].to_numpy()
        for j in range(1, len(g)):
            fig.add_annotation(x=xs[j], y=ys[j], ax=xs[j - 1], ay=ys[j - 1], xref="x", yref="y", axref="x", ayref="y",
                               showarrow=True, arrowhead=3, arrowsize=1.3, arrowwidth=2, arrowcolor=color, text="")
