"""The template workbook and init-sheet: every tab, header and drop-down; nothing overwritten."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

import cli
from data_sources.files import read_upload
from data_sources.google_sheet import GoogleSheetSource
from data_sources.template import HeaderWrite, init_sheet, plan_init, template_bytes
from portfolio.parse import parse_workbook
from tests.conftest import raw_workbook

TABS = ["Initiatives", "Usage", "CheckIns", "DailyTools", "StatusHistory", "Settings", "Mapping"]


def _book() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(template_bytes()))


def _validations(sheet) -> dict[str, str]:
    """Column letter range -> the list's formula, for each data validation of a sheet."""
    return {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}


def test_the_template_has_every_tab_and_header():
    book = _book()
    assert book.sheetnames == TABS
    first = {name: [c.value for c in book[name][1]] for name in TABS}
    assert first["Initiatives"][:6] == ["id", "name", "team", "owner", "origin", "area"]
    assert len(first["Initiatives"]) == 17
    assert first["Usage"] == [
        "initiative_id",
        "week",
        "active_users",
        "measured_hours_saved",
        "source",
    ]
    assert first["DailyTools"] == ["department", "role", "tool", "frequency", "sanctioned"]
    assert first["Mapping"] == ["kind", "field", "from", "to"]
    assert first["Settings"] == ["key", "value"]
    keys = [row[0].value for row in book["Settings"].iter_rows(min_row=2)]
    assert keys[:3] == ["as_of", "mandate_date", "stale_after_days"]


@pytest.mark.parametrize(
    ("tab", "cells", "words"),
    [
        ("Initiatives", "E2:E2000", '"Mandate,Grassroots,Vendor"'),
        ("Initiatives", "H2:H2000", '"Green,Amber,Red"'),
        ("Initiatives", "I2:I2000", '"Idea,Pilot,Rollout,Adopted,Stalled,Reverted,Abandoned"'),
        ("CheckIns", "E2:E2000", '"Green,Amber,Red"'),
        ("DailyTools", "D2:D2000", '"Daily,Weekly,Monthly,Never"'),
        ("DailyTools", "E2:E2000", '"yes,no"'),
        ("Mapping", "A2:A2000", '"column,value,default"'),
    ],
)
def test_each_vocabulary_column_has_a_drop_down(tab, cells, words):
    assert _validations(_book()[tab])[cells] == words


def test_the_template_reads_back_without_a_problem():
    portfolio = parse_workbook(read_upload("template.xlsx", template_bytes()))
    assert portfolio.problems == []
    assert portfolio.tabs_present == frozenset(TABS)
    assert portfolio.rows_read["Initiatives"] == 0


@pytest.mark.parametrize(
    ("tabs", "new_tabs", "writes"),
    [
        # an alias counts as the header; the stray value in C2 pushes new headers to D
        (
            {
                "initiatives": [["ID", "Title"], ["A-1", "Bot", "stray"]],
                "Usage": [["initiative_id", "week", "users", "measured_hours_saved"]],
                "Check Ins": [["checkin_id"]],
                "DailyTools": [],
                "Settings": [["as_of", "2026-01-01"]],
                "Mapping": [],
            },
            ["StatusHistory"],
            [
                ("initiatives", 0, 3, "team", 15),
                ("Usage", 0, 4, "source", 1),
                ("Check Ins", 0, 1, "timestamp", 7),
                ("DailyTools", 0, 0, "department", 5),
            ],
        ),
        # a title row above the headers: headers go into the header row, not the title
        (
            {
                "Initiatives": [["FY25 inventory"], ["Use Case", "Agency", "Stage"], ["x", "y"]],
                "Mapping": [["kind", "field", "from", "to"], ["column", "team", "Agency", ""]],
            },
            ["Usage", "CheckIns", "DailyTools", "StatusHistory", "Settings"],
            [("Initiatives", 1, 3, "id", 14)],
        ),
    ],
)
def test_plan_init_adds_only_what_is_missing(tabs, new_tabs, writes):
    plan = plan_init(tabs)
    assert list(plan.new_tabs) == new_tabs
    got = [(w.tab, w.row, w.column, w.headers[0], len(w.headers)) for w in plan.headers]
    assert got == writes


