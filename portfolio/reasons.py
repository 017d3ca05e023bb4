"""The reasons of a verdict, in words a reader can check against the sheet: one builder per
rule that decided it (portfolio.evidence), and how numbers and dates are written in them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from portfolio import schema
from portfolio.observations import DAYS_PER_WEEK, EPSILON
from portfolio.settings import Thresholds

PERCENT = 100
# Below this, a mean of users is shown with one decimal ("2.5"); above, as a whole number.
DECIMALS_BELOW = 10
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Which rule decided a verdict; the reason builders are keyed on it.
RULE_STAGE = "stage"
RULE_REVERTED = "collapsed after real use"
RULE_TRIED = "tried once"
RULE_FADED = "small use that stopped"
RULE_ADOPTED = "sustained"
RULE_STALE = "stale"
RULE_PILOT = "pilot that never grew"
RULE_NO_USAGE = "no usage yet"
RULE_ZERO_USAGE = "usage all at zero"
RULE_PARTIAL = "not yet sustained"


def format_number(value: float) -> str:
    """Users and counts for people: thousands separators, one decimal only for small means.

    >>> format_number(1234), format_number(2.5), format_number(12.25), format_number(5.0)
    ('1,234', '2.5', '12', '5')
    """
    if abs(value - round(value)) < EPSILON or abs(value) >= DECIMALS_BELOW:
        return f"{round(value):,}"
    return f"{value:.1f}"


def format_date(value: object, *, as_of: pd.Timestamp | None = None) -> str:
    """A date as "2 Jun", or "2 Jun 2025" when it is not in the year of `as_of` (or there
    is no `as_of`). The one date format of reasons, pages, exports and the digest.

    >>> format_date(pd.Timestamp("2025-06-02"), as_of=pd.Timestamp("2025-11-03"))
    '2 Jun'
    >>> format_date(pd.Timestamp("2024-12-30"), as_of=pd.Timestamp("2025-11-03"))
    '30 Dec 2024'
    """
    ts = value if isinstance(value, pd.Timestamp) else pd.Timestamp(value)
    text = f"{ts.day} {MONTHS[ts.month - 1]}"  # strftime is locale-bound and slow per call
    return text if as_of is not None and ts.year == as_of.year else f"{text} {ts.year}"


def _plural(count: float, word: str) -> str:
    return f"{format_number(count)} {word}{'' if round(count) == 1 else 's'}"


def _ago(days: float) -> str:
    # "updated" covers a check-in and a new row too: any of them is a team saying it is alive
    if days == 0:
        return "today"
    return f"{_plural(days, 'day')} ago"


@dataclass(frozen=True)
class Facts:
    """Builds the reasons of one initiative from its numbers; one method per rule."""

    as_of: pd.Timestamp
    t: Thresholds

    def reasons(
        self,
        rule: str,
        stage: str | None,
        status: str | None,
        reverted_to: str | None,
        peak: float,
        peak_week: pd.Timestamp,
        recent: float,
        high: int,
        observed: int,
        last_logged: pd.Timestamp,
        days: float,
        age: float,
        watermelon: bool,
    ) -> list[str]:
        build: Callable[..., list[str]] = self._builders[rule]
        found = build(self, stage, reverted_to, peak, peak_week, recent, high, observed, days, age)
        if peak > 0 and rule in (RULE_REVERTED, RULE_TRIED, RULE_FADED):
            last_logged_ts = pd.Timestamp(last_logged)
            window_start = self.as_of - pd.Timedelta(days=DAYS_PER_WEEK * self.t.recent_weeks)
            if last_logged_ts <= window_start:
                since = format_date(last_logged_ts, as_of=self.as_of)
                found.append(f"No usage logged since the week of {since}")
        if watermelon:
            first = found[0]
            found[0] = f"Reported {schema.Status.GREEN}, but {first[:1].lower()}{first[1:]}"
        return found

    # Each builder takes the same arguments so `reasons` can dispatch without branching.
    def _stage(self, stage, reverted_to, peak, peak_week, recent, *_rest) -> list[str]:
        first = f"Stage says {stage}"
        if reverted_to and stage in (schema.Stage.REVERTED, schema.Stage.ABANDONED):
            first += f"; people went back to {reverted_to}"
        found = [first]
        if peak > 0:
            found.append(self._usage_summary(peak, peak_week, recent))
        return found

    def _reverted(self, stage, reverted_to, peak, peak_week, recent, high, *_rest) -> list[str]:
        fall = round(PERCENT * (1 - recent / peak))
        found = [
            f"Weekly active users fell {fall}% from a peak of {format_number(peak)} "
            f"(week of {format_date(peak_week, as_of=self.as_of)}) to {format_number(recent)}",
            f"It had real use: {_plural(high, 'week')} at "
            f"{round(PERCENT * self.t.adopted_share_of_peak)}% of the peak or more",
        ]
        if reverted_to:
            found.append(f"People went back to {reverted_to}")
        return found

    def _tried(self, stage, reverted_to, peak, peak_week, recent, high, *_rest) -> list[str]:
        return [
            f"Tried once: {_plural(high, 'week')} at up to {format_number(peak)} users, "
            f"then {format_number(recent)}"
        ]

    def _faded(self, stage, reverted_to, peak, peak_week, recent, high, observed, *_rest):
        return [
            f"Never grew past {format_number(peak)} weekly users in "
            f"{_plural(observed, 'logged week')}, then {format_number(recent)} "
            f"a week over the last {_plural(self.t.recent_weeks, 'week')}"
        ]

    def _adopted(self, stage, reverted_to, peak, peak_week, recent, *_rest) -> list[str]:
        return [
            f"Used by {format_number(recent)} people a week on average over the last "
            f"{_plural(self.t.recent_weeks, 'week')} (peak {format_number(peak)})"
        ]

    def _stale(self, stage, reverted_to, peak, peak_week, recent, high, observed, days, age):
        if math.isnan(days):
            found = ["No start date, update, check-in or usage on record"]
        else:
            found = [f"No update, check-in or usage for {_plural(days, 'day')}"]
        if peak > 0:
            found.append(self._usage_summary(peak, peak_week, recent))
        return found

    def _pilot(self, stage, reverted_to, peak, peak_week, recent, high, observed, days, age):
        if peak > 0:
            return [
                f"A {schema.Stage.PILOT} for {_plural(age, 'day')} that never grew past "
                f"{format_number(peak)} weekly users"
            ]
        return [f"A {schema.Stage.PILOT} for {_plural(age, 'day')} with no weekly users logged"]

    def _no_usage(self, stage, reverted_to, peak, peak_week, recent, high, observed, days, age):
        return [f"No usage logged yet; last updated {_ago(days)}"]

    def _zero(self, stage, reverted_to, peak, peak_week, recent, high, observed, days, age):
        return [
            f"Usage logged for {_plural(observed, 'week')}, all at 0 users; "
            f"last updated {_ago(days)}"
        ]

    def _partial(self, stage, reverted_to, peak, peak_week, recent, *_rest) -> list[str]:
        share = round(PERCENT * recent / peak)
        first = (
            f"Not yet sustained: {format_number(recent)} weekly users on average over the last "
            f"{_plural(self.t.recent_weeks, 'week')}, {share}% of the peak of "
            f"{format_number(peak)} (week of {format_date(peak_week, as_of=self.as_of)})"
        )
        if recent >= self.t.adopted_share_of_peak * peak - EPSILON:
            first += f"; adopted needs {format_number(self.t.adopted_min_users)} or more"
        return [first]

    def _usage_summary(self, peak: float, peak_week: pd.Timestamp, recent: float) -> str:
        return (
            f"Peak of {format_number(peak)} weekly users "
            f"(week of {format_date(peak_week, as_of=self.as_of)}); "
            f"{format_number(recent)} a week on average over the last "
            f"{_plural(self.t.recent_weeks, 'week')}"
        )

    _builders = {  # noqa: RUF012 (a fixed dispatch table, not per-instance state)
        RULE_STAGE: _stage,
        RULE_REVERTED: _reverted,
        RULE_TRIED: _tried,
        RULE_FADED: _faded,
        RULE_ADOPTED: _adopted,
        RULE_STALE: _stale,
        RULE_PILOT: _pilot,
        RULE_NO_USAGE: _no_usage,
        RULE_ZERO_USAGE: _zero,
        RULE_PARTIAL: _partial,
    }
