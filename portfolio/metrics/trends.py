"""Over time: verdicts now against then, weekly active users, the usage trend in words."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio import schema, settings
from portfolio.evidence import assess
from portfolio.frames import member
from portfolio.metrics.base import (
    NOT_STARTED,
)
from portfolio.model import Portfolio
from portfolio.observations import DAYS_PER_WEEK


@dataclass(frozen=True)
class Transitions:
    """The portfolio's verdicts at `then` against `now`.

    `flows`: then_verdict (or "not started"), now_verdict, count: one row per pair that
    occurs, for a flow or a heat map. `summary`: verdict, then, now (counts per verdict,
    every verdict listed). `changes`: one row per initiative whose verdict changed: id, name,
    team, then_verdict, now_verdict, reason (today's main reason).
    """

    then: pd.Timestamp
    now: pd.Timestamp
    flows: pd.DataFrame
    summary: pd.DataFrame
    changes: pd.DataFrame


def transitions(
    portfolio: Portfolio,
    *,
    as_of: pd.Timestamp | None = None,
    then: pd.Timestamp | None = None,
    ids: Iterable[str] | None = None,
    current: pd.DataFrame | None = None,
    before: pd.DataFrame | None = None,
) -> Transitions:
    """Verdicts now (as of `as_of`) against verdicts at a past date.

    `then` defaults to Settings `compare_months` (6) months before `as_of`. `ids`, when
    given, limits both pictures to those initiatives (the page's filtered ones). The "then"
    picture knows only what the sheet says today about the past (usage weeks, check-ins,
    start dates; see evidence's docstring), and an initiative that had not started then is
    "not started". `current` and `before`, when given, are `assess` results as of `as_of`
    and `then`, used instead of assessing again.

    >>> t = transitions(portfolio)  # doctest: +SKIP
    >>> t.flows.query("then_verdict == 'adopted' and now_verdict == 'reverted'")  # doctest: +SKIP
      then_verdict now_verdict  count
    0      adopted    reverted      3
    """
    now = (portfolio.as_of if as_of is None else pd.Timestamp(as_of)).normalize()
    if then is None:
        months = settings.compare_months(portfolio.settings)
        then = now - pd.DateOffset(months=months)
    then = pd.Timestamp(then).normalize()
    # Callers that already hold the two assessed frames (the app caches one per date)
    # pass them in; assessing twice is most of the cost at 10,000 initiatives.
    current = assess(portfolio, as_of=now) if current is None else current
    before = assess(portfolio, as_of=then) if before is None else before
    if ids is not None:
        wanted = set(ids)
        current = current[member(current["id"], wanted)]
        before = before[member(before["id"], wanted)]

    # Match the two pictures on the sheet row, which stays unique where ids repeat.
    key = "_row" if current["_row"].notna().all() and current["_row"].is_unique else "id"
    then_by_key = pd.Series(before["verdict"].astype(object).to_numpy(), index=before[key])
    if not then_by_key.index.is_unique:  # repeated ids and no sheet rows: first one wins
        then_by_key = then_by_key[~then_by_key.index.duplicated()]
    then_verdict = pd.Series(
        then_by_key.reindex(current[key].to_numpy()).fillna(NOT_STARTED).to_numpy(),
        index=current.index,
    )
    pairs = pd.DataFrame(
        {
            "then_verdict": then_verdict.to_numpy(dtype=object),
            "now_verdict": current["verdict"].to_numpy(dtype=object),
        }
    )
    flows = pairs.value_counts(sort=False).rename("count").reset_index()
    order = {v: i for i, v in enumerate((NOT_STARTED, *schema.VERDICTS))}
    flows = flows.sort_values(
        ["then_verdict", "now_verdict"], key=lambda s: s.map(order), kind="stable"
    ).reset_index(drop=True)
    flows["count"] = flows["count"].astype(np.int64)

    summary = pd.DataFrame(
        {
            "verdict": list(schema.VERDICTS),
            "then": before["verdict"]
            .astype(object)
            .value_counts()
            .reindex(schema.VERDICTS, fill_value=0)
            .to_numpy(dtype=np.int64),
            "now": current["verdict"]
            .astype(object)
            .value_counts()
            .reindex(schema.VERDICTS, fill_value=0)
            .to_numpy(dtype=np.int64),
        }
    )

    changed = then_verdict.to_numpy(dtype=object) != current["verdict"].to_numpy(dtype=object)
    changes = pd.DataFrame(
        {
            "id": current["id"].to_numpy()[changed],
            "name": current["name"].to_numpy()[changed],
            "team": current["team"].to_numpy()[changed],
            "then_verdict": then_verdict.to_numpy(dtype=object)[changed],
            "now_verdict": current["verdict"].to_numpy(dtype=object)[changed],
            "reason": current["reason"].to_numpy()[changed],
        }
    )
    return Transitions(then=then, now=now, flows=flows, summary=summary, changes=changes)


def weekly_active_users(
    portfolio: Portfolio,
    *,
    as_of: pd.Timestamp | None = None,
    ids: Iterable[str] | None = None,
    per_initiative: bool = False,
) -> pd.DataFrame:
    """Weekly active users over time, summed over the portfolio (one row per week).

    Each usage date counts in the week (Monday) it falls in; rows of the same initiative and
    week count once, with the larger number (as in the evidence). Weeks after `as_of` are
    left out, and weeks between the first and the last with no row at all are listed with 0,
    so a line does not bridge a gap. `ids` limits it to those initiatives.

    Columns: week, active_users, initiatives (how many logged that week). With
    `per_initiative=True`: week, initiative_id, active_users, one row per logged week.

    >>> weekly_active_users(portfolio)  # doctest: +SKIP
            week  active_users  initiatives
    0 2025-10-06            25            2
    1 2025-10-13             0            0
    2 2025-10-20            12            1
    """
    as_of = (portfolio.as_of if as_of is None else pd.Timestamp(as_of)).normalize()
    usage = portfolio.usage
    empty_cols = (
        ["week", "initiative_id", "active_users"]
        if per_initiative
        else ["week", "active_users", "initiatives"]
    )
    if usage is None or usage.empty or "week" not in usage.columns:
        return _empty_weekly(empty_cols)
    week = pd.to_datetime(usage["week"], errors="coerce")
    monday = (week - pd.to_timedelta(week.dt.dayofweek, unit="D")).dt.normalize()
    users = pd.to_numeric(usage["active_users"], errors="coerce").astype(float)
    keep = (monday.notna() & users.notna() & (week <= as_of)).to_numpy(dtype=bool)
    if ids is not None:
        keep = keep & member(usage["initiative_id"], set(ids))
    if not keep.any():
        return _empty_weekly(empty_cols)
    rows = pd.DataFrame(
        {
            "week": monday.to_numpy(dtype="datetime64[ns]")[keep],
            "initiative_id": usage["initiative_id"].astype("string").to_numpy()[keep],
            "active_users": users.to_numpy()[keep],
        }
    )
    per = rows.groupby(["week", "initiative_id"], sort=True)["active_users"].max().reset_index()
    per["active_users"] = per["active_users"].round().astype(np.int64)
    if per_initiative:
        return per.loc[:, empty_cols]
    total = per.groupby("week").agg(
        active_users=("active_users", "sum"), initiatives=("initiative_id", "size")
    )
    every_week = pd.date_range(
        total.index.min(), total.index.max(), freq=pd.Timedelta(days=DAYS_PER_WEEK)
    )
    total = total.reindex(every_week, fill_value=0).astype(np.int64)
    return total.rename_axis("week").reset_index()


def _empty_weekly(columns: list[str]) -> pd.DataFrame:
    dtypes = {"week": "datetime64[ns]", "initiative_id": "string"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, np.int64)) for c in columns})


DEFAULT_TOP_INITIATIVES = 5
# How many distinct moves the now-vs-then sentence names before summing up the rest.
SENTENCE_MOVES = 3


def top_by_peak(assessed: pd.DataFrame, *, n: int = DEFAULT_TOP_INITIATIVES) -> list[str]:
    """Ids of the `n` initiatives with the highest weekly peak (ties: by id); usage only.

    >>> top_by_peak(assessed, n=2)  # peaks AI-2: 40, AI-1: 20, AI-5: 10  # doctest: +SKIP
    ['AI-2', 'AI-1']
    """
    peak = pd.to_numeric(assessed["peak_users"], errors="coerce").astype(float)
    used = pd.DataFrame({"id": assessed["id"].to_numpy(dtype=object), "peak": peak.to_numpy()})
    used = used[(used["peak"] > 0) & used["id"].notna()]  # no id, no usage; a repeat counts once
    ranked = used.sort_values(["peak", "id"], ascending=[False, True], kind="stable")
    return ranked["id"].astype(str).drop_duplicates().head(n).tolist()


@dataclass(frozen=True)
class UsageTrend:
    """The last week and the peak week of a weekly total (from `weekly_active_users`)."""

    latest_week: pd.Timestamp | None
    latest: int
    peak_week: pd.Timestamp | None
    peak: int

    @property
    def change(self) -> float:
        """latest / peak - 1 (-0.25 = a quarter below the peak); NaN without a peak."""
        return self.latest / self.peak - 1 if self.peak else math.nan


def usage_trend(weekly: pd.DataFrame) -> UsageTrend:
    """Latest and peak weekly active users of a weekly total (the first week of the peak).

    >>> usage_trend(weekly_active_users(portfolio))  # doctest: +SKIP
    UsageTrend(latest_week=Timestamp('2026-06-01'), latest=32, peak_week=..., peak=70)
    """
    if weekly.empty:
        return UsageTrend(None, 0, None, 0)
    users = weekly["active_users"].to_numpy(dtype=np.int64)
    top = int(np.argmax(users))
    return UsageTrend(
        latest_week=pd.Timestamp(weekly["week"].iloc[-1]),
        latest=int(users[-1]),
        peak_week=pd.Timestamp(weekly["week"].iloc[top]),
        peak=int(users[top]),
    )


def describe_transitions(moves: Transitions, *, since: str, top: int = SENTENCE_MOVES) -> str:
    """One sentence on what moved between `then` and `now`, the largest moves first.

    `since` is the `then` date as the page shows it ("2 Mar"); after `top` moves the rest
    are summed up.

    >>> describe_transitions(t, since="2 Mar")  # doctest: +SKIP
    'Since 2 Mar: 2 initiatives went from adopted to reverted, 1 from unproven to stalled, and 1 started (now unproven)'
    """  # noqa: E501
    flows = moves.flows[moves.flows["then_verdict"] != moves.flows["now_verdict"]]
    if flows.empty:
        if int(moves.flows["count"].sum()) == 0:
            return f"Since {since}: no initiative to compare"
        return f"Since {since}: no initiative changed verdict"
    # Largest first; on a tie a change of verdict comes before a new start, as more telling.
    flows = flows.assign(_new=flows["then_verdict"] == NOT_STARTED).sort_values(
        ["count", "_new"], ascending=[False, True], kind="stable"
    )
    phrases: list[str] = []
    went = False
    for i, (before, after, count, _new) in enumerate(flows.head(top).itertuples(index=False)):
        subject = f"{count:,} initiative{'' if count == 1 else 's'}" if i == 0 else f"{count:,}"
        if before == NOT_STARTED:
            phrases.append(f"{subject} started (now {after})")
        else:
            phrases.append(f"{subject}{'' if went else ' went'} from {before} to {after}")
            went = True
    rest = int(flows["count"].iloc[top:].sum())
    if rest:
        phrases.append(f"{rest:,} more moved in other ways")
    body = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + f", and {phrases[-1]}"
    return f"Since {since}: {body}"
