"""Helpers for the Streamlit AppTest suites (tests/test_app_*.py).

Not a conftest: import what you need, e.g. ``from apptest_helpers import open_page``.

How a view is seeded: the sidebar's widgets exist on every page and read their query parameters
only when they are first created, i.e. on the very first run (the default page, Explore). A page's
own widgets are created when that page first runs. So ``open_page`` sets the sidebar parameters
before the first run, then every parameter before the run that switches to the page, which is
what a browser opening a shared link does.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from devtools.server import REPO_ROOT
from webapp import params as P

APP = REPO_ROOT / "app.py"
TIMEOUT = 90

#: Query parameters owned by the shared sidebar (webapp/shell.py).
SIDEBAR_PARAMS = frozenset({P.DATASET, P.SPEAKERS, P.TOPICS, P.DATES, P.LANGUAGES, P.MODEL})

EXPLORE = "explore"
COMPARE = "compare"
HEATMAPS = "heatmaps"
TRACKER = "tracker"
DATA = "data"

# Bundled dataset facts the tests rely on, counted in one place.
from facts import N_BUNDLED, N_SPEAKERS, N_TOPICS  # noqa: E402,F401


def new_app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def open_page(page: str = EXPLORE, params: Mapping[str, Any] | None = None, *, at: AppTest | None = None) -> AppTest:
    """A fresh AppTest (or ``at``) showing ``page`` ("explore", "compare", ...) seeded with ``params``.

    Values are what the URL carries: a string, or a list of strings for a multiselect/range.
    """
    params = dict(params or {})
    if at is None:
        at = new_app()
        sidebar = {k: v for k, v in params.items() if k in SIDEBAR_PARAMS}
        if page == EXPLORE:
            at.query_params.update(params)
            at.run()
            assert_ok(at)
            return at
        at.query_params.update(sidebar)
        at.run()
        assert_ok(at)
    at.query_params.update(params)
    at.switch_page(f"app_pages/{page}.py").run()
    assert_ok(at)
    return at


def assert_ok(at: AppTest) -> None:
    """The run finished and raised nothing."""
    assert not at.exception, [e.value for e in at.exception]


def shown_choice(at: AppTest, key: str) -> str | None:
    """What a bound select box shows: the pick, or (nothing picked) the fallback its placeholder names.

    Bound select boxes default to nothing picked (webapp/widgets.py); the placeholder reads
    "<fallback> (<why>)" and the page shows that fallback.
    """
    box = at.selectbox(key=key)
    if box.value is not None:
        return box.value
    placeholder = box.proto.placeholder
    return placeholder.rsplit(" (", 1)[0] if placeholder.endswith(")") else None


def unescape(text: str) -> str:
    """Undo webapp.text.escape_markdown (backslash before ASCII punctuation; hard line breaks)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text).replace("  \n", "\n")


def main_metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.main.metric}


def sidebar_kept(at: AppTest) -> str:
    """The sidebar's "Statements kept by the filters" value, e.g. "12 of 199" for the bundled data."""
    return at.sidebar.metric[0].value


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def dataframe_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The one displayed dataframe that has all these columns."""
    found = [d.value for d in at.dataframe if all(c in d.value.columns for c in columns)]
    assert len(found) == 1, (
        f"{len(found)} dataframes with columns {columns}: {[list(d.value.columns) for d in at.dataframe]}"
    )
    return found[0]


def plotly_charts(at: AppTest) -> dict[str, dict]:
    """Displayed plotly charts by their key (the element id ends with ``-<key>``), as parsed specs."""
    out = {}
    for ch in at.get("plotly_chart"):
        key = ch.proto.id.split("-", 2)[-1]
        out[key] = json.loads(ch.proto.spec)
    return out


def plotly_array(field) -> np.ndarray:
    """A trace array from a chart spec: a (nested) list, or numpy's base64 typed array ({"dtype", "bdata", "shape"})."""
    if isinstance(field, dict) and "bdata" in field:
        flat = np.frombuffer(base64.b64decode(field["bdata"]), dtype=field["dtype"])
        shape = field.get("shape")
        return flat.reshape([int(x) for x in str(shape).split(",")]) if shape else flat
    return np.asarray(field, dtype=float) if field is not None else np.zeros(0)


def card_heads(at: AppTest) -> list[dict[str, str]]:
    """Quote-card header captions ("date · speaker · topic · similarity x"), parsed, in page order.

    Only cards that show the speaker (header with at least three parts) are returned.
    """
    heads = []
    for cap in at.caption:  # main area and dialogs (the sidebar has no quote cards)
        parts = unescape(cap.value).split(" · ")
        if len(parts) >= 3 and re.fullmatch(r"\d{4}(-\d{2}){0,2}", parts[0]):  # as precise as known
            head = {"date": parts[0], "speaker": parts[1], "topic": parts[2]}
            if len(parts) > 3 and parts[3].startswith("similarity "):
                head["score"] = parts[3].removeprefix("similarity ")
            heads.append(head)
    return heads


def quote_text(markdown: str) -> str:
    """The statement text of a quote card's body (“…” markers and escapes removed)."""
    s = unescape(markdown)
    assert s.startswith("“") and s.endswith("”"), s
    return s[2:-2] if s.startswith("“…") and s.endswith("…”") else s[1:-1]


def bundled_frame() -> pd.DataFrame:
    """The bundled statements as the app loads them (the shared, cached dataset)."""
    from webapp.state import bundled_dataset

    return bundled_dataset().frame


def chart_summaries(at: AppTest) -> list[str]:
    """The charts' text summaries on the page (webapp.render.chart_summary), unescaped, lead removed."""
    from webapp.render import SUMMARY_LEAD

    lead = f"**{SUMMARY_LEAD}** "
    return [unescape(c.value).removeprefix(lead) for c in at.main.caption if c.value.startswith(lead)]
