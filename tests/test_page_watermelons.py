"""The Watermelons page on a small workbook whose verdicts are worked out by hand.

The workbook is WATERMELONS of tests/workbooks.py (shared with the Stalled & reverted and The
edges page tests), as of Mon 1 Jun 2026 with mandate 1 Jan 2026; its docstring works out each
verdict by hand. Green: 6; watermelons: AI-001, AI-002, AI-003, AI-006 = 4, costing
50k + 20k + 10k (AI-003 states none) = $80k a year.
"""

from __future__ import annotations

import pandas as pd
import pytest

from data_sources.files import read_csv_folder
from portfolio import metrics
from portfolio.parse import parse_workbook
from tests.apptest_support import (
    chart_data,
    metric,
    run_app,
    run_app_once,
    texts,
    write_csv_workbook,
)
from tests.workbooks import (
    WATERMELON_INITIATIVES,
    WATERMELON_INITIATIVES_ONLY,
    WATERMELONS,
    WATERMELONS_AS_OF,
)

PAGE = "pages/watermelons.py"
# The tests that only read the page on WATERMELONS share one run, in one test process.
READS_WATERMELONS = pytest.mark.xdist_group("watermelons-on-watermelons")


@pytest.fixture(scope="module")
def on_watermelons(tmp_path_factory):
    return run_app_once(tmp_path_factory, tabs=WATERMELONS, page=PAGE)


def shown_table(at) -> pd.DataFrame:
    return at.dataframe[0].value


@READS_WATERMELONS
def test_key_message_counts_watermelons_against_the_green_and_their_cost(on_watermelons):
    at = on_watermelons
    assert not at.exception
    assert at.subheader[0].value == "4 of 6 green initiatives are watermelons: $80k a year"
    assert "1 watermelon states no annual cost" in texts(at)
    assert metric(at, "Watermelons") == "4"
    assert metric(at, "Green on the deck") == "6"
    assert metric(at, "Their annual cost") == "$80k"


@READS_WATERMELONS
def test_table_lists_every_watermelon_largest_cost_first_with_its_reasons(on_watermelons):
    at = on_watermelons
    table = shown_table(at)
    assert table["id"].tolist() == ["AI-001", "AI-002", "AI-006", "AI-003"]
    assert table["verdict"].tolist() == ["reverted", "abandoned", "abandoned", "stalled"]
    assert table["team"].tolist() == ["Finance", "Support", "Ops", "Sales"]
    assert table["tool"].tolist() == ["VendorX", "ChatGPT", "Otter", "Copilot"]
    assert table["annual_cost"].tolist()[:3] == [50000.0, 20000.0, 10000.0]
    assert pd.isna(table["annual_cost"].iloc[3])
    assert all(why.startswith("Reported Green, but") for why in table["why"])
    assert "tried once: 2 weeks at up to 20 users" in table["why"].iloc[2]
    assert "Excel" in table["why"].iloc[0]  # what people went back to is among the reasons
    assert table["owner"].tolist() == ["Ann Lee", "Bo Chan", "Fi Hu", "Cy Diaz"]


def test_the_costliest_is_picked_first_and_picking_one_shows_its_weekly_users(
    tmp_path, monkeypatch
):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE)
    assert at.selectbox(key="watermelons_pick").value == "AI-001"
    assert "**Forecast bot**" in texts(at)

    at.selectbox(key="watermelons_pick").set_value("AI-006").run()
    assert not at.exception
    shown = texts(at)
    assert "**Meeting notes** · Ops · Otter · $10k a year · verdict: Abandoned" in shown
    assert "tried once\\: 2 weeks at up to 20 users" in shown  # escaped markdown
    assert at.query_params["initiative"] == "AI-006"
    # 2 Mar to the week of 1 Jun: 14 Mondays, 2 of them logged at 20, the rest read as 0.
    weeks = chart_data(at)
    assert len(weeks) == 14
    assert weeks["active_users"].tolist() == [20, 20] + [0] * 12
    assert weeks["logged"].tolist() == [True, True] + [False] * 12


