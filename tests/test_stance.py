"""Stance around the method (stance_explorer/stance.py) and the CLI ``stance`` command.

Library parts are checked on hand-computable readings; the bundled data with its committed
vectors checks what a user sees: Trump on the USMCA is a full flop, citing his 2020 and 2026 quotes.
"""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from facts import N_BUNDLED, REPO_ROOT, run_cli

from stance_explorer import schema as S
from stance_explorer.dataset import load_dataset
from stance_explorer.stance import (
    AGAINST,
    FAVOR,
    MAX_LABEL_BYTES,
    NONE,
    NOT_ENOUGH,
    Axis,
    LabelSet,
    axis_vectors,
    flip_o_meter,
    frame_hashes,
    load_presets,
    pair_agreement,
    read_labels,
    readings,
    relevance,
    row_index,
    score,
    speaker_estimates,
    stance_over_time,
    text_sha256,
    turning_points,
    write_labels,
)
from stance_explorer.stance.methods import StanceArrays
from stance_explorer.store import EmbeddingStore
from stance_explorer.vectors import ChosenModel, VectorSource

FAV, AG, NO = FAVOR, AGAINST, NONE


def arrays(labels, scores, conf=None) -> StanceArrays:
    n = len(labels)
    return StanceArrays(
        np.asarray(labels, dtype=np.int8),
        np.asarray(scores, dtype=np.float32),
        np.asarray(conf if conf is not None else [1.0] * n, dtype=np.float32),
    )


def frame(rows) -> pd.DataFrame:
    """rows: (speaker, date, text)."""
    f = pd.DataFrame(rows, columns=[S.SPEAKER, S.DATE, S.TEXT])
    f[S.DATE] = pd.to_datetime(f[S.DATE])
    f[S.ID] = [f"X{i}" for i in range(len(f))]
    return f


# ---------------------------------------------------------------------------- axes and presets
def test_axis_cleans_words_and_its_key_follows_the_wording():
    a = Axis("  the   USMCA ", "good", "")
    assert a.target == "the USMCA" and a.favor == "good" and a.against == ""
    assert Axis("the USMCA", "good").key == a.key
    assert Axis("the USMCA", "bad").key != a.key
    texts = a.texts()
    assert texts["favor"] == ["good"] and len(texts["against"]) >= 1  # the empty pole is derived
    with pytest.raises(ValueError):
        Axis("   ")


def test_presets_cover_the_bundled_topics_and_the_usmca_labels_match_the_data():
    presets = load_presets()
    topics = {p.topic for p in presets}
    assert {"USMCA/trade", "tariffs", "security/cartels", "migration"} <= topics
    usmca = next(p for p in presets if p.topic == "USMCA/trade")
    read = read_labels(usmca.labels_path, frame=load_dataset().frame)
    assert read.problems == []
    assert read.labels.counts() == {"none": 38, "against": 8, "favor": 29}
    rows, _ = read.labels.rows(frame_hashes(load_dataset().frame))
    assert len(rows) == 75  # every label lands on a bundled statement


# ---------------------------------------------------------------------------- label files
def test_labels_round_trip_through_the_csv_and_stay_formula_safe():
    labels = LabelSet()
    labels.set("S1", text_sha256("one"), FAV)
    labels.set("=HYPERLINK(1)", text_sha256("two"), AG)
    labels.set("S3", text_sha256("three"), NO)
    raw = write_labels(labels)
    assert b"\n'=HYPERLINK" in raw  # a spreadsheet shows it as text
    back = read_labels(raw, name="mine.csv")
    assert back.problems == []
    assert back.labels.labels == labels.labels


def test_bad_rows_name_file_line_and_column_and_good_rows_are_kept():
    f = frame([("A", "2020-01-01", "alpha"), ("B", "2021-01-01", "beta")])
    good = text_sha256("alpha")
    raw = (
        "id,text_sha256,label\n"
        f"X0,{good},favor\n"
        f"X1,{text_sha256('beta')},maybe\n"
        "X1,nothex,against\n"
        "NOPE,,none\n"
        "X1,,Against\n"
    ).encode()
    read = read_labels(raw, name="labels.csv", frame=f)
    problems = [(p.file, p.line, p.column, p.severity) for p in read.problems]
    assert ("labels.csv", 3, "label", "error") in problems
    assert ("labels.csv", 4, "text_sha256", "error") in problems
    assert ("labels.csv", 5, "text_sha256", "error") in problems
    assert "'maybe' is not a label" in str(read.problems[0])
    # Kept: line 2, and line 6 whose id names exactly one statement (the hash is taken from it).
    assert read.labels.labels == {good: ("X0", FAV), text_sha256("beta"): ("X1", AG)}


