"""Stance figures: the strip of readings and estimates, a speaker's stance over time, two axes at once, a claim over time."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from stance_explorer import schema as S
from stance_explorer.figures.style import PALETTE

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
        est_y: The same for the up axis; only speakers with an estimate on both are drawn.
        x_label: Axis 1's name.
        y_label: Axis 2's name.
        title: Optional chart title.

    Returns:
        A plotly go.Figure with one labelled point per speaker, both axes from -1 to 1.
    """
    # Speakers with an estimate on both axes (3 or more statements on a side); hand labels that all
    # agree have an estimate and no interval, so no error bar.
    both = est_x.merge(est_y, on="speaker", suffixes=("_x", "_y")).dropna(subset=["estimate_x", "estimate_y"])
    both = both.fillna(
        {
            c: both[c.replace("low", "estimate").replace("high", "estimate")]
            for c in ("low_x", "high_x", "low_y", "high_y")
        }
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
            about = g["n_about"] if "n_about" in g else g["n"]
            text = [
                f"<b>{name}</b>, {p}: {side} in {k} of {n} statements about it"
                + (" (too few to rank)" if n < 3 else "")
                + quote(int(r))
                for p, k, n, r in zip(g["period"], g[side], about, g[rows])
            ]
            fig.add_trace(
                go.Scatter(
                    x=g["start"],
                    y=sign * g[f"share_{side}"],
                    mode="lines+markers",
                    name=f"{name}: {side}",
                    legendgroup=name,
                    line=dict(color=color, dash=dash),
                    marker=dict(size=np.clip(5 + 2 * about.to_numpy(), 6, 16), color=color),
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
