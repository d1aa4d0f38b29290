"""The Data page's article section: paste or upload a news article, review its quotes, add them.

One function, :func:`article_section`, draws it. The extraction is the library's
(:mod:`stance_explorer.quotes`); the reviewed rows become a statements CSV in memory that goes through
the same reader, session store and "add" path as an uploaded CSV. Nothing is written to disk and
nothing is fetched from the network.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pandas as pd
import streamlit as st

from stance_explorer import schema as S
from stance_explorer.reader import problems_frame, read_statements
from stance_explorer.wording import counted
from webapp import params as P
from webapp.text import escape_markdown

K_TEXT, K_FILE, K_DATE, K_TITLE, K_URL = "art_text", "art_file", "art_date", "art_title", "art_url"
ADD, SPEAKER, TEXT, TOPIC, QTYPE, CONF, READING, SENTENCE = (
    "add",
    "speaker",
    "text",
    "topic",
    "quote type",
    "confidence",
    "reading",
    "sentence",
)
EDIT_COLUMNS = (ADD, SPEAKER, TEXT, TOPIC, QTYPE, CONF, READING, SENTENCE)


def _build_helpers(frame: pd.DataFrame):
    from stance_explorer.quotes import KnownSpeakers, TopicSuggester

    return KnownSpeakers.from_frame(frame), TopicSuggester(frame)


@st.cache_resource(show_spinner=False)
def _bundled_helpers():
    """Known speakers and topics of the bundled data: shared by every visitor, built on first need."""
    from webapp.state import bundled_dataset

    return _build_helpers(bundled_dataset().frame)


def _helpers_for(frame: pd.DataFrame):
    """Known speakers and the topic suggester of the dataset in use; a visitor's own data stays in the session."""
    from webapp.state import bundled_dataset

    if frame is bundled_dataset().frame:
        return _bundled_helpers()
    from webapp.frame_cache import per_frame

    return per_frame("article_helpers", frame, lambda: _build_helpers(frame))


def _read(raw: bytes, name: str):
    from stance_explorer.article import read_article

    return read_article(raw, name=name)


def _prefill(article, digest: str) -> None:
    """Fill the date, title and URL fields from the HTML's metadata, once per new file."""
    if st.session_state.get("_art_prefilled") == digest:
        return
    st.session_state["_art_prefilled"] = digest
    if article.date:
        st.session_state[K_DATE] = date.fromisoformat(article.date)
    if article.title:
        st.session_state[K_TITLE] = article.title
    if article.url:
        st.session_state[K_URL] = article.url


def _review_table(quotes) -> pd.DataFrame:
    rows = []
    for q in quotes:
        if q.flag and not q.is_statement:
            reading = f"left out: {q.flag}"
        elif q.flag:
            reading = f"{q.flag}: {q.mention}" if q.mention else q.flag
        else:
            reading = f"from {q.how}" + (f" “{q.mention}”" if q.mention and q.how != "name" else "")
        rows.append(
            {
                ADD: q.is_statement and bool(q.speaker),
                SPEAKER: q.speaker,
                TEXT: q.text,
                TOPIC: q.topic or None,
                QTYPE: q.quote_type,
                CONF: q.confidence if q.speaker else None,
                READING: reading,
                SENTENCE: q.sentence,
            }
        )
    frame = pd.DataFrame(rows, columns=list(EDIT_COLUMNS))
    frame[ADD] = frame[ADD].astype(bool)
    frame[CONF] = pd.to_numeric(frame[CONF], errors="coerce")
    return frame


