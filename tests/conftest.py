"""Shared fixtures: small raw workbooks built from literal cells; the run's own data folder.

Tests run in parallel (`make test`: pytest-xdist, one process per core), so nothing here
is shared between processes: each has its own temporary data folder, Streamlit server and
Chromium, and every server listens on a free loopback port.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The bundled sample's dates follow the calendar (data_sources.sample); tests read it for the
# day it was generated for, so its cells and figures stay the same whatever day they run.
# Set here, not per test, so the servers that browser tests start see it too.
os.environ.setdefault("GROUNDTRUTH_SAMPLE_TODAY", "2026-11-23")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import tests.hypothesis_profiles  # noqa: E402, F401  (loads the quick or deep profile)
from portfolio.model import RawWorkbook  # noqa: E402
from tests.browser_support import _close_browser_pages, chromium, sample_server  # noqa: E402, F401
from tests.fake_sheets import (  # noqa: E402, F401
    fresh_sheet_writers,
    gsheets_settings,
    gsheets_workdir,
    sheet_spec,
    sheets_emulator,
)

FETCHED_AT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def raw_workbook(tabs: dict[str, list[list]], *, kind: str = "file") -> RawWorkbook:
    """A RawWorkbook from literal rows (first row = headers), as a test fixture."""
    return RawWorkbook(tabs=tabs, origin="test fixture", kind=kind, fetched_at=FETCHED_AT)


@pytest.fixture(autouse=True, scope="session")
def _data_outside_the_repo(tmp_path_factory):
    """GROUNDTRUTH_DATA_DIR defaults to this process's own folder, never the repo's data/.

    A test that needs its own folder sets the variable itself (monkeypatch, or a
    subprocess's env); this default only catches what would otherwise land in data/.
    """
    folder = tmp_path_factory.mktemp("default-data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GROUNDTRUTH_DATA_DIR", str(folder))
        yield folder


BROWSER_FIXTURES = {"chromium", "sample_server"}


def pytest_collection_modifyitems(config, items):
    """Every test that drives Chromium is marked `browser`, whatever its file says."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _apptest_runs_app_py(monkeypatch):
    """Every AppTest run goes through app.py, as a real server does (see apptest_support)."""
    from tests.apptest_support import use_navigation_pages_manager

    use_navigation_pages_manager(monkeypatch)


@pytest.fixture
def make_raw():
    return raw_workbook
