"""Saying what a slow page is doing while it does it.

The first load of the map or the tracker in a session can take many seconds (the model, the map's
regions, each claim's reading). :class:`Loading` shows a status line that names each step as it
runs ("Naming 8 regions by their words…") and, once done, stays folded with what was done and how
long each step took, so a reader who waited knows why. On later reruns of the same page in the
session the steps are quick or cached: each step is then a plain spinner, shown only if it is slow.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

_LOADED = "_progress_loaded"  # pages whose first load this session has already reported


class Loading:
    """A page's slow steps, each named while it runs.

    Args:
        page: The page's name, so each page reports its own first load once per session.
        title: The status line before the first step ("Preparing the map…").
        done: The status line once every step is done ("Map ready"); the total time is added.
    """

    def __init__(self, page: str, title: str, done: str) -> None:
        self._page, self._title, self._done = page, title, done
        self._loaded = st.session_state.setdefault(_LOADED, set())
        self._first = page not in self._loaded
        self._status = st.status(title, expanded=False) if self._first else None
        self._start = time.perf_counter()

    @contextmanager
    def step(self, sentence: str) -> Iterator[None]:
        """One step: ``with loading.step("Naming 8 regions by their words"):``. ``sentence`` is
        Markdown: escape any user text in it (``webapp.text.escape_markdown``)."""
        if self._status is None:
            with st.spinner(f"{sentence}…"):
                yield
            return
        self._status.update(label=f"{sentence}…", state="running")
        began = time.perf_counter()
        yield
        self._status.write(f"{sentence}: {time.perf_counter() - began:.1f} s")

    def finish(self) -> None:
        """Every step is done: the status folds to the done line with the total time."""
        if self._status is not None:
            took = time.perf_counter() - self._start
            self._status.update(label=f"{self._done} ({took:.1f} s)", state="complete", expanded=False)
            self._status = None
        self._loaded.add(self._page)


@contextmanager
def loading(page: str, title: str, done: str) -> Iterator[Loading]:
    """:class:`Loading` as a context: ``with loading("map", …) as load:`` finishes it at the end."""
    load = Loading(page, title, done)
    yield load
    load.finish()
