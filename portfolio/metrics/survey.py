"""The DailyTools survey: answers narrowed to a selection, per tool or department, daily use."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from portfolio import schema
from portfolio.frames import member, per_distinct

NOT_ANSWERED = "Not answered"
UNKNOWN_DEPARTMENT = "Department not stated"


ToolIndex = dict[str, tuple[str, str]]


def tool_index(initiatives: pd.DataFrame) -> ToolIndex:
    """How a survey answer's tool is matched to the initiatives: folded text -> (key, spelling).

    The one matching rule for every survey figure. Tools match with schema.normalize
    ("GitHub Copilot" = "github-copilot"); an answer may also name an initiative instead of
    its tool ("Invoice-matching script" for the initiative of that name, whose tool is
    "Python + OpenAI API"), and then counts for that tool, so one tool is one row on both
    sides. A name counts only when its initiatives state one tool, and a tool's own name
    wins over an initiative's. The spelling shown is the first in Initiatives.

    >>> tool_index(ini)["invoicematchingscript"]  # doctest: +SKIP
    ('pythonopenaiapi', 'Python + OpenAI API')
    """
    if initiatives is None or "tool" not in initiatives.columns:
        return {}
    tool = initiatives["tool"].astype(object)
    has = (tool.notna() & (tool.astype(str).str.strip() != "")).to_numpy(dtype=bool)
    spelling = tool[has].astype(str).str.strip().to_numpy(dtype=object)
    keys = per_distinct(pd.Series(spelling, dtype=object), schema.normalize)
    index: ToolIndex = {}
    for key, text in zip(keys, spelling, strict=True):
        index.setdefault(key, (key, text))
    if "name" in initiatives.columns:
        names = initiatives["name"].astype(object)[has]
        by_name: dict[str, set[str]] = {}
        for name, key in zip(per_distinct(names, _fold), keys, strict=True):
            if name:
                by_name.setdefault(name, set()).add(key)
        for name, tools in by_name.items():
            if len(tools) == 1 and name not in index:
                index[name] = index[next(iter(tools))]
    return index


def _fold(value: object) -> str:
    return schema.normalize(value) if isinstance(value, str) else ""


def match_tools(tools: pd.Series, index: ToolIndex) -> tuple[np.ndarray, np.ndarray]:
    """(key, spelling) of each answered tool by `tool_index`; an unmatched tool keeps its own
    folded key and its text as typed (stripped)."""
    text = tools.astype(object)
    folded = per_distinct(text, _fold)
    own = text.map(lambda v: v.strip() if isinstance(v, str) else "").to_numpy(dtype=object)
    keys = np.array([index.get(k, (k, ""))[0] for k in folded], dtype=object)
    spelled = np.array(
        [index[k][1] if k in index else o for k, o in zip(folded, own, strict=True)],
        dtype=object,
    )
    return keys, spelled


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
    index: ToolIndex | None = None,
) -> pd.DataFrame:
    """The survey answers of these departments and tools (an empty selection keeps all).

    Names match with schema.normalize, so the sidebar's team "Customer Support" keeps the
    survey's department "customer-support".

    >>> len(narrow_survey(survey, departments=["Finance"]))  # 2 Finance answers  # doctest: +SKIP
    2
    """
    keep = np.ones(len(daily_tools), dtype=bool)
    departments = {schema.normalize(v) for v in departments}
    if departments and "department" in daily_tools.columns:
        keep &= member(_folded(daily_tools["department"]), departments)
    wanted = {(index or {}).get(schema.normalize(v), (schema.normalize(v), ""))[0] for v in tools}
    if wanted and "tool" in daily_tools.columns:
        keys, _ = match_tools(daily_tools["tool"], index or {})
        keep &= member(pd.Series(keys, index=daily_tools.index, dtype=object), wanted)
    return daily_tools[keep]


def _survey_tools(daily_tools: pd.DataFrame, index: ToolIndex | None = None) -> pd.DataFrame:
    """Answers that name a tool: key (matched by `tool_index`), tool (the initiatives'
    spelling, else the most common answer), frequency, department."""
    tool = daily_tools["tool"].astype(object)
    answered = (tool.notna() & (tool.astype(str).str.strip() != "")).to_numpy(dtype=bool)
    keys, spelled = match_tools(tool[answered], index or {})
    frequency = daily_tools.get("frequency", pd.Series(index=daily_tools.index, dtype=object))
    department = daily_tools.get("department", pd.Series(index=daily_tools.index, dtype=object))
    frame = pd.DataFrame(
        {
            "key": keys,
            "spelling": spelled,
            "frequency": frequency.astype(object)[answered].fillna(NOT_ANSWERED).to_numpy(),
            "department": department.astype(object)[answered]
            .map(lambda v: v.strip() if isinstance(v, str) and v.strip() else UNKNOWN_DEPARTMENT)
            .to_numpy(),
        }
    )
    shown = frame.groupby("key")["spelling"].agg(lambda s: s.value_counts().index[0])
    frame["tool"] = frame["key"].map(shown)
    return frame


def survey_answers(
    daily_tools: pd.DataFrame, *, by: str = "tool", index: ToolIndex | None = None
) -> pd.DataFrame:
    """Survey answers per `by` ("tool" or "department") and frequency, for a stacked chart.

    Tools match by `tool_index` (`index`; without it, by schema.normalize alone) and show
    the initiatives' spelling, else their most common one. Every frequency
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
    frame = _survey_tools(daily_tools, index)
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


def daily_grid(daily_tools: pd.DataFrame, *, index: ToolIndex | None = None) -> pd.DataFrame:
    """Daily answers per department and tool (pairs with at least one), for a heat map.

    Tools match as in `survey_answers`.

    Columns: department, tool, daily; largest first.

    >>> daily_grid(survey).iloc[0].tolist()  # doctest: +SKIP
    ['Support', 'Zendesk AI', 3]
    """
    if daily_tools.empty or "tool" not in daily_tools.columns:
        return pd.DataFrame({"department": [], "tool": [], "daily": []}).astype({"daily": np.int64})
    frame = _survey_tools(daily_tools, index)
    frame = frame[frame["frequency"] == schema.Frequency.DAILY]
    grid = frame.groupby(["department", "tool"]).size().rename("daily").reset_index()
    grid["daily"] = grid["daily"].astype(np.int64)
    return grid.sort_values(
        ["daily", "department", "tool"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
