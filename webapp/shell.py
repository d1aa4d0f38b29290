"""The shared sidebar: dataset, filters, the share link and the about text."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from stance_explorer import schema as S
from stance_explorer.analysis import filter_mask
from stance_explorer.encoders.models import MODELS
from stance_explorer.package_data import read_data_json
from webapp import hosting, links
from webapp import params as P
from webapp.state import View, apply_dataset_request, bundled_dataset, current_model, set_view
from webapp.text import escape_markdown
from webapp.uploads import add_with_progress, added_uploads, dataset_for, uploads_missing_vectors

# The option text is what the URL carries (bound widgets use the formatted option), so it is the
# short parameter value itself, explained by a caption.
DATASET_OPTIONS = [P.DATASET_BUNDLED, P.DATASET_MERGED, P.DATASET_UPLOADED]
DATASET_CAPTIONS = [
    "USMCA officials, 2017–2026",
    "bundled data plus your uploads",
    "only your uploads",
]

ABOUT = """
**What this is.** Statements by public officials, each a verbatim quote with its date, topic and
source. The bundled set holds {quotes} by {officials} on the USMCA (T-MEC, CUSMA), tariffs,
security and migration, {years}, gathered around a 2026-01-29 news report on US–Mexico talks
ahead of the July 2026 USMCA joint review. Every quote names the page it was copied from
(see `stance_explorer/data/SOURCES.md`){unlinked}. Quotes marked *partial* are fragments the source quoted inside its own
sentence.

**What the numbers mean.** Each statement is turned into a vector by a sentence-embedding model,
the one chosen under *Model*: all-MiniLM-L6-v2 (English, the default) or the Universal Sentence
Encoder multilingual v3 (16 languages, Spanish and English among them). *Similarity* is the cosine between two vectors: how alike two texts are in
wording and subject, from about 0 (unrelated) to 1 (the same). It is **not agreement**: "the deal
is great" and "the deal is terrible" are similar because they talk about the same thing.

**Languages.** MiniLM reads English. A statement in another language scores low against
English ones whatever it says: in the bundled data, two statements on the same topic average 0.26
when both are English and 0.09 when one is Spanish ({other_language} of the {n:,} are not in English). The multilingual model puts
both languages in one space (0.15 and 0.12), at a small cost in English accuracy. With MiniLM,
pages say when a comparison mixes languages and offer the multilingual model in one click.
Scores from the two models are not on the same scale: compare numbers within one model.

**Stance** (the Stance page, and agree / disagree on Compare) is a different question: not how
alike two statements sound but where each stands on an axis you write in words (a target, a favor
and an against pole). Each statement gets the model's reading, favor, against or none, with a score
from -1 to 1 and a confidence. *Zero-shot*, the reading comes from how close a statement's vector is
to the two poles; *taught*, from a classifier fitted on labels (yours, or the hand labels shipped for
the USMCA axis), and your labels override the model on the statements you labelled. {accuracy}
Treat each single reading as a hint to check against the quote, not a verdict. Speaker estimates come with a
95% bootstrap interval; "none" (no position) is never counted as the middle of the scale.
"""


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def accuracy_text(results: dict) -> str:
    """How accurate stance reading measured, from the benchmarks' results file (``stance_results.json``)."""
    parts = []
    tweets = results.get("tweeteval")
    if tweets:
        parts.append(
            "on TweetEval stance (tweets on five targets; F_avg, the mean F1 of favor and against, 0 to 1) "
            f"zero-shot {tweets['zero_shot']:.2f}, taught with 16 labels per class {tweets['few_shot_16']:.2f}, "
            f"with all labels {tweets['full']:.2f}"
        )
    own = results.get("bundled")
    if own:
        n = int(own["statements"])
        parts.append(
            f"on the {n} hand-labelled {own['topic']} statements, zero-shot accuracy {own['zero_shot_accuracy']:.2f}, "
            f"taught (each label predicted from the other {n - 1}) {own['taught_loo_accuracy']:.2f}"
        )
    if not parts:
        return "Its accuracy has not been measured on this installation's benchmarks."
    return "How accurate it measured: " + "; ".join(parts) + "."


