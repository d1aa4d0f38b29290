"""What a reader is: a model that reads a claim and statements together and says favor / against / none.

Every reader answers one call, :meth:`Reader.read`, with a :class:`ReaderOutput`: per statement the
probabilities of none / against / favor (columns in ``CODE`` order), whether the reader read it at
all (a reader that knows only English does not read a Spanish statement, and says so), a note on
why not, and optionally the words of the statement that decided the reading.

Readers never see the dataset's rows, only texts; :func:`stance_explorer.stance.reading.read_claim`
aligns their output with the dataset and caches it (:mod:`stance_explorer.stance.readers.cache`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from stance_explorer.stance.axes import Axis
from stance_explorer.stance.methods import AGAINST, FAVOR, LABELS, NONE, StanceArrays

#: Called as ``progress(done, total)`` with counts of statements read so far.
ReadProgress = Callable[[int, int], None]


class ReaderUnavailable(RuntimeError):
    """The reader cannot run here (no weights, no server, no package): the message says what to do."""


@dataclass
class ReaderOutput:
    """A reader's answer for ``n`` statements.

    Attributes:
        probs: (n, 3) float32 probabilities in ``CODE`` order (none, against, favor); rows not read are 0.
        read: (n,) bool: False where the reader did not read the statement (see ``notes``).
        notes: per statement, "" or why it was not read (language, refusal, malformed answer, time-out).
        evidence: per statement, the words of the statement that decided the reading ("" when none given).
        arrays: the exact readings of a reader that reads on a scale (the embedding axis); None for
            readers whose readings are their probabilities.
    """

    probs: np.ndarray
    read: np.ndarray
    notes: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    arrays: StanceArrays | None = None

    def __post_init__(self) -> None:
        n = len(self.probs)
        self.probs = np.asarray(self.probs, dtype=np.float32).reshape(n, len(LABELS))
        self.read = np.asarray(self.read, dtype=bool)
        self.notes = list(self.notes) or [""] * n
        self.evidence = list(self.evidence) or [""] * n
        if not (len(self.read) == len(self.notes) == len(self.evidence) == n):
            raise ValueError("a reader's output must have one entry per statement in every field")

    @classmethod
    def empty(cls, n: int, note: str = "") -> ReaderOutput:
        """``n`` statements, none read, each with ``note``."""
        return cls(np.zeros((n, len(LABELS)), np.float32), np.zeros(n, bool), [note] * n, [""] * n)

    def stance_arrays(self) -> StanceArrays:
        """Label, score and confidence per statement: the most probable label, P(favor) - P(against),
        and the probability of the label. A statement not read is "none" with confidence 0."""
        if self.arrays is not None:
            return self.arrays
        p = self.probs
        label = p.argmax(axis=1).astype(np.int8)
        score = np.clip(p[:, FAVOR] - p[:, AGAINST], -1.0, 1.0).astype(np.float32)
        confidence = p.max(axis=1).astype(np.float32) if len(p) else np.zeros(0, np.float32)
        label[~self.read] = NONE
        score[~self.read] = 0.0
        confidence[~self.read] = 0.0
        return StanceArrays(label, score, confidence)


@runtime_checkable
class Reader(Protocol):
    """A model that reads (claim, statement) into favor / against / none.

    Attributes:
        name: the reader's kind as the CLI and the URL name it (``axis``, ``builtin``, ``nli``, ``llm``, ``csv``).
        version: changes whenever its readings could change (weights, prompt, model id): part of the cache key.
        label: how the app names it on every stance display ("built-in reader (MiniLM cross-encoder, v1)").
        cacheable: whether its readings are worth keeping (the axis reads in milliseconds; models do not).
    """

    name: str
    version: str
    label: str
    cacheable: bool

    def read(self, claim: Axis, texts: Sequence[str], *, progress: ReadProgress | None = None) -> ReaderOutput:
        """Read every statement against the claim.

        Args:
            claim: the claim: ``target``, and what holding (``favor``) and rejecting it (``against``) sound like when given.
            texts: the statements' texts, exactly as quoted.
            progress: called as ``progress(done, total)`` while reading.

        Returns:
            A :class:`ReaderOutput` aligned with ``texts``.

        Raises:
            ReaderUnavailable: when the reader cannot run at all here.
        """
        ...  # pragma: no cover - a protocol


def probs_from_labels(labels: Sequence[str], confidence: Sequence[float]) -> np.ndarray:
    """Probabilities from a named label and its confidence (the rest shared by the other two labels).

    Args:
        labels: "favor", "against" or "none" per statement.
        confidence: the probability of that label, in [0, 1].

    Returns:
        (n, 3) float32 probabilities in ``CODE`` order.
    """
    n = len(labels)
    codes = np.asarray([LABELS.index(lab) for lab in labels], dtype=np.int64)
    c = np.clip(np.asarray(confidence, dtype=np.float32), 0.0, 1.0)
    probs = np.repeat(((1.0 - c) / 2.0)[:, None], len(LABELS), axis=1).astype(np.float32)
    probs[np.arange(n), codes] = c
    return probs


__all__ = [
    "AGAINST",
    "FAVOR",
    "NONE",
    "Axis",
    "ReadProgress",
    "Reader",
    "ReaderOutput",
    "ReaderUnavailable",
    "probs_from_labels",
]
