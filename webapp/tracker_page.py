"""The Position tracker's words and table settings (the page itself only calls and renders)."""

from __future__ import annotations

import streamlit as st

POSITIONS_HELP = (
    "Each line is a claim; write “claim | its opposite” to say what rejecting it sounds like. "
    "Each claim gets its own chart: per speaker and year, the share of their statements about it that hold it (up) "
    "and that reject it (down)."
)
HOLDS_HELP = (
    "Holds / rejects is **the model's reading** of each statement against the claim, not the speaker's "
    "declared position; only statements about the claim's subject count, and those that do not address it count "
    "in neither. Each claim is read by the reader named under it, which can go wrong (see the docs' Stance page): "
    "hover a point and check the deciding quote."
)
DRIFT_HELP = (
    "Each bar compares a speaker's average statement in one period with the previous period that has statements. "
    "The rule for the red bars is a rank: the two lowest bars, the two largest shifts, are flagged, whatever their "
    "size, so a bar almost as low may stay blue. The table under the chart ranks every shift."
)
DRIFT_COLUMNS = {
    "window": st.column_config.TextColumn("Period", width=80),
    "count": st.column_config.NumberColumn("Statements", width=90),
    "similarity_to_previous": st.column_config.NumberColumn(
        "Similarity to the previous period", format="%.3f", width=200
    ),
    "shift_rank": st.column_config.NumberColumn(
        "Shift rank", width=90, help="1 = the largest shift (the lowest similarity to the previous period)"
    ),
    "flagged": st.column_config.CheckboxColumn("Flagged", width=70),
    "representative": st.column_config.TextColumn("Most typical statement"),
}
