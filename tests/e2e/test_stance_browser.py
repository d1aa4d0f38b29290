"""Stance page in a real browser: teach three labels, then the share link reopens the axis.

Labels live in the session (never in a link), so the reopened view has the same axis, topic and
mode but none of the labels, and says so.
"""

from __future__ import annotations

import re
import time
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import expect

from stance_explorer.stance import load_presets

pytestmark = pytest.mark.browser

TARIFFS = next(p for p in load_presets() if p.topic == "tariffs")  # the shipped preset, as worded now
TARIFFS_TARGET, TARIFFS_FAVOR, TARIFFS_AGAINST = TARIFFS.axis.target, TARIFFS.axis.favor, TARIFFS.axis.against
TARGET_PARAM = "target=" + quote_plus(TARIFFS_TARGET)


def field(ui, page, label: str):
    return ui.main(page).get_by_role("textbox", name=label)


def wait_metric(ui, page, label: str, value: str, timeout_s: float = 60) -> None:
    """Wait (bounded) until the metric shows ``value``: a rerun replaces it a moment after a click."""
    main = ui.main(page)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ui.wait_for_app(page)
        if ui.metric(main, label) == value:
            return
        page.wait_for_timeout(500)
    assert ui.metric(main, label) == value


def test_teach_three_labels_then_the_share_link_reopens_the_axis(ui, new_page):
    page = new_page()
    ui.goto(page, "stance")
    ui.expect_title(page, "stance")
    main = ui.main(page)
    # The default axis is the USMCA preset, taught by its 75 shipped hand labels.
    expect(main.get_by_text(re.compile(r"^Taught by 75 labels"))).to_be_visible()
    expect(main.get_by_text(re.compile(r"^Donald Trump: Full Flop"))).to_be_visible()
    ui.full_page_screenshot(page, ui.SCREENSHOT_DIR / "stance.png")

    ui.choose(page, main, "Preset", TARIFFS.name)
    ui.wait_for_app(page)
    expect(field(ui, page, "Target: what the statements take a position on")).to_have_value(TARIFFS_TARGET)
    ui.expect_url(page, re.escape(TARGET_PARAM))
    wait_metric(ui, page, "Labels for this axis", "0")

    for n, label in enumerate(["favor", "against", "favor"], start=1):
        group = main.locator('[data-testid="stButtonGroup"]').first
        group.get_by_role("radio", name=label, exact=True).click()
        wait_metric(ui, page, "Labels for this axis", str(n))  # the rerun replaces the suggestions
    assert ui.metric(main, "favor / against / none") == "2 / 1 / 0"
    expect(main.get_by_text(re.compile(r"^Taught by 3 labels"))).to_be_visible()

    shared = ui.share_url(page)
    assert TARGET_PARAM in shared and "favor=" in shared and "against=" in shared
    other = new_page()
    other.goto(shared)
    ui.wait_for_app(other)
    ui.expect_title(other, "stance")
    m2 = ui.main(other)
    expect(field(ui, other, "Target: what the statements take a position on")).to_have_value(TARIFFS_TARGET)
    expect(field(ui, other, "Favor pole (empty: derived from the target)")).to_have_value(TARIFFS_FAVOR)
    expect(field(ui, other, "Against pole (empty: derived from the target)")).to_have_value(TARIFFS_AGAINST)
    assert ui.selectbox_value(m2, "Preset") == TARIFFS.name
    assert ui.selectbox_value(m2, "Statements on") == "tariffs"
    # The labels stayed with the first session: the link carries the axis, not the labels.
    assert ui.metric(m2, "Labels for this axis") == "0"
    # The mode control says "taught", and so does the caption, with why it reads zero-shot for now.
    expect(m2.get_by_text(re.compile(r"^Taught mode, but no label for this axis"))).to_be_visible()
    other.watch.assert_clean()
    page.watch.assert_clean()


def test_a_dot_opens_its_statement(ui, new_page):
    """The quotes behind a speaker's estimate are one click away: a dot opens the statement dialog."""
    page = new_page()
    ui.goto(page, "stance")
    chart = ui.main(page).locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    point = chart.locator(".scatterlayer .trace .points path").first
    # Centre the dot in the window, so the app's sticky header never sits over it when clicked.
    point.evaluate("e => e.scrollIntoView({block: 'center'})")
    point.click(force=True)
    ui.expect_url(page, r"[?&]stmt=S\d+")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    sid = re.search(r"stmt=(S\d+)", page.url).group(1)
    expect(dialog.get_by_text(re.compile(rf"id {sid}\b"))).to_be_visible()
    page.watch.assert_clean()


def test_a_link_with_a_presets_former_wording_opens_the_preset_as_now_worded(ui, new_page):
    """A link shared before the presets became claims ("security cooperation against the cartels")
    opens the security preset as worded now, the address bar carries the new wording, and a note says so."""
    from urllib.parse import urlencode

    security = next(p for p in load_presets() if p.topic == "security/cartels")
    old = security.former[0]
    page = new_page()
    ui.goto(page, ui.url("stance", urlencode({"target": old.target, "favor": old.favor, "against": old.against})))
    ui.expect_title(page, "stance")
    expect(field(ui, page, "Target: what the statements take a position on")).to_have_value(security.axis.target)
    expect(field(ui, page, "Against pole (empty: derived from the target)")).to_have_value(security.axis.against)
    assert ui.selectbox_value(ui.main(page), "Preset") == security.name
    ui.expect_url(page, re.escape("target=" + quote_plus(security.axis.target)))
    expect(ui.main(page).get_by_text(re.compile("is the former wording of the preset"))).to_be_visible()
    page.watch.assert_clean()
