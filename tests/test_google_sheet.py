"""The Google Sheets source against the loopback emulator, with the real gspread and google-auth.

Request counts are the budget (one batchGet per refresh); faults come from the emulator.
Retry bounds are checked with a fake clock so no test waits for Retry-After for real.
"""

from __future__ import annotations

import datetime as dt
import functools

import gspread
import pytest
import requests

from data_sources.errors import (
    BadCredentials,
    BadResponse,
    QuotaExceeded,
    SheetNotFound,
    SheetNotShared,
    SheetsUnavailable,
    SheetTimeout,
    TabMissing,
)
from data_sources.google_sheet import GoogleSheetSource, build_credentials
from data_sources.retry import RetryingHTTPClient, RetryPolicy, retry_after_seconds
from tools.sheets_emulator import (
    APPEND,
    BATCH_GET,
    CLIENT_EMAIL,
    METADATA,
    SPREADSHEET_ID,
    TOKEN,
    FakeSheets,
    emulator_key_pair,
)

# Small numbers so a failing source gives up in well under a second.
FAST = RetryPolicy(
    connect_timeout=1.0, read_timeout=1.0, total_seconds=1.0, backoff_base=0.01, backoff_cap=0.02
)


class FakeClock:
    """A monotonic clock that only moves when the retry loop sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def source_for(sheets: FakeSheets, *, policy: RetryPolicy = FAST, **section) -> GoogleSheetSource:
    return GoogleSheetSource(sheets.settings(**section), policy=policy)


def pem_body(pem: str) -> str:
    """A long line from the middle of a PEM key: what must never appear in a message."""
    return pem.splitlines()[5]


# -- the request budget -------------------------------------------------------------------


def test_cold_fetch_is_one_token_one_metadata_one_batch_get(sheets_emulator):
    raw = source_for(sheets_emulator).fetch()
    assert sheets_emulator.counts == {TOKEN: 1, METADATA: 1, BATCH_GET: 1}
    assert list(raw.tabs) == ["Initiatives", "Usage", "CheckIns", "Settings"]
    assert raw.kind == "gsheets"
    assert raw.origin == "Google Sheet AI initiatives (emulator)"
    assert raw.fetched_at.tzinfo is not None


def test_a_second_fetch_is_one_batch_get(sheets_emulator):
    source = source_for(sheets_emulator)
    source.fetch()
    source.fetch()
    assert sheets_emulator.counts == {TOKEN: 1, METADATA: 1, BATCH_GET: 2}


def test_a_new_source_object_reuses_the_tab_list(sheets_emulator):
    source_for(sheets_emulator).fetch()
    source_for(sheets_emulator).fetch()
    # a new object signs in again, but the process already knows the tabs
    assert sheets_emulator.counts == {TOKEN: 2, METADATA: 1, BATCH_GET: 2}


def test_values_come_back_typed(sheets_emulator):
    tabs = source_for(sheets_emulator).fetch().tabs
    assert tabs["Initiatives"][1] == [
        "AI-001", "Support reply drafts", "Support", "Mandate", "Pilot",
        46085,  # 2026-03-04 as days since 1899-12-30
        50000, 120, "vendor pilot",
    ]  # fmt: skip
    # an empty cell inside a row is "", trailing empty cells are left out
    assert tabs["Initiatives"][2] == [
        "AI-002", "Invoice matching", "Finance", "Grassroots", "Adopted", 45978, "", 8.5,
    ]  # fmt: skip
    assert tabs["Initiatives"][3][6:] == [12000.75, "", True]
    assert tabs["Settings"] == [["key", "value"], ["as_of", 46174]]  # 2026-06-01
    assert len(tabs["CheckIns"]) == 1  # headers only


def test_formatted_values_are_us_text(sheets_emulator):
    """The emulator's other render option, as gspread users would ask for it."""
    factory = functools.partial(RetryingHTTPClient, policy=FAST, api_base_url=sheets_emulator.url)
    http = gspread.Client(build_credentials(sheets_emulator.settings()), http_client=factory)
    answer = http.http_client.values_batch_get(
        SPREADSHEET_ID, ["Initiatives"], params={"valueRenderOption": "FORMATTED_VALUE"}
    )
    rows = answer["valueRanges"][0]["values"]
    assert rows[1][5:8] == ["3/4/2026", "50000", "120"]
    assert rows[2][5:8] == ["11/17/2025", "", "8.5"]
    assert rows[3][8] == "TRUE"
    assert answer["valueRanges"][0]["range"] == "Initiatives!A1:Z1000"