def about_text(frame, results: dict) -> str:
    """The About text, its counts computed from the bundled statements and its figures from the results file.

    Args:
        frame: The bundled statements.
        results: The stance benchmarks' results (``package_data.read_data_json("stance_results.json")``).

    Returns:
        The text, in Markdown.
    """
    n = len(frame)
    years = pd.to_datetime(frame[S.DATE], errors="coerce").dropna().dt.year
    span = f"{years.min()}–{years.max()}" if len(years) and years.min() != years.max() else f"{years.min()}"
    urls = frame[S.SOURCE_URL].astype(str).str.strip() if S.SOURCE_URL in frame else pd.Series([""] * n)
    unlinked = int((~urls.map(S.is_web_link)).sum())
    return ABOUT.format(
        quotes=_plural(n, "quote", "quotes"),
        officials=_plural(int(frame[S.SPEAKER].nunique()), "official", "officials"),
        years=span if len(years) else "no dates",
        unlinked=(
            f"; {_plural(unlinked, 'quote has', 'quotes have')} no known link (their source is named instead)"
            if unlinked
            else ", with a link"
        ),
        other_language=int((frame[S.LANGUAGE].astype(str).replace("", "en") != "en").sum()),
        n=n,
        accuracy=accuracy_text(results),
    )


MODEL_OPTIONS = list(MODELS)
MODEL_CAPTIONS = [MODELS[m].label for m in MODEL_OPTIONS]


#: Session key of the share box's open state (not a URL parameter: a link opens with it closed).
SHARE_OPEN_KEY = "_share_open"
#: Session key of this run's sidebar slot for the share box.
SHARE_SLOT_KEY = "_share_slot"


def _choose_dataset(sb) -> tuple[str, str | None]:
    """The Dataset and Model radios; the dataset shown, and a notice when a link asked for uploads this session lacks."""
    have_uploads = bool(added_uploads())
    apply_dataset_request()
    links.check_options(P.DATASET, DATASET_OPTIONS, "Dataset")
    mode = sb.radio(
        "Dataset",
        DATASET_OPTIONS,
        captions=DATASET_CAPTIONS,
        key=P.DATASET,
        bind="query-params",
        help="Uploads live only in this browser session.",
    )
    notice = None
    if mode != P.DATASET_BUNDLED and not have_uploads:
        notice = (
            "This view was made with uploaded data. A link cannot carry an upload, and uploads are "
            "never shared between visitors, so the bundled data is shown instead. Upload the file "
            "on the Data page to see the original view."
        )
        mode = P.DATASET_BUNDLED
    links.check_options(P.MODEL, MODEL_OPTIONS, "Model")
    sb.radio(
        "Model",
        MODEL_OPTIONS,
        captions=MODEL_CAPTIONS,
        key=P.MODEL,
        bind="query-params",
        horizontal=False,
        help="The sentence-embedding model every similarity is computed with. minilm: all-MiniLM-L6-v2, "
        "English. multilingual: Universal Sentence Encoder multilingual v3, Spanish and English compared by meaning.",
    )
    return mode, notice


def _date_range(sb, frame) -> tuple:
    """The Dates slider over the data's range; (None, None) when the data spans no more than a day."""
    if not len(frame):
        return None, None
    lo, hi = frame[S.DATE].min().date(), frame[S.DATE].max().date()
    if lo >= hi:
        return None, None
    # When the dataset's date range changes (an upload was added), a slider still covering the
    # old full range follows the new one instead of silently hiding the new statements.
    prev = st.session_state.get("_date_bounds")
    if prev and prev != (lo, hi) and tuple(st.session_state.get(P.DATES, ())) == prev:
        st.session_state[P.DATES] = (lo, hi)
    st.session_state["_date_bounds"] = (lo, hi)
    # A link's range reaching past the data widens the slider (once per session) instead of
    # being reset by Streamlit; the data's own bounds still decide the default.
    s_lo, s_hi = links.date_extent(lo, hi)
    # value= only before the widget has state: passing both logs a Streamlit warning.
    default = {} if P.DATES in st.session_state else {"value": (lo, hi)}
    return sb.slider(
        "Dates", min_value=s_lo, max_value=s_hi, key=P.DATES, bind="query-params", format="YYYY-MM-DD", **default
    )