def _records(
    edited: pd.DataFrame, quotes, *, stem: str, when: date | None, title: str, url: str, known
) -> tuple[list[dict], list[str]]:
    """The ticked rows as statements, and what stops them from being added."""
    from stance_explorer.quotes import detect_language

    problems: list[str] = []
    records: list[dict] = []
    by_text = {q.text: q for q in quotes}
    for pos, row in edited.reset_index(drop=True).iterrows():
        if not bool(row.get(ADD)):
            continue
        speaker = str(row.get(SPEAKER) or "").strip()
        text = str(row.get(TEXT) or "").strip()
        if not text:
            problems.append(f"Row {pos + 1} has no quote text: write it or untick the row.")
            continue
        if not speaker:
            problems.append(f"Row {pos + 1} (“{text[:60]}”) has no speaker: name who said it, or untick the row.")
            continue
        q = by_text.get(text)
        person = next((p for p in known.people if p.name == speaker), None)
        role = person.role if person else (q.role if q is not None and q.speaker == speaker else "")
        sentence = str(row.get(SENTENCE) or "")
        context = sentence
        if q is not None and q.speaker == speaker and q.how not in ("", "name"):
            context = f"[speaker read from {q.how}, confidence {q.confidence:.2f}] {sentence}"
        elif q is None or q.speaker != speaker:
            context = f"[speaker given by the reviewer] {sentence}".strip()
        records.append(
            {
                S.ID: f"{stem}-q{len(records) + 1}",
                S.SPEAKER: speaker,
                S.ROLE: role,
                S.DATE: when.isoformat() if when else "",
                S.DATE_PRECISION: "article",
                S.TOPIC: str(row.get(TOPIC) or ""),
                S.TEXT: text,
                S.LANGUAGE: (q.language if q is not None else "") or detect_language(text),
                S.QUOTE_TYPE: str(row.get(QTYPE) or S.QUOTE_DIRECT),
                S.SOURCE_TITLE: title,
                S.SOURCE_URL: url,
                S.CONTEXT: context,
            }
        )
    if records and when is None:
        problems.insert(0, "Give the article's date above: every statement needs one.")
    return records, problems


def article_section(view) -> None:
    """Paste or upload an article, review the quotes found in it, and add them like a CSV upload."""
    from webapp.state import request_dataset
    from webapp.uploads import Upload, add_new, uploads

    busy = bool(st.session_state.get(K_TEXT) or st.session_state.get(K_FILE))
    with st.expander("Add statements from a news article", expanded=busy, icon=":material/newspaper:"):
        st.caption(
            "Paste an article or upload it (.txt, .md or a saved .html page). The quotes in it are found with "
            "who said them; check them below, correct or untick any, add rows, then add them to your data. "
            "English and Spanish. Nothing leaves this browser session."
        )
        pasted = st.text_area("Article text", key=K_TEXT, height=160, placeholder="Paste the article here…")
        file = st.file_uploader(
            "…or upload the article", key=K_FILE, help=".txt, .md, .html (a page saved from the browser)"
        )
        raw, name = None, None
        if file is not None:
            raw, name = file.getvalue(), file.name
        elif pasted and pasted.strip():
            raw, name = pasted.encode("utf-8"), "pasted text"
        article = None
        if raw is not None:
            digest = hashlib.sha256(raw).hexdigest()[:16]
            article, read_problems = _read(raw, name)
            if article is None:
                st.error(
                    escape_markdown(f"{name} cannot be used: " + "; ".join(p.message for p in read_problems)),
                    icon=":material/block:",
                )
            else:
                _prefill(article, digest)
        c1, c2, c3 = st.columns([1, 2, 2])
        when = c1.date_input(
            "Article date",
            value=None,
            key=K_DATE,
            format="YYYY-MM-DD",
            min_value=date(1800, 1, 1),
            max_value=date(2200, 12, 31),
        )
        title = c2.text_input("Source title", key=K_TITLE)
        url = c3.text_input("Source URL", key=K_URL)
        st.caption(
            "The app reads no pages from the web: it works offline, and the URL is kept only as the source link."
        )
        if url and raw is None:
            st.warning(
                "Nothing to read yet: this machine does not download pages (no network is used). "
                "Save the page as .html and upload it, or paste the article's text.",
                icon=":material/cloud_off:",
            )
        if url and not re.match(r"^https?://", url.strip(), flags=re.IGNORECASE):
            st.caption("The URL is not an http(s) link; it will be kept as text and not made clickable.")
        if article is None:
            return
        _review(view, article, digest, when, title.strip(), url.strip(), Upload, add_new, request_dataset, uploads)


