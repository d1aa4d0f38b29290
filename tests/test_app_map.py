"""Map page (app_pages/map.py): every statement as a point, regions, trajectories, selections."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_helpers import (
    DATA,
    N_BUNDLED,
    bundled_frame,
    dataframe_with,
    open_page,
    plotly_array,
    plotly_charts,
    texts,
    unescape,
)

MAP = "map"


def values(field) -> np.ndarray:
    return plotly_array(field)


def the_map(at) -> dict:
    return plotly_charts(at)["map_chart"]


def statement_traces(spec) -> list[dict]:
    return [d for d in spec["data"] if d["type"] == "scattergl"]


def drawn_rows(spec) -> np.ndarray:
    return np.concatenate([values(d["customdata"]) for d in statement_traces(spec)])


def notes(at) -> str:
    return " ".join(unescape(c.value) for c in at.caption) + " ".join(i.value for i in at.info)


def test_every_bundled_statement_is_a_webgl_point_with_an_escaped_hover():
    at = open_page(MAP)
    spec = the_map(at)
    rows = drawn_rows(spec)
    assert sorted(rows.tolist()) == list(range(N_BUNDLED))  # each statement once
    hovers = [h for d in statement_traces(spec) for h in d["hovertext"]]
    frame = bundled_frame()
    greer = frame[frame["text"].str.contains("shortcomings")].iloc[0]
    assert any(h.startswith(f"<b>{greer.speaker}</b>, {greer.date:%Y-%m-%d}") and "shortcomings" in h for h in hovers)
    # Colour by speaker: the twelve biggest get a colour and a legend entry, the rest are one grey trace.
    names = [d["name"] for d in statement_traces(spec)]
    assert names[0] == "10 other speakers" and names[1] == "Donald Trump" and len(names) == 13
    # Labelled regions: eight by default, each named by words.
    labels = [a["text"] for a in spec["layout"]["annotations"]]
    assert len(labels) == 8 and all(" · " in t for t in labels)
    assert f"map of {N_BUNDLED} statements" in notes(at)


def test_a_quote_with_markup_stays_text_in_the_hover():
    from stance_explorer.figures import map_figure

    frame = bundled_frame().head(3).copy()
    frame.loc[0, "text"] = "<img src=x onerror=alert(1)> tariffs"
    spec = map_figure(frame, np.zeros((3, 2)), color_by="year").to_plotly_json()
    hover = spec["data"][0]["hovertext"][0]
    assert "<img" not in hover and "&lt;img src=x onerror=alert(1)&gt;" in hover


def test_the_sidebar_filters_decide_which_statements_are_drawn():
    at = open_page(MAP, {"speakers": ["Donald Trump"]})
    rows = drawn_rows(the_map(at))
    assert len(rows) == (bundled_frame()["speaker"] == "Donald Trump").sum() == 53


def test_link_sets_colour_regions_and_trajectories():
    at = open_page(MAP, {"mcolor": "year", "regions": "0", "traj": ["Donald Trump", "Claudia Sheinbaum"]})
    spec = the_map(at)
    points = statement_traces(spec)
    assert len(points) == 1 and points[0]["marker"]["colorbar"]["title"]["text"] == "year"
    paths = {d["name"]: d for d in spec["data"] if d["type"] == "scatter"}
    assert set(paths) == {"Donald Trump over time", "Claudia Sheinbaum over time"}
    frame = bundled_frame()
    trump_years = sorted({str(y) for y in frame.loc[frame["speaker"] == "Donald Trump", "date"].dt.year})
    assert paths["Donald Trump over time"]["text"] == trump_years  # one star per year, in time order
    hovers = paths["Donald Trump over time"]["hovertext"]
    assert "first period shown" in hovers[0]
    assert all("the quotes that moved it most:" in h for h in hovers[1:])
    # Arrows join consecutive years: one per step of each speaker, and no region labels (regions=0).
    arrows = [a for a in spec["layout"]["annotations"] if a.get("showarrow")]
    sheinbaum_years = frame.loc[frame["speaker"] == "Claudia Sheinbaum", "date"].dt.year.nunique()
    assert len(arrows) == (len(trump_years) - 1) + (sheinbaum_years - 1)
    assert len(spec["layout"]["annotations"]) == len(arrows)
    steps = dataframe_with(at, "speaker", "window", "shift")
    assert steps.loc[steps["speaker"] == "Donald Trump", "window"].tolist() == trump_years


def test_trajectories_follow_the_topic_filter():
    at = open_page(MAP, {"topics": ["USMCA/trade"], "traj": ["Donald Trump"]})
    steps = dataframe_with(at, "speaker", "window", "shift")
    frame = bundled_frame()
    mine = frame[(frame["speaker"] == "Donald Trump") & (frame["topic"] == "USMCA/trade")]
    assert steps["count"].sum() == len(mine)


def test_a_selection_in_the_link_lists_those_statements():
    at = open_page(MAP, {"sel": ["S190", "S005"]})
    assert "2 selected statements" in texts(at.main.subheader)
    table = dataframe_with(at, "speaker", "text", "date")
    frame = bundled_frame().set_index("id")
    assert set(table["text"]) == {frame.loc["S190", "text"], frame.loc["S005", "text"]}
    assert table["date"].is_monotonic_increasing


def test_a_statement_opened_from_the_map_shows_in_full():
    at = open_page(MAP, {"sel": ["S190"], "stmt": "S190"})
    body = [unescape(m.value) for m in at.markdown]
    assert "“…irrelevant…”" in body and "**Others who said something close**" in body


def test_link_values_the_map_cannot_take_are_named():
    at = open_page(MAP, {"mcolor": "purple", "traj": ["Nobody Real"], "sel": ["S999"]})
    note = at.info[0].value
    assert "purple" in note and "Nobody Real" in note and "S999" in note
    assert at.selectbox(key="mcolor").value == "speaker"
    assert "selected statements" not in " ".join(texts(at.main.subheader))


@pytest.mark.model
def test_uploaded_statements_are_placed_on_the_bundled_map():
    at = open_page(DATA)
    csv = (
        b"speaker,date,text,topic\n"
        b"Jane Tester,2026-03-01,We will put tariffs on every truck that crosses the border,tariffs\n"
        b"Jane Tester,2026-03-05,The trade agreement deserves a careful review this July,USMCA/trade\n"
        b"John Example,2026-03-10,Cartel violence must be fought together with Mexico,security/cartels\n"
    )
    at.file_uploader(key="uploader").upload("mine.csv", csv, "text/csv").run()
    at.button(key="add_mine.csv").click().run()
    assert not at.exception
    merged = open_page(MAP, {"data": "merged"}, at=at)
    spec = the_map(merged)
    assert len(drawn_rows(spec)) == N_BUNDLED + 3
    symbols = np.concatenate(
        [
            np.asarray(d["marker"].get("symbol", ["circle"] * len(values(d["customdata"]))))
            for d in statement_traces(spec)
        ]
    )
    assert (symbols == "diamond").sum() == 3
    assert "3 new statements (diamonds) were placed" in notes(merged)
    # Only the uploads: too few to keep the bundled map, so they get a map of their own.
    own = merged.radio(key="data").set_value("uploaded").run()
    assert not own.exception
    assert len(drawn_rows(the_map(own))) == 3
    assert "computed for this session" in notes(own)


def test_the_multilingual_model_has_its_own_stored_map():
    at = open_page(MAP, {"model": "multilingual"})
    from stance_explorer.encoders.models import model_id

    assert at.session_state["_view"].dataset.model_id == model_id("multilingual")
    rows = drawn_rows(the_map(at))
    assert sorted(rows.tolist()) == list(range(N_BUNDLED))
    # Read from the store beside that model's vectors, not computed in the session.
    assert f"PaCMAP map of {N_BUNDLED} statements" in notes(at) and "computed for this session" not in notes(at)
    minilm = drawn_rows(the_map(open_page(MAP)))
    assert len(minilm) == N_BUNDLED


def test_the_first_load_names_each_step_and_folds_to_what_it_did():
    at = open_page(MAP, {"regions": "8", "traj": ["Donald Trump", "Claudia Sheinbaum"]})
    status = [s for s in at.main.status if s.label.startswith("Map ready")]
    assert len(status) == 1 and status[0].state == "complete" and status[0].proto.expanded is False
    steps = [m.value.rsplit(":", 1)[0] for m in status[0].markdown]
    assert steps == [
        f"Placing {N_BUNDLED} statements on the map",
        "Naming 8 regions by their words",
        "Tracing the paths of 2 speakers year by year",
        f"Drawing {N_BUNDLED} points and placing the labels",
    ]
    assert all(m.value.endswith(" s") for m in status[0].markdown)  # each step says how long it took
    # Later reruns in the same session are quick: no status line, the steps only spin if slow.
    at.number_input(key="regions").set_value(5).run()
    assert not [s for s in at.main.status if s.label.startswith("Map ready")]
    assert len([a for a in the_map(at)["layout"]["annotations"] if not a.get("showarrow")]) <= 5
