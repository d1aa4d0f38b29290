"""The built-in reader, with the real shipped model: it reads English statements against a claim and its
opposite, leaves other languages unread (and says so), and runs without torch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from facts import BUNDLED_CSV, REPO_ROOT

from stance_explorer import stance as T
from stance_explorer.stance.readers import make_reader
from stance_explorer.stance.readers.builtin import NOT_ENGLISH, BuiltinReader, is_english


@pytest.fixture(scope="module")
def reader():
    return BuiltinReader()


@pytest.fixture(scope="module")
def bundled():
    return pd.read_csv(BUNDLED_CSV, dtype=str, keep_default_na=False).set_index("id")


def test_the_registry_builds_the_shipped_reader_with_its_version():
    r = make_reader("builtin")
    assert r.name == "builtin" and r.cacheable
    assert r.version.startswith("builtin-minilm") and r.version in r.label


def test_a_spanish_statement_is_not_read_and_says_why(reader, bundled):
    spanish = bundled[bundled["language"] == "es"]["text"].tolist()[:3]
    english = bundled[bundled["language"] == "en"]["text"].tolist()[:3]
    out = reader.read(T.Axis("the USMCA trade agreement"), spanish + english)
    assert out.read.tolist() == [False] * len(spanish) + [True] * len(english)
    assert all(n == NOT_ENGLISH for n in out.notes[: len(spanish)])
    assert np.all(out.probs[: len(spanish)] == 0)
    assert np.allclose(out.probs[len(spanish) :].sum(axis=1), 1.0, atol=1e-5)
    assert out.stance_arrays().label[: len(spanish)].tolist() == [T.NONE] * len(spanish)


def test_language_check_on_the_bundled_statements_matches_their_language_column(bundled):
    guessed = bundled["text"].map(is_english)
    assert (guessed == (bundled["language"] == "en")).mean() >= 0.95


def test_swapping_the_claims_wording_swaps_favor_and_against(reader, bundled):
    texts = bundled[bundled["language"] == "en"]["text"].tolist()[:8]
    pro, con = "Tariffs are right and should be imposed", "Tariffs are harmful and should be removed"
    a = reader.read(T.Axis("tariffs", pro, con), texts).probs
    b = reader.read(T.Axis("tariffs", con, pro), texts).probs
    assert np.allclose(a[:, 0], b[:, 0], atol=1e-5)
    assert np.allclose(a[:, 1], b[:, 2], atol=1e-5) and np.allclose(a[:, 2], b[:, 1], atol=1e-5)


def test_reading_imports_no_torch():
    code = (
        "import sys\n"
        "from stance_explorer.stance.axes import Axis\n"
        "from stance_explorer.stance.readers.builtin import BuiltinReader\n"
        "out = BuiltinReader().read(Axis('tariffs on imports'), ['Tariffs protect our workers.'])\n"
        "assert out.read.all()\n"
        "print('torch' in sys.modules)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "False"


def test_trumps_2020_usmca_praise_reads_favor_on_the_usmca_preset(reader):
    from stance_explorer.dataset import load_dataset
    from stance_explorer.stance.reading import reader_texts

    frame = load_dataset().frame
    row = frame[frame["id"] == "S040"]  # "largest, fairest, most balanced ... trade deal"
    preset = next(p for p in T.load_presets() if p.topic == "USMCA/trade")
    out = reader.read(preset.axis, reader_texts(row.reset_index(drop=True)))
    assert out.stance_arrays().label.tolist() == [T.FAVOR]
