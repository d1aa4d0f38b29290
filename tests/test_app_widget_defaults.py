"""A share link carries every choice that differs from a default the data cannot move.

Streamlit leaves a URL-bound widget's value out of the link while it equals the widget's default.
If that default follows the data (the first topic by count under the filters), a value picked while
it was the default never reaches the link, and the link later opens another view (issue 16, point 1).
So every bound choice widget on every page must have the same default whatever the filters keep:
nothing picked, or one fixed value (webapp/widgets.py). The browser twin of this check is
tests/e2e/test_share_links.py::test_every_bound_choice_survives_a_filter_change.
"""

from __future__ import annotations

import pytest
from apptest_helpers import COMPARE, EXPLORE, HEATMAPS, TRACKER, bundled_frame, open_page, shown_choice

# Filter states that reorder topics and speakers, drop Donald Trump, and change every matrix.
FILTERS = [
    {},
    {"dates": ["2024-12-17", "2026-02-13"]},
    {"speakers": ["Claudia Sheinbaum", "Mark Carney"]},
    {"topics": ["tariffs", "migration"], "dates": ["2025-01-01", "2026-02-13"]},
]
PAGES = [
    (EXPLORE, {}),
    (COMPARE, {}),
    (HEATMAPS, {"mode": "speaker × speaker"}),
    (HEATMAPS, {"mode": "speaker × topic"}),
    (HEATMAPS, {"mode": "statement × statement"}),
    (TRACKER, {}),
    ("map", {}),
    ("stance", {}),
]


def bound_defaults(at) -> dict[str, object]:
    """Each URL-bound choice widget's default, by query parameter: an option, a list, or None."""
    found: dict[str, object] = {}
    for kind in ("selectbox", "radio", "multiselect"):
        for widget in getattr(at, kind):
            proto = widget.proto
            if not proto.query_param_key:
                continue
            options = list(proto.options)
            if kind == "multiselect":
                found[proto.query_param_key] = [options[i] for i in proto.default]
            else:
                has_default = (
                    proto.HasField("default") if proto.DESCRIPTOR.fields_by_name["default"].has_presence else True
                )
                found[proto.query_param_key] = options[proto.default] if has_default and options else None
    return found


@pytest.mark.parametrize("page, page_params", PAGES, ids=lambda p: p if isinstance(p, str) else "-".join(p.values()))
def test_no_bound_choice_has_a_default_that_follows_the_filters(page, page_params):
    seen: dict[str, set] = {}
    for filters in FILTERS:
        at = open_page(page, {**filters, **page_params})
        assert not at.exception
        for key, default in bound_defaults(at).items():
            seen.setdefault(key, set()).add(repr(default))
    moving = {key: values for key, values in seen.items() if len(values) > 1}
    assert not moving, f"bound widgets whose default changes with the filters: {moving}"
    assert seen, "the page has bound choice widgets to check"


def test_a_pick_equal_to_the_fallback_stays_a_pick():
    """The repro of issue 16: under narrowed dates, pick the first topic, then widen the dates.

    The pick differs from the widget's default (nothing picked), so Streamlit writes it to the URL
    (AppTest does not model the address bar; the browser test checks the link itself), and the page
    keeps showing it after the dates widen, although another topic then leads.
    """
    at = open_page(COMPARE, {"dates": ["2024-12-17", "2026-02-13"]})
    first = at.selectbox(key="topic").options[0]
    at.selectbox(key="topic").set_value(first).run()
    frame = bundled_frame()
    at.sidebar.slider(key="dates").set_value((frame["date"].min().date(), frame["date"].max().date())).run()
    assert at.selectbox(key="topic").value == first  # a pick, not the default
    assert at.selectbox(key="topic").options[0] != first  # under the full range another topic leads
    assert shown_choice(at, "topic") == first
    # A link carrying the pick reopens it under the full range.
    again = open_page(COMPARE, {"topic": first})
    assert shown_choice(again, "topic") == first
