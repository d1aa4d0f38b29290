"""Heatmaps page (app_pages/heatmaps.py): three matrices, the size cap, and the cell drill-down."""

from __future__ import annotations

import pytest
from apptest_helpers import (
    HEATMAPS,
    N_BUNDLED,
    N_SPEAKERS,
    N_TOPICS,
    bundled_frame,
    card_heads,
    main_metrics,
    open_page,
    plotly_charts,
    quote_text,
    shown_choice,
    texts,
)

SPK_SPK, SPK_TOPIC, STMT = "speaker × speaker", "speaker × topic", "statement × statement"


def heatmap_trace(at) -> dict:
    charts = plotly_charts(at)
    assert "heatmap" in charts, list(charts)
    traces = [t for t in charts["heatmap"]["data"] if t["type"] == "heatmap"]
    assert len(traces) == 1
    return traces[0]


def assert_download_button(at) -> None:
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["Download this matrix (CSV)"]
    assert buttons[0].proto.url.endswith(".csv")


@pytest.mark.parametrize(
    "mode, n_rows, n_cols",
    [(SPK_SPK, N_SPEAKERS, N_SPEAKERS), (SPK_TOPIC, N_SPEAKERS, N_TOPICS), (STMT, 120, 120)],
)
def test_each_mode_renders_a_heatmap(mode, n_rows, n_cols):
    at = open_page(HEATMAPS, {"mode": mode})
    assert at.radio(key="mode").value == mode
    trace = heatmap_trace(at)
    assert len(trace["y"]) == n_rows and len(trace["x"]) == n_cols
    assert texts(at.subheader) == ["Look inside a cell"]
    row, col = at.selectbox(key="row"), at.selectbox(key="col")
    assert len(row.options) == n_rows and len(col.options) == n_cols
    if mode != STMT:  # the statement matrix labels its axes 1..n; the select boxes say whose statement
        assert row.options == trace["y"] and col.options == trace["x"]
    else:
        # Rows are labelled with id, speaker and date on the axes and in the select boxes alike.
        assert row.options == trace["y"] and all(" · " in o and ", 20" in o for o in row.options)
    assert "Cosine similarity" in main_metrics(at)
    assert_download_button(at)


def test_statement_mode_with_fewer_than_the_data_says_it_samples():
    at = open_page(HEATMAPS, {"mode": STMT, "n": "50"})
    assert at.number_input(key="n").value == 50
    assert texts(at.warning) == [
        f"Showing a random sample of 50 of {N_BUNDLED} statements; narrow the filters to see all."
    ]
    assert len(heatmap_trace(at)["x"]) == 50
    assert any(c.value.startswith("50 statements, labelled by id, speaker and date") for c in at.main.caption)

    # Room for everything: no notice, every statement is in the matrix.
    at.number_input(key="n").set_value(200).run()
    assert not at.exception
    assert not at.warning
    assert len(heatmap_trace(at)["x"]) == N_BUNDLED


def test_statement_cell_shows_both_statements():
    at = open_page(HEATMAPS, {"mode": STMT, "n": "200"})
    row, col = shown_choice(at, "row"), shown_choice(at, "col")
    assert row != col  # the column defaults to the second statement
    heads = card_heads(at)
    assert len(heads) == 2
    # Labels read "<id> · <speaker>, <date>"; the cards show that speaker and date.
    for label, head in zip((row, col), heads):
        speaker, date = label.split(" · ", 1)[1].rsplit(", ", 1)
        assert (head["speaker"], head["date"]) == (speaker, date)
    frame = bundled_frame()
    for md in at.main.markdown:
        assert quote_text(md.value) in set(frame["text"])


def test_speaker_by_topic_cell_lists_that_speakers_statements_on_the_topic():
    at = open_page(HEATMAPS, {"mode": SPK_TOPIC, "row": "Mark Carney", "col": "tariffs"})
    assert at.selectbox(key="row").value == "Mark Carney"
    assert at.selectbox(key="col").value == "tariffs"
    value = main_metrics(at)["Cosine similarity"]
    assert -1 <= float(value) <= 1
    tables = [d.value for d in at.dataframe]
    assert len(tables) == 1
    cell = tables[0]
    frame = bundled_frame()
    expect = frame[(frame["speaker"] == "Mark Carney") & (frame["topic"] == "tariffs")]
    assert len(cell) == len(expect) == 3
    assert set(cell["speaker"]) == {"Mark Carney"} and set(cell["topic"]) == {"tariffs"}
    assert sorted(cell["text"]) == sorted(expect["text"])
    assert_download_button(at)


def test_speaker_by_topic_empty_cell_says_so():
    at = open_page(HEATMAPS, {"mode": SPK_TOPIC, "row": "Antony Blinken", "col": "tariffs"})
    assert main_metrics(at)["Cosine similarity"] == "no statements"
    assert texts(at.info) == ["Antony Blinken has no statement on tariffs under the current filters."]
    assert not at.dataframe


def test_speaker_by_speaker_cell_within_a_topic():
    at = open_page(HEATMAPS, {"mode": SPK_SPK, "htopic": "tariffs", "row": "Donald Trump", "col": "Claudia Sheinbaum"})
    assert at.selectbox(key="htopic").value == "tariffs"
    trace = heatmap_trace(at)
    frame = bundled_frame()
    on_topic = frame[frame["topic"] == "tariffs"]
    assert sorted(trace["x"]) == sorted(on_topic["speaker"].unique())
    cell = at.dataframe[0].value
    expect = on_topic[on_topic["speaker"].isin(["Donald Trump", "Claudia Sheinbaum"])]
    assert len(cell) == len(expect) == 20
    assert set(cell["speaker"]) == {"Donald Trump", "Claudia Sheinbaum"}
    assert set(cell["topic"]) == {"tariffs"}
    assert 0 < float(main_metrics(at)["Cosine similarity"]) < 1


def test_changing_the_cell_updates_the_drill_down():
    at = open_page(HEATMAPS, {"mode": SPK_TOPIC})
    at.selectbox(key="row").set_value("Donald Trump").run()
    at.selectbox(key="col").set_value("migration").run()
    assert not at.exception
    cell = at.dataframe[0].value
    assert set(cell["speaker"]) == {"Donald Trump"} and set(cell["topic"]) == {"migration"}
    assert len(cell) == 4


def test_sidebar_filters_shrink_the_matrix():
    at = open_page(HEATMAPS, {"speakers": ["Mark Carney", "Donald Trump", "Doug Ford"], "mode": SPK_TOPIC})
    trace = heatmap_trace(at)
    assert sorted(trace["y"]) == ["Donald Trump", "Doug Ford", "Mark Carney"]
    assert set(at.selectbox(key="row").options) == {"Donald Trump", "Doug Ford", "Mark Carney"}
