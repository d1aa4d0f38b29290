"""Figures over time: a phrase's similarity per speaker, pairs of speakers per window, one speaker's drift."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from stance_explorer import schema as S
from stance_explorer.figures.style import DASHES, PALETTE, SYMBOLS, base_layout, hover_text, statement_label


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
    return base_layout(fig, title, height=460)


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
    fig = base_layout(fig, title, height=360)
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
    return base_layout(fig, title, height=360)
