"""The library's own data files (``stance_explorer/data/``), found through one resolver.

Every file the library ships beside its code is read from the installed package with
:mod:`importlib.resources`, never from a repository checkout, so an installed wheel run from any
folder has the bundled statements, the preset axes with their hand labels, the tracker's claims and
the pages' defaults. A missing or unreadable file is an error that names it, never an empty list.

Files (see ``stance_explorer/data/README.md``):

* ``statements.csv``, ``SOURCES.md``, ``seed_article.txt``: the bundled quotes and their provenance;
* ``stance_axes.csv``, ``stance_labels.csv``, ``preset_aliases.csv``: the preset axes (each a claim
  and its opposite), their hand labels, and the names and wordings presets had before;
* ``claims.csv``: the tracker's claim wordings and opposites, and which are its defaults;
* ``defaults.json``: the pages' default speaker and topic;
* ``stance_results.json``: the stance benchmarks' latest figures (written by ``benchmarks/``).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

PACKAGE = "stance_explorer"
FOLDER = "data"


class DataFileError(RuntimeError):
    """A file the library ships is missing or cannot be read; the message names it."""


def data_path(name: str) -> Path:
    """The path of one shipped data file.

    Args:
        name: The file's name inside ``stance_explorer/data/`` ("stance_axes.csv").

    Returns:
        Its path on disk (the installed package's, or the checkout's in a development install).

    Raises:
        DataFileError: When the package holds no such file.
    """
    found = resources.files(PACKAGE).joinpath(FOLDER, name)
    if not found.is_file():
        raise DataFileError(
            f"The package's data file {PACKAGE}/{FOLDER}/{name} is missing: the installation is incomplete "
            "(reinstall stance-explorer; a wheel carries it as package data)."
        )
    return Path(str(found))


def read_data_csv(name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """A shipped CSV as strings ("" for empty cells), with the columns it must have.

    Args:
        name: The file's name inside ``stance_explorer/data/``.
        columns: Columns it must hold.

    Returns:
        The table, every cell a string.

    Raises:
        DataFileError: Missing, unreadable, or lacking a column; the message names the file.
    """
    return read_csv_file(data_path(name), columns)


def read_csv_file(path: str | Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """A data CSV (shipped, or one a caller names) as strings, with the columns it must have.

    Args:
        path: The file.
        columns: Columns it must hold.

    Returns:
        The table, every cell a string ("" for empty cells).

    Raises:
        DataFileError: Missing, unreadable, or lacking a column; the message names the file.
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataFileError(f"The data file {path} cannot be read as CSV: {exc}") from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataFileError(f"The data file {path} lacks the column(s) {', '.join(missing)}.")
    return frame


def read_data_json(name: str) -> dict:
    """A shipped JSON object.

    Args:
        name: The file's name inside ``stance_explorer/data/``.

    Returns:
        The object.

    Raises:
        DataFileError: Missing, unreadable, or not a JSON object; the message names the file.
    """
    path = data_path(name)
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataFileError(f"The data file {path} cannot be read as JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise DataFileError(f"The data file {path} must hold a JSON object.")
    return value


@cache
def defaults() -> dict:
    """The pages' defaults (``defaults.json``): e.g. ``defaults()["tracker"]["speaker"]``."""
    return read_data_json("defaults.json")
