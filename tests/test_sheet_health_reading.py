"""Sheet health reads like the rest of the app: headers it calls known are read, one percent
format, one date format.

As of 1 Jun 2026, stale after 45 days. The name column is headed "Initiative Name" (read
without a mapping). Ops has 3 initiatives, 1 quiet since 1 Feb (120 days): 1 of 3 = 33%;
Sales has 2, 1 quiet since 2 Mar (91 days): 1 of 2 = 50%.
"""

from __future__ import annotations

import json

import pytest

from portfolio import headers, schema, suggestions
from tests.apptest_support import run_app_once, texts
from tests.conftest import raw_workbook

PAGE = "pages/sheet_health.py"
INITIATIVES = [
    ["id", "Initiative Name", "team", "origin", "stage", "started", "last_update"],
    ["AI-1", "Ticket bot", "Ops", "Grassroots", "Pilot", "2026-01-05", "2026-02-01"],
    ["AI-2", "Shift notes", "Ops", "Mandate", "Pilot", "2026-05-04", "2026-05-25"],
    ["AI-3", "Rota helper", "Ops", "Mandate", "Pilot", "2026-05-04", "2026-05-25"],
    ["AI-4", "Lead scoring", "Sales", "Vendor", "Pilot", "2026-01-05", "2026-03-02"],
    ["AI-5", "Call notes", "Sales", "Vendor", "Pilot", "2026-05-04", "2026-05-25"],
]
TABS = {
    "Initiatives": INITIATIVES,
    "Settings": [["key", "value"], ["as_of", "2026-06-01"], ["stale_after_days", "45"]],
}


# The tests read one run of the page on TABS, in one test process.
READS_TABS = pytest.mark.xdist_group("sheet-health-reading")


@pytest.fixture(scope="module")
def on_tabs(tmp_path_factory):
    return run_app_once(tmp_path_factory, tabs=TABS, page=PAGE)


def _config(table) -> dict:
    """The column configuration the browser gets for a table (formats, labels)."""
    return json.loads(table.proto.columns)


def _table(at, first_column: str):
    return next(df for df in at.dataframe if df.value.columns[0] == first_column)


@READS_TABS
def test_initiative_name_is_read_without_a_mapping(on_tabs):
    at = on_tabs
    assert not at.exception
    shown = texts(at)
    assert '"name"' not in shown
    assert "Initiative Name" not in shown  # not listed as a column the contract does not know
    rows = _table(at, "row").value
    assert rows["name"].tolist() == ["Ticket bot", "Lead scoring"]


@READS_TABS
def test_shares_are_whole_percents_and_dates_read_as_elsewhere(on_tabs):
    at = on_tabs
    teams = _table(at, "team")
    assert teams.value["team"].tolist() == ["Sales", "Ops"]
    assert teams.value["share stale"].round(2).tolist() == [50.0, 33.33]
    assert _config(teams)["share stale"]["type_config"]["format"] == "%.0f%%"  # 50%, 33%
    rows = _table(at, "row")
    assert _config(rows)["last sign of life"]["type_config"]["format"] == "D MMM YYYY"


def test_a_suggested_synonym_is_not_called_known():
    # "agency" is offered for team, for a person to confirm: it is not read on its own.
    raw = raw_workbook({"Initiatives": [["id", "name", "agency"], ["AI-1", "Bot", "Ops"]]})
    [row] = [r for r in suggestions.suggest_for(raw) if r.field == "team"]
    assert (row.source, row.why) == ("agency", "often used for this")
    assert "known" not in row.why


def test_no_header_is_both_an_alias_and_a_suggestion():
    for table in schema.TABLES.values():
        for column in table.columns:
            aliases = {schema.normalize(a) for a in (column.name, *column.aliases)}
            offered = {schema.normalize(s) for s in headers.COLUMN_SYNONYMS.get(column.name, ())}
            if table.name == schema.INITIATIVES:
                assert not aliases & offered, (column.name, aliases & offered)
