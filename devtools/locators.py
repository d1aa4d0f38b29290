"""Where things are on the app's pages: the one home of the locators that the browser tests
(tests/e2e) and the browser benchmarks (benchmarks/load.py, cold_start.py, hosted_memory.py, ...) use.

A UI change that moves or rewords one of these breaks the browser tests and the benchmarks' smoke
runs (tests/test_benchmarks_smoke.py) together, so CI notices before a benchmark silently rots.

Everything here builds Playwright locators without waiting or reading, so it works with both the
sync API (the tests) and the async API (benchmarks/load.py): ``search_box(page).fill(...)`` in
one, ``await search_box(page).fill(...)`` in the other.

``*_ready`` functions return ``(selector, text)`` for ``devtools.server.IDLE_JS``: the page counts as
drawn when an element matching ``selector`` holds ``text`` and nothing is running, loading or stale.
"""

from __future__ import annotations

from webapp.pages import BY_NAME, PAGES

# ---------------------------------------------------------------------------- Streamlit's DOM
MAIN = '[data-testid="stMain"]'
SIDEBAR = '[data-testid="stSidebar"]'
NAV = '[data-testid="stSidebarNav"]'
TITLE = f"{MAIN} h1"
EXCEPTION = '[data-testid="stException"]'
DATAFRAME = '[data-testid="stDataFrame"]'
PLOTLY_CHART = '[data-testid="stPlotlyChart"]'
METRIC_VALUE = '[data-testid="stMetricValue"]'

# ---------------------------------------------------------------------------- the app's own words
#: The label of Explore's search box (the start of it: the box says "Statements like…, or words they contain").
SEARCH_LABEL = "Statements like…"
#: Page names, in navigation order, and their url paths ("" for the default page at "/").
PAGE_NAMES = tuple(p.name for p in PAGES)
PATHS = {p.name: p.url for p in PAGES}
TITLES = {p.name: p.heading for p in PAGES}
NAV_LABELS = {p.name: p.nav for p in PAGES}


def path(name: str, query: str = "") -> str:
    """The page's path after the server's address, with a query string if given ("/", "/compare?x=1")."""
    return "/" + BY_NAME[name].url + (f"?{query}" if query else "")


def search_results_text(query: str) -> str:
    """What Explore prints above its results for ``query``: the part of its caption that is the same for
    one result ("The best match for “…” among 199") and for many ("The 10 best matches for “…” among 199")."""
    return f"for “{query.strip()[:80]}” among"


# ---------------------------------------------------------------------------- locators
def main(page):
    return page.locator(MAIN)


def sidebar(page):
    return page.locator(SIDEBAR)


def title(page):
    return page.locator(TITLE).first


def nav_link(page, name: str):
    """The sidebar navigation's link to page ``name`` ("compare")."""
    return page.locator(NAV).get_by_role("link", name=NAV_LABELS[name], exact=True)


def search_box(page):
    """Explore's search box."""
    return main(page).get_by_role("textbox", name=SEARCH_LABEL)


def search_results(page, query: str):
    """The caption Explore shows once the results for ``query`` are there."""
    return main(page).get_by_text(search_results_text(query), exact=False)


def search_results_table(page):
    """Explore's results table (the first table on the page while a search is shown)."""
    return main(page).locator(DATAFRAME).first


def exceptions(page):
    """Any st.exception on the page."""
    return page.locator(EXCEPTION)


# ---------------------------------------------------------------------------- "drawn" markers for IDLE_JS
def page_ready(name: str) -> tuple[str, str]:
    """Page ``name`` is drawn: its title is shown."""
    return TITLE, TITLES[name]


def search_ready(query: str) -> tuple[str, str]:
    """Explore has drawn the results for ``query``."""
    return MAIN, search_results_text(query)


def map_ready() -> tuple[str, str]:
    """The Map page has laid out its chart: the legend's "other speakers" entry is drawn."""
    return PLOTLY_CHART, "other speakers"
