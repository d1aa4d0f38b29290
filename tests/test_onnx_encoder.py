"""The int8 ONNX encoder: close to the fp32 vectors, its own model id, a cache that heals itself."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from stance_explorer.encoders.base import Encoder, EncoderUnavailable, SentenceTransformerEncoder, default_model_id
from stance_explorer.encoders.onnx import META_NAME, ONNX_NAME, OnnxInt8Encoder
from stance_explorer.store import EmbeddingStore

_SPEAKERS = ["The trade minister", "The president", "The ambassador", "A senior official", "The premier"]
_CLAIMS = [
    "said the tariffs on steel will stay until the border is secure",
    "warned that the USMCA review could put thousands of auto jobs at risk",
    "insisted that security cooperation is going very well",
    "argued that migration numbers have fallen by half since January",
    "called the dairy quotas a violation of the agreement",
    "promised retaliatory duties on energy exports if talks fail",
    "dijo que los aranceles son injustos para las familias mexicanas",
    "a déclaré que l'ACEUM reste essentiel pour l'économie canadienne",
    "irrelevant",
    "shortcomings",
]


def sample_texts() -> list[str]:
    """About 50 varied statements, from one word to past the 256-token limit."""
    texts = [f"{s} {c}." for s in _SPEAKERS for c in _CLAIMS[:8]]
    texts += _CLAIMS[8:] + ["Tariffs.", "We will respond in kind — and soon!"]
    texts.append(" ".join(["The negotiations on rules of origin for cars continue."] * 40))  # > 256 tokens
    return texts


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(scope="module")
def onnx_encoder(onnx_cache) -> OnnxInt8Encoder:
    pytest.importorskip("onnxruntime")
    enc = OnnxInt8Encoder(cache_dir=onnx_cache)
    enc.load()
    return enc


@pytest.fixture(scope="module")
def fp32_encoder() -> SentenceTransformerEncoder:
    enc = SentenceTransformerEncoder()
    enc.load()
    return enc


@pytest.fixture(scope="module")
def vectors(onnx_encoder, fp32_encoder) -> tuple[list[str], np.ndarray, np.ndarray]:
    texts = sample_texts()
    return texts, onnx_encoder.encode(texts, batch_size=8), fp32_encoder.encode(texts)


# ------------------------------------------------------------------ no model needed
def test_import_does_not_import_torch_or_onnxruntime(repo_root):
    code = (
        "import sys, stance_explorer.encoders.onnx; "
        "bad = [m for m in ('torch', 'onnxruntime', 'transformers') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=repo_root)


def test_model_id_differs_from_fp32():
    enc = OnnxInt8Encoder()
    assert isinstance(enc, Encoder)
    assert enc.model_id != default_model_id()
    assert enc.model_id.startswith(default_model_id())
    assert enc.model_id.endswith("+onnx-int8")
    others = {
        OnnxInt8Encoder(per_channel=False).model_id,
        OnnxInt8Encoder(fuse=True).model_id,
        OnnxInt8Encoder(batched=True).model_id,
    }
    assert len(others) == 3 and enc.model_id not in others  # each makes different vectors


def test_missing_onnxruntime_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # makes `import onnxruntime` fail
    with pytest.raises(EncoderUnavailable, match="onnxruntime"):
        OnnxInt8Encoder(cache_dir=tmp_path).encode(["hello"])


# ------------------------------------------------------------------ the real model
@pytest.mark.model
def test_close_to_fp32(vectors):
    texts, int8, fp32 = vectors
    cos = np.sum(int8 * fp32, axis=1)
    assert cos.mean() >= 0.98, cos.mean()
    assert cos.min() >= 0.95, (cos.min(), texts[int(cos.argmin())])


@pytest.mark.model
def test_shape_dtype_normalized(vectors, onnx_encoder):
    texts, int8, _ = vectors
    assert int8.shape == (len(texts), 384)
    assert int8.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-5)
    assert onnx_encoder.encode([]).shape == (0, 384)
    calls = []
    onnx_encoder.encode(texts[:10], batch_size=4, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (10, 10)


@pytest.mark.model
def test_vectors_do_not_depend_on_order_or_batching(vectors, onnx_encoder):
    texts, int8, _ = vectors
    # Each text runs alone (no padding, no shared quantization scale): exactly reproducible.
    perm = np.random.default_rng(0).permutation(len(texts))
    again = onnx_encoder.encode([texts[i] for i in perm], batch_size=3)
    np.testing.assert_allclose(again, int8[perm], atol=1e-6)
    np.testing.assert_allclose(onnx_encoder.encode(texts[:1]), int8[:1], atol=1e-6)


@pytest.mark.model
def test_batched_mode_is_close_and_has_its_own_id(vectors, onnx_encoder, onnx_cache):
    texts, int8, fp32 = vectors
    batched = OnnxInt8Encoder(cache_dir=onnx_cache, batched=True)
    assert batched.model_id not in (onnx_encoder.model_id, default_model_id())
    got = batched.encode(texts, batch_size=16)
    assert batched.load_action == "loaded"  # the same .onnx file serves both modes
    assert np.sum(got * fp32, axis=1).mean() >= 0.98


@pytest.mark.model
def test_store_keeps_int8_and_fp32_apart(tmp_path, vectors, onnx_encoder, fp32_encoder):
    texts, int8, fp32 = vectors
    EmbeddingStore(tmp_path, fp32_encoder.model_id).add(
        np.array([__import__("hashlib").sha256(t.encode()).digest() for t in texts], dtype="S32"), fp32
    )
    store = EmbeddingStore(tmp_path, onnx_encoder.model_id)
    assert len(store) == 0
    assert not store.contains(texts).any()
    got, report = store.get_or_encode(texts, onnx_encoder, batch_size=16)
    assert report.new == len(texts) and report.cached == 0
    np.testing.assert_allclose(got, int8, atol=2e-3)
    with pytest.raises(ValueError):
        store.get_or_encode(texts, fp32_encoder)
    # The fp32 store still has (only) its own vectors.
    fp32_again, found = EmbeddingStore(tmp_path, fp32_encoder.model_id).get(texts)
    assert found.all()
    np.testing.assert_allclose(fp32_again, fp32, atol=1e-6)


@pytest.mark.model
def test_cache_is_reused_and_a_corrupt_file_rebuilt(onnx_encoder, onnx_cache, tmp_path, monkeypatch):
    folder = onnx_encoder.onnx_path.parent
    assert (folder / META_NAME).is_file()
    assert not list(folder.glob(".build-*")), "temporary build folders must be removed"
    meta = json.loads((folder / META_NAME).read_text())
    assert meta["file_id"] == onnx_encoder.file_id

    again = OnnxInt8Encoder(cache_dir=onnx_cache)
    again.load()
    assert again.load_action == "loaded"

    # A copy of the cache with a damaged model file must be rebuilt. The real build is what the
    # fixture above did; here a stand-in build copies the good file back, to keep the test fast.
    copy = tmp_path / "cache"
    shutil.copytree(onnx_cache, copy)
    bad = copy / folder.name / ONNX_NAME
    bad.write_bytes(bad.read_bytes()[:1000])
    built = []

    def fake_build(self, model_path, dest):
        built.append(dest)
        shutil.copy(folder / ONNX_NAME, dest / ONNX_NAME)
        shutil.copy(folder / META_NAME, dest / META_NAME)

    monkeypatch.setattr(OnnxInt8Encoder, "_build", fake_build)
    healed = OnnxInt8Encoder(cache_dir=copy)
    vec = healed.encode(["The tariffs stay."])
    assert built and healed.load_action == "built"
    np.testing.assert_allclose(vec, onnx_encoder.encode(["The tariffs stay."]), atol=1e-6)
