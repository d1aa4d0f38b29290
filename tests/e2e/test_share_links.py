"""Share links: change a page's widgets in the real UI, then open the resulting link -- both the
browser's address bar and the URL printed in the sidebar's "Share this view" box -- in a brand-new
browser context (a new Streamlit session) and check it shows the same widget values and content.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from facts import N_BUNDLED
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def same_link(a: str, b: str) -> None:
    """Address bar and share box name the same page and the same parameters, in the same order."""
    ua, ub = urlsplit(a), urlsplit(b)
    assert (ua.scheme, ua.netloc) == (ub.scheme, ub.netloc), (a, b)
    assert (ua.path or "/") == (ub.path or "/"), (a, b)
    assert parse_qsl(ua.query, keep_blank_values=True) == parse_qsl(ub.query, keep_blank_values=True), (a, b)


def settled_snapshot(ui, page, snapshot, timeout_s: float = 15.0) -> dict:
    """The page's snapshot once two reads 0.5 s apart agree.

    On a loaded 2-core CI machine a data grid can repaint its cells a moment after the script run
    has finished, so a single read may catch the previous run's rows. Waiting for a stable view
    (bounded) keeps the comparison about what the user ends up seeing.
    """
    deadline = time.monotonic() + timeout_s
    last = snapshot(ui, page)
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        ui.wait_for_app(page)
        now = snapshot(ui, page)
        if now == last:
            return now
        last = now
    return last


def reopen_and_compare(ui, new_page, name: str, page, snapshot, ready=None) -> dict:
    """Snapshot ``page``, then open its URL and its share URL in new contexts: all three must agree.

    ``ready(snapshot) -> bool`` says the originating page shows the change the test made; it is
    polled (bounded) before the reference snapshot is taken, and fails the test if never true.
    """
    ui.wait_for_app(page)
    before = settled_snapshot(ui, page, snapshot)
    if ready is not None:
        deadline = time.monotonic() + 15.0
        while not ready(before) and time.monotonic() < deadline:
            page.wait_for_timeout(500)
            before = settled_snapshot(ui, page, snapshot)
        assert ready(before), f"the page never showed the change made: {before}"
    address, shared = page.url, ui.share_url(page)
    same_link(address, shared)
    for url in (address, shared):
        other = new_page()
        other.goto(url)
        ui.wait_for_app(other)
        ui.expect_title(other, name)
        after = settled_snapshot(ui, other, snapshot)
        assert after == before, f"{url} shows a different view:\nexpected {before}\ngot      {after}"
        other.watch.assert_clean()
    page.watch.assert_clean()
    return before


def main_captions(ui, page) -> list[str]:
    return [t.strip() for t in ui.main(page).locator('[data-testid="stCaptionContainer"]').all_inner_texts()]


# ---------------------------------------------------------------------------- Explore
QUERY = "the trade deal is irrelevant"


def explore_snapshot(ui, page) -> dict:
    main, side = ui.main(page), ui.sidebar(page)
    results = main.locator('[data-testid="stDataFrame"]').first
    rows = ui.dataframe_rows(results, max_rows=3)
    headers = ui.dataframe_headers(results)
    speaker, quote = (headers.index(h) if h in headers else None for h in ("Speaker", "Quote"))
    return {
        "query": ui.search_box(page).input_value(),
        "speakers": ui.multiselect_values(side, "Speakers"),
        "statements": ui.metric(main, "Statements"),
        "kept": ui.metric(side, "Statements kept by the filters"),
        "headers": headers,
        "top_results": [(r[speaker], r[quote]) for r in rows] if speaker is not None and quote is not None else [],
    }


def test_explore_search_and_speaker_filter(ui, new_page):
    page = new_page()
    ui.goto(page, "explore")
    box = ui.search_box(page)
    box.fill(QUERY)
    box.press("Enter")
    ui.expect_url(page, r"[?&]q=the\+trade\+deal\+is\+irrelevant")
    expect(ui.search_results(page, QUERY)).to_be_visible()
    ui.choose(page, ui.sidebar(page), "Speakers", "Claudia Sheinbaum", multi=True)
    ui.expect_url(page, r"[?&]speakers=Claudia\+Sheinbaum")
    expect(ui.sidebar(page).locator('[data-testid="stMetricValue"]')).not_to_have_text(f"{N_BUNDLED} of {N_BUNDLED}")
    ui.wait_for_app(page)
    snap = reopen_and_compare(
        ui,
        new_page,
        "explore",
        page,
        explore_snapshot,
        ready=lambda s: (
            bool(s["top_results"]) and all(speaker == "Claudia Sheinbaum" for speaker, _ in s["top_results"])
        ),
    )
    assert snap["query"] == QUERY
    assert snap["speakers"] == ["Claudia Sheinbaum"]
    assert snap["top_results"] and all(speaker == "Claudia Sheinbaum" for speaker, _ in snap["top_results"])
    assert snap["headers"][:3] == ["Rank", "Matched by", "Similarity"]  # the order, and what decided it


# ---------------------------------------------------------------------------- Compare
def compare_snapshot(ui, page) -> dict:
    main = ui.main(page)
    return {
        "topic": ui.selectbox_value(main, "Topic"),
        "who": ui.multiselect_values(main, "Speakers (2 to 4)"),
        "headings": ui.headings(main),
        "captions": main_captions(ui, page),
    }


def test_compare_topic_and_speakers(ui, new_page):
    page = new_page()
    ui.goto(page, "compare")
    main = ui.main(page)
    ui.choose(page, main, "Topic", "tariffs")
    ui.expect_url(page, r"[?&]topic=tariffs")
    ui.wait_for_app(page)
    # Nothing is picked by default (the page shows the topic's two top speakers): pick three.
    ui.choose(page, main, "Speakers (2 to 4)", "Donald Trump", multi=True)
    ui.wait_for_app(page)
    ui.choose(page, main, "Speakers (2 to 4)", "Marcelo Ebrard", multi=True)
    ui.choose(page, main, "Speakers (2 to 4)", "Justin Trudeau", multi=True)
    ui.expect_url(page, r"[?&]who=Donald\+Trump.*&who=Marcelo\+Ebrard.*&who=Justin\+Trudeau")
    expect(main.get_by_role("heading", name="Justin Trudeau", exact=True)).to_be_visible()
    ui.wait_for_app(page)
    snap = reopen_and_compare(ui, new_page, "compare", page, compare_snapshot)
    assert snap["topic"] == "tariffs"
    assert snap["who"] == ["Donald Trump", "Marcelo Ebrard", "Justin Trudeau"]
    assert snap["headings"][:3] == snap["who"]


def test_compare_topic_only(ui, new_page):
    page = new_page()
    ui.goto(page, "compare")
    ui.choose(page, ui.main(page), "Topic", "security/cartels")
    ui.expect_url(page, r"[?&]topic=security%2Fcartels")
    expect(ui.main(page).get_by_role("heading", name="How alike they sound on this topic")).to_be_visible()
    reopen_and_compare(ui, new_page, "compare", page, compare_snapshot)


# ---------------------------------------------------------------------------- Heatmaps
def heatmaps_snapshot(ui, page) -> dict:
    main = ui.main(page)
    checked = [
        r
        for r in ("speaker × speaker", "speaker × topic", "statement × statement")
        if main.get_by_role("radio", name=r, exact=True).is_checked()
    ]
    cell = main.locator('[data-testid="stDataFrame"]')
    return {
        "mode": checked,
        "row": ui.selectbox_value(main, "Row"),
        "col": ui.selectbox_value(main, "Column"),
        "cosine": ui.metric(main, "Cosine similarity"),
        "titles": ui.plot_titles(main),
        "cell_rows": [(r[1], r[2]) for r in ui.dataframe_rows(cell.first)] if cell.count() else [],
        "captions": main_captions(ui, page),
    }


def test_heatmaps_mode_and_row(ui, new_page):
    page = new_page()
    ui.goto(page, "heatmaps")
    main = ui.main(page)
    main.get_by_text("speaker × topic", exact=True).click()
    ui.expect_url(page, r"[?&]mode=speaker")
    expect(main.locator('[data-testid="stPlotlyChart"] .gtitle').first).to_contain_text("Speaker × topic")
    ui.wait_for_app(page)
    ui.choose(page, main, "Row", "Claudia Sheinbaum")
    ui.expect_url(page, r"[?&]row=Claudia\+Sheinbaum")
    ui.choose(page, main, "Column", "security/cartels")
    ui.expect_url(page, r"[?&]col=security%2Fcartels")
    ui.wait_for_app(page)
    snap = reopen_and_compare(
        ui,
        new_page,
        "heatmaps",
        page,
        heatmaps_snapshot,
        ready=lambda s: (
            bool(s["cell_rows"]) and all(r == ("Claudia Sheinbaum", "security/cartels") for r in s["cell_rows"])
        ),
    )
    assert snap["mode"] == ["speaker × topic"]
    assert (snap["row"], snap["col"]) == ("Claudia Sheinbaum", "security/cartels")
    assert snap["cell_rows"] and all(r == ("Claudia Sheinbaum", "security/cartels") for r in snap["cell_rows"])
    assert re.fullmatch(r"-?\d\.\d{3}", snap["cosine"])


# ---------------------------------------------------------------------------- Tracker
PHRASES = "tariffs are a tax on consumers\nwe will retaliate"


def tracker_snapshot(ui, page) -> dict:
    main = ui.main(page)
    return {
        "phrases": main.get_by_role("textbox", name="Positions, one per line").input_value(),
        "speaker": ui.selectbox_value(main, "Speaker"),
        "topic": ui.selectbox_value(main, "Topic"),
        "period": ui.selectbox_value(main, "Period"),
        "titles": ui.plot_titles(main),
        "shifts": [t.strip() for t in main.get_by_text(re.compile(r"^Shift from ")).all_inner_texts()],
        "captions": main_captions(ui, page),
    }


def test_tracker_phrases_and_drift_speaker(ui, new_page):
    page = new_page()
    ui.goto(page, "tracker")
    main = ui.main(page)
    area = main.get_by_role("textbox", name="Positions, one per line")
    area.fill(PHRASES)
    area.press("Control+Enter")  # a text area commits on Ctrl+Enter (or on blur)
    ui.expect_url(page, r"[?&]phrases=tariffs\+are\+a\+tax")
    expect(main.locator('[data-testid="stPlotlyChart"] .gtitle').first).to_contain_text(
        "tariffs are a tax on consumers"
    )
    ui.wait_for_app(page)
    ui.choose(page, main, "Speaker", "Claudia Sheinbaum")
    ui.expect_url(page, r"[?&]dspk=Claudia\+Sheinbaum")
    expect(main.locator('[data-testid="stPlotlyChart"] .gtitle').last).to_contain_text("Claudia Sheinbaum: drift")
    ui.wait_for_app(page)
    snap = reopen_and_compare(ui, new_page, "tracker", page, tracker_snapshot)
    assert snap["phrases"] == PHRASES
    assert snap["speaker"] == "Claudia Sheinbaum"
    assert any("we will retaliate" in t for t in snap["titles"])
    assert snap["shifts"], "the drift section shows at least one flagged shift"


# ---------------------------------------------------------------------------- Data
def data_snapshot(ui, page) -> dict:
    toggle = ui.main(page).get_by_role("switch", name="Dates like 03/04/2026 are day first (DD/MM/YYYY)")
    return {
        "dayfirst": toggle.is_checked(),
        "dataset": ui.sidebar(page).get_by_role("radio", name="bundled").is_checked(),
    }


def test_data_dayfirst(ui, new_page):
    page = new_page()
    ui.goto(page, "data")
    ui.main(page).get_by_text("Dates like 03/04/2026 are day first (DD/MM/YYYY)").click()
    ui.expect_url(page, r"[?&]dayfirst=true")
    snap = reopen_and_compare(ui, new_page, "data", page, data_snapshot)
    assert snap == {"dayfirst": True, "dataset": True}


# ---------------------------------------------------------------------------- links that do not fit
def test_a_link_that_does_not_fit_the_data_says_so(ui, new_page):
    """A link with an unknown speaker and a date range reaching before the data: the page names
    both, keeps the known speaker and the range, and the address bar then holds the view shown."""
    page = new_page()
    ui.goto(page, ui.url("explore", "speakers=Nobody+Atall&speakers=Mark+Carney&dates=2010-01-01&dates=2025-12-31"))
    main, side = ui.main(page), ui.sidebar(page)
    note = main.locator('[data-testid="stAlertContentInfo"]').filter(
        has_text="Some settings in this link do not fit the data"
    )
    expect(note).to_be_visible()
    expect(note).to_contain_text("Speakers: “Nobody Atall” is not among the choices here, so it was left out.")
    expect(note).to_contain_text("Dates: 2010-01-01 to 2025-12-31 reaches beyond the statements here")
    assert ui.multiselect_values(side, "Speakers") == ["Mark Carney"]
    ui.expect_url(page, r"[?&]dates=2010-01-01&dates=2025-12-31")
    assert "Nobody" not in page.url
    # The address bar and the share box now hold the view shown, and reopen it.
    same_link(page.url, ui.share_url(page))
    other = new_page()
    ui.goto(other, page.url)
    assert ui.multiselect_values(ui.sidebar(other), "Speakers") == ["Mark Carney"]
    assert ui.metric(ui.sidebar(other), "Statements kept by the filters") == ui.metric(
        side, "Statements kept by the filters"
    )
    page.watch.assert_clean()
    other.watch.assert_clean()


# ---------------------------------------------------------------------------- one statement, picked
def href(page) -> str:
    """The address bar as the document has it (page.url can lag behind history.replaceState)."""
    return page.evaluate("location.href")


def statement_snapshot(ui, page) -> dict:
    dialog = page.get_by_role("dialog")
    return {
        "lines": [
            t.strip() for t in dialog.locator('[data-testid="stMarkdownContainer"]').all_inner_texts() if t.strip()
        ],
        # The link is the dialog's last code box (the citation's two boxes come before it).
        "link": dialog.locator('[data-testid="stCode"]').last.inner_text().strip(),
    }


def test_explore_a_picked_statement_opens_and_its_link_reopens_it(ui, new_page):
    page = new_page()
    ui.goto(page, ui.url("explore", "topics=USMCA%2Ftrade"))
    table = ui.main(page).locator('[data-testid="stDataFrame"]').last
    table.scroll_into_view_if_needed()
    second = ui.dataframe_rows_when(table, lambda r: len(r) >= 2 and all(x[2] == "USMCA/trade" for x in r))[1]
    box = table.bounding_box()
    # Glide draws on a canvas: tick the row marker (first column) of the second row; header and rows are 35 px.
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 35 + 17)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=30_000)
    ui.wait_for_app(page)
    expect(dialog.get_by_text("Others who said something close")).to_be_visible()
    snap = statement_snapshot(ui, page)
    assert snap["lines"][0] == "Statement" and snap["lines"][1].startswith(f"{second[1]} · ")
    assert second[3] in " ".join(snap["lines"])  # the quote of the row that was ticked
    assert re.search(r"[?&]stmt=S\d+", href(page)) and "topics=USMCA%2Ftrade" in href(page)
    same_link(href(page), snap["link"])
    page.screenshot(path=ui.SCREENSHOT_DIR / "statement.png")
    # A fresh browser opening that link sees the same statement and the same neighbours.
    other = new_page()
    other.goto(snap["link"])
    expect(other.get_by_role("dialog")).to_be_visible(timeout=30_000)
    ui.wait_for_app(other)
    assert statement_snapshot(ui, other) == snap
    # Closing it takes it out of the address, and the page stays usable.
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    # The dialog hides at once; the rerun that takes the statement out of the address follows.
    page.wait_for_function("() => !location.href.includes('stmt=')", timeout=30_000)
    ui.wait_for_app(page)
    assert "topics=USMCA%2Ftrade" in href(page)
    for p in (page, other):
        p.watch.assert_clean()


def test_tracker_a_clicked_point_opens_its_statement(ui, new_page):
    page = new_page()
    ui.goto(page, ui.url("tracker", "speakers=Jamieson+Greer&phrases=shortcomings"))
    # The similarity chart ("about the same thing") sits in an expander under the holds / rejects chart.
    ui.main(page).get_by_text("About the same thing as “shortcomings”").click()
    chart = ui.main(page).locator('[data-testid="stExpander"] [data-testid="stPlotlyChart"]').first
    points = chart.locator(".scatterlayer .trace .points path")
    expect(points.first).to_be_visible(timeout=30_000)
    assert points.count() == 12  # Greer's twelve statements
    # Points are drawn in timeline order, so the first is Greer's earliest statement.
    points.first.scroll_into_view_if_needed()
    box = points.first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=30_000)
    ui.wait_for_app(page)
    snap = statement_snapshot(ui, page)
    assert snap["lines"][1].startswith("Jamieson Greer · ")
    assert re.search(r"[?&]stmt=S\d+", href(page)) and "/tracker" in href(page)
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    page.wait_for_function("() => !location.href.includes('stmt=')", timeout=30_000)
    ui.wait_for_app(page)
    assert "speakers=Jamieson+Greer" in href(page)
    page.watch.assert_clean()


# ---------------------------------------------------------------------------- every bound choice
# Issue 16, point 1: Streamlit leaves a bound widget's value out of the URL while it equals the
# widget's default. A default that followed the data (the first topic by count under the filters)
# let a pick go missing from the link once a filter changed. For every bound select box and
# multiselect on every page: under narrowed dates, pick the option listed first (the one a
# data-dependent default would have been), widen the dates to the full range, then open the link
# in a fresh browser: it must show the same values.
NARROW = "dates=2024-12-17&dates=2026-02-13"
SIDEBAR_CHOICES = ["Speakers", "Topics", "Language"]
# Page (with any parameter it needs) -> the labels of its bound choice widgets, main area.
BOUND_CHOICES = {
    ("explore", ""): [],
    ("compare", ""): ["Topic", "Speakers (2 to 4)"],
    ("heatmaps", "mode=speaker+%C3%97+speaker"): ["Within topic", "Row", "Column"],
    ("heatmaps", "mode=speaker+%C3%97+topic"): ["Row", "Column"],
    ("heatmaps", "mode=statement+%C3%97+statement&n=400"): ["Row", "Column"],  # every statement: none capped away
    ("tracker", ""): ["Speaker", "Topic", "Period"],
    ("data", ""): [],
    ("map", ""): ["Colour by", "Speakers' paths over time"],
}
MULTI = {"Speakers", "Topics", "Language", "Speakers (2 to 4)", "Speakers' paths over time"}


def combobox_labels(scope) -> list[str]:
    return scope.get_by_role("combobox").evaluate_all("els => els.map(e => e.getAttribute('aria-label') || '')")


def pick_first(ui, page, scope, label: str) -> str:
    """Open the box labelled ``label`` and pick the option it lists first; return that option."""
    from playwright.sync_api import expect

    ui.wait_for_app(page)  # a rerun still under way after the last pick redraws the list while it is open
    box = ui.combobox(scope, label)
    box.click()
    if not page.get_by_role("listbox").count():
        box.press("ArrowDown")  # some boxes open on a key, not on a click
    # A multiselect lists "Select all" first: the first real option follows it.
    option = page.get_by_role("listbox").get_by_role("option").filter(has_not_text="Select all").first
    expect(option).to_be_visible()
    text = option.inner_text().strip()
    option.click()
    if label in MULTI:
        page.keyboard.press("Escape")
    expect(page.get_by_role("listbox")).to_have_count(0)
    ui.wait_for_app(page)
    return text


def choice_values(ui, page, labels: list[str]) -> dict[str, object]:
    values: dict[str, object] = {}
    for label in labels:
        scope = ui.sidebar(page) if label in SIDEBAR_CHOICES else ui.main(page)
        values[label] = ui.multiselect_values(scope, label) if label in MULTI else ui.selectbox_value(scope, label)
    return values


def widen_dates(ui, page) -> None:
    """Move both thumbs of the sidebar's date slider to the ends, with the keyboard."""
    thumbs = ui.sidebar(page).get_by_role("slider")
    for thumb, key in ((thumbs.nth(0), "Home"), (thumbs.nth(1), "End")):
        thumb.focus()
        page.keyboard.press(key)
        ui.wait_for_app(page)
    page.wait_for_function("() => !location.href.includes('dates=')", timeout=30_000)
    ui.wait_for_app(page)


