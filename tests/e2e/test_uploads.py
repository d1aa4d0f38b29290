"""Uploads through the real file chooser on the Data page: good files, bad rows, files that are not
CSV at all, isolation between two visitors, and hostile text (HTML, markdown links, formulas)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

from facts import N_BUNDLED  # noqa: E402

UPLOADER = "Testa Uploadova"
GOOD_ROWS = [
    (
        UPLOADER,
        "2025-03-01",
        "tariffs",
        "Tariffs on garden gnomes are a tax on our own gardeners, said Testa Uploadova.",
    ),
    (
        UPLOADER,
        "2025-06-15",
        "USMCA/trade",
        "The trilateral agreement must be renewed with stricter rules for bicycles.",
    ),
    (UPLOADER, "2025-09-30", "migration", "Border policy needs cooperation with our neighbours, not slogans."),
]


def write_csv(path: Path, rows, header=("speaker", "date", "topic", "text")) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def upload_and_add(ui, page, path: Path, n: int) -> None:
    """On the Data page: choose the file, click "Add n statements", wait until the app says so."""
    ui.upload(page, path)
    button = ui.main(page).get_by_role("button", name=f"Add {n} statements", exact=True)
    expect(button).to_be_visible()
    ui.wait_for_app(page)
    button.click()
    expect(ui.main(page).get_by_text(f"Added: {n} statements from {path.name}")).to_be_visible(timeout=90_000)
    expect(ui.sidebar(page).get_by_role("radio", name="merged")).to_be_checked()
    ui.wait_for_app(page)


def page_text(page) -> str:
    return page.locator("body").inner_text()


# ---------------------------------------------------------------------------- (a) a good file
def test_valid_csv_is_added(ui, new_page, tmp_path):
    page = new_page()
    ui.goto(page, "data")
    path = write_csv(tmp_path / "testa.csv", GOOD_ROWS)
    upload_and_add(ui, page, path, 3)
    assert f"The dataset in use has {N_BUNDLED + 3} statements (merged)" in page_text(page)

    ui.open_page(page, "explore")
    main = ui.main(page)
    assert ui.metric(main, "Statements") == str(N_BUNDLED + 3)
    assert ui.metric(ui.sidebar(page), "Statements kept by the filters") == f"{N_BUNDLED + 3} of {N_BUNDLED + 3}"
    box = ui.search_box(page)
    box.fill("tariffs on garden gnomes")
    box.press("Enter")
    expect(ui.search_results(page, "tariffs on garden gnomes")).to_be_visible()
    ui.wait_for_app(page)
    results = main.locator('[data-testid="stDataFrame"]').first
    headers = ui.dataframe_headers(results)  # by header: Rank and Matched by come first in search results
    speaker, quote = headers.index("Speaker"), headers.index("Quote")
    top = ui.dataframe_rows_when(results, lambda r: bool(r) and r[0][speaker] == UPLOADER, max_rows=1)[0]
    assert top[speaker] == UPLOADER and "garden gnomes" in top[quote], top

    # The speaker filter offers the uploaded speaker, and picking it keeps exactly its three rows.
    ui.choose(page, ui.sidebar(page), "Speakers", UPLOADER, multi=True)
    expect(ui.sidebar(page).locator('[data-testid="stMetricValue"]')).to_have_text(f"3 of {N_BUNDLED + 3}")
    ui.wait_for_app(page)
    table = main.locator('[data-testid="stDataFrame"]').last
    rows = ui.dataframe_rows_when(table, lambda r: len(r) == 3 and all(x[1] == UPLOADER for x in r))
    quotes = sorted(r[3] for r in rows)
    assert quotes == sorted(r[3] for r in GOOD_ROWS)
    page.watch.assert_clean()


# ---------------------------------------------------------------------------- (b) bad rows
def test_bad_rows_are_reported_and_good_rows_added(ui, new_page, tmp_path):
    rows = [
        ("Testa Badrowova", "2025-01-10", "tariffs", "A perfectly ordinary statement about tariffs and trade."),
        ("Testa Badrowova", "next Tuesday", "tariffs", "This row has a date nobody can read."),
        ("Testa Badrowova", "2025-01-12", "tariffs", ""),
        ("", "2025-01-13", "tariffs", "This row has no speaker at all."),
        ("Testa Badrowova", "2025-01-14", "migration", "Another perfectly ordinary statement, about migration."),
    ]
    path = write_csv(tmp_path / "badrows.csv", rows)
    page = new_page()
    ui.goto(page, "data")
    ui.upload(page, path)
    main = ui.main(page)
    expect(main.get_by_role("heading", name="badrows.csv")).to_be_visible()
    expect(main.get_by_text(re.compile(r"^Problems: 3 errors \(row skipped\)"))).to_be_visible()
    ui.wait_for_app(page)
    assert "5 rows, 2 usable, 3 skipped" in page_text(page)

    problems = main.locator('[data-testid="stDataFrame"]').first
    headers = ui.dataframe_headers(problems)
    assert headers[:5] == ["File", "Line", "Column", "Severity", "Message"], headers
    table = ui.dataframe_rows(problems)
    by_line = {r[1]: r for r in table}
    assert set(by_line) == {"3", "4", "5"}, table
    assert all(r[0] == "badrows.csv" for r in table)
    assert by_line["3"][2] == "date" and "next Tuesday" in by_line["3"][4]
    assert by_line["4"][2] == "text"
    assert by_line["5"][2] == "speaker"
    assert all(r[3] == "error" and r[4].strip() for r in table)
    expect(main.get_by_role("button", name="Download the problems report (CSV)")).to_be_visible()

    upload_and_add(ui, page, path, 2)
    ui.open_page(page, "explore")
    assert ui.metric(ui.main(page), "Statements") == str(N_BUNDLED + 2)
    page.watch.assert_clean()


# ---------------------------------------------------------------------------- (c) not a CSV
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_non_csv_files_are_refused_clearly(ui, new_page, tmp_path):
    png = tmp_path / "x.png"
    png.write_bytes(PNG_BYTES)
    junk = tmp_path / "y.csv"
    junk.write_bytes(bytes((i * 197 + 89) % 256 for i in range(4096)) + b"\x00\xff\xfe\x00" * 64)

    page = new_page()
    ui.goto(page, "data")
    ui.upload(page, png, junk)
    main = ui.main(page)
    for name in ("x.png", "y.csv"):
        err = main.locator('[data-testid="stAlertContentError"]').filter(has_text=f"{name} cannot be used")
        expect(err).to_be_visible()
        assert len(err.inner_text()) > len(f"{name} cannot be used: ") + 10, err.inner_text()
    ui.wait_for_app(page)
    assert main.get_by_role("button", name=re.compile(r"^Add \d+ statements")).count() == 0
    assert ui.sidebar(page).get_by_role("radio", name="bundled").is_checked()

    # The app keeps working: other pages render on the bundled data.
    for name in ("explore", "compare"):
        ui.open_page(page, name)
        assert ui.metric(ui.sidebar(page), "Statements kept by the filters") == f"{N_BUNDLED} of {N_BUNDLED}"
    page.watch.assert_clean()


# ---------------------------------------------------------------------------- (d) isolation
def test_uploads_are_isolated_between_sessions(ui, new_page, tmp_path):
    a, b = new_page(), new_page()
    ui.goto(a, "data")
    ui.goto(b, "explore")  # B is connected before and while A uploads
    upload_and_add(ui, a, write_csv(tmp_path / "isolated.csv", GOOD_ROWS), 3)
    ui.open_page(a, "explore")
    assert ui.metric(ui.main(a), "Statements") == str(N_BUNDLED + 3)
    shared = ui.share_url(a)
    assert "data=merged" in shared

    for name in ui.PAGES:
        ui.open_page(b, name)
        side = ui.sidebar(b)
        expect(side.get_by_role("radio", name="bundled")).to_be_checked()
        assert ui.metric(side, "Statements kept by the filters") == f"{N_BUNDLED} of {N_BUNDLED}"
        assert UPLOADER not in page_text(b), f"{name}: B sees A's upload"
        if name == "explore":
            assert ui.metric(ui.main(b), "Statements") == str(N_BUNDLED)
            # The speaker list offered to B does not include A's speaker.
            # (The list is virtualized: type to filter it, with a bundled speaker as a control.)
            cb = ui.combobox(side, "Speakers")
            cb.click()
            cb.fill("Claudia")
            expect(b.get_by_role("option", name="Claudia Sheinbaum", exact=True)).to_be_visible()
            cb.fill("Testa")
            expect(b.get_by_role("option", name=UPLOADER, exact=True)).to_have_count(0)
            cb.fill("")
            b.keyboard.press("Escape")
            ui.wait_for_app(b)
        if name == "data":
            assert ui.main(b).get_by_role("heading", name="Merged data").count() == 0
            assert ui.main(b).get_by_role("heading", name="isolated.csv").count() == 0

    # A's link names the merged dataset; B opening it gets the bundled data and an explanation.
    b.goto(shared)
    ui.wait_for_app(b)
    ui.expect_title(b, "explore")
    expect(ui.main(b).get_by_text("A link cannot carry an upload")).to_be_visible()
    assert ui.metric(ui.main(b), "Statements") == str(N_BUNDLED)
    assert ui.metric(ui.sidebar(b), "Statements kept by the filters") == f"{N_BUNDLED} of {N_BUNDLED}"
    assert UPLOADER not in page_text(b)

    # A still has its upload, after B's visits.
    ui.open_page(a, "compare")
    ui.open_page(a, "explore")
    assert ui.metric(ui.main(a), "Statements") == str(N_BUNDLED + 3)
    assert ui.metric(ui.main(a), "Speakers") == "23"
    a.watch.assert_clean()
    b.watch.assert_clean()


# ---------------------------------------------------------------------------- (e) hostile text
INJECTOR = "Injecta Scriptova"
LONG = "Z" * 5000
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    LONG,
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
]
FORMULAS = {'=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"}

_NO_ACTIVE_CONTENT_JS = """() => ({
  jsLinks: Array.from(document.querySelectorAll('a[href]')).filter(a => /^\\s*javascript:/i.test(a.getAttribute('href'))).length,
  imgX: document.querySelectorAll('img[src="x"]').length,
  scripts: Array.from(document.querySelectorAll('script')).filter(s => (s.textContent || '').includes('alert(1)')).length,
  onerror: document.querySelectorAll('[onerror]').length,
})"""


def assert_inert(page) -> None:
    found = page.evaluate(_NO_ACTIVE_CONTENT_JS)
    assert found == {"jsLinks": 0, "imgX": 0, "scripts": 0, "onerror": 0}, found
    assert page.watch.dialogs == [], page.watch.dialogs


def test_hostile_text_stays_text(ui, new_page, tmp_path):
    rows = [(INJECTOR, f"2025-0{i + 1}-1{i}", "tariffs", text) for i, text in enumerate(HOSTILE)]
    path = write_csv(tmp_path / "hostile.csv", rows)
    page = new_page()
    ui.goto(page, "data")
    upload_and_add(ui, page, path, len(HOSTILE))
    assert_inert(page)

    # Compare: quote cards render the text literally.
    ui.open_page(page, "compare")
    main = ui.main(page)
    ui.choose(page, main, "Topic", "tariffs")
    ui.wait_for_app(page)
    ui.choose(page, main, "Speakers (2 to 4)", "Donald Trump", multi=True)
    ui.wait_for_app(page)
    ui.choose(page, main, "Speakers (2 to 4)", INJECTOR, multi=True)
    expect(main.get_by_role("heading", name=INJECTOR, exact=True)).to_be_visible()
    ui.wait_for_app(page)
    for text in HOSTILE:
        expect(main.get_by_text(text, exact=False).first).to_be_attached()
    expect(main.get_by_text("<script>alert(1)</script>", exact=False).first).to_be_visible()
    expect(main.get_by_text("[click](javascript:alert(1))", exact=False).first).to_be_visible()
    assert_inert(page)
    # The 5,000-character word wraps inside its card instead of widening the page.
    long_card = main.get_by_text(LONG[:50], exact=False).first
    long_card.scroll_into_view_if_needed()
    widths = page.evaluate(
        """(needle) => { const m = document.querySelector('[data-testid="stMain"]');
                         const p = Array.from(m.querySelectorAll('p')).find(e => e.textContent.includes(needle));
                         const col = p.closest('[data-testid="stColumn"]');
                         return {main: m.scrollWidth - m.clientWidth, p: p.getBoundingClientRect().width, col: col.getBoundingClientRect().width}; }""",
        LONG[:50],
    )
    assert widths["main"] <= 1 and widths["p"] <= widths["col"], widths

    # Explore: the injected speaker's rows in the table, and a search that lands on them.
    ui.open_page(page, "explore")
    ui.choose(page, ui.sidebar(page), "Speakers", INJECTOR, multi=True)
    expect(ui.sidebar(page).locator('[data-testid="stMetricValue"]')).to_have_text(
        f"{len(HOSTILE)} of {N_BUNDLED + len(HOSTILE)}"
    )
    box = ui.search_box(page)
    box.fill("<script>alert(1)</script>")
    box.press("Enter")
    expect(ui.search_results(page, "<script>alert(1)</script>")).to_be_visible()
    ui.wait_for_app(page)
    results = ui.main(page).locator('[data-testid="stDataFrame"]').first
    quote = ui.dataframe_headers(results).index("Quote")  # by header: Rank and Matched by come first
    shown = {
        r[quote]
        for r in ui.dataframe_rows_when(results, lambda r: any(x[quote] == "<script>alert(1)</script>" for x in r))
    }
    assert "<script>alert(1)</script>" in shown
    assert_inert(page)
    # The grid's own CSV export writes cells verbatim, so it is switched off; Explore's download
    # of the statements the filters keep is formula-safe.
    results.hover()
    expect(page.get_by_role("button", name="Search", exact=True).first).to_be_visible()  # the grid toolbar is up
    assert page.get_by_role("button", name="Download as CSV").count() == 0
    with page.expect_download() as info:
        ui.main(page).get_by_role(
            "button", name=f"Download the {len(HOSTILE)} statements the filters keep (CSV)"
        ).click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_bytes().decode("utf-8-sig"))))
    assert len(rows) == len(HOSTILE) and {r["speaker"] for r in rows} == {INJECTOR}
    for f in FORMULAS:
        assert "'" + f in {r["text"] for r in rows}
    assert all(not r[c].startswith(("=", "+", "-", "@")) for r in rows for c in r if r[c])

    # Heatmaps, statement mode, on the injected statements only; hover across the matrix.
    ui.open_page(page, "heatmaps")
    main = ui.main(page)
    main.get_by_text("statement × statement", exact=True).click()
    ui.expect_url(page, r"[?&]mode=statement")
    expect(main.locator('[data-testid="stPlotlyChart"] .gtitle').first).to_contain_text("Statement × statement")
    ui.wait_for_app(page)
    plot = main.locator('[data-testid="stPlotlyChart"] .nsewdrag').first
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    assert box, "the heatmap has a drawing area"
    hovers = []
    for fx in (0.1, 0.35, 0.6, 0.9):
        for fy in (0.1, 0.5, 0.9):
            page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            page.wait_for_timeout(80)  # a tiny settle so plotly draws the hover label
            hovers += main.locator(".hoverlayer .hovertext").all_text_contents()
    assert hovers, "hovering the heatmap shows labels"
    assert any("<script>alert(1)</script>" in h for h in hovers), hovers[:3]  # shown as text
    assert_inert(page)
    ui.assert_no_exception(page)

    # Data: the merged CSV download neutralizes formula cells.
    ui.open_page(page, "data")
    with page.expect_download() as info:
        ui.main(page).get_by_role("button", name="Download the merged statements (CSV)").click()
    raw = Path(info.value.path()).read_bytes()
    frame = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(frame) == N_BUNDLED + len(HOSTILE)
    texts = {r["text"] for r in frame if r["speaker"] == INJECTOR}
    for f in FORMULAS:
        assert "'" + f in texts, (f, texts)
        assert f not in texts
    assert {"<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))", LONG} <= texts
    assert all(not r[c].startswith(("=", "+", "-", "@")) for r in frame for c in r if r[c])
    assert_inert(page)
    page.watch.assert_clean()
