"""The pages of the app, once: their scripts, titles and icons, in the order of the sidebar.

app.py builds `st.Page`s from `PAGES`; presentation mode's "Next" link follows their order;
the tests and the bench go through every page from here. Importing it needs no Streamlit.

>>> [page.url_path for page in PAGES[:2]]
['', 'watermelons']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class PageSpec:
    """One page: its script (relative to the project), title, icon, and whether it is the
    page at the app's root URL."""

    path: str
    title: str
    icon: str
    default: bool = False

    @property
    def url_path(self) -> str:
        """The page's URL path as st.Page makes it: "" for the default page, else the
        script's name ("pages/stalled.py" -> "stalled")."""
        return "" if self.default else PurePosixPath(self.path).stem


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Overview", ":material/dashboard:", default=True),
    PageSpec("pages/watermelons.py", "Watermelons", ":material/nutrition:"),
    PageSpec("pages/stalled.py", "Stalled & reverted", ":material/history:"),
    PageSpec("pages/edges.py", "The edges", ":material/explore:"),
    PageSpec("pages/daily_tools.py", "Daily tools", ":material/handyman:"),
    PageSpec("pages/trends.py", "Trends", ":material/trending_up:"),
    PageSpec("pages/sheet_health.py", "Sheet health", ":material/healing:"),
    PageSpec("pages/check_in.py", "Check in", ":material/edit_note:"),
)
