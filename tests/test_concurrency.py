"""Many viewers at once on a cold cache: one read of the sheet, shared by every session.

Twenty AppTest sessions of the real app run in threads against the Sheets emulator (the
real gspread and google-auth code), released together by a barrier, with secrets.toml in a
temporary working folder pointing at the emulator; the emulator's request counter is the
evidence (DESIGN.md section 6: one request per refresh, however many sessions are open).
"""

from __future__ import annotations

import gc
import threading

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_support import metric, start_app, texts
from tools.sheets_emulator import BATCH_GET, METADATA, TOKEN, FakeSheets

SESSIONS = 20
# Enough sessions to show sharing after the first read, few enough to keep the file quick.
LATER_SESSIONS = 3
SESSION_TIMEOUT_S = 120
# What a viewer reads once the sheet is loaded: the sidebar's source line (markdown, hence
# the escaped bracket) and the count of SMALL_WORKBOOK's three initiatives.
SOURCE_LINE = "**Source:** Google Sheet AI initiatives \\(emulator\\)"
INITIATIVES = "3"


def open_at_once(count: int) -> list[AppTest]:
    """Open the dashboard in `count` sessions released at the same instant; wait for all."""
    sessions = [start_app(timeout=SESSION_TIMEOUT_S, run=False) for _ in range(count)]
    start = threading.Barrier(count)
    failures: list[BaseException] = []

    def open_one(at: AppTest) -> None:
        start.wait()
        try:
            at.run()
        except BaseException as exc:  # surfaced below, with the session that raised it
            failures.append(exc)

    threads = [threading.Thread(target=open_one, args=(at,)) for at in sessions]
    # Each session compiles app.py with ast.parse. On CPython 3.11 the AST builder's depth
    # counter is shared by threads, and a garbage collection inside one parse can hand the
    # GIL to another: "AST constructor recursion depth mismatch" (CPython gh-106905), more
    # often on a loaded machine. No collection while the sessions open, so none interleave.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        if collecting:
            gc.enable()
    assert not failures, failures
    return sessions


def assert_all_show_the_sheet(sessions: list[AppTest]) -> None:
    for at in sessions:
        assert not at.exception, at.exception[0].value
        assert SOURCE_LINE in texts(at)
        assert metric(at, "Initiatives") == INITIATIVES


@pytest.mark.slow
def test_twenty_sessions_on_a_cold_cache_send_one_batchget(
    sheets_emulator: FakeSheets, gsheets_workdir
) -> None:
    sheets_emulator.reset_counts()

    sessions = open_at_once(SESSIONS)

    assert_all_show_the_sheet(sessions)
    assert sheets_emulator.counts == {TOKEN: 1, METADATA: 1, BATCH_GET: 1}


def test_sessions_opened_later_reuse_the_cached_read(
    sheets_emulator: FakeSheets, gsheets_workdir
) -> None:
    open_at_once(2)
    sheets_emulator.reset_counts()

    later = open_at_once(LATER_SESSIONS)

    assert_all_show_the_sheet(later)
    assert sheets_emulator.counts == {}


def test_refresh_reads_the_sheet_once_more_for_everyone(
    sheets_emulator: FakeSheets, gsheets_workdir
) -> None:
    first = open_at_once(1)[0]
    sheets_emulator.reset_counts()

    first.button(key="sidebar_refresh").click().run()
    others = open_at_once(LATER_SESSIONS)

    assert_all_show_the_sheet([first, *others])
    # The token and the tab list outlive a refresh: a refresh is exactly one batchGet.
    assert sheets_emulator.counts == {BATCH_GET: 1}
