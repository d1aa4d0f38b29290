"""End-to-end fixtures: the real app (``streamlit run app.py``) driven by headless Chromium.

Everything here is self-contained (the browser tests share nothing with the library fixtures in
``tests/conftest.py`` except HF_HUB_OFFLINE). Helpers are exposed through the ``ui`` fixture so the
test modules do not have to import this file.

* ``app_url`` (session): starts the app on a free localhost port, waits for ``/_stcore/health``,
  yields the base URL, and kills the whole process group afterwards.
* ``browser`` (session): Playwright Chromium using the Debian build at /usr/bin/chromium. When it is
  missing the browser tests are skipped, unless ``STANCE_E2E_REQUIRED=1``, which makes it an error.
* ``new_page``: opens a fresh browser context (an independent Streamlit session) with a watched page.
* ``ui``: waiting and widget helpers (``wait_for_app``, ``choose``, ``metric``, ``share_url``, ...).

Run: ``STANCE_E2E_REQUIRED=1 HF_HUB_OFFLINE=1 .venv/bin/python -m pytest tests/e2e -q``
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devtools import locators
from devtools.server import CHROMIUM, CHROMIUM_ARGS, IDLE_JS, IDLE_RESET_JS, REPO_ROOT, AppServer, is_noise
from devtools.server import start_app as _start_app

VIEWPORT = {"width": 1400, "height": 1000}
SERVER_START_TIMEOUT_S = 60
APP_TIMEOUT_MS = 60_000  # a rerun that loads the model on a busy 2-core machine can take a while
EXPECT_TIMEOUT_MS = 30_000
LOCATOR_TIMEOUT_MS = 30_000
# Where test_pages.py writes one full-page PNG per page (override to keep the working tree clean).
SCREENSHOT_DIR = Path(os.environ.get("STANCE_E2E_SCREENSHOT_DIR") or REPO_ROOT / "docs" / "screenshots")

# Page url paths. The default page (Explore) lives at "/": Streamlit ignores a default page's
# url_path, so "/explore" only works through Streamlit's "page not found" fallback.
# Locators and page words come from devtools/locators.py, which the browser benchmarks share.
PAGES = locators.PATHS
TITLES = locators.TITLES
NAV_LABELS = locators.NAV_LABELS


def pytest_collection_modifyitems(config, items):
    """Every test under tests/e2e is a browser test (``-m "not browser"`` leaves them out)."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _required() -> bool:
    return os.environ.get("STANCE_E2E_REQUIRED") == "1"


