"""The stance method against the hand labels of the bundled USMCA/trade statements.

Reads stance_explorer/data/stance_labels.csv (75 statements labelled favor / against / none toward the USMCA, rule
in stance_explorer/data/README.md) and the committed vectors; no model is loaded. Prints, on those 75 statements:

* zero-shot (the preset USMCA axis, no labels): accuracy and F_avg = mean(F1 favor, F1 against);
* taught, leave-one-out: each label predicted from the other 74;
* taught, leave one speaker out: each speaker's labels predicted from the other speakers' labels;
* Trump on the USMCA: the sides of his 2020 "largest, fairest, most balanced" (S040) and 2026
  "irrelevant" (S190) quotes, and his Flip-O-Meter rating, zero-shot and taught by the shipped labels.

Writes the zero-shot and leave-one-out figures to the ``bundled`` section of
stance_explorer/data/stance_results.json (the app's About text reads it; see benchmarks/stance_results.py).

Usage: python benchmarks/stance_bundled.py [--no-record] [--smoke]
(the 75 labels are its whole input, so --smoke is the same run, minus recording: it already takes seconds)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.stance_results import record  # noqa: E402
from stance_explorer import schema as S  # noqa: E402
from stance_explorer.dataset import STORE_DIR, load_dataset  # noqa: E402
from stance_explorer.stance import (  # noqa: E402
    AGAINST,
    FAVOR,
    LABELS,
    axis_vectors,
    flip_o_meter,
    frame_hashes,
    load_presets,
    read_labels,
    relevance,
    score,
    stance_over_time,
)
from stance_explorer.store import EmbeddingStore  # noqa: E402
from stance_explorer.vectors import ChosenModel, VectorSource  # noqa: E402


def f_avg(y: np.ndarray, pred: np.ndarray) -> float:
    scores = []
    for c in (FAVOR, AGAINST):
        tp = int(((pred == c) & (y == c)).sum())
        p, r = tp / max(int((pred == c).sum()), 1), tp / max(int((y == c).sum()), 1)
        scores.append(0.0 if p + r == 0 else 2 * p * r / (p + r))
    return float(np.mean(scores))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-record", action="store_true", help="do not write the figures to stance_results.json")
    ap.add_argument("--smoke", action="store_true", help="the same run without recording (the labels are tiny)")
    args = ap.parse_args(argv)
    no_record = args.no_record or args.smoke  # a smoke run checks that it runs; it records nothing
    ds = load_dataset()
    preset = next(p for p in load_presets() if p.topic == "USMCA/trade")
    vecs = axis_vectors(
        VectorSource(ChosenModel.of_vectors(ds.model_id), [EmbeddingStore(STORE_DIR, ds.model_id, read_only=True)]),
        preset.axis,
        encode=False,
    )
    if vecs is None:
        sys.exit("The preset axis vectors are not in embeddings/: run `python devtools/bundle.py axes`.")
    keep = (ds.frame[S.TOPIC] == "USMCA/trade").to_numpy()
    frame, X = ds.frame[keep].reset_index(drop=True), ds.vectors[keep]
    rows, y = read_labels(preset.labels_path, frame=frame).labels.rows(frame_hashes(frame))
    spk = frame[S.SPEAKER].to_numpy()
    print(f"{len(rows)} hand-labelled statements: {np.bincount(y, minlength=3).tolist()} (none, against, favor)")

    zs = score(X, vecs, model_id=ds.model_id)
    pred = zs.label[rows]
    print(f"zero-shot: accuracy {np.mean(pred == y):.2f}, F_avg {f_avg(y, pred):.2f}")

    loo = np.empty_like(y)
    for k in range(len(rows)):
        m = np.arange(len(rows)) != k
        loo[k] = score(X, vecs, rows[m], y[m], model_id=ds.model_id).label[rows[k]]
    print(f"taught, leave-one-out: accuracy {np.mean(loo == y):.2f}, F_avg {f_avg(y, loo):.2f}")
    if not no_record:
        where = record(
            "bundled",
            {
                "topic": preset.topic,
                "preset": preset.name,
                "axis": preset.axis.target,
                "model": ds.model_id,
                "statements": len(rows),
                "zero_shot_accuracy": round(float(np.mean(pred == y)), 3),
                "zero_shot_f_avg": round(f_avg(y, pred), 3),
                "taught_loo_accuracy": round(float(np.mean(loo == y)), 3),
                "taught_loo_f_avg": round(f_avg(y, loo), 3),
            },
        )
        print(f"recorded in {where.relative_to(ROOT)}")

    loso = np.empty_like(y)
    for name in np.unique(spk[rows]):
        mine = spk[rows] == name
        loso[mine] = score(X, vecs, rows[~mine], y[~mine], model_id=ds.model_id).label[rows[mine]]
    print(f"taught, leave one speaker out: accuracy {np.mean(loso == y):.2f}, F_avg {f_avg(y, loso):.2f}")

    s2020, s2026 = (int(np.flatnonzero(frame[S.ID].to_numpy() == i)[0]) for i in ("S040", "S190"))
    rel = relevance(X, vecs)
    for mode, arr in (
        ("zero-shot", zs),
        ("taught by the shipped labels", score(X, vecs, rows, y, model_id=ds.model_id)),
    ):
        flip = flip_o_meter(stance_over_time(frame, arr, speakers=["Donald Trump"], tiebreak=rel)).iloc[0]
        cited = [frame[S.ID].iat[int(r)] if r >= 0 else "-" for r in (flip["row_before"], flip["row_after"])]
        print(
            f"Trump, {mode}: S040 {LABELS[arr.label[s2020]]} ({arr.score[s2020]:+.2f}), S190 {LABELS[arr.label[s2026]]} "
            f"({arr.score[s2026]:+.2f}); Flip-O-Meter {flip['rating']} citing {cited[0]} and {cited[1]}"
        )
    no_trump = spk[rows] != "Donald Trump"
    arr = score(X, vecs, rows[no_trump], y[no_trump], model_id=ds.model_id)
    print(
        f"Trump, taught without his own labels: S040 {LABELS[arr.label[s2020]]} ({arr.score[s2020]:+.2f}), "
        f"S190 {LABELS[arr.label[s2026]]} ({arr.score[s2026]:+.2f})"
    )


if __name__ == "__main__":
    main()
