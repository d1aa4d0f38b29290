"""Explore page (app_pages/explore.py): metrics, sidebar filters, the table, semantic search."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from apptest_helpers import (
    N_BUNDLED,
    N_SPEAKERS,
    N_TOPICS,
    assert_ok,
    bundled_frame,
    card_heads,
    dataframe_with,
    main_metrics,
    open_page,
    plotly_charts,
    sidebar_kept,
    texts,
    unescape,
)

QUERY = "the trade deal is irrelevant"


def statements_table(at) -> pd.DataFrame:
    """The "Statements" table (the one without a score column)."""
    tables = [d.value for d in at.dataframe if "score" not in d.value.columns and "text" in d.value.columns]
    assert len(tables) == 1
    return tables[0]


def test_default_view_shows_the_whole_bundled_dataset():
    at = open_page()
    assert main_metrics(at) == {
        "Statements": str(N_BUNDLED),
        "Speakers": str(N_SPEAKERS),
        "Topics": str(N_TOPICS),
        "Years": "2017–2026",
    }
    assert sidebar_kept(at) == f"{N_BUNDLED} of {N_BUNDLED}"
    assert texts(at.subheader) == ["Search by meaning and words", "What the data holds", "Statements"]
    table = statements_table(at)
    assert len(table) == N_BUNDLED
    assert list(table.columns) == ["date", "speaker", "topic", "text", "quote_type", "source_url", "source_title"]
    # Newest first, as the caption says.
    assert table["date"].is_monotonic_decreasing
    # Counts per speaker, topic and year (bars inside tables), no search results without a query.
    counts = {
        f"counts_{d.value.columns[0]}": d.value for d in at.dataframe if list(d.value.columns[1:]) == ["statements"]
    }
    assert set(counts) == {"counts_speaker", "counts_topic", "counts_year"}
    frame = bundled_frame()
    assert (
        dict(zip(counts["counts_speaker"]["speaker"], counts["counts_speaker"]["statements"]))
        == frame["speaker"].value_counts().to_dict()
    )
    assert counts["counts_topic"]["statements"].sum() == N_BUNDLED
    assert counts["counts_year"]["year"].tolist() == sorted(counts["counts_year"]["year"], reverse=True)
    assert not [d for d in at.dataframe if "score" in d.value.columns]
    assert not at.warning


def test_sidebar_speaker_filter_keeps_only_that_speaker():
    at = open_page()
    at.sidebar.multiselect(key="speakers").set_value(["Jamieson Greer"]).run()
    assert not at.exception
    m = main_metrics(at)
    assert m["Statements"] == "12"
    assert m["Speakers"] == "1"
    assert sidebar_kept(at) == f"12 of {N_BUNDLED}"
    table = statements_table(at)
    assert len(table) == 12
    assert set(table["speaker"]) == {"Jamieson Greer"}


def test_the_year_table_shows_years_without_statements_as_zero():
    at = open_page(params={"speakers": ["Donald Trump"]})
    years = next(d.value for d in at.dataframe if list(d.value.columns) == ["year", "statements"])
    counts = dict(zip(years["year"], years["statements"]))
    assert list(counts) == [str(y) for y in range(2026, 2016, -1)]  # every year, newest first
    assert counts["2021"] == counts["2022"] == counts["2023"] == 0  # Trump was out of office
    assert counts["2020"] > 0


def test_query_params_seed_topic_and_date_range():
    at = open_page(params={"topics": ["tariffs"], "dates": ["2025-01-01", "2025-12-31"]})
    assert at.sidebar.multiselect(key="topics").value == ["tariffs"]
    assert at.sidebar.slider(key="dates").value == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))

    frame = bundled_frame()
    expect = frame[(frame["topic"] == "tariffs") & (frame["date"] >= "2025-01-01") & (frame["date"] <= "2025-12-31")]
    assert len(expect) > 0
    m = main_metrics(at)
    assert m["Statements"] == str(len(expect))
    assert m["Topics"] == "1"
    assert m["Speakers"] == str(expect["speaker"].nunique())
    assert m["Years"] == "2025–2025"
    table = statements_table(at)
    assert set(table["topic"]) == {"tariffs"}
    assert table["date"].min() >= pd.Timestamp("2025-01-01")
    assert table["date"].max() <= pd.Timestamp("2025-12-31")
    assert sorted(table["text"]) == sorted(expect["text"])


def test_query_params_seed_speakers_and_language():
    at = open_page(params={"speakers": ["Claudia Sheinbaum", "Donald Trump"], "lang": ["es"]})
    frame = bundled_frame()
    expect = frame[frame["speaker"].isin(["Claudia Sheinbaum", "Donald Trump"]) & (frame["language"] == "es")]
    assert main_metrics(at)["Statements"] == str(len(expect))
    assert set(statements_table(at)["speaker"]) <= {"Claudia Sheinbaum", "Donald Trump"}


def test_filters_that_keep_nothing_say_so():
    at = open_page(params={"speakers": ["Mark Carney"], "topics": ["China"]})
    assert main_metrics(at)["Statements"] == "0"
    assert main_metrics(at)["Years"] == "–"
    assert any("No statement matches the filters" in i.value for i in at.info)
    assert not at.dataframe
    assert not plotly_charts(at)


@pytest.mark.model
def test_search_box_finds_trump_first_with_descending_scores():
    at = open_page()
    at.text_input(key="q").input(QUERY).run()
    assert not at.exception
    hits = dataframe_with(at, "score")
    assert len(hits) == 10  # the default number of results
    assert hits.iloc[0]["speaker"] == "Donald Trump"
    # Ranked by meaning and words fused, so the cosine need not fall monotonically; it is still shown.
    assert all(0 < s <= 1 for s in hits["score"])
    assert any(f"best matches for “{QUERY}” among {N_BUNDLED}" in c.value for c in at.main.caption)


@pytest.mark.model
def test_query_params_seed_search_box_results_and_count():
    at = open_page(params={"q": QUERY, "k": "5"})
    assert at.text_input(key="q").value == QUERY
    assert at.number_input(key="k").value == 5
    hits = dataframe_with(at, "score")
    assert len(hits) == 5
    assert hits.iloc[0]["speaker"] == "Donald Trump"
    assert any(c.value.startswith("The 5 best matches") for c in at.main.caption)


@pytest.mark.model
def test_search_respects_the_sidebar_filters():
    at = open_page(params={"q": QUERY, "speakers": ["Mark Carney"]})
    hits = dataframe_with(at, "score")
    assert len(hits) == 10
    assert set(hits["speaker"]) == {"Mark Carney"}
    assert any("among 16," in c.value for c in at.main.caption)


@pytest.mark.model
def test_a_remembered_word_finds_the_quote_first_and_says_which_words_matched():
    at = open_page(params={"q": "rubberstamp"})
    hits = dataframe_with(at, "score")
    assert hits.iloc[0]["speaker"] == "Jamieson Greer"
    assert "a rubberstamp of the Agreement" in hits.iloc[0]["text"]
    assert hits.iloc[0]["matched"] == "rubberstamp"


@pytest.mark.model
def test_a_quoted_phrase_keeps_only_statements_that_contain_it():
    at = open_page(params={"q": '"worst trade deal"'})
    hits = dataframe_with(at, "score")
    assert len(hits) == 2 and all("worst trade deal" in t for t in hits["text"])
    at = open_page(params={"q": '"rubber glove"'})
    assert any("must appear word for word" in i.value for i in at.info)


@pytest.mark.model
def test_the_search_box_example_phrase_finds_greers_rubberstamp_and_one_result_is_singular():
    from stance_explorer.search import EXAMPLE_PHRASE, example_hint

    at = open_page(params={"q": EXAMPLE_PHRASE})
    assert at.text_input(key="q").placeholder == example_hint() and EXAMPLE_PHRASE in example_hint()
    hits = dataframe_with(at, "score")
    assert list(hits["speaker"]) == ["Jamieson Greer"] and "a rubberstamp of the Agreement" in hits.iloc[0]["text"]
    assert hits.iloc[0]["matched"] == "“rubberstamp”"
    assert list(hits.columns[:3]) == ["rank", "matched_by", "score"]
    assert hits.iloc[0]["rank"] == 1 and hits.iloc[0]["matched_by"].startswith("phrase")
    assert any(c.value.startswith("The best match for") for c in at.main.caption)
    assert "Download this result (CSV)" in [b.proto.label for b in at.get("download_button")]


@pytest.mark.model
def test_search_results_show_their_rank_and_what_placed_them():
    at = open_page(params={"q": "rubberstamp", "k": "5"})
    hits = dataframe_with(at, "score")
    assert list(hits["rank"]) == [1, 2, 3, 4, 5]
    # Greer's quote is first by its word, although others are closer in meaning.
    assert hits.iloc[0]["matched_by"] == "words" and hits.iloc[0]["score"] < hits["score"].iloc[1:].max()
    assert set(hits["matched_by"].iloc[1:]) == {"meaning"}
    assert any(c.value.startswith("The 5 best matches") for c in at.main.caption)
    assert "Download these 5 results (CSV)" in [b.proto.label for b in at.get("download_button")]


# ---------------------------------------------------------------------------- one statement, opened
def test_a_statement_link_opens_it_in_full_with_who_else_said_something_close():
    # The statement opens in a dialog, whose elements are not under at.main: read the whole tree.
    at = open_page(params={"stmt": "S190"})  # Trump's "irrelevant", quoted in the seed article
    assert_ok(at)
    row = bundled_frame().set_index("id").loc["S190"]
    body = [unescape(m.value) for m in at.markdown]
    assert f"**{row.speaker}** · {row.role}, {row.country}" in body
    assert "“…irrelevant…”" in body  # a partial quote stays marked as partial
    caps = [unescape(c.value) for c in at.caption]
    assert any(c.startswith("2026-01-29 (date of the article") for c in caps)  # the date is only the report's
    assert any(row.context in c for c in caps)
    assert "**Others who said something close**" in body and "**Donald Trump, at other times**" in body
    heads = [h for h in card_heads(at) if "score" in h]
    others, same = heads[:5], heads[5:]
    assert len(others) == 5 and len(same) == 5
    assert all(h["speaker"] != "Donald Trump" for h in others)
    assert all(h["speaker"] == "Donald Trump" for h in same)
    for group in (others, same):
        scores = [float(h["score"]) for h in group]
        assert scores == sorted(scores, reverse=True) and 0 < scores[-1] < 1
    # Greer's "shortcomings" on the same review is among the closest by others.
    assert "Jamieson Greer" in {h["speaker"] for h in others}


def test_an_opened_statement_looks_for_neighbours_only_among_the_filtered_rows():
    at = open_page(params={"stmt": "S190", "speakers": ["Donald Trump"]})
    assert_ok(at)
    assert any("among the 53 statements the filters keep" in c.value for c in at.caption)
    assert any(
        c.value == "No statement by another speaker among those the filters keep." for c in at.caption
    )  # no other speaker kept
    assert {h["speaker"] for h in card_heads(at) if "score" in h} == {"Donald Trump"}


def test_closing_the_statement_takes_it_out_of_the_link():
    at = open_page(params={"stmt": "S190"})
    at.button(key="close_statement").click().run()
    assert_ok(at)
    assert "stmt" not in at.query_params
    assert "**Others who said something close**" not in [m.value for m in at.markdown]


def test_a_link_to_a_statement_this_data_lacks_says_so():
    at = open_page(params={"stmt": "S999"})
    assert_ok(at)
    notes = " ".join(unescape(i.value) for i in at.main.info)
    assert "Statement: “S999” is not in this dataset, so it was not opened." in notes
    assert "stmt" not in at.query_params
    assert "**Others who said something close**" not in [m.value for m in at.markdown]


def test_the_statements_the_filters_keep_can_be_downloaded():
    at = open_page(params={"speakers": ["Jamieson Greer"]})
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the 12 statements the filters keep (CSV)" in labels


def test_an_opened_statement_in_spanish_warns_that_the_model_reads_english():
    spanish = open_page(params={"stmt": "S197"})  # Sheinbaum: "No estamos cediendo nada a nadie"
    assert any("This statement is in es. The model reads English" in unescape(c.value) for c in spanish.caption)
    english = open_page(params={"stmt": "S190"})
    assert not any("The model reads English" in c.value for c in english.caption)


@pytest.mark.model
def test_search_says_when_other_languages_are_among_the_statements():
    at = open_page(params={"q": QUERY})
    notes = [unescape(m.value) for m in at.main.caption if "not in English" in m.value]
    n_es = int((bundled_frame()["language"] == "es").sum())
    assert len(notes) == 1 and f"({n_es} not in English: es: {n_es})" in notes[0]
    assert at.button(key="use_multilingual").proto.label == "Use the multilingual model"
    english_only = open_page(params={"q": QUERY, "lang": ["en"]})
    assert not [m for m in english_only.main.caption if "not in English" in m.value]
