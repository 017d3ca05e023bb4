"""The Check in page under AppTest: write access said up front, the picker, validation,
a written check-in that shows at once and wins in the evidence, the queued state and the
"Send pending" button against the Sheets emulator."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_support import CHECK_IN_PAGE as PAGE
from tests.apptest_support import check_in_form, run_app, start_app, submit_check_in, texts
from tools.sheets_emulator import CLIENT_EMAIL, FakeSheets

pytestmark = pytest.mark.usefixtures("fresh_sheet_writers")

SAMPLE_INITIATIVES = Path(__file__).resolve().parent.parent / (
    "data_sources/sample/workbook/Initiatives.csv"
)

# as_of far ahead, so a check-in typed today is inside the evidence window.
WORKBOOK = {
    "Initiatives": [
        ["id", "name", "team", "origin", "reported_status", "stage", "started"],
        ["AI-001", "Support reply drafts", "Support", "Mandate", "Green", "Pilot", "2026-03-02"],
        ["AI-002", "Invoice matching", "Finance", "Grassroots", "", "Rollout", "2026-01-05"],
        ["AI-003", "Sales call notes", "Sales", "Vendor", "Amber", "Pilot", "2026-02-02"],
    ],
    "CheckIns": [
        ["checkin_id", "timestamp", "initiative_id", "author", "reported_status", "stage",
         "active_users", "note"],
        ["c-old", "2026-04-01 10:00", "AI-001", "Ben Cohen", "Green", "Pilot", "9", "first pilot"],
        ["c-new", "2026-05-01 10:00", "AI-001", "Ben Cohen", "Green", "Rollout", "14", "wider"],
        ["c-fin", "2026-05-02 10:00", "AI-002", "Ana Ruiz", "", "", "", "quiet month"],
    ],
    "Settings": [["key", "value"], ["as_of", "2099-12-31"]],
}  # fmt: skip


def _open(tmp_path, monkeypatch, **kwargs) -> AppTest:
    at = run_app(tmp_path, monkeypatch, page=PAGE, **kwargs)
    assert not at.exception, at.exception
    return at


def _open_on_sheet(*, query: dict[str, str] | None = None) -> AppTest:
    """The app on the emulator's sheet (run from `gsheets_workdir`)."""
    at = start_app(page=PAGE, query=query)
    assert not at.exception, at.exception
    return at


