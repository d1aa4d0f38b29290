"""The ``nli`` reader: an NLI / zero-shot cross-encoder the user points at (a local folder or a hub id).

Each statement is read twice, as the premise of two hypotheses: the claim's favor wording and its
against wording (``Axis.favor`` / ``Axis.against``; a pole left empty is derived from the target as
"I support <target>." / "I oppose <target>.", the first of the axis's own templates). The pairs are
passed as (statement, hypothesis), the order NLI models were trained on, and the logits are turned
into probabilities with ``apply_softmax=True`` (``CrossEncoder.predict`` returns raw logits otherwise).

With a three-label model (entailment, neutral, contradiction), per statement::

    favor   = (entail(favor) + contradict(against)) / 2
    against = (entail(against) + contradict(favor)) / 2
    none    = (neutral(favor) + neutral(against)) / 2

which sums to 1. A two-label model (entailment / not entailment) gives favor = e_f (1 - e_a),
against = e_a (1 - e_f), none = the rest (neither entailed, or both). A model whose labels are not
named (``LABEL_0``, ``LABEL_1``…) is refused: which index means entailment cannot be guessed.

Languages: an NLI model reads the languages it was trained on. By default this reader reads English
statements only (a Spanish one is "not read by this reader"), unless the model's name says it is
multilingual (mdeberta, xlm, xnli, multilingual, mbert) or the operator lists languages in
``STANCE_EXPLORER_NLI_LANGUAGES`` (e.g. ``en,es``; ``*`` for any).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from stance_explorer.stance.axes import Axis
from stance_explorer.stance.methods import AGAINST, FAVOR, NONE
from stance_explorer.stance.readers.base import ReaderOutput, ReaderUnavailable, ReadProgress

#: Which statement languages the reader reads: "en,es", or "*" for any (the operator's setting).
NLI_LANGUAGES_ENV = "STANCE_EXPLORER_NLI_LANGUAGES"
_MULTILINGUAL = re.compile(r"mdeberta|xlm|xnli|multilingual|mbert|labse", re.IGNORECASE)
_LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
_ROLES = {
    "entailment": ("entailment", "entail", "entails", "entailed"),
    "neutral": ("neutral",),
    "contradiction": ("contradiction", "contradict", "contradicts", "contradicted"),
    "not_entailment": ("not_entailment", "not entailment", "non_entailment", "non-entailment"),
}


def hypotheses(claim: Axis) -> tuple[str, str]:
    """The favor and against hypotheses a statement is read against.

    Args:
        claim: the claim.

    Returns:
        (favor hypothesis, against hypothesis): the poles as written, else "I support <target>." and
        "I oppose <target>.".
    """
    return claim.favor or f"I support {claim.target}.", claim.against or f"I oppose {claim.target}."


def label_roles(id2label: dict) -> dict[str, int]:
    """Which output index is entailment, neutral, contradiction (or not-entailment) by the config's names.

    Args:
        id2label: the model config's ``id2label``.

    Returns:
        Role name -> output index.

    Raises:
        ReaderUnavailable: when the labels do not name entailment (``LABEL_0``… cannot be guessed),
            or name neither contradiction nor not-entailment.
    """
    names = {int(i): str(lab).strip() for i, lab in dict(id2label or {}).items()}
    roles = {role: i for i, lab in names.items() for role, aliases in _ROLES.items() if lab.lower() in aliases}
    shown = ", ".join(names[i] for i in sorted(names)) or "none"
    if "entailment" not in roles or not ({"contradiction", "not_entailment"} & roles.keys()):
        raise ReaderUnavailable(
            f"This model's labels are {shown}: they do not say which output is entailment and which is "
            "contradiction, so the NLI reader will not guess. Choose an NLI model whose config names its "
            "labels (entailment / neutral / contradiction)."
        )
    return roles


def combine(p_favor: np.ndarray, p_against: np.ndarray, roles: dict[str, int]) -> np.ndarray:
    """Favor / against / none probabilities from the two hypotheses' NLI probabilities.

    Args:
        p_favor: (n, k) softmax of the (statement, favor hypothesis) pairs.
        p_against: (n, k) softmax of the (statement, against hypothesis) pairs.
        roles: :func:`label_roles` of the model.

    Returns:
        (n, 3) float32 probabilities in ``CODE`` order (see the module doc).
    """
    out = np.zeros((len(p_favor), 3), dtype=np.float32)
    e_f, e_a = p_favor[:, roles["entailment"]], p_against[:, roles["entailment"]]
    if "contradiction" in roles:
        c_f, c_a = p_favor[:, roles["contradiction"]], p_against[:, roles["contradiction"]]
        out[:, FAVOR] = (e_f + c_a) / 2
        out[:, AGAINST] = (e_a + c_f) / 2
        out[:, NONE] = 1.0 - out[:, FAVOR] - out[:, AGAINST]
    else:
        out[:, FAVOR] = e_f * (1 - e_a)
        out[:, AGAINST] = e_a * (1 - e_f)
        out[:, NONE] = 1.0 - out[:, FAVOR] - out[:, AGAINST]
    return np.clip(out, 0.0, 1.0)


def _config(model: str, offline: bool):
    from transformers import AutoConfig

    try:
        return AutoConfig.from_pretrained(model, local_files_only=offline)
    except Exception as exc:  # noqa: BLE001 - missing folder, no network, no config: one message
        where = "offline (HF_HUB_OFFLINE=1): give a local folder" if offline else "here"
        raise ReaderUnavailable(f"The NLI model {model!r} cannot be found {where} ({type(exc).__name__}).") from exc


def model_version(model: str, config) -> str:
    """The model id and a short hash of its config (and, for a local folder, of its weight files' sizes).

    Args:
        model: the folder or hub id.
        config: its transformers config.

    Returns:
        "<model>@<12 hex>".
    """
    h = hashlib.sha256(json.dumps(config.to_dict(), sort_keys=True, default=str).encode("utf-8"))
    folder = Path(model)
    if folder.is_dir():
        for f in sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin")):
            h.update(f"{f.name}:{f.stat().st_size}".encode())
    return f"{model}@{h.hexdigest()[:12]}"


def reading_languages(model: str, setting: str | None) -> frozenset[str] | None:
    """The statement languages this reader reads, None for any (see the module doc).

    Args:
        model: the folder or hub id.
        setting: the operator's ``STANCE_EXPLORER_NLI_LANGUAGES`` ("en,es", "*"), or None.

    Returns:
        The language codes, or None for any language.
    """
    if setting and setting.strip():
        codes = frozenset(c.strip().lower() for c in setting.split(",") if c.strip())
        return None if "*" in codes else codes
    return None if _MULTILINGUAL.search(model) else frozenset({"en"})


def statement_language(text: str) -> str:
    """ "en" or "es" by a statement's function words (the quote extractor's lists), "" when undecided.

    Args:
        text: the statement.

    Returns:
        "en", "es" or "".
    """
    from stance_explorer.quotes import words as W

    found = [w.lower() for w in re.findall(r"[^\W\d_]+", str(text))]
    en = sum(w in W.ENGLISH_HINTS for w in found)
    es = sum(w in W.SPANISH_HINTS for w in found) + 2 * sum(ch in "ñáéíóú¿¡" for ch in str(text).lower())
    return "" if en == es else ("es" if es > en else "en")


class NLIReader:
    """Reads with an NLI cross-encoder (sentence-transformers ``CrossEncoder``), loaded on first read.

    Args:
        model: a local folder or a hub id (the hub only with a network and ``HF_HUB_OFFLINE`` unset).
        languages: the statement languages read, None for any (default: :func:`reading_languages`).
        device: a torch device, None for sentence-transformers' choice.
        batch_size: pairs per forward pass.

    Raises:
        ReaderUnavailable: the model cannot be found, or its labels are not named.
    """

    name = "nli"
    cacheable = True

    def __init__(
        self,
        model: str,
        *,
        languages: frozenset[str] | None | str = "default",
        device: str | None = None,
        batch_size: int = 16,
    ) -> None:
        model = str(model).strip()
        if not model:
            raise ReaderUnavailable("The NLI reader needs a model: a local folder or a hub id (--reader-model).")
        self.model_id = model
        self.offline = os.environ.get("HF_HUB_OFFLINE", "1") not in ("0", "", "false", "False")
        config = _config(model, self.offline)
        self.roles = label_roles(getattr(config, "id2label", {}))
        self.version = model_version(model, config)
        self.languages = (
            reading_languages(model, os.environ.get(NLI_LANGUAGES_ENV)) if languages == "default" else languages
        )
        reads = (
            "any language"
            if self.languages is None
            else ", ".join(sorted(_LANGUAGE_NAMES.get(c, c) for c in self.languages))
        )
        self.label = f"NLI model {Path(model).name or model} (reads {reads}; a model's reading, not a label)"
        self.device, self.batch_size = device, batch_size
        self._model = None

    def __repr__(self) -> str:
        return f"NLIReader({self.model_id!r}, version={self.version!r})"

    def _cross_encoder(self):
        if self._model is None:
            try:
                from sentence_transformers import CrossEncoder

                self._model = CrossEncoder(self.model_id, device=self.device, local_files_only=self.offline)
            except Exception as exc:  # noqa: BLE001 - no torch, broken weights: the reader cannot run
                raise ReaderUnavailable(f"The NLI model {self.model_id!r} cannot be loaded: {exc}") from exc
        return self._model

    def _unread_languages(self, texts: Sequence[str]) -> list[str]:
        """Per text, "" when this reader reads it, else the note saying why not."""
        if self.languages is None:
            return [""] * len(texts)
        notes = []
        for t in texts:
            lang = statement_language(t)
            ok = not lang or lang in self.languages
            notes.append("" if ok else f"not read by this reader: {_LANGUAGE_NAMES.get(lang, lang)}")
        return notes

    def read(self, claim: Axis, texts: Sequence[str], *, progress: ReadProgress | None = None) -> ReaderOutput:
        """Read every statement against the claim's two hypotheses.

        Args:
            claim: the claim.
            texts: the statements' texts.
            progress: called as ``progress(done, total)`` after each chunk.

        Returns:
            The readings; statements in a language the reader does not read are not read (see ``notes``).
        """
        notes = self._unread_languages(texts)
        out = ReaderOutput.empty(len(texts))
        out.notes = notes
        # longest first, so each batch pads little (the order of the answers is restored by index)
        todo = sorted((i for i, n in enumerate(notes) if not n), key=lambda i: -len(texts[i]))
        if not todo:
            return out
        model = self._cross_encoder()
        fav, ag = hypotheses(claim)
        chunk = max(self.batch_size * 4, 1)
        for start in range(0, len(todo), chunk):
            idx = todo[start : start + chunk]
            pairs = [(texts[i], fav) for i in idx] + [(texts[i], ag) for i in idx]
            p = np.asarray(
                model.predict(pairs, batch_size=self.batch_size, apply_softmax=True, show_progress_bar=False)
            )
            out.probs[idx] = combine(p[: len(idx)], p[len(idx) :], self.roles)
            out.read[idx] = True
            if progress is not None:
                progress(min(start + chunk, len(todo)), len(todo))
        return out
