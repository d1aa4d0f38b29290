"""Axes: a question in words (target, favor and against poles), the shipped presets, and the axis texts' vectors."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from stance_explorer.encoders.text import query_embedding_text
from stance_explorer.stance import methods as M

REPO_ROOT = Path(__file__).resolve().parents[2]
AXES_CSV = REPO_ROOT / "data" / "stance_axes.csv"

LABELS = M.LABELS  # ("none", "against", "favor"), codes 0, 1, 2
NONE, AGAINST, FAVOR = 0, 1, 2
CODE = {name: i for i, name in enumerate(LABELS)}
#: Below this confidence a reading is shown as tentative (lighter, hollow markers, a "low" flag).
LOW_CONFIDENCE = 0.5
#: A speaker's (or a period's) mean score past this is a side; within it, "mixed".
SIDE_THRESHOLD = 0.25


# ---------------------------------------------------------------------------- the axis
@dataclass(frozen=True)
class Axis:
    """A stance question in words. ``favor``/``against`` empty: derived from the target."""

    target: str
    favor: str = ""
    against: str = ""

    def __post_init__(self) -> None:
        for name in ("target", "favor", "against"):
            object.__setattr__(self, name, " ".join(str(getattr(self, name) or "").split()))
        if not self.target:
            raise ValueError("An axis needs a target: say what the statements take a position on.")

    def texts(self) -> dict[str, list[str]]:
        """The texts to encode, keyed "target", "favor", "against" (derived poles included)."""
        return M.axis_texts(self.target, self.favor or None, self.against or None)

    @property
    def claim(self) -> str:
        """The sentence a reader reads statements against: the favor wording, else the target."""
        return self.favor or self.target

    @property
    def key(self) -> str:
        """A short id of the axis wording: labels and cached scores belong to one axis."""
        raw = "\x1f".join((self.target, self.favor, self.against)).encode("utf-8")
        return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class Preset:
    """A shipped axis for one of the bundled topics, with its hand labels when there are some."""

    name: str
    topic: str
    axis: Axis
    labels_path: Path | None = None


def load_presets(path: str | Path = AXES_CSV) -> list[Preset]:
    """The preset axes (``data/stance_axes.csv``); an unreadable file gives no presets, never an error.

    Args:
        path: The presets CSV (target, favor, against, ...).

    Returns:
        The presets whose rows make a valid axis, in file order.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError):
        return []
    out = []
    for _, row in frame.iterrows():
        try:
            axis = Axis(row.get("target", ""), row.get("favor", ""), row.get("against", ""))
        except ValueError:
            continue
        labels = (row.get("labels") or "").strip()
        out.append(
            Preset(
                row.get("name", "") or axis.target, row.get("topic", ""), axis, path.parent / labels if labels else None
            )
        )
    return out


def preset_for(axis: Axis, presets: Sequence[Preset]) -> Preset | None:
    """The preset with this axis wording, if any.

    Args:
        axis: The axis.
        presets: The presets, as :func:`load_presets` gives them.

    Returns:
        The first preset with exactly this axis, or None.
    """
    return next((p for p in presets if p.axis == axis), None)


# ---------------------------------------------------------------------------- vectors and scores
def axis_embedding_texts(axis: Axis, rules=None) -> tuple[list[str], list[tuple[str, int, int]]]:
    """Every text the axis needs embedded (with the model's text rules, like search phrases), and each key's slice.

    ``rules``: the encoder's text rules (None: the default ones), so an axis is embedded the way the
    statements it is compared with were.

    Args:
        axis: The axis.
        rules: The encoder's text rules; None for the default ones.

    Returns:
        (the texts, (key, start, end) per key of ``axis.texts()`` naming its slice of them).
    """
    texts, spans = [], []
    for key, items in axis.texts().items():
        spans.append((key, len(texts), len(texts) + len(items)))
        texts.extend(query_embedding_text(t) if rules is None else query_embedding_text(t, rules) for t in items)
    return texts, spans


def axis_vectors(source, axis: Axis, *, encode: bool = True) -> dict[str, np.ndarray] | None:
    """A stance axis's vectors by pole key, from a vector source's stores first (its model's text rules).

    Args:
        source: a :class:`~stance_explorer.vectors.VectorSource` (the model the statements were read by).
        axis: the axis.
        encode: False to answer None instead of encoding what no store holds.

    Returns:
        ``{pole key: vectors}``, or None when some text is in no store and ``encode`` is False.

    Raises:
        EncoderUnavailable: when a text must be encoded and no model is here.
    """
    texts, spans = axis_embedding_texts(axis, source.model.rules)
    got = source.vectors(texts, encode=encode)
    if not got.found.all():
        return None
    return {key: got.vectors[a:b] for key, a, b in spans}
