"""Sheet health page: problems by tab with A1 cells, rows read, missing tabs, stale rows by team.

The fixture is tests/workbooks.py's SHEET_WITH_PROBLEMS (its problems are listed there).
"""

from __future__ import annotations

import pytest

from tests.apptest_support import metric, run_app, texts
from tests.workbooks import INITIATIVE_HEADERS, INITIATIVE_ROWS, SHEET_WITH_PROBLEMS

PAGE = "pages/sheet_health.py"


def _tables(at) -> dict[str, object]:
    """Each table on the page, named by its first column (tab, cell, team, row)."""
    return {df.value.columns[0]: df.value for df in at.dataframe}


def test_problems_rows_missing_tabs_and_stale_rows(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=SHEET_WITH_PROBLEMS, page=PAGE)
    assert not at.exception
    assert at.subheader[0].value == (
        "4 things to fix in the sheet: 1 error, 3 warnings; 2 initiatives gone quiet"
    )
    assert metric(at, "Initiatives rows read") == "4"
    assert metric(at, "Errors") == "1"
    assert metric(at, "Warnings") == "3"
    assert metric(at, "Stale rows") == "2"

    problem_tables = [df.value for df in at.dataframe if df.value.columns[0] == "cell"]
    by_cell = {row["cell"]: row for table in problem_tables for row in table.to_dict("records")}
    assert set(by_cell) == {"Initiatives!I2", "Initiatives!G5", "Usage", "Usage!A3"}
    assert by_cell["Initiatives!I2"]["value as typed"] == "Greeen"
    assert by_cell["Initiatives!G5"]["value as typed"] == "sometime"
    assert by_cell["Usage"]["severity"] == "error"
    assert by_cell["Usage"]["value as typed"] == ""
    assert by_cell["Usage!A3"]["value as typed"] == "AI-9"
    assert all(row["how to fix"] for row in by_cell.values())
    # grouped by tab: one table for Initiatives, one for Usage
    assert [len(t) for t in problem_tables] == [2, 2]
    assert [e.label for e in at.main.expander] == [
        "Initiatives: 2 problems",
        "Usage: 2 problems (1 error)",
    ]

    tabs = _tables(at)["tab"].set_index("tab")
    assert tabs.loc["Initiatives", "rows read"] == 4
    assert tabs.loc["Initiatives", "blank rows skipped"] == 1
    assert tabs.loc["Usage", "rows read"] == 2
    assert not tabs.loc["CheckIns", "in the sheet"]
    assert tabs.loc["Initiatives", "unknown columns kept"] == "budget code"
    assert tabs.loc["Usage", "unknown columns kept"] == "people"

    shown = texts(at)
    assert "**No CheckIns tab.** With one (checkin_id, timestamp, initiative_id)" in shown
    assert "**No DailyTools tab.** With one (department, tool, frequency)" in shown
    assert "**No StatusHistory tab.** With one (week, initiative_id), Trends could compare" in (
        shown
    )
    assert "No Usage tab" not in shown
    assert "budget code: kept as text" in shown

    teams = _tables(at)["team"]
    assert teams.to_dict("records") == [
        {"team": "Finance", "stale rows": 2, "initiatives": 2, "share stale": 100.0}
    ]
    stale = _tables(at)["row"]
    assert stale[["row", "id", "days since"]].values.tolist() == [
        [5, "AI-3", 142],
        [3, "AI-2", 120],
    ]
    assert stale["owner"].tolist() == ["Cy Park", "Bo Chen"]


def test_presentation_mode_hides_owners(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=SHEET_WITH_PROBLEMS, page=PAGE, query={"present": "1"})
    assert not at.exception
    stale = _tables(at)["row"]
    assert stale["owner"].tolist() == ["Finance team", "Finance team"]
    assert "Cy Park" not in texts(at)


@pytest.mark.parametrize(
    ("query", "stale_rows"),
    [({"team": "Support"}, "0"), ({"team": "Finance"}, "2"), ({"origin": "Vendor"}, "0")],
)
def test_stale_rows_follow_the_filters(tmp_path, monkeypatch, query, stale_rows):
    at = run_app(tmp_path, monkeypatch, tabs=SHEET_WITH_PROBLEMS, page=PAGE, query=query)
    assert not at.exception
    assert metric(at, "Stale rows") == stale_rows
    # problems are about the sheet, whatever the filters
    assert metric(at, "Warnings") == "3"
    if stale_rows == "0":
        assert "has gone more than 45 days without an update" in texts(at)


def test_a_clean_sheet_says_so(tmp_path, monkeypatch):
    tabs = {
        "Initiatives": [INITIATIVE_HEADERS, *INITIATIVE_ROWS],
        "Settings": [["key", "value"], ["as_of", "2026-06-01"]],
    }
    at = run_app(tmp_path, monkeypatch, tabs=tabs, page=PAGE)
    assert not at.exception
    # AI-3 (1 Feb) and AI-6 (15 Jan) have gone quiet; nothing else is wrong
    assert at.subheader[0].value == "Nothing to fix: every cell was read; 2 initiatives gone quiet"
    shown = texts(at)
    assert "**No Usage tab.** With one (initiative_id, week, active_users)" in shown
    assert "Every cell was read, and every required column is there." in shown


def test_runs_on_the_sample(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, source="sample", page=PAGE)
    assert not at.exception
    assert metric(at, "Initiatives rows read") == "40"


def test_a_duplicated_id_is_listed_not_fatal(tmp_path, monkeypatch):
    usage = [["initiative_id", "week", "active_users"], ["AI-1", "2026-05-25", "12"]]
    initiatives = [row[:] for row in SHEET_WITH_PROBLEMS["Initiatives"]]
    initiatives[4][0] = "AI-2"  # row 5 repeats row 3's id
    tabs = {**SHEET_WITH_PROBLEMS, "Initiatives": initiatives, "Usage": usage}
    at = run_app(tmp_path, monkeypatch, tabs=tabs, page=PAGE)
    assert not at.exception
    assert metric(at, "Errors") == "1"
    # Both rows of the repeated id are quiet (last updates 10 Jan and 1 Feb: 142 and 120
    # days); each is listed with its own sheet row.
    stale = _tables(at)["row"]
    assert stale[["row", "id", "days since"]].values.tolist() == [
        [5, "AI-2", 142],
        [3, "AI-2", 120],
    ]
