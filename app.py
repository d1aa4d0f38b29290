"""Stance Explorer: who says what, and how has it changed?

Entry point: ``streamlit run app.py``. Navigation over the pages in ``app_pages/`` and the shared
sidebar; sets the offline-model setting and logging for the library. Nothing here imports torch: the model loads only when new text must be embedded.
"""

from __future__ import annotations

import streamlit as st

from stance_explorer.runtime import prepare_process
from webapp import links, shell

prepare_process()

st.set_page_config(page_title="Stance Explorer", page_icon=":material/record_voice_over:", layout="wide")

PAGES = [
    st.Page("app_pages/explore.py", title="Explore", icon=":material/search:", url_path="explore", default=True),
    st.Page("app_pages/compare.py", title="Compare by topic", icon=":material/compare_arrows:", url_path="compare"),
    st.Page("app_pages/heatmaps.py", title="Similarity heatmaps", icon=":material/grid_on:", url_path="heatmaps"),
    st.Page("app_pages/tracker.py", title="Position tracker", icon=":material/timeline:", url_path="tracker"),
    st.Page("app_pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
]

page = st.navigation(PAGES)
links.begin_run(page.url_path)
shell.sidebar()
page.run()
shell.share_box()
shell.about()
links.render()  # notes about the link, gathered while the widgets were made
