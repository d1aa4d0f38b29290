"""Explore: what the data holds, a filterable table with sources, and semantic search."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from stance_explorer import schema as S
from stance_explorer import summaries as SM
from stance_explorer.analysis.tables import counts_by, counts_by_year, newest_first
from stance_explorer.export import safe_csv_bytes, statements_for_export
from stance_explorer.search import example_hint, parse_query
from stance_explorer.wording import counted, the_best_matches, these_results
from webapp import links, statement
from webapp import params as P
from webapp.render import chart_summary, language_caveat, statements_table
from webapp.search import run_search
from webapp.shell import empty_guard, notice
from webapp.state import current_view

MAX_TABLE_ROWS = 5000


def download(frame: pd.DataFrame, file_name: str, label: str) -> None:
    """A formula-safe CSV of these statements with every column, built only when clicked."""
    st.download_button(
        label,
        data=lambda: safe_csv_bytes(statements_for_export(frame)),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        help="Every column, sources included. Cells that start with =, +, - or @ get a leading apostrophe, "
        "so spreadsheets show them as text instead of running them as formulas.",
    )


view = current_view()
st.title("Who says what, and how has it changed?")
st.caption(
    "Statements by officials on the USMCA, tariffs, security and migration. Filter in the sidebar, "
    "search by meaning below, or pick a page on the left to compare speakers and trace positions over time."
)
notice(view)

frame = view.kept
m1, m2, m3, m4 = st.columns(4)
m1.metric("Statements", f"{len(frame):,}")
m2.metric("Speakers", frame[S.SPEAKER].nunique())
m3.metric("Topics", frame[S.TOPIC].nunique())
m4.metric("Years", f"{frame[S.DATE].min():%Y}–{frame[S.DATE].max():%Y}" if len(frame) else "–")

if not empty_guard(view):
    st.subheader("Search by meaning and words")
    c1, c2 = st.columns([5, 1])
    query = c1.text_input(
        "Statements like…, or words they contain",
        key=P.QUERY,
        bind="query-params",
        placeholder=example_hint(),
        help="Ranks statements by meaning (close to this phrase) and by the words themselves, and merges the two "
        "rankings. Put a phrase in double quotes to keep only statements that contain it word for word "
        "(case, spacing and hyphens aside: “rubber stamp” finds “rubberstamp”).",
    )
    links.check_number(P.TOP_K, 1, 100, "Results", 10)
    k = c2.number_input("Results", min_value=1, max_value=100, value=10, key=P.TOP_K, bind="query-params")
    if query.strip():
        hits, msg = run_search(view, query, int(k))
        if msg:
            st.warning(msg)
        if hits.empty:
            st.info(
                "No statement the filters keep matches this search"
                + (" (a phrase in double quotes must appear word for word)." if parse_query(query).phrases else ".")
            )
        else:
            st.caption(
                f"{the_best_matches(len(hits))} for “{query.strip()[:80]}” among {len(view.frame):,}, by meaning and by "
                "the words themselves, in the order of Rank; “Matched by” says what placed each one there. "
                "Similarity is the cosine of sentence embeddings (meaning only), not agreement; "
                "“Words found” lists the words of the quote that match the search."
            )
            key = statement.picker_key("search_results")
            pick = partial(statement.pick_row, key, view.dataset.frame, view.dataset_rows(hits["row"]))
            statements_table(hits, score=True, key=key, on_select=pick)
            download(
                hits.drop(columns=["row", "words_score"]),
                "search_results.csv",
                f"Download {these_results(len(hits))} (CSV)",
            )
            language_caveat(view.frame, view.dataset.model_id)

    # Bars drawn inside tables: the first page then needs no chart library in the browser, which
    # keeps a cold start close to a bare Streamlit page (see benchmarks/cold_start.py).
    st.subheader("What the data holds")
    tables = (
        (S.SPEAKER, counts_by(frame, S.SPEAKER)),
        (S.TOPIC, counts_by(frame, S.TOPIC)),
        ("year", counts_by_year(frame)),
    )
    chart_summary(" ".join(SM.counts_summary(counts, column) for column, counts in tables), "counts")
    for col, (column, counts) in zip(st.columns([5, 4, 3]), tables):
        col.dataframe(
            counts,
            hide_index=True,
            width="stretch",
            height=min(420, 35 * len(counts) + 38),
            key=f"counts_{column}",
            column_config={
                column: st.column_config.TextColumn(column.capitalize()),
                "statements": st.column_config.ProgressColumn(
                    "Statements", min_value=0, max_value=int(counts["statements"].max()), format="%d"
                ),
            },
        )

    st.subheader("Statements")
    st.caption(
        "Newest first. Click a column header to sort, tick a row to open the statement with the ones "
        "closest to it; the Source column opens the page the quote was copied from."
    )
    if len(frame) > MAX_TABLE_ROWS:
        st.caption(f"Showing the newest {MAX_TABLE_ROWS:,} of {len(frame):,}; narrow the filters to see others.")
    shown = newest_first(frame, MAX_TABLE_ROWS)
    key = statement.picker_key("all_statements")
    pick = partial(statement.pick_row, key, view.dataset.frame, view.dataset_rows(shown))
    statements_table(shown, height=520, key=key, on_select=pick)
    download(frame, "statements.csv", f"Download the {counted(len(frame), 'statement')} the filters keep (CSV)")

statement.show_linked(view)
