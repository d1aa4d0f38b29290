"""The Stance page's controls and rendering: the question's widgets (bound to the URL), and how each
view of :mod:`stance_explorer.views.stance` is drawn. The page itself only calls these in order."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import streamlit as st

from stance_explorer import schema as S
from stance_explorer.reader import problems_frame
from stance_explorer.stance import Axis, Preset, StanceReading, preset_for, teaching_gap, write_labels
from stance_explorer.views.stance import (
    MAX_DEFAULT_SPEAKERS,
    MAX_TABLE_ROWS,
    PERIODS,
    SpeakersView,
    TimeView,
    default_speakers,
    not_placed_note,
    teaching_table,
)
from stance_explorer.wording import counted
from webapp import links, statement
from webapp import params as P
from webapp import stance_state as state
from webapp.render import chart_summary, quote_card
from webapp.text import escape_markdown
from webapp.widgets import bound_select

ALL_TOPICS = "all topics"
OWN_AXIS = "(your own axis)"
MODES = ["taught", "zero-shot"]


@dataclass
class Question:
    """What the controls chose: the axis (and its preset), the dataset rows read, who, how, when, by whom."""

    axis: Axis
    preset: Preset | None
    scope: np.ndarray
    chosen: list[str]
    mode: str
    freq: str
    reader: str


def _axis_fields(presets: list[Preset], topics: list[str]) -> tuple[Axis | None, str | None]:
    default = presets[0].axis  # load_presets never returns an empty list: a missing file is an error
    state.show_matching_preset(default, presets, OWN_AXIS)
    c0, c1 = st.columns([1, 3])
    c0.selectbox(
        "Preset",
        [p.name for p in presets] + [OWN_AXIS],
        key=state.PRESET_KEY,
        on_change=state.apply_preset,
        args=(presets, topics),
        help="Shipped claims for the bundled topics, each worded so one can be for or against it. Edit the fields to write your own.",
    )
    with c1:
        target = state.axis_field(
            "Target: what the statements take a position on", P.ST_TARGET, default.target, max_chars=300
        )
    c2, c3 = st.columns(2)
    with c2:
        favor = state.axis_field(
            "Favor pole (empty: derived from the target)", P.ST_FAVOR, default.favor, max_chars=300
        )
    with c3:
        against = state.axis_field(
            "Against pole (empty: derived from the target)", P.ST_AGAINST, default.against, max_chars=300
        )
    try:
        return Axis(target, favor, against), None
    except ValueError as exc:
        return None, str(exc)


def _speakers(column, scope_frame) -> list[str]:
    speakers_all = sorted(scope_frame[S.SPEAKER].unique())
    links.check_options(P.ST_SPEAKERS, speakers_all, "Stance speakers", multi=True)
    many = len(speakers_all) > MAX_DEFAULT_SPEAKERS
    picked = column.multiselect(
        "Speakers",
        speakers_all,
        key=P.ST_SPEAKERS,
        bind="query-params",
        max_selections=12,
        placeholder=f"The {MAX_DEFAULT_SPEAKERS} who said most on this" if many else "Everyone who spoke on this",
    )
    if picked:
        return picked
    chosen, note = default_speakers(scope_frame)
    if note:
        st.caption(note)
    return chosen


def _reader_choice(frame_all) -> str:
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    # The upload comes first: it may switch the reader, which must happen before the picker is made.
    with c2.popover("Upload readings made elsewhere (CSV)"):
        up = st.file_uploader(
            "Readings CSV: id, text_sha256, claim, stance, confidence, reader", type=["csv"], key="stance_readings_up"
        )
        if up is not None and (up.name, up.size) != st.session_state.get("_stance_readings_seen"):
            st.session_state["_stance_readings_seen"] = (up.name, up.size)
            state.upload_readings(up.name, up.getvalue(), frame_all)
    # The default first: a bound widget's default is its first option (and no format_func: the URL
    # carries the option's text, so the reader's own name is what a link says).
    default = state.default_reader()
    readers = [default] + [r for r in state.available_readers() if r != default]
    links.check_options(P.ST_READER, readers, "Stance reader")
    name = c1.selectbox(
        "Reader",
        readers,
        key=P.ST_READER,
        bind="query-params",
        help="Who reads each statement against the question: "
        + "; ".join(f"**{r}**: {state.reader_title(r)}" for r in readers)
        + ". The readers on offer are set by whoever runs this app; readings made elsewhere can be uploaded as a CSV "
        "(id, text_sha256, claim, stance, confidence, reader).",
    )
    _readings_report()
    return name


def _readings_report() -> None:
    """What the last readings upload found: how many readings, every bad row by file, line and column."""
    if (report := state.readings_report()) is None:
        return
    name, n, problems, unusable = report
    if unusable:
        st.error(escape_markdown(unusable))
        return
    st.caption(
        f"{escape_markdown(name)}: {counted(n, 'reading')} read; they are shown as the readings of the reader it names, "
        "not as labels."
    )
    if problems:
        st.warning(f"{counted(len(problems), 'row')} of {escape_markdown(name)} need attention (errors were skipped):")
        st.dataframe(problems_frame(problems), hide_index=True, width="stretch")


def question(view) -> Question | None:
    """The question's controls, all bound to the URL; None (with a message shown) when nothing can be read."""
    presets = state.presets()
    topics = sorted(view.frame[S.TOPIC].unique())
    st.subheader("The question")
    axis, problem = _axis_fields(presets, topics)
    if axis is None:
        st.info(problem)
        return None
    preset = preset_for(axis, presets)
    c4, c5, c6, c7 = st.columns([2, 4, 2, 1])
    topic_default = preset.topic if preset and preset.topic in topics else ALL_TOPICS
    topic = bound_select(
        c4,
        "Statements on",
        [ALL_TOPICS] + topics,
        key=P.ST_TOPIC,
        fallback=topic_default,
        why="the axis's topic" if topic_default != ALL_TOPICS else "no topic of its own",
        link_label="Stance topic",
        help="Which statements are read on this axis (within the sidebar's filters).",
    )
    in_scope = view.frame[S.TOPIC].to_numpy() == topic if topic != ALL_TOPICS else np.ones(len(view.frame), bool)
    scope = view.rows[in_scope]  # dataset rows read on this axis
    if len(scope) == 0:
        st.info(f"No statement on “{topic}” among those the filters keep.")
        return None
    chosen = _speakers(c5, view.dataset.frame.iloc[scope])
    links.check_options(P.ST_MODE, MODES, "Stance mode")
    mode = c6.radio(
        "Reading",
        MODES,
        key=P.ST_MODE,
        bind="query-params",
        horizontal=True,
        help="taught: learnt on top of the reader from your labels (and a preset's shipped hand labels); zero-shot: the reader's own reading.",
    )
    links.check_options(P.ST_PERIOD, PERIODS, "Stance period")
    period = c7.selectbox("Period", list(PERIODS), key=P.ST_PERIOD, bind="query-params")
    return Question(axis, preset, scope, chosen, mode, PERIODS[period], _reader_choice(view.dataset.frame))


