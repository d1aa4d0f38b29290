"""The stance benchmarks' results file, which the app's About text reads (never typed figures).

``stance_explorer/data/stance_results.json`` holds one section per benchmark: ``tweeteval``
(written by ``benchmarks/stance_eval.py``) and ``bundled`` (written by ``benchmarks/stance_bundled.py``).
A run replaces its own section only. Pass ``--no-record`` to a benchmark to leave the file alone.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent.parent / "stance_explorer" / "data" / "stance_results.json"


def record(section: str, values: dict, path: Path = RESULTS) -> Path:
    """Write ``values`` (plus today's date) as ``section`` of the results file; the other sections stay."""
    doc = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    doc.setdefault(
        "_about",
        "Figures measured by the stance benchmarks (benchmarks/stance_eval.py, benchmarks/stance_bundled.py); "
        "the app's About text reads them. Rerun a benchmark to refresh its section.",
    )
    doc[section] = {**values, "measured": dt.date.today().isoformat()}
    path.write_text(json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")
    return path
