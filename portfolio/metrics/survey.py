"""The DailyTools survey: answers narrowed to a selection, per tool or department, daily use."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from portfolio import schema
from portfolio.frames import member, per_distinct

NOT_ANSWERED = "Not answered"
UNKNOWN_DEPARTMENT = "Department not stated"


def _folded(values: pd.Series) -> pd.Series:
    return pd.Series(
        per_distinct(values, lambda v: schema.normalize(v) if isinstance(v, str) else ""),
        index=values.index,
        dtype=object,
    )


def narrow_survey(
    daily_tools: pd.DataFrame,
    *,
    departments: Iterable[str] = (),
    tools: Iterable[str] = (),
) -> pd.DataFrame:
    """The survey answers of these departments and tools (an empty selection keeps all).

    Names match with schema.normalize, so the sidebar's team "Customer Support" keeps the
    survey's department "customer-support".

    >>> len(narrow_survey(survey, departments=["Finance"]))  # 2 Finance answers  # doctest: +SKIP
    2
    """
    keep = np.ones(len(daily_tools), dtype=bool)
    for column, wanted in (("department", departments), ("tool", tools)):
        keys = {schema.normalize(v) for v in wanted}
        if keys and column in daily_tools.columns:
            keep &= member(_folded(daily_tools[column]), keys)
    return daily_tools[keep]


def _survey_tools(daily_tools: pd.DataFrame) -> pd.DataFrame:
    """Answers that name a tool: key (normalized), tool (most common spelling), frequency."""
    tool = daily_tools["tool"].astype(object)
    answered = (tool.notna() & (tool.astype(str).str.strip() != "")).to_numpy(dtype=bool)
    spelling = tool[answered].astype(str).str.strip()
    frequency = daily_tools.get("frequency", pd.Series(index=daily_tools.index, dtype=object))
    department = daily_tools.get("department", pd.Series(index=daily_tools.index, dtype=object))
    frame = pd.DataFrame(
        {
            "key": per_distinct(spelling, schema.normalize),
            "spelling": spelling.to_numpy(),
            "frequency": frequency.astype(object)[answered].fillna(NOT_ANSWERED).to_numpy(),
            "department": department.astype(object)[answered]
            .map(lambda v: v.strip() if isinstance(v, str) and v.strip() else UNKNOWN_DEPARTMENT)
            .to_numpy(),
        }
    )
    shown = frame.groupby("key")["spelling"].agg(lambda s: s.value_counts().index[0])
    frame["tool"] = frame["key"].map(shown)
    return frame


def survey_answers(daily_tools: pd.DataFrame, *, by: str = "tool") -> pd.DataFrame:
    """Survey answers per `by` ("tool" or "department") and frequency, for a stacked chart.

    Tools match with schema.normalize and show their most common spelling. Every frequency
    is listed for every group (zeros included; a blank frequency is "Not answered", listed
    only when there is one); groups are ordered by Daily answers, then by all answers, most
    first, then by name. Columns: <by>, frequency, count.

    >>> survey_answers(survey).head(2)  # doctest: +SKIP
             tool frequency  count
    0  Zendesk AI     Daily      3
    1  Zendesk AI    Weekly      0
    """
    columns = [by, "frequency", "count"]
    if daily_tools.empty or "tool" not in daily_tools.columns:
        return pd.DataFrame({by: [], "frequency": [], "count": []}).astype({"count": np.int64})
    frame = _survey_tools(daily_tools)
    counts = pd.crosstab(frame[by], frame["frequency"])
    frequencies = [
        *schema.FREQUENCIES,
        *([NOT_ANSWERED] if NOT_ANSWERED in counts.columns else []),
    ]
    counts = counts.reindex(columns=frequencies, fill_value=0)
    ranking = pd.DataFrame(
        {"daily": counts[schema.Frequency.DAILY], "total": counts.sum(axis=1), "name": counts.index}
    ).sort_values(["daily", "total", "name"], ascending=[False, False, True], kind="stable")
    long = counts.loc[ranking.index].stack().rename("count").reset_index()
    long.columns = columns
    long["count"] = long["count"].astype(np.int64)
    return long


def daily_grid(daily_tools: pd.DataFrame) -> pd.DataFrame:
    """Daily answers per department and tool (pairs with at least one), for a heat map.

    Columns: department, tool, daily; largest first.

    >>> daily_grid(survey).iloc[0].tolist()  # doctest: +SKIP
    ['Support', 'Zendesk AI', 3]
    """
    if daily_tools.empty or "tool" not in daily_tools.columns:
        return pd.DataFrame({"department": [], "tool": [], "daily": []}).astype({"daily": np.int64})
    frame = _survey_tools(daily_tools)
    frame = frame[frame["frequency"] == schema.Frequency.DAILY]
    grid = frame.groupby(["department", "tool"]).size().rename("daily").reset_index()
    grid["daily"] = grid["daily"].astype(np.int64)
    return grid.sort_values(
        ["daily", "department", "tool"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
