"""Citations of an opened statement and the charts' text summaries, in AppTest (issue 24, part 4).

Each summary is checked against the chart it sits beside: its top values are read back from the
chart's own spec (or table), not recomputed the way the summary computes them.
"""

from __future__ import annotations

import re

import numpy as np
from apptest_helpers import (
    COMPARE,
    EXPLORE,
    HEATMAPS,
    TRACKER,
    bundled_frame,
    chart_summaries,
    dataframe_with,
    open_page,
    plotly_array,
    plotly_charts,
)

from stance_explorer.citation import markdown_citation, plain_citation

MAP = "map"
STANCE = "stance"


def _codes(at) -> list:
    return [c for c in at.code]


def test_an_opened_statement_offers_its_citation_in_plain_text_and_markdown():
    at = open_page(params={"stmt": "S002"})  # a direct quote, dated to the day, with a web source
    row = bundled_frame().set_index("id").loc["S002"]
    values = [c.value for c in _codes(at)]
    plain = (
        "Donald Trump (President of the United States), 27 April 2017: "
        "“You know I was really ready and psyched to terminate NAFTA”. "
        f"Source: {row.source_title}, fortune.com, {row.source_url}"
    )
    markdown = (
        "**Donald Trump** (President of the United States), 27 April 2017: "
        "“You know I was really ready and psyched to terminate NAFTA” — "
        f"[{row.source_title}](<{row.source_url}>), fortune.com"
    )
    assert plain in values and markdown in values
    md_block = next(c for c in _codes(at) if c.value == markdown)
    assert md_block.language == "markdown"
    assert "**Cite this statement**" in [m.value for m in at.markdown]


def test_a_partial_quote_dated_by_its_article_is_cited_as_the_app_shows_it():
    at = open_page(params={"stmt": "S190"})
    values = [c.value for c in _codes(at)]
    row = bundled_frame().set_index("id").loc["S190"]
    assert plain_citation(row) in values and markdown_citation(row) in values
    assert any(
        v.startswith(
            "Donald Trump (President of the United States), 29 January 2026 (date of the article): “…irrelevant…”"
        )
        for v in values
    )
    assert any(
        v.startswith(
            "**Donald Trump** (President of the United States), 29 January 2026 (date of the article): “…irrelevant…”"
        )
        for v in values
    )


def _num(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"[-+]?\d+\.\d\d", text)]


def test_explore_summary_names_the_most_frequent_speaker_topic_and_year():
    at = open_page(EXPLORE)
    (summary,) = chart_summaries(at)
    frame = bundled_frame()
    speaker, n = frame["speaker"].value_counts().index[0], frame["speaker"].value_counts().iloc[0]
    topic, m = frame["topic"].value_counts().index[0], frame["topic"].value_counts().iloc[0]
    year, y = frame["date"].dt.year.value_counts().index[0], frame["date"].dt.year.value_counts().iloc[0]
    assert f"Most statements by speaker: {speaker} ({n})" in summary
    assert f"Most statements by topic: {topic} ({m})" in summary
    assert f"Most statements by year: {year} ({y})" in summary


def _closest_pair(spec: dict) -> tuple[str, str, float]:
    z = plotly_array(spec["data"][0]["z"]).astype(float)
    names = spec["data"][0]["y"]
    i, j = np.triu_indices(len(z), k=1)
    vals = np.where(np.isfinite(z[i, j]), z[i, j], -np.inf)
    k = int(np.argmax(vals))
    return names[i[k]], names[j[k]], float(z[i[k], j[k]])


def test_heatmap_summary_names_the_closest_pair_the_heatmap_shows():
    at = open_page(HEATMAPS)
    (summary,) = chart_summaries(at)
    a, b, value = _closest_pair(plotly_charts(at)["heatmap"])
    assert f"the closest pair is {a} and {b} ({value:.2f})" in summary
    assert summary.startswith("Heatmap of 22 speakers:")
    at = open_page(HEATMAPS, {"mode": "speaker × topic"})
    (summary,) = chart_summaries(at)
    assert summary.startswith("Heatmap of 22 speakers by 9 topics: closest to everyone else is ")
    z = plotly_array(plotly_charts(at)["heatmap"]["data"][0]["z"]).astype(float)
    assert f"({np.nanmax(z):.2f})" in summary and f"({np.nanmin(z):.2f})" in summary


def test_compare_summaries_sit_beside_both_charts():
    at = open_page(COMPARE)
    heat, over_time = chart_summaries(at)
    charts = plotly_charts(at)
    a, b, value = _closest_pair(charts["cmp_heat"])
    assert f"the closest pair is {a} and {b} ({value:.2f})" in heat
    ys = np.concatenate([plotly_array(d["y"]) for d in charts["cmp_time"]["data"]])
    assert over_time.startswith("Line chart: closest in ") and f"({ys.max():.2f})" in over_time


def test_tracker_summaries_name_the_closest_statement_and_the_largest_shift():
    at = open_page(TRACKER)
    summaries = chart_summaries(at)
    assert len(summaries) == 5  # two default claims (holds / rejects and similarity each), and the drift chart
    assert (
        summaries[0].startswith("Chart of “USMCA irrelevant”: holds it most: ") and "rejects it most: " in summaries[0]
    )
    charts = plotly_charts(at)
    for phrase, summary in zip(("USMCA irrelevant", "shortcomings"), summaries[1:4:2]):
        spec = next(s for k, s in charts.items() if k.startswith(f"tl_{phrase}"))
        ys = np.concatenate([plotly_array(d["y"]) for d in spec["data"] if d.get("mode") == "markers"])
        assert summary.startswith(f"Chart of similarity to “{phrase}”")
        assert f"({np.nanmax(ys):.2f})" in summary
    drift = plotly_array(charts["drift"]["data"][0]["y"])
    assert summaries[4].startswith("Bar chart of Donald Trump's drift: the largest shift is from ")
    assert f"(similarity {np.nanmin(drift):.2f})" in summaries[4]


def test_map_summary_names_the_largest_regions_and_the_paths():
    at = open_page(MAP, {"traj": ["Donald Trump"]})
    (summary,) = chart_summaries(at)
    regions = dataframe_with(at, "label", "statements")
    biggest = regions.sort_values("statements", ascending=False).iloc[0]
    assert summary.startswith("Map of 199 statements in 8 labelled regions; the largest: ")
    assert f"“{biggest['label']}” ({biggest['statements']})" in summary
    assert "Paths: Donald Trump moved most from " in summary


def test_stance_summaries_name_the_ends_of_the_scale():
    at = open_page(STANCE)
    summaries = chart_summaries(at)
    assert len(summaries) >= 2
    table = dataframe_with(at, "verdict", "estimate", "interval")
    placed = table[table["interval"] != "–"].sort_values("estimate")
    best = placed["estimate"].max()
    favor = summaries[0].split("most in favor ", 1)[1].split(";")[0]
    assert f"({best:+.2f}," in favor
    assert all(name in favor for name in placed.loc[placed["estimate"] == best, "speaker"])  # ties named together
    assert summaries[1].startswith("Line chart of mean readings: ")