@pytest.mark.parametrize(
    "raw, says",
    [
        (b"", "is empty"),
        (b"\x00\x01\x02binary", "not a text file"),
        (b"id,stance_of_the_nation\nS1,favor\n", "has no column label"),
        (b"x" * (MAX_LABEL_BYTES + 1), "at most"),
    ],
)
def test_an_unusable_label_file_gets_one_message(raw, says):
    read = read_labels(raw, name="bad.csv")
    assert read.unreadable and len(read.problems) == 1
    assert read.problems[0].file == "bad.csv" and says in read.problems[0].message
    assert len(read.labels) == 0


def test_a_label_for_text_that_changed_is_kept_for_the_old_text_with_a_warning():
    f = frame([("A", "2020-01-01", "the new wording")])
    read = read_labels(
        f"id,text_sha256,label\nX0,{text_sha256('the old wording')},favor\n".encode(), name="l.csv", frame=f
    )
    assert [p.severity for p in read.problems] == ["warning"] and "different text" in read.problems[0].message
    rows, _ = read.labels.rows(frame_hashes(f))
    assert len(rows) == 0  # it does not land on the changed statement


# ---------------------------------------------------------------------------- axis vectors
def test_axis_vectors_come_from_the_store_and_only_missing_texts_are_encoded(make_fake_encoder):
    enc = make_fake_encoder()
    store = EmbeddingStore(None, enc.model_id)
    axis = Axis("the deal", "keep the deal", "end the deal")
    model = ChosenModel.of_vectors(store.model_id)
    assert axis_vectors(VectorSource(model, sink=store), axis, encode=False) is None  # nothing stored: no error
    first = axis_vectors(VectorSource(model, sink=store, encoder=enc), axis)
    assert set(first) == {"target", "favor", "against"} and enc.encoded == 3
    again = axis_vectors(VectorSource(model, sink=store), axis, encode=False)  # now cached: no encoder needed
    assert enc.encoded == 3
    for k in first:
        np.testing.assert_array_equal(first[k], again[k])


# ---------------------------------------------------------------------------- speakers, time, flips
def test_speaker_estimate_is_the_weighted_mean_of_statements_taking_a_side():
    f = frame(
        [
            ("A", "2020-01-01", "a1"),
            ("A", "2020-02-01", "a2"),
            ("A", "2020-03-01", "a3"),
            ("A", "2020-04-01", "a4"),
            ("B", "2020-01-01", "b1"),
        ]
    )
    arr = arrays([FAV, FAV, NO, FAV, NO], [0.5, 1.0, 0.9, 0.75, -0.3], [1.0, 1.0, 1.0, 1.0, 1.0])
    est = speaker_estimates(f, arr).set_index("speaker")
    assert est.at["A", "estimate"] == pytest.approx(0.75)  # the "none" statement is left out, not counted as 0
    assert 0.5 <= est.at["A", "low"] <= 0.75 <= est.at["A", "high"] <= 1.0
    assert est.at["A", "side"] == "favor" and est.at["A", "n_none"] == 1
    assert np.isnan(est.at["B", "estimate"]) and est.at["B", "side"] == "none"  # no position is not the middle


def test_a_speaker_for_then_against_is_a_full_flop_citing_the_clearest_quote_of_each_period():
    f = frame(
        [
            ("A", "2020-01-01", "weakly for"),
            ("A", "2020-06-01", "strongly for"),
            ("A", "2023-01-01", "no position"),
            ("A", "2026-01-01", "strongly against"),
            ("A", "2026-02-01", "weakly against"),
        ]
    )
    arr = arrays([FAV, FAV, NO, AG, AG], [0.4, 0.9, 0.0, -0.8, -0.3])
    periods = stance_over_time(f, arr, speakers=["A"])
    assert periods["period"].tolist() == ["2020", "2023", "2026"]
    assert periods["side"].tolist() == ["favor", "none", "against"]
    flip = flip_o_meter(periods).iloc[0]
    assert flip["rating"] == "Full Flop"
    assert (flip["from_period"], flip["to_period"]) == ("2020", "2026")
    assert f[S.TEXT].iat[flip["row_before"]] == "strongly for"
    assert f[S.TEXT].iat[flip["row_after"]] == "strongly against"
    turns = turning_points(periods)
    assert turns[["from_period", "to_period"]].values.tolist() == [["2020", "2026"]]


