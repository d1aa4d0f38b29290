"""Counts in words: "1 statement", "2 statements", "1,234 statements", never "1 results".

Pure functions, shared by the pages and the CLI, so every count on screen agrees in number.
"""

from __future__ import annotations


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """The noun that goes with ``n``: ``singular`` for exactly one, else the plural.

    Args:
        n: The count.
        singular: The noun for one ("statement", "best match").
        plural_form: The noun for any other count; None adds "s" ("statements").

    Returns:
        The noun alone, without the number.
    """
    if n == 1:
        return singular
    return plural_form if plural_form is not None else singular + "s"


def counted(n: int, singular: str, plural_form: str | None = None) -> str:
    """The count and its noun: "1 statement", "0 statements", "1,234 statements".

    Args:
        n: The count.
        singular: The noun for one.
        plural_form: The noun for any other count; None adds "s".

    Returns:
        The number with thousands separators, a space and the noun.
    """
    return f"{n:,} {plural(n, singular, plural_form)}"


def the_best_matches(n: int) -> str:
    """ "The best match" for one search result, "The 5 best matches" for more."""
    return "The best match" if n == 1 else f"The {n:,} best matches"


def these_results(n: int) -> str:
    """ "this result" for one, "these 5 results" for more: what a download button offers."""
    return "this result" if n == 1 else f"these {n:,} results"
