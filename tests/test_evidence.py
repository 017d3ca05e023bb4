"""Tests for portfolio.evidence: verdicts at every threshold, the as-of cut, check-ins, reasons.

Every case is one initiative with a hand-written weekly usage series ending at AS_OF
(a Monday), and its expectation is worked out by hand in the comment beside it.
Defaults: stale_after_days 45, recent_weeks 4, adopted 50% of peak and >= 5 users,
collapsed <= 20% of peak, real use = 3 weeks at >= 50% of a peak >= 5, pilot_max_days 120.
"""

from __future__ import annotations

import pandas as pd
import pytest

from portfolio import schema
from portfolio.evidence import COLUMNS, assess
from portfolio.model import Portfolio
from portfolio.reasons import format_date, format_number
from portfolio.settings import thresholds
from tests.workbooks import FRAMES_AS_OF as AS_OF
from tests.workbooks import initiative, portfolio_from_frames, weekly


def days_ago(days: int) -> pd.Timestamp:
    return AS_OF - pd.Timedelta(days=days)


def one(portfolio: Portfolio, **kw) -> pd.Series:
    assessed = assess(portfolio, **kw)
    assert len(assessed) == 1
    return assessed.iloc[0]


# (label, initiative overrides, weekly series or None, expected verdict, expected watermelon)
VERDICT_CASES = [
    # peak 10; last 4 weeks 5,5,5,5 -> mean 5 = exactly 50% and exactly 5 users -> adopted
    ("exactly half of peak and 5 users", {}, [10, 10, 10, 5, 5, 5, 5], "adopted", False),
    # last 4 weeks 5,5,5,4 -> mean 4.75: 47.5% of 10 and < 5; above 20% -> not yet sustained
    ("just under half of peak", {}, [10, 10, 10, 5, 5, 5, 4], "unproven", False),
    # peak 8; mean 5 = 62.5% and exactly 5 users -> adopted
    ("exactly 5 users", {}, [8, 8, 8, 5, 5, 5, 5], "adopted", False),
    # peak 8; mean 4.75 = 59% of peak but < 5 users -> not sustained, fresh -> unproven
    ("just under 5 users", {}, [8, 8, 8, 5, 5, 5, 4], "unproven", False),
    # peak 10, 3 weeks at >= 5 (real use); mean 2 = exactly 20% -> collapsed -> reverted
    ("exactly 20% after real use", {}, [10, 10, 10, 2, 2, 2, 2], "reverted", True),
    # mean (3+2+2+2)/4 = 2.25 = 22.5% -> not collapsed, not sustained -> unproven
    ("just above 20%", {}, [10, 10, 10, 3, 2, 2, 2], "unproven", False),
    # 30, 15, 15 are 3 weeks at >= 15 (50% of 30), peak 30 >= 5; then 0 -> reverted
    ("exactly 3 weeks at half the peak", {}, [0, 30, 15, 15, 0, 0, 0, 0], "reverted", True),
    # only 30, 30 reach 15: a 2-week spike, then mean 0 -> tried once -> abandoned
    ("2-week spike", {}, [0, 30, 30, 0, 0, 0, 0], "abandoned", True),
    # peak exactly 5, 3 weeks at >= 2.5, mean 1 = 20% -> real use, collapsed -> reverted
    ("peak exactly 5", {}, [5, 5, 5, 1, 1, 1, 1], "reverted", True),
    # peak 4 < 5: not real use; 4 weeks at >= 2 is no short spike; then 0 -> abandoned
    ("small use that stopped", {}, [4, 4, 4, 4, 0, 0, 0, 0], "abandoned", True),
    # a single week of 10 at AS_OF: the 3 other recent weeks count 0 -> mean 2.5 = 25%
    ("one week of data", {}, [10], "unproven", False),
    # a single week of 10 five weeks ago, nothing since: mean 0 -> 1-week spike -> abandoned
    ("one week, then nothing", {}, [10, None, None, None, None], "abandoned", True),
    # gaps outside and inside the window: last 4 weeks 10, 10, gap, 10 -> 30/4 = 7.5 = 75%
    ("gaps count as 0", {}, [10, None, 10, 10, 10, None, 10], "adopted", False),
    # 4 weeks at 10, then 3 missing weeks and 8 at AS_OF: mean 8/4 = 2 = 20% -> reverted
    ("missing weeks collapse", {}, [10, 10, 10, 10, None, None, None, 8], "reverted", True),
    # every logged week says 0: no use yet; updated 10 days ago -> unproven
    ("zero peak, fresh", {}, [0, 0, 0], "unproven", False),
    # every logged week says 0 and the row is 100 days old: zeros are no sign of life
    ("zero peak, stale", {"last_update": days_ago(100)}, [0, 0, 0], "stalled", True),
    # no usage, last update exactly 45 days ago: still fresh
    ("stale exactly 45 days", {"last_update": days_ago(45)}, None, "unproven", False),
    ("stale 46 days", {"last_update": days_ago(46)}, None, "stalled", True),
    # no update at all: the start date is the last sign of life (30 days) -> fresh
    ("new, never updated", {"last_update": None, "started": days_ago(30)}, None, "unproven", False),
    # Pilot exactly 120 days old, no usage, fresh -> not yet stalled
    ("pilot 120 days", {"stage": "Pilot", "started": days_ago(120)}, None, "unproven", False),
    ("pilot 121 days", {"stage": "Pilot", "started": days_ago(121)}, None, "stalled", True),
    # Pilot of 200 days, peak 3 < 5 users: never grew -> stalled although used this week
    (
        "pilot never grew",
        {"stage": "Pilot", "started": days_ago(200)},
        [3, 3, 2, 3],
        "stalled",
        True,
    ),
    # Pilot of 200 days that reached 5 once: it grew; mean 7/4 = 35% -> unproven
    (
        "pilot that grew",
        {"stage": "Pilot", "started": days_ago(200)},
        [5, 5, 5, 1, 2, 2, 2],
        "unproven",
        False,
    ),
    # a stage typed by the team wins over sustained use
    ("stage Stalled", {"stage": "Stalled"}, [10, 10, 10, 10], "stalled", True),
    ("stage Reverted", {"stage": "Reverted"}, None, "reverted", True),
    (
        "stage Abandoned, Amber",
        {"stage": "Abandoned", "reported_status": "Amber"},
        None,
        "abandoned",
        False,
    ),
    # says Adopted, no evidence: fresh -> unproven (not a watermelon: not NOT_REAL)
    ("says Adopted, no usage", {"stage": "Adopted"}, None, "unproven", False),
    # Red and collapsed: reverted but not a watermelon
    ("red and reverted", {"reported_status": "Red"}, [10, 10, 10, 0, 0, 0, 0], "reverted", False),
    # no status at all: not a watermelon
    ("no status", {"reported_status": None}, [0, 30, 30, 0, 0, 0, 0], "abandoned", False),
]


