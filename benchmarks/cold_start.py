"""Cold start and memory of the app, against a one-line Streamlit page, in one run.

Measures, in headless Chromium (Debian's /usr/bin/chromium):
  * time from `streamlit run` to the first page fully rendered (script idle, no skeletons),
    for app.py and for a hello page (`st.write("hello")`); target: app <= 1.5x hello;
  * resident memory of the server process: after the first page (no model), after a search
    loads the model, and after a second browser session; targets <= 300 MB and <= 800 MB, and
    the second session must not duplicate the vectors.
Usage: python benchmarks/cold_start.py [--reps 3]
       python benchmarks/cold_start.py --smoke   # one cold start of each: does it still run?
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from devtools import locators  # noqa: E402
from devtools.server import CHROMIUM, CHROMIUM_ARGS, IDLE_JS, AppServer, start_app  # noqa: E402


def wait_rendered(page, ready: tuple[str, str], timeout: float = 60_000) -> None:
    # Rendered: ``ready`` (selector, text: devtools/locators.py) is on the page and nothing is running,
    # loading or stale, for 100 ms. The settle time is the same for the app and the hello page, so it
    # does not bias the ratio.
    page.wait_for_function(IDLE_JS, arg=[100, *ready], polling=25, timeout=timeout)


def rss_mb(pid: int) -> float:
    p = psutil.Process(pid)
    return sum(c.memory_info().rss for c in [p, *p.children(recursive=True)]) / 1024 / 1024


def rss_after_visit(page, url: str, ready: tuple[str, str], pid: int, timeout: float = 60_000) -> float:
    """Open ``url``, wait until ``ready`` is rendered and a second more, then the server's RSS in MB."""
    page.goto(url)
    wait_rendered(page, ready, timeout=timeout)
    time.sleep(1)
    return rss_mb(pid)


def time_cold(browser, script: Path, marker: tuple[str, str], log: Path) -> tuple[float, AppServer]:
    """Seconds from launching `streamlit run script` to its first page rendered."""
    t0 = time.perf_counter()
    server = start_app(log, script=script)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.goto(server.url + "/")
    wait_rendered(page, marker)
    elapsed = time.perf_counter() - t0
    ctx.close()
    return elapsed, server


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--smoke", action="store_true", help="one cold start of each, to check that it runs")
    args = ap.parse_args()
    if args.smoke:
        args.reps = 1
    hello_ready = (locators.MAIN, "hello")
    query = "the trade deal is irrelevant"
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        hello = Path(tmp) / "hello.py"
        hello.write_text('import streamlit as st\nst.write("hello")\n')
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        log = Path(tmp) / "streamlit.log"
        app_times, hello_times = [], []
        for _ in range(args.reps):  # alternate, so drift in machine load hits both
            t, server = time_cold(browser, hello, hello_ready, log)
            hello_times.append(t)
            server.stop()
            t, server = time_cold(browser, ROOT / "app.py", locators.page_ready("explore"), log)
            app_times.append(t)
            server.stop()

        # Memory: one server, first page, then a search (loads the model), then a second session.
        server = start_app(log)
        pid = server.proc.pid
        ctx1 = browser.new_context()
        p1 = ctx1.new_page()
        rss_first = rss_after_visit(p1, server.url + locators.path("explore"), locators.page_ready("explore"), pid)
        rss_model = rss_after_visit(
            p1,
            server.url + locators.path("explore", urlencode({"q": query})),
            locators.search_ready(query),
            pid,
            timeout=120_000,
        )
        ctx2 = browser.new_context()
        p2 = ctx2.new_page()
        rss_two = rss_after_visit(p2, server.url + locators.path("heatmaps"), locators.page_ready("heatmaps"), pid)
        ctx1.close()
        ctx2.close()
        server.stop()
        browser.close()

    a, h = float(np.median(app_times)), float(np.median(hello_times))
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| cold start to first render, hello page (median of {args.reps}) | {h:.2f} s | |")
    print(f"| cold start to first render, app.py (median of {args.reps}) | {a:.2f} s | |")
    print(f"| ratio app / hello | {a / h:.2f}x | <= 1.5x |")
    print(f"| server RSS after first page (no model) | {rss_first:.0f} MB | <= 300 MB |")
    print(f"| server RSS after a search loaded the model | {rss_model:.0f} MB | <= 800 MB |")
    print(
        f"| server RSS with a second browser session | {rss_two:.0f} MB (+{rss_two - rss_model:.0f} MB) | no duplicated vectors |"
    )


if __name__ == "__main__":
    main()
