"""Run every benchmark in turn and print their tables (what `make bench` does).

Each script measures its own reference in the same run; see their docstrings for the targets.
Pass --quick to skip the 1M-statement sizes and use fewer repetitions.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
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
        ["reader_speed.py"] + (["--n", "300"] if quick else []),
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
