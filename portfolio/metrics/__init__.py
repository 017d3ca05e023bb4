"""Portfolio figures built on the verdicts: theater gap, survival, spend, hours, seats, trends.

Each function takes the frame `evidence.assess()` returns (already filtered by the page, if
it wants) and, where it needs more, the Portfolio. They return small, tidy DataFrames (one
row per bar or point, aggregated before charting) or frozen dataclasses; none of them draws.
One module per question: `deck` (the deck against the evidence), `survival`, `money` (money
and time), `trends` (over time), `lasting` (watermelons, stalled and reverted, the edges),
`survey` (DailyTools), `freshness`; `base` holds their shared labels and errors. Callers use
this package: `from portfolio import metrics; metrics.theater_gap(assessed)`.

>>> assessed = assess(portfolio)                         # doctest: +SKIP
>>> headline(assessed)                                    # doctest: +SKIP
'31 initiatives are green on the deck; 9 of them have stalled or been dropped'
"""

from portfolio.metrics.age import AGES, adoption_by_age, sustained_weeks
from portfolio.metrics.base import (
    AFTER_MANDATE,
    BEFORE_MANDATE,
    GROUP_ORDER,
    NO_STATUS,
    NOT_STARTED,
    NOT_STATED,
    START_UNKNOWN,
    STATUS_ORDER,
    SURVIVAL_COLUMNS,
    MandateDateMissing,
    MetricsError,
)
from portfolio.metrics.deck import (
    NO_TEAM,
    TheaterGap,
    headline,
    status_by_verdict,
    theater_gap,
    verdict_counts,
    verdicts_by_team,
)
from portfolio.metrics.freshness import Freshness, freshness, is_stale, stale_by_team
from portfolio.metrics.lasting import (
    DAYS_PER_MONTH,
    REASON_JOINER,
    WatermelonSummary,
    grassroots_adopted,
    initiative_weeks,
    not_real,
    teams_to_listen_to,
    watermelon_summary,
    watermelons,
    went_back_to,
)
from portfolio.metrics.money import (
    HoursSaved,
    SeatUse,
    hours_saved,
    seat_use,
    seats_vs_daily,
    spend_by_verdict,
    spend_not_adopted,
)
from portfolio.metrics.survey import (
    NOT_ANSWERED,
    UNKNOWN_DEPARTMENT,
    daily_grid,
    match_tools,
    narrow_survey,
    survey_answers,
    tool_index,
)
from portfolio.metrics.survival import survival_by, survival_by_mandate
from portfolio.metrics.trends import (
    DEFAULT_TOP_INITIATIVES,
    SENTENCE_MOVES,
    Transitions,
    UsageTrend,
    describe_transitions,
    top_by_peak,
    transitions,
    usage_trend,
    weekly_active_users,
)

__all__ = [
    "AFTER_MANDATE",
    "AGES",
    "BEFORE_MANDATE",
    "DAYS_PER_MONTH",
    "DEFAULT_TOP_INITIATIVES",
    "GROUP_ORDER",
    "NOT_ANSWERED",
    "NOT_STARTED",
    "NOT_STATED",
    "NO_STATUS",
    "NO_TEAM",
    "REASON_JOINER",
    "SENTENCE_MOVES",
    "START_UNKNOWN",
    "STATUS_ORDER",
    "SURVIVAL_COLUMNS",
    "UNKNOWN_DEPARTMENT",
    "Freshness",
    "HoursSaved",
    "MandateDateMissing",
    "MetricsError",
    "SeatUse",
    "TheaterGap",
    "Transitions",
    "UsageTrend",
    "WatermelonSummary",
    "adoption_by_age",
    "daily_grid",
    "describe_transitions",
    "freshness",
    "grassroots_adopted",
    "headline",
    "hours_saved",
    "initiative_weeks",
    "is_stale",
    "match_tools",
    "narrow_survey",
    "not_real",
    "seat_use",
    "seats_vs_daily",
    "spend_by_verdict",
    "spend_not_adopted",
    "stale_by_team",
    "status_by_verdict",
    "survey_answers",
    "survival_by",
    "survival_by_mandate",
    "sustained_weeks",
    "teams_to_listen_to",
    "theater_gap",
    "tool_index",
    "top_by_peak",
    "transitions",
    "usage_trend",
    "verdict_counts",
    "verdicts_by_team",
    "watermelon_summary",
    "watermelons",
    "weekly_active_users",
    "went_back_to",
]
