"""StatusHistory: recording a week once (files and the Sheets emulator), backfill from
CheckIns, reading it back, and a hand-edited tab read cell by cell.

The workbook below, as of Wed 25 Mar 2026 (the week of Mon 23 Mar):

| id   | row status/stage | check-ins                                          |
|------|------------------|----------------------------------------------------|
| AI-1 | Green / Pilot    | Mon 2 Mar Green/Pilot; Wed 18 Mar Amber (no stage)  |
| AI-2 | Amber / Rollout  | Tue 10 Mar Red/Stalled                              |

Backfill, worked out by hand: the weeks of 2, 9 and 16 Mar for AI-1 (Green/Pilot,
Green/Pilot, Amber/Pilot: the stage is carried from 2 Mar) and of 9 and 16 Mar for AI-2
(Red/Stalled twice). The week of 23 Mar itself is recorded, not derived: AI-1 Amber/Pilot
(its latest check-in), AI-2 Red/Stalled.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json

import pandas as pd
import pytest

import cli
from data_sources import checkins
from data_sources.config import SourceSpec
from data_sources.errors import CannotEdit
from data_sources.history import LocalHistory, record_history
from data_sources.loader import read_source
from portfolio import history, schema
from portfolio.evidence import assess
from portfolio.parse import parse_workbook
from tests.apptest_support import write_csv_workbook
from tests.conftest import raw_workbook
from tests.fake_sheets import CLIENT_EMAIL

AS_OF = pd.Timestamp("2026-03-25")
WEEK = pd.Timestamp("2026-03-23")
NOW = dt.datetime(2026, 3, 25, 8, 0, tzinfo=dt.UTC)
THREADS = 8
INITIATIVES = [
    ["id", "name", "team", "origin", "stage", "started", "reported_status", "last_update"],
    ["AI-1", "Reply bot", "Support", "Mandate", "Pilot", "2026-01-05", "Green", "2026-03-01"],
    ["AI-2", "Call notes", "Sales", "Grassroots", "Rollout", "2026-01-05", "Amber", "2026-03-01"],
]
CHECKINS = [
    ["checkin_id", "timestamp", "initiative_id", "author", "reported_status", "stage"],
    ["c1", "2026-03-02T09:00:00Z", "AI-1", "Dana", "Green", "Pilot"],
    ["c2", "2026-03-18T09:00:00Z", "AI-1", "Dana", "Amber", ""],
    ["c3", "2026-03-10T09:00:00Z", "AI-2", "Eli", "Red", "Stalled"],
]
SETTINGS = [["key", "value"], ["as_of", "2026-03-25"]]
TABS = {"Initiatives": INITIATIVES, "CheckIns": CHECKINS, "Settings": SETTINGS}
BACKFILLED = [
    ("2026-03-02", "AI-1", "Green", "Pilot"),
    ("2026-03-09", "AI-1", "Green", "Pilot"),
    ("2026-03-09", "AI-2", "Red", "Stalled"),
    ("2026-03-16", "AI-1", "Amber", "Pilot"),
    ("2026-03-16", "AI-2", "Red", "Stalled"),
]
THIS_WEEK = [("2026-03-23", "AI-1", "Amber", "Pilot"), ("2026-03-23", "AI-2", "Red", "Stalled")]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def file_spec(tmp_path) -> SourceSpec:
    return SourceSpec("file", str(write_csv_workbook(tmp_path / "book", TABS)))


def _portfolio(spec: SourceSpec):
    return parse_workbook(read_source(spec))


def _record(spec: SourceSpec, **kw):
    portfolio = _portfolio(spec) if spec.kind != "gsheets" else parse_workbook(raw_workbook(TABS))
    return record_history(
        spec, assess(portfolio, as_of=AS_OF), as_of=AS_OF, portfolio=portfolio, now=NOW, **kw
    )


def _facts(rows) -> list[tuple]:
    return [(r["week"], r["initiative_id"], r["reported_status"], r["stage"]) for r in rows]


# -- files ------------------------------------------------------------------------------


def test_a_second_record_in_the_same_week_writes_nothing(file_spec, data_dir):
    first = _record(file_spec)
    second = _record(file_spec)
    assert (first.week, first.appended, first.already) == (WEEK, 2, 0)
    assert (second.appended, second.already, second.already_recorded) == (0, 2, True)
    stored = LocalHistory(data_dir, checkins.target_key(file_spec)).all()
    assert _facts(stored) == THIS_WEEK
    assert {r["derived"] for r in stored} == {"no"}
    assert {r["recorded_at"] for r in stored} == {"2026-03-25T08:00:00Z"}
    assert [r["evidence"] for r in stored] == ["check-in", "check-in"]  # the verdicts' own
    assert "already recorded" in second.describe()


def test_overlapping_records_of_a_file_source_append_once(file_spec, data_dir):
    portfolio = _portfolio(file_spec)
    assessed = assess(portfolio, as_of=AS_OF)

    def run(_: int):
        return record_history(file_spec, assessed, as_of=AS_OF, portfolio=portfolio, now=NOW)

    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(run, range(THREADS)))
    assert sum(r.appended for r in results) == 2
    lines = (data_dir / "history" / f"{checkins.target_key(file_spec)}.jsonl").read_text()
    assert len(lines.splitlines()) == 2


def test_backfill_derives_past_weeks_from_checkins(file_spec, data_dir):
    result = _record(file_spec, backfill=True)
    assert (result.appended, result.derived) == (2, 5)
    stored = LocalHistory(data_dir, checkins.target_key(file_spec)).all()
    assert _facts(stored) == BACKFILLED + THIS_WEEK
    assert [r["derived"] for r in stored] == ["yes"] * 5 + ["no"] * 2
    # Verdicts of the time: AI-2's stage said Stalled; AI-1 was a young, fresh pilot.
    assert [r["verdict"] for r in stored[:3]] == ["unproven", "unproven", "stalled"]
    again = _record(file_spec, backfill=True)
    assert (again.appended, again.derived) == (0, 0)


def test_recorded_history_is_read_back_with_the_workbook(file_spec, data_dir):
    _record(file_spec, backfill=True)
    portfolio = _portfolio(file_spec)
    assert portfolio.has(schema.STATUS_HISTORY)
    at = history.history_at(portfolio.history, pd.Timestamp("2026-03-18"))  # a Wednesday
    assert at.loc["AI-1", "reported_status"] == "Amber"
    assert at.loc["AI-2", "stage"] == "Stalled"
    assert bool(at.loc["AI-1", "derived"]) is True
    assert history.recorded_weeks(portfolio.history) == [
        pd.Timestamp(d) for d in ("2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23")
    ]
    assert history.last_recorded_week(portfolio.history, before=AS_OF) == pd.Timestamp("2026-03-16")


def test_recorded_status_and_stage_replace_todays_and_the_verdict_is_recomputed(
    file_spec, data_dir
):
    _record(file_spec, backfill=True)
    portfolio = _portfolio(file_spec)
    then = pd.Timestamp("2026-03-08")
    recorded = history.as_recorded(portfolio, then)
    assert recorded.ids == {"AI-1"}  # AI-2 had no check-in yet in the week of 2 Mar
    verdicts = assess(recorded.portfolio, as_of=then)
    assert verdicts.loc["AI-1", ["reported_status", "stage", "verdict"]].tolist() == [
        "Green",
        "Pilot",
        "unproven",
    ]
    # Without a record, the row's status of today stands (AI-2 is Amber/Rollout on its row).
    assert verdicts.loc["AI-2", ["reported_status", "stage"]].tolist() == ["Amber", "Rollout"]


def test_cli_history_record_twice(file_spec, data_dir, capsys):
    assert cli.main(["history", "record", "--source", file_spec.location]) == 0
    assert "Recorded 2 initiatives for the week of 2026-03-23" in capsys.readouterr().out
    assert cli.main(["history", "record", "--source", file_spec.location]) == 0
    assert "The week of 2026-03-23 was already recorded" in capsys.readouterr().out
    code = cli.main(["history", "record", "--source", file_spec.location, "--as-of", "soon"])
    assert code == cli.EXIT_USAGE


# -- a hand-edited tab ------------------------------------------------------------------


def test_a_hand_edited_status_history_is_read_with_problems_by_cell():
    tabs = {
        "Initiatives": INITIATIVES,
        "Status History": [
            ["Week", "Initiative ID", "Status", "stage", "verdict"],
            ["2026-03-09", "AI-1", "Green", "Pilot", "unproven"],
            ["2026-13-16", "AI-1", "Green", "Pilot", "unproven"],  # month 13
            ["2026-03-11", "AI-1", "Amber", "Pilot", "unproven"],  # a Wednesday, same week
            ["2026-03-16", "AI-2", "Greeen", "Stalled", "stuck"],
        ],
    }
    portfolio = parse_workbook(raw_workbook(tabs))
    by_cell = {p.cell: p.message for p in portfolio.problems}
    assert by_cell["Status History!A3"].startswith('"2026-13-16" is not a date')
    assert by_cell["Status History!A4"] == (
        "Wed 11 Mar 2026 is not a Monday; it is read as the week of 9 Mar 2026"
    )
    assert by_cell["Status History!B4"] == (
        '"AI-1" is recorded twice for the week of 9 Mar 2026 (first in Status History!B2); '
        "the first row counts"
    )
    assert by_cell["Status History!C5"].startswith('"Greeen" is not a status')
    assert by_cell["Status History!E5"].startswith('"stuck" is not a verdict')
    assert len(portfolio.history) == 4  # every row stays
    at = history.history_at(portfolio.history, "2026-03-09")
    assert at["reported_status"].tolist() == ["Green"]  # the first of the repeated week


def test_a_status_history_without_its_id_column_is_an_error_not_a_crash():
    tabs = {"Initiatives": INITIATIVES, "StatusHistory": [["week", "status"], ["2026-03-09", "G"]]}
    portfolio = parse_workbook(raw_workbook(tabs))
    missing = [p for p in portfolio.problems if p.column == "initiative_id"]
    assert missing[0].cell == "StatusHistory" and missing[0].severity == "error"
    assert history.history_at(portfolio.history, "2026-03-09").empty


# -- the Google Sheet (emulator) ----------------------------------------------------------


def _history_appends(sheets) -> list[dict]:
    return [c for c in sheets.append_calls if c["tab"] == schema.STATUS_HISTORY]


def test_the_sheet_gets_its_tab_and_one_append_per_week(sheets_emulator, sheet_spec, data_dir):
    first = _record(sheet_spec)
    second = _record(sheet_spec)
    assert first.created and (first.appended, second.appended, second.already) == (2, 0, 2)
    rows = sheets_emulator.tabs[schema.STATUS_HISTORY]
    assert rows[0] == list(history.COLUMNS)
    assert [tuple(r[:4]) for r in rows[1:]] == THIS_WEEK
    assert [r[-2:] for r in rows[1:]] == [["2026-03-25T08:00:00Z", "no"]] * 2
    appends = _history_appends(sheets_emulator)
    assert len(appends) == 1
    assert appends[0]["valueInputOption"] == "RAW"


def test_a_viewer_account_is_told_how_to_grant_the_edit_right(
    sheets_emulator, sheet_spec, data_dir
):
    sheets_emulator.fail(403, endpoints={"batchUpdate"})
    with pytest.raises(CannotEdit) as caught:
        _record(sheet_spec)
    message = str(caught.value)
    assert f"{CLIENT_EMAIL} may read the sheet but not edit it" in message
    assert "Editor role" in message and "StatusHistory" in message
    assert schema.STATUS_HISTORY not in sheets_emulator.tabs


def test_local_history_ignores_damaged_lines(file_spec, data_dir):
    store = LocalHistory(data_dir, checkins.target_key(file_spec))
    store.path.parent.mkdir(parents=True)
    store.path.write_text('{"week": "2026-03-16", "initiative_id": "AI-1"}\nnot json\n')
    result = _record(file_spec)
    assert result.appended == 2
    text = store.path.read_text()
    assert "not json" in text  # kept verbatim, never dropped
    assert [json.loads(line)["week"] for line in text.splitlines() if line.startswith("{")] == [
        "2026-03-16",
        "2026-03-23",
        "2026-03-23",
    ]


def _filled_rows(sheets) -> list[list]:
    rows = sheets.tabs[schema.STATUS_HISTORY][1:]
    return [r for r in rows if any(c not in ("", None) for c in r)]


def test_a_run_that_lands_between_our_read_and_our_append_keeps_its_rows_and_ours_go(
    sheets_emulator, sheet_spec, tmp_path
):
    """Another machine's run appends after our last read and before our append: after
    appending, we read again, find our rows repeat its earlier ones, and clear ours."""
    from data_sources.google_sheet import GoogleSheetSource

    portfolio = parse_workbook(raw_workbook(TABS))
    assessed = assess(portfolio, as_of=AS_OF)
    other: list = []

    class Interrupted(GoogleSheetSource):
        def append_rows_at(self, tab, rows):
            if not other:
                other.append(
                    record_history(
                        sheet_spec, assessed, as_of=AS_OF, data_dir=tmp_path / "b", now=NOW
                    )
                )
            return super().append_rows_at(tab, rows)

    ours = record_history(
        sheet_spec,
        assessed,
        as_of=AS_OF,
        data_dir=tmp_path / "a",
        now=NOW,
        source=Interrupted(sheet_spec.gsheets),
    )
    assert (other[0].appended, ours.appended, ours.already) == (2, 0, 2)
    assert len(_history_appends(sheets_emulator)) == 2
    assert [c for c in sheets_emulator.clear_calls if "StatusHistory" in c] == [
        "'StatusHistory'!A4:I5"
    ]
    assert [tuple(r[:4]) for r in _filled_rows(sheets_emulator)] == THIS_WEEK


@pytest.mark.parametrize("shared_lock", [True, False], ids=["one machine", "two machines"])
def test_overlapping_runs_on_the_sheet_leave_one_row_per_initiative(
    sheets_emulator, sheet_spec, tmp_path, shared_lock
):
    portfolio = parse_workbook(raw_workbook(TABS))
    assessed = assess(portfolio, as_of=AS_OF)
    sheets_emulator.tabs[schema.STATUS_HISTORY] = [list(history.COLUMNS)]

    def run(n: int):
        folder = tmp_path / ("data" if shared_lock else f"machine-{n}")
        return record_history(sheet_spec, assessed, as_of=AS_OF, data_dir=folder, now=NOW)

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run, range(4)))
    assert sum(r.appended for r in results) == 2
    assert [tuple(r[:4]) for r in _filled_rows(sheets_emulator)] == THIS_WEEK
    if shared_lock:
        assert len(_history_appends(sheets_emulator)) == 1


# -- the Verdicts tab ---------------------------------------------------------------------

VERDICT_ROWS = [
    ["id", "name", "team", "verdict", "evidence", "reason", "as_of"],
    ["AI-1", "Reply bot", "Support", "unproven", "check-in",
     "No usage logged yet; last updated 7 days ago",
     "2026-03-25"],
    ["AI-2", "Call notes", "Sales", "stalled", "check-in", "Stage says Stalled", "2026-03-25"],
]  # fmt: skip


def test_record_rewrites_the_verdicts_tab_whole_and_no_team_tab(
    sheets_emulator, sheet_spec, data_dir
):
    teams_tabs = {k: [list(r) for r in v] for k, v in sheets_emulator.tabs.items()}
    result = _record(sheet_spec)
    assert result.verdicts is not None and result.verdicts.created
    assert sheets_emulator.tabs["Verdicts"] == VERDICT_ROWS
    writes = [c for c in sheets_emulator.update_calls if c["tab"] == "Verdicts"]
    assert [(c["range"], c["valueInputOption"]) for c in writes] == [("'Verdicts'!A1", "RAW")]
    assert writes[0]["values"] == VERDICT_ROWS
    assert "'Verdicts'!A4:G" in sheets_emulator.clear_calls
    # A week later AI-2 has left the sheet: its row leaves the tab too.
    sheets_emulator.tabs["Verdicts"].append(["AI-9", "gone", "x", "stalled", "", "", ""])
    one = parse_workbook(raw_workbook({**TABS, "Initiatives": INITIATIVES[:2]}))
    later = pd.Timestamp("2026-04-01")
    again = record_history(sheet_spec, assess(one, as_of=later), as_of=later, now=NOW)
    assert not again.verdicts.created and again.verdicts.rows == 1
    rows = [r for r in sheets_emulator.tabs["Verdicts"] if any(c not in ("", None) for c in r)]
    assert [r[0] for r in rows] == ["id", "AI-1"] and rows[1][-1] == "2026-04-01"
    # The teams' tabs are as they were: nothing but StatusHistory and Verdicts was written.
    for tab, cells in teams_tabs.items():
        assert sheets_emulator.tabs[tab] == cells
    written = {c["tab"] for c in sheets_emulator.update_calls + sheets_emulator.append_calls}
    assert written == {"StatusHistory", "Verdicts"}
    requests = [r for call in sheets_emulator.batch_update_calls for r in call]
    assert requests == [
        {"addSheet": {"properties": {"title": "StatusHistory"}}},
        {"addSheet": {"properties": {"title": "Verdicts"}}},
    ]


def test_a_failed_verdicts_write_keeps_the_recorded_week_and_says_why(
    sheets_emulator, sheet_spec, data_dir
):
    sheets_emulator.tabs["StatusHistory"] = [list(history.COLUMNS)]
    sheets_emulator.tabs["Verdicts"] = [["id"]]
    sheets_emulator.fail(403, endpoints={"update"})
    result = _record(sheet_spec)
    assert result.appended == 2 and result.verdicts is None
    assert "Editor role" in str(result.verdicts_error)
    assert "Verdicts" in str(result.verdicts_error)


def test_cli_history_record_on_the_sheet(gsheets_workdir, sheets_emulator, capsys):
    assert cli.main(["history", "record", "--as-of", "2026-06-03"]) == 0
    out = capsys.readouterr().out
    assert "Added the StatusHistory tab to the sheet." in out
    assert "Recorded 3 initiatives for the week of 2026-06-01 in the StatusHistory tab" in out
    assert "Added and wrote the Verdicts tab: 3 initiatives." in out
    assert cli.main(["history", "record", "--as-of", "2026-06-05"]) == 0
    out = capsys.readouterr().out
    assert "The week of 2026-06-01 was already recorded (3 initiatives); nothing written." in out
    assert "Rewrote the Verdicts tab: 3 initiatives." in out
    sheets_emulator.fail(403)
    assert cli.main(["history", "record"]) == cli.EXIT_USAGE
    assert f"not shared with {CLIENT_EMAIL}" in capsys.readouterr().err


# -- reading it back for the pages ---------------------------------------------------------


def _statuses(*pairs: tuple[str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "week": pd.to_datetime([w for w, _ in pairs]),
            "reported_status": pd.array([s for _, s in pairs], dtype="string"),
            "derived": pd.array([False] * len(pairs), dtype="boolean"),
        }
    )


def _weeks(*users: int | None) -> pd.DataFrame:
    weeks = pd.date_range("2026-03-02", periods=len(users), freq="7D")
    return pd.DataFrame(
        {
            "week": weeks,
            "active_users": [u or 0 for u in users],
            "logged": [u is not None for u in users],
        }
    )


@pytest.mark.parametrize(
    ("statuses", "users", "sentence"),
    [
        # Amber, then Green from 9 Mar: 40 then, the last logged week (23 Mar: 12) now
        (
            (("2026-03-02", "Amber"), ("2026-03-09", "Green"), ("2026-03-23", "Green")),
            (50, 40, 30, 12, None),
            "Green since 9 Mar while weekly users fell from 40 to 12",
        ),
        (
            (("2026-03-09", "Green"),),
            (5, 6, 9),
            "Green since 9 Mar while weekly users rose from 6 to 9",
        ),
        ((("2026-03-09", "Red"),), (5, 7, 7), "Red since 9 Mar while weekly users stayed at 7"),
        ((("2026-03-09", "Green"),), (), "Green since 9 Mar, with no usage logged"),
        # a week recorded with no status ends the run: nothing to say
        ((("2026-03-09", "Green"), ("2026-03-16", None)), (5, 6), None),
        # a record after the as-of week does not count
        ((("2026-04-27", "Green"),), (5, 6), None),
    ],
)
def test_describe_status_run(statuses, users, sentence):
    as_of = pd.Timestamp("2026-03-25")
    assert history.describe_status_run(_statuses(*statuses), _weeks(*users), as_of=as_of) == (
        sentence
    )


def test_weeks_with_status_marks_the_recorded_weeks_only():
    statuses = _statuses(("2026-03-09", "Green"), ("2026-03-23", None))
    statuses.loc[1, "derived"] = True
    out = history.weeks_with_status(_weeks(1, 2, 3, 4), statuses)
    assert out["reported_status"].tolist()[1] == "Green"
    assert [s if isinstance(s, str) else None for s in out["reported_status"]] == [
        None,
        "Green",
        None,
        "No status",
    ]
    assert out["derived"].tolist() == [False, False, False, True]
    assert (out["week_end"] - out["week"]).dt.days.tolist() == [7, 7, 7, 7]


def test_a_hand_edited_tab_on_the_sheet_is_read_by_cell_and_recorded_around(
    gsheets_workdir, sheets_emulator, sheet_spec, capsys
):
    """Someone typed into StatusHistory: headers by other names, a date typed as a date (a
    serial number to the API), a typo'd week and a repeat. doctor names each cell; the next
    record keeps every row and adds only what the week lacks."""
    sheets_emulator.tabs["StatusHistory"] = [
        ["Week of", "ID", "Status", "Stage"],
        [dt.date(2026, 6, 1), "AI-001", "Green", "Pilot"],  # this week, typed as a date
        ["2026-06-0l", "AI-002", "Green", "Adopted"],  # a letter l for a 1
        ["2026-06-03", "AI-001", "Amber", "Pilot"],  # a Wednesday: the same week again
    ]
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert 'StatusHistory!A3: "2026-06-0l" is not a date' in out
    assert "StatusHistory!A4: Wed 3 Jun 2026 is not a Monday" in out
    assert 'StatusHistory!B4: "AI-001" is recorded twice for the week of 1 Jun 2026' in out
    assert cli.main(["history", "record", "--as-of", "2026-06-03"]) == 0
    assert "Recorded 2 initiatives for the week of 2026-06-01" in capsys.readouterr().out
    rows = sheets_emulator.tabs["StatusHistory"]
    assert rows[0][:4] == ["Week of", "ID", "Status", "Stage"]  # its own headers stay
    assert rows[0][4:] == ["verdict", "evidence", "recent_users", "recorded_at", "derived"]
    assert [r[1] for r in rows[1:]] == ["AI-001", "AI-002", "AI-001", "AI-002", "AI-003"]


def test_describe_recorded_counts_long_lists_and_compares_verdicts(file_spec, data_dir):
    _record(file_spec, backfill=True)
    portfolio = _portfolio(file_spec)
    recorded = history.as_recorded(portfolio, pd.Timestamp("2026-03-16"))
    before = assess(recorded.portfolio, as_of=pd.Timestamp("2026-03-16"))
    text = history.describe_recorded(recorded, before, ids={"AI-1", "AI-2"}, since="16 Mar")
    assert text == (
        "Statuses and stages on 16 Mar are those recorded in StatusHistory for the week of "
        "16 Mar for 2 of 2 initiatives (2 derived from check-ins): AI-1, AI-2."
    )
    many = {f"AI-{n}" for n in range(1, 12)}
    text = history.describe_recorded(recorded, before, ids=many, since="16 Mar")
    assert "for 2 of 11 initiatives (2 derived from check-ins): AI-1, AI-2; the others count" in (
        text
    )
