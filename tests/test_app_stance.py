"""Stance page (app_pages/stance.py) and Compare's agree / disagree, in AppTest.

Preset axes read from committed vectors, so none of this loads the model.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from apptest_helpers import (
    APP,
    COMPARE,
    REPO_ROOT,
    assert_ok,
    bundled_frame,
    main_metrics,
    open_page,
    plotly_array,
    plotly_charts,
    shown_choice,
    texts,
    unescape,
)

from stance_explorer.stance import load_presets, read_labels, text_sha256, write_labels

STANCE = "stance"
TARIFFS = next(p for p in load_presets() if p.topic == "tariffs")
USMCA = next(p for p in load_presets() if p.topic == "USMCA/trade")


def markdowns(at) -> list[str]:
    return [unescape(m.value) for m in at.main.markdown]


def captions(at) -> list[str]:
    return [unescape(c.value) for c in at.main.caption]


def numbers(data) -> list[float]:
    return plotly_array(data).tolist()


def tariffs_page():
    return open_page(
        STANCE, {"target": TARIFFS.axis.target, "favor": TARIFFS.axis.favor, "against": TARIFFS.axis.against}
    )


def test_default_view_reads_the_usmca_with_the_hand_labels_and_rates_trump_a_full_flop():
    at = open_page(STANCE)
    assert texts(at.subheader) == [
        "The question",
        "Where each speaker stands",
        "Over time",
        "Flip-O-Meter",
        "Two axes at once",
        "Teach the axis",
    ]
    assert at.selectbox(key="_stance_preset").value == USMCA.name
    assert shown_choice(at, "stopic") == "USMCA/trade"
    assert any(c.startswith("Taught by 75 labels") for c in captions(at))
    # The honesty note: a model's reading, with its confidence; none apart from zero.
    honesty = unescape(at.main.info[0].value)
    assert "the model's reading" in honesty and "not at zero" in honesty
    md = markdowns(at)
    flop = [m for m in md if m.startswith("**Donald Trump: Full Flop**")]
    assert flop and "favor in 2020" in flop[0] and "against in 2026" in flop[0]
    i = md.index(flop[0])
    assert "largest, fairest, most balanced" in md[i + 1]
    # The 2026 evidence is a full, sourced quote, not the one-word fragment "…irrelevant…" (S190, no link).
    assert md[i + 2] != "“…irrelevant…”" and len(md[i + 2].split()) >= 6
    charts = plotly_charts(at)
    assert {"stance_strip_0", "stance_time", "stance_2d"} <= set(charts)
    # "none" readings are drawn in their own column right of the scale, never at zero on it.
    none_traces = [t for t in charts["stance_strip_0"]["data"] if t["name"].startswith("none")]
    assert none_traces
    for t in none_traces:
        assert all(x > 1.2 for x in numbers(t["x"]))
    # Low-confidence readings look different (hollow markers).
    for t in charts["stance_strip_0"]["data"]:
        if "(low confidence)" in t["name"]:
            assert t["marker"]["symbol"] == "circle-open"


def test_speaker_table_gives_estimates_with_intervals_and_none_as_none():
    at = open_page(STANCE)
    table = next(d.value for d in at.dataframe if "interval" in d.value.columns)
    trudeau = table[table["speaker"] == "Justin Trudeau"].iloc[0]
    # Four hand labels that all agree are said in words, never as a zero-width "+1.00 to +1.00".
    assert trudeau["verdict"] == "all 4 hand-labelled favor" and trudeau["interval"] == "–"
    placed = table[table["interval"] != "–"]
    assert len(placed) and "+1.00 to +1.00" not in placed["interval"].tolist()
    for _, row in placed.iterrows():
        lo, hi = (float(x) for x in row["interval"].split(" to "))
        assert lo <= row["estimate"] <= hi


def test_a_link_with_an_axis_reopens_it_and_names_the_preset():
    at = tariffs_page()
    assert at.text_input(key="target").value == TARIFFS.axis.target
    assert at.selectbox(key="_stance_preset").value == TARIFFS.name
    assert shown_choice(at, "stopic") == "tariffs"
    # The mode control says "taught" (the default): the caption agrees, and says why it reads zero-shot.
    assert at.radio(key="smode").value == "taught"
    assert any(c.startswith("Taught mode, but no label for this axis") and "zero-shot" in c for c in captions(at))


SECURITY = next(p for p in load_presets() if p.topic == "security/cartels")


def page_notes(at) -> str:
    return " ".join(unescape(i.value) for i in at.main.info)


def test_a_link_with_a_presets_former_wording_opens_the_preset_as_now_worded():
    """A link shared before the presets became claims carries the old security wording ("security
    cooperation against the cartels"); it opens the security preset as worded now, and says so."""
    old = SECURITY.former[0]
    at = open_page(STANCE, {"target": old.target, "favor": old.favor, "against": old.against})
    assert_ok(at)
    assert at.text_input(key="target").value == SECURITY.axis.target
    assert at.text_input(key="against").value == SECURITY.axis.against
    assert at.selectbox(key="_stance_preset").value == SECURITY.name
    assert shown_choice(at, "stopic") == "security/cartels"
    assert f"is the former wording of the preset “{SECURITY.name}”" in page_notes(at)


def test_a_link_naming_a_presets_former_name_as_second_axis_opens_that_preset():
    at = open_page(STANCE, {"axis2": "Security cooperation"})
    assert_ok(at)
    assert at.selectbox(key="axis2").value == SECURITY.name
    assert "not among the choices" not in page_notes(at)


def test_choosing_a_preset_fills_the_axis_and_the_url():
    at = open_page(STANCE)
    at.selectbox(key="_stance_preset").set_value(TARIFFS.name).run()
    assert_ok(at)
    assert at.text_input(key="target").value == TARIFFS.axis.target
    assert shown_choice(at, "stopic") == "tariffs"
    assert at.query_params["target"] in (TARIFFS.axis.target, [TARIFFS.axis.target])  # the share link carries it


def test_teaching_three_labels_rescores_and_the_labels_download_as_csv():
    at = tariffs_page()
    for n in range(1, 4):
        controls = [b for b in at.button_group if b.key and b.key.startswith("teach_")]
        assert len(controls) == 5  # five suggestions
        controls[0].set_value("favor" if n != 2 else "against").run()
        assert_ok(at)
        assert main_metrics(at)["Labels for this axis"] == str(n)
    assert main_metrics(at)["favor / against / none"] == "2 / 1 / 0"
    assert any(c.startswith("Taught by 3 labels") for c in captions(at))
    raw = at.get("download_button")[0].proto.url  # served from memory; the bytes come from stance.write_labels
    assert raw
    labels = at.session_state["_stance_labels"][TARIFFS.axis.key]
    back = read_labels(write_labels(labels), name="stance_labels.csv")
    assert back.problems == [] and back.labels.counts() == {"none": 0, "against": 1, "favor": 2}


def test_a_bad_label_file_is_named_with_its_row_and_column_and_good_rows_kept():
    at = tariffs_page()
    frame = at.session_state["_view"].dataset.frame
    sid, text = frame[frame["topic"] == "tariffs"].iloc[0][["id", "text"]]
    csv = f"id,text_sha256,label\n{sid},{text_sha256(text)},against\n{sid},{text_sha256(text)},strongly\n".encode()
    uploader = next(u for u in at.file_uploader if u.key.startswith("stance_labels_upload_"))
    uploader.upload("mylabels.csv", csv, "text/csv").run()
    assert_ok(at)
    assert main_metrics(at)["Labels for this axis"] == "1"
    assert any("mylabels.csv: 1 label added" in unescape(s.value) for s in at.success)
    problems = next(d.value for d in at.dataframe if "severity" in d.value.columns)
    row = problems.iloc[0]
    assert (row["file"], row["line"], row["column"]) == ("mylabels.csv", 3, "label")


def test_an_unusable_label_file_says_why_and_changes_nothing():
    at = tariffs_page()
    uploader = next(u for u in at.file_uploader if u.key.startswith("stance_labels_upload_"))
    uploader.upload("notes.csv", b"who,what\nme,this\n", "text/csv").run()
    assert_ok(at)
    assert main_metrics(at)["Labels for this axis"] == "0"
    assert any(
        "notes.csv could not be used" in unescape(e.value) and "no column" in unescape(e.value) for e in at.error
    )


def test_compare_says_who_agrees_on_the_topic_axis_with_the_quotes():
    at = open_page(COMPARE, {"topic": "USMCA/trade", "who": ["Justin Trudeau", "Claudia Sheinbaum", "Donald Trump"]})
    assert "Do they agree?" in texts(at.subheader)
    verdicts = [m for m in markdowns(at) if m.startswith(":material/")]
    assert len(verdicts) == 3
    assert any("Justin Trudeau and Claudia Sheinbaum: agree" in v for v in verdicts)
    # Trump was for it in 2020 and against it in 2026: overall, no clear side.
    assert any("Justin Trudeau and Donald Trump: unclear" in v for v in verdicts)


def test_compare_on_a_topic_without_an_axis_says_so():
    at = open_page(COMPARE, {"topic": "China"})
    assert any("There is no stance axis for “China” yet" in c for c in captions(at))


PROBE = textwrap.dedent(
    f"""
    import json, sys
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file({str(APP)!r}, default_timeout=90).run()
    at.switch_page("app_pages/stance.py").run()
    at.switch_page("app_pages/compare.py").run()
    print(json.dumps({{"exceptions": [e.value for e in at.exception], "torch": "torch" in sys.modules,
                      "subheaders": [s.value for s in at.subheader]}}))
    """
)


def test_preset_axes_read_from_stored_vectors_without_torch():
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["exceptions"] == [] and "Do they agree?" in report["subheaders"]
    assert report["torch"] is False


UPLOAD = b"""speaker,date,text,topic
Jane Tester,2020-03-01,The USMCA is a wonderful agreement and we must keep it forever,USMCA/trade
Jane Tester,2026-03-05,The USMCA is useless and irrelevant; let it expire,USMCA/trade
John Example,2025-03-10,We will work within the USMCA and defend it,USMCA/trade
"""


@pytest.mark.model
def test_uploaded_statements_are_read_on_the_axis_and_can_be_labelled():
    """End to end on an upload: add it on the Data page, read it on the Stance page, label one of its rows."""
    at = open_page("data")
    at.file_uploader(key="uploader").upload("mine.csv", UPLOAD, "text/csv").run()
    at.button(key="add_mine.csv").click().run()
    assert_ok(at)
    at.sidebar.radio(key="data").set_value("uploaded").run()
    at = open_page(STANCE, at=at)
    assert any(c.startswith("Taught mode, but no label") and "3 statements read" in c for c in captions(at)), captions(
        at
    )
    table = next(d.value for d in at.dataframe if "interval" in d.value.columns)
    assert set(table["speaker"]) == {"Jane Tester", "John Example"}
    # Label the uploaded statements through the suggestions: the reading becomes taught.
    for n in (1, 2):
        controls = [b for b in at.button_group if b.key and b.key.startswith("teach_")]
        controls[0].set_value("favor" if n == 1 else "against").run()
        assert_ok(at)
    assert main_metrics(at)["Labels matching statements here"] == "2"
    assert main_metrics(at)["Labels for this axis"] == "77"  # the 75 shipped USMCA labels are kept for the bundled data
    assert any(c.startswith("Taught by 2 labels") for c in captions(at))


def test_labels_outside_the_filters_still_teach_the_axis():
    """Filtered to Trump alone, the reading is still taught by all 75 hand labels (only Trump's are in view)."""
    at = open_page(STANCE, {"speakers": ["Donald Trump"]})
    assert any(c.startswith("Taught by 75 labels") and "24 statements read" in c for c in captions(at)), captions(at)
    assert main_metrics(at)["Labels matching statements here"] == "24"  # Trump's own, all labelled
    assert any(m.startswith("**Donald Trump: Full Flop**") for m in markdowns(at))


def test_the_multilingual_model_reads_the_preset_axis_from_its_own_committed_vectors():
    """With ?model=multilingual the axis is read by that model (its own committed axis vectors), not MiniLM's."""
    at = open_page(STANCE, {"model": "multilingual"})
    assert any(c.startswith("Taught by 75 labels") for c in captions(at)), captions(at)
    assert any(m.startswith("**Donald Trump: Full Flop**") for m in markdowns(at))
    infos = [unescape(i.value) for i in at.info]
    assert any("embedding axis (multilingual)" in i for i in infos), infos  # the reader named is the model's own
    readings = [slot[1] for slot in at.session_state["_frame_cache"]["stance_readings"].values()]
    assert readings and {r.reader_version.split("@")[0] for r in readings} == {"use-multilingual-v3"}


def test_readings_made_elsewhere_are_uploaded_checked_row_by_row_and_shown_as_that_readers():
    """A readings CSV: its bad rows named by file, line and column, the good ones read, the reader named."""
    at = open_page(STANCE)
    claim = at.text_input(key="favor").value or at.text_input(key="target").value
    frame = bundled_frame()
    s040 = frame[frame["id"] == "S040"].iloc[0]
    raw = (
        "id,text_sha256,claim,stance,confidence,reader\n"
        f"S040,{text_sha256(s040['text'])},{claim},favor,0.9,my-newsroom-model\n"
        f"S041,,{claim},perhaps,0.5,my-newsroom-model\n"
    ).encode()
    at.file_uploader(key="stance_readings_up").upload("ours.csv", raw, "text/csv").run()
    assert_ok(at)
    assert at.selectbox(key="reader").value == "csv"
    infos = [unescape(i.value) for i in at.info]
    assert any("readings from my-newsroom-model (ours.csv; made elsewhere, not labels)" in i for i in infos), infos
    problems = next(d.value for d in at.dataframe if "column" in d.value.columns)
    assert problems.iloc[0]["file"] == "ours.csv" and int(problems.iloc[0]["line"]) == 3
    assert any("1 reading read" in c for c in captions(at)), captions(at)


def test_the_built_in_reader_is_offered_and_reads_when_picked():
    """The shipped reader is one pick away (not the default: it does not beat the axis), and is named once in force."""
    at = open_page(STANCE)
    reader = at.selectbox(key="reader")
    assert reader.value == "axis" and "builtin" in reader.options
    reader.set_value("builtin").run()
    assert_ok(at)
    infos = [unescape(i.value) for i in at.info]
    assert any("Read by **the built-in reader" in i for i in infos), infos
    # A share link names the reader, and reopens with it.
    linked = open_page(STANCE, {"reader": "builtin"})
    assert linked.selectbox(key="reader").value == "builtin"
    assert any("Read by **the built-in reader" in unescape(i.value) for i in linked.info)
