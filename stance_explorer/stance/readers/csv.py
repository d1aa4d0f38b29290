"""The ``csv`` reader: readings made elsewhere (another model, another team), uploaded as a CSV.

Columns (header names as in a label file's aliases, any order, extra columns ignored)::

    id, text_sha256, claim, stance, confidence, reader

``text_sha256`` is the sha256 of the statement's exact quote (``stance.text_sha256``), so a reading
never lands on another text; a row with an id but no hash takes the hash of that statement's text
when the file is read against the data and the id names exactly one statement. ``claim`` is the
claim the statement was read against: a row counts for an axis whose target, favor or against
wording it matches (ignoring case and spacing). ``stance`` is favor, against or none;
``confidence`` a number from 0 to 1 (or a percentage); ``reader`` names the model that made the
reading, and the app shows it ("readings from gpt-x (file.csv)").

The file is read and checked like any upload: every bad row is a problem naming the file, the line
and the column, and is skipped; good rows are kept; nothing raises. Statements with no row for the
claim are not read ("no reading in the file").
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from stance_explorer import schema as S
from stance_explorer.stance.axes import CODE, Axis
from stance_explorer.stance.labels import clean_cell, text_sha256
from stance_explorer.stance.readers.base import ReaderOutput, ReaderUnavailable, ReadProgress, probs_from_labels

#: Readings files larger than this are refused (a row is under 200 bytes: 100k statements fit).
MAX_READINGS_BYTES = 64 * 1024 * 1024
READINGS_COLUMNS = ("id", "text_sha256", "claim", "stance", "confidence", "reader")
_ALIASES = {
    "id": ("id", "statement_id", "statementid", "statement id"),
    "text_sha256": ("text_sha256", "sha256", "hash", "text_hash", "text hash"),
    "claim": ("claim", "target", "axis"),
    "stance": ("stance", "label", "reading"),
    "confidence": ("confidence", "probability", "score_confidence"),
    "reader": ("reader", "model", "reader_model"),
}
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
NO_READING = "no reading in the file"


def claim_key(text: str) -> str:
    """A claim's wording as rows are matched on it: lower case, single spaces, no end punctuation."""
    return " ".join(str(text).lower().split()).rstrip(".!?")


@dataclass
class Readings:
    """What a readings file held: per (claim, text hash), the stance, confidence and reader; and its problems."""

    name: str
    rows: dict[tuple[str, str], tuple[str, float, str]] = field(default_factory=dict)
    problems: list[S.Problem] = field(default_factory=list)
    digest: str = ""

    @property
    def unreadable(self) -> bool:
        return any(p.line is None and p.severity == "error" for p in self.problems)

    def readers(self) -> list[str]:
        """The reader names the file gives, most rows first."""
        counts: dict[str, int] = {}
        for _, _, reader in self.rows.values():
            counts[reader] = counts.get(reader, 0) + 1
        return sorted(counts, key=lambda r: (-counts[r], r))


def _rows(raw: bytes, name: str) -> tuple[list[list[str]], S.Problem | None]:
    def fatal(msg: str) -> S.Problem:
        return S.Problem(name, None, None, "error", msg)

    expected = f"Expected a CSV with the columns {', '.join(READINGS_COLUMNS)}."
    if len(raw) > MAX_READINGS_BYTES:
        return [], fatal(f"is {len(raw) / 2**20:.1f} MB; a readings file may be at most {MAX_READINGS_BYTES >> 20} MB.")
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    if b"\x00" in raw[:4096] and not utf16:
        return [], fatal(f"this is not a text file. {expected}")
    text = raw.decode("utf-16", errors="replace") if utf16 else raw.decode("utf-8-sig", errors="replace")
    if not text.strip():
        return [], fatal(f"is empty. {expected}")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return [], fatal(f"is not a readable CSV ({exc}).")
    header = [h.strip().lower().lstrip("\ufeff") for h in rows[0]]
    pos = {c: next((i for i, h in enumerate(header) if h in names), -1) for c, names in _ALIASES.items()}
    missing = [c for c in ("claim", "stance", "confidence", "reader") if pos[c] < 0]
    if pos["id"] < 0 and pos["text_sha256"] < 0:
        missing.insert(0, "text_sha256 (or id)")
    if missing:
        return [], fatal(f"has no column {', '.join(missing)} (its header is: {', '.join(rows[0])[:200]}). {expected}")
    return rows, None


