"""Overhead of the embedding store over a plain ``SentenceTransformer.encode``, and its cache speedup.

One run measures, on the same synthetic statements:

1. plain ``SentenceTransformer.encode(texts, batch_size=64, normalize_embeddings=True)``;
2. ``EmbeddingStore(tmpdir, ...).get_or_encode(texts, SentenceTransformerEncoder())`` on an empty
   store (every text is new: hashing, sorting, encoding and writing shards);
3. the same call again, when every vector is cached.

Targets: (2) keeps >= 0.95 of the plain throughput, and (3) is >= 100x faster than (2).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/embed_overhead.py [--n 2000] [--device cpu]
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/embed_overhead.py --smoke   # 40 statements, once: does it still run?
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

# ------------------------------------------------------------------ synthetic statements
_SPEAKERS = [
    "The trade minister",
    "The prime minister",
    "The president",
    "The commerce secretary",
    "The U.S. trade representative",
    "The finance minister",
    "The foreign minister",
    "The ambassador to Washington",
    "The premier of Ontario",
    "The governor of Texas",
    "A senior White House official",
    "The economy minister",
    "The border czar",
    "The homeland security secretary",
    "The opposition leader",
    "The chief negotiator",
    "The agriculture secretary",
    "A spokesperson for the ministry",
    "The labour minister",
    "The central bank governor",
]
_VERBS = [
    "said",
    "told reporters",
    "warned",
    "insisted",
    "argued",
    "claimed",
    "stressed",
    "announced",
    "suggested",
    "repeated",
    "conceded",
    "wrote on social media",
]
_SUBJECTS = [
    "the tariffs on steel and aluminum",
    "the trade deal",
    "the 25 percent tariff on autos",
    "the new levies on lumber",
    "the review of the agreement",
    "the border security plan",
    "cooperation on fentanyl",
    "the migration agreement",
    "the dairy quotas",
    "the rules of origin for cars",
    "the retaliatory duties",
    "the energy exports",
    "the talks in Washington",
    "the deportation flights",
    "the asylum backlog",
    "the troops at the border",
    "the critical minerals partnership",
    "the digital services tax",
    "the investment screening rules",
    "the supply chains in North America",
]
_PREDICATES = [
    "will stay in place until the other side makes real concessions",
    "are hurting workers and families on both sides of the border",
    "have nothing to do with trade and everything to do with security",
    "would be lifted once the number of crossings falls",
    "is working better than anyone expected a year ago",
    "must be renegotiated before the summer deadline",
    "is irrelevant to the broader relationship",
    "could cost the economy billions of dollars in lost output",
    "was never meant to be permanent",
    "shows that pressure produces results",
    "is a violation of the spirit of the agreement",
    "will be challenged at the World Trade Organization",
    "has already reduced illegal crossings by half",
    "puts thousands of manufacturing jobs at risk",
    "remains on the table as talks continue",
    "needs stronger enforcement and more inspectors",
    "should be decided by Congress and not by executive order",
    "protects national security and domestic producers",
    "is a negotiating tactic rather than a policy",
    "was agreed after weeks of difficult discussions",
]
_QUALIFIERS = [
    "according to people familiar with the talks",
    "despite pressure from business groups",
    "in a statement released late on Friday",
    "after a meeting with provincial leaders",
    "while visiting a factory in Michigan",
    "during a press conference in Ottawa",
    "in an interview on morning television",
    "speaking to farmers in Iowa",
    "ahead of the summit in Mexico City",
    "without offering any details",
]
_TAILS = [
    "We are not going to back down.",
    "Nobody wins a trade war.",
    "The numbers speak for themselves.",
    "Our partners know exactly what they need to do.",
    "This is about protecting our people.",
    "We will respond in kind if we have to.",
    "The door to negotiation remains open.",
    "Families are paying the price at the grocery store.",
    "Security comes first.",
    "It is time to put this dispute behind us.",
]


def synthetic_statements(n: int, *, seed: int = 0, min_words: int = 10, max_words: int = 40) -> list[str]:
    """``n`` distinct, deterministic statements of ``min_words``-``max_words`` words.

    Synthetic benchmark text only (no real quotes): a speaker, a claim about trade, tariffs,
    security or migration, and optional qualifiers, tails and numbers, so lengths and tokens vary.
    """
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        target = rng.randint(min_words, max_words)
        words = (
            f"{rng.choice(_SPEAKERS)} {rng.choice(_VERBS)} that {rng.choice(_SUBJECTS)} {rng.choice(_PREDICATES)}"
        ).split()
        # (continues the sentence?, text): clauses drop the period before them, sentences keep it.
        extras = [
            lambda: (True, f", {rng.choice(_QUALIFIERS)}."),
            lambda: (True, f" and added that {rng.choice(_SUBJECTS)} {rng.choice(_PREDICATES)}."),
            lambda: (False, f" {rng.choice(_TAILS)}"),
            lambda: (
                False,
                f" The figure for {rng.choice(['March', 'April', 'May', 'June', 'July'])} "
                f"was {rng.randint(2, 98)} percent.",
            ),
        ]
        while len(words) < target:
            continues, extra = rng.choice(extras)()
            words[-1] = words[-1].rstrip(".") + ("" if continues else ".")
            if continues and extra.startswith(","):
                words[-1] += ","
                extra = extra[1:]
            words += extra.split()
        text = " ".join(words[:target]).rstrip(",.") + "."
        if text not in seen:  # every statement must be new to the store
            seen.add(text)
            out.append(text)
    return out


# ------------------------------------------------------------------ timing helpers
def _best(fn, repeats: int) -> float:
    """Best wall time of ``repeats`` calls: the least disturbed by the rest of the machine."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="number of new statements (default 2000)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda (falls back to cpu without a GPU)")
    parser.add_argument("--repeats", type=int, default=2, help="best of this many runs of each (default 2)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--smoke", action="store_true", help="40 statements, one run, to check that it runs")
    args = parser.parse_args(argv)
    if args.smoke:
        args.n, args.repeats = 40, 1

    from stance_explorer.encoders.base import SentenceTransformerEncoder, default_model_id
    from stance_explorer.store import EmbeddingStore

    texts = synthetic_statements(args.n, seed=1234)
    encoder = SentenceTransformerEncoder(device=args.device)
    model = encoder.load()  # both paths share the loaded model, so load time is not counted
    print(
        f"{len(texts)} statements, {np.mean([len(t.split()) for t in texts]):.1f} words on average; "
        f"device {model.device}; torch threads {__import__('torch').get_num_threads()}"
    )

    def plain() -> np.ndarray:
        return model.encode(
            texts, batch_size=args.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )

    # Warm-up on a slice: first-call allocations and kernel selection are not what we measure.
    model.encode(texts[:256], batch_size=args.batch_size, normalize_embeddings=True, show_progress_bar=False)

    plain_times, first_times, cached_times = [], [], []
    reports = []
    ref = None
    ours = None
    with tempfile.TemporaryDirectory(prefix="embed-overhead-") as tmp:
        # Alternate plain and ours so drift on the machine (thermal, neighbours) hits both alike.
        for r in range(args.repeats):
            t0 = time.perf_counter()
            ref = plain()
            plain_times.append(time.perf_counter() - t0)

            store = EmbeddingStore(Path(tmp) / f"run{r}", default_model_id())
            t0 = time.perf_counter()
            ours, rep = store.get_or_encode(texts, encoder, batch_size=args.batch_size)
            first_times.append(time.perf_counter() - t0)
            reports.append(rep)

            # Cached: a fresh store object on the same folder, as a new app session would open it.
            def cached(folder: Path = Path(tmp) / f"run{r}") -> None:
                s = EmbeddingStore(folder, default_model_id())
                _, rep2 = s.get_or_encode(texts, encoder, batch_size=args.batch_size)
                assert rep2.new == 0 and rep2.cached == len(texts), rep2

            cached_times.append(_best(cached, 3))

    assert all(rep.new == len(texts) for rep in reports), reports
    cos = np.sum(ref * ours, axis=1)
    t_plain, t_first, t_cached = min(plain_times), min(first_times), min(cached_times)
    n = len(texts)
    ratio = t_plain / t_first
    speedup = t_first / t_cached
    print(f"plain encode runs (s): {', '.join(f'{t:.3f}' for t in plain_times)}")
    print(f"store first runs (s):  {', '.join(f'{t:.3f}' for t in first_times)}")
    print(f"store cached runs (s): {', '.join(f'{t:.4f}' for t in cached_times)}")
    print(f"cosine store vs plain: mean {cos.mean():.6f}, min {cos.min():.6f}")
    print()
    print("| path | seconds | statements/s | ratio | target |")
    print("|---|---:|---:|---:|---|")
    print(f"| plain `SentenceTransformer.encode` | {t_plain:.3f} | {n / t_plain:,.0f} | 1.00 | |")
    print(f"| `get_or_encode`, all new | {t_first:.3f} | {n / t_first:,.0f} | {ratio:.3f} of plain | >= 0.95 |")
    print(
        f"| `get_or_encode`, all cached | {t_cached:.4f} | {n / t_cached:,.0f} | {speedup:,.0f}x faster than first | >= 100x |"
    )
    ok = ratio >= 0.95 and speedup >= 100
    print(
        f"\n{'PASS' if ok else 'MISS'}: throughput ratio {ratio:.3f} (>= 0.95), cached speedup {speedup:,.0f}x (>= 100x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
