"""The sidebar's About text (webapp/shell.py) computes its counts from the bundled data and reads its
accuracy figures from the benchmarks' results file, instead of typing a third copy of them."""

from __future__ import annotations

import pandas as pd

from stance_explorer import schema as S
from stance_explorer.package_data import read_data_json
from stance_explorer.stance import load_presets
from webapp.shell import about_text


def test_the_about_text_counts_the_bundled_data(bundled):
    frame = bundled.frame
    text = about_text(frame, read_data_json("stance_results.json"))
    n, officials = len(frame), frame[S.SPEAKER].nunique()
    assert f"holds {n} quotes by {officials} officials on the USMCA" in text
    years = frame[S.DATE].dt.year
    assert f"{years.min()}–{years.max()}" in text
    assert "5 quotes have no known link" in text  # the seed report's five
    spanish = int((frame[S.LANGUAGE] != "en").sum())
    assert f"({spanish} of the {n} are not in English)" in text


def test_the_about_text_follows_the_data_it_is_given(bundled):
    """Another bundled set (STANCE_EXPLORER_DATA) gets its own counts, not the shipped data's."""
    part = bundled.frame[bundled.frame[S.SPEAKER].isin(["Donald Trump", "Claudia Sheinbaum"])]
    text = about_text(part, {})
    assert f"holds {len(part)} quotes by 2 officials" in text and "199" not in text
    one = pd.DataFrame({S.SPEAKER: ["A"], S.DATE: [pd.Timestamp("2020-01-01")], S.LANGUAGE: ["en"], S.SOURCE_URL: [""]})
    assert "holds 1 quote by 1 official on the USMCA" in about_text(one, {})


def test_the_about_text_reads_the_accuracy_from_the_results_file():
    shipped = read_data_json("stance_results.json")
    text = about_text(pd.DataFrame(columns=[S.SPEAKER, S.DATE, S.LANGUAGE]), shipped)
    tweets, own = shipped["tweeteval"], shipped["bundled"]
    assert f"zero-shot {tweets['zero_shot']:.2f}, taught with 16 labels per class {tweets['few_shot_16']:.2f}" in text
    assert f"with all labels {tweets['full']:.2f}" in text
    assert f"on the {own['statements']} hand-labelled {own['topic']} statements, zero-shot accuracy" in text
    assert (
        f"{own['zero_shot_accuracy']:.2f}, taught (each label predicted from the other {own['statements'] - 1}) "
        in text
    )
    changed = {**shipped, "bundled": {**own, "zero_shot_accuracy": 0.91}}
    assert "zero-shot accuracy 0.91" in about_text(pd.DataFrame(columns=[S.SPEAKER, S.DATE, S.LANGUAGE]), changed)
    assert "has not been measured" in about_text(pd.DataFrame(columns=[S.SPEAKER, S.DATE, S.LANGUAGE]), {})


def test_the_results_file_holds_what_the_stance_benchmarks_wrote():
    shipped = read_data_json("stance_results.json")
    for section, keys in {
        "tweeteval": ("zero_shot", "few_shot_16", "full", "model", "measured"),
        "bundled": ("zero_shot_accuracy", "taught_loo_accuracy", "statements", "preset", "axis", "measured"),
    }.items():
        assert set(keys) <= set(shipped[section]), section
    # The bundled figures were measured on the preset as it is worded now.
    usmca = next(p for p in load_presets() if p.topic == shipped["bundled"]["topic"])
    assert shipped["bundled"]["axis"] == usmca.axis.target and shipped["bundled"]["preset"] == usmca.name
