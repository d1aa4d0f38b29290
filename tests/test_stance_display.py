"""Displays that never overstate a reading (issue 23, point 5): each rule as a user meets it.

Library rules on hand-made readings; the page's rules in AppTest on the bundled data (committed
vectors, no model); the CLI's ``--by speaker`` on the bundled data.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from apptest_helpers import REPO_ROOT, assert_ok, open_page, unescape
from facts import N_BUNDLED, N_SPEAKERS, run_cli

from stance_explorer import schema as S
from stance_explorer.stance import (
    AGAINST,
    FAVOR,
    NONE,
    TOO_FEW,
    Claim,
    about_claim,
    citability,
    claim_over_time,
    describe_reading,
    evidence_rank,
    flip_o_meter,
    pair_agreement,
    read_claim,
    readings,
    speaker_estimates,
    stance_over_time,
    teaching_gap,
)
from stance_explorer.stance.methods import StanceArrays
from stance_explorer.summaries import claim_summary

FAV, AG, NO = FAVOR, AGAINST, NONE


def arrays(labels, scores, conf=None) -> StanceArrays:
    n = len(labels)
    conf = conf if conf is not None else [0.8] * n
    return StanceArrays(np.asarray(labels, np.int8), np.asarray(scores, np.float32), np.asarray(conf, np.float32))


def frame(rows) -> pd.DataFrame:
    """rows: (speaker, date, text, source_url, quote_type)."""
    f = pd.DataFrame(rows, columns=[S.SPEAKER, S.DATE, S.TEXT, S.SOURCE_URL, S.QUOTE_TYPE])
    f[S.DATE] = pd.to_datetime(f[S.DATE])
    f[S.ID] = [f"X{i}" for i in range(len(f))]
    return f


# ---------------------------------------------------------------------------- intervals
def test_one_or_two_statements_get_no_interval_and_no_firm_side():
    f = frame(
        [
            ("One", "2020-01-01", "I fully support this agreement and will sign it", "", "direct"),
            ("Two", "2020-01-01", "We back it", "", "direct"),
            ("Two", "2021-01-01", "We still back it", "", "direct"),
            ("Many", "2020-01-01", "a", "", "direct"),
            ("Many", "2021-01-01", "b", "", "direct"),
            ("Many", "2022-01-01", "c", "", "direct"),
        ]
    )
    est = speaker_estimates(f, arrays([FAV, FAV, FAV, FAV, FAV, FAV], [1.0, 0.9, 0.8, 0.9, 0.8, 0.7])).set_index(
        "speaker"
    )
    # Today's code gave "One" a zero-width interval (+1.00 to +1.00) and a firm "favor".
    assert np.isnan(est.at["One", "low"]) and np.isnan(est.at["One", "high"])
    assert est.at["One", "side"] == TOO_FEW and est.at["One", "verdict"].startswith("1 statement (reads favor)")
    assert est.at["Two", "side"] == TOO_FEW and est.at["Two", "verdict"].startswith("2 statements (both read favor)")
    assert est.at["Many", "side"] == "favor" and est.at["Many", "low"] < est.at["Many", "high"]
    # Two speakers with a statement each are never "agree": too little to place either.
    pairs = pair_agreement(f, arrays([FAV] * 6, [1.0, 0.9, 0.8, 0.9, 0.8, 0.7]), ["One", "Two"])
    assert pairs.iloc[0]["verdict"] == "unclear"


# ---------------------------------------------------------------------------- labels and readings
def test_a_model_reading_is_never_called_a_label():
    f = frame([("A", "2017-01-01", "Some words about the deal here", "", "direct")])
    zero = readings(f, arrays([FAV], [0.3], [0.46]), None, hand=np.array([NO]))
    told = describe_reading(zero.iloc[0])
    assert "a hand label)" not in told and "the model's reading, confidence 0.46" in told and "hand label: none" in told
    taught = readings(f, arrays([NO], [0.0], [1.0]), np.array([0]), hand=np.array([NO]))
    assert describe_reading(taught.iloc[0]) == "none (a hand label)"


# ---------------------------------------------------------------------------- the cited quote
def test_the_cited_quote_is_the_fullest_sourced_statement_not_a_fragment():
    f = frame(
        [
            (
                "T",
                "2020-01-01",
                "The USMCA is the best trade deal ever made anywhere",
                "https://example.org/a",
                "direct",
            ),
            ("T", "2020-03-01", "A great deal for our workers and farmers", "https://example.org/c", "direct"),
            ("T", "2026-01-10", "irrelevant", "", "partial"),
            (
                "T",
                "2026-01-13",
                "There is no real advantage to it, it is irrelevant",
                "https://example.org/b",
                "direct",
            ),
        ]
    )
    # The fragment reads most clearly against; the full sourced quote still is the evidence.
    arr = arrays([FAV, FAV, AG, AG], [0.9, 0.8, -1.0, -0.6])
    periods = stance_over_time(f, arr, speakers=["T"])
    flip = flip_o_meter(periods).iloc[0]
    assert flip["rating"] == "Full Flop" and f[S.ID].iat[flip["row_after"]] == "X3"
    # With only the fragment on that side, it is shown (a partial quote stays partial, never dropped).
    only = stance_over_time(f.iloc[[0, 2]], arrays([FAV, AG], [0.9, -1.0]), speakers=["T"])
    assert f.iloc[[0, 2]][S.ID].iat[int(only["row_top"].iloc[-1])] == "X2"


def test_a_quote_with_a_link_is_cited_ahead_of_any_quote_without_one():
    """Evidence a reader can check (issue 29, point 3): the seed report's full quote S187 has no known
    link, so on its side a sourced quote is cited first, even a fragment that reads less clearly."""
    f = frame(
        [
            ("T", "2026-01-29", "There is nothing concrete, but it is coming along very well", "", "direct"),
            ("T", "2026-01-20", "going well", "https://example.org/a", "partial"),
            ("T", "2026-01-21", "a plain fragment", "", "partial"),
        ]
    )
    assert citability(f).tolist() == [1, 2, 0]
    arr = arrays([FAV, FAV, FAV], [1.0, 0.3, 0.9], [0.9, 0.4, 0.9])
    rank = evidence_rank(f, arr)
    assert rank[1] > rank[0] > rank[2]
    (row,) = stance_over_time(f, arr, speakers=["T"], freq="Y")["row_top"]
    assert f[S.ID].iat[int(row)] == "X1"
    # A full sourced quote is cited ahead of a sourced fragment.
    full = frame(
        [("T", "2026-01-01", "The deal works well for all three countries", "https://example.org/b", "direct")]
    )
    assert citability(full).tolist() == [3]


def test_on_the_bundled_data_every_side_cited_has_a_link_when_one_exists(bundled):
    """Whatever the reading, per speaker, period and side, the cited quote has a link whenever a quote
    on that side does: the seed report's unlinked quotes are cited only when nothing else is there."""
    f = bundled.frame
    rng = np.random.default_rng(0)
    arr = arrays(rng.choice([FAV, AG], len(f)), rng.uniform(-1, 1, len(f)), rng.uniform(0, 1, len(f)))
    rank = evidence_rank(f, arr)
    linked = f[S.SOURCE_URL].map(S.is_web_link).to_numpy()
    assert not linked.all()
    for _, r in f.assign(code=arr.label, year=f[S.DATE].dt.year).groupby([S.SPEAKER, "year", "code"]):
        rows = r.index.to_numpy()
        best = rows[np.argmax(rank[rows])]
        assert linked[best] or not linked[rows].any(), (r[S.ID].tolist(), f[S.ID].iat[best])


