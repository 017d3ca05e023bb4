"""Streamlit's handling of a `pages/` folder, worked around in this one place.

The pages live in `pages/` beside app.py (the product's agreed layout), and app.py routes to
them with `st.navigation` (ui/page_list.py). Streamlit 1.67 still treats a `pages/` folder
the pre-navigation ("v1") way until `st.navigation` has run: the flag
`PagesManager.uses_pages_directory` starts True, and while it is, a page is run as its
script alone, without app.py's sidebar, sign-in check, layout or page list.

- On a server, that is a first visit to a deep link (`/edges` after a restart):
  `route_through_app()`, called by every page through `shell.view()`, reruns it through
  app.py.
- Under AppTest, which resets the flag before every run, that is every run after the
  first: `use_navigation_pages_manager()` (for the tests and the bench) makes each run go
  through app.py, as on a server.

tests/test_pages_folder.py shows both behaviours on a two-page app of its own: once a
Streamlit upgrade makes either test fail, that half of this module can go.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def route_through_app() -> None:
    """Rerun through app.py when Streamlit ran a page script on its own.

    `st.navigation` clears the v1 flag for the whole server; clearing it here and rerunning
    gives the visitor the real app on the page they asked for.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


class NavigationPagesManager(PagesManager):
    """A PagesManager that, like a real server once `st.navigation` has run, ignores pages/.

    AppTest resets `PagesManager.uses_pages_directory` before every run, so from the second
    run on, an app whose pages live in `pages/` would run the page script alone. A real
    server sets the flag to False for good as soon as app.py calls `st.navigation`; this
    does the same.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def use_navigation_pages_manager(monkeypatch) -> None:
    """Make AppTest run app.py on every run (see NavigationPagesManager); `monkeypatch` is
    pytest's, and undoes it after the test."""
    import streamlit.testing.v1.app_test as app_test_module

    monkeypatch.setattr(app_test_module, "PagesManager", NavigationPagesManager)
