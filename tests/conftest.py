"""Shared fixtures.

Sections:
    1. Library tests: a fake encoder, the real packaged model, the bundled dataset.
       (Other sections, e.g. for browser tests, may be added below; keep them self-contained.)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from facts import REPO_ROOT  # noqa: E402  (the one definition: stance_explorer.files.REPO_ROOT)

BUNDLED_CSV_PATH = REPO_ROOT / "stance_explorer" / "data" / "statements.csv"
BUNDLED_STORE_PATH = REPO_ROOT / "embeddings"


# ============================================================================ 1. library tests
class FakeEncoder:
    """A deterministic stand-in for the model: each text maps to a seeded random unit vector.

    ``encoded`` counts texts encoded so far and ``calls`` records the size of every encode call,
    so tests can see exactly what the store asked for. ``fail_on_call`` (1-based) makes that call
    raise, to simulate a crash part-way through a job.
    """

    def __init__(self, dim: int = 32, model_id: str = "fake-encoder", fail_on_call: int | None = None) -> None:
        self.dim = dim
        self._model_id = model_id
        self.fail_on_call = fail_on_call
        self.encoded = 0
        self.calls: list[int] = []
        self.texts: list[str] = []

    @property
    def model_id(self) -> str:
        return self._model_id

    @staticmethod
    def vector(text: str, dim: int = 32) -> np.ndarray:
        """The vector this encoder gives ``text`` (the same formula in every process)."""
        seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress=None) -> np.ndarray:
        texts = list(texts)
        self.calls.append(len(texts))
        if self.fail_on_call is not None and len(self.calls) == self.fail_on_call:
            raise RuntimeError("simulated crash inside the encoder")
        self.encoded += len(texts)
        self.texts.extend(texts)
        if progress is not None:
            progress(len(texts), len(texts))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self.vector(t, self.dim) for t in texts])


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture
def make_fake_encoder():
    """The FakeEncoder class, for tests that need their own settings (dim, model id, a crash)."""
    return FakeEncoder


@pytest.fixture(scope="session")
def real_encoder():
    """The packaged all-MiniLM-L6-v2, loaded once per session. Tests using it are ``@pytest.mark.model``."""
    from stance_explorer.encoders.base import SentenceTransformerEncoder

    enc = SentenceTransformerEncoder()
    enc.load()
    return enc


@pytest.fixture(scope="session")
def bundled():
    """The bundled dataset as the reader returns it (a ReadResult)."""
    from stance_explorer.reader import read_statements

    return read_statements(BUNDLED_CSV_PATH)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="module")
def store_copy(tmp_path_factory) -> Path:
    """A copy of the committed store (one per test module), so no test ever writes into embeddings/."""
    import shutil

    dest = tmp_path_factory.mktemp("store") / "embeddings"
    shutil.copytree(BUNDLED_STORE_PATH, dest)
    return dest


def build_statements(rows: Sequence[dict | tuple], **defaults) -> pd.DataFrame:
    """A statements frame for tests, with every column a reader produces.

    Each row is a dict of column -> value (only ``speaker`` is required) or a
    ``(speaker, date, text)`` tuple. Unset columns take ``defaults``, then: id ``r<i>``, date
    2025-01-01, topic "trade", text ``statement <i>``, language "en", a direct quote, no source.
    """
    from stance_explorer import schema as S

    records = []
    for i, row in enumerate(rows):
        if isinstance(row, tuple):
            row = dict(zip((S.SPEAKER, S.DATE, S.TEXT), row, strict=True))
        base = {
            S.ID: f"r{i}",
            S.DATE: "2025-01-01",
            S.TOPIC: "trade",
            S.TEXT: f"statement {i}",
            S.LANGUAGE: "en",
            S.QUOTE_TYPE: "direct",
            S.SOURCE_URL: "",
        }
        records.append(base | defaults | row)
    frame = pd.DataFrame.from_records(records)
    for col in S.KNOWN_COLUMNS:
        if col not in frame:
            frame[col] = ""
    frame[S.DATE] = pd.to_datetime(frame[S.DATE]).astype("datetime64[ns]")
    return frame


@pytest.fixture(scope="session")
def statement_frame():
    """``statement_frame(rows, **defaults)``: the shared builder of test statement frames (build_statements)."""
    return build_statements