def _check_row(cells: dict[str, str], by_id: dict[str, list[str]]) -> tuple[str | None, str | None, str]:
    """(text hash, or None when the row is skipped; the column at fault; why) for one row's cells."""
    sha, sid = cells["text_sha256"].lower(), cells["id"]
    if not cells["claim"]:
        return None, "claim", "no claim: say what the statement was read against. Row skipped."
    if cells["stance"].lower() not in CODE:
        return None, "stance", f"'{cells['stance'][:40]}' is not a stance; use favor, against or none. Row skipped."
    conf = _confidence(cells["confidence"])
    if conf is None:
        return None, "confidence", f"'{cells['confidence'][:20]}' is not a confidence from 0 to 1. Row skipped."
    if not cells["reader"]:
        return None, "reader", "no reader: name the model that made the reading. Row skipped."
    if sha and not _HEX64.match(sha):
        return None, "text_sha256", f"'{sha[:20]}' is not a sha256 (64 hex digits). Row skipped."
    if not sha:
        hits = by_id.get(sid, [])
        if len(hits) != 1:
            why = "names no statement in this data" if not hits else "names several statements in this data"
            return None, "id", f"no text hash, and the id '{sid[:40]}' {why}. Row skipped."
        sha = hits[0]
    return sha, None, ""


def _confidence(value: str) -> float | None:
    value = value.strip()
    pct = value.endswith("%")
    try:
        c = float(value.rstrip("%").strip())
    except ValueError:
        return None
    if pct:
        c /= 100.0
    return c if np.isfinite(c) and 0.0 <= c <= 1.0 else None


def read_readings(
    source: str | Path | bytes, *, name: str | None = None, frame: pd.DataFrame | None = None
) -> Readings:
    """Read a readings CSV; never raises on bad input (see the module doc).

    Args:
        source: a path, or the file's bytes (an upload).
        name: the file name problems use; defaults to the path's name.
        frame: the statements the readings are for (lets a row name its statement by id alone).

    Returns:
        The :class:`Readings`: rows kept and a problem per row that was not.
    """
    if isinstance(source, (str, Path)):
        name = name or Path(source).name
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            return Readings(
                name, problems=[S.Problem(name, None, None, "error", f"cannot be read: {exc.strerror or exc}")]
            )
    else:
        raw = bytes(source)
    name = name or "readings.csv"
    out = Readings(name, digest=hashlib.sha256(raw).hexdigest()[:12])
    rows, fatal = _rows(raw, name)
    if fatal is not None:
        out.problems.append(fatal)
        return out
    header = [h.strip().lower().lstrip("\ufeff") for h in rows[0]]
    pos = {c: next((i for i, h in enumerate(header) if h in names), -1) for c, names in _ALIASES.items()}
    col_name = {c: (rows[0][i].strip() if i >= 0 else c) for c, i in pos.items()}
    by_id: dict[str, list[str]] = {}
    if frame is not None:
        for sid, text in zip(frame[S.ID].astype(str).tolist(), frame[S.TEXT].astype(str).tolist()):
            by_id.setdefault(sid, []).append(text_sha256(text))
    seen: dict[tuple[str, str], int] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {c: (clean_cell(row[i]) if 0 <= i < len(row) else "") for c, i in pos.items()}
        sha, bad, why = _check_row(cells, by_id)
        if sha is None:
            out.problems.append(S.Problem(name, n, col_name[bad], "error", why))
            continue
        key = (claim_key(cells["claim"]), sha)
        if key in seen:
            msg = f"the same statement and claim are read on line {seen[key]}; the later reading wins."
            out.problems.append(S.Problem(name, n, col_name["text_sha256"], "warning", msg))
        seen[key] = n
        out.rows[key] = (cells["stance"].lower(), float(_confidence(cells["confidence"])), cells["reader"])
    return out


