"""The model choice in a real browser: picking the multilingual model in the sidebar puts it in the
URL, and the link (address bar and share box) reopens the same view with the same model in a new
session: an English search whose top hit is Ebrard's Spanish statement."""

from __future__ import annotations

import pytest
from test_share_links import reopen_and_compare

pytestmark = pytest.mark.browser

QUERY = "We will not make any commitment that contradicts our laws"
EBRARD_ES = "No haremos ningún compromiso que esté en contradicción con nuestras leyes"


def model_radio(ui, page):
    return ui.sidebar(page).locator('[data-testid="stRadio"]').filter(has_text="Model")


def checked_model(ui, page) -> str | None:
    checked = model_radio(ui, page).locator("label").filter(has=page.locator("input:checked"))
    return checked.first.inner_text().splitlines()[0].strip() if checked.count() else None


def snapshot(ui, page) -> dict:
    main = ui.main(page)
    results = main.locator('[data-testid="stDataFrame"]').first
    headers = ui.dataframe_headers(results)
    # Columns by their headers, not their places: the results table gained Rank and Matched by in front.
    speaker, quote = (headers.index(h) if h in headers else None for h in ("Speaker", "Quote"))
    rows = ui.dataframe_rows(results, max_rows=5) if speaker is not None and quote is not None else []
    return {
        "model": checked_model(ui, page),
        "query": ui.search_box(page).input_value(),
        "top": [(r[speaker], r[quote]) for r in rows],
    }


def test_a_share_link_keeps_the_model(ui, new_page):
    page = new_page()
    ui.goto(page, ui.url("explore", "q=" + QUERY.replace(" ", "+")))
    assert snapshot(ui, page)["model"] == "minilm"
    model_radio(ui, page).get_by_text("multilingual", exact=True).click()
    ui.expect_url(page, r"[?&]model=multilingual")
    ui.wait_for_app(page)
    snap = reopen_and_compare(
        ui,
        new_page,
        "explore",
        page,
        snapshot,
        ready=lambda s: s["model"] == "multilingual" and any(q == EBRARD_ES for _, q in s["top"]),
    )
    assert snap["model"] == "multilingual"
    assert ("Marcelo Ebrard", EBRARD_ES) in snap["top"]  # top 5: the word ranking cannot match across languages
    page.screenshot(path=str(ui.SCREENSHOT_DIR / "models.png"), full_page=False)


def test_the_mixed_language_notice_switches_to_the_multilingual_model_in_one_click(ui, new_page):
    page = new_page()
    ui.goto(page, ui.url("compare", "topic=USMCA%2Ftrade&who=Donald+Trump&who=Marcelo+Ebrard"))
    notice = ui.main(page).get_by_text("These statements mix languages", exact=False)
    notice.first.wait_for()
    notice.first.scroll_into_view_if_needed()
    page.screenshot(path=str(ui.SCREENSHOT_DIR / "language-notice.png"), full_page=False)
    ui.main(page).get_by_role("button", name="Use the multilingual model").click()
    ui.expect_url(page, r"[?&]model=multilingual")
    ui.wait_for_app(page)
    assert checked_model(ui, page) == "multilingual"
    assert ui.main(page).get_by_text("These statements mix languages", exact=False).count() == 0
    page.watch.assert_clean()
