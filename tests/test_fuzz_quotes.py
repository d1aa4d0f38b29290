"""Hypothesis fuzzing of the article reader and quote extractor.

Properties: nothing escapes as an exception; an unusable input is refused with exactly one error that
names the file; every extracted quote is a verbatim piece of the article (its words appear in the text,
in order); every record has the contract's columns and uploads through the CSV reader without a
structural error.
"""

from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stance_explorer.quotes import OUTPUT_COLUMNS, extract_statements, records_csv
from stance_explorer.reader import read_statements

SETTINGS = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
MARKS = ["“", "”", '"', "'", "‘", "’", "«", "»", "\n\n", ", ", ". ", ": "]
WORDS = [
    "said",
    "dijo",
    "afirmó",
    "he",
    "she",
    "ella",
    "the premier",
    "la mandataria",
    "an official",
    "Mark Carney",
    "Sheinbaum",
    "Ford",
    "according to",
    "según",
    "Washington",
    "calls",
    "tariffs",
    "aranceles",
    "we",
    "will",
    "not",
]
article_text = st.lists(st.sampled_from(MARKS + WORDS), min_size=1, max_size=80).map(" ".join)


def check(res, name: str) -> None:
    if res.unreadable:
        assert len(res.problems) == 1 and res.problems[0].file == name and res.problems[0].severity == "error"
        return
    text = res.article.text
    flat = re.sub(r"\s+", " ", text)
    for q in res.quotes:
        # Verbatim: the quote's words, in order, are in the article (paragraph breaks become spaces).
        assert re.sub(r"\s+", " ", q.text) in flat or all(w in flat for w in q.text.split())
    for r in res.records:
        assert list(r) == list(OUTPUT_COLUMNS)
    if res.records:
        again = read_statements(records_csv(res.records), name="again.csv")
        assert not again.unreadable
        assert all(p.line is not None for p in again.problems if p.severity == "error")


@SETTINGS
@given(article_text)
def test_any_text_built_from_quote_marks_and_attribution_words(text):
    check(extract_statements(text, name="fuzz.txt", date="2026-01-01"), "fuzz.txt")


@SETTINGS
@given(st.binary(max_size=3000))
def test_any_bytes(raw):
    check(extract_statements(raw, name="fuzz.bin", date="2026-01-01"), "fuzz.bin")


@SETTINGS
@given(st.text(max_size=2000))
def test_any_unicode_text(text):
    check(extract_statements(text, name="fuzz.txt", date="2026-01-01"), "fuzz.txt")
