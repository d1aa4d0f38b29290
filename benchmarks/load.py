"""Bounded browser load test: N concurrent sessions each visit every page and run one search.

Each session is its own browser context (its own Streamlit session) in one headless Chromium:
it opens Explore, runs one search there, then opens every other page of the app (webapp/pages.py)
through the sidebar navigation. A step's render time runs from the navigation (or the Enter key)
to the moment the app is quiet with the expected content on screen: the page title (or the search
results caption) present, no running/connecting status widget, no skeleton, spinner or stale
element. It is measured in the page's own clock, so the polling and the quiet period used to
detect the end are not counted.

Page elements are found through devtools/locators.py, the same locators the browser tests use, so
a UI change that would make this benchmark wait for something the app no longer shows fails the
browser tests and this script's smoke run (tests/test_benchmarks_smoke.py) in CI.

Errors: st.exception elements, console errors (minus the offline noise the e2e tests also ignore),
uncaught page errors, dialogs, and steps that time out.

Bounded: one pass per session (``--rounds`` for more), a per-step timeout and a total wall-time cap
(``--max-seconds``); unfinished steps are reported as errors. A warm-up pass (one session, not
counted) first loads the model and the caches, so the figures are for a warm server.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/load.py [--sessions 8] [--rounds 1] [--url URL]
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/load.py --smoke   # 1 session, no warm-up: does it still run?
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from devtools import locators  # noqa: E402
from devtools.server import CHROMIUM, CHROMIUM_ARGS, IDLE_JS, IDLE_RESET_JS, is_noise, start_app  # noqa: E402

# Every page but Explore, which each session opens by URL and searches on.
OTHER_PAGES = [name for name in locators.PAGE_NAMES if name != "explore"]
QUERIES = [
    "the trade deal is irrelevant",
    "tariffs hurt workers",
    "we will defend our sovereignty",
    "cooperation on fentanyl",
    "renegotiate the agreement",
    "steel and aluminum duties",
    "migration at the border",
    "a great deal for farmers",
]
STEP_TIMEOUT_MS = 90_000


# ---------------------------------------------------------------------------- one session
@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=dict)  # step -> ms
    errors: list[str] = field(default_factory=list)
    error_steps: dict[str, int] = field(default_factory=dict)

    def add(self, step: str, ms: float) -> None:
        self.times.setdefault(step, []).append(ms)

    def error(self, step: str, message: str) -> None:
        self.errors.append(f"{step}: {message}")
        self.error_steps[step] = self.error_steps.get(step, 0) + 1


async def wait_quiet(page, ready: tuple[str, str], timeout_ms: float, settle: int = 300) -> float:
    """Wait until ``ready`` (selector, text) is shown and the page has been quiet for ``settle`` ms;
    returns the page-clock time at which it became quiet."""
    await page.evaluate(IDLE_RESET_JS)
    handle = await page.wait_for_function(IDLE_JS, arg=[settle, *ready], polling=50, timeout=timeout_ms)
    return float(await handle.json_value())


async def run_session(
    browser,
    url: str,
    sid: int,
    rounds: int,
    results: Results,
    counted: bool = True,
    timeout_ms: float = STEP_TIMEOUT_MS,
) -> None:
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(timeout_ms)
    page = await ctx.new_page()
    origin = url.rstrip("/")
    pending: list[tuple[str, str]] = []  # (kind, message) collected by the event handlers

    def on_console(msg):
        if msg.type == "error" and not is_noise(msg.text, (msg.location or {}).get("url", ""), origin):
            pending.append(("console", msg.text[:200]))

    async def on_dialog(dialog):
        pending.append(("dialog", dialog.message[:200]))
        await dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda err: pending.append(("pageerror", str(err)[:200])))
    page.on("dialog", on_dialog)
    record = results.add if counted else (lambda step, ms: None)

    async def check(step: str) -> None:
        exc = locators.exceptions(page)
        if await exc.count():
            results.error(step, "st.exception: " + (await exc.first.inner_text())[:200])
        while pending:
            kind, msg = pending.pop(0)
            results.error(step, f"{kind}: {msg}")

    async def step(name: str, action, ready: tuple[str, str], *, full_load: bool = False) -> None:
        try:
            start = 0.0 if full_load else await page.evaluate("performance.now()")
            await action()
            done = await wait_quiet(page, ready, timeout_ms)
            record(name, done - start)
        except Exception as exc:  # noqa: BLE001 - a load test reports failures, it does not stop
            results.error(name, f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
        await check(name)

    try:
        for r in range(rounds):
            await step(
                "explore",
                lambda: page.goto(url + locators.path("explore")),
                locators.page_ready("explore"),
                full_load=True,
            )
            query = QUERIES[(sid + r) % len(QUERIES)]

            async def search(query=query):
                box = locators.search_box(page)
                await box.fill(query)
                await box.press("Enter")

            await step("search", search, locators.search_ready(query))
            for name in OTHER_PAGES:
                await step(name, locators.nav_link(page, name).click, locators.page_ready(name))
    finally:
        await ctx.close()


# ---------------------------------------------------------------------------- report
def pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def table(results: Results) -> str:
    lines = ["| step | n | p50 ms | p95 ms | max ms | errors |", "|---|---:|---:|---:|---:|---:|"]
    steps = ["explore", "search", *OTHER_PAGES]
    everything: list[float] = []
    for s in steps:
        v = results.times.get(s, [])
        everything += v
        err = results.error_steps.get(s, 0)
        if v:
            lines.append(f"| {s} | {len(v)} | {pct(v, 50):,.0f} | {pct(v, 95):,.0f} | {max(v):,.0f} | {err} |")
        else:
            lines.append(f"| {s} | 0 | – | – | – | {err} |")
    total_err = sum(results.error_steps.values())
    if everything:
        lines.append(
            f"| **overall** | {len(everything)} | {pct(everything, 50):,.0f} | {pct(everything, 95):,.0f} | {max(everything):,.0f} | {total_err} |"
        )
    return "\n".join(lines)


def cpu_sample(server_pid: int | None) -> tuple[float, float, float] | None:
    """(app server CPU seconds, machine busy CPU seconds, machine total CPU seconds) so far.

    Machine-wide figures, because Chromium's renderer processes exit with their contexts and
    their CPU time cannot be read afterwards.
    """
    try:
        import psutil
    except ImportError:
        return None
    server = 0.0
    if server_pid is not None:
        try:
            root = psutil.Process(server_pid)
            for p in [root, *root.children(recursive=True)]:
                t = p.cpu_times()
                server += t.user + t.system
        except psutil.Error:
            pass
    m = psutil.cpu_times()
    total = sum(m)
    idle = m.idle + getattr(m, "iowait", 0.0)
    return server, total - idle, total


async def run(args) -> int:
    from playwright.async_api import async_playwright

    results = Results()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            if args.warmup:
                t = time.perf_counter()
                warm = Results()
                await asyncio.wait_for(
                    run_session(browser, args.url, 0, 1, warm, counted=False, timeout_ms=args.step_timeout * 1000),
                    timeout=args.max_seconds,
                )
                print(
                    f"warm-up pass (1 session, not counted): {time.perf_counter() - t:.1f} s, {len(warm.errors)} errors",
                    flush=True,
                )
                for e in warm.errors[:5]:
                    print(f"- warm-up {e}", flush=True)
            cpu0 = cpu_sample(args.server_pid)
            t0 = time.perf_counter()
            tasks = [
                asyncio.create_task(
                    run_session(browser, args.url, i, args.rounds, results, timeout_ms=args.step_timeout * 1000)
                )
                for i in range(args.sessions)
            ]
            done, not_done = await asyncio.wait(tasks, timeout=args.max_seconds)
            for task in not_done:
                task.cancel()
            if not_done:
                await asyncio.gather(*not_done, return_exceptions=True)
                results.error(
                    "run", f"{len(not_done)} of {args.sessions} sessions cut off by the {args.max_seconds:.0f} s cap"
                )
            for task in done:
                if task.exception() is not None:
                    results.error("run", f"session crashed: {task.exception()!r}"[:200])
            wall = time.perf_counter() - t0
            cpu1 = cpu_sample(args.server_pid)
        finally:
            await browser.close()

    print()
    print(
        f"{args.sessions} concurrent sessions x {args.rounds} round(s) against {args.url}; wall time {wall:.1f} s "
        f"(cap {args.max_seconds:.0f} s); {os.cpu_count()} CPUs"
    )
    if cpu0 and cpu1:
        busy = (cpu1[1] - cpu0[1]) / max(cpu1[2] - cpu0[2], 1e-9)
        server = f"app server {cpu1[0] - cpu0[0]:.1f} CPU-s, " if args.server_pid is not None else ""
        print(f"CPU during the measured run: {server}machine {busy:.0%} busy (server and browser share the machine)")
    print()
    print(table(results))
    if results.errors:
        print(f"\n{len(results.errors)} errors (first 10):")
        for e in results.errors[:10]:
            print(f"- {e}")
    else:
        print("\nno errors (no st.exception, console error, page error, dialog or timeout)")
    return 1 if results.errors else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=8, help="concurrent browser sessions (default 8)")
    ap.add_argument("--rounds", type=int, default=1, help="passes over all pages per session (default 1)")
    ap.add_argument("--url", help="an app already running; default: start one on a free localhost port")
    ap.add_argument(
        "--max-seconds", type=float, default=300, help="total wall-time cap for the measured run (default 300)"
    )
    ap.add_argument("--no-warmup", dest="warmup", action="store_false", help="count the cold first pass too")
    ap.add_argument(
        "--step-timeout", type=float, default=STEP_TIMEOUT_MS / 1000, help="seconds before a step counts as an error"
    )
    ap.add_argument("--smoke", action="store_true", help="1 session, no warm-up: checks that every step still works")
    args = ap.parse_args(argv)
    if args.smoke:
        args.sessions, args.rounds, args.warmup = 1, 1, False
    if not os.path.exists(CHROMIUM):
        print(f"skipped: Chromium not installed at {CHROMIUM} (apt-get install chromium)")
        return 0
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("skipped: playwright is not installed (pip install -r requirements-dev.txt)")
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    server = None
    args.server_pid = None
    with tempfile.TemporaryDirectory() as tmp:
        try:
            if not args.url:
                t = time.perf_counter()
                server = start_app(Path(tmp) / "streamlit.log")
                args.url, args.server_pid = server.url, server.proc.pid
                print(f"started the app at {args.url} in {time.perf_counter() - t:.1f} s", flush=True)
            args.url = args.url.rstrip("/")
            return asyncio.run(run(args))
        finally:
            if server is not None:
                server.stop()


if __name__ == "__main__":
    sys.exit(main())
