"""Attribution that does not depend on how a sentence opens (issue 29, section 5).

A pronoun or an unnamed "said" refers to the grammatical subject of the sentences before, read from a
dependency parse (spaCy's small English and Spanish pipelines), so a title before the name ("US Trade
Representative Jamieson Greer"), an apposition ("Greer, the US trade representative,"), an opening
phrase ("In Washington,", "After meeting Carney,") and a Spanish null subject ("Afirmó que …") no
longer move a quote to the previous speaker.

The case table, tests/data/attribution_cases.json, was written before the change (its commit holds
the figure then: English 25/28, Spanish 15/23); the texts are news-style, the people real officials,
the quotes written for the table and never part of the data.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from stance_explorer.article import Article
from stance_explorer.quotes import KnownSpeakers, extract_quotes, extract_statements, parse_missing, syntax
from stance_explorer.quotes.syntax import PIPELINES, Parse, parser_for
from stance_explorer.quotes.text import fold
from stance_explorer.reader import read_statements
from tests.conftest import BUNDLED_CSV_PATH, REPO_ROOT

CASES_PATH = Path(__file__).parent / "data" / "attribution_cases.json"
CASES = json.loads(CASES_PATH.read_text(encoding="utf-8"))["cases"]

#: Measured with the parse (benchmarks/quotes_eval.py --cases): every English case, all Spanish but one
#: (es-10, where the Spanish pipeline reads "Luego de la reunión con Ebrard" as the subject).
FLOOR = {"en": 28, "es": 22}


@pytest.fixture(scope="module")
def known() -> KnownSpeakers:
    return KnownSpeakers.from_frame(read_statements(BUNDLED_CSV_PATH).frame)


def speaker_of(case: dict, known: KnownSpeakers, parse: bool = True) -> str | None:
    """The speaker the extractor gives the case's quote ("" for none), or None when the quote is not found."""
    quotes = extract_quotes(Article(text=case["text"], date="2026-01-28"), known, parse=parse)
    want = fold(case["quote"])
    q = next((q for q in quotes if fold(q.text).startswith(want)), None)
    if q is None:
        return None
    return q.speaker if q.is_statement else ""


def right_per_language(known: KnownSpeakers, parse: bool) -> tuple[Counter, list[str]]:
    right: Counter = Counter()
    wrong = []
    for case in CASES:
        got = speaker_of(case, known, parse)
        if got == case["speaker"]:
            right[case["lang"]] += 1
        else:
            wrong.append(f"{case['id']}: {got!r} for {case['speaker']!r} ({case['pattern']})")
    return right, wrong


def test_the_case_table_has_forty_cases_fifteen_spanish_each_quote_in_its_text():
    assert len(CASES) >= 40
    assert sum(c["lang"] == "es" for c in CASES) >= 15
    assert len({c["id"] for c in CASES}) == len(CASES)
    for case in CASES:
        assert case["quote"] in case["text"], case["id"]
        assert case["speaker"].split()[-1] in case["text"], case["id"]


@pytest.mark.model
@pytest.mark.slow
def test_the_parse_attributes_the_case_table(known):
    right, wrong = right_per_language(known, parse=True)
    for lang, floor in FLOOR.items():
        assert right[lang] >= floor, (lang, right[lang], wrong)


@pytest.mark.model
@pytest.mark.slow
def test_the_table_holds_cases_the_word_rules_alone_get_wrong(known):
    """Without the parse (the rules as they were), the issue's pattern and the openers go wrong."""
    right, wrong = right_per_language(known, parse=False)
    assert right["en"] <= FLOOR["en"] - 3 and right["es"] <= FLOOR["es"] - 5, (right, wrong)
    assert any(w.startswith("en-01:") for w in wrong), wrong  # "In Washington, US Trade Representative …"


