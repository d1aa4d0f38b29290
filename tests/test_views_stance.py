"""The Stance and tracker pages' view builders, without Streamlit: what each page would show."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stance_explorer import schema as S
from stance_explorer.stance import AGAINST, FAVOR, NOT_ENOUGH, Axis, Claim, read_claim
from stance_explorer.stance.readers import ReaderOutput, probs_from_labels
from stance_explorer.views.stance import default_speakers, stance_view, suggestions, teaching_table
from stance_explorer.views.tracker import claim_view, claims_of, drift_defaults


class KeywordReader:
    """Reads "yes" as favor and "no" as against, very surely; anything else as none."""

    name, version, label, cacheable = "kw", "1", "a keyword test reader", False

    def read(self, claim, texts, *, progress=None):
        names = ["favor" if "yes" in t else "against" if "no" in t else "none" for t in texts]
        return ReaderOutput(probs_from_labels(names, [0.9] * len(texts)), np.ones(len(texts), bool))


def statements():
    rows = [
        ("Ana", "2020-01-01", "yes to the deal", "trade"),
        ("Ana", "2020-06-01", "yes again", "trade"),
        ("Ana", "2026-01-01", "no more deal", "trade"),
        ("Ana", "2026-02-01", "no, never", "trade"),
        ("Bo", "2021-01-01", "yes once", "trade"),
        ("Bo", "2022-01-01", "cartels no", "security"),
    ]
    f = pd.DataFrame(rows, columns=[S.SPEAKER, S.DATE, S.TEXT, S.TOPIC])
    f[S.DATE] = pd.to_datetime(f[S.DATE])
    f[S.ID] = [f"X{i}" for i in range(len(f))]
    return f


def test_the_stance_view_gives_a_verdict_only_where_the_quotes_back_it():
    f = statements()
    trade = np.flatnonzero(f[S.TOPIC] == "trade")
    r = read_claim(KeywordReader(), Axis("the deal"), f, scope=trade)
    v = stance_view(r, f, chosen=["Ana", "Bo"], freq="Y", mode_caption="Zero-shot.")
    assert v.caption == "Zero-shot. 5 statements read." and "a keyword test reader" in v.honesty
    est = v.speakers.table.set_index("speaker")
    assert est.at["Bo", "verdict"] == "1 statement (reads favor): too few to place"
    assert np.isnan(est.at["Bo", "estimate"])
    flips = {f.speaker: f for f in v.time.flips}
    assert flips["Ana"].rating == "Full Flop"
    assert [q.row[S.TEXT] for q in flips["Ana"].quotes] == ["yes to the deal", "no more deal"]
    assert all("confidence 0.90" in q.told for q in flips["Ana"].quotes)  # each quote with its reading
    assert dict(v.time.unsure)["Bo"].startswith(NOT_ENOUGH)


def test_suggestions_and_the_teaching_table_name_whose_label_is_whose():
    f = statements()
    hand = np.full(len(f), -1)
    hand[0] = FAVOR
    hand[2] = AGAINST
    r = read_claim(KeywordReader(), Axis("the deal"), f, hand=hand, taught=True)
    project = ["favor", None, None, None, None, None]
    v = stance_view(r, f, chosen=["Ana"], freq="Y", mode_caption="Taught.", project_labels=project)
    table, order = teaching_table(v.table, project, [None, None, "against", None, None, None])
    row0 = table.iloc[list(order).index(0)]
    assert row0["project's hand label"] == "favor" and row0["your label"] is None
    assert (
        row0["reader's reading"] == "favor" and abs(row0["confidence"] - 0.9) < 1e-6
    )  # the reader's own, not the label's 1.0
    assert v.table.loc[0, "label_by"] == "project" and v.table.loc[2, "label_by"] == "you"
    assert all(q.row["hand_label"] == "" for q in suggestions(r, v.table, None))  # never a labelled one


def test_the_tracker_counts_only_statements_about_the_claim_and_says_how_many_it_left_out():
    f = statements()
    claim = claims_of("The deal is good | The deal is bad")[0]
    assert claim == Claim("The deal is good", "", "The deal is bad")
    relevance = np.array([0.6, 0.5, 0.55, 0.5, 0.6, 0.2])
    r = read_claim(KeywordReader(), claim.axis(), f, relevance=relevance)
    cv = claim_view(claim, r, f, ["Ana", "Bo"])
    assert cv.off_topic == 1 and "1 statement read as taking a side but not about" in cv.reader_caption
    bo = cv.periods[cv.periods["speaker"] == "Bo"]
    assert bo["rejects"].sum() == 0  # the cartel quote does not reject a trade claim


def test_default_speakers_and_drift_defaults_follow_the_data():
    f = statements()
    chosen, note = default_speakers(f)
    assert chosen == ["Ana", "Bo"] and note is None
    speakers, default, why = drift_defaults(f)
    assert default == "Ana" and why == "most statements"


def test_statements_the_reader_cannot_read_are_neither_dots_nor_counts():
    class EnglishOnly(KeywordReader):
        def read(self, claim, texts, *, progress=None):
            out = super().read(claim, texts)
            out.read = np.array(["never" not in t for t in texts])
            out.notes = ["" if ok else "not English" for ok in out.read]
            return out

    f = statements()
    r = read_claim(EnglishOnly(), Axis("the deal"), f, scope=np.flatnonzero(f[S.TOPIC] == "trade"))
    v = stance_view(r, f, chosen=["Ana"], freq="Y", mode_caption="Zero-shot.")
    ana = v.speakers.table.set_index("speaker").loc["Ana"]
    assert ana["n"] == 3 and ana["n_against"] == 1  # "no, never" was not read: not counted as none
    assert "never" not in " ".join(v.speakers.shown[S.TEXT])
    assert v.unread_note.startswith("1 statement here was not read by this reader (not English)")
