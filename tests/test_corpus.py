"""A corpus folder (stance_explorer/scale/corpus.py): every figure from the sums equals the in-memory one.

The reference is the bundled data with its committed vectors, analysed by stance_explorer.analysis
as the ordinary pages do; the corpus is built from the same file and answers from its per speaker x
topic x month sums, without a row-level frame.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from facts import N_BUNDLED

from stance_explorer import schema as S
from stance_explorer.analysis.groups import speaker_topic_matrix
from stance_explorer.analysis.pairs import pair_similarity_matrix, pair_similarity_over_time
from stance_explorer.analysis.periods import drift
from stance_explorer.analysis.tables import FULL_QUOTE_WORDS, counts_by, counts_by_year, top_speakers
from stance_explorer.cli import main as cli_main
from stance_explorer.dataset import BUNDLED_CSV, STORE_DIR, load_dataset
from stance_explorer.scale.corpus import Corpus, CorpusError, CorpusWriter, Selection, build_corpus, months_of
from stance_explorer.store import EmbeddingStore


@pytest.fixture(scope="module")
def bundled_ds():
    return load_dataset()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, bundled_ds):
    out = tmp_path_factory.mktemp("corpus") / "bundled"
    rep = build_corpus([BUNDLED_CSV], out, store=EmbeddingStore(STORE_DIR, bundled_ds.model_id, read_only=True))
    assert (rep.statements, rep.embedded, rep.files) == (N_BUNDLED, N_BUNDLED, 1)
    c = Corpus(out)
    yield c
    c.close()


def month(text: str) -> int:
    return int(months_of(pd.Series(pd.to_datetime([text])))[0])


def test_counts_match_the_frame(corpus, bundled_ds):
    frame = bundled_ds.frame
    everything = corpus.mask(Selection())
    assert corpus.count(everything) == corpus.statements == len(frame)
    for col in (S.SPEAKER, S.TOPIC):
        got = corpus.counts_by(everything, col).set_index(col)["statements"].sort_index()
        want = counts_by(frame, col).set_index(col)["statements"].sort_index()
        assert got.to_dict() == want.to_dict()
    pd.testing.assert_frame_equal(corpus.counts_by(everything, "year"), counts_by_year(frame))


def test_a_month_range_keeps_exactly_those_months(corpus, bundled_ds):
    frame = bundled_ds.frame
    sel = Selection(topics=["USMCA/trade"], first_month=month("2025-02-01"), last_month=month("2025-11-01"))
    want = frame[(frame[S.TOPIC] == "USMCA/trade") & (frame[S.DATE] >= "2025-02-01") & (frame[S.DATE] < "2025-12-01")]
    assert 0 < corpus.count(corpus.mask(sel)) == len(want) < len(frame)
    shown = corpus.rows(sel, limit=500)
    assert sorted(shown[S.ID]) == sorted(want[S.ID])


def test_speaker_pairs_are_exactly_the_in_memory_means(corpus, bundled_ds):
    frame, vectors = bundled_ds.frame, bundled_ds.vectors
    speakers = top_speakers(frame, 6)
    for topic in (None, "USMCA/trade"):
        got, counts = corpus.pair_similarity_matrix(Selection(), speakers, topic=topic)
        want = pair_similarity_matrix(frame, vectors, topic=topic, speakers=speakers)
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), atol=1e-5)
        on = frame if topic is None else frame[frame[S.TOPIC] == topic]
        assert counts.to_dict() == {s: int((on[S.SPEAKER] == s).sum()) for s in speakers}
    # With a date range the monthly sums answer (the all-time ones cannot), and still match.
    sel = Selection(first_month=month("2025-01-01"), last_month=month("2026-12-01"))
    kept = frame[S.DATE].dt.year >= 2025
    got, _ = corpus.pair_similarity_matrix(sel, speakers)
    want = pair_similarity_matrix(frame[kept].reset_index(drop=True), vectors[kept.to_numpy()], speakers=speakers)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), atol=1e-5)


def test_closeness_to_everyone_else_per_topic_matches(corpus, bundled_ds):
    frame, vectors = bundled_ds.frame, bundled_ds.vectors
    speakers = top_speakers(frame, 8)
    sim, counts = corpus.topic_closeness(Selection(), speakers)
    want_sim, want_counts = speaker_topic_matrix(frame, vectors)
    np.testing.assert_allclose(sim.to_numpy(), want_sim.loc[speakers, sim.columns].to_numpy(), atol=1e-5)
    assert (counts.to_numpy() == want_counts.loc[speakers, counts.columns].to_numpy()).all()
    # Narrowed to some speakers in the sidebar, "everyone else" is only the others kept.
    sel = Selection(speakers=speakers[:3])
    sim, _ = corpus.topic_closeness(sel, speakers[:3])
    sub = frame[S.SPEAKER].isin(speakers[:3]).to_numpy()
    want_sim, _ = speaker_topic_matrix(frame[sub].reset_index(drop=True), vectors[sub])
    np.testing.assert_allclose(sim.to_numpy(), want_sim.loc[speakers[:3], sim.columns].to_numpy(), atol=1e-5)


def test_drift_and_pairs_over_time_match(corpus, bundled_ds):
    frame, vectors = bundled_ds.frame, bundled_ds.vectors
    for freq in ("Y", "Q"):
        got = corpus.drift(Selection(), "Donald Trump", topic="USMCA/trade", freq=freq)
        want = drift(frame, vectors, speaker="Donald Trump", topic="USMCA/trade", freq=freq)
        assert got["window"].tolist() == want["window"].tolist()
        assert got["count"].tolist() == want["count"].tolist()
        np.testing.assert_allclose(got["shift"].to_numpy(float), want["shift"].to_numpy(float), atol=1e-5)
        assert got["flagged"].tolist() == want["flagged"].tolist()
    # The example: Trump's largest USMCA shift is into 2026 ("irrelevant").
    yearly = corpus.drift(Selection(), "Donald Trump", topic="USMCA/trade")
    assert yearly.loc[yearly["shift_rank"] == 1, "window"].item() == "2026"
    speakers = top_speakers(frame, 3)
    got = corpus.pairs_over_time(Selection(), speakers, topic="USMCA/trade")
    want = pair_similarity_over_time(frame, vectors, speakers=speakers, topic="USMCA/trade")
    assert got[["window", "speaker_a", "speaker_b", "count_a", "count_b"]].equals(
        want[["window", "speaker_a", "speaker_b", "count_a", "count_b"]]
    )
    np.testing.assert_allclose(got["similarity"], want["similarity"], atol=1e-5)


def test_rows_are_read_newest_first_and_filtered_as_text(corpus, bundled_ds):
    frame = bundled_ds.frame
    shown = corpus.rows(Selection(), limit=10)
    assert shown[S.DATE].is_monotonic_decreasing
    assert shown[S.DATE].iloc[0] == frame[S.DATE].max()
    page2 = corpus.rows(Selection(), limit=10, offset=10)
    assert not set(shown["row"]) & set(page2["row"])
    # "contains" is text, any case; SQL in it is just characters to look for.
    assert (
        corpus.count_rows(Selection(), contains="IRRELEVANT")
        == int(frame[S.TEXT].str.lower().str.contains("irrelevant").sum())
        > 0
    )
    assert corpus.count_rows(Selection(), contains="'; DROP VIEW statements; --") == 0
    assert corpus.count(corpus.mask(Selection())) == N_BUNDLED  # the view is still there
    trump = corpus.rows(Selection(), speakers=["Donald Trump"], topics=["USMCA/trade"], limit=100)
    assert set(trump[S.SPEAKER]) == {"Donald Trump"} and len(trump) == int(
        ((frame[S.SPEAKER] == "Donald Trump") & (frame[S.TOPIC] == "USMCA/trade")).sum()
    )
    # Every quote and source is kept verbatim.
    merged = trump.merge(frame, on=S.ID, suffixes=("", "_csv"))
    assert (merged[S.TEXT] == merged[f"{S.TEXT}_csv"]).all() and (
        merged[S.SOURCE_URL] == merged[f"{S.SOURCE_URL}_csv"]
    ).all()


def test_window_examples_prefer_full_quotes(corpus):
    ex = corpus.window_examples(Selection(), "Donald Trump", topic="USMCA/trade")
    assert ex["window"].tolist() == ["2017", "2018", "2020", "2025", "2026"]
    assert all(len(t.split()) >= FULL_QUOTE_WORDS for t in ex[S.TEXT])


def test_bad_rows_are_named_and_good_rows_kept(tmp_path, bundled_ds, repo_root):
    rows = pd.read_csv(repo_root / "stance_explorer" / "data" / "statements.csv", dtype=str, keep_default_na=False)
    bad = tmp_path / "part1.csv"
    part = rows.iloc[:3].copy()
    part.loc[part.index[1], S.DATE] = "not a date"  # line 3 of the file (the header is line 1)
    part.to_csv(bad, index=False)
    pq = tmp_path / "part2.parquet"
    rows.iloc[10:20].to_parquet(pq)
    rep = build_corpus([bad, pq], tmp_path / "c", store=EmbeddingStore(STORE_DIR, bundled_ds.model_id, read_only=True))
    assert rep.statements == 12 and rep.files == 2
    assert [(p.file, p.line) for p in rep.problems if p.severity == "error"] == [("part1.csv", 3)]
    c = Corpus(tmp_path / "c")
    assert c.problems["line"].tolist() == ["3"]
    assert json.loads((tmp_path / "c" / "corpus.json").read_text())["sources"] == ["part1.csv", "part2.parquet"]


def test_an_unfinished_build_leaves_the_old_corpus_whole(tmp_path, corpus, statement_frame):
    out = tmp_path / "c"
    shutil.copytree(corpus.root, out)
    w = CorpusWriter(out, corpus.model_id, corpus.dim)
    frame = statement_frame([("A", "2025-01-01", "hello there")])
    w.add(frame, np.ones((1, corpus.dim), dtype=np.float32) / np.sqrt(corpus.dim))
    w.abort()  # as a killed build would, before close()
    assert Corpus(out).statements == N_BUNDLED
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_folder_that_is_not_a_corpus_says_so(tmp_path, corpus):
    with pytest.raises(CorpusError, match="no corpus.json"):
        Corpus(tmp_path)
    broken = tmp_path / "broken"
    shutil.copytree(corpus.root, broken)
    (broken / "sums.npy").write_bytes(b"\x93NUMPY garbage")
    with pytest.raises(CorpusError, match="build it again"):
        Corpus(broken)


def test_cli_builds_a_corpus_and_says_how_to_open_it(tmp_path, capsys):
    out = tmp_path / "cli"
    assert cli_main(["corpus", str(BUNDLED_CSV), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"{N_BUNDLED} statements from 1 file(s)" in printed and f"STANCE_EXPLORER_CORPUS={out}" in printed
    assert Corpus(out).statements == N_BUNDLED
    # Without vectors in the store it refuses with a sentence, not a traceback.
    assert cli_main(["corpus", str(BUNDLED_CSV), "--out", str(tmp_path / "x"), "--store", str(tmp_path / "empty")]) == 2
    assert "run `embed`" in capsys.readouterr().err


def test_a_rows_file_gone_after_opening_is_a_sentence_not_a_crash(tmp_path, corpus):
    out = tmp_path / "c"
    shutil.copytree(corpus.root, out)
    c = Corpus(out)
    assert c.count(c.mask(Selection())) == N_BUNDLED  # the sums still answer
    for part in (out / "rows").glob("*.parquet"):
        part.unlink()
    with pytest.raises(CorpusError, match="could not be read"):
        c.rows(Selection(), limit=5)
    c.close()
    assert c.count(c.mask(Selection())) == N_BUNDLED  # closing leaves the sums usable
