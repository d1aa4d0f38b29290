"""The command line: its entry point ``main`` run in this process, and ``python -m stance_explorer`` in a
subprocess where the separate process is the point (the module entry, what a fresh process imports)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from facts import N_BUNDLED, run_cli

from stance_explorer import schema as S

RESULT = re.compile(r"^(?:#\d+  )?(-?\d+\.\d{3})  (.+?)  (\d{4}-\d{2}-\d{2})  “(.*)”( \(partial quote\))?$")


@pytest.fixture
def cli(repo_root, monkeypatch, capsys):
    """``cli(ARGS...)``: the CLI's ``main`` in this process, from the repository folder; exit code and output."""
    from stance_explorer.cli import main

    monkeypatch.chdir(repo_root)

    def run(*args: str) -> subprocess.CompletedProcess:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse exits on bad arguments
            code = exc.code
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err, out + err
        return subprocess.CompletedProcess(["stance_explorer", *args], code, out, err)

    return run


def results(stdout: str) -> list[tuple[float, str, str, str]]:
    """(score, speaker, date, quote) for every result line of ``similar``."""
    return [(float(m[1]), m[2], m[3], m[4]) for m in map(RESULT.match, stdout.splitlines()) if m]


# ---------------------------------------------------------------------------- validate
def test_validate_bundled_data(cli):
    proc = cli("validate", "stance_explorer/data/statements.csv")
    assert proc.returncode == 0
    assert f"{N_BUNDLED} statements kept" in proc.stdout and "0 errors" in proc.stdout


def test_validate_bad_row_names_file_line_and_column(cli, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "speaker,date,text,topic\n"
        "Mark Carney,2025-01-10,We will fight these tariffs,trade\n"
        "Doug Ford,not a date,Bad date row,energy\n",
        encoding="utf-8",
    )
    proc = cli("validate", str(bad))
    assert proc.returncode == 1
    assert "bad.csv, line 3, column 'date'" in proc.stdout
    assert "not a date" in proc.stdout
    assert "1 statements kept of 2 rows" in proc.stdout and "1 errors" in proc.stdout


@pytest.mark.parametrize("name", ["missing.csv", "png"])
def test_validate_unreadable_file_exits_2(cli, tmp_path, name):
    if name == "png":
        target = tmp_path / "chart.csv"
        target.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    else:
        target = tmp_path / name
    proc = cli("validate", str(target))
    assert proc.returncode == 2
    assert f"{target.name}: error:" in proc.stdout and "unreadable" in proc.stdout


def test_validate_several_files_exits_with_the_worst_status(cli, tmp_path):
    proc = cli("validate", "stance_explorer/data/statements.csv", str(tmp_path / "nope.csv"))
    assert proc.returncode == 2
    assert f"{N_BUNDLED} statements kept" in proc.stdout and "nope.csv: unreadable" in proc.stdout


def test_bad_arguments_are_reported_without_traceback(repo_root):
    proc = run_cli("similar")
    assert proc.returncode == 2 and "usage:" in proc.stderr


