"""Every analysis behind a page, timed at 10k, 100k and 1M synthetic statements, plus search from
a memory-mapped store. Targets: each analysis <= 300 ms at 100k; top-10 search <= 20 ms at 100k
and <= 100 ms at 1M; loading the 1M store <= 2 s; peak RSS of the search process < 2.5 GB.

Each size runs in its own process so peak RSS is per size. Prints one markdown table.
Usage: python benchmarks/scale.py [--sizes 10000 100000 1000000] [--reps 5]
       python benchmarks/scale.py --smoke   # 2,000 statements, 1 rep: does it still run? (seconds)
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median_ms(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times))


def run_analyses(n: int, reps: int) -> dict[str, float]:
    from benchmarks.synthetic import generate
    from stance_explorer.analysis.groups import speaker_similarity, speaker_topic_matrix
    from stance_explorer.analysis.pairs import extreme_pairs, pair_similarity_over_time
    from stance_explorer.analysis.periods import closest_over_time, drift, phrase_timeline, smooth_by_speaker
    from stance_explorer.analysis.similarity import (
        MAX_STATEMENT_MATRIX,
        cap_statements,
        nearest,
        statement_neighbours,
        statement_similarity,
    )
    from stance_explorer.analysis.tables import counts_by, filter_mask

    frame, vectors = generate(n)
    top_speakers = frame["speaker"].value_counts().index[:5].tolist()
    topic = "USMCA/trade"
    query = vectors[0]
    lo, hi = frame["date"].quantile(0.2), frame["date"].quantile(0.9)
    mask = filter_mask(frame, speakers=top_speakers, topics=[topic, "tariffs"], start=lo, end=hi)
    sub_f, sub_v = frame[mask].reset_index(drop=True), vectors[mask]

    def statement_matrix():
        c = cap_statements(len(frame), MAX_STATEMENT_MATRIX)
        statement_similarity(vectors[c.rows])

    def timeline():
        t = phrase_timeline(frame, vectors, query)
        smooth_by_speaker(t)
        closest_over_time(t, per_window=2)

    from stance_explorer.search import LexicalIndex, search

    t0 = time.perf_counter()
    index = LexicalIndex(frame["text"])  # once per dataset and process (cached by the app)
    index_ms = (time.perf_counter() - t0) * 1000
    words_q = "the trade agreement is irrelevant to our sovereignty"

    stance = stance_ops(frame, vectors, top_speakers)
    return {
        **{name: _median_ms(fn, reps) for name, fn in stance.items()},
        "word index build, once per dataset (BM25)": index_ms,
        "search top-10, words only (BM25)": _median_ms(
            lambda: search(frame, query=words_q, index=index, k=10, mode="words"), reps
        ),
        "search top-10, meaning + words fused": _median_ms(
            lambda: search(frame, query=words_q, vectors=vectors, query_vector=query, index=index, k=10), reps
        ),
        "search top-10, fused, with a quoted phrase": _median_ms(
            lambda: search(
                frame, query='"is irrelevant to" sovereignty', vectors=vectors, query_vector=query, index=index, k=10
            ),
            reps,
        ),
        "filters (speakers+topics+dates)": _median_ms(
            lambda: filter_mask(frame, speakers=top_speakers, topics=[topic], start=lo, end=hi), reps
        ),
        "apply filter (frame+vectors subset)": _median_ms(
            lambda: (frame[mask].reset_index(drop=True), vectors[mask]), reps
        ),
        "counts by speaker/topic": _median_ms(lambda: (counts_by(frame, "speaker"), counts_by(frame, "topic")), reps),
        "speaker x speaker (topic)": _median_ms(lambda: speaker_similarity(frame, vectors, topic=topic), reps),
        "speaker x topic matrix": _median_ms(lambda: speaker_topic_matrix(frame, vectors), reps),
        "statement x statement (capped 400)": _median_ms(statement_matrix, reps),
        "closest/farthest pairs (2 speakers)": _median_ms(
            lambda: extreme_pairs(frame, vectors, speakers=top_speakers[:2], topic=topic), reps
        ),
        "phrase timeline + smoothing + best": _median_ms(timeline, reps),
        "speakers year by year (4 speakers, topic)": _median_ms(
            lambda: pair_similarity_over_time(frame, vectors, speakers=top_speakers[:4], topic=topic), reps
        ),
        "drift (top speaker, topic)": _median_ms(
            lambda: drift(frame, vectors, speaker=top_speakers[0], topic=topic), reps
        ),
        "search top-10 (in memory)": _median_ms(lambda: nearest(frame, vectors, query, k=10), reps),
        "opened statement: 5+5 neighbours (filtered)": _median_ms(
            lambda: statement_neighbours(frame, vectors, 0, k=5, mask=mask), reps
        ),
        "filtered page (speaker x speaker on subset)": _median_ms(
            lambda: speaker_similarity(sub_f, sub_v, topic=topic), reps
        ),
    }


def stance_ops(frame, vectors, speakers) -> dict:
    """The stance page's work: rescoring after a new label, and the speaker views at 100k.

    The axis vectors are random unit vectors (the corpus's vectors are random too); labels are 30
    statements of the topic, 10 per class, and each timed rescoring adds one more label.
    """
    from stance_explorer.stance import flip_o_meter, frame_hashes, speaker_estimates, stance_over_time
    from stance_explorer.stance.methods import StanceArrays, cv_accuracy, suggest, taught, zero_shot

    rng = np.random.default_rng(2)
    axis = {
        k: (lambda v: v / np.linalg.norm(v, axis=1, keepdims=True))(
            rng.standard_normal((1, vectors.shape[1])).astype(np.float32)
        )
        for k in ("target", "favor", "against")
    }
    on_topic = np.flatnonzero(frame["topic"].to_numpy() == "USMCA/trade")
    rows = rng.choice(on_topic, 31, replace=False)
    codes = np.arange(31) % 3
    X = vectors[on_topic]
    local = np.searchsorted(on_topic, rows)
    arrays = taught(vectors, rows[:30], codes[:30], axis)
    sub = frame.iloc[on_topic].reset_index(drop=True)
    sub_arrays = StanceArrays(*(a[on_topic] for a in arrays))
    state = {"k": 0}

    def new_label():  # one more label, then every statement of the dataset is rescored
        state["k"] = 30 + (state["k"] + 1) % 2
        taught(vectors, rows[: state["k"]], codes[: state["k"]], axis)

    return {
        "stance: rescore all after a new label (taught, 30 labels)": new_label,
        "stance: zero-shot, every statement": lambda: zero_shot(vectors, axis),
        "stance: CV accuracy of 30 labels": lambda: cv_accuracy(vectors, rows[:30], codes[:30]),
        "stance: 5 suggestions (topic)": lambda: suggest(X, local[:30], codes[:30], axis, k=5),
        "stance: speaker estimates + periods + flips (5 speakers, topic)": lambda: (
            flip_o_meter(stance_over_time(sub, sub_arrays, speakers=speakers))
            if speaker_estimates(sub, sub_arrays, speakers=speakers) is not None
            else None
        ),
        "stance: text hashes for labels (every statement)": lambda: frame_hashes(frame),
    }


def run_store(n: int, reps: int, dtype: str) -> dict[str, float]:
    """Write a store of n vectors, then in THIS process: open it (mmap) and search it."""
    from benchmarks.synthetic import generate
    from stance_explorer.analysis.similarity import similarity_to, top_k
    from stance_explorer.store import EmbeddingStore

    with tempfile.TemporaryDirectory() as tmp:
        # Written by a child so the parent's peak RSS is the reader's, not the writer's.
        subprocess.run([sys.executable, __file__, "--write-store", str(n), tmp, dtype], check=True)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t = time.perf_counter()
        store = EmbeddingStore(tmp, "bench", read_only=True)
        load_ms = (time.perf_counter() - t) * 1000
        vecs = store._vec_parts[0]  # the memory-mapped array
        rng = np.random.default_rng(1)
        queries = rng.standard_normal((reps + 1, vecs.shape[1])).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        top_k(similarity_to(vecs, queries[0]), 10)  # first touch pages the file in
        times = []
        tops = []
        for q in queries[1:]:
            t = time.perf_counter()
            tops.append(top_k(similarity_to(vecs, q), 10))
            times.append((time.perf_counter() - t) * 1000)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the comparison below
        overlap = None
        if dtype == "float16":
            # Do float16 vectors keep the float32 top-10? Same seed and size, so the same vectors.
            _, exact = generate(n)
            agree = [len(set(top_k(exact @ q, 10)) & set(top)) / 10 for q, top in zip(queries[1:], tops)]
            overlap = float(np.mean(agree))
        return {
            "load_ms": load_ms,
            "search_ms": float(np.median(times)),
            "peak_rss_mb": peak,
            "rss_before_mb": rss_before,
            "top10_overlap": overlap,
        }


def write_store(n: int, out: str, dtype: str) -> None:
    from benchmarks.synthetic import generate
    from stance_explorer.store import EmbeddingStore, text_keys

    frame, vectors = generate(n)
    EmbeddingStore(out, "bench", dtype=dtype).add(text_keys(frame["text"].tolist()), vectors, prefix="bundled")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--child", nargs=2, metavar=("KIND", "N"))
    ap.add_argument("--write-store", nargs=3, metavar=("N", "DIR", "DTYPE"))
    ap.add_argument("--smoke", action="store_true", help="2,000 statements, 1 rep, to check that it runs")
    args = ap.parse_args()
    if args.smoke:
        args.sizes, args.reps = [2_000], 1
    if args.write_store:
        write_store(int(args.write_store[0]), args.write_store[1], args.write_store[2])
        return 0
    if args.child:
        kind, n = args.child[0], int(args.child[1])
        out = run_analyses(n, args.reps) if kind == "analyses" else run_store(n, args.reps, kind)
        print(json.dumps(out))
        return 0
    results: dict[int, dict] = {}
    failed = []
    for n in args.sizes:
        row = {}
        for kind in ("analyses", "float32", "float16"):
            p = subprocess.run(
                [sys.executable, __file__, "--child", kind, str(n), "--reps", str(args.reps)],
                capture_output=True,
                text=True,
            )
            if p.returncode != 0:
                print(p.stderr[-2000:], file=sys.stderr)
                failed.append(f"{kind} at {n:,}")
                continue
            row[kind] = json.loads(p.stdout.strip().splitlines()[-1])
        results[n] = row
        print(f"done {n:,}", file=sys.stderr)
    sizes = list(results)
    head = "| measure | " + " | ".join(f"{n:,}" for n in sizes) + " | growth per 10x |"
    print(head)
    print("|" + "---|" * (len(sizes) + 2))

    def line(name, values):
        vals = [v for v in values if v is not None]
        growth = ", ".join(f"{b / a:.1f}x" for a, b in zip(vals, vals[1:]) if a > 0) if len(vals) > 1 else ""
        print(f"| {name} | " + " | ".join("–" if v is None else f"{v:.1f}" for v in values) + f" | {growth} |")

    names = list(next(iter(results.values())).get("analyses", {}))
    for name in names:
        line(f"{name} (ms)", [results[n].get("analyses", {}).get(name) for n in sizes])
    for dtype in ("float32", "float16"):
        line(f"store load, {dtype} (ms)", [results[n].get(dtype, {}).get("load_ms") for n in sizes])
        line(
            f"search top-10 from mmap store, {dtype} (ms)", [results[n].get(dtype, {}).get("search_ms") for n in sizes]
        )
        line(f"peak RSS of search process, {dtype} (MB)", [results[n].get(dtype, {}).get("peak_rss_mb") for n in sizes])
    print(
        "| float16 top-10 overlap with float32 | "
        + " | ".join(f"{results[n].get('float16', {}).get('top10_overlap', float('nan')):.2f}" for n in sizes)
        + " | |"
    )
    if failed:
        print(f"FAILED: {', '.join(failed)} (see above)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