def quote_hashes(text: str) -> list[str]:
    """The hashes a reader's text may be filed under: its own, and, for a short partial quote that
    readers read with its context (``“quote” — context``, ``stance.reading.reader_texts``), the quote's.

    Args:
        text: the text a reader is given.

    Returns:
        :func:`~stance_explorer.stance.labels.text_sha256` digests, the text's own first.
    """
    out = [text_sha256(text)]
    if text.startswith("“"):
        start = 0
        while (cut := text.find("” — ", start)) > 0:
            out.append(text_sha256(text[1:cut]))
            start = cut + 1
    return out


class CSVReader:
    """A reader whose readings come from a readings file (:func:`read_readings`).

    Args:
        readings: the file's readings.

    Raises:
        ReaderUnavailable: when the file could not be read at all, or holds no good row.
    """

    name = "csv"
    cacheable = False  # the file is the store

    def __init__(self, readings: Readings) -> None:
        if readings.unreadable or not readings.rows:
            why = str(readings.problems[0]) if readings.problems else f"{readings.name}: no readings in the file."
            raise ReaderUnavailable(f"The readings file cannot be used: {why}")
        self.readings = readings
        self.problems = readings.problems
        readers = readings.readers()
        self.version = f"{readings.name}@{readings.digest}"
        shown = ", ".join(readers[:3]) + (f" and {len(readers) - 3} more" if len(readers) > 3 else "")
        self.label = f"readings from {shown} ({readings.name}; made elsewhere, not labels)"

    @classmethod
    def from_source(
        cls, source: str | Path | bytes, *, name: str | None = None, frame: pd.DataFrame | None = None
    ) -> CSVReader:
        """Read a readings file (path or uploaded bytes) into a reader; its problems are on ``.problems``.

        Args:
            source: a path, or the file's bytes.
            name: the file name problems use.
            frame: the statements the readings are for (rows that name a statement by id alone).

        Returns:
            The reader.

        Raises:
            ReaderUnavailable: the file could not be read at all, or holds no good row.
        """
        return cls(read_readings(source, name=name, frame=frame))

    def __repr__(self) -> str:
        return f"CSVReader({self.readings.name!r}, {len(self.readings.rows)} readings)"

    def read(self, claim: Axis, texts: Sequence[str], *, progress: ReadProgress | None = None) -> ReaderOutput:
        """The file's readings of the texts for this claim.

        Args:
            claim: the claim; rows match its target, favor or against wording.
            texts: the statements' texts.
            progress: called once, at the end.

        Returns:
            The readings; a statement with no row for the claim is not read ("no reading in the file").
        """
        claims = {claim_key(w) for w in (claim.target, claim.favor, claim.against) if w}
        out = ReaderOutput.empty(len(texts), NO_READING)
        hit_idx, stances, confs = [], [], []
        for i, text in enumerate(texts):
            keys = [(c, sha) for sha in quote_hashes(text) for c in claims]
            got = next((self.readings.rows[k] for k in keys if k in self.readings.rows), None)
            if got is not None:
                hit_idx.append(i)
                stances.append(got[0])
                confs.append(max(got[1], 0.34))  # the file's label stays the most probable one
        if hit_idx:
            out.probs[hit_idx] = probs_from_labels(stances, confs)
            out.read[hit_idx] = True
            for i in hit_idx:
                out.notes[i] = ""
        if progress is not None:
            progress(len(texts), len(texts))
        return out
