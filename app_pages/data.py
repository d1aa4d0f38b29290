"""Data: upload statement CSVs, fix the column mapping, see every problem, add the good rows."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import streamlit as st

from stance_explorer import schema as S
from stance_explorer.encoder import EncoderUnavailable
from stance_explorer.export import safe_csv_bytes, statements_for_export
from stance_explorer.reader import map_columns, problems_frame, read_statements
from webapp import params as P
from webapp.render import statements_table
from webapp.shell import notice
from webapp.state import Upload, current_view, embed_upload, request_dataset, uploads
from webapp.article import article_section  # noqa: I001

EXPORT_DIR = Path(__file__).resolve().parent.parent / "exports"
IGNORE = "(not used)"
MAPPABLE = (S.TEXT, S.SPEAKER, S.DATE, S.TOPIC, S.SOURCE_URL, S.QUOTE_TYPE)

view = current_view()
st.title("Data")
st.caption(
    "Add your own statements. Uploads stay in this browser session: they are not saved on the server "
    "and no other visitor can see them. A CSV needs a speaker, a date and the quote; a topic is recommended."
)
notice(view)
with st.expander("What a statements CSV looks like"):
    st.markdown(
        "Required columns: **speaker**, **date**, **text**. Recommended: **topic**. Optional: id, role, country, "
        "date_precision, language, quote_type (*direct* or *partial*), source_title, source_url, context. "
        "Other columns are kept as they are. Headers such as *quote*, *statement*, *official*, *name*, *when*, "
        "*issue* or *subject* are understood. Dates may be 2026-01-29, 29/01/2026, January 29, 2026, 2026-01 or 2026. "
        "Comma, semicolon and tab separators and UTF-8 or Excel (Windows-1252) encodings all work."
    )

dayfirst = st.toggle("Dates like 03/04/2026 are day first (DD/MM/YYYY)", key=P.DAYFIRST, bind="query-params")


def forget_removed_files() -> None:
    """A file taken out of the uploader (its ×) is taken out of the session's data too."""
    now = {f.name for f in st.session_state.get("uploader") or []}
    for name in st.session_state.get("_uploader_names", set()) - now:
        uploads().pop(name, None)
        st.session_state.pop("_merged", None)
    dismissed().intersection_update(now)


def dismissed() -> set[str]:
    """Files removed with their Remove button while still sitting in the uploader."""
    return st.session_state.setdefault("_dismissed", set())


files = st.file_uploader("Statement CSV files", accept_multiple_files=True, key="uploader", on_change=forget_removed_files)
# The uploader forgets its files when the user visits another page, so only a change seen on this
# page counts as a removal; uploads from an earlier visit stay until removed with their button.
st.session_state["_uploader_names"] = {f.name for f in files or []}

current = uploads()
for f in files or []:
    if f.name in dismissed():
        continue
    raw = f.getvalue()
    digest = hashlib.sha256(raw).hexdigest()[:16]
    entry = current.get(f.name)
    overrides = entry.column_map if entry else {}
    if entry is None or entry.digest != digest or st.session_state.get(f"_dayfirst_{f.name}") != dayfirst or entry.result is None:
        result = read_statements(raw, name=f.name, dayfirst=dayfirst, column_map=overrides or None)
        current[f.name] = Upload(f.name, digest, result, raw, None, dict(overrides))
        st.session_state[f"_dayfirst_{f.name}"] = dayfirst
        st.session_state.pop("_merged", None)

