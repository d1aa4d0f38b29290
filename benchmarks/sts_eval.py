"""STS benchmark (test split) Spearman ×100 for each model: English, Spanish and English↔Spanish.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/sts_eval.py /work/shared/data/stsb [--model minilm|multilingual ...]
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/sts_eval.py --smoke   # 8 bundled pairs: does it still run?

FOLDER holds ``stsb-en-test.csv`` and ``stsb-es-test.csv`` (no header: sentence 1, sentence 2, gold
score 0–5; the Spanish file is a machine translation of the same pairs in the same order). They come
from the GitHub repository PhilipMay/stsb-multi-mt (``data/stsb-{en,es}-test.csv``). The score is the
Spearman correlation between the gold scores and the cosine of the two sentence vectors; EN↔ES pairs
the English first sentence with the Spanish second one. Neither model was trained on this split.

Sentences are encoded as they are (no embed_text rules: those are for statements). Prints one line
per model: ``STS-B Spearman <model>: en X es Y en-es Z``. ``--smoke`` reads the eight pairs of
benchmarks/data/smoke/stsb/ instead (written for the smoke test, not STS-B: its figures mean nothing).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402

from stance_explorer.encoders.models import MODELS, get_encoder  # noqa: E402

FILES = {"en": "stsb-en-test.csv", "es": "stsb-es-test.csv"}
SMOKE = Path(__file__).resolve().parent / "data" / "smoke" / "stsb"


def read_pairs(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh) if r]
    return [r[0] for r in rows], [r[1] for r in rows], np.array([float(r[2]) for r in rows])


def spearman(a: np.ndarray, b: np.ndarray, gold: np.ndarray) -> float:
    return 100 * float(spearmanr(np.einsum("ij,ij->i", a, b), gold).statistic)


def evaluate(name: str, data: dict[str, tuple[list[str], list[str], np.ndarray]]) -> dict[str, float]:
    enc = get_encoder(name)
    vec = {}
    for lang, (s1, s2, _) in data.items():
        unique = sorted(set(s1) | set(s2))
        v = enc.encode(unique)
        at = {t: i for i, t in enumerate(unique)}
        vec[lang] = (v[[at[t] for t in s1]], v[[at[t] for t in s2]])
    gold = data["en"][2]
    return {
        "en": spearman(*vec["en"], gold),
        "es": spearman(*vec["es"], data["es"][2]),
        "en-es": spearman(vec["en"][0], vec["es"][1], gold),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description="STS-B Spearman per model (EN, ES, EN↔ES).")
    ap.add_argument("folder", type=Path, nargs="?", help="folder with stsb-en-test.csv and stsb-es-test.csv")
    ap.add_argument("--model", action="append", choices=sorted(MODELS), help="default: every model")
    ap.add_argument(
        "--smoke", action="store_true", help=f"no FOLDER: the 8 pairs of {SMOKE.relative_to(SMOKE.parents[3])}"
    )
    args = ap.parse_args()
    if args.smoke:
        args.folder = SMOKE
    if args.folder is None:
        ap.error(
            "FOLDER is required (or --smoke): STS-B's test files, from the GitHub repository PhilipMay/stsb-multi-mt"
        )
    missing = [f for f in FILES.values() if not (args.folder / f).is_file()]
    if missing:
        print(
            f"{args.folder} lacks {', '.join(missing)}. Get them from the GitHub repository "
            "PhilipMay/stsb-multi-mt (data/stsb-en-test.csv, data/stsb-es-test.csv).",
            file=sys.stderr,
        )
        return 2
    data = {lang: read_pairs(args.folder / f) for lang, f in FILES.items()}
    if len(data["en"][0]) != len(data["es"][0]):
        print("The English and Spanish files do not hold the same number of pairs.", file=sys.stderr)
        return 2
    for name in args.model or list(MODELS):
        r = evaluate(name, data)
        print(f"STS-B Spearman {name}: en {r['en']:.2f} es {r['es']:.2f} en-es {r['en-es']:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
