"""Tests for portfolio.parse: cells as people type them in -> typed values and problems out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portfolio import schema
from portfolio.mapping import ColumnMapping
from portfolio.model import ERROR, WARNING
from portfolio.parse import parse_workbook
from portfolio.readers import (
    parse_booleans,
    parse_choice,
    parse_dates,
    parse_money,
    parse_numbers,
    parse_text,
)
from portfolio.tab import MAX_CELL_PROBLEMS

NAT = None  # expected "missing" in the tables below

INITIATIVE_HEADER = ["id", "name", "team", "origin", "stage", "started"]


def _one(reader, cell, **kw):
    """Run a column reader on a single cell; returns (value or None, unreadable)."""
    values, bad = reader(pd.Series([cell], dtype=object), **kw)
    value = values.iat[0]
    return (None if pd.isna(value) else value), bool(bad.iat[0])


def _initiatives(*rows, header=INITIATIVE_HEADER):
    return {"Initiatives": [list(header), *[list(r) for r in rows]]}


def _row(i, **cells):
    """A valid Initiatives row for INITIATIVE_HEADER, with some cells overridden."""
    base = {
        "id": f"AI-{i}",
        "name": f"Initiative {i}",
        "team": "Support",
        "origin": "Grassroots",
        "stage": "Pilot",
        "started": "2026-01-05",
    }
    base.update(cells)
    return [base[h] for h in INITIATIVE_HEADER]


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected", "unreadable"),
    [
        ("2026-03-04", "2026-03-04", False),
        ("2026-3-4", "2026-03-04", False),
        ("2026-03-04T10:00:00", "2026-03-04", False),
        ("2026-03-04 10:00", "2026-03-04", False),
        ("2026-03-04T23:30:00Z", "2026-03-04", False),
        ("  2026-03-04  ", "2026-03-04", False),
        ("2026/03/04", "2026-03-04", False),
        ("3/4/2026", "2026-03-04", False),
        ("03/04/2026", "2026-03-04", False),
        ("12/31/2025", "2025-12-31", False),
        ("3/4/26", "2026-03-04", False),
        ("12/31/99", "1999-12-31", False),
        ("3/4/2026 10:00:00", "2026-03-04", False),
        ("4 Mar 2026", "2026-03-04", False),
        ("4 March 2026", "2026-03-04", False),
        ("04-Mar-2026", "2026-03-04", False),
        ("4-Mar-26", "2026-03-04", False),
        ("Wed, 4 Mar 2026", "2026-03-04", False),
        ("4th March 2026", "2026-03-04", False),
        ("March 4, 2026", "2026-03-04", False),
        ("Mar 4 2026", "2026-03-04", False),
        ("Sept 4, 2026", "2026-09-04", False),
        ("dec 1, 2025", "2025-12-01", False),
        # month precision, as in real inventories: the 1st of the month
        ("01/2024", "2024-01-01", False),
        ("Jul-25", "2025-07-01", False),  # Excel's mmm-yy
        ("March 2026", "2026-03-01", False),
        ("Sept-2025", "2025-09-01", False),
        ("13/2024", NAT, True),
        ("Jul 25", NAT, True),  # July 25th of which year?
        ("2025", NAT, True),  # a bare year is too vague for staleness
        # Sheets serial days since 1899-12-30: 45658 is 2025-01-01 (the Sheets UI says so),
        # and 46085 is 427 days later: 365 to 2026-01-01, then 31 + 28 + 3 to 4 March.
        (45658, "2025-01-01", False),
        (46085, "2026-03-04", False),
        (46085.0, "2026-03-04", False),
        (46085.75, "2026-03-04", False),
        ("46085", "2026-03-04", False),
        (np.int64(46085), "2026-03-04", False),
        (pd.Timestamp("2026-03-04 15:00"), "2026-03-04", False),
        ("", NAT, False),
        ("   ", NAT, False),
        (None, NAT, False),
        (float("nan"), NAT, False),
        ("soon", NAT, True),
        ("13/1/2026", NAT, True),  # month first: there is no 13th month
        ("2/30/2026", NAT, True),
        ("2026-02-30", NAT, True),
        ("1.3.2026", NAT, True),  # day-first with dots is ambiguous, so not guessed
        ("4 Foo 2026", NAT, True),
        ("Q3 2026", NAT, True),
        ("=TODAY()", NAT, True),
        (12, NAT, True),  # serial 12 would be 1900: a stray number, not a date
        ("12", NAT, True),
        (99999, NAT, True),
        ("9999-01-01", NAT, True),
        (True, NAT, True),
        ("2026-03-04 " + "x" * 100, NAT, True),
    ],
)
def test_parse_dates(cell, expected, unreadable):
    value, bad = _one(parse_dates, cell)
    assert (None if value is None else value.strftime("%Y-%m-%d")) == expected
    assert bad is unreadable


@pytest.mark.parametrize(
    ("cell", "expected", "unreadable"),
    [
        ("2026-03-04T10:30:00", "2026-03-04 10:30", False),
        ("2026-03-04 10:30", "2026-03-04 10:30", False),
        ("2026-03-04T10:00:00+02:00", "2026-03-04 08:00", False),  # read as UTC
        ("3/4/2026 2:15 PM", "2026-03-04 14:15", False),
        ("3/4/2026 12:05 am", "2026-03-04 00:05", False),
        ("3/4/2026 14:15:30", "2026-03-04 14:15", False),
        (46085.5, "2026-03-04 12:00", False),
        ("3/4/2026 13:00 pm", NAT, True),
        ("later", NAT, True),
    ],
)
def test_parse_dates_keeps_time_when_asked(cell, expected, unreadable):
    value, bad = _one(parse_dates, cell, normalize=False)
    assert (None if value is None else value.strftime("%Y-%m-%d %H:%M")) == expected
    assert bad is unreadable


def test_parse_dates_keeps_index_and_dtype():
    values = pd.Series(["2026-03-04", "nope", None], index=[10, 20, 30], name="started")
    dates, bad = parse_dates(values)
    assert str(dates.dtype) == "datetime64[ns]"
    assert list(dates.index) == [10, 20, 30]
    assert bad.tolist() == [False, True, False]


# --- money and numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected", "unreadable"),
    [
        ("$50,000", 50_000.0, False),
        ("50k", 50_000.0, False),
        ("50K", 50_000.0, False),
        ("50 k", 50_000.0, False),
        ("€1.2M", 1_200_000.0, False),
        ("1.5m", 1_500_000.0, False),
        ("2bn", 2_000_000_000.0, False),
        ("£3,400.50", 3_400.5, False),
        ("1,200", 1_200.0, False),
        ("1,234,567", 1_234_567.0, False),
        ("50000", 50_000.0, False),
        ("$ 50,000.00", 50_000.0, False),
        ("USD 300", 300.0, False),
        ("300 EUR", 300.0, False),
        ("300€", 300.0, False),
        ("-500", -500.0, False),
        (50_000, 50_000.0, False),
        (1234.5, 1234.5, False),
        ("", None, False),
        (None, None, False),
        ("(1,000)", None, True),
        ("1,2", None, True),  # not a thousands group: refuse rather than guess 12
        ("1.200,50", None, True),  # European notation would silently read as 1.2005
        ("fifty", None, True),
        ("$", None, True),
        ("50kk", None, True),
        ("TBD", None, True),
        (True, None, True),
        (float("inf"), None, True),
    ],
)
def test_parse_money(cell, expected, unreadable):
    assert _one(parse_money, cell) == (expected, unreadable)


def test_parse_money_dtype():
    amounts, _ = parse_money(pd.Series(["$1", None]))
    assert amounts.dtype == np.float64


@pytest.mark.parametrize(
    ("cell", "expected", "unreadable"),
    [
        ("1,234", 1234, False),
        ("12", 12, False),
        ("12.0", 12, False),
        (12.0, 12, False),
        (12, 12, False),
        (" 7 ", 7, False),
        ("-3", -3, False),
        ("+4", 4, False),
        ("0", 0, False),
        ("", None, False),
        (None, None, False),
        ("12.5", None, True),
        (12.5, None, True),
        ("ten", None, True),
        ("12 users", None, True),
        ("nan", None, True),
        ("inf", None, True),
        ("1,23", None, True),
        ("99999999999999999999", None, True),
        (True, None, True),
        ("=A1+1", None, True),
    ],
)
def test_parse_integers(cell, expected, unreadable):
    assert _one(parse_numbers, cell, integer=True) == (expected, unreadable)


@pytest.mark.parametrize(
    ("cell", "expected", "unreadable"),
    [
        ("2.5", 2.5, False),
        ("1,234.5", 1234.5, False),
        (".5", 0.5, False),
        (3, 3.0, False),
        ("12.5", 12.5, False),
        ("", None, False),
        ("2,5", None, True),
        ("2.5h", None, True),
        ("about 4", None, True),
    ],
)
def test_parse_numbers(cell, expected, unreadable):
    assert _one(parse_numbers, cell, integer=False) == (expected, unreadable)


def test_parse_numbers_dtypes():
    assert str(parse_numbers(pd.Series(["1"]), integer=True)[0].dtype) == "Int64"
    assert parse_numbers(pd.Series(["1"]), integer=False)[0].dtype == np.float64


# --- choices, booleans, text ---------------------------------------------------------------

STATUS = schema.TABLES[schema.INITIATIVES].column("reported_status")
STAGE = schema.TABLES[schema.INITIATIVES].column("stage")
ORIGIN = schema.TABLES[schema.INITIATIVES].column("origin")
FREQUENCY = schema.TABLES[schema.DAILY_TOOLS].column("frequency")


@pytest.mark.parametrize(
    ("column", "cell", "expected"),
    [
        (STATUS, "Green", "Green"),
        (STATUS, "green", "Green"),
        (STATUS, " GREEN ", "Green"),
        (STATUS, "🟢", "Green"),
        (STATUS, "🟢\ufe0f", "Green"),
        (STATUS, "🟢 Green", "Green"),
        (STATUS, "🟡", "Amber"),
        (STATUS, "🟠", "Amber"),
        (STATUS, "🔴", "Red"),
        (STATUS, "g", "Green"),
        (STATUS, "R", "Red"),
        (STATUS, "yellow", "Amber"),
        (STATUS, "On track", "Green"),
        (STATUS, "at-risk", "Amber"),
        (STATUS, "Off Track", "Red"),
        (STAGE, "pilot", "Pilot"),
        (STAGE, "POC", "Pilot"),
        (STAGE, "Proof of concept", "Pilot"),
        (STAGE, "In production", "Adopted"),
        (STAGE, "on hold", "Stalled"),
        (STAGE, "Rolled back", "Reverted"),
        (STAGE, "canceled", "Abandoned"),
        (STAGE, "Rolling out", "Rollout"),
        (ORIGIN, "top-down", "Mandate"),
        (ORIGIN, "Bottom up", "Grassroots"),
        (ORIGIN, "vendor-led", "Vendor"),
        (ORIGIN, "GRASSROOTS", "Grassroots"),
        (FREQUENCY, "every day", "Daily"),
        (FREQUENCY, "weekly", "Weekly"),
        (FREQUENCY, "rarely", "Monthly"),
        (FREQUENCY, "Never", "Never"),
    ],
)
def test_parse_choice_reads(column, cell, expected):
    assert _one(parse_choice, cell, column=column) == (expected, False)


@pytest.mark.parametrize(
    ("column", "cell"),
    [
        (STATUS, "Greeen"),
        (STATUS, "Blue"),
        (STATUS, "1"),
        (STATUS, 1),
        (STATUS, "🟢🔴"),
        (STATUS, "🟣"),
        (STAGE, "Piolt"),
        (ORIGIN, "Partner"),
        (FREQUENCY, "sometimes"),
    ],
)
def test_parse_choice_rejects(column, cell):
    assert _one(parse_choice, cell, column=column) == (None, True)


@pytest.mark.parametrize("cell", ["", "  ", None])
def test_parse_choice_blank_is_missing_not_a_problem(cell):
    assert _one(parse_choice, cell, column=STATUS) == (None, False)


def test_parse_choice_dtype():
    words, _ = parse_choice(pd.Series(["green", "x"]), STATUS)
    assert str(words.dtype) == "string"


@pytest.mark.parametrize(
    ("cell", "expected", "unreadable"),
    [
        ("yes", True, False),
        ("Yes", True, False),
        ("Y", True, False),
        ("TRUE", True, False),
        ("1", True, False),
        ("✓", True, False),
        ("✅", True, False),
        (True, True, False),
        (1, True, False),
        ("no", False, False),
        ("N", False, False),
        ("false", False, False),
        ("0", False, False),
        ("✗", False, False),
        (False, False, False),
        (0.0, False, False),
        ("", None, False),
        (None, None, False),
        ("maybe", None, True),
        ("2", None, True),
    ],
)
def test_parse_booleans(cell, expected, unreadable):
    assert _one(parse_booleans, cell) == (expected, unreadable)


def test_parse_booleans_dtype():
    assert str(parse_booleans(pd.Series(["yes"]))[0].dtype) == "boolean"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (" Support ", "Support"),
        ("", None),
        ("   ", None),
        (None, None),
        (14, "14"),
        (14.0, "14"),
        (2.5, "2.5"),
        (True, "TRUE"),
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
        ("=1+1", "=1+1"),
    ],
)
def test_parse_text(cell, expected):
    assert _one(parse_text, cell) == (expected, False)


# --- headers and tabs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tab", "header", "canonical"),
    [
        ("Initiatives", "Status", "reported_status"),
        ("Initiatives", "Reported_Status", "reported_status"),
        ("Initiatives", "RAG status", "reported_status"),
        ("Initiatives", "Owner email", "owner"),
        ("Initiatives", "OWNER", "owner"),
        ("Initiatives", "Last Updated", "last_update"),
        ("Initiatives", "Annual Spend", "annual_cost"),
        ("Initiatives", "Licences", "seats"),
        ("Initiatives", "claimed_hours_saved_per_week", "claimed_hours_saved_per_week"),
        ("Initiatives", "Went back to", "reverted_to"),
        ("Usage", "Week of", "week"),
        ("Usage", "WAU", "active_users"),
        ("Usage", "Initiative ID", "initiative_id"),
        ("DailyTools", "How often", "frequency"),
        ("DailyTools", "Company paid", "sanctioned"),
    ],
)
def test_header_aliases(make_raw, tab, header, canonical):
    portfolio = parse_workbook(make_raw({tab: [[header], ["x"]]}))
    assert canonical in portfolio.columns_present[tab]
    assert portfolio.unknown_columns[tab] == []


@pytest.mark.parametrize(
    ("header", "canonical"),
    [("Start Date", "started"), ("START_DATE", "started"), ("started on", "started")],
)
def test_header_aliases_carry_values(make_raw, header, canonical):
    raw = make_raw(_initiatives(["AI-1", "3/4/2026"], header=["id", header]))
    frame = parse_workbook(raw).initiatives
    assert frame.loc[0, canonical] == pd.Timestamp("2026-03-04")


@pytest.mark.parametrize(
    ("sheet_tab", "canonical"),
    [
        ("Initiatives", schema.INITIATIVES),
        ("initiatives", schema.INITIATIVES),
        (" INITIATIVES ", schema.INITIATIVES),
        ("checkins", schema.CHECKINS),
        ("Check Ins", schema.CHECKINS),
        ("Check-ins", schema.CHECKINS),
        ("daily_tools", schema.DAILY_TOOLS),
        ("Daily Tools", schema.DAILY_TOOLS),
        ("usage", schema.USAGE),
    ],
)
def test_tab_names_match_loosely(make_raw, sheet_tab, canonical):
    portfolio = parse_workbook(make_raw({sheet_tab: [["note"], ["x"]]}))
    assert canonical in portfolio.tabs_present
    assert portfolio.rows_read[canonical] == 1


def test_exact_tab_name_wins_and_the_other_is_reported(make_raw):
    header = ["initiative_id", "week", "active_users"]
    raw = make_raw({"usage ": [header], "Usage": [header, ["AI-1", "2026-03-02", 4]]})
    portfolio = parse_workbook(raw)
    assert portfolio.rows_read["Usage"] == 1
    assert [(p.cell, p.severity) for p in portfolio.problems if p.tab == "Usage"] == [
        ("usage ", WARNING)
    ]


def test_unknown_tabs_are_ignored(make_raw):
    portfolio = parse_workbook(make_raw({**_initiatives(_row(1)), "Scratch": [["a"], ["b"]]}))
    assert portfolio.tabs_present == frozenset({"Initiatives"})
    assert portfolio.problems == []


# --- a workbook typed the way people type ---------------------------------------------------

PEOPLE_HEADER = [
    "Initiative ID",  # A
    "Project",  # B
    "Department",  # C
    "Owner email",  # D
    "How it started",  # E
    "Phase",  # F
    "Start Date",  # G
    "Status",  # H
    "Annual Spend",  # I
    "Seats bought",  # J
    "Comments",  # K
    "Jira ticket",  # L: not in the contract
]
PEOPLE_ROWS = [
    [
        "AI-001",
        "Support triage bot",
        "Support",
        "ana@example.com",
        "Grassroots",
        "Pilot",
        "3/4/2026",
        "🟢",
        "$50,000",
        "40",
        "first",
        "OPS-1",
    ],
    [
        "AI-002",
        "Code review assistant",
        " Engineering ",
        "bo@example.com",
        "top-down",
        "Rolling out",
        "1/15/2026",
        "Greeen",
        "50k",
        120,
        "",
    ],
    ["", "  ", None],
    ["AI-003", "Invoice matcher", "Finance", "", "Mandate", "On hold", "4 Mar 2026"],
    [
        "AI-004",
        "Sales email drafts",
        "Sales",
        "cy@example.com",
        "vendor",
        "Adopted",
        45658,
        "🔴",
        "€1.2M",
        "12.5",
        "renewal in May",
        "",
    ],
]


@pytest.fixture
def people(make_raw):
    return parse_workbook(make_raw({"Initiatives": [PEOPLE_HEADER, *PEOPLE_ROWS]}))


def test_people_workbook_keeps_every_row(people):
    frame = people.initiatives
    assert people.rows_read["Initiatives"] == 4
    assert people.blank_rows["Initiatives"] == 1
    assert frame["_row"].tolist() == [2, 3, 5, 6]
    assert frame["id"].tolist() == ["AI-001", "AI-002", "AI-003", "AI-004"]


def test_people_workbook_values(people):
    frame = people.initiatives
    assert frame["team"].tolist() == ["Support", "Engineering", "Finance", "Sales"]
    assert frame["origin"].tolist() == ["Grassroots", "Mandate", "Mandate", "Vendor"]
    assert frame["stage"].tolist() == ["Pilot", "Rollout", "Stalled", "Adopted"]
    assert frame["started"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-03-04",
        "2026-01-15",
        "2026-03-04",
        "2025-01-01",
    ]
    assert frame["reported_status"].tolist() == ["Green", pd.NA, pd.NA, "Red"]
    assert frame["annual_cost"].tolist()[:2] == [50_000.0, 50_000.0]
    assert np.isnan(frame["annual_cost"].iat[2])
    assert frame["annual_cost"].iat[3] == 1_200_000.0
    assert frame["seats"].tolist() == [40, 120, pd.NA, pd.NA]
    assert frame["owner"].tolist() == ["ana@example.com", "bo@example.com", pd.NA, "cy@example.com"]
    assert frame["notes"].tolist() == ["first", pd.NA, pd.NA, "renewal in May"]


def test_people_workbook_problems_exactly(people):
    found = [(p.cell, p.column, p.raw, p.message, p.severity, p.fix) for p in people.problems]
    assert found == [
        (
            "Initiatives!H3",
            "reported_status",
            "Greeen",
            '"Greeen" is not a status (Green, Amber, Red)',
            WARNING,
            "Type one of Green, Amber, Red",
        ),
        (
            "Initiatives!J6",
            "seats",
            "12.5",
            '"12.5" is not a whole number',
            WARNING,
            "Type a whole number such as 12, without units",
        ),
    ]
    assert {p.tab for p in people.problems} == {"Initiatives"}


def test_people_workbook_unknown_and_present_columns(people):
    assert people.unknown_columns["Initiatives"] == ["Jira ticket"]
    assert people.initiatives["Jira ticket"].tolist() == ["OPS-1", pd.NA, pd.NA, pd.NA]
    assert people.columns_present["Initiatives"] == frozenset(
        {
            "id",
            "name",
            "team",
            "owner",
            "origin",
            "stage",
            "started",
            "reported_status",
            "annual_cost",
            "seats",
            "notes",
        }
    )
    assert people.has("Initiatives", "seats")
    assert not people.has("Initiatives", "tool")


def test_source_details_are_copied(people):
    assert (people.origin, people.kind) == ("test fixture", "file")
    assert people.fetched_at is not None and people.fetched_at.year == 2026


# --- frames and dtypes ---------------------------------------------------------------------

# The dtype portfolio.model documents for each kind of column, written out here by dtype
# (portfolio.readers.DTYPES holds the same by kind: this is the test's own expectation).
KINDS_BY_DTYPE = {
    "string": (schema.TEXT, schema.CHOICE),
    "datetime64[ns]": (schema.DATE, schema.TIMESTAMP),
    "float64": (schema.MONEY, schema.NUMBER),
    "Int64": (schema.INTEGER,),
    "boolean": (schema.BOOLEAN,),
}
EXPECTED_DTYPES = {kind: dtype for dtype, kinds in KINDS_BY_DTYPE.items() for kind in kinds}
FRAMES = {
    schema.INITIATIVES: "initiatives",
    schema.USAGE: "usage",
    schema.CHECKINS: "checkins",
    schema.DAILY_TOOLS: "daily_tools",
}


@pytest.mark.parametrize("tab", list(FRAMES))
@pytest.mark.parametrize("present", [True, False])
def test_frames_have_every_canonical_column_with_its_dtype(make_raw, tab, present):
    tabs = {tab: [["something else"], ["x"]]} if present else {}
    portfolio = parse_workbook(make_raw(tabs))
    frame = getattr(portfolio, FRAMES[tab])
    for column in schema.TABLES[tab].columns:
        assert str(frame[column.name].dtype) == EXPECTED_DTYPES[column.kind], column.name
    assert frame["_row"].dtype == np.int64
    assert (tab in portfolio.tabs_present) is present
    assert len(frame) == (1 if present else 0)


def test_missing_canonical_columns_are_all_missing(make_raw):
    frame = parse_workbook(make_raw(_initiatives(_row(1), _row(2)))).initiatives
    assert frame["seats"].isna().all()
    assert frame["last_update"].isna().all()
    assert len(frame) == 2


# --- structural problems ---------------------------------------------------------------------


def test_missing_initiatives_tab_is_an_error(make_raw):
    usage = [["initiative_id", "week", "active_users"], ["AI-1", "2026-03-02", 3]]
    portfolio = parse_workbook(make_raw({"Usage": usage}))
    errors = portfolio.errors
    assert [(p.tab, p.cell, p.severity) for p in errors] == [("Initiatives", "Initiatives", ERROR)]
    assert portfolio.initiatives.empty
    assert "Initiatives" not in portfolio.tabs_present
    # with no Initiatives to compare against, usage ids are not reported as unknown
    assert not any("is not an id" in p.message for p in portfolio.problems)


def test_empty_workbook(make_raw):
    portfolio = parse_workbook(make_raw({}))
    assert len(portfolio.errors) == 1
    assert portfolio.settings == schema.SETTINGS_DEFAULTS
    assert portfolio.rows_read == {}


@pytest.mark.parametrize("missing", ["id", "name", "team", "origin", "stage", "started"])
def test_missing_required_column_is_an_error(make_raw, missing):
    header = [h for h in INITIATIVE_HEADER if h != missing]
    row = [c for h, c in zip(INITIATIVE_HEADER, _row(1), strict=True) if h != missing]
    portfolio = parse_workbook(make_raw(_initiatives(row, header=header)))
    assert [(p.cell, p.column, p.severity) for p in portfolio.problems] == [
        ("Initiatives", missing, ERROR)
    ]
    assert portfolio.initiatives[missing].isna().all()
    assert portfolio.rows_read["Initiatives"] == 1


def test_optional_missing_columns_are_no_problem(make_raw):
    assert parse_workbook(make_raw(_initiatives(_row(1)))).problems == []


def test_empty_required_cell_is_a_warning_naming_the_cell(make_raw):
    raw = make_raw(_initiatives(_row(1), _row(2, name="  ")))
    problems = parse_workbook(raw).problems
    assert [(p.cell, p.column, p.severity) for p in problems] == [
        ("Initiatives!B3", "name", WARNING)
    ]


def test_duplicate_id_is_an_error_with_its_cell(make_raw):
    raw = make_raw(_initiatives(_row(1), _row(2), _row(1, name="Copy"), _row(1, name="Again")))
    portfolio = parse_workbook(raw)
    assert [(p.cell, p.raw, p.severity) for p in portfolio.problems] == [
        ("Initiatives!A4", "AI-1", ERROR),
        ("Initiatives!A5", "AI-1", ERROR),
    ]
    assert "Initiatives!A2" in portfolio.problems[0].message
    assert portfolio.rows_read["Initiatives"] == 4


def test_duplicate_checkin_id_is_an_error(make_raw):
    checkins = [
        ["checkin_id", "timestamp", "initiative_id", "reported_status"],
        ["c-1", "2026-03-04T10:00:00Z", "AI-1", "Green"],
        ["c-1", "2026-03-04T10:00:00Z", "AI-1", "Green"],
    ]
    portfolio = parse_workbook(make_raw({**_initiatives(_row(1)), "CheckIns": checkins}))
    assert [(p.cell, p.severity) for p in portfolio.problems] == [("CheckIns!A3", ERROR)]
    assert portfolio.checkins["timestamp"].iat[0] == pd.Timestamp("2026-03-04 10:00")


def test_usage_for_unknown_initiative_is_a_warning_and_rows_stay(make_raw):
    usage = [
        ["initiative_id", "week", "active_users"],
        ["AI-1", "2026-03-02", "5"],
        ["AI-9", "2026-03-02", "3"],
        ["AI-9", "2026-03-09", "2"],
    ]
    portfolio = parse_workbook(make_raw({**_initiatives(_row(1)), "Usage": usage}))
    assert [(p.cell, p.raw, p.severity) for p in portfolio.problems] == [
        ("Usage!A3", "AI-9", WARNING)
    ]
    assert "2 Usage rows" in portfolio.problems[0].message
    assert portfolio.usage["active_users"].tolist() == [5, 3, 2]


def test_duplicate_header_keeps_the_first_and_warns(make_raw):
    header = [*INITIATIVE_HEADER, "Status", "RAG"]
    raw = make_raw(_initiatives([*_row(1), "Green", "Red"], header=header))
    portfolio = parse_workbook(raw)
    assert portfolio.initiatives.loc[0, "reported_status"] == "Green"
    assert portfolio.initiatives.loc[0, "RAG"] == "Red"
    assert portfolio.unknown_columns["Initiatives"] == ["RAG"]
    assert [(p.cell, p.column, p.severity) for p in portfolio.problems] == [
        ("Initiatives!H1", "reported_status", WARNING)
    ]


def test_repeated_identical_header_gets_a_unique_name(make_raw):
    header = [*INITIATIVE_HEADER, "id"]
    portfolio = parse_workbook(make_raw(_initiatives([*_row(1), "AI-X"], header=header)))
    assert portfolio.unknown_columns["Initiatives"] == ["id (column G)"]
    assert portfolio.initiatives.loc[0, "id"] == "AI-1"
    assert portfolio.initiatives.loc[0, "id (column G)"] == "AI-X"


def test_blank_header_with_values_is_kept_and_warned(make_raw):
    header = [*INITIATIVE_HEADER, "", ""]
    raw = make_raw(_initiatives([*_row(1), "", "stray"], _row(2), header=header))
    portfolio = parse_workbook(raw)
    assert portfolio.unknown_columns["Initiatives"] == ["column H"]
    assert portfolio.initiatives["column H"].tolist() == ["stray", pd.NA]
    assert [(p.cell, p.severity) for p in portfolio.problems] == [("Initiatives!H1", WARNING)]
    assert "column G" not in portfolio.initiatives


def test_ragged_rows_shorter_and_longer_than_the_header(make_raw):
    raw = make_raw(_initiatives(_row(1)[:2], [*_row(2), "extra"], _row(3)))
    portfolio = parse_workbook(raw)
    frame = portfolio.initiatives
    assert portfolio.rows_read["Initiatives"] == 3
    assert frame["name"].tolist() == ["Initiative 1", "Initiative 2", "Initiative 3"]
    assert frame["team"].tolist() == [pd.NA, "Support", "Support"]
    assert frame["column G"].tolist() == [pd.NA, "extra", pd.NA]
    # the short row is missing its required cells: one warning per cell, C2 to F2
    short = [p.cell for p in portfolio.problems if p.cell.endswith("2")]
    assert short == ["Initiatives!C2", "Initiatives!D2", "Initiatives!E2", "Initiatives!F2"]


def test_blank_rows_anywhere_are_skipped_and_counted(make_raw):
    raw = make_raw(_initiatives([], _row(1), ["", None, "   "], [], _row(2), [None]))
    portfolio = parse_workbook(raw)
    assert portfolio.rows_read["Initiatives"] == 2
    assert portfolio.blank_rows["Initiatives"] == 4
    assert portfolio.initiatives["_row"].tolist() == [3, 6]


def test_header_only_tab(make_raw):
    portfolio = parse_workbook(make_raw(_initiatives()))
    assert portfolio.rows_read["Initiatives"] == 0
    assert portfolio.problems == []


def test_cells_typed_as_numbers_like_the_sheets_api_returns(make_raw):
    header = [*INITIATIVE_HEADER, "annual_cost", "seats", "claimed_hours_saved_per_week"]
    row = [14, "Bot", "Ops", "Vendor", "Adopted", 46085, 50000, 40.0, 2.5]
    frame = parse_workbook(make_raw(_initiatives(row, header=header))).initiatives
    assert frame.loc[0, "id"] == "14"
    assert frame.loc[0, "started"] == pd.Timestamp("2026-03-04")
    assert frame.loc[0, "annual_cost"] == 50_000.0
    assert frame.loc[0, "seats"] == 40
    assert frame.loc[0, "claimed_hours_saved_per_week"] == 2.5


def test_unreadable_date_problem_names_the_cell(make_raw):
    raw = make_raw(_initiatives(_row(1), _row(2, started="next spring")))
    [problem] = parse_workbook(raw).problems
    assert (problem.cell, problem.column, problem.raw) == (
        "Initiatives!F3",
        "started",
        "next spring",
    )
    assert problem.message.startswith('"next spring" is not a date')


def test_long_raw_values_are_shortened_in_messages_only(make_raw):
    long = "G" * 500
    raw = make_raw(_initiatives([*_row(1), long], header=[*INITIATIVE_HEADER, "status"]))
    [problem] = parse_workbook(raw).problems
    assert problem.raw == long
    assert len(problem.message) < 120


# --- mapping -------------------------------------------------------------------------------


def test_mapping_renames_headers_and_words(make_raw):
    raw = make_raw(
        {
            "Initiatives": [
                ["Use Case ID", "Use Case Name", "Bureau", "Origin", "Stage", "Date Initiated"],
                ["DOC-1", "Chatbot", "NOAA", "Mandate", "Operation and Maintenance", "2024-05-01"],
                ["DOC-2", "Forecast", "NOAA", "Grassroots", "Pilot", "2024-06-01"],
            ],
        }
    )
    mapping = ColumnMapping(
        columns={
            "initiatives": {
                "Use Case ID": "id",
                "use case name": "name",
                "Bureau": "team",
                "Date Initiated": "started",
            }
        },
        values={"stage": {"operation and maintenance": "Adopted"}},
    )
    portfolio = parse_workbook(raw, mapping=mapping)
    assert portfolio.problems == []
    frame = portfolio.initiatives
    assert frame["id"].tolist() == ["DOC-1", "DOC-2"]
    assert frame["team"].tolist() == ["NOAA", "NOAA"]
    assert frame["stage"].tolist() == ["Adopted", "Pilot"]
    assert portfolio.unknown_columns["Initiatives"] == []

    unmapped = parse_workbook(raw)
    assert {p.column for p in unmapped.errors} == {"id", "name", "team", "started"}


def test_mapping_for_another_tab_does_not_apply(make_raw):
    raw = make_raw(_initiatives(_row(1), header=[*INITIATIVE_HEADER, "Bureau"]))
    mapping = ColumnMapping(columns={"Usage": {"Bureau": "initiative_id"}})
    assert parse_workbook(raw, mapping=mapping).unknown_columns["Initiatives"] == ["Bureau"]


# --- settings --------------------------------------------------------------------------------

SETTINGS_ROWS = [
    ["as_of", "2026-06-01"],
    ["Stale after days", "60"],
    ["adopted_share_of_peak", "0.4"],
    ["mandate_date", 46085],
    ["team_lead", " Ana "],
    ["recent_weeks", "four"],
    ["pilot_max_days", ""],
]


@pytest.mark.parametrize("header", [["Setting", "Value"], ["key", "value"], None])
def test_settings_are_typed_over_the_defaults(make_raw, header):
    rows = [header, *SETTINGS_ROWS] if header else SETTINGS_ROWS
    portfolio = parse_workbook(make_raw({**_initiatives(_row(1)), "Settings": rows}))
    settings = portfolio.settings
    assert settings["as_of"] == pd.Timestamp("2026-06-01")
    assert settings["stale_after_days"] == 60 and type(settings["stale_after_days"]) is int
    assert settings["adopted_share_of_peak"] == 0.4
    assert type(settings["adopted_share_of_peak"]) is float
    assert settings["mandate_date"] == pd.Timestamp("2026-03-04")
    assert settings["team_lead"] == "Ana"
    assert settings["recent_weeks"] == 4  # unreadable: the default stays
    assert settings["pilot_max_days"] == 120  # blank: the default stays, no problem
    assert settings["compare_months"] == 6
    assert portfolio.as_of == pd.Timestamp("2026-06-01")
    row = 7 if header else 6
    assert [(p.tab, p.cell, p.column, p.raw) for p in portfolio.problems] == [
        ("Settings", f"Settings!B{row}", "recent_weeks", "four")
    ]
    assert portfolio.rows_read["Settings"] == len(SETTINGS_ROWS)


def test_settings_absent_gives_the_defaults(make_raw):
    portfolio = parse_workbook(make_raw(_initiatives(_row(1))))
    assert portfolio.settings == schema.SETTINGS_DEFAULTS
    assert portfolio.settings is not schema.SETTINGS_DEFAULTS


def test_setting_set_twice_keeps_the_first(make_raw):
    rows = [["key", "value"], ["stale_after_days", "30"], ["stale_after_days", "90"]]
    portfolio = parse_workbook(make_raw({**_initiatives(_row(1)), "Settings": rows}))
    assert portfolio.settings["stale_after_days"] == 30
    assert [p.cell for p in portfolio.problems] == ["Settings!A3"]


# --- rows in = rows out ----------------------------------------------------------------------


@pytest.mark.parametrize("blank_every", [2, 3, 7])
def test_rows_in_equal_rows_kept_plus_blank(make_raw, blank_every):
    rows = [["", None] if i % blank_every == 0 else _row(i) for i in range(1, 30)]
    portfolio = parse_workbook(make_raw(_initiatives(*rows)))
    kept = portfolio.rows_read["Initiatives"]
    assert kept + portfolio.blank_rows["Initiatives"] == len(rows)
    assert kept == len([r for r in rows if r != ["", None]])
    assert len(portfolio.initiatives) == kept


# --- a whole column gone wrong ----------------------------------------------------------------


def test_many_unreadable_cells_in_one_column_end_in_one_summary(make_raw):
    rows = 503
    usage = [["initiative_id", "week", "active_users"]]
    usage += [["AI-1", "2026-03-02", "n/a"] for _ in range(rows)]
    portfolio = parse_workbook(make_raw({**_initiatives(_row(1)), "Usage": usage}))
    problems = [p for p in portfolio.problems if p.column == "active_users"]
    assert len(problems) == MAX_CELL_PROBLEMS + 1
    assert problems[0].cell == "Usage!C2"
    assert problems[MAX_CELL_PROBLEMS - 1].cell == f"Usage!C{MAX_CELL_PROBLEMS + 1}"
    # rows 502..504 of the sheet are the 3 cells past the cap
    summary = problems[-1]
    assert summary.cell == "Usage!C502:C504"
    assert summary.message.startswith("3 more cells of active_users in Usage!C502:C504")
    assert portfolio.rows_read["Usage"] == rows


def test_many_duplicate_ids_end_in_one_error_summary(make_raw):
    copies = MAX_CELL_PROBLEMS + 2
    portfolio = parse_workbook(make_raw(_initiatives(*[_row(1)] * (copies + 1))))
    errors = portfolio.errors
    assert len(errors) == MAX_CELL_PROBLEMS + 1
    assert errors[-1].cell == f"Initiatives!A{MAX_CELL_PROBLEMS + 3}:A{copies + 2}"
    assert errors[-1].message.startswith("2 more cells of id")


def test_mapping_to_an_unknown_column_is_reported(make_raw):
    raw = make_raw(_initiatives(_row(1), header=[*INITIATIVE_HEADER, "Bureau"]))
    mapping = ColumnMapping(columns={"Initiatives": {"Bureau": "division"}})
    portfolio = parse_workbook(raw, mapping=mapping)
    assert [(p.cell, p.raw, p.severity) for p in portfolio.problems] == [
        ("Mapping", "division", WARNING)
    ]
    assert portfolio.unknown_columns["Initiatives"] == ["Bureau"]
