"""The embedding store: caching, persistence, crash safety and recovery from damaged files."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from stance_explorer import store as st
from stance_explorer.files import model_slug
from stance_explorer.store import EmbeddingStore

MODEL = "fake-encoder"


def texts(n: int, prefix: str = "statement") -> list[str]:
    return [f"{prefix} number {i}: the trade deal matters {i % 7} times" for i in range(n)]


def markers(root: Path, model_id: str = MODEL) -> list[Path]:
    return sorted((root / model_slug(model_id)).glob("*.json"))


def expected(enc, items: list[str]) -> np.ndarray:
    return np.stack([enc.vector(t, enc.dim) for t in items])


# ---------------------------------------------------------------------------- caching
def test_second_run_encodes_nothing(tmp_path, make_fake_encoder):
    items = texts(30)
    first = make_fake_encoder()
    vecs1, rep1 = EmbeddingStore(tmp_path, MODEL).get_or_encode(items, first)
    assert first.encoded == 30
    assert (rep1.cached, rep1.new, rep1.persisted) == (0, 30, True)

    second = make_fake_encoder()
    vecs2, rep2 = EmbeddingStore(tmp_path, MODEL).get_or_encode(items, second)
    assert second.encoded == 0
    assert second.calls == []
    assert (rep2.cached, rep2.new) == (30, 0)
    np.testing.assert_array_equal(vecs1, vecs2)


def test_only_new_texts_are_encoded(tmp_path, make_fake_encoder):
    EmbeddingStore(tmp_path, MODEL).get_or_encode(texts(10), make_fake_encoder())
    enc = make_fake_encoder()
    more = texts(10) + texts(5, prefix="fresh")
    vecs, rep = EmbeddingStore(tmp_path, MODEL).get_or_encode(more, enc)
    assert sorted(enc.texts) == sorted(texts(5, prefix="fresh"))
    assert (rep.cached, rep.new) == (10, 5)
    np.testing.assert_allclose(vecs, expected(enc, more), atol=1e-6)


def test_duplicates_are_encoded_once_and_every_row_gets_its_vector(tmp_path, fake_encoder):
    items = ["alpha", "beta", "alpha", "gamma", "beta", "alpha"]
    vecs, rep = EmbeddingStore(tmp_path, MODEL).get_or_encode(items, fake_encoder)
    assert fake_encoder.encoded == 3
    assert sorted(fake_encoder.texts) == ["alpha", "beta", "gamma"]
    assert rep.new == 3
    np.testing.assert_allclose(vecs, expected(fake_encoder, items), atol=1e-6)


def test_vectors_identical_after_reload_from_disk(tmp_path, fake_encoder):
    items = texts(40)
    vecs, _ = EmbeddingStore(tmp_path, MODEL).get_or_encode(items, fake_encoder)
    for mmap in (True, False):
        reopened = EmbeddingStore(tmp_path, MODEL, read_only=True, mmap=mmap)
        got, found = reopened.get(items)
        assert found.all()
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, vecs)
        assert reopened.warnings == []


def test_store_keeps_models_apart(tmp_path, make_fake_encoder):
    items = texts(5)
    EmbeddingStore(tmp_path, MODEL).get_or_encode(items, make_fake_encoder())
    other = make_fake_encoder(model_id="another-model")
    _, rep = EmbeddingStore(tmp_path, "another-model").get_or_encode(items, other)
    assert other.encoded == 5 and rep.cached == 0
    with pytest.raises(ValueError, match="does not match"):
        EmbeddingStore(tmp_path, MODEL).get_or_encode(items, other)


def test_in_memory_store(fake_encoder):
    store = EmbeddingStore(None, MODEL)
    vecs, rep = store.get_or_encode(texts(4), fake_encoder)
    assert rep.persisted is False and rep.new == 4
    _, rep2 = store.get_or_encode(texts(4), fake_encoder)
    assert rep2.cached == 4 and fake_encoder.encoded == 4


def test_float16_store_round_trip_keeps_rankings(tmp_path, fake_encoder):
    items = texts(60)
    vecs32 = expected(fake_encoder, items)
    EmbeddingStore(tmp_path, MODEL, dtype="float16").get_or_encode(items, fake_encoder)
    meta = json.loads(markers(tmp_path)[0].read_text())
    assert meta["dtype"] == "float16"
    got, found = EmbeddingStore(tmp_path, MODEL, read_only=True).get(items)
    assert found.all()
    np.testing.assert_allclose(got, vecs32, atol=2e-3)
    for q in range(5):
        query = vecs32[q]
        assert np.argsort(-(got @ query))[:10].tolist() == np.argsort(-(vecs32 @ query))[:10].tolist()


# ---------------------------------------------------------------------------- crash safety
def test_crash_mid_job_keeps_finished_chunks_and_next_run_finishes(tmp_path, make_fake_encoder, monkeypatch):
    monkeypatch.setattr(st, "CHUNK", 10)
    items = texts(35)
    crashing = make_fake_encoder(fail_on_call=3)  # chunks 1 and 2 succeed, then the "process" dies
    with pytest.raises(RuntimeError, match="simulated crash"):
        EmbeddingStore(tmp_path, MODEL).get_or_encode(items, crashing)

    store = EmbeddingStore(tmp_path, MODEL)
    assert store.warnings == []
    assert len(store) == 20
    resumed = make_fake_encoder()
    vecs, rep = store.get_or_encode(items, resumed)
    assert resumed.encoded == 15
    assert (rep.cached, rep.new) == (20, 15)
    np.testing.assert_allclose(vecs, expected(resumed, items), atol=1e-6)
    assert EmbeddingStore(tmp_path, MODEL, read_only=True).contains(items).all()


def test_failed_marker_write_leaves_no_visible_shard(tmp_path, make_fake_encoder, monkeypatch):
    real_replace = os.replace

    def replace(src, dst):
        if str(dst).endswith(".json"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    items = texts(12)
    enc = make_fake_encoder()
    store = EmbeddingStore(tmp_path, MODEL)
    vecs, rep = store.get_or_encode(items, enc)
    # The run still answers from memory, and says it could not persist.
    assert rep.persisted is False
    assert any("No space left" in w for w in store.warnings)
    np.testing.assert_allclose(vecs, expected(enc, items), atol=1e-6)
    monkeypatch.setattr(os, "replace", real_replace)

    # Nothing half-written is visible: the next process sees an empty store, cleans the orphans...
    reopened = EmbeddingStore(tmp_path, MODEL)
    assert reopened.warnings == []
    assert len(reopened) == 0
    folder = tmp_path / model_slug(MODEL)
    assert list(folder.iterdir()) == []
    # ...and finishes the job.
    enc2 = make_fake_encoder()
    _, rep2 = reopened.get_or_encode(items, enc2)
    assert enc2.encoded == 12 and rep2.persisted is True
    assert EmbeddingStore(tmp_path, MODEL, read_only=True).contains(items).all()


CHILD = textwrap.dedent(
    """
    import hashlib, sys, time
    import numpy as np
    from stance_explorer import store as st

    st.CHUNK = 20

    class SlowFake:
        model_id = "fake-encoder"

        def encode(self, texts, *, batch_size=64, progress=None):
            time.sleep(0.5)  # slow enough that the kill always lands mid-job
            out = []
            for t in texts:  # the same formula as tests/conftest.py FakeEncoder.vector
                seed = int.from_bytes(hashlib.sha256(t.encode("utf-8")).digest()[:8], "little")
                v = np.random.default_rng(seed).standard_normal(32).astype(np.float32)
                out.append(v / np.linalg.norm(v))
            return np.stack(out)

    items = [line for line in open(sys.argv[2], encoding="utf-8").read().split("\\n") if line]
    st.EmbeddingStore(sys.argv[1], "fake-encoder").get_or_encode(items, SlowFake())
    print("finished", flush=True)
    """
)


def test_sigkill_mid_run_then_resume(tmp_path, make_fake_encoder, repo_root):
    items = texts(300)
    listing = tmp_path / "texts.txt"
    listing.write_text("\n".join(items), encoding="utf-8")
    root = tmp_path / "store"
    folder = root / model_slug(MODEL)
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), str(listing)],
        cwd=repo_root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (folder.is_dir() and any(folder.glob("*.json"))):
            assert child.poll() is None, f"child exited early: {child.communicate()}"
            assert time.monotonic() < deadline, "no shard was ever committed"
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == -signal.SIGKILL
    assert "finished" not in out

    store = EmbeddingStore(root, MODEL)
    assert store.warnings == []
    kept = len(store)
    assert 20 <= kept < 300 and kept % 20 == 0  # whole chunks only
    # Whatever the kill interrupted was cleaned away: every file left belongs to a committed shard.
    live = {m.name[: -len(".json")] for m in folder.glob("*.json")}
    assert all(f.name.split(".")[0] in live for f in folder.iterdir())

    resumed = make_fake_encoder()
    vecs, rep = store.get_or_encode(items, resumed)
    assert resumed.encoded == 300 - kept
    assert (rep.cached, rep.new) == (kept, 300 - kept)
    # Vectors the killed process wrote are the right ones, and every text is now present on disk.
    np.testing.assert_allclose(vecs, expected(resumed, items), atol=1e-6)
    assert EmbeddingStore(root, MODEL, read_only=True).contains(items).all()


# ---------------------------------------------------------------------------- damaged files
def _rename_shard(marker: Path, stem: str) -> Path:
    old = marker.name[: -len(".json")]
    for suffix in (".keys.npy", ".vectors.npy", ".json"):
        marker.with_name(old + suffix).rename(marker.with_name(stem + suffix))
    return marker.with_name(stem + ".json")


def _two_shards(tmp_path, make_fake_encoder):
    """A store with two shards, A (read first) and B; returns (marker A, marker B, texts of A, texts of B)."""
    a_items, b_items = texts(8, "first"), texts(6, "second")
    EmbeddingStore(tmp_path, MODEL).get_or_encode(a_items, make_fake_encoder())
    (marker_a,) = markers(tmp_path)
    marker_a = _rename_shard(marker_a, "cache-1-aaaa")
    EmbeddingStore(tmp_path, MODEL).get_or_encode(b_items, make_fake_encoder())
    (marker_b,) = set(markers(tmp_path)) - {marker_a}
    marker_b = _rename_shard(marker_b, "cache-2-bbbb")
    return marker_a, marker_b, a_items, b_items


def _files(marker: Path) -> tuple[Path, Path]:
    stem = marker.name[: -len(".json")]
    return marker.with_name(stem + ".keys.npy"), marker.with_name(stem + ".vectors.npy")


def _truncate_vectors(marker: Path) -> None:
    _, vec_file = _files(marker)
    data = vec_file.read_bytes()
    vec_file.write_bytes(data[: len(data) // 2])


def _drop_one_key(marker: Path) -> None:
    key_file, _ = _files(marker)
    np.save(key_file, np.load(key_file)[:-1])


def _wrong_dimension(marker: Path) -> None:
    _, vec_file = _files(marker)
    vecs = np.load(vec_file)
    np.save(vec_file, np.ascontiguousarray(vecs[:, :10]))


def _other_model(marker: Path) -> None:
    meta = json.loads(marker.read_text())
    meta["model_id"] = "some-other-model"
    marker.write_text(json.dumps(meta))


def _garbage_marker(marker: Path) -> None:
    marker.write_text("{not json")


@pytest.mark.parametrize("damage", [_truncate_vectors, _drop_one_key, _wrong_dimension, _other_model, _garbage_marker])
@pytest.mark.parametrize("which", ["first", "second"])
def test_damaged_shard_is_dropped_with_warning_and_reencoded(tmp_path, make_fake_encoder, damage, which):
    marker_a, marker_b, a_items, b_items = _two_shards(tmp_path, make_fake_encoder)
    bad, bad_items, good_items = (marker_a, a_items, b_items) if which == "first" else (marker_b, b_items, a_items)
    damage(bad)

    store = EmbeddingStore(tmp_path, MODEL)
    assert len(store.warnings) == 1
    assert bad.name in store.warnings[0] and "re-encoded" in store.warnings[0]
    # The damaged shard is gone, the intact one is still used.
    assert not bad.exists() and not any(p.exists() for p in _files(bad))
    assert store.contains(good_items).all()
    assert not store.contains(bad_items).any()

    enc = make_fake_encoder()
    vecs, rep = store.get_or_encode(a_items + b_items, enc)
    assert sorted(enc.texts) == sorted(bad_items)
    np.testing.assert_allclose(vecs, expected(enc, a_items + b_items), atol=1e-6)
    again = EmbeddingStore(tmp_path, MODEL)
    assert again.warnings == [] and again.contains(a_items + b_items).all()


def test_read_only_store_reports_damage_without_deleting(tmp_path, make_fake_encoder):
    marker_a, _, a_items, b_items = _two_shards(tmp_path, make_fake_encoder)
    _truncate_vectors(marker_a)
    store = EmbeddingStore(tmp_path, MODEL, read_only=True)
    assert len(store.warnings) == 1
    assert marker_a.exists()  # a read-only store never deletes
    assert store.contains(b_items).all() and not store.contains(a_items).any()


def test_orphans_of_a_killed_run_are_cleaned(tmp_path, fake_encoder):
    items = texts(5)
    EmbeddingStore(tmp_path, MODEL).get_or_encode(items, fake_encoder)
    folder = tmp_path / model_slug(MODEL)
    (folder / "cache-20260101T000000-deadbeef.keys.npy").write_bytes(b"partial")
    (folder / "cache-20260101T000000-deadbeef.vectors.npy").write_bytes(b"partial")
    (folder / ".cache-x.json.abc123.tmp").write_bytes(b"{")
    store = EmbeddingStore(tmp_path, MODEL)
    assert store.warnings == []
    names = sorted(p.name for p in folder.iterdir())
    assert not any("deadbeef" in n or n.endswith(".tmp") for n in names)
    assert len(names) == 3  # the one real shard: marker, keys, vectors
    assert store.contains(items).all()


# ---------------------------------------------------------------------------- unwritable stores
def _works_from_memory(store: EmbeddingStore, enc) -> None:
    items = texts(7)
    vecs, rep = store.get_or_encode(items, enc)
    assert rep.persisted is False
    np.testing.assert_allclose(vecs, expected(enc, items), atol=1e-6)
    _, rep2 = store.get_or_encode(items, enc)  # kept in memory for the rest of the run
    assert rep2.cached == 7 and enc.encoded == 7


def test_store_under_a_regular_file_works_from_memory(tmp_path, fake_encoder):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    store = EmbeddingStore(blocker / "store", MODEL)
    assert store.read_only
    assert len(store.warnings) == 1 and "cannot be written" in store.warnings[0]
    _works_from_memory(store, fake_encoder)


def test_permission_denied_works_from_memory(tmp_path, fake_encoder, monkeypatch):
    def denied(self, data):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_bytes", denied)
    store = EmbeddingStore(tmp_path, MODEL)
    monkeypatch.undo()
    assert store.read_only
    assert "Permission denied" in store.warnings[0] and "memory" in store.warnings[0]
    _works_from_memory(store, fake_encoder)
    assert list((tmp_path / model_slug(MODEL)).glob("*.npy")) == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores directory permissions")
def test_chmod_read_only_folder_works_from_memory(tmp_path, fake_encoder):
    folder = tmp_path / model_slug(MODEL)
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    try:
        store = EmbeddingStore(tmp_path, MODEL)
        assert store.read_only and store.warnings
        _works_from_memory(store, fake_encoder)
    finally:
        folder.chmod(0o755)


def test_disk_full_while_writing_keeps_vectors_in_memory(tmp_path, fake_encoder, monkeypatch):
    def full(path, write):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(st, "atomic_write_bytes", full)
    store = EmbeddingStore(tmp_path, MODEL)
    assert store.warnings == []
    _works_from_memory(store, fake_encoder)
    assert any("No space left" in w for w in store.warnings)


# ---------------------------------------------------------------------------- compaction
def test_many_shards_are_compacted_on_open(tmp_path, make_fake_encoder, monkeypatch):
    monkeypatch.setattr(st, "CHUNK", 3)
    items = texts(3 * (st.COMPACT_AFTER + 3))
    vecs, _ = EmbeddingStore(tmp_path, MODEL).get_or_encode(items, make_fake_encoder())
    assert len(markers(tmp_path)) == st.COMPACT_AFTER + 3

    store = EmbeddingStore(tmp_path, MODEL)
    assert store.warnings == []
    assert len(markers(tmp_path)) == 1
    assert len(list((tmp_path / model_slug(MODEL)).iterdir())) == 3
    got, found = store.get(items)
    assert found.all()
    np.testing.assert_array_equal(got, vecs)
    enc = make_fake_encoder()
    store.get_or_encode(items, enc)
    assert enc.encoded == 0
    got2, found2 = EmbeddingStore(tmp_path, MODEL, read_only=True).get(items)
    assert found2.all()
    np.testing.assert_array_equal(got2, vecs)


def test_compaction_leaves_bundled_shards_alone(tmp_path, make_fake_encoder, monkeypatch):
    bundled_items = texts(4, "bundled")
    EmbeddingStore(tmp_path, MODEL).get_or_encode(bundled_items, make_fake_encoder(), prefix=st.BUNDLED_PREFIX)
    monkeypatch.setattr(st, "CHUNK", 2)
    items = texts(2 * (st.COMPACT_AFTER + 1))
    EmbeddingStore(tmp_path, MODEL).get_or_encode(items, make_fake_encoder())
    store = EmbeddingStore(tmp_path, MODEL)
    names = [m.name for m in markers(tmp_path)]
    assert sum(n.startswith(st.BUNDLED_PREFIX) for n in names) == 1
    assert sum(n.startswith(st.CACHE_PREFIX) for n in names) == 1
    assert store.contains(bundled_items + items).all()
