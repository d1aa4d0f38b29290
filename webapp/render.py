"""Small rendering helpers shared by the pages: statement tables and quote cards, always as text."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from stance_explorer import schema as S
from stance_explorer.analysis import other_languages
from stance_explorer.citation import markdown_citation, no_link_note, plain_citation
from stance_explorer.encoders.models import MULTILINGUAL, reads_only_english
from webapp import params as P
from webapp.state import bundled_dataset
from webapp.text import escape_markdown

#: Display column naming the uploaded file a statement came from.
UPLOAD_COLUMN = "uploaded_from"


def uploaded_from(frame: pd.DataFrame) -> pd.Series | None:
    """Per row, the uploaded file it came from ("" for bundled rows); None when the view has no uploads.

    A merged dataset keeps the bundled row when an upload repeats it (same speaker, date and text),
    so a row is uploaded exactly when its key is not in the bundled data.
    """
    mode = _dataset_mode()
    if mode == P.DATASET_BUNDLED or frame.empty or S.SOURCE_FILE not in frame:
        return None
    names = frame[S.SOURCE_FILE].astype(str)
    if mode == P.DATASET_UPLOADED:
        return names
    keys = pd.MultiIndex.from_frame(frame[[S.SPEAKER, S.DATE, S.TEXT]])
    return names.where(~keys.isin(bundled_keys()), "")


def _dataset_mode() -> str:
    return getattr(st.session_state.get("_view"), "mode", P.DATASET_BUNDLED)


@st.cache_resource(show_spinner=False)
def bundled_keys() -> pd.MultiIndex:
    """(speaker, date, text) of every bundled statement, once per process."""
    return pd.MultiIndex.from_frame(bundled_dataset().frame[[S.SPEAKER, S.DATE, S.TEXT]])


#: Column widths in pixels, chosen so that a 1400-px window (sidebar open: about 950 px of table,
#: 35 of them for the row tick box) shows every column of a statements table; the quote takes what
#: is left, and can be widened by dragging its header.
TABLE_WIDTH = 890
WIDTHS = {
    "score": 72,
    S.DATE: 86,
    S.SPEAKER: 128,
    S.TOPIC: 116,
    S.QUOTE_TYPE: 58,
    S.SOURCE_URL: 62,
    S.SOURCE_TITLE: 72,
    "matched": 96,
    "rank": 38,
    "matched_by": 108,
    UPLOAD_COLUMN: 96,
}
#: Search results add Rank and "Matched by": narrower speaker, topic, words and similarity, and no
#: source title (the link stays; the title is in the CSV and the opened statement), so every
#: column still shows in a 1400-px window.
RANKED_WIDTHS = {**WIDTHS, S.SPEAKER: 108, S.TOPIC: 100, "matched": 96, "score": 60}
MIN_QUOTE_WIDTH = 200


def display_table(frame: pd.DataFrame, *, score: bool = False) -> pd.DataFrame:
    """The columns a reader wants, with only http(s) source links (others blanked for the link column).

    Search results add the words that matched; in a view with uploads, uploaded rows name their file.
    """
    ranked = [c for c in ("rank", "matched_by") if score and c in frame]  # search results: their order, explained
    cols = ranked + (["score"] if score and "score" in frame else []) + [S.DATE, S.SPEAKER, S.TOPIC, S.TEXT]
    cols += ["matched"] if "matched" in frame else []
    cols += [S.QUOTE_TYPE, S.SOURCE_URL] + ([] if ranked else [S.SOURCE_TITLE])
    out = frame[[c for c in cols if c in frame]].copy()
    out[S.SOURCE_URL] = out[S.SOURCE_URL].where(out[S.SOURCE_URL].astype(str).str.match(S.WEB_LINK), None)
    uploaded = uploaded_from(frame)
    if uploaded is not None:
        # Right after the quote (and the words found): the columns before it keep their places.
        out.insert(out.columns.get_loc(S.TEXT) + 1 + int("matched" in out), UPLOAD_COLUMN, uploaded)
    return out


def statements_table(
    frame: pd.DataFrame, *, score: bool = False, height: int | str = "auto", key: str | None = None, on_select=None
) -> None:
    """A table of statements with sources. ``on_select``: a callback run when a reader picks a row."""
    selection = {"on_select": on_select, "selection_mode": "single-row"} if on_select else {}
    shown = display_table(frame, score=score)
    w = RANKED_WIDTHS if "rank" in shown else WIDTHS
    quote_width = max(MIN_QUOTE_WIDTH, TABLE_WIDTH - sum(w.get(c, 0) for c in shown.columns))
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=height,
        key=key,
        placeholder="–",  # a missing source is a dash, not the word "None"
        **selection,
        column_config={
            "rank": st.column_config.NumberColumn(
                "Rank", format="%d", width=w["rank"], help="The order of the results: meaning and words, fused"
            ),
            "matched_by": st.column_config.TextColumn(
                "Matched by",
                width=w["matched_by"],
                help="What placed the result here: its meaning (close to the search), its words (it holds the "
                "searched words), or both; “phrase” when it contains the quoted phrase. Similarity alone "
                "does not set the order.",
            ),
            "score": st.column_config.ProgressColumn(
                "Similarity", min_value=0.0, max_value=1.0, format="%.3f", width=w["score"]
            ),
            S.DATE: st.column_config.DateColumn("Date", format="YYYY-MM-DD", width=w[S.DATE]),
            S.SPEAKER: st.column_config.TextColumn("Speaker", width=w[S.SPEAKER]),
            UPLOAD_COLUMN: st.column_config.TextColumn(
                "Uploaded",
                width=w[UPLOAD_COLUMN],
                help="The file you uploaded this statement from; empty for the bundled data",
            ),
            S.TOPIC: st.column_config.TextColumn("Topic", width=w[S.TOPIC]),
            S.TEXT: st.column_config.TextColumn("Quote", width=quote_width),
            "matched": st.column_config.TextColumn(
                "Words found",
                width=w["matched"],
                help="Words of the quote that match the search (a quoted phrase is shown in quotes)",
            ),
            S.QUOTE_TYPE: st.column_config.TextColumn(
                "Type", width=w[S.QUOTE_TYPE], help="partial: a fragment quoted inside the source's own sentence"
            ),
            S.SOURCE_URL: st.column_config.LinkColumn("Source", display_text="open ↗", width=w[S.SOURCE_URL]),
            S.SOURCE_TITLE: st.column_config.TextColumn("Source title", width=w[S.SOURCE_TITLE]),
        },
    )


def problems_table(problems: pd.DataFrame, *, key: str) -> None:
    """A reader's problems (``reader.problems_frame``): file, line, column, severity, message."""
    # A problem with the whole row names no column: a dash, not the word "None".
    st.dataframe(
        problems,
        hide_index=True,
        width="stretch",
        key=key,
        placeholder="–",
        # Narrow fixed columns, so the message (what to do) is what a 1400-px window shows in full.
        column_config={
            "file": st.column_config.TextColumn("File", width=120),
            "line": st.column_config.NumberColumn("Line", width=55),
            "column": st.column_config.TextColumn("Column", width=90),
            "severity": st.column_config.TextColumn("Severity", width=75),
            "message": st.column_config.TextColumn("Message", width=560),
        },
    )