@pytest.mark.parametrize(
    "rows",
    [
        [["id", "name"], ["AI-1", "Bot"]],
        [["FY25 inventory"], ["id", "name", "team"], ["AI-1", "Bot", "Ops"]],
        # one known header below a title is not enough to call it the header row
        [["FY25 inventory"], ["Use case title", "Bureau", "Stage"], ["x", "y", "Pilot"]],
        [[], ["Note: draft"], ["ID", "Name"], ["AI-1", "Bot"]],
    ],
)
def test_init_sheet_writes_headers_on_the_row_parse_reads_them_from(rows):
    (write,) = plan_init({"Initiatives": rows}).headers
    portfolio = parse_workbook(raw_workbook({"Initiatives": rows}))
    first_data_row = int(portfolio.initiatives["_row"].min())  # 1-based, right below
    assert write.row == first_data_row - 2


def test_a_header_write_names_its_range():
    assert HeaderWrite("Check Ins", 1, 27, ("x",)).a1 == "'Check Ins'!AB2"
    assert HeaderWrite("Bob's", 0, 0, ("x",)).a1 == "'Bob''s'!A1"


def _cells(tabs: dict) -> dict[tuple[str, int, int], object]:
    return {
        (tab, i, j): value
        for tab, rows in tabs.items()
        for i, row in enumerate(rows)
        for j, value in enumerate(row)
        if value not in (None, "")
    }


def test_init_sheet_adds_tabs_and_headers_and_never_overwrites(sheets_emulator, gsheets_settings):
    before = _cells(sheets_emulator.tabs)
    source = GoogleSheetSource(gsheets_settings)
    plan = init_sheet(source)
    assert list(plan.new_tabs) == ["DailyTools", "StatusHistory", "Mapping"]
    tabs = sheets_emulator.tabs
    assert tabs["Mapping"] == [["kind", "field", "from", "to"]]
    assert tabs["DailyTools"][0] == ["department", "role", "tool", "frequency", "sanctioned"]
    # Initiatives had 9 columns: id name team origin stage started annual_cost seats notes
    assert tabs["Initiatives"][0][9:] == [
        "owner",
        "area",
        "tool",
        "reported_status",
        "last_update",
        "target_users",
        "claimed_hours_saved_per_week",
        "reverted_to",
    ]
    assert tabs["Usage"][0] == [
        "initiative_id",
        "week",
        "active_users",
        "measured_hours_saved",
        "source",
    ]
    after = _cells(tabs)
    assert {k: after[k] for k in before} == before  # every cell that had data is unchanged
    assert all(call["valueInputOption"] == "RAW" for call in sheets_emulator.update_calls)
    assert sheets_emulator.count("batchUpdate") == 2  # the new tabs, then the drop-downs

    # the sheet still reads, with the same rows
    raw = source.fetch()
    assert parse_workbook(raw).initiatives["id"].tolist() == ["AI-001", "AI-002", "AI-003"]

    # a second run has nothing to add and writes no cell; its drop-downs replace the same ones
    calls = len(sheets_emulator.update_calls)
    rules = {tab: list(v) for tab, v in sheets_emulator.validations.items()}
    assert init_sheet(source).empty
    assert len(sheets_emulator.update_calls) == calls
    assert sheets_emulator.validations == rules


# After init-sheet on SMALL_WORKBOOK (tabs Initiatives 0, Usage 1, CheckIns 2, Settings 3, then
# the new DailyTools 4, StatusHistory 5, Mapping 6): Initiatives keeps its 9 columns, so
# origin is D, stage E, and the added reported_status lands in M (column 12).
DROP_DOWNS = [
    (0, 3, "origin", ["Mandate", "Grassroots", "Vendor"]),
    (0, 4, "stage", ["Idea", "Pilot", "Rollout", "Adopted", "Stalled", "Reverted", "Abandoned"]),
    (0, 12, "reported_status", ["Green", "Amber", "Red"]),
    (2, 4, "reported_status", ["Green", "Amber", "Red"]),
    (2, 5, "stage", ["Idea", "Pilot", "Rollout", "Adopted", "Stalled", "Reverted", "Abandoned"]),
    (4, 3, "frequency", ["Daily", "Weekly", "Monthly", "Never"]),
    (4, 4, "sanctioned", ["yes", "no"]),
    (5, 2, "reported_status", ["Green", "Amber", "Red"]),
    (5, 3, "stage", ["Idea", "Pilot", "Rollout", "Adopted", "Stalled", "Reverted", "Abandoned"]),
    (5, 4, "verdict", ["adopted", "unproven", "stalled", "reverted", "abandoned"]),
    (5, 8, "derived", ["yes", "no"]),
    (6, 0, "kind", ["column", "value", "default"]),
]


