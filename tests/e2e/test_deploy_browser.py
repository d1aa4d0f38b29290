"""The Community Cloud entry point (deploy/streamlit_app.py) under a real `streamlit run`, in Chromium:
every page, a search through the hosted (int8) search model, and the hosted upload limits."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from devtools import locators
from devtools.server import IDLE_JS, start_app

pytestmark = pytest.mark.browser

PAGES = {locators.path(name): locators.TITLES[name] for name in locators.PAGE_NAMES}
# The first search on a fresh server may build the int8 model (about a minute on 2 busy cores).
FIRST_SEARCH_MS = 300_000


@pytest.fixture(scope="module")
def app_server(browser, tmp_path_factory):
    """Overrides the suite's app.py server for this module: the deploy entry point, as Cloud runs it."""
    with start_app(
        tmp_path_factory.mktemp("deploy") / "streamlit.log", script="deploy/streamlit_app.py", timeout_s=60
    ) as server:
        yield server


@pytest.fixture(scope="module")
def app_url(app_server) -> str:
    return app_server.url


def idle(page, timeout: float = 60_000) -> None:
    page.wait_for_function(IDLE_JS, arg=[400, None, None], polling=100, timeout=timeout)
    exc = locators.exceptions(page)
    assert exc.count() == 0, exc.all_inner_texts()


def test_deploy_entry_point_serves_every_page(new_page, app_url):
    page = new_page()
    for path, title in PAGES.items():
        page.goto(app_url + path)
        idle(page)
        expect(locators.title(page)).to_have_text(title)
    page.watch.assert_clean()


def test_hosted_search_and_upload_limits(new_page, app_url):
    page = new_page()
    page.goto(app_url + locators.path("explore", "q=the+trade+deal+is+irrelevant"))
    idle(page, timeout=FIRST_SEARCH_MS)
    main = locators.main(page)
    expect(locators.search_results(page, "the trade deal is irrelevant")).to_be_visible()
    sidebar = locators.sidebar(page)
    sidebar.get_by_text("About the data and the numbers").click()
    expect(sidebar.get_by_text("This hosted demo", exact=False)).to_be_visible()
    page.goto(app_url + locators.path("data"))
    idle(page)
    expect(main.get_by_text("This is a hosted demo", exact=False)).to_be_visible()
    page.watch.assert_clean()
