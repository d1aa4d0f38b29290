"""The Position tracker's views: who holds or rejects each claim over time (only statements about its
subject count), what is about the same thing (similarity), and each speaker's drift between periods."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from stance_explorer import schema as S
from stance_explorer.analysis.periods import closest_over_time, drift, phrase_timeline, smooth_by_speaker
from stance_explorer.analysis.tables import counts_by, top_speakers
from stance_explorer.figures.stance import claim_time_figure
from stance_explorer.figures.timelines import drift_figure, timeline_figure
from stance_explorer.package_data import defaults
from stance_explorer.stance import DEFAULT_CLAIMS, Claim, StanceReading, about_claim, claim_over_time
from stance_explorer.summaries import claim_summary, drift_summary, timeline_summary
from stance_explorer.wording import counted

DEFAULT_PHRASES = "\n".join(DEFAULT_CLAIMS)
WINDOWS = {"year": "Y", "half-year": "6M", "quarter": "Q"}
ALL_TOPICS = "all topics"
MAX_TIMELINE_SPEAKERS = 12
MAX_CLAIMS = 5
#: Who the drift chart shows, and on what, when the link names nobody (when the filters keep them):
#: shipped with the bundled data (stance_explorer/data/defaults.json).
DEFAULT_DRIFT_SPEAKER = defaults()["tracker"]["speaker"]
DEFAULT_DRIFT_TOPIC = defaults()["tracker"]["topic"]


def claims_of(text: str) -> list[Claim]:
    """The claims typed one per line ("claim" or "claim | its opposite"), at most MAX_CLAIMS."""
    return [Claim.parse(p) for p in text.splitlines() if p.strip()][:MAX_CLAIMS]


def shown_speakers(frame: pd.DataFrame) -> tuple[list[str], np.ndarray, str | None]:
    """The speakers the claim charts show (the most active ones), their statements' mask, and a note when cut."""
    shown = top_speakers(frame, MAX_TIMELINE_SPEAKERS)
    note = None
    if len(shown) < frame[S.SPEAKER].nunique():
        note = f"Charts show the {len(shown)} speakers with the most statements; pick speakers in the sidebar to see others."
    return shown, frame[S.SPEAKER].isin(shown).to_numpy(), note


@dataclass
class ClaimView:
    """One claim over time: the periods, the chart, its summary, and how many were left out as off-topic."""

    claim: Claim
    periods: pd.DataFrame
    figure: go.Figure
    summary: str
    reader_caption: str
    off_topic: int = 0


def claim_view(claim: Claim, reading: StanceReading, frame: pd.DataFrame, speakers: list[str]) -> ClaimView:
    """Who holds or rejects ``claim``, per speaker and period, counting only statements about its subject.

    Args:
        claim: the claim.
        reading: the claim read over the statements shown.
        frame: the dataset's statements.
        speakers: whose statements to count.

    Returns:
        A :class:`ClaimView`.
    """
    scoped = reading.table(frame)
    relevance = reading.relevance[reading.rows]
    about = about_claim(scoped, relevance)
    periods = claim_over_time(scoped, reading.scoped(), speakers=speakers, tiebreak=relevance, about=about)
    figure = claim_time_figure(periods, scoped, claim=claim.phrase, title=f"Who holds or rejects “{claim.phrase}”")
    off = int(periods["off_topic"].sum()) if len(periods) else 0
    caption = f"Read by {reading.reader_label}."
    if off:
        caption += f" {counted(off, 'statement')} read as taking a side but not about the claim's subject left out."
    return ClaimView(claim, periods, figure, claim_summary(periods, claim=claim.phrase), caption, off)


@dataclass
class SimilarityView:
    """What is about the same thing as a phrase: the timeline chart, its summary, the closest statements per year."""

    timeline: pd.DataFrame
    figure: go.Figure
    summary: str
    closest: pd.DataFrame


def similarity_view(frame: pd.DataFrame, vectors: np.ndarray, qvec: np.ndarray, mask, phrase: str) -> SimilarityView:
    """How close each statement comes to the phrase (about the same thing, not whether it holds it).

    Args:
        frame: the statements shown; vectors: theirs; qvec: the phrase's vector by the same model.
        mask: which statements to draw.
        phrase: the phrase as typed.

    Returns:
        A :class:`SimilarityView` (``closest`` keeps ``row``, positions in ``frame``).
    """
    timeline = phrase_timeline(frame, vectors, qvec, mask=mask)
    figure = timeline_figure(timeline, smooth_by_speaker(timeline), phrase=phrase)
    return SimilarityView(
        timeline, figure, timeline_summary(timeline, phrase=phrase), closest_over_time(timeline, per_window=2)
    )


def drift_defaults(frame: pd.DataFrame) -> tuple[list[str], str, str]:
    """The speakers the drift chart offers (most statements first), and the default one and why."""
    speakers = counts_by(frame, S.SPEAKER)[S.SPEAKER].tolist()
    if DEFAULT_DRIFT_SPEAKER in speakers:
        return speakers, DEFAULT_DRIFT_SPEAKER, "default"
    return speakers, speakers[0], "most statements"


def drift_topics(frame: pd.DataFrame, speaker: str) -> tuple[list[str], str]:
    """The topics a speaker spoke on (with "all topics" first), and the default one."""
    options = [ALL_TOPICS] + counts_by(frame[frame[S.SPEAKER] == speaker], S.TOPIC)[S.TOPIC].tolist()
    return options, DEFAULT_DRIFT_TOPIC if DEFAULT_DRIFT_TOPIC in options else ALL_TOPICS


@dataclass
class DriftView:
    """A speaker's drift between periods: the chart, its summary, the flagged shifts with their quotes, the table."""

    periods: pd.DataFrame
    figure: go.Figure | None = None
    summary: str = ""
    shifts: list[tuple[str, str, pd.Series, pd.Series]] = field(default_factory=list)
    notice: str | None = None


def drift_view(frame: pd.DataFrame, vectors: np.ndarray, *, speaker: str, topic: str, freq: str) -> DriftView:
    """How far a speaker's statements move from one period to the next, with the quotes of the largest shifts.

    Args:
        frame: the statements shown; vectors: theirs.
        speaker: whose drift.
        topic: a topic, or ALL_TOPICS.
        freq: the period ("Y", "6M", "Q").

    Returns:
        A :class:`DriftView`; with fewer than two periods, only ``notice``.
    """
    t = None if topic == ALL_TOPICS else topic
    d = drift(frame, vectors, speaker=speaker, topic=t, freq=freq)
    if len(d) < 2:
        where = f" on {t}" if t else ""
        return DriftView(
            d, notice=f"{speaker} has statements in fewer than two periods{where}; drift needs at least two."
        )
    out = DriftView(d, drift_figure(d, speaker=speaker, topic=t), drift_summary(d, speaker=speaker))
    for _, row in d[d["flagged"]].sort_values("shift", ascending=False).iterrows():
        before = d.iloc[d.index.get_loc(row.name) - 1]
        title = f"Shift from {before['window']} to {row['window']}"
        how = f"(similarity {row['similarity_to_previous']:.2f}), the largest shift #{int(row['shift_rank'])}"
        out.shifts.append(
            (title, how, frame.iloc[int(before["representative_row"])], frame.iloc[int(row["representative_row"])])
        )
    return out
