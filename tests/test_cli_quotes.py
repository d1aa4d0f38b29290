"""``python -m stance_explorer quotes``, run as a user runs it, against the contract other tools rely on."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from facts import REPO_ROOT, run_cli

from stance_explorer import schema as S
from stance_explorer.quotes import OUTPUT_COLUMNS
from stance_explorer.reader import read_statements

cli = run_cli


SEED = REPO_ROOT / "stance_explorer" / "data" / "seed_article.txt"
ARTICLES = REPO_ROOT / "tests" / "data" / "articles"


def test_csv_output_has_the_contract_columns_and_uploads_as_is(tmp_path):
    proc = cli("quotes", str(SEED))
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert list(rows[0]) == list(OUTPUT_COLUMNS)
    assert {(r[S.SPEAKER], r[S.DATE], r[S.DATE_PRECISION]) for r in rows} == {
        ("Claudia Sheinbaum", "2026-01-29", "article"),
        ("Donald Trump", "2026-01-29", "article"),
        ("Jamieson Greer", "2026-01-29", "article"),
    }
    out = tmp_path / "quotes.csv"
    out.write_text(proc.stdout, encoding="utf-8")
    res = read_statements(out)  # the app's upload path
    assert not res.errors and len(res.frame) == len(rows) == 5


def test_json_output_is_a_list_of_objects_with_the_contract_keys():
    proc = cli(
        "quotes",
        str(ARTICLES / "es-02-ebrard-mandato-t-mec.txt"),
        "--format",
        "json",
        "--source-title",
        "El Universal",
        "--source-url",
        "https://www.eluniversal.com.mx/x",
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert isinstance(data, list) and len(data) == 5
    assert all(list(d) == list(OUTPUT_COLUMNS) for d in data)
    assert {d[S.SPEAKER] for d in data} == {"Marcelo Ebrard"}
    assert {d[S.LANGUAGE] for d in data} == {"es"}
    assert {(d[S.SOURCE_TITLE], d[S.SOURCE_URL]) for d in data} == {
        ("El Universal", "https://www.eluniversal.com.mx/x")
    }


def test_date_option_sets_every_row_and_several_files_share_one_table(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("“We are ready,” Prime Minister Mark Carney said.", encoding="utf-8")
    b = tmp_path / "b.md"
    b.write_text("# Talks\n\n“Vamos bien”, dijo Claudia Sheinbaum.", encoding="utf-8")
    proc = cli("quotes", str(a), str(b), "--date", "2026-03-01")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [(r[S.ID], r[S.SPEAKER], r[S.DATE]) for r in rows] == [
        ("a-q1", "Mark Carney", "2026-03-01"),
        ("b-q1", "Claudia Sheinbaum", "2026-03-01"),
    ]


def test_known_defaults_to_the_bundled_data_and_can_be_replaced(tmp_path):
    art = tmp_path / "ford.txt"
    art.write_text("“This will drive up costs for Americans,” Ford said on Friday.", encoding="utf-8")
    bundled = list(csv.DictReader(io.StringIO(cli("quotes", str(art), "--date", "2025-03-28").stdout)))
    assert [(r[S.SPEAKER], r[S.ROLE]) for r in bundled] == [("Doug Ford", "Premier of Ontario")]
    other = tmp_path / "known.csv"
    other.write_text(
        "speaker,role,date,text,topic\nHarrison Ford,Actor,2020-01-01,Hello there,film\n", encoding="utf-8"
    )
    mine = list(
        csv.DictReader(io.StringIO(cli("quotes", str(art), "--date", "2025-03-28", "--known", str(other)).stdout))
    )
    assert [(r[S.SPEAKER], r[S.ROLE]) for r in mine] == [("Harrison Ford", "Actor")]


def test_an_article_without_a_date_says_so_and_exits_1(tmp_path):
    art = tmp_path / "nodate.txt"
    art.write_text("“We are ready,” Mark Carney said.", encoding="utf-8")
    proc = cli("quotes", str(art))
    assert proc.returncode == 1
    assert "no date" in proc.stderr and "--date" in proc.stderr


def test_unreadable_input_gets_one_line_and_exit_2(tmp_path):
    cases = {
        "empty.txt": b"",
        "scan.pdf": b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n",
        "noise.bin": bytes(range(256)) * 20,
        "huge.txt": b"tariffs " * 700_000,
    }
    for name, raw in cases.items():
        path = tmp_path / name
        path.write_bytes(raw)
        proc = cli("quotes", str(path))
        assert proc.returncode == 2, (name, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(name), (name, proc.stderr)
        assert proc.stdout == ""
    proc = cli("quotes", str(tmp_path / "missing.txt"))
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1


def test_a_bad_date_option_is_one_line_and_exit_2():
    proc = cli("quotes", str(SEED), "--date", "yesterday-ish")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1


def test_an_unreadable_file_among_good_ones_keeps_the_good_rows(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4")
    proc = cli("quotes", str(bad), str(SEED))
    assert proc.returncode == 2
    assert len(list(csv.DictReader(io.StringIO(proc.stdout)))) == 5


def test_every_labelled_article_runs_through_the_cli():
    files = sorted(str(p) for p in Path(ARTICLES).glob("*.txt"))
    proc = cli("quotes", *files, "--date", "2026-01-01", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) > 100
