"""Seeded synthetic corpora for scale benchmarks: 10k to 1M statements with random unit vectors.

For benchmarks only. The texts are template sentences and the vectors are random; nothing here is
a real quote, and none of it is ever written under stance_explorer/data/.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

FIRST = [
    "Ana",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Frank",
    "Grace",
    "Hugo",
    "Irene",
    "Jorge",
    "Karen",
    "Luis",
    "Marta",
    "Nadia",
    "Omar",
    "Paula",
    "Quentin",
    "Rosa",
    "Samuel",
    "Teresa",
    "Ulises",
    "Vera",
    "Walter",
    "Ximena",
]
LAST = [
    "Alvarez",
    "Brooks",
    "Castillo",
    "Dubois",
    "Evans",
    "Flores",
    "Garcia",
    "Hughes",
    "Ibarra",
    "Jensen",
    "Keller",
    "Lopez",
    "Martin",
    "Navarro",
    "Olsen",
    "Perez",
    "Quinn",
    "Romero",
    "Smith",
    "Tremblay",
]
ROLES = [
    "Minister of Trade",
    "Secretary of State",
    "President",
    "Prime Minister",
    "Trade Representative",
    "Governor",
    "Senator",
]
COUNTRIES = ["United States", "Mexico", "Canada"]
TOPICS = [
    "USMCA/trade",
    "tariffs",
    "security/cartels",
    "bilateral relations",
    "migration",
    "Cuba/energy",
    "China",
    "critical minerals",
    "autos",
    "agriculture",
    "energy",
    "steel",
    "labor",
    "digital trade",
    "dairy",
    "other",
]
SUBJECTS = [
    "the trade agreement",
    "our tariffs",
    "border security",
    "the review",
    "our partners",
    "the auto sector",
    "farm exports",
    "the negotiations",
    "cartel violence",
    "energy investment",
    "supply chains",
    "the deal",
]
VERBS = [
    "will strengthen",
    "is undermining",
    "must protect",
    "cannot ignore",
    "is essential to",
    "will not decide",
    "has damaged",
    "is improving",
    "needs to respect",
    "is irrelevant to",
    "will reshape",
    "keeps threatening",
]
OBJECTS = [
    "workers in all three countries",
    "our sovereignty",
    "jobs and growth",
    "the national interest",
    "regional integration",
    "investment from abroad",
    "our farmers",
    "consumers",
    "the rule of law",
    "manufacturing",
]
TAILS = [
    "",
    " We said so from the start.",
    " That is very clear.",
    " Nothing is decided yet.",
    " We are talking every day.",
    " This is not negotiable.",
    " The talks continue next week.",
    " Everyone knows this.",
]


def speaker_names(n: int) -> list[str]:
    """The made-up names of ``generate``'s speakers, most active first."""
    return [
        f"{FIRST[i % len(FIRST)]} {LAST[(i * 7 + i // len(FIRST)) % len(LAST)]}"
        + (f" {i // 480 + 1}" if i >= 480 else "")
        for i in range(n)
    ]


