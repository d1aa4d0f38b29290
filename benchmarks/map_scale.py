"""The Map page at scale: projection time, and the page drawn in Chromium, at 100k and 1M statements.

For each size, a seeded clustered corpus (benchmarks/synthetic.py ``clustered_vectors``) is written
to a temporary folder, its map computed (wall and CPU seconds, in a fresh process, so numba compiles
inside the timing) and stored as the app stores the bundled map. The app is then started on that
corpus and ``/map`` opened in headless Chromium: "rendered" is the page clock (from navigation)
when the chart's legend is shown and nothing is running, loading or stale. The first visit after
the server starts (it loads the corpus and the map) is reported apart from the median of the next
``--reps`` visits, each a new browser session. Above 100,000 points the page draws a seeded sample.

Targets (issue 13): at 100k the page renders in < 2 s and the projection computes within 60 s.
The machine's load average is printed with each figure: other work on the same cores slows both.
So each later visit also counts the CPU seconds it cost the server and Chromium (all their
processes, WebGL drawn in software included): on an idle machine a visit takes about that long.
The app's reader refuses files over 50 MB or 1,000,000 rows, so a 1M corpus cannot be opened in
the app; ``--page-work 1000000`` times the page's own steps in-process instead (sampling to
100,000 points, regions, paths, the figure and its JSON).
Usage: python benchmarks/map_scale.py [--sizes 100000] [--method pacmap] [--reps 3] [--page-work 100000 1000000]
       python benchmarks/map_scale.py --smoke   # the page's steps and one visit at 1,000 (PCA): does it still run?
A projection that fails (not one cut off by --timeout) makes the exit status 1.
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

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools import locators  # noqa: E402
from devtools.server import CHROMIUM, CHROMIUM_ARGS, IDLE_JS, start_app  # noqa: E402

CHILD = """
import json, sys, time
import numpy as np
sys.path.insert(0, {root!r})
from stance_explorer.mapping.projection import project
x = np.load({data!r}, mmap_mode="r")
t, c = time.perf_counter(), time.process_time()
xy = project(np.asarray(x), {method!r}, seed=None)
print(json.dumps({{"wall": time.perf_counter() - t, "cpu": time.process_time() - c}}))
np.save({out!r}, xy)
"""


def compute_map(csv_path: Path, store_dir: Path, method: str, tmp: Path, timeout: float) -> dict:
    """Project the corpus in a fresh process and store the map as the app reads it."""
    from stance_explorer.dataset import load_dataset
    from stance_explorer.encoders.text import embedding_texts
    from stance_explorer.mapping.projection import pca_axes, save_map
    from stance_explorer.store import text_keys

    ds = load_dataset(csv_path, store_dir=store_dir)
    np.save(tmp / "x.npy", ds.vectors)
    code = CHILD.format(root=str(ROOT), data=str(tmp / "x.npy"), method=method, out=str(tmp / "xy.npy"))
    load = os.getloadavg()[0]
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:.0f} s", "load": load}
    if proc.returncode:
        return {"error": proc.stderr.strip().splitlines()[-1], "load": load}
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    xy = np.load(tmp / "xy.npy")
    pca = pca_axes(ds.vectors) if method == "pca" else None
    save_map(store_dir, ds.model_id, "bundled", text_keys(embedding_texts(ds.frame)), xy, method, pca=pca)
    res["load"] = max(load, os.getloadavg()[0])
    return res


def cpu_seconds(pids: set[int] | None = None, exclude: set[int] = frozenset()) -> dict[int, float]:
    """CPU seconds used so far by each process below this one (or by ``pids``)."""
    import psutil

    procs = psutil.Process().children(recursive=True) if pids is None else [psutil.Process(p) for p in pids]
    out = {}
    for p in procs:
        if p.pid in exclude:
            continue
        try:
            t = p.cpu_times()
            out[p.pid] = t.user + t.system
        except psutil.Error:
            pass
    return out


def render_ms(browser, url: str, server_pids: set[int], timeout: float = 180_000) -> tuple[float, float, float]:
    """(ms to rendered, server CPU s, browser CPU s) for one visit in a new browser session.

    CPU seconds are counted over every process of the server and of Chromium (renderer, GPU process
    drawing WebGL in software), so they show the work a visit costs whatever else runs.
    """
    server_before = sum(cpu_seconds(server_pids).values())
    others_before = cpu_seconds(exclude=server_pids)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.goto(url)
    idle_at = page.wait_for_function(IDLE_JS, arg=[100, *locators.map_ready()], polling=25, timeout=timeout)
    value = float(idle_at.json_value())
    server_cpu = sum(cpu_seconds(server_pids).values()) - server_before
    others_after = cpu_seconds(exclude=server_pids)
    browser_cpu = sum(t - others_before.get(pid, 0.0) for pid, t in others_after.items())
    ctx.close()
    return value, server_cpu, browser_cpu


def page_work(n: int) -> dict[str, float]:
    """CPU seconds of the Map page's own steps at ``n`` statements, in this process (no app, no
    browser): what the page does beyond what the reader and store already cost at that size."""
    from benchmarks.synthetic import clustered_vectors, generate
    from stance_explorer.analysis import cap_statements
    from stance_explorer.figures.map import ONE_LINE_HOVER, map_figure
    from stance_explorer.mapping.projection import pca_axes, pca_transform
    from stance_explorer.mapping.regions import regions
    from stance_explorer.mapping.trajectories import trajectories

    frame, _ = generate(n, seed=3)
    vectors = clustered_vectors(frame, seed=3)
    out: dict[str, float] = {}

    def timed(name, fn):
        c = time.process_time()
        result = fn()
        out[name] = time.process_time() - c
        return result

    axes = timed("PCA map (axes + positions)", lambda: pca_axes(vectors))
    xy = pca_transform(vectors, axes)
    capped = timed("sample 100,000 to draw", lambda: cap_statements(n, 100_000, seed=0))
    drawn = frame.iloc[capped.rows].reset_index(drop=True)
    table = timed("8 labelled regions", lambda: regions(drawn, xy[capped.rows], 8)[1])
    top = frame["speaker"].value_counts().index[:2].tolist()
    steps = timed("2 speakers' paths", lambda: trajectories(frame, vectors, top, lambda v: pca_transform(v, axes)))
    fig = timed(
        "figure",
        lambda: map_figure(
            drawn, xy[capped.rows], regions=table, steps=steps, steps_frame=frame, hover_chars=ONE_LINE_HOVER
        ),
    )
    js = timed("figure to JSON", fig.to_json)
    out["JSON MB"] = len(js) / 1e6
    out["notice"] = capped.notice or ""
    return out


def plain_html(reps: int = 2) -> None:
    """Chromium CPU seconds for plain HTML pages with plotly.js (no Streamlit): 1,000 points, 100,000
    bare points, the map's 100,000-point figure without and with its hover quotes."""
    import plotly.graph_objects as go

    from benchmarks.synthetic import generate
    from stance_explorer.figures.map import ONE_LINE_HOVER, map_figure

    frame, _ = generate(100_000)
    xy = np.random.default_rng(0).random((100_000, 2)).astype(np.float32)
    tmp = Path(tempfile.mkdtemp())
    full = map_figure(frame, xy, hover_chars=ONE_LINE_HOVER)
    full.write_html(tmp / "full.html", include_plotlyjs=True)
    for trace in full.data:
        trace.hovertext = None
    full.write_html(tmp / "no hover.html", include_plotlyjs=True)
    go.Figure(go.Scattergl(x=xy[:, 0], y=xy[:, 1], mode="markers")).write_html(
        tmp / "100k bare.html", include_plotlyjs=True
    )
    go.Figure(go.Scattergl(x=xy[:1000, 0], y=xy[:1000, 1], mode="markers")).write_html(
        tmp / "1k.html", include_plotlyjs=True
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for _ in range(reps):
            for name in ("1k", "100k bare", "no hover", "full"):
                before = cpu_seconds()
                ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = ctx.new_page()
                start = time.perf_counter()
                page.goto((tmp / f"{name}.html").as_uri())
                page.wait_for_function(
                    "() => document.querySelector('.gl-container canvas') && document.querySelector('.main-svg')",
                    timeout=120_000,
                )
                wall = time.perf_counter() - start
                after = cpu_seconds()
                used = sum(t - before.get(pid, 0.0) for pid, t in after.items())
                ctx.close()
                print(
                    f"plain HTML, {name}: {wall:.2f} s wall, Chromium {used:.2f} CPU s, load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
        browser.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", nargs="+", type=int, default=[100_000])
    ap.add_argument("--method", default="pacmap", help="projection for sizes up to --max-method-n")
    ap.add_argument(
        "--max-method-n", type=int, default=100_000, help="above this, the map is made with PCA (said in the table)"
    )
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--plain-html", action="store_true", help="only time plain plotly.js pages in Chromium")
    ap.add_argument("--no-baseline", action="store_true", help="skip the same page on the bundled 199 statements")
    ap.add_argument(
        "--page-work", nargs="*", type=int, default=[], help="only time the page's own steps in-process at these sizes"
    )
    ap.add_argument("--smoke", action="store_true", help="1,000 statements, PCA, one visit, to check that it runs")
    args = ap.parse_args()
    if args.plain_html:
        plain_html()
        return 0
    if args.smoke:
        args.sizes, args.method, args.reps, args.no_baseline = [1_000], "pca", 1, True
        print("1,000 statements, CPU s: " + json.dumps(page_work(1_000)), flush=True)
    elif args.page_work:
        for n in args.page_work:
            print(f"{n:,} statements, CPU s: " + json.dumps(page_work(n)), flush=True)
        return 0
    failed = 0
    from playwright.sync_api import sync_playwright

    from benchmarks.synthetic import write_corpus

    print(f"{os.cpu_count()} CPUs; load average at start {os.getloadavg()[0]:.1f}", flush=True)
    print(
        "| statements | map by | projection wall s (CPU s) | first visit ms | later visits ms (median) | a later visit: server CPU s | browser CPU s | load avg |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|", flush=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        if not args.no_baseline:  # the same page with 199 points: what Streamlit and plotly cost anyway
            server = start_app(Path(tempfile.mkdtemp()) / "streamlit.log", timeout_s=120)
            try:
                import psutil

                server_pids = {server.proc.pid} | {
                    c.pid for c in psutil.Process(server.proc.pid).children(recursive=True)
                }
                first = render_ms(browser, server.url + "/map?regions=8", server_pids)[0]
                later = np.array(
                    [render_ms(browser, server.url + "/map?regions=8", server_pids) for _ in range(args.reps)]
                )
            finally:
                server.stop()
            med = np.median(later, axis=0)
            print(
                f"| 199 (bundled) | stored | | {first:,.0f} | {med[0]:,.0f} | {med[1]:.2f} | {med[2]:.2f} | {os.getloadavg()[0]:.1f} |",
                flush=True,
            )
        for n in args.sizes:
            with tempfile.TemporaryDirectory() as tmp_name:
                tmp = Path(tmp_name)
                csv_path, store_dir = write_corpus(n, tmp / "corpus", clustered=True)
                method = args.method if n <= args.max_method_n else "pca"
                proj = compute_map(csv_path, store_dir, method, tmp, args.timeout)
                if "error" in proj:
                    print(f"| {n:,} | {method} | {proj['error']} | | | | | {proj['load']:.1f} |", flush=True)
                    failed += not proj["error"].startswith("over ")  # cut off by --timeout: a result
                    continue
                env = {"STANCE_EXPLORER_DATA": str(csv_path), "STANCE_EXPLORER_STORE": str(store_dir)}
                server = start_app(tmp / "streamlit.log", extra_env=env, bundled_data=False, timeout_s=120)
                try:
                    import psutil

                    server_pids = {server.proc.pid} | {
                        c.pid for c in psutil.Process(server.proc.pid).children(recursive=True)
                    }
                    url = server.url + "/map?regions=8"
                    first = render_ms(browser, url, server_pids)[0]
                    later = np.array([render_ms(browser, url, server_pids) for _ in range(args.reps)])
                finally:
                    server.stop()
                med = np.median(later, axis=0)
                print(
                    f"| {n:,} | {method} | {proj['wall']:.1f} ({proj['cpu']:.1f}) | {first:,.0f} | {med[0]:,.0f} "
                    f"| {med[1]:.2f} | {med[2]:.2f} | {max(proj['load'], os.getloadavg()[0]):.1f} |",
                    flush=True,
                )
                time.sleep(1)
        browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