def test_init_sheet_sets_drop_downs_that_warn_on_every_vocabulary_column(
    sheets_emulator, gsheets_settings
):
    plan = init_sheet(GoogleSheetSource(gsheets_settings))
    assert [d.field for d in plan.dropdowns] == [f for _, _, f, _ in DROP_DOWNS]
    requests = sheets_emulator.batch_update_calls[-1]
    got = [
        (
            r["setDataValidation"]["range"]["sheetId"],
            r["setDataValidation"]["range"]["startColumnIndex"],
            [v["userEnteredValue"] for v in r["setDataValidation"]["rule"]["condition"]["values"]],
        )
        for r in requests
    ]
    assert got == [(sheet, column, words) for sheet, column, _, words in DROP_DOWNS]
    assert requests[0] == {
        "setDataValidation": {
            "range": {
                "sheetId": 0,
                "startRowIndex": 1,
                "startColumnIndex": 3,
                "endColumnIndex": 4,
            },
            "rule": {
                "condition": {
                    "type": "ONE_OF_LIST",
                    "values": [
                        {"userEnteredValue": "Mandate"},
                        {"userEnteredValue": "Grassroots"},
                        {"userEnteredValue": "Vendor"},
                    ],
                },
                "inputMessage": "One of: Mandate, Grassroots, Vendor",
                "strict": False,
                "showCustomUi": True,
            },
        }
    }
    assert len(sheets_emulator.validations["Initiatives"]) == 3


def test_drop_downs_sit_below_a_title_row_and_follow_the_sheets_own_headers(
    sheets_emulator, gsheets_settings
):
    sheets_emulator.tabs["Initiatives"] = [
        ["FY26 AI inventory"],
        ["Use case", "Agency", "RAG", "Phase"],
        ["Bot", "Support", "Green", "Pilot"],
    ]
    sheets_emulator.tabs["Mapping"] = [
        ["kind", "field", "from", "to"],
        ["column", "name", "Use case", ""],
        ["column", "team", "Agency", ""],
    ]
    plan = init_sheet(GoogleSheetSource(gsheets_settings))
    mine = [(d.tab, d.field, d.column, d.row) for d in plan.dropdowns if d.tab == "Initiatives"]
    # RAG and Phase are aliases of reported_status and stage; the missing headers go right
    # of them in template order (id in E, owner in F), so origin lands in G.
    assert mine == [
        ("Initiatives", "reported_status", 2, 1),
        ("Initiatives", "stage", 3, 1),
        ("Initiatives", "origin", 6, 1),
    ]
    assert sheets_emulator.tabs["Initiatives"][2] == ["Bot", "Support", "Green", "Pilot"]


def test_cli_template_writes_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "gt.xlsx"
    assert cli.main(["template", str(out)]) == cli.EXIT_OK
    assert openpyxl.load_workbook(out).sheetnames == TABS
    assert cli.main(["template", str(out)]) == cli.EXIT_USAGE
    assert "already exists" in capsys.readouterr().err
    assert cli.main(["template", str(out), "--force"]) == cli.EXIT_OK
    assert cli.main(["template", str(tmp_path / "gt.csv")]) == cli.EXIT_USAGE


def test_cli_init_sheet_dry_run_then_for_real(gsheets_workdir, sheets_emulator, capsys):
    assert cli.main(["init-sheet", "--dry-run"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "Would add tab Mapping with headers kind, field, from, to" in out
    assert "Would add headers measured_hours_saved, source at 'Usage'!D1" in out
    assert "Would set drop-down Initiatives!M2:M for reported_status (Green, Amber, Red)" in out
    assert sheets_emulator.update_calls == []
    assert sheets_emulator.batch_update_calls == []
    assert cli.main(["init-sheet"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "Added tab DailyTools" in out
    assert "Set drop-down DailyTools!D2:D for frequency (Daily, Weekly, Monthly, Never)" in out
    assert cli.main(["init-sheet"]) == cli.EXIT_OK
    assert "Nothing to add" in capsys.readouterr().out


def test_cli_init_sheet_needs_a_google_sheet(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GROUNDTRUTH_SOURCE", "sample")
    assert cli.main(["init-sheet"]) == cli.EXIT_USAGE
    assert "init-sheet works on a Google Sheet" in capsys.readouterr().err


def test_cli_init_sheet_says_why_the_secrets_cannot_be_read(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("GROUNDTRUTH_SOURCE", raising=False)
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text("[connections.gsheets\n", encoding="utf-8")
    assert cli.main(["init-sheet"]) == cli.EXIT_USAGE
    assert "secrets.toml is not valid TOML" in capsys.readouterr().err


def test_dates_in_the_emulator_stay_typed_after_init(sheets_emulator, gsheets_settings):
    init_sheet(GoogleSheetSource(gsheets_settings))
    assert sheets_emulator.tabs["Initiatives"][1][5] == dt.date(2026, 3, 4)