def _filters(sb, frame):
    """The Speakers, Topics, Dates and Language filters; the mask of the rows they keep."""
    speakers = sorted(frame[S.SPEAKER].unique())
    by_count = frame[S.SPEAKER].value_counts()
    # No format_func on bound widgets: the URL carries the formatted option text.
    links.check_options(P.SPEAKERS, speakers, "Speakers", multi=True)
    sel_speakers = sb.multiselect(
        "Speakers",
        speakers,
        key=P.SPEAKERS,
        bind="query-params",
        placeholder="All speakers",
        help="Most statements: " + ", ".join(f"{s} ({n})" for s, n in by_count.head(5).items()),
    )
    topics = sorted(frame[S.TOPIC].unique())
    links.check_options(P.TOPICS, topics, "Topics", multi=True)
    sel_topics = sb.multiselect("Topics", topics, key=P.TOPICS, bind="query-params", placeholder="All topics")
    start, end = _date_range(sb, frame)
    languages = sorted(v for v in frame[S.LANGUAGE].unique() if v)
    sel_lang: list[str] = []
    if len(languages) > 1:  # a filter with one choice is noise
        links.check_options(P.LANGUAGES, languages, "Language", multi=True)
        sel_lang = sb.multiselect(
            "Language", languages, key=P.LANGUAGES, bind="query-params", placeholder="All languages"
        )
    return filter_mask(frame, speakers=sel_speakers, topics=sel_topics, start=start, end=end, languages=sel_lang)


def sidebar() -> View:
    """Draw the shared sidebar and return the view every page reads."""
    sb = st.sidebar
    # The share box is filled at the end of the run (the link needs every widget's value), but it
    # sits at the top of the sidebar, where it opens in view instead of below the filters.
    st.session_state[SHARE_SLOT_KEY] = sb.container()
    mode, notice = _choose_dataset(sb)
    dataset = dataset_for(mode)
    frame = dataset.frame
    mask = _filters(sb, frame)
    view = View(dataset, mask, mode, notice)
    sb.metric("Statements kept by the filters", f"{view.count:,} of {len(frame):,}")
    missing = int((mask & ~dataset.has_vector).sum())
    if missing:
        sb.caption(f"{missing:,} of them have no vector yet and are left out of similarity views.")
        if pending := uploads_missing_vectors():
            if sb.button("Embed them with this model", key="_embed_missing", icon=":material/model_training:"):
                if add_with_progress(pending, sb) is not None:
                    st.rerun()
    set_view(view)
    return view


def current_link() -> str:
    """The URL that reopens this view: the page's address with every query parameter, in order."""
    pairs = [(key, value) for key in st.query_params.keys() for value in st.query_params.get_all(key)]
    return (st.context.url or "") + ("?" + urlencode(pairs) if pairs else "")


def share_box() -> None:
    """The current view's URL, at the top of the sidebar: in full as text, and in a one-line box with a
    copy button (the button sits over the box's right end, so the full link is shown above it).

    The box fills only while it is open (a rerun on toggle): a code block makes the browser load
    Streamlit's syntax-highlighter bundle, about 0.3 s of a cold start measured by
    benchmarks/cold_start.py, for a box most visits never open.
    """
    slot = st.session_state.get(SHARE_SLOT_KEY) or st.sidebar
    box = slot.expander("Share this view", icon=":material/link:", key=SHARE_OPEN_KEY, on_change="rerun")
    if not box.open:
        return
    with box:
        link = current_link()
        st.caption("This link reopens this page with these settings:")
        st.caption(escape_markdown(link))
        st.code(link, language=None, wrap_lines=False)
        st.caption("Copy it with the button at the right of the box above.")
        if added_uploads():
            st.caption("Uploaded data is not in the link: whoever opens it sees the bundled data.")


def about() -> None:
    with st.sidebar.expander("About the data and the numbers", icon=":material/info:"):
        results = read_data_json("stance_results.json")
        st.markdown(about_text(bundled_dataset(current_model()).frame, results) + hosting.about_note())


def notice(view: View) -> None:
    """A page's notices, under its title: the uploaded-data fallback, and the link's misfits."""
    links.slot()
    if view.notice:
        st.warning(view.notice, icon=":material/link_off:")


def empty_guard(view: View) -> bool:
    """Say so and return True when the filters keep nothing."""
    if view.count == 0:
        st.info("No statement matches the filters in the sidebar. Widen them to see results.")
        return True
    return False
