"""Usage `source`: latest row wins per (initiative, week, source); telemetry over typed.

Each case is a few Usage rows typed as cells, parsed by parse_workbook (where the rule is
applied), then read by the evidence and by the weekly figures; the expected count per week is
worked out by hand beside each case.
"""

from __future__ import annotations

import pandas as pd
import pytest

from portfolio import metrics, schema
from portfolio.evidence import assess
from portfolio.parse import parse_workbook
from portfolio.usage_sources import SUPERSEDED, is_telemetry, source_kind
from tests.conftest import raw_workbook

HEADER = ["initiative_id", "week", "active_users", "measured_hours_saved", "source"]
INITIATIVES = [
    ["id", "name", "team", "origin", "stage", "started"],
    ["AI-1", "Drafts", "Support", "Grassroots", "Pilot", "2026-01-05"],
    ["AI-2", "Review", "Eng", "Mandate", "Rollout", "2026-01-05"],
]
SETTINGS = [["key", "value"], ["as_of", "2026-03-09"]]


def parse(rows: list[list]):
    return parse_workbook(
        raw_workbook({"Initiatives": INITIATIVES, "Usage": [HEADER, *rows], "Settings": SETTINGS})
    )


def weekly(portfolio) -> dict[tuple[str, str], int]:
    per = metrics.weekly_active_users(portfolio, per_initiative=True)
    return {
        (row.initiative_id, row.week.strftime("%Y-%m-%d")): int(row.active_users)
        for row in per.itertuples()
    }


CASES = [
    pytest.param(
        # re-import of the same file: 12 then 8 for the same week; the later (8) wins, not
        # the sum (20) nor the larger (12)
        [
            ["AI-1", "2026-03-02", 12, "", "events:log.csv"],
            ["AI-1", "2026-03-02", 8, "", "events:log.csv"],
        ],
        {("AI-1", "2026-03-02"): 8},
        id="latest-of-one-source",
    ),
    pytest.param(
        # the team typed 40, the tool counted 5: the telemetry row stands alone
        [
            ["AI-1", "2026-03-02", 40, "", ""],
            ["AI-1", "2026-03-02", 5, "", "github-copilot:acme"],
        ],
        {("AI-1", "2026-03-02"): 5},
        id="telemetry-over-typed",
    ),
    pytest.param(
        # typed on a Wednesday (4 Mar) is the week of Monday 2 Mar: overruled all the same
        [
            ["AI-1", "2026-03-04", 40, "", ""],
            ["AI-1", "2026-03-02", 5, "", "events:log.csv"],
        ],
        {("AI-1", "2026-03-02"): 5},
        id="typed-midweek",
    ),
    pytest.param(
        # two tools count 5 and 7 people: the same person may be in both, so 7, not 12
        [
            ["AI-1", "2026-03-02", 5, "", "events:log.csv"],
            ["AI-1", "2026-03-02", 7, "", "m365-copilot:contoso"],
        ],
        {("AI-1", "2026-03-02"): 7},
        id="largest-of-two-tools",
    ),
    pytest.param(
        # two typed rows stay two claims: the larger (9), as before
        [
            ["AI-1", "2026-03-02", 3, "", ""],
            ["AI-1", "2026-03-02", 9, "", ""],
        ],
        {("AI-1", "2026-03-02"): 9},
        id="typed-larger",
    ),
    pytest.param(
        # a source a person typed ("survey") is typed; 3 vs 9 -> 9 with no telemetry
        [
            ["AI-1", "2026-03-02", 9, "", "survey"],
            ["AI-1", "2026-03-02", 3, "", "Survey"],
        ],
        {("AI-1", "2026-03-02"): 9},
        id="unknown-source-is-typed",
    ),
    pytest.param(
        # telemetry in week 2 Mar only; the typed week 23 Feb (30) stands; other initiative
        # untouched; the kind of a source is read case-insensitively (" Events : log.csv ")
        [
            ["AI-1", "2026-02-23", 30, "", ""],
            ["AI-1", "2026-03-02", 30, "", ""],
            ["AI-1", "2026-03-02", 4, "", " Events:log.csv"],
            ["AI-1", "2026-03-02", 6, "", "events:log.csv "],
            ["AI-2", "2026-03-02", 11, "", ""],
        ],
        {("AI-1", "2026-02-23"): 30, ("AI-1", "2026-03-02"): 6, ("AI-2", "2026-03-02"): 11},
        id="per-week-and-initiative",
    ),
]