def speakers(sv: SpeakersView, frame_all, reading: StanceReading) -> None:
    """Where each speaker stands: the strip chart (click a dot to open it), its summary, the table."""
    st.subheader("Where each speaker stands")
    if sv.dots_note:
        st.caption(sv.dots_note)
    key = statement.picker_key("stance_strip")
    st.plotly_chart(
        sv.figure,
        width="stretch",
        key=key,
        on_select=partial(statement.pick_point, key, frame_all, reading.rows),
        selection_mode="points",
    )
    chart_summary(sv.summary, "stance_strip")
    st.caption(
        "Diamonds: each speaker's estimate, the confidence-weighted mean reading of their statements that take a side, "
        "with a 95% bootstrap interval. Click a dot to open the statement."
    )
    st.dataframe(
        sv.table,
        hide_index=True,
        width="stretch",
        placeholder="–",  # no number below the threshold
        column_config={
            "verdict": st.column_config.TextColumn(
                "Reading",
                width="large",
                help="favor / against when the estimate is past ±0.25 and its interval stays on that side; mixed otherwise; none when no statement takes a side. With fewer than 3 statements taking a side: no number and no interval, only the count and how they read; hand labels that all agree are said in words.",
            ),
            "estimate": st.column_config.NumberColumn("Estimate", format="%+.2f"),
            "interval": "95% interval",
            "n_favor": "favor",
            "n_against": "against",
            "n_none": "none",
            "n": "statements",
        },
    )


