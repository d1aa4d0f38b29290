"""The pages' view builders (stance_explorer/views/), without Streamlit: what the Heatmaps, Compare and
Data pages show for given statements, filters and picks. The pages themselves are driven by AppTest
(tests/test_app_*.py) and the browser suite."""

from __future__ import annotations

import numpy as np
import pytest

from stance_explorer import schema as S
from stance_explorer.reader import read_statements
from stance_explorer.views import compare, data, explore, heatmaps
from stance_explorer.views import map as map_view


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


@pytest.fixture
def trade(statement_frame):
    """Three speakers: Ana and Ben say the same thing on trade, Cy the opposite; Cy alone on security."""
    frame = statement_frame(
        [
            {S.SPEAKER: "Ana", S.DATE: "2024-01-05", S.TEXT: "tariffs hurt our farmers"},
            {S.SPEAKER: "Ana", S.DATE: "2025-03-01", S.TEXT: "tariffs still hurt our farmers"},
            {S.SPEAKER: "Ben", S.DATE: "2024-02-01", S.TEXT: "our farmers are hurt by tariffs"},
            {S.SPEAKER: "Ben", S.DATE: "2025-04-01", S.TEXT: "farmers pay for the tariffs"},
            {S.SPEAKER: "Cy", S.DATE: "2024-06-01", S.TEXT: "tariffs protect our workers"},
            {S.SPEAKER: "Cy", S.DATE: "2025-06-01", S.TOPIC: "security", S.TEXT: "the border is safe"},
        ]
    )
    vectors = np.stack(
        [unit(1, 0, 0), unit(1, 0.1, 0), unit(1, 0, 0.1), unit(1, 0.1, 0.1), unit(-1, 0, 0), unit(0, 0, 1)]
    )
    return frame, vectors


# ---------------------------------------------------------------------------- heatmaps
def test_speaker_matrix_names_speakers_and_a_cell_lists_both_speakers_newest_first(trade):
    frame, vectors = trade
    shown = heatmaps.heatmap_view(frame, vectors, heatmaps.MODES[0], topic="trade")
    assert set(shown.matrix.index) == {"Ana", "Ben", "Cy"}
    assert shown.matrix.loc["Ana", "Ben"] > 0.9 > shown.matrix.loc["Ana", "Cy"]
    assert "on trade" in shown.caption and shown.file_name == "stance-explorer-speaker-by-speaker.csv"
    cell = shown.cell("Ana", "Ben")
    assert cell.message is None and cell.note is None
    assert cell.statements[S.SPEAKER].tolist() == ["Ben", "Ana", "Ben", "Ana"]  # newest first
    assert heatmaps.cell_value(shown.matrix, "Ana", "Ben") == f"{shown.matrix.loc['Ana', 'Ben']:.3f}"


def test_a_cell_with_more_statements_than_shown_says_how_many(trade, monkeypatch):
    frame, vectors = trade
    monkeypatch.setattr(heatmaps, "MAX_CELL_ROWS", 2)
    cell = heatmaps.heatmap_view(frame, vectors, heatmaps.MODES[0]).cell("Ana", "Ben")
    assert len(cell.statements) == 2
    assert cell.note == "The newest 2 of 4 statements behind this cell."


def test_speaker_by_topic_cell_without_statements_says_so(trade):
    frame, vectors = trade
    shown = heatmaps.heatmap_view(frame, vectors, heatmaps.MODES[1])
    assert list(shown.matrix.columns) == ["security", "trade"]
    assert heatmaps.cell_value(shown.matrix, "Ana", "security") == "no statements"
    assert shown.cell("Ana", "security").message == "Ana has no statement on security under the current filters."
    assert shown.cell("Cy", "security").statements[S.TEXT].tolist() == ["the border is safe"]


def test_statement_matrix_is_cut_with_a_notice_and_a_cell_is_the_two_statements(trade):
    frame, vectors = trade
    shown = heatmaps.heatmap_view(frame, vectors, heatmaps.MODES[2], max_n=4)
    assert shown.notice and "4" in shown.notice and len(shown.matrix) == 4
    row, col = shown.matrix.index[0], shown.matrix.columns[1]
    a, b = shown.cell(row, col).pair
    assert row.startswith(f"{a[S.ID]}") and col.startswith(f"{b[S.ID]}")
    assert heatmaps.heatmap_view(frame, vectors, heatmaps.MODES[2]).notice is None


def test_the_matrix_download_neutralizes_formula_cells(trade):
    frame, vectors = trade
    frame = frame.assign(**{S.SPEAKER: frame[S.SPEAKER].replace("Cy", "=HYPERLINK(1)")})
    csv = heatmaps.heatmap_view(frame, vectors, heatmaps.MODES[0]).csv().decode()
    assert "'=HYPERLINK(1)" in csv and "\n=HYPERLINK" not in csv


def test_topic_options_start_with_all_topics(trade):
    assert heatmaps.topic_options(trade[0]) == [heatmaps.ALL_TOPICS, "security", "trade"]


