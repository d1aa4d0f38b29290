"""Short text summaries of the charts, for screen readers and for anyone who reads before looking.

Each function takes what a figure builder in :mod:`stance_explorer.figures` draws and returns one
plain string (never markup) naming the top values the chart shows, e.g. "Heatmap: the closest pair
is A and B (0.71); the most distant C and D (0.12)." The pages print it beside the chart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stance_explorer import schema as S


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _day(value) -> str:
    return f"{pd.Timestamp(value):%Y-%m-%d}"


def _short(text: object, chars: int = 90) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= chars else s[: chars - 1].rstrip() + "…"


def _quote(row: pd.Series) -> str:
    """A short quote in curly quotes; a partial quote keeps its ellipses, as the quote cards show it."""
    if row.get(S.QUOTE_TYPE) == S.QUOTE_PARTIAL:
        return f"“…{_short(row[S.TEXT])}…”"
    return f"“{_short(row[S.TEXT])}”"


def _pairs(matrix: pd.DataFrame) -> pd.DataFrame:
    """The cells of a symmetric matrix above its diagonal, with values: columns a, b, value."""
    z = matrix.to_numpy(dtype=float)
    i, j = np.triu_indices(len(z), k=1)
    keep = np.isfinite(z[i, j])
    return pd.DataFrame(
        {"a": matrix.index.to_numpy()[i[keep]], "b": matrix.columns.to_numpy()[j[keep]], "value": z[i, j][keep]}
    )


def pair_heatmap_summary(matrix: pd.DataFrame, *, what: str = "speakers") -> str:
    """A symmetric similarity matrix (speaker × speaker, statement × statement): closest and most distant pair.

    Args:
        matrix: A square similarity matrix, its index and columns the names.
        what: What the rows are, plural ("speakers", "statements").

    Returns:
        One sentence for screen readers.
    """
    pairs = _pairs(matrix)
    if pairs.empty:
        if len(matrix) == 1 and np.isfinite(matrix.iat[0, 0]):
            return f"Heatmap: one {what[:-1]}, {matrix.index[0]}, whose statements average {matrix.iat[0, 0]:.2f} with one another."
        return f"Heatmap: no pair of {what} to compare."
    order = pairs.sort_values("value", kind="stable")
    hi, lo = order.iloc[-1], order.iloc[0]
    out = f"Heatmap of {len(matrix):,} {what}: the closest pair is {hi.a} and {hi.b} ({hi.value:.2f})"
    if len(pairs) > 1:
        out += f"; the most distant {lo.a} and {lo.b} ({lo.value:.2f})"
    return out + "."


def speaker_topic_summary(matrix: pd.DataFrame) -> str:
    """Speaker × topic: the cells closest to and farthest from everyone else on their topic.

    Args:
        matrix: ``analysis.speaker_topic_matrix``'s similarity table.

    Returns:
        One sentence.
    """
    cells = matrix.stack().dropna()
    if cells.empty:
        return "Heatmap: no speaker has statements on a topic others spoke on."
    order = cells.sort_values(kind="stable")
    (hs, ht), hv = order.index[-1], order.iloc[-1]
    out = f"Heatmap of {len(matrix):,} speakers by {len(matrix.columns):,} topics: closest to everyone else is {hs} on {ht} ({hv:.2f})"
    if len(order) > 1:
        (ls, lt), lv = order.index[0], order.iloc[0]
        out += f"; farthest {ls} on {lt} ({lv:.2f})"
    return out + "."


def timeline_summary(timeline: pd.DataFrame, *, phrase: str) -> str:
    """Similarity to a phrase over time: the closest statement, and the speakers closest on average.

    Args:
        timeline: ``analysis.phrase_timeline``'s table.
        phrase: The phrase, as the chart names it.

    Returns:
        A few sentences.
    """
    if timeline.empty:
        return f"Chart of similarity to “{phrase}”: no statement."
    best = timeline.loc[timeline["score"].idxmax()]
    means = timeline.groupby(S.SPEAKER)["score"].mean().sort_values(ascending=False, kind="stable")
    out = (
        f"Chart of similarity to “{phrase}”, {_n(len(timeline), 'statement')} by {_n(len(means), 'speaker')}: "
        f"the closest statement is by {best[S.SPEAKER]} on {_day(best[S.DATE])} ({best['score']:.2f}), "
        f"{_quote(best)}"
    )
    top = ", ".join(f"{s} ({v:.2f})" for s, v in means.head(3).items())
    out += f". Highest average: {top}"
    if len(means) > 3:
        out += f"; lowest {means.index[-1]} ({means.iloc[-1]:.2f})"
    return out + "."


def pair_time_summary(over_time: pd.DataFrame) -> str:
    """How alike pairs sounded, year by year: the closest and the farthest year of any pair.

    Args:
        over_time: ``analysis.pair_similarity_over_time``'s table.

    Returns:
        One sentence.
    """
    if over_time.empty:
        return "Line chart: no year in which two of these speakers both spoke."
    order = over_time.sort_values("similarity", kind="stable")
    hi, lo = order.iloc[-1], order.iloc[0]
    out = f"Line chart: closest in {hi['window']}, {hi['speaker_a']} and {hi['speaker_b']} ({hi['similarity']:.2f})"
    if len(order) > 1:
        out += f"; farthest in {lo['window']}, {lo['speaker_a']} and {lo['speaker_b']} ({lo['similarity']:.2f})"
    return out + "."


def drift_summary(drift_frame: pd.DataFrame, *, speaker: str) -> str:
    """A speaker's drift: the largest and the smallest shift between consecutive periods.

    Args:
        drift_frame: ``analysis.drift``'s table.
        speaker: The speaker, as the chart names them.

    Returns:
        One or two sentences.
    """
    d = drift_frame.reset_index(drop=True)
    steps = [
        (str(d["window"].iat[i - 1]), str(d["window"].iat[i]), float(d["similarity_to_previous"].iat[i]))
        for i in range(1, len(d))
        if pd.notna(d["similarity_to_previous"].iat[i])
    ]
    if not steps:
        return f"Bar chart: {speaker} has no two periods to compare."
    steps.sort(key=lambda s: s[2])
    a, b, v = steps[0]
    out = f"Bar chart of {speaker}'s drift: the largest shift is from {a} to {b} (similarity {v:.2f})"
    if len(steps) > 1:
        a, b, v = steps[-1]
        out += f"; the steadiest from {a} to {b} ({v:.2f})"
    return out + "."


def counts_summary(counts: pd.DataFrame, column: str, *, top: int = 3) -> str:
    """A statements-per-value table drawn with bars: the values with most statements.

    Args:
        counts: A table with ``column`` and ``statements`` columns.
        column: The column counted.
        top: How many values to name.

    Returns:
        One sentence.
    """
    if counts.empty:
        return f"No statements by {column}."
    ranked = counts.sort_values("statements", ascending=False, kind="stable")
    most = ", ".join(f"{v} ({int(n):,})" for v, n in zip(ranked[column].head(top), ranked["statements"].head(top)))
    return f"Most statements by {column}: {most}."


def map_summary(regions: pd.DataFrame | None, steps: pd.DataFrame | None, *, statements: int, top: int = 3) -> str:
    """The map: how many statements, its largest labelled regions, and each path's largest move.

    Args:
        regions: ``regions.regions``' table, or None without regions.
        steps: ``trajectories.trajectories``' table, or None without paths.
        statements: Number of statements on the map.
        top: How many regions to name.

    Returns:
        A few sentences.
    """
    out = f"Map of {_n(statements, 'statement')}"
    if regions is not None and len(regions):
        big = regions.sort_values("statements", ascending=False, kind="stable").head(top)
        names = "; ".join(f"“{r.label or 'no distinctive words'}” ({r.statements:,})" for r in big.itertuples())
        out += f" in {_n(len(regions), 'labelled region')}; the largest: {names}"
    out += "."
    if steps is not None and len(steps):
        moves = []
        for speaker, g in steps.groupby("speaker", sort=False):
            g = g.reset_index(drop=True)
            shifts = g["shift"].to_numpy(dtype=float)
            if len(g) < 2 or not np.isfinite(shifts[1:]).any():
                moves.append(f"{speaker}: one year ({g['window'].iat[0]})")
                continue
            i = int(np.nanargmax(np.where(np.isfinite(shifts), shifts, -np.inf)[1:])) + 1
            moves.append(
                f"{speaker} moved most from {g['window'].iat[i - 1]} to {g['window'].iat[i]} ({shifts[i]:.2f})"
            )
        out += " Paths: " + "; ".join(moves) + "."
    return out


def stance_strip_summary(estimates: pd.DataFrame, *, target: str) -> str:
    """Where each speaker stands: the most favourable and the most opposed estimate, and who has none.

    Args:
        estimates: ``stance.speaker_estimates``' table.
        target: The stance axis, as the chart names it.

    Returns:
        A few sentences.
    """
    if estimates.empty:
        return f"Chart of stances on “{target}”: no speaker."
    # As the chart: a speaker is placed (a diamond) only with an interval.
    placed = estimates.dropna(subset=["estimate", "low", "high"]).sort_values("estimate", kind="stable")
    out = f"Chart of stances on “{target}”, {_n(len(estimates), 'speaker')}"
    if placed.empty:
        return out + ": none has enough statements taking a side to be placed."
    rounded = placed["estimate"].round(2)

    def ends(value: float) -> str:
        """Every speaker at this end (ties at two decimals named together), with the value and verdict."""
        at = placed[rounded == round(value, 2)]
        names = at["speaker"].astype(str).tolist()
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        verdicts = sorted(set(at["verdict"].astype(str)))
        return f"{who} ({value:+.2f}, {' / '.join(verdicts)})"

    out += f": most in favor {ends(placed['estimate'].iat[-1])}"
    if rounded.iat[0] != rounded.iat[-1]:
        out += f"; most against {ends(placed['estimate'].iat[0])}"
    unplaced = len(estimates) - len(placed)
    if unplaced:
        out += f"; {_n(unplaced, 'speaker')} not placed (too few statements taking a side)"
    return out + "."


def stance_time_summary(periods: pd.DataFrame) -> str:
    """Stance over time: per speaker, the first and the last period that takes a side.

    Args:
        periods: ``stance.stance_over_time``'s table.

    Returns:
        One sentence.
    """
    sided = periods[periods["side"] != "none"].sort_values("start", kind="stable")
    if sided.empty:
        return "Line chart: no period in which a statement takes a side."
    parts = []
    for speaker, g in sided.groupby("speaker", sort=False):
        first, last = g.iloc[0], g.iloc[-1]
        if len(g) == 1:
            parts.append(f"{speaker} {first['mean']:+.2f} in {first['period']}")
        else:
            parts.append(
                f"{speaker} from {first['mean']:+.2f} in {first['period']} to {last['mean']:+.2f} in {last['period']}"
            )
    shown = parts[:4]
    more = f"; and {_n(len(parts) - 4, 'other speaker')}" if len(parts) > 4 else ""
    return "Line chart of mean readings: " + "; ".join(shown) + more + "."


def two_axis_summary(est_x: pd.DataFrame, est_y: pd.DataFrame, *, x_label: str, y_label: str) -> str:
    """Speakers on two axes: who is furthest toward favor on each.

    Args:
        est_x: ``stance.speaker_estimates``' table for the across axis.
        est_y: The same for the up axis.
        x_label: Axis 1's name.
        y_label: Axis 2's name.

    Returns:
        One sentence.
    """
    both = est_x.merge(est_y, on="speaker", suffixes=("_x", "_y")).dropna(subset=["estimate_x", "estimate_y"])
    if both.empty:
        return "Chart of two axes: no speaker placed on both."
    bx = both.loc[both["estimate_x"].idxmax()]
    by = both.loc[both["estimate_y"].idxmax()]
    return (
        f"Chart of two axes, {_n(len(both), 'speaker')} placed: furthest toward favor on {x_label} is "
        f"{bx['speaker']} ({bx['estimate_x']:+.2f}); on {y_label}, {by['speaker']} ({by['estimate_y']:+.2f})."
    )


#: A speaker-period with fewer statements about a claim than this is never ranked first without saying so.
MIN_STATEMENTS_TO_RANK = 3


def claim_summary(periods: pd.DataFrame, *, claim: str) -> str:
    """Holds / rejects over time: who holds the claim most, and who rejects it most, in which period.

    Args:
        periods: ``stance.claim_over_time``'s table.
        claim: the claim as the chart names it.

    Returns:
        One sentence, or a sentence saying no statement takes it up.
    """
    off = int(periods["off_topic"].sum()) if "off_topic" in periods else 0
    left_out = f" {_n(off, 'statement')} read as taking a side but not about its subject were left out." if off else ""
    if periods.empty or (periods["holds"].sum() + periods["rejects"].sum()) == 0:
        return f"Chart of “{claim}”: no statement about it reads as holding or rejecting it.{left_out}"
    parts = []
    about = "n_about" if "n_about" in periods else "n"
    for side in ("holds", "rejects"):
        g = periods[periods[side] > 0]
        if g.empty:
            parts.append(f"no statement {side} it")
            continue
        # A speaker-period with only one or two statements about the claim is ranked after the others, and says so.
        enough = (g[about] >= MIN_STATEMENTS_TO_RANK).astype(int)
        top = g.assign(_enough=enough).sort_values(["_enough", f"share_{side}", side], ascending=False, kind="stable")
        top = top.iloc[0]
        few = "" if top["_enough"] else f", only {_n(int(top[about]), 'statement')} about it: too few to rank"
        parts.append(
            f"{side} it most: {top['speaker']} in {top['period']} ({top[side]} of {_n(int(top[about]), 'statement')} about it{few})"
        )
    return f"Chart of “{claim}”: " + "; ".join(parts) + "." + left_out
