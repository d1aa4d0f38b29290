"""The built-in stance reader beside the embedding axis, in one run: TweetEval, the 75 hand labels, speed.

Usage:
    python benchmarks/reader_eval.py TWEETEVAL_FOLDER [--model DIR] [--heldout RUN/data.json] [--max-heldout N]
    python benchmarks/reader_eval.py --smoke   # no FOLDER: stance_eval's tiny stand-in from the bundled labels (seconds)

* TweetEval stance test (SemEval-2016 Task 6, five targets; see benchmarks/stance_eval.py for the
  folder), zero-shot: the reader reads each tweet against the target's name alone (no label seen),
  F_avg = mean(F1 favor, F1 against) pooled over the five test sets, TweetEval's metric. The axis
  column is the app's zero-shot axis on the same tweets (MiniLM vectors, the shipped relevance cut-off).
* The 75 hand labels of the bundled USMCA/trade statements (data/stance_labels.csv), the preset
  USMCA axis: accuracy and F_avg, the reader and the axis (stored vectors); a statement the reader
  does not read (not English) counts as "none". Trump's 2020 USMCA praise (S040) and 2026 quote (S190).
* --heldout: the held-out split of a devtools/train_reader.py run (Perspectrum test claims and the
  30 IBM test topics, never trained on): F_avg and 3-class accuracy.
* Speed: statements per second of the reader on the TweetEval test (each statement is read against
  the claim and its opposite), and of the axis (encoding included), on this machine.

Nothing here is fitted: the reader's one cut-off comes from its reader.json (chosen on a licensed dev split).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from stance_eval import SOURCE, TARGETS, f_avg, read_split, smoke_folder  # noqa: E402

from stance_explorer.stance import methods as M  # noqa: E402
from stance_explorer.stance.axes import Axis  # noqa: E402
from stance_explorer.stance.readers.builtin import WEIGHTS, BuiltinReader, probs_from_logits  # noqa: E402


def tweeteval(folder: Path, reader: BuiltinReader) -> tuple[dict, float, np.ndarray, np.ndarray, np.ndarray]:
    """Per-target reader F_avg, reader statements/s, gold, reader and axis predictions (pooled)."""
    from stance_explorer.encoders.base import SentenceTransformerEncoder

    enc = SentenceTransformerEncoder()
    ys, rd, ax, per = [], [], [], {}
    t_read, n_read, t_axis = 0.0, 0, 0.0
    for t, target in TARGETS.items():
        texts, y = read_split(folder, t, "test")
        t0 = time.perf_counter()
        pred = reader.read(Axis(target), texts).stance_arrays().label
        t_read += time.perf_counter() - t0
        n_read += len(texts)
        t0 = time.perf_counter()
        X = enc.encode(texts)
        vecs = {k: enc.encode(v) for k, v in M.axis_texts(target).items()}
        apred = M.zero_shot(X, vecs, model_id=enc.model_id).label
        t_axis += time.perf_counter() - t0
        per[t] = (len(y), f_avg(y, pred), f_avg(y, apred), int((pred == 0).sum()), int((y == 0).sum()))
        ys.append(y), rd.append(pred), ax.append(apred)
    speeds = (n_read / t_read, n_read / t_axis)
    return per, speeds, np.concatenate(ys), np.concatenate(rd), np.concatenate(ax)


def bundled(reader: BuiltinReader) -> list[str]:
    """The 75 hand labels: reader and axis, and Trump's two USMCA quotes."""
    from stance_explorer import schema as S
    from stance_explorer import stance as T
    from stance_explorer.dataset import STORE_DIR, load_dataset
    from stance_explorer.stance.reading import reader_texts
    from stance_explorer.store import EmbeddingStore
    from stance_explorer.vectors import ChosenModel, VectorSource

    ds = load_dataset()
    preset = next(p for p in T.load_presets() if p.topic == "USMCA/trade")
    keep = (ds.frame[S.TOPIC] == preset.topic).to_numpy()
    frame, X = ds.frame[keep].reset_index(drop=True), ds.vectors[keep]
    rows, y = T.read_labels(preset.labels_path, frame=frame).labels.rows(T.frame_hashes(frame))
    out = reader.read(preset.axis, reader_texts(frame))  # what the app gives a reader
    arr = out.stance_arrays()
    pred = arr.label[rows]
    lines = [
        f"75 hand labels ({len(rows)} statements, none/against/favor {np.bincount(y, minlength=3).tolist()}; "
        f"{int((~out.read[rows]).sum())} not read by the reader (not English), counted as none)"
    ]
    lines.append(
        f"  built-in reader: accuracy {np.mean(pred == y):.3f}, F_avg {f_avg(y, pred):.3f}, "
        f"predicted none/against/favor {np.bincount(pred, minlength=3).tolist()}"
    )
    en = out.read[rows]
    lines.append(f"  built-in reader on the {int(en.sum())} English ones: accuracy {np.mean(pred[en] == y[en]):.3f}")
    store = EmbeddingStore(STORE_DIR, ds.model_id, read_only=True)
    vecs = T.axis_vectors(VectorSource(ChosenModel.of_vectors(ds.model_id), [store]), preset.axis, encode=False)
    if vecs is not None:
        apred = M.zero_shot(X, dict(vecs), model_id=ds.model_id).label[rows]
        lines.append(f"  axis (zero-shot):  accuracy {np.mean(apred == y):.3f}, F_avg {f_avg(y, apred):.3f}")
    ids = frame[S.ID].to_numpy()
    for sid in ("S040", "S190"):
        i = int(np.flatnonzero(ids == sid)[0])
        p = out.probs[i]
        lines.append(
            f"  {sid} ({frame[S.SPEAKER].iat[i]}, {str(frame[S.DATE].iat[i])[:4]}): reader {M.LABELS[arr.label[i]]} "
            f"(none {p[0]:.2f} / against {p[1]:.2f} / favor {p[2]:.2f})"
        )
    return lines


