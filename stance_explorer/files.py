"""Low-level file helpers shared by the store, the map's stored projections and the encoders' caches:
a model's folder name, and writing a file whole or not at all. Nothing here knows a layer above.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path

#: The checkout the library runs from (the folder above the package), where the committed vectors
#: (embeddings/) live: the one place the repository's root is computed. The bundled data ships inside
#: the package (stance_explorer/data/, see package_data.py). An installed package has no checkout
#: around it; pass the store explicitly then (the CLI's --store).
REPO_ROOT = Path(__file__).resolve().parent.parent


def model_slug(model_id: str) -> str:
    """A folder name for a model id: readable, and unique thanks to a short hash.

    Args:
        model_id: An encoder id, such as a Hugging Face name or a path.

    Returns:
        The model's last path part (made safe, at most 60 characters), "-", and 10 hex digits.
    """
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", model_id.rsplit("/", 1)[-1])[:60]
    return f"{readable}-{hashlib.sha256(model_id.encode()).hexdigest()[:10]}"


def atomic_write_bytes(path: Path, write) -> None:
    """Write a file whole or not at all: ``write(fh)`` fills a temporary file beside ``path``, which is
    synced and renamed over ``path``; on any error the temporary file is removed and the error raised.

    Args:
        path: The file to write; its folder must exist.
        write: Called with the binary file handle.
    """
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    # O_EXCL like mkstemp, but mode 0666 so the process umask applies as to any ordinary file
    # (mkstemp makes 0600, and reading the umask means changing it).
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
