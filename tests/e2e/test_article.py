"""An HTML news article through the real file chooser on the Data page: its quotes are found with their
speaker, the date, title and URL come from the page's metadata, and adding puts them on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

from facts import N_BUNDLED, REPO_ROOT  # noqa: E402

ARTICLE = REPO_ROOT / "tests" / "data" / "articles" / "html" / "ford-cnn-tariffs.html"
N_QUOTES = 10  # every quote in it is Doug Ford's (tests/data/articles/labels.json, en-04)


def article_box(ui, page):
    return ui.main(page).locator('[data-testid="stExpander"]', has_text="Add statements from a news article")


def test_html_article_upload_review_and_add(ui, new_page):
    page = new_page()
    ui.goto(page, "data")
    box = article_box(ui, page)
    box.get_by_text("Add statements from a news article").click()
    box.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(ARTICLE))
    ui.wait_for_app(page)

    # Metadata from the HTML fills the fields.
    expect(box.get_by_label("Source title")).to_have_value(
        "‘Unjustified, unfair and frankly illegal,’ Doug Ford blasts Trump’s tariffs"
    )
    expect(box.get_by_label("Source URL")).to_have_value(
        "https://bellmediainc-ctvnews-prod.web.arc-cdn.net/toronto/article/this-is-not-a-smart-move-its-selfish-doug-ford-speaks-in-anticipation-of-trumps-reckless-tariffs"
    )
    for part, value in (("year", "2025"), ("month", "2"), ("day", "1")):
        expect(box.get_by_role("spinbutton", name=f"{part}, Article date")).to_have_attribute("aria-valuenow", value)
    expect(box.get_by_text(f"{N_QUOTES} quoted passages found: {N_QUOTES} attributed", exact=False)).to_be_visible()

    # The review table shows the extractor's reading; its rows are Doug Ford's quotes.
    grid = box.locator('[data-testid="stDataFrame"]').first
    rows = ui.dataframe_rows_when(grid, lambda r: len(r) >= 3, max_rows=12)
    assert all("Doug Ford" in r for r in rows[:3]), rows[:3]

    ui.full_page_screenshot(page, ui.SCREENSHOT_DIR / "data-article.png")
    button = box.get_by_role("button", name=f"Add {N_QUOTES} statements from this article", exact=True)
    expect(button).to_be_enabled()
    button.click()
    expect(ui.main(page).get_by_text(f"Added: {N_QUOTES} statements from this article", exact=False)).to_be_visible(
        timeout=120_000
    )
    expect(ui.sidebar(page).get_by_role("radio", name="merged")).to_be_checked()
    ui.wait_for_app(page)

    ui.open_page(page, "explore")
    assert ui.metric(ui.main(page), "Statements") == str(N_BUNDLED + N_QUOTES)
    page.watch.assert_clean()