def _unavailable(reason: str) -> None:
    if _required():
        pytest.fail(f"STANCE_E2E_REQUIRED=1 but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


# ============================================================================ the server
def start_app(log_path: Path, **kw) -> AppServer:
    return _start_app(log_path, timeout_s=SERVER_START_TIMEOUT_S, **kw)


@pytest.fixture(scope="session")
def app_server(browser, tmp_path_factory) -> AppServer:
    # Depends on ``browser`` so that a missing Chromium skips before a server is started.
    with start_app(tmp_path_factory.mktemp("streamlit") / "streamlit.log") as server:
        yield server


@pytest.fixture(scope="session")
def app_url(app_server) -> str:
    return app_server.url


# ============================================================================ the browser
def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _unavailable("Chromium not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -r requirements-dev.txt)")
    # expect() defaults to 5 s; a rerun on a loaded 2-core machine can take longer than that.
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as pw:
        try:
            b = launch_chromium(pw)
        except Exception as exc:  # noqa: BLE001 - any launch failure means "no browser here"
            _unavailable(f"Chromium at {CHROMIUM} failed to start: {exc}")
        try:
            yield b
        finally:
            b.close()


# ============================================================================ console and dialogs
# Console errors that are not the app's (devtools.server.is_noise) are filtered; everything else fails a test.


@dataclass
class PageWatch:
    """What a page reported: console errors (minus noise), uncaught errors, dialogs it opened."""

    app_origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    allow: list[re.Pattern] = field(default_factory=list)

    def on_console(self, msg) -> None:
        if msg.type != "error":
            return
        loc = (msg.location or {}).get("url", "")
        line = f"{msg.text} [{loc}]"
        if is_noise(msg.text, loc, self.app_origin) or any(p.search(msg.text) for p in self.allow):
            self.ignored.append(line)
        else:
            self.console_errors.append(line)

    def on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        try:
            dialog.dismiss()
        except Exception:  # noqa: BLE001 - already handled or page gone
            pass

    def on_pageerror(self, err) -> None:
        self.page_errors.append(str(err))

    def assert_clean(self) -> None:
        problems = []
        if self.console_errors:
            problems.append("console errors:\n  " + "\n  ".join(self.console_errors))
        if self.page_errors:
            problems.append("uncaught page errors:\n  " + "\n  ".join(self.page_errors))
        if self.dialogs:
            problems.append("dialogs opened:\n  " + "\n  ".join(self.dialogs))
        assert not problems, "\n".join(problems)


def watch(page, app_origin: str) -> PageWatch:
    w = PageWatch(app_origin)
    page.on("console", w.on_console)
    page.on("dialog", w.on_dialog)
    page.on("pageerror", w.on_pageerror)
    page.watch = w  # type: ignore[attr-defined]
    return w


@pytest.fixture
def new_page(browser, app_url):
    """``new_page()`` -> a watched page in a fresh context (its own Streamlit session)."""
    contexts = []

    def make(viewport: dict | None = None):
        ctx = browser.new_context(viewport=viewport or VIEWPORT, accept_downloads=True)
        ctx.set_default_timeout(LOCATOR_TIMEOUT_MS)
        contexts.append(ctx)
        page = ctx.new_page()
        watch(page, app_url)
        return page

    yield make
    for ctx in contexts:
        try:
            ctx.close()
        except Exception:  # noqa: BLE001
            pass


# ============================================================================ waiting and widgets
# The app is idle when: the main block has rendered elements, the status widget (shown while a
# script runs, or while connecting) is gone, and there are no skeletons, spinners or stale
# (greyed, from the previous run) elements -- and all that has held for ``settle`` ms, because a
# rerun triggered by an interaction takes a moment to show up in the page.


def assert_no_exception(page) -> None:
    exc = locators.exceptions(page)
    if exc.count():
        raise AssertionError("the app shows an exception:\n" + "\n---\n".join(exc.all_inner_texts()))


def wait_for_app(page, *, timeout: float = APP_TIMEOUT_MS, settle: int = 400, check_exception: bool = True) -> None:
    """Wait until the current Streamlit run has finished and the page is quiet; fail on st.exception."""
    for attempt in range(3):
        try:
            page.evaluate(IDLE_RESET_JS)
            page.wait_for_function(IDLE_JS, arg=[settle, None, None], polling=100, timeout=timeout)
            break
        except Exception as exc:  # a navigation can destroy the execution context mid-wait
            if "Execution context was destroyed" in str(exc) or "navigation" in str(exc).lower():
                if attempt < 2:
                    page.wait_for_load_state("domcontentloaded")
                    continue
            raise
    if check_exception:
        assert_no_exception(page)


class UI:
    """Helpers over Streamlit's DOM (Streamlit 1.67: react-aria comboboxes, glide data grids).

    Where the app's own elements are (titles, navigation, the search box and its results) comes
    from devtools/locators.py, shared with the browser benchmarks.
    """

    PAGES = PAGES
    TITLES = TITLES
    NAV_LABELS = NAV_LABELS
    SCREENSHOT_DIR = SCREENSHOT_DIR

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    # ---------------------------------------------------------------- navigation
    def url(self, page_name: str, query: str = "") -> str:
        return f"{self.base_url}/{PAGES[page_name]}" + (f"?{query}" if query else "")

    wait_for_app = staticmethod(wait_for_app)
    assert_no_exception = staticmethod(assert_no_exception)

    def goto(self, page, target: str) -> None:
        """Open a page by name ("compare") or full URL, and wait for its first run to finish."""
        url = self.url(target) if target in PAGES else target
        page.goto(url)
        wait_for_app(page)

    def open_page(self, page, name: str) -> None:
        """Open a page through the sidebar navigation (keeps the session and its uploads)."""
        locators.nav_link(page, name).click()
        self.expect_title(page, name)
        wait_for_app(page)

    def expect_title(self, page, name: str, timeout: float = APP_TIMEOUT_MS) -> None:
        from playwright.sync_api import expect

        expect(locators.title(page)).to_have_text(TITLES[name], timeout=timeout)

    main = staticmethod(locators.main)
    sidebar = staticmethod(locators.sidebar)
    search_box = staticmethod(locators.search_box)
    search_results = staticmethod(locators.search_results)
    search_results_table = staticmethod(locators.search_results_table)

    def search(self, page, query: str) -> None:
        """Search Explore for ``query`` (Enter), and wait until its results are shown and the page is idle."""
        from playwright.sync_api import expect

        box = locators.search_box(page)
        box.fill(query)
        box.press("Enter")
        expect(locators.search_results(page, query)).to_be_visible()
        wait_for_app(page)

    # ---------------------------------------------------------------- reading
    @staticmethod
    def metric(scope, label: str) -> str:
        """The value of the st.metric whose label is exactly ``label``."""
        values = scope.locator('[data-testid="stMetric"]').evaluate_all(
            """(els, label) => els
                 .filter(e => (e.querySelector('[data-testid="stMetricLabel"]')?.innerText || '').trim() === label)
                 .map(e => (e.querySelector('[data-testid="stMetricValue"]')?.innerText || '').trim())""",
            label,
        )
        assert values, f"no metric labelled {label!r}"
        return values[0]

    @staticmethod
    def headings(scope, level: str = "h3") -> list[str]:
        return [t.strip() for t in scope.locator(level).all_inner_texts()]

    @staticmethod
    def combobox(scope, label: str):
        return scope.get_by_role("combobox", name=label, exact=True)

    def selectbox_value(self, scope, label: str) -> str:
        return self.combobox(scope, label).input_value()

    @staticmethod
    def multiselect_values(scope, label: str) -> list[str]:
        box = scope.locator('[data-testid="stMultiSelect"]').filter(
            has=scope.page.get_by_role("combobox", name=label, exact=True)
        )
        return box.locator("[data-tag] span[title]").evaluate_all("els => els.map(e => e.getAttribute('title'))")

    @staticmethod
    def dataframe_rows(frame_locator, max_rows: int = 50) -> list[list[str]]:
        """The rendered rows of an st.dataframe (glide grid): read from its accessible grid cells.

        A table whose rows can be picked has a row-marker column first, which has no cells; the
        columns are counted from the first one with cells, so indices are the table's own columns.
        """
        return frame_locator.evaluate(
            """(el, maxRows) => {
                 const rows = {};
                 let first = Infinity;
                 for (const c of el.querySelectorAll('[data-testid^="glide-cell-"]')) {
                   const m = c.dataset.testid.match(/^glide-cell-(\\d+)-(\\d+)$/);
                   if (!m) continue;
                   const col = +m[1], row = +m[2];
                   if (row >= maxRows) continue;
                   (rows[row] = rows[row] || [])[col] = c.textContent;
                   first = Math.min(first, col);
                 }
                 return Object.keys(rows).map(Number).sort((a, b) => a - b)
                   .map(r => Array.from(rows[r], v => v ?? '').slice(first));
               }""",
            max_rows,
        )

    def dataframe_rows_when(self, frame_locator, ok, max_rows: int = 50, timeout_s: float = 15.0) -> list[list[str]]:
        """``dataframe_rows``, re-read (bounded) until ``ok(rows)`` holds; the caller asserts on the result.

        A grid updated in place can repaint its cells a moment after the script run has finished
        on a loaded CI machine; this waits for what the user ends up seeing, not the first frame.
        """
        deadline = time.monotonic() + timeout_s
        rows = self.dataframe_rows(frame_locator, max_rows)
        while not ok(rows) and time.monotonic() < deadline:
            frame_locator.page.wait_for_timeout(250)
            rows = self.dataframe_rows(frame_locator, max_rows)
        return rows

    @staticmethod
    def dataframe_headers(frame_locator) -> list[str]:
        """Column titles; a row-marker column (tables whose rows can be picked) has none and is left out."""
        heads = [t.strip() for t in frame_locator.locator('[role="columnheader"]').all_text_contents()]
        return heads[1:] if heads and not heads[0] else heads

    def share_url(self, page) -> str:
        """The link shown in the sidebar's "Share this view" box (opening the expander first)."""
        box = self.sidebar(page).locator('[data-testid="stExpander"]').filter(has_text="Share this view")
        code = box.locator('[data-testid="stCode"]')
        for _ in range(3):  # a click can be eaten by a closing popover: retry until the box is open
            if code.is_visible():
                break
            box.locator("summary").click()
            try:
                code.wait_for(state="visible", timeout=3_000)
            except Exception:  # noqa: BLE001
                continue
        code.wait_for(state="visible")
        # The box fills on the rerun its opening triggers: wait (bounded) for the link itself.
        for _ in range(50):
            if text := code.inner_text().strip():
                return text
            page.wait_for_timeout(100)
        return code.inner_text().strip()

    @staticmethod
    def plot_titles(scope) -> list[str]:
        return [t.strip() for t in scope.locator('[data-testid="stPlotlyChart"] .gtitle').all_text_contents()]

    # ---------------------------------------------------------------- writing
    def choose(self, page, scope, label: str, option: str, *, multi: bool = False) -> None:
        """Pick ``option`` in the selectbox or multiselect labelled ``label`` (typing to filter)."""
        cb = self.combobox(scope, label)
        cb.click()
        cb.fill(option)
        page.get_by_role("option", name=option, exact=True).click()
        if multi:  # a multiselect stays open for more picks: close it
            page.keyboard.press("Escape")
        from playwright.sync_api import expect

        expect(page.get_by_role("listbox")).to_have_count(0)

    @staticmethod
    def remove_tag(scope, label: str, value: str) -> None:
        box = scope.locator('[data-testid="stMultiSelect"]').filter(
            has=scope.page.get_by_role("combobox", name=label, exact=True)
        )
        box.get_by_role("button", name=f"Remove {value}", exact=True).click()

    @staticmethod
    def expect_url(page, pattern: str, timeout: float = APP_TIMEOUT_MS) -> None:
        from playwright.sync_api import expect

        expect(page).to_have_url(re.compile(pattern), timeout=timeout)

    # ---------------------------------------------------------------- uploads
    def upload(self, page, *paths) -> None:
        # .first: the statement-CSV uploader (the article section below has its own)
        page.locator(
            '[data-testid="stFileUploader"] [data-testid="stFileUploaderDropzoneInput"]'
        ).first.set_input_files(list(map(str, paths)))

    # ---------------------------------------------------------------- screenshots
    def full_page_screenshot(self, page, path: Path, max_height: int = 12_000) -> None:
        """Streamlit scrolls inside stMain, not the document: grow the viewport to the content first."""
        path.parent.mkdir(parents=True, exist_ok=True)
        size = dict(page.viewport_size or VIEWPORT)
        height = size["height"]
        for _ in range(3):  # the content can grow a little once the viewport is taller (charts relayout)
            need = page.evaluate(
                """() => { const m = document.querySelector('[data-testid="stMain"]');
                           return Math.max(m ? m.scrollHeight : 0, document.documentElement.scrollHeight); }"""
            )
            if need <= height:
                break
            height = min(int(need), max_height)
            page.set_viewport_size({"width": size["width"], "height": height})
            wait_for_app(page, settle=300)
        page.screenshot(path=str(path), full_page=True)
        page.set_viewport_size(size)


@pytest.fixture
def ui(app_url) -> UI:
    # Per test: a module that serves its own app (an app_url override) gets helpers over that one.
    return UI(app_url)
