"""Stance on an axis: who is for, who is against, and who changed their mind.

An :class:`Axis` is a question in words (a target, and optionally a favor and an against pole).
Scoring is done by :mod:`stance_explorer.stance_methods` (pure numpy, on sentence vectors); this
module is everything around it that the CLI, the pages and the benchmarks share:

* the preset axes for the bundled topics (``data/stance_axes.csv``) and their shipped labels;
* labels as CSV (statement id, sha256 of the quote, label), read with a problem per bad row;
* the axis texts' vectors, through the embedding store, so an axis is read by the dataset's own
  encoder (a Spanish statement on an English axis needs a multilingual model, nothing else);
* speaker estimates with bootstrap intervals, stance over time with the quotes at the turning
  points, Flip-O-Meter ratings, and agree / disagree / unclear for a pair of speakers.

Every output is the model's reading of a statement, with its confidence: "none" stays a label,
never a zero on the scale.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from stance_explorer import schema as S
from stance_explorer import stance_methods as M
from stance_explorer.analysis import window_labels
from stance_explorer.embed_text import query_embedding_text

REPO_ROOT = Path(__file__).resolve().parent.parent
AXES_CSV = REPO_ROOT / "data" / "stance_axes.csv"

LABELS = M.LABELS  # ("none", "against", "favor"), codes 0, 1, 2
NONE, AGAINST, FAVOR = 0, 1, 2
CODE = {name: i for i, name in enumerate(LABELS)}
#: Below this confidence a reading is shown as tentative (lighter, hollow markers, a "low" flag).
LOW_CONFIDENCE = 0.5
#: A speaker's (or a period's) mean score past this is a side; within it, "mixed".
SIDE_THRESHOLD = 0.25
#: Label files larger than this are refused (a label row is under 120 bytes).
MAX_LABEL_BYTES = 5 * 1024 * 1024
LABEL_COLUMNS = ("id", "text_sha256", "label")


# ---------------------------------------------------------------------------- the axis
@dataclass(frozen=True)
class Axis:
    """A stance question in words. ``favor``/``against`` empty: derived from the target."""

    target: str
    favor: str = ""
    against: str = ""

    def __post_init__(self) -> None:
        for name in ("target", "favor", "against"):
            object.__setattr__(self, name, " ".join(str(getattr(self, name) or "").split()))
        if not self.target:
            raise ValueError("An axis needs a target: say what the statements take a position on.")

    def texts(self) -> dict[str, list[str]]:
        """The texts to encode, keyed "target", "favor", "against" (derived poles included)."""
        return M.axis_texts(self.target, self.favor or None, self.against or None)

    @property
    def key(self) -> str:
        """A short id of the axis wording: labels and cached scores belong to one axis."""
        raw = "\x1f".join((self.target, self.favor, self.against)).encode("utf-8")
        return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class Preset:
    """A shipped axis for one of the bundled topics, with its hand labels when there are some."""

    name: str
    topic: str
    axis: Axis
    labels_path: Path | None = None


def load_presets(path: str | Path = AXES_CSV) -> list[Preset]:
    """The preset axes (``data/stance_axes.csv``); an unreadable file gives no presets, never an error."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError):
        return []
    out = []
    for _, row in frame.iterrows():
        try:
            axis = Axis(row.get("target", ""), row.get("favor", ""), row.get("against", ""))
        except ValueError:
            continue
        labels = (row.get("labels") or "").strip()
        out.append(
            Preset(
                row.get("name", "") or axis.target, row.get("topic", ""), axis, path.parent / labels if labels else None
            )
        )
    return out


def preset_for(axis: Axis, presets: Sequence[Preset]) -> Preset | None:
    return next((p for p in presets if p.axis == axis), None)


# ---------------------------------------------------------------------------- labels
def text_sha256(text: str) -> str:
    """The sha256 (hex) of a quote's UTF-8 text: a label names the exact words it was given for."""
    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()


def frame_hashes(frame: pd.DataFrame) -> np.ndarray:
    return np.array([text_sha256(t) for t in frame[S.TEXT].astype(str).tolist()], dtype=object)


def row_index(hashes: np.ndarray) -> dict[str, list[int]]:
    """sha256 -> the rows with that text (several when a text repeats), built once per dataset."""
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


def _clean_cell(value: str) -> str:
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
        cells = {c: (_clean_cell(row[i]) if i < len(row) else "") for c, i in pos.items()}
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
    """The labels as the table a label file holds (id, text_sha256, label), in id order."""
    records = [(sid, sha, LABELS[code]) for sha, (sid, code) in labels.labels.items()]
    return pd.DataFrame(sorted(records), columns=list(LABEL_COLUMNS))


