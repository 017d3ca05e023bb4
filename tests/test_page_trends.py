"""Trends page: weekly active users, the initiatives compared, and the now-vs-then picture.

Uses the six-initiative fixture of test_page_overview (as of 1 Jun 2026). Weekly totals by
hand: 5 Jan to 23 Feb, AI-1 20 + AI-2 40 + AI-5 10 = 70 (the peak, first on 5 Jan); from
2 Mar, 20 + 2 + 10 = 32. Verdicts on 1 Dec 2025 (the default: six months before):
AI-1 stalled (no sign of life since it started on 6 Oct), AI-2 unproven (started 3 Nov),
AI-3 and AI-4 not started, AI-5 adopted, AI-6 stalled (its stage). On 2 Mar 2026: AI-1,
AI-2 (40, 40, 40, 2 in its last four weeks) and AI-5 adopted, AI-3 unproven (updated 29 days
before), AI-4 not started, AI-6 stalled.
"""

from __future__ import annotations

import pandas as pd
import pytest

from portfolio import metrics
from tests.apptest_support import metric, run_app, texts
from tests.workbooks import INITIATIVE_HEADERS, INITIATIVE_ROWS, six_initiatives

PAGE = "pages/trends.py"


def test_weekly_total_top_initiatives_and_default_comparison(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=six_initiatives(), page=PAGE)
    assert not at.exception
    shown = texts(at)
    assert (
        "32 weekly active users in the week of 1 Jun: 54% below the peak of 70 (week of 5 Jan)"
        in shown
    )
    assert "Summed over the 3 initiatives that log usage" in shown
    # peaks: AI-2 40, AI-1 20, AI-5 10; the others log no usage
    assert at.multiselect(key="trends_initiatives").value == ["AI-2", "AI-1", "AI-5"]
    assert str(at.date_input(key="trends_then").value) == "2025-12-01"
    assert (
        "Since 1 Dec 2025: 1 initiative went from unproven to reverted, 1 from stalled to "
        "adopted, 1 started (now unproven), and 1 more moved in other ways" in shown
    )
    # then: adopted 1, unproven 1, stalled 2; now: adopted 2, unproven 1, stalled 2, reverted 1
    assert metric(at, "Adopted") == "2"
    assert metric(at, "Reverted") == "1"
    adopted = next(m for m in at.metric if m.label == "Adopted")
    assert adopted.proto.delta == "1"
    assert "4 initiatives changed verdict" in shown
    changes = at.dataframe[0].value
    assert sorted(changes["id"]) == ["AI-1", "AI-2", "AI-3", "AI-4"]


def test_then_from_the_url_restores_the_comparison(tmp_path, monkeypatch):
    at = run_app(
        tmp_path,
        monkeypatch,
        tabs=six_initiatives(),
        page=PAGE,
        query={"trends_then": "2026-03-02"},
    )
    assert not at.exception
    assert str(at.date_input(key="trends_then").value) == "2026-03-02"
    shown = texts(at)
    assert (
        "Since 2 Mar: 1 initiative went from adopted to reverted, 1 from unproven to stalled, "
        "and 1 started (now unproven)" in shown
    )
    stalled = next(m for m in at.metric if m.label == "Stalled")
    assert (stalled.value, stalled.proto.delta) == ("2", "1")
    changes = at.dataframe[0].value
    assert changes.set_index("id")["now"].to_dict() == {
        "AI-2": "reverted",
        "AI-3": "stalled",
        "AI-4": "unproven",
    }


def test_picking_a_then_date_changes_the_comparison(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=six_initiatives(), page=PAGE)
    at.date_input(key="trends_then").set_value(pd.Timestamp("2026-03-02").date()).run()
    assert not at.exception
    assert "Since 2 Mar: 1 initiative went from adopted to reverted" in texts(at)


def test_team_filter_narrows_usage_and_comparison(tmp_path, monkeypatch):
    at = run_app(
        tmp_path, monkeypatch, tabs=six_initiatives(), page=PAGE, query={"team": "Support"}
    )
    assert not at.exception
    shown = texts(at)
    assert "20 weekly active users in the week of 1 Jun, the highest yet" in shown
    assert at.multiselect(key="trends_initiatives").value == ["AI-1"]
    assert "Since 1 Dec 2025: 1 initiative went from stalled to adopted" in shown


def test_sidebar_filter_change_resets_the_compared_initiatives(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=six_initiatives(), page=PAGE)
    at.multiselect(key="sidebar_team").set_value(["Legal", "Engineering"]).run()
    assert not at.exception
    assert "12 weekly active users in the week of 1 Jun" in texts(at)  # AI-2 2 + AI-5 10
    assert at.multiselect(key="trends_initiatives").value == ["AI-2", "AI-5"]


