"""The edges at equal age: each group's share in sustained use 90 and 180 days after its
start, counting only initiatives at least that old and started since the Usage tab began.

As of Mon 29 Jun 2026, mandate 1 Jan 2026, Usage from the week of 1 Dec 2025:

| id | origin     | started     | usage (users a week)        | at 90 days       | at 180 days  |
|----|------------|-------------|-----------------------------|------------------|--------------|
| G1 | Grassroots | 1 Dec 2025  | 10 every week               | yes (wk 23 Feb)  | yes (25 May) |
| G2 | Grassroots | 1 Dec 2025  | 10 for 9 weeks, then none   | no (4 weeks of 0)| no           |
| M1 | Mandate    | 2 Feb 2026  | 10 every week from 2 Feb    | yes (wk 27 Apr)  | too young    |
| M2 | Mandate    | 6 Apr 2026  | none                        | too young        | too young    |
| V1 | Vendor     | 2 Jun 2025  | none                        | left out: before the Usage log |

By origin: Mandate 1 of 1 at 90 days (100%), none old enough at 180; Grassroots 1 of 2 (50%)
at both; Vendor none counted. Before the mandate (G1, G2): 50% at both; after (M1, M2):
1 of 1 at 90 days. Without the age adjustment the survival split would be
before 1 of 3 (G1 adopted, G2 reverted, V1 stale) against after 1 of 2.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_sources.files import read_csv_folder
from portfolio import evidence, metrics
from portfolio.parse import parse_workbook
from tests.apptest_support import run_app, texts, write_csv_workbook

PAGE = "pages/edges.py"
AS_OF = dt.date(2026, 6, 29)


def _mondays(first: dt.date, last: dt.date) -> list[str]:
    return [
        (first + dt.timedelta(weeks=k)).isoformat() for k in range((last - first).days // 7 + 1)
    ]


TABS = {
    "Initiatives": [
        ["id", "name", "team", "origin", "stage", "started"],
        ["G1", "Notes bot", "Ops", "Grassroots", "Rollout", "2025-12-01"],
        ["G2", "Triage", "Ops", "Grassroots", "Rollout", "2025-12-01"],
        ["M1", "Forecasts", "Finance", "Mandate", "Rollout", "2026-02-02"],
        ["M2", "Close helper", "Finance", "Mandate", "Rollout", "2026-04-06"],
        ["V1", "Chat vendor", "Sales", "Vendor", "Rollout", "2025-06-02"],
    ],
    "Usage": [
        ["initiative_id", "week", "active_users"],
        *[["G1", w, "10"] for w in _mondays(dt.date(2025, 12, 1), AS_OF)],
        *[["G2", w, "10"] for w in _mondays(dt.date(2025, 12, 1), dt.date(2026, 1, 26))],
        *[["M1", w, "10"] for w in _mondays(dt.date(2026, 2, 2), AS_OF)],
    ],
    "Settings": [["key", "value"], ["as_of", AS_OF.isoformat()], ["mandate_date", "2026-01-01"]],
}


def test_adoption_by_age_counts_only_initiatives_old_enough_and_logged(tmp_path):
    portfolio = parse_workbook(read_csv_folder(write_csv_workbook(tmp_path / "w", TABS)))
    assessed = evidence.assess(portfolio)
    by_origin = metrics.adoption_by_age(portfolio, assessed, by="origin", as_of=pd.Timestamp(AS_OF))
    rows = by_origin[["group", "age_days", "eligible", "adopted", "unlogged"]].values.tolist()
    assert rows == [
        ["Mandate", 90, 1, 1, 0],
        ["Grassroots", 90, 2, 1, 0],
        ["Vendor", 90, 0, 0, 1],
        ["Mandate", 180, 0, 0, 0],
        ["Grassroots", 180, 2, 1, 0],
        ["Vendor", 180, 0, 0, 1],
    ]
    by_period = metrics.adoption_by_age(portfolio, assessed, by="period", as_of=pd.Timestamp(AS_OF))
    assert by_period[["group", "age_days", "eligible", "adopted"]].values.tolist() == [
        ["Before the mandate", 90, 2, 1],
        ["After the mandate", 90, 1, 1],
        ["Before the mandate", 180, 2, 1],
        ["After the mandate", 180, 0, 0],
    ]


def test_the_edges_page_compares_at_equal_age(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=TABS, page=PAGE)
    assert not at.exception
    assert "At equal age" in [s.value for s in at.subheader]
    tables = {df.value.columns[0]: df.value for df in at.dataframe}
    assert tables["Origin"].values.tolist() == [
        ["Mandate", "100% (1 of 1)", "—"],
        ["Grassroots", "50% (1 of 2)", "50% (1 of 2)"],
        ["Vendor", "—", "—"],
    ]
    assert list(tables["Origin"].columns) == ["Origin", "Adopted at 90 days", "Adopted at 180 days"]
    assert tables["Started"].values.tolist() == [
        ["Before the mandate", "50% (1 of 2)", "50% (1 of 2)"],
        ["After the mandate", "100% (1 of 1)", "—"],
    ]
    assert "Left out: 1 initiative started before the Usage tab's first week" in texts(at)
