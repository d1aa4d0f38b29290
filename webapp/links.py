"""Say which values of a shared link do not fit the data, instead of dropping them silently.

A widget bound to a query parameter reads the URL once, when it is first created. Streamlit then
drops a value that is not among the widget's options (a speaker filtered out, a topic the data
does not have) and resets a number or date range that is out of bounds, without a word. Someone
who opened a colleague's link would see a different view and not know it. So, just before a bound
widget is first created, the page checks the link's values against the widget's options. Each
mismatch becomes a note shown at the top of the page. A date range that reaches beyond the data is
kept (the slider is widened to hold it) instead of being reset, so the view matches the link.

Notes last for the page visit: they are cleared when the visitor moves to another page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import streamlit as st

from webapp.params import DATES
from webapp.text import escape_markdown

_NOTES = "_link_notes"  # {"page": url_path, "notes": [str, ...]}
_SLOT = "_link_notes_slot"
_EXTENT = "_link_date_extent"  # a link's date range that reaches beyond the data
_MAX_SHOWN = 5  # values named per note; a long list is cut with a count


def begin_run(page_path: str) -> None:
    """Start of every run: keep this page visit's notes, forget another page's."""
    state = st.session_state.get(_NOTES)
    if not state or state["page"] != page_path:
        st.session_state[_NOTES] = {"page": page_path, "notes": []}


def notes() -> list[str]:
    state = st.session_state.get(_NOTES)
    return list(state["notes"]) if state else []


def _add(note: str) -> None:
    state = st.session_state.setdefault(_NOTES, {"page": "", "notes": []})
    if note not in state["notes"]:
        state["notes"].append(note)


def incoming(key: str) -> list[str] | None:
    """The link's values for a bound widget that has not been created yet, else None.

    Once the widget exists, the URL only mirrors it, so there is nothing to check.
    """
    if key in st.session_state or key not in st.query_params:
        return None
    return st.query_params.get_all(key)


def _quoted(value: str, limit: int = 80) -> str:
    """A link value as inert text: anyone can craft a link, so its values are never markup."""
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    return f"“{escape_markdown(value)}”"


def _names(values: Sequence[str]) -> str:
    shown = [_quoted(v) for v in values[:_MAX_SHOWN]]
    more = len(values) - len(shown)
    return ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")


def check_options(key: str, options: Iterable[object], label: str, *, multi: bool = False) -> None:
    """Note the link's values for ``key`` that are not among ``options``.

    ``multi``: a multiselect keeps the values that fit and leaves the others out; a single choice
    falls back to its default.
    """
    raw = incoming(key)
    if not raw:
        return
    known = {str(o) for o in options}
    bad = [v for v in raw if v not in known]
    if not bad:
        return
    one = len(bad) == 1
    outcome = "left out" if multi else "replaced by the default"
    _add(
        f"{label}: {_names(bad)} {'is' if one else 'are'} not among the choices here, so {'it was' if one else 'they were'} {outcome}."
    )


def report(label: str, value: str, outcome: str) -> None:
    """Note a link value that names something this data does not have."""
    _add(f"{label}: {_quoted(value)} {outcome}.")


def check_number(key: str, lo: float, hi: float, label: str, default: float) -> None:
    """Note a link value for a number input that is not a number between ``lo`` and ``hi``."""
    raw = incoming(key)
    if not raw:
        return
    try:
        value = float(raw[-1])
    except ValueError:
        value = None
    if value is None or not lo <= value <= hi:
        _add(
            f"{label}: {_quoted(raw[-1])} is not a number from {lo:g} to {hi:g}, so the default ({default:g}) is shown."
        )


def date_extent(lo: dt.date, hi: dt.date, label: str = "Dates") -> tuple[dt.date, dt.date]:
    """The span the dates slider must cover: the data's, widened to a link's range that goes beyond it.

    Streamlit would reset such a range to the full one. But a range reaching past the data is a
    fair filter (it was made on data that went further, or by hand), so the slider is widened to
    hold it and the view stays the one shared; a note says the data does not reach that far. The
    widened span lasts for the session, so the slider keeps its value on later runs. A value that
    is not two dates gets a note, and Streamlit's reset to the full range.
    """
    raw = incoming(DATES)
    if raw:
        try:
            start, end = sorted(dt.date.fromisoformat(v) for v in raw)  # not two dates: ValueError
        except ValueError:
            _add(
                f"{label}: {_quoted(' to '.join(raw))} is not a range of two dates (YYYY-MM-DD), so the full range is shown."
            )
        else:
            if start < lo or end > hi:
                span = f"{lo:%Y-%m-%d} to {hi:%Y-%m-%d}"
                outcome = "none of them falls in it" if end < lo or start > hi else "the range is kept as it is"
                _add(
                    f"{label}: {start:%Y-%m-%d} to {end:%Y-%m-%d} reaches beyond the statements here ({span}); {outcome}."
                )
                st.session_state[_EXTENT] = (start, end)
    ext = st.session_state.get(_EXTENT)
    return (min(lo, ext[0]), max(hi, ext[1])) if ext else (lo, hi)


def slot() -> None:
    """Reserve the place where this run's notes appear (under a page's title)."""
    st.session_state[_SLOT] = st.container()


def render() -> None:
    """End of every run: write the notes into the reserved place."""
    box = st.session_state.pop(_SLOT, None)
    found = notes()
    if box is None or not found:
        return
    with box:
        st.info(
            "**Some settings in this link do not fit the data, so the view differs from the one shared.**\n\n"
            + "\n".join(f"- {n}" for n in found),
            icon=":material/link:",
        )
