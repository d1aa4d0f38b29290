"""Search by meaning and words: what a reporter who remembers a word or a phrase gets back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stance_explorer import schema as S
from stance_explorer.dataset import load_dataset
from stance_explorer.search import (
    EXAMPLE_QUERIES,
    LexicalIndex,
    highlight_spans,
    match_reason,
    matched_words,
    parse_query,
    phrase_mask,
    rrf,
    search,
)


@pytest.fixture(scope="module")
def bundled_index():
    ds = load_dataset()
    return ds, LexicalIndex(ds.frame[S.TEXT])


def _frame(texts: list[str]) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame(
        {
            S.ID: [f"T{i}" for i in range(n)],
            S.SPEAKER: ["A"] * n,
            S.DATE: pd.to_datetime(["2025-01-01"] * n) + pd.to_timedelta(range(n), unit="D"),
            S.TOPIC: ["t"] * n,
            S.TEXT: texts,
        }
    )


def test_a_rare_word_finds_the_statement_that_contains_it(bundled_index):
    ds, index = bundled_index
    hits = search(ds.frame, query="rubberstamp", index=index, k=10, mode="words")
    assert hits[S.ID].iloc[0] == "S153"
    assert hits["matched"].iloc[0] == "rubberstamp"


def test_words_are_stemmed_and_folded(bundled_index):
    ds, index = bundled_index
    # "tariff" finds "Tariffs"; "Zocalo" finds "Zócalo".
    hits = search(ds.frame, query="tariff", index=index, k=50, mode="words")
    assert "Tariffs" in set(", ".join(hits["matched"]).split(", "))
    hits = search(ds.frame, query="Zocalo", index=index, k=5, mode="words")
    assert list(hits[S.ID]) == ["S088"] and hits["matched"].iloc[0] == "Zócalo"


def test_stop_words_alone_find_nothing(bundled_index):
    ds, index = bundled_index
    assert search(ds.frame, query="it is the", index=index, k=10, mode="words").empty


def test_a_quoted_phrase_must_appear_word_for_word(bundled_index):
    ds, index = bundled_index
    hits = search(ds.frame, query='"worst trade deal"', index=index, k=10, mode="words")
    assert set(hits[S.ID]) == {"S018", "S120"}  # not S012 "WORST Trade Deals", nor S048 "worst trade deals"
    assert all("“worst trade deal”" in m for m in hits["matched"])
    assert search(ds.frame, query='"rubber glove"', index=index, k=10).empty


@pytest.mark.parametrize("phrase", ['"rubber stamp"', '"Rubber-Stamp"', '"RUBBER  stamp"', '"rubberstamp"'])
def test_a_quoted_phrase_finds_its_spelling_variants_and_names_the_spelling_found(bundled_index, phrase):
    # Greer's quote writes "a rubberstamp of the Agreement": spacing, hyphens and case are the same words.
    ds, index = bundled_index
    hits = search(ds.frame, query=phrase, index=index, k=10, mode="words")
    assert list(hits[S.ID]) == ["S153"]
    assert "“rubberstamp”" in hits["matched"].iloc[0].split(", ")  # as the quote writes it, not as typed


def test_phrase_variants_are_whole_words_in_order():
    texts = ["a rubber-stamp vote", "Rubber Stamp", "rubberstamped", "stamp rubber", "rubber, then a stamp"]
    assert list(phrase_mask(texts, ["rubber stamp"])) == [True, True, False, False, False]
    assert list(phrase_mask(texts, ["rubberstamp"])) == [True, True, False, False, False]
    spans = highlight_spans("a rubber-stamp vote", '"rubberstamp"')
    assert [piece for piece, hit in spans if hit] == ["rubber-stamp"]


def test_a_phrase_restricts_a_meaning_search_too():
    frame = _frame(["the deal is great", "the deal is terrible", "nothing to see"])
    vectors = np.eye(3, dtype=np.float32)
    query_vector = np.array([0.0, 0.0, 1.0], dtype=np.float32)  # closest in meaning: row 2
    hits = search(frame, query='"deal is terrible"', vectors=vectors, query_vector=query_vector, k=3, mode="meaning")
    assert list(hits[S.ID]) == ["T1"]


def test_phrase_mask_is_whole_words_any_spacing():
    texts = ["We do  not negotiate sovereignty.", "We do not negotiate", "theodeal"]
    assert list(phrase_mask(texts, ["do not negotiate"])) == [True, True, False]
    assert list(phrase_mask(texts, ["the deal"])) == [False, False, False]


def test_fusion_puts_a_literal_match_into_the_top_even_when_its_meaning_ranks_low():
    # Row 9 holds the remembered word but its vector is far from the query; rows 0..8 are close in meaning.
    texts = [f"statement number {i} about trade" for i in range(9)] + ["a rubberstamp is not in the interest"]
    frame = _frame(texts)
    rng = np.random.default_rng(0)
    query_vector = np.ones(8, dtype=np.float32) / np.sqrt(8)
    vectors = np.tile(query_vector, (10, 1)) + rng.normal(0, 0.05, (10, 8)).astype(np.float32)
    vectors[9] = -query_vector
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = LexicalIndex(frame[S.TEXT])
    meaning = search(
        frame, query="rubberstamp", vectors=vectors, query_vector=query_vector, index=index, k=3, mode="meaning"
    )
    fused = search(
        frame, query="rubberstamp", vectors=vectors, query_vector=query_vector, index=index, k=3, mode="fused"
    )
    assert "T9" not in set(meaning[S.ID])
    assert fused[S.ID].iloc[0] == "T9"
    assert fused["matched"].iloc[0] == "rubberstamp"


def test_each_result_says_its_rank_and_what_placed_it_there():
    # Row 9 holds the remembered word but is far in meaning; rows 0..8 are close in meaning.
    texts = [f"statement number {i} about trade" for i in range(9)] + ["a rubberstamp is not in the interest"]
    frame = _frame(texts)
    rng = np.random.default_rng(0)
    query_vector = np.ones(8, dtype=np.float32) / np.sqrt(8)
    vectors = np.tile(query_vector, (10, 1)) + rng.normal(0, 0.05, (10, 8)).astype(np.float32)
    vectors[9] = -query_vector
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = LexicalIndex(frame[S.TEXT])
    hits = search(frame, query="rubberstamp", vectors=vectors, query_vector=query_vector, index=index, k=3)
    assert list(hits["rank"]) == [1, 2, 3]
    assert list(hits["matched_by"]) == ["words", "meaning", "meaning"]
    # The word placed it first although its similarity is the lowest: the reason says so.
    assert hits["score"].iloc[0] < hits["score"].iloc[1:].min()
    both = search(frame, query="trade", vectors=vectors, query_vector=query_vector, index=index, k=3)
    # Every row holds the word; the closest in meaning is placed by both.
    assert both["matched_by"].iloc[0] == "meaning + words" and "meaning" not in set(both["matched_by"])
    phrase = search(frame, query='"number 3"', vectors=vectors, query_vector=query_vector, index=index, k=3)
    assert list(phrase[S.ID]) == ["T3"] and phrase["matched_by"].iloc[0].startswith("phrase, ")
    only_phrase = search(frame, query='"number 3"', k=3)
    assert list(only_phrase["matched_by"]) == ["phrase"]


def test_match_reason_names_a_ranking_only_when_it_gives_a_real_share():
    assert match_reason(0.09, 0.0) == "meaning"
    assert match_reason(0.02, 0.2) == "words"
    assert match_reason(0.09, 0.2) == "meaning + words"
    assert match_reason(0.09, 0.0, phrase=True) == "phrase, meaning"
    assert match_reason(0.0, 0.0, phrase=True) == "phrase"


def test_rrf_rewards_agreement():
    fused = rrf({1: 1, 2: 2}, {2: 1, 3: 2})
    assert max(fused, key=fused.get) == 2


def test_search_respects_the_filters(bundled_index):
    ds, index = bundled_index
    mask = (ds.frame[S.SPEAKER] == "Donald Trump").to_numpy()
    hits = search(ds.frame, query="NAFTA", index=index, k=20, mask=mask, mode="words")
    assert len(hits) > 0 and set(hits[S.SPEAKER]) == {"Donald Trump"}


def test_matched_words_are_named_as_written():
    assert matched_words("Tariffs are about making America rich again", "tariff rich") == ["Tariffs", "rich"]
    assert matched_words("nothing here", "tariff") == []


def test_highlight_spans_cover_the_text_exactly_and_mark_the_matches():
    text = "USTR’s view is that a rubberstamp is not in the national interest"
    spans = highlight_spans(text, 'rubberstamp "national interest"')
    assert "".join(piece for piece, _ in spans) == text
    assert [piece for piece, hit in spans if hit] == ["rubberstamp", "national interest"]


def test_parse_query_keeps_the_meaning_text_without_quote_marks():
    q = parse_query('the deal is "irrelevant" to me')
    assert q.phrases == ("irrelevant",)
    assert q.meaning_text == "the deal is irrelevant to me"
    assert "irrelev" in q.terms and "the" not in q.terms


def test_an_empty_dataset_searches_to_nothing():
    frame = _frame([])
    hits = search(frame, query="anything", index=LexicalIndex(frame[S.TEXT]), k=5)
    assert hits.empty


@pytest.mark.model
def test_the_issue_examples_find_the_literal_quotes(bundled_index):
    from stance_explorer.encoders.base import SentenceTransformerEncoder
    from stance_explorer.encoders.text import query_embedding_text

    ds, index = bundled_index
    encoder = SentenceTransformerEncoder()

    def top10(text: str) -> list[str]:
        q = parse_query(text)
        qv = encoder.encode([query_embedding_text(q.meaning_text)])[0]
        return list(search(ds.frame, query=q, vectors=ds.vectors, query_vector=qv, index=index, k=10)[S.ID])

    assert top10("rubberstamp")[0] == "S153"
    # Trump's two direct quotes of 2026-01-13: meaning alone ranks them 41st and 48th.
    assert {"S166", "S168"} <= set(top10("the USMCA is irrelevant, I don't care about it"))


@pytest.mark.model
@pytest.mark.parametrize("example", EXAMPLE_QUERIES)
def test_every_example_the_search_box_offers_finds_its_quote(bundled_index, real_encoder, example):
    # Read from where the Explore page's placeholder gets them (stance_explorer.search.example_hint).
    from stance_explorer.encoders.text import query_embedding_text

    ds, index = bundled_index
    q = parse_query(example)
    qv = real_encoder.encode([query_embedding_text(q.meaning_text)])[0]
    hits = search(ds.frame, query=q, vectors=ds.vectors, query_vector=qv, index=index, k=10)
    assert not hits.empty, example
    top = hits.iloc[0]
    if q.phrases:  # every result holds the phrase, and says so
        assert all(m.startswith("“") or "“" in m for m in hits["matched"])
        assert all(r.startswith("phrase") for r in hits["matched_by"])
    else:  # the top result holds a word of the search and is close in meaning
        assert top["matched"] and top["score"] > 0.5, top.to_dict()


def _spread_vectors(n: int, dim: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A query vector and n unit vectors whose cosine to it falls from row 0 to row n-1."""
    rng = np.random.default_rng(seed)
    query = np.zeros(dim, dtype=np.float32)
    query[0] = 1.0
    vectors = rng.normal(0, 1, (n, dim)).astype(np.float32)
    vectors[:, 0] = 0
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    cos = np.linspace(0.85, -0.2, n).astype(np.float32)
    vectors = vectors * np.sqrt(1 - cos**2)[:, None]
    vectors[:, 0] = cos
    return query, vectors