article_section(view)
for name, up in list(current.items()):
    res = up.result
    st.divider()
    h1, h2 = st.columns([5, 1])
    h1.subheader(name)
    if h2.button("Remove", key=f"remove_{name}", icon=":material/delete:", help="Take this file out of the session's data"):
        current.pop(name, None)
        dismissed().add(name)
        st.session_state.pop("_merged", None)
        st.rerun()
    if res.unreadable:
        st.error(f"{name} cannot be used: " + "; ".join(p.message for p in res.errors if p.line is None), icon=":material/block:")
    else:
        st.caption(
            f"Read as {res.encoding}, {'tab' if res.delimiter == chr(9) else repr(res.delimiter)}-separated: "
            f"{res.rows_read} rows, {len(res.frame)} usable, {len([p for p in res.errors if p.line])} skipped, {len(res.warnings)} warnings."
        )

    # Column mapping, editable so a file with unrecognized headers can still be used.
    if res.headers:
        with st.expander("Column mapping", expanded=res.unreadable):
            st.caption("Which of your columns feeds each field. Change it when a header was not recognized; the file is then read again.")
            options = [IGNORE] + res.headers
            # A refused file has no mapping of its own: show the columns found by name anyway.
            mapping = res.mapping or {res.headers[p]: c for p, c in map_columns(res.headers, up.column_map or None)[0].items()}
            cols = st.columns(3)
            new_map: dict[str, str] = {}
            unmapped: list[str] = []
            for i, field in enumerate(MAPPABLE):
                used = next((h for h, c in mapping.items() if c == field), IGNORE)
                choice = cols[i % 3].selectbox(
                    f"{field} (required)" if field in S.REQUIRED_COLUMNS else field, options,
                    index=options.index(used) if used in options else 0, key=f"map_{name}_{field}",
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
                up.column_map = new_map
                up.result = read_statements(up.raw, name=name, dayfirst=dayfirst, column_map=new_map)
                up.vectors = None
                st.session_state.pop("_merged", None)
                st.rerun()

    if res.problems:
        errors = len(res.errors)
        st.markdown(f"**Problems: {errors} error{'s' if errors != 1 else ''} (row skipped), {len(res.warnings)} warning{'s' if len(res.warnings) != 1 else ''} (row kept)**")
        # A problem with the whole row names no column: a dash, not the word "None".
        st.dataframe(problems_frame(res.problems), hide_index=True, width="stretch", key=f"problems_{name}", placeholder="–")
        st.download_button(
            "Download the problems report (CSV)", safe_csv_bytes(problems_frame(res.problems)),
            file_name=f"{Path(name).stem}-problems.csv", mime="text/csv", key=f"dl_problems_{name}", icon=":material/download:",
        )
    if len(res.frame):
        st.markdown(f"**Preview: the {len(res.frame)} statements to add**")
        statements_table(res.frame.head(200), key=f"preview_{name}")
        if up.added:
            st.success(f"Added: {len(res.frame)} statements from {name} are in use on every page (dataset: merged).", icon=":material/check_circle:")
        elif st.button(f"Add {len(res.frame)} statements", type="primary", key=f"add_{name}"):
            bar = st.progress(0.0, text="Embedding new statements…")
            try:
                new = embed_upload(up, lambda done, total: bar.progress(done / max(total, 1), text=f"Embedding new statements: {done}/{total}"))  # noqa: B023
            except EncoderUnavailable as exc:
                st.error(str(exc))
            else:
                bar.empty()
                st.session_state["_just_added"] = f"Added {len(res.frame)} statements from {name} ({new} newly embedded, {len(res.frame) - new} already known)."
                if view.mode == P.DATASET_BUNDLED:
                    request_dataset(P.DATASET_MERGED)
                st.rerun()

if msg := st.session_state.pop("_just_added", None):
    st.toast(msg, icon=":material/check_circle:")

added = [u for u in current.values() if u.added]
if added:
    st.divider()
    st.subheader("Merged data")
    ds = view.dataset
    st.write(f"The dataset in use has {len(ds.frame):,} statements ({view.mode}).")
    st.download_button(
        "Download the merged statements (CSV)", safe_csv_bytes(statements_for_export(ds.frame)),
        file_name="stance-explorer-statements.csv", mime="text/csv", icon=":material/download:",
        help="Cells that start with =, +, - or @ get a leading apostrophe so spreadsheets do not run them as formulas.",
    )
    local = (st.context.url or "").startswith(("http://localhost", "http://127.0.0.1"))
    if local and st.button("Save the merged data on this computer", icon=":material/save:"):
        EXPORT_DIR.mkdir(exist_ok=True)
        target = EXPORT_DIR / f"statements-merged-{time.strftime('%Y%m%d-%H%M%S')}.csv"
        with open(target, "xb") as fh:  # "x": never overwrite an existing file
            fh.write(safe_csv_bytes(statements_for_export(ds.frame)))
        st.success(f"Saved to {target}")
    if st.button("Remove my uploads", icon=":material/delete:"):
        current.clear()
        st.session_state.pop("_merged", None)
        request_dataset(P.DATASET_BUNDLED)
        st.rerun()
