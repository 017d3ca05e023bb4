"""Pulling the sheet out from under a running dashboard: the viewer keeps the last good figures.

The app runs under AppTest against the Sheets emulator (tools/sheets_emulator.py), with a
secrets.toml in a temporary working folder that shrinks the timeouts and the retry bound
(`[groundtruth] read_timeout_seconds`, `retry_total_seconds`). For each fault — a 429 storm,
500s, a hang past the timeout, truncated JSON, a 403 after a good load — the same figures
stay on the page with a notice saying how old they are and why the sheet could not be read,
after "Refresh now" in the same process and in a fresh process that has only the snapshot on
disk. With no snapshot the page says what is wrong and what to do, never a stack trace.
"""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data_sources import loader
from data_sources.config import resolve_source
from data_sources.errors import NotConfigured
from data_sources.retry import READ_TIMEOUT_SECONDS as READ_TIMEOUT_DEFAULT
from data_sources.retry import TOTAL_SECONDS as TOTAL_DEFAULT
from tests.apptest_support import start_app, texts
from tools.sheets_emulator import BATCH_GET, CLIENT_EMAIL, FakeSheets

READ_TIMEOUT_SECONDS = 0.3
RETRY_TOTAL_SECONDS = 0.8
HANG_SECONDS = 5.0  # far past the read timeout; the emulator lets go when it stops
FAST = f"""
[groundtruth]
read_timeout_seconds = {READ_TIMEOUT_SECONDS}
retry_total_seconds = {RETRY_TOTAL_SECONDS}
"""
# SMALL_WORKBOOK (tools/sheets_emulator.py): AI-001..003, none reported Green; costs 50,000 for
# AI-001 (Pilot), 12,000.75 for AI-003 (Stalled), none for AI-002.
GOOD_FIGURES = {"Initiatives": "3", "Green on the deck": "0"}
NO_COPY = "No earlier copy of the workbook is saved on this server yet"


def unescaped(text: str) -> str:
    """Markdown text as a reader sees it (sheet text is shown with its specials escaped)."""
    return re.sub(r"\\(.)", r"\1", text)


def fresh_process() -> None:
    """What a restart forgets: Streamlit's caches and the sheet clients; the disk stays."""
    st.cache_resource.clear()
    st.cache_data.clear()
    loader.forget_sources()