# ---------------------------------------------------------------------------- compare
def test_compare_defaults_to_the_two_who_said_most_and_says_so(trade):
    frame, vectors = trade
    shown = compare.compare_view(frame, vectors, "trade", [])
    assert shown.chosen == ["Ana", "Ben"]
    assert (
        shown.note
        == "Showing the two speakers with the most statements on “trade”. Choose speakers above to compare others."
    )
    assert [c.caption for c in shown.columns] == [
        "2 statements, 2024-01 to 2025-03, newest first",
        "2 statements, 2024-02 to 2025-04, newest first",
    ]
    assert shown.likeness.present == ["Ana", "Ben"]
    assert shown.likeness.table["Pair"].tolist()[0] == "Ana · Ben"  # pairs of speakers before own statements


def test_compare_one_pick_asks_for_two(trade):
    shown = compare.compare_view(*trade, "trade", ["Ana"])
    assert shown.message == "Choose at least two speakers to compare." and shown.columns == [] and shown.note is None


def test_a_picked_speaker_with_nothing_on_the_topic_gets_a_message_and_is_left_out_of_the_comparison(trade):
    shown = compare.compare_view(*trade, "security", ["Cy", "Ana"])
    assert shown.columns[1].message == "Ana has no statement on “security” among the statements the filters keep."
    assert shown.likeness is None
    assert shown.message == "At least two of the chosen speakers need statements on this topic to compare them."


def test_closest_pair_comes_first_with_both_statements(trade):
    shown = compare.compare_view(*trade, "trade", ["Ana", "Cy"])
    (title, closest), (_, farthest) = shown.likeness.pairs
    assert title == "Closest pairs of statements"
    a, b, score = closest[0]
    assert {a[S.SPEAKER], b[S.SPEAKER]} == {"Ana", "Cy"}
    assert score >= max(s for _, _, s in farthest)


def test_a_speaker_column_is_cut_at_the_newest_ones(trade, monkeypatch):
    frame, vectors = trade
    monkeypatch.setattr(compare, "MAX_QUOTES", 1)
    column = compare.compare_view(frame, vectors, "trade", ["Ana", "Ben"]).columns[0]
    assert column.statements[S.TEXT].tolist() == ["tariffs still hurt our farmers"]
    assert column.more == "Showing the newest 1 of 2."


def test_speaker_choices_keep_a_pick_from_another_topic(trade):
    choices = compare.speaker_choices(trade[0], "security", ["Ana"])
    assert choices.offered == ["Cy", "Ana"]
    assert choices.help.startswith("The 1 speakers with statements on this topic")


def test_pair_table_has_a_dash_where_a_speaker_has_one_statement(trade):
    frame, vectors = trade
    shown = compare.compare_view(frame, vectors, "trade", ["Ana", "Cy"])
    own_cy = shown.likeness.table.set_index("Pair").loc["Cy (own statements)"]
    assert own_cy["Spread"] == "–" and own_cy["Pairs"] == 0


# ---------------------------------------------------------------------------- data
BAD_ROW = b"speaker,date,topic,text\nAna,2025-01-02,trade,tariffs hurt\nBen,not a date,trade,something\nCy,2025-02-03,trade,more\n"


def test_file_view_says_how_the_file_was_read_and_counts_problems():
    shown = data.file_view("mine.csv", read_statements(BAD_ROW, name="mine.csv"))
    assert shown.refused is None
    assert shown.read_as == "Read as UTF-8, comma-separated: 3 rows, 2 usable, 1 skipped, 0 warnings."
    assert shown.problems_title == "**Problems: 1 error (row skipped), 0 warnings (row kept)**"
    assert shown.problems["line"].tolist() == [3]
    assert shown.problems_file_name == "mine-problems.csv" and shown.count == 2
    assert shown.used_for(S.TEXT) == "text" and shown.used_for(S.SOURCE_URL) == data.IGNORE


def test_a_refused_file_names_why_and_still_shows_its_columns_by_name():
    shown = data.file_view("q.csv", read_statements(b"who,when,quote\nAna,2025-01-02,x\n", name="q.csv"))
    assert shown.refused and shown.refused.startswith("q.csv cannot be used: ")
    assert shown.options == [data.IGNORE, "who", "when", "quote"]
    assert shown.count == 0


def test_remapping_sends_a_header_to_a_field_and_drops_one_taken_off():
    mapping = {"quote": S.TEXT, "who": S.SPEAKER, "when": S.DATE, "extra": S.TOPIC}
    choices = {S.TEXT: "quote", S.SPEAKER: "who", S.DATE: "when", S.TOPIC: data.IGNORE, S.SOURCE_URL: "extra"}
    assert data.remapped(choices, mapping) == {"quote": S.TEXT, "who": S.SPEAKER, "when": S.DATE, "extra": S.SOURCE_URL}
    choices[S.SOURCE_URL] = data.IGNORE
    assert data.remapped(choices, mapping)["extra"] == ""


