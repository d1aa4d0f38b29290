"""Compare by topic: two to four speakers side by side on one topic, how alike they sound, and the
closest and farthest pairs of their statements."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from stance_explorer import schema as S
from stance_explorer import summaries as SM
from stance_explorer.analysis.pairs import extreme_pairs, pair_similarity_over_time, pair_similarity_stats, stats_matrix
from stance_explorer.analysis.tables import counts_by, newest_first
from stance_explorer.figures.heatmaps import heatmap_figure
from stance_explorer.figures.timelines import pair_similarity_figure
from webapp import links
from webapp import params as P
from webapp.render import chart_summary, language_caveat, quote_card
from webapp.shell import empty_guard, notice
from webapp.stance_compare import stance_verdicts
from webapp.state import current_view
from webapp.widgets import bound_select


def pair_table(stats: pd.DataFrame) -> pd.DataFrame:
    """One line per pair of speakers: mean similarity of their statements, its spread, how many pairs."""
    same = stats["speaker_a"] == stats["speaker_b"]
    names = np.where(same, stats["speaker_a"] + " (own statements)", stats["speaker_a"] + " · " + stats["speaker_b"])
    spread = [
        "–" if n == 0 else f"± {sd:.2f}, {lo:.2f} to {hi:.2f}"
        for sd, lo, hi, n in zip(stats["sd"], stats["low"], stats["high"], stats["pairs"])
    ]
    out = pd.DataFrame({"Pair": names, "Mean": stats["mean"], "Spread": spread, "Pairs": stats["pairs"]})
    return pd.concat([out[~same], out[same]], ignore_index=True)  # pairs of speakers first


view = current_view()
st.title("Compare by topic")
st.caption("Pick a topic and two to four speakers: their statements side by side, and how alike they are.")
notice(view)

if not empty_guard(view):
    frame, vectors = view.frame, view.vectors
    topics = counts_by(frame, S.TOPIC)[S.TOPIC].tolist()
    c1, c2 = st.columns([1, 2])
    # Nothing picked means the topic with most statements under the filters (webapp/widgets.py).
    topic = bound_select(c1, "Topic", topics, key=P.CMP_TOPIC, fallback=topics[0], why="most statements")
    # Default speakers: the two who said most on the topic.
    on_topic = frame[frame[S.TOPIC] == topic]
    speakers_all = sorted(frame[S.SPEAKER].unique())
    # Offered: the speakers with statements on this topic, plus whoever is already picked (a pick made
    # on another topic, or carried by a link), so that changing the topic never drops a pick silently;
    # such a speaker's column then says they have nothing on this topic.
    counts = on_topic[S.SPEAKER].value_counts()
    current = st.session_state.get(P.CMP_SPEAKERS, st.query_params.get_all(P.CMP_SPEAKERS)) or []
    offered = sorted(counts.index) + sorted({s for s in current if s in speakers_all} - set(counts.index))
    # No default= here: a default that follows the topic would go stale in the widget and never reach
    # the URL. An empty choice means "the two who said most on this topic", decided on every run.
    links.check_options(P.CMP_SPEAKERS, speakers_all, "Speakers", multi=True)
    picked = c2.multiselect(
        "Speakers (2 to 4)",
        offered,
        max_selections=4,
        key=P.CMP_SPEAKERS,
        bind="query-params",
        placeholder="The two who said most on this topic",
        help=f"The {len(counts)} speakers with statements on this topic under the filters. Most: "
        + ", ".join(f"{s} ({n})" for s, n in counts.head(5).items()),
    )
    chosen = picked or on_topic[S.SPEAKER].value_counts().index[:2].tolist()
    if not picked and len(chosen) == 2:
        st.caption(
            f"Showing the two speakers with the most statements on “{topic}”. Choose speakers above to compare others."
        )
    if len(chosen) < 2:
        st.info("Choose at least two speakers to compare.")
    else:
        cols = st.columns(len(chosen))
        for col, speaker in zip(cols, chosen):
            with col:
                st.subheader(speaker)
                rows = newest_first(on_topic[on_topic[S.SPEAKER] == speaker])
                if rows.empty:
                    st.info(f"{speaker} has no statement on “{topic}” among the statements the filters keep.")
                else:
                    first, last = f"{rows[S.DATE].min():%Y-%m}", f"{rows[S.DATE].max():%Y-%m}"
                    span = first if first == last else f"{first} to {last}"
                    st.caption(f"{len(rows)} statement{'s' if len(rows) != 1 else ''}, {span}, newest first")
                    # A scrolling box only when there is something to scroll: one quote gets its own height.
                    with st.container(height=520 if len(rows) > 3 else "content"):
                        for _, row in rows.head(200).iterrows():
                            quote_card(row, show_speaker=False)
                    if len(rows) > 200:
                        st.caption(f"Showing the newest 200 of {len(rows):,}.")

        st.subheader("How alike they sound on this topic")
        present = [s for s in chosen if s in set(on_topic[S.SPEAKER])]
        if len(present) < 2:
            st.info("At least two of the chosen speakers need statements on this topic to compare them.")
        else:
            stats = pair_similarity_stats(frame, vectors, speakers=present, topic=topic)
            matrix = stats_matrix(stats, present)
            counts = on_topic[S.SPEAKER].value_counts()
            ticks = [f"{s} ({counts[s]})" for s in present]
            left, right = st.columns([3, 2])
            left.plotly_chart(
                heatmap_figure(matrix, title=f"Speaker × speaker on {topic}", row_ticks=ticks, col_ticks=ticks),
                width="stretch",
                key="cmp_heat",
            )
            with right:
                chart_summary(SM.pair_heatmap_summary(matrix), "cmp_heat")
                st.caption(
                    "Each cell is the average similarity of their statements taken two at a time (a speaker's own "
                    "cell compares their statements with one another); the table below adds the spread. Similarity is "
                    "the cosine of sentence embeddings: how alike the wording and subject are, not agreement. A value "
                    "near or below 0 means unrelated, not opposite. In brackets: statements on the topic."
                )
                language_caveat(on_topic[on_topic[S.SPEAKER].isin(present)], view.dataset.model_id)
            st.dataframe(
                pair_table(stats),
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
            over_time = pair_similarity_over_time(frame, vectors, speakers=present, topic=topic)
            if over_time.empty:
                st.info(
                    "No year in which two of these speakers both spoke on this topic, so there is nothing to follow over time."
                )
            else:
                st.plotly_chart(pair_similarity_figure(over_time, topic=topic), width="stretch", key="cmp_time")
                chart_summary(SM.pair_time_summary(over_time), "cmp_time")
                st.caption(
                    "Each point is the mean similarity of two speakers' statements on the topic in one year in which "
                    "both spoke, taken two at a time; years where either was silent are left out. A rising line means "
                    "they came to talk about it in more similar terms."
                )

            stance_verdicts(view, topic, present)

            closest, farthest, cap = extreme_pairs(frame, vectors, speakers=present, topic=topic, k=3)
            if cap:
                st.caption(cap)
            for title, pairs in (("Closest pairs of statements", closest), ("Farthest pairs of statements", farthest)):
                st.subheader(title)
                if pairs.empty:
                    st.caption("No other pair left to show.")
                for _, p in pairs.iterrows():
                    a, b = st.columns(2)
                    with a:
                        quote_card(frame.iloc[int(p["row_a"])], score=float(p["score"]))
                    with b:
                        quote_card(frame.iloc[int(p["row_b"])], score=float(p["score"]))
