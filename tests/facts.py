"""Facts about the bundled data that the tests rely on, in one place (stance_explorer/data/statements.csv), and the
one way tests run the CLI in a fresh process.

Counted from the file itself, so a test never retypes them: add a row and every test follows.
"""

from __future__ import annotations

import csv

from stance_explorer.files import REPO_ROOT  # the one definition

BUNDLED_CSV = REPO_ROOT / "stance_explorer" / "data" / "statements.csv"

with open(BUNDLED_CSV, encoding="utf-8", newline="") as _fh:
    _ROWS = list(csv.DictReader(_fh))

#: Statements in the bundled data.
N_BUNDLED = len(_ROWS)
#: Distinct speakers and topics in it.
N_SPEAKERS = len({r["speaker"] for r in _ROWS})
N_TOPICS = len({r["topic"] for r in _ROWS})


def run_cli(*args: str, python_args: tuple[str, ...] = ()):
    """``python -m stance_explorer ARGS`` in a fresh process from the repository folder, as a user
    runs it (offline); the completed process. No traceback may reach the user."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run(
        [sys.executable, *python_args, "-m", "stance_explorer", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc
