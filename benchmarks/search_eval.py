"""nDCG@10 and recall@10 of search on the bundled data, per language pair and model.

Ranks each labelled query four ways: meaning only, words only (BM25), the library's fusion
(``stance_explorer.search.fuse``), and the plain reciprocal rank fusion it replaced ("old RRF",
rebuilt here from the two rankings), for both models (MiniLM and the multilingual USE).

The queries and their relevant statements are in ``benchmarks/data/search_queries.csv`` (see
``benchmarks/data/README.md`` for the labelling rule). Its ``language`` column is the query's
language; a query's pair is that language to the language of its relevant statements ("mixed" when
they hold both). Relevance is binary; nDCG@10 = DCG of the ranking / DCG of the ideal one. Nothing
is trained on these queries; the fusion's four constants were chosen on them (see search.py), so its figures are optimistic.

Usage: python benchmarks/search_eval.py [--models minilm multilingual] [--k 10] [--show]
       python benchmarks/search_eval.py --smoke   # MiniLM, the first 6 queries: does it still run?
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
MODES = ("meaning", "words", "old RRF", "fused")
PAIRS = ("en→en", "en→es", "es→es", "es→en", "en→mixed", "es→mixed")


def load_queries(path: Path = QUERIES) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["relevant"] = set(r["relevant"].split())
        r["language"] = r.get("language") or "en"
    return rows


def pair_of(query: dict, languages: dict[str, str]) -> str:
    found = {languages[i] for i in query["relevant"]}
    return f"{query['language']}→{found.pop() if len(found) == 1 else 'mixed'}"


def ndcg(ranked: list[str], relevant: set[str], k: int) -> float:
    dcg = sum(1.0 / np.log2(i + 2) for i, r in enumerate(ranked[:k]) if r in relevant)
    ideal = sum(1.0 / np.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal


def rankings(ds, index, query, qv, k: int) -> dict[str, list[str]]:
    """The ids each mode ranks first; "old RRF" fuses the full meaning and words rankings as before."""
    from stance_explorer.search import FUSION_DEPTH, rrf, search

    ids = ds.frame["id"].to_numpy()
    out = {}
    kw = dict(vectors=ds.vectors, query_vector=qv, index=index)
    deep = {
        m: search(ds.frame, query=query, k=FUSION_DEPTH, mode=m, **kw)["row"].tolist() for m in ("meaning", "words")
    }
    for m in ("meaning", "words"):
        out[m] = list(ids[deep[m][:k]])
    fused = rrf({r: i + 1 for i, r in enumerate(deep["meaning"])}, {r: i + 1 for i, r in enumerate(deep["words"])}, k=5)
    cos = {r: i for i, r in enumerate(deep["meaning"])}
    out["old RRF"] = list(ids[sorted(fused, key=lambda r: (-fused[r], cos.get(r, 1e9), r))[:k]])
    out["fused"] = list(search(ds.frame, query=query, k=k, mode="fused", **kw)["id"])
    return out


def evaluate(name: str, queries: list[dict], k: int, show: bool) -> dict[str, dict[str, list[float]]]:
    """{pair: {mode: [nDCG per query]}} for one model ("all" holds every query)."""
    from stance_explorer.dataset import load_dataset
    from stance_explorer.encoders.models import get_encoder, model_id, rules_for
    from stance_explorer.encoders.text import query_embedding_text
    from stance_explorer.search import LexicalIndex, parse_query

    ds = load_dataset(model_id=model_id(name))
    languages = dict(zip(ds.frame["id"], ds.frame["language"]))
    index = LexicalIndex(ds.frame["text"])
    parsed = [parse_query(q["query"]) for q in queries]
    qvecs = get_encoder(name).encode([query_embedding_text(p.meaning_text, rules_for(ds.model_id)) for p in parsed])
    scores: dict[str, dict[str, list[float]]] = {}
    for q, p, qv in zip(queries, parsed, qvecs):
        ranked = rankings(ds, index, p, qv, k)
        values = {m: ndcg(ranked[m], q["relevant"], k) for m in MODES}
        for pair in ("all", pair_of(q, languages)):
            for m in MODES:
                scores.setdefault(pair, {}).setdefault(m, []).append(values[m])
        if show:
            print(
                f"{name:<12} {pair_of(q, languages):<9} {q['query'][:50]:<50} "
                + "  ".join(f"{m} {v:.2f}" for m, v in values.items())
            )
    return scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--models", nargs="+", default=["minilm", "multilingual"])
    ap.add_argument("--show", action="store_true", help="print each query's nDCG per mode")
    ap.add_argument("--smoke", action="store_true", help="MiniLM on the first 6 queries, to check that it runs")
    args = ap.parse_args()
    if args.smoke:
        args.models = ["minilm"]

    from stance_explorer.dataset import load_dataset

    queries = load_queries()[:6] if args.smoke else load_queries()
    unknown = sorted({i for q in queries for i in q["relevant"]} - set(load_dataset().frame["id"]))
    if unknown:
        sys.exit(f"{QUERIES}: ids not in the bundled data: {', '.join(unknown)}")
    print(f"{len(queries)} queries, nDCG@{args.k}\n")
    print("| model | pair | queries | " + " | ".join(MODES) + " | fused ≥ best of meaning, words |")
    print("|---|---|---:|" + "---:|" * len(MODES) + "---|")
    for name in args.models:
        scores = evaluate(name, queries, args.k, args.show)
        for pair in ("all", *PAIRS):
            if pair not in scores:
                continue
            means = {m: float(np.mean(v)) for m, v in scores[pair].items()}
            ok = means["fused"] >= max(means["meaning"], means["words"]) - 1e-9
            cells = " | ".join(f"{means[m]:.3f}" for m in MODES)
            print(f"| {name} | {pair} | {len(scores[pair]['fused'])} | {cells} | {'yes' if ok else '**no**'} |")


if __name__ == "__main__":
    main()