def test_weak_word_matches_do_not_bury_a_strong_meaning_match():
    # Issue 24: the statement closest in meaning (cosine 0.85) holds none of the query's words; two
    # statements far in meaning share only "give" and "anything". Plain RRF put them first.
    n = 60
    texts = [f"filler statement {i} on border security" for i in range(n)]
    texts[0] = "No estamos cediendo nada a nadie"
    texts[40] = "they give us information and we give them anything"
    texts[50] = "there has never been anything like it, we give"
    frame = _frame(texts)
    query_vector, vectors = _spread_vectors(n)
    index = LexicalIndex(frame[S.TEXT])
    query = "We are not giving anything away to anyone in the critical minerals negotiation"
    hits = search(frame, query=query, vectors=vectors, query_vector=query_vector, index=index, k=3)
    assert hits[S.ID].iloc[0] == "T0"
    # The old fusion (plain RRF, constant 5), for the record: a weak word match came first.
    old = rrf({r: r + 1 for r in range(n)}, {40: 1, 50: 2}, k=5)
    assert max(old, key=old.get) == 40


def test_a_statement_in_another_language_is_not_held_back_for_lacking_the_words():
    n = 60
    texts = [f"filler statement {i} on border security" for i in range(n)]
    texts[0] = "No haremos ningún compromiso que esté en contradicción con nuestras leyes"
    texts[30] = "We will make sure the law is enforced"  # half the query's words, far in meaning
    frame = _frame(texts).assign(**{S.LANGUAGE: ["es"] + ["en"] * (n - 1)})
    query_vector, vectors = _spread_vectors(n)
    index = LexicalIndex(frame[S.TEXT])
    query = "We will not make any commitment that contradicts our laws"
    hits = search(frame, query=query, vectors=vectors, query_vector=query_vector, index=index, k=3)
    assert hits[S.ID].iloc[0] == "T0"
    # Marked English like the query, its missing words count against it and the word match wins.
    same = search(
        frame.assign(**{S.LANGUAGE: "en"}), query=query, vectors=vectors, query_vector=query_vector, index=index, k=3
    )
    assert same[S.ID].iloc[0] == "T30"


