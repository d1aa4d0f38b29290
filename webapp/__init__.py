"""The Streamlit side of Stance Explorer: shared state, sidebar and rendering helpers for the pages.

Everything that computes lives in ``stance_explorer``; this package only wires it to widgets.
"""
