"""Where each speaker stands (estimates with intervals), how it moved (periods, turning points,
Flip-O-Meter), and whether two speakers agree."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from stance_explorer import schema as S
from stance_explorer.analysis import window_labels
from stance_explorer.stance import methods as M
from stance_explorer.stance.axes import AGAINST, FAVOR, LOW_CONFIDENCE, NONE, SIDE_THRESHOLD
from stance_explorer.stance.reading import evidence_rank


# ---------------------------------------------------------------------------- speakers
def side_of(mean: float | None) -> str:
    """favor / against past ±SIDE_THRESHOLD, mixed between, none when there is no stance at all.

    Args:
        mean: A mean score in [-1, 1]; None or NaN for no stance.

    Returns:
        "favor", "against", "mixed" or "none".
    """
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
    labelled: np.ndarray | None = None,
) -> pd.DataFrame:
    """Each speaker's position: the confidence-weighted mean score of their statements that take a side.

    The interval is a 95% bootstrap over those statements (resampled with replacement), so a
    speaker with two statements gets a wide one; above BOOTSTRAP_MAX_N statements, the normal
    approximation. The side is favor / against only when the estimate
    is past ±SIDE_THRESHOLD and the interval stays on that side of zero; otherwise "mixed". A speaker whose statements all read "none" has no
    estimate (NaN) and side "none": no position is not the middle of the scale. With fewer than
    MIN_FOR_INTERVAL statements taking a side there is no estimate and no interval (NaN) and the side
    is TOO_FEW; ``verdict`` then says how many statements there are and how they read ("1 statement
    (reads against): too few to place"). When every statement taking a side is a hand label and
    they all agree, there is no interval either: ``verdict`` says so in words ("all 5 hand-labelled favor").

    Args:
        frame: the statements read, row-aligned with ``arrays``.
        arrays: their readings.
        speakers: whom to place (default: everyone in ``frame``).
        n_boot: bootstrap resamples; seed: their seed.
        labelled: a bool per row, whose stance is a hand label (None: none is).

    Returns:
        One row per speaker with SPEAKER_COLUMNS.
    """
    spk = frame[S.SPEAKER].to_numpy()
    names = list(speakers) if speakers is not None else sorted(pd.unique(spk))
    labelled = None if labelled is None else np.asarray(labelled, dtype=bool)
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
            verdict = side
            if labelled is not None and labelled[side_rows].all() and len(set(label[side_rows].tolist())) == 1:
                # Hand labels that all agree are said in words: a zero-width "95% interval" says nothing.
                lo = hi = np.nan
                verdict = f"all {len(side_rows)} hand-labelled {side}"
            rec.update(estimate=est, low=lo, high=hi, side=side, verdict=verdict)
        elif len(side_rows):  # below the threshold: no number, only the count and how they read
            rec.update(
                estimate=np.nan,
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
PERIOD_COLUMNS = [
    "speaker",
    "period",
    "start",
    "n",
    "n_side",
    "n_sure",
    "mean",
    "side",
    "row_favor",
    "row_against",
    "row_top",
]
#: A period counts toward a flip verdict only with at least this many confident statements on a side.
MIN_SURE_PER_PERIOD = 2


def speaker_periods(frame: pd.DataFrame, speakers: Sequence[str], freq: str):
    """Each speaker's statements period by period, in ``speakers`` order.

    Args:
        frame: the statements.
        speakers: whose statements; a speaker with none is skipped.
        freq: the window, as ``analysis.window_labels`` takes it ("Y", "6M").

    Returns:
        An iterator of (speaker, period label, period start, rows of ``frame``).
    """
    spk = frame[S.SPEAKER].to_numpy()
    for name in speakers:
        rows = np.flatnonzero(spk == name)
        if len(rows) == 0:
            continue
        codes, labels, starts = window_labels(frame[S.DATE].iloc[rows], freq)
        for w, (lab, start) in enumerate(zip(labels, starts)):
            yield name, lab, start, rows[codes == w]


def stance_over_time(
    frame: pd.DataFrame,
    arrays: M.StanceArrays,
    *,
    speakers: Sequence[str],
    freq: str = "Y",
    tiebreak: np.ndarray | None = None,
    about: np.ndarray | None = None,
) -> pd.DataFrame:
    """Each speaker's stance period by period (``freq`` "Y" or "6M").

    Per period: statements, those taking a side, their confidence-weighted mean score and its side,
    and the row of the clearest favor and clearest against statement (-1 when none; see
    :func:`clarity` for ``tiebreak``), plus ``row_top``, the clearest statement on the period's own side (the quote to show for it).

    Args:
        frame: The statements, row-aligned with ``arrays``.
        arrays: Their readings.
        speakers: The speakers, in the order of the output.
        freq: Window size, as ``analysis.window_labels`` takes it.
        tiebreak: As :func:`clarity` takes it.
        about: a bool per row, the statements about the question (None: all); only these count.

    Returns:
        Columns speaker, period, start, n, n_side, n_sure (statements on a side read with confidence
        of at least LOW_CONFIDENCE), mean, side, row_favor, row_against, row_top (rows of ``frame``).
    """
    s = evidence_rank(frame, arrays, tiebreak)
    conf = arrays.confidence.astype(np.float64)
    ok = np.ones(len(frame), dtype=bool) if about is None else np.asarray(about, dtype=bool)
    out = []
    for name, lab, start, everything in speaker_periods(frame, speakers, freq):
        r = everything[ok[everything]]
        side_r = r[arrays.label[r] != NONE]
        mean = (
            float(np.average(arrays.score[side_r], weights=np.maximum(conf[side_r], 1e-3))) if len(side_r) else np.nan
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
                "n": len(everything),
                "n_side": len(side_r),
                "n_sure": int((conf[side_r] >= LOW_CONFIDENCE).sum()),
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

    Args:
        periods: :func:`stance_over_time`'s table.

    Returns:
        The table above, one row per turn.
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
#: The Flip-O-Meter's answer when the periods hold too few confident statements to judge.
NOT_ENOUGH = "Not enough to tell"
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


def _no_verdict(name: str, rating: str, why: str) -> dict:
    return {
        "speaker": name,
        "rating": rating,
        "from_period": None,
        "to_period": None,
        "from_side": None,
        "to_side": None,
        "from_mean": np.nan,
        "to_mean": np.nan,
        "row_before": -1,
        "row_after": -1,
        "explanation": why,
    }


def _best_pair(g: pd.DataFrame) -> tuple | None:
    """The earlier → later pair of periods with the largest change: (rank, change, support, i, j)."""
    best = None
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
    return best


def _not_enough(name: str, g: pd.DataFrame) -> dict:
    counts = ", ".join(f"{p}: {int(k)}" for p, k in zip(g["period"], g["n_sure"])) or "no period takes a side"
    return _no_verdict(
        name,
        NOT_ENOUGH,
        f"Not enough to tell: a verdict needs two periods with at least {MIN_SURE_PER_PERIOD} confident statements "
        f"on a side each (confidence {LOW_CONFIDENCE:.2f} or more). Confident statements on a side per period: {counts}.",
    )


def flip_o_meter(periods: pd.DataFrame) -> pd.DataFrame:
    """A Flip-O-Meter rating per speaker, in the manner of PolitiFact's (No Flip, Half Flip, Full Flop).

    Only periods that hold at least MIN_SURE_PER_PERIOD confident statements on a side (``n_sure``)
    are compared; a speaker with fewer than two such periods gets NOT_ENOUGH ("Not enough to tell"),
    with the counts, never a verdict. Over the periods compared, the rating looks at every earlier →
    later pair and keeps the largest change of the mean score (equal changes: the pair whose periods
    have more statements taking a side):

    * **Full Flop**: a period on one side (favor or against) and a later one on the other side;
    * **Half Flip**: a side and a later "mixed" period (or the reverse) with the mean moving at
      least 0.5, i.e. a partial change of position;
    * **No Flip**: neither.

    The evidence is the clearest quote of each of the two periods on its own side.

    Args:
        periods: :func:`stance_over_time`'s table.

    Returns:
        One row per speaker with FLIP_COLUMNS (rating, the two periods, sides, means, rows, explanation).
    """
    out = []
    for name, g in periods.groupby("speaker", sort=False):
        g = g[g["side"] != "none"].reset_index(drop=True)
        sure = g[g["n_sure"] >= MIN_SURE_PER_PERIOD].reset_index(drop=True) if "n_sure" in g else g
        if len(sure) < 2:
            out.append(_not_enough(name, g))
            continue
        best = _best_pair(sure)
        if best is None or best[0] == 0:
            out.append(_no_verdict(name, FLIP_RATINGS[0], "No flip: no period takes the other side."))
            continue
        rank, change, _, i, j = best
        a, b = sure.iloc[i], sure.iloc[j]
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
                "explanation": f"{a['side']} in {a['period']} (mean {float(a['mean']):+.2f}, {int(a['n_sure'])} confident statements on a side) to {b['side']} in {b['period']} (mean {float(b['mean']):+.2f}, {int(b['n_sure'])}).",
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

    Returns:
        One row per pair (in ``speakers`` order) with PAIR_COLUMNS; rows are positions in ``frame``.
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
