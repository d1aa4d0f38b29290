"""The app on a corpus folder (STANCE_EXPLORER_CORPUS): its four pages, share links, and a bad folder.

The corpus is built from the bundled data, so what the pages show can be checked against it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from apptest_helpers import APP, REPO_ROOT, assert_ok, new_app, plotly_array, plotly_charts, shown_choice, unescape
from facts import N_BUNDLED, N_SPEAKERS, N_TOPICS

from stance_explorer import schema as S
from stance_explorer.dataset import BUNDLED_CSV, STORE_DIR, load_dataset
from stance_explorer.scale.corpus import build_corpus
from stance_explorer.store import EmbeddingStore
from webapp import params as P
from webapp.corpusview import CORPUS_ENV


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("appcorpus") / "bundled"
    build_corpus([BUNDLED_CSV], out, store=EmbeddingStore(STORE_DIR, load_dataset().model_id, read_only=True))
    return out


@pytest.fixture(scope="module", autouse=True)
def close_cached_corpora():
    """Let go of the corpora the app cached (and their DuckDB connections) when this module ends."""
    yield
    from webapp.corpusview import open_corpus

    open_corpus.clear()


@pytest.fixture
def corpus_app(corpus_dir, monkeypatch):
    monkeypatch.setenv(CORPUS_ENV, str(corpus_dir))

    def open_corpus_page(page: str = "corpus/explore", params: dict | None = None):
        at = new_app()
        at.query_params.update(params or {})
        at.run()
        assert_ok(at)
        if page != "corpus/explore":
            at.switch_page(f"app_pages/{page}.py").run()
            assert_ok(at)
        return at

    return open_corpus_page


def table(at, column: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def test_explore_counts_and_newest_rows(corpus_app):
    at = corpus_app()
    metrics = {m.label: m.value for m in at.main.metric}
    assert metrics == {
        "Statements": str(N_BUNDLED),
        "Speakers": str(N_SPEAKERS),
        "Topics": str(N_TOPICS),
        "Years": "2017–2026",
    }
    assert at.sidebar.metric[0].value == str(N_BUNDLED)
    rows = table(at, S.TEXT)
    assert len(rows) == 50 and rows[S.DATE].is_monotonic_decreasing
    frame = pd.read_csv(BUNDLED_CSV, dtype=str, keep_default_na=False)
    assert rows[S.DATE].iloc[0].strftime("%Y-%m-%d") == frame[S.DATE].max()


def test_contains_filter_pages_and_escapes_the_words(corpus_app):
    at = corpus_app(params={P.CONTAINS: "the"})
    caption = next(unescape(c.value) for c in at.main.caption if "statements contain" in c.value)
    frame = pd.read_csv(BUNDLED_CSV, dtype=str, keep_default_na=False)
    n = int(frame[S.TEXT].str.lower().str.contains("the").sum())
    assert caption.startswith(f"{n:,} statements contain “the”")
    at = corpus_app(params={P.CONTAINS: "the", P.PAGE: "3"})
    assert len(table(at, S.TEXT)) == n - 100 < 50
    at = corpus_app(params={P.CONTAINS: "**bold** [x](javascript:alert(1))"})
    caption = next(c.value for c in at.main.caption if "statements contain" in c.value)
    assert caption.startswith("0 statements contain “\\*\\*bold\\*\\* \\[x\\]\\(javascript\\:alert\\(1\\)\\)”")


def test_sidebar_filters_and_a_shared_link_reopen_the_view(corpus_app):
    at = corpus_app(params={P.SPEAKERS: ["Donald Trump"], P.MONTHS: ["2025-01", "2026-02"]})
    assert at.multiselect(key=P.SPEAKERS).value == ["Donald Trump"]
    assert at.select_slider(key=P.MONTHS).value == ("2025-01", "2026-02")
    frame = pd.read_csv(BUNDLED_CSV, dtype=str, keep_default_na=False)
    want = int(((frame[S.SPEAKER] == "Donald Trump") & (frame[S.DATE] >= "2025-01-01")).sum())
    assert at.sidebar.metric[0].value == f"{want}"
    assert set(table(at, S.TEXT)[S.SPEAKER]) == {"Donald Trump"}
    # A value the corpus does not have is named, not silently dropped.
    at = corpus_app(params={P.SPEAKERS: ["Nobody Atall"]})
    assert any("Nobody Atall" in unescape(i.value) for i in at.info)


def test_compare_matches_the_library_and_shows_quotes(corpus_app, corpus_dir):
    from stance_explorer.scale.corpus import Corpus, Selection

    at = corpus_app("corpus/compare")
    topic = shown_choice(at, P.CMP_TOPIC)
    assert topic == "USMCA/trade"  # the topic with the most statements
    charts = plotly_charts(at)
    assert {"ccmp_heat", "ccmp_time"} <= set(charts)
    c = Corpus(corpus_dir)  # the sums only: no DuckDB connection is opened
    top2 = c.counts_by(c.mask(Selection(topics=[topic])), S.SPEAKER)[S.SPEAKER].head(2).tolist()
    want, _ = c.pair_similarity_matrix(Selection(), top2, topic=topic)
    z = plotly_array(charts["ccmp_heat"]["data"][0]["z"])
    np.testing.assert_allclose(z, want.to_numpy(), atol=1e-9)
    assert len([m for m in at.main.markdown if m.value.startswith("“")]) == 10  # five newest per speaker


def test_heatmaps_both_matrices(corpus_app):
    at = corpus_app("corpus/heatmaps")
    assert "chm_ss" in plotly_charts(at)
    at = corpus_app("corpus/heatmaps", params={P.HM_MODE: "speaker × topic", P.CORPUS_MAX: "5"})
    fig = plotly_charts(at)["chm_st"]
    assert len(fig["data"][0]["y"]) == 5 and len(fig["data"][0]["x"]) == 9


def test_drift_flags_trumps_2026_turn(corpus_app):
    at = corpus_app("corpus/drift", params={P.DRIFT_SPEAKER: "Donald Trump", P.DRIFT_TOPIC: "USMCA/trade"})
    shifts = table(at, "Shift rank")
    assert shifts.loc[shifts["Shift rank"] == 1, "Period"].item() == "2026"
    assert "irrelevant" in shifts.loc[shifts["Period"] == "2026", "Newest full quote of the period"].item()
    bars = plotly_charts(at)["cdrift"]["data"][0]
    assert bars["x"] == ["2018", "2020", "2025", "2026"]


def test_a_folder_that_is_not_a_corpus_is_said_in_a_sentence(tmp_path, monkeypatch):
    monkeypatch.setenv(CORPUS_ENV, str(tmp_path))
    at = new_app().run()
    assert not at.exception
    assert any("is not a corpus folder" in e.value for e in at.error)


PROBE = textwrap.dedent(
    f"""
    import json, sys
    from streamlit.testing.v1 import AppTest
    from stance_explorer import dataset

    reads = []
    original = dataset.read_statements
    def spy(*args, **kwargs):
        reads.append(str(args[0])[:80])
        return original(*args, **kwargs)
    dataset.read_statements = spy  # how the bundled data would be loaded (dataset.load_dataset)

    at = AppTest.from_file({str(APP)!r}, default_timeout=90).run()
    for page in ("corpus/compare", "corpus/heatmaps", "corpus/drift"):
        at.switch_page(f"app_pages/{{page}}.py").run()
    print(json.dumps({{
        "exceptions": [e.value for e in at.exception],
        "loaded": {{name: name in sys.modules for name in ("torch", "sentence_transformers")}},
        "reads": reads,
    }}))
    """
)


def test_corpus_pages_load_no_model_and_no_statements_file(corpus_dir):
    env = dict(os.environ, HF_HUB_OFFLINE="1", **{CORPUS_ENV: str(corpus_dir)})
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["exceptions"] == []
    assert report["loaded"] == {"torch": False, "sentence_transformers": False}
    assert report["reads"] == []  # the bundled CSV is never read: the pages read the corpus only


def test_rows_left_out_of_the_build_are_listed_by_file_and_line(tmp_path, monkeypatch):
    rows = pd.read_csv(BUNDLED_CSV, dtype=str, keep_default_na=False).iloc[:10].copy()
    rows.loc[rows.index[4], S.DATE] = "sometime"  # line 6 of the file
    rows.to_csv(tmp_path / "part.csv", index=False)
    build_corpus(
        [tmp_path / "part.csv"],
        tmp_path / "c",
        store=EmbeddingStore(STORE_DIR, load_dataset().model_id, read_only=True),
    )
    monkeypatch.setenv(CORPUS_ENV, str(tmp_path / "c"))
    at = new_app().run()
    assert_ok(at)
    assert [e.label for e in at.main.expander][0].startswith("1 row of the source files was left out")
    problems = table(at, "severity")
    assert problems[["file", "line", "column"]].values.tolist() == [["part.csv", "6", "date"]]
    assert at.sidebar.metric[0].value == "9"