def write_labels(labels: LabelSet) -> bytes:
    """A label file that :func:`read_labels` reads back; cells are formula-safe."""
    from stance_explorer.export import safe_csv_bytes

    return safe_csv_bytes(labels_csv_rows(labels))


# ---------------------------------------------------------------------------- vectors and scores
def axis_embedding_texts(axis: Axis, rules=None) -> tuple[list[str], list[tuple[str, int, int]]]:
    """Every text the axis needs embedded (with the model's text rules, like search phrases), and each key's slice.

    ``rules``: the encoder's text rules (None: the default ones), so an axis is embedded the way the
    statements it is compared with were.
    """
    texts, spans = [], []
    for key, items in axis.texts().items():
        spans.append((key, len(texts), len(texts) + len(items)))
        texts.extend(query_embedding_text(t) if rules is None else query_embedding_text(t, rules) for t in items)
    return texts, spans


def axis_vectors(
    axis: Axis,
    lookup: Callable[[list[str]], tuple[np.ndarray, np.ndarray]],
    encode: Callable[[list[str]], np.ndarray] | None,
    *,
    rules=None,
) -> dict[str, np.ndarray] | None:
    """The axis texts' vectors: from ``lookup`` (stores; returns vectors, found) and ``encode`` for the rest.

    Returns None when some text is in no store and there is no ``encode`` (no model here).
    """
    texts, spans = axis_embedding_texts(axis, rules)
    vecs, found = lookup(texts)
    vecs = np.array(vecs, dtype=np.float32, copy=True)
    if not found.all():
        if encode is None:
            return None
        need = np.flatnonzero(~found)
        new = np.asarray(encode([texts[i] for i in need]), dtype=np.float32)
        if vecs.ndim != 2 or vecs.shape[1] != new.shape[1]:  # an empty store has no dimension yet
            vecs = np.zeros((len(texts), new.shape[1]), dtype=np.float32)
            if found.any():
                vecs[found] = lookup([t for t, f in zip(texts, found) if f])[0]
        vecs[need] = new
    return {key: vecs[a:b] for key, a, b in spans}


def store_axis_vectors(axis: Axis, store, encoder=None, *, rules=None) -> dict[str, np.ndarray] | None:
    """Axis vectors from one embedding store, encoding (and caching in the store) what it lacks."""

    def encode(texts: list[str]) -> np.ndarray:
        vecs, _ = store.get_or_encode(texts, encoder)
        return vecs

    return axis_vectors(axis, store.get, encode if encoder is not None else None, rules=rules)


def score(
    X: np.ndarray,
    axis_vecs: Mapping[str, np.ndarray],
    rows: np.ndarray | None = None,
    codes: np.ndarray | None = None,
    *,
    model_id: str | None = None,
) -> M.StanceArrays:
    """Zero-shot without labels; taught with them (labelled rows keep their label).

    ``model_id``: the encoder that made the vectors; the method may have settings for it.
    """
    if rows is None or len(rows) == 0:
        return M.zero_shot(X, dict(axis_vecs), model_id=model_id)
    return M.taught(X, np.asarray(rows), np.asarray(codes), dict(axis_vecs), model_id=model_id)


@dataclass
class AxisReading:
    """One axis read over the statements in scope (row-aligned with the scope).

    Attributes:
        arrays: the reading in force: taught when labels teach, else the zero-shot one.
        zero_shot: the reading from the axis words alone (it does not depend on the labels).
        relevance: each statement's cosine to the target (how much it is about the question).
        taught: whether ``arrays`` was learnt from labels.
    """

    arrays: M.StanceArrays
    zero_shot: M.StanceArrays
    relevance: np.ndarray
    taught: bool


def read_zero_shot(
    X: np.ndarray, axis_vecs: Mapping[str, np.ndarray], *, model_id: str | None = None
) -> tuple[M.StanceArrays, np.ndarray]:
    """The zero-shot reading of rows ``X`` and their relevance to the target (what :func:`read_axis` starts from)."""
    return M.zero_shot(X, dict(axis_vecs), model_id=model_id), relevance(X, axis_vecs)