@pytest.mark.model
@pytest.mark.parametrize(
    "text, speakers",
    [
        (  # the article: a title and an opener before the subject
            "“We had a very productive first meeting,” Marcelo Ebrard told reporters.\n\n"
            "In Washington, US Trade Representative Jamieson Greer was less upbeat. "
            "“The agreement has shortcomings that must be fixed before we extend it,” he said.",
            ["Marcelo Ebrard", "Jamieson Greer"],
        ),
        (  # a Spanish null subject two sentences after its subject
            "“Vamos a defender a la industria”, dijo Marcelo Ebrard.\n\n"
            "La presidenta Claudia Sheinbaum recibió a los empresarios en Palacio Nacional. La reunión duró dos horas. "
            "Al final, aseguró que “el T-MEC va a seguir”.",
            ["Marcelo Ebrard", "Claudia Sheinbaum"],
        ),
    ],
)
def test_a_pronoun_or_bare_verb_takes_the_subject_of_the_sentence_before(text, speakers, known):
    quotes = [q for q in extract_quotes(Article(text=text, date="2026-01-28"), known) if q.is_statement]
    assert [q.speaker for q in quotes] == speakers, [(q.text, q.speaker, q.how) for q in quotes]


def test_a_missing_pipeline_keeps_the_rules_and_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(PIPELINES, "en", "no_such_spacy_pipeline")
    article = Article(text="“We will not give up,” said Jane Roe.", date="2026-01-28", name="roe.txt")
    res = extract_statements(article)
    assert [(q.text, q.speaker) for q in res.quotes] == [("We will not give up", "Jane Roe")]
    (msg,) = [p.message for p in res.problems if "no_such_spacy_pipeline" in p.message]
    assert "word rules" in msg and "pip install" in msg
    assert parse_missing(article) == msg
    assert [p.severity for p in res.problems if p.message == msg] == ["warning"]


@pytest.mark.model
def test_both_pipelines_are_installed_and_the_app_says_nothing_about_them():
    for text in ("“We will not give up,” said Jane Roe.", "“No nos vamos a rendir”, dijo la secretaria."):
        assert parse_missing(Article(text=text)) == ""


@pytest.mark.model
def test_spacy_is_imported_only_when_quotes_are_extracted_and_loaded_once():
    probe = textwrap.dedent(
        """
        import json, sys
        from stance_explorer.article import Article
        from stance_explorer.quotes import extract_quotes
        from stance_explorer.quotes.syntax import parser_for
        steps = ["spacy" in sys.modules]
        extract_quotes(Article(text="No quotes here, only a sentence about Mark Carney."))
        steps.append("spacy" in sys.modules)
        extract_quotes(Article(text="“We will not give up,” said Jane Roe."))
        steps.append("spacy" in sys.modules)
        steps.append(parser_for("en") is parser_for("en"))
        print(json.dumps(steps))
        """
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(REPO_ROOT))
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [False, False, True, True]


@pytest.mark.model
def test_a_very_long_article_is_parsed_only_up_to_the_limit_and_the_rest_keeps_the_rules(known, monkeypatch):
    monkeypatch.setattr(syntax, "MAX_PARSED", 5_000)  # the limit, made small for the test (200,000 in the app)
    para = "In Washington, US Trade Representative Jamieson Greer was less upbeat. " * 10
    paras = [para.strip()] * 20  # 14,000 characters
    text = "\n\n".join(paras + ["“We will not give up,” said Jane Roe."])
    parse = Parse(text, parser_for("en"))
    starts = [m.start() for m in re.finditer(r"In Washington", text)][::10]
    got = [parse.clause_subject(a, a + 80) for a in starts]
    assert got[0] is not None and got[-1] is None  # parsed in order until the limit, then not
    assert sum(g is not None for g in got) == 5_000 // len(para)
    quotes = extract_quotes(Article(text=text, date="2026-01-28"), known)
    assert [(q.text, q.speaker) for q in quotes] == [("We will not give up", "Jane Roe")]


def test_the_data_page_says_when_a_pipeline_is_missing_and_still_reads_the_quotes(monkeypatch):
    from apptest_helpers import DATA, open_page

    monkeypatch.setitem(PIPELINES, "en", "no_such_spacy_pipeline")
    at = open_page(DATA)
    at.text_area(key="art_text").input("“Our steel workers will not pay for this,” said Jane Roe of the union.").run()
    assert not at.exception, [e.value for e in at.exception]
    (table,) = [ed.value for ed in at.data_editor]
    assert list(table["speaker"]) == ["Jane Roe"]
    said = " ".join(c.value for c in at.caption)
    assert "no\\_such\\_spacy\\_pipeline" in said or "no_such_spacy_pipeline" in said
    assert "word rules" in said and "pip install" in said
