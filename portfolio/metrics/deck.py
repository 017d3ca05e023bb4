"""The deck against the evidence: the theater gap, the headline, verdicts by status and by
team."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio import schema
from portfolio.metrics.base import (
    NO_STATUS,
    STATUS_ORDER,
)


@dataclass(frozen=True)
class TheaterGap:
    """How much of the green on the deck is not real.

    `share` = green_not_real / green; NaN when nothing is green (there is no gap to measure,
    and 0% would read as "all the green is real").
    """

    green: int
    green_not_real: int
    share: float


def theater_gap(assessed: pd.DataFrame) -> TheaterGap:
    """Green initiatives, those of them whose verdict is in schema.NOT_REAL, and the share.

    Unproven green does not count as not real: it may still work, it just has no proof yet.

    >>> theater_gap(assessed)  # 4 green: adopted, unproven, stalled, reverted  # doctest: +SKIP
    TheaterGap(green=4, green_not_real=2, share=0.5)
    """
    green = (assessed["reported_status"] == schema.Status.GREEN).fillna(False).to_numpy(dtype=bool)
    not_real = assessed["verdict"].isin(schema.NOT_REAL).fillna(False).to_numpy(dtype=bool)
    n_green = int(green.sum())
    n_not_real = int((green & not_real).sum())
    share = n_not_real / n_green if n_green else math.nan
    return TheaterGap(green=n_green, green_not_real=n_not_real, share=share)


def headline(assessed: pd.DataFrame) -> str:
    """One sentence for the top of the Overview, singular and plural right.

    >>> headline(assessed)  # 31 green, 9 of them stalled, reverted or abandoned  # doctest: +SKIP
    '31 initiatives are green on the deck; 9 of them have stalled or been dropped'
    >>> headline(one_green_reverted)  # doctest: +SKIP
    '1 initiative is green on the deck; it has stalled or been dropped'
    """
    gap = theater_gap(assessed)
    if gap.green == 0:
        return "No initiative is green on the deck"
    if gap.green == 1:
        start = "1 initiative is green on the deck"
        if gap.green_not_real:
            return f"{start}; it has stalled or been dropped"
        return f"{start}; it has not stalled or been dropped"
    start = f"{gap.green:,} initiatives are green on the deck"
    if gap.green_not_real == 0:
        return f"{start}; none of them has stalled or been dropped"
    if gap.green_not_real == gap.green:
        return f"{start}; all of them have stalled or been dropped"
    verb = "has" if gap.green_not_real == 1 else "have"
    return f"{start}; {gap.green_not_real:,} of them {verb} stalled or been dropped"


def verdict_counts(assessed: pd.DataFrame) -> pd.DataFrame:
    """Initiatives per verdict, every verdict listed (in schema.VERDICTS order), with shares.

    Columns: verdict, count, share (NaN shares when the frame is empty).

    >>> verdict_counts(assessed)  # doctest: +SKIP
         verdict  count  share
    0    adopted      2   0.40
    1   unproven      1   0.20
    2    stalled      1   0.20
    3   reverted      1   0.20
    4  abandoned      0   0.00
    """
    counts = (
        assessed["verdict"].astype(object).value_counts().reindex(schema.VERDICTS, fill_value=0)
    )
    total = int(counts.sum())
    return pd.DataFrame(
        {
            "verdict": list(schema.VERDICTS),
            "count": counts.to_numpy(dtype=np.int64),
            "share": counts.to_numpy(dtype=float) / total if total else math.nan,
        }
    )


def status_by_verdict(assessed: pd.DataFrame) -> pd.DataFrame:
    """What the deck says against what the evidence says, in long format for a stacked chart.

    Columns: reported_status, verdict, count. Every status of the deck and every verdict is
    listed, zeros included; a blank status is the "No status" bucket, listed only when
    some initiative has one.

    >>> status_by_verdict(assessed).query("count > 0")  # doctest: +SKIP
       reported_status   verdict  count
    0            Green   adopted      1
    3            Green  reverted      1
    """
    status = (
        assessed["reported_status"]
        .astype(object)
        .where(assessed["reported_status"].notna(), NO_STATUS)
    )
    counts = pd.crosstab(status, assessed["verdict"].astype(object))
    statuses = [s for s in STATUS_ORDER if s != NO_STATUS or s in counts.index]
    grid = counts.reindex(index=statuses, columns=list(schema.VERDICTS), fill_value=0)
    long = grid.stack().rename("count").reset_index()
    long.columns = ["reported_status", "verdict", "count"]
    long["count"] = long["count"].astype(np.int64)
    return long


NO_TEAM = "No team"


def verdicts_by_team(assessed: pd.DataFrame) -> pd.DataFrame:
    """Initiatives per team and verdict (non-zero only): columns team, verdict, count.

    A blank team is counted as NO_TEAM, so the bars add up to every initiative (Overview's
    chart and the slide's panel draw the same figure).
    """
    if assessed.empty:
        return pd.DataFrame({"team": [], "verdict": [], "count": []})
    counts = (
        assessed.assign(team=assessed["team"].astype(object).fillna(NO_TEAM))
        .groupby(["team", "verdict"], observed=True)
        .size()
        .rename("count")
        .reset_index()
    )
    counts["verdict"] = counts["verdict"].astype(str)
    return counts[counts["count"] > 0].reset_index(drop=True)
