"""Every benchmark still runs: each script in benchmarks/ in its ``--smoke`` mode (tiny inputs).

The scripts are found by listing the folder (``benchmarks.run_all.discover``), so a new benchmark
without a smoke mode fails here. The browser benchmarks find page elements through
devtools/locators.py, like the browser tests, so a UI change that would leave a benchmark waiting
for something the app no longer shows fails CI. Nothing here is timed: a smoke run only has to
finish (exit 0); the figures it prints are for people.

Marks: a script this table does not know counts as slow (so `make test-fast` stays fast); those
that load a packaged model are ``model`` and ``slow``; those that drive Chromium are ``browser``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from benchmarks.run_all import discover
from devtools.server import CHROMIUM

BENCHMARKS = discover()
FAST = {"synthetic.py"}  # about a second: no model, no browser, no spaCy pipeline
MODEL = {
    "embed_backends.py",
    "embed_overhead.py",
    "hosted_query.py",
    "models.py",
    "page_rerun.py",
    "ray_embed.py",
    "reader_cache.py",
    "search_eval.py",
    "stance_eval.py",
    "sts_eval.py",
    "text_rules.py",
}
BROWSER = {"cold_start.py", "corpus_scale.py", "hosted_memory.py", "load.py", "map_scale.py"}
SMOKE_TIMEOUT_S = 900  # a hang guard, not a timing: a stuck run fails instead of blocking CI


def marks(name: str) -> list:
    if name in FAST:
        return []
    if name in BROWSER:
        return [pytest.mark.browser]
    if name in MODEL:
        return [pytest.mark.model, pytest.mark.slow]
    return [pytest.mark.slow]


def test_the_folder_holds_the_benchmarks():
    names = {p.name for p in BENCHMARKS}
    assert {"load.py", "scale.py", "stance_eval.py"} <= names and not names & {"run_all.py", "stance_results.py"}


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.stem)
def test_every_benchmark_has_a_smoke_mode(path):
    """Cheap, in the fast suite: the script offers --smoke (the runs below show that it works)."""
    assert '"--smoke"' in path.read_text(encoding="utf-8"), f"{path.name} has no --smoke mode"


def browser_available() -> None:
    reason = None
    if not os.path.exists(CHROMIUM):
        reason = f"Chromium not installed at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            reason = "playwright is not installed"
    if reason and os.environ.get("STANCE_E2E_REQUIRED") == "1":
        pytest.fail(f"STANCE_E2E_REQUIRED=1 but a browser benchmark cannot run: {reason}", pytrace=False)
    if reason:
        pytest.skip(reason)


@pytest.mark.parametrize("path", [pytest.param(p, marks=marks(p.name), id=p.stem) for p in BENCHMARKS])
def test_smoke_run(path, tmp_path):
    if path.name in BROWSER:
        browser_available()
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONUNBUFFERED="1")
    for var in ("STANCE_EXPLORER_DATA", "STANCE_EXPLORER_STORE", "STANCE_EXPLORER_CORPUS"):
        env.pop(var, None)  # the smoke runs use the bundled data, whatever the calling shell says
    proc = subprocess.run(
        [sys.executable, str(path), "--smoke"],
        cwd=tmp_path,  # nothing written into the checkout by accident
        env=env,
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT_S,
    )
    out = (proc.stdout + proc.stderr)[-3000:]
    assert proc.returncode == 0, f"{path.name} --smoke exited {proc.returncode}:\n{out}"
    assert proc.stdout.strip(), f"{path.name} --smoke printed nothing:\n{out}"
