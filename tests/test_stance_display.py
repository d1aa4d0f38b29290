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
from stance_explorer import stance as T
from stance_explorer.stance import methods as M

FAV, AG, NO = T.FAVOR, T.AGAINST, T.NONE


def arrays(labels, scores, conf=None) -> M.StanceArrays:
    n = len(labels)
    conf = conf if conf is not None else [0.8] * n
    return M.StanceArrays(np.asarray(labels, np.int8), np.asarray(scores, np.float32), np.asarray(conf, np.float32))


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
    est = T.speaker_estimates(f, arrays([FAV, FAV, FAV, FAV, FAV, FAV], [1.0, 0.9, 0.8, 0.9, 0.8, 0.7])).set_index(
        "speaker"
    )
    # Today's code gave "One" a zero-width interval (+1.00 to +1.00) and a firm "favor".
    assert np.isnan(est.at["One", "low"]) and np.isnan(est.at["One", "high"])
    assert est.at["One", "side"] == T.TOO_FEW and est.at["One", "verdict"].startswith("1 statement (reads favor)")
    assert est.at["Two", "side"] == T.TOO_FEW and est.at["Two", "verdict"].startswith("2 statements (both read favor)")
    assert est.at["Many", "side"] == "favor" and est.at["Many", "low"] < est.at["Many", "high"]
    # Two speakers with a statement each are never "agree": too little to place either.
    pairs = T.pair_agreement(f, arrays([FAV] * 6, [1.0, 0.9, 0.8, 0.9, 0.8, 0.7]), ["One", "Two"])
    assert pairs.iloc[0]["verdict"] == "unclear"


# ---------------------------------------------------------------------------- labels and readings
def test_a_model_reading_is_never_called_a_label():
    f = frame([("A", "2017-01-01", "Some words about the deal here", "", "direct")])
    zero = T.readings(f, arrays([FAV], [0.3], [0.46]), None, hand=np.array([NO]))
    told = T.describe_reading(zero.iloc[0])
    assert "a hand label)" not in told and "the model's reading, confidence 0.46" in told and "hand label: none" in told
    taught = T.readings(f, arrays([NO], [0.0], [1.0]), np.array([0]), hand=np.array([NO]))
    assert T.describe_reading(taught.iloc[0]) == "none (a hand label)"


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
    arr = arrays([FAV, AG, AG], [0.9, -1.0, -0.6])
    periods = T.stance_over_time(f, arr, speakers=["T"])
    flip = T.flip_o_meter(periods).iloc[0]
    assert flip["rating"] == "Full Flop" and f[S.ID].iat[flip["row_after"]] == "X2"
    # With only the fragment on that side, it is shown (a partial quote stays partial, never dropped).
    only = T.stance_over_time(f.iloc[:2], arrays([FAV, AG], [0.9, -1.0]), speakers=["T"])
    assert f[S.ID].iat[int(only["row_top"].iloc[-1])] == "X1"


# ---------------------------------------------------------------------------- teaching
def test_teaching_with_one_side_says_the_axis_cannot_tell_favor_from_against():
    assert "cannot yet tell favor from against" in T.teaching_gap([FAV, FAV, NO])
    assert "no favor one" in T.teaching_gap([AG])
    assert T.teaching_gap([FAV, AG]) is None and T.teaching_gap([]) is None


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
        str(REPO_ROOT / "data" / "statements.csv"),
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
    c = T.Claim.parse("tariffs work | tariffs hurt everyone")
    assert (c.phrase, c.opposite) == ("tariffs work", "tariffs hurt everyone")
    assert T.Claim.parse("USMCA irrelevant").axis().against  # the default phrases ship their opposite
    assert T.Claim.parse("  new idea ").axis().target == "new idea"


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
    got = T.claim_over_time(f, arr, speakers=["T"]).set_index("period")
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
    claim = T.Claim.parse("USMCA irrelevant")
    reader = make_reader("axis", source=src)
    r = T.read_claim(reader, claim.axis(), ds.frame, vectors=ds.vectors, taught=False)
    ids = ds.frame[S.ID].to_numpy()
    side = {sid: int(r.arrays.label[np.flatnonzero(ids == sid)[0]]) for sid in ("S040", "S166")}
    assert side == {"S040": AG, "S166": FAV}  # 2020 praise rejects the claim; 2026 "irrelevant" holds it
