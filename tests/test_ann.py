"""The approximate nearest-neighbour index (stance_explorer/scale/ann.py) and its use by `similar` and `like`."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from facts import N_BUNDLED

from stance_explorer.analysis import nearest, statement_neighbours
from stance_explorer.scale import ann

pytest.importorskip("faiss")


def clustered(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, dim)).astype(np.float32)
    x = centres[rng.integers(0, 40, n)] + 0.5 * rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def exact_top(vectors, query, k, rows=None):
    rows = np.arange(len(vectors)) if rows is None else rows
    scores = vectors[rows] @ query
    return rows[np.argsort(-scores, kind="stable")[:k]]


def test_the_index_finds_what_brute_force_finds():
    x = clustered(3000)
    index = ann.AnnIndex.build(x)
    recalls = []
    for q in x[:50]:
        rows, scores = index.search(x, q, 10)
        truth = exact_top(x, q, 10)
        recalls.append(len(set(rows) & set(truth)) / 10)
        assert np.allclose(scores, x[rows] @ q, atol=1e-5)  # re-scored exactly, best first
        assert (np.diff(scores) <= 1e-6).all()
    assert np.mean(recalls) >= 0.95


def test_a_narrow_filter_is_searched_exactly():
    x = clustered(3000, seed=1)
    index = ann.AnnIndex.build(x)
    mask = np.zeros(len(x), dtype=bool)
    mask[::97] = True  # 31 rows kept
    rows, _ = index.search(x, x[5], 10, mask)
    assert mask[rows].all()
    assert list(rows) == list(exact_top(x, x[5], 10, np.flatnonzero(mask)))


def test_a_wide_filter_only_returns_kept_rows(monkeypatch):
    monkeypatch.setattr(ann, "EXACT_BELOW", 10)  # force the graph path for a filter keeping half
    x = clustered(3000, seed=2)
    index = ann.AnnIndex.build(x)
    mask = np.arange(len(x)) % 2 == 0
    rows, _ = index.search(x, x[1], 10, mask)
    assert len(rows) == 10 and mask[rows].all()
    truth = exact_top(x, x[1], 10, np.flatnonzero(mask))
    assert len(set(rows) & set(truth)) >= 9


def test_saved_index_reopens_and_a_changed_dataset_gets_none(tmp_path, monkeypatch):
    monkeypatch.setattr(ann, "THRESHOLD", 10)
    x = clustered(500, seed=3)
    keys = np.array([bytes([i % 256]) * 32 for i in range(500)], dtype="S32")
    path = ann.index_path(tmp_path, keys)
    ann.AnnIndex.build(x).save(path)
    opened = ann.open_index(tmp_path, keys)
    assert opened is not None and opened.size == 500
    assert list(opened.search(x, x[7], 5)[0]) == list(exact_top(x, x[7], 5))
    changed = keys.copy()
    changed[0] = b"z" * 32
    assert ann.open_index(tmp_path, changed) is None  # another dataset never meets a stale index


def test_a_damaged_index_is_ignored_with_a_warning(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(ann, "THRESHOLD", 10)
    keys = np.array([bytes([i]) * 32 for i in range(20)], dtype="S32")
    ann.index_path(tmp_path, keys).write_bytes(b"not an index at all")
    with caplog.at_level("WARNING"):
        assert ann.open_index(tmp_path, keys) is None
    assert "ignoring the search index" in caplog.text


def test_nearest_and_neighbours_agree_with_and_without_the_index(bundled_frame_and_vectors):
    frame, vectors = bundled_frame_and_vectors
    index = ann.AnnIndex.build(vectors)
    exact = nearest(frame, vectors, vectors[10], k=5)
    fast = nearest(frame, vectors, vectors[10], k=5, index=index)
    assert list(fast["row"]) == list(exact["row"])
    assert np.allclose(fast["score"], exact["score"])
    for a, b in zip(
        statement_neighbours(frame, vectors, 10, k=5), statement_neighbours(frame, vectors, 10, k=5, index=index)
    ):
        assert list(a["row"]) == list(b["row"])


@pytest.fixture
def bundled_frame_and_vectors():
    from stance_explorer.dataset import load_dataset

    ds = load_dataset()
    assert ds.has_vector.all()
    return ds.frame, np.asarray(ds.vectors)


def test_cli_builds_the_index_and_like_uses_it(tmp_path, monkeypatch, capsys):
    """`index` writes the index beside the store; past the threshold, `like` answers from it."""
    from stance_explorer import cli
    from stance_explorer.dataset import STORE_DIR

    store = tmp_path / "embeddings"
    shutil.copytree(STORE_DIR, store)
    monkeypatch.setattr(ann, "THRESHOLD", 100)  # the bundled statements count as "past it"
    assert cli.main(["index", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Indexed {N_BUNDLED} statements") and ".faiss" in out
    assert len(list(store.rglob("index-*.faiss"))) == 1
    used = []
    real_search = ann.AnnIndex.search
    monkeypatch.setattr(ann.AnnIndex, "search", lambda self, *a, **kw: used.append(1) or real_search(self, *a, **kw))
    assert cli.main(["like", "S190", "--store", str(store)]) == 0
    with_index = capsys.readouterr().out
    assert used, "like did not use the index"
    monkeypatch.setattr(ann, "THRESHOLD", 10_000)
    assert cli.main(["like", "S190", "--store", str(store)]) == 0
    assert capsys.readouterr().out == with_index  # the same neighbours as exact search


@pytest.mark.model
def test_similar_ranks_the_same_with_the_index(tmp_path, monkeypatch, capsys):
    """`similar` past the threshold asks the index for its meaning ranking; the fused result matches exact search."""
    from stance_explorer import cli
    from stance_explorer.dataset import STORE_DIR

    store = tmp_path / "embeddings"
    shutil.copytree(STORE_DIR, store)
    monkeypatch.setattr(ann, "THRESHOLD", 100)
    assert cli.main(["index", "--store", str(store)]) == 0
    capsys.readouterr()
    used = []
    real_search = ann.AnnIndex.search
    monkeypatch.setattr(ann.AnnIndex, "search", lambda self, *a, **kw: used.append(1) or real_search(self, *a, **kw))
    assert cli.main(["similar", "the trade deal is irrelevant", "--store", str(store)]) == 0
    with_index = capsys.readouterr().out
    assert used and "irrelevant" in with_index
    monkeypatch.setattr(ann, "THRESHOLD", 10_000)
    assert cli.main(["similar", "the trade deal is irrelevant", "--store", str(store)]) == 0
    assert capsys.readouterr().out == with_index
