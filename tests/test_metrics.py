"""Tests for portfolio.metrics: every figure from a small, hand-counted fixture.

Most tests build an assessed frame directly (the columns metrics reads), so the expectations
do not depend on the evidence rules; transitions and weekly users go through a Portfolio.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from portfolio import metrics
from portfolio.evidence import assess
from tests.workbooks import FRAMES_AS_OF as AS_OF
from tests.workbooks import initiative, portfolio_from_frames, weekly

_ASSESSED_DEFAULTS = {
    "name": "x",
    "team": "Finance",
    "origin": "Mandate",
    "reported_status": "Green",
    "tool": None,
    "started": pd.Timestamp("2025-01-06"),
    "annual_cost": np.nan,
    "seats": pd.NA,
    "claimed_hours_saved_per_week": np.nan,
    "measured_hours_saved_per_week": np.nan,
    "reason": "because",
}


def assessed(*rows: dict) -> pd.DataFrame:
    """An assessed frame from rows giving at least `verdict`; ids A, B, C... unless given."""
    records = [{"id": chr(ord("A") + i), **_ASSESSED_DEFAULTS, **row} for i, row in enumerate(rows)]
    frame = pd.DataFrame(records, columns=["id", *_ASSESSED_DEFAULTS, "verdict"])
    for col in ("id", "name", "team", "origin", "reported_status", "tool", "verdict", "reason"):
        frame[col] = frame[col].astype("string")
    frame["started"] = pd.to_datetime(frame["started"]).astype("datetime64[ns]")
    frame["seats"] = frame["seats"].astype("Int64")
    for col in ("annual_cost", "claimed_hours_saved_per_week", "measured_hours_saved_per_week"):
        frame[col] = frame[col].astype(float)
    return frame.set_index(frame["id"].to_numpy())


def sv(status: str | None, verdict: str) -> dict:
    return {"reported_status": status, "verdict": verdict}


# 4 green (adopted, unproven, stalled, reverted), 1 amber abandoned, 1 without status stalled
MIXED = [
    sv("Green", "adopted"),
    sv("Green", "unproven"),
    sv("Green", "stalled"),
    sv("Green", "reverted"),
    sv("Amber", "abandoned"),
    sv(None, "stalled"),
]


@pytest.mark.parametrize(
    ("rows", "green", "not_real", "share"),
    [
        (MIXED, 4, 2, 0.5),  # stalled + reverted of 4 green; unproven is not "not real"
        ([sv("Amber", "stalled"), sv(None, "adopted")], 0, 0, math.nan),
        ([sv("Green", "abandoned")], 1, 1, 1.0),
        ([sv("Green", "adopted"), sv("Green", "unproven")], 2, 0, 0.0),
    ],
)
def test_theater_gap(rows, green, not_real, share):
    gap = metrics.theater_gap(assessed(*rows))
    assert (gap.green, gap.green_not_real) == (green, not_real)
    assert gap.share == share or (math.isnan(share) and math.isnan(gap.share))


@pytest.mark.parametrize(
    ("green", "not_real", "text"),
    [
        (0, 0, "No initiative is green on the deck"),
        (1, 0, "1 initiative is green on the deck; it has not stalled or been dropped"),
        (1, 1, "1 initiative is green on the deck; it has stalled or been dropped"),
        (2, 1, "2 initiatives are green on the deck; 1 of them has stalled or been dropped"),
        (31, 9, "31 initiatives are green on the deck; 9 of them have stalled or been dropped"),
        (3, 0, "3 initiatives are green on the deck; none of them has stalled or been dropped"),
        (3, 3, "3 initiatives are green on the deck; all of them have stalled or been dropped"),
        (
            1200,
            10,
            "1,200 initiatives are green on the deck; 10 of them have stalled or been dropped",
        ),
    ],
)
def test_headline(green, not_real, text):
    rows = [sv("Green", "reverted")] * not_real + [sv("Green", "adopted")] * (green - not_real)
    rows.append(sv("Red", "stalled"))  # not green: never counted
    assert metrics.headline(assessed(*rows)) == text


def test_verdict_counts_lists_every_verdict():
    rows = [sv("Green", v) for v in ("adopted", "adopted", "unproven", "stalled", "reverted")]
    counts = metrics.verdict_counts(assessed(*rows))
    assert counts["verdict"].tolist() == ["adopted", "unproven", "stalled", "reverted", "abandoned"]
    assert counts["count"].tolist() == [2, 1, 1, 1, 0]
    assert counts["share"].tolist() == [0.4, 0.2, 0.2, 0.2, 0.0]


def test_status_by_verdict_long_format():
    table = metrics.status_by_verdict(assessed(*MIXED))
    assert len(table) == 4 * 5  # Green, Amber, Red, No status x 5 verdicts
    nonzero = table[table["count"] > 0].sort_values(["reported_status", "verdict"])
    assert nonzero.values.tolist() == [
        ["Amber", "abandoned", 1],
        ["Green", "adopted", 1],
        ["Green", "reverted", 1],
        ["Green", "stalled", 1],
        ["Green", "unproven", 1],
        ["No status", "stalled", 1],
    ]
    # every status is present, no "No status" bucket when every row has one
    without_blank = metrics.status_by_verdict(assessed(*MIXED[:5]))
    assert without_blank["reported_status"].unique().tolist() == ["Green", "Amber", "Red"]


def _origin(origin: str | None, verdict: str) -> dict:
    return {"origin": origin, "verdict": verdict}


def test_survival_by_origin():
    rows = [
        _origin("Mandate", "adopted"),
        _origin("Mandate", "unproven"),
        _origin("Mandate", "stalled"),
        _origin("Mandate", "reverted"),
        _origin("Grassroots", "adopted"),
        _origin("Grassroots", "adopted"),
        _origin(None, "abandoned"),
    ]
    table = metrics.survival_by(assessed(*rows))
    assert table.columns.tolist() == ["origin", *metrics.SURVIVAL_COLUMNS]
    # Mandate 1 of 4 = 0.25 (unproven counts in the total); Vendor listed at 0 with NaN
    assert table.drop(columns="survival").values.tolist() == [
        ["Mandate", 4, 1, 1, 2],
        ["Grassroots", 2, 2, 0, 0],
        ["Vendor", 0, 0, 0, 0],
        ["Not stated", 1, 0, 0, 1],
    ]
    assert table["survival"].tolist()[:2] == [0.25, 1.0]
    assert math.isnan(table["survival"].iloc[2])
    assert table["survival"].iloc[3] == 0.0


def test_survival_by_team_largest_first():
    rows = [
        {"team": "Ops", "verdict": "adopted"},
        {"team": "Sales", "verdict": "stalled"},
        {"team": "Sales", "verdict": "adopted"},
        {"team": "Sales", "verdict": "adopted"},
    ]
    table = metrics.survival_by(assessed(*rows), by="team")
    assert table[["team", "total", "adopted"]].values.tolist() == [["Sales", 3, 2], ["Ops", 1, 1]]


def test_survival_by_mandate():
    rows = [
        {"started": pd.Timestamp("2025-02-28"), "verdict": "adopted"},  # before
        {"started": pd.Timestamp("2025-03-01"), "verdict": "stalled"},  # the day itself: after
        {"started": pd.Timestamp("2025-06-01"), "verdict": "adopted"},  # after
        {"started": None, "verdict": "unproven"},  # unknown
    ]
    table = metrics.survival_by_mandate(assessed(*rows), pd.Timestamp("2025-03-01"))
    assert table.values.tolist() == [
        ["Before the mandate", 1, 1, 0, 0, 1.0],
        ["After the mandate", 2, 1, 0, 1, 0.5],
        ["Start date unknown", 1, 0, 1, 0, 0.0],
    ]
    # both periods always face each other
    only_after = metrics.survival_by_mandate(assessed(*rows[1:3]), "2025-03-01")
    assert only_after["period"].tolist() == ["Before the mandate", "After the mandate"]
    assert only_after["total"].tolist() == [0, 2]


def test_survival_by_mandate_without_a_date_says_what_to_add():
    with pytest.raises(metrics.MandateDateMissing, match="Settings tab"):
        metrics.survival_by_mandate(assessed(sv("Green", "adopted")), None)
    assert issubclass(metrics.MandateDateMissing, metrics.MetricsError)


SPEND = [
    {"verdict": "adopted", "annual_cost": 30_000.0},
    {"verdict": "adopted"},  # no cost stated
    {"verdict": "stalled", "annual_cost": 50_000.0},
    {"verdict": "unproven", "annual_cost": 12_000.0},
    {"verdict": "reverted"},
]


def test_spend_not_adopted():
    # 50,000 stalled + 12,000 unproven; blank costs add nothing
    assert metrics.spend_not_adopted(assessed(*SPEND)) == 62_000.0
    assert metrics.spend_not_adopted(assessed({"verdict": "adopted", "annual_cost": 5.0})) == 0.0


def test_spend_by_verdict():
    table = metrics.spend_by_verdict(assessed(*SPEND))
    assert table.values.tolist() == [
        ["adopted", 30_000.0, 2, 1],
        ["unproven", 12_000.0, 1, 1],
        ["stalled", 50_000.0, 1, 1],
        ["reverted", 0.0, 1, 0],
        ["abandoned", 0.0, 0, 0],
    ]


def test_hours_saved():
    rows = [
        {"verdict": "adopted", "claimed_hours_saved_per_week": 40.0,
         "measured_hours_saved_per_week": 10.0},
        {"verdict": "stalled", "claimed_hours_saved_per_week": 20.0},
        {"verdict": "adopted", "measured_hours_saved_per_week": 5.0},
        {"verdict": "unproven"},
    ]  # fmt: skip
    hours = metrics.hours_saved(assessed(*rows))
    assert (hours.claimed, hours.measured, hours.claimed_never_measured) == (60.0, 15.0, 20.0)
    assert (hours.initiatives_claiming, hours.initiatives_measured) == (2, 2)
    per = hours.by_initiative
    assert per["id"].tolist() == ["A", "B", "C"]  # largest claim first, no claim last; D out
    assert per["unmeasured"].tolist() == [False, True, False]


def test_seats_vs_daily():
    rows = [
        {"verdict": "adopted", "tool": "GitHub Copilot", "seats": 200, "annual_cost": 60_000.0},
        {"verdict": "stalled", "tool": "ChatGPT", "seats": 50, "annual_cost": 15_000.0},
        {"verdict": "adopted", "tool": "chatgpt ", "seats": 10, "annual_cost": 3_000.0},
        {"verdict": "adopted", "tool": "Internal bot"},
        {"verdict": "adopted"},  # no tool: not a row
    ]

    def answer(tool, frequency, sanctioned=True):
        return {"department": "Ops", "tool": tool, "frequency": frequency, "sanctioned": sanctioned}

    survey = portfolio_from_frames(
        daily_tools=[
            answer("github copilot", "Daily"),
            answer("Github-Copilot", "Daily"),
            answer("GitHub Copilot", "Daily"),
            answer("GitHub Copilot", "Weekly"),
            answer("ChatGPT", "Daily", sanctioned=False),
            answer("Claude", "Daily", sanctioned=False),
            answer("Claude", "Daily", sanctioned=None),
            answer("Claude", "Monthly", sanctioned=False),
            answer("internal bot", "Daily"),
        ]
    ).daily_tools
    table = metrics.seats_vs_daily(assessed(*rows), survey)
    expected = [
        # tool, initiatives, seats, cost, daily, respondents, unsanctioned daily, per daily user,
        # paid for, unsanctioned
        ["GitHub Copilot", 1, 200, 60_000.0, 3, 4, 0, 20_000.0, True, False],
        ["ChatGPT", 2, 60, 18_000.0, 1, 1, 1, 18_000.0, True, True],
        ["Claude", 0, 0, 0.0, 2, 3, 1, math.nan, False, True],
        ["Internal bot", 1, 0, 0.0, 1, 1, 0, math.nan, False, False],
    ]
    got = table.astype(object).where(table.notna(), math.nan).values.tolist()
    assert len(got) == len(expected)
    for row, want in zip(got, expected, strict=True):
        assert row[:7] == want[:7]
        assert row[7] == want[7] or (math.isnan(row[7]) and math.isnan(want[7]))
        assert row[8:] == want[8:]


def test_seats_vs_daily_without_a_survey():
    rows = [{"verdict": "adopted", "tool": "Copilot", "seats": 5, "annual_cost": 100.0}]
    table = metrics.seats_vs_daily(assessed(*rows), portfolio_from_frames().daily_tools)
    assert table[["tool", "seats", "daily_users", "unsanctioned"]].values.tolist() == [
        ["Copilot", 5, 0, False]
    ]


def _trend_portfolio(settings: dict | None = None):
    """A: 10 a week 15 Sep..6 Oct then 0 until AS_OF; B starts 20 Oct; C says Stalled;
    D: 8 a week 15 Sep..3 Nov."""
    usage = (
        weekly([10, 10, 10, 10], end=pd.Timestamp("2025-10-06"))
        + weekly([0, 0, 0, 0])
        + weekly([8] * 8, id_="D")
    )
    return portfolio_from_frames(
        initiatives=[
            initiative("A"),
            initiative("B", started=pd.Timestamp("2025-10-20")),
            initiative("C", stage="Stalled"),
            initiative("D"),
        ],
        usage=usage,
        settings=settings,
    )


def test_transitions_then_and_now():
    # as of 6 Oct: A adopted (10 a week), B not started, C stalled, D adopted (8 a week)
    # as of 3 Nov: A reverted (4 weeks of real use, then 0), B unproven, C stalled, D adopted
    t = metrics.transitions(_trend_portfolio(), then=pd.Timestamp("2025-10-06"))
    assert (t.then, t.now) == (pd.Timestamp("2025-10-06"), AS_OF)
    assert t.flows.values.tolist() == [
        ["not started", "unproven", 1],
        ["adopted", "adopted", 1],
        ["adopted", "reverted", 1],
        ["stalled", "stalled", 1],
    ]
    assert t.summary.values.tolist() == [
        ["adopted", 2, 1],
        ["unproven", 0, 1],
        ["stalled", 1, 1],
        ["reverted", 0, 1],
        ["abandoned", 0, 0],
    ]
    assert t.changes[["id", "then_verdict", "now_verdict"]].values.tolist() == [
        ["A", "adopted", "reverted"],
        ["B", "not started", "unproven"],
    ]
    assert t.changes["reason"].iloc[0].startswith("Reported Green, but weekly active users fell")


@pytest.mark.parametrize(
    ("settings", "then"),
    [({}, pd.Timestamp("2025-05-03")), ({"compare_months": 1}, pd.Timestamp("2025-10-03"))],
)
def test_transitions_default_then_is_compare_months_back(settings, then):
    assert metrics.transitions(_trend_portfolio(settings)).then == then


def test_transitions_limited_to_ids():
    t = metrics.transitions(_trend_portfolio(), then=pd.Timestamp("2025-10-06"), ids=["A", "C"])
    assert t.flows.values.tolist() == [["adopted", "reverted", 1], ["stalled", "stalled", 1]]


def _usage_rows():
    def row(id_, week, users):
        return {"initiative_id": id_, "week": pd.Timestamp(week), "active_users": users}

    return [
        row("A", "2025-10-06", 10),
        row("A", "2025-10-08", 12),  # a Wednesday: same week as 6 Oct, larger count wins
        row("B", "2025-10-06", 5),
        row("B", "2025-10-20", 7),  # nothing logged the week of 13 Oct
        row("A", "2025-11-10", 99),  # after AS_OF
    ]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            {},
            [["2025-10-06", 17, 2], ["2025-10-13", 0, 0], ["2025-10-20", 7, 1]],
        ),
        (
            {"ids": ["B"]},
            [["2025-10-06", 5, 1], ["2025-10-13", 0, 0], ["2025-10-20", 7, 1]],
        ),
        (
            {"per_initiative": True},
            [["2025-10-06", "A", 12], ["2025-10-06", "B", 5], ["2025-10-20", "B", 7]],
        ),
        (
            {"as_of": pd.Timestamp("2025-10-07")},
            [["2025-10-06", 15, 2]],  # A's Wednesday row is after this as_of
        ),
    ],
)
def test_weekly_active_users(options, expected):
    portfolio = portfolio_from_frames(
        initiatives=[initiative("A"), initiative("B")], usage=_usage_rows()
    )
    table = metrics.weekly_active_users(portfolio, **options)
    table["week"] = table["week"].dt.strftime("%Y-%m-%d")
    assert table.values.tolist() == expected


def test_weekly_active_users_without_usage():
    table = metrics.weekly_active_users(portfolio_from_frames(initiatives=[initiative()]))
    assert table.empty
    assert table.columns.tolist() == ["week", "active_users", "initiatives"]


def test_metrics_on_the_real_assessed_frame():
    # the assessed frame from the evidence engine has every column metrics reads
    portfolio = _trend_portfolio()
    frame = assess(portfolio)
    assert metrics.theater_gap(frame).green == 4
    assert metrics.verdict_counts(frame)["count"].sum() == 4
    assert metrics.survival_by(frame)["total"].sum() == 4
    assert metrics.hours_saved(frame).claimed == 0.0
    assert metrics.seats_vs_daily(frame, portfolio.daily_tools).empty


def test_transitions_with_a_repeated_id_keeps_both_rows():
    # Rows 2 and 3 both say id "A" (an error on Sheet health); the sheet rows tell them apart.
    # Row 2 is a Stalled entry from long ago; row 3 a fresh Pilot started 20 Oct.
    # Both share A's usage (10 a week over the last 4 weeks): row 2's typed stage wins
    # (stalled, then and now); row 3 had not started on 6 Oct and is adopted now.
    portfolio = portfolio_from_frames(
        initiatives=[
            initiative("A", stage="Stalled", _row=2),
            initiative("A", stage="Pilot", started=pd.Timestamp("2025-10-20"), _row=3),
        ],
        usage=weekly([10, 10, 10, 10]),
    )
    t = metrics.transitions(portfolio, then=pd.Timestamp("2025-10-06"))
    assert t.flows.values.tolist() == [["not started", "adopted", 1], ["stalled", "stalled", 1]]
    assert t.changes[["id", "then_verdict", "now_verdict"]].values.tolist() == [
        ["A", "not started", "adopted"]
    ]


def test_transitions_reuses_assessed_frames_it_is_given():
    portfolio = _trend_portfolio()
    then = pd.Timestamp("2025-10-06")
    given = metrics.transitions(
        portfolio,
        then=then,
        current=assess(portfolio, as_of=AS_OF),
        before=assess(portfolio, as_of=then),
    )
    assert given.flows.values.tolist() == [
        ["not started", "unproven", 1],
        ["adopted", "adopted", 1],
        ["adopted", "reverted", 1],
        ["stalled", "stalled", 1],
    ]
    # A "before" frame that says otherwise is what the answer is built from.
    before = assess(portfolio, as_of=then).assign(verdict="stalled")
    moved = metrics.transitions(portfolio, then=then, before=before)
    assert moved.summary.set_index("verdict")["then"].to_dict()["stalled"] == 3
