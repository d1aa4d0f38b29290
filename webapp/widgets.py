"""URL-bound choice widgets whose default never depends on the data.

Streamlit leaves a bound widget's value out of the URL while it equals the widget's default. When
that default is taken from the data (the first topic of a list ordered by count under the current
filters, the first row of a matrix, a speaker who may be filtered out), the value a reader picked
is left out of the link whenever it happened to be the default at the moment of picking. Change a
filter afterwards and the page still shows the pick, but the link does not carry it: whoever opens
the link sees another view.

So a bound select box here has a default that no data can move: nothing picked (``None``). Any
pick therefore differs from the default and is written to the link. With nothing picked, the page
shows a fallback it computes from the data, names it in the box's placeholder, and a link without
the parameter recomputes that same fallback from the same data and filters, which the link carries.

Multiselects need nothing of this: their default is the empty list, which does not depend on the
data either. ``tests/test_app_widget_defaults.py`` checks every page for bound choices whose default
moves with the filters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from webapp import links

T = TypeVar("T")


def bound_select(
    where: Any,
    label: str,
    options: Sequence[T],
    *,
    key: str,
    fallback: T,
    why: str,
    link_label: str | None = None,
    **kwargs: Any,
) -> T:
    """A select box bound to the query parameter ``key``; returns the pick, or ``fallback``.

    ``fallback`` is what the page shows while nothing is picked (it must be one of ``options``);
    ``why`` says in a few words how it was chosen ("most statements"), shown in the placeholder.
    ``link_label`` names the setting in a note about a link value that does not fit (default: label).
    """
    options = list(options)
    links.check_options(key, options, link_label or label)
    picked = where.selectbox(
        label, options, index=None, key=key, bind="query-params", placeholder=f"{fallback} ({why})", **kwargs
    )
    return fallback if picked is None else picked
