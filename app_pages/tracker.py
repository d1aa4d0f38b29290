"""Position tracker: who holds a position and who rejects it, over time; what is about the same thing; each speaker's drift."""

from __future__ import annotations

from functools import partial

import streamlit as st

from stance_explorer import analysis as A
from stance_explorer import figures as F
from stance_explorer import schema as S
from stance_explorer import stance as T
from stance_explorer import summaries as SM
from webapp import links, statement
from webapp import params as P
from webapp import stance_state as SS
from webapp.render import chart_summary, language_caveat, quote_card, statements_table
from webapp.shell import empty_guard, notice
from webapp.state import current_view, encode_phrase
from webapp.text import escape_markdown
from webapp.widgets import bound_select

DEFAULT_PHRASES = "\n".join(T.DEFAULT_CLAIMS)
WINDOWS = {"year": "Y", "half-year": "6M", "quarter": "Q"}
ALL_TOPICS = "all topics"
MAX_TIMELINE_SPEAKERS = 12


def _similarity(view, phrase: str, mask, i: int) -> None:
    """The secondary view: how close each statement comes to the phrase (about the same thing, not holding it)."""
    qvec, msg = encode_phrase(phrase)
    if msg:
        st.warning(msg)
        return
    timeline = A.phrase_timeline(view.frame, view.vectors, qvec, mask=mask)
    # Clicking a dot opens its statement (customdata carries the timeline row).
    key = statement.picker_key(f"tl_{phrase}")
    st.plotly_chart(
        F.timeline_figure(timeline, A.smooth_by_speaker(timeline), phrase=phrase),
        width="stretch",
        key=key,
        on_select=partial(statement.pick_point, key, view.dataset.frame, view.rows),
        selection_mode="points",
    )
    chart_summary(SM.timeline_summary(timeline, phrase=phrase), f"timeline_{i}")
    st.markdown(f"**Closest statements to “{escape_markdown(phrase)}”, year by year**")
    best = A.closest_over_time(timeline, per_window=2)
    key = statement.picker_key(f"best_{phrase}")
    pick = partial(statement.pick_row, key, view.dataset.frame, view.dataset_rows(best["row"]))
    statements_table(best, score=True, key=key, on_select=pick)


view = current_view()
st.title("Position tracker")
st.caption(
    "Trace a position through time: who holds it and who rejects it, what is said about the same thing, and how much each speaker's statements move from one period to the next."
)
notice(view)