def test_a_watermelon_without_usage_says_so_instead_of_an_empty_chart(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE, query={"initiative": "AI-003"})
    assert at.selectbox(key="watermelons_pick").value == "AI-003"
    assert "No usage logged for Sales emails up to 1 Jun 2026" in texts(at)
    assert not at.get("vega_lite_chart")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"team": "Finance"}, "1 of 1 green initiative is a watermelon: $50k a year"),
        ({"origin": "Mandate"}, "3 of 3 green initiatives are watermelons: $80k a year"),
        ({"tool": "Copilot"}, "1 of 1 green initiative is a watermelon"),
        ({"origin": "Grassroots"}, "None of the 2 green initiatives is a watermelon"),
        ({"team": "Legal"}, "The one green initiative is not a watermelon"),
    ],
)
def test_filters_in_the_url_change_the_key_message(tmp_path, monkeypatch, query, message):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE, query=query)
    assert not at.exception
    assert at.subheader[0].value == message


def test_the_sidebar_filter_narrows_the_table(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE)
    at.multiselect(key="sidebar_team").set_value(["Support"]).run()
    assert at.subheader[0].value == "1 of 1 green initiative is a watermelon: $20k a year"
    assert shown_table(at)["id"].tolist() == ["AI-002"]
    assert at.query_params["team"] == "Support"


def test_no_green_at_all_says_so_plainly(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE, query={"tool": "Python"})
    assert not at.exception
    assert "No initiative is reported Green" in at.info[0].value
    assert not at.dataframe


def test_presentation_mode_shows_teams_instead_of_owners(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=PAGE, query={"present": "1"})
    table = shown_table(at)
    assert table["owner"].tolist() == ["Finance team", "Support team", "Ops team", "Sales team"]
    names = {"Ann Lee", "Bo Chan", "Fi Hu", "Cy Diaz"}
    assert not any(name in texts(at) for name in names)


def test_without_usage_the_page_still_works_and_says_what_usage_would_add(tmp_path, monkeypatch):
    # Without Usage, AI-006 has no spike to read: a fresh Green Rollout is unproven. Without
    # Settings, the as-of date comes from the URL.
    at = run_app(
        tmp_path, monkeypatch, tabs=WATERMELON_INITIATIVES_ONLY, page=PAGE, query=WATERMELONS_AS_OF
    )
    assert not at.exception
    assert at.subheader[0].value == "3 of 6 green initiatives are watermelons: $70k a year"
    assert "With a Usage tab" in texts(at)


def test_sheet_text_in_the_detail_is_shown_literally(tmp_path, monkeypatch):
    rows = [list(row) for row in WATERMELON_INITIATIVES]
    rows[1][1] = "[click](javascript:alert(1)) <img src=x>"
    at = run_app(tmp_path, monkeypatch, tabs={**WATERMELONS, "Initiatives": rows}, page=PAGE)
    assert not at.exception
    assert "**\\[click\\]\\(javascript\\:alert\\(1\\)\\) \\<img src\\=x\\>**" in texts(at)


def test_runs_on_the_bundled_sample(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, source="sample", page=PAGE)
    assert not at.exception
    assert "green initiatives are watermelons" in at.subheader[0].value


@pytest.mark.parametrize(
    ("initiative", "as_of", "users", "logged"),
    [
        # two logged weeks, then two Mondays with no row up to a Wednesday as-of
        ("AI-006", "2026-03-25", [20, 20, 0, 0], [True, True, False, False]),
        # weeks after as_of are not read
        ("AI-004", "2026-04-20", [10, 10], [True, True]),
        # no usage at all: nothing to draw
        ("AI-007", "2026-06-01", [], []),
    ],
)
def test_initiative_weeks(tmp_path, initiative, as_of, users, logged):
    portfolio = parse_workbook(read_csv_folder(write_csv_workbook(tmp_path / "wb", WATERMELONS)))
    weeks = metrics.initiative_weeks(portfolio, initiative, as_of=pd.Timestamp(as_of))
    assert weeks["active_users"].tolist() == users
    assert weeks["logged"].tolist() == logged
    assert (weeks["week"].dt.dayofweek == 0).all()
