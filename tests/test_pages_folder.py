"""Why ui/pages_folder.py exists, shown on a two-page app of the tests' own.

Each test pins down a Streamlit behaviour that the module works around. When an upgrade of
Streamlit makes one of them fail, Streamlit no longer needs that half of the workaround:
remove it (and the test), then run the page tests. The last test checks the workaround
itself, on the real app.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from tests.apptest_support import run_app, start_app
from ui import pages_folder

APP = """
import streamlit as st

st.markdown("app.py ran")
st.navigation([st.Page("pages/first.py", default=True), st.Page("pages/second.py")]).run()
"""
REMOVE_ROUTE = (
    "Streamlit now runs app.py for a deep link into pages/: remove "
    "ui/pages_folder.route_through_app and its call in ui/shell.view"
)
REMOVE_MANAGER = (
    "AppTest now keeps st.navigation's choice between runs: remove "
    "ui/pages_folder.NavigationPagesManager and its use in tests/conftest.py and tools/bench.py"
)


@pytest.fixture
def two_page_app(tmp_path, monkeypatch) -> Path:
    """app.py routing with st.navigation to pages/first.py and pages/second.py; AppTest
    with Streamlit's own PagesManager (the tests' autouse fixture installs ours)."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    for name in ("first", "second"):
        (tmp_path / "pages" / f"{name}.py").write_text(
            f"import streamlit as st\n\nst.markdown('page {name} ran')\n", encoding="utf-8"
        )
    monkeypatch.setattr(app_test_module, "PagesManager", PagesManager)
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)  # a fresh server
    return tmp_path / "app.py"


def ran(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_a_first_visit_to_a_deep_link_runs_the_page_without_app_py(two_page_app):
    # A server that has not yet run st.navigation, asked for /second.
    at = AppTest.from_file(str(two_page_app)).switch_page("pages/second.py")
    at.run()
    assert not at.exception
    assert ran(at) == ["page second ran"], REMOVE_ROUTE


def test_apptest_forgets_st_navigation_between_runs(two_page_app):
    at = AppTest.from_file(str(two_page_app))
    at.run()
    assert ran(at)[0] == "app.py ran"  # the first run goes through app.py's st.navigation
    assert PagesManager.uses_pages_directory is False  # which clears the flag, as on a server
    at.switch_page("pages/second.py").run()
    assert ran(at) == ["page second ran"], REMOVE_MANAGER


def test_with_the_workaround_every_run_goes_through_app_py(two_page_app, monkeypatch):
    pages_folder.use_navigation_pages_manager(monkeypatch)
    at = AppTest.from_file(str(two_page_app))
    at.run()
    at.switch_page("pages/second.py").run()
    assert ran(at) == ["app.py ran", "page second ran"]


def test_a_deep_link_into_the_real_app_gets_the_sidebar(tmp_path, monkeypatch):
    # route_through_app: the page runs alone first (a fresh server), then through app.py.
    monkeypatch.setattr(app_test_module, "PagesManager", PagesManager)
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GROUNDTRUTH_SOURCE", "sample")
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(tmp_path / "data"))
    at = start_app(run=False)
    at.switch_page("pages/edges.py").run()
    assert not at.exception
    assert at.title[0].value == "The edges"
    assert at.sidebar.toggle(key="sidebar_present")
    assert PagesManager.uses_pages_directory is False  # rerun through app.py's st.navigation


def test_run_app_goes_through_app_py_on_every_run(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, page="pages/edges.py")
    at.switch_page("pages/stalled.py").run()
    assert not at.exception
    assert at.title[0].value == "Stalled & reverted"
    assert at.sidebar.toggle(key="sidebar_present")
