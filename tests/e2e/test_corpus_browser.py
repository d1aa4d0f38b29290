"""The app on a corpus folder (STANCE_EXPLORER_CORPUS) under a real `streamlit run`, in Chromium:
every page draws without an error, and a shared link reopens the same view in a fresh session."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from facts import N_BUNDLED
from playwright.sync_api import expect

from devtools.server import start_app
from stance_explorer.dataset import BUNDLED_CSV, STORE_DIR, load_dataset
from stance_explorer.scale.corpus import build_corpus
from stance_explorer.store import EmbeddingStore

pytestmark = pytest.mark.browser

TITLES = {
    "": "Who says what, and how has it changed?",
    "compare": "Compare speakers",
    "heatmaps": "Similarity heatmaps",
    "tracker": "Drift: how a speaker's statements move",
}


@pytest.fixture(scope="module")
def app_server(browser, tmp_path_factory):
    """Overrides the suite's server for this module: app.py on a corpus built from the bundled data."""
    folder = tmp_path_factory.mktemp("corpus")
    build_corpus(
        [BUNDLED_CSV], folder / "bundled", store=EmbeddingStore(STORE_DIR, load_dataset().model_id, read_only=True)
    )
    with start_app(
        folder / "streamlit.log", extra_env={"STANCE_EXPLORER_CORPUS": str(folder / "bundled")}, timeout_s=60
    ) as server:
        yield server


@pytest.fixture(scope="module")
def app_url(app_server) -> str:
    return app_server.url


def test_every_corpus_page_draws(new_page, app_url, ui):
    page = new_page()
    for path, title in TITLES.items():
        ui.goto(page, f"{app_url}/{path}")
        expect(ui.main(page).locator("h1").first).to_have_text(title)
        assert page.locator('[data-testid="stPlotlyChart"], [data-testid="stDataFrame"]').count() > 0, path
    page.watch.assert_clean()


def test_a_shared_corpus_link_reopens_the_same_view(new_page, app_url, ui):
    page = new_page()
    ui.goto(page, f"{app_url}/tracker?months=2018-01&months=2025-12")
    ui.choose(page, ui.main(page), "Speaker", "Andrés Manuel López Obrador")
    ui.wait_for_app(page)
    ui.choose(page, ui.main(page), "Topic", "USMCA/trade")
    ui.wait_for_app(page)
    kept = ui.metric(ui.sidebar(page), "Statements kept by the filters")
    link = ui.share_url(page)
    params = parse_qs(urlparse(link).query)
    assert params["dspk"] == ["Andrés Manuel López Obrador"] and params["dtopic"] == ["USMCA/trade"]
    assert params["months"] == ["2018-01", "2025-12"]
    again = new_page()
    ui.goto(again, link)
    assert ui.selectbox_value(ui.main(again), "Speaker") == "Andrés Manuel López Obrador"
    assert ui.selectbox_value(ui.main(again), "Topic") == "USMCA/trade"
    assert ui.metric(ui.sidebar(again), "Statements kept by the filters") == kept != str(N_BUNDLED)
    assert "Andrés Manuel López Obrador: drift on USMCA/trade" in ui.plot_titles(ui.main(again))
    ui.goto(again, f"{app_url}/compare?topic=USMCA%2Ftrade&who=Donald+Trump&who=Claudia+Sheinbaum&who=Mark+Carney")
    assert ui.multiselect_values(ui.main(again), "Speakers to compare") == [
        "Donald Trump",
        "Claudia Sheinbaum",
        "Mark Carney",
    ]
    ui.full_page_screenshot(again, ui.SCREENSHOT_DIR / "corpus-compare.png")
    page.watch.assert_clean()
    again.watch.assert_clean()
