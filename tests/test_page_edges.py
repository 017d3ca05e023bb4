"""The edges page on the hand-checked workbook of tests/test_page_watermelons.py.

By origin: Mandate AI-001, 002, 006 (none adopted) 0 of 3; Grassroots AI-004, 005 adopted,
AI-007 unproven: 2 of 3 = 67%; Vendor AI-003, 008: 0 of 2.
Mandate on 1 Jan 2026: before it AI-003 (Oct), 004 (Jun), 005 (Nov), 008 (Dec): 2 of 4 =
50%; after it AI-001, 002, 006, 007: 0 of 4.
Teams to listen to: Engineering (AI-004, 10 weekly users now), Finance (AI-005, 6).
"""

from __future__ import annotations

import pytest

from tests.apptest_support import chart_data, run_app, run_app_once, texts
from tests.workbooks import WATERMELON_INITIATIVES_ONLY, WATERMELONS, WATERMELONS_AS_OF

PAGE = "pages/edges.py"
# The tests that only read the page on WATERMELONS share one run, in one test process.
READS_WATERMELONS = pytest.mark.xdist_group("edges-on-watermelons")


@pytest.fixture(scope="module")
def on_watermelons(tmp_path_factory):
    return run_app_once(tmp_path_factory, tabs=WATERMELONS, page=PAGE)


@READS_WATERMELONS
def test_survival_by_origin_message_and_chart(on_watermelons):
    at = on_watermelons
    assert not at.exception
    assert at.subheader[0].value == (
        "Grassroots initiatives survive best: 67% adopted (2 of 3), "
        "against 0% of Mandate (0 of 3) and 0% of Vendor (0 of 2)"
    )
    bars = chart_data(at, 0)
    totals = bars[bars["measure"] == "All initiatives"]
    assert totals[["group", "count", "label"]].values.tolist() == [
        ["Mandate", 3, "0 of 3 adopted (0%)"],
        ["Grassroots", 3, "2 of 3 adopted (67%)"],
        ["Vendor", 2, "0 of 2 adopted (0%)"],
    ]
    adopted = bars[bars["measure"] == "Adopted"]
    assert adopted["count"].tolist() == [0, 2, 0]


@READS_WATERMELONS
def test_before_and_after_the_mandate(on_watermelons):
    at = on_watermelons
    assert (
        "**Mandate announced 1 Jan 2026.** Before the mandate: 50% adopted (2 of 4); "
        "after the mandate: 0% adopted (0 of 4)." in texts(at)
    )
    bars = chart_data(at, 1)
    totals = bars[bars["measure"] == "All initiatives"]
    assert totals["label"].tolist() == ["2 of 4 adopted (50%)", "0 of 4 adopted (0%)"]


def test_without_a_mandate_date_says_what_it_would_show(tmp_path, monkeypatch):
    settings = [["key", "value"], ["as_of", "2026-06-01"]]
    at = run_app(tmp_path, monkeypatch, tabs={**WATERMELONS, "Settings": settings}, page=PAGE)
    assert not at.exception
    assert "would compare initiatives started before the AI-first mandate" in at.info[0].value
    assert "mandate_date" in at.info[0].value
    assert len(at.get("vega_lite_chart")) == 1  # by origin only


def _grassroots(at):
    """The table of adopted grassroots initiatives (the one that names owners)."""
    return next(df.value for df in at.dataframe if "owner" in df.value.columns)


@READS_WATERMELONS
def test_the_people_to_listen_to_are_teams_with_adopted_grassroots_work(on_watermelons):
    at = on_watermelons
    assert (
        "**Engineering** (1 initiative, 10 weekly users now) · "
        "**Finance** (1 initiative, 6 weekly users now)" in texts(at)
    )
    table = _grassroots(at)
    assert table[["team", "name", "owner"]].values.tolist() == [
        ["Engineering", "Code review bot", "Di Fox"],
        ["Finance", "Invoice matcher", "Ed Gray"],
    ]
    assert table["recent_mean"].tolist() == [10.0, 6.0]


def test_presentation_mode_names_teams_not_people(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE, query={"present": "1"})
    table = _grassroots(at)
    assert table["owner"].tolist() == ["Engineering team", "Finance team"]
    assert "Di Fox" not in texts(at) and "Ed Gray" not in texts(at)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"team": "Finance"},
            "Grassroots initiatives survive best: 100% adopted (1 of 1), "
            "against 0% of Mandate (0 of 1)",
        ),
        ({"origin": "Mandate"}, "Every initiative here is Mandate: 0% adopted (0 of 3)"),
        ({"team": "Support"}, "None of the 2 initiatives here is adopted, whatever its origin"),
    ],
)
def test_filters_in_the_url_change_the_key_message(tmp_path, monkeypatch, query, message):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE, query=query)
    assert not at.exception
    assert at.subheader[0].value == message


def test_no_adopted_grassroots_says_so(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE)
    at.multiselect(key="sidebar_origin").set_value(["Mandate", "Vendor"]).run()
    assert not at.exception
    assert at.query_params["origin"] == "Mandate,Vendor"
    assert "No grassroots initiative is adopted" in texts(at)
    assert not [df for df in at.dataframe if "owner" in df.value.columns]


def test_without_usage_nothing_is_adopted(tmp_path, monkeypatch):
    at = run_app(
        tmp_path, monkeypatch, tabs=WATERMELON_INITIATIVES_ONLY, page=PAGE, query=WATERMELONS_AS_OF
    )
    assert not at.exception
    assert at.subheader[0].value == (
        "None of the 8 initiatives here is adopted, whatever its origin"
    )
    assert "would compare initiatives started before" in at.info[0].value


def test_runs_on_the_bundled_sample(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, source="sample", page=PAGE)
    assert not at.exception
    assert "survive best" in at.subheader[0].value
