"""Uploaded statements are marked as such wherever they are shown, and ids keep their "&".

The upload repeats two bundled quotes under another speaker, so the bundled store already has
their vectors and no model is needed.
"""

from __future__ import annotations

from apptest_helpers import DATA, EXPLORE, HEATMAPS, bundled_frame, open_page, unescape

FILE = "marks.csv"


def uploaded_app():
    frame = bundled_frame().set_index("id")
    rows = [("Q&A-1", frame.loc["S166"]), ("Q&A-2", frame.loc["S153"])]
    csv = "id,speaker,date,text,topic\n" + "".join(
        f'{sid},Test Reporter,{r["date"]:%Y-%m-%d},"{r["text"]}",{r["topic"]}\n' for sid, r in rows
    )
    at = open_page(DATA)
    at.file_uploader(key="uploader").upload(FILE, csv.encode(), "text/csv").run()
    at.button(key=f"add_{FILE}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.sidebar.radio(key="data").set_value("merged").run()
    return at


def test_uploaded_rows_are_marked_in_tables_and_on_quote_cards_and_ids_keep_their_ampersand():
    at = uploaded_app()
    open_page(EXPLORE, at=at)
    table = next(d.value for d in at.dataframe if "uploaded_from" in d.value.columns and "text" in d.value.columns)
    marked = table[table["uploaded_from"] != ""]
    assert set(marked["speaker"]) == {"Test Reporter"} and set(marked["uploaded_from"]) == {FILE}
    assert (table["uploaded_from"] == "").sum() == len(table) - 2

    label = "Q&A-1 · Test Reporter, 2026-01-13"
    open_page(HEATMAPS, {"mode": "statement × statement", "n": "400", "row": label}, at=at)
    row = at.selectbox(key="row")
    assert label in row.options and "Q&amp;A-1 · Test Reporter, 2026-01-13" not in row.options
    assert row.value == label
    heads = [unescape(c.value) for c in at.main.caption if "Test Reporter" in unescape(c.value)]
    assert any(f"uploaded: {FILE}" in h for h in heads), heads
    bundled_heads = [
        unescape(c.value)
        for c in at.main.caption
        if " · " in unescape(c.value) and "Test Reporter" not in unescape(c.value)
    ]
    assert not any("uploaded:" in h for h in bundled_heads)
