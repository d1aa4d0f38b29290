"""Compare speakers in a corpus folder: how alike their statements are, overall and year by year."""

from __future__ import annotations

import streamlit as st

from stance_explorer import schema as S
from stance_explorer.figures.heatmaps import heatmap_figure
from stance_explorer.figures.timelines import pair_similarity_figure
from webapp import links
from webapp import params as P
from webapp.corpusview import current, rows_or_message
from webapp.render import quote_card
from webapp.text import escape_markdown
from webapp.widgets import bound_select

view = current()
corpus, sel = view.corpus, view.sel
st.title("Compare speakers")
st.caption(
    "How alike the chosen speakers' statements on a topic are, from the corpus's summed vectors: exact means, no statement loaded."
)
links.slot()

topics = corpus.counts_by(view.mask, S.TOPIC)
if topics.empty:
    st.info("No statement matches the filters in the sidebar. Widen them to see results.")
else:
    c1, c2 = st.columns([1, 2])
    topic = bound_select(
        c1, "Topic", topics[S.TOPIC].tolist(), key=P.CMP_TOPIC, fallback=topics[S.TOPIC].iat[0], why="most statements"
    )
    on_topic = corpus.counts_by(corpus.mask(sel, topics=[topic]), S.SPEAKER)
    names = on_topic[S.SPEAKER].tolist()
    links.check_options(P.CMP_SPEAKERS, names, "Speakers to compare", multi=True)
    picked = c2.multiselect(
        "Speakers to compare",
        names,
        key=P.CMP_SPEAKERS,
        bind="query-params",
        max_selections=8,
        placeholder="The two with the most statements",
        help=f"The {len(names):,} speakers with statements on this topic under the filters.",
    )
    chosen = picked or names[:2]
    if len(chosen) < 2:
        st.info("Choose at least two speakers to compare.")
    else:
        matrix, counts = corpus.pair_similarity_matrix(sel, chosen, topic=topic)
        ticks = [f"{s} ({int(counts[s]):,})" for s in chosen]
        left, right = st.columns([3, 2])
        left.plotly_chart(
            heatmap_figure(matrix, title=f"Speaker × speaker on {topic}", row_ticks=ticks, col_ticks=ticks),
            width="stretch",
            key="ccmp_heat",
        )
        right.caption(
            "Each cell is the average similarity of their statements taken two at a time (a speaker's own cell compares "
            "their statements with one another), computed exactly from summed vectors. Similarity is the cosine of "
            "sentence embeddings: how alike the wording and subject are, not agreement. In brackets: statements with a vector."
        )
        over_time = corpus.pairs_over_time(sel, chosen, topic=topic)
        if not over_time.empty:
            st.plotly_chart(pair_similarity_figure(over_time, topic=topic), width="stretch", key="ccmp_time")
        st.subheader("Their newest statements on this topic")
        per_speaker = on_topic.set_index(S.SPEAKER)["statements"]
        cols = st.columns(min(len(chosen), 4))
        for col, speaker in zip(cols, chosen[:4]):
            with col:
                n = int(per_speaker.get(speaker, 0))
                st.caption(escape_markdown(f"{speaker}: {n:,} statements on {topic}, the 5 newest"))
                rows = rows_or_message(corpus.rows, sel, speakers=[speaker], topics=[topic], limit=5)
                if rows is not None:
                    for _, row in rows.iterrows():
                        quote_card(row)
