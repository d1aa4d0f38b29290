"""Reading a claim on Ray Data (stance_explorer/stance/readers/on_ray.py): the same readings cache the app reads, resumable."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

ray = pytest.importorskip("ray")

import tiny_models  # noqa: E402

from stance_explorer.stance.axes import Axis  # noqa: E402
from stance_explorer.stance.readers import ReaderUnavailable, ReadingCache, read_through  # noqa: E402
from stance_explorer.stance.readers.nli import NLIReader  # noqa: E402
from stance_explorer.stance.readers.on_ray import read_on_ray  # noqa: E402

pytestmark = pytest.mark.slow

CLAIM = Axis("steel tariffs", favor="I support steel tariffs.", against="I oppose steel tariffs.")


def _texts() -> list[str]:
    english = [f"Statement number {i} on trade with our neighbours." for i in range(300)]
    spanish = [f"Declaración número {i} sobre el comercio con los vecinos y los aranceles." for i in range(20)]
    return english + spanish + english[:30]  # repeats are read once


def test_ray_fills_the_cache_the_app_reads_and_a_rerun_reads_only_what_is_missing(tmp_path):
    model = str(tiny_models.save_word_nli(tmp_path / "nli"))
    factory = partial(NLIReader, model)
    texts, root = _texts(), tmp_path / "store"
    report = read_on_ray(texts, CLAIM, store_root=root, reader_factory=factory, workers=2, batch_size=64)
    assert (report.statements, report.cached, report.new, report.read) == (350, 0, 320, 300)
    assert report.notes == {"not read by this reader: Spanish": 20}  # asked again next time, never cached
    # the app's cache finds every English reading, equal to reading here
    reader = factory()
    cached, found = ReadingCache(reader, root).get(CLAIM, texts)
    assert found.sum() == 330 and not found[300:320].any()
    local = reader.read(CLAIM, texts[:5])
    np.testing.assert_allclose(cached.probs[:5], local.probs, atol=1e-5)
    _, n_new = read_through(reader, CLAIM, texts[:300], ReadingCache(reader, root))
    assert n_new == 0
    again = read_on_ray(texts, CLAIM, store_root=root, reader_factory=factory, workers=2, batch_size=64)
    assert (again.cached, again.new, again.read) == (330, 20, 0)


def test_a_reader_without_a_cache_is_refused(tmp_path):
    from stance_explorer.stance.readers.csv import CSVReader

    raw = b"id,text_sha256,claim,stance,confidence,reader\ns1," + b"0" * 64 + b",steel tariffs,favor,0.9,x\n"
    with pytest.raises(ReaderUnavailable, match="keeps no readings cache"):
        read_on_ray(["a"], CLAIM, store_root=tmp_path, reader_factory=partial(CSVReader.from_source, raw))


def test_cli_stance_engine_ray_fills_the_cache_then_reads_nothing_twice(tmp_path):
    import pandas as pd
    from facts import run_cli

    from stance_explorer.dataset import BUNDLED_CSV

    model = tiny_models.save_word_nli(tmp_path / "nli")
    src = pd.read_csv(BUNDLED_CSV, dtype=str, keep_default_na=False)
    data = tmp_path / "usmca.csv"
    src[src["topic"] == "USMCA/trade"].head(6).to_csv(data, index=False)
    args = ["stance", str(data), "--target", "the USMCA", "--reader", "nli", "--reader-model", str(model)]
    proc = run_cli(*args, "--engine", "ray", "--store", str(tmp_path / "s"))
    assert proc.returncode == 0, proc.stderr
    assert "(ray: 6 statements, 0 cached, 6 read now by 2 workers, 0 not read)" in proc.stderr
    assert "read 6 statements" not in proc.stderr  # the plain reading after it found every one cached
    assert len(pd.read_csv(pd.io.common.StringIO(proc.stdout))) == 6
