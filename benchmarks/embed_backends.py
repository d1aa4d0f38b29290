"""Throughput and fidelity of the embedding backends, in one run on the same synthetic statements.

CPU (always, on ``--cpu-n`` texts):
  * plain ``SentenceTransformer.encode`` fp32 (the baseline and the reference vectors);
  * ``OnnxInt8Encoder`` (one text per run, reproducible) and ``OnnxInt8Encoder(batched=True)``.
GPU (with ``--device cuda``, on ``--n`` texts):
  * plain ``SentenceTransformer.encode`` on the GPU in fp32 (baseline and reference) and fp16;
  * ``FastGpuEncoder``.

Each path is warmed up first, then timed ``--repeats`` times; the best run counts. Printed: seconds,
statements/s, ratio to the plain baseline on the same device, and mean/min cosine to the fp32
reference. Targets: ONNX int8 >= 3x plain CPU with mean cosine >= 0.98; FastGpuEncoder >= 50,000
statements/s and >= 7x plain GPU encode.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/embed_backends.py                  # CPU, 2,000 texts
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/embed_backends.py --device cuda    # + GPU, 200,000 texts
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/embed_backends.py --smoke          # CPU, 40 texts, once
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
from embed_overhead import synthetic_statements  # noqa: E402


@dataclass
class Row:
    device: str
    name: str
    n: int
    seconds: float
    baseline_seconds: float
    cos_mean: float | None
    cos_min: float | None
    note: str = ""

    @property
    def rate(self) -> float:
        return self.n / self.seconds

    @property
    def ratio(self) -> float:
        return self.baseline_seconds / self.seconds


def timed(fn: Callable[[], np.ndarray], repeats: int, label: str) -> tuple[float, np.ndarray]:
    """Best of ``repeats`` runs (the one least disturbed by the rest of the machine)."""
    best, out = float("inf"), None
    for r in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        print(f"  {label}: run {r + 1}: {dt:.3f} s", flush=True)
        best = min(best, dt)
    return best, out


def cosines(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    c = np.sum(a.astype(np.float32) * b.astype(np.float32), axis=1)
    return float(c.mean()), float(c.min())


def cpu_rows(texts: list[str], args) -> list[Row]:
    from sentence_transformers import SentenceTransformer

    from stance_explorer.encoders.base import default_model_path

    rows: list[Row] = []
    n = len(texts)
    model = SentenceTransformer(default_model_path(), device="cpu")
    plain = lambda: model.encode(  # noqa: E731
        texts, batch_size=args.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    model.encode(texts[:256], batch_size=args.batch_size, show_progress_bar=False)  # warm-up

    encoders: list[tuple[str, object]] = []
    try:
        import onnxruntime  # noqa: F401

        from stance_explorer.encoders.base import EncoderUnavailable
        from stance_explorer.encoders.onnx import OnnxInt8Encoder

        cache = args.onnx_cache  # None: the encoder's own cache, embeddings/onnx/ (gitignored)
        for label, enc in (
            ("OnnxInt8Encoder (per text)", OnnxInt8Encoder(cache_dir=cache)),
            ("OnnxInt8Encoder (batched)", OnnxInt8Encoder(cache_dir=cache, batched=True)),
        ):
            try:
                t0 = time.perf_counter()
                enc.load()
                print(f"{label}: {enc.load_action} in {time.perf_counter() - t0:.1f} s ({enc.onnx_path})")
                enc.encode(texts[:256], batch_size=args.batch_size)  # warm-up
                encoders.append((label, enc))
            except EncoderUnavailable as exc:
                print(f"skipping {label}: {exc}")
    except ImportError:
        print("skipping the ONNX int8 encoder: onnxruntime is not installed")

    # Alternate the paths within each round so machine noise hits all of them alike.
    times: dict[str, list[float]] = {"plain": []}
    outs: dict[str, np.ndarray] = {}
    for label, _ in encoders:
        times[label] = []
    for r in range(args.repeats):
        t0 = time.perf_counter()
        outs["plain"] = plain()
        times["plain"].append(time.perf_counter() - t0)
        for label, enc in encoders:
            t0 = time.perf_counter()
            outs[label] = enc.encode(texts, batch_size=args.batch_size)
            times[label].append(time.perf_counter() - t0)
        print(f"  round {r + 1}: " + ", ".join(f"{k} {v[-1]:.3f} s" for k, v in times.items()), flush=True)
    base = min(times["plain"])
    ref = outs["plain"]
    rows.append(Row("cpu", "plain `SentenceTransformer.encode` fp32", n, base, base, 1.0, 1.0))
    for label, _enc in encoders:
        rows.append(Row("cpu", label, n, min(times[label]), base, *cosines(outs[label], ref)))
    if len(encoders) == 2:
        # Batched dynamic int8 is not reproducible: a text's vector depends on its batch.
        a, b = outs[encoders[0][0]], outs[encoders[1][0]]
        rows[-1].note = f"vs per-text int8: mean cos {cosines(a, b)[0]:.4f}"
    return rows


def gpu_rows(texts: list[str], args) -> list[Row]:
    import torch
    from sentence_transformers import SentenceTransformer

    from stance_explorer.encoders.base import default_model_path
    from stance_explorer.encoders.gpu import FastGpuEncoder

    n = len(texts)
    device = args.device
    rows: list[Row] = []
    warm = texts[: min(n, 8192)]

    model = SentenceTransformer(default_model_path(), device=device)

    def plain() -> np.ndarray:
        return model.encode(
            texts, batch_size=args.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )

    model.encode(warm, batch_size=args.batch_size, show_progress_bar=False)
    base, ref = timed(plain, args.gpu_repeats, "plain GPU fp32")
    rows.append(Row(device, "plain `SentenceTransformer.encode` fp32", n, base, base, 1.0, 1.0))

    model.half()
    model.encode(warm, batch_size=args.batch_size, show_progress_bar=False)
    t16, v16 = timed(plain, args.gpu_repeats, "plain GPU fp16")
    rows.append(Row(device, "plain `SentenceTransformer.encode` fp16", n, t16, base, *cosines(v16, ref)))
    model, v16 = None, None  # free the GPU memory before the next path
    torch.cuda.empty_cache()

    fast = FastGpuEncoder(device=device, gpu_batch_size=args.gpu_batch_size)
    fast.load()
    fast.encode(warm)
    tf, vf = timed(lambda: fast.encode(texts), args.gpu_repeats, "FastGpuEncoder")
    rows.append(
        Row(
            device,
            f"FastGpuEncoder fp16, batch {args.gpu_batch_size}",
            n,
            tf,
            base,
            *cosines(vf, ref),
            note=f"{t16 / tf:.1f}x plain fp16",
        )
    )

    if args.sync_debug:
        # Count host-device synchronizations in one call: the design allows one per gpu_chunk.
        torch.cuda.set_sync_debug_mode("warn")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fast.encode(texts[: min(n, 50_000)])
        torch.cuda.set_sync_debug_mode("default")
        syncs = [w for w in caught if "synchroniz" in str(w.message).lower()]
        print(f"sync debug: {len(syncs)} synchronizing calls in one encode of {min(n, 50_000):,} texts")
        for w in syncs[:5]:
            print(f"  {w.filename}:{w.lineno}: {str(w.message)[:160]}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu", help="cpu, or cuda to add the GPU paths")
    parser.add_argument(
        "--n",
        type=int,
        default=None,
        help="texts for the GPU paths (default 200,000) or, on cpu, for the CPU paths (default 2,000)",
    )
    parser.add_argument(
        "--cpu-n", type=int, default=2000, help="texts for the CPU paths when --device cuda (default 2,000)"
    )
    parser.add_argument(
        "--batch-size", type=int, default=64, help="batch size of the plain encode and the ONNX encoder"
    )
    parser.add_argument("--gpu-batch-size", type=int, default=1024, help="FastGpuEncoder batch size (default 1024)")
    parser.add_argument("--repeats", type=int, default=3, help="timed rounds of the CPU paths (default 3)")
    parser.add_argument("--gpu-repeats", type=int, default=2, help="timed runs of each GPU path (default 2)")
    parser.add_argument("--onnx-cache", default=None, help="ONNX build cache folder (default: embeddings/onnx/)")
    parser.add_argument("--skip-cpu", action="store_true", help="with --device cuda, run only the GPU paths")
    parser.add_argument("--sync-debug", action="store_true", help="count CUDA synchronizations in FastGpuEncoder")
    parser.add_argument("--smoke", action="store_true", help="the CPU paths on 40 texts, once, to check that it runs")
    args = parser.parse_args(argv)
    if args.smoke:
        args.device, args.n, args.repeats = "cpu", 40, 1

    on_gpu = args.device.startswith("cuda")
    if on_gpu:
        import torch

        if not torch.cuda.is_available():
            print("--device cuda was asked for but no GPU is available; running the CPU paths only.")
            on_gpu = False
            args.device = "cpu"
    cpu_n = args.cpu_n if on_gpu else (args.n or 2000)
    gpu_n = (args.n or 200_000) if on_gpu else 0

    t0 = time.perf_counter()
    texts = synthetic_statements(max(cpu_n, gpu_n), seed=20240)
    words = np.array([len(t.split()) for t in texts])
    print(
        f"{len(texts):,} synthetic statements, {words.min()}-{words.max()} words (mean {words.mean():.1f}), "
        f"made in {time.perf_counter() - t0:.1f} s; {os.cpu_count()} CPUs"
    )

    rows: list[Row] = []
    if not (on_gpu and args.skip_cpu):
        rows += cpu_rows(texts[:cpu_n], args)
    if on_gpu:
        import torch

        print(f"GPU: {torch.cuda.get_device_name(0)}")
        rows += gpu_rows(texts[:gpu_n], args)

    print()
    print("| device | path | texts | seconds | statements/s | vs plain fp32 | mean cos | min cos | note |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        cos = f"{r.cos_mean:.4f} | {r.cos_min:.4f}" if r.cos_mean is not None else "- | -"
        print(
            f"| {r.device} | {r.name} | {r.n:,} | {r.seconds:.3f} | {r.rate:,.0f} | {r.ratio:.2f}x | {cos} | {r.note} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
