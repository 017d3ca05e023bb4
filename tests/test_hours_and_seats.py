"""Overview answers two questions a leader asks: hours claimed against hours measured, and
seats bought against people using them.

As of Mon 1 Jun 2026 (recent weeks: 11, 18, 25 May and 1 Jun):

| id | seats | annual cost | weekly users | claimed h/wk | measured h/wk     |
|----|-------|-------------|--------------|--------------|-------------------|
| A1 | 400   | $50,000     | 18           | 100          | 5 (every week)    |
| A2 | 10    | $12,000     | 10           | 20           | none: unmeasured  |
| A3 | —     | —           | none         | —            | —                 |

Hours: 120 claimed, 5 measured; 20 claimed hours have no measurement.
Seats: A1 18 of 400 active, idle share 382 / 400, idle cost 50,000 x 0.955 = $47,750;
A2 10 of 10, idle $0. In all 28 of 410 in use, idle seats cost $47,750 = "$47.8k" a year.
"""

from __future__ import annotations

import pytest

from tests.apptest_support import run_app_once, texts

PAGE = "pages/overview.py"
RECENT = ["2026-05-11", "2026-05-18", "2026-05-25", "2026-06-01"]
TABS = {
    "Initiatives": [
        ["id", "name", "team", "origin", "stage", "started", "seats", "annual_cost",
         "claimed_hours_saved_per_week", "reported_status"],
        ["A1", "Workspace", "Ops", "Vendor", "Rollout", "2026-01-05", "400", "$50,000", "100",
         "Green"],
        ["A2", "Code helper", "Eng", "Grassroots", "Adopted", "2026-01-05", "10", "12000", "20",
         "Green"],
        ["A3", "Notes", "Ops", "Mandate", "Idea", "2026-05-04", "", "", "", "Amber"],
    ],
    "Usage": [
        ["initiative_id", "week", "active_users", "measured_hours_saved"],
        *[["A1", week, "18", "5"] for week in RECENT],
        *[["A2", week, "10", ""] for week in RECENT],
    ],
    "Settings": [["key", "value"], ["as_of", "2026-06-01"]],
}  # fmt: skip


# The tests read one run of the page on TABS, in one test process.
READS_TABS = pytest.mark.xdist_group("hours-and-seats")


@pytest.fixture(scope="module")
def on_tabs(tmp_path_factory):
    return run_app_once(tmp_path_factory, tabs=TABS, page=PAGE)


def _table(at, first_column_value: str):
    return next(df.value for df in at.dataframe if first_column_value in df.value.columns)


@READS_TABS
def test_claimed_against_measured_hours_with_the_self_report_context(on_tabs):
    at = on_tabs
    assert not at.exception
    assert "Hours saved a week: 120 claimed, 5 measured" in [s.value for s in at.subheader]
    shown = texts(at)
    assert "20 claimed hours a week have no measurement at all" in shown
    assert "19% slower with AI tools while believing they were 20% faster" in shown
    hours = _table(at, "Claimed hours a week")
    assert hours[
        ["Initiative", "Claimed hours a week", "Measured hours a week"]
    ].values.tolist() == [
        ["Workspace", "100", "5"],
        ["Code helper", "20", "unmeasured"],
    ]


@READS_TABS
def test_seats_in_use_and_the_cost_of_idle_seats(on_tabs):
    at = on_tabs
    assert not at.exception
    assert "Seats: 28 of 410 in use; idle seats cost $47.8k a year" in [
        s.value for s in at.subheader
    ]
    seats = _table(at, "Seats in use")
    assert seats[
        ["Initiative", "Seats in use", "Annual cost", "Idle seats cost"]
    ].values.tolist() == [
        ["Workspace", "18 of 400 seats active", "$50,000", "$47,750"],
        ["Code helper", "10 of 10 seats active", "$12,000", "$0"],
    ]
