"""The Explore page's views: what the data holds (counts, their tables and summary in words), the
search results with their captions, and the table of statements the filters keep."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from stance_explorer import schema as S
from stance_explorer.analysis.tables import counts_by, counts_by_year, newest_first
from stance_explorer.export import safe_csv_bytes, statements_for_export
from stance_explorer.search import example_hint, parse_query
from stance_explorer.summaries import counts_summary
from stance_explorer.wording import counted, the_best_matches, these_results

#: Rows of the statements table; the page says when there are more.
MAX_TABLE_ROWS = 5000
INTRO = (
    "Statements by officials on the USMCA, tariffs, security and migration. Filter in the sidebar, "
    "search by meaning below, or pick a page on the left to compare speakers and trace positions over time."
)
SEARCH_HELP = (
    "Ranks statements by meaning (close to this phrase) and by the words themselves, and merges the two "
    "rankings. Put a phrase in double quotes to keep only statements that contain it word for word "
    "(case, spacing and hyphens aside: “rubber stamp” finds “rubberstamp”)."
)
DOWNLOAD_HELP = (
    "Every column, sources included. Cells that start with =, +, - or @ get a leading apostrophe, "
    "so spreadsheets show them as text instead of running them as formulas."
)
TABLE_CAPTION = (
    "Newest first. Click a column header to sort, tick a row to open the statement with the ones "
    "closest to it; the Source column opens the page the quote was copied from."
)


def search_placeholder() -> str:
    """The search box's placeholder: example searches that find something in the bundled data."""
    return example_hint()


def export_csv(frame: pd.DataFrame) -> bytes:
    """These statements with every column, formula-safe: what each download of the page gives."""
    return safe_csv_bytes(statements_for_export(frame))


def metrics(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """The page's four numbers over the statements the filters keep: (label, value)."""
    years = f"{frame[S.DATE].min():%Y}–{frame[S.DATE].max():%Y}" if len(frame) else "–"
    return [
        ("Statements", f"{len(frame):,}"),
        ("Speakers", f"{frame[S.SPEAKER].nunique()}"),
        ("Topics", f"{frame[S.TOPIC].nunique()}"),
        ("Years", years),
    ]


@dataclass
class Holdings:
    """What the data holds: counts by speaker, topic and year, and their summary in words."""

    tables: list[tuple[str, pd.DataFrame]]
    summary: str


def holdings(frame: pd.DataFrame) -> Holdings:
    tables = [
        (S.SPEAKER, counts_by(frame, S.SPEAKER)),
        (S.TOPIC, counts_by(frame, S.TOPIC)),
        ("year", counts_by_year(frame)),
    ]
    return Holdings(tables, " ".join(counts_summary(counts, column) for column, counts in tables))


@dataclass
class SearchShown:
    """What the page shows for a search: a warning from the search, a message when nothing matched,
    or the results with their caption and download."""

    results: pd.DataFrame
    warning: str | None = None
    message: str | None = None
    caption: str | None = None

    @property
    def download(self) -> pd.DataFrame:
        return self.results.drop(columns=["row", "words_score"], errors="ignore")

    @property
    def download_label(self) -> str:
        return f"Download {these_results(len(self.results))} (CSV)"


def search_shown(query: str, hits: pd.DataFrame, warning: str | None, searched: int) -> SearchShown:
    """The results of ``query`` (``hits`` from ``webapp.search.run_search``) among ``searched`` statements."""
    if hits.empty:
        phrase = " (a phrase in double quotes must appear word for word)." if parse_query(query).phrases else "."
        return SearchShown(hits, warning, message="No statement the filters keep matches this search" + phrase)
    caption = (
        f"{the_best_matches(len(hits))} for “{query.strip()[:80]}” among {searched:,}, by meaning and by "
        "the words themselves, in the order of Rank; “Matched by” says what placed each one there. "
        "Similarity is the cosine of sentence embeddings (meaning only), not agreement; "
        "“Words found” lists the words of the quote that match the search."
    )
    return SearchShown(hits, warning, caption=caption)


@dataclass
class Statements:
    """The statements table: the newest ``MAX_TABLE_ROWS`` the filters keep, and what is cut."""

    shown: pd.DataFrame
    cut: str | None
    download_label: str
    caption: str = TABLE_CAPTION


def statements(frame: pd.DataFrame) -> Statements:
    cut = None
    if len(frame) > MAX_TABLE_ROWS:
        cut = f"Showing the newest {MAX_TABLE_ROWS:,} of {len(frame):,}; narrow the filters to see others."
    label = f"Download the {counted(len(frame), 'statement')} the filters keep (CSV)"
    return Statements(newest_first(frame, MAX_TABLE_ROWS), cut, label)
