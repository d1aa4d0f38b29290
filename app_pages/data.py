"""Data: upload statement CSVs, fix the column mapping, see every problem, add the good rows.

The session's upload state belongs to ``webapp/uploads.py``; what is said about each file is built by
``stance_explorer/views/data.py``; this page reads, calls and renders.
"""

from __future__ import annotations

import streamlit as st

from stance_explorer.views.data import (
    CSV_FORMAT,
    MAPPABLE,
    FileView,
    field_label,
    file_view,
    intro,
    merged_csv,
    merged_note,
    remapped,
)
from webapp import hosting, saving, uploads
from webapp import params as P
from webapp.article import article_section
from webapp.render import problems_table, statements_table
from webapp.shell import notice
from webapp.state import current_view, request_dataset


def mapping_box(shown: FileView, up) -> None:
    """The column mapping, editable so a file with unrecognized headers can still be used."""
    name = shown.name
    with st.expander("Column mapping", expanded=shown.result.unreadable):
        st.caption(
            "Which of your columns feeds each field. Change it when a header was not recognized; the file is then read again."
        )
        cols = st.columns(3)
        choices = {}
        for i, field in enumerate(MAPPABLE):
            used = shown.used_for(field)
            choices[field] = cols[i % 3].selectbox(
                field_label(field),
                shown.options,
                index=shown.options.index(used) if used in shown.options else 0,
                key=f"map_{name}_{field}",
            )
        if st.button("Read again with this mapping", key=f"remap_{name}"):
            # Forget the select boxes' state so they show the mapping of the new reading.
            for field in MAPPABLE:
                st.session_state.pop(f"map_{name}_{field}", None)
            uploads.remap(up, remapped(choices, shown.mapping))
            st.rerun()


def problems(shown: FileView) -> None:
    st.markdown(shown.problems_title)
    problems_table(shown.problems, key=f"problems_{shown.name}")
    st.download_button(
        "Download the problems report (CSV)",
        shown.problems_csv(),
        file_name=shown.problems_file_name,
        mime="text/csv",
        key=f"dl_problems_{shown.name}",
        icon=":material/download:",
    )


def uploaded_file(name: str, up) -> None:
    shown = file_view(name, up.result, up.column_map)
    st.divider()
    h1, h2 = st.columns([5, 1])
    h1.subheader(name)
    if h2.button(
        "Remove", key=f"remove_{name}", icon=":material/delete:", help="Take this file out of the session's data"
    ):
        uploads.remove(name)
        st.rerun()
    if shown.refused:
        st.error(shown.refused, icon=":material/block:")
    else:
        st.caption(shown.read_as)
    if shown.headers:
        mapping_box(shown, up)
    if shown.problems is not None:
        problems(shown)
    if shown.count:
        st.markdown(shown.preview_title)
        statements_table(shown.preview, key=f"preview_{name}")
        if up.added:
            st.success(shown.added_note, icon=":material/check_circle:")
        elif st.button(shown.add_label, type="primary", key=f"add_{name}"):
            new = uploads.add_with_progress([up])
            if new is not None:
                uploads.announce(shown.added_message(new))
                if view.mode == P.DATASET_BUNDLED:
                    request_dataset(P.DATASET_MERGED)
                st.rerun()


view = current_view()
st.title("Data")
st.caption(intro(saving.save_dir() is not None))
notice(view)
with st.expander("What a statements CSV looks like"):
    st.markdown(CSV_FORMAT)

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
    uploaded_file(name, up)

if msg := uploads.announcement():
    st.toast(msg, icon=":material/check_circle:")

if any(u.added for u in current.values()):
    st.divider()
    st.subheader("Merged data")
    ds = view.dataset
    st.write(merged_note(len(ds.frame), view.mode))
    st.download_button(
        "Download the merged statements (CSV)",
        merged_csv(ds.frame),
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
