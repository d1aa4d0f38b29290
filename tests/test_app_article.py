"""Data page, article section (webapp/article.py): paste or upload an article, review its quotes, add them."""

from __future__ import annotations

from datetime import date

import pytest
from apptest_helpers import DATA, N_BUNDLED, open_page, sidebar_kept, unescape

from tests.conftest import REPO_ROOT

SEED = (REPO_ROOT / "stance_explorer" / "data" / "seed_article.txt").read_text(encoding="utf-8")
HTML = """<!doctype html><html><head><title>Ford on tariffs | News</title>
<meta property="og:title" content="Ford blasts tariffs on Canada">
<meta property="article:published_time" content="2025-02-01T21:00:00Z">
<link rel="canonical" href="https://example.org/world/ford-tariffs"></head>
<body><nav>Home | World | Sport</nav><article><h1>Ford blasts tariffs on Canada</h1>
<p>Ontario Premier Doug Ford spoke to CNN on Saturday evening about the new tariffs on Canada.</p>
<p>“This is going to hurt Americans. It’s going to hurt Canadians,” he said, adding that Canada will respond.</p>
<p>The premier called the tariffs “unjustified, unfair and frankly illegal.”</p>
</article><footer>© News</footer></body></html>""".encode()


def run_ok(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def editor(at):
    (ed,) = at.data_editor
    return ed


def add_button(at):
    return at.button(key="art_add")


def test_the_article_section_is_closed_and_quiet_until_used():
    at = open_page(DATA)
    assert at.text_area(key="art_text").value in ("", None)
    assert not at.data_editor
    assert not at.error and not at.warning


def test_pasted_article_shows_its_quotes_with_speakers_and_leaves_out_the_scare_quote():
    at = open_page(DATA)
    at.text_area(key="art_text").input(SEED)
    run_ok(at)
    table = editor(at).value
    added = table[table["add"]]
    assert sorted(added["speaker"]) == [
        "Claudia Sheinbaum",
        "Claudia Sheinbaum",
        "Donald Trump",
        "Donald Trump",
        "Jamieson Greer",
    ]
    scare = table[table["text"] == "non-tariff barriers"].iloc[0]
    assert not scare["add"] and scare["reading"].startswith("left out")
    assert set(added["quote type"]) == {"direct", "partial"}
    assert added["topic"].notna().all()  # a topic suggested for each
    assert (added["confidence"] > 0).all()
    # The page's own date line fills the date field.
    assert at.date_input(key="art_date").value == date(2026, 1, 29)
    assert add_button(at).label == "Add 5 statements from this article"


def test_uploaded_html_fills_date_title_and_url_from_its_metadata():
    at = open_page(DATA)
    at.file_uploader(key="art_file").upload("ford.html", HTML, "text/html")
    run_ok(at)
    assert at.date_input(key="art_date").value == date(2025, 2, 1)
    assert at.text_input(key="art_title").value == "Ford blasts tariffs on Canada"
    assert at.text_input(key="art_url").value == "https://example.org/world/ford-tariffs"
    table = editor(at).value
    assert list(table["speaker"]) == ["Doug Ford", "Doug Ford"]
    assert list(table["quote type"]) == ["direct", "partial"]


@pytest.mark.model
def test_untick_correct_add_a_row_then_add_through_the_upload_path():
    at = open_page(DATA)
    at.text_area(key="art_text").input(SEED)
    run_ok(at)
    ed = editor(at)
    table = ed.value
    first_trump = int(table.index[table["speaker"] == "Donald Trump"][0])
    greer = int(table.index[table["speaker"] == "Jamieson Greer"][0])
    at.session_state[ed.key] = {
        "edited_rows": {first_trump: {"add": False}, greer: {"topic": "tariffs"}},
        "added_rows": [
            {
                "add": True,
                "speaker": "Jane Tester",
                "text": "A quote the extractor missed",
                "topic": "USMCA/trade",
                "quote type": "direct",
            }
        ],
        "deleted_rows": [],
    }
    run_ok(at)
    assert add_button(at).label == "Add 5 statements from this article"
    add_button(at).click()
    run_ok(at)
    assert not at.error
    # The seed quotes are already bundled (same speaker, date and text), so the merged data gains
    # only the row the reviewer added: no duplicates.
    assert sidebar_kept(at) == f"{N_BUNDLED + 1} of {N_BUNDLED + 1}"
    ups = at.session_state["uploads"]
    (name,) = [n for n in ups if n.startswith("article:")]
    frame = ups[name].result.frame
    assert "Jane Tester" in set(frame["speaker"])
    assert list(frame.loc[frame["speaker"] == "Jamieson Greer", "topic"]) == ["tariffs"]
    assert (frame["date_precision"] == "article").all() and {str(d.date()) for d in frame["date"]} == {"2026-01-29"}
    assert len(frame[frame["speaker"] == "Donald Trump"]) == 1  # the unticked one stayed out
    assert any(s.value.startswith("Added: 5 statements") for s in at.success)


def test_a_ticked_row_without_speaker_blocks_adding_with_a_clear_word():
    at = open_page(DATA)
    at.text_area(key="art_text").input("“Talks will resume next week,” an official said.")
    at.date_input(key="art_date").set_value(date(2026, 2, 2))
    run_ok(at)
    ed = editor(at)
    row = ed.value.iloc[0]
    assert row["speaker"] in ("", None) and not row["add"] and "unnamed source" in row["reading"]
    at.session_state[ed.key] = {"edited_rows": {0: {"add": True}}, "added_rows": [], "deleted_rows": []}
    run_ok(at)
    assert any("has no speaker" in unescape(w.value) for w in at.warning)
    assert add_button(at).disabled


def test_a_missing_date_is_asked_for_before_adding():
    at = open_page(DATA)
    at.text_area(key="art_text").input("“We are ready,” Prime Minister Mark Carney said.")
    run_ok(at)
    assert any("date" in unescape(w.value) for w in at.warning)
    assert add_button(at).disabled


def test_a_file_name_is_shown_as_text_not_markup():
    at = open_page(DATA)
    at.file_uploader(key="art_file").upload("[click](http://evil.example).pdf", b"%PDF-1.4", "application/pdf")
    run_ok(at)
    (err,) = at.error
    assert "\\[click\\]\\(http" in err.value  # escaped: no link is made


def test_a_url_alone_says_nothing_is_downloaded():
    at = open_page(DATA)
    at.text_input(key="art_url").input("https://example.org/some-article")
    run_ok(at)
    assert any("does not download pages" in w.value for w in at.warning)


@pytest.mark.parametrize(
    ("name", "raw", "word"),
    [
        ("empty.txt", b"", "empty"),
        ("scan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>>", "PDF"),
        ("noise.bin", bytes(range(256)) * 64, "binary"),
        ("huge.txt", b"tariff talk " * 450_000, "limit"),
    ],
)
def test_bad_article_files_get_a_clear_word_and_nothing_is_lost(name, raw, word):
    at = open_page(DATA)
    at.file_uploader(key="uploader").upload(
        "mine.csv",
        b"speaker,date,text,topic\nAnn Good,2026-03-01,A fine statement about lumber tariffs,tariffs\n",
        "text/csv",
    )
    run_ok(at)
    at.text_input(key="art_title").input("My notes")
    at.file_uploader(key="art_file").upload(name, raw, "application/octet-stream")
    run_ok(at)
    errors = [unescape(e.value) for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(f"{name} cannot be used") and word in errors[0]
    assert not at.data_editor
    # The CSV upload and what was typed are still there.
    assert "mine.csv" in at.session_state["uploads"]
    assert at.text_input(key="art_title").value == "My notes"
