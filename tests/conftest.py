"""Shared fixtures: small raw workbooks built from literal cells."""

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

from portfolio.model import RawWorkbook  # noqa: E402
from tests.browser_support import chromium, sample_server  # noqa: E402, F401
from tests.fake_sheets import gsheets_settings, gsheets_workdir, sheets_emulator  # noqa: E402, F401

FETCHED_AT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def raw_workbook(tabs: dict[str, list[list]], *, kind: str = "file") -> RawWorkbook:
    """A RawWorkbook from literal rows (first row = headers), as a test fixture."""
    return RawWorkbook(tabs=tabs, origin="test fixture", kind=kind, fetched_at=FETCHED_AT)


@pytest.fixture(autouse=True)
def _apptest_runs_app_py(monkeypatch):
    """Every AppTest run goes through app.py, as a real server does (see apptest_support)."""
    from tests.apptest_support import use_navigation_pages_manager

    use_navigation_pages_manager(monkeypatch)


@pytest.fixture
def make_raw():
    return raw_workbook
