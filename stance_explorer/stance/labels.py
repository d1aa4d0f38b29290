"""Hand labels: keyed by the quote's sha256, read from and written to CSV with a problem per bad row."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from stance_explorer import schema as S
from stance_explorer.stance.axes import CODE, LABELS

# ---------------------------------------------------------------------------- labels
#: Label files larger than this are refused (a label row is under 120 bytes).
MAX_LABEL_BYTES = 5 * 1024 * 1024
LABEL_COLUMNS = ("id", "text_sha256", "label")


def text_sha256(text: str) -> str:
    """The sha256 (hex) of a quote's UTF-8 text: a label names the exact words it was given for.

    Args:
        text: The quote; anything else is converted with ``str``.

    Returns:
        64 hex digits.
    """
    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()


def frame_hashes(frame: pd.DataFrame) -> np.ndarray:
    """The :func:`text_sha256` of every statement's text.

    Args:
        frame: A statements table.

    Returns:
        An object array of :func:`text_sha256`, one per row.
    """
    return np.array([text_sha256(t) for t in frame[S.TEXT].astype(str).tolist()], dtype=object)


def row_index(hashes: np.ndarray) -> dict[str, list[int]]:
    """sha256 -> the rows with that text (several when a text repeats), built once per dataset.

    Args:
        hashes: One sha256 per row, as :func:`frame_hashes` gives them.

    Returns:
        Each hash to its row positions, in order.
    """
    index: dict[str, list[int]] = {}
    for i, h in enumerate(hashes.tolist()):
        index.setdefault(h, []).append(i)
    return index


@dataclass
class LabelSet:
    """Labels keyed by the quote's sha256, with the statement id each was given under.

    Keyed by text rather than row, so labels survive filters, merges and a new upload of the same
    statements; a label whose text is not in the data is kept (and counted) rather than dropped.
    """

    labels: dict[str, tuple[str, int]] = field(default_factory=dict)  # sha -> (id, code)

    def __len__(self) -> int:
        return len(self.labels)

    def set(self, sid: str, sha: str, code: int | None) -> None:
        if code is None:
            self.labels.pop(sha, None)
        else:
            self.labels[sha] = (str(sid), int(code))

    def copy(self) -> LabelSet:
        return LabelSet(dict(self.labels))

    def update(self, other: LabelSet) -> None:
        """Take every label of ``other`` (its label wins where both have one)."""
        self.labels.update(other.labels)

    def code_of(self, sha: str) -> int | None:
        """The label code of the statement with this sha256, or None when it has no label."""
        hit = self.labels.get(sha)
        return None if hit is None else hit[1]

    def name_of(self, sha: str) -> str | None:
        """The label ("favor", "against", "none") of the statement with this sha256, or None."""
        code = self.code_of(sha)
        return None if code is None else LABELS[code]

    def rows(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row positions, label codes) of the statements in ``hashes`` (row-aligned) that are labelled.

        The last answer is kept for the same hashes array and the same labels: a page rerun that
        changed neither does not look up 100k hashes again.
        """
        if not self.labels:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        key = (id(hashes), len(hashes), hash(frozenset(self.labels.items())))
        cached = getattr(self, "_rows_cache", None)
        if cached is not None and cached[0] == key and cached[1] is hashes:
            return cached[2]
        codes = np.array([self.labels.get(h, (None, -1))[1] for h in hashes], dtype=np.int64)
        rows = np.flatnonzero(codes >= 0)
        out = (rows, codes[rows])
        self._rows_cache = (key, hashes, out)
        return out

    def rows_in(self, index: Mapping[str, list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Like :meth:`rows`, through a :func:`row_index` of the data: the cost follows the labels, not the data."""
        pairs = sorted((r, code) for sha, (_, code) in self.labels.items() for r in index.get(sha, ()))
        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        rows, codes = zip(*pairs)
        return np.asarray(rows, dtype=np.int64), np.asarray(codes, dtype=np.int64)

    def counts(self) -> dict[str, int]:
        c = np.bincount([code for _, code in self.labels.values()], minlength=3)
        return {LABELS[i]: int(c[i]) for i in range(3)}


@dataclass
class LabelRead:
    """What reading a label file gave: the labels kept and a problem per row that was not."""

    labels: LabelSet
    problems: list[S.Problem]
    rows_read: int = 0

    @property
    def unreadable(self) -> bool:
        return any(p.line is None and p.severity == "error" for p in self.problems)


def clean_cell(value: str) -> str:
    """A CSV cell as a label or readings file gives it: stripped, and without the apostrophe our own
    exports put before a cell that looks like a formula.

    Args:
        value: the cell.

    Returns:
        The cell's text.
    """
    value = value.strip()
    # Our own exports put an apostrophe before a cell that looks like a formula: take it off again.
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r\n":
        value = value[1:]
    return value


_HEX64 = re.compile(r"^[0-9a-f]{64}$")


_LABEL_ALIASES = {
    "id": ("id", "statement_id", "statementid"),
    "text_sha256": ("text_sha256", "sha256", "hash", "text_hash"),
    "label": ("label", "stance"),
}


def _label_rows(raw: bytes) -> tuple[list[list[str]], str | None]:
    """The CSV rows of a labels file, or why it cannot be read (size, binary, empty, broken CSV)."""
    if len(raw) > MAX_LABEL_BYTES:
        return (
            [],
            f"is {len(raw) / 1024 / 1024:.1f} MB; a label file may be at most {MAX_LABEL_BYTES // 1024 // 1024} MB.",
        )
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    if b"\x00" in raw[:4096] and not utf16:
        return [], "this is not a text file. Expected a CSV with the columns id, text_sha256, label."
    text = raw.decode("utf-16", errors="replace") if utf16 else raw.decode("utf-8-sig", errors="replace")
    if not text.strip():
        return [], "is empty. Expected a CSV with the columns id, text_sha256, label."
    try:
        return list(csv.reader(io.StringIO(text, newline=""))), None
    except csv.Error as exc:
        return [], f"is not a readable CSV ({exc})."


def _label_columns(first: list[str]) -> tuple[dict[str, int], str | None]:
    """Where id, text_sha256 and label are in the header (by their aliases), or which are missing."""
    header = [h.strip().lower().lstrip("\ufeff") for h in first]
    pos: dict[str, int] = {}
    for col, names in _LABEL_ALIASES.items():
        for i, h in enumerate(header):
            if h in names and col not in pos:
                pos[col] = i
    missing = [c for c in ("label",) if c not in pos]
    if "id" not in pos and "text_sha256" not in pos:
        missing = ["id or text_sha256"] + missing
    if missing:
        return pos, (
            f"has no column {' and no column '.join(missing)} (its header is: {', '.join(first)[:200]}). "
            "Expected the columns id, text_sha256, label."
        )
    return pos, None


def _label_row_hash(
    cells: dict[str, str],
    n: int,
    name: str,
    col_name: dict[str, str],
    by_id: dict[str, list[int]],
    hashes_in_data: set[str],
    frame: pd.DataFrame | None,
) -> tuple[str | None, list[S.Problem]]:
    """The text hash a label row names (None: the row is skipped), and the problems of that row."""
    sid, sha, lab = cells.get("id", ""), cells.get("text_sha256", "").lower(), cells["label"].lower()
    if lab not in CODE:
        why = f"'{lab[:40]}' is not a label; use favor, against or none. Row skipped."
        return None, [S.Problem(name, n, col_name["label"], "error", why)]
    if sha and not _HEX64.match(sha):
        why = f"'{sha[:20]}…' is not a sha256 (64 hex digits). Row skipped."
        return None, [S.Problem(name, n, col_name["text_sha256"], "error", why)]
    if not sha:
        hits = by_id.get(sid, [])
        if len(hits) == 1 and frame is not None:
            return text_sha256(frame[S.TEXT].iat[hits[0]]), []
        col = col_name.get("text_sha256") or col_name.get("id")
        why = "names no statement in this data" if not hits else "names several statements in this data"
        return None, [S.Problem(name, n, col, "error", f"no text hash, and the id '{sid[:40]}' {why}. Row skipped.")]
    if frame is not None and sha not in hashes_in_data and sid in by_id:
        why = (
            f"the statement '{sid[:40]}' has different text here than when it was labelled; "
            "the label is kept for the labelled text only."
        )
        return sha, [S.Problem(name, n, col_name.get("text_sha256"), "warning", why)]
    return sha, []


def read_labels(source: str | Path | bytes, *, name: str | None = None, frame: pd.DataFrame | None = None) -> LabelRead:
    """Read a labels CSV (``id``, ``text_sha256``, ``label``). Never raises on bad input.

    Each bad row becomes a problem naming the file, line and column, and is skipped; good rows are
    kept. With ``frame``, a label whose id is in the data but whose text hash is not gets a warning
    (the quote changed since it was labelled) and is kept for the labelled text only; a row with an
    id but no hash takes the hash of that statement's text, when the id names exactly one.

    Args:
        source: A path, or the file's bytes (an upload).
        name: The file name problems use; defaults to the path's name.
        frame: The statements the labels are for; None skips the checks against them.

    Returns:
        A :class:`LabelRead`: the labels kept and the problems.
    """
    if isinstance(source, (str, Path)):
        name = name or Path(source).name
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            return LabelRead(
                LabelSet(), [S.Problem(name, None, None, "error", f"cannot be read: {exc.strerror or exc}")]
            )
    else:
        raw = source
    name = name or "labels.csv"

    def fatal(message: str) -> LabelRead:
        return LabelRead(LabelSet(), [S.Problem(name, None, None, "error", message)])

    rows, why = _label_rows(raw)
    if why:
        return fatal(why)
    pos, why = _label_columns(rows[0])
    if why:
        return fatal(why)
    by_id: dict[str, list[int]] = {}
    hashes_in_data: set[str] = set()
    if frame is not None:
        data_hashes = frame_hashes(frame)
        hashes_in_data = set(data_hashes.tolist())
        for i, sid in enumerate(frame[S.ID].astype(str).tolist()):
            by_id.setdefault(sid, []).append(i)
    labels, problems = LabelSet(), []
    col_name = {c: rows[0][i].strip() for c, i in pos.items()}
    seen: dict[str, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {c: (clean_cell(row[i]) if i < len(row) else "") for c, i in pos.items()}
        sid, lab = cells.get("id", ""), cells["label"].lower()
        sha, found = _label_row_hash(cells, n, name, col_name, by_id, hashes_in_data, frame)
        problems.extend(found)
        if sha is None:
            continue
        if sha in seen:
            problems.append(
                S.Problem(
                    name,
                    n,
                    col_name.get("text_sha256") or col_name.get("id"),
                    "warning",
                    f"the same statement is labelled on line {seen[sha]}; the later label wins.",
                )
            )
        seen[sha] = n
        labels.set(sid, sha, CODE[lab])
    return LabelRead(labels, problems, len(rows) - 1)


def labels_csv_rows(labels: LabelSet) -> pd.DataFrame:
    """The labels as the table a label file holds (id, text_sha256, label), in id order.

    Args:
        labels: The labels.

    Returns:
        Columns id, text_sha256 and label (favor, against or none).
    """
    records = [(sid, sha, LABELS[code]) for sha, (sid, code) in labels.labels.items()]
    return pd.DataFrame(sorted(records), columns=list(LABEL_COLUMNS))


def write_labels(labels: LabelSet) -> bytes:
    """A label file that :func:`read_labels` reads back; cells are formula-safe.

    Args:
        labels: The labels.

    Returns:
        The UTF-8 CSV bytes (with BOM).
    """
    from stance_explorer.export import safe_csv_bytes

    return safe_csv_bytes(labels_csv_rows(labels))
