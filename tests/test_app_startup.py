"""Start-up cost and shared state: no torch on the default page, one bundled dataset per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from apptest_helpers import APP, EXPLORE, N_BUNDLED, REPO_ROOT, main_metrics, open_page

HEAVY = ("torch", "sentence_transformers", "transformers", "spacy")  # spaCy: only when an article's quotes are read

# Run in a fresh interpreter: in this one, other tests may already have loaded the model.
PROBE = textwrap.dedent(
    f"""
    import json, sys
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file({str(APP)!r}, default_timeout=90).run()
    at.switch_page("app_pages/compare.py").run()
    at.switch_page("app_pages/heatmaps.py").run()
    at.switch_page("app_pages/explore.py").run()
    print(json.dumps({{
        "exceptions": [e.value for e in at.exception],
        "metrics": {{m.label: m.value for m in at.main.metric}},
        "loaded": {{name: name in sys.modules for name in {HEAVY!r}}},
    }}))
    """
)


def test_default_pages_do_not_import_torch_in_a_fresh_process():
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["exceptions"] == []
    assert report["metrics"]["Statements"] == str(N_BUNDLED)  # the app really ran
    assert report["loaded"]["torch"] is False
    assert report["loaded"]["sentence_transformers"] is False
    assert report["loaded"]["transformers"] is False
    assert report["loaded"]["spacy"] is False


def test_sessions_share_one_read_only_bundled_dataset():
    from webapp.state import bundled_dataset

    first = open_page(EXPLORE)
    second = open_page(EXPLORE)
    assert main_metrics(first)["Statements"] == main_metrics(second)["Statements"] == str(N_BUNDLED)
    view_a = first.session_state["_view"]
    view_b = second.session_state["_view"]
    assert view_a is not view_b  # separate sessions...
    ds = bundled_dataset()
    assert view_a.dataset is ds and view_b.dataset is ds  # ...one dataset object for the process
    assert bundled_dataset() is ds
    vectors = ds.vectors
    assert isinstance(vectors, np.ndarray)
    assert vectors.shape[0] == N_BUNDLED
    assert not vectors.flags.writeable
    with pytest.raises(ValueError):
        vectors[0, 0] = 1.0


MAP_LIBS = (
    "webapp.mapview",
    "stance_explorer.mapping.projection",
    "stance_explorer.mapping.regions",
    "umap",
    "numba",
    "pynndescent",
    "pacmap",
    "openTSNE",
    "sklearn",
)

MAP_PROBE = textwrap.dedent(
    f"""
    import json, sys
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file({str(APP)!r}, default_timeout=90).run()
    # Not the tracker: its phrases load the model, and sentence-transformers imports sklearn.
    for page in ("compare", "heatmaps", "data", "explore"):
        at.switch_page(f"app_pages/{{page}}.py").run()
    before = {{name: name in sys.modules for name in {MAP_LIBS!r}}}
    at.switch_page("app_pages/map.py").run()
    after = {{name: name in sys.modules for name in {MAP_LIBS!r}}}
    print(json.dumps({{"exceptions": [e.value for e in at.exception], "before": before, "after": after,
                      "charts": len(at.get("plotly_chart"))}}))
    """
)


def test_nothing_of_the_map_loads_before_the_map_page_and_the_stored_map_needs_no_projection_package():
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.run(
        [sys.executable, "-c", MAP_PROBE], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["exceptions"] == [] and report["charts"] == 1  # the map page really ran
    assert not any(report["before"].values()), report["before"]
    # The bundled map is read from disk: the projection packages stay out even on the Map page.
    assert report["after"]["webapp.mapview"] and report["after"]["stance_explorer.mapping.projection"]
    assert not any(
        report["after"][name] for name in ("umap", "numba", "pynndescent", "pacmap", "openTSNE", "sklearn")
    ), report["after"]
