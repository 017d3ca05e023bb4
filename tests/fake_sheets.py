"""The pytest fixtures that run the Sheets emulator (tools/sheets_emulator.py) for a test.

`sheets_emulator` (a running emulator holding SMALL_WORKBOOK), `gsheets_settings` (settings
pointing at it) and `gsheets_workdir` (a working folder whose secrets.toml points at it);
conftest.py makes them available to every test. `sheet_spec` (the emulator's sheet as a
source) and `fresh_sheet_writers` (no check-in writer kept from another test) are imported
by the tests that write check-ins. The emulator's names are re-exported for
tests that import them from here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.sheets_emulator import (  # noqa: F401  (re-exported for tests)
    API_ENDPOINTS,
    APPEND,
    BATCH_GET,
    BATCH_UPDATE,
    CLIENT_EMAIL,
    METADATA,
    SMALL_WORKBOOK,
    SPREADSHEET_ID,
    TOKEN,
    UPDATE,
    FakeSheets,
    emulator_key_pair,
    service_account_info,
    small_workbook,
)


@pytest.fixture
def sheets_emulator() -> Iterator[FakeSheets]:
    """A running emulator holding SMALL_WORKBOOK; stopped after the test."""
    from data_sources.google_sheet import GoogleSheetSource

    GoogleSheetSource.forget_layouts()
    with FakeSheets(small_workbook()) as sheets:
        yield sheets


@pytest.fixture
def gsheets_settings(sheets_emulator: FakeSheets):
    """GSheetsSettings pointing at `sheets_emulator`."""
    return sheets_emulator.settings()


@pytest.fixture
def gsheets_workdir(sheets_emulator: FakeSheets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A working folder whose .streamlit/secrets.toml points at the emulator (for AppTests).

    The test runs inside it, with HOME, GROUNDTRUTH_DATA_DIR there too and no
    GROUNDTRUTH_SOURCE, so no setting or snapshot from the real machine leaks in. It starts
    and ends as a new process would: no cached read, verdicts, token or tab list (another
    test's emulator answered on the same spreadsheet id).
    """
    import streamlit as st

    from data_sources.loader import forget_sources

    def forget() -> None:
        st.cache_resource.clear()
        st.cache_data.clear()
        forget_sources()

    secrets_file = tmp_path / ".streamlit" / "secrets.toml"
    secrets_file.parent.mkdir(parents=True)
    secrets_file.write_text(sheets_emulator.secrets_toml(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GROUNDTRUTH_SOURCE", raising=False)
    forget()
    yield tmp_path
    forget()


@pytest.fixture
def sheet_spec(gsheets_settings):
    """The emulator's sheet as a source, as `resolve_source` makes it for `gsheets`."""
    from data_sources.config import SourceSpec

    return SourceSpec("gsheets", gsheets_settings.spreadsheet_key, gsheets_settings)


@pytest.fixture
def fresh_sheet_writers() -> Iterator[None]:
    """No check-in sheet writer, nor what one learnt about write access, from another test."""
    from data_sources import checkins

    checkins.forget_writers()
    yield
    checkins.forget_writers()
