"""The app on a corpus that does not fit in memory: a synthetic 10M-statement corpus folder, in one run.

Target (issue 14): a 10M-statement synthetic corpus opens in <= 5 s with server RSS <= 2 GB.

1. Builds the corpus folder with the library's own writer (stance_explorer/scale/corpus.py), chunk by
   chunk: template statements from benchmarks/synthetic.py (nothing here is a real quote) and
   random unit vectors (384-d, as MiniLM's). Prints the build time and the size of each part.
2. Opens it in a fresh process with the library alone: time to open, RSS, and each query a page
   makes (counts, the speaker x speaker and speaker x topic matrices, drift, a page of rows, a
   "contains" count through DuckDB).
3. Starts the app on it (STANCE_EXPLORER_CORPUS, devtools/server.py) and drives headless Chromium
   (Debian's /usr/bin/chromium) over every page: seconds from starting the server to the first page
   drawn, seconds per page, and the server's RSS after each and at its peak (sampled every 50 ms).

Usage: python benchmarks/corpus_scale.py [--n 10000000] [--speakers 1000] [--dir DIR] [--reuse]
       python benchmarks/corpus_scale.py --smoke   # 2,000 statements, 20 speakers: does it still run?
(--dir keeps the corpus there; --reuse skips step 1 when DIR already holds one.)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNK = 250_000
TARGET_OPEN_S, TARGET_RSS_MB = 5.0, 2048


def build(out: Path, n: int, speakers: int) -> None:
    import numpy as np

    from benchmarks.synthetic import CLUSTER_PARTS, TOPICS, generate, speaker_names
    from stance_explorer.scale.corpus import CorpusWriter

    t = time.perf_counter()
    writer = CorpusWriter(out, "synthetic-clustered-384", 384, sources=[f"benchmarks/synthetic.py, {n:,} statements"])
    # Vectors with structure (a shared direction, the topic's, the speaker's, the speaker's year, noise;
    # weights from synthetic.CLUSTER_PARTS), the same directions in every chunk, so figures look like real ones.
    rng = np.random.default_rng(11)

    def directions(k: int) -> np.ndarray:
        d = rng.standard_normal((k, 384)).astype(np.float32)
        return d / np.linalg.norm(d, axis=1, keepdims=True)

    w = {k: np.float32(np.sqrt(v)) for k, v in CLUSTER_PARTS.items()}
    index_of = {name: i for i, name in enumerate(speaker_names(speakers))}
    common, topic_dir, speaker_dir, year_dir = (
        directions(1)[0],
        directions(len(TOPICS)),
        directions(speakers),
        directions(speakers * 12),
    )
    done = 0
    while done < n:
        k = min(CHUNK, n - done)
        frame, noise = generate(k, seed=done // CHUNK, speakers=speakers)
        frame["id"] = [f"SYN{i:08d}" for i in range(done, done + k)]
        spk = frame["speaker"].map(index_of).to_numpy()
        top = frame["topic"].map({name: i for i, name in enumerate(TOPICS)}).to_numpy()
        year = (frame["date"].dt.year.to_numpy() - 2016) % 12
        vectors = w["common"] * common + (w["topic"] + w["subtopic"]) * topic_dir[top] + w["speaker"] * speaker_dir[spk]
        vectors += w["speaker_year"] * year_dir[spk * 12 + year] + w["noise"] * noise
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        writer.add(frame, vectors, np.ones(k, dtype=bool))
        done += k
        print(f"  {done:,} statements added ({time.perf_counter() - t:.0f} s)", flush=True)
    rep = writer.close()
    print(f"build: {rep.statements:,} statements, {rep.groups:,} groups in {time.perf_counter() - t:.0f} s")


def sizes(out: Path) -> None:
    def mb(paths) -> float:
        return sum(p.stat().st_size for p in paths) / 2**20

    rows = list((out / "rows").glob("*.parquet"))
    print(
        f"on disk: rows {mb(rows):,.0f} MiB in {len(rows)} Parquet files; groups {mb([out / 'groups.parquet']):,.1f} MiB; "
        f"sums {mb([out / 'sums.npy']):,.0f} MiB (read by rows on demand); topic sums {mb([out / 'topic_sums.npy']):,.1f} MiB"
    )


LIBRARY_PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
from stance_explorer.scale.corpus import Corpus, Selection
import psutil
c = Corpus(sys.argv[1])
out = {"open_s": time.perf_counter() - t0, "rss_open_mb": psutil.Process().memory_info().rss / 2**20}
sel = Selection()
m = c.mask(sel)
def timed(name, f):
    t = time.perf_counter(); f(); out[name] = time.perf_counter() - t
timed("counts by speaker, topic, year", lambda: [c.counts_by(m, b) for b in ("speaker", "topic", "year")])
top = c.counts_by(m, "speaker")["speaker"].head(20).tolist()
topic = c.counts_by(m, "topic")["topic"].iat[0]
timed("speaker x speaker, 20 speakers", lambda: c.pair_similarity_matrix(sel, top))
timed("speaker x topic, 20 speakers", lambda: c.topic_closeness(sel, top))
timed("compare 2 on a topic, + over time", lambda: (c.pair_similarity_matrix(sel, top[:2], topic=topic), c.pairs_over_time(sel, top[:2], topic=topic)))
timed("drift of the top speaker", lambda: c.drift(sel, top[0]))
timed("50 newest rows (DuckDB, first query)", lambda: c.rows(sel, limit=50))
timed("50 newest rows of one speaker on a topic", lambda: c.rows(sel, speakers=[top[5]], topics=[topic], limit=50))
timed("count of quotes containing a word", lambda: c.count_rows(sel, contains="irrelevant"))
timed("newest full quote per year (drift table)", lambda: c.window_examples(sel, top[0], topic=None))
out["rss_end_mb"] = psutil.Process().memory_info().rss / 2**20
print(json.dumps(out))
"""


