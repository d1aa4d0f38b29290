"""Compare's "agree / disagree / unclear" on the topic's stance axis, next to the similarity.

Uses the topic's preset axis (stance_explorer/data/stance_axes.csv) with its shipped hand labels and this
session's labels for it, read from stored vectors only: Compare never loads the model for this.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from stance_explorer import schema as S
from stance_explorer.stance import describe_reading, pair_agreement
from webapp.render import quote_card
from webapp.stance_state import labels_for, presets, reading
from webapp.state import View
from webapp.text import escape_markdown

VERDICT_ICON = {"agree": ":material/handshake:", "disagree": ":material/swap_horiz:", "unclear": ":material/help:"}


def stance_verdicts(view: View, topic: str, speakers: list[str]) -> None:
    """Each pair of speakers: agree / disagree / unclear on the topic's axis, with the deciding quotes."""
    preset = next((p for p in presets() if p.topic == topic), None)
    st.subheader("Do they agree?")
    if preset is None:
        st.caption(
            f"There is no stance axis for “{escape_markdown(topic)}” yet: write one on the Stance page to see who is for and who is against."
        )
        return
    ds = view.dataset
    scope = view.rows[view.frame[S.TOPIC].to_numpy() == topic]
    r, msg = reading(ds, preset.axis, labels_for(preset.axis), taught=True, scope=scope, allow_model=False)
    if msg:
        st.caption(
            f"The stance axis for this topic needs a model that is not loaded here, so it is on the Stance page only. ({escape_markdown(msg)})"
        )
        return
    frame = r.table(ds.frame)
    arrays = r.scoped()
    pairs = pair_agreement(frame, arrays, speakers, tiebreak=r.relevance[r.rows])
    how = f"taught by {len(r.label_rows):,} hand labels" if r.taught else "not taught"
    st.caption(
        f"On the axis “{escape_markdown(preset.axis.target)}”, read by {escape_markdown(r.reader_label)} ({how}). "
        "Each speaker's side is the reader's reading of their statements here; a pair is *unclear* unless both "
        "sides are clear (95% interval away from zero). Similarity above measures how alike they sound; this is where they stand."
    )

    def reading_of(row: int) -> str:
        return describe_reading(frame.iloc[row])

    for _, p in pairs.iterrows():
        with st.container(border=True):
            st.markdown(
                f"{VERDICT_ICON[p['verdict']]} **{escape_markdown(p['speaker_a'])} and {escape_markdown(p['speaker_b'])}: {p['verdict']}**"
                f" · {escape_markdown(p['reason'])}"
            )
            a, b = st.columns(2)
            for col, side in ((a, "a"), (b, "b")):
                name, est, row, other = (
                    p[f"speaker_{side}"],
                    p[f"estimate_{side}"],
                    int(p[f"row_{side}"]),
                    int(p[f"other_{side}"]),
                )
                with col:
                    if row < 0:
                        st.caption(f"{escape_markdown(name)}: no statement here takes a side on this axis.")
                        continue
                    st.caption(
                        f"{escape_markdown(name)}: estimate {est:+.2f}. The clearest statement on that side ({reading_of(row)}):"
                    )
                    quote_card(frame.iloc[row], show_speaker=False)
                    if other >= 0:
                        st.caption(f"…and on the other side ({reading_of(other)}):")
                        quote_card(frame.iloc[other], show_speaker=False)
    if not np.isfinite(pairs[["estimate_a", "estimate_b"]].to_numpy(dtype=float)).any():
        st.caption("None of these speakers takes a side here.")