def read_axis(
    X: np.ndarray,
    axis_vecs: Mapping[str, np.ndarray],
    *,
    scope: np.ndarray | None = None,
    label_rows: np.ndarray | None = None,
    label_codes: np.ndarray | None = None,
    taught: bool = True,
    model_id: str | None = None,
    zero: tuple[M.StanceArrays, np.ndarray] | None = None,
) -> AxisReading:
    """Read an axis over the statements at rows ``scope`` of ``X``: the one rule the CLI and the pages share.

    Only the statements in scope are scored, so a filter or a topic narrows the work; when teaching,
    every label counts, in scope or not (a label outside the filters still teaches the model).

    Args:
        X: every statement's vector (the whole dataset).
        axis_vecs: the axis's pole vectors (``VectorSource.axis_vectors``).
        scope: sorted rows of ``X`` to read; None reads every row.
        label_rows: rows of ``X`` with a label, and ``label_codes`` their codes (``CODE``).
        taught: learn from the labels when there are any; False reads zero-shot.
        model_id: the encoder that made ``X`` (the zero-shot method has settings per model).
        zero: the zero-shot reading of the scope and its relevance, when the caller has it cached.

    Returns:
        An ``AxisReading`` aligned with ``scope``.
    """
    X = np.asarray(X)
    scope = np.arange(len(X), dtype=np.int64) if scope is None else np.asarray(scope, dtype=np.int64)
    zero_arrays, rel = zero if zero is not None else read_zero_shot(X[scope], axis_vecs, model_id=model_id)
    rows = np.asarray(label_rows if label_rows is not None else [], dtype=np.int64)
    codes = np.asarray(label_codes if label_codes is not None else [], dtype=np.int64)
    if not taught or len(rows) == 0:
        return AxisReading(zero_arrays, zero_arrays, rel, False)
    pos = np.minimum(np.searchsorted(scope, rows), max(len(scope) - 1, 0))
    inside = (scope[pos] == rows) if len(scope) else np.zeros(len(rows), dtype=bool)
    outside = rows[~inside]
    lab = np.r_[pos[inside], len(scope) + np.arange(len(outside))].astype(np.int64)
    y = np.r_[codes[inside], codes[~inside]].astype(np.int64)
    full = score(X[np.r_[scope, outside]], axis_vecs, lab, y, model_id=model_id)
    return AxisReading(M.StanceArrays(*(a[: len(scope)] for a in full)), zero_arrays, rel, True)


def readings(
    frame: pd.DataFrame, arrays: M.StanceArrays, labelled: np.ndarray | None = None, *, hand: np.ndarray | None = None
) -> pd.DataFrame:
    """The statements with their stance: stance, score, confidence, low (tentative), ``labelled``
    (the stance shown is a hand label, not the model's reading) and ``hand_label`` (the statement's
    hand label when it has one, whatever is shown: "" otherwise).

    Args:
        frame: the statements, row-aligned with ``arrays``.
        arrays: the stance in force (taught: labelled rows carry their label).
        labelled: positions whose stance in ``arrays`` IS their label (the taught mode's labelled
            rows). In zero-shot mode pass None: every stance shown is then the model's reading.
        hand: a label code per row (-1: no label), shown beside the model's reading.
    """
    out = frame.copy()
    out["stance"] = np.asarray(LABELS, dtype=object)[arrays.label.astype(np.int64)]
    out["score"] = arrays.score.astype(np.float64)
    out["confidence"] = arrays.confidence.astype(np.float64)
    out["low"] = out["confidence"].to_numpy() < LOW_CONFIDENCE
    lab = np.zeros(len(frame), dtype=bool)
    if labelled is not None and len(labelled):
        lab[labelled] = True
    out["labelled"] = lab
    names = np.asarray(("",) + tuple(LABELS), dtype=object)
    out["hand_label"] = names[np.asarray(hand, dtype=np.int64) + 1] if hand is not None else ""
    return out


def describe_reading(row: Mapping) -> str:
    """How a statement's stance is told: a hand label is called a label; the model's is "the model's
    reading", with its confidence, and a differing hand label is shown beside it."""
    if row.get("labelled"):
        return f"{row['stance']} (a hand label)"
    text = f"{row['stance']} (the model's reading, confidence {float(row['confidence']):.2f})"
    hand = row.get("hand_label") or ""
    if hand and hand != row["stance"]:
        text += f"; hand label: {hand}"
    return text


def teaching_gap(codes: Sequence[int]) -> str | None:
    """What the labels cannot teach yet: None when both favor and against are labelled."""
    present = set(int(c) for c in codes)
    if FAVOR in present and AGAINST in present:
        return None
    if not present:
        return None
    if FAVOR in present or AGAINST in present:
        have, lack = ("favor", "against") if FAVOR in present else ("against", "favor")
        return (
            f"Your labels have {have} examples but no {lack} one, so the axis cannot yet tell favor from against: "
            f"label at least one {lack} statement."
        )
    return 'Your labels are all "none", so the axis cannot yet tell favor from against: label a favor and an against statement.'


