"""Figure builders: the right chart, the right data, and user text that always shows as text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from stance_explorer import schema as S
from stance_explorer.analysis.groups import speaker_similarity, speaker_topic_matrix
from stance_explorer.analysis.pairs import pair_similarity_matrix, pair_similarity_over_time
from stance_explorer.analysis.periods import drift, phrase_timeline, smooth_by_speaker
from stance_explorer.analysis.similarity import statement_similarity
from stance_explorer.analysis.tables import statement_labels
from stance_explorer.figures.heatmaps import heatmap_figure, statement_heatmap_figure
from stance_explorer.figures.style import SIMILARITY_SCALE, hover_text, statement_label
from stance_explorer.figures.timelines import drift_figure, pair_similarity_figure, timeline_figure

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LONG = "x" * 10_000


#: Trace attributes plotly uses as identifiers and never renders as text.
NOT_RENDERED = {"legendgroup"}


def strings(obj) -> list[str]:
    """Every string in a figure's JSON-able dict that plotly may render in the browser."""
    out: list[str] = []
    if isinstance(obj, str):
        out.append(obj)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if k not in NOT_RENDERED:
                out += strings(k) + strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            out += strings(v)
    elif isinstance(obj, np.ndarray):
        for v in obj.ravel().tolist():
            out += strings(v)
    return out


def assert_escaped(fig: go.Figure, *, present: bool = True) -> None:
    every = strings(fig.to_plotly_json())
    for s in every:
        assert "<script" not in s.lower() and "<img" not in s.lower() and "onerror=alert(1)>" not in s, s[:200]
    if present:
        joined = "\n".join(every)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in joined
        assert "&lt;img src=x onerror=alert(1)&gt;" in joined


@pytest.fixture
def hostile(statement_frame):
    rows = [
        (SCRIPT, "2025-01-10", IMG),
        ("Mark Carney", "2025-06-01", SCRIPT),
        ("Mark Carney", "2026-01-13", "We will protect Canadian workers"),
        (IMG, "2024-03-05", LONG),
    ]
    frame = statement_frame(rows)
    vecs = np.stack([np.eye(3, dtype=np.float32)[i % 3] for i in range(len(rows))])
    return frame, vecs


