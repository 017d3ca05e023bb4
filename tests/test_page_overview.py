"""Overview page: the headline, theater gap, verdict counts, spend and freshness a reader sees.

The fixture workbook (six initiatives, as of Monday 1 Jun 2026) is shared with the Trends
and Daily tools page tests. Its verdicts, worked out by hand from the evidence rules:

    AI-1 Support     Grassroots Green  20 users a week since Jan           -> adopted
    AI-2 Legal       Mandate    Green  40 a week Jan-Feb, then 2 a week    -> reverted
    AI-3 Finance     Mandate    Green  no usage, last update 1 Feb (120 d) -> stalled
    AI-4 Sales       Vendor     Green  Pilot since 6 Apr, updated 28 May   -> unproven
    AI-5 Engineering Grassroots Amber  10 users a week since Sep 2025      -> adopted
    AI-6 People      Mandate    Red    stage Stalled                       -> stalled
"""

from __future__ import annotations

import pytest

from tests.apptest_support import chart_data, metric, run_app, run_app_once, texts
from tests.workbooks import INITIATIVE_HEADERS, INITIATIVE_ROWS, six_initiatives

PAGE = "pages/overview.py"


# The tests that only read the page on six_initiatives() share one run, in one test process.
READS_SIX = pytest.mark.xdist_group("overview-on-six")


@pytest.fixture(scope="module")
def on_six(tmp_path_factory):
    return run_app_once(tmp_path_factory, tabs=six_initiatives(), page=PAGE)


def _assert_headline(at, headline: str, green: str, gap: str, spend: str) -> None:
    assert not at.exception
    assert at.subheader[0].value == headline
    assert metric(at, "Green on the deck") == green
    assert metric(at, "Theater gap") == gap
    assert metric(at, "Annual spend not adopted") == spend


@READS_SIX
def test_headline_gap_and_spend_without_filters(on_six):
    _assert_headline(
        on_six,
        "4 initiatives are green on the deck; 2 of them have stalled or been dropped",
        "4",
        "50%",
        "$85k",  # AI-2 50k + AI-3 20k + AI-6 15k; AI-4 states no cost
    )


@pytest.mark.parametrize(
    ("query", "headline", "green", "gap", "spend"),
    [
        (
            {"team": "Legal"},
            "1 initiative is green on the deck; it has stalled or been dropped",
            "1",
            "100%",
            "$50k",
        ),
        (
            {"origin": "Grassroots"},
            "1 initiative is green on the deck; it has not stalled or been dropped",
            "1",
            "0%",
            "$0",
        ),
        (
            {"origin": "Mandate"},
            "2 initiatives are green on the deck; all of them have stalled or been dropped",
            "2",
            "100%",
            "$85k",
        ),
    ],
)
def test_headline_gap_and_spend_follow_the_filters_in_the_url(
    tmp_path, monkeypatch, query, headline, green, gap, spend
):
    at = run_app(tmp_path, monkeypatch, tabs=six_initiatives(), page=PAGE, query=query)
    _assert_headline(at, headline, green, gap, spend)


@READS_SIX
def test_verdict_counts_spend_caption_and_freshness(on_six):
    at = on_six
    assert not at.exception
    assert metric(at, "Initiatives") == "6"
    expected = {
        "Adopted": "2 (33%)",
        "Unproven": "1 (17%)",
        "Stalled": "2 (33%)",
        "Reverted": "1 (17%)",
        "Abandoned": "0 (0%)",
    }
    for label, value in expected.items():
        assert metric(at, label) == value
    shown = texts(at)
    assert "$85k of $100k a year (85%)" in shown
    assert "1 initiative states no cost" in shown
    # AI-3 quiet since 1 Feb (120 days), AI-6 since 15 Jan (137 days)
    assert metric(at, "Stale rows") == "2 of 6"
    # days since the last sign of life: 0, 0, 0, 4, 120, 137 -> median 2
    assert metric(at, "Median days since last sign of life") == "2"
    assert metric(at, "Latest update or check-in") == "28 May 2026"
    assert "33% of the rows have gone quiet for more than 45 days" in shown


def test_sidebar_filter_changes_the_figures_and_is_written_to_the_url(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=six_initiatives(), page=PAGE)
    at.multiselect(key="sidebar_team").set_value(["Finance", "Sales"]).run()
    assert not at.exception
    # AI-3 stalled, AI-4 unproven: both green, one not real
    assert at.subheader[0].value == (
        "2 initiatives are green on the deck; 1 of them has stalled or been dropped"
    )
    assert metric(at, "Theater gap") == "50%"
    assert metric(at, "Annual spend not adopted") == "$20k"
    assert metric(at, "Stale rows") == "1 of 2"
    assert at.query_params["team"] == "Finance,Sales"


