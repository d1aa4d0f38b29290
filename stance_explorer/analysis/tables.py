"""Selecting and summing up a statements table: the filters, top speakers, other languages, newest first, counts and count labels."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from stance_explorer import schema as S


def filter_mask(
    frame: pd.DataFrame,
    *,
    speakers: list[str] | None = None,
    topics: list[str] | None = None,
    start: date | pd.Timestamp | None = None,
    end: date | pd.Timestamp | None = None,
    languages: list[str] | None = None,
) -> np.ndarray:
    """Boolean mask of the rows the filters keep. An empty or None list means "no filter".

    Args:
        frame: The statements table.
        speakers: Speakers to keep.
        topics: Topics to keep.
        start: First day kept; None keeps every earlier date.
        end: Last day kept (the whole day); None keeps every later date.
        languages: Language codes to keep.

    Returns:
        A boolean array, one entry per row of ``frame``.
    """
    mask = np.ones(len(frame), dtype=bool)
    if speakers:
        mask &= frame[S.SPEAKER].isin(speakers).to_numpy()
    if topics:
        mask &= frame[S.TOPIC].isin(topics).to_numpy()
    if languages:
        mask &= frame[S.LANGUAGE].isin(languages).to_numpy()
    dates = frame[S.DATE].to_numpy()
    if start is not None:
        mask &= dates >= np.datetime64(pd.Timestamp(start))
    if end is not None:
        # An end date includes that whole day.
        mask &= dates < np.datetime64(pd.Timestamp(end) + pd.Timedelta(days=1))
    return mask


def top_speakers(frame: pd.DataFrame, n: int) -> list[str]:
    """The n speakers with the most statements (ties broken by name).

    Args:
        frame: The statements table.
        n: How many speakers.

    Returns:
        Up to n speaker names, most statements first.
    """
    counts = frame[S.SPEAKER].value_counts()
    return sorted(counts.index, key=lambda s: (-counts[s], s))[:n]


#: A quote of fewer words than this is a fragment (the same rule as embed_text's partial quotes).
FULL_QUOTE_WORDS = 6


def full_quotes(frame: pd.DataFrame) -> np.ndarray:
    """True for statements that are not partial quotes and have at least FULL_QUOTE_WORDS words."""
    partial = (
        (frame[S.QUOTE_TYPE] == S.QUOTE_PARTIAL).to_numpy() if S.QUOTE_TYPE in frame else np.zeros(len(frame), bool)
    )
    n_words = frame[S.TEXT].astype(str).str.split().str.len().to_numpy()
    return ~partial & (n_words >= FULL_QUOTE_WORDS)


def other_languages(frame: pd.DataFrame, language: str = "en") -> pd.Series:
    """Statements per language code other than ``language`` (empty codes are unknown, not counted).

    An English-only model scores a statement in another language low against English text
    whatever it says, so pages use this to say when a comparison mixes languages.

    Args:
        frame: The statements table.
        language: The language code the model reads.

    Returns:
        Counts indexed by lower-case language code, most first.
    """
    codes = frame[S.LANGUAGE].astype(str).str.strip().str.lower()
    codes = codes[(codes != "") & (codes != language)]
    return codes.value_counts()


def newest_first(frame: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """Rows by date, newest first (stable), at most ``limit`` of them; argsort on int64 dates is fast.

    Args:
        frame: The statements table.
        limit: Most rows returned; None (or 0) for all.

    Returns:
        The rows of ``frame`` reordered, original index kept.
    """
    order = np.argsort(-frame[S.DATE].to_numpy().astype("datetime64[ns]").astype(np.int64), kind="stable")
    return frame.iloc[order[:limit] if limit else order]


def counts_by(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Statement counts per value of a column, most first.

    Args:
        frame: The statements table.
        column: The column counted.

    Returns:
        Columns ``column`` and ``statements``.
    """
    c = frame[column].value_counts().rename_axis(column).reset_index(name="statements")
    return c


def counts_by_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Statements per calendar year, newest first, with every year between the first and the last:
    a year with no statement shows 0 instead of disappearing from the table.

    Args:
        frame: The statements table.

    Returns:
        Columns year (a string) and statements.
    """
    if frame.empty:
        return pd.DataFrame({"year": pd.Series(dtype=str), "statements": pd.Series(dtype=int)})
    years = frame[S.DATE].dt.year.to_numpy()
    lo, hi = int(years.min()), int(years.max())
    counts = np.bincount(years - lo, minlength=hi - lo + 1)
    out = pd.DataFrame({"year": [str(y) for y in range(lo, hi + 1)], "statements": counts})
    return out.iloc[::-1].reset_index(drop=True)


def statement_labels(frame: pd.DataFrame) -> list[str]:
    """A distinct, readable name per statement row: "S190 · Donald Trump, 2026-01-29".

    Plain text (escaping is the figure's job), so a Row/Column box, the CSV and a link carry the id
    as written, "&" included. Ids are unique per file but not across merged files, and may be
    empty: the position then keeps labels distinct.

    Args:
        frame: The statements table (id, speaker, date).

    Returns:
        One label per row, in the frame's order.
    """
    ids = [sid if sid else f"#{i + 1}" for i, sid in enumerate(frame[S.ID].astype(str).tolist())]
    dates = frame[S.DATE].dt.strftime("%Y-%m-%d").tolist()
    labels = [f"{i} · {s}, {d}" for i, s, d in zip(ids, frame[S.SPEAKER].astype(str).tolist(), dates)]
    if len(set(labels)) < len(labels):
        labels = [f"{label} ({n + 1})" for n, label in enumerate(labels)]
    return labels


def count_labels(frame: pd.DataFrame, column: str, names: list[str], language: str = "en") -> list[str]:
    """Axis text for a matrix: each name with its number of statements, and how many of them are not
    in ``language`` ("Marcelo Ebrard (5, 3 not in en)"), since an English model scores those low.

    Args:
        frame: The statements table.
        column: The column the names are values of (speaker or topic).
        names: The names, in axis order.
        language: The language code the model reads.

    Returns:
        One label per name.
    """
    counts = frame[column].value_counts()
    codes = frame[S.LANGUAGE].astype(str).str.strip().str.lower()
    other = frame.loc[(codes != "") & (codes != language), column].value_counts()
    out = []
    for name in names:
        n, k = int(counts.get(name, 0)), int(other.get(name, 0))
        out.append(f"{name} ({n}" + (f", {k} not in {language}" if k else "") + ")")
    return out