def relevance(X: np.ndarray, axis_vecs: Mapping[str, np.ndarray]) -> np.ndarray:
    """Cosine of each statement to the axis target (the mean of the target texts' vectors)."""
    t = np.asarray(axis_vecs["target"], dtype=np.float32).reshape(-1, np.shape(X)[1]).mean(axis=0)
    n = float(np.linalg.norm(t))
    return (np.asarray(X, dtype=np.float32) @ (t / n if n else t)).astype(np.float64)


def clarity(arrays: M.StanceArrays, tiebreak: np.ndarray | None = None) -> np.ndarray:
    """How clearly each statement takes its side: |score| (0 for none), ties broken by ``tiebreak``.

    Hand-labelled statements all score exactly ±1, so ``tiebreak`` (the statement's relevance to
    the target, :func:`relevance`) decides which of them is the clearest example of its side: the
    one most plainly about the target.
    """
    c = np.where(arrays.label == NONE, 0.0, np.abs(arrays.score.astype(np.float64)))
    if tiebreak is not None:
        c = c + 1e-3 * np.clip(np.asarray(tiebreak, dtype=np.float64), -1.0, 1.0)
    return c


#: A quote shorter than this many words is a fragment: never the evidence for a side when a fuller one exists.
MIN_EVIDENCE_WORDS = 6


def citability(frame: pd.DataFrame) -> np.ndarray:
    """How well each statement serves as cited evidence: 2 for a full quote with a source link,
    1 for one of the two, 0 for a fragment without a link.

    A partial quote ("irrelevant", "very well.") stays as it was reported, but the evidence shown
    for a side or a flip is the fullest sourced statement that supports it (see :func:`evidence_rank`).
    """
    n = len(frame)
    url = frame[S.SOURCE_URL] if S.SOURCE_URL in frame else pd.Series([""] * n, index=frame.index)
    sourced = url.fillna("").astype(str).str.strip().str.len().to_numpy() > 0
    words = frame[S.TEXT].fillna("").astype(str).str.split().str.len().to_numpy() if n else np.zeros(0)
    partial = (
        (frame[S.QUOTE_TYPE].fillna("").astype(str).to_numpy() == S.QUOTE_PARTIAL)
        if S.QUOTE_TYPE in frame
        else np.zeros(n, bool)
    )
    full = (words >= MIN_EVIDENCE_WORDS) & ~partial
    return sourced.astype(np.float64) + full.astype(np.float64)


def evidence_rank(frame: pd.DataFrame, arrays: M.StanceArrays, tiebreak: np.ndarray | None = None) -> np.ndarray:
    """Which statement to cite for its side: full sourced quotes first, then the clearest reading.

    Compare only statements on the same side: citability outranks clarity (which lies in [0, 1]).
    """
    return 2.0 * citability(frame) + clarity(arrays, tiebreak)


# ---------------------------------------------------------------------------- speakers
def side_of(mean: float | None) -> str:
    """favor / against past ±SIDE_THRESHOLD, mixed between, none when there is no stance at all."""
    if mean is None or not np.isfinite(mean):
        return "none"
    return "favor" if mean >= SIDE_THRESHOLD else "against" if mean <= -SIDE_THRESHOLD else "mixed"


#: Above this many statements a speaker's interval is the normal approximation (mean ± 1.96 SE):
#: with hundreds of statements the bootstrap gives the same interval at a thousand times the cost.
BOOTSTRAP_MAX_N = 400


def _bootstrap_ci(
    values: np.ndarray, weights: np.ndarray, *, n_boot: int, rng: np.random.Generator
) -> tuple[float, float]:
    n = len(values)
    if n == 1:
        return float(values[0]), float(values[0])
    if n > BOOTSTRAP_MAX_N:  # the normal approximation is as good as the bootstrap here, and O(n)
        m = float(np.average(values, weights=weights))
        sd = float(np.sqrt(np.average((values - m) ** 2, weights=weights)))
        half = 1.96 * sd / np.sqrt(n)
        return m - half, m + half
    idx = rng.integers(0, n, size=(n_boot, n))
    w = weights[idx]
    means = (values[idx] * w).sum(axis=1) / np.maximum(w.sum(axis=1), 1e-12)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(lo), float(hi)


