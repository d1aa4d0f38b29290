"""Embedding on Ray (stance_explorer/scale/distributed.py, `embed --engine ray`): the same store, resumable."""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ray = pytest.importorskip("ray")

from stance_explorer.encoders.text import embedding_texts  # noqa: E402
from stance_explorer.reader import read_statements  # noqa: E402
from stance_explorer.scale import distributed  # noqa: E402
from stance_explorer.store import EmbeddingStore  # noqa: E402

pytestmark = pytest.mark.slow
# Ray workers import nothing from tests/: this module's encoders travel to them by value.
ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])

MODEL = "fake-ray-encoder"
DIM = 16


class HashEncoder:
    """Deterministic vectors from each text's sha256 (the same in every process).

    ``log`` (a folder) gets one file per encode call, so the test can count what workers encoded
    across processes. ``die_on_call`` makes the worker process exit hard on that call, once
    (a marker file remembers it), as if the machine running it went away.
    """

    def __init__(self, log: str, die_on_call: int | None = None) -> None:
        self.model_id = MODEL
        self.log, self.die_on_call, self.calls = Path(log), die_on_call, 0

    @staticmethod
    def vector(text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
        return v / np.linalg.norm(v)

    def encode(self, texts, *, batch_size: int = 64, progress=None) -> np.ndarray:
        self.calls += 1
        died = self.log / "died"
        if self.die_on_call == self.calls and not died.exists():
            died.write_text("x")
            os._exit(1)
        (self.log / f"call-{os.getpid()}-{self.calls}").write_text(str(len(texts)))
        return np.stack([self.vector(t) for t in texts])


def encoded(log: Path) -> int:
    return sum(int(p.read_text()) for p in log.glob("call-*"))


def write_shards(folder: Path, n: int) -> list[Path]:
    """n statements over three files: two CSVs (one with a bad row) and one Parquet."""
    rows = [
        {
            "speaker": f"Speaker {i % 7}",
            "date": f"2025-{i % 12 + 1:02d}-{i % 27 + 1:02d}",
            "topic": "trade",
            "text": f"Statement number {i} about the trade deal and tariffs, said on day {i}.",
        }
        for i in range(n)
    ]
    third = n // 3
    a, b, c = rows[:third], rows[third : 2 * third], rows[2 * third :]
    folder.mkdir(parents=True, exist_ok=True)
    pa = folder / "a.csv"
    pd.DataFrame(a).to_csv(pa, index=False)
    pb = folder / "b.csv"
    bad = pd.DataFrame(b + [{"speaker": "Nobody", "date": "not a date", "topic": "trade", "text": ""}])
    bad.to_csv(pb, index=False)
    pc = folder / "c.parquet"
    pd.DataFrame(c).to_parquet(pc, index=False)
    return [pa, pb, pc]


def all_texts(files: list[Path]) -> list[str]:
    return [t for f in files for t in distributed.read_shard(str(f)).texts]


@pytest.fixture(scope="module")
def ray_local():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_ray_fills_the_same_store_that_a_plain_run_then_finds_cached(tmp_path, ray_local):
    files = write_shards(tmp_path / "in", 500)
    log = tmp_path / "log"
    log.mkdir()
    store_root = tmp_path / "store"
    report = distributed.embed_on_ray(
        files,
        store_root=store_root,
        model_id=MODEL,
        encoder_factory=partial(HashEncoder, str(log)),
        workers=2,
        batch_size=64,
    )
    assert (report.files, report.statements, report.cached, report.new) == (3, 500, 0, 500)
    assert encoded(log) == 500 and report.shards >= 2
    # Bad rows are reported per shard, with file and line, as the reader reports them.
    errors = [p for p in report.problems if p.severity == "error"]
    assert errors and all(p.file == "b.csv" and p.line == len(range(166, 332)) + 2 for p in errors)
    # The vectors are the model's, under its own id, and a plain run finds every one cached.
    texts = all_texts(files)
    store = EmbeddingStore(store_root, MODEL)
    vectors, found = store.get(texts)
    assert found.all()
    assert np.allclose(vectors, np.stack([HashEncoder.vector(t) for t in texts]), atol=1e-6)
    plain = HashEncoder(str(log))
    _, rep = store.get_or_encode(texts, plain)
    assert (rep.cached, rep.new) == (500, 0) and plain.calls == 0


def test_a_run_whose_worker_dies_resumes_with_only_what_is_missing(tmp_path, ray_local):
    files = write_shards(tmp_path / "in", 500)
    log = tmp_path / "log"
    log.mkdir()
    store_root = tmp_path / "store"
    no_retry = {"max_restarts": 0, "max_task_retries": 0}
    with pytest.raises(Exception):  # noqa: B017 - Ray wraps the dead actor in its own error types
        distributed.embed_on_ray(
            files,
            store_root=store_root,
            model_id=MODEL,
            encoder_factory=partial(HashEncoder, str(log), die_on_call=2),
            workers=1,
            batch_size=50,
            actor_options=no_retry,
        )
    assert (log / "died").exists()
    first = encoded(log)
    kept = len(EmbeddingStore(store_root, MODEL, read_only=True))
    assert 0 < kept == first < 500  # whole shards survived the kill; nothing half-written counts
    report = distributed.embed_on_ray(
        files,
        store_root=store_root,
        model_id=MODEL,
        encoder_factory=partial(HashEncoder, str(log)),
        workers=2,
        batch_size=50,
    )
    assert (report.cached, report.new) == (kept, 500 - kept)
    assert encoded(log) == 500  # every text encoded exactly once over the two runs
    assert EmbeddingStore(store_root, MODEL).get(all_texts(files))[1].all()


def test_cli_engine_ray_reports_like_a_plain_run(tmp_path, ray_local, capsys, monkeypatch):
    from stance_explorer import cli

    files = write_shards(tmp_path / "in", 60)
    log = tmp_path / "log"
    log.mkdir()
    monkeypatch.setattr(cli, "_encoder", lambda args: HashEncoder(str(log)))
    status = cli.main(
        [
            "embed",
            *map(str, files),
            "--engine",
            "ray",
            "--workers",
            "2",
            "--batch-size",
            "8",
            "--store",
            str(tmp_path / "s"),
        ]
    )
    out, err = capsys.readouterr()
    assert status == 1  # b.csv has a bad row: reported, the rest embedded
    assert "60 statements in 3 files: 0 cached, 60 new" in out
    assert "b.csv" in err and "line" in err
    status = cli.main(["embed", *map(str, files), "--engine", "ray", "--store", str(tmp_path / "s")])
    assert "60 cached, 0 new" in capsys.readouterr().out


def test_without_ray_the_cli_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    from stance_explorer import cli

    monkeypatch.setattr(distributed, "available", lambda: False)
    f = write_shards(tmp_path, 6)[0]
    assert cli.main(["embed", str(f), "--engine", "ray", "--store", str(tmp_path / "s")]) == 2
    assert "pip install -r requirements-scale.txt" in capsys.readouterr().err


@pytest.mark.model
def test_real_model_on_ray_matches_a_plain_run(tmp_path, ray_local):
    from stance_explorer.cli import _encoder
    from stance_explorer.dataset import BUNDLED_CSV

    frame = read_statements(BUNDLED_CSV).frame.head(50)
    path = tmp_path / "fifty.csv"
    frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
    factory = partial(_encoder, argparse.Namespace(model=None, backend="st", device=None))
    model_id = factory().model_id
    report = distributed.embed_on_ray(
        [path], store_root=tmp_path / "s", model_id=model_id, encoder_factory=factory, workers=2, batch_size=16
    )
    assert report.new == 50
    texts = embedding_texts(read_statements(path).frame)
    ray_vectors, found = EmbeddingStore(tmp_path / "s", model_id).get(texts)
    assert found.all()
    local = factory().encode(texts)
    assert float(np.min(np.sum(ray_vectors * local, axis=1))) > 0.9999