def _quotes(quotes, *, with_when: bool) -> None:
    cols = st.columns(2)
    for col, q in zip(cols, quotes):
        with col:
            if with_when:
                st.caption(f"{q.when}: {q.told}")
                quote_card(q.row)
            else:
                quote_card(q.row)
                st.caption(q.told)


def over_time(tv: TimeView) -> None:
    """The stance-over-time chart, the turning points and the Flip-O-Meter."""
    st.subheader("Over time")
    if tv.figure is None:
        st.info("No statements by these speakers here.")
        return
    st.plotly_chart(tv.figure, width="stretch", key="stance_time")
    chart_summary(tv.summary, "stance_time")
    st.caption(
        "Each point: a speaker's mean reading in one period, over the statements taking a side (bigger: more of them). Periods where none takes a side are skipped."
    )
    if tv.turns:
        with st.expander(tv.turns_label):
            for speaker, what, quotes in tv.turns:
                st.markdown(f"**{escape_markdown(speaker)}**: {escape_markdown(what)}")
                _quotes(quotes, with_when=False)
    st.subheader("Flip-O-Meter")
    st.caption(
        "In the manner of PolitiFact's: **Full Flop** when a speaker is on one side in one period and on the other side later; **Half Flip** for a partial move (a side to mixed, or back); **No Flip** otherwise. A verdict needs two periods with at least two confident statements on a side each; otherwise it is **not enough to tell**. The evidence is the fullest sourced quote of each period on its side (a fragment without a link only when nothing fuller supports it), then the clearest, each with its reading and confidence."
    )
    for f in tv.flips:
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(f.speaker)}: {f.rating}** · {escape_markdown(f.explanation)}")
            _quotes(f.quotes, with_when=True)
    if tv.steady:
        st.caption("No Flip: " + ", ".join(escape_markdown(s) for s in tv.steady) + ".")
    if tv.unsure:
        with st.expander(f"Not enough to tell ({len(tv.unsure)}): too few confident statements on a side per period"):
            for speaker, why in tv.unsure:
                st.markdown(f"**{escape_markdown(speaker)}**: {escape_markdown(why)}")


def two_axes(two, *, missing_note: bool = True) -> None:
    """Two axes at once: the chart, its summary, and who is not placed."""
    st.plotly_chart(two.figure, width="stretch", key="stance_2d")
    chart_summary(two.summary, "stance_2d")
    if missing_note and (note := not_placed_note([escape_markdown(s) for s in two.missing])):
        st.caption(note)


def teaching_metrics(labels, reading: StanceReading, acc: float | None) -> None:
    """The four numbers of the teaching section, and what the labels cannot teach yet."""
    counts = labels.counts()
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(
        "Labels for this axis",
        f"{len(labels):,}",
        help="Labels for this axis in this session, the project's shipped hand labels for a preset included (they are not in the share link).",
    )
    m2.metric("favor / against / none", f"{counts['favor']} / {counts['against']} / {counts['none']}")
    m3.metric(
        "Cross-validated accuracy",
        "–" if acc is None else f"{acc:.0%}",
        help="How often the taught model gets a held-out label right (leave-one-out up to 30 labels, then 5 folds). Needs 4 labels in 2 classes, and the taught mode.",
    )
    m4.metric(
        "Labels matching statements here",
        f"{int((reading.hand[reading.rows] >= 0).sum()):,}",
        help="Labelled statements among those read here; labels of statements outside the filters still teach the model.",
    )
    if reading.taught and (gap := teaching_gap(reading.label_codes)):
        st.warning(gap, icon=":material/balance:")


