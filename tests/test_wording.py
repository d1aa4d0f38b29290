"""Counts in words (stance_explorer/wording.py): one of a thing is singular on every page."""

from __future__ import annotations

from stance_explorer.wording import counted, plural, the_best_matches, these_results


def test_one_is_singular_and_every_other_count_plural():
    assert counted(1, "statement") == "1 statement"
    assert counted(0, "statement") == "0 statements"
    assert counted(1234, "statement") == "1,234 statements"
    assert counted(1, "best match", "best matches") == "1 best match"
    assert plural(2, "match", "matches") == "matches"


def test_search_results_are_worded_for_one_and_for_many():
    assert the_best_matches(1) == "The best match"
    assert the_best_matches(5) == "The 5 best matches"
    assert these_results(1) == "this result"
    assert these_results(12) == "these 12 results"
