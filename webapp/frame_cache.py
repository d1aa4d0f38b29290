"""One helper for per-session caches keyed on a frame's identity.

A value computed from a dataset's frame (its sha256 column, a word index, a stance reading) is
kept in ``st.session_state`` with the frame it was made from; it is used again only for that very
frame object (an upload makes a new frame, and so a new value). At most ``keep`` values are kept
under one name, oldest dropped first, so a session that switches between datasets does not grow.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import pandas as pd
import streamlit as st

V = TypeVar("V")
_ROOT = "_frame_cache"


def per_frame(name: str, frame: pd.DataFrame, compute: Callable[[], V], *, key: Hashable = None, keep: int = 1) -> V:
    """``compute()`` once per session for this frame (and ``key``), kept under ``name``.

    Args:
        name: what is cached (one slot family per name).
        frame: the frame the value is made from; only the same object finds the value again.
        compute: makes the value on a miss.
        key: anything else the value depends on (an axis, the labels' fingerprint).
        keep: how many values to keep under ``name``.

    Returns:
        The cached or newly computed value.
    """
    slots: dict = st.session_state.setdefault(_ROOT, {}).setdefault(name, {})
    full = (id(frame), len(frame), key)
    hit = slots.get(full)
    if hit is not None and hit[0] is frame:  # the frame itself, not only its id
        return hit[1]
    value = compute()
    slots.pop(full, None)
    while len(slots) >= max(keep, 1):
        slots.pop(next(iter(slots)))
    slots[full] = (frame, value)
    return value
