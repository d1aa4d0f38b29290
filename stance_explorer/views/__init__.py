"""View builders: what a page shows, built from the dataset, the filters and the URL state, without Streamlit.

Each module serves one page and returns a plain dataclass (frames, figures, captions, notices) that the
page in ``app_pages/`` renders as it is. They are unit-tested without AppTest.
"""