def test_intro_names_saving_only_when_the_operator_turned_it_on():
    assert "press Save" in data.intro(True) and "press Save" not in data.intro(False)
    assert data.field_label(S.TEXT) == "text (required)" and data.field_label(S.TOPIC) == "topic"


def test_merged_download_neutralizes_formula_cells(statement_frame):
    frame = statement_frame([{S.SPEAKER: "Ana", S.TEXT: "=1+2"}])
    assert "'=1+2" in data.merged_csv(frame).decode()


# ---------------------------------------------------------------------------- explore
def test_explore_metrics_and_holdings_count_what_the_filters_keep(trade):
    frame = trade[0]
    assert explore.metrics(frame) == [("Statements", "6"), ("Speakers", "3"), ("Topics", "2"), ("Years", "2024–2025")]
    assert explore.metrics(frame.iloc[:0])[3] == ("Years", "–")
    held = explore.holdings(frame)
    assert [column for column, _ in held.tables] == [S.SPEAKER, S.TOPIC, "year"]
    assert held.tables[1][1][S.TOPIC].tolist() == ["trade", "security"]
    assert "trade" in held.summary


def test_explore_search_without_a_match_says_why(trade):
    empty = trade[0].iloc[:0]
    assert (
        explore.search_shown("tariffs", empty, None, 6).message == "No statement the filters keep matches this search."
    )
    quoted = explore.search_shown('"rubber stamp"', empty, "slow", 6)
    assert quoted.message.endswith("(a phrase in double quotes must appear word for word).")
    assert quoted.warning == "slow"


def test_explore_search_results_caption_and_download(trade):
    hits = trade[0].head(2).assign(row=[0, 1], words_score=[1.0, 0.5])
    shown = explore.search_shown("  tariffs  ", hits, None, 6)
    assert shown.message is None and "for “tariffs” among 6" in shown.caption
    assert "row" not in shown.download and "words_score" not in shown.download
    assert shown.download_label.startswith("Download ")


def test_explore_table_is_cut_at_the_newest_and_says_so(trade, monkeypatch):
    monkeypatch.setattr(explore, "MAX_TABLE_ROWS", 2)
    table = explore.statements(trade[0])
    assert table.shown[S.DATE].dt.year.tolist() == [2025, 2025]
    assert table.cut == "Showing the newest 2 of 6; narrow the filters to see others."
    assert table.download_label == "Download the 6 statements the filters keep (CSV)"


# ---------------------------------------------------------------------------- map
def test_map_draws_only_placed_statements_and_samples_past_the_cap(trade, monkeypatch):
    frame = trade[0]
    xy = np.array([[0, 0], [1, 1], [np.nan, np.nan], [2, 2], [3, 3], [4, 4]], dtype=np.float32)
    points = map_view.drawn(frame, np.arange(6), xy)
    assert points.positions.tolist() == [0, 1, 3, 4, 5] and points.notice is None
    assert points.frame[S.TEXT].tolist() == frame[S.TEXT].iloc[[0, 1, 3, 4, 5]].tolist()
    monkeypatch.setattr(map_view, "MAX_POINTS", 3)
    sampled = map_view.drawn(frame, np.arange(6), xy)
    assert len(sampled.positions) == 3 and sampled.notice


def test_map_caption_names_the_method_the_sample_and_placed_statements(trade):
    frame = trade[0]
    xy = np.arange(12, dtype=np.float32).reshape(6, 2)
    points = map_view.drawn(frame, np.arange(6), xy)
    placed = np.array([False, False, False, False, True, True])
    shown = map_view.map_shown(
        points,
        color_by="speaker",
        placed=placed,
        regions=None,
        steps=None,
        steps_frame=frame,
        method="pacmap",
        computed_here=True,
    )
    assert shown.caption.startswith("PaCMAP map of 6 statements. 2 new statements (diamonds)")
    assert "computed for this session" in shown.caption
    assert len(shown.figure.data) >= 3  # one trace per speaker


def test_a_box_selection_maps_back_to_dataset_rows_and_ignores_anything_else():
    positions = np.array([10, 20, 30])
    points = [{"customdata": 2}, {"customdata": [0]}, {"customdata": 7}, {"customdata": "x"}, {}]
    assert map_view.chosen_rows(points, positions) == [10, 30]


def test_selection_is_listed_oldest_first_and_cut(trade, monkeypatch):
    frame = trade[0]
    assert map_view.selection(frame, []) is None
    monkeypatch.setattr(map_view, "MAX_SELECTION_ROWS", 2)
    picked = map_view.selection(frame, [5, 0, 2])
    assert picked.positions.tolist() == [0, 2]
    assert picked.title == "3 selected statements" and picked.caption.endswith("Showing the first 2 by date.")


def test_link_refs_round_trip_and_name_the_missing(trade):
    frame = trade[0]
    refs = map_view.refs_of(frame, [1, 4])
    found, missing = map_view.positions_of(frame, refs + ["nope"])
    assert found == [1, 4] and missing == ["nope"]
