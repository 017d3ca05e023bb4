"""Survival at equal age: the share of initiatives adopted N days after their start.

Comparing everything started before a mandate with everything started after it favours the
older ones: they had more time. Here each group is compared at the same age, counting only
initiatives at least that old on the as-of date.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from portfolio import schema
from portfolio.metrics.base import AFTER_MANDATE, BEFORE_MANDATE, NOT_STATED, MandateDateMissing
from portfolio.metrics.trends import weekly_active_users
from portfolio.model import Portfolio
from portfolio.observations import DAYS_PER_WEEK, EPSILON
from portfolio.settings import thresholds

# The ages compared: about three and six months after the start.
AGES = (90, 180)
ORIGIN = "origin"
PERIOD = "period"


def sustained_weeks(
    portfolio: Portfolio, *, as_of: pd.Timestamp, ids: Iterable[str]
) -> pd.DataFrame:
    """Whether each initiative met the adopted rule, week by week: weeks (Mondays, up to the
    week of `as_of`) x initiative ids, True where it did.

    The rule is the evidence's "sustained", read as of each week: the mean weekly active
    users of the `recent_weeks` weeks ending that week (a week without a row counts as 0)
    at least `adopted_min_users` and at least `adopted_share_of_peak` of the peak so far.

    Weeks of 10, 10, 10, 10 users from 5 Jan: the means are 2.5, 5, 7.5, 10 against a peak
    of 10, so the rule holds from the week of 19 Jan (7.5 >= 5 and >= 50% of 10).
    """
    t = thresholds(portfolio.settings)
    rows = weekly_active_users(portfolio, as_of=as_of, ids=ids, per_initiative=True)
    if rows.empty:
        return pd.DataFrame(dtype=bool)
    wide = rows.pivot_table(
        index="week", columns="initiative_id", values="active_users", aggfunc="max"
    )
    last_monday = as_of - pd.Timedelta(days=as_of.dayofweek)
    weeks = pd.date_range(wide.index.min(), last_monday, freq=f"{DAYS_PER_WEEK}D")
    wide = wide.reindex(weeks).fillna(0.0)
    recent = wide.rolling(t.recent_weeks, min_periods=1).sum() / t.recent_weeks
    peak = wide.cummax()
    return (
        (peak > 0)
        & (recent >= t.adopted_share_of_peak * peak - EPSILON)
        & (recent >= t.adopted_min_users - EPSILON)
    )


def _adopted_at(sustained: pd.DataFrame, ids: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Whether each id met the rule in the week that holds the day `days` (datetime64)."""
    if sustained.empty:
        return np.zeros(len(ids), dtype=bool)
    first = sustained.index[0].to_datetime64()
    row = (days - first) // np.timedelta64(DAYS_PER_WEEK, "D")
    col = sustained.columns.get_indexer(pd.Index(ids, dtype=object))
    ok = (row >= 0) & (row < len(sustained)) & (col >= 0)
    grid = sustained.to_numpy(dtype=bool)
    out = np.zeros(len(ids), dtype=bool)
    out[ok] = grid[row[ok].astype(np.int64), col[ok]]
    return out


def usage_log_start(portfolio: Portfolio, *, as_of: pd.Timestamp) -> pd.Timestamp | None:
    """The first week (Monday) of the Usage tab up to `as_of`; None without usage."""
    rows = weekly_active_users(portfolio, as_of=as_of)
    return None if rows.empty else pd.Timestamp(rows["week"].min())


def adoption_by_age(
    portfolio: Portfolio,
    assessed: pd.DataFrame,
    *,
    by: str = ORIGIN,
    as_of: pd.Timestamp,
    ages: Iterable[int] = AGES,
) -> pd.DataFrame:
    """Per group and age: initiatives at least that old, and how many were adopted by then.

    `by` is "origin" (Mandate, Grassroots, Vendor, all listed) or "period" (started before
    or after the mandate; raises MandateDateMissing without Settings `mandate_date`).
    "Adopted at N days" means the adopted rule (see `sustained_weeks`) held in the week N
    days after the start: the same rule as the verdicts, read at the same age for each
    initiative (a spike that faded before then does not count); an initiative counts for
    age N only if it started at least N days
    before `as_of`, so young initiatives do not pull a group down, and not before the Usage
    tab's first week (`unlogged`: its first days were never logged, so they cannot show use).
    Initiatives without a start date are left out.

    Columns: group, age_days, eligible, adopted, share (NaN when none is eligible), unlogged.

    >>> adoption_by_age(portfolio, assessed, by="origin", as_of=as_of)  # doctest: +SKIP
            group  age_days  eligible  adopted  share
    0     Mandate        90         4        1   0.25
    1     Mandate       180         2        1   0.50
    """
    as_of = pd.Timestamp(as_of).normalize()
    started = pd.to_datetime(assessed["started"])
    dated = assessed[started.notna().to_numpy(dtype=bool)]
    started = started[started.notna()]
    if by == ORIGIN:
        groups = dated["origin"].astype(object).where(dated["origin"].notna(), NOT_STATED)
        order = [*schema.ORIGINS, *([NOT_STATED] if (groups == NOT_STATED).any() else [])]
    elif by == PERIOD:
        mandate = portfolio.mandate_date
        if mandate is None:
            raise MandateDateMissing()
        groups = pd.Series(
            np.where(started < mandate, BEFORE_MANDATE, AFTER_MANDATE), index=dated.index
        )
        order = [BEFORE_MANDATE, AFTER_MANDATE]
    else:
        raise ValueError(f"by must be {ORIGIN!r} or {PERIOD!r}, not {by!r}")
    ids = dated["id"].astype(object).to_numpy()
    sustained = sustained_weeks(portfolio, as_of=as_of, ids=[i for i in ids if isinstance(i, str)])
    start = started.to_numpy(dtype="datetime64[ns]")
    group = groups.to_numpy(dtype=object)
    log_start = usage_log_start(portfolio, as_of=as_of)
    # started in the log's first week or later: its first days were logged
    logged = (
        start > (log_start - pd.Timedelta(days=DAYS_PER_WEEK)).to_datetime64()
        if log_start is not None
        else np.ones(len(start), dtype=bool)
    )
    out = []
    for age in ages:
        span = np.timedelta64(int(age), "D")
        old_enough = start + span <= as_of.to_datetime64()
        eligible = old_enough & logged
        adopted = eligible & _adopted_at(sustained, ids, start + span)
        for name in order:
            mine = group == name
            n = int((eligible & mine).sum())
            k = int((adopted & mine).sum())
            out.append(
                {
                    "group": name,
                    "age_days": int(age),
                    "eligible": n,
                    "adopted": k,
                    "share": k / n if n else np.nan,
                    "unlogged": int((old_enough & ~logged & mine).sum()),
                }
            )
    columns = ["group", "age_days", "eligible", "adopted", "share", "unlogged"]
    return pd.DataFrame(out, columns=columns)
