"""Compare by topic: two to four speakers side by side on one topic, how alike they sound, and the
closest and farthest pairs of their statements."""

from __future__ import annotations

import streamlit as st

from stance_explorer import analysis as A
from stance_explorer import figures as F
from stance_explorer import schema as S
from webapp import links
from webapp import params as P
from webapp.render import language_caveat, quote_card
from webapp.shell import empty_guard, notice
from webapp.state import current_view
from webapp.widgets import bound_select

view = current_view()
st.title("Compare by topic")
st.caption("Pick a topic and two to four speakers: their statements side by side, and how alike they are.")
notice(view)

if not empty_guard(view):
    frame, vectors = view.frame, view.vectors
    topics = A.counts_by(frame, S.TOPIC)[S.TOPIC].tolist()
    c1, c2 = st.columns([1, 2])
    # Nothing picked means the topic with most statements under the filters (webapp/widgets.py).
    topic = bound_select(c1, "Topic", topics, key=P.CMP_TOPIC, fallback=topics[0], why="most statements")
    # Default speakers: the two who said most on the topic.
    on_topic = frame[frame[S.TOPIC] == topic]
    speakers_all = sorted(frame[S.SPEAKER].unique())
    # No default= here: a default that follows the topic would go stale in the widget and never reach
    # the URL. An empty choice means "the two who said most on this topic", decided on every run.
    links.check_options(P.CMP_SPEAKERS, speakers_all, "Speakers", multi=True)
    picked = c2.multiselect(
        "Speakers (2 to 4)", speakers_all, max_selections=4, key=P.CMP_SPEAKERS, bind="query-params",
        placeholder="The two who said most on this topic",
        help="Most statements on this topic: " + ", ".join(f"{s} ({n})" for s, n in on_topic[S.SPEAKER].value_counts().head(5).items()),
    )
    chosen = picked or on_topic[S.SPEAKER].value_counts().index[:2].tolist()
    if not picked and len(chosen) == 2:
        st.caption(f"Showing the two speakers with the most statements on “{topic}”. Choose speakers above to compare others.")
    if len(chosen) < 2:
        st.info("Choose at least two speakers to compare.")
    else:
        cols = st.columns(len(chosen))
        for col, speaker in zip(cols, chosen):
            with col:
                st.subheader(speaker)
                rows = on_topic[on_topic[S.SPEAKER] == speaker].sort_values(S.DATE)
                if rows.empty:
                    st.info(f"{speaker} has no statement on “{topic}” among the statements the filters keep.")
                else:
                    first, last = f"{rows[S.DATE].min():%Y-%m}", f"{rows[S.DATE].max():%Y-%m}"
                    span = first if first == last else f"{first} to {last}"
                    st.caption(f"{len(rows)} statement{'s' if len(rows) != 1 else ''}, {span}")
                    with st.container(height=520):
                        for _, row in rows.head(200).iterrows():
                            quote_card(row, show_speaker=False)
                    if len(rows) > 200:
                        st.caption(f"Showing the first 200 of {len(rows):,}.")

        st.subheader("How alike they sound on this topic")
        sim = A.speaker_similarity(frame, vectors, topic=topic, speakers=chosen)
        present = [s for s in chosen if s in set(on_topic[S.SPEAKER])]
        if len(present) < 2:
            st.info("At least two of the chosen speakers need statements on this topic to compare them.")
        else:
            left, right = st.columns([3, 2])
            left.plotly_chart(F.heatmap_figure(sim, title=f"Speaker × speaker on {topic}", zmin=0, zmax=1), width="stretch", key="cmp_heat")
            right.caption("Cosine similarity between each speaker's average statement on the topic. Higher means they talk about it in more similar terms, which is not the same as agreeing.")
            right.dataframe(sim.round(3), width="stretch")
            with right:
                language_caveat(on_topic[on_topic[S.SPEAKER].isin(present)], view.dataset.model_id)

            # The same comparison year by year: do they converge or drift apart?
            over_time = A.pair_similarity_over_time(frame, vectors, speakers=present, topic=topic)
            if over_time.empty:
                st.info("No year in which two of these speakers both spoke on this topic, so there is nothing to follow over time.")
            else:
                st.plotly_chart(F.pair_similarity_figure(over_time, topic=topic), width="stretch", key="cmp_time")
                st.caption(
                    "Each point compares two speakers' average statements on the topic in one year in which both "
                    "spoke; years where either was silent are left out. A rising line means they came to talk "
                    "about it in more similar terms."
                )

            closest, farthest, cap = A.extreme_pairs(frame, vectors, speakers=present, topic=topic, k=3)
            if cap:
                st.caption(cap)
            for title, pairs in (("Closest pairs of statements", closest), ("Farthest pairs of statements", farthest)):
                st.subheader(title)
                for _, p in pairs.iterrows():
                    a, b = st.columns(2)
                    with a:
                        quote_card(frame.iloc[int(p["row_a"])], score=float(p["score"]))
                    with b:
                        quote_card(frame.iloc[int(p["row_b"])], score=float(p["score"]))
