"""Stance scoring on hand-computable vectors: poles, off-topic statements, labels, suggestions."""

from __future__ import annotations

import numpy as np
import pytest

from stance_explorer.stance import methods as sm
from stance_explorer.stance.methods import AGAINST, FAVOR, NONE


def unit(*xs: float) -> np.ndarray:
    v = np.asarray(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


# A 3-D world: axis 0 is "about the target", axis 1 separates favor (+) from against (-),
# axis 2 is some other topic.
AXIS = {
    "target": unit(1, 0, 0)[None, :],
    "favor": unit(1, 1, 0)[None, :],
    "against": unit(1, -1, 0)[None, :],
}
FOR_IT = unit(1, 0.8, 0.1)
AGAINST_IT = unit(1, -0.8, 0.1)
OFF_TOPIC = unit(0, 0.05, 1)


def test_axis_texts_derives_both_poles_from_the_target():
    texts = sm.axis_texts("the USMCA", None, None)
    assert texts["target"] == ["the USMCA"]
    assert texts["favor"] and texts["against"]
    assert all("the USMCA" in t for t in texts["favor"] + texts["against"])
    assert set(texts["favor"]).isdisjoint(texts["against"])


def test_axis_texts_keeps_poles_the_user_wrote():
    texts = sm.axis_texts("tariffs", "Tariffs protect our workers", None)
    assert texts["favor"] == ["Tariffs protect our workers"]
    assert all("tariffs" in t for t in texts["against"])


def test_axis_texts_refuses_an_empty_target():
    with pytest.raises(ValueError, match="target"):
        sm.axis_texts("   ", None, None)


def test_zero_shot_puts_statements_on_the_side_of_their_pole_and_off_topic_at_none():
    X = np.stack([FOR_IT, AGAINST_IT, OFF_TOPIC])
    out = sm.zero_shot(X, AXIS)
    assert out.label.tolist() == [FAVOR, AGAINST, NONE]
    assert out.score[0] > 0 > out.score[1]
    assert np.all(np.abs(out.score) <= 1) and np.all((out.confidence >= 0) & (out.confidence <= 1))
    assert out.label.dtype == np.int8 and out.score.dtype == np.float32 and out.confidence.dtype == np.float32


def test_zero_shot_is_more_confident_nearer_a_pole():
    X = np.stack([unit(1, 0.9, 0), unit(1, 0.2, 0)])
    out = sm.zero_shot(X, AXIS, relevance_min=0.2)
    assert out.label.tolist() == [FAVOR, FAVOR]
    assert out.confidence[0] > out.confidence[1]
    assert out.score[0] > out.score[1]


def test_zero_shot_averages_several_pole_wordings():
    axis = dict(AXIS, favor=np.stack([unit(1, 1, 0.3), unit(1, 1, -0.3)]))
    out = sm.zero_shot(np.stack([FOR_IT, AGAINST_IT]), axis, relevance_min=0.2)
    assert out.label.tolist() == [FAVOR, AGAINST]


def test_zero_shot_uses_the_shipped_relevance_cut_off_of_the_model_in_use():
    settings = sm.model_settings("all-MiniLM-L6-v2@gt-0.1.0")
    assert settings is not None and 0 < settings["relevance_min"] < 1
    # The same settings whatever the backend or weights version.
    assert sm.model_settings("all-MiniLM-L6-v2@gt-0.1.0+onnx-int8") == settings
    # A statement just above the cut-off takes a side; one just below is "none".
    tau = settings["relevance_min"]
    above = unit(tau + 0.05, 0.5, np.sqrt(max(0.0, 1 - (tau + 0.05) ** 2 - 0.25)))
    below = unit(tau - 0.05, 0.5, np.sqrt(max(0.0, 1 - (tau - 0.05) ** 2 - 0.25)))
    out = sm.zero_shot(np.stack([above, below]), AXIS, model_id="all-MiniLM-L6-v2@gt-0.1.0")
    assert out.label.tolist() == [FAVOR, NONE]


def test_zero_shot_without_settings_for_the_model_calls_the_least_relevant_fifth_none():
    assert sm.model_settings("some-unknown-model") is None
    rng = np.random.default_rng(0)
    X = _cloud(FOR_IT, 50, rng)
    out = sm.zero_shot(X, AXIS, model_id="some-unknown-model")
    assert 0.1 <= np.mean(out.label == NONE) <= 0.3
    relevance = X @ AXIS["target"][0]
    assert relevance[out.label == NONE].max() <= relevance[out.label != NONE].min()


def _cloud(center: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    pts = center + 0.15 * rng.standard_normal((n, len(center)))
    return (pts / np.linalg.norm(pts, axis=1, keepdims=True)).astype(np.float32)


def _three_groups(n: int = 20):
    """Statements in three clusters; the user's labels say the 'favor'-looking cluster is against."""
    rng = np.random.default_rng(1)
    X = np.concatenate([_cloud(FOR_IT, n, rng), _cloud(AGAINST_IT, n, rng), _cloud(OFF_TOPIC, n, rng)])
    truth = np.array([AGAINST] * n + [FAVOR] * n + [NONE] * n)
    return X, truth


def test_taught_follows_the_labels_even_against_the_axis_wording():
    X, truth = _three_groups()
    labelled = np.array([0, 1, 20, 21, 40, 41])
    out = sm.taught(X, labelled, truth[labelled], AXIS)
    assert (out.label == truth).mean() > 0.95
    # Labelled rows show the label the user gave.
    assert out.label[labelled].tolist() == truth[labelled].tolist()
    assert out.score[5] < 0 < out.score[25]


def test_taught_accepts_a_boolean_mask():
    X, truth = _three_groups()
    mask = np.zeros(len(X), dtype=bool)
    mask[[0, 20, 40]] = True
    out = sm.taught(X, mask, truth[mask], AXIS)
    assert (out.label == truth).mean() > 0.95


def test_taught_with_one_class_falls_back_to_the_axis_for_the_rest():
    X = np.stack([FOR_IT, AGAINST_IT, OFF_TOPIC])
    out = sm.taught(X, np.array([0]), np.array([FAVOR]), AXIS)
    assert out.label.tolist() == [FAVOR, AGAINST, NONE]
    assert out.confidence[0] == 1.0


def test_cv_accuracy_is_none_with_too_few_labels_or_one_class():
    X, truth = _three_groups()
    assert sm.cv_accuracy(X, np.array([0, 20]), truth[[0, 20]]) is None
    assert sm.cv_accuracy(X, np.arange(10), truth[:10]) is None


def test_cv_accuracy_is_leave_one_out_of_the_taught_model():
    # Closed-form leave-one-out equals refitting without each label in turn.
    X, truth = _three_groups(6)
    rows = np.array([0, 1, 2, 6, 7, 8, 12, 13, 3, 9])
    y = truth[rows].copy()
    y[[2, 5]] = [NONE, FAVOR]  # two odd labels, so that some predictions miss
    expected = []
    for i in range(len(rows)):
        keep = np.arange(len(rows)) != i
        expected.append(sm.taught(X, rows[keep], y[keep], AXIS).label[rows[i]] == y[i])
    assert sm.cv_accuracy(X, rows, y) == pytest.approx(np.mean(expected))


def test_cv_accuracy_is_high_on_separable_labels_and_low_on_shuffled_ones():
    X, truth = _three_groups()
    rows = np.arange(len(X))
    assert sm.cv_accuracy(X, rows, truth) > 0.9
    shuffled = np.random.default_rng(0).permutation(truth)
    assert sm.cv_accuracy(X, rows, shuffled) < 0.6


def test_suggest_returns_distinct_unlabelled_rows():
    X, truth = _three_groups()
    labelled = np.array([0, 20, 40])
    picks = sm.suggest(X, labelled, truth[labelled], AXIS, k=5)
    assert len(picks) == 5 and len(set(picks.tolist())) == 5
    assert not set(picks.tolist()) & set(labelled.tolist())
    assert np.all((picks >= 0) & (picks < len(X)))


def test_suggest_prefers_statements_between_the_labelled_groups():
    X, truth = _three_groups()
    between = unit(1, 0.0, 0.1)  # halfway between the favor and against clusters
    X = np.concatenate([X, between[None, :]])
    labelled = np.array([0, 1, 20, 21])
    picks = sm.suggest(X, labelled, truth[labelled], AXIS, k=3)
    assert len(X) - 1 in picks.tolist()


def test_suggest_when_everything_is_labelled_returns_nothing():
    X, truth = _three_groups(3)
    rows = np.arange(len(X))
    assert len(sm.suggest(X, rows, truth, AXIS, k=5)) == 0