def heldout(path: Path, folder: Path, limit: int) -> str:
    """The run's held-out split (never trained on), read with the shipped wording rule."""
    from devtools.train_reader import dev_opposite, labels_of
    from stance_explorer.stance.readers.builtin import combine, logits_pairs

    test = json.loads(path.read_text("utf-8"))["test"]
    rng = np.random.default_rng(0)
    if len(test) > limit:
        test = [test[i] for i in sorted(rng.choice(len(test), limit, replace=False))]
    meta = json.loads((folder / "reader.json").read_text("utf-8"))
    texts = [e["text"] for e in test]
    lf = logits_pairs(folder, [e["claim"] for e in test], texts)
    la = logits_pairs(folder, [dev_opposite(e["claim"]) for e in test], texts)
    rel, d = combine(lf, la)
    pred = probs_from_logits(rel, d, float(meta["relevance_cut"])).argmax(1)
    y = labels_of(test)
    parts = []
    for name, mask in (
        ("IBM test topics", np.array([e["group"].startswith("i") for e in test])),
        ("Perspectrum test claims", np.array([e["group"].startswith("p") for e in test])),
    ):
        parts.append(
            f"{name} ({int(mask.sum())} pairs, none/against/favor {np.bincount(y[mask], minlength=3).tolist()}): "
            f"F_avg {f_avg(y[mask], pred[mask]):.3f}, accuracy {np.mean(pred[mask] == y[mask]):.3f}"
        )
    side = y > 0
    parts.append(f"direction right on {np.mean((d[side] > 0) == (y[side] == 2)):.3f} of pairs that take a side")
    return "held-out targets: " + "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, nargs="?", help="TweetEval datasets/stance folder")
    ap.add_argument("--smoke", action="store_true", help="no TweetEval: a tiny stand-in, to check that it runs")
    ap.add_argument(
        "--model", type=Path, default=WEIGHTS, help="reader folder (model.onnx, tokenizer.json, reader.json)"
    )
    ap.add_argument("--heldout", type=Path, default=None, help="a train_reader.py run's data.json")
    ap.add_argument("--max-heldout", type=int, default=3000)
    args = ap.parse_args(argv)
    if args.smoke:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            args.folder, args.smoke = smoke_folder(Path(tmp)), False
            return run(args)
    if args.folder is None:
        ap.error(f"FOLDER is required (TweetEval's datasets/stance/, from {SOURCE}), or --smoke")
    return run(args)


def run(args) -> int:
    """The measurements, printed (see the module docstring)."""
    reader = BuiltinReader(args.model)
    print(f"reader: {reader.label} from {args.model}")
    per, (sps, asps), y, rd, ax = tweeteval(args.folder, reader)
    print(f"{'target':<10} {'test':>5} {'reader':>7} {'axis':>6} {'reader none':>12} {'gold none':>10}")
    for t, (n, fr, fa, nn, gn) in per.items():
        print(f"{t:<10} {n:>5} {fr:>7.3f} {fa:>6.3f} {nn:>12} {gn:>10}")
    both = (y > 0) & (rd > 0)
    print(
        f"reader direction right on {np.mean(rd[both] == y[both]):.3f} of the {int(both.sum())} tweets with a side it gave a side"
    )
    for line in bundled(reader):
        print(line)
    if args.heldout is not None:
        print(heldout(args.heldout, args.model, args.max_heldout))
    size = (args.model / "model.onnx").stat().st_size / 2**20
    print(
        f"speed: reader {sps:.1f} statements/s, axis {asps:.1f} statements/s (encoding included); model {size:.1f} MB"
    )
    print(f"TweetEval zero-shot F_avg: reader {f_avg(y, rd):.3f}, axis {f_avg(y, ax):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
