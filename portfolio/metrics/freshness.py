"""Freshness: which initiatives have gone quiet, and how many per team."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio.metrics.base import (
    NOT_STATED,
)


@dataclass(frozen=True)
class Freshness:
    """How current the evidence behind the verdicts is.

    `stale`: initiatives with no sign of life (update, check-in, usage, new row) for more
    than `stale_after_days` days, or with no date at all (the evidence's rule);
    `median_days`: the median days since the last sign of life (NaN when no row has a
    date); `latest_update`: the newest `last_update` or check-in (None when there is none).
    """

    initiatives: int
    stale: int
    stale_after_days: int
    median_days: float
    latest_update: pd.Timestamp | None


def is_stale(assessed: pd.DataFrame, stale_after_days: int) -> np.ndarray:
    """Which rows show no sign of life (update, check-in, usage) for over `stale_after_days`."""
    days = pd.to_numeric(assessed["days_since_activity"], errors="coerce").astype(float)
    return (days.isna() | (days > stale_after_days)).to_numpy(dtype=bool)


def freshness(assessed: pd.DataFrame, *, stale_after_days: int) -> Freshness:
    """Freshness of the rows behind the verdicts.

    >>> freshness(assessed, stale_after_days=45)  # doctest: +SKIP
    Freshness(initiatives=6, stale=2, stale_after_days=45, median_days=2.0, ...)
    """
    days = pd.to_numeric(assessed["days_since_activity"], errors="coerce").astype(float)
    dates = pd.concat(
        [pd.to_datetime(assessed["last_update"]), pd.to_datetime(assessed["last_checkin"])]
    ).dropna()
    return Freshness(
        initiatives=len(assessed),
        stale=int(is_stale(assessed, stale_after_days).sum()),
        stale_after_days=stale_after_days,
        median_days=float(days.median()) if days.notna().any() else math.nan,
        latest_update=pd.Timestamp(dates.max()).normalize() if not dates.empty else None,
    )


def stale_by_team(assessed: pd.DataFrame, *, stale_after_days: int) -> pd.DataFrame:
    """Per team with a stale initiative: stale rows, all rows, share stale; most stale first.

    Stale as in `freshness`; a blank team is "Not stated". Columns: team, stale,
    initiatives, share.

    >>> stale_by_team(assessed, stale_after_days=45)  # doctest: +SKIP
          team  stale  initiatives  share
    0  Finance      1            1    1.0
    """
    frame = pd.DataFrame(
        {
            "team": assessed["team"].astype(object).where(assessed["team"].notna(), NOT_STATED),
            "stale": is_stale(assessed, stale_after_days).astype(np.int64),
        }
    )
    table = frame.groupby("team").agg(stale=("stale", "sum"), initiatives=("stale", "size"))
    table = table[table["stale"] > 0].astype(np.int64)
    table["share"] = table["stale"] / table["initiatives"]
    table = table.reset_index().sort_values(
        ["stale", "share", "team"], ascending=[False, False, True], kind="stable"
    )
    return table.reset_index(drop=True)
