"""Analysis functions on tiny, hand-computable vectors."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from stance_explorer import schema as S
from stance_explorer.analysis.groups import group_centroids, speaker_centroids, speaker_similarity, speaker_topic_matrix
from stance_explorer.analysis.pairs import (
    extreme_pairs,
    pair_similarity_matrix,
    pair_similarity_over_time,
    pair_similarity_stats,
    stats_matrix,
)
from stance_explorer.analysis.periods import closest_over_time, drift, phrase_timeline, smooth_by_speaker
from stance_explorer.analysis.similarity import (
    cap_statements,
    cosine_matrix,
    nearest,
    similarity_to,
    statement_neighbours,
    statement_similarity,
    top_k,
)
from stance_explorer.analysis.tables import counts_by, filter_mask, other_languages

R = 1 / np.sqrt(2)


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


# ---------------------------------------------------------------------------- similarity basics
def test_cosine_matrix_of_unit_vectors():
    a = np.stack([unit(1, 0), unit(0, 1), unit(1, 1)])
    expected = np.array([[1, 0, R], [0, 1, R], [R, R, 1]])
    np.testing.assert_allclose(cosine_matrix(a), expected, atol=1e-6)
    b = np.stack([unit(-1, 0)])
    np.testing.assert_allclose(cosine_matrix(a, b), [[-1], [0], [-R]], atol=1e-6)


def test_similarity_to_works_chunkwise_and_on_float16():
    vecs = np.stack([unit(1, 0), unit(0, 1), unit(1, 1), unit(-1, 0), unit(1, -1)])
    q = unit(1, 0)
    expected = [1, 0, R, -1, R]
    np.testing.assert_allclose(similarity_to(vecs, q), expected, atol=1e-6)
    got = similarity_to(vecs.astype(np.float16), q, chunk=2)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, atol=1e-3)


def test_top_k_best_first_and_masked():
    scores = np.array([0.1, 0.9, 0.5, 0.7, 0.3], dtype=np.float32)
    assert top_k(scores, 2).tolist() == [1, 3]
    assert top_k(scores, 10).tolist() == [1, 3, 2, 4, 0]
    mask = np.array([True, False, True, False, True])
    assert top_k(scores, 2, mask).tolist() == [2, 4]
    assert top_k(scores, 0).tolist() == []
    assert top_k(scores, 3, np.zeros(5, dtype=bool)).tolist() == []


def test_nearest_returns_rows_best_first_with_scores(statement_frame):
    frame = statement_frame(
        [{"speaker": s, "text": t} for s, t in [("A", "east"), ("B", "north"), ("C", "north-east")]]
    )
    vecs = np.stack([unit(1, 0), unit(0, 1), unit(1, 1)])
    out = nearest(frame, vecs, unit(0, 1), k=2)
    assert out[S.TEXT].tolist() == ["north", "north-east"]
    np.testing.assert_allclose(out["score"], [1, R], atol=1e-6)
    assert out["row"].tolist() == [1, 2]
    only_a_c = nearest(frame, vecs, unit(0, 1), k=5, mask=frame[S.SPEAKER].isin(["A", "C"]).to_numpy())
    assert only_a_c[S.SPEAKER].tolist() == ["C", "A"]


def test_statement_neighbours_split_other_speakers_from_the_same_one(statement_frame):
    frame = statement_frame(
        [
            {"speaker": "A", "text": "east"},
            {"speaker": "A", "text": "east"},  # a repeat of the chosen text: not a neighbour
            {"speaker": "A", "text": "north-east", "date": "2020-01-01"},
            {"speaker": "B", "text": "north"},
            {"speaker": "C", "text": "east-ish"},
        ]
    )
    vecs = np.stack([unit(1, 0), unit(1, 0), unit(1, 1), unit(0, 1), unit(1, 0.1)])
    others, same = statement_neighbours(frame, vecs, 0, k=5)
    assert others[S.SPEAKER].tolist() == ["C", "B"]
    np.testing.assert_allclose(others["score"], [float(unit(1, 0.1)[0]), 0], atol=1e-6)
    assert same[S.TEXT].tolist() == ["north-east"]
    assert same["row"].tolist() == [2]
    np.testing.assert_allclose(same["score"], [R], atol=1e-6)
    kept = np.array([True, True, False, True, False])  # what the filters keep
    others, same = statement_neighbours(frame, vecs, 0, k=5, mask=kept)
    assert others[S.SPEAKER].tolist() == ["B"] and same.empty
    lonely, none = statement_neighbours(frame.iloc[[3]].reset_index(drop=True), vecs[[3]], 0)
    assert lonely.empty and none.empty


# ---------------------------------------------------------------------------- grouping
def test_group_centroids_normalized_means_and_counts():
    labels = np.array(["b", "a", "b"])
    vecs = np.stack([unit(1, 0), unit(0, 1), unit(0, 1)])
    names, cents, counts = group_centroids(labels, vecs)
    assert names == ["a", "b"]
    assert counts.tolist() == [1, 2]
    np.testing.assert_allclose(cents, [[0, 1], [R, R]], atol=1e-6)


def test_speaker_similarity_on_a_topic_with_absent_speaker(statement_frame):
    frame = statement_frame(
        [
            {"speaker": "Ann", "topic": "trade"},
            {"speaker": "Ann", "topic": "trade"},
            {"speaker": "Bob", "topic": "trade"},
            {"speaker": "Cy", "topic": "energy"},
        ]
    )
    vecs = np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 1, 0), unit(0, 0, 1)])
    names, cents, counts = speaker_centroids(frame, vecs, topic="trade")
    assert names == ["Ann", "Bob"] and counts.tolist() == [2, 1]
    sim = speaker_similarity(frame, vecs, topic="trade", speakers=["Ann", "Bob", "Cy"])
    assert list(sim.index) == ["Ann", "Bob", "Cy"] and list(sim.columns) == ["Ann", "Bob", "Cy"]
    assert sim.loc["Ann", "Ann"] == pytest.approx(1)
    assert sim.loc["Ann", "Bob"] == pytest.approx(R, abs=1e-6)  # Ann's centroid is (1,1,0)/sqrt 2
    assert sim.loc["Bob", "Ann"] == pytest.approx(R, abs=1e-6)
    assert np.isnan(sim.loc["Cy"]).all() and np.isnan(sim["Cy"]).all()
    overall = speaker_similarity(frame, vecs)
    assert overall.loc["Cy", "Bob"] == pytest.approx(0, abs=1e-6)


def test_speaker_topic_matrix_compares_with_everyone_else(statement_frame):
    frame = statement_frame(
        [
            {"speaker": "Ann", "topic": "trade"},
            {"speaker": "Bob", "topic": "trade"},
            {"speaker": "Cy", "topic": "trade"},
            {"speaker": "Ann", "topic": "energy"},  # nobody else on energy
        ]
    )
    vecs = np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 1, 0), unit(0, 0, 1)])
    sim, counts = speaker_topic_matrix(frame, vecs)
    assert list(sim.index) == ["Ann", "Bob", "Cy"] and list(sim.columns) == ["energy", "trade"]
    # Ann (1,0,0) vs Bob+Cy (0,2,0): orthogonal. Bob (0,1,0) vs Ann+Cy (1,1,0)/sqrt 2.
    assert sim.loc["Ann", "trade"] == pytest.approx(0, abs=1e-6)
    assert sim.loc["Bob", "trade"] == pytest.approx(R, abs=1e-6)
    assert sim.loc["Cy", "trade"] == pytest.approx(R, abs=1e-6)
    assert np.isnan(sim.loc["Ann", "energy"])  # nobody else to compare with
    assert np.isnan(sim.loc["Bob", "energy"]) and np.isnan(sim.loc["Cy", "energy"])  # no statement
    assert counts.loc["Ann"].tolist() == [1, 1]
    assert counts.loc["Bob"].tolist() == [0, 1]


# ---------------------------------------------------------------------------- statement matrices
def test_cap_statements_no_cap_under_limit():
    capped = cap_statements(10, 20)
    assert capped.rows.tolist() == list(range(10))
    assert capped.notice is None and capped.total == 10


def test_cap_statements_samples_and_says_so():
    capped = cap_statements(1000, 50, seed=3)
    assert len(capped.rows) == 50 == len(set(capped.rows.tolist()))
    assert capped.rows.min() >= 0 and capped.rows.max() < 1000
    assert list(capped.rows) == sorted(capped.rows)
    assert "50" in capped.notice and "1,000" in capped.notice
    assert cap_statements(1000, 50, seed=3).rows.tolist() == capped.rows.tolist()  # stable view


def test_cap_statements_priority_keeps_the_most_relevant():
    priority = np.random.default_rng(0).permutation(1000).astype(np.float32)
    capped = cap_statements(1000, 50, priority=priority)
    assert sorted(capped.rows.tolist()) == sorted(np.nonzero(priority >= 950)[0].tolist())
    assert "relevant" in capped.notice


def test_cluster_order_groups_two_obvious_clusters():
    rng = np.random.default_rng(1)
    a, b = unit(1, 0, 0, 0), unit(0, 0, 1, 0)
    vecs = []
    for i in range(8):  # interleaved: even rows near a, odd rows near b
        base = a if i % 2 == 0 else b
        vecs.append(base + 0.05 * rng.standard_normal(4).astype(np.float32))
    vecs = np.stack([v / np.linalg.norm(v) for v in vecs])
    sim, order = statement_similarity(vecs)
    assert sorted(order.tolist()) == list(range(8))
    parity = [i % 2 for i in order]
    assert parity in ([0] * 4 + [1] * 4, [1] * 4 + [0] * 4)
    np.testing.assert_allclose(np.diag(sim), 1, atol=1e-5)


def test_extreme_pairs_never_pair_a_speaker_with_themselves(statement_frame):
    frame = statement_frame(
        [
            {"speaker": "Ann", "text": "a1"},
            {"speaker": "Ann", "text": "a2"},
            {"speaker": "Ann", "text": "a3"},
            {"speaker": "Bob", "text": "b1"},
            {"speaker": "Bob", "text": "b2"},
            {"speaker": "Cy", "text": "c1"},  # not asked for
        ]
    )
    vecs = np.stack(
        [unit(1, 0, 0), unit(0, 1, 0), unit(0, 1, 0), unit(0.6, 0.8, 0.0), unit(0, 0.28, 0.96), unit(0.6, 0.8, 0)]
    )
    closest, farthest, notice = extreme_pairs(frame, vecs, speakers=["Ann", "Bob"], k=10)
    # 3 x 2 cross-speaker pairs, no Ann-Ann (a2 = a3 would score 1); each statement at most once per
    # list, so Bob's two statements allow two pairs, and the page is told there are few.
    assert "Only 6 pairs" in notice
    assert len(closest) == len(farthest) == 2
    for pairs in (closest, farthest):
        assert len(set(pairs["row_a"]) | set(pairs["row_b"])) == 2 * len(pairs)
    assert not set(zip(closest["row_a"], closest["row_b"])) & set(zip(farthest["row_a"], farthest["row_b"]))
    spk = frame[S.SPEAKER].to_numpy()
    for pairs in (closest, farthest):
        for a, b in zip(pairs["row_a"], pairs["row_b"]):
            assert spk[a] != spk[b] and "Cy" not in (spk[a], spk[b])
    assert closest["score"].iloc[0] == pytest.approx(0.8, abs=1e-6)
    assert {frame[S.TEXT].iloc[closest["row_a"].iloc[0]], frame[S.TEXT].iloc[closest["row_b"].iloc[0]]} in (
        {"a2", "b1"},
        {"a3", "b1"},
    )
    assert farthest["score"].iloc[0] == pytest.approx(0, abs=1e-6)
    assert {closest["row_a"].iloc[0], closest["row_b"].iloc[0]} != {
        farthest["row_a"].iloc[0],
        farthest["row_b"].iloc[0],
    }
    top1, bottom1, enough = extreme_pairs(frame, vecs, speakers=["Ann", "Bob"], k=1)
    assert len(top1) == len(bottom1) == 1 and enough is None


def test_mean_pair_similarity_is_the_mean_of_the_pairs_and_never_above_the_best_pair(statement_frame):
    rng = np.random.default_rng(3)
    vecs = rng.standard_normal((7, 5)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    frame = statement_frame([{"speaker": "Ann"}] * 3 + [{"speaker": "Bob"}] * 4)
    cross = vecs[:3] @ vecs[3:].T
    stats = pair_similarity_stats(frame, vecs, speakers=["Ann", "Bob"]).set_index(["speaker_a", "speaker_b"])
    ab = stats.loc[("Ann", "Bob")]
    assert ab["mean"] == pytest.approx(cross.mean(), abs=1e-5) and ab["pairs"] == 12
    assert ab["low"] == pytest.approx(cross.min(), abs=1e-5) and ab["high"] == pytest.approx(cross.max(), abs=1e-5)
    assert ab["sd"] == pytest.approx(cross.std(), abs=1e-5)
    own = vecs[:3] @ vecs[:3].T
    assert stats.loc[("Ann", "Ann"), "mean"] == pytest.approx(own[np.triu_indices(3, 1)].mean(), abs=1e-5)
    assert stats.loc[("Ann", "Ann"), "pairs"] == 3
    matrix = pair_similarity_matrix(frame, vecs)
    assert matrix.loc["Ann", "Bob"] == pytest.approx(cross.mean(), abs=1e-5)
    assert matrix.loc["Ann", "Bob"] <= cross.max()
    assert matrix.loc["Ann", "Ann"] == pytest.approx(stats.loc[("Ann", "Ann"), "mean"], abs=1e-5)
    from_stats = stats_matrix(stats.reset_index(), ["Ann", "Bob"])
    np.testing.assert_allclose(from_stats.to_numpy(), matrix.to_numpy(), atol=1e-5)
    # The centroid cosine, shown before, is larger in size than the mean pair: readers took it for an error.
    assert abs(speaker_similarity(frame, vecs).loc["Ann", "Bob"]) > abs(matrix.loc["Ann", "Bob"])
    one = pair_similarity_matrix(frame.iloc[:4], vecs[:4])
    assert np.isnan(one.loc["Bob", "Bob"])  # one statement: no pair of its own


def test_extreme_pairs_with_one_speaker_is_empty(statement_frame):
    frame = statement_frame([{"speaker": "Ann"}, {"speaker": "Ann"}])
    closest, farthest, _ = extreme_pairs(frame, np.stack([unit(1, 0), unit(1, 0)]), speakers=["Ann"])
    assert closest.empty and farthest.empty


# ---------------------------------------------------------------------------- over time
def _timeline_frame(statement_frame):
    frame = statement_frame(
        [
            {"speaker": "Ann", "date": "2021-03-01", "text": "late"},
            {"speaker": "Bob", "date": "2019-05-01", "text": "early"},
            {"speaker": "Ann", "date": "2020-01-01", "text": "middle far"},
            {"speaker": "Bob", "date": "2020-01-01", "text": "middle near"},
        ]
    )
    vecs = np.stack([unit(1, 1), unit(1, 0), unit(0, 1), unit(2, 1)])
    return frame, vecs


def test_phrase_timeline_sorted_by_date_with_scores(statement_frame):
    frame, vecs = _timeline_frame(statement_frame)
    tl = phrase_timeline(frame, vecs, unit(1, 0))
    assert tl[S.TEXT].tolist() == ["early", "middle near", "middle far", "late"]  # same day: best first
    np.testing.assert_allclose(tl["score"], [1, 2 / np.sqrt(5), 0, R], atol=1e-6)
    assert tl["row"].tolist() == [1, 3, 2, 0]
    only_ann = phrase_timeline(frame, vecs, unit(1, 0), mask=(frame[S.SPEAKER] == "Ann").to_numpy())
    assert only_ann[S.TEXT].tolist() == ["middle far", "late"]


def test_smooth_by_speaker_is_a_trailing_monthly_mean():
    tl = pd.DataFrame(
        {
            S.SPEAKER: ["Ann", "Ann", "Ann", "Ann", "Bob"],
            S.DATE: pd.to_datetime(["2020-01-01", "2020-01-11", "2020-06-15", "2022-01-01", "2020-01-20"]),
            "score": [1.0, 0.0, 0.8, 0.4, 0.7],
        }
    )
    sm = smooth_by_speaker(tl, window_months=12)
    ann = sm[sm[S.SPEAKER] == "Ann"]
    # One point per month the speaker spoke; 2022 is more than a year after the rest.
    assert ann[S.DATE].tolist() == list(pd.to_datetime(["2020-01-01", "2020-06-01", "2022-01-01"]))
    np.testing.assert_allclose(ann["smoothed"], [0.5, 0.6, 0.4])
    assert sm[sm[S.SPEAKER] == "Bob"]["smoothed"].tolist() == [pytest.approx(0.7)]
    short = smooth_by_speaker(tl, window_months=1)
    np.testing.assert_allclose(short[short[S.SPEAKER] == "Ann"]["smoothed"], [0.5, 0.8, 0.4])
    assert smooth_by_speaker(tl.iloc[:0]).empty


def test_smooth_by_speaker_stays_light_on_long_series():
    dates = pd.date_range("2000-01-01", periods=1000, freq="D")
    scores = np.random.default_rng(0).random(1000)
    tl = pd.DataFrame({S.SPEAKER: "Ann", S.DATE: dates, "score": scores})
    sm = smooth_by_speaker(tl, window_months=3)
    months = dates.to_period("M")
    assert len(sm) == months.nunique()  # one point per month, not per statement
    last3 = months >= months[-1] - 2
    assert sm["smoothed"].iloc[-1] == pytest.approx(scores[last3].mean())


def test_closest_over_time_one_per_year(statement_frame):
    frame = statement_frame(
        [
            {"speaker": "Ann", "date": "2019-02-01", "text": "2019 weak"},
            {"speaker": "Ann", "date": "2019-11-01", "text": "2019 strong"},
            {"speaker": "Bob", "date": "2021-06-01", "text": "2021 only"},
            {"speaker": "Bob", "date": "2020-06-01", "text": "2020 strong"},
            {"speaker": "Bob", "date": "2020-07-01", "text": "2020 weak"},
        ]
    )
    vecs = np.stack([unit(0, 1), unit(1, 0.1), unit(0, 1), unit(1, 0.2), unit(0.1, 1)])
    tl = phrase_timeline(frame, vecs, unit(1, 0))
    best = closest_over_time(tl)
    assert best["window"].tolist() == ["2019", "2020", "2021"]
    assert best[S.TEXT].tolist() == ["2019 strong", "2020 strong", "2021 only"]
    assert len(closest_over_time(tl, per_window=2)) == 5


def test_drift_flags_the_switch(statement_frame):
    rng = np.random.default_rng(7)
    a, b = unit(1, 0, 0, 0, 0, 0), unit(0, 0, 0, 1, 0, 0)
    rows, vecs = [], []
    for year in (2017, 2018, 2019, 2020, 2025, 2026):
        base, text = (a, "stance A") if year <= 2020 else (b, "stance B")
        for month in (3, 9):
            rows.append({"speaker": "Ann", "date": f"{year}-{month:02d}-01", "text": f"{text} {year}"})
            v = base + 0.1 * rng.standard_normal(6).astype(np.float32)
            vecs.append(v / np.linalg.norm(v))
    rows.append({"speaker": "Bob", "date": "2019-01-01", "text": "other speaker"})
    vecs.append(b)
    frame, vecs = statement_frame(rows), np.stack(vecs)

    d = drift(frame, vecs, speaker="Ann", flag=1)
    assert d["window"].tolist() == ["2017", "2018", "2019", "2020", "2025", "2026"]
    assert d["count"].tolist() == [2] * 6
    assert np.isnan(d["similarity_to_previous"].iloc[0])
    assert d.loc[d["flagged"], "window"].tolist() == ["2025"]
    assert d["shift"].idxmax() == 4
    assert d["similarity_to_previous"].iloc[4] < 0.3 < 0.9 < d["similarity_to_previous"].drop(index=[0, 4]).min()
    assert d["representative"].iloc[3].startswith("stance A") and d["representative"].iloc[4].startswith("stance B")
    assert frame[S.SPEAKER].iloc[d["representative_row"]].eq("Ann").all()
    assert d["shift_rank"].iloc[4] == 1 and d["shift_rank"].isna().iloc[0]
    assert drift(frame, vecs, speaker="Nobody").empty


def test_drift_prefers_a_full_quote_as_the_most_typical_statement(statement_frame):
    a = unit(1, 0, 0)
    rows = [
        {"speaker": "Ann", "date": "2020-01-01", "text": "transitional deal", "quote_type": "partial"},
        {
            "speaker": "Ann",
            "date": "2020-02-01",
            "text": "We will work on this deal with our partners now",
            "quote_type": "direct",
        },
        {"speaker": "Ann", "date": "2021-01-01", "text": "short", "quote_type": "direct"},
    ]
    vecs = np.stack([a, unit(1, 0.5, 0), a])  # the fragment is closest to the window's average
    d = drift(statement_frame(rows), vecs, speaker="Ann")
    assert d["representative"].tolist() == ["We will work on this deal with our partners now", "short"]


def test_pair_similarity_over_time_shows_two_speakers_converging(statement_frame):
    # Ann keeps stance A; Bob moves from stance B (2018) halfway (2019) to Ann's (2020).
    rows = [
        {"speaker": "Ann", "date": "2018-03-01"},
        {"speaker": "Ann", "date": "2019-03-01"},
        {"speaker": "Ann", "date": "2020-03-01"},
        {"speaker": "Ann", "date": "2021-03-01"},
        {"speaker": "Bob", "date": "2018-05-01"},
        {"speaker": "Bob", "date": "2018-09-01"},
        {"speaker": "Bob", "date": "2019-05-01"},
        {"speaker": "Bob", "date": "2020-05-01"},
        {"speaker": "Cy", "date": "2020-01-01"},
        {"speaker": "Bob", "date": "2021-01-01", "topic": "energy"},
    ]
    a, b = unit(1, 0), unit(0, 1)
    vecs = np.stack([a, a, a, a, b, b, unit(1, 1), a, b, b])
    out = pair_similarity_over_time(statement_frame(rows), vecs, speakers=["Ann", "Bob", "Cy"], topic="trade")
    ab = out[(out["speaker_a"] == "Ann") & (out["speaker_b"] == "Bob")]
    assert ab["window"].tolist() == ["2018", "2019", "2020"]  # 2021: Bob spoke only on energy
    np.testing.assert_allclose(ab["similarity"], [0, R, 1], atol=1e-6)
    assert ab["count_b"].tolist() == [2, 1, 1] and ab["count_a"].tolist() == [1, 1, 1]
    # Cy spoke only in 2020: one point with each of the others, none for the years Cy was silent.
    assert out.loc[out["speaker_b"] == "Cy", ["speaker_a", "window"]].values.tolist() == [
        ["Ann", "2020"],
        ["Bob", "2020"],
    ]
    np.testing.assert_allclose(out.loc[out["speaker_b"] == "Cy", "similarity"], [0, 0], atol=1e-6)
    assert pair_similarity_over_time(statement_frame(rows), vecs, speakers=["Nobody", "Else"]).empty


def test_drift_on_one_topic_only(statement_frame):
    frame = statement_frame(
        [
            {"speaker": "Ann", "date": "2018-01-01", "topic": "trade"},
            {"speaker": "Ann", "date": "2019-01-01", "topic": "energy"},
            {"speaker": "Ann", "date": "2020-01-01", "topic": "trade"},
        ]
    )
    vecs = np.stack([unit(1, 0), unit(0, 1), unit(1, 0)])
    d = drift(frame, vecs, speaker="Ann", topic="trade")
    assert d["window"].tolist() == ["2018", "2020"]
    assert d["similarity_to_previous"].iloc[1] == pytest.approx(1, abs=1e-6)


# ---------------------------------------------------------------------------- filtering
def test_filter_mask(statement_frame):
    frame = statement_frame(
        [
            {"speaker": "Ann", "topic": "trade", "date": "2025-03-31", "language": "en"},
            {"speaker": "Ann", "topic": "energy", "date": "2025-04-01", "language": "fr"},
            {"speaker": "Bob", "topic": "trade", "date": "2025-03-01", "language": "es"},
            {"speaker": "Cy", "topic": "trade", "date": "2024-12-31", "language": "en"},
        ]
    )
    assert filter_mask(frame).tolist() == [True] * 4
    assert filter_mask(frame, speakers=[], topics=None).tolist() == [True] * 4  # empty list: no filter
    assert filter_mask(frame, speakers=["Ann", "Cy"]).tolist() == [True, True, False, True]
    assert filter_mask(frame, topics=["trade"]).tolist() == [True, False, True, True]
    assert filter_mask(frame, languages=["en", "es"]).tolist() == [True, False, True, True]
    # The end day is included; the start day too.
    assert filter_mask(frame, start=date(2025, 1, 1), end=date(2025, 3, 31)).tolist() == [True, False, True, False]
    assert filter_mask(frame, start=pd.Timestamp("2025-04-01")).tolist() == [False, True, False, False]
    assert filter_mask(frame, speakers=["Ann"], topics=["trade"], end=date(2025, 12, 31)).tolist() == [
        True,
        False,
        False,
        False,
    ]


def test_filter_mask_includes_statements_later_on_the_end_day(statement_frame):
    frame = statement_frame(
        [{"speaker": "Ann", "date": "2025-03-31 18:30"}, {"speaker": "Ann", "date": "2025-04-01 00:00"}]
    )
    assert filter_mask(frame, end=date(2025, 3, 31)).tolist() == [True, False]


def test_counts_by_most_first(statement_frame):
    frame = statement_frame([{"speaker": "Ann"}, {"speaker": "Bob"}, {"speaker": "Bob"}])
    c = counts_by(frame, S.SPEAKER)
    assert c[S.SPEAKER].tolist() == ["Bob", "Ann"] and c["statements"].tolist() == [2, 1]


def test_other_languages_counts_codes_that_are_not_the_model_s(statement_frame):
    frame = statement_frame([{"speaker": "A", "language": lang} for lang in ["en", "es", "ES ", "", "fr", "en"]])
    assert other_languages(frame).to_dict() == {"es": 2, "fr": 1}
    assert other_languages(frame, "es").to_dict() == {"en": 2, "fr": 1}


def test_only_the_english_model_is_flagged_english_only():
    from stance_explorer.encoders.base import reads_only_english

    assert reads_only_english("all-MiniLM-L6-v2@gt-0.1.0")
    assert reads_only_english("all-MiniLM-L6-v2@gt-0.1.0+fp16")
    assert reads_only_english("sentence-transformers/all-MiniLM-L6-v2")
    assert not reads_only_english("paraphrase-multilingual-MiniLM-L12-v2")
