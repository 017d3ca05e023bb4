"""What survives: the share of initiatives adopted, by origin, status, stage or mandate."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from portfolio import schema
from portfolio.metrics.base import (
    AFTER_MANDATE,
    BEFORE_MANDATE,
    GROUP_ORDER,
    NOT_STATED,
    START_UNKNOWN,
    SURVIVAL_COLUMNS,
    MandateDateMissing,
)


def _survival(groups: pd.Series, verdict: pd.Series, order: Iterable[str]) -> pd.DataFrame:
    verdict = verdict.astype(object)
    frame = pd.DataFrame(
        {
            "group": groups.to_numpy(dtype=object),
            "adopted": (verdict == schema.Verdict.ADOPTED).to_numpy(dtype=np.int64),
            "unproven": (verdict == schema.Verdict.UNPROVEN).to_numpy(dtype=np.int64),
            "not_real": verdict.isin(schema.NOT_REAL).to_numpy(dtype=np.int64),
        }
    )
    table = frame.groupby("group", sort=False).agg(
        total=("adopted", "size"),
        adopted=("adopted", "sum"),
        unproven=("unproven", "sum"),
        not_real=("not_real", "sum"),
    )
    table = table.reindex(list(order), fill_value=0)
    table["survival"] = table["adopted"] / table["total"].where(table["total"] > 0)
    return table.astype({c: np.int64 for c in SURVIVAL_COLUMNS[:-1]}).reset_index(names="group")


def survival_by(assessed: pd.DataFrame, by: str = "origin") -> pd.DataFrame:
    """Per value of `by`: how many initiatives, how many adopted, and the survival share.

    survival = adopted / total. Unproven initiatives count in the total but not as survivors:
    they have not shown that they work (yet), and counting them would flatter new,
    unmeasured work. `unproven` and `not_real` are there to show the split. A blank value is
    "Not stated". Origins follow the schema order (Mandate, Grassroots, Vendor, all three
    always listed); other columns the order of their vocabulary (values present only), else
    largest group first.

    Columns: <by>, total, adopted, unproven, not_real, survival.

    >>> survival_by(assessed)  # doctest: +SKIP
           origin  total  adopted  unproven  not_real  survival
    0     Mandate      4        1         1         2      0.25
    1  Grassroots      2        2         0         0      1.00
    2      Vendor      0        0         0         0       NaN
    """
    groups = assessed[by].astype(object).where(assessed[by].notna(), NOT_STATED)
    present = set(groups)
    if by == "origin":  # all three origins face each other, even at 0
        order = [*schema.ORIGINS, *([NOT_STATED] if NOT_STATED in present else [])]
    elif by in GROUP_ORDER:
        order = [g for g in (*GROUP_ORDER[by], NOT_STATED) if g in present]
    else:
        order = groups.value_counts(sort=True).index.tolist()
    table = _survival(groups, assessed["verdict"], order)
    return table.rename(columns={"group": by})


def survival_by_mandate(
    assessed: pd.DataFrame, mandate_date: pd.Timestamp | str | None
) -> pd.DataFrame:
    """Survival of initiatives started before the mandate against those started on or after it.

    The mandate day itself counts as after (work started that day is "because of" it). Rows
    without a start date go to "Start date unknown", listed only when there are any.
    Raises MandateDateMissing when `mandate_date` is None (Settings has no mandate_date).

    Columns: period, total, adopted, unproven, not_real, survival.

    >>> survival_by_mandate(assessed, pd.Timestamp("2025-03-01"))  # doctest: +SKIP
                   period  total  adopted  unproven  not_real  survival
    0  Before the mandate      3        2         0         1  0.666667
    1   After the mandate      5        1         2         2  0.200000
    """
    if mandate_date is None or pd.isna(mandate_date):
        raise MandateDateMissing()
    mandate = pd.Timestamp(mandate_date).normalize()
    started = pd.to_datetime(assessed["started"])
    period = np.select(
        [started.isna().to_numpy(), (started < mandate).to_numpy(dtype=bool)],
        [START_UNKNOWN, BEFORE_MANDATE],
        default=AFTER_MANDATE,
    )
    table = _survival(
        pd.Series(period, index=assessed.index),
        assessed["verdict"],
        [
            BEFORE_MANDATE,
            AFTER_MANDATE,
            *([START_UNKNOWN] if (period == START_UNKNOWN).any() else []),
        ],
    )
    return table.rename(columns={"group": "period"})
