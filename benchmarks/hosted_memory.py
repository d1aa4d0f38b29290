"""Resident memory of the server as a hosted demo, with the bundled data, in one run.

For each configuration, starts `streamlit run` (devtools/server.py) and drives headless Chromium
(Debian's /usr/bin/chromium), reading the server's RSS (the process and its children):
  1. after the first page (Explore) rendered in one browser session;
  2. after a search in that session (loads the encoder);
  3. with 3 sessions: a second one searches something else, a third opens the Position tracker
     (which encodes its default phrases) -- all three stay open;
and the peak sampled every 50 ms over the whole run (in hosted mode the first search may build
the int8 search model in child processes, which count too). RSS and PSS are both printed (see
``tree_mb``). Target for the hosted configuration: RSS at most 1 GB (1024 MiB) at every step,
the peak included.

Configurations: "hosted" is deploy/streamlit_app.py (the Community Cloud entry point, hosted
mode on); "local" is app.py with hosted mode off, for comparison. With --fresh the built int8
model (embeddings/onnx/) is removed first, so the first hosted run builds it, as on a new
Community Cloud server, and a second hosted run finds it built, as in the Docker image.
Usage: python benchmarks/hosted_memory.py [--only hosted|local] [--fresh]
       python benchmarks/hosted_memory.py --smoke   # the local configuration only: does it still run?
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from devtools import locators  # noqa: E402
from devtools.server import CHROMIUM, CHROMIUM_ARGS, IDLE_JS, start_app  # noqa: E402

TARGET_MB = 1024
CONFIGS = {
    "hosted": ("deploy/streamlit_app.py", {"STANCE_EXPLORER_HOSTED": "1"}),
    "local": ("app.py", {"STANCE_EXPLORER_HOSTED": "0"}),
}
#: The built int8 search model (a cache, gitignored): --fresh removes it first.
ONNX_CACHE = ROOT / "embeddings" / "onnx"


def tree_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of the server and its children, in MiB; processes gone meanwhile count 0.

    RSS counts a shared page (libpython, numpy's libraries) once per process that maps it, so a
    sum over processes overstates their memory; PSS splits each shared page between its users.
    """
    rss = pss = 0
    try:
        procs = [psutil.Process(pid)]
        procs += procs[0].children(recursive=True)
    except psutil.NoSuchProcess:
        return 0.0, 0.0
    for p in procs:
        try:
            info = p.memory_full_info()
            rss, pss = rss + info.rss, pss + info.pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return rss / 2**20, pss / 2**20


class PeakSampler(threading.Thread):
    def __init__(self, pid: int, every_s: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.every_s, self.peak = pid, every_s, (0.0, 0.0)
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            rss, pss = tree_mb(self.pid)
            self.peak = (max(self.peak[0], rss), max(self.peak[1], pss))
            time.sleep(self.every_s)

    def stop(self) -> tuple[float, float]:
        self._stop_event.set()
        self.join()
        return self.peak


def wait_rendered(page, ready: tuple[str, str], timeout: float = 180_000) -> None:
    """Wait until ``ready`` (selector, text: see devtools/locators.py) is shown and the page is quiet."""
    page.wait_for_function(IDLE_JS, arg=[300, *ready], polling=50, timeout=timeout)


def measure(browser, name: str, log: Path) -> dict[str, tuple[float, float]]:
    script, env = CONFIGS[name]
    server = start_app(log, script=ROOT / script, extra_env=env)
    pid = server.proc.pid
    sampler = PeakSampler(pid)
    sampler.start()
    contexts = []
    out: dict[str, tuple[float, float]] = {}
    try:

        def session(path: str, ready: tuple[str, str]):
            ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
            contexts.append(ctx)
            page = ctx.new_page()
            page.goto(server.url + path)
            wait_rendered(page, ready)
            return page

        def search(query: str) -> tuple[str, tuple[str, str]]:
            return locators.path("explore", urlencode({"q": query})), locators.search_ready(query)

        p1 = session(locators.path("explore"), locators.page_ready("explore"))
        time.sleep(1)
        out["first page"] = tree_mb(pid)
        path, ready = search("the trade deal is irrelevant")
        p1.goto(server.url + path)
        wait_rendered(p1, ready)
        time.sleep(1)
        out["after a search"] = tree_mb(pid)
        session(*search("security cooperation at the border"))
        session(locators.path("tracker"), locators.page_ready("tracker"))
        time.sleep(1)
        out["3 sessions"] = tree_mb(pid)
    finally:
        out["peak"] = sampler.stop()
        for ctx in contexts:
            ctx.close()
        server.stop()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=sorted(CONFIGS), help="measure one configuration")
    ap.add_argument("--fresh", action="store_true", help="remove the built int8 model first (see above)")
    ap.add_argument("--smoke", action="store_true", help="the local configuration only, to check that it runs")
    args = ap.parse_args()
    if args.smoke:
        args.only, args.fresh = "local", False
    from playwright.sync_api import sync_playwright

    runs = [args.only] if args.only else ["hosted", "local"]
    if args.fresh:
        shutil.rmtree(ONNX_CACHE, ignore_errors=True)
        if "hosted" in runs:
            runs.insert(runs.index("hosted") + 1, "hosted")
    results = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for i, name in enumerate(runs):
            label = name
            if args.fresh and name == "hosted":
                label = "hosted, builds int8" if "hosted, builds int8" not in results else "hosted, int8 built"
            results[label] = measure(browser, name, Path(tmp) / f"{i}.log")
        browser.close()
    names = list(results)

    steps = ["first page", "after a search", "3 sessions", "peak"]
    print("| server memory, MiB (RSS / PSS) | " + " | ".join(names) + " | target (hosted) |")
    print("|---|" + "---:|" * len(names) + "---|")
    for step in steps:
        cells = " | ".join(f"{results[n][step][0]:.0f} / {results[n][step][1]:.0f}" for n in names)
        print(f"| {step} | {cells} | <= {TARGET_MB} |")
    for name in names:
        if name.startswith("hosted"):
            worst = max(v[0] for v in results[name].values())
            print(
                f"{name}: worst RSS {worst:.0f} MiB, {'met' if worst <= TARGET_MB else 'NOT met'} (target <= {TARGET_MB} MiB)"
            )


if __name__ == "__main__":
    main()
