"""Explore a corpus folder: counts from the aggregates, and the newest statements read from disk."""

from __future__ import annotations

import streamlit as st

from stance_explorer import schema as S
from webapp import links
from webapp import params as P
from webapp.corpusview import current, rows_or_message
from webapp.render import statements_table
from webapp.text import escape_markdown

PAGE_ROWS = 50

view = current()
corpus, sel = view.corpus, view.sel
st.title("Who says what, and how has it changed?")
st.caption(
    f"A corpus of {corpus.statements:,} statements, opened from its summaries: counts and similarities come from "
    "per speaker × topic × month sums, and only the statements shown are read from disk."
)
links.slot()

by_speaker = corpus.counts_by(view.mask, S.SPEAKER)
by_topic = corpus.counts_by(view.mask, S.TOPIC)
m1, m2, m3, m4 = st.columns(4)
m1.metric("Statements", f"{view.count:,}")
m2.metric("Speakers", f"{len(by_speaker):,}")
m3.metric("Topics", f"{len(by_topic):,}")
years = corpus.counts_by(view.mask, "year")
m4.metric("Years", f"{years['year'].iloc[-1]}–{years['year'].iloc[0]}" if len(years) else "–")

problems = corpus.problems
if len(problems):
    errors = int((problems["severity"] == "error").sum())
    rows_were = "1 row of the source files was" if errors == 1 else f"{errors:,} rows of the source files were"
    with st.expander(
        f"{rows_were} left out when this corpus was built ({len(problems):,} problems in all)",
        icon=":material/warning:",
    ):
        st.dataframe(problems, hide_index=True, width="stretch")

if view.count == 0:
    st.info("No statement matches the filters in the sidebar. Widen them to see results.")
else:
    c1, c2, c3 = st.columns([2, 2, 1])
    height = 300 if max(len(by_speaker), len(by_topic), len(years)) > 8 else "auto"  # no empty rows under a short list
    c1.caption("Speakers, most statements first" + (" (the first 500)" if len(by_speaker) > 500 else ""))
    c1.dataframe(by_speaker.head(500), hide_index=True, width="stretch", height=height)
    c2.caption("Topics")
    c2.dataframe(by_topic, hide_index=True, width="stretch", height=height)
    c3.caption("Years")
    c3.dataframe(years, hide_index=True, width="stretch", height=height)

    st.subheader("Statements, newest first")
    c1, c2 = st.columns([4, 1])
    contains = c1.text_input(
        "Quote contains",
        key=P.CONTAINS,
        bind="query-params",
        placeholder="words the quote contains, e.g. irrelevant",
        help="Keeps statements whose text contains these characters (any case). Search by meaning needs the model and is "
        "not offered on a corpus this size; the CLI's `similar` searches it through the index.",
    ).strip()
    total = rows_or_message(corpus.count_rows, sel, contains=contains or None)
    if total is not None:
        pages = max(1, -(-total // PAGE_ROWS))
        links.check_number(P.PAGE, 1, pages, "Page", 1)
        page = c2.number_input(
            f"Page (of {pages:,})", min_value=1, max_value=pages, value=1, key=P.PAGE, bind="query-params"
        )
        rows = rows_or_message(
            corpus.rows, sel, contains=contains or None, limit=PAGE_ROWS, offset=(int(page) - 1) * PAGE_ROWS
        )
        if rows is not None:
            st.caption(
                f"{total:,} statements{' contain “' + escape_markdown(contains) + '”' if contains else ''}; showing {len(rows)} from number {(int(page) - 1) * PAGE_ROWS + 1:,}."
            )
            statements_table(rows)