def test_ties_between_labelled_quotes_go_to_the_one_most_about_the_target():
    f = frame(
        [
            ("A", "2020-01-01", "vague praise"),
            ("A", "2020-02-01", "praise of the deal"),
            ("A", "2026-01-01", "against it"),
            ("A", "2026-01-02", "against it too"),
        ]
    )
    arr = arrays([FAV, FAV, AG, AG], [1.0, 1.0, -1.0, -1.0])  # hand labels all score ±1
    periods = stance_over_time(f, arr, speakers=["A"], tiebreak=np.array([0.1, 0.7, 0.5, 0.4]))
    flip = flip_o_meter(periods).iloc[0]
    assert f[S.TEXT].iat[flip["row_before"]] == "praise of the deal"


def test_half_flip_and_no_flip():
    f = frame(
        [
            ("A", "2020-01-01", "for"),
            ("A", "2020-03-01", "for too"),
            ("A", "2021-01-01", "mixed+"),
            ("A", "2021-02-01", "mixed-"),
            ("B", "2020-01-01", "for"),
            ("B", "2020-05-01", "for too"),
            ("B", "2022-01-01", "for again"),
            ("B", "2022-02-01", "for again too"),
        ]
    )
    arr = arrays([FAV, FAV, FAV, AG, FAV, FAV, FAV, FAV], [0.9, 0.9, 0.5, -0.5, 0.8, 0.8, 0.7, 0.7])
    flips = flip_o_meter(stance_over_time(f, arr, speakers=["A", "B"])).set_index("speaker")
    assert flips.at["A", "rating"] == "Half Flip"  # favor (0.9) to mixed (0.0)
    assert flips.at["B", "rating"] == "No Flip"


def test_no_flip_verdict_without_enough_confident_statements_in_each_period():
    """One statement, or readings at about 0.5 confidence, are not enough for any verdict: the counts are said."""
    f = frame(
        [
            ("C", "2020-01-01", "once"),
            ("T", "2020-01-01", "cartels must go"),
            ("T", "2020-02-01", "drug lords"),
            ("T", "2026-01-01", "hitting land"),
            ("T", "2026-02-01", "hitting land again"),
            ("U", "2020-01-01", "pro deal"),
            ("U", "2024-01-01", "pro deal again"),
        ]
    )
    arr = arrays(
        [AG, FAV, FAV, AG, AG, FAV, FAV],
        [-0.7, 0.3, 0.3, -0.3, -0.3, 0.9, 0.2],
        [0.9, 0.49, 0.45, 0.5, 0.47, 0.9, 0.9],
    )
    flips = flip_o_meter(stance_over_time(f, arr, speakers=["C", "T", "U"])).set_index("speaker")
    assert set(flips["rating"]) == {NOT_ENOUGH}
    assert "2020: 1" in flips.at["C", "explanation"]
    assert "2020: 0" in flips.at["T", "explanation"] and "2026: 1" in flips.at["T", "explanation"]
    assert "2024: 1" in flips.at["U", "explanation"]  # two pro-deal quotes never make a Half Flip


def test_pairs_agree_disagree_or_are_unclear_with_the_deciding_quotes():
    rows, labels, scores = [], [], []
    for speaker, lab, sc in (("A", FAV, 0.8), ("B", FAV, 0.6), ("C", AG, -0.7), ("D", NO, 0.0)):
        for i in range(6):
            rows.append((speaker, f"202{i}-01-01", f"{speaker}{i}"))
            labels.append(lab)
            scores.append(sc + 0.02 * i * (1 if sc >= 0 else -1))
    f = frame(rows)
    pairs = pair_agreement(f, arrays(labels, scores), ["A", "B", "C", "D"]).set_index(["speaker_a", "speaker_b"])
    assert pairs.at[("A", "B"), "verdict"] == "agree"
    assert pairs.at[("A", "C"), "verdict"] == "disagree"
    assert pairs.at[("A", "D"), "verdict"] == "unclear" and pairs.at[("A", "D"), "row_b"] == -1
    assert f[S.TEXT].iat[pairs.at[("A", "C"), "row_a"]] == "A5"  # A's clearest favor statement
    assert f[S.TEXT].iat[pairs.at[("A", "C"), "row_b"]] == "C5"  # C's clearest against statement


