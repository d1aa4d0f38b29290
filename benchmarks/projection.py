"""Which 2-D projection for the Map page: PCA, UMAP, PaCMAP and openTSNE, measured side by side.

For each method and data set it prints neighbourhood preservation (``sklearn.manifold.trustworthiness``
at k = 10: the share of each point's 10 map neighbours that are also near it in the full space, 1 is
perfect), the time of the first fit in a fresh process (numba compiles on first use), the time of a
second fit in the same process, and the time to import the method's package in a fresh interpreter
that already has numpy (median of 3). CPU seconds (all threads of the fitting process) are printed
beside each wall time: on a shared machine they show the work itself, which the wall time hides. Every fit runs in its own subprocess through
``stance_explorer.mapping.projection.project``, the code the app runs.

Data sets:
* ``bundled``: the 199 committed MiniLM vectors of stance_explorer/data/statements.csv.
* ``synthetic``: N (default 10,000) clustered vectors from benchmarks/synthetic.py
  (``clustered_vectors``: shared direction + topic + subtopic + speaker slant + speaker-year drift +
  noise, calibrated to the bundled vectors' mean cosines: 0.21 overall, 0.25 same topic, 0.31 same
  speaker and topic).
* ``--scale N`` adds fit times (no trustworthiness: sklearn's needs an N × N matrix) on N clustered
  vectors, each fit cut off after ``--timeout`` seconds.

The machine's load average is printed with each figure: other work on the same cores slows fits.
Usage: python benchmarks/projection.py [--n 10000] [--scale 100000] [--methods pca umap pacmap tsne]
       python benchmarks/projection.py --smoke   # PCA on the bundled set and 300 synthetic vectors (seconds)
A fit that fails (not one cut off by --timeout) makes the exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PACKAGES = {"pca": None, "umap": "umap", "pacmap": "pacmap", "tsne": "openTSNE"}

CHILD = """
import json, sys, time
import numpy as np
sys.path.insert(0, {root!r})
from stance_explorer.mapping.projection import project
x = np.load({data!r})
t, c = time.perf_counter(), time.process_time()
xy = project(x, {method!r}, seed=None)
first, first_cpu = time.perf_counter() - t, time.process_time() - c
second = second_cpu = None
if {twice!r}:
    t, c = time.perf_counter(), time.process_time()
    project(x, {method!r}, seed=None)
    second, second_cpu = time.perf_counter() - t, time.process_time() - c
np.save({out!r}, xy)
print(json.dumps({{"first": first, "second": second, "first_cpu": first_cpu, "second_cpu": second_cpu}}))
"""


def import_seconds(method: str, reps: int = 3) -> float:
    pkg = PACKAGES[method]
    if pkg is None:  # our PCA is numpy only
        return 0.0
    code = f"import numpy, time; t = time.perf_counter(); import {pkg}; print(time.perf_counter() - t)"
    times = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(reps)
    ]
    return float(np.median(times))


def fit(vectors: np.ndarray, method: str, tmp: Path, *, twice: bool, timeout: float) -> dict:
    data, out = tmp / "x.npy", tmp / f"{method}.npy"
    np.save(data, vectors)
    code = CHILD.format(root=str(ROOT), data=str(data), method=method, out=str(out), twice=twice)
    load = os.getloadavg()[0]
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:.0f} s", "load": load}
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1], "load": load}
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["xy"] = np.load(out)
    res["load"] = max(load, os.getloadavg()[0])
    return res


def trust(vectors: np.ndarray, xy: np.ndarray) -> float:
    from sklearn.manifold import trustworthiness

    return float(trustworthiness(vectors, xy, n_neighbors=10))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=10_000, help="size of the clustered synthetic set")
    ap.add_argument("--scale", type=int, default=0, help="also time fits on this many clustered vectors")
    ap.add_argument("--methods", nargs="+", default=list(PACKAGES))
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--skip", nargs="*", default=[], help="data sets to leave out: bundled, synthetic")
    ap.add_argument("--smoke", action="store_true", help="PCA only, 300 synthetic vectors: checks that it runs")
    args = ap.parse_args()
    if args.smoke:
        args.n, args.scale, args.methods = 300, 0, ["pca"]
    failed = 0
    from benchmarks.synthetic import clustered_vectors, generate
    from stance_explorer.dataset import load_dataset

    sets: dict[str, np.ndarray] = {}
    if "bundled" not in args.skip:
        ds = load_dataset()
        sets[f"bundled ({len(ds.vectors)})"] = np.asarray(ds.vectors[ds.has_vector])
    if "synthetic" not in args.skip:
        frame, _ = generate(args.n, seed=1)
        sets[f"synthetic ({args.n:,})"] = clustered_vectors(frame, seed=1)
    print(f"{os.cpu_count()} CPUs; load average at start {os.getloadavg()[0]:.1f}", flush=True)
    imports = {m: import_seconds(m) for m in args.methods}
    print(
        "| data | method | trustworthiness (k=10) | first fit s (CPU s) | second fit s (CPU s) | import s | load avg |"
    )
    print("|---|---|---:|---:|---:|---:|---:|", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, vectors in sets.items():
            for m in args.methods:
                r = fit(vectors, m, Path(tmp), twice=True, timeout=args.timeout)
                if "error" in r:
                    print(f"| {name} | {m} | – | {r['error']} | | {imports[m]:.2f} | {r['load']:.1f} |", flush=True)
                    failed += not r["error"].startswith("over ")  # a fit cut off by --timeout is a result
                    continue
                t = trust(vectors, r["xy"])
                print(
                    f"| {name} | {m} | {t:.3f} | {r['first']:.1f} ({r['first_cpu']:.1f}) | {r['second']:.1f} ({r['second_cpu']:.1f}) "
                    f"| {imports[m]:.2f} | {r['load']:.1f} |",
                    flush=True,
                )
        if args.scale:
            frame, _ = generate(args.scale, seed=2)
            vectors = clustered_vectors(frame, seed=2)
            for m in args.methods:
                r = fit(vectors, m, Path(tmp), twice=False, timeout=args.timeout)
                first = r.get("error") or f"{r['first']:.1f} ({r['first_cpu']:.1f})"
                failed += "error" in r and not r["error"].startswith("over ")
                print(
                    f"| synthetic ({args.scale:,}) | {m} | not measured | {first} | | {imports[m]:.2f} | {r['load']:.1f} |",
                    flush=True,
                )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
