"""What text is embedded: partial quotes keep their context, trade-deal acronyms are glossed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stance_explorer import schema as S
from stance_explorer.encoders.text import (
    PARTIAL_MIN_WORDS,
    embedding_texts,
    gloss_acronyms,
    query_embedding_text,
    statement_embedding_text,
)

CONTEXT = "Trump said this month the USMCA was irrelevant for the U.S."


# ---------------------------------------------------------------------------- partial quotes
def test_short_partial_quote_is_embedded_with_its_context():
    text = statement_embedding_text("irrelevant", "partial", CONTEXT)
    assert text.startswith("“irrelevant” — ")
    assert "was irrelevant for the U.S." in text


def test_partial_quote_at_the_word_limit_is_embedded_alone():
    fragment = " ".join(["word"] * PARTIAL_MIN_WORDS)
    assert statement_embedding_text(fragment, "partial", CONTEXT) == fragment
    shorter = " ".join(["word"] * (PARTIAL_MIN_WORDS - 1))
    assert statement_embedding_text(shorter, "partial", CONTEXT) != shorter


def test_full_quotes_and_partials_without_context_are_embedded_alone():
    assert statement_embedding_text("irrelevant", "direct", CONTEXT) == "irrelevant"
    assert statement_embedding_text("irrelevant", "", CONTEXT) == "irrelevant"
    assert statement_embedding_text("irrelevant", "partial", "   ") == "irrelevant"
    assert statement_embedding_text("  irrelevant  ", "Partial", "") == "irrelevant"


def test_displayed_text_never_changes(bundled):
    frame = bundled.frame
    before = frame[S.TEXT].copy()
    texts = embedding_texts(frame)
    assert len(texts) == len(frame)
    pd.testing.assert_series_equal(frame[S.TEXT], before)
    row = frame.index[(frame[S.TEXT] == "irrelevant") & (frame[S.QUOTE_TYPE] == "partial")][0]
    assert frame.loc[row, S.TEXT] == "irrelevant"
    assert texts[row] == "“irrelevant” — " + gloss_acronyms(frame.loc[row, S.CONTEXT])
    full = frame.index[frame[S.QUOTE_TYPE] == "direct"][0]
    assert texts[full] == gloss_acronyms(frame.loc[full, S.TEXT].strip())


def test_embedding_texts_without_optional_columns():
    frame = pd.DataFrame({S.TEXT: ["irrelevant", "The USMCA is fine"]})
    assert embedding_texts(frame) == ["irrelevant", "The USMCA trade deal is fine"]


# ---------------------------------------------------------------------------- acronyms
@pytest.mark.parametrize("acronym", ["USMCA", "T-MEC", "CUSMA", "NAFTA", "TLCAN", "ACEUM"])
def test_acronyms_are_glossed(acronym):
    assert gloss_acronyms(f"The {acronym} is irrelevant to us") == f"The {acronym} trade deal is irrelevant to us"


@pytest.mark.parametrize(
    "text",
    [
        "the USMCA trade deal is fine",
        "the USMCA deal is fine",
        "the CUSMA agreement stands",
        "NAFTA  treaty",
        "an ACEUM accord",
        "no acronym here at all",
        "MUSMCAX is not a word we know",
    ],
)
def test_acronyms_already_explained_or_absent_are_left_alone(text):
    assert gloss_acronyms(text) == text


def test_every_acronym_in_a_text_is_glossed_once():
    out = gloss_acronyms("NAFTA became USMCA, called T-MEC in Mexico")
    assert out == "NAFTA trade deal became USMCA trade deal, called T-MEC trade deal in Mexico"
    assert gloss_acronyms(out) == out  # applying twice adds nothing


def test_queries_get_the_same_treatment():
    assert query_embedding_text("  the usmca is irrelevant ") == "the usmca trade deal is irrelevant"
    assert query_embedding_text("tariffs on steel") == "tariffs on steel"


# ---------------------------------------------------------------------------- the real model
STATEMENT = "The USMCA is irrelevant to us"
SAME_STANCE = "it wouldn't matter to me if the deal expired"
OFF_TOPIC = "security cooperation is going very well"


def _cosines(encoder, texts):
    v = encoder.encode(texts)
    return float(v[0] @ v[1]), float(v[0] @ v[2])


@pytest.mark.model
def test_glossed_acronym_finds_the_same_stance(real_encoder):
    same, off = _cosines(real_encoder, [query_embedding_text(t) for t in (STATEMENT, SAME_STANCE, OFF_TOPIC)])
    assert same > off


@pytest.mark.model
def test_statements_are_glossed_like_queries(real_encoder):
    """A statement mentioning the USMCA is found by a search about "the deal"."""
    stmt = statement_embedding_text(STATEMENT, "direct", "")
    same, off = _cosines(real_encoder, [stmt, query_embedding_text(SAME_STANCE), query_embedding_text(OFF_TOPIC)])
    assert same > off


@pytest.mark.model
def test_without_the_gloss_the_raw_model_gets_it_wrong(real_encoder):
    """Documents the model limitation the gloss exists for: all-MiniLM-L6-v2 alone does not know
    that USMCA names a trade deal, and ranks the off-topic sentence closer."""
    same, off = _cosines(real_encoder, [STATEMENT, SAME_STANCE, OFF_TOPIC])
    assert same < off


@pytest.mark.model
def test_partial_quote_context_makes_a_fragment_findable(real_encoder):
    fragment = statement_embedding_text("irrelevant", "partial", CONTEXT)
    vecs = real_encoder.encode([query_embedding_text("the trade deal does not matter"), "irrelevant", fragment])
    assert np.dot(vecs[0], vecs[2]) > np.dot(vecs[0], vecs[1])
