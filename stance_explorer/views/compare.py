"""The Compare page's views: two to four speakers on one topic, their statements side by side, how
alike they sound (a matrix, a table with the spread, the same year by year), and their closest and
farthest pairs of statements."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from stance_explorer import schema as S
from stance_explorer.analysis.pairs import extreme_pairs, pair_similarity_over_time, pair_similarity_stats, stats_matrix
from stance_explorer.analysis.tables import counts_by, newest_first
from stance_explorer.figures.heatmaps import heatmap_figure
from stance_explorer.figures.timelines import pair_similarity_figure
from stance_explorer.summaries import pair_heatmap_summary, pair_time_summary

#: The newest statements shown in a speaker's column.
MAX_QUOTES = 200
MATRIX_CAPTION = (
    "Each cell is the average similarity of their statements taken two at a time (a speaker's own "
    "cell compares their statements with one another); the table below adds the spread. Similarity is "
    "the cosine of sentence embeddings: how alike the wording and subject are, not agreement. A value "
    "near or below 0 means unrelated, not opposite. In brackets: statements on the topic."
)
OVER_TIME_CAPTION = (
    "Each point is the mean similarity of two speakers' statements on the topic in one year in which "
    "both spoke, taken two at a time; years where either was silent are left out. A rising line means "
    "they came to talk about it in more similar terms."
)
NO_YEAR = "No year in which two of these speakers both spoke on this topic, so there is nothing to follow over time."


def topics_by_count(frame: pd.DataFrame) -> list[str]:
    """The topics, most statements first: the first is what the page shows while none is picked."""
    return counts_by(frame, S.TOPIC)[S.TOPIC].tolist()


@dataclass
class SpeakerChoices:
    """What the speakers box offers on a topic, and its help text."""

    offered: list[str]
    every_speaker: list[str]
    help: str


def speaker_choices(frame: pd.DataFrame, topic: str, current: list[str]) -> SpeakerChoices:
    """The speakers with statements on ``topic``, plus whoever is already picked (``current``: a pick
    made on another topic, or carried by a link), so that changing the topic never drops a pick
    silently; such a speaker's column then says they have nothing on this topic."""
    counts = frame.loc[frame[S.TOPIC] == topic, S.SPEAKER].value_counts()
    every = sorted(frame[S.SPEAKER].unique())
    offered = sorted(counts.index) + sorted({s for s in current if s in every} - set(counts.index))
    help_text = f"The {len(counts)} speakers with statements on this topic under the filters. Most: " + ", ".join(
        f"{s} ({n})" for s, n in counts.head(5).items()
    )
    return SpeakerChoices(offered, every, help_text)


@dataclass
class SpeakerColumn:
    """One speaker's column: their statements on the topic, newest first (at most ``MAX_QUOTES``)."""

    speaker: str
    statements: pd.DataFrame
    caption: str | None = None
    message: str | None = None
    more: str | None = None

    @property
    def scrolls(self) -> bool:
        """A scrolling box only when there is something to scroll: one quote gets its own height."""
        return len(self.statements) > 3


def speaker_column(on_topic: pd.DataFrame, speaker: str, topic: str) -> SpeakerColumn:
    rows = newest_first(on_topic[on_topic[S.SPEAKER] == speaker])
    if rows.empty:
        return SpeakerColumn(
            speaker, rows, message=f"{speaker} has no statement on “{topic}” among the statements the filters keep."
        )
    first, last = f"{rows[S.DATE].min():%Y-%m}", f"{rows[S.DATE].max():%Y-%m}"
    span = first if first == last else f"{first} to {last}"
    caption = f"{len(rows)} statement{'s' if len(rows) != 1 else ''}, {span}, newest first"
    more = f"Showing the newest {MAX_QUOTES} of {len(rows):,}." if len(rows) > MAX_QUOTES else None
    return SpeakerColumn(speaker, rows.head(MAX_QUOTES), caption=caption, more=more)


def pair_table(stats: pd.DataFrame) -> pd.DataFrame:
    """One line per pair of speakers: mean similarity of their statements, its spread, how many pairs."""
    same = stats["speaker_a"] == stats["speaker_b"]
    names = np.where(same, stats["speaker_a"] + " (own statements)", stats["speaker_a"] + " · " + stats["speaker_b"])
    spread = [
        "–" if n == 0 else f"± {sd:.2f}, {lo:.2f} to {hi:.2f}"
        for sd, lo, hi, n in zip(stats["sd"], stats["low"], stats["high"], stats["pairs"])
    ]
    out = pd.DataFrame({"Pair": names, "Mean": stats["mean"], "Spread": spread, "Pairs": stats["pairs"]})
    return pd.concat([out[~same], out[same]], ignore_index=True)  # pairs of speakers first


