"""The ``nli`` reader, on tiny NLI models the tests build and save themselves (no hub, no network).

The models' answers are known by construction (``tiny_models.save_word_nli``: entailment when the
pair holds the word "support", else contradiction), so each test knows which reading is right.
"""

from __future__ import annotations

import numpy as np
import pytest
import tiny_models

from stance_explorer.stance.axes import Axis
from stance_explorer.stance.methods import AGAINST, FAVOR, LABELS
from stance_explorer.stance.readers import NLI_MODEL_ENV, ReaderUnavailable, ReadingCache, make_reader, read_through
from stance_explorer.stance.readers.nli import NLI_LANGUAGES_ENV, NLIReader

pytestmark = pytest.mark.slow  # builds and loads tiny models: about 25 s here

TEXTS = ["We back this deal fully.", "The agreement has been a disaster for our workers."]
CLAIM = Axis("tariffs on steel", favor="I support tariffs on steel.", against="I oppose tariffs on steel.")


@pytest.fixture(scope="module")
def nli_model(tmp_path_factory):
    return tiny_models.save_word_nli(tmp_path_factory.mktemp("nli") / "word-nli")


def test_entailed_favor_hypothesis_reads_favor_with_probabilities(nli_model):
    out = NLIReader(str(nli_model)).read(CLAIM, TEXTS)
    assert out.read.all()
    assert [LABELS[c] for c in out.stance_arrays().label] == ["favor", "favor"]
    # softmax probabilities, not logits: each row sums to one and the favor side is sure but not 1
    np.testing.assert_allclose(out.probs.sum(axis=1), 1.0, atol=1e-5)
    assert (out.probs[:, FAVOR] > 0.9).all() and (out.probs[:, FAVOR] < 1.0).all()


def test_entailed_against_hypothesis_reads_against(nli_model):
    swapped = Axis("tariffs on steel", favor="I oppose tariffs on steel.", against="I support tariffs on steel.")
    out = NLIReader(str(nli_model)).read(swapped, TEXTS)
    assert [LABELS[c] for c in out.stance_arrays().label] == ["against", "against"]
    assert (out.probs[:, AGAINST] > 0.9).all()


def test_derived_hypotheses_when_the_claim_has_no_poles(nli_model):
    # no favor/against wording: "I support <target>." / "I oppose <target>." are read
    out = NLIReader(str(nli_model)).read(Axis("tariffs on steel"), TEXTS)
    assert [LABELS[c] for c in out.stance_arrays().label] == ["favor", "favor"]


def test_label_names_decide_the_mapping_not_their_order(tmp_path):
    # the same weights with the names swapped: output 0 is now "contradiction", so the reading flips
    folder = tiny_models.save_word_nli(tmp_path / "m", id2label={0: "CONTRADICTION", 1: "Neutral", 2: "ENTAILMENT"})
    out = NLIReader(str(folder)).read(CLAIM, TEXTS)
    assert [LABELS[c] for c in out.stance_arrays().label] == ["against", "against"]


def test_unnamed_labels_are_refused_not_guessed(tmp_path):
    folder = tiny_models.save_unnamed_nli(tmp_path / "unnamed")
    with pytest.raises(ReaderUnavailable, match="LABEL_0, LABEL_1, LABEL_2.*will not guess"):
        NLIReader(str(folder))


def test_missing_model_is_a_clear_message(tmp_path):
    with pytest.raises(ReaderUnavailable, match="cannot be found"):
        NLIReader(str(tmp_path / "no-such-model"))
    with pytest.raises(ReaderUnavailable, match="needs a model"):
        make_reader("nli", settings={})


def test_spanish_is_not_read_by_an_english_model_unless_the_operator_says_so(nli_model, monkeypatch):
    texts = ["We back this deal fully.", "No estamos de acuerdo con los aranceles de los Estados Unidos."]
    out = NLIReader(str(nli_model)).read(CLAIM, texts)
    assert out.read.tolist() == [True, False]
    assert out.notes[1] == "not read by this reader: Spanish"
    assert LABELS[out.stance_arrays().label[1]] == "none" and out.stance_arrays().confidence[1] == 0
    assert "reads English" in NLIReader(str(nli_model)).label
    monkeypatch.setenv(NLI_LANGUAGES_ENV, "en,es")
    both = NLIReader(str(nli_model))
    assert both.read(CLAIM, texts).read.all()
    assert "English, Spanish" in both.label
    from_settings = make_reader("nli", settings={NLI_MODEL_ENV: str(nli_model), NLI_LANGUAGES_ENV: "*"})
    assert from_settings.read(CLAIM, texts).read.all() and "any language" in from_settings.label


def test_version_names_the_model_and_changes_with_its_config(nli_model, tmp_path):
    a = NLIReader(str(nli_model))
    other = tiny_models.save_word_nli(tmp_path / "m", id2label={0: "Entailment", 1: "Neutral", 2: "Contradiction"})
    assert a.version.startswith(str(nli_model) + "@")
    assert NLIReader(str(other)).version.split("@")[1] != a.version.split("@")[1]  # another config: another cache


def test_registry_builds_it_and_the_cache_reads_nothing_twice(nli_model, tmp_path):
    reader = make_reader("nli", settings={NLI_MODEL_ENV: str(nli_model)})
    assert reader.name == "nli" and reader.cacheable
    cache = ReadingCache(reader, tmp_path / "store")
    first, n_first = read_through(reader, CLAIM, TEXTS, cache)
    again, n_again = read_through(reader, CLAIM, TEXTS, ReadingCache(reader, tmp_path / "store"))
    assert (n_first, n_again) == (2, 0)
    np.testing.assert_allclose(again.probs, first.probs, atol=1e-6)
