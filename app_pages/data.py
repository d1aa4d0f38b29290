"""Data: upload statement CSVs, fix the column mapping, see every problem, add the good rows.

The session's upload state belongs to ``webapp/uploads.py``; this page reads it, calls it, renders.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from stance_explorer import schema as S
from stance_explorer.export import safe_csv_bytes, statements_for_export
from stance_explorer.reader import delimiter_name, map_columns, problems_frame
from stance_explorer.wording import counted
from webapp import hosting, saving, uploads
from webapp import params as P
from webapp.article import article_section
from webapp.render import statements_table
from webapp.shell import notice
from webapp.state import current_view, request_dataset

IGNORE = "(not used)"
MAPPABLE = (S.TEXT, S.SPEAKER, S.DATE, S.TOPIC, S.SOURCE_URL, S.QUOTE_TYPE)

view = current_view()
st.title("Data")
st.caption(
    "Add your own statements. Uploads stay in this browser session: they are not saved on the server "
    + ("unless you press Save below (the app's operator turned saving on) " if saving.save_dir() else "")
    + "and no other visitor can see them. A CSV needs a speaker, a date and the quote; a topic is recommended."
)
notice(view)
with st.expander("What a statements CSV looks like"):
    st.markdown(
        "Required columns: **speaker**, **date**, **text**. Recommended: **topic**. Optional: id, role, country, "
        "date_precision, language, quote_type (*direct* or *partial*), source_title, source_url, context. "
        "Other columns are kept as they are. Headers such as *quote*, *statement*, *official*, *name*, *when*, "
        "*issue* or *subject* are understood. Dates may be 2026-01-29, 29/01/2026, January 29, 2026, 2026-01 or 2026. "
        "Comma, semicolon and tab separators and UTF-8 or Excel (Windows-1252) encodings all work. "
        "Spanish files work too: *cita*, *declaración*, *orador*, *fecha*, *tema*, *fuente*, *enlace* and dates "
        "such as 29 de enero de 2026 or 29-ene-26 (a file with a *fecha* column reads 03/02/2026 day-first)."
    )

dayfirst = st.toggle("Dates like 03/04/2026 are day first (DD/MM/YYYY)", key=P.DAYFIRST, bind="query-params")

limits = hosting.upload_limits()
files = st.file_uploader(
    "Statement CSV files",
    accept_multiple_files=True,
    key=uploads.UPLOADER,
    on_change=uploads.forget_removed_files,
    max_upload_size=limits.max_mb,
)
if limits_note := limits.caption():
    st.caption(limits_note)
current = uploads.sync(files, dayfirst=dayfirst)

article_section(view)
for name, up in list(current.items()):
    res = up.result
    st.divider()
    h1, h2 = st.columns([5, 1])
    h1.subheader(name)
    if h2.button(
        "Remove", key=f"remove_{name}", icon=":material/delete:", help="Take this file out of the session's data"
    ):
        uploads.remove(name)
        st.rerun()
    if res.unreadable:
        st.error(
            f"{name} cannot be used: " + "; ".join(p.message for p in res.errors if p.line is None),
            icon=":material/block:",
        )
    else:
        st.caption(
            f"Read as {res.encoding}, {delimiter_name(res.delimiter)}-separated: "
            f"{counted(res.rows_read, 'row')}, {len(res.frame)} usable, {len([p for p in res.errors if p.line])} skipped, "
            f"{counted(len(res.warnings), 'warning')}."
        )

    # Column mapping, editable so a file with unrecognized headers can still be used.
    if res.headers:
        with st.expander("Column mapping", expanded=res.unreadable):
            st.caption(
                "Which of your columns feeds each field. Change it when a header was not recognized; the file is then read again."
            )
            options = [IGNORE] + res.headers
            # A refused file has no mapping of its own: show the columns found by name anyway.
            mapping = res.mapping or {
                res.headers[p]: c for p, c in map_columns(res.headers, up.column_map or None)[0].items()
            }
            cols = st.columns(3)
            new_map: dict[str, str] = {}
            unmapped: list[str] = []
            for i, field in enumerate(MAPPABLE):
                used = next((h for h, c in mapping.items() if c == field), IGNORE)
                choice = cols[i % 3].selectbox(
                    f"{field} (required)" if field in S.REQUIRED_COLUMNS else field,
                    options,
                    index=options.index(used) if used in options else 0,
                    key=f"map_{name}_{field}",
                )
                if choice != IGNORE:
                    new_map[choice] = field
                elif used != IGNORE:
                    unmapped.append(used)
            for header in unmapped:  # "" tells the reader to ignore a column it would find by name
                new_map.setdefault(header, "")
            if st.button("Read again with this mapping", key=f"remap_{name}"):
                # Forget the select boxes' state so they show the mapping of the new reading.
                for field in MAPPABLE:
                    st.session_state.pop(f"map_{name}_{field}", None)
                uploads.remap(up, new_map)
                st.rerun()

    if res.problems:
        errors = len(res.errors)
        st.markdown(
            f"**Problems: {errors} error{'s' if errors != 1 else ''} (row skipped), {len(res.warnings)} warning{'s' if len(res.warnings) != 1 else ''} (row kept)**"
        )
        # A problem with the whole row names no column: a dash, not the word "None".
        st.dataframe(
            problems_frame(res.problems),
            hide_index=True,
            width="stretch",
            key=f"problems_{name}",
            placeholder="–",
            # Narrow fixed columns, so the message (what to do) is what a 1400-px window shows in full.
            column_config={
                "file": st.column_config.TextColumn("File", width=120),
                "line": st.column_config.NumberColumn("Line", width=55),
                "column": st.column_config.TextColumn("Column", width=90),
                "severity": st.column_config.TextColumn("Severity", width=75),
                "message": st.column_config.TextColumn("Message", width=560),
            },
        )
        st.download_button(
            "Download the problems report (CSV)",
            safe_csv_bytes(problems_frame(res.problems)),
            file_name=f"{Path(name).stem}-problems.csv",
            mime="text/csv",
            key=f"dl_problems_{name}",
            icon=":material/download:",
        )
    if len(res.frame):
        st.markdown(f"**Preview: the {counted(len(res.frame), 'statement')} to add**")
        statements_table(res.frame.head(200), key=f"preview_{name}")
        if up.added:
            st.success(
                f"Added: {counted(len(res.frame), 'statement')} from {name} are in use on every page (dataset: merged).",
                icon=":material/check_circle:",
            )
        elif st.button(f"Add {counted(len(res.frame), 'statement')}", type="primary", key=f"add_{name}"):
            new = uploads.add_with_progress([up])
            if new is not None:
                uploads.announce(
                    f"Added {counted(len(res.frame), 'statement')} from {name} ({new} newly embedded, {len(res.frame) - new} already known)."
                )
                if view.mode == P.DATASET_BUNDLED:
                    request_dataset(P.DATASET_MERGED)
                st.rerun()

if msg := uploads.announcement():
    st.toast(msg, icon=":material/check_circle:")

added = [u for u in current.values() if u.added]
if added:
    st.divider()
    st.subheader("Merged data")
    ds = view.dataset
    st.write(f"The dataset in use has {counted(len(ds.frame), 'statement')} ({view.mode}).")
    st.download_button(
        "Download the merged statements (CSV)",
        safe_csv_bytes(statements_for_export(ds.frame)),
        file_name="stance-explorer-statements.csv",
        mime="text/csv",
        icon=":material/download:",
        help="Cells that start with =, +, - or @ get a leading apostrophe so spreadsheets do not run them as formulas.",
    )
    # Only when the person running the app turned saving on (STANCE_EXPLORER_SAVE_DIR); no server path is shown.
    if saving.save_dir() is not None and st.button("Save the merged data on the server", icon=":material/save:"):
        st.success(f"Saved as {saving.save_merged(ds.frame)} in the folder the app's operator set for saved data.")
    if st.button("Remove my uploads", icon=":material/delete:"):
        uploads.clear()
        request_dataset(P.DATASET_BUNDLED)
        st.rerun()