@pytest.mark.parametrize(
    ("label", "fields", "series", "verdict", "watermelon"),
    VERDICT_CASES,
    ids=[case[0] for case in VERDICT_CASES],
)
def test_verdict_at_each_threshold(label, fields, series, verdict, watermelon):
    portfolio = portfolio_from_frames(
        initiatives=[initiative(**fields)], usage=weekly(series) if series else None
    )
    row = one(portfolio)
    assert (row.verdict, row.watermelon) == (verdict, watermelon)
    assert row.verdict in schema.VERDICTS
    assert row.reason == row.reasons[0]
    assert row.reason.startswith("Reported Green, but ") == watermelon


# (label, initiative overrides, usage rows, expected reasons)
REASON_CASES = [
    (
        # peak 41 in the week of 2 Jun; last 4 weeks 5 each: 1 - 5/41 = 87.8% -> "88%";
        # 41, 30, 25 are >= 20.5: 3 weeks of real use
        "88% fall",
        {"reverted_to": "Excel forecast model"},
        weekly([41, 30, 25], end=pd.Timestamp("2025-06-16")) + weekly([5, 5, 5, 5]),
        [
            # the fixture's usage is typed (no source), and the first reason says so
            "Reported Green, but weekly active users fell 88% from a peak of 41 (week of 2 Jun)"
            " to 5; usage typed into the sheet, not measured by a tool",
            "It had real use: 3 weeks at 50% of the peak or more",
            "People went back to Excel forecast model",
        ],
    ),
    (
        "stale 120 days",
        {"last_update": days_ago(120), "reported_status": "Amber"},
        [],
        ["No update, check-in or usage for 120 days"],
    ),
    (
        "stage says Reverted",
        {"stage": "Reverted", "reverted_to": "Excel forecast model", "reported_status": "Red"},
        [],
        ["Stage says Reverted; people went back to Excel forecast model"],
    ),
    (
        # last 4 weeks 12 each, peak 15
        "adopted",
        {},
        weekly([15, 12, 12, 12, 12]),
        ["Used by 12 people a week on average over the last 4 weeks (peak 15)"],
    ),
    (
        "pilot never grew",
        {"stage": "Pilot", "started": days_ago(210), "reported_status": None},
        weekly([3, 2, 3, 3]),
        ["A Pilot for 210 days that never grew past 3 weekly users"],
    ),
    (
        "tried once",
        {"reported_status": "Amber"},
        weekly([30, 30, 0, 0, 0, 0]),
        ["Tried once: 2 weeks at up to 30 users, then 0"],
    ),
    (
        # the spike was 5 and 6 weeks ago (22 and 29 Sep 2025), nothing logged since
        "tried once, log stopped",
        {"reported_status": "Amber"},
        weekly([30, 30], end=days_ago(35)),
        [
            "Tried once: 2 weeks at up to 30 users, then 0",
            "No usage logged since the week of 29 Sep",
        ],
    ),
    (
        "no usage yet",
        {"last_update": days_ago(1)},
        [],
        ["No usage logged yet; last updated 1 day ago"],
    ),
    (
        # one week of 10: mean 10/4 = 2.5 = 25% of the peak
        "one week",
        {},
        weekly([10]),
        [
            "Not yet sustained: 2.5 weekly users on average over the last 4 weeks, 25% of the"
            " peak of 10 (week of 3 Nov)"
        ],
    ),
    (
        # peak in a previous year shows the year
        "peak last year, stage Stalled",
        {"stage": "Stalled"},
        weekly([1_200], end=pd.Timestamp("2024-12-30")) + weekly([600, 600, 600, 600]),
        [
            "Reported Green, but stage says Stalled",
            "Peak of 1,200 weekly users (week of 30 Dec 2024); 600 a week on average over the"
            " last 4 weeks",
        ],
    ),
]


