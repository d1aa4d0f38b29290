"""A pronoun after a quote points to the person the sentence before it is about (issue 24).

Each case is a short article patterned on real news reports (wire copy on trade talks, Mexican
and Canadian papers): who spoke in the paragraph before, then a sentence about someone else, then
a quote closed by "he said", "she told reporters", "dijo", "añadió". The texts are written for
this table; the people are real officials, the quotes are invented and never enter the data.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from facts import REPO_ROOT

from stance_explorer.article import Article
from stance_explorer.quotes import KnownSpeakers, extract_quotes
from stance_explorer.reader import read_statements
from tests.conftest import BUNDLED_CSV_PATH

GREER_ARTICLE = (
    "Mexico and the United States opened the review of the trade pact on Wednesday.\n\n"
    'Economy Secretary Marcelo Ebrard said the talks had started well. "We had a very productive first meeting," Ebrard told reporters.\n\n'
    'US Trade Representative Jamieson Greer was less upbeat. "The agreement has shortcomings that must be fixed before we extend it," he said.'
)

#: (case id, article text, expected speaker of each quote in order)
CASES = [
    ("issue example: X was less upbeat", GREER_ARTICLE, ["Marcelo Ebrard", "Jamieson Greer"]),
    (
        "struck a more conciliatory tone",
        'Donald Trump told reporters the deal was "irrelevant" to him.\n\n'
        'Prime Minister Mark Carney struck a more conciliatory tone. "We will keep talking, because that is what partners do," he said.',
        ["Donald Trump", "Mark Carney"],
    ),
    (
        "he added",
        '"Canada will not be rushed," Mark Carney said on Monday.\n\n'
        'Ontario Premier Doug Ford went further. "We will put a surcharge on every kilowatt we sell," he added.',
        ["Mark Carney", "Doug Ford"],
    ),
    (
        "she told reporters",
        '"The tariffs are unjustified," Marcelo Ebrard said.\n\n'
        'President Claudia Sheinbaum sounded calmer on Tuesday. "There is nothing concrete yet, but it is going well," she told reporters.',
        ["Marcelo Ebrard", "Claudia Sheinbaum"],
    ),
    (
        "role only: the secretary",
        '"We need a better deal for American workers," Jamieson Greer said.\n\n'
        'Marco Rubio, the secretary of state, met his Mexican counterpart in Mexico City. The secretary was optimistic. "Cooperation has never been closer," he said.',
        ["Jamieson Greer", "Marco Rubio"],
    ),
    (
        "sentence about someone without a verb of speaking",
        '"We are ready for any scenario," Claudia Sheinbaum said.\n\n'
        'Commerce Secretary Howard Lutnick was in a combative mood on Thursday. "If fentanyl does not stop, the tariffs stay," he said.',
        ["Claudia Sheinbaum", "Howard Lutnick"],
    ),
    (
        "appeared confident",
        '"Nobody wins a trade war," Doug Ford said.\n\n'
        'Treasury Secretary Scott Bessent appeared confident after the meeting. "We made substantial progress," he said.',
        ["Doug Ford", "Scott Bessent"],
    ),
    (
        "the pronoun keeps the last speaker when the sentence names no one",
        '"We are not going to back down," Doug Ford said.\n\n'
        'The province has already drawn up a list of American products. "Every option is on the table," he said.',
        ["Doug Ford", "Doug Ford"],
    ),
    (
        "she after a man's sentence goes to the woman",
        '"The market is open," Claudia Sheinbaum said.\n\n'
        'Donald Trump was not convinced. "They have taken advantage of us for decades," he said.\n\n'
        'Sheinbaum kept her answer short. "We do not negotiate sovereignty," she said.',
        ["Claudia Sheinbaum", "Donald Trump", "Claudia Sheinbaum"],
    ),
    (
        "a name inside a longer description",
        '"It is a good day for Canada," Justin Trudeau said.\n\n'
        'Foreign Minister Chrystia Freeland, who led the talks for months, was more cautious. "It is going to take flexibility on all sides," she said.',
        ["Justin Trudeau", "Chrystia Freeland"],
    ),
    (
        "he said mid-quote",
        '"We will fight," Mark Carney said.\n\n'
        'Jamieson Greer took a harder line. "The old arrangement is over," he said. "We want a better deal."',
        ["Mark Carney", "Jamieson Greer", "Jamieson Greer"],
    ),
    (
        "es: dijo after a description",
        '"Tenemos una muy buena relación con China", afirmó Claudia Sheinbaum.\n\n'
        'El secretario de Economía, Marcelo Ebrard, se mostró más cauto. "No haremos ningún compromiso que contradiga nuestras leyes", dijo.',
        ["Claudia Sheinbaum", "Marcelo Ebrard"],
    ),
    (
        "es: añadió",
        '"Vamos a revisar el tratado", dijo Marcelo Ebrard.\n\n'
        'La presidenta Claudia Sheinbaum fue más tajante en su conferencia matutina. "No estamos cediendo nada a nadie", añadió.',
        ["Marcelo Ebrard", "Claudia Sheinbaum"],
    ),
    (
        "es: señaló",
        '"El T-MEC no es relevante", declaró Donald Trump.\n\n'
        'El primer ministro de Canadá, Mark Carney, adoptó un tono conciliador. "Seguiremos negociando", señaló.',
        ["Donald Trump", "Mark Carney"],
    ),
    (
        "es: dijo with él",
        '"Estamos preparados", afirmó Claudia Sheinbaum.\n\n'
        'Por su parte, Jamieson Greer fue menos optimista. "El acuerdo tiene deficiencias", dijo él.',
        ["Claudia Sheinbaum", "Jamieson Greer"],
    ),
    (
        "es: ella señaló",
        '"Habrá una respuesta", dijo Marcelo Ebrard.\n\n'
        'La canciller Alicia Bárcena se reunió con el embajador. "La relación es sólida", señaló ella.',
        ["Marcelo Ebrard", "Alicia Bárcena"],
    ),
    (
        "es: the pronoun keeps the last speaker when the sentence names no one",
        '"No habrá operaciones conjuntas", dijo Claudia Sheinbaum.\n\n'
        'La reunión duró más de una hora. "Fue una conversación cordial", añadió.',
        ["Claudia Sheinbaum", "Claudia Sheinbaum"],
    ),
    (
        "told reporters after a sentence about a role holder",
        '"We are very far apart," Doug Ford said.\n\n'
        'Canada\'s finance minister, Dominic LeBlanc, sounded more hopeful on Friday. "There is a path to a deal," he told reporters.',
        ["Doug Ford", "Dominic LeBlanc"],
    ),
]


@pytest.fixture(scope="module")
def known() -> KnownSpeakers:
    return KnownSpeakers.from_frame(read_statements(BUNDLED_CSV_PATH).frame)


@pytest.mark.parametrize("case, text, speakers", CASES, ids=[c[0] for c in CASES])
def test_the_pronoun_goes_to_the_person_the_sentence_before_is_about(case, text, speakers, known):
    quotes = [q for q in extract_quotes(Article(text=text, date="2026-01-28"), known) if q.is_statement]
    assert [q.speaker for q in quotes] == speakers, [(q.text, q.speaker, q.how) for q in quotes]


def test_at_least_fifteen_cases_in_both_languages():
    assert len(CASES) >= 15
    assert sum(c[0].startswith("es:") for c in CASES) >= 5


def test_cli_json_gives_every_quote_of_the_issue_article_its_speaker(tmp_path):
    path = tmp_path / "greer.txt"
    path.write_text("date 2026-01-28\n" + GREER_ARTICLE + "\n", encoding="utf-8")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "stance_explorer", "quotes", str(path), "--format", "json"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [(r["speaker"], r["text"][:20]) for r in rows] == [
        ("Marcelo Ebrard", "We had a very produc"),
        ("Jamieson Greer", "The agreement has sh"),
    ]
