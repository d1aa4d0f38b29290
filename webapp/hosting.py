"""Hosted mode: how the app behaves as a public demo on a small shared server.

On when ``STANCE_EXPLORER_HOSTED`` is ``1`` (or ``true``/``yes``/``on``). The Community Cloud
entry point (``deploy/streamlit_app.py``) and the ``Dockerfile`` turn it on; ``make run`` and
``streamlit run app.py`` leave it off. In hosted mode:

* no visitor action writes to the server's disk: saving merged data stays off even when the
  operator set ``STANCE_EXPLORER_SAVE_DIR`` (``webapp/saving.py``);
* uploads are capped per file (size and rows), so each session's statements and vectors stay
  small next to the shared ones: three visitors at the cap add about 3 x 8 MB of vectors;
* search phrases (Explore's search, the tracker's phrases) are encoded by the int8 ONNX copy of
  the model (``stance_explorer/encoders/onnx.py``), so a search never imports torch into the
  server: about 70 MB instead of about 450 MB. The statements keep their exact vectors; an
  upload still loads the exact model, so uploaded statements get exact vectors too.
  ``STANCE_EXPLORER_QUERY_ENCODER=exact`` turns this off.

Everything else (the bundled data, the model, every page) is the same as a local run.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import dataclass

import numpy as np
import streamlit as st

from stance_explorer.encoders.onnx import ID_SUFFIX, OnnxInt8Encoder
from stance_explorer.files import REPO_ROOT

log = logging.getLogger(__name__)

HOSTED_ENV = "STANCE_EXPLORER_HOSTED"
QUERY_ENCODER_ENV = "STANCE_EXPLORER_QUERY_ENCODER"
#: Building the int8 file exports the model with torch: minutes at most, even on a slow free tier.
BUILD_TIMEOUT_S = 900
_TRUE = {"1", "true", "yes", "on"}

#: Upload caps in hosted mode. 5,000 rows of 384 float32 values are 7.7 MB of vectors, and
#: encoding them takes about 22 s at the 228 statements/s measured on 2 cores (README,
#: "Embedding an upload"); a 5 MB CSV holds well over 5,000 statements.
HOSTED_MAX_UPLOAD_MB = 5
HOSTED_MAX_ROWS = 5_000


def hosted() -> bool:
    """True when the app runs as a hosted demo (``STANCE_EXPLORER_HOSTED=1``)."""
    return os.environ.get(HOSTED_ENV, "").strip().lower() in _TRUE


@dataclass(frozen=True)
class UploadLimits:
    """What one uploaded file may be: ``None`` keeps the reader's and the server's own limits."""

    max_mb: int | None = None
    max_rows: int | None = None

    def reader_kwargs(self) -> dict[str, int]:
        """Keyword arguments for ``stance_explorer.reader.read_statements``."""
        out: dict[str, int] = {}
        if self.max_mb is not None:
            out["max_bytes"] = self.max_mb * 1024 * 1024
        if self.max_rows is not None:
            out["max_rows"] = self.max_rows
        return out

    def caption(self) -> str | None:
        if self.max_mb is None and self.max_rows is None:
            return None
        return (
            f"This is a hosted demo: each file may hold up to {self.max_rows:,} statements and "
            f"{self.max_mb} MB. Run the app on your own computer for larger files."
        )


def upload_limits() -> UploadLimits:
    return UploadLimits(HOSTED_MAX_UPLOAD_MB, HOSTED_MAX_ROWS) if hosted() else UploadLimits()


# ---------------------------------------------------------------------------- the query encoder
#: The build's export step runs in a grandchild, so its memory is gone before quantization starts.
_BUILD = "from stance_explorer.encoders.onnx import OnnxInt8Encoder; OnnxInt8Encoder(export_in_child=True).load()"


def int8_queries() -> bool:
    """Whether search phrases go to the int8 ONNX copy: hosted, unless turned off."""
    return hosted() and os.environ.get(QUERY_ENCODER_ENV, "").strip().lower() != "exact"


def query_encoder() -> OnnxInt8Encoder | None:
    """The hosted search-phrase encoder (int8 ONNX), or None: not hosted, turned off, or unavailable."""
    return _int8_query_encoder() if int8_queries() else None


@st.cache_resource(show_spinner="Preparing the search model (first search on this server only)…")
def _int8_query_encoder() -> OnnxInt8Encoder | None:
    """Built (or found already built) in a child process, then loaded here; None if that fails.

    The build exports the model with torch, and torch once imported would stay in the server for
    good. A child that finds the file already built only loads it, in about a second.
    """
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        log.warning("Hosted mode: onnxruntime is not installed, so searches use the exact model (torch).")
        return None
    try:
        subprocess.run(
            [sys.executable, "-c", _BUILD], cwd=REPO_ROOT, check=True, capture_output=True, timeout=BUILD_TIMEOUT_S
        )
        encoder = OnnxInt8Encoder()
        encoder.load()
    except Exception as exc:  # never a traceback for the visitor: fall back to the exact model
        detail = exc.stderr.decode(errors="replace")[-2000:] if isinstance(exc, subprocess.CalledProcessError) else exc
        log.warning(
            "Hosted mode: the int8 ONNX search model is not available (%s); searches use the exact model.", detail
        )
        return None
    log.info("Hosted mode: search phrases use %s (%s).", encoder.model_id, encoder.load_action)
    return encoder


@st.cache_data(max_entries=512, show_spinner=False)
def _encode_cached(text: str, model_id: str) -> np.ndarray:
    return _int8_query_encoder().encode([text])[0]


def encode_query(text: str, model_id: str) -> np.ndarray | None:
    """A search phrase's vector from the hosted query encoder, for a dataset made with ``model_id``.

    None when there is no hosted query encoder, or when it is not the int8 copy of ``model_id``
    (its vectors would not be comparable): the caller then uses the exact model.
    """
    encoder = query_encoder()
    if encoder is None or encoder.model_id != model_id + ID_SUFFIX:
        return None
    return _encode_cached(text, encoder.model_id)


def about_note() -> str:
    """What the About text adds in hosted mode (empty otherwise); figures from benchmarks/hosted_query.py."""
    if not hosted():
        return ""
    if not int8_queries():
        return (
            f"\n\n**This hosted demo** limits uploads to {HOSTED_MAX_ROWS:,} statements and {HOSTED_MAX_UPLOAD_MB} MB "
            "per file, and saves nothing on the server."
        )
    return (
        "\n\n**This hosted demo** encodes search phrases with an int8 copy of the model (ONNX Runtime), "
        "which keeps the server small; statements keep their exact vectors. Measured on the bundled "
        "data, its scores differ from the exact model's by 0.007 on average (at most 0.026 for 99% "
        "of phrase and statement pairs), and its ten closest statements are on average 9.4 of the exact "
        "model's ten. "
        f"Uploads are limited to {HOSTED_MAX_ROWS:,} statements and {HOSTED_MAX_UPLOAD_MB} MB per file, "
        "and nothing is saved on the server."
    )