@pytest.mark.parametrize("where", list(BOUND_CHOICES), ids=lambda w: "-".join(filter(None, w)))
def test_every_bound_choice_survives_a_filter_change(ui, new_page, where):
    name, query = where
    labels = BOUND_CHOICES[where] + (SIDEBAR_CHOICES if name == "explore" else [])
    page = new_page()
    ui.goto(page, ui.url(name, "&".join(filter(None, [query, NARROW]))))
    # The table names every choice box the page has (a new bound widget must join the table).
    assert sorted(combobox_labels(ui.main(page))) == sorted(BOUND_CHOICES[where]), "update BOUND_CHOICES"
    assert sorted(combobox_labels(ui.sidebar(page))) == sorted(SIDEBAR_CHOICES)
    picked = {
        label: pick_first(ui, page, ui.sidebar(page) if label in SIDEBAR_CHOICES else ui.main(page), label)
        for label in labels
    }
    widen_dates(ui, page)
    before = choice_values(ui, page, labels)
    for label, value in picked.items():
        assert (value in before[label]) if label in MULTI else (before[label] == value), (label, value, before)
    other = new_page()
    ui.goto(other, page.url)
    ui.expect_title(other, name)
    ui.wait_for_app(other)  # a page that reads for a while on its first load (the tracker) has not drawn its boxes yet
    after = choice_values(ui, other, labels)
    assert after == before, f"{page.url} reopens another view:\nexpected {before}\ngot      {after}"
    page.watch.assert_clean()
    other.watch.assert_clean()
