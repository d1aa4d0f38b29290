"""Stance Explorer: who says what, and how has it changed?

Entry point: ``streamlit run app.py``. Navigation over the pages in ``app_pages/`` and the shared
sidebar; sets the offline-model setting and logging for the library. Nothing here imports torch: the model loads only when new text must be embedded.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from stance_explorer.runtime import prepare_process
from webapp import corpusview, links, pages, shell

prepare_process()

# A local icon: a ":material/..." icon makes the browser fetch it from a font CDN, which fails offline.
st.set_page_config(page_title="Stance Explorer", page_icon="assets/favicon.png", layout="wide")

#: Page files are found from this file's folder, not the entry script's: deploy/streamlit_app.py runs this file.
HERE = Path(__file__).resolve().parent

PAGES = [st.Page(HERE / p.script, title=p.nav, icon=p.icon, url_path=p.name, default=p.default) for p in pages.PAGES]

# An operator's corpus folder too large for memory replaces the bundled data and its pages.
CORPUS = corpusview.corpus_dir()
page = st.navigation(corpusview.pages(HERE) if CORPUS else PAGES)
links.begin_run(page.url_path)
if CORPUS:
    if corpusview.sidebar(CORPUS) is None:
        st.stop()
else:
    shell.sidebar()
page.run()
shell.share_box()
if not CORPUS:  # the About text counts the bundled statements, which a corpus run never reads
    shell.about()
links.render()  # notes about the link, gathered while the widgets were made