def test_a_renamed_tab_refreshes_the_tab_list_once(sheets_emulator):
    source = source_for(sheets_emulator)
    source.fetch()
    sheets_emulator.rename_tab("Usage", "Weekly usage")
    raw = source.fetch()
    assert "Weekly usage" in raw.tabs and "Usage" not in raw.tabs
    # the stale batchGet answered 400, then one metadata and one batchGet more
    assert sheets_emulator.counts == {TOKEN: 1, METADATA: 2, BATCH_GET: 3}


def test_api_calls_need_the_token(sheets_emulator):
    answer = requests.get(f"{sheets_emulator.url}/v4/spreadsheets/{SPREADSHEET_ID}", timeout=5)
    assert answer.status_code == 401


# -- errors --------------------------------------------------------------------------------


def test_not_shared_names_the_service_account(sheets_emulator):
    sheets_emulator.fail(403)
    with pytest.raises(SheetNotShared) as caught:
        source_for(sheets_emulator).fetch()
    assert CLIENT_EMAIL in str(caught.value)
    assert "share it as Viewer" in str(caught.value)
    assert sheets_emulator.count(METADATA) == 1  # a 403 is an answer, not retried


def test_a_wrong_key_is_not_found(sheets_emulator):
    with pytest.raises(SheetNotFound) as caught:
        source_for(sheets_emulator, spreadsheet="1NoSuchSheetKey_000000000000").fetch()
    assert "1NoSuchSheetKey_000000000000" in str(caught.value)
    assert sheets_emulator.count(METADATA) == 1


def test_a_quota_storm_honours_retry_after_then_gives_up_within_the_bound(sheets_emulator):
    clock = FakeClock()
    policy = RetryPolicy(
        total_seconds=2.5,
        backoff_base=0.001,
        sleep=clock.sleep,
        clock=clock.clock,
        jitter=lambda: 1.0,
    )
    sheets_emulator.fail(429, retry_after=1, endpoints={BATCH_GET})
    with pytest.raises(QuotaExceeded):
        source_for(sheets_emulator, policy=policy).fetch()
    # attempts at t=0, 1 and 2; a fourth would start after the 2.5 s bound
    assert clock.sleeps == [1.0, 1.0]
    assert sheets_emulator.count(BATCH_GET) == 3


def test_backoff_doubles_up_to_its_cap_within_the_bound(sheets_emulator):
    clock = FakeClock()
    policy = RetryPolicy(
        total_seconds=1.0,
        backoff_base=0.1,
        backoff_cap=0.4,
        sleep=clock.sleep,
        clock=clock.clock,
        jitter=lambda: 1.0,
    )
    sheets_emulator.fail(503, endpoints={BATCH_GET})
    with pytest.raises(SheetsUnavailable) as caught:
        source_for(sheets_emulator, policy=policy).fetch()
    assert clock.sleeps == pytest.approx([0.1, 0.2, 0.4])
    assert sheets_emulator.count(BATCH_GET) == 4
    assert caught.value.status == 503


def test_a_500_then_success_returns_the_data(sheets_emulator):
    sheets_emulator.fail(500, times=1, endpoints={BATCH_GET})
    raw = source_for(sheets_emulator).fetch()
    assert raw.tabs["Usage"][1] == ["AI-001", 46083, 14]
    assert sheets_emulator.count(BATCH_GET) == 2


def test_a_hang_past_the_read_timeout_is_a_timeout(sheets_emulator):
    policy = RetryPolicy(read_timeout=0.2, total_seconds=0.5, backoff_base=0.01, backoff_cap=0.02)
    sheets_emulator.hang(5.0, endpoints={BATCH_GET})
    with pytest.raises(SheetTimeout):
        source_for(sheets_emulator, policy=policy).fetch()
    assert sheets_emulator.count(BATCH_GET) >= 2  # timeouts are retried while time is left