def test_an_earlier_as_of_in_the_url_recomputes_the_verdicts(tmp_path, monkeypatch):
    # On 2 Mar AI-2 still had 40, 40, 40 and 2 users in its last four weeks: adopted.
    # AI-3 was updated 29 days before: unproven. AI-4 had not started.
    at = run_app(
        tmp_path, monkeypatch, tabs=six_initiatives(), page=PAGE, query={"as_of": "2026-03-02"}
    )
    assert not at.exception
    assert metric(at, "Initiatives") == "5"
    assert at.subheader[0].value == (
        "3 initiatives are green on the deck; none of them has stalled or been dropped"
    )
    assert metric(at, "Theater gap") == "0%"


def test_without_status_or_cost_columns_the_page_says_what_they_would_show(tmp_path, monkeypatch):
    tabs = six_initiatives(drop=("reported_status", "annual_cost"))
    at = run_app(tmp_path, monkeypatch, tabs=tabs, page=PAGE)
    assert not at.exception
    assert at.subheader[0].value == "6 initiatives; the evidence says 2 of them are adopted"
    shown = texts(at)
    assert "With a reported_status column (Green, Amber, Red)" in shown
    assert "With an annual_cost column in Initiatives" in shown
    labels = [m.label for m in at.metric]
    assert "Theater gap" not in labels
    assert "Annual spend not adopted" not in labels


def test_sheet_text_in_the_filter_caption_is_not_markdown(tmp_path, monkeypatch):
    tabs = six_initiatives()
    tabs["Initiatives"][1][2] = "[click](https://example.com)"
    at = run_app(
        tmp_path,
        monkeypatch,
        tabs=tabs,
        page=PAGE,
        query={"team": "[click](https://example.com)"},
    )
    assert not at.exception
    assert metric(at, "Initiatives") == "1"
    caption = at.caption[0].value
    assert "\\[click\\]\\(https\\://example\\.com\\)" in caption


@pytest.mark.parametrize(
    "tabs",
    [
        None,  # the bundled sample
        {"Initiatives": [INITIATIVE_HEADERS, *INITIATIVE_ROWS]},
    ],
    ids=["sample", "initiatives-only"],
)
def test_runs_on_the_sample_and_on_initiatives_only(tmp_path, monkeypatch, tabs):
    at = run_app(tmp_path, monkeypatch, tabs=tabs, source="sample", page=PAGE)
    assert not at.exception
    assert "green on the deck" in at.subheader[0].value


def test_verdicts_by_team_counts_a_blank_team_as_the_slide_does(tmp_path, monkeypatch):
    # AI-6 (People, stalled) loses its team: its bar is "No team", as on the slide, and the
    # bars still add up to all six initiatives.
    tabs = six_initiatives()
    team = INITIATIVE_HEADERS.index("team")
    tabs["Initiatives"] = [
        [*row[:team], "", *row[team + 1 :]] if row[0] == "AI-6" else row
        for row in tabs["Initiatives"]
    ]
    at = run_app(tmp_path, monkeypatch, tabs=tabs, page=PAGE)
    frames = [chart_data(at, i) for i in range(len(at.get("vega_lite_chart")))]
    by_team = next(f for f in frames if {"team", "verdict", "count"} <= set(f.columns))
    counts = by_team.groupby("team")["count"].sum().to_dict()
    assert counts.get("No team") == 1
    assert sum(counts.values()) == 6


@pytest.mark.parametrize(
    ("cost", "said"),
    [
        ("", "No initiative in this view states an annual cost"),
        ("$0", "The annual costs stated in this view add up to $0"),
    ],
)
def test_without_any_spend_the_money_chart_is_a_sentence(tmp_path, monkeypatch, cost, said):
    # The column is there, but no initiative spends: before, an empty chart of $0 bars and
    # "$0 of $0 a year (—) goes to initiatives the evidence does not show as adopted".
    tabs = six_initiatives()
    column = INITIATIVE_HEADERS.index("annual_cost")
    tabs["Initiatives"] = [tabs["Initiatives"][0]] + [
        [*row[:column], cost, *row[column + 1 :]] for row in tabs["Initiatives"][1:]
    ]
    at = run_app(tmp_path, monkeypatch, tabs=tabs, page=PAGE)
    assert not at.exception
    shown = texts(at)
    assert f"{said}, so there is no spend to split by verdict." in shown
    assert "Where the money goes (annual cost by verdict)" in shown
    assert "$0 of $0" not in shown
    charts = [chart_data(at, i) for i in range(len(at.get("vega_lite_chart")))]
    assert not any("annual_cost" in frame.columns for frame in charts)
    # Stated as $0 is $0; stated nowhere is not known, a dash.
    assert metric(at, "Annual spend not adopted") == ("$0" if cost else "—")