# ---------------------------------------------------------------------------- teaching
def test_teaching_with_one_side_says_the_axis_cannot_tell_favor_from_against():
    assert "cannot yet tell favor from against" in teaching_gap([FAV, FAV, NO])
    assert "no favor one" in teaching_gap([AG])
    assert teaching_gap([FAV, AG]) is None and teaching_gap([]) is None


# ---------------------------------------------------------------------------- the page
def _table(at):
    return next(d.value for d in at.dataframe if "interval" in d.value.columns)


def test_page_shows_every_speaker_on_the_topic_and_no_interval_from_one_statement():
    at = open_page("stance")
    frame_all = at.session_state["_view"].dataset.frame
    on_topic = set(frame_all.loc[frame_all[S.TOPIC] == "USMCA/trade", S.SPEAKER])
    table = _table(at)
    assert set(table["speaker"]) == on_topic and len(on_topic) > 6  # 6 were shown before
    single = table[table["n_favor"] + table["n_against"] == 1]
    assert len(single)
    assert (single["interval"] == "–").all()
    assert all(v.startswith("1 statement") for v in single["verdict"])


def test_zero_shot_flip_evidence_never_calls_a_reading_a_label():
    at = open_page("stance", {"smode": "zero-shot"})
    caps = [unescape(c.value) for c in at.main.caption]
    assert not any("(a label" in c or "(a hand label)" in c for c in caps)
    assert any("the model's reading, confidence" in c for c in caps)


