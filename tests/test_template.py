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
                "Initiatives": [["FY25 inventory"], ["Use Case", "Agency"], ["x", "y"]],
                "Mapping": [["kind", "field", "from", "to"], ["column", "team", "Agency", ""]],
            },
            ["Usage", "CheckIns", "DailyTools", "StatusHistory", "Settings"],
            [("Initiatives", 1, 2, "id", 15)],
        ),
    ],
)
def test_plan_init_adds_only_what_is_missing(tabs, new_tabs, writes):
    plan = plan_init(tabs)
    assert list(plan.new_tabs) == new_tabs
    got = [(w.tab, w.row, w.column, w.headers[0], len(w.headers)) for w in plan.headers]
    assert got == writes


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
    assert sheets_emulator.count("batchUpdate") == 1

    # the sheet still reads, with the same rows
    raw = source.fetch()
    assert parse_workbook(raw).initiatives["id"].tolist() == ["AI-001", "AI-002", "AI-003"]

    # a second run has nothing to do and writes nothing
    calls = len(sheets_emulator.update_calls)
    assert init_sheet(source).empty
    assert len(sheets_emulator.update_calls) == calls


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
    assert sheets_emulator.update_calls == []
    assert cli.main(["init-sheet"]) == cli.EXIT_OK
    assert "Added tab DailyTools" in capsys.readouterr().out
    assert cli.main(["init-sheet"]) == cli.EXIT_OK
    assert "Nothing to add" in capsys.readouterr().out


def test_cli_init_sheet_needs_a_google_sheet(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GROUNDTRUTH_SOURCE", "sample")
    assert cli.main(["init-sheet"]) == cli.EXIT_USAGE
    assert "init-sheet works on a Google Sheet" in capsys.readouterr().err


def test_dates_in_the_emulator_stay_typed_after_init(sheets_emulator, gsheets_settings):
    init_sheet(GoogleSheetSource(gsheets_settings))
    assert sheets_emulator.tabs["Initiatives"][1][5] == dt.date(2026, 3, 4)