def test_without_usage_the_page_says_what_it_would_show(tmp_path, monkeypatch):
    tabs = {
        "Initiatives": [INITIATIVE_HEADERS, *INITIATIVE_ROWS],
        "Settings": six_initiatives()["Settings"],
    }
    at = run_app(tmp_path, monkeypatch, tabs=tabs, page=PAGE)
    assert not at.exception
    assert "With a Usage tab (initiative_id, week, active_users" in texts(at)
    assert not at.multiselect(key="sidebar_team").value
    assert at.date_input(key="trends_then").value is not None


def test_runs_on_the_sample(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, source="sample", page=PAGE)
    assert not at.exception
    assert len(at.multiselect(key="trends_initiatives").value) == metrics.DEFAULT_TOP_INITIATIVES
    assert "Since " in texts(at)


# --- the figures behind the page --------------------------------------------------------------


@pytest.mark.parametrize(
    ("peaks", "n", "expected"),
    [
        ({"A": 5, "B": 50, "C": 20, "D": 0, "E": None}, 5, ["B", "C", "A"]),
        ({"A": 9, "B": 9, "C": 1}, 2, ["A", "B"]),  # a tie goes by id
        ({f"X{i}": i + 1 for i in range(7)}, 5, ["X6", "X5", "X4", "X3", "X2"]),
        ({"A": None}, 5, []),
    ],
)
def test_top_by_peak(peaks, n, expected):
    frame = pd.DataFrame(
        {
            "id": list(peaks),
            "peak_users": [float("nan") if v is None else v for v in peaks.values()],
        }
    )
    assert metrics.top_by_peak(frame, n=n) == expected


def _moves(flows: list[tuple[str, str, int]]) -> metrics.Transitions:
    frame = pd.DataFrame(flows, columns=["then_verdict", "now_verdict", "count"])
    empty = pd.DataFrame()
    day = pd.Timestamp("2026-06-01")
    return metrics.Transitions(then=day, now=day, flows=frame, summary=empty, changes=empty)


@pytest.mark.parametrize(
    ("flows", "sentence"),
    [
        ([], "Since 1 Dec: no initiative to compare"),
        ([("adopted", "adopted", 4)], "Since 1 Dec: no initiative changed verdict"),
        (
            [("adopted", "stalled", 4), ("adopted", "adopted", 9)],
            "Since 1 Dec: 4 initiatives went from adopted to stalled",
        ),
        (
            [
                ("not started", "unproven", 3),
                ("unproven", "adopted", 3),
                ("adopted", "reverted", 1),
            ],
            "Since 1 Dec: 3 initiatives went from unproven to adopted, 3 started (now unproven), "
            "and 1 from adopted to reverted",
        ),
        (
            [
                ("not started", "unproven", 5),
                ("unproven", "stalled", 2),
                ("adopted", "reverted", 2),
                ("unproven", "abandoned", 1),
                ("adopted", "stalled", 1),
            ],
            "Since 1 Dec: 5 initiatives started (now unproven), 2 went from unproven to stalled, "
            "2 from adopted to reverted, and 2 more moved in other ways",
        ),
    ],
)
def test_describe_transitions(flows, sentence):
    assert metrics.describe_transitions(_moves(flows), since="1 Dec") == sentence


@pytest.mark.parametrize(
    ("users", "latest", "peak", "peak_week", "change"),
    [
        ([10, 70, 70, 32], 32, 70, "2026-01-12", 32 / 70 - 1),
        ([5, 8], 8, 8, "2026-01-12", 0.0),
    ],
)
def test_usage_trend(users, latest, peak, peak_week, change):
    weeks = pd.date_range("2026-01-05", periods=len(users), freq="7D")
    trend = metrics.usage_trend(pd.DataFrame({"week": weeks, "active_users": users}))
    assert (trend.latest, trend.peak, trend.peak_week) == (latest, peak, pd.Timestamp(peak_week))
    assert trend.change == pytest.approx(change)


def test_compared_initiatives_restore_from_the_url(tmp_path, monkeypatch):
    chosen = ["Code review bot (AI-5)", "Ticket triage (AI-1)"]
    at = run_app(
        tmp_path,
        monkeypatch,
        tabs=six_initiatives(),
        page=PAGE,
        query={"trends_initiatives": chosen},
    )
    assert not at.exception
    assert at.multiselect(key="trends_initiatives").value == ["AI-5", "AI-1"]
    # the URL holds the labels a reader sees, one repeated parameter per initiative
    at = run_app(
        tmp_path,
        monkeypatch,
        tabs=six_initiatives(),
        page=PAGE,
        query={"trends_initiatives": chosen[0]},
    )
    assert at.multiselect(key="trends_initiatives").value == ["AI-5"]