# ---------------------------------------------------------------------------- embed
def test_embed_bundled_data_is_fully_cached_in_the_committed_store(cli, store_copy):
    """The committed vectors match stance_explorer/data/statements.csv: nothing needs encoding."""
    proc = cli("embed", "stance_explorer/data/statements.csv", "--store", str(store_copy), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert f"{N_BUNDLED} statements: {N_BUNDLED} cached, 0 new" in proc.stdout
    assert "warning" not in proc.stderr


@pytest.mark.model
def test_embed_new_file_then_rerun_is_cached(cli, tmp_path, repo_root):
    data = tmp_path / "mine.csv"
    data.write_text(
        "speaker,date,text,topic\n"
        "Mark Carney,2025-03-04,We will not back down on tariffs,tariffs\n"
        "Doug Ford,2025-03-10,Ontario will put a surcharge on electricity,energy\n"
        "Claudia Sheinbaum,2025-03-06,Mexico will respond with its own measures,tariffs\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    committed = sorted(p.name for p in (repo_root / "embeddings").rglob("*"))

    first = cli("embed", str(data), "--store", str(store), "--quiet")
    assert first.returncode == 0, first.stderr
    assert "3 statements: 0 cached, 3 new" in first.stdout
    assert str(store) in first.stdout
    assert any(store.rglob("*.vectors.npy"))

    second = cli("embed", str(data), "--store", str(store), "--quiet")
    assert second.returncode == 0, second.stderr
    assert "3 statements: 3 cached, 0 new" in second.stdout
    assert sorted(p.name for p in (repo_root / "embeddings").rglob("*")) == committed


def test_embed_unreadable_file_exits_2(cli, tmp_path):
    proc = cli("embed", str(tmp_path / "nope.csv"), "--store", str(tmp_path / "store"), "--quiet")
    assert proc.returncode == 2
    assert "nope.csv" in proc.stderr


# ---------------------------------------------------------------------------- similar
@pytest.mark.model
def test_similar_irrelevant_finds_trump_january_2026_first(cli, store_copy):
    proc = cli("similar", "the trade deal is irrelevant", "--store", str(store_copy), "--top", "5")
    assert proc.returncode == 0, proc.stderr
    found = results(proc.stdout)
    assert len(found) == 5
    score, speaker, day, _ = found[0]
    assert speaker == "Donald Trump" and day.startswith("2026-01")
    # Ranked by meaning and words fused (as on Explore): the printed cosine need not fall monotonically,
    # so each result names its rank and what placed it there, as the Explore table does.
    assert [line[:4] for line in proc.stdout.splitlines() if RESULT.match(line)] == [
        "#1  ",
        "#2  ",
        "#3  ",
        "#4  ",
        "#5  ",
    ]
    assert "       matched by meaning + words; words found: irrelevant" in proc.stdout
    assert "embedded" not in proc.stderr  # every statement came from the copied store


def similar_in_process(args: list[str], encoder, monkeypatch, capsys) -> tuple[int, str, str]:
    """The same CLI entry point, in this process, reusing the already loaded model (saves a load)."""
    from stance_explorer import cli as cli_module

    monkeypatch.setattr(cli_module, "_encoder", lambda parsed: encoder)
    code = cli_module.main(["similar", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.model
def test_similar_for_one_speaker_lists_only_them(store_copy, real_encoder, monkeypatch, capsys):
    code, out, err = similar_in_process(
        ["the trade deal is irrelevant", "--speaker", "Jamieson Greer", "--top", "3", "--store", str(store_copy)],
        real_encoder,
        monkeypatch,
        capsys,
    )
    assert code == 0, err
    found = results(out)
    assert len(found) == 3
    assert {f[1] for f in found} == {"Jamieson Greer"}


@pytest.mark.model
def test_similar_finds_a_remembered_word_and_keeps_only_a_quoted_phrase(store_copy, real_encoder, monkeypatch, capsys):
    code, out, err = similar_in_process(
        ["rubberstamp", "--top", "3", "--store", str(store_copy)], real_encoder, monkeypatch, capsys
    )
    assert code == 0, err
    top = results(out)
    assert top[0][1] == "Jamieson Greer" and "a rubberstamp of the Agreement" in top[0][3]
    assert "words found: rubberstamp" in out
    # Ranked, and it says why: the word lifted it above statements closer in meaning.
    assert out.splitlines()[0].startswith("#1  ")
    assert "       matched by words; words found: rubberstamp" in out
    code, out, err = similar_in_process(
        ['"worst trade deal"', "--store", str(store_copy)], real_encoder, monkeypatch, capsys
    )
    assert code == 0, err
    assert len(results(out)) == 2 and all("worst trade deal" in f[3] for f in results(out))
    # The phrase in another spelling (Greer's quote writes "rubberstamp") is the same words.
    code, out, err = similar_in_process(
        ['"rubber stamp"', "--store", str(store_copy)], real_encoder, monkeypatch, capsys
    )
    assert code == 0 and [f[1] for f in results(out)] == ["Jamieson Greer"]
    assert "matched by phrase, meaning; words found: “rubberstamp”" in out
    code, out, err = similar_in_process(
        ['"rubber glove"', "--store", str(store_copy)], real_encoder, monkeypatch, capsys
    )
    assert code == 0 and results(out) == []
    assert "No statement contains “rubber glove”." in err


@pytest.mark.model
def test_similar_unknown_speaker_says_so(store_copy, real_encoder, monkeypatch, capsys):
    code, out, err = similar_in_process(
        ["tariffs", "--speaker", "Nobody Atall", "--store", str(store_copy)], real_encoder, monkeypatch, capsys
    )
    assert code == 0
    assert "No statements by Nobody Atall" in err
    assert results(out) == []


def _greer_shortcomings(bundled):
    frame = bundled.frame
    rows = frame[frame[S.TEXT].str.contains("shortcomings") & (frame[S.SPEAKER] == "Jamieson Greer")]
    assert len(rows) == 2  # the full statement and the one-word partial quote
    return rows


@pytest.mark.model
def test_similar_shortcomings_puts_greers_statements_first(store_copy, bundled, real_encoder, monkeypatch, capsys):
    """Greer's statement comes first, and both of his "shortcomings" statements are in the top 3."""
    greer = _greer_shortcomings(bundled)
    code, out, err = similar_in_process(
        ["shortcomings", "--top", "3", "--store", str(store_copy)], real_encoder, monkeypatch, capsys
    )
    assert code == 0, err
    top = results(out)
    assert len(top) == 3
    assert top[0][1] == "Jamieson Greer" and top[0][3] in set(greer[S.TEXT])
    assert sorted(f[3] for f in top if f[1] == "Jamieson Greer" and "shortcomings" in f[3]) == sorted(greer[S.TEXT])


def test_like_lists_who_else_said_something_close_from_stored_vectors(store_copy, repo_root):
    # Run in a child that reports whether torch was imported: stored vectors need no model.
    code = (
        "import sys; from stance_explorer.cli import main; "
        f"rc = main(['like', 'S190', '--top', '4', '--store', {str(store_copy)!r}]); "
        "print('TORCH', 'torch' in sys.modules); sys.exit(rc)"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(repo_root)}
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=repo_root, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    head, others_part, same_part = proc.stdout.split("\n\n")
    assert head == "Donald Trump  2026-01-29  “irrelevant” (partial quote)"
    assert others_part.startswith("Others who said something close (4):")
    assert same_part.startswith("Donald Trump, at other times (4):")
    others, same = results(others_part), results(same_part)
    assert len(others) == 4 and all(speaker != "Donald Trump" for _, speaker, _, _ in others)
    assert len(same) == 4 and all(speaker == "Donald Trump" for _, speaker, _, _ in same)
    for hits in (others, same):
        assert [s for s, *_ in hits] == sorted((s for s, *_ in hits), reverse=True)
    assert "Jamieson Greer" in {speaker for _, speaker, _, _ in others}  # "shortcomings", on the same review
    assert "irrelevant" not in {quote for *_, quote in same}  # the statement itself is not its own neighbour
    assert "TORCH False" in proc.stdout
    assert "embedded" not in proc.stderr


def test_like_an_unknown_id_says_so(cli, store_copy):
    proc = cli("like", "S999", "--store", str(store_copy))
    assert proc.returncode == 1
    assert "No single statement with id 'S999' in statements.csv." in proc.stderr
    assert proc.stdout == ""
