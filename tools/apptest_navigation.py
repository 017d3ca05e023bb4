"""Running the app under Streamlit's AppTest as a real server runs it: through app.py every time.

The bench (tools/bench.py) and the tests (tests/conftest.py) both install it.
"""

from __future__ import annotations

import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.pages_manager import PagesManager


class NavigationPagesManager(PagesManager):
    """A PagesManager that, like a real server once `st.navigation` has run, ignores pages/.

    Streamlit 1.67's AppTest resets `PagesManager.uses_pages_directory` before every run, so
    from the second run on, an app whose pages live in `pages/` is run the v1 way: the page
    script alone, without app.py, hence without the shared sidebar. A real server sets the
    flag to False for good as soon as app.py calls `st.navigation`; this does the same.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def use_navigation_pages_manager(monkeypatch) -> None:
    """Make AppTest run app.py on every run (see NavigationPagesManager)."""
    monkeypatch.setattr(app_test_module, "PagesManager", NavigationPagesManager)
