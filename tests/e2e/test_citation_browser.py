"""Citations and chart summaries in a real browser (issue 24, part 4): the copy button of an opened
statement's citation puts the citation on the clipboard, and a chart's text summary is on the page
as visible text beside the chart.

The clipboard is read with ``navigator.clipboard.readText()`` in a context granted the clipboard
permissions (headless Chromium allows it on localhost, a secure context).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PLAIN = (
    "Donald Trump (President of the United States), 27 April 2017: "
    "“You know I was really ready and psyched to terminate NAFTA”. "
    "Source: President Trump Says He Was ‘Psyched’ to Kill NAFTA and Still Might, fortune.com, "
    "https://fortune.com/2017/04/28/donald-trump-nafta-mexico-canada"
)


def test_copy_a_citation_then_read_a_chart_summary(ui, new_page, app_url):
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    ui.goto(page, ui.url("explore", "stmt=S002"))
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Cite this statement")).to_be_visible(timeout=60_000)
    ui.wait_for_app(page)

    block = dialog.locator('[data-testid="stCode"]').filter(has_text="Source: President Trump Says")
    expect(block).to_have_count(1)
    assert block.inner_text().strip() == PLAIN  # the plain style, shown as the app shows it
    block.scroll_into_view_if_needed()
    block.hover()  # the copy button shows on hover
    button = block.get_by_role("button")
    expect(button).to_be_visible()
    button.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == PLAIN

    markdown = dialog.locator('[data-testid="stCode"]').filter(has_text="**Donald Trump**")
    markdown.hover()
    markdown.get_by_role("button").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("**Donald Trump** (President of the United States), 27 April 2017: “You know")
    assert copied.endswith("(<https://fortune.com/2017/04/28/donald-trump-nafta-mexico-canada>), fortune.com")

    # A chart's summary: visible text right under the heatmap, naming its closest pair.
    ui.goto(page, "heatmaps")
    summary = ui.main(page).locator(".st-key-summary_heatmap")
    expect(summary).to_be_visible()
    text = summary.inner_text().strip()
    assert text.startswith("In words: Heatmap of 22 speakers: the closest pair is ")
    assert "; the most distant " in text
    # It sits beside its chart: the next element after the heatmap.
    chart = ui.main(page).locator('[data-testid="stPlotlyChart"]').first
    assert summary.bounding_box()["y"] > chart.bounding_box()["y"] + chart.bounding_box()["height"] - 5
    page.watch.assert_clean()
