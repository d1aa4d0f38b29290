"""The ``csv`` reader: readings made elsewhere, checked like any upload and read as that reader's readings."""

from __future__ import annotations

import numpy as np
import pytest

from stance_explorer.stance.axes import Axis
from stance_explorer.stance.labels import text_sha256
from stance_explorer.stance.methods import FAVOR, LABELS
from stance_explorer.stance.readers import ReaderUnavailable, make_reader
from stance_explorer.stance.readers.csv import NO_READING, CSVReader, read_readings

A = "We will keep the USMCA; it has been good for our workers."
B = "The USMCA is the worst trade deal ever made."
C = "The weather is fine."
CLAIM = Axis("the USMCA", favor="The USMCA is good for us and should be kept.")


def _csv(*rows: str, header: str = "id,text_sha256,claim,stance,confidence,reader") -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode("utf-8")


GOOD = _csv(
    f"s1,{text_sha256(A)},the USMCA,favor,0.9,gpt-x",
    f"s2,{text_sha256(B)},The  USMCA.,against,85%,gpt-x",
)


def test_readings_from_the_file_are_that_readers_readings():
    reader = CSVReader.from_source(GOOD, name="theirs.csv")
    out = reader.read(CLAIM, [A, B, C])
    assert [LABELS[c] for c in out.stance_arrays().label] == ["favor", "against", "none"]
    assert out.read.tolist() == [True, True, False]
    assert out.notes == ["", "", NO_READING]
    assert out.probs[0, FAVOR] == pytest.approx(0.9)
    assert out.stance_arrays().confidence[1] == pytest.approx(0.85)
    assert "gpt-x" in reader.label and "theirs.csv" in reader.label
    assert reader.name == "csv" and not reader.problems


def test_another_claims_readings_are_not_used():
    out = CSVReader.from_source(GOOD).read(Axis("steel tariffs"), [A, B])
    assert not out.read.any() and out.notes == [NO_READING] * 2


def test_a_short_partial_quote_read_with_its_context_finds_the_quotes_reading():
    raw = _csv(f"s1,{text_sha256('irrelevant')},the USMCA,against,0.8,gpt-x")
    out = CSVReader.from_source(raw).read(CLAIM, ["“irrelevant” — asked about the USMCA, he said it was"])
    assert out.read.all() and LABELS[out.stance_arrays().label[0]] == "against"


def test_a_changed_quote_gets_no_reading():
    out = CSVReader.from_source(GOOD).read(CLAIM, [A + " (applause)"])
    assert not out.read.any()


def test_every_bad_row_is_named_by_file_line_and_column_and_good_rows_are_kept():
    raw = _csv(
        f"s1,{text_sha256(A)},the USMCA,favor,0.9,gpt-x",
        f"s2,{text_sha256(B)},the USMCA,maybe,0.9,gpt-x",
        f"s3,{text_sha256(B)},the USMCA,against,1.7,gpt-x",
        f"s4,{text_sha256(B)},,against,0.7,gpt-x",
        "s5,not-a-hash,the USMCA,against,0.7,gpt-x",
        f"s6,{text_sha256(B)},the USMCA,against,0.7,",
        f"s7,{text_sha256(A)},the USMCA,against,0.6,gpt-x",
    )
    got = read_readings(raw, name="theirs.csv")
    where = [(p.file, p.line, p.column, p.severity) for p in got.problems]
    assert where == [
        ("theirs.csv", 3, "stance", "error"),
        ("theirs.csv", 4, "confidence", "error"),
        ("theirs.csv", 5, "claim", "error"),
        ("theirs.csv", 6, "text_sha256", "error"),
        ("theirs.csv", 7, "reader", "error"),
        ("theirs.csv", 8, "text_sha256", "warning"),  # a second reading of A: the later one wins
    ]
    assert "'maybe' is not a stance" in got.problems[0].message
    out = CSVReader(got).read(CLAIM, [A, B])
    assert out.read.tolist() == [True, False]
    assert LABELS[out.stance_arrays().label[0]] == "against"


def test_a_row_may_name_its_statement_by_id_when_read_against_the_data(statement_frame):
    frame = statement_frame([("A. Speaker", "2025-01-01", A), ("A. Speaker", "2025-02-01", B)])
    sid, text = "r0", A
    raw = _csv(f"{sid},,the USMCA,against,0.7,other-model", "nope,,the USMCA,against,0.7,other-model")
    got = read_readings(raw, name="r.csv", frame=frame)
    assert [(p.line, p.column) for p in got.problems] == [(3, "id")]
    out = CSVReader(got).read(CLAIM, [text])
    assert out.read.all() and LABELS[out.stance_arrays().label[0]] == "against"


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "is empty"),
        (b"\x00\x01\x02binary", "not a text file"),
        (b"id,text_sha256,label\ns1,abc,favor\n", "has no column claim, confidence, reader"),
    ],
)
def test_an_unusable_file_is_one_clear_message_not_a_traceback(raw, message):
    got = read_readings(raw, name="bad.csv")
    assert got.unreadable and message in str(got.problems[0]) and str(got.problems[0]).startswith("bad.csv: error")
    with pytest.raises(ReaderUnavailable, match=message):
        CSVReader(got)


def test_registry_and_formula_safe_cells(tmp_path):
    path = tmp_path / "mine.csv"
    # our own exports put an apostrophe before a formula-like cell: it is taken off again
    path.write_bytes(_csv(f"s1,{text_sha256(A)},the USMCA,favor,0.9,'=cmd"))
    reader = make_reader("csv", readings=path)
    assert reader.read(CLAIM, [A]).read.all() and "=cmd" in reader.label
    with pytest.raises(ReaderUnavailable, match="needs a readings file"):
        make_reader("csv")
    np.testing.assert_array_equal(reader.read(CLAIM, []).read, np.zeros(0, bool))
