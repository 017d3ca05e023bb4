"""The bundled demo workbook: deterministic, committed as generated, and telling its story.

Story checks compute peaks and recent means straight from the rows, by the rules of
DESIGN.md section 2, with margins, so each story beat is clearly (not barely) its verdict.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict

import pytest

from data_sources.files import read_csv_folder
from data_sources.sample import SAMPLE_DIR, read_sample
from data_sources.sample.generate import (
    INTENDED_VERDICTS,
    STORIES,
    USAGE_LEFT_OUT,
    generate_workbook,
    week_starts,
    write_workbook,
)
from portfolio.schema import NOT_REAL, TABLES, VERDICTS

AS_OF = dt.date(2026, 11, 23)
MANDATE = dt.date(2026, 2, 2)
FIRST_WEEK = dt.date(2025, 12, 1)  # the first of the 52 Mondays that end on 23 Nov 2026
RECENT = 4
# Margins around the design thresholds (50% of peak, 5 users, 20% of peak, 3 weeks, 45 days).
ADOPTED_MIN_SHARE = 0.7
ADOPTED_MIN_USERS = 7
COLLAPSED_MAX_SHARE = 0.15
STALE_DAYS = 60
FRESH_DAYS = 30
REAL_USE_MIN_WEEKS = 5
TRIED_ONCE_MAX_WEEKS = 2

WORKBOOK = generate_workbook()


def _records(tab: str) -> list[dict[str, str]]:
    header, *rows = WORKBOOK[tab]
    return [dict(zip(header, row, strict=True)) for row in rows]


INITIATIVES = {r["id"]: r for r in _records("Initiatives")}
USAGE: dict[str, dict[dt.date, int]] = defaultdict(dict)
for _r in _records("Usage"):
    USAGE[_r["initiative_id"]][dt.date.fromisoformat(_r["week"])] = int(_r["active_users"])
RECENT_WEEKS = [AS_OF - dt.timedelta(weeks=k) for k in range(RECENT)]


def _peak(ident: str) -> int:
    return max(USAGE[ident].values(), default=0)


def _recent_mean(ident: str) -> float:
    return sum(USAGE[ident].get(week, 0) for week in RECENT_WEEKS) / RECENT


def _weeks_at_half_peak(ident: str) -> int:
    return sum(1 for users in USAGE[ident].values() if users >= _peak(ident) / 2)


def _days_since(text: str) -> int:
    return (AS_OF - dt.date.fromisoformat(text)).days


def _money(text: str) -> float:
    return float(text.replace("$", "").replace(",", ""))


# --------------------------------------------------------------------------- the cells


@pytest.mark.slow
def test_same_seed_same_cells_other_seed_other_usage():
    assert generate_workbook() == WORKBOOK
    other = generate_workbook(seed=7)
    assert other["Initiatives"] == WORKBOOK["Initiatives"]
    assert other["Usage"] != WORKBOOK["Usage"]


def test_committed_csvs_equal_a_fresh_generate():
    assert read_sample().tabs == WORKBOOK, (
        "the bundled CSVs drifted: run `python -m data_sources.sample.generate`"
    )


def test_written_csvs_read_back_identically(tmp_path):
    write_workbook(WORKBOOK, tmp_path)
    assert read_csv_folder(tmp_path).tabs == WORKBOOK


def test_read_sample_says_what_it_is():
    book = read_sample()
    assert (book.kind, book.origin) == ("sample", "sample workbook (bundled demo data)")
    assert sorted(p.name for p in SAMPLE_DIR.glob("*.csv")) == [
        "CheckIns.csv",
        "DailyTools.csv",
        "Initiatives.csv",
        "Settings.csv",
        "StatusHistory.csv",
        "Usage.csv",
    ]


@pytest.mark.parametrize("tab", ["Initiatives", "Usage", "CheckIns", "DailyTools"])
def test_headers_are_the_contract_columns(tab):
    # the demo's Usage is typed by hand, so it leaves out the optional `source` column
    omitted = set(USAGE_LEFT_OUT) if tab == "Usage" else set()
    assert WORKBOOK[tab][0] == [c.name for c in TABLES[tab].columns if c.name not in omitted]


def test_every_row_is_as_wide_as_its_header():
    for tab, (header, *rows) in WORKBOOK.items():
        assert {len(row) for row in rows} == {len(header)}, tab


def test_settings():
    settings = dict(WORKBOOK["Settings"][1:])
    assert settings == {
        "as_of": "2026-11-23",
        "mandate_date": "2026-02-02",
        "stale_after_days": "45",
    }


def test_counts():
    assert len(INITIATIVES) == 40
    assert len(WORKBOOK["Initiatives"]) == 41, "ids are unique"
    assert len({r["team"] for r in INITIATIVES.values()}) >= 8
    assert len(WORKBOOK["DailyTools"]) == 201
    assert 5 <= len(WORKBOOK["CheckIns"]) - 1 <= 12
    assert Counter(r["origin"] for r in INITIATIVES.values()).keys() == {
        "Mandate",
        "Grassroots",
        "Vendor",
    }


def test_usage_weeks_are_the_mondays_of_the_year():
    weeks = week_starts()
    assert (weeks[0], weeks[-1], len(weeks)) == (FIRST_WEEK, AS_OF, 52)
    for ident, by_week in USAGE.items():
        assert ident in INITIATIVES
        started = dt.date.fromisoformat(INITIATIVES[ident]["started"])
        logged = sorted(by_week)
        assert all(w.weekday() == 0 and FIRST_WEEK <= w <= AS_OF for w in logged), ident
        assert logged[0] >= started, f"{ident} has usage before it started"
        gaps = {(b - a).days for a, b in itertools.pairwise(logged)}
        assert gaps <= {7}, f"{ident} skips weeks"


def test_usage_rows_are_unique_per_initiative_and_week():
    pairs = [(r[0], r[1]) for r in WORKBOOK["Usage"][1:]]
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize("ident", ["AI-001", "AI-002", "AI-003", "AI-005", "AI-011", "AI-012"])
def test_tools_started_before_the_year_have_52_weeks_of_usage(ident):
    assert dt.date.fromisoformat(INITIATIVES[ident]["started"]) < FIRST_WEEK
    assert len(USAGE[ident]) == 52


def test_checkins_point_at_initiatives_and_ids_are_unique():
    _header, *rows = WORKBOOK["CheckIns"]
    assert {r[2] for r in rows} <= INITIATIVES.keys()
    assert len({r[0] for r in rows}) == len(rows)
    assert all(r[1] <= "2026-11-23 23:59:59" for r in rows)


def test_survey_uses_the_vocabulary():
    _header, *rows = WORKBOOK["DailyTools"]
    assert {r[3] for r in rows} <= {"Daily", "Weekly", "Monthly", "Never"}
    assert {r[4] for r in rows} == {"yes", "no"}
    assert len({r[0] for r in rows}) >= 8


def test_synthetic_initiatives_get_a_full_year_each():
    big = generate_workbook(n_initiatives=60)
    story_rows = len(WORKBOOK["Usage"]) - 1
    assert len(big["Initiatives"]) - 1 == 60
    assert len(big["Usage"]) - 1 == story_rows + 20 * 52
    assert len({r[0] for r in big["Initiatives"][1:]}) == 60


def test_fewer_initiatives_are_the_first_stories():
    small = generate_workbook(n_initiatives=5)
    assert [r[0] for r in small["Initiatives"][1:]] == [
        "AI-001",
        "AI-002",
        "AI-003",
        "AI-004",
        "AI-005",
    ]
    assert {r[0] for r in small["Usage"][1:]} <= {"AI-001", "AI-002", "AI-003", "AI-004", "AI-005"}


# --------------------------------------------------------------------------- the story


def test_every_initiative_has_an_intended_verdict():
    assert INTENDED_VERDICTS.keys() == INITIATIVES.keys()
    assert set(INTENDED_VERDICTS.values()) == set(VERDICTS)
    assert [s.id for s in STORIES] == list(INITIATIVES)


def _clearly(ident: str) -> str | None:
    """The verdict the rows clearly earn by the design's rules, with margins; None if unclear."""
    row = INITIATIVES[ident]
    if row["stage"] in {"Stalled", "Reverted", "Abandoned"}:
        return row["stage"].lower()
    peak, recent = _peak(ident), _recent_mean(ident)
    if peak:
        if recent >= ADOPTED_MIN_SHARE * peak and recent >= ADOPTED_MIN_USERS:
            return "adopted"
        if recent <= COLLAPSED_MAX_SHARE * peak:
            weeks = _weeks_at_half_peak(ident)
            if weeks >= REAL_USE_MIN_WEEKS and peak >= ADOPTED_MIN_USERS:
                return "reverted"
            if weeks <= TRIED_ONCE_MAX_WEEKS:
                return "abandoned"
        return None
    if _days_since(row["last_update"]) >= STALE_DAYS:
        return "stalled"
    if _days_since(row["last_update"]) <= FRESH_DAYS:
        return "unproven"
    return None


