"""A throughput-oriented encoder for CUDA: fp16, big length-sorted batches, tokenization overlapped.

``FastGpuEncoder`` implements the :class:`~stance_explorer.encoders.base.Encoder` protocol. Where plain
``SentenceTransformer.encode`` tokenizes, runs and copies back one small batch at a time (the GPU
waits for the CPU at every step), this encoder:

* sorts all texts by length once and cuts large batches, so padding stays small;
* tokenizes batches in a thread pool (the Rust tokenizer releases the GIL) a few batches ahead of
  the GPU, into pinned memory, copied with ``non_blocking=True``;
* builds the attention mask, mean-pools and L2-normalizes on the GPU, writing each batch into one
  preallocated GPU buffer: nothing forces a host-device synchronization per batch (the 2-D mask
  would: transformers checks ``mask.all()`` to skip it, so a ready 4-D mask is passed instead);
* copies the vectors back once per ``gpu_chunk`` texts.

Without CUDA it runs the same pipeline on the CPU in float32 (and says so), so its results can be
checked anywhere. Torch is imported on first use.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import chain
from pathlib import Path

import numpy as np

from stance_explorer.encoders.base import (
    EncoderUnavailable,
    Progress,
    base_model_id,
    chosen_model,
    default_model_path,
    load_local_tokenizer,
    resolve_device,
)

log = logging.getLogger(__name__)


class FastGpuEncoder:
    """all-MiniLM-L6-v2 (or another mean-pooled BERT-like sentence-transformers folder) for bulk encoding.

    Args:
        model: a local sentence-transformers folder; default the packaged all-MiniLM-L6-v2
            (``$STANCE_EXPLORER_MODEL`` sets it too).
        device: ``"cuda"`` (default), ``"cuda:1"``, or ``"cpu"``; CUDA falls back to the CPU with
            a message in ``device_message`` (also logged).
        fp16: half precision on CUDA (mean cosine to fp32 about 0.99999). The CPU always uses fp32.
        gpu_batch_size: texts per batch on CUDA; ``encode(batch_size=...)`` can only raise it,
            because the store's default of 64 would starve the GPU. On the CPU ``batch_size`` is used.
        workers: tokenizer threads; default ``min(4, cores)``.
        prefetch: tokenized batches kept ready ahead of the GPU.
        gpu_chunk: texts whose vectors are held on the GPU before one copy back to the host.
        model_id: override the id. By default it is the fp32 id plus "+fp16" when ``fp16`` is set:
            fp16 vectors agree with fp32 ones to ~1e-5 in cosine, but the store never mixes vectors
            made two ways, so a text is re-encoded rather than silently taken from the other kind.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        device: str | None = "cuda",
        fp16: bool = True,
        gpu_batch_size: int = 1024,
        workers: int | None = None,
        prefetch: int = 6,
        gpu_chunk: int = 262_144,
        model_id: str | None = None,
    ) -> None:
        self._model_arg = chosen_model(model)
        self._device_arg = device
        self.fp16 = fp16
        self.gpu_batch_size = gpu_batch_size
        self.workers = workers or min(4, os.cpu_count() or 1)
        self.prefetch = max(1, prefetch)
        self.gpu_chunk = max(1, gpu_chunk)
        self._model_id = model_id
        self._model = None
        self._tokenizer = None
        self._pad_id = 0
        self.device: str | None = None
        self.device_message: str | None = None
        self.dim: int = 0

    @property
    def model_id(self) -> str:
        """The store id of these vectors: the given ``model_id``, else the base id (+fp16 in half precision).

        Returns:
            The model id.
        """
        if self._model_id:
            return self._model_id
        base = base_model_id(self._model_arg)
        return f"{base}+fp16" if self.fp16 else base

    @property
    def store_chunk(self) -> int:
        """Texts per store write: large, so the store does not cut the GPU pipeline every 512 texts.

        Returns:
            ``gpu_chunk``.
        """
        return self.gpu_chunk

    # ---------------------------------------------------------------- loading
    def load(self):
        """Load model and tokenizer (otherwise done on first use); returns the torch model.

        Returns:
            The torch model, in eval mode on its device.

        Raises:
            EncoderUnavailable: torch or transformers is missing, the folder has no tokenizer.json, or the
                model cannot be loaded.
        """
        if self._model is not None:
            return self._model
        try:
            import torch
            from transformers import AutoModel
        except ImportError as exc:
            raise EncoderUnavailable(
                "The GPU encoder needs torch, transformers and tokenizers; install them with "
                "pip install -r requirements.txt"
            ) from exc
        path = Path(self._model_arg) if self._model_arg else Path(default_model_path())
        if not (path / "tokenizer.json").is_file():  # checked before the (slow) model load
            raise EncoderUnavailable(
                f"The GPU encoder needs a local model folder with tokenizer.json; '{path}' has none."
            )
        self.device, self.device_message = resolve_device(self._device_arg)
        if self.device_message:
            log.warning(self.device_message)
        on_cuda = self.device.startswith("cuda")
        dtype = torch.float16 if (on_cuda and self.fp16) else torch.float32
        try:
            model = AutoModel.from_pretrained(str(path), dtype=dtype, attn_implementation="sdpa")
        except Exception as exc:  # many exception types; the user needs one message
            raise EncoderUnavailable(f"Could not load the embedding model '{path}': {exc}") from exc
        self._model = model.to(self.device).eval()
        self.dim = int(model.config.hidden_size)

        self._tokenizer = load_local_tokenizer(path)
        self._pad_id = int(getattr(model.config, "pad_token_id", 0) or 0)
        return self._model

    # ---------------------------------------------------------------- pipeline pieces
    def _tokenize(self, texts: list[str], pin: bool):
        """One batch: (ids int32 [B, W] padded, lengths int32 [B]) as torch tensors, pinned for CUDA."""
        import torch

        tok = self._tokenizer
        # encode_batch_fast (tokenizers >= 0.21) skips the character offsets we do not use.
        encodings = getattr(tok, "encode_batch_fast", tok.encode_batch)(texts, add_special_tokens=True)
        id_lists = [e.ids for e in encodings]
        lengths = np.fromiter(map(len, id_lists), dtype=np.int32, count=len(id_lists))
        width = int(lengths.max())
        if pin:  # tensor cores like widths that are multiples of 8; the extra columns are masked
            width = -(-width // 8) * 8
        ids = np.full((len(id_lists), width), self._pad_id, dtype=np.int32)
        # Row-major boolean fill puts the concatenated ids exactly where each row's tokens go.
        ids[np.arange(width)[None, :] < lengths[:, None]] = np.fromiter(
            chain.from_iterable(id_lists), dtype=np.int32, count=int(lengths.sum())
        )
        ids_t, len_t = torch.from_numpy(ids), torch.from_numpy(lengths)
        if pin:
            ids_t, len_t = ids_t.pin_memory(), len_t.pin_memory()
        return ids_t, len_t

    def _forward(self, ids, lengths):
        """Pooled, normalized float32 vectors for one batch, computed where the model is."""
        import torch

        model = self._model
        dev = model.device
        ids = ids.to(dev, non_blocking=True).long()
        lengths = lengths.to(dev, non_blocking=True)
        keep = torch.arange(ids.shape[1], device=dev)[None, :] < lengths[:, None]  # [B, W] bool
        # A 4-D boolean mask is used as is; a 2-D one makes transformers call mask.all() (a sync).
        hidden = model(input_ids=ids, attention_mask=keep[:, None, None, :]).last_hidden_state
        summed = (hidden * keep[..., None].to(hidden.dtype)).sum(dim=1, dtype=torch.float32)
        mean = summed / lengths[:, None].clamp(min=1).to(torch.float32)
        return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    # ---------------------------------------------------------------- encoding
    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: Progress | None = None) -> np.ndarray:
        """Encode texts, longest first, in chunks of ``gpu_chunk`` with one host copy per chunk.

        Args:
            texts: The texts to encode.
            batch_size: Texts per forward pass; on CUDA at least ``gpu_batch_size``.
            progress: Called as ``progress(done, total)`` as batches finish.

        Returns:
            A ``(len(texts), dim)`` float32 array of unit vectors, in the order of ``texts``.
        """
        import torch

        self.load()
        texts = list(texts)
        total = len(texts)
        if total == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        on_cuda = self.device.startswith("cuda")
        bs = max(batch_size, self.gpu_batch_size) if on_cuda else max(1, batch_size)
        # Character length is a good proxy for token length and is known before tokenizing.
        order = np.argsort(np.fromiter(map(len, texts), dtype=np.int64, count=total) * -1, kind="stable")
        out = np.empty((total, self.dim), dtype=np.float32)
        done = 0
        with torch.inference_mode(), ThreadPoolExecutor(max_workers=self.workers) as pool:
            for c0 in range(0, total, self.gpu_chunk):
                chunk = order[c0 : c0 + self.gpu_chunk]
                # The one synchronization per chunk: the copy back to the host.
                out[chunk] = self._encode_chunk(texts, chunk, bs, pool, on_cuda, done, total, progress).cpu().numpy()
                done += len(chunk)
        # Already unit float32 rows (normalized on the device); a second pass would cost ~5% at 200k texts.
        return out

    def _encode_chunk(self, texts, chunk, bs, pool, on_cuda, done, total, progress):
        """Vectors of ``texts[chunk]`` (in chunk order) in one device tensor, with no sync inside."""
        import torch

        pending: deque = deque()
        starts = iter(range(0, len(chunk), bs))

        def submit() -> None:
            start = next(starts, None)
            if start is not None:
                idx = chunk[start : start + bs]
                pending.append(pool.submit(self._tokenize, [texts[i] for i in idx], on_cuda))

        for _ in range(self.prefetch):
            submit()
        buf = torch.empty((len(chunk), self.dim), dtype=torch.float32, device=self._model.device)
        pos = 0
        while pending:
            ids, lengths = pending.popleft().result()
            submit()  # keep the tokenizers busy while the GPU works
            n = ids.shape[0]
            buf[pos : pos + n] = self._forward(ids, lengths)
            pos += n
            if progress is not None:
                progress(done + pos, total)  # batches queued; the GPU may still be running them
        return buf