def figures(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def notices(at: AppTest) -> list[str]:
    return [unescaped(w.value) for w in at.warning]


@pytest.fixture
def app_on_sheet(sheets_emulator: FakeSheets, gsheets_workdir):
    """The emulator, a secrets.toml pointing at it with short timeouts, and a fresh process."""
    secrets_file = gsheets_workdir / ".streamlit" / "secrets.toml"
    secrets_file.write_text(sheets_emulator.secrets_toml(extra=FAST), encoding="utf-8")
    fresh_process()
    yield sheets_emulator
    sheets_emulator.heal()  # let hanging handlers go before the emulator stops
    fresh_process()


FAULTS = {
    "429 storm": (
        lambda s: s.fail(429),
        "Google Sheets says the read quota is used up for the moment — wait a minute and reload",
    ),
    "500s": (
        lambda s: s.fail(500),
        "Google Sheets answered 500 (a problem on its side) — wait a few minutes and reload",
    ),
    "hang": (
        lambda s: s.hang(HANG_SECONDS),
        "Google Sheets took too long to answer — reload in a minute",
    ),
    "truncated JSON": (
        lambda s: s.truncate(),
        "Google Sheets sent an answer that could not be read — reload; a proxy or an unstable "
        "network can cut answers short",
    ),
    "403 after a good load": (
        lambda s: s.fail(403),
        f"The sheet is not shared with {CLIENT_EMAIL} — share it as Viewer (Editor for "
        "check-ins) and reload",
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_failing_sheet_keeps_the_last_good_figures_with_a_notice(app_on_sheet, fault):
    sheets = app_on_sheet
    break_it, why = FAULTS[fault]
    at = start_app()
    assert not at.exception and not at.warning
    good = figures(at)
    assert {k: good[k] for k in GOOD_FIGURES} == GOOD_FIGURES

    break_it(sheets)
    at.button(key="sidebar_refresh").click().run()
    assert not at.exception
    assert figures(at) == good
    [notice] = notices(at)
    assert notice.startswith(f"Showing the copy from less than a minute ago: {why}")

    # A restart: nothing in memory, the sheet still failing, the copy on disk.
    fresh_process()
    again = start_app()
    assert not again.exception
    assert figures(again) == good
    [notice] = notices(again)
    assert notice.startswith(f"Showing the copy from less than a minute ago: {why}")
    # The other pages read the same copy.
    again.switch_page("pages/sheet_health.py").run()
    assert not again.exception
    assert notices(again) and notices(again)[0].startswith("Showing the copy from")


def test_the_retries_stay_within_the_bound_set_in_secrets(app_on_sheet):
    sheets = app_on_sheet
    start_app()
    sheets.reset_counts()
    sheets.fail(429)
    fresh = start_app()  # served from the cache: no request
    assert sheets.count(BATCH_GET) == 0
    fresh.button(key="sidebar_refresh").click().run()
    # Retried (more than one attempt), yet given up within the bound: a 0.8 s budget with
    # backoff starting at up to 0.5 s leaves room for at most a handful of attempts.
    assert 2 <= sheets.count(BATCH_GET) <= 6
    assert notices(fresh)


def test_when_the_sheet_comes_back_the_notice_goes(app_on_sheet):
    sheets = app_on_sheet
    at = start_app()
    sheets.fail(500)
    at.button(key="sidebar_refresh").click().run()
    assert notices(at)
    sheets.heal()
    sheets.tabs["Initiatives"].append(
        ["AI-004", "Contract review", "Legal", "Grassroots", "Idea", "2026-05-01"]
    )
    at.button(key="sidebar_refresh").click().run()
    assert not at.exception and not at.warning
    assert figures(at)["Initiatives"] == "4"


@pytest.mark.parametrize("fault", ["429 storm", "hang", "403 after a good load"])
def test_with_no_copy_the_page_says_what_to_do(app_on_sheet, fault):
    break_it, why = FAULTS[fault]
    break_it(app_on_sheet)
    at = start_app()
    assert not at.exception
    assert at.metric.len == 0
    assert unescaped(at.error[0].value).startswith(why)
    assert at.info[0].value.startswith(NO_COPY)
    assert [b.label for b in at.button] == ["Refresh now"]


def test_a_sheet_without_the_initiatives_tab_says_so(app_on_sheet):
    del app_on_sheet.tabs["Initiatives"]
    at = start_app()
    assert not at.exception
    at.switch_page("pages/sheet_health.py").run()
    assert not at.exception
    assert "The workbook has no Initiatives tab" in texts(at) + str(
        [d.value.to_dict("records") for d in at.dataframe]
    )


def test_duplicate_headers_are_named_on_sheet_health(app_on_sheet):
    rows = app_on_sheet.tabs["Initiatives"]
    rows[0] = [*rows[0], "name"]  # a second "name" column, in J1
    at = start_app()
    assert not at.exception
    assert figures(at)["Initiatives"] == "3"
    at.switch_page("pages/sheet_health.py").run()
    assert not at.exception
    problems = [row for d in at.dataframe for row in d.value.to_dict("records")]
    assert any(
        row.get("cell") == "Initiatives!J1"
        and row.get("how to fix") == "Rename or delete one of Initiatives!B1 and Initiatives!J1"
        for row in problems
    ), problems


# -- the knobs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "read_timeout", "total"),
    [
        ({}, READ_TIMEOUT_DEFAULT, TOTAL_DEFAULT),
        ({"read_timeout_seconds": 2}, 2.0, TOTAL_DEFAULT),
        ({"retry_total_seconds": 90.5}, READ_TIMEOUT_DEFAULT, 90.5),
        ({"read_timeout_seconds": 0.3, "retry_total_seconds": 0.8}, 0.3, 0.8),
    ],
)
def test_timeouts_come_from_secrets(section, read_timeout, total):
    sheet = {"spreadsheet": "1AbC_dEf-123456789xyz", "client_email": CLIENT_EMAIL}
    secrets = {"groundtruth": section, "connections": {"gsheets": sheet}}
    spec = resolve_source(secrets=secrets, env={})
    assert spec.kind == "gsheets"
    assert (spec.policy.read_timeout, spec.policy.total_seconds) == (read_timeout, total)


@pytest.mark.parametrize("value", [0, -1, "soon", True])
def test_a_bad_timeout_setting_says_what_to_write(value):
    with pytest.raises(NotConfigured) as caught:
        resolve_source(secrets={"groundtruth": {"retry_total_seconds": value}}, env={})
    assert str(caught.value) == (
        f"[groundtruth] retry_total_seconds = {value!r} is not a number of seconds — set it to "
        "a positive number such as 20, or remove it for the default."
    )


def test_a_bad_setting_is_a_message_on_the_page_not_a_stack_trace(app_on_sheet, gsheets_workdir):
    secrets_file = gsheets_workdir / ".streamlit" / "secrets.toml"
    secrets_file.write_text(
        app_on_sheet.secrets_toml(extra='[groundtruth]\nretry_total_seconds = "soon"\n'),
        encoding="utf-8",
    )
    at = start_app()
    assert not at.exception
    assert at.metric.len == 0
    assert unescaped(at.error[0].value).startswith(
        "[groundtruth] retry_total_seconds = 'soon' is not a number of seconds"
    )