def test_readings_mark_low_confidence_and_labels():
    f = frame([("A", "2020-01-01", "x"), ("A", "2020-01-02", "y")])
    rd = readings(f, arrays([FAV, NO], [0.9, 0.1], [0.9, 0.2]), np.array([0]))
    assert rd["stance"].tolist() == ["favor", "none"]
    assert rd["low"].tolist() == [False, True] and rd["labelled"].tolist() == [True, False]


# ---------------------------------------------------------------------------- the bundled data
@pytest.fixture(scope="module")
def usmca():
    ds = load_dataset()
    preset = next(p for p in load_presets() if p.topic == "USMCA/trade")
    store = EmbeddingStore(REPO_ROOT / "embeddings", ds.model_id, read_only=True)
    vecs = axis_vectors(VectorSource(ChosenModel.of_vectors(ds.model_id), [store]), preset.axis, encode=False)
    assert vecs is not None, "the preset axis vectors are committed"
    keep = (ds.frame[S.TOPIC] == "USMCA/trade").to_numpy()
    f, X = ds.frame[keep].reset_index(drop=True), ds.vectors[keep]
    labels = read_labels(preset.labels_path, frame=f).labels
    rows, codes = labels.rows(frame_hashes(f))
    return f, X, vecs, rows, codes, ds.model_id


def _row(f, sid):
    return int(np.flatnonzero(f[S.ID].to_numpy() == sid)[0])


@pytest.mark.model
def test_trumps_2020_and_2026_usmca_quotes_land_on_opposite_sides_taught_without_his_labels(usmca):
    """Taught on the other speakers' hand labels only: Trump's own statements are unseen."""
    f, X, vecs, rows, codes, model = usmca
    others = f[S.SPEAKER].to_numpy()[rows] != "Donald Trump"
    arr = score(X, vecs, rows[others], codes[others], model_id=model)
    s2020, s2026 = _row(f, "S040"), _row(f, "S190")  # "largest, fairest, most balanced" / "irrelevant"
    assert arr.label[s2020] == FAV and arr.label[s2026] == AG
    assert arr.score[s2020] > 0 > arr.score[s2026]


def test_flip_o_meter_rates_trump_on_the_usmca_a_full_flop_citing_2020_and_2026(usmca):
    f, X, vecs, rows, codes, model = usmca
    arr = score(X, vecs, rows, codes, model_id=model)
    periods = stance_over_time(f, arr, speakers=["Donald Trump"], tiebreak=relevance(X, vecs))
    flip = flip_o_meter(periods).iloc[0]
    assert flip["rating"] == "Full Flop"
    assert f[S.ID].iat[flip["row_before"]] == "S040"
    assert "largest, fairest, most balanced" in f[S.TEXT].iat[flip["row_before"]]
    # The evidence is the fullest sourced statement on that side, never the one-word fragment S190
    # ("irrelevant", partial, no link) while full sourced quotes from the same month exist.
    after = f.iloc[flip["row_after"]]
    assert after[S.ID] != "S190" and after[S.DATE].year == 2026
    assert (
        after[S.SOURCE_URL].startswith("https://")
        and after[S.QUOTE_TYPE] == "direct"
        and len(after[S.TEXT].split()) >= 6
    )


# ---------------------------------------------------------------------------- CLI
USMCA_ARGS = [
    "--target",
    "the USMCA trade agreement",
    "--favor",
    "The USMCA is good for us and should be kept or renewed",
    "--against",
    "The USMCA is irrelevant, harmful, or should end",
]


def cli(*args: str, store: Path) -> subprocess.CompletedProcess:
    return run_cli(*args, "--store", str(store))