SPEAKER_COLUMNS = [
    "speaker",
    "estimate",
    "low",
    "high",
    "side",
    "verdict",
    "n",
    "n_side",
    "n_favor",
    "n_against",
    "n_none",
    "first",
    "last",
]
#: With fewer statements taking a side than this, a speaker gets no interval and no firm side:
#: a bootstrap over one or two values is a zero-width or meaningless "95% interval".
MIN_FOR_INTERVAL = 3
#: ``side`` of a speaker with too few statements taking a side to place them.
TOO_FEW = "too few"


def _few_verdict(n_side: int, n_favor: int, n_against: int) -> str:
    """What to say of a speaker with one or two statements taking a side: the count, and the reading."""
    what = "statement" if n_side == 1 else "statements"
    if n_favor and n_against:
        reads = "read favor and against"
    else:
        reads = ("reads " if n_side == 1 else "both read ") + ("favor" if n_favor else "against")
    return f"{n_side} {what} ({reads}): too few to place"


def speaker_estimates(
    frame: pd.DataFrame,
    arrays: M.StanceArrays,
    *,
    speakers: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Each speaker's position: the confidence-weighted mean score of their statements that take a side.

    The interval is a 95% bootstrap over those statements (resampled with replacement), so a
    speaker with two statements gets a wide one; above BOOTSTRAP_MAX_N statements, the normal
    approximation. The side is favor / against only when the estimate
    is past ±SIDE_THRESHOLD and the interval stays on that side of zero; otherwise "mixed". A speaker whose statements all read "none" has no
    estimate (NaN) and side "none": no position is not the middle of the scale. With fewer than
    MIN_FOR_INTERVAL statements taking a side there is no interval (NaN) and the side is TOO_FEW;
    ``verdict`` then says how many statements there are and how they read ("1 statement (reads
    against): too few to place").

    Args:
        frame: the statements read, row-aligned with ``arrays``.
        arrays: their readings.
        speakers: whom to place (default: everyone in ``frame``).
        n_boot: bootstrap resamples; seed: their seed.

    Returns:
        One row per speaker with SPEAKER_COLUMNS.
    """
    spk = frame[S.SPEAKER].to_numpy()
    names = list(speakers) if speakers is not None else sorted(pd.unique(spk))
    rng = np.random.default_rng(seed)
    label, sc, conf = arrays.label, arrays.score.astype(np.float64), arrays.confidence.astype(np.float64)
    dates = frame[S.DATE]
    out = []
    for name in names:
        rows = np.flatnonzero(spk == name)
        if len(rows) == 0:
            continue
        side_rows = rows[label[rows] != NONE]
        counts = np.bincount(label[rows].astype(np.int64), minlength=3)
        rec = {
            "speaker": name,
            "n": len(rows),
            "n_favor": int(counts[FAVOR]),
            "n_against": int(counts[AGAINST]),
            "n_none": int(counts[NONE]),
            "first": dates.iloc[rows].min(),
            "last": dates.iloc[rows].max(),
        }
        rec["n_side"] = len(side_rows)
        if len(side_rows) >= MIN_FOR_INTERVAL:
            w = np.maximum(conf[side_rows], 1e-3)
            est = float(np.average(sc[side_rows], weights=w))
            lo, hi = _bootstrap_ci(sc[side_rows], w, n_boot=n_boot, rng=rng)
            side = side_of(est)
            if (side == "favor" and lo <= 0) or (side == "against" and hi >= 0):
                side = "mixed"  # the interval reaches the other side: not a clear position
            rec.update(estimate=est, low=lo, high=hi, side=side, verdict=side)
        elif len(side_rows):  # the reading is shown, but no interval and no firm side
            est = float(np.average(sc[side_rows], weights=np.maximum(conf[side_rows], 1e-3)))
            rec.update(
                estimate=est,
                low=np.nan,
                high=np.nan,
                side=TOO_FEW,
                verdict=_few_verdict(len(side_rows), rec["n_favor"], rec["n_against"]),
            )
        else:
            rec.update(estimate=np.nan, low=np.nan, high=np.nan, side="none", verdict="none")
        out.append(rec)
    return pd.DataFrame(out, columns=SPEAKER_COLUMNS)


# ---------------------------------------------------------------------------- over time and flips
PERIOD_COLUMNS = ["speaker", "period", "start", "n", "n_side", "mean", "side", "row_favor", "row_against", "row_top"]


def stance_over_time(
    frame: pd.DataFrame,
    arrays: M.StanceArrays,
    *,
    speakers: Sequence[str],
    freq: str = "Y",
    tiebreak: np.ndarray | None = None,
) -> pd.DataFrame:
    """Each speaker's stance period by period (``freq`` "Y" or "6M").

    Per period: statements, those taking a side, their confidence-weighted mean score and its side,
    and the row of the clearest favor and clearest against statement (-1 when none; see
    :func:`clarity` for ``tiebreak``), plus ``row_top``, the clearest statement on the period's own side (the quote to show for it).
    """
    spk = frame[S.SPEAKER].to_numpy()
    s = evidence_rank(frame, arrays, tiebreak)
    conf = arrays.confidence.astype(np.float64)
    out = []
    for name in speakers:
        rows = np.flatnonzero(spk == name)
        if len(rows) == 0:
            continue
        codes, labels, starts = window_labels(frame[S.DATE].iloc[rows], freq)
        for w, (lab, start) in enumerate(zip(labels, starts)):
            r = rows[codes == w]
            side_r = r[arrays.label[r] != NONE]
            mean = (
                float(np.average(arrays.score[side_r], weights=np.maximum(conf[side_r], 1e-3)))
                if len(side_r)
                else np.nan
            )
            fav = r[arrays.label[r] == FAVOR]
            ag = r[arrays.label[r] == AGAINST]
            row_f = int(fav[np.argmax(s[fav])]) if len(fav) else -1
            row_a = int(ag[np.argmax(s[ag])]) if len(ag) else -1
            side = side_of(mean if len(side_r) else None)
            top = (
                row_f
                if side == "favor"
                else row_a
                if side == "against"
                else (row_f if len(fav) >= len(ag) and row_f >= 0 else row_a)
            )
            out.append(
                {
                    "speaker": name,
                    "period": lab,
                    "start": start,
                    "n": len(r),
                    "n_side": len(side_r),
                    "mean": mean,
                    "side": side,
                    "row_favor": row_f,
                    "row_against": row_a,
                    "row_top": top,
                }
            )
    return pd.DataFrame(out, columns=PERIOD_COLUMNS)


def turning_points(periods: pd.DataFrame) -> pd.DataFrame:
    """For each speaker, the periods whose side differs from the previous period that took one.

    Columns: speaker, from_period, to_period, from_side, to_side, row_before, row_after (the quotes
    that show the turn: the clearest statement of each period on its own side).
    """
    cols = ["speaker", "from_period", "to_period", "from_side", "to_side", "row_before", "row_after"]
    out = []
    for name, g in periods.groupby("speaker", sort=False):
        g = g[g["side"] != "none"]
        prev = None
        for _, p in g.iterrows():
            if prev is not None and p["side"] != prev["side"]:
                out.append(
                    (
                        name,
                        prev["period"],
                        p["period"],
                        prev["side"],
                        p["side"],
                        int(prev["row_top"]),
                        int(p["row_top"]),
                    )
                )
            prev = p
    return pd.DataFrame(out, columns=cols)


FLIP_RATINGS = ("No Flip", "Half Flip", "Full Flop")
FLIP_COLUMNS = [
    "speaker",
    "rating",
    "from_period",
    "to_period",
    "from_side",
    "to_side",
    "from_mean",
    "to_mean",
    "row_before",
    "row_after",
    "explanation",
]


def flip_o_meter(periods: pd.DataFrame) -> pd.DataFrame:
    """A Flip-O-Meter rating per speaker, in the manner of PolitiFact's (No Flip, Half Flip, Full Flop).

    Over the speaker's periods that take a side, the rating looks at every earlier → later pair and
    keeps the largest change of the mean score (equal changes: the pair whose periods have more
    statements taking a side):

    * **Full Flop**: a period on one side (favor or against) and a later one on the other side;
    * **Half Flip**: a side and a later "mixed" period (or the reverse) with the mean moving at
      least 0.5, i.e. a partial change of position;
    * **No Flip**: neither; also when fewer than two periods take a side (too little to judge).

    The evidence is the clearest quote of each of the two periods on its own side.
    """
    out = []
    for name, g in periods.groupby("speaker", sort=False):
        g = g[g["side"] != "none"].reset_index(drop=True)
        best = None  # (rank, change, support, i, j)
        for i in range(len(g)):
            for j in range(i + 1, len(g)):
                a, b = g.iloc[i], g.iloc[j]
                change = abs(float(b["mean"]) - float(a["mean"]))
                sides = {a["side"], b["side"]}
                if sides == {"favor", "against"}:
                    rank = 2
                elif "mixed" in sides and len(sides) == 2 and change >= 0.5:
                    rank = 1
                else:
                    rank = 0
                # Equal changes go to the pair of periods with more statements taking a side.
                support = min(int(a["n_side"]), int(b["n_side"]))
                if best is None or (rank, round(change, 6), support) > best[:3]:
                    best = (rank, round(change, 6), support, i, j)
        if best is None or best[0] == 0:
            why = "fewer than two periods take a side" if len(g) < 2 else "no period takes the other side"
            out.append(
                {
                    "speaker": name,
                    "rating": FLIP_RATINGS[0],
                    "from_period": None,
                    "to_period": None,
                    "from_side": None,
                    "to_side": None,
                    "from_mean": np.nan,
                    "to_mean": np.nan,
                    "row_before": -1,
                    "row_after": -1,
                    "explanation": f"No flip: {why}.",
                }
            )
            continue
        rank, change, _, i, j = best
        a, b = g.iloc[i], g.iloc[j]
        out.append(
            {
                "speaker": name,
                "rating": FLIP_RATINGS[rank],
                "from_period": a["period"],
                "to_period": b["period"],
                "from_side": a["side"],
                "to_side": b["side"],
                "from_mean": float(a["mean"]),
                "to_mean": float(b["mean"]),
                "row_before": int(a["row_top"]),
                "row_after": int(b["row_top"]),
                "explanation": f"{a['side']} in {a['period']} (mean {float(a['mean']):+.2f}) to {b['side']} in {b['period']} (mean {float(b['mean']):+.2f}).",
            }
        )
    return pd.DataFrame(out, columns=FLIP_COLUMNS)


# ---------------------------------------------------------------------------- pairs (Compare)
PAIR_COLUMNS = [
    "speaker_a",
    "speaker_b",
    "verdict",
    "side_a",
    "side_b",
    "estimate_a",
    "estimate_b",
    "row_a",
    "row_b",
    "other_a",
    "other_b",
    "reason",
]


def pair_agreement(
    frame: pd.DataFrame,
    arrays: M.StanceArrays,
    speakers: Sequence[str],
    *,
    tiebreak: np.ndarray | None = None,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """agree / disagree / unclear for each pair of speakers on the axis, with the quotes that decide it.

    A speaker's side is decided only when their 95% interval lies wholly on one side of zero and
    their estimate is past ±SIDE_THRESHOLD; otherwise (no position, mixed, too few statements) the
    pair is "unclear". Same side: agree; opposite sides: disagree. The deciding quotes are each
    speaker's clearest statement on their side (for "unclear", on whatever side they lean), and for
    a speaker with no clear side, ``other_*``: their clearest statement on the other side (-1: none).
    """
    est = speaker_estimates(frame, arrays, speakers=speakers, n_boot=n_boot, seed=seed).set_index("speaker")
    s = evidence_rank(frame, arrays, tiebreak)
    spk = frame[S.SPEAKER].to_numpy()

    def decided(name: str) -> str | None:
        side = est.at[name, "side"] if name in est.index else "none"
        return side if side in ("favor", "against") else None

    def clearest(name: str, side: int) -> int:
        rows = np.flatnonzero(spk == name)
        rows = rows[arrays.label[rows] == side]
        return int(rows[np.argmax(s[rows])]) if len(rows) else -1

    def quotes(name: str) -> tuple[int, int]:
        """The clearest quote on the side the speaker leans to, and (when there is one) on the other side."""
        e = est.at[name, "estimate"] if name in est.index else np.nan
        if not np.isfinite(e):
            return -1, -1
        lean, other = (FAVOR, AGAINST) if e >= 0 else (AGAINST, FAVOR)
        return clearest(name, lean), clearest(name, other)

    def why(name: str) -> str:
        if name not in est.index or not np.isfinite(est.at[name, "estimate"]):
            return f"{name} takes no side on it here"
        nf, na = int(est.at[name, "n_favor"]), int(est.at[name, "n_against"])
        if nf and na:
            return f"{name} is on both sides ({nf} favor, {na} against)"
        return f"{name} has too few statements on one side to be sure ({nf + na})"

    out = []
    for i, a in enumerate(speakers):
        for b in speakers[i + 1 :]:
            da, db = decided(a), decided(b)
            if da and db:
                verdict = "agree" if da == db else "disagree"
                reason = f"{a} reads as {da}, {b} as {db}."
            else:
                verdict = "unclear"
                reason = "; ".join(why(n) for n, d in ((a, da), (b, db)) if d is None) + "."
            (ra, oa), (rb, ob) = quotes(a), quotes(b)
            out.append(
                {
                    "speaker_a": a,
                    "speaker_b": b,
                    "verdict": verdict,
                    "side_a": da or (est.at[a, "side"] if a in est.index else "none"),
                    "side_b": db or (est.at[b, "side"] if b in est.index else "none"),
                    "estimate_a": est.at[a, "estimate"] if a in est.index else np.nan,
                    "estimate_b": est.at[b, "estimate"] if b in est.index else np.nan,
                    "row_a": ra,
                    "row_b": rb,
                    "other_a": oa if da is None else -1,
                    "other_b": ob if db is None else -1,
                    "reason": reason,
                }
            )
    return pd.DataFrame(out, columns=PAIR_COLUMNS)


# ---------------------------------------------------------------------------- claims (the tracker)
#: Wording of the opposite of the tracker's default phrases (what rejecting the claim sounds like).
#: A phrase without one gets the derived "against" wording of an axis.
CLAIM_OPPOSITES = {
    "USMCA irrelevant": "The USMCA is valuable and important",
    "shortcomings": "The agreement works well as it is and needs no changes",
}
#: How a phrase is said as a claim, when the phrase is a bare keyword.
CLAIM_WORDING = {
    "USMCA irrelevant": "The USMCA is irrelevant and does not matter",
    "shortcomings": "The agreement has shortcomings that must be fixed",
}
CLAIM_SIDES = {FAVOR: "holds", AGAINST: "rejects", NONE: "does not address"}
#: The tracker's default positions (their claim axes' vectors are committed with the bundled data).
DEFAULT_CLAIMS = ("USMCA irrelevant", "shortcomings")


@dataclass(frozen=True)
class Claim:
    """A position in words that a statement can hold, reject, or not address.

    Attributes:
        phrase: what the reader typed ("USMCA irrelevant").
        wording: the claim as a sentence (default: the phrase).
        opposite: what rejecting it sounds like (default: derived by the axis templates).
    """

    phrase: str
    wording: str = ""
    opposite: str = ""

    @classmethod
    def parse(cls, line: str) -> Claim:
        """A line "claim" or "claim | its opposite"; the default phrases get their shipped wording."""
        text, _, opposite = (part.strip() for part in line.partition("|"))
        return cls(text, CLAIM_WORDING.get(text, ""), opposite or CLAIM_OPPOSITES.get(text, ""))

    def axis(self) -> Axis:
        """The claim as a stance axis: favor holds it, against rejects it."""
        said = self.wording or self.phrase
        return Axis(said, said, self.opposite)


CLAIM_COLUMNS = [
    "speaker",
    "period",
    "start",
    "n",
    "holds",
    "rejects",
    "share_holds",
    "share_rejects",
    "row_holds",
    "row_rejects",
]


def claim_over_time(
    frame: pd.DataFrame,
    arrays: M.StanceArrays,
    *,
    speakers: Sequence[str],
    freq: str = "Y",
    tiebreak: np.ndarray | None = None,
) -> pd.DataFrame:
    """Per speaker and period: the share of their statements that hold the claim and the share that reject it.

    Args:
        frame: the statements read, row-aligned with ``arrays`` (favor = holds, against = rejects).
        arrays: the claim's reading of them.
        speakers: whose statements to count.
        freq: "Y" or "6M" (see ``analysis.window_labels``).
        tiebreak: relevance to the claim, to pick the deciding quote among equals.

    Returns:
        One row per speaker and period with CLAIM_COLUMNS; ``row_holds`` / ``row_rejects`` are the
        deciding quotes (the fullest sourced, clearest statement on each side; -1 when none).
    """
    spk = frame[S.SPEAKER].to_numpy()
    rank = evidence_rank(frame, arrays, tiebreak)
    out = []
    for name in speakers:
        rows = np.flatnonzero(spk == name)
        if len(rows) == 0:
            continue
        codes, labels, starts = window_labels(frame[S.DATE].iloc[rows], freq)
        for w, (lab, start) in enumerate(zip(labels, starts)):
            r = rows[codes == w]
            fav, ag = r[arrays.label[r] == FAVOR], r[arrays.label[r] == AGAINST]
            out.append(
                {
                    "speaker": name,
                    "period": lab,
                    "start": start,
                    "n": len(r),
                    "holds": len(fav),
                    "rejects": len(ag),
                    "share_holds": len(fav) / len(r),
                    "share_rejects": len(ag) / len(r),
                    "row_holds": int(fav[np.argmax(rank[fav])]) if len(fav) else -1,
                    "row_rejects": int(ag[np.argmax(rank[ag])]) if len(ag) else -1,
                }
            )
    return pd.DataFrame(out, columns=CLAIM_COLUMNS)