@pytest.mark.parametrize(
    ("label", "fields", "usage", "reasons"), REASON_CASES, ids=[c[0] for c in REASON_CASES]
)
def test_reasons_read_like_sentences(label, fields, usage, reasons):
    portfolio = portfolio_from_frames(initiatives=[initiative(**fields)], usage=usage or None)
    assert one(portfolio).reasons == reasons


def test_numbers_behind_the_verdict():
    # Weeks (Mondays) 6 Oct .. 3 Nov: 20, 40, 30, 0, 10; the window is 13 Oct .. 3 Nov.
    usage = weekly([20, 40, 30, 0, 10])
    usage[2]["measured_hours_saved"] = 6.0  # 20 Oct
    usage[4]["measured_hours_saved"] = 2.0  # 3 Nov
    usage[0]["measured_hours_saved"] = 100.0  # 6 Oct, outside the window
    # a second row for 3 Nov: one observation, the larger count (12), mean of measured (2, 4)
    usage.append(
        {"initiative_id": "A", "week": AS_OF, "active_users": 12, "measured_hours_saved": 4.0}
    )
    row = one(portfolio_from_frames(initiatives=[initiative()], usage=usage))
    assert row.peak_users == 40
    assert row.peak_week == pd.Timestamp("2025-10-13")
    assert row.recent_mean == (40 + 30 + 0 + 12) / 4  # 20.5 -> 51% of 40, >= 5
    assert row.latest_users == 12
    assert row.weeks_with_usage == 4  # the week at 0 is not a week with usage
    assert row.usage_rows == 6
    assert row.measured_hours_saved_per_week == (6.0 + (2.0 + 4.0) / 2) / 2  # 4.5
    assert row.last_activity == AS_OF
    assert row.days_since_activity == 0
    assert row.verdict == "adopted"


def test_usage_after_as_of_is_ignored():
    # 10 a week up to AS_OF, then two weeks of 0 after it: still adopted as of AS_OF
    usage = weekly([10, 10, 10, 10]) + weekly([0, 0], end=AS_OF + pd.Timedelta(weeks=2))
    row = one(portfolio_from_frames(initiatives=[initiative()], usage=usage))
    assert (row.verdict, row.usage_rows, row.latest_users) == ("adopted", 4, 10)
    # only future usage: nothing is known yet
    future = weekly([50, 50], end=AS_OF + pd.Timedelta(weeks=2))
    row = one(portfolio_from_frames(initiatives=[initiative()], usage=future))
    assert (row.verdict, row.usage_rows) == ("unproven", 0)
    assert pd.isna(row.peak_users)