def test_a_full_word_match_still_lifts_a_statement_over_the_closest_meaning():
    n = 60
    texts = [f"filler statement {i} on border security" for i in range(n)]
    texts[45] = "a rubberstamp is not in the interest of the United States"
    frame = _frame(texts)
    query_vector, vectors = _spread_vectors(n)
    hits = search(
        frame, query="rubberstamp", vectors=vectors, query_vector=query_vector, index=LexicalIndex(frame[S.TEXT]), k=3
    )
    assert hits[S.ID].iloc[0] == "T45"


def test_query_language_reads_function_words():
    from stance_explorer.search import query_language

    assert query_language("rubberstamp") == ""
    assert query_language("Trump says the deal is irrelevant") == "en"
    assert query_language("el peor acuerdo comercial de la historia") == "es"


#: English renderings of four bundled Spanish quotes, kept here and out of stance_explorer/data/statements.csv.
RENDERINGS = {
    "We will not make any commitment that contradicts our laws": "S199",
    "We are not giving anything away to anyone": "S197",
    "We have the mandate for the treaty to continue and be improved, which is why we are on our way to its review": "S198",
    "These are not coercive measures and they are not against China": "S143",
}


@pytest.mark.model
def test_english_renderings_of_spanish_quotes_find_them_in_the_top_3_with_the_multilingual_model():
    from stance_explorer.encoders.models import MULTILINGUAL, get_encoder, model_id, rules_for
    from stance_explorer.encoders.text import query_embedding_text

    ds = load_dataset(model_id=model_id(MULTILINGUAL))
    index = LexicalIndex(ds.frame[S.TEXT])
    encoder = get_encoder(MULTILINGUAL)
    for text, wanted in RENDERINGS.items():
        q = parse_query(text)
        qv = encoder.encode([query_embedding_text(q.meaning_text, rules_for(ds.model_id))])[0]
        top = list(search(ds.frame, query=q, vectors=ds.vectors, query_vector=qv, index=index, k=3)[S.ID])
        assert wanted in top, (text, top)
