"""Every page loads on the bundled data, shows what it should, and reports no error.

Each page also gets a full-page screenshot in docs/screenshots/<page>.png.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pandas as pd
import pytest
from facts import N_BUNDLED, REPO_ROOT
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BUNDLED = pd.read_csv(REPO_ROOT / "stance_explorer" / "data" / "statements.csv")


def default_compare_speakers() -> list[str]:
    """Compare's defaults: the most common topic, and the two speakers with most statements on it."""
    topic = BUNDLED["topic"].value_counts().index[0]
    return BUNDLED.loc[BUNDLED["topic"] == topic, "speaker"].value_counts().index[:2].tolist()


def check_explore(ui, page):
    main = ui.main(page)
    assert ui.metric(main, "Statements") == f"{N_BUNDLED:,}"
    assert ui.metric(main, "Speakers") == str(BUNDLED["speaker"].nunique())
    assert ui.metric(ui.sidebar(page), "Statements kept by the filters") == f"{N_BUNDLED} of {N_BUNDLED}"
    expect(main.get_by_role("heading", name="Search by meaning and words")).to_be_visible()
    # Counts per speaker, topic and year are bars inside tables (no chart library on the first page).
    expect(main.get_by_role("heading", name="What the data holds")).to_be_visible()
    assert main.locator('[data-testid="stDataFrame"]').count() == 4
    table = main.locator('[data-testid="stDataFrame"]').last
    assert "Quote" in ui.dataframe_headers(table)
    assert len(ui.dataframe_rows(table)) >= 5


def check_compare(ui, page):
    main = ui.main(page)
    heads = ui.headings(main)
    want = default_compare_speakers()
    assert heads[:2] == want, heads
    # Nothing picked: the page shows the topic's two top speakers and says so.
    assert ui.multiselect_values(main, "Speakers (2 to 4)") == []
    expect(main.get_by_text("Showing the two speakers with the most statements")).to_be_visible()
    assert "How alike they sound on this topic" in heads
    assert "Closest pairs of statements" in heads
    expect(main.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_attached()


def check_heatmaps(ui, page):
    main = ui.main(page)
    chart = main.locator('[data-testid="stPlotlyChart"]').first
    expect(chart.locator(".main-svg").first).to_be_attached()
    expect(chart.locator(".hm, .heatmaplayer").first).to_be_attached()
    assert any(t.startswith("Speaker × speaker") for t in ui.plot_titles(main)), ui.plot_titles(main)
    assert re.fullmatch(r"\d\.\d{3}", ui.metric(main, "Cosine similarity"))
    expect(main.get_by_role("button", name=re.compile("Download this matrix"))).to_be_visible()


def check_tracker(ui, page):
    main = ui.main(page)
    titles = ui.plot_titles(main)
    assert any("USMCA irrelevant" in t for t in titles), titles
    assert any(t.startswith("Donald Trump: drift") for t in titles), titles
    expect(main.get_by_text(re.compile(r"^Shift from \S+ to \S+")).first).to_be_visible()
    # Nothing picked (webapp/widgets.py): the box's placeholder names the speaker shown.
    assert ui.selectbox_value(main, "Speaker") == ""
    assert ui.combobox(main, "Speaker").get_attribute("placeholder") == "Donald Trump (default)"


def check_data(ui, page):
    main = ui.main(page)
    expect(main.locator('[data-testid="stFileUploader"]').first).to_be_visible()
    expect(main.locator('[data-testid="stFileUploaderDropzoneInput"]').first).to_be_attached()
    expect(main.get_by_text("Dates like 03/04/2026 are day first (DD/MM/YYYY)")).to_be_visible()


CHECKS = {
    "explore": check_explore,
    "compare": check_compare,
    "heatmaps": check_heatmaps,
    "tracker": check_tracker,
    "data": check_data,
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_page_loads_clean(name, ui, new_page):
    page = new_page()
    ui.goto(page, name)
    ui.expect_title(page, name)
    # The sidebar is the same on every page: bundled data, every statement.
    expect(ui.sidebar(page).get_by_role("radio", name="bundled")).to_be_checked()
    CHECKS[name](ui, page)
    ui.assert_no_exception(page)
    ui.full_page_screenshot(page, ui.SCREENSHOT_DIR / f"{name}.png")
    page.watch.assert_clean()


def test_navigation_in_one_session(ui, new_page):
    """All pages one after another through the sidebar, in one session: no error on the way."""
    page = new_page()
    ui.goto(page, "explore")
    for name in ["compare", "heatmaps", "tracker", "data", "explore"]:
        ui.open_page(page, name)
        assert ui.metric(ui.sidebar(page), "Statements kept by the filters") == f"{N_BUNDLED} of {N_BUNDLED}"
    page.watch.assert_clean()


def test_explore_path_falls_back_to_root(ui, new_page):
    """/explore is not a real path (Streamlit ignores a default page's url_path) but the view survives."""
    page = new_page()
    # Streamlit logs this when it falls back to the main page; nothing else may be logged.
    page.watch.allow.append(re.compile(r"^The page that you have requested does not seem to exist"))
    page.goto(f"{ui.base_url}/explore?speakers=Donald+Trump")
    ui.wait_for_app(page)
    ui.expect_title(page, "explore")
    n = int((BUNDLED["speaker"] == "Donald Trump").sum())
    assert ui.metric(ui.main(page), "Statements") == str(n)
    assert ui.multiselect_values(ui.sidebar(page), "Speakers") == ["Donald Trump"]
    page.watch.assert_clean()


def test_no_page_loads_anything_from_another_host(ui, new_page):
    """Offline, a request to another host is an ERR_NAME_NOT_RESOLVED in the console (the favicon
    once came from a font CDN). Every request of every page stays on the app's own host."""
    page = new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if urlsplit(r.url).scheme in ("http", "https") and not r.url.startswith(ui.base_url)
            else None
        ),
    )
    for name in [*CHECKS, "map"]:
        ui.goto(page, name)
        ui.expect_title(page, name)
    assert outside == []
