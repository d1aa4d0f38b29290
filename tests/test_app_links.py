"""Shared links whose values do not fit the data: the page says what changed instead of silently
showing a different view (webapp/links.py)."""

from __future__ import annotations

import datetime as dt
import re

from apptest_helpers import N_BUNDLED, bundled_frame, main_metrics, open_page, shown_choice, sidebar_kept, unescape

HEADLINE = "Some settings in this link do not fit the data"


def link_notes(at) -> list[str]:
    """The bullet lines of the link note under the page title (empty when there is none)."""
    found = [i.value for i in at.main.info if i.value.startswith(f"**{HEADLINE}")]
    assert len(found) <= 1, found
    if not found:
        return []
    return [unescape(line[2:]) for line in found[0].splitlines() if line.startswith("- ")]


def test_a_link_that_fits_gets_no_note():
    at = open_page(
        params={"speakers": ["Donald Trump"], "topics": ["tariffs"], "dates": ["2020-01-01", "2025-12-31"], "k": "5"}
    )
    assert link_notes(at) == []
    assert at.sidebar.slider(key="dates").value == (dt.date(2020, 1, 1), dt.date(2025, 12, 31))


def test_unknown_speakers_are_named_and_the_known_one_kept():
    at = open_page(params={"speakers": ["Nobody Atall", "Donald Trump"]})
    assert at.sidebar.multiselect(key="speakers").value == ["Donald Trump"]
    frame = bundled_frame()
    assert sidebar_kept(at) == f"{(frame['speaker'] == 'Donald Trump').sum()} of {N_BUNDLED}"
    (note,) = link_notes(at)
    assert note.startswith("Speakers: “Nobody Atall” is not among the choices here")
    assert "left out" in note


def test_link_values_are_shown_as_text_not_markup():
    evil = "[click me](javascript:alert(1)) **bold** <img src=x onerror=alert(1)>"
    at = open_page(params={"topics": [evil]})
    raw = [i.value for i in at.main.info if i.value.startswith(f"**{HEADLINE}")][0]
    # Every markdown/HTML character from the link arrives backslash-escaped: no link, no bold, no tag.
    assert "\\[click me\\]\\(javascript\\:" in raw
    assert "\\<img" in raw and "\\*\\*bold\\*\\*" in raw
    assert not re.search(r"(?<!\\)[<\[]", raw.split("\n", 1)[1]), raw  # no unescaped < or [ after the headline
    (note,) = link_notes(at)
    assert evil in note


def test_a_long_list_of_unknown_values_is_cut_with_a_count():
    at = open_page(params={"speakers": [f"Speaker {i}" for i in range(12)]})
    (note,) = link_notes(at)
    assert "and 7 more" in note
    assert "Speaker 11" not in note


def test_a_date_range_reaching_before_the_data_is_kept_and_said():
    frame = bundled_frame()
    first = frame["date"].min().date()
    at = open_page(params={"dates": ["2010-01-01", "2020-06-30"]})
    slider = at.sidebar.slider(key="dates")
    assert slider.value == (dt.date(2010, 1, 1), dt.date(2020, 6, 30))  # not reset by Streamlit
    assert slider.value[0] < first  # the slider was widened to hold the link's start
    kept = (frame["date"] <= "2020-06-30").sum()
    assert main_metrics(at)["Statements"] == str(kept)
    (note,) = link_notes(at)
    assert note.startswith(f"Dates: 2010-01-01 to 2020-06-30 reaches beyond the statements here ({first:%Y-%m-%d} to")
    assert note.endswith("the range is kept as it is.")
    # Later runs keep the widened slider and the link's range.
    at.sidebar.multiselect(key="topics").select("tariffs").run()
    assert at.sidebar.slider(key="dates").value == (dt.date(2010, 1, 1), dt.date(2020, 6, 30))


def test_a_date_range_wholly_outside_the_data_keeps_nothing_and_says_why():
    at = open_page(params={"dates": ["2001-01-01", "2002-01-01"]})
    assert main_metrics(at)["Statements"] == "0"
    assert any("No statement matches the filters" in i.value for i in at.main.info)
    (note,) = link_notes(at)
    assert note.startswith("Dates: 2001-01-01 to 2002-01-01 reaches beyond the statements here")
    assert note.endswith("none of them falls in it.")


def test_a_broken_date_range_is_said():
    at = open_page(params={"dates": ["next week"]})
    assert main_metrics(at)["Statements"] == str(N_BUNDLED)
    (note,) = link_notes(at)
    assert note.startswith("Dates: “next week” is not a range of two dates")


def test_a_result_count_out_of_bounds_is_said():
    at = open_page(params={"k": "500"})
    assert at.number_input(key="k").value == 10
    assert link_notes(at) == ["Results: “500” is not a number from 1 to 100, so the default (10) is shown."]


def test_page_settings_are_checked_too():
    at = open_page("compare", {"topic": "no such topic", "who": ["Donald Trump", "Mark Carney", "Someone Else"]})
    assert at.multiselect(key="who").value == ["Donald Trump", "Mark Carney"]
    notes = link_notes(at)
    assert any(n.startswith("Topic: “no such topic”") and "replaced by the default" in n for n in notes)
    assert any(n.startswith("Speakers: “Someone Else”") for n in notes)

    at = open_page("tracker", {"dspk": "Nobody Atall", "win": "decade"})
    assert shown_choice(at, "dspk") == "Donald Trump"  # the default
    assert [n.split(":")[0] for n in link_notes(at)] == ["Drift speaker", "Period"]


def test_the_note_stays_while_on_the_page_and_goes_with_it():
    at = open_page(params={"speakers": ["Nobody Atall"]})
    assert link_notes(at)
    at.sidebar.multiselect(key="topics").select("tariffs").run()  # another change on the same page
    assert link_notes(at), "the note lasts for the page visit"
    at.switch_page("app_pages/compare.py").run()
    assert link_notes(at) == []