def test_cli_stance_json_has_one_record_per_statement(store_copy):
    proc = cli(
        "stance",
        "stance_explorer/data/statements.csv",
        *USMCA_ARGS,
        "--labels",
        "stance_explorer/data/stance_labels.csv",
        "--format",
        "json",
        store=store_copy,
    )
    assert proc.returncode == 0, proc.stderr
    records = json.loads(proc.stdout)
    assert len(records) == N_BUNDLED
    assert set(records[0]) == {"id", "speaker", "date", "stance", "score", "confidence", "reader"}
    assert {r["reader"].split(" ")[0] for r in records} == {"axis"}  # every row names the reader that read it
    by_id = {r["id"]: r for r in records}
    assert by_id["S040"]["stance"] == "favor" and by_id["S190"]["stance"] == "against"
    assert all(
        r["stance"] in {"favor", "against", "none"} and -1 <= r["score"] <= 1 and 0 <= r["confidence"] <= 1
        for r in records
    )
    assert "taught by 75 labels" in proc.stderr


def test_cli_stance_csv_gives_row_positions_to_statements_without_an_id(tmp_path, store_copy):
    src = pd.read_csv(REPO_ROOT / "stance_explorer" / "data" / "statements.csv", dtype=str, keep_default_na=False)
    src[src["topic"] == "USMCA/trade"].head(4).drop(columns=["id"]).to_csv(tmp_path / "noid.csv", index=False)
    proc = cli("stance", str(tmp_path / "noid.csv"), *USMCA_ARGS, store=store_copy)
    assert proc.returncode == 0, proc.stderr
    out = pd.read_csv(io.StringIO(proc.stdout), dtype={"id": str})
    assert out.columns.tolist() == ["id", "speaker", "date", "stance", "score", "confidence", "reader"]
    assert out["id"].tolist() == ["0", "1", "2", "3"]
    assert "zero-shot" in proc.stderr


def test_cli_stance_unreadable_label_file_is_one_line_and_exit_2(tmp_path, store_copy):
    bad = tmp_path / "labels.csv"
    bad.write_text("who,what\nS040,yes\n", encoding="utf-8")
    proc = cli("stance", "stance_explorer/data/statements.csv", *USMCA_ARGS, "--labels", str(bad), store=store_copy)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "labels.csv" in lines[0] and "no column" in lines[0]
    assert proc.stdout == ""


def test_a_speaker_on_both_sides_is_unclear_and_both_sides_are_quoted():
    f = frame(
        [
            ("A", "2020-01-01", "A for"),
            ("A", "2021-01-01", "A for again"),
            ("A", "2022-01-01", "A for still"),
            ("E", "2020-01-01", "E for"),
            ("E", "2026-01-01", "E against"),
            ("E", "2026-02-01", "E against, mildly"),
        ]
    )
    arr = arrays([FAV, FAV, FAV, FAV, AG, AG], [0.9, 0.8, 0.85, 0.95, -0.9, -0.4])
    p = pair_agreement(f, arr, ["A", "E"]).iloc[0]
    assert p["verdict"] == "unclear" and "E is on both sides (1 favor, 2 against)" in p["reason"]
    assert f[S.TEXT].iat[p["row_b"]] == "E against"  # E leans against (mean -0.12): clearest against quote
    assert f[S.TEXT].iat[p["other_b"]] == "E for"  # and the other side is quoted too
    assert p["other_a"] == -1  # A is decided: one side only


def test_hover_labels_are_escaped_and_wrapped():
    from stance_explorer.figures import quick_statement_label

    f = frame([("<b>A</b>", "2020-01-01", "<script>x</script> " + "word " * 40 + "x" * 150)])
    label = quick_statement_label(f)[0]
    assert "<script>" not in label and "&lt;script&gt;" in label and "&lt;b&gt;A&lt;/b&gt;" in label
    body = label.split("<br>")[1:]
    import html

    assert all(len(html.unescape(line)) <= 70 for line in body) and label.endswith("…")


def test_labels_find_every_row_with_their_text_through_the_index():
    f = frame(
        [("A", "2020-01-01", "same words"), ("B", "2021-01-01", "other words"), ("C", "2022-01-01", "same words")]
    )
    labels = LabelSet()
    labels.set("X0", text_sha256("same words"), AG)
    labels.set("Z", text_sha256("not in the data"), FAV)
    hashes = frame_hashes(f)
    rows, codes = labels.rows_in(row_index(hashes))
    assert rows.tolist() == [0, 2] and codes.tolist() == [AG, AG]  # a repeated text carries its label to both rows
    r2, c2 = labels.rows(hashes)
    assert r2.tolist() == rows.tolist() and c2.tolist() == codes.tolist()