@pytest.mark.parametrize(("ident", "verdict"), sorted(INTENDED_VERDICTS.items()))
def test_each_story_clearly_earns_its_verdict(ident, verdict):
    assert _clearly(ident) == verdict


def test_watermelons():
    green_not_real = [
        i
        for i, v in INTENDED_VERDICTS.items()
        if v in NOT_REAL and INITIATIVES[i]["reported_status"] == "Green"
    ]
    # AI-015 is Green in its row, but its owner's latest check-in says Amber.
    assert green_not_real == ["AI-013", "AI-014", "AI-015", "AI-019", "AI-025", "AI-026", "AI-027"]
    latest = {r[2]: r[4] for r in WORKBOOK["CheckIns"][1:]}
    assert latest["AI-015"] == "Amber"


def test_vendor_workspace_is_paid_for_and_barely_used():
    row = INITIATIVES["AI-013"]
    assert (row["name"], row["origin"], row["reported_status"]) == (
        "Enterprise AI Workspace",
        "Vendor",
        "Green",
    )
    assert _money(row["annual_cost"]) == 50_000
    assert row["seats"] == "400"
    peak = _peak("AI-013")
    assert peak >= 150
    assert _recent_mean("AI-013") < 0.2 * peak
    # Peak within the first weeks after launch.
    peak_week = max(USAGE["AI-013"], key=USAGE["AI-013"].get)
    assert (peak_week - dt.date.fromisoformat(row["started"])).days <= 8 * 7
    answers = [r for r in WORKBOOK["DailyTools"][1:] if r[2] == "Enterprise AI Workspace"]
    daily = sum(r[3] == "Daily" for r in answers)
    personal = sum(
        r[2] == "ChatGPT (personal account)" and r[3] == "Daily" for r in WORKBOOK["DailyTools"][1:]
    )
    assert len(answers) >= 20
    assert daily <= 0.1 * len(answers)
    assert personal >= 5 * max(daily, 1)


