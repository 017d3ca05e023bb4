"""The Stalled & reverted page on the hand-checked workbook of tests/test_page_watermelons.py.

Not real as of 1 Jun 2026: AI-001 reverted, AI-002 and AI-006 abandoned, AI-003 and AI-008
stalled: 5 of 8, costing 50k + 20k + 10k + 30k = $110k a year (AI-003 states no cost).

How long each lived, start to the end of its last week of real use, else (no usage) to its
last sign of life (the latest of start and update): AI-001 5 Jan -> 6 Apr = 91 days, AI-002
2 Feb -> 2 Mar = 28 (4 weeks), AI-003 6 Oct -> 5 Jan = 91, AI-008 1 Dec -> 2 Feb = 63, and
AI-006, tried once (20 users the weeks of 2 and 9 Mar), 2 Mar -> 16 Mar = 14 days (2 weeks),
not to its update of 25 May. Median 63 days = 63 / 30.4375 = 2.1 months. Went back to:
Excel (AI-001 "Excel", AI-002 "excel ") 2,
Phone queue 1; AI-003 and AI-006 do not say.
"""

from __future__ import annotations

import pandas as pd
import pytest

from portfolio import metrics
from tests.apptest_support import chart_data, metric, run_app, run_app_once, texts
from tests.workbooks import WATERMELON_INITIATIVES_ONLY, WATERMELONS, WATERMELONS_AS_OF

PAGE = "pages/stalled.py"
# The tests that only read the page on WATERMELONS share one run, in one test process.
READS_WATERMELONS = pytest.mark.xdist_group("stalled-on-watermelons")


@pytest.fixture(scope="module")
def on_watermelons(tmp_path_factory):
    return run_app_once(tmp_path_factory, tabs=WATERMELONS, page=PAGE)


@READS_WATERMELONS
def test_key_message_and_counts(on_watermelons):
    at = on_watermelons
    assert not at.exception
    assert at.subheader[0].value == (
        "5 of 8 initiatives stalled, were reverted or abandoned: $110k a year"
    )
    assert (metric(at, "Stalled"), metric(at, "Reverted"), metric(at, "Abandoned")) == (
        "2",
        "1",
        "2",
    )
    assert metric(at, "Their annual cost") == "$110k"
    shown = texts(at)
    assert "Median life, from start to the last week of real use: 2.1 months" in shown
    assert "1 of them states no annual cost" in shown


@READS_WATERMELONS
def test_table_lists_lifespans_what_replaced_them_and_cost_largest_first(on_watermelons):
    at = on_watermelons
    table = at.dataframe[0].value
    assert table["label"].tolist() == [
        "Forecast bot",
        "Vendor chatbot",
        "Ticket triage",
        "Meeting notes",
        "Sales emails",
    ]
    assert table["lived_days"].tolist() == [91, 63, 28, 14, 91]
    assert table["lived_months"].tolist() == [3.0, 2.1, 0.9, 0.5, 3.0]
    assert table["reverted_to"].tolist()[:3] == ["Excel", "Phone queue", "excel"]
    assert table["verdict"].tolist() == ["reverted", "stalled", "abandoned", "abandoned", "stalled"]


@READS_WATERMELONS
def test_timeline_has_one_labelled_bar_per_initiative_in_start_order(on_watermelons):
    at = on_watermelons
    bars = chart_data(at, 0)
    assert bars["name"].tolist() == [
        "Sales emails",  # 6 Oct 2025
        "Vendor chatbot",  # 1 Dec 2025
        "Forecast bot",  # 5 Jan 2026
        "Ticket triage",  # 2 Feb 2026
        "Meeting notes",  # 2 Mar 2026
    ]
    assert bars["bar_label"].tolist() == [
        "Stalled · 3.0 months",
        "Stalled · 2.1 months",
        "Reverted · 3.0 months",
        "Abandoned · 4 weeks",
        "Abandoned · 2 weeks",  # its reason: "tried once: 2 weeks at up to 20 users"
    ]
    assert pd.to_datetime(bars["life_ended"]).dt.strftime("%Y-%m-%d").tolist() == [
        "2026-01-05",
        "2026-02-02",
        "2026-04-06",
        "2026-03-02",
        "2026-03-16",
    ]


