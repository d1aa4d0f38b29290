"""The app on a corpus folder too large for memory (``STANCE_EXPLORER_CORPUS=DIR``).

The operator chooses the folder (built by ``python -m stance_explorer corpus``); a visitor cannot.
No row-level frame is ever loaded: the sidebar and every figure read the per speaker x topic x
month sums (:mod:`stance_explorer.scale.corpus`), and the statements a page shows are read from Parquet
through DuckDB, only the rows shown. The corpus is opened once per process (``cache_resource``)
and read-only, so visitors share it without sharing anything of their own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from stance_explorer.scale.corpus import Corpus, CorpusError, Selection, month_label
from webapp import links
from webapp import params as P

CORPUS_ENV = "STANCE_EXPLORER_CORPUS"


def corpus_dir() -> Path | None:
    """The corpus folder the operator set, or None for the ordinary app."""
    value = os.environ.get(CORPUS_ENV, "").strip()
    return Path(value).expanduser() if value else None


@st.cache_resource(show_spinner="Opening the corpus…")
def open_corpus(path: str) -> Corpus:
    return Corpus(path)


@dataclass
class CorpusView:
    """The corpus and what the sidebar keeps: pages read this, nothing else."""

    corpus: Corpus
    sel: Selection
    mask: np.ndarray

    @property
    def count(self) -> int:
        return self.corpus.count(self.mask)


def pages(here: Path) -> list:
    return [
        st.Page(
            here / "app_pages/corpus/explore.py",
            title="Explore",
            icon=":material/search:",
            url_path="explore",
            default=True,
        ),
        st.Page(
            here / "app_pages/corpus/compare.py",
            title="Compare speakers",
            icon=":material/compare_arrows:",
            url_path="compare",
        ),
        st.Page(
            here / "app_pages/corpus/heatmaps.py",
            title="Similarity heatmaps",
            icon=":material/grid_on:",
            url_path="heatmaps",
        ),
        st.Page(here / "app_pages/corpus/drift.py", title="Drift", icon=":material/timeline:", url_path="tracker"),
    ]


def sidebar(path: Path) -> CorpusView | None:
    """Open the corpus and draw its filters; on a corpus that cannot be opened, say why and stop."""
    sb = st.sidebar
    try:
        corpus = open_corpus(str(path))
    except CorpusError as exc:
        st.error(str(exc), icon=":material/error:")
        return None
    sb.caption(f"Corpus: {corpus.statements:,} statements, {len(corpus.speakers):,} speakers")
    speakers = corpus.speaker_names()
    links.check_options(P.SPEAKERS, speakers, "Speakers", multi=True)
    sel_speakers = sb.multiselect("Speakers", speakers, key=P.SPEAKERS, bind="query-params", placeholder="All speakers")
    topics = corpus.topic_names()
    links.check_options(P.TOPICS, topics, "Topics", multi=True)
    sel_topics = sb.multiselect("Topics", topics, key=P.TOPICS, bind="query-params", placeholder="All topics")
    lo, hi = corpus.months
    first = last = None
    if lo < hi:
        months = [month_label(m) for m in range(lo, hi + 1)]
        links.check_options(P.MONTHS, months, "Months", multi=True)
        # A range slider needs its range value every run (without it, it turns into a one-value slider).
        a, b = sb.select_slider("Months", months, value=(months[0], months[-1]), key=P.MONTHS, bind="query-params")
        first, last = lo + months.index(a), lo + months.index(b)
    sel = Selection(sel_speakers, sel_topics, first, last)
    view = CorpusView(corpus, sel, corpus.mask(sel))
    sb.metric("Statements kept by the filters", f"{view.count:,}", help=f"Of {corpus.statements:,} in the corpus.")
    st.session_state["_corpus_view"] = view
    return view


def current() -> CorpusView:
    return st.session_state["_corpus_view"]


def rows_or_message(call, *args, **kwargs):
    """The rows a DuckDB query returns, or None after saying why they cannot be read."""
    try:
        return call(*args, **kwargs)
    except CorpusError as exc:
        st.warning(str(exc), icon=":material/database:")
        return None
