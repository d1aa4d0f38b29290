"""Approximate nearest-neighbour search against brute force: the project's index (faiss HNSW with
8-bit vectors and exact re-scoring), and for comparison raw faiss HNSW / IVF-Flat and usearch HNSW.

Targets (issue 14) at 1M synthetic vectors: recall@10 >= 0.95 against brute force, a query in <= 10 ms.
Two synthetic corpora of 384-d unit vectors, both seeded:
* ``clustered``: 2,000 topic-like centres plus noise, closer to real sentence embeddings, which
  have far fewer effective dimensions than 384;
* ``uniform``: random directions, the hardest case for any graph or cluster index.
Queries are 200 stored vectors nudged by noise. Recall@10 is the share of the exact top 10 found.
Prints one markdown table; every figure comes from this run.

Usage: python benchmarks/ann.py [--n 1000000] [--kinds clustered uniform] [--threads 2] [--others]
       python benchmarks/ann.py --smoke   # 3,000 clustered vectors: does it still run? (seconds)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def corpus(n: int, kind: str, dim: int = 384, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.empty((n, dim), dtype=np.float32)
    centres = rng.standard_normal((2000, dim), dtype=np.float32) if kind == "clustered" else None
    for start in range(0, n, 100_000):  # in blocks: a 1M corpus is built without a second 1.5 GB copy
        m = min(100_000, n - start)
        block = rng.standard_normal((m, dim), dtype=np.float32)
        if centres is not None:
            block = centres[rng.integers(0, len(centres), m)] + 0.6 * block
        x[start : start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return x


def queries(x: np.ndarray, n_q: int = 200, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    q = x[rng.choice(len(x), n_q, replace=False)] + 0.05 * rng.standard_normal((n_q, x.shape[1]), dtype=np.float32)
    return q / np.linalg.norm(q, axis=1, keepdims=True)


def exact(x: np.ndarray, q: np.ndarray, k: int = 10) -> tuple[np.ndarray, float]:
    t = time.perf_counter()
    truth = np.empty((len(q), k), dtype=np.int64)
    for i, qi in enumerate(q):
        s = x @ qi
        part = np.argpartition(-s, k)[:k]
        truth[i] = part[np.argsort(-s[part])]
    return truth, (time.perf_counter() - t) / len(q) * 1000


def recall(found: list[np.ndarray], truth: np.ndarray) -> float:
    return float(np.mean([len(set(map(int, f)) & set(map(int, t))) / len(t) for f, t in zip(found, truth)]))


def timed_queries(search, q: np.ndarray) -> tuple[list[np.ndarray], float]:
    t = time.perf_counter()
    found = [search(qi) for qi in q]
    return found, (time.perf_counter() - t) / len(q) * 1000


def bench_ours(x, q, truth, threads: int) -> list[dict]:
    from stance_explorer.scale import ann

    t = time.perf_counter()
    index = ann.AnnIndex.build(x, threads=threads)
    build = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "i.faiss"
        index.save(path)
        size = path.stat().st_size / 1e6
        t = time.perf_counter()
        opened = ann.AnnIndex.load(path)
        load_ms = (time.perf_counter() - t) * 1000
    rows = []
    for ef in sorted({64, 128, ann.EXPANSION_SEARCH}):
        opened.index.hnsw.efSearch = ef
        found, ms = timed_queries(lambda qi: opened.search(x, qi, 10)[0], q)
        rows.append(
            {
                "method": f"**ours**: faiss HNSW-SQ8 M={ann.CONNECTIVITY}, ef={ef}, exact re-score",
                "build_s": build,
                "size_mb": size,
                "load_ms": load_ms,
                "recall": recall(found, truth),
                "ms": ms,
            }
        )
    return rows


def bench_usearch(x, q, truth, threads: int) -> list[dict]:
    try:
        from usearch.index import Index
    except ImportError:
        return []
    t = time.perf_counter()
    index = Index(ndim=x.shape[1], metric="cos", dtype="f32", connectivity=16, expansion_add=128)
    index.add(np.arange(len(x), dtype=np.uint64), x, threads=threads)
    build = time.perf_counter() - t
    rows = []
    for ef in (64, 128):
        index.expansion_search = ef
        found, ms = timed_queries(lambda qi: np.asarray(index.search(qi, 10).keys), q)
        rows.append(
            {
                "method": f"usearch HNSW M=16, ef={ef}",
                "build_s": build,
                "size_mb": index.memory_usage / 1e6,
                "load_ms": float("nan"),
                "recall": recall(found, truth),
                "ms": ms,
            }
        )
    return rows


def bench_faiss(x, q, truth) -> list[dict]:
    import faiss

    rows = []
    n, d = x.shape
    nlist = int(4 * np.sqrt(n))
    t = time.perf_counter()
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.train(x[np.random.default_rng(2).choice(n, min(n, 40 * nlist), replace=False)])
    ivf.add(x)
    build = time.perf_counter() - t
    for nprobe in (16, 64):
        ivf.nprobe = nprobe
        found, ms = timed_queries(lambda qi: ivf.search(qi[None], 10)[1][0], q)
        rows.append(
            {
                "method": f"faiss IVF-Flat nlist={nlist}, nprobe={nprobe}",
                "build_s": build,
                "size_mb": x.nbytes / 1e6,
                "load_ms": float("nan"),
                "recall": recall(found, truth),
                "ms": ms,
            }
        )
    t = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(d, 16, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 128
    hnsw.add(x)
    build = time.perf_counter() - t
    for ef in (64, 128):
        hnsw.hnsw.efSearch = ef
        found, ms = timed_queries(lambda qi: hnsw.search(qi[None], 10)[1][0], q)
        rows.append(
            {
                "method": f"faiss HNSW M=16, ef={ef}",
                "build_s": build,
                "size_mb": float("nan"),
                "load_ms": float("nan"),
                "recall": recall(found, truth),
                "ms": ms,
            }
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--kinds", nargs="+", default=["clustered", "uniform"], choices=["clustered", "uniform"])
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument(
        "--others", action="store_true", help="also measure raw faiss HNSW / IVF-Flat and usearch (if installed)"
    )
    ap.add_argument("--smoke", action="store_true", help="3,000 clustered vectors, to check that it runs")
    args = ap.parse_args()
    if args.smoke:
        args.n, args.kinds, args.others = 3_000, ["clustered"], False
    print(
        f"{args.n:,} vectors of 384 dims; 200 queries; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start\n"
    )
    print("| corpus | method | build s | index MB | open ms | recall@10 | ms/query |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for kind in args.kinds:
        x = corpus(args.n, kind)
        q = queries(x)
        truth, brute_ms = exact(x, q)
        print(
            f"| {kind} | brute force (numpy, float32) | – | {x.nbytes / 1e6:.0f} | – | 1.000 | {brute_ms:.1f} |",
            flush=True,
        )
        rows = bench_ours(x, q, truth, args.threads)
        if args.others:
            rows += bench_faiss(x, q, truth) + bench_usearch(x, q, truth, args.threads)
        for r in rows:
            print(
                f"| {kind} | {r['method']} | {r['build_s']:.1f} | {r['size_mb']:.0f} | {r['load_ms']:.0f} | {r['recall']:.3f} | {r['ms']:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
