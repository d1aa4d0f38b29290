"""Tracker page (app_pages/tracker.py): phrase timelines (real model) and speaker drift."""

from __future__ import annotations

import re

import pytest
from apptest_helpers import (
    TRACKER,
    bundled_frame,
    card_heads,
    open_page,
    plotly_array,
    plotly_charts,
    shown_choice,
    texts,
    unescape,
)

pytestmark = pytest.mark.model  # every phrase is embedded with the real all-MiniLM-L6-v2

SHIFT = re.compile(r"^\*\*Shift from (\S+) to (\S+)\*\* \(similarity (\d\.\d\d)\)")


def shifts(at) -> list[tuple[str, str, float]]:
    """The flagged shifts as displayed: (from, to, similarity), in page order."""
    out = []
    for md in at.main.markdown:
        if m := SHIFT.match(md.value):
            out.append((m.group(1), m.group(2), float(m.group(3))))
    return out


def periods_table(at):
    tables = [d.value for d in at.dataframe if "similarity_to_previous" in d.value.columns]
    assert len(tables) == 1
    return tables[0]


def test_default_phrases_give_two_timelines_and_trump_drift():
    at = open_page(TRACKER)
    assert at.text_area(key="phrases").value == "USMCA irrelevant\nshortcomings"
    charts = plotly_charts(at)
    # _0: see webapp.statement.picker_key. claim_*: holds / rejects; tl_*: similarity, the secondary view.
    assert set(charts) == {"claim_0", "claim_1", "tl_USMCA irrelevant_0", "tl_shortcomings_0", "drift"}
    assert texts(at.subheader) == ["Who holds the position, over time", "Drift: how a speaker's statements move"]
    # The first load named each claim's reading while it ran, and folds to what it did.
    status = [s for s in at.main.status if s.label.startswith("Claims read")]
    assert len(status) == 1
    steps = [re.match(r"Reading “(.+)” against (\d+) statements: \d+\.\d s$", m.value) for m in status[0].markdown]
    assert [m.group(1) for m in steps] == ["USMCA irrelevant", "shortcomings"]
    # The statements of the speakers the charts show (the most active ones).
    assert len({m.group(2) for m in steps}) == 1 and 0 < int(steps[0].group(2)) <= len(bundled_frame())
    labels = [e.label for e in at.main.expander]
    assert "About the same thing as “USMCA irrelevant” (similarity, not whether they hold it)" in labels
    assert "About the same thing as “shortcomings” (similarity, not whether they hold it)" in labels
    # Each timeline has one dot per statement of every speaker it shows (the page may limit the
    # chart to the most active speakers, and then says so).
    frame = bundled_frame()
    per_speaker = frame["speaker"].value_counts()
    limit = [c.value for c in at.main.caption if c.value.startswith("Charts show the ")]
    for key in ("tl_USMCA irrelevant_0", "tl_shortcomings_0"):
        dots = {t["name"]: len(t["x"]) for t in charts[key]["data"] if t.get("mode") == "markers"}
        assert dots == {s: per_speaker[s] for s in dots}
        if limit:
            n = int(limit[0].split()[3])
            assert len(dots) == n and set(dots) == set(per_speaker.index[:n])
        else:
            assert len(dots) == len(per_speaker)

    # The closest statements per year, scored, best first within each year.
    best = [d.value for d in at.dataframe if "score" in d.value.columns]
    assert len(best) == 2
    for table in best:
        for _, year in table.groupby(table["date"].dt.year):
            assert year["score"].is_monotonic_decreasing
            assert len(year) <= 2

    # Drift defaults: Donald Trump on USMCA/trade, by year.
    assert shown_choice(at, "dspk") == "Donald Trump"
    assert shown_choice(at, "dtopic") == "USMCA/trade"
    assert at.selectbox(key="win").value == "year"
    found = shifts(at)
    assert found, "no flagged shift is shown"
    # The biggest shift (listed first) is 2025 -> 2026: from "transitional deal" to "it's irrelevant".
    assert found[0][:2] == ("2025", "2026")
    periods = periods_table(at)
    flagged = periods[periods["flagged"]]
    assert "2026" in set(flagged["window"])
    assert [(a, b) for a, b, _ in found] == [
        (periods["window"].iloc[periods.index.get_loc(i) - 1], periods.loc[i, "window"])
        for i in flagged.sort_values("shift_rank").index
    ]
    # The rule is shown: flagged shifts are the two of rank 1 and 2, and the caption says it is a rank.
    assert sorted(flagged["shift_rank"]) == [1, 2]
    assert any("the two lowest bars, the two largest shifts, are flagged" in c.value for c in at.main.caption)
    row_2026 = periods[periods["window"] == "2026"].iloc[0]
    assert found[0][2] == round(float(row_2026["similarity_to_previous"]), 2)
    assert row_2026["similarity_to_previous"] == periods["similarity_to_previous"].min()
    # The two representative statements of the first shift are Trump's, on USMCA/trade, 2025 then 2026.
    heads = card_heads(at)[:2]
    assert [h["speaker"] for h in heads] == ["Donald Trump", "Donald Trump"]
    assert [h["topic"] for h in heads] == ["USMCA/trade", "USMCA/trade"]
    assert heads[0]["date"].startswith("2025") and heads[1]["date"].startswith("2026")
    assert "irrelevant" in unescape(
        at.main.markdown[[SHIFT.match(m.value) is not None for m in at.main.markdown].index(True) + 2].value
    )
    # Every most typical statement is a full quote where the period has one: never "transitional deal".
    assert "transitional deal" not in set(periods["representative"])