if not empty_guard(view):
    frame, vectors = view.frame, view.vectors
    st.subheader("Who holds the position, over time")
    text = st.text_area(
        "Positions, one per line",
        value=DEFAULT_PHRASES,
        key=P.PHRASES,
        bind="query-params",
        height=80,
        help="Each line is a claim; write “claim | its opposite” to say what rejecting it sounds like. "
        "Each claim gets its own chart: per speaker and year, the share of their statements that hold it (up) "
        "and that reject it (down).",
    )
    claims = [T.Claim.parse(p) for p in text.splitlines() if p.strip()][:5]
    # A chart with hundreds of speakers is unreadable: show the most active ones unless the sidebar picks speakers.
    shown = A.top_speakers(frame, MAX_TIMELINE_SPEAKERS)
    tl_mask = frame[S.SPEAKER].isin(shown).to_numpy()
    if len(shown) < frame[S.SPEAKER].nunique():
        st.caption(
            f"Charts show the {len(shown)} speakers with the most statements; pick speakers in the sidebar to see others."
        )
    language_caveat(frame[tl_mask], view.dataset.model_id)
    st.caption(
        "Holds / rejects is **the model's reading** of each statement against the claim, not the speaker's "
        "declared position; statements that do not address it count in neither. Each claim is read by the reader "
        "named under it, which can go wrong (see the docs' Stance page): hover a point and check the deciding quote."
    )
    for i, claim in enumerate(claims):
        reading, msg = SS.claim_reading(view, claim, tl_mask)
        if msg:
            st.warning(msg)
            break
        scoped = reading.table(view.dataset.frame)
        periods = T.claim_over_time(scoped, reading.scoped(), speakers=shown, tiebreak=reading.relevance[reading.rows])
        st.markdown(f"**“{escape_markdown(claim.wording or claim.phrase)}”**")
        st.caption(f"Read by {escape_markdown(reading.reader_label)}.")
        st.plotly_chart(
            F.claim_time_figure(periods, scoped, claim=claim.phrase, title=f"Who holds or rejects “{claim.phrase}”"),
            width="stretch",
            key=f"claim_{i}",
        )
        chart_summary(SM.claim_summary(periods, claim=claim.phrase), f"claim_{i}")
        with st.expander(f"About the same thing as “{claim.phrase}” (similarity, not whether they hold it)"):
            _similarity(view, claim.phrase, tl_mask, i)

    st.subheader("Drift: how a speaker's statements move")
    st.caption(
        "Each bar compares a speaker's average statement in one period with the previous period that has statements. "
        "The rule for the red bars is a rank: the two lowest bars, the two largest shifts, are flagged, whatever their "
        "size, so a bar almost as low may stay blue. The table under the chart ranks every shift."
    )
    c1, c2, c3 = st.columns([2, 2, 1])
    speakers = A.counts_by(frame, S.SPEAKER)[S.SPEAKER].tolist()
    # Nothing picked means Donald Trump when the filters keep him, else the speaker with most
    # statements (webapp/widgets.py: a bound choice's default never depends on the data).
    default_speaker = "Donald Trump" if "Donald Trump" in speakers else speakers[0]
    why_speaker = "default" if default_speaker == "Donald Trump" else "most statements"
    speaker = bound_select(
        c1,
        "Speaker",
        speakers,
        key=P.DRIFT_SPEAKER,
        fallback=default_speaker,
        why=why_speaker,
        link_label="Drift speaker",
    )
    spk_topics = A.counts_by(frame[frame[S.SPEAKER] == speaker], S.TOPIC)[S.TOPIC].tolist()
    topic_options = [ALL_TOPICS] + spk_topics
    default_topic = "USMCA/trade" if "USMCA/trade" in topic_options else ALL_TOPICS
    topic = bound_select(
        c2, "Topic", topic_options, key=P.DRIFT_TOPIC, fallback=default_topic, why="default", link_label="Drift topic"
    )
    links.check_options(P.DRIFT_WINDOW, WINDOWS, "Period")
    window = c3.selectbox("Period", list(WINDOWS), key=P.DRIFT_WINDOW, bind="query-params")
    t = None if topic == ALL_TOPICS else topic
    d = A.drift(frame, vectors, speaker=speaker, topic=t, freq=WINDOWS[window])
    if len(d) < 2:
        st.info(
            f"{speaker} has statements in fewer than two periods"
            + (f" on {t}" if t else "")
            + "; drift needs at least two."
        )
    else:
        st.plotly_chart(F.drift_figure(d, speaker=speaker, topic=t), width="stretch", key="drift")
        chart_summary(SM.drift_summary(d, speaker=speaker), "drift")
        flagged = d[d["flagged"]].sort_values("shift", ascending=False)
        for _, row in flagged.iterrows():
            pos = d.index.get_loc(row.name)
            before = d.iloc[pos - 1]
            st.markdown(
                f"**Shift from {before['window']} to {row['window']}** (similarity {row['similarity_to_previous']:.2f}), "
                f"the largest shift #{int(row['shift_rank'])}: the most typical statement of each period "
                "(the one closest to the period's average, a full quote when there is one)."
            )
            a, b = st.columns(2)
            with a:
                quote_card(frame.iloc[int(before["representative_row"])])
            with b:
                quote_card(frame.iloc[int(row["representative_row"])])
        with st.expander("All periods"):
            st.dataframe(
                d[["window", "count", "similarity_to_previous", "shift_rank", "flagged", "representative"]],
                hide_index=True,
                width="stretch",
                placeholder="–",  # the first period has nothing before it
                column_config={
                    "window": st.column_config.TextColumn("Period", width=80),
                    "count": st.column_config.NumberColumn("Statements", width=90),
                    "similarity_to_previous": st.column_config.NumberColumn(
                        "Similarity to the previous period", format="%.3f", width=200
                    ),
                    "shift_rank": st.column_config.NumberColumn(
                        "Shift rank",
                        width=90,
                        help="1 = the largest shift (the lowest similarity to the previous period)",
                    ),
                    "flagged": st.column_config.CheckboxColumn("Flagged", width=70),
                    "representative": st.column_config.TextColumn("Most typical statement"),
                },
            )

statement.show_linked(view)
