"""Similarity heatmaps of a corpus folder: speaker × speaker and speaker × topic, from the sums."""

from __future__ import annotations

import streamlit as st

from stance_explorer import schema as S
from stance_explorer.figures.heatmaps import heatmap_figure
from webapp import links
from webapp import params as P
from webapp.corpusview import current

MODES = ["speaker × speaker", "speaker × topic"]

view = current()
corpus, sel = view.corpus, view.sel
st.title("Similarity heatmaps")
links.slot()

if view.count == 0:
    st.info("No statement matches the filters in the sidebar. Widen them to see results.")
else:
    c1, c2 = st.columns([2, 1])
    links.check_options(P.HM_MODE, MODES, "Matrix")
    mode = c1.radio("Matrix", MODES, key=P.HM_MODE, bind="query-params", horizontal=True)
    links.check_number(P.CORPUS_MAX, 2, 60, "Speakers", 20)
    top = c2.number_input(
        "Speakers (most statements)", min_value=2, max_value=60, value=20, key=P.CORPUS_MAX, bind="query-params"
    )
    counts = corpus.counts_by(view.mask, S.SPEAKER).set_index(S.SPEAKER)["statements"]  # most first
    speakers = sel.speakers or counts.index[: int(top)].tolist()
    ticks = [f"{s} ({int(counts.get(s, 0)):,})" for s in speakers]
    if mode == MODES[0]:
        matrix, _ = corpus.pair_similarity_matrix(sel, speakers)
        st.plotly_chart(
            heatmap_figure(matrix, title="Speaker × speaker, all kept topics", row_ticks=ticks, col_ticks=ticks),
            width="stretch",
            key="chm_ss",
        )
        st.caption(
            "Mean similarity of two speakers' statements taken two at a time (exact, from summed vectors); the diagonal compares a speaker's statements with one another."
        )
    else:
        sim, _ = corpus.topic_closeness(sel, speakers)
        st.plotly_chart(
            heatmap_figure(sim, title="Each speaker against everyone else, per topic", row_ticks=ticks),
            width="stretch",
            key="chm_st",
        )
        st.caption(
            "The cosine of a speaker's average statement on a topic to the average of every other speaker the filters keep "
            "there: high means they talk about the topic the way others do. Empty: no statement on the topic."
        )
