"""Stance: where each speaker stands on a question, how that moved, and who flipped.

The axis (a target and two poles, in words) lives in the URL; labels live in this session and
travel as a CSV. Every stance shown is a reader's reading of a statement, with its confidence.
"""

from __future__ import annotations

import streamlit as st

from stance_explorer import schema as S
from stance_explorer.views.stance import stance_view, suggestions, two_axes_view
from webapp import params as P
from webapp import stance_page as page
from webapp import stance_state as state
from webapp import statement
from webapp.render import language_caveat
from webapp.shell import empty_guard, notice
from webapp.state import current_view
from webapp.text import escape_markdown
from webapp.widgets import bound_select

view = current_view()
st.title("Stance")
st.caption(
    "Who is for and who is against on a question you write in words: each speaker's position with its uncertainty, how it moved over time, and who flipped."
)
notice(view)

if not empty_guard(view) and (q := page.question(view)) is not None:
    ds = view.dataset
    labels = state.labels_for(q.axis)
    reading, msg = state.reading(ds, q.axis, labels, taught=q.mode == "taught", scope=q.scope, reader=q.reader)
    if msg:
        st.warning(msg)
        st.stop()
    hashes = state.dataset_hashes(ds)[reading.rows]
    project, mine = state.label_columns(q.axis, hashes)  # once per run: every statement in scope
    shipped = bool(q.preset and q.preset.labels_path)
    caption = state.mode_caption(q.mode, reading, shipped, state.label_counts(q.axis, reading, ds))
    sv = stance_view(reading, ds.frame, chosen=q.chosen, freq=q.freq, mode_caption=caption, project_labels=project)

    st.caption(sv.caption)
    st.info(sv.honesty, icon=":material/psychology:")
    if sv.unread_note:
        st.caption(escape_markdown(sv.unread_note))
    language_caveat(sv.table[sv.table[S.SPEAKER].isin(q.chosen)], ds.model_id)
    page.speakers(sv.speakers, ds.frame, reading)
    page.over_time(sv.time)

    others = [p for p in state.presets() if p.axis != q.axis]
    if others:
        st.subheader("Two axes at once")
        names = [p.name for p in others]
        name2 = bound_select(
            st,
            "Second axis (up)",
            names,
            key=P.ST_AXIS2,
            fallback=names[0],
            why="the first other preset",
            help="A preset axis; each axis reads the statements of its own topic.",
        )
        p2 = next(p for p in others if p.name == name2)
        topics = set(view.frame[S.TOPIC].unique())
        scope2 = view.rows[view.frame[S.TOPIC].to_numpy() == p2.topic] if p2.topic in topics else view.rows
        r2, msg2 = state.reading(
            ds, p2.axis, state.labels_for(p2.axis), taught=q.mode == "taught", scope=scope2, reader=q.reader
        )
        if msg2:
            st.info(msg2)
        else:
            x_label = q.preset.name if q.preset else q.axis.target
            two = two_axes_view(sv.speakers.estimates, r2, ds.frame, q.chosen, x_label=x_label, y_label=p2.name)
            page.two_axes(two)

    st.subheader("Teach the axis")
    page.teaching_metrics(labels, reading, state.cv_accuracy(ds, q.axis, reading) if reading.taught else None)
    picks = suggestions(reading, sv.table, ds.vectors, k=5)
    page.suggestions(q.axis, picks, [hashes[int(p.row["pos"])] for p in picks])
    page.statements_table(q.axis, sv.table, list(hashes), project, mine)
    page.label_files(q.axis, labels, ds.frame)

statement.show_linked(view)
