"""The bulk GPU encoder, checked on the CPU: same vectors as the default encoder, honest fallback."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from stance_explorer.encoders.base import Encoder, SentenceTransformerEncoder, default_model_id
from stance_explorer.encoders.gpu import FastGpuEncoder

TEXTS = [
    f"{who} {what}."
    for who in ("The trade minister", "A senior official", "The premier of Ontario")
    for what in (
        "said the tariffs on steel will stay until the border is secure",
        "warned that the USMCA review could put thousands of auto jobs at risk",
        "insisted that security cooperation is going very well",
        "argued that migration numbers have fallen by half since January",
        "called the dairy quotas a violation of the agreement",
        "dijo que los aranceles son injustos para las familias",
        "a déclaré que l'ACEUM reste essentiel",
        "irrelevant",
        "promised retaliatory duties on energy exports if talks fail, and added that nobody wins a trade war",
    )
] + ["x", "", "[PAD] is a special token", " ".join(["The talks on rules of origin continue."] * 50)]


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return SentenceTransformerEncoder().encode(TEXTS)


@pytest.fixture(scope="module")
def cpu_encoder() -> FastGpuEncoder:
    enc = FastGpuEncoder(device="cpu", gpu_chunk=16, workers=2, prefetch=2)
    enc.load()
    return enc


def test_import_does_not_import_torch(repo_root):
    code = "import sys, stance_explorer.encoders.gpu; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=repo_root)


def test_protocol_and_model_id():
    enc = FastGpuEncoder()
    assert isinstance(enc, Encoder)
    # fp16 vectors are kept apart from the exact fp32 ones in the store; fp32 mode shares their id.
    assert enc.model_id == default_model_id() + "+fp16"
    assert FastGpuEncoder(fp16=False).model_id == default_model_id()
    assert FastGpuEncoder(model_id="custom").model_id == "custom"


@pytest.mark.model
def test_matches_sentence_transformers_on_cpu(cpu_encoder, reference):
    # Small batches and chunks exercise padding, prefetching and the chunked copy-back.
    calls = []
    got = cpu_encoder.encode(TEXTS, batch_size=5, progress=lambda d, t: calls.append((d, t)))
    assert got.shape == reference.shape and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    cos = np.sum(got * reference, axis=1)
    assert cos.min() >= 0.999, (cos.min(), TEXTS[int(cos.argmin())])
    assert calls[-1] == (len(TEXTS), len(TEXTS))
    assert cpu_encoder.device == "cpu" and cpu_encoder.device_message is None
    assert cpu_encoder.encode([]).shape == (0, 384)


@pytest.mark.model
def test_cuda_request_without_gpu_falls_back_with_a_message(caplog, reference):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present: there is nothing to fall back from")
    enc = FastGpuEncoder(device="cuda", workers=2)
    got = enc.encode(TEXTS[:6])
    assert enc.device == "cpu"
    assert enc.device_message and "CUDA" in enc.device_message
    assert any("CUDA" in r.getMessage() for r in caplog.records)
    assert np.sum(got * reference[:6], axis=1).min() >= 0.999
