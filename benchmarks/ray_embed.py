"""Ray Data embedding against a plain `embed`, on the same statements, in one run.

Target (issue 14): on this 2-core machine, Ray with 2 workers costs at most 10% over plain embed on
20k statements. Both write a fresh store; the texts are synthetic statements (benchmarks/synthetic.py),
sentence-length, all new. Prints statements/s for each path and the ratio, then the per-worker
throughput and what a 235M-quote corpus (Quotebank's size) would take at that rate.

Usage: python benchmarks/ray_embed.py [--n 20000] [--workers 2] [--backend onnx|st]
       python benchmarks/ray_embed.py --smoke   # 100 statements, 1 worker: does it still run?
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--backend", choices=["st", "onnx"], default="onnx")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--smoke", action="store_true", help="100 statements, 1 worker, to check that it runs")
    args = ap.parse_args()
    if args.smoke:
        args.n, args.workers = 100, 1

    from benchmarks.synthetic import generate
    from stance_explorer.cli import _encoder
    from stance_explorer.dataset import embed_frame
    from stance_explorer.reader import read_statements
    from stance_explorer.scale import distributed
    from stance_explorer.store import EmbeddingStore

    frame, _ = generate(args.n, seed=7)
    factory = partial(_encoder, argparse.Namespace(model=None, backend=args.backend, device=None))
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "statements.csv"
        frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d")).to_csv(csv, index=False)
        model_id = factory().model_id
        # Both timed end to end, as the two CLI runs would be: reading and validating the file,
        # loading the model (once, or once per worker) and encoding. Ray's start is timed apart.
        t = time.perf_counter()
        res = read_statements(csv)
        encoder = factory()
        _, report = embed_frame(
            res.frame, EmbeddingStore(Path(tmp) / "plain", model_id), encoder, batch_size=args.batch_size
        )
        plain_s = time.perf_counter() - t
        assert report.new == args.n

        import ray

        # Ray's workers import the library too: from the checkout, whatever folder this runs from.
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        t = time.perf_counter()
        ray.init(num_cpus=args.workers, include_dashboard=False, log_to_driver=False, configure_logging=False)
        init_s = time.perf_counter() - t
        try:
            t = time.perf_counter()
            rep = distributed.embed_on_ray(
                [csv],
                store_root=Path(tmp) / "ray",
                model_id=model_id,
                encoder_factory=factory,
                workers=args.workers,
                batch_size=args.batch_size * 8,
                encode_batch=args.batch_size,
            )
            ray_s = time.perf_counter() - t
        finally:
            ray.shutdown()
        assert rep.new == args.n

    plain_rate, ray_rate = args.n / plain_s, args.n / ray_s
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; backend {args.backend}")
    print(f"plain embed (read, validate, load the model, encode): {plain_rate:,.0f} statements/s ({plain_s:.1f} s)")
    print(
        f"ray, {args.workers} workers (the same, a model per worker): {ray_rate:,.0f} statements/s ({ray_s:.1f} s); "
        f"starting Ray on this machine took {init_s:.1f} s more"
    )
    print(
        f"ray overhead: {plain_s / ray_s:.2f}x plain throughput ({(ray_s / plain_s - 1) * 100:+.0f}% time; "
        f"{((ray_s + init_s) / plain_s - 1) * 100:+.0f}% with Ray's start)"
    )
    per_worker = ray_rate / args.workers
    hours = 235e6 / per_worker / 3600
    print(
        f"per worker: {per_worker:,.0f} statements/s -> 235M quotes: {hours:,.0f} worker-hours; "
        f"on 25 machines of {args.workers} cores: {hours / 25 / args.workers:,.1f} h"
    )


if __name__ == "__main__":
    main()