def test_truncated_json_is_a_bad_response(sheets_emulator):
    sheets_emulator.truncate(times=1, endpoints={BATCH_GET})
    with pytest.raises(BadResponse):
        source_for(sheets_emulator).fetch()


def test_a_malformed_private_key_names_the_field_and_never_shows_the_key(sheets_emulator):
    private, _ = emulator_key_pair()
    lines = private.splitlines()
    body = pem_body(private)
    broken = "\n".join([lines[0], lines[1], "!!not base64!!", *lines[2:]])
    with pytest.raises(BadCredentials) as caught:
        source_for(sheets_emulator, private_key=broken).fetch()
    error = caught.value
    assert "private_key" in error.title
    for text in (str(error), repr(error), error.detail, error.what_to_do):
        assert body not in text
    assert sheets_emulator.counts == {}  # refused before any request


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("private_key", "", "private_key"),
        ("private_key", "hello", "private_key"),
        ("client_email", "", "client_email"),
    ],
)
def test_missing_or_non_pem_key_fields(sheets_emulator, field, value, named):
    with pytest.raises(BadCredentials) as caught:
        source_for(sheets_emulator, **{field: value}).fetch()
    assert named in caught.value.title


def test_escaped_line_breaks_in_the_key_still_work(sheets_emulator):
    private, _ = emulator_key_pair()
    raw = source_for(sheets_emulator, private_key=private.replace("\n", "\\n")).fetch()
    assert "Initiatives" in raw.tabs


def test_a_key_google_does_not_know_is_refused_by_the_token_endpoint(sheets_emulator):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    with pytest.raises(BadCredentials) as caught:
        source_for(sheets_emulator, private_key=pem).fetch()
    assert CLIENT_EMAIL in str(caught.value)
    assert pem_body(pem) not in str(caught.value)
    assert sheets_emulator.counts == {TOKEN: 1}


# -- appends -------------------------------------------------------------------------------


def test_append_rows_is_one_raw_insert(sheets_emulator):
    source = source_for(sheets_emulator)
    rows = [
        ["c-1", "2026-06-01T09:00:00Z", "AI-001", "Ann", "Green", "Pilot", 12, "0012"],
        ["c-2", "2026-06-02T09:00:00Z", "AI-002", "Bo", "Amber", "Adopted", 7, "=1+1"],
    ]
    assert source.append_rows("CheckIns", rows) == 2
    assert sheets_emulator.count(APPEND) == 1
    (call,) = sheets_emulator.append_calls
    assert (call["valueInputOption"], call["insertDataOption"]) == ("RAW", "INSERT_ROWS")
    # RAW keeps text verbatim: no number from "0012", no formula from "=1+1"
    assert source.fetch().tabs["CheckIns"][1:] == rows


def test_append_to_a_missing_tab_says_which(sheets_emulator):
    with pytest.raises(TabMissing) as caught:
        source_for(sheets_emulator).append_rows("Checkins typo", [["x"]])
    assert '"Checkins typo"' in str(caught.value)


def test_nothing_to_append_sends_nothing(sheets_emulator):
    assert source_for(sheets_emulator).append_rows("CheckIns", []) == 0
    assert sheets_emulator.counts == {}


# -- the retry policy on its own -------------------------------------------------------------


NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"Retry-After": "2"}, 2.0),
        ({"Retry-After": "0.5"}, 0.5),
        ({"Retry-After": "-3"}, 0.0),
        ({"Retry-After": "Mon, 01 Jun 2026 09:00:30 GMT"}, 30.0),
        ({"Retry-After": "soon"}, None),
    ],
)
def test_retry_after(headers, expected):
    assert retry_after_seconds(headers, now=NOW.timestamp()) == expected


@pytest.mark.parametrize(
    ("attempt", "jitter", "retry_after", "expected"),
    [
        (0, 1.0, None, 0.5),
        (2, 1.0, None, 2.0),
        (2, 0.25, None, 0.5),
        (10, 1.0, None, 8.0),  # capped
        (0, 0.0, 3.0, 3.0),  # never sooner than the server asked
        (4, 1.0, 3.0, 8.0),
    ],
)
def test_delay_is_full_jitter_under_a_capped_ceiling(attempt, jitter, retry_after, expected):
    policy = RetryPolicy(jitter=lambda: jitter)
    assert policy.delay(attempt, retry_after) == expected