def library(out: Path) -> None:
    from benchmarks.hosted_memory import PeakSampler

    proc = subprocess.Popen(
        [sys.executable, "-c", LIBRARY_PROBE, str(out)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    sampler = PeakSampler(proc.pid)  # (ru_maxrss would inherit this process's peak across fork and exec)
    sampler.start()
    stdout, _ = proc.communicate()
    peak = sampler.stop()[0]
    r = json.loads(stdout.strip().splitlines()[-1])
    print(
        f"library, fresh process: open {r.pop('open_s'):.2f} s (imports included), RSS {r.pop('rss_open_mb'):,.0f} MiB after opening, "
        f"{r.pop('rss_end_mb'):,.0f} MiB after the queries below, peak {peak:,.0f} MiB (sampled every 50 ms)"
    )
    for name, s in r.items():
        print(f"  {name}: {s * 1000:,.0f} ms")


def app(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from benchmarks.hosted_memory import PeakSampler, tree_mb, wait_rendered
    from devtools import locators
    from devtools.server import CHROMIUM, CHROMIUM_ARGS, start_app

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        t0 = time.perf_counter()
        server = start_app(Path(tmp) / "app.log", extra_env={"STANCE_EXPLORER_CORPUS": str(out)})
        healthy_s = time.perf_counter() - t0
        sampler = PeakSampler(server.proc.pid)
        sampler.start()
        rows = []
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            visits = [
                ("Explore (first page: opens the corpus)", "/", "Statements, newest first"),
                ("Explore, quotes containing a word", "/?has=irrelevant", "contain"),
                ("Compare speakers", "/compare", "How alike they sounded"),
                ("Heatmap, speaker × speaker", "/heatmaps", "Speaker × speaker"),
                ("Heatmap, speaker × topic", "/heatmaps?mode=speaker+%C3%97+topic", "everyone else"),
                ("Drift", "/tracker", "#1 shift"),
            ]
            for i, (name, path, text) in enumerate(visits):
                t = time.perf_counter()
                page.goto(server.url + path)
                wait_rendered(page, (locators.MAIN, text), timeout=60_000)
                s = time.perf_counter() - t
                if i == 0:
                    first_s = time.perf_counter() - t0
                rows.append((name, s, tree_mb(server.proc.pid)[0]))
                print(f"  {name}: {s:.2f} s", flush=True)
        finally:
            peak = sampler.stop()
            server.stop()
            browser.close()
    print(
        f"app: server healthy after {healthy_s:.1f} s; first page drawn {first_s:.1f} s after starting the server "
        f"(target <= {TARGET_OPEN_S:.0f} s: {'met' if first_s <= TARGET_OPEN_S else 'NOT met'})"
    )
    print("| page | seconds to draw | server RSS after, MiB |")
    print("|---|---:|---:|")
    for name, s, rss in rows:
        print(f"| {name} | {s:.2f} | {rss:,.0f} |")
    print(f"| peak over the run (sampled every 50 ms) | | {peak[0]:,.0f} |")
    print(f"server RSS target <= {TARGET_RSS_MB} MiB: {'met' if peak[0] <= TARGET_RSS_MB else 'NOT met'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--speakers", type=int, default=1000)
    ap.add_argument("--dir", type=Path, default=None, help="keep the corpus here (default: a temporary folder)")
    ap.add_argument("--reuse", action="store_true", help="with --dir: skip the build when a corpus is there")
    ap.add_argument("--no-app", action="store_true", help="skip the browser part")
    ap.add_argument("--smoke", action="store_true", help="2,000 statements, 20 speakers, to check that it runs")
    args = ap.parse_args()
    if args.smoke:
        args.n, args.speakers, args.dir = 2_000, 20, None
    with tempfile.TemporaryDirectory() as tmp:
        out = args.dir or Path(tmp) / "corpus"
        if not (args.reuse and (out / "corpus.json").is_file()):
            build(out, args.n, args.speakers)
        sizes(out)
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        library(out)
        if not args.no_app:
            app(out)
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
