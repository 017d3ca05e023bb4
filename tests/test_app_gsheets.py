"""The app on a Google Sheet (the loopback emulator): the request budget and what a reader sees.

A cold load is one token request, at most one metadata request and exactly one
values:batchGet; a rerun within the TTL makes no request at all.
"""

from __future__ import annotations

import streamlit as st

from tests.apptest_support import metric, start_app, texts
from tools.sheets_emulator import BATCH_GET, METADATA, TOKEN


def test_cold_load_is_one_batch_get_and_a_rerun_is_free(sheets_emulator, gsheets_workdir):
    st.cache_resource.clear()
    at = start_app()
    assert not at.exception

    # SMALL_WORKBOOK: three initiatives, none reported Green.
    assert metric(at, "Initiatives") == "3"
    assert metric(at, "Green on the deck") == "0"
    assert "Google Sheet" in texts(at) or any("Google Sheet" in c.value for c in at.caption)
    assert sheets_emulator.count(TOKEN) == 1
    assert sheets_emulator.count(METADATA) <= 1
    assert sheets_emulator.count(BATCH_GET) == 1

    at.run()
    at.switch_page("pages/sheet_health.py").run()
    assert not at.exception
    second = start_app()  # another viewer, same server process
    assert metric(second, "Initiatives") == "3"
    assert sheets_emulator.count(BATCH_GET) == 1
    assert sheets_emulator.count(TOKEN) == 1


def test_refresh_now_reads_the_sheet_again(sheets_emulator, gsheets_workdir):
    st.cache_resource.clear()
    at = start_app()
    assert sheets_emulator.count(BATCH_GET) == 1
    sheets_emulator.tabs["Initiatives"].append(
        ["AI-004", "Contract review", "Legal", "Grassroots", "Idea", "2026-05-01"]
    )
    at.button(key="sidebar_refresh").click().run()
    assert not at.exception
    assert sheets_emulator.count(BATCH_GET) == 2
    assert metric(at, "Initiatives") == "4"
