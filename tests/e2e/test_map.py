"""The Map page in a real browser: a box selection lists the statements inside it, and one of them
opens in the statement dialog. Also writes docs/screenshots/map.png."""

from __future__ import annotations

import re

import pytest
from facts import N_BUNDLED
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_box_select_lists_statements_and_one_opens(ui, new_page):
    page = new_page()
    ui.goto(page, ui.url("map", "traj=Donald+Trump&traj=Claudia+Sheinbaum"))
    ui.expect_title(page, "map")
    main = ui.main(page)
    chart = main.locator('[data-testid="stPlotlyChart"]').first
    expect(chart.locator(".gl-container canvas").first).to_be_attached()  # WebGL points
    expect(chart.locator(".annotation-text", has_text=" · ").first).to_be_visible()  # region labels
    ui.full_page_screenshot(page, ui.SCREENSHOT_DIR / "map.png")
    expect(main.get_by_text("Drag a box or a lasso on the map")).to_be_visible()

    # Drag a box over the middle of the plot area (the chart's drag mode is box select).
    box = chart.locator(".nsewdrag").first.bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.25
    x1, y1 = box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.75
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=5)
    page.mouse.move(x1, y1, steps=5)
    page.mouse.up()
    ui.wait_for_app(page)
    heading = main.get_by_role("heading", name=re.compile(r"^\d[\d,]* selected statements?$"))
    expect(heading).to_be_visible()
    n = int(heading.inner_text().split()[0].replace(",", ""))
    assert 0 < n < N_BUNDLED
    table = main.locator('[data-testid="stDataFrame"]').filter(has_text="Quote").first
    rows = ui.dataframe_rows(table)
    assert len(rows) == min(n, len(rows)) and rows
    if n <= 20:  # a small selection goes into the link
        assert page.url.count("sel=") == n
    else:
        assert "sel=" not in page.url

    # Tick the first row: the statement opens in the dialog, with its neighbours.
    table.scroll_into_view_if_needed()
    grid = table.bounding_box()
    page.mouse.click(grid["x"] + 18, grid["y"] + 35 + 17)
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Others who said something close")).to_be_visible(timeout=60_000)
    ui.wait_for_app(page)
    ui.expect_url(page, r"[?&]stmt=")
    first_quote = rows[0][[i for i, c in enumerate(rows[0]) if len(c) > 30][0]]
    expect(dialog.get_by_text(first_quote[:40], exact=False).first).to_be_visible()
    page.watch.assert_clean()
