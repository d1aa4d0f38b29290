"""The Stance page's views: where each speaker stands, how it moved, who flipped, two axes at once,
and what to label next, all built from one :class:`~stance_explorer.stance.StanceReading`.

Every quote a view cites is a row of ``StanceView.table`` (positions 0..m-1), told with
:func:`~stance_explorer.stance.describe_reading`, so a reading is never shown as more than it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from stance_explorer import schema as S
from stance_explorer.figures.stance import stance_strip_figure, stance_time_figure, two_axis_figure
from stance_explorer.stance import (
    FLIP_RATINGS,
    LABELS,
    LOW_CONFIDENCE,
    MIN_FOR_INTERVAL,
    NOT_ENOUGH,
    Axis,
    StanceReading,
    about_claim,
    describe_reading,
    flip_o_meter,
    speaker_estimates,
    stance_over_time,
    suggest_next,
    turning_points,
)
from stance_explorer.summaries import stance_strip_summary, stance_time_summary, two_axis_summary
from stance_explorer.wording import counted

PERIODS = {"year": "Y", "half-year": "6M"}
MAX_DEFAULT_SPEAKERS = 40  # everyone who spoke on the topic, up to this many (the most statements first)
MAX_DOTS_PER_SPEAKER = 100
MAX_TABLE_ROWS = 300
MAX_TURNS = 6
HONESTY = (
    "Read by **{reader}**. "
    "Each stance here is **the model's reading** of a statement on this axis (favor, against or none), "
    "with its confidence; it is not the speaker's declared position. **None** means the model reads no "
    "position on the target (or the statement is not about it) and is drawn apart, not at zero. Hollow, "
    "faint dots are readings with confidence under "
    f"{LOW_CONFIDENCE:.0%}. Your labels override the model on the statements you label."
)


def default_speakers(frame: pd.DataFrame) -> tuple[list[str], str | None]:
    """Who is shown when nobody is picked: everyone who spoke here, the most statements first, up to MAX_DEFAULT_SPEAKERS.

    Args:
        frame: the statements in scope.

    Returns:
        (the speakers, a caption when some were left out, else None).
    """
    counts = frame[S.SPEAKER].value_counts()
    chosen = sorted(counts.index[:MAX_DEFAULT_SPEAKERS], key=lambda s: (-counts[s], s))
    note = None
    if len(counts) > MAX_DEFAULT_SPEAKERS:
        note = f"Showing the {MAX_DEFAULT_SPEAKERS} of {len(counts):,} speakers with the most statements here; pick others above."
    return chosen, note


@dataclass
class Quote:
    """A statement cited by a view: its row in the table, and how its reading is told."""

    row: pd.Series
    told: str
    when: str = ""


@dataclass
class SpeakersView:
    """Where each speaker stands: the estimates, the strip chart of readings, its summary, the table."""

    estimates: pd.DataFrame
    figure: go.Figure
    summary: str
    table: pd.DataFrame
    shown: pd.DataFrame
    dots_note: str | None = None


@dataclass
class Flip:
    """One Flip-O-Meter verdict with its two quotes, each with its reading and confidence."""

    speaker: str
    rating: str
    explanation: str
    quotes: list[Quote]


@dataclass
class TimeView:
    """How positions moved: periods, the chart and its summary, turning points and the Flip-O-Meter."""

    periods: pd.DataFrame
    figure: go.Figure | None = None
    summary: str = ""
    turns: list[tuple[str, str, list[Quote]]] = field(default_factory=list)
    turns_label: str = ""
    flips: list[Flip] = field(default_factory=list)
    steady: list[str] = field(default_factory=list)
    unsure: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class StanceView:
    """Everything the Stance page shows of one reading (the controls aside)."""

    table: pd.DataFrame
    honesty: str
    caption: str
    unread_note: str | None
    speakers: SpeakersView
    time: TimeView


def reading_table(reading: StanceReading, frame: pd.DataFrame, project_labels: list | None = None) -> pd.DataFrame:
    """The statements in scope with their reading, and whose each hand label is (``label_by``).

    Args:
        reading: the reading.
        frame: the dataset's statements.
        project_labels: per row in scope, the project's hand label name (or None).

    Returns:
        ``reading.table(frame)`` with ``pos`` and ``label_by`` ("project" or "you").
    """
    rd = reading.table(frame)
    rd["pos"] = np.arange(len(rd))
    project = np.asarray(project_labels if project_labels is not None else [None] * len(rd), dtype=object)
    rd["label_by"] = np.where(rd["hand_label"].to_numpy() == project, "project", "you")
    return rd


def speakers_view(rd: pd.DataFrame, reading: StanceReading, chosen: list[str], axis: Axis) -> SpeakersView:
    """Each chosen speaker's estimate (no number below MIN_FOR_INTERVAL statements on a side) and the strip chart.

    Args:
        rd: :func:`reading_table`'s table.
        reading: the reading it came from.
        chosen: the speakers to show.
        axis: the axis (for the chart's label).

    Returns:
        A :class:`SpeakersView`.
    """
    # A statement the reader did not read (a language it cannot read) is neither a dot nor a count.
    read = (rd["read"].to_numpy() | rd["labelled"].to_numpy()) if "read" in rd else np.ones(len(rd), bool)
    arrays = reading.scoped()
    arrays = type(arrays)(*(a[read] for a in arrays))
    rd = rd[read]
    est = speaker_estimates(rd, arrays, speakers=chosen, labelled=rd["labelled"].to_numpy())
    shown = rd[rd[S.SPEAKER].isin(chosen)]
    note = None
    if len(shown) and shown.groupby(S.SPEAKER).size().max() > MAX_DOTS_PER_SPEAKER:
        # The clearest readings first: a chart of thousands of dots per speaker is unreadable.
        order = np.argsort(-shown["confidence"].to_numpy(), kind="stable")
        shown = shown.iloc[order].groupby(S.SPEAKER, sort=False).head(MAX_DOTS_PER_SPEAKER)
        note = (
            f"Dots: the {MAX_DOTS_PER_SPEAKER} most confident readings per speaker; the estimates use every statement."
        )
    table = est.assign(
        estimate=est["estimate"].round(2),
        interval=[f"{lo:+.2f} to {hi:+.2f}" if np.isfinite(lo) else "–" for lo, hi in zip(est["low"], est["high"])],
    )[["speaker", "verdict", "estimate", "interval", "n_favor", "n_against", "n_none", "n"]]
    figure = stance_strip_figure(shown, est, axis_label=f"against ← {axis.target} → favor")
    return SpeakersView(est, figure, stance_strip_summary(est, target=axis.target), table, shown, note)


def _quote(rd: pd.DataFrame, row: int, when: str = "") -> Quote | None:
    return Quote(rd.iloc[int(row)], describe_reading(rd.iloc[int(row)]), when) if row >= 0 else None


def time_view(rd: pd.DataFrame, reading: StanceReading, chosen: list[str], freq: str) -> TimeView:
    """Each speaker's stance period by period, the turning points, and the Flip-O-Meter's verdicts.

    A flip verdict needs two periods with enough confident statements about the question; the
    others are listed as "not enough to tell" with their counts.

    Args:
        rd: :func:`reading_table`'s table.
        reading: the reading it came from.
        chosen: the speakers.
        freq: "Y" or "6M".

    Returns:
        A :class:`TimeView`.
    """
    arrays = reading.scoped()
    relevance = reading.relevance[reading.rows]
    about = about_claim(rd, relevance)
    periods = stance_over_time(rd, arrays, speakers=chosen, freq=freq, tiebreak=relevance, about=about)
    if periods.empty:
        return TimeView(periods)
    out = TimeView(periods, stance_time_figure(periods), stance_time_summary(periods))
    turns = turning_points(periods)
    out.turns_label = f"Turning points ({len(turns)}): the quotes on each side of a change"
    if len(turns) > MAX_TURNS:
        out.turns_label += f"; the {MAX_TURNS} latest shown"
    for _, t in turns.sort_values("to_period", kind="stable").tail(MAX_TURNS).iterrows():
        what = f"{t['from_side']} in {t['from_period']} → {t['to_side']} in {t['to_period']}"
        quotes = [q for q in (_quote(rd, t["row_before"]), _quote(rd, t["row_after"])) if q]
        out.turns.append((t["speaker"], what, quotes))
    flips = flip_o_meter(periods)
    for _, f in flips[~flips["rating"].isin([FLIP_RATINGS[0], NOT_ENOUGH])].iterrows():
        quotes = [_quote(rd, f["row_before"], f["from_period"]), _quote(rd, f["row_after"], f["to_period"])]
        out.flips.append(Flip(f["speaker"], f["rating"], f["explanation"], [q for q in quotes if q]))
    out.steady = flips[flips["rating"] == FLIP_RATINGS[0]]["speaker"].tolist()
    out.unsure = [(f["speaker"], f["explanation"]) for _, f in flips[flips["rating"] == NOT_ENOUGH].iterrows()]
    return out


def stance_view(
    reading: StanceReading,
    frame: pd.DataFrame,
    *,
    chosen: list[str],
    freq: str,
    mode_caption: str,
    project_labels: list | None = None,
) -> StanceView:
    """Everything the Stance page shows of one reading.

    Args:
        reading: the axis read over the statements in scope.
        frame: the dataset's statements.
        chosen: the speakers to show.
        freq: "Y" or "6M".
        mode_caption: what the reading is (taught or not, whose labels), as the page's glue words it.
        project_labels: per row in scope, the project's hand label name (or None).

    Returns:
        A :class:`StanceView`.
    """
    rd = reading_table(reading, frame, project_labels)
    unread = int((reading.scope & ~reading.read).sum())
    unread_note = None
    if unread:
        was = "was" if unread == 1 else "were"
        why = reading.first_note().removeprefix("not read by this reader: ")
        unread_note = (
            f"{counted(unread, 'statement')} here {was} not read by this reader ({why}): "
            "never scored, and left out of the charts and counts."
        )
    return StanceView(
        rd,
        HONESTY.format(reader=reading.reader_label),
        f"{mode_caption} {counted(len(reading.rows), 'statement')} read.",
        unread_note,
        speakers_view(rd, reading, chosen, reading.axis),
        time_view(rd, reading, chosen, freq),
    )


@dataclass
class TwoAxesView:
    """Two axes at once: the chart, its summary, and who could not be placed."""

    figure: go.Figure
    summary: str
    missing: list[str]


def two_axes_view(
    est: pd.DataFrame, other: StanceReading, frame: pd.DataFrame, chosen: list[str], *, x_label: str, y_label: str
) -> TwoAxesView:
    """The chosen speakers placed on the page's axis (x) and a second preset axis (y).

    Args:
        est: the page axis's speaker estimates.
        other: the second axis's reading.
        frame: the dataset's statements.
        chosen: the speakers.
        x_label: the page axis's name; y_label: the second axis's name.

    Returns:
        A :class:`TwoAxesView`.
    """
    est2 = speaker_estimates(other.table(frame), other.scoped(), speakers=chosen)
    placed = set(est.dropna(subset=["estimate"])["speaker"]) & set(est2.dropna(subset=["estimate"])["speaker"])
    return TwoAxesView(
        two_axis_figure(est, est2, x_label=x_label, y_label=y_label),
        two_axis_summary(est, est2, x_label=x_label, y_label=y_label),
        [s for s in chosen if s not in placed],
    )


def not_placed_note(missing: list[str]) -> str | None:
    """The caption naming who the two-axes chart could not place."""
    if not missing:
        return None
    return (
        f"Not placed (fewer than {MIN_FOR_INTERVAL} statements taking a side on one of the axes): "
        + ", ".join(missing)
        + "."
    )


def suggestions(reading: StanceReading, rd: pd.DataFrame, vectors: np.ndarray | None, k: int = 5) -> list[Quote]:
    """The statements whose labels would help most (the least sure readings), each with its reading told.

    Args:
        reading: the reading.
        rd: :func:`reading_table`'s table.
        vectors: the dataset's embeddings (to skip near-copies), or None.
        k: how many.

    Returns:
        Up to ``k`` quotes.
    """
    return [_quote(rd, int(i)) for i in suggest_next(reading, vectors, k=k)]


def teaching_table(rd: pd.DataFrame, project: list, mine: list) -> tuple[pd.DataFrame, np.ndarray]:
    """The statements table to label: your label, the project's hand label, the reader's own reading.

    Args:
        rd: :func:`reading_table`'s table.
        project: the project's hand label per row of ``rd`` (None: none).
        mine: the visitor's own label per row of ``rd`` (None: none).

    Returns:
        (the table, at most MAX_TABLE_ROWS rows ordered by speaker and date; the positions in ``rd`` it shows).
    """
    order = np.lexsort((rd[S.DATE].to_numpy(), rd[S.SPEAKER].to_numpy()))[:MAX_TABLE_ROWS]
    tbl = rd.iloc[order]
    table = pd.DataFrame(
        {
            "your label": pd.Series([mine[i] for i in order], dtype=object),
            "project's hand label": pd.Series([project[i] for i in order], dtype=object),
            "reader's reading": tbl["reader_stance"].to_numpy(),
            "score": tbl["reader_score"].where(tbl["reader_stance"] != "none").to_numpy(),
            "confidence": tbl["reader_confidence"].to_numpy(),
            "date": tbl[S.DATE].to_numpy(),
            "speaker": tbl[S.SPEAKER].to_numpy(),
            "quote": tbl[S.TEXT].to_numpy(),
        }
    )
    return table, order


__all__ = ["LABELS", "MAX_TABLE_ROWS", "PERIODS", "StanceView", "stance_view"]
