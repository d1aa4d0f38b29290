"""Labelled regions of the map: k-means clusters of the map positions, each named by its most
distinctive words, scored the way BERTopic's c-TF-IDF scores a topic.

c-TF-IDF treats each cluster as one document (all its statements together). A word's score in a
cluster is its frequency there (share of the cluster's words) times ``log(1 + A / f)``, where ``f``
is the word's count over all clusters and ``A`` the mean number of words per cluster: words common
in one region and rare elsewhere win. Clusters are made on the 2-D positions, so a region is a
patch of the map the reader sees, and its label sits in its middle.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from stance_explorer import schema as S

#: Texts read per map for the labels; a bigger map is sampled (seeded) to keep the page fast.
MAX_LABEL_TEXTS = 20_000
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")  # "don't" is one word, not "don" and "t"
#: Function words of English and Spanish (the bundled data's languages) and speech fillers.
STOP_WORDS = frozenset(
    """
    the and for are but not you your yours with this that these those there their they them then than
    have has had having was were been being will would shall should could can cannot may might must
    our ours ourselves who whom whose which what when where why how all any both each few more most
    other some such only own same too very just also into onto from about above below over under again
    further once here out off its it's itself him his her hers she herself himself because until while
    whether through during before after between against upon via per yes yet nor does did doing done
    going gonna get got getting let lot lots really well said says say saying told tell want wants
    think know see make made way thing things one two three many much every even still never ever
    like now today year years time times back going come came people very who's that's we're we've
    i'm don't didn't isn't aren't won't can't it's let's there's what's going doesn't wasn't we'll they're
    you're that'll i've i'll
    los las del que por para con una uno unos unas como más pero sus les este esta estos estas ese esa
    eso esos esas muy sin sobre entre también hasta desde donde cuando porque nos nuestro nuestra
    nuestros nuestras ser está están son fue han hay todo todos toda todas qué cómo sea ella ellos
    """.split()
)


def kmeans(xy: np.ndarray, k: int, *, seed: int = 0, iters: int = 50) -> np.ndarray:
    """Cluster label per row of ``xy`` (k-means++ start, Lloyd's steps), repeatable with ``seed``.

    Args:
        xy: (n, 2) map positions.
        k: Number of clusters, clamped to 1..n.
        seed: Random seed.
        iters: Most Lloyd steps.

    Returns:
        An int64 cluster label per row.
    """
    x = np.asarray(xy, dtype=np.float64)
    n = len(x)
    k = max(1, min(k, n))
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    rng = np.random.default_rng(seed)
    centres = [x[rng.integers(n)]]
    d2 = ((x - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = d2.sum()
        pick = rng.choice(n, p=d2 / total) if total > 0 else rng.integers(n)
        centres.append(x[pick])
        d2 = np.minimum(d2, ((x - x[pick]) ** 2).sum(axis=1))
    c = np.array(centres)
    labels = np.zeros(n, dtype=np.int64)
    for step in range(iters):
        dist = ((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        new = dist.argmin(axis=1)
        if step and np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            members = x[labels == j]
            if len(members):
                c[j] = members.mean(axis=0)
    return labels


def words(text: str) -> list[str]:
    """Lower-case words of three letters or more, without function words.

    Args:
        text: Any text.

    Returns:
        The words, in order, repeats kept.
    """
    found = [w.removesuffix("'s") for w in _WORD.findall(str(text).lower().replace("’", "'"))]
    return [w for w in found if len(w) >= 3 and w not in STOP_WORDS]


def ctfidf_words(texts: list[str], labels: np.ndarray, *, top: int = 3) -> dict[int, list[str]]:
    """The ``top`` most distinctive words of each cluster label, best first (c-TF-IDF).

    A word counts once per statement, and in a cluster of four statements or more it must occur in
    two of them: one long quote repeating a word, or one odd word, does not name a region.

    Args:
        texts: The statement texts.
        labels: Cluster label per text.
        top: Words per cluster.

    Returns:
        Cluster label to its words; empty without texts.
    """
    per_cluster: dict[int, Counter] = {}
    sizes: Counter = Counter()
    for text, label in zip(texts, labels):
        per_cluster.setdefault(int(label), Counter()).update(set(words(text)))
        sizes[int(label)] += 1
    for label, counts in per_cluster.items():
        if sizes[label] >= 4:
            per_cluster[label] = Counter({w: c for w, c in counts.items() if c >= 2}) or counts
    if not per_cluster:
        return {}
    overall: Counter = Counter()
    for counts in per_cluster.values():
        overall.update(counts)
    mean_words = sum(overall.values()) / len(per_cluster)
    out = {}
    for label, counts in per_cluster.items():
        size = sum(counts.values()) or 1
        scored = sorted(counts, key=lambda w: (-(counts[w] / size) * np.log(1 + mean_words / overall[w]), w))
        out[label] = scored[:top]
    return out


def regions(
    frame: pd.DataFrame, xy: np.ndarray, k: int, *, seed: int = 0, top: int = 3
) -> tuple[np.ndarray, pd.DataFrame]:
    """Cluster the map into ``k`` regions and label each.

    Returns (region per row, one row per region): ``region``, ``x``/``y`` (the median position of its
    statements, where the label goes), ``statements``, ``words`` (best first) and ``label`` (the words
    joined), ``speakers`` (the three with the most statements there).

    Args:
        frame: The statements, row-aligned with ``xy``.
        xy: (n, 2) map positions.
        k: Number of regions.
        seed: Random seed of the clustering and the text sample.
        top: Words per label.

    Returns:
        (region label per row, the regions table above).
    """
    labels = kmeans(xy, k, seed=seed)
    sample = np.arange(len(frame))
    if len(sample) > MAX_LABEL_TEXTS:
        sample = np.sort(np.random.default_rng(seed).choice(len(frame), MAX_LABEL_TEXTS, replace=False))
    best = ctfidf_words(frame[S.TEXT].iloc[sample].tolist(), labels[sample], top=top)
    rows = []
    speakers = frame[S.SPEAKER].to_numpy()
    for region in np.unique(labels):
        members = labels == region
        top_speakers = pd.Series(speakers[members]).value_counts().head(3).index.tolist()
        w = best.get(int(region), [])
        med = np.median(xy[members], axis=0)
        rows.append([int(region), float(med[0]), float(med[1]), int(members.sum()), w, " · ".join(w), top_speakers])
    table = pd.DataFrame(rows, columns=["region", "x", "y", "statements", "words", "label", "speakers"])
    return labels, table