def generate(n: int, *, seed: int = 0, dim: int = 384, speakers: int = 300) -> tuple[pd.DataFrame, np.ndarray]:
    """A statements table of ``n`` rows and its ``(n, dim)`` float32 unit vectors."""
    rng = np.random.default_rng(seed)
    names = speaker_names(speakers)
    # A few speakers say most of it, as in real coverage (Zipf-like weights).
    w = 1.0 / np.arange(1, speakers + 1) ** 0.9
    spk = rng.choice(speakers, size=n, p=w / w.sum())
    topic = rng.choice(len(TOPICS), size=n, p=np.r_[np.full(8, 0.09), np.full(8, 0.035)])
    start = np.datetime64("2016-01-01")
    days = rng.integers(0, 3652, size=n)
    parts = [rng.integers(0, len(a), size=n) for a in (SUBJECTS, VERBS, OBJECTS, TAILS)]
    texts = [
        f"{SUBJECTS[a].capitalize()} {VERBS[b]} {OBJECTS[c]}.{TAILS[d]} (#{i})"
        for i, (a, b, c, d) in enumerate(zip(*parts))
    ]
    frame = pd.DataFrame(
        {
            "id": [f"SYN{i:07d}" for i in range(n)],
            "speaker": np.array(names, dtype=object)[spk],
            "role": np.array(ROLES, dtype=object)[spk % len(ROLES)],
            "country": np.array(COUNTRIES, dtype=object)[spk % len(COUNTRIES)],
            "date": (start + days).astype("datetime64[ns]"),
            "date_precision": "day",
            "topic": np.array(TOPICS, dtype=object)[topic],
            "text": texts,
            "language": "en",
            "quote_type": "direct",
            "source_title": "synthetic benchmark data",
            "source_url": "",
            "context": "",
        }
    )
    vectors = rng.standard_normal((n, dim), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return frame, vectors


#: Squared weight of each part of a clustered vector, so each part's share of the cosine is known.
#: Calibrated on the bundled MiniLM vectors: any two statements average a cosine of 0.21, two on the
#: same topic 0.25, two by the same speaker 0.25, the same speaker and topic 0.31.
CLUSTER_PARTS = {"common": 0.20, "topic": 0.05, "subtopic": 0.12, "speaker": 0.05, "speaker_year": 0.03, "noise": 0.55}


def clustered_vectors(frame: pd.DataFrame, *, seed: int = 0, dim: int = 384, subtopics: int = 8) -> np.ndarray:
    """Unit vectors with the structure of real statement embeddings, for a ``generate`` frame.

    Each vector sums a direction all statements share (sentence embeddings are anisotropic), its
    topic's, one of the topic's ``subtopics`` (statements on one point of a topic), its speaker's
    slant, a drift of that speaker in that year, and noise; weights in ``CLUSTER_PARTS``. The map
    benchmarks use it: random unit vectors have no neighbourhoods for a projection to keep.
    """
    rng = np.random.default_rng(seed + 1)

    def directions(k: int) -> np.ndarray:
        d = rng.standard_normal((k, dim)).astype(np.float32)
        return d / np.linalg.norm(d, axis=1, keepdims=True)

    n = len(frame)
    topic = pd.factorize(frame["topic"])[0]
    speaker = pd.factorize(frame["speaker"])[0]
    year = frame["date"].dt.year.to_numpy()
    speaker_year = pd.factorize(pd.Series(speaker) * 10_000 + year)[0]
    sub = topic * subtopics + rng.integers(0, subtopics, size=n)
    w = {k: np.float32(np.sqrt(v)) for k, v in CLUSTER_PARTS.items()}
    vectors = w["common"] * directions(1)[np.zeros(n, dtype=int)]
    vectors += w["topic"] * directions(topic.max() + 1)[topic]
    vectors += w["subtopic"] * directions(sub.max() + 1)[sub]
    vectors += w["speaker"] * directions(speaker.max() + 1)[speaker]
    vectors += w["speaker_year"] * directions(speaker_year.max() + 1)[speaker_year]
    vectors += w["noise"] * directions(n)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def write_corpus(
    n: int, out_dir: Path, *, seed: int = 0, dtype: str = "float32", clustered: bool = False
) -> tuple[Path, Path]:
    """Write ``statements.csv`` and a store of its vectors (under the default model id) to ``out_dir``.

    The app reads them with STANCE_EXPLORER_DATA / STANCE_EXPLORER_STORE set to these paths.
    """
    from stance_explorer.encoders.base import default_model_id
    from stance_explorer.encoders.text import embedding_texts
    from stance_explorer.store import EmbeddingStore, text_keys

    out_dir.mkdir(parents=True, exist_ok=True)
    frame, vectors = generate(n, seed=seed)
    if clustered:
        vectors = clustered_vectors(frame, seed=seed)
    csv_path = out_dir / "statements.csv"
    frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d")).to_csv(csv_path, index=False)
    store_dir = out_dir / "embeddings"
    store = EmbeddingStore(store_dir, default_model_id(), dtype=dtype)
    if len(store) < n:
        store.add(text_keys(embedding_texts(frame)), vectors, prefix="bundled")
    return csv_path, store_dir


def main(argv: list[str] | None = None) -> None:
    """Write a corpus folder: ``python benchmarks/synthetic.py N OUT [--seed S]`` (``--smoke``: 200 statements, thrown away)."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("n", type=int, nargs="?", help="statements")
    ap.add_argument("out", type=Path, nargs="?", help="folder to write the corpus to")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--smoke", action="store_true", help="200 statements in a temporary folder, to check that it runs")
    args = ap.parse_args(argv)
    if args.smoke:
        with tempfile.TemporaryDirectory() as tmp:
            print(write_corpus(200, Path(tmp) / "corpus", seed=args.seed))
        return
    if args.n is None or args.out is None:
        ap.error("N and OUT are required (or --smoke)")
    print(write_corpus(args.n, args.out, seed=args.seed))


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the library beside it
    main()
