"""The Stalled & reverted page on the hand-checked workbook of tests/test_page_watermelons.py.

Not real as of 1 Jun 2026: AI-001 reverted, AI-002 and AI-006 abandoned, AI-003 and AI-008
stalled: 5 of 8, costing 50k + 20k + 10k + 30k = $110k a year (AI-003 states no cost).

How long each lived, start to last sign of life (the latest of start, update, usage week):
AI-001 5 Jan -> 6 Apr = 91 days, AI-002 2 Feb -> 2 Mar = 28, AI-003 6 Oct -> 5 Jan = 91,
AI-006 2 Mar -> 25 May (its update) = 84, AI-008 1 Dec -> 2 Feb = 63. Median 84 days =
84 / 30.4375 = 2.8 months. Went back to: Excel (AI-001 "Excel", AI-002 "excel ") 2,
Phone queue 1; AI-003 and AI-006 do not say.
"""

from __future__ import annotations

import pandas as pd
import pytest

from portfolio import metrics
from tests.apptest_support import chart_data, metric, run_app, texts
from tests.workbooks import WATERMELON_INITIATIVES_ONLY, WATERMELONS, WATERMELONS_AS_OF

PAGE = "pages/stalled.py"


def test_key_message_and_counts(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE)
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
    assert "Median life from start to last sign of life: 2.8 months" in shown
    assert "1 of them states no annual cost" in shown


def test_table_lists_lifespans_what_replaced_them_and_cost_largest_first(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE)
    table = at.dataframe[0].value
    assert table["label"].tolist() == [
        "Forecast bot",
        "Vendor chatbot",
        "Ticket triage",
        "Meeting notes",
        "Sales emails",
    ]
    assert table["lived_days"].tolist() == [91, 63, 28, 84, 91]
    assert table["lived_months"].tolist() == [3.0, 2.1, 0.9, 2.8, 3.0]
    assert table["reverted_to"].tolist()[:3] == ["Excel", "Phone queue", "excel"]
    assert table["verdict"].tolist() == ["reverted", "stalled", "abandoned", "abandoned", "stalled"]


def test_timeline_has_one_labelled_bar_per_initiative_in_start_order(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE)
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
        "Abandoned · 28 days",
        "Abandoned · 2.8 months",
    ]
    assert pd.to_datetime(bars["last_activity"]).dt.strftime("%Y-%m-%d").tolist() == [
        "2026-01-05",
        "2026-02-02",
        "2026-04-06",
        "2026-03-02",
        "2026-05-25",
    ]


def test_went_back_to_tally_matches_spellings(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE)
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