def test_earlier_as_of_gives_the_then_picture():
    # 3 weeks at 10 ending 6 Oct, then 4 weeks of 0 ending 3 Nov
    usage = weekly([10, 10, 10], end=pd.Timestamp("2025-10-06")) + weekly([0, 0, 0, 0])
    portfolio = portfolio_from_frames(
        initiatives=[initiative("A"), initiative("B", started=pd.Timestamp("2025-10-20"))],
        usage=usage,
    )
    then = assess(portfolio, as_of=pd.Timestamp("2025-10-06"))
    now = assess(portfolio)
    # then: window 15 Sep .. 6 Oct = 0 (gap), 10, 10, 10 -> 7.5 = 75% -> adopted; B not started
    assert then.index.tolist() == ["A"]
    assert then.loc["A", "verdict"] == "adopted"
    assert now.loc["A", "verdict"] == "reverted"
    assert now.index.tolist() == ["A", "B"]


def test_started_after_as_of_is_left_out_but_unknown_start_stays():
    portfolio = portfolio_from_frames(
        initiatives=[
            initiative("A", started=AS_OF + pd.Timedelta(days=1)),
            initiative("B", started=AS_OF),
            initiative("C", started=None),
        ]
    )
    assert assess(portfolio).index.tolist() == ["B", "C"]


# (label, initiative overrides, check-ins, expected (status, stage, verdict, watermelon))
CHECKIN_CASES = [
    # row stale (100 days), check-in 10 days ago revives it -> unproven
    (
        "check-in makes a stale row fresh",
        {"last_update": days_ago(100)},
        [{"timestamp": days_ago(10), "reported_status": "Green"}],
        ("Green", "Rollout", "unproven", False),
    ),
    # the same check-in, but after AS_OF (on the next day): ignored -> stalled
    (
        "check-in after as_of is ignored",
        {"last_update": days_ago(100)},
        [{"timestamp": AS_OF + pd.Timedelta(days=1, hours=9), "reported_status": "Amber"}],
        ("Green", "Rollout", "stalled", True),
    ),
    # a check-in later on the as_of day itself counts
    (
        "check-in on the as_of day counts",
        {"last_update": days_ago(100)},
        [{"timestamp": AS_OF + pd.Timedelta(hours=17), "reported_status": "Amber"}],
        ("Amber", "Rollout", "unproven", False),
    ),
    # the latest check-in's stage overrides the row's Rollout
    (
        "check-in stage overrides",
        {},
        [
            {"timestamp": days_ago(20), "stage": "Stalled"},
            {"timestamp": days_ago(5), "stage": "Reverted"},
        ],
        ("Green", "Reverted", "reverted", True),
    ),
    # status overridden to Amber: a stalled row is no longer a watermelon
    (
        "check-in status overrides",
        {"stage": "Stalled"},
        [{"timestamp": days_ago(5), "reported_status": "Amber"}],
        ("Amber", "Stalled", "stalled", False),
    ),
    # a blank status in the latest check-in keeps the previous check-in's Red
    (
        "blank means no change",
        {},
        [
            {"timestamp": days_ago(20), "reported_status": "Red"},
            {"timestamp": days_ago(5), "stage": "Idea"},
        ],
        ("Red", "Idea", "unproven", False),
    ),
    # a check-in for another initiative changes nothing
    (
        "other initiative",
        {"last_update": days_ago(100)},
        [{"initiative_id": "Z", "timestamp": days_ago(1), "reported_status": "Red"}],
        ("Green", "Rollout", "stalled", True),
    ),
]


@pytest.mark.parametrize(
    ("label", "fields", "checkins", "expected"), CHECKIN_CASES, ids=[c[0] for c in CHECKIN_CASES]
)
def test_checkins_override_the_row(label, fields, checkins, expected):
    rows = [
        {"checkin_id": str(i), "initiative_id": "A", **checkin}
        for i, checkin in enumerate(checkins)
    ]
    row = one(portfolio_from_frames(initiatives=[initiative(**fields)], checkins=rows))
    assert (row.reported_status, row.stage, row.verdict, row.watermelon) == expected
    assert (row.row_status, row.row_stage) == (
        fields.get("reported_status", "Green"),
        fields.get("stage", "Rollout"),
    )