def _review_editor(table, frame, digest):
    """The review table as an editor: tick, correct or add rows."""
    topic_options = sorted({t for t in frame[S.TOPIC].astype(str) if t} | {"unspecified"})
    return st.data_editor(
        table,
        key=f"art_editor_{digest}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            ADD: st.column_config.CheckboxColumn("add", help="Add this statement", default=True, width="small"),
            SPEAKER: st.column_config.TextColumn("speaker", help="Who said it (full name)"),
            TEXT: st.column_config.TextColumn("text", help="The quoted words, verbatim", width="large"),
            TOPIC: st.column_config.SelectboxColumn(
                "topic", options=topic_options, help="Suggested: the nearest topic in the data"
            ),
            QTYPE: st.column_config.SelectboxColumn(
                "quote type", options=[S.QUOTE_DIRECT, S.QUOTE_PARTIAL], default=S.QUOTE_DIRECT
            ),
            CONF: st.column_config.NumberColumn(
                "confidence", format="%.2f", disabled=True, help="How sure the extractor is of the speaker"
            ),
            READING: st.column_config.TextColumn(
                "reading", disabled=True, help="How the speaker was found, or why a quote was left out"
            ),
            SENTENCE: st.column_config.TextColumn("sentence", disabled=True, help="The sentence the quote came from"),
        },
    )


def _review(view, article, digest, when, title, url, Upload, add_new, request_dataset, uploads) -> None:
    from stance_explorer.quotes import extract_quotes, parse_missing, records_csv
    from webapp.frame_cache import per_frame

    frame = view.dataset.frame
    known, topics = _helpers_for(frame)

    def extract():
        article.title = article.title or title
        article.url = article.url or url
        return extract_quotes(article, known, topics)

    quotes = per_frame("article_quotes", frame, extract, key=digest)
    kept = sum(q.is_statement for q in quotes)
    st.markdown(
        f"**{len(quotes)} quoted passage{'s' if len(quotes) != 1 else ''} found: {kept} attributed "
        f"({sum(1 for q in quotes if q.is_statement and not q.speaker)} to unnamed sources), "
        f"{len(quotes) - kept} left out (names, scare quotes, institutions).**"
    )
    st.caption(
        "The speaker, topic and quote type are the extractor's reading, with its confidence: check them. "
        "Tick a row to add it; fill in a speaker for unnamed sources; add a row at the bottom for a quote it missed."
    )
    missing = parse_missing(article) if quotes else ""
    if missing:  # a spaCy pipeline is not installed: say what that costs and how to fix it
        st.caption(escape_markdown(missing[0].upper() + missing[1:] + "."))
    table = _review_table(quotes)
    edited = _review_editor(table, frame, digest)
    stem = re.sub(r"[^\w\-]+", "-", (title or article.name).lower()).strip("-")[:40] or "article"
    records, problems = _records(edited, quotes, stem=stem, when=when, title=title, url=url, known=known)
    upload_name = f"article: {title or article.name}"
    added = uploads().get(upload_name)
    if added is not None and added.added and added.digest == digest:
        st.success(
            f"Added: {counted(len(added.result.frame), 'statement')} from this article are in use on every page.",
            icon=":material/check_circle:",
        )
        return
    for msg in problems:
        st.warning(escape_markdown(msg), icon=":material/edit:")
    label = f"Add {len(records)} statement{'s' if len(records) != 1 else ''} from this article"
    if st.button(label, type="primary", key="art_add", disabled=not records or bool(problems)):
        raw = records_csv(records)
        result = read_statements(raw, name=upload_name)
        if result.errors:
            st.error("Some rows could not be added:")
            st.dataframe(problems_frame(result.problems), hide_index=True, width="stretch", placeholder="–")
            return
        new = add_new(Upload(upload_name, digest, result, raw))
        if new is None:
            return
        from webapp.uploads import announce

        announce(f"Added {counted(len(result.frame), 'statement')} from the article ({new} newly embedded).")
        if view.mode == P.DATASET_BUNDLED:
            request_dataset(P.DATASET_MERGED)
        st.rerun()
