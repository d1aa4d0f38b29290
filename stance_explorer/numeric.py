"""Low-level numeric helpers on arrays of vectors, shared by the encoders and the analysis."""

from __future__ import annotations

import numpy as np


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """L2-normalize each row, returned as float32; zero rows stay zero instead of becoming NaN.

    Float64 input (sums of vectors) is divided in float64 and only then cast.

    Args:
        vectors: A 2-D array, one vector a row.

    Returns:
        The unit rows as float32.
    """
    vectors = np.asarray(vectors)
    if vectors.dtype != np.float64:
        vectors = vectors.astype(np.float32, copy=False)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)
