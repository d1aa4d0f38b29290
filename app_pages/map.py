"""Map: every statement in view as a point in 2-D, labelled regions, and where speakers go over time."""

from __future__ import annotations

import numpy as np
import streamlit as st

from stance_explorer import schema as S
from stance_explorer import summaries as SM
from stance_explorer.analysis.similarity import cap_statements
from stance_explorer.analysis.tables import counts_by
from stance_explorer.dataset import find_statement, statement_ref
from stance_explorer.figures.map import ONE_LINE_HOVER, map_figure
from stance_explorer.mapping.trajectories import trajectories
from stance_explorer.wording import counted, plural
from webapp import links, mapview, progress, statement
from webapp import params as P
from webapp.render import chart_summary, statements_table
from webapp.shell import empty_guard, notice
from webapp.state import bundled_dataset, current_model, current_view

#: Points drawn at most; a bigger view is drawn as a seeded random sample, and the page says so.
MAX_POINTS = 100_000
#: Above this many points hovers show shorter quotes, which keeps the chart light in the browser.
SHORT_HOVER_FROM = 20_000
MAX_LINK_SELECTION = 20
MAX_TRAJECTORIES = 6
MAX_SELECTION_ROWS = 1000
COLORS = ["speaker", "topic", "year"]
METHOD_NAMES = {"umap": "UMAP", "pca": "PCA", "pacmap": "PaCMAP", "tsne": "t-SNE (openTSNE)"}
_SELECTED = "_map_selected"  # (dataset id, dataset positions) of the last box/lasso selection


def _selection_from_chart(chart_key: str, drawn: np.ndarray, frame, ds_id: int) -> None:
    """Callback of the map: keep the selected statements, and put a small selection in the URL."""
    points = st.session_state[chart_key]["selection"]["points"]
    rows = set()
    for p in points:
        data = p.get("customdata")
        data = data[0] if isinstance(data, list) and data else data
        if isinstance(data, (int, float)) and 0 <= int(data) < len(drawn):
            rows.add(int(drawn[int(data)]))
    chosen = sorted(rows)
    st.session_state[_SELECTED] = (ds_id, chosen)
    if 0 < len(chosen) <= MAX_LINK_SELECTION:
        st.query_params[P.MAP_SELECTION] = [statement_ref(frame, r) for r in chosen]
    else:
        st.query_params.pop(P.MAP_SELECTION, None)


def _selected(view) -> list[int]:
    """Dataset positions selected on the map, or named by the link on the first visit."""
    ds = view.dataset
    held = st.session_state.get(_SELECTED)
    if held is not None:
        return held[1] if held[0] == id(ds) else []
    refs = st.query_params.get_all(P.MAP_SELECTION)
    found = []
    for ref in refs:
        pos = find_statement(ds.frame, ref)
        if pos is None:
            links.report("Selected statement", ref, "is not in this dataset, so it is not listed")
        else:
            found.append(pos)
    st.session_state[_SELECTED] = (id(ds), sorted(set(found)))
    return st.session_state[_SELECTED][1]


view = current_view()
st.title("Map")
st.caption(
    "Every statement the filters keep, placed so that statements close in meaning sit close together. "
    "Drag a box or lasso round points to list them; add speakers below to see where they went year by year."
)
notice(view)

