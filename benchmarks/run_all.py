"""Run every benchmark in turn and print their tables (what `make bench` does).

Each script measures its own reference in the same run; see their docstrings for the targets.
Pass --quick to skip the 1M-statement sizes and use fewer repetitions.

Pass --smoke to run every script in this folder (``discover()``) in its smoke mode instead: tiny
inputs, seconds each, to check that each still runs; it prints how long each took.
tests/test_benchmarks_smoke.py runs the same smoke modes in CI, one test per script.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Modules in this folder that are not benchmarks: this runner, and helpers the benchmarks import
#: and nobody runs (stance_results.py writes the stance benchmarks' results file).
NOT_BENCHMARKS = {"run_all.py", "stance_results.py"}


def discover() -> list[Path]:
    """Every benchmark script: each ``*.py`` in this folder but NOT_BENCHMARKS (and ``__init__.py``)."""
    return sorted(p for p in HERE.glob("*.py") if p.name not in NOT_BENCHMARKS and not p.name.startswith("__"))


def smoke() -> int:
    """Each benchmark's ``--smoke`` run, one after the other; 1 when any fails."""
    failed = []
    for path in discover():
        print(f"\n## {path.name} --smoke\n", flush=True)
        t = time.perf_counter()
        rc = subprocess.call([sys.executable, str(path), "--smoke"])
        print(f"\n{path.name} --smoke: exit {rc} in {time.perf_counter() - t:.1f} s", flush=True)
        if rc:
            failed.append(path.name)
    print(f"\nsmoke runs failed: {', '.join(failed)}" if failed else "\nevery smoke run passed")
    return 1 if failed else 0


def main() -> int:
    if "--smoke" in sys.argv:
        return smoke()
    quick = "--quick" in sys.argv
    runs = [
        ["embed_overhead.py"],
        ["embed_backends.py"],
        ["cold_start.py", "--reps", "3"],
        ["scale.py"] + (["--sizes", "10000", "100000", "--reps", "3"] if quick else []),
        ["page_rerun.py"],
        ["load.py"],
        ["models.py"] + (["--n", "500"] if quick else []),
        ["text_rules.py"],
        ["stance_bundled.py"],
    ]
    stsb = HERE.parent.parent / "shared" / "data" / "stsb"  # benchmarks/sts_eval.py's data (see its docstring)
    if stsb.is_dir():
        runs.append(["sts_eval.py", str(stsb)])
    else:
        print(f"Skipping sts_eval.py: no STS-B folder at {stsb} (see benchmarks/sts_eval.py for where to get it).")
    status = 0
    for args in runs:
        print(f"\n## {' '.join(args)}\n", flush=True)
        rc = subprocess.call([sys.executable, str(HERE / args[0]), *args[1:]])
        status = status or rc
    return status


if __name__ == "__main__":
    sys.exit(main())
