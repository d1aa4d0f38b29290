"""Position tracker: how close each statement is to a phrase over time, and each speaker's drift."""

from __future__ import annotations

from functools import partial

import streamlit as st

from stance_explorer import analysis as A
from stance_explorer import figures as F
from stance_explorer import schema as S
from stance_explorer import summaries as SM
from webapp import links, statement
from webapp import params as P
from webapp.render import chart_summary, language_caveat, quote_card, statements_table
from webapp.shell import empty_guard, notice
from webapp.state import current_view, encode_phrase
from webapp.widgets import bound_select

DEFAULT_PHRASES = "USMCA irrelevant\nshortcomings"
WINDOWS = {"year": "Y", "half-year": "6M", "quarter": "Q"}
ALL_TOPICS = "all topics"
MAX_TIMELINE_SPEAKERS = 12

view = current_view()
st.title("Position tracker")
st.caption(
    "Trace a position through time: how close every statement comes to a phrase, and how much each speaker's statements move from one period to the next."
)
notice(view)

if not empty_guard(view):
    frame, vectors = view.frame, view.vectors
    st.subheader("Similarity to a phrase over time")
    text = st.text_area(
        "Phrases, one per line",
        value=DEFAULT_PHRASES,
        key=P.PHRASES,
        bind="query-params",
        height=80,
        help="Each phrase gets its own chart. Dots are statements (click one to open it); lines are each speaker's one-year rolling average.",
    )
    phrases = [p.strip() for p in text.splitlines() if p.strip()][:5]
    # A chart with hundreds of speakers is unreadable: show the most active ones unless the sidebar picks speakers.
    shown = A.top_speakers(frame, MAX_TIMELINE_SPEAKERS)
    tl_mask = frame[S.SPEAKER].isin(shown).to_numpy()
    if len(shown) < frame[S.SPEAKER].nunique():
        st.caption(
            f"Charts show the {len(shown)} speakers with the most statements; pick speakers in the sidebar to see others."
        )
    language_caveat(frame[tl_mask], view.dataset.model_id)
    for i, phrase in enumerate(phrases):
        qvec, msg = encode_phrase(phrase)
        if msg:
            st.warning(msg)
            break
        timeline = A.phrase_timeline(frame, vectors, qvec, mask=tl_mask)
        # Clicking a dot opens its statement (customdata carries the timeline row).
        key = statement.picker_key(f"tl_{phrase}")
        st.plotly_chart(
            F.timeline_figure(timeline, A.smooth_by_speaker(timeline), phrase=phrase),
            width="stretch",
            key=key,
            on_select=partial(statement.pick_point, key, view.dataset.frame, view.rows),
            selection_mode="points",
        )
        chart_summary(SM.timeline_summary(timeline, phrase=phrase), f"timeline_{i}")
        with st.expander(f"Closest statements to “{phrase}”, year by year"):
            best = A.closest_over_time(timeline, per_window=2)
            key = statement.picker_key(f"best_{phrase}")
            pick = partial(statement.pick_row, key, view.dataset.frame, view.dataset_rows(best["row"]))
            statements_table(best, score=True, key=key, on_select=pick)

    st.subheader("Drift: how a speaker's statements move")
    st.caption(
        "Each bar compares a speaker's average statement in one period with the previous period that has statements. "
        "The rule for the red bars is a rank: the two lowest bars, the two largest shifts, are flagged, whatever their "
        "size, so a bar almost as low may stay blue. The table under the chart ranks every shift."
    )
    c1, c2, c3 = st.columns([2, 2, 1])
    speakers = A.counts_by(frame, S.SPEAKER)[S.SPEAKER].tolist()
    # Nothing picked means Donald Trump when the filters keep him, else the speaker with most
    # statements (webapp/widgets.py: a bound choice's default never depends on the data).
    default_speaker = "Donald Trump" if "Donald Trump" in speakers else speakers[0]
    why_speaker = "default" if default_speaker == "Donald Trump" else "most statements"
    speaker = bound_select(
        c1,
        "Speaker",
        speakers,
        key=P.DRIFT_SPEAKER,
        fallback=default_speaker,
        why=why_speaker,
        link_label="Drift speaker",
    )
    spk_topics = A.counts_by(frame[frame[S.SPEAKER] == speaker], S.TOPIC)[S.TOPIC].tolist()
    topic_options = [ALL_TOPICS] + spk_topics
    default_topic = "USMCA/trade" if "USMCA/trade" in topic_options else ALL_TOPICS
    topic = bound_select(
        c2, "Topic", topic_options, key=P.DRIFT_TOPIC, fallback=default_topic, why="default", link_label="Drift topic"
    )
    links.check_options(P.DRIFT_WINDOW, WINDOWS, "Period")
    window = c3.selectbox("Period", list(WINDOWS), key=P.DRIFT_WINDOW, bind="query-params")
    t = None if topic == ALL_TOPICS else topic
    d = A.drift(frame, vectors, speaker=speaker, topic=t, freq=WINDOWS[window])
    if len(d) < 2:
        st.info(
            f"{speaker} has statements in fewer than two periods"
            + (f" on {t}" if t else "")
            + "; drift needs at least two."
        )
    else:
        st.plotly_chart(F.drift_figure(d, speaker=speaker, topic=t), width="stretch", key="drift")
        chart_summary(SM.drift_summary(d, speaker=speaker), "drift")
        flagged = d[d["flagged"]].sort_values("shift", ascending=False)
        for _, row in flagged.iterrows():
            pos = d.index.get_loc(row.name)
            before = d.iloc[pos - 1]
            st.markdown(
                f"**Shift from {before['window']} to {row['window']}** (similarity {row['similarity_to_previous']:.2f}), "
                f"the largest shift #{int(row['shift_rank'])}: the most typical statement of each period "
                "(the one closest to the period's average, a full quote when there is one)."
            )
            a, b = st.columns(2)
            with a:
                quote_card(frame.iloc[int(before["representative_row"])])
            with b:
                quote_card(frame.iloc[int(row["representative_row"])])
        with st.expander("All periods"):
            st.dataframe(
                d[["window", "count", "similarity_to_previous", "shift_rank", "flagged", "representative"]],
                hide_index=True,
                width="stretch",
                placeholder="–",  # the first period has nothing before it
                column_config={
                    "window": st.column_config.TextColumn("Period", width=80),
                    "count": st.column_config.NumberColumn("Statements", width=90),
                    "similarity_to_previous": st.column_config.NumberColumn(
                        "Similarity to the previous period", format="%.3f", width=200
                    ),
                    "shift_rank": st.column_config.NumberColumn(
                        "Shift rank",
                        width=90,
                        help="1 = the largest shift (the lowest similarity to the previous period)",
                    ),
                    "flagged": st.column_config.CheckboxColumn("Flagged", width=70),
                    "representative": st.column_config.TextColumn("Most typical statement"),
                },
            )

statement.show_linked(view)
