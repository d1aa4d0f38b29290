"""Drift in a corpus folder: how much a speaker's statements move from one period to the next."""

from __future__ import annotations

import streamlit as st

from stance_explorer import schema as S
from stance_explorer.figures.timelines import drift_figure
from webapp import links
from webapp import params as P
from webapp.corpusview import current, rows_or_message
from webapp.widgets import bound_select

WINDOWS = {"year": "Y", "half-year": "6M", "quarter": "Q"}
ALL_TOPICS = "all topics"

view = current()
corpus, sel = view.corpus, view.sel
st.title("Drift: how a speaker's statements move")
st.caption(
    "Each bar compares a speaker's average statement in one period with the previous period that has statements, "
    "from the corpus's monthly sums. The two largest shifts are flagged in red, whatever their size."
)
links.slot()

speakers = corpus.counts_by(view.mask, S.SPEAKER)[S.SPEAKER].tolist()
if not speakers:
    st.info("No statement matches the filters in the sidebar. Widen them to see results.")
else:
    c1, c2, c3 = st.columns([2, 2, 1])
    speaker = bound_select(
        c1,
        "Speaker",
        speakers,
        key=P.DRIFT_SPEAKER,
        fallback=speakers[0],
        why="most statements",
        link_label="Drift speaker",
    )
    topic_options = [ALL_TOPICS] + corpus.counts_by(corpus.mask(sel, speakers=[speaker]), S.TOPIC)[S.TOPIC].tolist()
    topic = bound_select(
        c2, "Topic", topic_options, key=P.DRIFT_TOPIC, fallback=ALL_TOPICS, why="default", link_label="Drift topic"
    )
    links.check_options(P.DRIFT_WINDOW, WINDOWS, "Period")
    window = c3.selectbox("Period", list(WINDOWS), key=P.DRIFT_WINDOW, bind="query-params")
    t = None if topic == ALL_TOPICS else topic
    shifts = corpus.drift(sel, speaker, topic=t, freq=WINDOWS[window])
    if len(shifts) < 2:
        st.info(f"{speaker} has statements in fewer than two {window} periods here, so there is no shift to show.")
    else:
        examples = rows_or_message(corpus.window_examples, sel, speaker, topic=t, freq=WINDOWS[window])
        quotes = dict(zip(examples["window"], examples[S.TEXT])) if examples is not None else {}
        shifts["representative"] = shifts["window"].map(quotes).fillna("")
        st.plotly_chart(
            drift_figure(shifts, speaker=speaker, topic=t, example="Newest full quote"), width="stretch", key="cdrift"
        )
        table = shifts[["window", "count", "similarity_to_previous", "shift_rank", "representative"]].rename(
            columns={
                "window": "Period",
                "count": "Statements",
                "similarity_to_previous": "Similarity to previous",
                "shift_rank": "Shift rank",
                "representative": "Newest full quote of the period",
            }
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            placeholder="–",
            column_config={"Similarity to previous": st.column_config.NumberColumn(format="%.3f")},
        )
