"""Text summaries of the charts (stance_explorer/summaries.py): plain strings naming the top values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stance_explorer import schema as S
from stance_explorer.summaries import (
    counts_summary,
    drift_summary,
    map_summary,
    pair_heatmap_summary,
    pair_time_summary,
    speaker_topic_summary,
    stance_strip_summary,
    stance_time_summary,
    timeline_summary,
    two_axis_summary,
)


def test_pair_heatmap_names_closest_and_most_distant_pair_off_the_diagonal():
    m = pd.DataFrame([[1.0, 0.71, 0.30], [0.71, 0.9, 0.12], [0.30, 0.12, 0.95]], index=list("ABC"), columns=list("ABC"))
    assert pair_heatmap_summary(m) == (
        "Heatmap of 3 speakers: the closest pair is A and B (0.71); the most distant B and C (0.12)."
    )


def test_pair_heatmap_skips_missing_cells_and_handles_one_speaker():
    m = pd.DataFrame([[1.0, np.nan], [np.nan, 1.0]], index=["A", "B"], columns=["A", "B"])
    assert pair_heatmap_summary(m) == "Heatmap: no pair of speakers to compare."
    one = pd.DataFrame([[0.4]], index=["A"], columns=["A"])
    assert "one speaker, A" in pair_heatmap_summary(one) and "0.40" in pair_heatmap_summary(one)
    two = pd.DataFrame([[1, 0.5], [0.5, 1]], index=["s1", "s2"], columns=["s1", "s2"], dtype=float)
    assert pair_heatmap_summary(two, what="statements") == (
        "Heatmap of 2 statements: the closest pair is s1 and s2 (0.50)."
    )


def test_speaker_topic_names_highest_and_lowest_cell():
    m = pd.DataFrame({"trade": [0.8, 0.2], "security": [np.nan, 0.5]}, index=["Ana", "Ben"])
    assert speaker_topic_summary(m) == (
        "Heatmap of 2 speakers by 2 topics: closest to everyone else is Ana on trade (0.80); farthest Ben on trade (0.20)."
    )


def _timeline():
    return pd.DataFrame(
        {
            S.SPEAKER: ["Ana", "Ana", "Ben", "Cy", "Di"],
            S.DATE: pd.to_datetime(["2020-01-02", "2021-03-04", "2020-05-06", "2022-01-01", "2023-01-01"]),
            S.TEXT: ["a", "the deal is irrelevant", "b", "c", "d"],
            "score": [0.2, 0.65, 0.3, 0.1, 0.05],
        }
    )


def test_timeline_names_the_closest_statement_and_speaker_averages():
    text = timeline_summary(_timeline(), phrase="USMCA irrelevant")
    assert text.startswith("Chart of similarity to “USMCA irrelevant”, 5 statements by 4 speakers:")
    assert "the closest statement is by Ana on 2021-03-04 (0.65), “the deal is irrelevant”" in text
    assert "Highest average: Ana (0.43), Ben (0.30), Cy (0.10); lowest Di (0.05)." in text
    assert timeline_summary(_timeline().iloc[:0], phrase="x") == "Chart of similarity to “x”: no statement."
    partial = _timeline().assign(**{S.QUOTE_TYPE: S.QUOTE_PARTIAL})
    assert "(0.65), “…the deal is irrelevant…”." in timeline_summary(partial, phrase="x")


def test_pair_time_and_drift():
    over = pd.DataFrame(
        {
            "window": ["2019", "2020"],
            "speaker_a": ["A", "A"],
            "speaker_b": ["B", "B"],
            "similarity": [0.2, 0.55],
        }
    )
    assert pair_time_summary(over) == "Line chart: closest in 2020, A and B (0.55); farthest in 2019, A and B (0.20)."
    d = pd.DataFrame({"window": ["2018", "2019", "2020", "2021"], "similarity_to_previous": [np.nan, 0.8, 0.41, 0.9]})
    assert drift_summary(d, speaker="Ana") == (
        "Bar chart of Ana's drift: the largest shift is from 2019 to 2020 (similarity 0.41); the steadiest from 2020 to 2021 (0.90)."
    )
    assert drift_summary(d.iloc[:1], speaker="Ana") == "Bar chart: Ana has no two periods to compare."


def test_counts_and_map():
    counts = pd.DataFrame({"speaker": ["A", "B", "C", "D"], "statements": [40, 12, 9, 1]})
    assert counts_summary(counts, "speaker") == "Most statements by speaker: A (40), B (12), C (9)."
    regions = pd.DataFrame({"label": ["tariffs · steel", "border · fentanyl", "usmca"], "statements": [30, 50, 5]})
    steps = pd.DataFrame(
        {
            "speaker": ["Ana", "Ana", "Ana", "Ben"],
            "window": ["2019", "2020", "2021", "2022"],
            "shift": [np.nan, 0.1, 0.3, np.nan],
        }
    )
    assert map_summary(regions, steps, statements=85, top=2) == (
        "Map of 85 statements in 3 labelled regions; the largest: “border · fentanyl” (50); “tariffs · steel” (30). "
        "Paths: Ana moved most from 2020 to 2021 (0.30); Ben: one year (2022)."
    )
    assert map_summary(None, None, statements=1) == "Map of 1 statement."


def test_stance_summaries():
    est = pd.DataFrame(
        {
            "speaker": ["Ana", "Ben", "Cy"],
            "estimate": [0.45, -0.30, np.nan],  # below the threshold: no number
            "low": [0.3, -0.5, np.nan],
            "high": [0.6, -0.1, np.nan],
            "verdict": ["favor", "against", "1 statement: too few to place"],
        }
    )
    assert stance_strip_summary(est, target="the USMCA") == (
        "Chart of stances on “the USMCA”, 3 speakers: most in favor Ana (+0.45, favor); most against Ben (-0.30, against); "
        "1 speaker not placed (too few statements taking a side)."
    )
    tied = est.assign(
        estimate=[1.0, -0.30, 1.0], low=[0.3, -0.5, 0.9], high=[1.0, -0.1, 1.0], verdict=["favor", "against", "favor"]
    )
    assert "most in favor Ana and Cy (+1.00, favor); most against Ben (-0.30, against)." in stance_strip_summary(
        tied, target="x"
    )
    periods = pd.DataFrame(
        {
            "speaker": ["Ana", "Ana", "Ben"],
            "period": ["2019", "2021", "2020"],
            "start": pd.to_datetime(["2019-01-01", "2021-01-01", "2020-01-01"]),
            "side": ["favor", "against", "none"],
            "mean": [0.5, -0.4, np.nan],
        }
    )
    assert stance_time_summary(periods) == "Line chart of mean readings: Ana from +0.50 in 2019 to -0.40 in 2021."
    est2 = est.assign(estimate=[0.1, 0.7, 0.0])  # Cy has no estimate on X: not placed
    assert two_axis_summary(est, est2, x_label="X", y_label="Y") == (
        "Chart of two axes, 2 speakers placed: furthest toward favor on X is Ana (+0.45); on Y, Ben (+0.70)."
    )
