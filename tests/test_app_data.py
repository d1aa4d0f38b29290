"""Data page (app_pages/data.py): uploads, problems, column mapping, merging into every page."""

from __future__ import annotations

import pytest
from apptest_helpers import (
    DATA,
    EXPLORE,
    N_BUNDLED,
    bundled_frame,
    dataframe_with,
    main_metrics,
    open_page,
    sidebar_kept,
    texts,
    unescape,
)

ALIASED = b"""Official,When,Quote,Issue
Jane Tester,2026-03-01,We will test every tariff until the numbers add up,tariffs
Jane Tester,2026-03-05,The trade agreement deserves a careful review,USMCA/trade
John Example,2026-03-10,Border cooperation keeps improving week by week,security/cartels
"""

WITH_BAD_ROWS = b"""speaker,date,text,topic
Ann Good,2026-03-01,A perfectly fine statement about tariffs on lumber,tariffs
,2026-03-02,No speaker on this row,tariffs
Bob Good,not a date,Date cannot be read here,tariffs
Cid Good,2026-03-04,,tariffs
Dee Good,2026-03-05,Another fine statement on migration at the border,migration
"""

NO_TEXT_COLUMN = b"""speaker,date,words,topic
Ann Good,2026-03-01,Tariff talk number one from Ann,tariffs
Bob Good,2026-03-02,Migration talk number two from Bob,migration
"""

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


