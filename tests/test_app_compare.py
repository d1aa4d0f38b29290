"""Compare page (app_pages/compare.py): speakers side by side on a topic, similarity, extreme pairs."""

from __future__ import annotations

import pytest
from apptest_helpers import (
    COMPARE,
    bundled_frame,
    card_heads,
    open_page,
    plotly_charts,
    quote_text,
    shown_choice,
    texts,
    unescape,
)

PAIR_TITLES = ["Closest pairs of statements", "Farthest pairs of statements"]


def column_for(at, speaker: str):
    cols = [c for c in at.columns if texts(c.subheader) == [speaker]]
    assert len(cols) == 1, f"no single column headed {speaker!r}"
    return cols[0]


def on_topic(speaker: str, topic: str):
    frame = bundled_frame()
    return frame[(frame["speaker"] == speaker) & (frame["topic"] == topic)]


def assert_column_shows(at, speaker: str, topic: str) -> None:
    """The speaker's column lists exactly their statements on the topic, newest first."""
    col = column_for(at, speaker)
    expect = on_topic(speaker, topic).sort_values("date", ascending=False, kind="stable")
    assert len(expect) > 0
    summary = unescape(col.caption[0].value)
    first, last = f"{expect['date'].min():%Y-%m}", f"{expect['date'].max():%Y-%m}"
    noun = "statement" if len(expect) == 1 else "statements"
    assert summary == f"{len(expect)} {noun}, " + (first if first == last else f"{first} to {last}") + ", newest first"
    shown = [quote_text(m.value) for m in col.markdown]
    assert sorted(shown) == sorted(expect["text"])
    dates = [unescape(c.value).split(" · ")[0] for c in col.caption[1:] if unescape(c.value)[:4].isdigit()]
    # Newest first, each date only as precise as the data knows it (a month-only date shows no day).
    assert dates == [
        f"{d:%Y-%m}" if p == "month" else f"{d:%Y-%m-%d}" for d, p in zip(expect["date"], expect["date_precision"])
    ]


def pairs(at) -> list[tuple[dict, dict]]:
    scored = [h for h in card_heads(at) if "score" in h]
    assert len(scored) % 2 == 0
    return list(zip(scored[::2], scored[1::2]))


def assert_pairs_are_between_different_speakers(at, speakers: set[str], topic: str, n: int = 3) -> None:
    assert [s for s in texts(at.subheader) if s in PAIR_TITLES] == PAIR_TITLES
    ps = pairs(at)
    assert len(ps) == 2 * n
    for a, b in ps:
        assert a["speaker"] != b["speaker"], (a, b)
        assert {a["speaker"], b["speaker"]} <= speakers
        assert a["topic"] == b["topic"] == topic
        assert a["score"] == b["score"]  # both cards of a pair carry the pair's score
    closest = [float(a["score"]) for a, _ in ps[:n]]
    farthest = [float(a["score"]) for a, _ in ps[n:]]
    assert closest == sorted(closest, reverse=True)
    assert farthest == sorted(farthest)
    assert min(closest) >= max(farthest)


def similarity_table(at):
    """The pairs table: one line per pair of speakers (mean similarity of their statements, spread)."""
    tables = [d.value for d in at.dataframe]
    assert len(tables) == 1
    return tables[0].set_index("Pair")