def test_last_checkin_and_days_since_activity():
    rows = [
        {"checkin_id": "1", "initiative_id": "A", "timestamp": days_ago(3) + pd.Timedelta(hours=14)}
    ]
    row = one(
        portfolio_from_frames(initiatives=[initiative(last_update=days_ago(30))], checkins=rows)
    )
    assert row.last_checkin == days_ago(3) + pd.Timedelta(hours=14)
    assert row.last_activity == days_ago(3)
    assert row.days_since_activity == 3


@pytest.mark.parametrize(
    ("settings", "verdict"),
    [
        ({}, "unproven"),  # 40 days without news < 45
        ({"stale_after_days": 30}, "stalled"),  # 40 > 30
        ({"stale_after_days": "40"}, "unproven"),  # typed as text, exactly 40: fresh
        ({"stale_after_days": None}, "unproven"),  # blank: default 45
    ],
)
def test_thresholds_come_from_settings(settings, verdict):
    portfolio = portfolio_from_frames(
        initiatives=[initiative(last_update=days_ago(40))], settings=settings
    )
    assert one(portfolio).verdict == verdict


def test_recent_weeks_setting_widens_the_window():
    # with 8 recent weeks, 10 a week for the last 8 weeks after a peak of 12 is adopted,
    # and a 1-week spike of 30 at AS_OF is 30/8 = 3.75 = 12.5% -> tried once
    settings = {"recent_weeks": 8}
    assert thresholds(settings).recent_weeks == 8
    steady = portfolio_from_frames(
        initiatives=[initiative()], usage=weekly([12] + [10] * 8), settings=settings
    )
    assert one(steady).recent_mean == 10
    spike = portfolio_from_frames(initiatives=[initiative()], usage=weekly([30]), settings=settings)
    assert one(spike).verdict == "abandoned"


def test_contract_columns_and_empty_portfolio():
    empty = assess(portfolio_from_frames())
    assert list(empty.columns) == list(COLUMNS)
    assert empty.empty
    full = assess(portfolio_from_frames(initiatives=[initiative()], usage=weekly([5])))
    assert list(full.columns) == list(COLUMNS)
    assert full.index.tolist() == ["A"]
    assert str(full["days_since_activity"].dtype) == "Int64"
    assert full["watermelon"].dtype == bool


def test_usage_for_unknown_ids_is_ignored():
    usage = weekly([10, 10, 10, 10], id_="ZZ")
    row = one(portfolio_from_frames(initiatives=[initiative()], usage=usage))
    assert (row.usage_rows, row.verdict) == (0, "unproven")


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (5.0, "5"), (2.5, "2.5"), (4.75, "4.8"), (12.25, "12"), (1234, "1,234")],
)
def test_format_number(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize(
    ("date", "text"),
    [("2025-06-02", "2 Jun"), ("2024-06-02", "2 Jun 2024"), ("2025-11-03", "3 Nov")],
)
def test_format_date(date, text):
    assert format_date(pd.Timestamp(date), as_of=AS_OF) == text


# Shares that do not multiply exactly in floating point: 25 * 0.55 = 13.750000000000002 and
# 25 * 0.56 = 14.000000000000002, so a comparison without a tolerance would miss the threshold.
INEXACT_SHARE_CASES = [
    # peak 25; last 4 weeks 14, 14, 14, 13 -> mean 13.75 = exactly 55% of 25, >= 5 -> adopted
    ("recent mean at exactly the share", 0.55, [25, 25, 25, 14, 14, 14, 13], "adopted"),
    # peak 25; 25, 14, 14 are 3 weeks at >= 14 (56% of 25): real use; then 0 -> reverted,
    # not a 1-week spike (which would read "tried once" -> abandoned)
    ("weeks at exactly the share", 0.56, [0, 25, 14, 14, 0, 0, 0, 0], "reverted"),
]


@pytest.mark.parametrize(
    ("label", "share", "series", "verdict"),
    INEXACT_SHARE_CASES,
    ids=[case[0] for case in INEXACT_SHARE_CASES],
)
def test_share_of_peak_holds_at_exactly_the_threshold(label, share, series, verdict):
    portfolio = portfolio_from_frames(
        initiatives=[initiative()],
        usage=weekly(series),
        settings={"adopted_share_of_peak": share},
    )
    assert one(portfolio).verdict == verdict
