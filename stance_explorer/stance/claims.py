"""Claims for the position tracker: a phrase a statement holds, rejects, or does not address."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stance_explorer import schema as S
from stance_explorer.package_data import DataFileError, data_path, read_csv_file
from stance_explorer.stance import methods as M
from stance_explorer.stance.axes import AGAINST, FAVOR, NONE, Axis
from stance_explorer.stance.reading import evidence_rank
from stance_explorer.stance.speakers import speaker_periods

# ---------------------------------------------------------------------------- claims (the tracker)
CLAIM_SIDES = {FAVOR: "holds", AGAINST: "rejects", NONE: "does not address"}


def _claims_table() -> tuple[dict[str, str], dict[str, str], tuple[str, ...]]:
    """The shipped claims (``claims.csv``): each phrase's wording as a claim, its opposite, the defaults."""
    path = data_path("claims.csv")
    frame = read_csv_file(path, ("phrase", "wording", "opposite", "default"))
    if not len(frame) or (frame["phrase"].str.strip() == "").any():
        raise DataFileError(f"The data file {path} must hold at least one claim, each with a phrase.")
    rows = frame.to_dict("records")
    wording = {r["phrase"]: r["wording"] for r in rows if r["wording"]}
    opposite = {r["phrase"]: r["opposite"] for r in rows if r["opposite"]}
    return wording, opposite, tuple(r["phrase"] for r in rows if r["default"].strip().lower() == "yes")


#: How a phrase is said as a claim, when the phrase is a bare keyword (``claims.csv``).
#: Wording of the opposite of the tracker's default phrases (what rejecting the claim sounds like);
#: a phrase without one gets the derived "against" wording of an axis.
#: The tracker's default positions (their claim axes' vectors are committed with the bundled data).
CLAIM_WORDING, CLAIM_OPPOSITES, DEFAULT_CLAIMS = _claims_table()


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


#: Without topics to go by, a statement is about a claim when its cosine to the claim is at least this.
ABOUT_MIN = 0.35
#: A statement this close to the claim is about it whatever its topic.
ABOUT_STRONG = 0.6
#: Topics whose closest statements come within this of the closest topic's are the claim's subject too.
TOPIC_SLACK = 0.03


def about_claim(frame: pd.DataFrame, relevance: np.ndarray) -> np.ndarray:
    """Which statements are about the claim's subject: only these may count as holding or rejecting it.

    With a topic column, the claim's subject is the topic whose three closest statements are closest
    to it (and any topic within TOPIC_SLACK of that; a frame of one topic, as a page that reads one
    topic gives, is that topic); a statement of another topic is about the claim only when it is very
    close to it (ABOUT_STRONG). Without topics, a cosine of ABOUT_MIN is the bar.
    A statement whose relevance is unknown (NaN) is left to the reader's own "none".

    Args:
        frame: the statements read, row-aligned with ``relevance``.
        relevance: each statement's cosine to the claim.

    Returns:
        A bool per row.
    """
    rel = np.asarray(relevance, dtype=np.float64)
    unknown = ~np.isfinite(rel)
    r = np.where(unknown, -1.0, rel)
    topics = frame[S.TOPIC].astype(str).to_numpy() if S.TOPIC in frame else np.full(len(frame), "")
    names = [t for t in pd.unique(topics) if t]
    if not names:
        return unknown | (r >= ABOUT_MIN)
    score = {t: float(np.sort(r[topics == t])[-3:].mean()) for t in names}
    best = max(score.values())
    subject = np.isin(topics, [t for t, v in score.items() if v >= best - TOPIC_SLACK])
    return unknown | subject | (r >= ABOUT_STRONG)


CLAIM_COLUMNS = [
    "speaker",
    "period",
    "start",
    "n",
    "n_about",
    "off_topic",
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
    about: np.ndarray | None = None,
) -> pd.DataFrame:
    """Per speaker and period: the share of their statements about the claim that hold it and the share that reject it.

    Only statements about the claim's subject (``about``, see :func:`about_claim`) count: a cartel
    quote read as "rejecting" an oil-to-Cuba claim is left out, and counted in ``off_topic``.

    Args:
        frame: the statements read, row-aligned with ``arrays`` (favor = holds, against = rejects).
        arrays: the claim's reading of them.
        speakers: whose statements to count.
        freq: "Y" or "6M" (see ``analysis.window_labels``).
        tiebreak: relevance to the claim, to pick the deciding quote among equals.
        about: a bool per row, the statements about the claim (None: every statement).

    Returns:
        One row per speaker and period with CLAIM_COLUMNS (shares over ``n_about``); ``row_holds`` / ``row_rejects`` are the
        deciding quotes (the fullest sourced, clearest statement on each side; -1 when none).
    """
    rank = evidence_rank(frame, arrays, tiebreak)
    out = []
    ok = np.ones(len(frame), dtype=bool) if about is None else np.asarray(about, dtype=bool)
    for name, lab, start, everything in speaker_periods(frame, speakers, freq):
        r = everything[ok[everything]]
        fav, ag = r[arrays.label[r] == FAVOR], r[arrays.label[r] == AGAINST]
        off = everything[~ok[everything]]
        out.append(
            {
                "speaker": name,
                "period": lab,
                "start": start,
                "n": len(everything),
                "n_about": len(r),
                "off_topic": int(np.isin(arrays.label[off], (FAVOR, AGAINST)).sum()),
                "holds": len(fav),
                "rejects": len(ag),
                "share_holds": len(fav) / len(r) if len(r) else 0.0,
                "share_rejects": len(ag) / len(r) if len(r) else 0.0,
                "row_holds": int(fav[np.argmax(rank[fav])]) if len(fav) else -1,
                "row_rejects": int(ag[np.argmax(rank[ag])]) if len(ag) else -1,
            }
        )
    return pd.DataFrame(out, columns=CLAIM_COLUMNS)
