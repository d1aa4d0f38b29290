"""The extractor: an article's quotes with their speakers, as statement rows and a validated statements table."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from stance_explorer import schema as S
from stance_explorer.article import Article, read_article
from stance_explorer.quotes.attribution import FLAG_NAME, FLAG_UNNAMED, Attributor
from stance_explorer.quotes.mentions import KnownSpeakers, Mentions
from stance_explorer.quotes.spans import find_quote_spans, quoted_words
from stance_explorer.quotes.syntax import Parse, missing_message, parser_for
from stance_explorer.quotes.text import LETTER, detect_language, fold
from stance_explorer.quotes.topics import TopicSuggester
from stance_explorer.reader import ReadResult, empty_frame, read_statements

# Columns the CLI prints and the review table edits, in this order.
OUTPUT_COLUMNS: tuple[str, ...] = (
    S.ID,
    S.SPEAKER,
    S.ROLE,
    S.DATE,
    S.DATE_PRECISION,
    S.TOPIC,
    S.TEXT,
    S.LANGUAGE,
    S.QUOTE_TYPE,
    S.SOURCE_TITLE,
    S.SOURCE_URL,
    S.CONTEXT,
)


@dataclass
class Quote:
    """One quoted span and the reading of who said it."""

    text: str
    start: int  # offsets of the quoted words in the article text
    end: int
    sentence: str
    quote_type: str = S.QUOTE_DIRECT
    language: str = ""
    speaker: str = ""
    role: str = ""
    confidence: float = 0.0
    how: str = ""  # how the speaker was found: name, surname, pronoun, role, known role, continuation, …
    mention: str = ""  # the article's words that named the speaker
    flag: str = ""
    topic: str = ""

    @property
    def is_statement(self) -> bool:
        """Kept as a statement: a resolved speaker, or an unnamed source (kept with an empty speaker)."""
        return bool(self.speaker) or self.flag == FLAG_UNNAMED


@dataclass
class QuoteResult:
    """What one article gave: every quote found (flagged ones too) and the validated statements."""

    article: Article | None
    quotes: list[Quote]
    read: ReadResult | None
    problems: list[S.Problem]
    records: list[dict]

    @property
    def frame(self) -> pd.DataFrame:
        return self.read.frame if self.read is not None else empty_frame()

    @property
    def unreadable(self) -> bool:
        return self.article is None


def _is_upper_start(s: str) -> bool:
    m = LETTER.search(s)
    return bool(m) and m.group().isupper()


def _looks_like_name(words: str) -> bool:
    toks = re.findall(r"[\w\-]+", words)
    if not toks or len(toks) > 5:
        return False
    if re.search(r"[.!?,;]$", words.strip()) and (len(toks) < 2 or re.search(r"[!?]$", words.strip())):
        return False
    small = {"de", "del", "la", "el", "of", "the", "and", "y", "a", "en", "sobre"}
    caps = [t for t in toks if t.lower() not in small]
    return (
        bool(caps)
        and all(t[0].isupper() for t in caps)
        and len(caps) >= 1
        and len(toks) >= 1
        and (len(toks) > 1 or len(words) < 25)
    )


def extract_quotes(
    article: Article,
    known: KnownSpeakers | None = None,
    topics: TopicSuggester | None = None,
    *,
    person_names: set[str] | None = None,
    parse: bool = True,
) -> list[Quote]:
    """Every quoted span of the article with its speaker reading (flagged ones included).

    Args:
        article: The article, as :func:`stance_explorer.article.read_article` gives it.
        known: Speakers of the data, to resolve surnames and roles; none by default.
        topics: Suggests each statement's topic; without it topics stay empty.
        person_names: The names a tagger calls persons. Without it, capitalized runs that are not
            titles, places or institutions count as names (the default: measured as good on the
            labelled articles, see benchmarks/quotes_eval.py --ner).
        parse: Find sentence subjects with the language's spaCy pipeline (loaded on first use, once per
            process); False, or a missing pipeline, keeps to the word rules (see :func:`parse_missing`).

    Returns:
        The quotes in article order. Those with ``is_statement`` false carry a flag saying why.
    """
    known = known or KnownSpeakers()
    text = article.text
    spans = find_quote_spans(text)
    mentions = Mentions(text, known, {fold(n) for n in person_names} if person_names is not None else None)
    art_lang = detect_language(text)
    nlp = parser_for(art_lang) if parse and spans else None
    syntax = Parse(text, nlp) if nlp is not None else None
    att = Attributor(text, spans, mentions, article.title, article.url, syntax)
    quotes: list[Quote] = []
    for sp in spans:
        words = quoted_words(text, sp)
        if not words:
            continue
        s_start, s_end = att.sentence_of(sp.open_at)
        if sp.closed:
            s_end = max(s_end, att.sentence_of(sp.close_at)[1])
        sentence = re.sub(r"\s+", " ", text[s_start : max(s_end, sp.close_at + 1)]).strip()
        before = text[s_start : sp.open_at].strip(" -–—•")
        partial = not _is_upper_start(words.lstrip("…. ")) or (
            bool(before) and bool(re.search(r"\w$", before)) and len(words.split()) < 6
        )
        q = Quote(
            text=words,
            start=sp.pieces[0][0],
            end=sp.pieces[-1][1],
            sentence=sentence,
            quote_type=S.QUOTE_PARTIAL if partial else S.QUOTE_DIRECT,
        )
        lang = detect_language(words) if len(words.split()) >= 4 else ""
        q.language = lang or art_lang
        if _looks_like_name(words) and len(words.split()) <= 4:
            q.flag = FLAG_NAME
            quotes.append(q)
            continue
        r = att.attribute(sp, partial)
        q.speaker, q.confidence, q.how, q.mention, q.flag = r.speaker, round(r.confidence, 2), r.how, r.mention, r.flag
        if q.speaker:
            q.flag = ""
            q.role, _ = mentions.person_role(q.speaker)
            att.add_history(sp.open_at, q.speaker, "speaker")
            att.noted.add(att.sentence_of(sp.open_at)[0])
        if topics is not None and q.is_statement:
            q.topic = topics.suggest(words + " " + words + " " + sentence)
        quotes.append(q)
    return quotes


def parse_missing(article: Article) -> str:
    """What is missing for reading an article's sentence subjects ("" when its pipeline loads).

    Args:
        article: The article whose language picks the pipeline.

    Returns:
        A sentence naming the missing spaCy pipeline and how to install it, or "".
    """
    return missing_message(detect_language(article.text))


def quote_records(
    quotes: Iterable[Quote], article: Article, *, date: str = "", title: str = "", url: str = ""
) -> list[dict]:
    """The statements (speaker or unnamed source) as rows in the app's schema, ready for CSV.

    Args:
        quotes: Quotes from :func:`extract_quotes`; those that are not statements are skipped.
        article: The article they came from (its name makes the ids, its date, title and URL the defaults).
        date: The statements' date, when the article has none or it should be overridden.
        title: The source title, likewise.
        url: The source URL, likewise.

    Returns:
        One dict per statement, keyed by :data:`OUTPUT_COLUMNS`; how a speaker was read goes into the context.
    """
    stem = re.sub(r"[^\w\-]+", "-", Path(article.name).stem).strip("-") or "article"
    rows = []
    for n, q in enumerate((q for q in quotes if q.is_statement), start=1):
        context = q.sentence
        if q.flag:
            context = f"[{q.flag}: {q.mention}] {context}" if q.mention else f"[{q.flag}] {context}"
        elif q.how not in ("name", ""):
            context = f"[speaker read from {q.how}{': ' + q.mention if q.mention else ''}, confidence {q.confidence:.2f}] {context}"
        rows.append(
            {
                S.ID: f"{stem}-q{n}",
                S.SPEAKER: q.speaker,
                S.ROLE: q.role,
                S.DATE: date or article.date,
                S.DATE_PRECISION: "article",
                S.TOPIC: q.topic,
                S.TEXT: q.text,
                S.LANGUAGE: q.language,
                S.QUOTE_TYPE: q.quote_type,
                S.SOURCE_TITLE: title or article.title,
                S.SOURCE_URL: url or article.url,
                S.CONTEXT: context,
            }
        )
    return rows


def records_csv(records: Iterable[dict]) -> bytes:
    """Rows as a UTF-8 CSV with exactly :data:`OUTPUT_COLUMNS`: the file uploads as it is.

    Args:
        records: Rows such as :func:`quote_records` gives; other keys are ignored, missing ones left empty.

    Returns:
        The CSV bytes, header included.
    """
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(OUTPUT_COLUMNS), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in records:
        w.writerow({k: ("" if r.get(k) is None else str(r.get(k))) for k in OUTPUT_COLUMNS})
    return buf.getvalue().encode("utf-8")


def extract_statements(
    source: str | Path | bytes | Article,
    *,
    name: str | None = None,
    date: str = "",
    title: str = "",
    url: str = "",
    known: pd.DataFrame | None = None,
) -> QuoteResult:
    """Read an article and return its statements, validated exactly as a CSV upload is.

    Never raises on bad input: what went wrong is in the result's problems.

    Args:
        source: A path, uploaded bytes, pasted text (a ``str`` that is not a path), or an :class:`Article`.
        name: The name problems and ids use, when ``source`` is text or bytes.
        date: The statements' date (YYYY-MM-DD), when the article gives none or it should be overridden.
        title: The source title, likewise.
        url: The source URL, likewise.
        known: A statements table whose speakers (names, roles) help resolve mentions and whose
            topics are suggested.

    Returns:
        Every quote found, the statement records, the validated statements (None when there are none)
        and every problem, from reading the article to validating the rows.
    """
    if isinstance(source, Article):
        article, problems = source, []
    else:
        article, problems = read_article(source, name=name)
    if article is None:
        return QuoteResult(None, [], None, problems, [])
    speakers = KnownSpeakers.from_frame(known)
    topics = TopicSuggester(known)
    quotes = extract_quotes(article, speakers, topics)
    records = quote_records(quotes, article, date=date, title=title, url=url)
    problems = list(problems) + [S.Problem(article.name, None, None, "warning", n) for n in article.notes]
    missing = parse_missing(article) if quotes else ""
    if missing:
        problems.append(S.Problem(article.name, None, None, "warning", missing))
    if not (date or article.date):
        problems.append(
            S.Problem(
                article.name,
                None,
                "date",
                "error",
                "the article has no date; give the article's date (YYYY-MM-DD) before adding its quotes",
            )
        )
    if not records:
        problems.append(
            S.Problem(article.name, None, None, "warning", "no attributed quotes were found in this article")
        )
        return QuoteResult(article, quotes, None, problems, records)
    read = read_statements(records_csv(records), name=f"{Path(article.name).stem} (quotes)")
    return QuoteResult(article, quotes, read, problems + read.problems, records)
