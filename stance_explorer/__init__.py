"""Stance Explorer: who says what, and how has it changed? A Streamlit-free library.

The app (``app.py``, ``app_pages/``, ``webapp/``) imports this package; this package never imports Streamlit.
Importing it does not import torch: the encoder loads the model only when text must be embedded.
"""

from __future__ import annotations

__version__ = "0.1.0"
