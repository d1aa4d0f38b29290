"""Claims for the position tracker: a phrase a statement holds, rejects, or does not address."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

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
    rank = evidence_rank(frame, arrays, tiebreak)
    out = []
    for name, lab, start, r in speaker_periods(frame, speakers, freq):
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
