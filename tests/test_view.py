"""The sidebar's View: what the filters keep, which of those have vectors, and the row mapping pages use."""

from __future__ import annotations

import numpy as np

from stance_explorer.dataset import Dataset
from webapp.state import View


def test_view_maps_positions_in_its_frames_back_to_dataset_rows(statement_frame):
    frame = statement_frame([{"speaker": s, "text": t} for s, t in [("A", "a"), ("B", "b"), ("C", "c"), ("D", "d")]])
    vectors = np.eye(4, dtype=np.float32)
    ds = Dataset(frame, vectors, np.array([True, False, True, True]), "m")
    view = View(ds, np.array([True, True, False, True]), "bundled")

    assert view.count == 3 and list(view.kept["text"]) == ["a", "b", "d"]  # kept: with or without a vector
    assert list(view.frame["text"]) == ["a", "d"]  # frame: only rows with a vector, aligned with vectors
    np.testing.assert_array_equal(view.vectors, vectors[[0, 3]])
    assert view.dataset_rows(np.array([1])).tolist() == [3]  # e.g. hits["row"] from an analysis of view.frame
    assert view.dataset_rows(view.kept.iloc[[1, 2]]).tolist() == [1, 3]  # rows of a table built from view.kept
    assert ds.frame["text"].iloc[view.dataset_rows(np.array([0, 1]))].tolist() == ["a", "d"]