def quote_card(row: pd.Series, *, show_speaker: bool = True, score: float | None = None, header: bool = True) -> None:
    """One statement as a bordered card: date, speaker, the quote (escaped) and its source link."""
    with st.container(border=True):
        head = date_label(row)
        if show_speaker:
            head += f" · {row[S.SPEAKER]}"
        if row.get(S.TOPIC):
            head += f" · {row[S.TOPIC]}"
        if score is not None:
            head += f" · similarity {score:.3f}"
        # Checked only when uploads are in view: a page shows hundreds of cards.
        uploaded = uploaded_from(row.to_frame().T) if _dataset_mode() != P.DATASET_BUNDLED else None
        mark = ""
        if uploaded is not None and uploaded.iat[0]:
            mark = f" · :orange-badge[:material/upload_file: uploaded: {escape_markdown(uploaded.iat[0])}]"
        if header:
            st.caption(escape_markdown(head) + mark)
        elif mark:
            st.caption(mark)
        partial = row.get(S.QUOTE_TYPE) == S.QUOTE_PARTIAL
        st.markdown(("“…" if partial else "“") + escape_markdown(row[S.TEXT]) + ("…”" if partial else "”"))
        url = str(row.get(S.SOURCE_URL) or "")
        title = str(row.get(S.SOURCE_TITLE) or "")
        if S.is_web_link(url):
            title = title or "source"
            # The URL goes inside <...> so markdown cannot be broken out of; the title is escaped.
            st.caption(
                f"[{escape_markdown(title)}](<{url.replace('>', '%3E').replace(' ', '%20')}>)"
                + (" · partial quote" if partial else "")
            )
        else:  # a reader must see that there is no link to follow, not a link left out
            note = no_link_note(title)
            st.caption(" · ".join(x for x in (escape_markdown(title), note, "partial quote" if partial else "") if x))


