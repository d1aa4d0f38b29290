"""The ``builtin`` reader: the project's own cross-encoder, trained on licensed data, shipped as int8 ONNX.

A MiniLM-L6 cross-encoder reads (claim, statement) into two numbers: *relevance* (does the
statement take a side on the claim at all?) and *direction* (the claim's side, or the other?).
Each statement is read twice, against the claim's favor wording and against its against wording;
relevance is the mean of the two readings and direction their difference, so a model that leans
toward agreeing with whatever it is shown cancels out. A statement is "none" when its relevance
is below a cut-off chosen on a licensed dev split (``reader.json``), never on a test set.

English only: a statement that is not English is not read, and says so.
Inference needs onnxruntime and tokenizers, never torch. Weights, data and measured numbers:
docs/reader-model-card.md; the training script: devtools/train_reader.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from stance_explorer.stance.axes import Axis
from stance_explorer.stance.readers.base import ReaderOutput, ReaderUnavailable, ReadProgress

#: The shipped model: model.onnx (int8), tokenizer.json, reader.json (labels, version, cut-offs).
WEIGHTS = Path(__file__).resolve().parent / "weights" / "builtin"
#: Pairs per onnxruntime call.
BATCH = 32
NOT_ENGLISH = "not read by this reader: it reads English only"

_EN = frozenset(
    "the a an and of to in is are was were be been it this that these those for with on at by from as "
    "not no we our they their he she his her you your i my me will would should have has had do does "
    "did but or if so than then there what which who when where why how all any can could must more".split()
)
_OTHER = frozenset(
    # Spanish, French, Portuguese, German, Italian function words that are not also English words
    "el la los las del por para con una uno unos que es son fue está están muy pero como más sus se lo "
    "nuestro nuestra nosotros también porque sobre entre hay ser y ya al le les este esta esto estamos "
    "nada nadie nunca todo todos hemos tenemos vamos gobierno "
    "et les des est une pour dans sur pas qui nous vous ils avec sont être mais "
    "não uma com os das dos em ao pelo pela é são "
    "der die das und ist nicht ein eine mit auf für sich dem den von zu wir sie "
    "il di che non della per sono gli".split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def is_english(text: str) -> bool:
    """Whether a statement reads as English: more English than other-language function words, and
    Latin letters. Short texts with no function words count as English (nothing says otherwise).

    Args:
        text: the statement.

    Returns:
        True when the reader should read it.
    """
    words = [w.lower() for w in _WORD.findall(str(text))]
    if not words:
        return False
    latin = sum(all(ord(ch) < 0x250 for ch in w) for w in words)
    if latin < 0.8 * len(words):
        return False
    en = sum(w in _EN for w in words)
    other = sum(w in _OTHER for w in words)
    return en >= other


@lru_cache(maxsize=2)
def _load(folder: str):
    """(onnxruntime session, tokenizer, reader.json) of the model folder; loaded once per process."""
    path = Path(folder)
    missing = [f for f in ("model.onnx", "tokenizer.json", "reader.json") if not (path / f).is_file()]
    if missing:
        raise ReaderUnavailable(
            f"The built-in reader's files are missing from {path} ({', '.join(missing)}): "
            "reinstall the package, or rebuild them with devtools/train_reader.py --export --install."
        )
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise ReaderUnavailable(f"The built-in reader needs onnxruntime and tokenizers: {exc}") from exc
    meta = json.loads((path / "reader.json").read_text("utf-8"))
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(path / "model.onnx"), opts, providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_file(str(path / "tokenizer.json"))
    tok.enable_truncation(max_length=int(meta.get("max_length", 128)))
    tok.no_padding()
    return sess, tok, meta


def forget_loaded() -> None:
    """Drop the loaded models, so a rewritten model folder is read again (the training script's export)."""
    _load.cache_clear()


def logits_pairs(folder: Path | str, claims: Sequence[str], texts: Sequence[str], progress=None) -> np.ndarray:
    """The model's raw [relevance, direction] logits for each (claim, statement) pair.

    Args:
        folder: the model folder (model.onnx, tokenizer.json, reader.json).
        claims: one claim wording per pair.
        texts: one statement per pair.
        progress: called with the count of pairs done after each batch.

    Returns:
        (n, 2) float32 logits.
    """
    sess, tok, _ = _load(str(folder))
    n = len(texts)
    out = np.zeros((n, 2), dtype=np.float32)
    if n == 0:
        return out
    encs = tok.encode_batch(list(zip(map(str, claims), map(str, texts))))
    order = np.argsort([len(e.ids) for e in encs], kind="stable")  # similar lengths batch together
    for s in range(0, n, BATCH):
        idx = order[s : s + BATCH]
        width = max(len(encs[i].ids) for i in idx)
        ids = np.zeros((len(idx), width), dtype=np.int64)
        att, tt = np.zeros_like(ids), np.zeros_like(ids)
        for r, i in enumerate(idx):
            e = encs[i]
            k = len(e.ids)
            ids[r, :k], att[r, :k], tt[r, :k] = e.ids, e.attention_mask, e.type_ids
        out[idx] = sess.run(["logits"], {"input_ids": ids, "attention_mask": att, "token_type_ids": tt})[0]
        if progress is not None:
            progress(min(s + BATCH, n))
    return out


def probs_from_logits(rel: np.ndarray, direction: np.ndarray, cut: float) -> np.ndarray:
    """(n, 3) probabilities none / against / favor from combined relevance and direction logits.

    P(a side) = sigmoid(rel - cut), split between the sides by sigmoid(direction).
    """
    side = 1.0 / (1.0 + np.exp(-(np.asarray(rel, np.float64) - cut)))
    fav = 1.0 / (1.0 + np.exp(-np.asarray(direction, np.float64)))
    return np.stack([1.0 - side, side * (1.0 - fav), side * fav], axis=1).astype(np.float32)


def claim_wordings(claim: Axis, meta: dict) -> tuple[str, str]:
    """The claim's favor and against wording: as the user wrote them, else from the target."""
    fav = claim.favor or meta.get("favor_template", "I am in favor of {t}.").format(t=claim.target)
    ag = claim.against or meta.get("against_template", "I am against {t}.").format(t=claim.target)
    return fav, ag


def read_pairs(
    claim_texts: Sequence[tuple[str, str]] | Sequence[str], statements: Sequence[str], folder: Path | str = WEIGHTS
) -> np.ndarray:
    """Probabilities (n, 3) in the order none, against, favor, for each statement read against its claim.

    Args:
        claim_texts: per statement, (favor wording, against wording), or a favor wording alone
            (its opposite is then "It is not true that ...").
        statements: the statements.
        folder: the model folder.

    Returns:
        (n, 3) float32 probabilities.
    """
    _, _, meta = _load(str(folder))
    fav, ag = [], []
    for c in claim_texts:
        f, a = (c, "It is not true that " + c[:1].lower() + c[1:].rstrip(".") + ".") if isinstance(c, str) else c
        fav.append(f), ag.append(a)
    lf = logits_pairs(folder, fav, statements)
    la = logits_pairs(folder, ag, statements)
    rel, direction = combine(lf, la)
    return probs_from_logits(rel, direction, float(meta["relevance_cut"]))


def combine(lf: np.ndarray, la: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Relevance and direction from the readings with the favor (lf) and the against (la) wording."""
    return (lf[:, 0] + la[:, 0]) / 2.0, (lf[:, 1] - la[:, 1]) / 2.0


def weights_present(folder: Path | str = WEIGHTS) -> bool:
    """Whether the model's files are there (an installed package ships them), so the reader can be offered.

    Args:
        folder: the model folder; the shipped one by default.

    Returns:
        True when model.onnx, tokenizer.json and reader.json are all present.
    """
    path = Path(folder)
    return all((path / f).is_file() for f in ("model.onnx", "tokenizer.json", "reader.json"))


def beats_axis(folder: Path | str = WEIGHTS) -> bool:
    """Whether the shipped model was measured beating the axis on TweetEval and the 75 hand labels
    (``reader.json``'s ``beats_axis``, written from benchmarks/reader_eval.py's numbers)."""
    path = Path(folder) / "reader.json"
    try:
        return bool(json.loads(path.read_text("utf-8")).get("beats_axis", False))
    except (OSError, ValueError):
        return False


class BuiltinReader:
    """The built-in cross-encoder reader (see the module docstring).

    Args:
        folder: the model folder; the shipped one by default.
    """

    name = "builtin"
    cacheable = True

    def __init__(self, folder: Path | str = WEIGHTS) -> None:
        self.folder = Path(folder)
        _, _, meta = _load(str(self.folder))
        self.meta = meta
        self.version = str(meta.get("version", "builtin"))
        self.label = f"the built-in reader (MiniLM cross-encoder, {self.version})"

    def read(self, claim: Axis, texts: Sequence[str], *, progress: ReadProgress | None = None) -> ReaderOutput:
        """Read every English statement against the claim and its opposite; others are not read.

        Args:
            claim: the claim.
            texts: the statements, as quoted.
            progress: called as ``progress(done, total)`` (statements).

        Returns:
            The readings aligned with ``texts``.
        """
        texts = [str(t) for t in texts]
        n = len(texts)
        out = ReaderOutput.empty(n, NOT_ENGLISH)
        rows = [i for i, t in enumerate(texts) if is_english(t)]
        if not rows:
            if progress is not None:
                progress(n, n)
            return out
        fav, ag = claim_wordings(claim, self.meta)
        mine = [texts[i] for i in rows]
        m = len(mine)

        def tick(done: int, offset: int) -> None:
            if progress is not None:
                progress((offset + done) * n // (2 * m), n)

        lf = logits_pairs(self.folder, [fav] * m, mine, lambda d: tick(d, 0))
        la = logits_pairs(self.folder, [ag] * m, mine, lambda d: tick(d, m))
        rel, direction = combine(lf, la)
        out.probs[rows] = probs_from_logits(rel, direction, float(self.meta["relevance_cut"]))
        out.read[rows] = True
        for i in rows:
            out.notes[i] = ""
        return out


__all__ = ["BuiltinReader", "beats_axis", "is_english", "logits_pairs", "probs_from_logits", "read_pairs"]
