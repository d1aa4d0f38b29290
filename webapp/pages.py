"""The app's pages, in one place: the navigation (app.py), the pages' headings and the tests read this.

Each page's ``heading`` is the title its script draws (``st.title``); ``nav`` is its label in the
sidebar navigation. The default page (Explore) is served at "/".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    """One page of the app.

    Attributes:
        name: the url path, and the page's name in tests and share links ("explore", "stance", ...).
        nav: its label in the sidebar navigation.
        heading: the title the page draws.
        icon: a Material icon name for the navigation.
        default: the page at "/".
    """

    name: str
    nav: str
    heading: str
    icon: str
    default: bool = False

    @property
    def script(self) -> str:
        """The page's script, relative to the repository root."""
        return f"app_pages/{self.name}.py"

    @property
    def url(self) -> str:
        """Its path after the server's address: "" for the default page (Streamlit ignores its url_path)."""
        return "" if self.default else self.name


PAGES: tuple[PageInfo, ...] = (
    PageInfo("explore", "Explore", "Who says what, and how has it changed?", ":material/search:", default=True),
    PageInfo("compare", "Compare by topic", "Compare by topic", ":material/compare_arrows:"),
    PageInfo("heatmaps", "Similarity heatmaps", "Similarity heatmaps", ":material/grid_on:"),
    PageInfo("tracker", "Position tracker", "Position tracker", ":material/timeline:"),
    PageInfo("data", "Data", "Data", ":material/upload_file:"),
    PageInfo("map", "Map", "Map", ":material/scatter_plot:"),
    PageInfo("stance", "Stance", "Stance", ":material/balance:"),
)
BY_NAME = {p.name: p for p in PAGES}
