"""The bundled dataset loads with its committed vectors, fast, and without the model."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from facts import N_BUNDLED

from stance_explorer import schema as S
from stance_explorer.dataset import Dataset, embed_frame, find_statement, load_dataset, merge_datasets, statement_ref
from stance_explorer.encoders.text import embedding_texts
from stance_explorer.reader import read_statements
from stance_explorer.store import EmbeddingStore


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def test_bundled_dataset_has_every_vector(dataset):
    assert len(dataset.frame) == N_BUNDLED
    assert dataset.missing == 0 and dataset.has_vector.all()
    assert dataset.vectors.shape == (N_BUNDLED, 384) and dataset.vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(dataset.vectors, axis=1), 1.0, atol=1e-4)
    assert dataset.problems == [] and dataset.warnings == []
    # Row i's vector belongs to row i: identical embedding texts, identical vectors; others differ.
    texts = embedding_texts(dataset.frame)
    first = {}
    for i, t in enumerate(texts):
        if t in first:
            np.testing.assert_array_equal(dataset.vectors[i], dataset.vectors[first[t]])
        first.setdefault(t, i)
    uniq = sorted(first.values())
    sims = dataset.vectors[uniq] @ dataset.vectors[uniq].T
    np.fill_diagonal(sims, 0)
    assert sims.max() < 0.999


def test_loading_the_bundled_dataset_does_not_import_torch(repo_root):
    code = (
        "import sys; from stance_explorer.dataset import load_dataset; d = load_dataset(); "
        "assert 'torch' not in sys.modules, 'torch was imported'; "
        "assert 'sentence_transformers' not in sys.modules; print(d.missing, len(d.frame))"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(repo_root)}
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=repo_root, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["0", str(N_BUNDLED)]


def test_new_rows_are_reported_missing_not_invented(tmp_path, bundled, repo_root):
    """A user file with one statement the store has never seen: that row, and only it, lacks a vector."""
    frame = bundled.frame
    lines = (repo_root / "stance_explorer" / "data" / "statements.csv").read_text(encoding="utf-8").splitlines()
    extra = "S999,Mark Carney,Prime Minister of Canada,Canada,2026-02-01,day,tariffs,A brand new sentence never embedded,en,direct,,,"
    path = tmp_path / "mine.csv"
    path.write_text("\n".join(lines[:6] + [extra]) + "\n", encoding="utf-8")
    d = load_dataset(path)
    assert len(d.frame) == 6
    assert d.has_vector.tolist() == [True] * 5 + [False]
    assert d.missing == 1
    assert not d.vectors[5].any()
    full = load_dataset()
    np.testing.assert_array_equal(d.vectors[:5], full.vectors[:5])
    assert d.frame[S.TEXT].tolist()[:5] == frame[S.TEXT].tolist()[:5]


def test_no_store_means_no_vectors(bundled):
    d = load_dataset(result=bundled, store_dir=None)
    assert d.missing == N_BUNDLED and d.vectors.shape[0] == N_BUNDLED


def test_embed_frame_fills_only_what_is_missing(tmp_path, bundled, fake_encoder, repo_root):
    frame = bundled.frame.iloc[:20]
    store = EmbeddingStore(tmp_path, fake_encoder.model_id)
    vecs, rep = embed_frame(frame, store, fake_encoder)
    assert rep.total == 20 and rep.cached == 0 and rep.persisted
    assert fake_encoder.encoded == len(set(embedding_texts(frame)))
    d = load_dataset(
        result=read_statements(repo_root / "stance_explorer" / "data" / "statements.csv"),
        store_dir=tmp_path,
        model_id=fake_encoder.model_id,
    )
    assert d.has_vector.tolist() == [True] * 20 + [False] * 179
    np.testing.assert_array_equal(d.vectors[:20], vecs)


@pytest.mark.model
def test_committed_vectors_match_the_model(dataset, real_encoder):
    """The committed store holds what the packaged model gives today for the same texts."""
    assert dataset.model_id == real_encoder.model_id
    rows = [0, 1, 50, 165, 189, 190, 198]
    texts = [embedding_texts(dataset.frame)[i] for i in rows]
    fresh = real_encoder.encode(texts)
    np.testing.assert_allclose(fresh, dataset.vectors[rows], atol=1e-4)


def test_a_statement_ref_names_the_same_row_even_when_ids_repeat(bundled):
    frame = pd.concat([bundled.frame, bundled.frame.iloc[[0]]], ignore_index=True)  # S001 twice
    s002 = int(np.flatnonzero(frame[S.ID] == "S002")[0])
    assert statement_ref(frame, s002) == "S002"
    assert find_statement(frame, "S002") == s002
    last = len(frame) - 1
    ref = statement_ref(frame, last)
    assert ref == f"#{last + 1}"
    assert find_statement(frame, ref) == last
    assert find_statement(frame, "S001") is None  # ambiguous: never guess
    assert find_statement(frame, "no-such-id") is None
    assert find_statement(frame, f"#{len(frame) + 1}") is None
    assert find_statement(frame, "#0") is None


def test_merge_datasets_keeps_the_first_duplicate_with_its_own_vector(statement_frame):
    a = statement_frame([("Ann", "2026-01-01", "one"), ("Bob", "2026-01-02", "two")], source_file="a.csv")
    b = statement_frame([("Bob", "2026-01-02", "two"), ("Cid", "2026-01-03", "three")], source_file="b.csv")
    b["extra"] = "kept"
    va = np.array([[1, 0], [0, 1]], dtype=np.float32)
    vb = np.array([[0.6, 0.8], [0.8, 0.6]], dtype=np.float32)
    merged = merge_datasets(
        [
            Dataset(a, va, np.array([True, False]), "m"),
            Dataset(b, vb, np.array([True, True]), "m", warnings=["w"]),
        ]
    )
    assert list(merged.frame[S.TEXT]) == ["one", "two", "three"]
    assert list(merged.frame[S.SOURCE_FILE]) == ["a.csv", "a.csv", "b.csv"]  # the first of a duplicate wins
    np.testing.assert_array_equal(merged.vectors, np.array([[1, 0], [0, 1], [0.8, 0.6]], dtype=np.float32))
    assert list(merged.has_vector) == [True, False, True]  # each row keeps whether it has a vector
    assert list(merged.frame["extra"]) == ["", "", "kept"]  # a column one part lacks is blank, not NaN
    assert merged.model_id == "m" and merged.warnings == ["w"]
    assert list(merged.frame.index) == [0, 1, 2]


def test_merge_datasets_of_statements_without_vectors_and_of_nothing(statement_frame):
    a = statement_frame([("Ann", "2026-01-01", "one")])
    merged = merge_datasets([Dataset.without_vectors(a), Dataset.without_vectors(a.iloc[:0])])
    assert list(merged.frame[S.TEXT]) == ["one"] and merged.vectors.shape == (1, 0) and merged.missing == 1
    empty = merge_datasets([])
    assert empty.frame.empty and list(empty.frame.columns)[:3] == list(S.KNOWN_COLUMNS)[:3]