@READS_WATERMELONS
def test_went_back_to_tally_matches_spellings(on_watermelons):
    at = on_watermelons
    tally = chart_data(at, 1)
    assert tally[["reverted_to", "initiatives"]].values.tolist() == [
        ["Excel", 2],
        ["Phone queue", 1],
    ]
    assert "2 others do not say (reverted_to is blank)" in texts(at)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"team": "Support"},
            "2 of 2 initiatives stalled, were reverted or abandoned: $50k a year",
        ),
        (
            {"origin": "Vendor"},
            "2 of 2 initiatives stalled, were reverted or abandoned: $30k a year",
        ),
        ({"team": "Sales"}, "1 of 1 initiative stalled, was reverted or abandoned"),
        ({"team": "Engineering"}, "Nothing stalled, was reverted or abandoned among 1 initiative"),
        (
            {"origin": "Grassroots"},
            "Nothing stalled, was reverted or abandoned among 3 initiatives",
        ),
    ],
)
def test_filters_in_the_url_change_the_key_message(tmp_path, monkeypatch, query, message):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE, query=query)
    assert not at.exception
    assert at.subheader[0].value == message


def test_the_sidebar_filter_narrows_the_table(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE)
    at.multiselect(key="sidebar_origin").set_value(["Mandate"]).run()
    assert at.dataframe[0].value["label"].tolist() == [
        "Forecast bot",
        "Ticket triage",
        "Meeting notes",
    ]
    assert at.query_params["origin"] == "Mandate"


def test_presentation_mode_hides_owners(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE, query={"present": "1"})
    owners = at.dataframe[0].value["owner"].tolist()
    assert owners == ["Finance team", "Support team", "Support team", "Ops team", "Sales team"]


def test_without_usage_or_settings(tmp_path, monkeypatch):
    # Without Usage, AI-006 is unproven: 4 of 8 left, 50k + 20k + 30k.
    at = run_app(
        tmp_path, monkeypatch, tabs=WATERMELON_INITIATIVES_ONLY, page=PAGE, query=WATERMELONS_AS_OF
    )
    assert not at.exception
    assert at.subheader[0].value == (
        "4 of 8 initiatives stalled, were reverted or abandoned: $100k a year"
    )


def test_without_a_reverted_to_column_says_what_it_would_show(tmp_path, monkeypatch):
    rows = [row[:-1] for row in WATERMELONS["Initiatives"]]
    at = run_app(tmp_path, monkeypatch, tabs={**WATERMELONS, "Initiatives": rows}, page=PAGE)
    assert not at.exception
    assert "With a reverted_to column in Initiatives" in texts(at)
    assert len(at.get("vega_lite_chart")) == 1  # the timeline only


def test_runs_on_the_bundled_sample(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, source="sample", page=PAGE)
    assert not at.exception
    assert "stalled, were reverted or abandoned" in at.subheader[0].value


def test_went_back_to_counts_blank_costs_as_zero():
    frame = pd.DataFrame(
        {
            "reverted_to": ["Excel", " excel", "Phone", None, ""],
            "annual_cost": [100.0, None, 500.0, 900.0, 50.0],
        }
    )
    tally = metrics.went_back_to(frame)
    assert tally.values.tolist() == [["Excel", 2, 100.0], ["Phone", 1, 500.0]]


def test_a_lifeline_ends_at_the_last_real_use_not_at_a_trickle(tmp_path, monkeypatch):
    # Tried once: 20 users the weeks of 4 and 11 May 2026, then 1 user a week until 8 Jun
    # (1 is 5% of the peak: below the 20% collapse line, so no longer real use). Its reason
    # says "tried once: 2 weeks"; its bar ends on 18 May and says 2 weeks, not 4.
    tabs = {
        "Initiatives": [
            ["id", "name", "team", "origin", "reported_status", "stage", "started"],
            ["AI-1", "Slide maker", "Ops", "Mandate", "Green", "Rollout", "2026-05-04"],
        ],
        "Usage": [
            ["initiative_id", "week", "active_users"],
            ["AI-1", "2026-05-04", "20"],
            ["AI-1", "2026-05-11", "20"],
            *[["AI-1", week, "1"] for week in ("2026-05-18", "2026-05-25", "2026-06-01")],
            ["AI-1", "2026-06-08", "1"],
        ],
        "Settings": [["key", "value"], ["as_of", "2026-06-08"]],
    }
    at = run_app(tmp_path, monkeypatch, tabs=tabs, page=PAGE)
    assert not at.exception
    table = at.dataframe[0].value
    assert table["reason"].iloc[0].startswith("Reported Green, but tried once: 2 weeks")
    assert table["lived_days"].tolist() == [14]
    bars = chart_data(at, 0)
    assert bars["bar_label"].tolist() == ["Abandoned · 2 weeks"]
    assert pd.to_datetime(bars["life_ended"]).dt.strftime("%Y-%m-%d").tolist() == ["2026-05-18"]
    assert pd.to_datetime(bars["last_activity"]).dt.strftime("%Y-%m-%d").tolist() == ["2026-06-08"]