_PRECISION_NOTE = {
    "month": "month only",
    "year": "year only",
    "article": "date of the article; the statement's own day is not known",
}


def date_label(row: pd.Series) -> str:
    """A statement's date as precise as it is known: 2026-01-29, 2026-01 or 2026."""
    precision = row.get(S.DATE_PRECISION)
    fmt = {"month": "%Y-%m", "year": "%Y"}.get(precision, "%Y-%m-%d")
    return f"{row[S.DATE]:{fmt}}"


def statement_detail(row: pd.Series) -> None:
    """Everything known about one statement, all of it escaped: who, when, the full quote, context, source."""
    who = ", ".join(escape_markdown(v) for v in (row.get(S.ROLE), row.get(S.COUNTRY)) if v)
    st.markdown(f"**{escape_markdown(row[S.SPEAKER])}**" + (f" · {who}" if who else ""))
    when = date_label(row)
    if note := _PRECISION_NOTE.get(row.get(S.DATE_PRECISION)):
        when += f" ({note})"
    facts = [when] + [escape_markdown(v) for v in (row.get(S.TOPIC), row.get(S.LANGUAGE)) if v]
    st.caption(" · ".join(facts) + f" · id {escape_markdown(row.get(S.ID, ''))}")
    quote_card(row, show_speaker=False, header=False)
    if row.get(S.CONTEXT):
        st.caption("Occasion (a note by the collector, not part of the quote): " + escape_markdown(row[S.CONTEXT]))


#: What starts every chart summary on the page, so a reader (and a test) knows what the line is.
SUMMARY_LEAD = "In words:"


def chart_summary(text: str, key: str) -> None:
    """A chart's summary beside it, as visible text a screen reader reads: the top values it shows.

    ``text`` comes from :mod:`stance_explorer.summaries` and may hold user text (speaker names,
    quotes), so it is escaped. The container's key (class ``st-key-summary_<key>``) lets a browser
    test find it.
    """
    with st.container(key=f"summary_{key}"):
        st.caption(f"**{SUMMARY_LEAD}** {escape_markdown(text)}")


def citation_box(row: pd.Series) -> None:
    """The statement's citation, ready to copy (each box has a copy button at its top right), in
    plain text and in Markdown. Shown as code, so nothing in it is read as markup here."""
    st.markdown("**Cite this statement**")
    st.caption("Plain text")
    st.code(plain_citation(row), language=None, wrap_lines=True)
    st.caption("Markdown")
    st.code(markdown_citation(row), language="markdown", wrap_lines=True)


def _use_multilingual() -> None:
    st.session_state[P.MODEL] = MULTILINGUAL  # a callback runs before the sidebar's Model radio is made


def language_caveat(frame: pd.DataFrame, model_id: str, *, one_statement: bool = False) -> None:
    """When an English-only model compares statements in several languages, say so and offer the
    multilingual model in one click.

    ``one_statement``: the frame is a single opened statement, and the note speaks of it.

    Measured on the bundled data: statement pairs on the same topic average a cosine of 0.26 when
    both are English and 0.09 when one is Spanish with MiniLM, so a low score may only mean another
    language; with the multilingual model, 0.15 and 0.12.
    """
    if not reads_only_english(model_id):
        return
    other = other_languages(frame)
    if other.empty:
        return
    if one_statement:
        st.caption(
            f":material/translate: This statement is in {escape_markdown(other.index[0])}. The model reads English, so it scores low "
            "against English statements whatever it says, and its closest statements lean to its own language. "
            "Choose the multilingual model in the sidebar to compare by meaning across languages."
        )
        return
    langs = ", ".join(f"{escape_markdown(code)}: {count:,}" for code, count in other.items())
    with st.container(border=True):
        st.caption(
            f":material/translate: **These statements mix languages** ({int(other.sum()):,} not in English: {langs}). "
            "The English model scores them low against English text whatever they say. The multilingual model "
            "compares Spanish and English by meaning."
        )
        st.button(
            "Use the multilingual model",
            icon=":material/translate:",
            key="use_multilingual",
            on_click=_use_multilingual,
        )
