"""Every crafted bad input in tests/data/bad/ gives the outcome written beside it, in the library and the CLI.

The corpus is written by tests/data/bad/make_corpus.py; each ``<file>.expected.json`` holds the outcome
worked out by hand from the file's content (see that script's docstring for the keys).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest

from devtools.server import REPO_ROOT as ROOT
from stance_explorer import schema as S
from stance_explorer.reader import read_statements

BAD = Path(__file__).resolve().parent / "data" / "bad"
EXPECTED = sorted(BAD.glob("*.expected.json"))
CORPUS = [p.with_name(p.name[: -len(".expected.json")]) for p in EXPECTED]
CLI_ENV = {**os.environ, "PYTHONIOENCODING": "utf-8", "HF_HUB_OFFLINE": "1"}


def _expected(path: Path) -> dict:
    return json.loads(path.with_name(path.name + ".expected.json").read_text(encoding="utf-8"))


def _lines(problems, severity=None) -> set[int]:
    return {p.line for p in problems if p.line is not None and (severity is None or p.severity == severity)}


def test_corpus_is_big_enough_and_complete():
    assert len(CORPUS) >= 28
    for path in CORPUS:
        assert path.is_file(), f"{path.name}.expected.json has no input file beside it"
    # Every file the generator writes has an expectation, and the committed bytes match the generator.
    sys.path.insert(0, str(BAD))
    try:
        import make_corpus
    finally:
        sys.path.remove(str(BAD))
    assert {name for name, _, _ in make_corpus.CORPUS} == {p.name for p in CORPUS}
    for name, data, expected in make_corpus.CORPUS:
        assert (BAD / name).read_bytes() == data, f"{name} differs from make_corpus.py; re-run it"
        assert _expected(BAD / name) == json.loads(json.dumps(expected)), f"{name}.expected.json is stale"


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_reader_outcome(path: Path):
    exp = _expected(path)
    res = read_statements(path)
    problems = res.problems
    messages = "\n".join(p.message for p in problems)

    # Every problem is traceable to this file and well formed.
    for p in problems:
        assert p.file == path.name
        assert p.severity in ("error", "warning")
        assert p.message and p.message.strip() == p.message
    # Every statements column is there, whatever happened.
    for col in S.KNOWN_COLUMNS + S.TRACE_COLUMNS:
        assert col in res.frame.columns

    assert res.unreadable is exp["unreadable"], messages
    for needle in exp["must_mention"]:
        assert needle in messages, f"no problem mentions {needle!r}; got:\n{messages}"
    if exp["unreadable"]:
        # A refusal is exactly one error with no line, and nothing is kept.
        fatal = [p for p in problems if p.severity == "error"]
        assert len(fatal) == 1 and fatal[0].line is None, problems
        assert res.frame.empty
        return

    row_errors = [p for p in res.errors if p.line is not None]
    assert not [p for p in res.errors if p.line is None], problems
    assert len(row_errors) == exp["errors"], messages
    assert len(res.warnings) >= exp["warnings_min"], messages
    if "warnings_max" in exp:
        assert len(res.warnings) <= exp["warnings_max"], messages
    assert len(res.frame) == exp["rows"], messages

    # No valid row is lost: kept + skipped (rows with an error) + dropped duplicates = data rows.
    kept = res.frame[S.SOURCE_LINE].tolist()
    assert kept == exp["kept_lines"]
    skipped = _lines(row_errors)
    dropped = {p.line for p in res.warnings if "duplicate" in p.message and "dropped" in p.message}
    assert not (set(kept) & skipped) and not (set(kept) & dropped) and not (skipped & dropped)
    assert len(kept) + len(skipped) + len(dropped) == exp["data_rows"] == res.rows_read
    assert (res.frame[S.SOURCE_FILE] == path.name).all()

    if "error_lines" in exp:
        assert sorted(skipped) == exp["error_lines"], messages
    if "problem_lines" in exp:
        assert sorted(_lines(problems)) == exp["problem_lines"], messages
    if "encoding" in exp:
        assert res.encoding == exp["encoding"]
    if "delimiter" in exp:
        assert res.delimiter == exp["delimiter"]
    for header, col in exp.get("mapping_includes", {}).items():
        assert res.mapping.get(header) == col, res.mapping
    texts = res.frame[S.TEXT].tolist() + res.frame[S.SPEAKER].tolist()
    for needle in exp.get("text_contains", []):
        assert any(needle in t for t in texts), f"{needle!r} not kept verbatim"
    if "text_len_min" in exp:
        assert res.frame[S.TEXT].str.len().max() >= exp["text_len_min"]
    by_line = res.frame.set_index(S.SOURCE_LINE)
    for line, (iso, precision) in exp.get("dates_by_line", {}).items():
        assert by_line.loc[int(line), S.DATE] == pd.Timestamp(iso)
        assert by_line.loc[int(line), S.DATE_PRECISION] == precision
    # Nothing the user typed is left with stray padding, and ids are filled.
    assert (res.frame[S.ID] != "").all()
    assert all(t == t.strip() for t in texts)


def test_same_outcome_from_uploaded_bytes():
    """An upload (bytes + name) reads exactly like the file on disk."""
    for path in CORPUS:
        a = read_statements(path)
        b = read_statements(path.read_bytes(), name=path.name)
        assert a.problems == b.problems, path.name
        pd.testing.assert_frame_equal(a.frame, b.frame)


# --- limits ----------------------------------------------------------------------------------------


def _write_big(path: Path, size: int) -> None:
    sys.path.insert(0, str(BAD))
    try:
        import make_corpus
    finally:
        sys.path.remove(str(BAD))
    make_corpus.write_big(path, size)


def test_60mb_file_is_refused_without_being_read(tmp_path):
    path = tmp_path / "huge_60mb.csv"
    _write_big(path, 60 * 1024 * 1024)
    assert path.stat().st_size == 60 * 1024 * 1024
    tracemalloc.start()
    try:
        res = read_statements(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert res.unreadable
    assert [p.line for p in res.problems] == [None]
    msg = res.problems[0].message
    assert "60 MB" in msg and "50 MB limit" in msg, msg
    assert res.problems[0].file == "huge_60mb.csv"
    assert peak < 2 * 1024 * 1024, f"peak {peak:,} bytes: the file was read"
    assert res.frame.empty


def test_size_limit_for_uploaded_bytes_and_custom_limit(tmp_path):
    data = b"speaker,date,text\n" + b"Mark Carney,2025-01-10,hello there\n" * 40
    res = read_statements(data, name="up.csv", max_bytes=1000)
    assert res.unreadable and res.problems[0].file == "up.csv"
    assert f"over the {1000:,} bytes limit" in res.problems[0].message
    assert f"{len(data):,} bytes" in res.problems[0].message
    assert not read_statements(data, name="up.csv", max_bytes=len(data)).unreadable
    path = tmp_path / "small.csv"
    path.write_bytes(data)
    assert "1,000 bytes limit" in read_statements(path, max_bytes=1000).problems[0].message


def test_row_limit(tmp_path, capsys):
    header = "id,speaker,date,topic,text\n"
    body = "".join(f"{i},Mark Carney,2025-01-{i:02d},trade,statement {i}\n" for i in range(1, 12))
    path = tmp_path / "eleven.csv"
    path.write_text(header + "\n" + body)  # a blank line does not count as a row
    res = read_statements(path, max_rows=10)
    assert res.unreadable
    assert len(res.problems) == 1
    assert "more than 10 rows" in res.problems[0].message and "limit" in res.problems[0].message
    ok = read_statements(path, max_rows=11)
    assert not ok.problems and len(ok.frame) == 11
    from stance_explorer.cli import main

    assert main(["validate", "--max-rows", "10", str(path)]) == 2
    assert "more than 10 rows" in capsys.readouterr().out


# --- the CLI ---------------------------------------------------------------------------------------


def _validate(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "stance_explorer", "validate", *map(str, paths)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        cwd=ROOT,
        env=CLI_ENV,
        timeout=300,
    )


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_cli_validate(path: Path, capsys):
    """Each file on its own: the exit status and every problem in the documented form.

    In-process (``main``) so 40-odd files cost no interpreter starts; the subprocess tests below run
    the real ``python -m stance_explorer`` over all of them.
    """
    from stance_explorer.cli import main

    exp = _expected(path)
    status = main(["validate", str(path)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err, out.err
    assert status == exp["cli_exit"], out.out + out.err
    assert path.name in out.out
    # Every problem is printed as: file, line N, column 'c': severity: message.
    for p in read_statements(path).problems:
        assert str(p) in out.out


def test_cli_validate_all_files_at_once():
    """The real command over the whole corpus, then over the files that should pass or only have row errors."""
    out = _validate(*CORPUS)
    assert "Traceback" not in out.stdout + out.stderr, out.stderr
    assert out.returncode == 2  # the worst status wins: some files are unreadable
    for path in CORPUS:
        assert path.name in out.stdout
        for p in read_statements(path).problems:
            assert str(p) in out.stdout
    ok = _validate(*[p for p in CORPUS if _expected(p)["cli_exit"] == 0])
    assert ok.returncode == 0, ok.stdout
    rows = _validate(*[p for p in CORPUS if _expected(p)["cli_exit"] < 2])
    assert rows.returncode == 1, rows.stdout
