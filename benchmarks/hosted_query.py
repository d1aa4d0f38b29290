"""How far hosted mode's search scores are from the exact model's, on the bundled data, in one run.

Hosted mode (webapp/hosting.py) encodes search phrases with the int8 ONNX copy of
all-MiniLM-L6-v2 and compares them with the statements' exact (fp32) vectors. Here every bundled
statement, glossed as a search phrase (``query_embedding_text``), is encoded by both models and
scored against all 199 stored statement vectors. Prints the cosine between the two phrase
vectors, the absolute score difference per (phrase, statement) pair, and, ranking the other 198
statements (a phrase's own statement would trivially come first), the overlap of the top-10
lists and how often the best match is the same.
Usage: python benchmarks/hosted_query.py   (builds embeddings/onnx/ once if missing; needs onnxruntime, onnx)
       python benchmarks/hosted_query.py --smoke   # the first 20 statements as phrases: does it still run?
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from stance_explorer import schema as S  # noqa: E402
from stance_explorer.dataset import BUNDLED_CSV, STORE_DIR, load_dataset  # noqa: E402
from stance_explorer.encoders.base import SentenceTransformerEncoder, default_model_id  # noqa: E402
from stance_explorer.encoders.onnx import OnnxInt8Encoder  # noqa: E402
from stance_explorer.encoders.text import query_embedding_text  # noqa: E402
from stance_explorer.store import EmbeddingStore  # noqa: E402

TOP = 10


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="the first 20 statements as phrases, to check that it runs")
    args = ap.parse_args()
    ds = load_dataset(BUNDLED_CSV, store=EmbeddingStore(STORE_DIR, default_model_id(), read_only=True))
    stored = np.asarray(ds.vectors)
    texts = ds.frame[S.TEXT].tolist()
    # Phrase i is statement i, so its own statement is column i (left out of the rankings below).
    phrases = [query_embedding_text(t) for t in (texts[:20] if args.smoke else texts)]
    exact = SentenceTransformerEncoder()
    exact.load()
    int8 = OnnxInt8Encoder()
    int8.load()
    a, b = exact.encode(phrases), int8.encode(phrases)
    sa, sb = a @ stored.T, b @ stored.T
    diff = np.abs(sa - sb)
    # A phrase's own statement would top both lists trivially: rank the other statements only.
    np.fill_diagonal(sa, -np.inf)
    np.fill_diagonal(sb, -np.inf)
    overlap = [len(set(np.argsort(-sa[i])[:TOP]) & set(np.argsort(-sb[i])[:TOP])) / TOP for i in range(len(phrases))]
    same_best = float(np.mean(np.argmax(sa, 1) == np.argmax(sb, 1)))
    cos = np.sum(a * b, axis=1)
    print(f"{len(phrases)} phrases x {len(stored)} statements, int8 ONNX phrase vectors vs exact (fp32)")
    print("| measure | value |")
    print("|---|---|")
    print(f"| cosine between the two vectors of a phrase | mean {cos.mean():.4f}, min {cos.min():.4f} |")
    print(
        f"| score difference per pair | mean {diff.mean():.4f}, 99th percentile {np.quantile(diff, 0.99):.4f}, max {diff.max():.4f} |"
    )
    print(f"| top-{TOP} overlap (own statement left out) | mean {np.mean(overlap):.3f}, min {np.min(overlap):.2f} |")
    print(f"| same best match (own statement left out) | {same_best:.3f} |")


if __name__ == "__main__":
    main()