# ---------------------------------------------------------------------------- hover text
def test_hover_text_escapes_and_wraps():
    assert hover_text(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert "<img" not in hover_text(IMG)
    wrapped = hover_text(LONG)
    lines = wrapped.split("<br>")
    assert len(wrapped) < 600
    assert max(len(line) for line in lines) <= 70
    assert wrapped.endswith("…")
    short = "Elbows up, Canada."
    assert hover_text(short) == short


def test_statement_label_has_speaker_date_and_quote(statement_frame):
    frame = statement_frame([("Donald Trump", "2026-01-13", "There’s no real advantage to it, it’s irrelevant")])
    (label,) = statement_label(frame)
    assert "Donald Trump" in label and "2026-01-13" in label and "it’s irrelevant" in label


# ---------------------------------------------------------------------------- heatmaps
def test_heatmap_figure_labels_values_and_escaping():
    names = ["Mark Carney", SCRIPT, IMG]
    matrix = pd.DataFrame([[1.0, 0.5, np.nan], [0.5, 1.0, 0.2], [np.nan, 0.2, 1.0]], index=names, columns=names)
    fig = heatmap_figure(matrix, title="Speakers")
    (trace,) = fig.data
    assert isinstance(trace, go.Heatmap)
    np.testing.assert_array_equal(np.asarray(trace.z, dtype=float), matrix.to_numpy())
    assert list(trace.x)[0] == "Mark Carney" and list(trace.y)[0] == "Mark Carney"
    assert list(trace.x)[1] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert np.asarray(trace.text)[0, 1] == "0.50" and np.asarray(trace.text)[0, 2] == ""  # NaN cell shows empty
    assert_escaped(fig)


def test_speaker_heatmap_from_analysis(hostile):
    frame, vecs = hostile
    sim = speaker_similarity(frame, vecs)
    fig = heatmap_figure(sim)
    assert isinstance(fig.data[0], go.Heatmap)
    assert len(fig.data[0].x) == 3
    assert_escaped(fig)


def test_statement_heatmap_hovers_show_both_statements(hostile):
    frame, vecs = hostile
    sim, order = statement_similarity(vecs)
    fig = statement_heatmap_figure(frame, sim, labels=statement_labels(frame))
    (trace,) = fig.data
    assert isinstance(trace, go.Heatmap)
    assert np.asarray(trace.z).shape == (4, 4)
    hover = np.asarray(trace.customdata)
    assert hover.shape == (4, 4)
    cell = hover[1, 2]
    assert "Mark Carney" in cell and "2025-06-01" in cell and "2026-01-13" in cell
    assert "We will protect Canadian workers" in cell and "&lt;script&gt;" in cell
    assert all(len(h) < 1500 for h in hover.ravel())  # the 10,000-char quote is shortened
    assert_escaped(fig)


# ---------------------------------------------------------------------------- timeline
def test_timeline_figure_points_per_speaker_and_smoothed_lines(hostile):
    frame, vecs = hostile
    tl = phrase_timeline(frame, vecs, np.array([1, 0, 0], dtype=np.float32))
    sm = smooth_by_speaker(tl)
    fig = timeline_figure(tl, sm, phrase=SCRIPT)
    markers = [t for t in fig.data if isinstance(t, go.Scatter) and t.mode == "markers"]
    lines = [t for t in fig.data if isinstance(t, go.Scatter) and t.mode == "lines"]
    assert len(markers) == 3  # one per speaker
    assert sum(len(t.x) for t in markers) == 4
    carney = next(t for t in markers if t.name == "Mark Carney")
    assert len(carney.y) == 2
    assert len(lines) == 1  # only Carney has two dates to draw a line through
    for hover, row in carney.customdata:
        assert "Mark Carney" in hover
        assert tl.loc[tl["row"] == row, S.SPEAKER].item() == "Mark Carney"  # a clicked point names its statement
    assert any("2026-01-13" in h and "protect Canadian workers" in h for h, _ in carney.customdata)
    assert all(len(h) < 700 for t in markers for h, _ in t.customdata)
    assert sorted(r for t in markers for _, r in t.customdata) == sorted(tl["row"])
    assert "&lt;script&gt;" in fig.layout.title.text
    assert_escaped(fig)


def test_timeline_figure_thins_huge_speakers_keeping_best_points(statement_frame):
    n = 50
    frame = statement_frame([("Ann", f"2020-01-{1 + i % 28:02d}", f"s{i}") for i in range(n)])
    tl = frame[[S.ID, S.SPEAKER, S.DATE, S.TOPIC, S.TEXT, S.QUOTE_TYPE, S.SOURCE_URL]].assign(
        score=np.linspace(0, 1, n), row=np.arange(n)
    )
    fig = timeline_figure(tl, max_points_per_speaker=10)
    (trace,) = fig.data
    assert len(trace.y) == 10
    assert min(trace.y) >= np.linspace(0, 1, n)[-10] - 1e-9


def test_pair_similarity_figure_one_line_per_pair_with_escaped_hover(hostile):
    frame, vecs = hostile
    frame.loc[3, S.DATE] = pd.Timestamp("2025-03-05")  # all three speak in 2025
    pairs = pair_similarity_over_time(frame, vecs, speakers=[SCRIPT, "Mark Carney", IMG])
    fig = pair_similarity_figure(pairs, topic=SCRIPT)
    assert len(fig.data) == 3  # three pairs, each with 2025 in common
    assert all(t.mode == "lines+markers" and len(t.y) == 1 for t in fig.data)
    assert any("Mark Carney" in t.name and "cosine" in t.customdata[0] for t in fig.data)
    assert_escaped(fig)


# ---------------------------------------------------------------------------- drift and counts
def test_drift_figure_bars_flag_colours_and_escaping(statement_frame):
    dates = ["2017-03-01", "2018-03-01", "2025-03-01", "2026-03-01"]
    frame = statement_frame([(SCRIPT, d, t) for d, t in zip(dates, ["old view", "old view again", IMG, LONG])])
    vecs = np.stack([np.array(v, dtype=np.float32) for v in ([1, 0], [1, 0], [0, 1], [0, 1])])
    d = drift(frame, vecs, speaker=SCRIPT, flag=1)
    fig = drift_figure(d, speaker=SCRIPT, topic=IMG)
    (bar,) = fig.data
    assert isinstance(bar, go.Bar)
    assert list(bar.x) == ["2018", "2025", "2026"]  # the first window has nothing to compare with
    np.testing.assert_allclose(bar.y, [1, 0, 1], atol=1e-6)
    colours = list(bar.marker.color)
    assert colours[1] != colours[0] and colours[0] == colours[2]  # the flagged shift stands out
    assert "&lt;img src=x onerror=alert(1)&gt;" in bar.customdata[1]
    assert all(len(h) < 700 for h in bar.customdata)
    assert "&lt;script&gt;" in fig.layout.title.text
    assert_escaped(fig)


# ---------------------------------------------------------------------------- what the charts must not suggest
def test_every_heatmap_uses_one_sequential_scale_that_says_below_zero_is_not_opposite(hostile):
    frame, vecs = hostile
    sim, _ = statement_similarity(vecs)
    topic_matrix, _ = speaker_topic_matrix(frame, vecs)
    figs = [
        heatmap_figure(pair_similarity_matrix(frame, vecs)),
        heatmap_figure(topic_matrix),
        statement_heatmap_figure(frame, sim, labels=statement_labels(frame)),
    ]
    for fig in figs:
        (trace,) = fig.data
        assert (trace.zmin, trace.zmax) == (0, 1)
        assert [c for _, c in trace.colorscale] == [c for _, c in go.Heatmap(colorscale=SIMILARITY_SCALE).colorscale]
        assert "not opposite" in " ".join(trace.colorbar.ticktext)


def test_heatmap_ticks_can_carry_counts_while_labels_stay_the_names():
    matrix = pd.DataFrame([[1.0, 0.2], [0.2, 1.0]], index=["A & B", "C"], columns=["A & B", "C"])
    fig = heatmap_figure(matrix, row_ticks=["A & B (5, 3 not English)", "C (1)"], col_ticks=["A & B (5)", "C (1)"])
    assert list(fig.layout.yaxis.ticktext) == ["A &amp; B (5, 3 not English)", "C (1)"]
    assert list(fig.layout.yaxis.tickvals) == list(fig.data[0].y) == ["A &amp; B", "C"]


def test_statement_labels_name_id_speaker_and_date_as_written(statement_frame):
    frame = statement_frame([("Ann & Co", "2026-01-13", "x"), ("Bob", "2025-02-01", "y")])
    frame[S.ID] = ["Q&A-1", ""]
    assert statement_labels(frame) == ["Q&A-1 · Ann & Co, 2026-01-13", "#2 · Bob, 2025-02-01"]
    frame[S.ID] = ["S1", "S1"]
    frame[S.SPEAKER] = ["Ann", "Ann"]
    frame[S.DATE] = pd.Timestamp("2026-01-13")
    assert statement_labels(frame) == ["S1 · Ann, 2026-01-13 (1)", "S1 · Ann, 2026-01-13 (2)"]


def test_rolling_lines_break_where_a_speaker_was_silent_for_years(statement_frame):
    rows = [
        ("Ann", d, f"s{i}")
        for i, d in enumerate(["2019-01-01", "2019-06-01", "2020-01-01", "2025-03-01", "2025-09-01"])
    ]
    frame = statement_frame(rows)
    vecs = np.tile(np.array([1, 0, 0], dtype=np.float32), (5, 1))
    tl = phrase_timeline(frame, vecs, np.array([1, 0, 0], dtype=np.float32))
    fig = timeline_figure(tl, smooth_by_speaker(tl), phrase="p")
    (line,) = [t for t in fig.data if t.mode == "lines"]
    y = np.asarray(line.y, dtype=float)
    assert np.isnan(y).sum() == 1  # one break, between 2020 and 2025
    assert list(np.isnan(y)) == [False, False, False, True, False, False]


def test_each_speaker_has_its_own_marker_symbol(statement_frame):
    rows = [(f"Speaker {i}", "2025-01-01", f"s{i}") for i in range(12)]
    frame = statement_frame(rows)
    vecs = np.tile(np.array([1, 0, 0], dtype=np.float32), (12, 1))
    tl = phrase_timeline(frame, vecs, np.array([1, 0, 0], dtype=np.float32))
    fig = timeline_figure(tl)
    pairs = {(t.marker.color, t.marker.symbol) for t in fig.data}
    assert len(pairs) == 12 and len({s for _, s in pairs}) == 12
