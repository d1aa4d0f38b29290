"""The ``axis`` reader: where a statement's embedding sits between two pole sentences.

An embedding encodes what a statement is about more than the position it takes, so this reader is
near a coin flip on direction (TweetEval zero-shot F_avg 0.49). It stays for comparison and as the
fallback when no other reader can run, and the app never presents it as more than that.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stance_explorer.encoders.text import statement_embedding_text
from stance_explorer.stance import methods as M
from stance_explorer.stance.axes import Axis, axis_vectors
from stance_explorer.stance.readers.base import ReaderOutput, ReaderUnavailable, ReadProgress, probs_from_labels
from stance_explorer.vectors import VectorSource


class AxisReader:
    """Reads a claim as an embedding axis (the pre-reader method), with the dataset's own model.

    Args:
        source: the model and the stores its vectors are looked up in (the axis texts are encoded
            through it when no store has them).
        encode: False to read only axes whose vectors are stored (no model is loaded).
    """

    name = "axis"
    cacheable = False

    def __init__(self, source: VectorSource, *, encode: bool = True) -> None:
        self.source = source
        self.encode = encode
        self.version = source.model_id
        self.label = f"the embedding axis ({source.model.name}): a topic measure, often wrong on direction"
        self._axes: dict[str, dict[str, np.ndarray]] = {}

    def pole_vectors(self, claim: Axis) -> dict[str, np.ndarray]:
        """The claim's pole vectors (target, favor, against) by this reader's model.

        Args:
            claim: the claim.

        Returns:
            Unit vectors keyed "target", "favor" and "against".

        Raises:
            ReaderUnavailable: when they are not stored and the model cannot encode them here.
        """
        if claim.key not in self._axes:
            try:
                vecs = axis_vectors(self.source, claim, encode=self.encode)
            except Exception as exc:  # EncoderUnavailable, or a model that fails to load
                raise ReaderUnavailable(f"The embedding model cannot read this claim here: {exc}") from exc
            if vecs is None:
                raise ReaderUnavailable("This claim has not been read by the embedding model yet.")
            self._axes[claim.key] = vecs
        return self._axes[claim.key]

    def read_vectors(self, claim: Axis, X: np.ndarray) -> ReaderOutput:
        """Read statements whose vectors (by this reader's model) the caller already has.

        Args:
            claim: the claim.
            X: (n, d) unit vectors of the statements.

        Returns:
            The readings, with the exact axis scores in ``arrays``.
        """
        arrays = M.zero_shot(np.asarray(X), self.pole_vectors(claim), model_id=self.version)
        names = [M.LABELS[int(c)] for c in arrays.label]
        probs = probs_from_labels(names, arrays.confidence)
        return ReaderOutput(probs, np.ones(len(X), dtype=bool), arrays=arrays)

    def read(self, claim: Axis, texts: Sequence[str], *, progress: ReadProgress | None = None) -> ReaderOutput:
        """Read statements from their texts (their vectors are looked up, or encoded by the model).

        Args:
            claim: the claim.
            texts: the statements' texts.
            progress: called while new texts are encoded.

        Returns:
            The readings aligned with ``texts``.
        """
        model_texts = [statement_embedding_text(t, rules=self.source.model.rules) for t in texts]
        try:
            got = self.source.vectors(model_texts, progress=progress, encode=self.encode)
        except Exception as exc:
            raise ReaderUnavailable(f"The embedding model cannot read these statements here: {exc}") from exc
        out = self.read_vectors(claim, got.vectors) if got.found.all() else ReaderOutput.empty(len(texts))
        if not got.found.all():
            out.notes = ["not embedded yet" if not f else "" for f in got.found]
        return out
