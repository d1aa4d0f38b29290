"""A topic for each statement from the known data's topics, by shared words; no model."""

from __future__ import annotations

import math
import re
from collections import Counter

import pandas as pd

from stance_explorer import schema as S
from stance_explorer.quotes import words as W

_TOPIC_GLOSSARY = {
    "arancel": "tariffs",
    "aranceles": "tariffs",
    "arancelaria": "tariffs",
    "arancelario": "tariffs",
    "gravámenes": "tariffs",
    "tratado": "usmca",
    "t-mec": "usmca",
    "tmec": "usmca",
    "cusma": "usmca",
    "nafta": "usmca",
    "tlcan": "usmca",
    "revisión": "review",
    "seguridad": "security",
    "cártel": "cartels",
    "cárteles": "cartels",
    "carteles": "cartels",
    "narcotráfico": "drug",
    "fentanilo": "fentanyl",
    "migración": "migration",
    "migrantes": "migrants",
    "frontera": "border",
    "petróleo": "oil",
    "minerales": "minerals",
    "críticos": "critical",
    "acero": "steel",
    "aluminio": "aluminum",
    "comercio": "trade",
    "comercial": "trade",
    "automotriz": "auto",
    "vehículos": "vehicles",
    "soberanía": "sovereignty",
}
_STOP = (
    W.ENGLISH_HINTS
    | W.SPANISH_HINTS
    | frozenset("we our you they their not be will would can could there what which about very".split())
)


def _topic_tokens(text: str) -> list[str]:
    out = []
    for w in re.findall(r"[\w\-]+", text.lower()):
        w = _TOPIC_GLOSSARY.get(w, w)
        if len(w) > 2 and w not in _STOP:
            out.append(w)
    return out


class TopicSuggester:
    """The nearest topic of the known data by shared words (idf-weighted), with a small es→en glossary.

    It loads no model, so it works in the CLI and on the first page alike. When nothing is shared
    the topic stays empty (the reader then writes "unspecified").
    """

    def __init__(self, frame: pd.DataFrame | None) -> None:
        self.topic_words: dict[str, Counter] = {}
        if frame is None or frame.empty or S.TOPIC not in frame:
            self.idf: dict[str, float] = {}
            return
        df: Counter = Counter()
        for topic, g in frame.groupby(S.TOPIC):
            if not str(topic).strip() or topic == "unspecified":
                continue
            words: Counter = Counter()
            for t, ctx in zip(g[S.TEXT].astype(str), g.get(S.CONTEXT, pd.Series([""] * len(g))).astype(str)):
                words.update(_topic_tokens(t + " " + ctx))
            self.topic_words[str(topic)] = words
            df.update(set(words))
        n = max(len(self.topic_words), 1)
        self.idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}
        # Topics with more statements are likelier a priori; a word shared with a tiny topic is weaker evidence.
        self.prior = {t: 1 + 0.15 * math.log1p(sum(1 for _ in g.itertuples())) for t, g in frame.groupby(S.TOPIC)}

    def suggest(self, text: str) -> str:
        """The known topic that shares the most (idf-weighted) words with a text.

        Args:
            text: A statement's words (the extractor passes the quote twice and its sentence once).

        Returns:
            The topic, or "" when the text shares no word with any topic.
        """
        toks = _topic_tokens(text)
        best, best_score = "", 0.0
        for topic, words in self.topic_words.items():
            total = sum(words.values()) or 1
            score = self.prior.get(topic, 1.0) * sum(
                self.idf.get(w, 0.0) * (words[w] / total) ** 0.5 for w in set(toks) if w in words
            )
            if score > best_score:
                best, best_score = topic, score
        return best
