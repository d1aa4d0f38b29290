"""Compare by topic: two to four speakers side by side on one topic, how alike they sound, and the
closest and farthest pairs of their statements.

What it shows is built by ``stance_explorer/views/compare.py``; this page makes the widgets (bound
to the share link) and renders what the view returns.
"""

from __future__ import annotations

import streamlit as st

from stance_explorer.views.compare import Likeness, SpeakerColumn, compare_view, speaker_choices, topics_by_count
from webapp import links
from webapp import params as P
from webapp.render import chart_summary, language_caveat, quote_card
from webapp.shell import empty_guard, notice
from webapp.stance_compare import stance_verdicts
from webapp.state import current_view
from webapp.widgets import bound_select


def show_column(column: SpeakerColumn) -> None:
    st.subheader(column.speaker)
    if column.message:
        st.info(column.message)
        return
    st.caption(column.caption)
    with st.container(height=520 if column.scrolls else "content"):
        for _, row in column.statements.iterrows():
            quote_card(row, show_speaker=False)
    if column.more:
        st.caption(column.more)


def show_likeness(shown: Likeness, topic: str) -> None:
    left, right = st.columns([3, 2])
    left.plotly_chart(shown.figure, width="stretch", key="cmp_heat")
    with right:
        chart_summary(shown.summary, "cmp_heat")
        st.caption(shown.caption)
        language_caveat(shown.compared, view.dataset.model_id)
    st.dataframe(
        shown.table,
        hide_index=True,
        width="stretch",
        placeholder="–",  # one statement: no pair
        column_config={
            "Pair": st.column_config.TextColumn("Pair", width=360),
            "Mean": st.column_config.NumberColumn("Mean similarity", format="%.2f", width=120),
            "Spread": st.column_config.TextColumn("Spread (sd, lowest to highest)", width=240),
            "Pairs": st.column_config.NumberColumn("Pairs of statements", width=140),
        },
    )
    # The same comparison year by year: do they converge or drift apart?
    if shown.over_time is None:
        st.info(shown.over_time_message)
    else:
        st.plotly_chart(shown.over_time, width="stretch", key="cmp_time")
        chart_summary(shown.over_time_summary, "cmp_time")
        st.caption(shown.over_time_caption)
    stance_verdicts(view, topic, shown.present)
    if shown.pairs_note:
        st.caption(shown.pairs_note)
    for title, pairs in shown.pairs:
        st.subheader(title)
        if not pairs:
            st.caption("No other pair left to show.")
        for row_a, row_b, score in pairs:
            a, b = st.columns(2)
            with a:
                quote_card(row_a, score=score)
            with b:
                quote_card(row_b, score=score)


view = current_view()
st.title("Compare by topic")
st.caption("Pick a topic and two to four speakers: their statements side by side, and how alike they are.")
notice(view)

if not empty_guard(view):
    frame, vectors = view.frame, view.vectors
    topics = topics_by_count(frame)
    c1, c2 = st.columns([1, 2])
    # Nothing picked means the topic with most statements under the filters (webapp/widgets.py).
    topic = bound_select(c1, "Topic", topics, key=P.CMP_TOPIC, fallback=topics[0], why="most statements")
    current = st.session_state.get(P.CMP_SPEAKERS, st.query_params.get_all(P.CMP_SPEAKERS)) or []
    choices = speaker_choices(frame, topic, current)
    # No default= here: a default that follows the topic would go stale in the widget and never reach
    # the URL. An empty choice means "the two who said most on this topic", decided on every run.
    links.check_options(P.CMP_SPEAKERS, choices.every_speaker, "Speakers", multi=True)
    picked = c2.multiselect(
        "Speakers (2 to 4)",
        choices.offered,
        max_selections=4,
        key=P.CMP_SPEAKERS,
        bind="query-params",
        placeholder="The two who said most on this topic",
        help=choices.help,
    )
    shown = compare_view(frame, vectors, topic, picked)
    if shown.note:
        st.caption(shown.note)
    if shown.columns:
        for col, column in zip(st.columns(len(shown.columns)), shown.columns):
            with col:
                show_column(column)
        st.subheader("How alike they sound on this topic")
    if shown.likeness is None:
        st.info(shown.message)
    else:
        show_likeness(shown.likeness, topic)
