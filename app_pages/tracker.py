"""Position tracker: who holds a position and who rejects it, over time; what is about the same thing; each speaker's drift."""

from __future__ import annotations

from functools import partial

import streamlit as st

from stance_explorer.views.tracker import (
    DEFAULT_PHRASES,
    WINDOWS,
    claim_view,
    claims_of,
    drift_defaults,
    drift_topics,
    drift_view,
    shown_speakers,
    similarity_view,
)
from webapp import links, progress, statement
from webapp import params as P
from webapp import stance_state as state
from webapp.render import chart_summary, language_caveat, quote_card, statements_table
from webapp.shell import empty_guard, notice
from webapp.state import current_view, encode_phrase
from webapp.text import escape_markdown
from webapp.tracker_page import DRIFT_COLUMNS, DRIFT_HELP, HOLDS_HELP, POSITIONS_HELP
from webapp.widgets import bound_select


def _similarity(view, phrase: str, mask, i: int) -> None:
    """The secondary view: how close each statement comes to the phrase (about the same thing, not holding it)."""
    qvec, msg = encode_phrase(phrase)
    if msg:
        st.warning(msg)
        return
    sv = similarity_view(view.frame, view.vectors, qvec, mask, phrase)
    key = statement.picker_key(f"tl_{phrase}")  # clicking a dot opens its statement
    pick = partial(statement.pick_point, key, view.dataset.frame, view.rows)
    st.plotly_chart(sv.figure, width="stretch", key=key, on_select=pick, selection_mode="points")
    chart_summary(sv.summary, f"timeline_{i}")
    st.markdown(f"**Closest statements to “{escape_markdown(phrase)}”, year by year**")
    key = statement.picker_key(f"best_{phrase}")
    pick = partial(statement.pick_row, key, view.dataset.frame, view.dataset_rows(sv.closest["row"]))
    statements_table(sv.closest, score=True, key=key, on_select=pick)


view = current_view()
st.title("Position tracker")
st.caption(
    "Trace a position through time: who holds it and who rejects it, what is said about the same thing, and how much each speaker's statements move from one period to the next."
)
notice(view)

if not empty_guard(view):
    frame, vectors = view.frame, view.vectors
    st.subheader("Who holds the position, over time")
    text = st.text_area(
        "Positions, one per line",
        value=DEFAULT_PHRASES,
        key=P.PHRASES,
        bind="query-params",
        height=80,
        help=POSITIONS_HELP,
    )
    shown, tl_mask, note = shown_speakers(frame)
    if note:
        st.caption(note)
    language_caveat(frame[tl_mask], view.dataset.model_id)
    st.caption(HOLDS_HELP)
    load = progress.Loading("tracker", "Reading the claims…", "Claims read")  # names each step on a first load
    for i, claim in enumerate(claims_of(text)):
        with load.step(f"Reading “{escape_markdown(claim.phrase)}” against {int(tl_mask.sum()):,} statements"):
            reading, msg = state.claim_reading(view, claim, tl_mask)
        if msg:
            st.warning(msg)
            break
        cv = claim_view(claim, reading, view.dataset.frame, shown)
        st.markdown(f"**“{escape_markdown(claim.wording or claim.phrase)}”**")
        st.caption(escape_markdown(cv.reader_caption))
        st.plotly_chart(cv.figure, width="stretch", key=f"claim_{i}")
        chart_summary(cv.summary, f"claim_{i}")
        with st.expander(f"About the same thing as “{claim.phrase}” (similarity, not whether they hold it)"):
            _similarity(view, claim.phrase, tl_mask, i)
    load.finish()

    st.subheader("Drift: how a speaker's statements move")
    st.caption(DRIFT_HELP)
    c1, c2, c3 = st.columns([2, 2, 1])
    speakers, default_speaker, why_speaker = drift_defaults(frame)
    speaker = bound_select(
        c1,
        "Speaker",
        speakers,
        key=P.DRIFT_SPEAKER,
        fallback=default_speaker,
        why=why_speaker,
        link_label="Drift speaker",
    )
    topics, default_topic = drift_topics(frame, speaker)
    topic = bound_select(
        c2, "Topic", topics, key=P.DRIFT_TOPIC, fallback=default_topic, why="default", link_label="Drift topic"
    )
    links.check_options(P.DRIFT_WINDOW, WINDOWS, "Period")
    window = c3.selectbox("Period", list(WINDOWS), key=P.DRIFT_WINDOW, bind="query-params")
    dv = drift_view(frame, vectors, speaker=speaker, topic=topic, freq=WINDOWS[window])
    if dv.notice:
        st.info(dv.notice)
    else:
        st.plotly_chart(dv.figure, width="stretch", key="drift")
        chart_summary(dv.summary, "drift")
        for title, how, before, after in dv.shifts:
            st.markdown(
                f"**{title}** {how}: the most typical statement of each period "
                "(the one closest to the period's average, a full quote when there is one)."
            )
            a, b = st.columns(2)
            with a:
                quote_card(before)
            with b:
                quote_card(after)
        with st.expander("All periods"):
            st.dataframe(
                dv.periods[list(DRIFT_COLUMNS)],
                hide_index=True,
                width="stretch",
                placeholder="–",  # the first period has nothing before it
                column_config=DRIFT_COLUMNS,
            )

statement.show_linked(view)
