"""The embedding models the app and the CLI offer, by short name: the one place to get an encoder.

    from stance_explorer.encoders.models import MODELS, get_encoder, model_id, rules_for
    enc = get_encoder("multilingual")      # or "minilm" (the default), or a sentence-transformers path
    enc.model_id                            # the id the store keys its vectors by
    rules_for(dataset.model_id)             # which embed_text rules that model's vectors were made with

Every vector in a ``Dataset`` comes from the model whose id is ``Dataset.model_id``; anything
compared with those vectors (a search phrase, a stance axis) must be encoded by
``get_encoder(name_for(dataset.model_id))`` with ``rules_for(dataset.model_id)``, or the cosines
mean nothing. Loading an encoder is lazy: nothing heavy is imported until it encodes, and the
multilingual model never imports torch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from stance_explorer.encoders.base import DEFAULT_MODEL, Encoder, EncoderUnavailable, default_model_id
from stance_explorer.encoders.text import ALL_RULES, TextRules
from stance_explorer.encoders.use import MULTILINGUAL_MODEL, multilingual_model_id

MINILM = "minilm"
MULTILINGUAL = "multilingual"
DEFAULT_MODEL_NAME = MINILM


@dataclass(frozen=True)
class ModelSpec:
    """One model the app offers."""

    name: str  # what the URL, the sidebar and ``--model`` carry
    label: str  # what a person reads
    summary: str
    english_only: bool
    rules: TextRules  # which embed_text rules this model's vectors are made with (measured)
    model_id: Callable[[], str]  # the store's id, without loading the model


MODELS: dict[str, ModelSpec] = {
    MINILM: ModelSpec(
        MINILM,
        "MiniLM (English)",
        f"{DEFAULT_MODEL}: English only, 384 dimensions, the default.",
        english_only=True,
        rules=ALL_RULES,
        model_id=default_model_id,
    ),
    MULTILINGUAL: ModelSpec(
        MULTILINGUAL,
        "Multilingual (English, Spanish, French…)",
        "Universal Sentence Encoder multilingual v3: 16 languages in one space, 512 dimensions, no torch.",
        english_only=False,
        # Measured with benchmarks/text_rules.py (README, "What text is embedded"): this model reads
        # the text as it is. It already knows the USMCA is a trade deal (the gloss only widens the
        # EN–EN vs EN–ES gap past the 0.03 target), and a partial quote's context buries the fragment.
        rules=TextRules(gloss=False, partial_context=False),
        model_id=multilingual_model_id,
    ),
}


def spec(name: str) -> ModelSpec:
    """The registry entry of a short model name.

    Args:
        name: A name in ``MODELS``.

    Returns:
        Its ``ModelSpec``.

    Raises:
        ValueError: The name is not in the registry.
    """
    try:
        return MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name!r}; choose one of: {', '.join(MODELS)}") from None


def model_id(name: str | None = None) -> str:
    """The store id of a model name (or of a sentence-transformers path: the path itself).

    Args:
        name: A short name or a path; None for the default model.

    Returns:
        The store id.
    """
    name = name or DEFAULT_MODEL_NAME
    return MODELS[name].model_id() if name in MODELS else name


def name_for(model_id: str) -> str | None:
    """The short name whose vectors carry this id (any backend of MiniLM is "minilm"), or None.

    Args:
        model_id: The vectors' model id.

    Returns:
        "minilm", the multilingual name, or None.
    """
    if model_id.startswith(MULTILINGUAL_MODEL):
        return MULTILINGUAL
    if model_id.split("/")[-1].startswith(DEFAULT_MODEL):
        return MINILM
    return None


def rules_for(model_id: str) -> TextRules:
    """The embed_text rules for vectors with this id (models outside the registry get both rules).

    Args:
        model_id: The vectors' model id.

    Returns:
        The model's ``TextRules``.
    """
    name = name_for(model_id)
    return MODELS[name].rules if name else ALL_RULES


def reads_only_english(model_id: str) -> bool:
    """Whether vectors with this model id come from a registry model that reads only English.

    Args:
        model_id: The vectors' model id.

    Returns:
        True for an English-only registry model; False for others and for models outside it.
    """
    name = name_for(model_id)
    return bool(name and MODELS[name].english_only)


def get_encoder(name: str | None = None, *, backend: str = "st", device: str | None = None) -> Encoder:
    """An encoder for a model name or a sentence-transformers path; nothing is loaded yet.

    ``backend`` (``st``, ``onnx``, ``gpu``) applies to sentence-transformers models only.

    Args:
        name: A short name or a sentence-transformers path; None for the default model.
        backend: "st", "onnx" or "gpu".
        device: The torch device for "st" and "gpu" (None: CPU for "st", CUDA for "gpu").

    Returns:
        The encoder, not loaded yet.

    Raises:
        EncoderUnavailable: A backend other than "st" for the multilingual model.
    """
    name = name or DEFAULT_MODEL_NAME
    if name == MULTILINGUAL:
        if backend != "st":
            raise EncoderUnavailable(
                f"--backend {backend} works only with sentence-transformers models; the multilingual model "
                "is already a fast numpy encoder."
            )
        from stance_explorer.encoders.use import MultilingualEncoder

        return MultilingualEncoder()
    path = None if name == MINILM else name
    if backend == "onnx":
        from stance_explorer.encoders.onnx import OnnxInt8Encoder

        return OnnxInt8Encoder(path)
    if backend == "gpu":
        from stance_explorer.encoders.gpu import FastGpuEncoder

        return FastGpuEncoder(path, device=device or "cuda")
    from stance_explorer.encoders.base import SentenceTransformerEncoder

    return SentenceTransformerEncoder(path, device=device)