def test_query_params_set_the_phrases():
    at = open_page(TRACKER, {"phrases": "tariffs on steel\nfentanyl at the border\n\n"})
    assert at.text_area(key="phrases").value == "tariffs on steel\nfentanyl at the border\n\n"
    charts = plotly_charts(at)
    assert {k for k in charts if k.startswith("tl_")} == {"tl_tariffs on steel_0", "tl_fentanyl at the border_0"}
    assert {k for k in charts if k.startswith("claim_")} == {"claim_0", "claim_1"}
    labels = [e.label for e in at.main.expander]
    assert "About the same thing as “fentanyl at the border” (similarity, not whether they hold it)" in labels


def test_changing_the_phrase_in_the_box():
    at = open_page(TRACKER)
    at.text_area(key="phrases").input("critical minerals").run()
    assert not at.exception
    assert {k for k in plotly_charts(at) if k.startswith("tl_")} == {"tl_critical minerals_0"}


def test_drift_query_params_and_too_few_periods():
    at = open_page(TRACKER, {"phrases": "shortcomings", "dspk": "Antony Blinken"})
    assert shown_choice(at, "dspk") == "Antony Blinken"
    assert shown_choice(at, "dtopic") == "all topics"  # Blinken has no USMCA/trade statement
    assert texts(at.info) == ["Antony Blinken has statements in fewer than two periods; drift needs at least two."]
    assert "drift" not in plotly_charts(at)
    assert not shifts(at)


def test_drift_for_another_speaker_topic_and_window():
    at = open_page(
        TRACKER,
        {"phrases": "shortcomings", "dspk": "Claudia Sheinbaum", "dtopic": "security/cartels", "win": "quarter"},
    )
    assert (shown_choice(at, "dspk"), shown_choice(at, "dtopic"), at.selectbox(key="win").value) == (
        "Claudia Sheinbaum",
        "security/cartels",
        "quarter",
    )
    assert "drift" in plotly_charts(at)
    periods = periods_table(at)
    frame = bundled_frame()
    mine = frame[(frame["speaker"] == "Claudia Sheinbaum") & (frame["topic"] == "security/cartels")]
    assert periods["count"].sum() == len(mine)
    assert all(re.fullmatch(r"\d{4}-?Q[1-4]", w) for w in periods["window"])
    for a, b, sim in shifts(at):
        assert a < b and 0 <= sim <= 1


def test_a_statement_link_opens_it_on_the_tracker_too():
    at = open_page(TRACKER, {"stmt": "S190", "speakers": ["Donald Trump", "Jamieson Greer"]})
    assert not at.exception
    body = [m.value for m in at.markdown]
    assert "**Donald Trump** · President of the United States, United States" in body
    assert "**Others who said something close**" in body
    assert any("among the 65 statements the filters keep" in c.value for c in at.caption)
    # The timeline stays, and its points carry the rows a click opens.
    charts = plotly_charts(at)
    assert {"tl_USMCA irrelevant_0", "tl_shortcomings_0"} <= set(charts)


def test_the_tracker_reads_who_holds_the_claim_and_puts_trumps_2020_praise_on_the_rejecting_side():
    """Issue 24: "USMCA irrelevant" is a claim to hold or reject, not a topic to be near."""
    at = open_page(TRACKER)
    claim = plotly_charts(at)["claim_0"]
    trump = {t["name"]: t for t in claim["data"] if t["name"].startswith("Donald Trump")}
    rejects, holds = trump["Donald Trump: rejects"], trump["Donald Trump: holds"]
    years = [str(x)[:4] for x in rejects["x"]]
    share_2020 = plotly_array(rejects["y"])[years.index("2020")]
    assert share_2020 < 0  # drawn below the line: the share of his 2020 statements rejecting the claim
    assert "largest, fairest, most balanced" in rejects["text"][years.index("2020")]  # the deciding quote on hover
    assert plotly_array(holds["y"])[[str(x)[:4] for x in holds["x"]].index("2026")] > 0
    assert any("the model's reading" in unescape(c.value) for c in at.main.caption)