def test_grassroots_tools_from_before_the_mandate_stuck():
    early = [
        i
        for i, r in INITIATIVES.items()
        if r["origin"] == "Grassroots" and dt.date.fromisoformat(r["started"]) < MANDATE
    ]
    stuck = [i for i in early if INTENDED_VERDICTS[i] == "adopted"]
    assert len(stuck) >= 6
    assert {"AI-001", "AI-002", "AI-003"} <= set(stuck)
    for ident in stuck:
        assert _recent_mean(ident) >= ADOPTED_MIN_USERS


def test_tier1_assistant_works_but_saves_less_than_claimed():
    row = INITIATIVES["AI-004"]
    assert (row["origin"], row["team"], INTENDED_VERDICTS["AI-004"]) == (
        "Mandate",
        "Support",
        "adopted",
    )
    recent = [
        r for r in _records("Usage") if r["initiative_id"] == "AI-004" and r["week"] >= "2026-11-02"
    ]
    measured = sum(float(r["measured_hours_saved"]) for r in recent) / len(recent)
    assert 100 <= measured < 0.5 * float(row["claimed_hours_saved_per_week"])


def test_forecast_pilot_stalled_under_a_green_status():
    row = INITIATIVES["AI-026"]
    assert (row["team"], row["stage"], row["reported_status"]) == ("RevOps", "Pilot", "Green")
    assert _days_since(row["last_update"]) >= 120
    assert _peak("AI-026") == 0
    assert max(USAGE["AI-026"]) < dt.date(2026, 6, 1)


def test_automated_forecast_went_back_to_excel():
    row = INITIATIVES["AI-014"]
    assert row["reverted_to"] == "Excel forecast model"
    assert row["reported_status"] in {"Green", "Amber"}
    assert _weeks_at_half_peak("AI-014") >= 5
    assert _recent_mean("AI-014") <= 0.15 * _peak("AI-014")


