"""Friendly failures against the Sheets emulator: each says what happened and the fix, in the
documented words, and never prints key material.

Documented messages (data_sources/errors.py, portfolio/parse.py):

- not shared: "The sheet is not shared with <client_email> — share it as Viewer (Editor for
  check-ins) and reload."
- wrong key: "No Google Sheet has the key <key> — copy the sheet's URL from the browser's
  address bar into spreadsheet under [connections.gsheets] …"
- wrong URL: '"<url>" is not a Google Sheets URL — set spreadsheet under [connections.gsheets] …'
- missing tab: 'The spreadsheet has no tab named "<tab>" — add the tab with its header row
  (python cli.py init-sheet writes them) and reload.' and, for Initiatives, the problem "The
  workbook has no Initiatives tab".
- malformed private key: "The service-account private_key in [connections.gsheets] is not a
  PEM key …" / "… could not be read as an RSA private key …"
- a required column with no mapping: 'Initiatives has no "team" column and no mapping for it;
  closest headers: Agency, …' with the Mapping row to add as the fix.
"""

from __future__ import annotations

import pytest

from data_sources.config import GSheetsSettings
from data_sources.errors import (
    BadCredentials,
    NotConfigured,
    SheetNotFound,
    SheetNotShared,
    SourceError,
    TabMissing,
)
from data_sources.google_sheet import GoogleSheetSource
from portfolio.parse import parse_workbook
from tests.apptest_support import start_app
from tools.sheets_emulator import CLIENT_EMAIL, emulator_key_pair

EMULATOR_KEY_BODY = emulator_key_pair()[0].splitlines()[1]  # a line of the key's base64 body
DOC_URL = "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOp/edit"
BROKEN_PEM = f"-----BEGIN PRIVATE KEY-----\n{EMULATOR_KEY_BODY[::-1]}\n-----END PRIVATE KEY-----\n"


def _no_key_material(text: str) -> None:
    assert "PRIVATE KEY" not in text
    assert EMULATOR_KEY_BODY not in text
    assert EMULATOR_KEY_BODY[:40] not in text


def _fetch_error(settings: GSheetsSettings) -> SourceError:
    with pytest.raises(SourceError) as caught:
        GoogleSheetSource(settings).fetch()
    _no_key_material(caught.value.message)
    return caught.value


def test_a_sheet_not_shared_names_the_service_account(sheets_emulator, gsheets_settings):
    sheets_emulator.fail(403)
    error = _fetch_error(gsheets_settings)
    assert isinstance(error, SheetNotShared)
    assert error.message.startswith(
        f"The sheet is not shared with {CLIENT_EMAIL} — share it as Viewer (Editor for "
        "check-ins) and reload."
    )


def test_a_wrong_spreadsheet_key_says_where_to_copy_the_url_from(sheets_emulator):
    error = _fetch_error(sheets_emulator.settings(spreadsheet="1WrongKey_abcdefghijklmnop"))
    assert isinstance(error, SheetNotFound)
    assert error.message.startswith(
        "No Google Sheet has the key 1WrongKey_abcdefghijklmnop — copy the sheet's URL from the "
        "browser's address bar into spreadsheet under [connections.gsheets]"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (DOC_URL, f'"{DOC_URL}" is not a Google Sheets URL'),
        ("my sheet", '"my sheet" is not a spreadsheet key or URL'),
    ],
)
def test_a_wrong_url_is_refused_before_any_request(sheets_emulator, value, message):
    with pytest.raises(NotConfigured) as caught:
        sheets_emulator.settings(spreadsheet=value)
    assert caught.value.message.startswith(
        f"{message} — set spreadsheet under [connections.gsheets]"
    )
    assert sheets_emulator.counts == {}


def test_a_missing_tab_is_named_with_the_tabs_there(sheets_emulator, gsheets_settings):
    source = GoogleSheetSource(gsheets_settings)
    source.fetch()
    with pytest.raises(TabMissing) as caught:
        source.append_rows("Check-ins", [["c-1"]])
    assert caught.value.message == (
        'The spreadsheet has no tab named "Check-ins" — add the tab with its header row '
        "(python cli.py init-sheet writes them) and reload. "
        "(Details: tabs present: Initiatives, Usage, CheckIns, Settings.)"
    )


def test_a_workbook_without_initiatives_says_what_to_add(sheets_emulator, gsheets_settings):
    sheets_emulator.rename_tab("Initiatives", "Projects")
    portfolio = parse_workbook(GoogleSheetSource(gsheets_settings).fetch())
    first = portfolio.problems[0]
    assert first.message == "The workbook has no Initiatives tab"
    assert first.fix.startswith("Add a tab named Initiatives")


@pytest.mark.parametrize(
    ("private_key", "message"),
    [
        ("", "The service-account private_key in [connections.gsheets] is missing"),
        ("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "The service-account private_key in "
         "[connections.gsheets] is not a PEM key"),
        (
            BROKEN_PEM,
            "The service-account private_key in [connections.gsheets] could not be read as an "
            "RSA private key",
        ),
    ],
    # Named, not by value: the broken key is made from this process's own key, and every
    # test process must collect the same test ids.
    ids=["missing", "not PEM", "not an RSA key"],
)  # fmt: skip
def test_a_malformed_private_key_names_the_field_and_never_shows_it(
    sheets_emulator, private_key, message
):
    error = _fetch_error(sheets_emulator.settings(private_key=private_key))
    assert isinstance(error, BadCredentials)
    assert error.message.startswith(message)
    assert EMULATOR_KEY_BODY[::-1][:40] not in error.message
    assert sheets_emulator.count("batchGet") == 0


def test_a_required_column_without_a_mapping_names_the_closest_headers(
    sheets_emulator, gsheets_settings
):
    sheets_emulator.tabs["Initiatives"][0] = [
        "id", "Use Case Name", "Agency", "origin", "stage", "started", "annual_cost", "seats",
        "notes",
    ]  # fmt: skip
    portfolio = parse_workbook(GoogleSheetSource(gsheets_settings).fetch())
    errors = {p.column: p for p in portfolio.errors}
    assert set(errors) == {"name", "team"}
    assert errors["team"].message == (
        'Initiatives has no "team" column and no mapping for it; closest headers: Agency, '
        "Use Case Name"
    )
    assert errors["team"].fix.startswith("Add a Mapping row: column, team, Agency")
    assert errors["name"].message.startswith(
        'Initiatives has no "name" column and no mapping for it; closest headers: Use Case Name'
    )


def test_the_app_shows_the_not_shared_fix_without_a_stack_trace(sheets_emulator, gsheets_workdir):
    sheets_emulator.fail(403)
    at = start_app()
    assert not at.exception
    shown = " ".join(e.value for e in at.error).replace("\\", "")
    assert f"The sheet is not shared with {CLIENT_EMAIL}" in shown
    assert "share it as Viewer" in shown
    _no_key_material(shown)
    # an export can still be looked at: the uploader is there
    assert len(at.file_uploader) == 1
