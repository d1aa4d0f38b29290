"""Do the two embedding-text rules of stance_explorer/encoders/text.py help each model? Prints numbers.

    python benchmarks/text_rules.py [--model minilm|multilingual ...]
    python benchmarks/text_rules.py --smoke   # MiniLM, both rules on only: does it still run?

For each model, with the rule on and off (everything else equal):

* **Trade-deal gloss.** (a) the margin cos("The USMCA is irrelevant to us", "it wouldn't matter to
  me if the deal expired") − cos(same, "security cooperation is going very well"): positive means
  the same-stance sentence wins; (b) the rank, among the 199 bundled statements, of the best of
  Trump's January 2026 "irrelevant" statements (S166, S190) for the search "the trade deal is
  irrelevant"; (c) the mean rank of every bundled statement that names an acronym for the search
  "the trade deal" (lower is better).
* **Partial-quote context.** The rank of Greer's one-word "shortcomings" (S191) for the search
  "shortcomings", and of Trump's "irrelevant" (S190) for "the trade deal does not matter".

The bundled data and its quotes are never changed; only the text given to the model changes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stance_explorer import schema as S  # noqa: E402
from stance_explorer.dataset import BUNDLED_CSV  # noqa: E402
from stance_explorer.encoders.models import MODELS, get_encoder  # noqa: E402
from stance_explorer.encoders.text import TRADE_DEAL_ACRONYMS, TextRules, embedding_texts, query_embedding_text  # noqa: E402
from stance_explorer.reader import read_statements  # noqa: E402


def rank(scores: np.ndarray, rows: list[int]) -> int:
    """1-based rank of the best of ``rows`` among all scores."""
    order = np.argsort(-scores, kind="stable")
    return int(min(np.flatnonzero(np.isin(order, rows)))) + 1


def measure(name: str, frame, settings=((True, True), (True, False), (False, True), (False, False))) -> None:
    """Print one line per (gloss, partial-context) setting."""
    enc = get_encoder(name)
    ids = frame[S.ID].tolist()
    trump = [ids.index("S166"), ids.index("S190")]
    greer, irrelevant = ids.index("S191"), ids.index("S190")
    acr = [i for i, t in enumerate(frame[S.TEXT]) if any(a.lower() in t.lower() for a in TRADE_DEAL_ACRONYMS)]
    for gloss, partial in settings:
        rules = TextRules(gloss=gloss, partial_context=partial)
        vecs = enc.encode(embedding_texts(frame, rules))
        q = enc.encode(
            [
                query_embedding_text(p, rules)
                for p in (
                    "The USMCA is irrelevant to us",
                    "it wouldn't matter to me if the deal expired",
                    "security cooperation is going very well",
                    "the trade deal is irrelevant",
                    "the trade deal",
                    "shortcomings",
                    "the trade deal does not matter",
                )
            ]
        )
        margin = float(q[0] @ q[1] - q[0] @ q[2])
        r_trump = rank(vecs @ q[3], trump)
        deal = vecs @ q[4]
        order = np.argsort(-deal, kind="stable")
        mean_acr = float(np.mean([int(np.flatnonzero(order == i)[0]) + 1 for i in acr]))
        r_greer = rank(vecs @ q[5], [greer])
        r_irr = rank(vecs @ q[6], [irrelevant])
        print(
            f"{name:12s} gloss={'on ' if gloss else 'off'} partial-context={'on ' if partial else 'off'}  "
            f"margin {margin:+.3f}  'trade deal is irrelevant'→Trump #{r_trump}  "
            f"'the trade deal'→acronym statements mean #{mean_acr:.0f} ({len(acr)})  "
            f"'shortcomings'→Greer #{r_greer}  'trade deal does not matter'→'irrelevant' #{r_irr}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", action="append", choices=sorted(MODELS), help="default: every model")
    ap.add_argument("--smoke", action="store_true", help="MiniLM with both rules on, to check that it runs")
    args = ap.parse_args()
    frame = read_statements(BUNDLED_CSV).frame
    if args.smoke:
        measure("minilm", frame, settings=((True, True),))
        return
    for name in args.model or list(MODELS):
        measure(name, frame)


if __name__ == "__main__":
    main()