@pytest.mark.parametrize(("rows", "expected"), CASES)
def test_weekly_count_follows_the_source_rules(rows, expected):
    portfolio = parse(rows)
    assert weekly(portfolio) == expected
    # every row is still there (rows in = rows shown)
    assert len(portfolio.usage) == len(rows) == portfolio.rows_read["Usage"]


def test_evidence_reads_the_telemetry_not_the_typed_number():
    # AI-1: typed 40 each week for four weeks; telemetry says 2 in each. Peak 2, recent mean
    # 2 -> below 5 users, never grew: a Pilot started 5 Jan is 63 days old -> unproven. Had
    # the typed 40 counted, the recent mean would be 40 -> adopted.
    weeks = ["2026-02-16", "2026-02-23", "2026-03-02", "2026-03-09"]
    rows = [["AI-1", w, 40, "", ""] for w in weeks]
    rows += [["AI-1", w, 2, "", "events:log.csv"] for w in weeks]
    assessed = assess(parse(rows))
    assert assessed.loc["AI-1", "peak_users"] == 2
    assert assessed.loc["AI-1", "recent_mean"] == 2
    assert assessed.loc["AI-1", "verdict"] == "unproven"
    assert assessed.loc["AI-1", "usage_rows"] == 8


def test_overruled_typed_rows_keep_their_measured_hours_and_are_flagged():
    rows = [
        ["AI-1", "2026-03-02", 40, 6, ""],
        ["AI-1", "2026-03-02", 5, "", "events:a.csv"],
        ["AI-1", "2026-03-02", 4, 2, "events:b.csv"],
        ["AI-1", "2026-03-02", 3, 8, "events:b.csv"],
    ]
    usage = parse(rows).usage
    assert usage[SUPERSEDED].tolist() == [True, False, True, False]
    # typed: users out, hours kept; b's first row: both out (the later b row replaces it)
    assert usage["active_users"].isna().tolist() == [True, False, True, False]
    assert usage["measured_hours_saved"].tolist()[::3] == [6.0, 8.0]
    assert pd.isna(usage["measured_hours_saved"].iat[2])
    assert usage["source"].tolist()[1] == "events:a.csv"


def test_a_usage_tab_without_a_source_column_reads_as_before():
    portfolio = parse_workbook(
        raw_workbook(
            {
                "Initiatives": INITIATIVES,
                "Usage": [HEADER[:3], ["AI-1", "2026-03-02", 3], ["AI-1", "2026-03-02", 9]],
            }
        )
    )
    assert weekly(portfolio) == {("AI-1", "2026-03-02"): 9}
    assert not portfolio.has(schema.USAGE, "source")
    assert not portfolio.usage[SUPERSEDED].any()


@pytest.mark.parametrize(
    ("source", "kind", "telemetry"),
    [
        ("", "", False),
        ("events:copilot-log.csv", "events", True),
        ("github-copilot:acme/platform", "github-copilot", True),
        ("github-copilot-estimate:acme", "github-copilot-estimate", True),
        ("M365-Copilot:contoso", "m365-copilot", True),
        ("sql:usage", "sql", True),
        ("typed by Sam", "typed by sam", False),
        (None, "", False),
    ],
)
def test_source_kinds(source, kind, telemetry):
    assert source_kind(source) == kind
    assert is_telemetry(pd.Series([source], dtype="object")).tolist() == [telemetry]