def test_default_topic_and_speakers():
    at = open_page(COMPARE)
    assert shown_choice(at, "topic") == "USMCA/trade"  # the topic with most statements
    assert at.multiselect(key="who").value == []  # nothing picked: the page picks per topic
    chosen = ["Donald Trump", "Jamieson Greer"]  # the two who said most on it
    assert any("the two speakers with the most statements" in c.value for c in at.main.caption)
    subheaders = texts(at.subheader)
    assert subheaders[:2] == chosen
    assert "How alike they sound on this topic" in subheaders
    for speaker in chosen:
        assert_column_shows(at, speaker, "USMCA/trade")
    assert not at.info

    table = similarity_table(at)
    assert list(table.index) == [
        "Donald Trump · Jamieson Greer",
        "Donald Trump (own statements)",
        "Jamieson Greer (own statements)",
    ]
    pair = table.loc["Donald Trump · Jamieson Greer"]
    n_trump, n_greer = len(on_topic("Donald Trump", "USMCA/trade")), len(on_topic("Jamieson Greer", "USMCA/trade"))
    assert pair["Pairs"] == n_trump * n_greer
    # The number shown is the mean of the very pairs listed below: never above the closest pair
    # (the centroid cosine shown before was 0.79 against a best pair of 0.69, and read as an error).
    low, high = (float(x) for x in pair["Spread"].split(", ")[1].split(" to "))
    assert low <= pair["Mean"] <= high
    closest = float(pairs(at)[0][0]["score"])
    assert pair["Mean"] < closest == pytest.approx(high, abs=0.005)  # the table rounds to 2 places
    assert "cmp_heat" in at.get("plotly_chart")[0].proto.id
    assert any("not opposite" in c.value for c in at.main.caption)
    assert_pairs_are_between_different_speakers(at, set(chosen), "USMCA/trade")


def test_only_speakers_with_statements_on_the_topic_are_offered():
    at = open_page(COMPARE, {"topic": "China"})
    frame = bundled_frame()
    assert at.multiselect(key="who").options == sorted(frame.loc[frame["topic"] == "China", "speaker"].unique())
    # A speaker picked on another topic stays picked (and offered) when the topic changes.
    at = open_page(COMPARE, {"topic": "USMCA/trade", "who": ["Donald Trump", "Chrystia Freeland"]})
    at.selectbox(key="topic").set_value("China").run()
    assert at.multiselect(key="who").value == ["Donald Trump", "Chrystia Freeland"]
    assert "Chrystia Freeland" in at.multiselect(key="who").options
    assert "Chrystia Freeland has no statement on “China” among the statements the filters keep." in texts(at.info)


def test_speaker_without_statements_on_topic_gets_a_notice():
    who = ["Donald Trump", "Chrystia Freeland", "Antony Blinken"]
    at = open_page(COMPARE, {"topic": "USMCA/trade", "who": who})
    assert at.multiselect(key="who").value == who
    assert texts(at.subheader)[:3] == who
    assert texts(at.info) == ["Antony Blinken has no statement on “USMCA/trade” among the statements the filters keep."]
    assert_column_shows(at, "Donald Trump", "USMCA/trade")
    assert_column_shows(at, "Chrystia Freeland", "USMCA/trade")
    assert not column_for(at, "Antony Blinken").markdown

    table = similarity_table(at)
    assert not [p for p in table.index if "Antony Blinken" in p]  # nothing to average
    # Pairs only between the speakers who have statements on the topic.
    assert_pairs_are_between_different_speakers(at, {"Donald Trump", "Chrystia Freeland"}, "USMCA/trade")


def test_fewer_than_two_speakers_with_statements():
    at = open_page(COMPARE, {"topic": "USMCA/trade", "who": ["Antony Blinken", "Donald Trump"]})
    infos = texts(at.info)
    assert "Antony Blinken has no statement on “USMCA/trade” among the statements the filters keep." in infos
    assert "At least two of the chosen speakers need statements on this topic to compare them." in infos
    assert not at.dataframe
    assert not card_heads(at)


def test_one_speaker_asks_for_two():
    at = open_page(COMPARE, {"topic": "tariffs", "who": ["Mark Carney"]})
    assert texts(at.info) == ["Choose at least two speakers to compare."]
    assert "How alike they sound on this topic" not in texts(at.subheader)


def test_query_params_seed_topic_and_speakers():
    who = ["Mark Carney", "Doug Ford", "Claudia Sheinbaum"]
    at = open_page(COMPARE, {"topic": "tariffs", "who": who})
    assert shown_choice(at, "topic") == "tariffs"
    assert at.multiselect(key="who").value == who
    assert texts(at.subheader)[:3] == who
    for speaker in who:
        assert_column_shows(at, speaker, "tariffs")
    table = similarity_table(at)
    assert list(table.index[:3]) == [
        "Mark Carney · Doug Ford",
        "Mark Carney · Claudia Sheinbaum",
        "Doug Ford · Claudia Sheinbaum",
    ]
    assert_pairs_are_between_different_speakers(at, set(who), "tariffs")