def suggestions(axis: Axis, quotes, hashes) -> None:
    """The statements worth labelling next, each with favor / against / none buttons."""
    st.markdown("**Suggested next**: the statements whose labels would help most (the model is least sure of them).")
    gen = state.generation()
    for q, sha in zip(quotes, hashes):
        with st.container(border=True):
            quote_card(q.row, header=True)
            a, b = st.columns([1, 2], vertical_alignment="center")
            with a:
                k = f"teach_{sha[:16]}_{gen}"
                st.segmented_control(
                    "Label",
                    ["favor", "against", "none"],
                    key=k,
                    on_change=state.set_label,
                    args=(axis, str(q.row[S.ID]), sha, k),
                    label_visibility="collapsed",
                )
            b.caption(q.told)
    if not quotes:
        st.caption("Every statement here is labelled.")


_TABLE_COLUMNS = {
    "your label": st.column_config.SelectboxColumn("your label", options=["favor", "against", "none"], width="small"),
    "project's hand label": st.column_config.TextColumn(
        "project's hand label", help="The label this project ships for the preset.", width="small"
    ),
    "reader's reading": st.column_config.TextColumn(
        "reader's reading", help="The reader's own reading, before any label teaches it."
    ),
    "score": st.column_config.NumberColumn("score", format="%+.2f", help="blank when the reading is none"),
    "confidence": st.column_config.ProgressColumn("confidence", min_value=0.0, max_value=1.0, format="%.2f"),
    "date": st.column_config.DateColumn("date", format="YYYY-MM-DD"),
    "quote": st.column_config.TextColumn("quote", width="large"),
}


def statements_table(axis: Axis, rd, hashes, project, mine) -> None:
    """Every statement here with the project's label, yours (editable) and the reader's own reading."""
    with st.expander("Every statement here, with the reader's reading (label any of them)"):
        table, order = teaching_table(rd, project, mine)
        ekey = f"stance_table_{state.generation()}"
        st.data_editor(
            table,
            key=ekey,
            hide_index=True,
            width="stretch",
            height=360,
            disabled=[c for c in table.columns if c != "your label"],
            on_change=state.table_edited,
            args=(axis, ekey, rd[S.ID].iloc[order].astype(str).tolist(), [hashes[i] for i in order]),
            column_config=_TABLE_COLUMNS,
        )
        if len(rd) > MAX_TABLE_ROWS:
            st.caption(f"Showing {MAX_TABLE_ROWS} of {len(rd):,}; narrow the sidebar filters to label others.")


def label_files(axis: Axis, labels, frame_all) -> None:
    """Download, upload and clear this axis's labels, and what the last upload found."""
    d1, d2, d3 = st.columns([1, 2, 1])
    d1.download_button(
        "Download labels (CSV)",
        write_labels(labels),
        file_name="stance_labels.csv",
        mime="text/csv",
        disabled=len(labels) == 0,
        help="statement id, sha256 of the quote, label: upload it later to continue.",
    )
    up = d2.file_uploader(
        "Upload labels (CSV: id, text_sha256, label)", type=["csv"], key=f"stance_labels_upload_{state.generation()}"
    )
    if up is not None:
        state.upload_labels(axis, up.name, up.getvalue(), frame_all)
        st.rerun()
    if d3.button("Clear my labels", disabled=len(labels) == 0):
        state.clear_labels(axis)
        st.rerun()
    if report := state.upload_report():
        name, n, problems, unreadable = report
        if unreadable:
            st.error(f"{escape_markdown(name)} could not be used: {escape_markdown(problems[0].message)}")
        else:
            st.success(f"{escape_markdown(name)}: {counted(n, 'label')} added.")
        if problems and not unreadable:
            st.warning(f"{len(problems)} row(s) of {escape_markdown(name)} need attention (errors were skipped):")
            st.dataframe(problems_frame(problems), hide_index=True, width="stretch")
    st.caption(
        "Labels stay in this browser session and are not in the share link: download them to keep or share them."
    )