def upload(at, name: str, data: bytes, mime: str = "text/csv"):
    at.file_uploader(key="uploader").upload(name, data, mime).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def add(at, name: str):
    at.button(key=f"add_{name}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def read_caption(at) -> str:
    caps = [c.value for c in at.main.caption if c.value.startswith("Read as ")]
    assert len(caps) == 1
    return caps[0]


def test_empty_data_page():
    at = open_page(DATA)
    assert at.file_uploader(key="uploader")
    assert not at.main.subheader
    assert not at.dataframe
    assert not at.error


@pytest.mark.model
def test_aliased_headers_preview_add_and_merge():
    at = open_page(DATA)
    upload(at, "mine.csv", ALIASED)
    assert texts(at.main.subheader) == ["mine.csv"]
    assert read_caption(at) == "Read as UTF-8, comma-separated: 3 rows, 3 usable, 0 skipped, 0 warnings."
    # The mapping the reader found, shown in the (editable) column mapping.
    assert at.selectbox(key="map_mine.csv_text").value == "Quote"
    assert at.selectbox(key="map_mine.csv_speaker").value == "Official"
    assert at.selectbox(key="map_mine.csv_date").value == "When"
    assert at.selectbox(key="map_mine.csv_topic").value == "Issue"
    assert "**Preview: the 3 statements to add**" in texts(at.main.markdown)
    preview = at.dataframe[0].value
    assert list(preview["speaker"]) == ["Jane Tester", "Jane Tester", "John Example"]
    assert list(preview["topic"]) == ["tariffs", "USMCA/trade", "security/cartels"]
    assert preview["text"].iloc[0] == "We will test every tariff until the numbers add up"
    assert [str(d.date()) for d in preview["date"]] == ["2026-03-01", "2026-03-05", "2026-03-10"]
    assert not at.error and not at.success
    assert at.sidebar.radio(key="data").value == "bundled"

    add(at, "mine.csv")
    assert texts(at.success) == ["Added: 3 statements from mine.csv are in use on every page (dataset: merged)."]
    assert texts(at.toast) == ["Added 3 statements from mine.csv (3 newly embedded, 0 already known)."]
    assert "add_mine.csv" not in [b.key for b in at.button]  # added once; no second Add
    assert at.sidebar.radio(key="data").value == "merged"
    assert sidebar_kept(at) == f"{N_BUNDLED + 3} of {N_BUNDLED + 3}"
    assert "Merged data" in texts(at.main.subheader)
    assert f"The dataset in use has {N_BUNDLED + 3} statements (merged)." in texts(at.main.markdown)
    assert "Download the merged statements (CSV)" in [b.proto.label for b in at.get("download_button")]

    # Every page now sees the new statements.
    open_page(EXPLORE, at=at)
    m = main_metrics(at)
    assert m["Statements"] == str(N_BUNDLED + 3)
    assert m["Speakers"] == str(bundled_frame()["speaker"].nunique() + 2)
    assert m["Years"] == "2017–2026"
    table = [d.value for d in at.dataframe][-1]
    assert len(table) == N_BUNDLED + 3
    assert {"Jane Tester", "John Example"} <= set(table["speaker"])

    # "uploaded" shows only the upload.
    at.sidebar.radio(key="data").set_value("uploaded").run()
    assert main_metrics(at)["Statements"] == "3"
    assert main_metrics(at)["Speakers"] == "2"


@pytest.mark.model
def test_bad_rows_are_listed_and_good_rows_added():
    at = open_page(DATA)
    upload(at, "bad.csv", WITH_BAD_ROWS)
    assert read_caption(at) == "Read as UTF-8, comma-separated: 5 rows, 2 usable, 3 skipped, 0 warnings."
    assert "**Problems: 3 errors (row skipped), 0 warnings (row kept)**" in texts(at.main.markdown)
    problems = next(d.value for d in at.dataframe if "message" in d.value.columns)
    assert list(problems.columns) == ["file", "line", "column", "severity", "message"]
    rows = [tuple(r) for r in problems[["file", "line", "column", "severity"]].itertuples(index=False)]
    assert rows == [
        ("bad.csv", 3, "speaker", "error"),
        ("bad.csv", 4, "date", "error"),
        ("bad.csv", 5, "text", "error"),
    ]
    messages = list(problems["message"])
    assert "speaker is empty" in messages[0]
    assert "'not a date' is not a date" in messages[1]
    assert "text is empty" in messages[2]
    assert "Download the problems report (CSV)" in [b.proto.label for b in at.get("download_button")]

    preview = next(d.value for d in at.dataframe if "message" not in d.value.columns)
    assert list(preview["speaker"]) == ["Ann Good", "Dee Good"]
    assert at.button(key="add_bad.csv").proto.label == "Add 2 statements"

    add(at, "bad.csv")
    assert texts(at.success) == ["Added: 2 statements from bad.csv are in use on every page (dataset: merged)."]
    open_page(EXPLORE, at=at)
    assert main_metrics(at)["Statements"] == str(N_BUNDLED + 2)


def test_binary_file_gets_a_clear_error():
    at = open_page(DATA)
    upload(at, "picture.png", PNG, "image/png")
    assert texts(at.main.subheader) == ["picture.png"]
    errors = texts(at.error)
    assert errors == ["picture.png cannot be used: this is a PNG image, not a CSV"]
    assert not [b for b in at.button if (b.key or "").startswith("add_")]
    assert not [c for c in at.main.caption if c.value.startswith("Read as ")]
    # The dataset is unchanged.
    assert sidebar_kept(at) == f"{N_BUNDLED} of {N_BUNDLED}"


@pytest.mark.model
def test_no_text_column_then_fix_the_mapping():
    at = open_page(DATA)
    upload(at, "notext.csv", NO_TEXT_COLUMN)
    errors = texts(at.error)
    assert len(errors) == 1
    assert errors[0].startswith("notext.csv cannot be used: no column can be used as the statement text")
    assert "'words'" in errors[0]
    mapping = [e for e in at.main.expander if e.label == "Column mapping"]
    assert len(mapping) == 1 and mapping[0].proto.expanded  # opened, since it is the way out
    text_box = at.selectbox(key="map_notext.csv_text")
    assert text_box.options == ["(not used)", "speaker", "date", "words", "topic"]
    assert text_box.value == "(not used)"
    # The columns found by name are shown as mapped even though the file was refused.
    assert at.selectbox(key="map_notext.csv_speaker").value == "speaker"
    assert at.selectbox(key="map_notext.csv_date").value == "date"
    assert not [b for b in at.button if (b.key or "").startswith("add_")]

    text_box.set_value("words").run()
    at.button(key="remap_notext.csv").click().run()
    assert not at.exception
    assert not at.error
    assert read_caption(at) == "Read as UTF-8, comma-separated: 2 rows, 2 usable, 0 skipped, 0 warnings."
    preview = at.dataframe[0].value
    assert list(preview["text"]) == ["Tariff talk number one from Ann", "Migration talk number two from Bob"]
    assert list(preview["speaker"]) == ["Ann Good", "Bob Good"]
    # The mapping now shows what was used, including the columns found by name.
    assert at.selectbox(key="map_notext.csv_text").value == "words"
    assert at.selectbox(key="map_notext.csv_speaker").value == "speaker"
    assert at.selectbox(key="map_notext.csv_date").value == "date"

    add(at, "notext.csv")
    assert texts(at.success) == ["Added: 2 statements from notext.csv are in use on every page (dataset: merged)."]
    assert sidebar_kept(at) == f"{N_BUNDLED + 2} of {N_BUNDLED + 2}"


def test_mapping_a_column_to_not_used_stops_using_it():
    at = open_page(DATA)
    upload(at, "mine.csv", ALIASED)
    assert at.selectbox(key="map_mine.csv_speaker").value == "Official"
    at.selectbox(key="map_mine.csv_speaker").set_value("(not used)").run()
    at.button(key="remap_mine.csv").click().run()
    assert not at.exception
    errors = texts(at.error)
    assert len(errors) == 1 and "no 'speaker' column" in errors[0]
    assert at.selectbox(key="map_mine.csv_speaker").value == "(not used)"
    assert at.selectbox(key="map_mine.csv_text").value == "Quote"
    # ...and choosing it again makes the file usable again.
    at.selectbox(key="map_mine.csv_speaker").set_value("Official").run()
    at.button(key="remap_mine.csv").click().run()
    assert not at.error
    assert read_caption(at) == "Read as UTF-8, comma-separated: 3 rows, 3 usable, 0 skipped, 0 warnings."


@pytest.mark.model
def test_rows_already_in_the_bundled_data_are_not_duplicated():
    frame = bundled_frame()
    known = frame.iloc[0]
    csv = (
        "speaker,date,text,topic\n"
        f"{known['speaker']},{known['date']:%Y-%m-%d},{known['text']},{known['topic']}\n"
        "Eve New,2026-03-09,A brand new remark about critical minerals supply chains,critical minerals\n"
    ).encode()
    at = open_page(DATA)
    upload(at, "overlap.csv", csv)
    add(at, "overlap.csv")
    assert texts(at.toast) == ["Added 2 statements from overlap.csv (1 newly embedded, 1 already known)."]
    # The merged dataset drops the exact duplicate (same speaker, date and text).
    assert sidebar_kept(at) == f"{N_BUNDLED + 1} of {N_BUNDLED + 1}"


@pytest.mark.parametrize("mode", ["merged", "uploaded"])
def test_link_to_uploaded_data_without_upload_falls_back_to_bundled(mode):
    at = open_page(EXPLORE, {"data": mode})
    warnings = texts(at.warning)
    assert len(warnings) == 1
    assert warnings[0].startswith("This view was made with uploaded data. A link cannot carry an upload")
    assert "so the bundled data is shown instead" in warnings[0]
    assert main_metrics(at)["Statements"] == str(N_BUNDLED)
    assert sidebar_kept(at) == f"{N_BUNDLED} of {N_BUNDLED}"
    # The same notice on every page, which keeps working on the bundled data.
    open_page(DATA, at=at)
    assert not at.error
    assert any(w.value.startswith("This view was made with uploaded data") for w in at.warning)
    at2 = open_page("compare", {"data": mode})
    assert any(w.value.startswith("This view was made with uploaded data") for w in at2.warning)
    assert texts(at2.subheader)[:2] == ["Donald Trump", "Jamieson Greer"]
    assert any(unescape(c.value).startswith("24 statements") for c in at2.caption)


def test_remove_button_takes_an_added_file_out_of_every_page():
    at = add(upload(open_page(DATA), "mine.csv", ALIASED), "mine.csv")
    assert sidebar_kept(at) == f"{N_BUNDLED + 3} of {N_BUNDLED + 3}"
    at.button(key="remove_mine.csv").click().run()
    assert not at.exception
    assert "mine.csv" not in texts(at.main.subheader)
    open_page(EXPLORE, at=at)
    assert sidebar_kept(at) == f"{N_BUNDLED} of {N_BUNDLED}"
    assert "Jane Tester" not in set(at.multiselect(key="speakers").options)


def _known_rows_csv() -> bytes:
    """Two bundled statements as an upload: their vectors are stored, so adding needs no model."""
    return bundled_frame().head(2)[["speaker", "date", "text", "topic"]].to_csv(index=False).encode()


def test_saving_on_the_server_is_off_unless_the_operator_turns_it_on(monkeypatch, tmp_path, repo_root):
    monkeypatch.delenv("STANCE_EXPLORER_SAVE_DIR", raising=False)
    at = open_page(DATA)
    upload(at, "known.csv", _known_rows_csv())
    add(at, "known.csv")
    assert "Merged data" in texts(at.main.subheader)
    labels = [b.proto.label for b in at.button]
    assert not any("Save" in label for label in labels)
    shown = texts(at.success) + texts(at.main.markdown) + texts(at.main.caption)
    assert not any(str(repo_root) in t or "exports" in t for t in shown)  # no server path

    folder = tmp_path / "saved"
    monkeypatch.setenv("STANCE_EXPLORER_SAVE_DIR", str(folder))
    at.run()
    save = next(b for b in at.button if b.proto.label == "Save the merged data on the server")
    save.click().run()
    (saved,) = folder.iterdir()
    assert saved.name.startswith("statements-merged-") and saved.suffix == ".csv"
    assert saved.read_text("utf-8").count("\n") >= N_BUNDLED  # the whole merged dataset
    (msg,) = texts(at.success)[-1:]
    assert saved.name in msg and str(tmp_path) not in msg


def test_switching_day_first_reads_the_files_again_and_the_merge_follows():
    known = bundled_frame().head(2)[["speaker", "text", "topic"]].assign(date="03/04/2026")
    at = open_page(DATA)
    upload(at, "ambiguous.csv", known.to_csv(index=False).encode())
    assert [str(d.date()) for d in at.dataframe[-1].value["date"]] == ["2026-03-04", "2026-03-04"]
    add(at, "ambiguous.csv")
    assert sidebar_kept(at) == f"{N_BUNDLED + 2} of {N_BUNDLED + 2}"
    at.toggle(key="dayfirst").set_value(True).run()
    assert not at.exception
    assert [str(d.date()) for d in at.dataframe[-1].value["date"]] == ["2026-04-03", "2026-04-03"]
    # Read again, the file is new data: it must be added again, and the merged dataset no longer has it.
    assert "add_ambiguous.csv" in [b.key for b in at.button]
    add(at, "ambiguous.csv")
    open_page(EXPLORE, at=at)
    assert sidebar_kept(at) == f"{N_BUNDLED + 2} of {N_BUNDLED + 2}"
    shown = dataframe_with(at, "date", "speaker", "text")
    assert (shown["date"].dt.strftime("%Y-%m-%d") == "2026-04-03").sum() == 2


def test_one_statement_is_worded_in_the_singular():
    one = b"speaker,date,text,topic\nAnn Good,2026-03-01,A single statement about tariffs on lumber,tariffs\n"
    at = upload(open_page(DATA), "one.csv", one)
    assert read_caption(at) == "Read as UTF-8, comma-separated: 1 row, 1 usable, 0 skipped, 0 warnings."
    assert "**Preview: the 1 statement to add**" in texts(at.main.markdown)
    assert at.button(key="add_one.csv").proto.label == "Add 1 statement"
