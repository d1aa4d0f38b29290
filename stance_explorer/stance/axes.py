"""Axes: a question in words (target, favor and against poles), the shipped presets, and the axis texts' vectors."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stance_explorer.encoders.text import query_embedding_text
from stance_explorer.files import REPO_ROOT  # noqa: F401  (re-exported by stance; the library reads no file from it)
from stance_explorer.package_data import DataFileError, data_path, read_csv_file
from stance_explorer.stance import methods as M

#: The presets file, inside the package (see :mod:`stance_explorer.package_data`).
AXES_CSV = data_path("stance_axes.csv")

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
    """A shipped axis for one of the bundled topics, with its hand labels when there are some.

    ``aliases``: names the preset had before (old share links name them); ``former``: the axis
    wordings it had before (old share links carry them), both from ``preset_aliases.csv``.
    """

    name: str
    topic: str
    axis: Axis
    labels_path: Path | None = None
    aliases: tuple[str, ...] = ()
    former: tuple[Axis, ...] = ()


_AXIS_COLUMNS = ("name", "topic", "target", "favor", "against", "labels")
_ALIAS_COLUMNS = ("alias", "target", "favor", "against", "preset")


def _aliases(path: Path) -> dict[str, list[tuple[str, Axis]]]:
    """Each preset's former names and wordings, keyed by its current name (none when no alias file)."""
    if not path.is_file():
        return {}
    out: dict[str, list[tuple[str, Axis]]] = {}
    for line, row in enumerate(read_csv_file(path, _ALIAS_COLUMNS).to_dict("records"), start=2):
        try:
            axis = Axis(row["target"], row["favor"], row["against"])
        except ValueError as exc:
            raise DataFileError(f"{path}, line {line}: {exc}") from None
        out.setdefault(row["preset"], []).append((row["alias"], axis))
    return out


def load_presets(path: str | Path | None = None) -> list[Preset]:
    """The preset axes: each a claim a person can be for or against, with its opposite.

    Read from the package's ``stance_axes.csv`` (or ``path``), with the former names and wordings
    in ``preset_aliases.csv`` beside it. A missing or corrupt file is an error naming it, never an
    empty list: an installed package without its presets must say so.

    Args:
        path: The presets CSV (name, topic, target, favor, against, labels); None: the package's.

    Returns:
        The presets, in file order (at least one).

    Raises:
        DataFileError: The file (or its alias file) is missing or unreadable, a row is not a valid
            axis, a labels file it names is missing, or it holds no preset.
    """
    path = data_path("stance_axes.csv") if path is None else Path(path)
    frame = read_csv_file(path, _AXIS_COLUMNS)
    former = _aliases(path.parent / "preset_aliases.csv")
    out = []
    for line, row in enumerate(frame.to_dict("records"), start=2):
        try:
            axis = Axis(row["target"], row["favor"], row["against"])
        except ValueError as exc:
            raise DataFileError(f"{path}, line {line}: {exc}") from None
        labels = row["labels"].strip()
        labels_path = path.parent / labels if labels else None
        if labels_path is not None and not labels_path.is_file():
            raise DataFileError(f"{path}, line {line}: its labels file {labels_path} is missing.")
        name = row["name"].strip() or axis.target
        old = former.get(name, [])
        out.append(Preset(name, row["topic"], axis, labels_path, tuple(a for a, _ in old), tuple(x for _, x in old)))
    if not out:
        raise DataFileError(f"The preset file {path} holds no preset.")
    return out


def preset_named(name: str, presets: Sequence[Preset]) -> Preset | None:
    """The preset called ``name`` now, or called so before (a former name in an old share link).

    Args:
        name: A preset's name or one of its former names.
        presets: The presets, as :func:`load_presets` gives them.

    Returns:
        The preset, or None.
    """
    return next((p for p in presets if p.name == name), None) or next((p for p in presets if name in p.aliases), None)


def preset_formerly(axis: Axis, presets: Sequence[Preset]) -> Preset | None:
    """The preset that was worded as ``axis`` before it was reworded (an old share link's axis).

    Args:
        axis: The axis.
        presets: The presets, as :func:`load_presets` gives them.

    Returns:
        The preset now worded otherwise, or None.
    """
    return next((p for p in presets if axis in p.former and p.axis != axis), None)


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