if not empty_guard(view):
    ds = view.dataset
    # The first load in a session names each step as it runs (a reader waited about 18 s, issue 29).
    with progress.loading("map", "Preparing the map…", "Map ready") as load:
        with load.step(f"Placing {counted(len(view.rows), 'statement')} on the map"):
            lay = mapview.layout_for(view)
        rows = view.rows[np.isfinite(lay.xy[view.rows, 0])]
        capped = cap_statements(len(rows), MAX_POINTS, seed=0)
        drawn = rows[capped.rows]
        frame = ds.frame.iloc[drawn].reset_index(drop=True)
        xy = lay.xy[drawn]

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
            help="Clusters of the map, each named by its most distinctive words (c-TF-IDF). 0 hides them.",
        )
        speakers = counts_by(view.frame, S.SPEAKER)[S.SPEAKER].tolist()
        links.check_options(P.MAP_TRAJECTORIES, speakers, "Trajectories", multi=True)
        chosen = c3.multiselect(
            "Speakers' paths over time",
            speakers,
            key=P.MAP_TRAJECTORIES,
            bind="query-params",
            max_selections=MAX_TRAJECTORIES,
            placeholder="Pick speakers to see where they went, year by year",
            help="Each star is a speaker's average statement in one year; arrows go forward in time. "
            "Hover a star for the quotes that moved the speaker most.",
        )

        region_table = None
        if k:
            with load.step(f"Naming {counted(int(k), 'region')} by their words"):
                region_table = mapview.regions_for(view, frame, xy, int(k), drawn)
        steps = None
        if chosen:
            with load.step(
                f"Tracing the {plural(len(chosen), 'path')} of {counted(len(chosen), 'speaker')} year by year"
            ):
                steps = trajectories(view.frame, view.vectors, chosen, mapview.placer(view, lay))
        placed = lay.placed[drawn] if lay.placed[drawn].any() else None
        with load.step(f"Drawing {counted(len(drawn), 'point')} and placing the labels"):
            fig = map_figure(
                frame,
                xy,
                color_by=color_by,
                placed=placed,
                regions=region_table,
                steps=steps,
                steps_frame=view.frame,
                hover_chars=ONE_LINE_HOVER if len(frame) > SHORT_HOVER_FROM else 420,
            )
    method = METHOD_NAMES.get(lay.method, lay.method)
    notes = [f"{method} map of {counted(len(drawn), 'statement')}"]
    if capped.notice:
        notes.append(capped.notice)
    if placed is not None:
        notes.append(
            f"{int(placed.sum()):,} new statements (diamonds) were placed beside their nearest mapped statements, without recomputing the map"
        )
    if lay.computed and ds is not bundled_dataset(current_model()):
        notes.append("most statements were new, so this map was computed for this session")
    st.caption(
        ". ".join(notes) + ". Nearby points are similar in meaning; the distance between far-apart groups means little."
    )
    chart_key = "map_chart"
    st.plotly_chart(
        fig,
        width="stretch",
        key=chart_key,
        selection_mode=("box", "lasso"),
        on_select=lambda: _selection_from_chart(chart_key, drawn, ds.frame, id(ds)),
    )
    summary = SM.map_summary(region_table, steps, statements=len(drawn))
    hidden = (fig.layout.meta or {}).get("hidden_labels", 0)
    if hidden:
        summary += (
            f" {hidden} label{'s' if hidden != 1 else ''} left off the map where {'they' if hidden != 1 else 'it'} "
            "would cover another label or a star of a path; every region is listed under “Regions and their words”, every year in the hovers."
        )
    chart_summary(summary, "map")

    selected = [r for r in _selected(view) if view.mask[r]]
    if selected:
        sel = ds.frame.iloc[selected]
        st.subheader(f"{len(selected):,} selected {plural(len(selected), 'statement')}")
        st.caption(
            "Tick a row to open the statement with the ones closest to it."
            + (f" Showing the first {MAX_SELECTION_ROWS:,} by date." if len(sel) > MAX_SELECTION_ROWS else "")
        )
        order = np.argsort(sel[S.DATE].to_numpy(), kind="stable")[:MAX_SELECTION_ROWS]
        positions = np.asarray(selected)[order]
        key = statement.picker_key("map_selection")
        statements_table(
            ds.frame.iloc[positions], key=key, on_select=lambda: statement.pick_row(key, ds.frame, positions)
        )
    else:
        st.caption("Drag a box or a lasso on the map (tools at its top right) to list the statements inside it.")

    if region_table is not None:
        with st.expander("Regions and their words"):
            st.dataframe(
                region_table[["label", "statements", "speakers"]],
                hide_index=True,
                width="stretch",
                column_config={
                    "label": st.column_config.TextColumn("Most distinctive words (c-TF-IDF)", width="large"),
                    "speakers": st.column_config.ListColumn("Most statements by"),
                },
            )
    if steps is not None and len(steps):
        with st.expander("Speakers' paths, year by year"):
            st.dataframe(
                steps[["speaker", "window", "count", "shift"]],
                hide_index=True,
                width="stretch",
                column_config={
                    "window": "Year",
                    "count": "Statements",
                    "shift": st.column_config.NumberColumn("Moved (1 − cosine to the previous year)", format="%.3f"),
                },
            )

statement.show_linked(view)