def _measured_recent(ident: str) -> float:
    hours = [
        float(r["measured_hours_saved"])
        for r in _records("Usage")
        if r["initiative_id"] == ident
        and dt.date.fromisoformat(r["week"]) in RECENT_WEEKS
        and r["measured_hours_saved"]
    ]
    return sum(hours) / len(hours)


@pytest.mark.parametrize(
    ("origin", "low", "high"),
    [
        ("Mandate", 0.0, 0.5),  # generous pitches: less than half of the claim shows up
        ("Grassroots", 0.7, 2.0),  # modest claims that roughly hold
    ],
)
def test_claimed_against_measured_hours(origin, low, high):
    measured = [
        i
        for i in INITIATIVES
        if INITIATIVES[i]["origin"] == origin
        and i in USAGE
        and any(r["measured_hours_saved"] for r in _records("Usage") if r["initiative_id"] == i)
    ]
    assert len(measured) >= 3
    claimed = sum(float(INITIATIVES[i]["claimed_hours_saved_per_week"]) for i in measured)
    shown = sum(_measured_recent(i) for i in measured)
    assert low * claimed <= shown < high * claimed


def test_tried_once_spikes_last_under_three_weeks():
    spikes = [i for i, v in INTENDED_VERDICTS.items() if v == "abandoned" and _peak(i) >= 5]
    assert len(spikes) >= 4
    for ident in spikes:
        assert _weeks_at_half_peak(ident) < 3


# --------------------------------------------------------------------------- with the parser


def test_sample_parses_without_problems():
    parse = pytest.importorskip("portfolio.parse")
    portfolio = parse.parse_workbook(read_sample())
    assert portfolio.problems == []
    assert len(portfolio.initiatives) == 40
    assert portfolio.initiatives.set_index("id").loc["AI-013", "annual_cost"] == 50_000


def test_evidence_engine_agrees_with_the_intended_verdicts():
    parse = pytest.importorskip("portfolio.parse")
    evidence = pytest.importorskip("portfolio.evidence")
    assessed = evidence.assess(parse.parse_workbook(read_sample()))
    assert assessed["verdict"].to_dict() == INTENDED_VERDICTS
    assert sorted(assessed.index[assessed["watermelon"]]) == [
        "AI-013",
        "AI-014",
        "AI-019",
        "AI-025",
        "AI-026",
        "AI-027",
    ]


# --------------------------------------------------------------------------- dates follow today


def test_the_sample_is_read_for_the_pinned_day_as_generated():
    # tests/conftest.py pins GROUNDTRUTH_SAMPLE_TODAY to the generated as-of date
    assert read_sample().tabs == read_sample(today=AS_OF).tabs == WORKBOOK


def test_the_samples_dates_move_by_whole_weeks_so_its_as_of_is_today():
    # Wed 9 Dec 2026 is 16 days after 23 Nov: every date moves 14 days (two whole weeks, so
    # usage weeks stay Mondays and the last one is on or before today); as_of is today.
    moved = read_sample(today=dt.date(2026, 12, 9)).tabs
    assert dict(moved["Settings"][1:])["as_of"] == "2026-12-09"
    assert dict(moved["Settings"][1:])["mandate_date"] == "2026-02-16"
    weeks = [dt.date.fromisoformat(row[1]) for row in moved["Usage"][1:]]
    assert {week.weekday() for week in weeks} == {0}
    assert max(weeks) == dt.date(2026, 12, 7)
    before, after = WORKBOOK["Initiatives"][1], moved["Initiatives"][1]
    assert (before[0], before[9], after[9]) == ("AI-001", "2025-06-16", "2025-06-30")
    assert moved["CheckIns"][1][1] == "2026-06-29 16:20:00"  # was 15 Jun, time kept


def test_moving_the_sample_keeps_every_verdict():
    from portfolio import evidence
    from portfolio.parse import parse_workbook

    then = evidence.assess(parse_workbook(read_sample(today=AS_OF)))
    now = evidence.assess(parse_workbook(read_sample(today=dt.date(2026, 12, 9))))
    assert now["verdict"].tolist() == then["verdict"].tolist()
    assert now["watermelon"].tolist() == then["watermelon"].tolist()
