"""Spanish input: a Mexican-style export (semicolons, Spanish headers, Spanish dates, Excel's
Windows-1252) is read like an English one, and its problems still name file, line and column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from stance_explorer import schema as S
from stance_explorer.dates import DateError, numeric_order, parse_date
from stance_explorer.reader import read_statements

CSV = Path(__file__).resolve().parent / "data" / "declaraciones_mx.csv"


@pytest.fixture(params=["utf-8", "cp1252"])
def spanish_file(request, tmp_path) -> Path:
    """The same export as UTF-8 and as Excel's Windows-1252 'CSV (delimitado por comas)'."""
    if request.param == "utf-8":
        return CSV
    path = tmp_path / "declaraciones_mx.csv"
    path.write_bytes(CSV.read_text("utf-8").encode("cp1252"))
    return path


def test_spanish_headers_map_to_the_statement_columns(spanish_file):
    res = read_statements(spanish_file)
    assert not res.unreadable
    assert res.mapping == {
        "Folio": S.ID,
        "Orador": S.SPEAKER,
        "Cargo": S.ROLE,
        "País": S.COUNTRY,
        "Fecha": S.DATE,
        "Tema": S.TOPIC,
        "Declaración": S.TEXT,
        "Idioma": S.LANGUAGE,
        "Tipo de cita": S.QUOTE_TYPE,
        "Fuente": S.SOURCE_TITLE,
        "Enlace": S.SOURCE_URL,
        "Contexto": S.CONTEXT,
    }
    assert res.delimiter == ";"


def test_spanish_rows_are_kept_verbatim_with_their_dates(spanish_file):
    res = read_statements(spanish_file)
    f = res.frame.set_index(S.ID)
    assert list(f.index) == ["MX-001", "MX-002", "MX-003", "MX-004", "MX-005"]
    assert f.loc["MX-001", S.TEXT] == "Vamos a defender el T-MEC; es bueno para los tres países"
    assert f.loc["MX-003", S.TEXT] == 'La cooperación es con respeto a la soberanía, "sin subordinación"'
    assert f.loc["MX-003", S.SPEAKER] == "Juan Ramón de la Fuente"
    dates = {i: (f.loc[i, S.DATE].date(), f.loc[i, S.DATE_PRECISION]) for i in f.index}
    assert dates == {
        "MX-001": (date(2026, 1, 29), "day"),  # jueves, 29 de enero de 2026
        "MX-002": (date(2026, 2, 3), "day"),  # 03/02/2026: a Mexican file writes day first
        "MX-003": (date(2025, 1, 15), "day"),  # 15/01/2025 10:30 hrs.
        "MX-004": (date(2026, 2, 12), "day"),  # 12-feb-26
        "MX-005": (date(2026, 1, 1), "month"),  # enero de 2026
    }
    assert f.loc["MX-004", S.QUOTE_TYPE] == S.QUOTE_PARTIAL  # "parcial": partial quotes stay partial
    assert f.loc["MX-002", S.QUOTE_TYPE] == S.QUOTE_DIRECT


def test_a_bad_spanish_date_names_file_line_and_column(spanish_file):
    res = read_statements(spanish_file)
    errors = [p for p in res.problems if p.severity == "error"]
    assert len(errors) == 1
    err = errors[0]
    assert (err.file, err.line, err.column) == ("declaraciones_mx.csv", 7, "Fecha")
    assert "not a real date" in err.message
    notes = {p.line: p.message for p in res.problems if p.severity == "warning"}
    assert "read day-first (DD/MM/YYYY)" in notes[3]  # 03/02/2026 says how it was read
    assert "two-digit year read as 2026" in notes[5]


def test_a_spanish_file_written_month_first_is_read_month_first(tmp_path):
    path = tmp_path / "mf.csv"
    path.write_text("orador,fecha,cita\nA,01/29/2026,uno\nB,03/02/2026,dos\n", encoding="utf-8")
    res = read_statements(path)
    assert [d.date() for d in res.frame[S.DATE]] == [date(2026, 1, 29), date(2026, 3, 2)]


def test_an_english_file_keeps_reading_ambiguous_dates_month_first(tmp_path):
    path = tmp_path / "en.csv"
    path.write_text("speaker,date,text\nA,03/02/2026,one\n", encoding="utf-8")
    assert read_statements(path).frame[S.DATE].iloc[0].date() == date(2026, 3, 2)


@pytest.mark.parametrize(
    "raw, expected, precision",
    [
        ("jueves, 29 de enero de 2026", date(2026, 1, 29), "day"),
        ("Miércoles 4 de marzo del 2026", date(2026, 3, 4), "day"),
        ("sábado 7 de marzo de 2026", date(2026, 3, 7), "day"),
        ("a 3 de febrero de 2025", date(2025, 2, 3), "day"),
        ("1o de mayo de 2025", date(2025, 5, 1), "day"),
        ("29-ene-2026", date(2026, 1, 29), "day"),
        ("29/ENE/2026", date(2026, 1, 29), "day"),
        ("29 sept. 2025", date(2025, 9, 29), "day"),
        ("29/01/2026 18:45", date(2026, 1, 29), "day"),
        ("29/01/2026 10:30 a.m.", date(2026, 1, 29), "day"),
        ("diciembre de 2025", date(2025, 12, 1), "month"),
    ],
)
def test_spanish_date_formats(raw, expected, precision):
    parsed = parse_date(raw)
    assert (parsed.value, parsed.precision) == (expected, precision)


def test_a_spanish_word_that_is_not_a_date_is_refused():
    with pytest.raises(DateError):
        parse_date("mañana por la tarde")


def test_numeric_order():
    assert numeric_order(["29/01/2026", "03/02/2026"]) == "day-first"
    assert numeric_order(["01/29/2026", "03/02/2026"]) == "month-first"
    assert numeric_order(["03/02/2026", "2026-01-01"]) is None
