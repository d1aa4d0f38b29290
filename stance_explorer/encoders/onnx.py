"""A faster CPU encoder: the packaged model exported to ONNX and quantized to int8.

``OnnxInt8Encoder`` implements the :class:`~stance_explorer.encoders.base.Encoder` protocol with
onnxruntime alone at encode time. The first use builds the ``.onnx`` file from the same weights
the fp32 encoder uses (``torch.onnx.export`` with mean pooling and normalization in the graph ->
dynamic int8 quantization with per-channel weight scales; onnxruntime fuses the graph when it
loads it) and caches it on disk; later uses only load it.

Its vectors are close to the fp32 ones (mean cosine about 0.99) but not equal, so its
``model_id`` carries a ``+onnx-int8`` suffix and the embedding store keeps them apart.

Dynamic quantization picks each activation scale from the whole input tensor, so in a padded
batch a text's vector depends on its neighbours (and on the padding): two batchings of the same
text agree only to a cosine of ~0.99, as far apart as int8 is from fp32. A store keyed by text
needs a text's vector to be a function of the text, so by default each text is run on its own
(no padding, exactly reproducible) with one single-threaded run per core in parallel, which was
measured as fast as padded batches on 2 cores. ``batched=True`` gives the length-sorted padded
batches with intra-op threads instead, under its own model id.

Nothing heavy is imported at module import: onnxruntime, tokenizers and (for a build) torch are
imported on first use.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from stance_explorer.encoders.base import (
    EncoderUnavailable,
    Progress,
    base_model_id,
    chosen_model,
    default_model_path,
    load_local_tokenizer,
    max_seq_length,
)
from stance_explorer.files import REPO_ROOT, model_slug
from stance_explorer.numeric import normalize_rows

log = logging.getLogger(__name__)

#: Appended to the fp32 model id: the store must never mix int8 vectors with fp32 ones.
ID_SUFFIX = "+onnx-int8"
#: Bump when the export/quantization recipe changes, so cached files are rebuilt.
RECIPE_VERSION = 1
#: Where built models go unless told otherwise (gitignored: they are rebuilt in seconds).
DEFAULT_CACHE_DIR = REPO_ROOT / "embeddings" / "onnx"
ONNX_NAME = "model.int8.onnx"
META_NAME = "meta.json"
#: Architectures the onnxruntime transformer optimizer knows how to fuse.
_FUSABLE = {"bert", "roberta", "distilbert", "xlm-roberta", "mpnet"}


def available_cores() -> int:
    """CPU cores this process may run on (cgroup/affinity aware where the OS says so).

    ``OMP_NUM_THREADS``, when set, caps it: a Ray worker granted one CPU sets it to 1, so that two
    workers on two cores do not run four threads.

    Returns:
        The number of cores, at least 1.
    """
    cap = os.environ.get("OMP_NUM_THREADS", "")
    if cap.isdigit() and int(cap) > 0:
        return int(cap)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _versions() -> dict[str, str]:
    """Versions that change the built file; a different one triggers a rebuild."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"recipe": str(RECIPE_VERSION)}
    for pkg in ("onnxruntime", "onnx"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "missing"
    return out


def _model_config(path: Path) -> tuple[int, str, int, int]:
    """(max_seq_length, model_type, num_heads, hidden_size) from a sentence-transformers folder."""
    cfg = json.loads((path / "config.json").read_text("utf-8"))
    return (
        max_seq_length(path),
        str(cfg.get("model_type", "")),
        int(cfg.get("num_attention_heads", 0)),
        int(cfg.get("hidden_size", 0)),
    )


def _pooling_is_mean(path: Path) -> bool:
    pool = path / "1_Pooling" / "config.json"
    if not pool.is_file():
        return True
    cfg = json.loads(pool.read_text("utf-8"))
    return bool(cfg.get("pooling_mode_mean_tokens", True)) and not any(
        cfg.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_lasttoken")
    )


class OnnxInt8Encoder:
    """all-MiniLM-L6-v2 (or another BERT-like sentence-transformers folder) as an int8 ONNX model.

    Args:
        model: a local sentence-transformers folder; default the packaged all-MiniLM-L6-v2
            (``$STANCE_EXPLORER_MODEL`` sets it too). Hub names are not supported: no downloads.
        cache_dir: where the built ``.onnx`` is kept, one sub-folder per model; default
            ``embeddings/onnx/`` in the repository, or a temp folder if that cannot be written.
        threads: CPU threads; default every available core.
        batched: run length-sorted padded batches with ``threads`` intra-op threads instead of
            one text per run. Vectors then depend on the batch (see the module docstring), so
            the model id gets a ``-batched`` suffix.
        per_channel: per-output-channel weight scales. Per-tensor scales are about as fast but
            drop the mean cosine to fp32 from ~0.99 to ~0.955 on this model.
        fuse: apply onnxruntime's offline transformer fusions (Attention, SkipLayerNorm,
            BiasGelu) before quantizing. Measured ~20% slower per text on 2 cores, and the fused
            Attention quantizes Q/K/V together, which changes the vectors (cosine ~0.992 to the
            unfused ones), so it has its own model id. onnxruntime's load-time graph
            optimizations (ORT_ENABLE_ALL) apply either way.
        export_in_child: run the torch export step of a build in a child process, so that
            torch never loads into this one and the export's memory (about 760 MB) is released
            before quantization (about 480 MB). The hosted app uses it (webapp/hosting.py).
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        cache_dir: str | Path | None = None,
        threads: int | None = None,
        batched: bool = False,
        per_channel: bool = True,
        fuse: bool = False,
        export_in_child: bool = False,
    ) -> None:
        self._model_arg = chosen_model(model)
        self._cache_arg = Path(cache_dir) if cache_dir is not None else None
        self.threads = max(1, threads or available_cores())
        self.batched = batched
        self.per_channel = per_channel
        self.fuse = fuse
        self.export_in_child = export_in_child
        self._session = None
        self._tokenizer = None
        self._input_names: list[str] = []
        self.dim: int = 0
        self.onnx_path: Path | None = None
        #: What the last load did: "loaded" a cached file or "built" a new one.
        self.load_action: str | None = None

    # ---------------------------------------------------------------- identity
    @property
    def file_id(self) -> str:
        """Identifies the built .onnx file (the same file serves both run modes).

        Returns:
            The base model id with the int8 suffix and the quantization and fusion markers.
        """
        base = base_model_id(self._model_arg)
        return base + ID_SUFFIX + ("" if self.per_channel else "-pt") + ("-fused" if self.fuse else "")

    @property
    def model_id(self) -> str:
        """The store id of these vectors: the file id, marked when runs are batched.

        Returns:
            :attr:`file_id`, with "-batched" in batched mode.
        """
        return self.file_id + ("-batched" if self.batched else "")

    def _model_path(self) -> Path:
        path = Path(self._model_arg) if self._model_arg else Path(default_model_path())
        if not (path / "config.json").is_file():
            raise EncoderUnavailable(
                f"The ONNX encoder needs a local sentence-transformers folder; '{path}' has no config.json."
            )
        return path

    def _cache_folder(self) -> Path:
        slug = model_slug(self.file_id)
        root = self._cache_arg or DEFAULT_CACHE_DIR
        folder = root / slug
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError:
            # A read-only checkout (hosted app): build where we can; it only costs seconds.
            folder = Path(tempfile.gettempdir()) / "stance-explorer-onnx" / slug
            folder.mkdir(parents=True, exist_ok=True)
        return folder

    # ---------------------------------------------------------------- loading
    def load(self):
        """Load (building first if needed) the onnxruntime session and tokenizer; return the session.

        Returns:
            The ``onnxruntime.InferenceSession``.

        Raises:
            EncoderUnavailable: onnxruntime is missing, the model folder is unusable, or the built model
                will not load.
        """
        if self._session is not None:
            return self._session
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise EncoderUnavailable(
                "The ONNX int8 encoder needs onnxruntime, which is not installed. Install it with "
                "pip install onnxruntime onnx (or use the default sentence-transformers encoder)."
            ) from exc
        model_path = self._model_path()
        self._tokenizer = load_local_tokenizer(model_path)
        folder = self._cache_folder()
        onnx_path = folder / ONNX_NAME
        session = self._try_open(ort, folder)
        if session is None:
            self._build(model_path, folder)
            session = self._try_open(ort, folder)
            if session is None:
                raise EncoderUnavailable(f"The ONNX model built in {folder} could not be loaded.")
            self.load_action = "built"
        else:
            self.load_action = "loaded"
        self._session = session
        self.onnx_path = onnx_path
        self._input_names = [i.name for i in session.get_inputs()]
        self.dim = int(session.get_outputs()[0].shape[-1])
        return session

    def _session_options(self, ort):
        so = ort.SessionOptions()
        # Per-text mode parallelises over texts (one single-threaded run per core); batched mode
        # parallelises inside each run.
        so.intra_op_num_threads = self.threads if self.batched else 1
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.log_severity_level = 3  # the quantized graph logs harmless shape-inference notes
        return so

    def _try_open(self, ort, folder: Path):
        """The cached session, or None when the file is missing, stale or corrupt."""
        onnx_path, meta_path = folder / ONNX_NAME, folder / META_NAME
        if not (onnx_path.is_file() and meta_path.is_file()):
            return None
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            if meta.get("file_id") != self.file_id or meta.get("versions") != _versions():
                return None
            if meta.get("sha256") != _sha256(onnx_path):
                log.warning("The cached ONNX model %s is corrupt; rebuilding it.", onnx_path)
                return None
            return ort.InferenceSession(str(onnx_path), self._session_options(ort), providers=["CPUExecutionProvider"])
        except Exception:  # unreadable marker or a model onnxruntime rejects: rebuild
            return None

    def _build(self, model_path: Path, folder: Path) -> None:
        """Export, fuse and quantize into a temp folder, then move the result into place."""
        log.info("Building the int8 ONNX model in %s (once; takes a few seconds)...", folder)
        # Leftovers of a killed build hold a 90 MB fp32 export; an hour old is surely not running.
        for stale in folder.glob(".build-*"):
            try:
                if time.time() - stale.stat().st_mtime > 3600:
                    shutil.rmtree(stale, ignore_errors=True)
            except OSError:
                pass
        tmp = Path(tempfile.mkdtemp(dir=folder, prefix=".build-"))
        try:
            fp32 = tmp / "model.fp32.onnx"
            if self.export_in_child:
                _export_in_child(model_path, fp32)
            else:
                self._export(model_path, fp32)
            src = fp32
            max_len, model_type, heads, hidden = _model_config(model_path)
            if self.fuse:
                src = self._fuse(fp32, tmp / "model.fused.onnx", model_type, heads, hidden)
            int8 = tmp / ONNX_NAME
            self._quantize(src, int8)
            digest = _sha256(int8)
            os.replace(int8, folder / ONNX_NAME)
            meta = {
                "file_id": self.file_id,
                "source": str(model_path),
                "versions": _versions(),
                "sha256": digest,
                "per_channel": self.per_channel,
                "fused": src != fp32,
                "max_seq_length": max_len,
            }
            # The marker goes last and atomically: a build killed before this leaves no valid cache.
            marker_tmp = tmp / META_NAME
            marker_tmp.write_text(json.dumps(meta, indent=1), "utf-8")
            os.replace(marker_tmp, folder / META_NAME)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _export(self, model_path: Path, dest: Path) -> None:
        try:
            import torch
            from transformers import AutoModel
        except ImportError as exc:
            raise EncoderUnavailable(
                "Building the ONNX model needs torch and transformers (only once; the result is cached)."
            ) from exc

        class _Pooled(torch.nn.Module):
            """Transformer + masked mean pooling + L2 normalize: the graph returns sentence vectors."""

            def __init__(self, inner):
                super().__init__()
                self.inner = inner

            def forward(self, input_ids, attention_mask, token_type_ids):
                hidden = self.inner(
                    input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
                ).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                summed = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(summed, p=2.0, dim=1)

        if not _pooling_is_mean(model_path):
            raise EncoderUnavailable(f"The ONNX encoder supports mean pooling only; '{model_path}' uses another.")
        # Eager attention exports to plain MatMul/Softmax: patterns both onnxruntime's load-time
        # optimizer and the offline transformer fusions (fuse=True) recognise.
        inner = AutoModel.from_pretrained(str(model_path), attn_implementation="eager")
        # eval() on the wrapper, not only the inner model: the exporter restores the wrapper's
        # training flag recursively afterwards, which would turn dropout on for the check below.
        pooled = _Pooled(inner).eval()
        # The example batch must contain padding: with an all-ones mask, transformers may skip the
        # mask entirely, and the traced graph would then ignore padding forever.
        ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 7099, 102, 0, 0, 0]], dtype=torch.long)
        mask = (ids != 0).long()
        names = ["input_ids", "attention_mask", "token_type_ids"]
        axes = {n: {0: "batch", 1: "sequence"} for n in names} | {"sentence_embedding": {0: "batch"}}
        import warnings

        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about shapes are expected and harmless here
            # dynamo=False: the TorchScript exporter needs no onnxscript and gives the MatMul
            # patterns the onnxruntime fusions recognise.
            try:
                torch.onnx.export(
                    pooled,
                    (ids, mask, torch.zeros_like(ids)),
                    str(dest),
                    input_names=names,
                    output_names=["sentence_embedding"],
                    dynamic_axes=axes,
                    opset_version=17,
                    dynamo=False,
                )
            except Exception as exc:  # e.g. a future torch without the TorchScript exporter
                raise EncoderUnavailable(
                    f"Could not export the model to ONNX ({exc}); use the default encoder."
                ) from exc
            # Check the traced graph against torch on a padded batch before trusting it.
            expected = pooled(ids, mask, torch.zeros_like(ids)).numpy()
        import onnxruntime as ort

        sess = ort.InferenceSession(str(dest), providers=["CPUExecutionProvider"])
        got = sess.run(
            None,
            {"input_ids": ids.numpy(), "attention_mask": mask.numpy(), "token_type_ids": np.zeros_like(ids.numpy())},
        )[0]
        if not np.allclose(got, expected, atol=1e-4):
            raise EncoderUnavailable("The ONNX export does not match the torch model; use the default encoder.")

    def _fuse(self, src: Path, dest: Path, model_type: str, heads: int, hidden: int) -> Path:
        """onnxruntime's offline transformer fusions. Failing loudly: the fused id promises fused vectors."""
        if model_type not in _FUSABLE:
            raise EncoderUnavailable(f"onnxruntime cannot fuse a '{model_type}' model; use fuse=False.")
        try:
            from onnxruntime.transformers import optimizer

            fused = optimizer.optimize_model(
                str(src), model_type=model_type, num_heads=heads, hidden_size=hidden, opt_level=0
            )
            fused.save_model_to_file(str(dest))
            return dest
        except Exception as exc:  # the optimizer raises many kinds; the user needs one message
            raise EncoderUnavailable(f"onnxruntime could not fuse the model ({exc}); use fuse=False.") from exc

    def _quantize(self, src: Path, dest: Path) -> None:
        import logging

        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic

        # Silence the "consider pre-processing" warning: the fusions above are that pre-processing.
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)
        try:
            quantize_dynamic(
                str(src),
                str(dest),
                weight_type=QuantType.QInt8,  # signed weights x unsigned activations: the VNNI fast path
                per_channel=self.per_channel,
                # Fused ops (Attention, SkipLayerNorm) are in the com.microsoft domain, where ONNX
                # shape inference cannot type their outputs; they are float32.
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            )
        finally:
            root.setLevel(level)

    # ---------------------------------------------------------------- encoding
    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: Progress | None = None) -> np.ndarray:
        """Encode texts with the int8 ONNX model (built or loaded on first use).

        Args:
            texts: The texts to encode.
            batch_size: Texts per onnxruntime run (batched mode) or per work block (per-text mode).
            progress: Called as ``progress(done, total)`` as blocks finish.

        Returns:
            A ``(len(texts), dim)`` float32 array of unit vectors, in the order of ``texts``.
        """
        self.load()
        texts = list(texts)
        total = len(texts)
        if total == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        tok = self._tokenizer
        # Rust, parallel, no padding; encode_batch_fast (tokenizers >= 0.21) skips unused offsets.
        encodings = getattr(tok, "encode_batch_fast", tok.encode_batch)(texts)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=total)
        # Longest first: padded batches waste almost nothing, and in per-text mode the long
        # texts go out first so the cores finish together.
        order = np.argsort(-lengths, kind="stable")
        out = np.empty((total, self.dim), dtype=np.float32)
        blocks = [order[s : s + max(1, batch_size)] for s in range(0, total, max(1, batch_size))]
        run = self._run_batch if self.batched else self._run_each
        done = 0
        if self.batched or self.threads == 1:
            results = (run(idx, encodings, lengths, out) for idx in blocks)
            for n in results:
                done += n
                if progress is not None:
                    progress(done, total)
        else:
            from concurrent.futures import ThreadPoolExecutor

            # onnxruntime releases the GIL in run(), so threads give real parallelism.
            with ThreadPoolExecutor(max_workers=self.threads) as pool:
                for n in pool.map(lambda idx: run(idx, encodings, lengths, out), blocks):
                    done += n
                    if progress is not None:
                        progress(done, total)
        # The graph already normalizes; this guarantees float32 unit rows whatever int8 rounding did.
        return normalize_rows(out)

    def _feed(self, ids: np.ndarray, mask: np.ndarray) -> dict[str, np.ndarray]:
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feed["token_type_ids"] = np.zeros_like(ids)
        return feed

    def _run_each(self, idx: np.ndarray, encodings, lengths: np.ndarray, out: np.ndarray) -> int:
        """One run per text: no padding, so each vector depends on its own text only."""
        session = self._session
        for i in idx:
            ids = np.asarray(encodings[i].ids, dtype=np.int64)[None, :]
            out[i] = session.run(None, self._feed(ids, np.ones_like(ids)))[0][0]
        return len(idx)

    def _run_batch(self, idx: np.ndarray, encodings, lengths: np.ndarray, out: np.ndarray) -> int:
        """One padded run for a length-sorted block."""
        width = int(lengths[idx].max())
        ids = np.zeros((len(idx), width), dtype=np.int64)
        for row, i in enumerate(idx):
            ids[row, : lengths[i]] = encodings[i].ids
        mask = (np.arange(width) < lengths[idx][:, None]).astype(np.int64)
        out[idx] = self._session.run(None, self._feed(ids, mask))[0]
        return len(idx)


def _export_in_child(model_path: Path, dest: Path) -> None:
    """``OnnxInt8Encoder._export`` in a child process (``python -m stance_explorer.encoders.onnx export``)."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "stance_explorer.encoders.onnx", "export", str(model_path), str(dest)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 or not dest.is_file():
        raise EncoderUnavailable(f"The ONNX export in a child process failed: {proc.stderr.strip()[-1000:]}")


if __name__ == "__main__":  # the child of _export_in_child
    import sys

    if len(sys.argv) != 4 or sys.argv[1] != "export":
        sys.exit("usage: python -m stance_explorer.encoders.onnx export MODEL_FOLDER DEST.onnx")
    OnnxInt8Encoder(sys.argv[2])._export(Path(sys.argv[2]), Path(sys.argv[3]))