def test_sidebar_filters_narrow_the_comparison():
    # Only 2025 onwards: Trump's USMCA statements from 2017-2020 drop out.
    at = open_page(
        COMPARE, {"dates": ["2025-01-01", "2026-02-13"], "topic": "USMCA/trade", "who": ["Donald Trump", "Mark Carney"]}
    )
    col = column_for(at, "Donald Trump")
    expect = on_topic("Donald Trump", "USMCA/trade")
    expect = expect[expect["date"] >= "2025-01-01"]
    assert unescape(col.caption[0].value).startswith(f"{len(expect)} statements, 2025-")
    assert all(h["date"] >= "2025-01-01" for h in card_heads(at))


def test_how_alike_they_sounded_is_followed_year_by_year():
    who = ["Donald Trump", "Justin Trudeau", "Claudia Sheinbaum"]
    at = open_page(COMPARE, {"topic": "USMCA/trade", "who": who})
    chart = plotly_charts(at)["cmp_time"]
    frame = bundled_frame()
    on_topic = frame[frame["topic"] == "USMCA/trade"]
    per_year = on_topic.groupby([on_topic["speaker"], on_topic["date"].dt.year]).size()
    traces = {t["name"]: t for t in chart["data"]}
    expected = {}
    for i, a in enumerate(who):
        for b in who[i + 1 :]:
            both = sorted(set(per_year[a].index) & set(per_year[b].index))  # years in which both spoke
            if both:
                expected[f"{a} · {b}"] = both
    assert set(traces) == set(expected)
    for name, years in expected.items():
        t = traces[name]
        assert [x[:4] for x in t["x"]] == [str(y) for y in years]
        a, b = name.split(" · ")
        for hover, year in zip(t["customdata"], years):
            assert f", {year}<br>cosine " in hover
            assert hover.endswith(f"({per_year[a][year]} and {per_year[b][year]} statements)")
    assert "2018" in [x[:4] for x in traces["Donald Trump · Justin Trudeau"]["x"]]  # the NAFTA renegotiation


def test_speakers_who_never_spoke_in_the_same_year_get_a_notice():
    frame = bundled_frame()
    years = {
        s: set(frame[(frame["speaker"] == s) & (frame["topic"] == "USMCA/trade")]["date"].dt.year)
        for s in ("Justin Trudeau", "Claudia Sheinbaum")
    }
    assert (
        years["Justin Trudeau"]
        and years["Claudia Sheinbaum"]
        and not years["Justin Trudeau"] & years["Claudia Sheinbaum"]
    )
    at = open_page(COMPARE, {"topic": "USMCA/trade", "who": ["Justin Trudeau", "Claudia Sheinbaum"]})
    assert "cmp_time" not in plotly_charts(at)
    assert any(i.value.startswith("No year in which two of these speakers both spoke") for i in at.main.info)


def test_a_comparison_that_mixes_languages_says_so():
    who = ["Donald Trump", "Marcelo Ebrard"]
    at = open_page(COMPARE, {"topic": "USMCA/trade", "who": who})
    frame = bundled_frame()
    spanish = int(((frame["topic"] == "USMCA/trade") & frame["speaker"].isin(who) & (frame["language"] == "es")).sum())
    assert spanish > 0
    notes = [unescape(m.value) for m in at.main.caption if "not in English" in m.value]
    assert len(notes) == 1 and f"{spanish:,} not in English: es: {spanish:,}" in notes[0]
    assert at.button(key="use_multilingual").proto.label == "Use the multilingual model"
    english_only = open_page(COMPARE, {"topic": "USMCA/trade", "who": who, "lang": ["en"]})
    assert not [m for m in english_only.main.caption if "not in English" in m.value]
