"""The reader interface: one reading object aligned with the dataset, a cache that reads nothing twice,
statements a reader cannot read shown as not read, and labels that teach on top of the reader."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stance_explorer.stance import AGAINST, FAVOR, LABELS, NONE, Axis, describe_reading, read_claim
from stance_explorer.stance.readers import ReaderOutput, ReadingCache, make_reader, probs_from_labels, read_through
from stance_explorer.stance.readers.base import Reader, ReaderUnavailable


class WordReader:
    """A reader that reads "good" as favor and "bad" as against, English only, counting what it reads."""

    name, version, label, cacheable = "words", "1", "a word-spotting test reader", True

    def __init__(self):
        self.read_texts: list[str] = []

    def read(self, claim, texts, *, progress=None):
        self.read_texts.extend(texts)
        names, conf, read, notes, evidence = [], [], [], [], []
        for t in texts:
            spanish = "es" in t.split()
            read.append(not spanish)
            notes.append("Spanish: this reader reads English only" if spanish else "")
            word = "good" if "good" in t else "bad" if "bad" in t else ""
            names.append({"good": "favor", "bad": "against"}.get(word, "none"))
            conf.append(0.9 if word else 0.6)
            evidence.append(word)
            if progress:
                progress(len(read), len(texts))
        return ReaderOutput(probs_from_labels(names, conf), np.array(read), notes, evidence)


def frame_of(texts, speakers=None):
    n = len(texts)
    return pd.DataFrame(
        {
            "id": [f"S{i}" for i in range(n)],
            "speaker": speakers or ["A"] * n,
            "date": pd.to_datetime(["2020-01-01"] * n),
            "topic": ["t"] * n,
            "text": texts,
        }
    )


TEXTS = ["the deal is good", "the deal is bad", "weather today", "es muy good", "the deal is good"]


def test_a_reader_is_a_reader():
    assert isinstance(WordReader(), Reader)


def test_the_reading_is_aligned_with_the_dataset_and_the_scope_is_a_mask():
    r = read_claim(WordReader(), Axis("the deal"), frame_of(TEXTS), scope=np.array([0, 1, 2]))
    assert r.scope.tolist() == [True, True, True, False, False] and r.rows.tolist() == [0, 1, 2]
    assert [LABELS[c] for c in r.arrays.label[:3]] == ["favor", "against", "none"]
    table = r.table(frame_of(TEXTS))
    assert table["row"].tolist() == [0, 1, 2] and set(table["reader"]) == {"words"}
    assert table["evidence"].tolist() == ["good", "bad", ""]


def test_a_statement_the_reader_cannot_read_is_shown_as_not_read_never_scored():
    r = read_claim(WordReader(), Axis("the deal"), frame_of(TEXTS))
    assert not r.read[3] and r.arrays.confidence[3] == 0 and r.arrays.label[3] == NONE
    row = r.table(frame_of(TEXTS)).iloc[3]
    said = describe_reading(row)
    assert said.startswith("not read by the words reader") and "English only" in said


def test_the_second_reading_reads_nothing_and_only_new_statements_are_read(tmp_path):
    reader = WordReader()
    cache = ReadingCache(reader, tmp_path)
    first = read_claim(reader, Axis("the deal"), frame_of(TEXTS), cache=cache)
    assert first.new == 4  # four distinct texts asked for; the duplicate is read once
    assert sorted(reader.read_texts) == sorted({t for t in TEXTS})
    reader.read_texts.clear()
    again = read_claim(reader, Axis("the deal"), frame_of(TEXTS), cache=ReadingCache(reader, tmp_path))
    assert again.new == 1 and reader.read_texts == ["es muy good"]  # only the unread one is asked again
    np.testing.assert_allclose(again.probs[:3], first.probs[:3])
    assert again.evidence[0] == "good"  # the deciding words come back from the cache as the statement's own
    reader.read_texts.clear()
    more = frame_of(TEXTS + ["a new bad one"])
    read_claim(reader, Axis("the deal"), more, cache=ReadingCache(reader, tmp_path))
    assert "a new bad one" in reader.read_texts and "the deal is good" not in reader.read_texts


def test_another_claim_wording_or_reader_version_is_read_afresh(tmp_path):
    reader = WordReader()
    read_claim(reader, Axis("the deal"), frame_of(TEXTS[:2]), cache=ReadingCache(reader, tmp_path))
    reader.read_texts.clear()
    read_claim(reader, Axis("the deal", "keep it"), frame_of(TEXTS[:2]), cache=ReadingCache(reader, tmp_path))
    assert len(reader.read_texts) == 2
    reader.read_texts.clear()
    reader.version = "2"
    read_claim(reader, Axis("the deal"), frame_of(TEXTS[:2]), cache=ReadingCache(reader, tmp_path))
    assert len(reader.read_texts) == 2


def test_a_session_cache_reads_the_shared_one_and_writes_only_to_itself(tmp_path):
    reader = WordReader()
    shared = ReadingCache(reader, tmp_path)
    read_through(reader, Axis("x"), ["the deal is good"], shared)
    mine = ReadingCache(reader, None, shared=shared)
    reader.read_texts.clear()
    out, new = read_through(reader, Axis("x"), ["the deal is good", "visitor text bad"], mine)
    assert new == 1 and reader.read_texts == ["visitor text bad"]
    assert len(shared.store) == 1  # the visitor's statement never reaches the shared cache
    assert not list((tmp_path / "readings").rglob("*visitor*"))


def test_labels_teach_on_top_of_the_reader_and_labels_outside_the_scope_still_teach():
    texts = ["alpha one", "alpha two", "beta one", "beta two", "alpha three", "beta three"]
    f = frame_of(texts)
    X = np.array([[1, 0], [1, 0.1], [0, 1], [0.1, 1], [1, 0.05], [0.05, 1]], dtype=np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    hand = np.array([FAVOR, FAVOR, AGAINST, AGAINST, -1, -1])
    r = read_claim(WordReader(), Axis("x"), f, scope=np.array([4, 5]), vectors=X, hand=hand)
    assert r.taught
    assert [LABELS[c] for c in r.scoped().label] == ["favor", "against"]  # learnt from labels outside scope
    untaught = read_claim(WordReader(), Axis("x"), f, scope=np.array([4, 5]), vectors=X, hand=hand, taught=False)
    assert [LABELS[c] for c in untaught.scoped().label] == ["none", "none"]


def test_the_axis_reader_needs_its_model_and_says_so():
    with pytest.raises(ReaderUnavailable):
        make_reader("axis")
    with pytest.raises(ReaderUnavailable, match="Unknown reader"):
        make_reader("oracle")


def test_probabilities_make_the_stance_label_score_and_confidence():
    out = ReaderOutput(np.array([[0.1, 0.2, 0.7], [0.2, 0.7, 0.1]]), np.array([True, True]))
    arrays = out.stance_arrays()
    assert arrays.label.tolist() == [FAVOR, AGAINST]
    np.testing.assert_allclose(arrays.score, [0.5, -0.6], atol=1e-6)
    np.testing.assert_allclose(arrays.confidence, [0.7, 0.7], atol=1e-6)
