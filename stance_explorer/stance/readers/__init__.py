"""Readers: models that read a claim and a statement together and say favor / against / none.

One interface (:class:`Reader`, in ``base``), one cache (``cache``), and one registry (this
module): every caller (the CLI, the Stance page, Compare, the tracker, the Flip-O-Meter, speaker
summaries) gets its reading through :func:`stance_explorer.stance.reading.read_claim` with the
reader :func:`make_reader` builds from a name and the operator's settings.

Readers on offer:

* ``axis``: the embedding axis (``axis``), the fallback, a topic measure more than a stance reader;
* ``builtin``: the project's own cross-encoder, int8 ONNX shipped in the package (``builtin``);
* ``nli``: an NLI / zero-shot cross-encoder the user points at (``nli``);
* ``llm``: an OpenAI-compatible chat endpoint the operator configures (``llm``);
* ``csv``: readings made elsewhere and uploaded as a CSV (``csv``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from stance_explorer.stance.readers.base import Reader, ReaderOutput, ReaderUnavailable, probs_from_labels
from stance_explorer.stance.readers.cache import ReadingCache, read_through

#: Reader names, as the CLI's ``--reader`` and the app's ``?reader=`` take them.
READER_NAMES = ("builtin", "axis", "nli", "llm", "csv")
#: The operator's settings (environment, or Streamlit secrets of the same names).
READER_ENV = "STANCE_EXPLORER_READER"
NLI_MODEL_ENV = "STANCE_EXPLORER_NLI_MODEL"
LLM_URL_ENV = "STANCE_EXPLORER_LLM_URL"
LLM_MODEL_ENV = "STANCE_EXPLORER_LLM_MODEL"
LLM_KEY_ENV = "STANCE_EXPLORER_LLM_API_KEY"


def default_reader_name() -> str:
    """The reader used when nobody chose one: the operator's ``STANCE_EXPLORER_READER``, else the
    built-in reader where it ships marked as beating the axis, else the axis.

    Returns:
        A name in ``READER_NAMES``.
    """
    chosen = os.environ.get(READER_ENV, "").strip().lower()
    if chosen in READER_NAMES:
        return chosen
    try:
        from stance_explorer.stance.readers.builtin import beats_axis
    except ImportError:
        return "axis"
    return "builtin" if beats_axis() else "axis"


def make_reader(name: str, *, source=None, settings: Mapping[str, str] | None = None, **options) -> Reader:
    """The reader a name picks, built with the operator's settings.

    Args:
        name: one of ``READER_NAMES``.
        source: the :class:`~stance_explorer.vectors.VectorSource` of the statements' model (the axis reader's).
        settings: the operator's settings by env name (default: the environment); a URL or a model
            comes only from here or from the CLI's own flags, never from a visitor.
        **options: reader-specific options (``model``, ``url``, ``api_key``, ``readings``…).

    Returns:
        The reader.

    Raises:
        ReaderUnavailable: when the reader cannot be built here (a missing setting, package or file).
    """
    settings = dict(os.environ if settings is None else settings)
    if name == "axis":
        from stance_explorer.stance.readers.axis import AxisReader

        if source is None:
            raise ReaderUnavailable("The axis reader needs the statements' embedding model.")
        return AxisReader(source, encode=options.get("encode", True))
    if name == "builtin":
        from stance_explorer.stance.readers.builtin import BuiltinReader

        return BuiltinReader()
    raise ReaderUnavailable(f"Unknown reader {name!r}: choose one of {', '.join(READER_NAMES)}.")


__all__ = [
    "LLM_KEY_ENV",
    "LLM_MODEL_ENV",
    "LLM_URL_ENV",
    "NLI_MODEL_ENV",
    "READER_ENV",
    "READER_NAMES",
    "Reader",
    "ReaderOutput",
    "ReaderUnavailable",
    "ReadingCache",
    "default_reader_name",
    "make_reader",
    "probs_from_labels",
    "read_through",
]
