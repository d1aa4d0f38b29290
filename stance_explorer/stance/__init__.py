"""Stance on an axis: who is for, who is against, and who changed their mind.

An :class:`Axis` is a question in words (a target, and optionally a favor and an against pole).
Scoring is done by :mod:`stance_explorer.stance.methods` (pure numpy, on sentence vectors); the
other modules are everything around it that the CLI, the pages and the benchmarks share:

* the preset axes for the bundled topics (``stance_explorer/data/stance_axes.csv``, each a claim and its
  opposite, read through :mod:`stance_explorer.package_data`) and their shipped labels;
* labels as CSV (statement id, sha256 of the quote, label), read with a problem per bad row;
* the axis texts' vectors, through the embedding store, so an axis is read by the dataset's own
  encoder (a Spanish statement on an English axis needs a multilingual model, nothing else);
* speaker estimates with bootstrap intervals, stance over time with the quotes at the turning
  points, Flip-O-Meter ratings, and agree / disagree / unclear for a pair of speakers.

Every output is the model's reading of a statement, with its confidence: "none" stays a label,
never a zero on the scale.

Modules: ``axes`` (axes, presets, axis vectors), ``labels`` (hand labels as CSV), ``reading``
(``read_claim``, the one reading object, how a reading is told and cited), ``readers/`` (the models that read), ``speakers`` (estimates, periods, flips, pairs),
``claims`` (the tracker's claims), ``methods`` (the scoring itself) and ``weights/`` (its fitted settings).
"""

from __future__ import annotations

from stance_explorer.stance.axes import (
    AGAINST,
    AXES_CSV,
    CODE,
    FAVOR,
    LABELS,
    LOW_CONFIDENCE,
    NONE,
    REPO_ROOT,
    SIDE_THRESHOLD,
    Axis,
    Preset,
    axis_embedding_texts,
    axis_vectors,
    load_presets,
    preset_for,
    preset_formerly,
    preset_named,
)
from stance_explorer.stance.claims import (
    CLAIM_COLUMNS,
    CLAIM_OPPOSITES,
    CLAIM_SIDES,
    CLAIM_WORDING,
    DEFAULT_CLAIMS,
    Claim,
    about_claim,
    claim_over_time,
)
from stance_explorer.stance.labels import (
    LABEL_COLUMNS,
    MAX_LABEL_BYTES,
    LabelRead,
    LabelSet,
    frame_hashes,
    labels_csv_rows,
    read_labels,
    row_index,
    text_sha256,
    write_labels,
)
from stance_explorer.stance.reading import (
    MIN_EVIDENCE_WORDS,
    StanceReading,
    citability,
    clarity,
    describe_reading,
    evidence_rank,
    read_claim,
    reader_features,
    reader_texts,
    readings,
    relevance,
    score,
    suggest_next,
    teaching_gap,
)
from stance_explorer.stance.speakers import (
    BOOTSTRAP_MAX_N,
    FLIP_COLUMNS,
    FLIP_RATINGS,
    MIN_FOR_INTERVAL,
    MIN_SURE_PER_PERIOD,
    NOT_ENOUGH,
    PAIR_COLUMNS,
    PERIOD_COLUMNS,
    SPEAKER_COLUMNS,
    TOO_FEW,
    flip_o_meter,
    pair_agreement,
    side_of,
    speaker_estimates,
    speaker_periods,
    stance_over_time,
    turning_points,
)

__all__ = [
    "speaker_periods",
    "AGAINST",
    "AXES_CSV",
    "Axis",
    "StanceReading",
    "BOOTSTRAP_MAX_N",
    "CLAIM_COLUMNS",
    "CLAIM_OPPOSITES",
    "CLAIM_SIDES",
    "CLAIM_WORDING",
    "CODE",
    "Claim",
    "DEFAULT_CLAIMS",
    "FAVOR",
    "FLIP_COLUMNS",
    "FLIP_RATINGS",
    "LABELS",
    "LABEL_COLUMNS",
    "LOW_CONFIDENCE",
    "LabelRead",
    "LabelSet",
    "MAX_LABEL_BYTES",
    "MIN_EVIDENCE_WORDS",
    "MIN_FOR_INTERVAL",
    "MIN_SURE_PER_PERIOD",
    "NOT_ENOUGH",
    "NONE",
    "PAIR_COLUMNS",
    "PERIOD_COLUMNS",
    "Preset",
    "REPO_ROOT",
    "SIDE_THRESHOLD",
    "SPEAKER_COLUMNS",
    "TOO_FEW",
    "axis_embedding_texts",
    "citability",
    "about_claim",
    "claim_over_time",
    "clarity",
    "describe_reading",
    "evidence_rank",
    "flip_o_meter",
    "frame_hashes",
    "labels_csv_rows",
    "load_presets",
    "pair_agreement",
    "preset_for",
    "preset_formerly",
    "preset_named",
    "read_claim",
    "reader_features",
    "reader_texts",
    "read_labels",
    "readings",
    "suggest_next",
    "relevance",
    "row_index",
    "score",
    "side_of",
    "speaker_estimates",
    "stance_over_time",
    "axis_vectors",
    "teaching_gap",
    "text_sha256",
    "turning_points",
    "write_labels",
]