def test_own_axis_starts_with_empty_poles_and_one_sided_labels_are_flagged():
    at = open_page("stance")
    at.selectbox(key="_stance_preset").set_value("(your own axis)").run()
    assert_ok(at)
    assert at.text_input(key="favor").value == "" and at.text_input(key="against").value == ""
    at.text_input(key="target").set_value("tariffs on Mexican steel").run()
    controls = [b for b in at.button_group if b.key and b.key.startswith("teach_")]
    controls[0].set_value("favor").run()
    controls = [b for b in at.button_group if b.key and b.key.startswith("teach_")]
    controls[0].set_value("favor").run()
    assert_ok(at)
    assert any("cannot yet tell favor from against" in unescape(w.value) for w in at.warning)


# ---------------------------------------------------------------------------- the CLI
def test_cli_by_speaker_prints_one_honest_record_per_speaker():
    proc = run_cli(
        "stance",
        str(REPO_ROOT / "stance_explorer" / "data" / "statements.csv"),
        "--target",
        "the USMCA trade agreement",
        "--by",
        "speaker",
        "--format",
        "json",
    )
    assert proc.returncode == 0, proc.stderr
    records = json.loads(proc.stdout)
    assert all(list(r) == ["speaker", "n", "estimate", "low", "high", "verdict", "reader"] for r in records)
    assert len(records) == N_SPEAKERS and sum(r["n"] for r in records) == N_BUNDLED
    few = [r for r in records if r["verdict"].startswith("1 statement")]
    assert few and all(r["low"] is None and r["high"] is None for r in few)
    placed = [r for r in records if r["low"] is not None]
    assert placed and all(r["low"] <= r["estimate"] <= r["high"] for r in placed)


# ---------------------------------------------------------------------------- claims (the tracker)
def test_a_claim_line_parses_with_its_opposite():
    c = Claim.parse("tariffs work | tariffs hurt everyone")
    assert (c.phrase, c.opposite) == ("tariffs work", "tariffs hurt everyone")
    assert Claim.parse("USMCA irrelevant").axis().against  # the default phrases ship their opposite
    assert Claim.parse("  new idea ").axis().target == "new idea"


def test_claim_shares_per_period_with_the_fullest_deciding_quote():
    f = frame(
        [
            ("T", "2020-01-01", "The deal is the best ever made for our workers", "https://example.org/a", "direct"),
            ("T", "2020-02-01", "fine", "", "partial"),
            (
                "T",
                "2026-01-13",
                "There is no real advantage to it, it is irrelevant",
                "https://example.org/b",
                "direct",
            ),
            ("T", "2026-01-29", "irrelevant", "", "partial"),
        ]
    )
    arr = arrays([AG, NO, FAV, FAV], [-0.8, 0.0, 0.6, 1.0])
    got = claim_over_time(f, arr, speakers=["T"]).set_index("period")
    assert got.loc["2020", ["holds", "rejects", "n"]].tolist() == [0, 1, 2] and got.loc["2020", "share_rejects"] == 0.5
    assert got.loc["2026", "share_holds"] == 1.0 and f[S.ID].iat[got.loc["2026", "row_holds"]] == "X2"


