"""A damaged outbox line is reported and recovered where it can be, never dropped silently.

The outbox `outbox/<source>.jsonl` holds one check-in per line. A line cut short used to
vanish: `cli.py outbox` said "0 waiting" and exited 0, the Check in page said nothing and the
check-in never reached the sheet. The fixture outbox here has three lines:

1. c-1, whole (AI-001, Green, Pilot);
2. c-2, cut inside the check-in after its stage (nothing to send: a person types it again);
3. c-3, cut after the check-in, inside `queued_at` (the check-in itself is whole: recovered).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from data_sources import checkins
from data_sources.checkins import CheckIn, CheckInOutbox
from data_sources.config import SourceSpec
from tests.apptest_support import ROOT, start_app, texts
from tools.sheets_emulator import FakeSheets

pytestmark = pytest.mark.usefixtures("fresh_sheet_writers")

PAGE = "pages/check_in.py"


def _line(checkin_id: str, ident: str, status: str, stage: str) -> str:
    checkin = CheckIn(checkin_id, "2026-06-01T09:00:00Z", ident, status, stage, 7, "n", "Dana")
    record = {"checkin": checkin.to_dict(), "queued_at": "2026-06-01T09:00:00Z", "attempts": 1}
    return json.dumps(record, separators=(",", ":"))


WHOLE = _line("c-1", "AI-001", "Green", "Pilot")
CUT_INSIDE = _line("c-2", "AI-002", "Amber", "Rollout").split('"active_users"')[0]
CUT_AFTER = (
    _line("c-3", "AI-003", "Red", "Stalled").split('"queued_at":"2026-')[0] + '"queued_at":"2'
)


def _outbox(directory, spec: SourceSpec) -> CheckInOutbox:
    outbox = CheckInOutbox(directory, checkins.target_key(spec))
    outbox.path.parent.mkdir(parents=True, exist_ok=True)
    outbox.path.write_text(f"{WHOLE}\n{CUT_INSIDE}\n{CUT_AFTER}\n", encoding="utf-8")
    return outbox


def test_damaged_lines_are_listed_with_their_line_number_and_what_can_be_read(tmp_path, sheet_spec):
    outbox = _outbox(tmp_path, sheet_spec)
    assert [p.item.checkin_id for p in outbox.entries()] == ["c-1"]
    damaged = checkins.damaged(sheet_spec, data_dir=tmp_path)
    assert [(d.path, d.line) for d in damaged] == [(outbox.path, 2), (outbox.path, 3)]
    assert checkins.describe_damaged(damaged[0]) == (
        "cut off; what can be read: checkin_id c-2, timestamp 2026-06-01T09:00:00Z, "
        "initiative_id AI-002, reported_status Amber, stage Rollout (type it again on Check in)"
    )
    assert damaged[1].item.checkin_id == "c-3"
    assert checkins.describe_damaged(damaged[1]) == (
        "check-in c-3 for AI-003 (Red, Stalled) is whole and can be recovered"
    )


def test_a_line_that_is_json_but_no_checkin_is_damaged_too(tmp_path, sheet_spec):
    outbox = _outbox(tmp_path, sheet_spec)
    with outbox.path.open("a", encoding="utf-8") as handle:
        handle.write('{"checkin": {"initiative_id": "AI-9"}}\n[1, 2]\n')
    assert [d.line for d in checkins.damaged(sheet_spec, data_dir=tmp_path)] == [2, 3, 4, 5]


def test_sending_recovers_the_whole_checkin_and_keeps_the_cut_one(
    sheets_emulator: FakeSheets, tmp_path, sheet_spec
):
    outbox = _outbox(tmp_path, sheet_spec)
    report = checkins.send_pending(sheet_spec, data_dir=tmp_path)
    assert [d.line for d in report.recovered] == [3]
    assert report.sent == ("c-1", "c-3")
    assert [d.text for d in report.damaged] == [CUT_INSIDE]
    assert [row[0] for row in sheets_emulator.tabs["CheckIns"][1:]] == ["c-1", "c-3"]
    # The cut line stays in place; the recovered one is kept, verbatim, in the quarantine file.
    assert outbox.path.read_text(encoding="utf-8") == f"{CUT_INSIDE}\n"  # now line 1
    quarantine = checkins.quarantine_path(sheet_spec, data_dir=tmp_path)
    assert quarantine.read_text(encoding="utf-8") == f"{CUT_AFTER}\n"
    # A second send finds nothing to send and the cut line still there.
    again = checkins.send_pending(sheet_spec, data_dir=tmp_path)
    assert (again.sent, again.recovered, [d.line for d in again.damaged]) == ((), (), [1])


def test_a_recoverable_line_makes_a_retry_due(sheets_emulator, tmp_path, sheet_spec):
    outbox = CheckInOutbox(tmp_path, checkins.target_key(sheet_spec))
    outbox.path.parent.mkdir(parents=True)
    outbox.path.write_text(f"{CUT_AFTER}\n", encoding="utf-8")
    assert checkins.pending(sheet_spec, data_dir=tmp_path) == []
    assert checkins.retry_due(sheet_spec, data_dir=tmp_path)


def _cli(workdir, *args):
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "outbox", *args],
        cwd=workdir,
        env={**os.environ, "GROUNDTRUTH_DATA_DIR": str(workdir / "data")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_outbox_reports_damaged_lines_and_send_exits_non_zero_while_one_remains(
    sheets_emulator: FakeSheets, gsheets_workdir, sheet_spec
):
    outbox = _outbox(gsheets_workdir / "data", sheet_spec)
    listed = _cli(gsheets_workdir)
    assert listed.returncode == 5, listed.stderr
    assert "1 check-in(s) waiting" in listed.stdout
    assert f"2 damaged line(s) in {outbox.path}, kept in place (never deleted):" in listed.stdout
    assert "  line 2: cut off; what can be read: checkin_id c-2" in listed.stdout
    assert "  line 3: check-in c-3 for AI-003 (Red, Stalled) is whole" in listed.stdout
    assert sheets_emulator.tabs["CheckIns"][1:] == []

    sent = _cli(gsheets_workdir, "--send")
    assert sent.returncode == 5, sent.stderr
    quarantine = checkins.quarantine_path(sheet_spec, data_dir=gsheets_workdir / "data")
    recovered = "Recovered 1 check-in(s) from damaged lines; the lines were moved, as they were"
    assert f"{recovered}, to {quarantine}." in sent.stdout
    assert "Sent 2; 0 had already landed; 0 still waiting." in sent.stdout
    assert "1 damaged line(s) still need a person" in sent.stdout
    assert [row[0] for row in sheets_emulator.tabs["CheckIns"][1:]] == ["c-1", "c-3"]

    # The person types c-2 again and empties the line: the outbox is clean, exit 0.
    outbox.path.write_text("", encoding="utf-8")
    assert _cli(gsheets_workdir, "--send").returncode == 0


def test_check_in_page_names_the_damaged_lines_without_a_server_path(
    sheets_emulator: FakeSheets, gsheets_workdir, sheet_spec
):
    outbox = _outbox(gsheets_workdir / "data", sheet_spec)
    sheets_emulator.fail(503, endpoints={"append"})  # the sheet reads, but writes fail
    at = start_app(page=PAGE)
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert any(
        e.startswith(
            "1 damaged line in this server's outbox (line 1), kept, not deleted, and not "
            "sent as it is."
        )
        for e in errors
    ), errors
    shown = texts(at)
    # Loading the page sent nothing (writes fail) but recovered c-3: the cut line comes first.
    assert "line 1: cut off; what can be read\\: checkin\\_id c\\-2" in shown
    assert "Recovered 1 check-in from damaged lines of the outbox" in shown
    assert str(outbox.path) not in shown and str(gsheets_workdir) not in shown
    assert "2 check-ins wait on this server" in shown  # c-1 and the recovered c-3
