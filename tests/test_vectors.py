"""The library's one "vectors for these texts" call: stores first, in order, then the model for the rest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stance_explorer.encoders.base import EncoderUnavailable
from stance_explorer.encoders.models import MINILM, MULTILINGUAL, model_id
from stance_explorer.stance import AGAINST, FAVOR, Axis, axis_vectors, read_claim
from stance_explorer.store import EmbeddingStore
from stance_explorer.vectors import ChosenModel, VectorSource

TEXTS = ["the deal is fair", "the deal is irrelevant", "tariffs on steel", "security cooperation"]


def _store(enc, texts):
    store = EmbeddingStore(None, enc.model_id)
    store.get_or_encode(texts, enc)
    return store


def test_stored_vectors_come_first_and_only_the_rest_is_encoded(make_fake_encoder):
    enc = make_fake_encoder()
    first, sink = _store(enc, TEXTS[:2]), EmbeddingStore(None, enc.model_id)
    enc.encoded = 0
    src = VectorSource(ChosenModel.of_vectors(enc.model_id), [first], sink=sink, encoder=enc)
    got = src.vectors(TEXTS)
    assert got.found.all() and got.new == 2 and enc.encoded == 2  # only the two texts no store had
    for i, t in enumerate(TEXTS):
        np.testing.assert_allclose(got.vectors[i], enc.vector(t, enc.dim), atol=1e-6)
    again = src.vectors(TEXTS)  # now all stored: nothing is encoded again
    assert again.new == 0 and enc.encoded == 2


def test_first_store_wins_and_other_models_stores_are_never_read(make_fake_encoder):
    enc = make_fake_encoder()
    other = make_fake_encoder(model_id="another-model")
    foreign = _store(other, TEXTS)
    src = VectorSource(ChosenModel.of_vectors(enc.model_id), [foreign], encoder=enc)
    assert src.stores == []  # a vector of another model would make every cosine meaningless
    assert not src.lookup(TEXTS).found.any()


def test_lookup_only_says_what_is_missing_and_never_loads_the_model(make_fake_encoder):
    enc = make_fake_encoder()
    calls = []

    def factory():
        calls.append(1)
        return enc

    src = VectorSource(
        ChosenModel.of_vectors(enc.model_id),
        [_store(enc, TEXTS[:1])],
        sink=EmbeddingStore(None, enc.model_id),
        encoder=factory,
    )
    got = src.vectors(TEXTS, encode=False)
    assert got.found.tolist() == [True, False, False, False] and calls == []
    src.vectors(TEXTS)
    assert calls == [1]  # the model is asked for only when something must be encoded


def test_a_missing_model_is_a_sentence_not_a_traceback(make_fake_encoder):
    enc = make_fake_encoder()

    def unavailable():
        raise EncoderUnavailable("the package is not installed")

    src = VectorSource(
        ChosenModel.of_vectors(enc.model_id), sink=EmbeddingStore(None, enc.model_id), encoder=unavailable
    )
    with pytest.raises(EncoderUnavailable, match="not installed"):
        src.vectors(TEXTS)
    wrong = VectorSource(
        ChosenModel.of_vectors(enc.model_id),
        sink=EmbeddingStore(None, enc.model_id),
        encoder=make_fake_encoder(model_id="x"),
    )
    with pytest.raises(EncoderUnavailable, match="model of these statements"):
        wrong.vectors(TEXTS)


def test_chosen_model_knows_each_models_id_and_text_rules():
    mini, multi = ChosenModel.named(MINILM), ChosenModel.named(MULTILINGUAL)
    assert mini.model_id == model_id(MINILM) and multi.model_id == model_id(MULTILINGUAL)
    assert mini.english_only and not multi.english_only
    assert ChosenModel.named(None) == mini  # the default model
    # An int8 copy of MiniLM is still MiniLM, and keeps its own id.
    assert ChosenModel.of_vectors(mini.model_id + "+onnx-int8").name == MINILM
    # MiniLM glosses "USMCA"; the multilingual model reads text as it is (measured, README).
    assert mini.query_text("USMCA") != "USMCA" and multi.query_text("USMCA") == "USMCA"


def test_axis_vectors_by_pole(make_fake_encoder):
    enc = make_fake_encoder()
    src = VectorSource(ChosenModel.of_vectors(enc.model_id), sink=EmbeddingStore(None, enc.model_id), encoder=enc)
    axis = Axis("the USMCA", "The USMCA is good", "The USMCA is bad")
    assert axis_vectors(src, axis, encode=True).keys() == axis.texts().keys()
    empty = VectorSource(ChosenModel.of_vectors(enc.model_id), encoder=enc)
    assert axis_vectors(empty, axis, encode=False) is None  # not stored, and told not to encode


class _PolesReader:
    """The axis reader's fast path over given pole vectors (what ``AxisReader`` does with a model)."""

    name, version, label, cacheable = "axis", "test", "the embedding axis", False

    def __init__(self, poles):
        self.poles = poles

    def pole_vectors(self, claim):
        return self.poles

    def read_vectors(self, claim, X):
        from stance_explorer.stance.readers.axis import AxisReader

        return AxisReader.read_vectors(self, claim, X)


def test_read_claim_labels_outside_the_scope_still_teach():
    rng = np.random.default_rng(0)
    favor, against = rng.standard_normal(16), rng.standard_normal(16)
    X = np.vstack([favor + 0.1 * rng.standard_normal((20, 16)), against + 0.1 * rng.standard_normal((20, 16))]).astype(
        np.float32
    )
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    axis_vecs = {"target": X[:1], "favor": X[:1], "against": X[20:21]}
    rows = np.array([0, 1, 20, 21])  # every label is outside the scope below
    codes = np.array([FAVOR, FAVOR, AGAINST, AGAINST])
    scope = np.r_[5:15, 25:35]
    hand = np.full(len(X), -1)
    hand[rows] = codes
    frame = pd.DataFrame({"text": [f"s{i}" for i in range(len(X))]})
    reader = _PolesReader(axis_vecs)
    r = read_claim(reader, Axis("t"), frame, scope=scope, vectors=X, hand=hand)
    got = r.scoped()
    assert r.taught and len(got.label) == len(scope) and list(r.rows) == list(scope)
    assert (got.label[:10] == FAVOR).all() and (got.label[10:] == AGAINST).all()
    zero = read_claim(reader, Axis("t"), frame, scope=scope, vectors=X, hand=hand, taught=False)
    assert not zero.taught and np.array_equal(zero.scoped().label, r.zero_shot.label[scope])
