"""webapp/widgets.bound_select on a small script of its own (no app boot): its default never moves
with the data, a pick equal to the fallback stays a pick, and a link's value reopens it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def script():
    import streamlit as st

    from webapp.widgets import bound_select

    options = st.session_state.get("options", ["tariffs", "USMCA/trade", "migration"])
    shown = bound_select(st, "Topic", options, key="topic", fallback=options[0], why="most statements")
    st.write(f"showing {shown}")


def app(params=None, options=None) -> AppTest:
    at = AppTest.from_function(script, default_timeout=30)
    if options is not None:
        at.session_state["options"] = options
    at.query_params.update(params or {})
    return at.run()


def shown(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("showing ")).removeprefix("showing ")


def test_nothing_picked_shows_the_fallback_named_in_the_box():
    at = app()
    box = at.selectbox(key="topic")
    assert box.value is None and box.proto.placeholder == "tariffs (most statements)"
    assert shown(at) == "tariffs"


def test_a_pick_equal_to_the_fallback_stays_a_pick_when_the_data_reorders():
    at = app()
    at.selectbox(key="topic").set_value("tariffs").run()
    at.session_state["options"] = ["USMCA/trade", "tariffs", "migration"]  # another topic now leads
    at.run()
    assert at.selectbox(key="topic").value == "tariffs" and shown(at) == "tariffs"


def test_a_link_value_reopens_and_an_unknown_one_falls_back():
    assert shown(app({"topic": "migration"})) == "migration"
    at = app({"topic": "no such topic"})
    assert not at.exception and shown(at) == "tariffs"
