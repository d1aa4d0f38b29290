"""A new claim over the bundled statements: the first reading, and the second one from the readings cache.

Reads a claim no cache has seen over the bundled statements with a reader, through
``stance.read_claim`` and a readings cache in a temporary store (as the CLI and a local app keep
it beside the embedding store), then reads it again with a fresh cache object opened from disk.
Prints both times and their ratio, measured in one run, and how many statements each read.

Usage: python benchmarks/reader_cache.py [--reader builtin|axis|...] [--smoke]
  --smoke: 12 statements, to check the benchmark runs (seconds).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance_explorer.dataset import STORE_DIR, load_dataset  # noqa: E402
from stance_explorer.encoders.models import get_encoder  # noqa: E402
from stance_explorer.stance import Axis, read_claim  # noqa: E402
from stance_explorer.stance.readers import ReaderUnavailable, ReadingCache, default_reader_name, make_reader  # noqa: E402
from stance_explorer.store import EmbeddingStore  # noqa: E402
from stance_explorer.vectors import ChosenModel, VectorSource  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reader", default=None, help="reader name (default: the app's default reader)")
    p.add_argument("--smoke", action="store_true", help="12 statements only")
    args = p.parse_args(argv)
    ds = load_dataset()
    frame = ds.frame.head(12) if args.smoke else ds.frame
    model = ChosenModel.of_vectors(ds.model_id)
    source = VectorSource(
        model,
        [EmbeddingStore(STORE_DIR, ds.model_id, read_only=True)],
        sink=EmbeddingStore(None, ds.model_id),
        encoder=lambda: get_encoder(model.name),
    )
    name = args.reader or default_reader_name()
    try:
        reader = make_reader(name, source=source)
    except ReaderUnavailable as exc:
        print(f"reader {name}: not available here ({exc})")
        return 0
    # A claim worded so that no cache, committed or not, has read it.
    axis = Axis(f"US steel tariffs should stay in place ({time.time_ns()})")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        first = read_claim(reader, axis, frame, vectors=ds.vectors[: len(frame)], cache=ReadingCache(reader, tmp))
        t1 = time.perf_counter()
        again = read_claim(reader, axis, frame, vectors=ds.vectors[: len(frame)], cache=ReadingCache(reader, tmp))
        t2 = time.perf_counter()
    cached = "cached" if reader.cacheable else "not cached (it reads stored vectors)"
    print(f"reader {reader.name} ({reader.version}), {len(frame)} statements, readings {cached}")
    print(f"  first reading:  {t1 - t0:8.3f} s  ({first.new} statements read)")
    print(f"  second reading: {t2 - t1:8.3f} s  ({again.new} statements read)")
    print(f"  ratio first / second: {(t1 - t0) / max(t2 - t1, 1e-9):.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
