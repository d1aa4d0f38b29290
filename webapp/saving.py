"""Saving the merged data on the server's disk: the operator's choice, never the visitor's.

Off unless the person running the app sets ``STANCE_EXPLORER_SAVE_DIR`` to a folder. A browser
reports its own URL, so "the visitor is on localhost" is no permission; an environment variable
of the server process is. Files are written formula-safe (``stance_explorer.export``), under a
name the app makes, and never overwrite one another.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd

from stance_explorer.export import safe_csv_bytes, statements_for_export
from webapp import hosting

#: The folder merged data may be saved in; unset or empty means saving is off.
SAVE_DIR_ENV = "STANCE_EXPLORER_SAVE_DIR"


def save_dir() -> Path | None:
    """The folder the operator allowed saving to, or None when saving is off.

    Always off in hosted mode (``webapp/hosting.py``), even with the variable set: a public demo's
    visitors never write to the server's disk.
    """
    if hosting.hosted():
        return None
    folder = os.environ.get(SAVE_DIR_ENV, "").strip()
    return Path(folder) if folder else None


def save_merged(frame: pd.DataFrame) -> str:
    """Write the statements as CSV into the save folder and return the file's name (not its path)."""
    folder = save_dir()
    if folder is None:
        raise RuntimeError(f"Saving on the server is off; the operator turns it on with {SAVE_DIR_ENV}.")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    data = safe_csv_bytes(statements_for_export(frame))
    for n in range(100):
        target = folder / (f"statements-merged-{stamp}.csv" if n == 0 else f"statements-merged-{stamp}-{n}.csv")
        try:
            with open(target, "xb") as fh:  # "x": never overwrite an existing file
                fh.write(data)
            return target.name
        except FileExistsError:
            continue
    raise FileExistsError(f"Too many saves in one second in {folder}.")