@dataclass
class Likeness:
    """How alike the speakers present on the topic sound: the matrix and its summary, the table with
    the spread, the same year by year (or why not), and the closest and farthest statement pairs."""

    present: list[str]
    figure: go.Figure
    summary: str
    compared: pd.DataFrame
    table: pd.DataFrame
    over_time: go.Figure | None
    over_time_summary: str | None
    pairs: list[tuple[str, list[tuple[pd.Series, pd.Series, float]]]] = field(default_factory=list)
    pairs_note: str | None = None
    caption: str = MATRIX_CAPTION
    over_time_caption: str = OVER_TIME_CAPTION
    over_time_message: str = NO_YEAR


def likeness(frame: pd.DataFrame, vectors: np.ndarray, topic: str, present: list[str]) -> Likeness:
    """The comparison of ``present`` (two or more speakers with statements on ``topic``)."""
    on_topic = frame[frame[S.TOPIC] == topic]
    stats = pair_similarity_stats(frame, vectors, speakers=present, topic=topic)
    matrix = stats_matrix(stats, present)
    counts = on_topic[S.SPEAKER].value_counts()
    ticks = [f"{s} ({counts[s]})" for s in present]
    figure = heatmap_figure(matrix, title=f"Speaker × speaker on {topic}", row_ticks=ticks, col_ticks=ticks)
    over = pair_similarity_over_time(frame, vectors, speakers=present, topic=topic)
    closest, farthest, cap = extreme_pairs(frame, vectors, speakers=present, topic=topic, k=3)
    pairs = [
        (
            title,
            [
                (frame.iloc[int(p["row_a"])], frame.iloc[int(p["row_b"])], float(p["score"]))
                for _, p in found.iterrows()
            ],
        )
        for title, found in (("Closest pairs of statements", closest), ("Farthest pairs of statements", farthest))
    ]
    return Likeness(
        present=present,
        figure=figure,
        summary=pair_heatmap_summary(matrix),
        compared=on_topic[on_topic[S.SPEAKER].isin(present)],
        table=pair_table(stats),
        over_time=None if over.empty else pair_similarity_figure(over, topic=topic),
        over_time_summary=None if over.empty else pair_time_summary(over),
        pairs=pairs,
        pairs_note=cap or None,
    )


@dataclass
class CompareView:
    """Everything the Compare page shows for a topic and the speakers picked (none: the two who said most)."""

    topic: str
    chosen: list[str]
    note: str | None
    columns: list[SpeakerColumn]
    likeness: Likeness | None
    message: str | None = None


def compare_view(frame: pd.DataFrame, vectors: np.ndarray, topic: str, picked: list[str]) -> CompareView:
    """The view of ``topic`` for the speakers ``picked``, or the two with most statements on it.

    Args:
        frame: The statements the filters keep, row-aligned with ``vectors``.
        vectors: Their unit vectors.
        topic: The topic compared.
        picked: The speakers chosen (2 to 4); empty for the default.

    Returns:
        A :class:`CompareView`; ``likeness`` is None with a ``message`` when fewer than two chosen
        speakers have statements on the topic.
    """
    on_topic = frame[frame[S.TOPIC] == topic]
    chosen = list(picked) or on_topic[S.SPEAKER].value_counts().index[:2].tolist()
    note = None
    if not picked and len(chosen) == 2:
        note = (
            f"Showing the two speakers with the most statements on “{topic}”. Choose speakers above to compare others."
        )
    if len(chosen) < 2:
        return CompareView(topic, chosen, note, [], None, message="Choose at least two speakers to compare.")
    columns = [speaker_column(on_topic, s, topic) for s in chosen]
    present = [s for s in chosen if s in set(on_topic[S.SPEAKER])]
    if len(present) < 2:
        message = "At least two of the chosen speakers need statements on this topic to compare them."
        return CompareView(topic, chosen, note, columns, None, message=message)
    return CompareView(topic, chosen, note, columns, likeness(frame, vectors, topic, present))
