"""Map: every statement in view as a point in 2-D, labelled regions, and where speakers go over time.

What it shows is built by ``stance_explorer/views/map.py``; the layout and regions are cached per
session by ``webapp/mapview.py``; this page makes the widgets, names each loading step and renders.
"""

from __future__ import annotations

import streamlit as st

from stance_explorer.views.map import (
    COLORS,
    INTRO,
    MAX_LINK_SELECTION,
    MAX_TRAJECTORIES,
    NO_SELECTION,
    PATHS_HELP,
    REGIONS_HELP,
    chosen_rows,
    drawn,
    map_shown,
    paths,
    positions_of,
    refs_of,
    selection,
    speakers_by_count,
)
from stance_explorer.wording import counted, plural
from webapp import links, mapview, progress, statement
from webapp import params as P
from webapp.render import chart_summary, statements_table
from webapp.shell import empty_guard, notice
from webapp.state import bundled_dataset, current_model, current_view

_SELECTED = "_map_selected"  # (dataset id, dataset positions) of the last box/lasso selection


def _selection_from_chart(chart_key: str, positions, frame, ds_id: int) -> None:
    """Callback of the map: keep the selected statements, and put a small selection in the URL."""
    chosen = chosen_rows(st.session_state[chart_key]["selection"]["points"], positions)
    st.session_state[_SELECTED] = (ds_id, chosen)
    if 0 < len(chosen) <= MAX_LINK_SELECTION:
        st.query_params[P.MAP_SELECTION] = refs_of(frame, chosen)
    else:
        st.query_params.pop(P.MAP_SELECTION, None)


def _selected(view) -> list[int]:
    """Dataset positions selected on the map, or named by the link on the first visit."""
    ds = view.dataset
    held = st.session_state.get(_SELECTED)
    if held is not None:
        return held[1] if held[0] == id(ds) else []
    found, missing = positions_of(ds.frame, st.query_params.get_all(P.MAP_SELECTION))
    for ref in missing:
        links.report("Selected statement", ref, "is not in this dataset, so it is not listed")
    st.session_state[_SELECTED] = (id(ds), found)
    return st.session_state[_SELECTED][1]


def _widgets():
    c1, c2, c3 = st.columns([1, 1, 3])
    links.check_options(P.MAP_COLOR, COLORS, "Colour")
    color_by = c1.selectbox("Colour by", COLORS, key=P.MAP_COLOR, bind="query-params")
    links.check_number(P.MAP_REGIONS, 0, 20, "Labelled regions", 8)
    k = c2.number_input(
        "Labelled regions",
        min_value=0,
        max_value=20,
        value=8,
        key=P.MAP_REGIONS,
        bind="query-params",
        help=REGIONS_HELP,
    )
    speakers = speakers_by_count(view.frame)
    links.check_options(P.MAP_TRAJECTORIES, speakers, "Trajectories", multi=True)
    chosen = c3.multiselect(
        "Speakers' paths over time",
        speakers,
        key=P.MAP_TRAJECTORIES,
        bind="query-params",
        max_selections=MAX_TRAJECTORIES,
        placeholder="Pick speakers to see where they went, year by year",
        help=PATHS_HELP,
    )
    return color_by, int(k), chosen


view = current_view()
st.title("Map")
st.caption(INTRO)
notice(view)

if not empty_guard(view):
    ds = view.dataset
    # The first load in a session names each step as it runs (a reader waited about 18 s, issue 29).
    with progress.loading("map", "Preparing the map…", "Map ready") as load:
        with load.step(f"Placing {counted(len(view.rows), 'statement')} on the map"):
            lay = mapview.layout_for(view)
        points = drawn(ds.frame, view.rows, lay.xy)
        color_by, k, chosen = _widgets()
        region_table = steps = None
        if k:
            with load.step(f"Naming {counted(k, 'region')} by their words"):
                region_table = mapview.regions_for(view, points.frame, points.xy, k, points.positions)
        if chosen:
            with load.step(
                f"Tracing the {plural(len(chosen), 'path')} of {counted(len(chosen), 'speaker')} year by year"
            ):
                steps = paths(view.frame, view.vectors, chosen, mapview.placer(view, lay))
        placed = lay.placed[points.positions] if lay.placed[points.positions].any() else None
        with load.step(f"Drawing {counted(len(points.positions), 'point')} and placing the labels"):
            shown = map_shown(
                points,
                color_by=color_by,
                placed=placed,
                regions=region_table,
                steps=steps,
                steps_frame=view.frame,
                method=lay.method,
                computed_here=lay.computed and ds is not bundled_dataset(current_model()),
            )
    st.caption(shown.caption)
    st.plotly_chart(
        shown.figure,
        width="stretch",
        key="map_chart",
        selection_mode=("box", "lasso"),
        on_select=lambda: _selection_from_chart("map_chart", points.positions, ds.frame, id(ds)),
    )
    chart_summary(shown.summary, "map")

    picked = selection(ds.frame, [r for r in _selected(view) if view.mask[r]])
    if picked is None:
        st.caption(NO_SELECTION)
    else:
        st.subheader(picked.title)
        st.caption(picked.caption)
        key = statement.picker_key("map_selection")
        statements_table(
            ds.frame.iloc[picked.positions],
            key=key,
            on_select=lambda: statement.pick_row(key, ds.frame, picked.positions),
        )

    mapview.regions_and_paths(region_table, steps)

statement.show_linked(view)
