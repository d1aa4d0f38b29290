"""Full server-side rerun of each page after a filter change, at 100k synthetic statements (AppTest).

Target: <= 500 ms per page. The Stance page is also timed after a new label (a suggestion's
favor/against/none clicked): its whole rerun, with every statement rescored. The model is warmed up first (phrase and search vectors are cached),
so the figure is the page's own work. Usage: python benchmarks/page_rerun.py [--n 100000] [--reps 3]
(--smoke: 500 statements, one rerun each: does it still run?)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

PAGES = {
    "Explore": "app_pages/explore.py",
    "Compare by topic": "app_pages/compare.py",
    "Similarity heatmaps": "app_pages/heatmaps.py",
    "Position tracker": "app_pages/tracker.py",
    "Data": "app_pages/data.py",
    "Stance": "app_pages/stance.py",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--pages", nargs="+", default=list(PAGES), help="page names to time (default: all)")
    ap.add_argument("--smoke", action="store_true", help="500 statements, one rerun each, to check that it runs")
    args = ap.parse_args()
    if args.smoke:
        args.n, args.reps = 500, 1
    from benchmarks.synthetic import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        csv_path, store_dir = write_corpus(args.n, Path(tmp))
        os.environ["STANCE_EXPLORER_DATA"] = str(csv_path)
        os.environ["STANCE_EXPLORER_STORE"] = str(store_dir)
        from streamlit.testing.v1 import AppTest

        t = time.perf_counter()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600).run()
        first = time.perf_counter() - t
        assert not at.exception, [e.value for e in at.exception]
        speakers = at.multiselect(key="speakers").options[:3]
        rows = []
        for name, path in PAGES.items():
            if name not in args.pages:
                continue
            at.switch_page(path).run()  # warm: model load, caches
            if name == "Explore":
                at.text_input(key="q").set_value("the trade deal is irrelevant").run()
            assert not at.exception, (name, [e.value for e in at.exception])
            times = []
            for i in range(args.reps):
                # Alternate between two filter states so every rerun really recomputes.
                value = speakers[: 1 + (i % 2) * 2]
                t = time.perf_counter()
                at.multiselect(key="speakers").set_value(value).run()
                times.append((time.perf_counter() - t) * 1000)
                assert not at.exception, (name, [e.value for e in at.exception])
            t = time.perf_counter()
            at.multiselect(key="speakers").set_value([]).run()
            unfiltered = (time.perf_counter() - t) * 1000
            rows.append((name, float(np.median(times)), unfiltered))
            if name == "Explore":  # the same page with one statement opened (its dialog and neighbours)
                at.query_params["stmt"] = "#1"
                at.run()
                assert any("Others who said something close" in m.value for m in at.markdown), "no statement opened"
                times = []
                for i in range(args.reps):
                    t = time.perf_counter()
                    at.multiselect(key="speakers").set_value(speakers[: 1 + (i % 2) * 2]).run()
                    times.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                at.multiselect(key="speakers").set_value([]).run()
                rows.append(("Explore, a statement opened", float(np.median(times)), (time.perf_counter() - t) * 1000))
                at.query_params.pop("stmt")
            if name == "Stance":  # a new label: the page rescores every statement and refreshes its views
                times = []
                for i in range(args.reps):
                    teach = [b for b in at.button_group if b.key and b.key.startswith("teach_")]
                    t = time.perf_counter()
                    teach[0].set_value(("favor", "against", "none")[i % 3]).run()
                    times.append((time.perf_counter() - t) * 1000)
                    assert not at.exception, (name, [e.value for e in at.exception])
                rows.append(("Stance, after a new label", float(np.median(times)), float("nan")))
        print(f"First load of the app at {args.n:,} statements (reads the CSV, maps the store): {first:.1f} s\n")
        print(
            f"| page (n={args.n:,}) | rerun after a speaker-filter change, median (ms) | rerun with no filter (ms) | target |"
        )
        print("|---|---|---|---|")
        for name, med, unf in rows:
            print(f"| {name} | {med:.0f} | {'–' if unf != unf else f'{unf:.0f}'} | <= 500 |")


if __name__ == "__main__":
    main()
