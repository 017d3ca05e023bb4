"""import-usage into a Google Sheet, through the real gspread writer against the emulator:
one RAW append per run, the `source` header added once, no row edited, the latest import of a
week winning at read, and no user identity in the stored workbook, the requests or the
last good copy.
"""

from __future__ import annotations

import csv
import json

from data_sources.config import resolve_source
from data_sources.errors import SheetReadOnly
from data_sources.loader import forget_sources, load_workbook
from data_sources.usage_import import import_usage
from portfolio import metrics
from portfolio.parse import parse_workbook
from tests.fake_sheets import APPEND, UPDATE

PEOPLE = ("ana.souza@acme.example", "raj@acme.example", "li.wei@acme.example")
# Week of 2 Mar 2026 for AI-001: ana (twice), raj -> 2; week of 9 Mar: li -> 1
EVENTS = [
    ("created_at", "email", "initiative_id"),
    ("2026-03-02T08:00:00Z", PEOPLE[0], "AI-001"),
    ("2026-03-04T08:00:00Z", PEOPLE[0], "AI-001"),
    ("2026-03-05T08:00:00Z", PEOPLE[1], "AI-001"),
    ("2026-03-10T08:00:00Z", PEOPLE[2], "AI-001"),
]


def _log(tmp_path, rows=EVENTS):
    path = tmp_path / "copilot-log.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _spec(gsheets_workdir):
    from data_sources.config import read_secrets

    return resolve_source(secrets=read_secrets(), override="gsheets")


def _weekly(spec) -> dict[tuple[str, str], int]:
    forget_sources()
    portfolio = parse_workbook(load_workbook(spec).raw)
    per = metrics.weekly_active_users(portfolio, per_initiative=True)
    return {
        (r.initiative_id, r.week.strftime("%Y-%m-%d")): r.active_users for r in per.itertuples()
    }


def test_one_raw_append_and_the_source_header(gsheets_workdir, sheets_emulator, tmp_path):
    spec = _spec(gsheets_workdir)
    before = [list(r) for r in sheets_emulator.tabs["Usage"]]
    result = import_usage([_log(tmp_path)], fmt="events", spec=spec)
    assert result.written and result.where == "the Usage tab of the Google Sheet"
    appends = sheets_emulator.append_calls
    assert len(appends) == 1 and appends[0]["valueInputOption"] == "RAW"
    assert appends[0]["values"] == [
        ["AI-001", "2026-03-02", 2, "events:copilot-log.csv"],
        ["AI-001", "2026-03-09", 1, "events:copilot-log.csv"],
    ]
    # the header gains `source` in D1; the rows typed before are untouched
    usage = sheets_emulator.tabs["Usage"]
    assert usage[0] == ["initiative_id", "week", "active_users", "source"]
    assert usage[1:3] == before[1:3]
    assert [c["range"] for c in sheets_emulator.update_calls] == ["'Usage'!D1"]
    # the typed 14 of AI-001's week of 2 Mar gives way to the tool's 2
    assert _weekly(spec)[("AI-001", "2026-03-02")] == 2


def test_reimport_appends_again_but_counts_once(gsheets_workdir, sheets_emulator, tmp_path):
    spec = _spec(gsheets_workdir)
    import_usage([_log(tmp_path)], fmt="events", spec=spec)
    import_usage([_log(tmp_path, EVENTS[:2])], fmt="events", spec=spec)
    assert sheets_emulator.count(APPEND) == 2
    assert sheets_emulator.count(UPDATE) == 1  # the header is written once
    weekly = _weekly(spec)
    # second run: only ana in the week of 2 Mar -> 1 (latest wins); 9 Mar kept from the first
    assert weekly[("AI-001", "2026-03-02")] == 1
    assert weekly[("AI-001", "2026-03-09")] == 1


def test_a_viewer_account_is_told_to_ask_for_editor(gsheets_workdir, sheets_emulator, tmp_path):
    spec = _spec(gsheets_workdir)
    sheets_emulator.fail(403, endpoints={APPEND, UPDATE})
    try:
        import_usage([_log(tmp_path)], fmt="events", spec=spec)
    except SheetReadOnly as error:
        assert "may read the sheet but not edit it" in str(error)
    else:
        raise AssertionError("a 403 on the write must say so")


def test_no_identity_reaches_the_sheet_requests_or_the_copy(
    gsheets_workdir, sheets_emulator, tmp_path
):
    spec = _spec(gsheets_workdir)
    import_usage([_log(tmp_path)], fmt="events", spec=spec)
    load_workbook(spec)  # the app's read: writes the last good copy
    stored = json.dumps(
        [sheets_emulator.tabs, sheets_emulator.append_calls, sheets_emulator.update_calls],
        default=str,
    ).encode()
    written = [p for p in (gsheets_workdir / "data").rglob("*") if p.is_file()]
    assert any(p.parent.name == "snapshots" for p in written)
    for blob, where in [(stored, "the emulator"), *((p.read_bytes(), p) for p in written)]:
        for person in PEOPLE:
            assert person.encode() not in blob, f"{person} in {where}"
            assert person.split("@")[0].encode() not in blob, f"{person} in {where}"