@pytest.mark.model
def test_the_tracker_claim_puts_trumps_2020_praise_on_the_rejecting_side():
    from stance_explorer.dataset import load_dataset
    from stance_explorer.encoders.models import get_encoder
    from stance_explorer.stance.readers import make_reader
    from stance_explorer.store import EmbeddingStore
    from stance_explorer.vectors import ChosenModel, VectorSource

    ds = load_dataset()
    src = VectorSource(
        ChosenModel.of_vectors(ds.model_id), sink=EmbeddingStore(None, ds.model_id), encoder=get_encoder()
    )
    claim = Claim.parse("USMCA irrelevant")
    reader = make_reader("axis", source=src)
    r = read_claim(reader, claim.axis(), ds.frame, vectors=ds.vectors, taught=False)
    ids = ds.frame[S.ID].to_numpy()
    side = {sid: int(r.arrays.label[np.flatnonzero(ids == sid)[0]]) for sid in ("S040", "S166")}
    assert side == {"S040": AG, "S166": FAV}  # 2020 praise rejects the claim; 2026 "irrelevant" holds it


def test_below_the_threshold_a_speaker_gets_no_number_only_the_count_and_the_reading():
    f = frame([("Trudeau", "2025-01-01", "no justification for these tariffs", "", "direct")])
    est = speaker_estimates(f, arrays([AG], [-0.82])).iloc[0]
    assert not np.isfinite(est["estimate"]) and not np.isfinite(est["low"])
    assert est["verdict"] == "1 statement (reads against): too few to place"


def test_hand_labels_that_all_agree_are_told_in_words_not_as_a_zero_width_interval():
    rows = [("A", f"202{i}-01-01", f"quote {i}", "", "direct") for i in range(5)]
    est = speaker_estimates(frame(rows), arrays([FAV] * 5, [1.0] * 5, [1.0] * 5), labelled=np.ones(5, bool))
    e = est.iloc[0]
    assert e["verdict"] == "all 5 hand-labelled favor" and not np.isfinite(e["low"]) and not np.isfinite(e["high"])
    mixed = speaker_estimates(frame(rows), arrays([FAV] * 5, [1.0] * 5, [1.0] * 5)).iloc[0]
    assert mixed["verdict"] == "favor"  # readings, not labels: the interval stays


def test_only_statements_about_the_claims_subject_count_as_holding_or_rejecting_it():
    f = frame(
        [
            ("Ford", "2025-01-01", "cartels are a menace", "", "direct"),
            ("Ford", "2025-02-01", "fentanyl kills", "", "direct"),
            ("Sheinbaum", "2025-01-01", "we send humanitarian aid to Cuba", "", "direct"),
            ("Sheinbaum", "2025-03-01", "oil to Cuba is a sovereign matter", "", "direct"),
        ]
    )
    f[S.TOPIC] = ["security", "security", "Cuba/energy", "Cuba/energy"]
    relevance = np.array([0.29, 0.25, 0.55, 0.59])
    about = about_claim(f, relevance)
    assert about.tolist() == [False, False, True, True]
    arr = arrays([AG, AG, AG, AG], [-0.6] * 4)
    periods = claim_over_time(f, arr, speakers=["Ford", "Sheinbaum"], about=about).set_index("speaker")
    assert periods.at["Ford", "rejects"] == 0 and periods.at["Ford", "off_topic"] == 2
    assert periods.at["Sheinbaum", "rejects"] == 2 and periods.at["Sheinbaum", "share_rejects"] == 1.0
    said = claim_summary(periods.reset_index(), claim="Mexico must stop shipping oil to Cuba")
    assert "2 statements read as taking a side but not about its subject were left out" in said
    assert "Ford" not in said and "too few to rank" in said  # Sheinbaum's 2 statements: said, not ranked silently
