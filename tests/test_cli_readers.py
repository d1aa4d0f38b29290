"""``stance --reader nli|llm|csv``: the adapters from the command line, every row naming its reader."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import tiny_models
from facts import run_cli

from stance_explorer.dataset import BUNDLED_CSV
from stance_explorer.stance.labels import text_sha256
from tests.conftest import REPO_ROOT

TARGET = ["--target", "the USMCA trade agreement"]


@pytest.fixture(scope="module")
def usmca_file(tmp_path_factory):
    """Four bundled USMCA statements, as a statements file of their own."""
    src = pd.read_csv(BUNDLED_CSV, dtype=str, keep_default_na=False)
    path = tmp_path_factory.mktemp("data") / "usmca.csv"
    src[src["topic"] == "USMCA/trade"].head(4).to_csv(path, index=False)
    return path


def test_readings_made_elsewhere_are_read_with_their_reader_named(usmca_file, tmp_path):
    rows = pd.read_csv(usmca_file, dtype=str, keep_default_na=False)
    readings = tmp_path / "theirs.csv"
    lines = ["id,text_sha256,claim,stance,confidence,reader"]
    lines.append(f"{rows['id'][0]},{text_sha256(rows['text'][0])},the USMCA trade agreement,against,0.8,big-model")
    lines.append(f"{rows['id'][1]},,The USMCA trade agreement,favor,0.7,big-model")  # by id alone
    lines.append(f"{rows['id'][2]},{text_sha256(rows['text'][2])},the USMCA trade agreement,perhaps,0.7,big-model")
    readings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run_cli(
        "stance",
        str(usmca_file),
        *TARGET,
        "--readings",
        str(readings),
        "--format",
        "json",
        "--store",
        str(tmp_path / "s"),
    )
    assert proc.returncode == 0, proc.stderr
    records = json.loads(proc.stdout)
    assert [r["stance"] for r in records] == ["against", "favor", "none", "none"]
    assert [r["confidence"] for r in records][2:] == [0, 0]  # not read: no reading, never a guess
    assert {r["reader"] for r in records} == {records[0]["reader"]}
    assert records[0]["reader"].startswith("csv (theirs.csv@")
    assert "theirs.csv, line 4, column 'stance': error: 'perhaps' is not a stance" in proc.stderr
    assert "2 statements were not read by this reader (no reading in the file)" in proc.stderr


@pytest.mark.slow
def test_nli_reader_from_a_local_folder(usmca_file, tmp_path):
    model = tiny_models.save_word_nli(tmp_path / "word-nli")
    proc = run_cli(
        "stance",
        str(usmca_file),
        *TARGET,
        "--favor",
        "I support the USMCA.",
        "--against",
        "I oppose the USMCA.",
        "--reader",
        "nli",
        "--reader-model",
        str(model),
        "--store",
        str(tmp_path / "s"),
    )
    assert proc.returncode == 0, proc.stderr
    out = pd.read_csv(pd.io.common.StringIO(proc.stdout))
    assert out["stance"].tolist() == ["favor"] * 4  # the tiny model entails every "support" hypothesis
    assert out["reader"].str.startswith(f"nli ({model}@").all()
    assert "read 4 statements with the nli reader" in proc.stderr


@pytest.mark.slow
def test_nli_model_with_unnamed_labels_is_refused_in_one_line(usmca_file, tmp_path):
    model = tiny_models.save_unnamed_nli(tmp_path / "unnamed")
    proc = run_cli("stance", str(usmca_file), *TARGET, "--reader", "nli", "--reader-model", str(model))
    assert proc.returncode == 2 and proc.stdout == ""
    assert "LABEL_0, LABEL_1, LABEL_2" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_llm_reader_needs_an_address_and_never_takes_a_key_from_it(usmca_file):
    proc = run_cli("stance", str(usmca_file), *TARGET, "--reader", "llm", "--reader-model", "m")
    assert proc.returncode == 2 and "needs the server's address" in proc.stderr
    secret = "sk-cli-secret-1234"
    proc = run_cli(
        "stance", str(usmca_file), *TARGET, "--reader", "llm", "--reader-model", "m",
        "--reader-url", f"https://me:{secret}@api.example.org/v1",
    )  # fmt: skip
    assert proc.returncode == 2 and "carries a secret" in proc.stderr and secret not in proc.stderr


@pytest.mark.slow
def test_reader_speed_benchmark_smoke_prints_a_rate_per_reader():
    import os
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "reader_speed.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| nli") or line.startswith("| csv")]
    assert len(rows) == 2 and all(float(r.rsplit("|", 2)[1].replace(",", "")) > 0 for r in rows)
