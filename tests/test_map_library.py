"""The map's library: speaker trajectories on hand-computable vectors, stored maps, placing new
statements, and region labels (stance_explorer/mapping/projection.py, trajectories.py, regions.py)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from stance_explorer.files import model_slug
from stance_explorer.mapping.projection import (
    StoredMap,
    layout,
    load_map,
    pca_axes,
    pca_transform,
    place,
    project,
    save_map,
)
from stance_explorer.mapping.regions import ctfidf_words, kmeans, regions
from stance_explorer.mapping.trajectories import trajectories
from stance_explorer.store import text_keys


def _frame(rows):
    return pd.DataFrame(rows, columns=["speaker", "date", "text"]).assign(
        date=lambda f: pd.to_datetime(f["date"]), topic="t"
    )


def first_two(v: np.ndarray) -> np.ndarray:
    """A 'map' that keeps the first two coordinates: centroids land where you can work them out."""
    return np.asarray(v)[:, :2]


def test_trajectory_steps_are_yearly_centroids_joined_in_time_order():
    frame = _frame(
        [
            ("Ana", "2021-05-01", "later, turned"),
            ("Ana", "2020-01-01", "first a"),
            ("Ana", "2020-06-01", "first b"),
            ("Ana", "2021-07-01", "later, same"),
            ("Ben", "2020-03-01", "other speaker"),
        ]
    )
    vectors = np.array([[0, 1, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0], [0, 0, 1]], dtype=np.float32)
    steps = trajectories(frame, vectors, ["Ana"], first_two)
    assert steps["window"].tolist() == ["2020", "2021"]
    assert steps["count"].tolist() == [2, 2]
    # 2020: mean (1, 0, 0); 2021: mean (0.5, 0.5, 0).
    assert steps[["x", "y"]].to_numpy().tolist() == [[1.0, 0.0], [0.5, 0.5]]
    assert np.isnan(steps["shift"].iat[0])
    assert steps["shift"].iat[1] == pytest.approx(1 - 1 / np.sqrt(2))
    # The move is d = (-0.5, 0.5, 0). "later, turned" contributes (v - c_2020)·d/|d| = sqrt(2); "later, same" 0.
    assert steps["movers"].iat[0] == []
    assert steps["movers"].iat[1] == [0, 3]
    assert steps["mover_scores"].iat[1] == pytest.approx([np.sqrt(2), 0.0])
    # Contributions add up to count x |d|.
    assert sum(steps["mover_scores"].iat[1]) == pytest.approx(2 * np.linalg.norm([-0.5, 0.5, 0]))


def test_trajectories_skip_unknown_speakers_and_keep_the_order_asked():
    frame = _frame([("Ana", "2020-01-01", "a"), ("Ben", "2019-01-01", "b"), ("Ben", "2022-01-01", "c")])
    vectors = np.eye(3, dtype=np.float32)
    steps = trajectories(frame, vectors, ["Ben", "Nobody", "Ana"], first_two)
    assert steps["speaker"].tolist() == ["Ben", "Ben", "Ana"]
    assert steps["window"].tolist() == ["2019", "2022", "2020"]


def test_pca_axes_give_the_main_direction_of_spread():
    # The four corners of a 6 x 2 rectangle in 5-D, centred on (1, 1, 1, 1, 1): widest along axis 2.
    x = np.ones((4, 5), dtype=np.float32)
    x[:, 2] += [3, 3, -3, -3]
    x[:, 4] += [1, -1, 1, -1]
    axes = pca_axes(x)
    assert np.allclose(axes[0], 1)  # the mean
    assert np.allclose(np.abs(axes[1]), [0, 0, 1, 0, 0], atol=1e-6) and np.allclose(
        np.abs(axes[2]), [0, 0, 0, 0, 1], atol=1e-6
    )
    xy = pca_transform(x, axes)
    assert np.allclose(np.abs(xy), [[3, 1]] * 4, atol=1e-5)


def test_a_stored_map_round_trips_without_pickle(tmp_path):
    keys = text_keys(["a", "b", "c"])
    xy = np.array([[0, 0], [1, 2], [3, 4]], dtype=np.float32)
    axes = np.ones((3, 4), dtype=np.float32)
    marker = save_map(tmp_path, "model-x", "bundled", keys, xy, "pca", pca=axes, trustworthiness=0.9)
    assert marker.parent == tmp_path / model_slug("model-x") / "maps"
    assert json.loads(marker.read_text())["method"] == "pca"
    got = load_map(tmp_path, "model-x", "bundled")
    assert got is not None and got.method == "pca" and got.trustworthiness == 0.9
    where, found = got.lookup(text_keys(["c", "zz", "a"]))
    assert found.tolist() == [True, False, True]
    assert where.tolist() == [[3, 4], [0, 0], [0, 0]]
    assert load_map(tmp_path, "another-model", "bundled") is None  # maps are per model
    (marker.parent / "bundled.xy.npy").write_bytes(b"not a numpy file")
    assert load_map(tmp_path, "model-x", "bundled") is None  # damaged: recomputed, never trusted
    with pytest.raises(ValueError):
        save_map(tmp_path, "model-x", "../escape", keys, xy, "pca")


def test_new_statements_are_placed_beside_their_nearest_mapped_neighbours():
    ref = np.eye(4, dtype=np.float32)
    ref_xy = np.array([[0, 0], [10, 0], [0, 10], [10, 10]], dtype=np.float32)
    new = np.array([[0, 0.99, 0.1, 0]], dtype=np.float32)
    xy = place(new, ref, ref_xy, k=2)
    assert np.linalg.norm(xy[0] - [10, 0]) < 0.1  # almost on top of its near-copy


def test_layout_reads_the_stored_map_and_places_only_what_is_new():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(40, 8)).astype(np.float32)
    keys = text_keys([f"t{i}" for i in range(40)])
    stored = StoredMap(keys[:30], project(vectors[:30], "pca"), "pca", "m", pca_axes(vectors[:30]))
    lay = layout(keys, vectors, stored)
    assert not lay.computed and lay.n_placed == 10
    assert np.array_equal(lay.xy[:30], stored.xy)  # mapped statements keep their place
    assert np.allclose(lay.xy[30:], pca_transform(vectors[30:], stored.pca), atol=1e-5)  # exact for PCA
    mostly_new = layout(text_keys([f"u{i}" for i in range(40)]), vectors, stored, method="pca")
    assert mostly_new.computed and mostly_new.n_placed == 0


def test_kmeans_finds_separate_groups():
    xy = np.array([[0, 0], [0, 1], [1, 0], [20, 20], [21, 20], [20, 21]], dtype=float)
    labels = kmeans(xy, 2)
    assert len(set(labels[:3])) == 1 and len(set(labels[3:])) == 1 and labels[0] != labels[3]


def test_region_words_are_distinctive_not_frequent():
    texts = [
        "tariffs on steel",
        "steel tariffs again",
        "the border and cartels",
        "cartels at the border",
        "tariffs and the border",
    ]
    labels = np.array([0, 0, 1, 1, 1])
    words = ctfidf_words(texts, labels, top=2)
    assert set(words[0]) == {"steel", "tariffs"}
    assert set(words[1]) == {"border", "cartels"}  # "tariffs" occurs there once: not distinctive
    frame = pd.DataFrame({"text": texts, "speaker": ["A", "A", "B", "B", "C"]})
    xy = np.array([[0, 0], [0, 1], [9, 9], [9, 8], [8, 9]], dtype=float)
    _, table = regions(frame, xy, 2)
    by_size = table.sort_values("statements")
    assert by_size["statements"].tolist() == [2, 3]
    assert by_size["speakers"].iat[0] == ["A"] and by_size["speakers"].iat[1][0] == "B"


def test_a_path_step_hover_names_its_quotes_even_when_the_map_draws_a_sample():
    from stance_explorer.figures import map_figure

    frame = _frame(
        [
            ("Ana", "2020-01-01", "first a"),
            ("Ana", "2021-07-01", "the <quote> that moved her"),
            ("Ben", "2020-03-01", "other speaker"),
        ]
    )
    vectors = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32)
    steps = trajectories(frame, vectors, ["Ana"], first_two)
    drawn = frame.iloc[[2]].reset_index(drop=True)  # the map shows only Ben's point
    spec = map_figure(drawn, np.zeros((1, 2)), steps=steps, steps_frame=frame).to_plotly_json()
    path = [d for d in spec["data"] if d["name"] == "Ana over time"][0]
    assert path["text"] == ["2020", "2021"]
    assert "the &lt;quote&gt; that moved her" in path["hovertext"][1]
    arrows = [a for a in spec["layout"]["annotations"] if a["showarrow"]]
    assert [(a["ax"], a["ay"], a["x"], a["y"]) for a in arrows] == [(1.0, 0.0, 0.0, 1.0)]  # 2020 -> 2021
