"""Stance: where each speaker stands on a question, how that moved, and who flipped.

The axis (a target and two poles, in words) lives in the URL; labels live in this session and
travel as a CSV. Every stance shown is the model's reading of a statement, with its confidence.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from stance_explorer import figures as F
from stance_explorer import schema as S
from stance_explorer import stance as T
from stance_explorer import summaries as SM
from stance_explorer.reader import problems_frame
from webapp import links, statement
from webapp import params as P
from webapp import stance_state as SS
from webapp.render import chart_summary, language_caveat, quote_card
from webapp.shell import empty_guard, notice
from webapp.state import current_view
from webapp.text import escape_markdown
from webapp.widgets import bound_select

ALL_TOPICS = "all topics"
OWN_AXIS = "(your own axis)"
PERIODS = {"year": "Y", "half-year": "6M"}
MODES = ["taught", "zero-shot"]
MAX_DEFAULT_SPEAKERS = 40  # everyone who spoke on the topic, up to this many (the most statements first)
MAX_DOTS_PER_SPEAKER = 100
MAX_TABLE_ROWS = 300
MAX_TURNS = 6
HONESTY = (
    "Read by **{reader}**. "
    "Each stance here is **the model's reading** of a statement on this axis (favor, against or none), "
    "with its confidence; it is not the speaker's declared position. **None** means the model reads no "
    "position on the target (or the statement is not about it) and is drawn apart, not at zero. Hollow, "
    "faint dots are readings with confidence under "
    f"{T.LOW_CONFIDENCE:.0%}. Your labels override the model on the statements you label."
)


view = current_view()
st.title("Stance")
st.caption(
    "Who is for and who is against on a question you write in words: each speaker's position with its uncertainty, how it moved over time, and who flipped."
)
notice(view)

if not empty_guard(view):
    ds = view.dataset
    frame_all = ds.frame
    presets = SS.presets()
    default = presets[0].axis if presets else T.Axis("the USMCA trade agreement")
    topics = sorted(view.frame[S.TOPIC].unique())

    # ------------------------------------------------------------------ the axis (in the URL)
    st.subheader("The question")
    SS.show_matching_preset(default, presets, OWN_AXIS)
    c0, c1 = st.columns([1, 3])
    c0.selectbox(
        "Preset",
        [p.name for p in presets] + [OWN_AXIS],
        key=SS.PRESET_KEY,
        on_change=SS.apply_preset,
        args=(presets, topics),
        help="Shipped axes for the bundled topics (data/stance_axes.csv). Edit the fields to write your own.",
    )
    with c1:
        target = SS.axis_field(
            "Target: what the statements take a position on", P.ST_TARGET, default.target, max_chars=300
        )
    c2, c3 = st.columns(2)
    with c2:
        favor = SS.axis_field("Favor pole (empty: derived from the target)", P.ST_FAVOR, default.favor, max_chars=300)
    with c3:
        against = SS.axis_field(
            "Against pole (empty: derived from the target)", P.ST_AGAINST, default.against, max_chars=300
        )
    try:
        axis = T.Axis(target, favor, against)
    except ValueError as exc:
        st.info(str(exc))
        st.stop()
    preset = T.preset_for(axis, presets)

    c4, c5, c6, c7 = st.columns([2, 4, 2, 1])
    topic_options = [ALL_TOPICS] + topics
    topic_default = preset.topic if preset and preset.topic in topics else ALL_TOPICS
    topic = bound_select(
        c4,
        "Statements on",
        topic_options,
        key=P.ST_TOPIC,
        fallback=topic_default,
        why="the axis's topic" if topic_default != ALL_TOPICS else "no topic of its own",
        link_label="Stance topic",
        help="Which statements are read on this axis (within the sidebar's filters).",
    )
    in_scope = view.frame[S.TOPIC].to_numpy() == topic if topic != ALL_TOPICS else np.ones(len(view.frame), dtype=bool)
    scope_pos = view.rows[in_scope]  # dataset rows read on this axis
    if len(scope_pos) == 0:
        st.info(f"No statement on “{topic}” among those the filters keep.")
        st.stop()
    scope_frame = frame_all.iloc[scope_pos].reset_index(drop=True)
    counts = scope_frame[S.SPEAKER].value_counts()
    speakers_all = sorted(counts.index)
    links.check_options(P.ST_SPEAKERS, speakers_all, "Stance speakers", multi=True)
    picked = c5.multiselect(
        "Speakers",
        speakers_all,
        key=P.ST_SPEAKERS,
        bind="query-params",
        max_selections=12,
        placeholder="Everyone who spoke on this"
        if len(counts) <= MAX_DEFAULT_SPEAKERS
        else f"The {MAX_DEFAULT_SPEAKERS} who said most on this",
    )
    chosen = picked or sorted(counts.index[:MAX_DEFAULT_SPEAKERS], key=lambda s: (-counts[s], s))
    if not picked and len(counts) > MAX_DEFAULT_SPEAKERS:
        st.caption(
            f"Showing the {MAX_DEFAULT_SPEAKERS} of {len(counts):,} speakers with the most statements here; pick others above."
        )
    links.check_options(P.ST_MODE, MODES, "Stance mode")
    mode = c6.radio(
        "Reading",
        MODES,
        key=P.ST_MODE,
        bind="query-params",
        horizontal=True,
        help="taught: learnt from your labels (and a preset's shipped hand labels); zero-shot: from the axis words alone.",
    )
    links.check_options(P.ST_PERIOD, PERIODS, "Stance period")
    period = c7.selectbox("Period", list(PERIODS), key=P.ST_PERIOD, bind="query-params")

    readers = SS.available_readers()
    links.check_options(P.ST_READER, readers, "Stance reader")
    reader = st.selectbox(
        "Reader",
        readers,
        index=readers.index(SS.default_reader()),
        key=P.ST_READER,
        bind="query-params",
        format_func=SS.reader_title,
        help="Who reads each statement against the question. The readers on offer are set by whoever runs this app.",
    )
    labels = SS.labels_for(axis)
    reading, msg = SS.reading(ds, axis, labels, taught=mode == "taught", scope=scope_pos, reader=reader)
    if msg:
        st.warning(msg)
        st.stop()
    arrays, relevance = reading.scoped(), reading.relevance[reading.rows]
    labelled = reading.hand >= 0
    rd = reading.table(frame_all)
    rd["pos"] = np.arange(len(rd))

    st.caption(
        f"{SS.mode_caption(mode, reading, bool(preset and preset.labels_path))} {len(scope_pos):,} statements read."
    )
    st.info(HONESTY.format(reader=reading.reader_label), icon=":material/psychology:")
    if unread := int((reading.scope & ~reading.read).sum()):
        st.caption(
            f"{unread:,} statements here were not read by this reader ({escape_markdown(SS.first_note(reading))}); "
            "they are shown as not read, never scored."
        )
    language_caveat(scope_frame[scope_frame[S.SPEAKER].isin(chosen)], ds.model_id)

    # ------------------------------------------------------------------ where each speaker stands
    st.subheader("Where each speaker stands")
    est = T.speaker_estimates(rd, arrays, speakers=chosen)
    shown = rd[rd[S.SPEAKER].isin(chosen)]
    if shown.groupby(S.SPEAKER).size().max() > MAX_DOTS_PER_SPEAKER:
        # The clearest readings first: a chart of thousands of dots per speaker is unreadable.
        order = np.argsort(-shown["confidence"].to_numpy(), kind="stable")
        shown = shown.iloc[order].groupby(S.SPEAKER, sort=False).head(MAX_DOTS_PER_SPEAKER)
        st.caption(
            f"Dots: the {MAX_DOTS_PER_SPEAKER} most confident readings per speaker; the estimates use every statement."
        )
    key = statement.picker_key("stance_strip")
    st.plotly_chart(
        F.stance_strip_figure(shown, est, axis_label=f"against ← {axis.target} → favor"),
        width="stretch",
        key=key,
        on_select=partial(statement.pick_point, key, frame_all, reading.rows),
        selection_mode="points",
    )
    chart_summary(SM.stance_strip_summary(est, target=axis.target), "stance_strip")
    st.caption(
        "Diamonds: each speaker's estimate, the confidence-weighted mean reading of their statements that take a side, "
        "with a 95% bootstrap interval. Click a dot to open the statement."
    )
    table = est.assign(
        estimate=est["estimate"].round(2),
        interval=[f"{lo:+.2f} to {hi:+.2f}" if np.isfinite(lo) else "–" for lo, hi in zip(est["low"], est["high"])],
    )[["speaker", "verdict", "estimate", "interval", "n_favor", "n_against", "n_none", "n"]]
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "verdict": st.column_config.TextColumn(
                "Reading",
                help=f"favor / against when the estimate is past ±0.25 and its interval stays on that side; mixed otherwise; none when no statement takes a side. With fewer than {T.MIN_FOR_INTERVAL} statements taking a side: no interval and no side, only the count and how they read.",
            ),
            "estimate": st.column_config.NumberColumn("Estimate", format="%+.2f"),
            "interval": "95% interval",
            "n_favor": "favor",
            "n_against": "against",
            "n_none": "none",
            "n": "statements",
        },
    )

    # ------------------------------------------------------------------ over time and flips
    st.subheader("Over time")
    periods = T.stance_over_time(rd, arrays, speakers=chosen, freq=PERIODS[period], tiebreak=relevance)
    if periods.empty:
        st.info("No statements by these speakers here.")
    else:
        st.plotly_chart(F.stance_time_figure(periods), width="stretch", key="stance_time")
        chart_summary(SM.stance_time_summary(periods), "stance_time")
        st.caption(
            "Each point: a speaker's mean reading in one period, over the statements taking a side (bigger: more of them). Periods where none takes a side are skipped."
        )
        turns = T.turning_points(periods)
        if len(turns):
            label = f"Turning points ({len(turns)}): the quotes on each side of a change"
            if len(turns) > MAX_TURNS:
                label += f"; the {MAX_TURNS} latest shown"
            with st.expander(label):
                for _, t in turns.sort_values("to_period", kind="stable").tail(MAX_TURNS).iterrows():
                    st.markdown(
                        f"**{escape_markdown(t['speaker'])}**: {t['from_side']} in {t['from_period']} → {t['to_side']} in {t['to_period']}"
                    )
                    a, b = st.columns(2)
                    for col, row in ((a, t["row_before"]), (b, t["row_after"])):
                        with col:
                            if row >= 0:
                                r = rd.iloc[int(row)]
                                quote_card(r)
                                st.caption(T.describe_reading(r))

        st.subheader("Flip-O-Meter")
        st.caption(
            "In the manner of PolitiFact's: **Full Flop** when a speaker is on one side in one period and on the other side later; **Half Flip** for a partial move (a side to mixed, or back); **No Flip** otherwise. The evidence is the fullest sourced quote of each period on its side (a fragment without a link only when nothing fuller supports it), then the clearest."
        )
        flips = T.flip_o_meter(periods)
        for _, f in flips[flips["rating"] != T.FLIP_RATINGS[0]].iterrows():
            with st.container(border=True):
                st.markdown(f"**{escape_markdown(f['speaker'])}: {f['rating']}** · {escape_markdown(f['explanation'])}")
                a, b = st.columns(2)
                for col, row, when in ((a, f["row_before"], f["from_period"]), (b, f["row_after"], f["to_period"])):
                    with col:
                        if row >= 0:
                            r = rd.iloc[int(row)]
                            st.caption(f"{when}: {T.describe_reading(r)}")
                            quote_card(r)
        steady = flips[flips["rating"] == T.FLIP_RATINGS[0]]["speaker"].tolist()
        if steady:
            st.caption("No Flip: " + ", ".join(escape_markdown(s) for s in steady) + ".")

    # ------------------------------------------------------------------ two axes
    others = [p for p in presets if p.axis != axis]
    if others:
        st.subheader("Two axes at once")
        names2 = [p.name for p in others]
        name2 = bound_select(
            st,
            "Second axis (up)",
            names2,
            key=P.ST_AXIS2,
            fallback=names2[0],
            why="the first other preset",
            help="A preset axis; each axis reads the statements of its own topic.",
        )
        p2 = next(p for p in others if p.name == name2)
        scope2 = view.rows[view.frame[S.TOPIC].to_numpy() == p2.topic] if p2.topic in topics else view.rows
        r2, msg2 = SS.reading(ds, p2.axis, SS.labels_for(p2.axis), taught=mode == "taught", scope=scope2, reader=reader)
        if msg2:
            st.info(msg2)
        else:
            est2 = T.speaker_estimates(r2.table(frame_all), r2.scoped(), speakers=chosen)
            st.plotly_chart(
                F.two_axis_figure(est, est2, x_label=preset.name if preset else axis.target, y_label=p2.name),
                width="stretch",
                key="stance_2d",
            )
            chart_summary(
                SM.two_axis_summary(est, est2, x_label=preset.name if preset else axis.target, y_label=p2.name),
                "stance_2d",
            )
            placed = set(est.dropna(subset=["low"])["speaker"]) & set(est2.dropna(subset=["low"])["speaker"])
            missing = [s for s in chosen if s not in placed]
            if missing:
                st.caption(
                    f"Not placed (fewer than {T.MIN_FOR_INTERVAL} statements taking a side on one of the axes): "
                    + ", ".join(escape_markdown(s) for s in missing)
                    + "."
                )

    # ------------------------------------------------------------------ teaching
    st.subheader("Teach the axis")
    counts_l = labels.counts()
    acc = SS.cv_accuracy(ds, axis, reading) if reading.taught else None
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(
        "Labels for this axis",
        f"{len(labels):,}",
        help="Labels for this axis in this session, including a preset's shipped hand labels (they are not in the share link).",
    )
    m2.metric("favor / against / none", f"{counts_l['favor']} / {counts_l['against']} / {counts_l['none']}")
    m3.metric(
        "Cross-validated accuracy",
        "–" if acc is None else f"{acc:.0%}",
        help="How often the taught model gets a held-out label right (leave-one-out up to 30 labels, then 5 folds). Needs 4 labels in 2 classes, and the taught mode.",
    )
    m4.metric(
        "Labels matching statements here",
        f"{int(labelled[reading.rows].sum()):,}",
        help="Labelled statements among those read here; labels of statements outside the filters still teach the model.",
    )

    if reading.taught and (gap := T.teaching_gap(reading.label_codes)):
        st.warning(gap, icon=":material/balance:")
    scope_hashes = SS.dataset_hashes(ds)[reading.rows]
    st.markdown("**Suggested next**: the statements whose labels would help most (the model is least sure of them).")
    suggestions = T.suggest_next(reading, ds.vectors, k=5)
    gen = SS.generation()
    for i in suggestions:
        r = rd.iloc[int(i)]
        with st.container(border=True):
            quote_card(r, header=True)
            a, b = st.columns([1, 2], vertical_alignment="center")
            with a:
                k = f"teach_{scope_hashes[int(i)][:16]}_{gen}"
                st.segmented_control(
                    "Label",
                    ["favor", "against", "none"],
                    key=k,
                    on_change=SS.set_label,
                    args=(axis, str(r[S.ID]), scope_hashes[int(i)], k),
                    label_visibility="collapsed",
                )
            b.caption(T.describe_reading(r))
    if len(suggestions) == 0:
        st.caption("Every statement here is labelled.")

    with st.expander("Every statement here, with the model's reading (label any of them)"):
        order = np.lexsort((rd[S.DATE].to_numpy(), rd[S.SPEAKER].to_numpy()))[:MAX_TABLE_ROWS]
        tbl = rd.iloc[order]
        mine = [labels.name_of(h) for h in scope_hashes[order]]
        edit = pd.DataFrame(
            {
                "your label": pd.Series(mine, dtype=object),
                "model's reading": tbl["stance"].to_numpy(),
                "score": tbl["score"].where(tbl["stance"] != "none").to_numpy(),
                "confidence": tbl["confidence"].to_numpy(),
                "date": tbl[S.DATE].to_numpy(),
                "speaker": tbl[S.SPEAKER].to_numpy(),
                "quote": tbl[S.TEXT].to_numpy(),
            }
        )
        ekey = f"stance_table_{gen}"
        st.data_editor(
            edit,
            key=ekey,
            hide_index=True,
            width="stretch",
            height=360,
            disabled=["model's reading", "score", "confidence", "date", "speaker", "quote"],
            on_change=SS.table_edited,
            args=(axis, ekey, tbl[S.ID].astype(str).tolist(), list(scope_hashes[order])),
            column_config={
                "your label": st.column_config.SelectboxColumn(
                    "your label", options=["favor", "against", "none"], width="small"
                ),
                "score": st.column_config.NumberColumn("score", format="%+.2f", help="blank when the reading is none"),
                "confidence": st.column_config.ProgressColumn(
                    "confidence", min_value=0.0, max_value=1.0, format="%.2f"
                ),
                "date": st.column_config.DateColumn("date", format="YYYY-MM-DD"),
                "quote": st.column_config.TextColumn("quote", width="large"),
            },
        )
        if len(rd) > MAX_TABLE_ROWS:
            st.caption(f"Showing {MAX_TABLE_ROWS} of {len(rd):,}; narrow the sidebar filters to label others.")

    d1, d2, d3 = st.columns([1, 2, 1])
    d1.download_button(
        "Download labels (CSV)",
        T.write_labels(labels),
        file_name="stance_labels.csv",
        mime="text/csv",
        disabled=len(labels) == 0,
        help="statement id, sha256 of the quote, label: upload it later to continue.",
    )
    up = d2.file_uploader(
        "Upload labels (CSV: id, text_sha256, label)", type=["csv"], key=f"stance_labels_upload_{gen}"
    )
    if up is not None:
        SS.upload_labels(axis, up.name, up.getvalue(), frame_all)
        st.rerun()
    if d3.button("Clear my labels", disabled=len(labels) == 0):
        SS.clear_labels(axis)
        st.rerun()
    if report := SS.upload_report():
        name, n, problems, unreadable = report
        if unreadable:
            st.error(f"{escape_markdown(name)} could not be used: {escape_markdown(problems[0].message)}")
        else:
            st.success(f"{escape_markdown(name)}: {n:,} labels added.")
        if problems and not unreadable:
            st.warning(f"{len(problems)} row(s) of {escape_markdown(name)} need attention (errors were skipped):")
            st.dataframe(problems_frame(problems), hide_index=True, width="stretch")
    st.caption(
        "Labels stay in this browser session and are not in the share link: download them to keep or share them."
    )

statement.show_linked(view)