def _table_with(at: AppTest, column: str):
    """The shown table that has this column (AppTest does not expose a dataframe's key)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) <= 1
    return found[0] if found else None


def _recent(at: AppTest):
    return _table_with(at, "when (UTC)")


def _pending(at: AppTest):
    return _table_with(at, "queued (UTC)")


def _local_lines(tmp_path) -> list[dict]:
    path = tmp_path / "data" / "checkins"
    files = list(path.glob("*.jsonl")) if path.exists() else []
    return [json.loads(line) for f in files for line in f.read_text().splitlines()]


# -- before anyone types -------------------------------------------------------------------


def test_the_sample_says_where_checkins_go_and_lists_every_initiative(tmp_path, monkeypatch):
    at = _open(tmp_path, monkeypatch, source="sample")
    shown = texts(at)
    assert "check\\-ins are saved on this server" in shown
    assert "The bundled sample itself is not changed" in shown
    with SAMPLE_INITIATIVES.open(newline="", encoding="utf-8") as handle:
        ids = [row["id"] for row in csv.DictReader(handle)]
    options = at.selectbox(key="check_in_initiative").options
    assert sorted(option.rsplit(" · ", 1)[1] for option in options) == sorted(ids)
    assert at.selectbox(key="check_in_initiative").value is None


def test_a_viewer_only_account_is_told_to_grant_editor_before_typing(
    sheets_emulator: FakeSheets, gsheets_workdir
):
    sheets_emulator.fail(403, endpoints={"append"})
    at = _open_on_sheet()
    (warning,) = [w.value for w in at.warning if "Editor" in w.value]
    assert CLIENT_EMAIL.replace(".", "\\.").replace("-", "\\-") in warning
    assert "may read the sheet but not edit it" in warning


def test_an_editor_account_is_told_where_checkins_go(sheets_emulator: FakeSheets, gsheets_workdir):
    at = _open_on_sheet()
    assert any("appended to the CheckIns tab" in i.value for i in at.info)


# -- picking an initiative -----------------------------------------------------------------


def test_the_url_picks_the_initiative_and_shows_its_last_checkins(tmp_path, monkeypatch):
    at = _open(tmp_path, monkeypatch, tabs=WORKBOOK, query={"initiative": "AI-001"})
    assert at.selectbox(key="check_in_initiative").value == "AI-001"
    recent = _recent(at)
    assert recent["note"].tolist() == ["wider", "first pilot"]  # newest first
    shown = texts(at)
    assert "Now: reported Green, stage Rollout (from its latest check-in)" in shown
    form = check_in_form(at, "AI-001")
    assert (form["status"].value, form["stage"].value) == ("Green", "Rollout")


def test_picking_writes_the_url_and_filters_narrow_the_list(tmp_path, monkeypatch):
    at = _open(tmp_path, monkeypatch, tabs=WORKBOOK)
    assert at.selectbox(key="check_in_initiative").options == [
        "Invoice matching · Finance · AI-002",
        "Sales call notes · Sales · AI-003",
        "Support reply drafts · Support · AI-001",
    ]
    at.selectbox(key="check_in_initiative").set_value("AI-003").run()
    assert at.query_params["initiative"] == "AI-003"
    at.multiselect(key="sidebar_team").set_value(["Finance"]).run()
    assert at.selectbox(key="check_in_initiative").options == [
        "Invoice matching · Finance · AI-002"
    ]


# -- the form --------------------------------------------------------------------------------


def test_invalid_input_is_refused_and_the_form_keeps_it(tmp_path, monkeypatch):
    at = _open(tmp_path, monkeypatch, tabs=WORKBOOK, query={"initiative": "AI-002"})
    form = check_in_form(at, "AI-002")
    assert form["status"].value is None  # the row has no status
    form["users"].set_value("-3")
    form["note"].set_value("still checking")
    submit_check_in(at)
    (error,) = [e.value for e in at.error]
    assert "nothing was written" in error
    assert "Choose a status" in error
    assert "0 or more" in error
    form = check_in_form(at, "AI-002")
    assert (form["users"].value, form["note"].value) == ("-3", "still checking")
    assert _local_lines(tmp_path) == []


def test_a_checkin_is_saved_shown_at_once_and_wins_in_the_evidence(tmp_path, monkeypatch):
    at = _open(tmp_path, monkeypatch, tabs=WORKBOOK, query={"initiative": "AI-001"})
    form = check_in_form(at, "AI-001")
    form["status"].set_value("Red")
    form["stage"].set_value("Abandoned")
    form["users"].set_value("3")
    form["note"].set_value('=IMPORTXML("https://x.example", "//a")')
    form["author"].set_value("Dana")
    submit_check_in(at)

    (saved,) = _local_lines(tmp_path)
    assert {k: saved[k] for k in ("initiative_id", "reported_status", "stage", "active_users")} == {
        "initiative_id": "AI-001",
        "reported_status": "Red",
        "stage": "Abandoned",
        "active_users": 3,
    }
    assert saved["note"] == '=IMPORTXML("https://x.example", "//a")'
    assert any("Checked in: Support reply drafts" in s.value for s in at.success)

    recent = _recent(at)
    assert recent["note"].tolist()[0] == '=IMPORTXML("https://x.example", "//a")'
    assert recent["status"].tolist()[0] == "Red"
    assert len(recent) == 3
    shown = texts(at)
    assert "Now: reported Red, stage Abandoned (from its latest check-in)" in shown
    assert "the evidence says abandoned" in shown

    fresh = check_in_form(at, "AI-001", generation=1)  # an empty form for the next check-in
    assert (fresh["status"].value, fresh["stage"].value) == ("Red", "Abandoned")
    assert (fresh["users"].value, fresh["note"].value, fresh["author"].value) == ("", "", "Dana")


def test_presentation_mode_shows_teams_not_authors(tmp_path, monkeypatch):
    at = _open(tmp_path, monkeypatch, tabs=WORKBOOK, query={"initiative": "AI-001", "present": "1"})
    recent = _recent(at)
    assert "note" not in recent.columns
    assert set(recent["author"]) == {"Support team"}


# -- queued, then sent -----------------------------------------------------------------------


def test_a_failed_write_is_queued_kept_in_the_form_and_sent_once(
    sheets_emulator: FakeSheets, gsheets_workdir
):
    at = _open_on_sheet(query={"initiative": "AI-002"})
    sheets_emulator.fail(503, endpoints={"append"})
    form = check_in_form(at, "AI-002")
    form["status"].set_value("Amber")
    form["users"].set_value("4")
    form["note"].set_value("+cmd stays text")
    submit_check_in(at)

    assert any("Not in the sheet yet" in w.value for w in at.warning)
    assert any("1 check-in waits on this server" in w.value for w in at.warning)
    pending = _pending(at)
    assert pending["initiative"].tolist() == ["AI-002"]
    form = check_in_form(at, "AI-002")
    assert (form["status"].value, form["users"].value) == ("Amber", "4")
    assert sheets_emulator.tabs["CheckIns"][1:] == []

    # Pressing Check in again sends the same check-in (same id): still one in the outbox.
    submit_check_in(at)
    assert len(_pending(at)) == 1

    sheets_emulator.heal()
    at.button(key="check_in_send_pending").click().run()
    assert not at.exception
    assert any("Sent 1 waiting check-in to the sheet" in s.value for s in at.success)
    rows = sheets_emulator.tabs["CheckIns"][1:]
    assert len(rows) == 1
    assert rows[0][2:] == ["AI-002", "", "Amber", "Adopted", 4, "+cmd stays text"]
    assert _pending(at) is None


# -- other workbooks -----------------------------------------------------------------------


def test_a_workbook_with_only_initiatives_still_takes_a_checkin(tmp_path, monkeypatch):
    tabs = {"Initiatives": WORKBOOK["Initiatives"]}
    at = _open(tmp_path, monkeypatch, tabs=tabs, query={"initiative": "AI-003"})
    assert "No check-in yet for this initiative" in texts(at)
    submit_check_in(at)
    assert [line["initiative_id"] for line in _local_lines(tmp_path)] == ["AI-003"]
    assert _recent(at)["status"].tolist() == ["Amber"]
