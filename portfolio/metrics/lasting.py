"""What did not last: watermelons, stalled and reverted initiatives, and the edges
(grassroots work that was adopted, teams to listen to)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio import schema
from portfolio.frames import per_distinct
from portfolio.metrics.base import (
    NOT_STATED,
)
from portfolio.metrics.deck import theater_gap
from portfolio.metrics.trends import weekly_active_users
from portfolio.model import Portfolio
from portfolio.observations import DAYS_PER_WEEK

# Mean length of a month in days (365.25 / 12), to say how long an initiative lived in months.
DAYS_PER_MONTH = 30.4375
# How the reasons of one initiative are joined into one table cell.
REASON_JOINER = "; "


def _by_cost(frame: pd.DataFrame, *then: str) -> pd.DataFrame:
    """`frame` sorted by annual cost, largest first, blank costs last, then by `then`."""
    cost = pd.to_numeric(frame["annual_cost"], errors="coerce")
    keyed = frame.assign(_cost=(-cost).fillna(math.inf).to_numpy(dtype=float))
    ordered = keyed.sort_values(["_cost", *then], kind="stable", na_position="last")
    return ordered.drop(columns="_cost").reset_index(drop=True)


@dataclass(frozen=True)
class WatermelonSummary:
    """Green initiatives, the watermelons among them and what the watermelons cost a year.

    `annual_cost` sums the stated costs (blank counts as 0); `priced` is how many
    watermelons state a cost, so "$0" can be told apart from "nobody said".
    """

    green: int
    watermelons: int
    annual_cost: float
    priced: int


def watermelon_summary(assessed: pd.DataFrame) -> WatermelonSummary:
    """How many green initiatives are watermelons, and their annual cost.

    >>> watermelon_summary(assessed)  # 4 of 6 green: $50k, $20k, $10k, blank  # doctest: +SKIP
    WatermelonSummary(green=6, watermelons=4, annual_cost=80000.0, priced=3)
    """
    gap = theater_gap(assessed)
    melons = assessed["watermelon"].fillna(False).to_numpy(dtype=bool)
    cost = pd.to_numeric(assessed["annual_cost"], errors="coerce").to_numpy(dtype=float)[melons]
    return WatermelonSummary(
        green=gap.green,
        watermelons=int(melons.sum()),
        annual_cost=float(np.nansum(cost)),
        priced=int((~np.isnan(cost)).sum()),
    )


def watermelons(assessed: pd.DataFrame) -> pd.DataFrame:
    """Every watermelon (Green on the deck, stalled, reverted or abandoned in the evidence).

    Largest annual cost first, blank costs last, then by name. Columns: id, name, label,
    team, owner, tool, annual_cost, verdict, evidence (what it rests on), why (every reason,
    joined by "; "), reason (the first).

    >>> watermelons(assessed)[["id", "annual_cost", "verdict"]]  # doctest: +SKIP
           id  annual_cost    verdict
    0  AI-013      50000.0   reverted
    1  AI-019      24000.0  abandoned
    """
    melons = assessed[assessed["watermelon"].fillna(False).to_numpy(dtype=bool)]
    frame = pd.DataFrame(
        {
            "id": melons["id"].to_numpy(),
            "name": melons["name"].to_numpy(),
            "label": melons["label"].to_numpy(),
            "team": melons["team"].to_numpy(),
            "owner": melons["owner"].to_numpy(),
            "tool": melons["tool"].to_numpy(),
            "annual_cost": pd.to_numeric(melons["annual_cost"], errors="coerce").to_numpy(
                dtype=float
            ),
            "verdict": melons["verdict"].to_numpy(),
            "evidence": melons["evidence"].to_numpy(),
            "why": [REASON_JOINER.join(r) for r in melons["reasons"]],
            "reason": melons["reason"].to_numpy(),
        }
    )
    return _by_cost(frame, "name")


def initiative_weeks(
    portfolio: Portfolio, initiative_id: str, *, as_of: pd.Timestamp | None = None
) -> pd.DataFrame:
    """One initiative's weekly active users, from its first logged week to the week of `as_of`.

    A week with no usage row counts as 0 users, as in the evidence (a weekly log with a
    missing week means nobody reported use); `logged` tells the weeks that have a row, so
    a chart can show which zeros are read into silence. Empty when it has no usage.

    Columns: week (Monday), active_users, logged.

    >>> initiative_weeks(portfolio, "AI-019", as_of=pd.Timestamp("2026-03-23"))  # doctest: +SKIP
            week  active_users  logged
    0 2026-03-02            20    True
    1 2026-03-09            20    True
    2 2026-03-16             0   False
    3 2026-03-23             0   False
    """
    as_of = (portfolio.as_of if as_of is None else pd.Timestamp(as_of)).normalize()
    rows = weekly_active_users(portfolio, as_of=as_of, ids=[initiative_id], per_initiative=True)
    if rows.empty:
        return pd.DataFrame(
            {
                "week": pd.Series(dtype="datetime64[ns]"),
                "active_users": pd.Series(dtype=np.int64),
                "logged": pd.Series(dtype=bool),
            }
        )
    users = rows.set_index("week")["active_users"]
    last_monday = as_of - pd.Timedelta(days=as_of.dayofweek)
    weeks = pd.date_range(
        users.index.min(), max(users.index.max(), last_monday), freq=f"{DAYS_PER_WEEK}D"
    )
    return pd.DataFrame(
        {
            "week": weeks.to_numpy(dtype="datetime64[ns]"),
            "active_users": users.reindex(weeks, fill_value=0).to_numpy(dtype=np.int64),
            "logged": weeks.isin(users.index),
        }
    )


def not_real(assessed: pd.DataFrame) -> pd.DataFrame:
    """What stalled, was reverted or abandoned: how long it lived, what replaced it, its cost.

    `lived_days` runs from `started` to `life_ended` (evidence: the end of the last week of
    real use, not a trickle after a collapse; without use, the last sign of life), so the
    lifeline tells the reason's story ("tried once: 2 weeks" lived 14 days);
    `lived_months` is the same in months of 30.4 days, one decimal. `last_activity` is the
    last sign of life of any kind (update, check-in, a week with users). Largest annual cost
    first, blank costs last, then by start date.

    Columns: id, name, label, team, owner, origin, tool, verdict, started, life_ended,
    last_activity, lived_days, lived_months, reverted_to, annual_cost, reason, evidence.

    >>> not_real(assessed).loc[0, ["id", "lived_days", "lived_months"]].tolist()  # doctest: +SKIP
    ['AI-013', 91, 3.0]
    """
    rows = assessed[assessed["verdict"].isin(schema.NOT_REAL).fillna(False).to_numpy(dtype=bool)]
    started = pd.to_datetime(rows["started"])
    last = pd.to_datetime(rows["last_activity"])
    ended = pd.to_datetime(rows["life_ended"])
    lived = ((ended - started) // pd.Timedelta(days=1)).clip(lower=0).astype("Int64")
    frame = pd.DataFrame(
        {
            "id": rows["id"].to_numpy(),
            "name": rows["name"].to_numpy(),
            "label": rows["label"].to_numpy(),
            "team": rows["team"].to_numpy(),
            "owner": rows["owner"].to_numpy(),
            "origin": rows["origin"].to_numpy(),
            "tool": rows["tool"].to_numpy(),
            "verdict": rows["verdict"].to_numpy(),
            "started": started.to_numpy(dtype="datetime64[ns]"),
            "life_ended": ended.to_numpy(dtype="datetime64[ns]"),
            "last_activity": last.to_numpy(dtype="datetime64[ns]"),
            "lived_days": lived.array,
            "lived_months": (lived.astype("Float64") / DAYS_PER_MONTH).round(1).array,
            "reverted_to": rows["reverted_to"].to_numpy(),
            "annual_cost": pd.to_numeric(rows["annual_cost"], errors="coerce").to_numpy(
                dtype=float
            ),
            "reason": rows["reason"].to_numpy(),
            "evidence": rows["evidence"].to_numpy(),
        }
    )
    return _by_cost(frame, "started")


def went_back_to(assessed: pd.DataFrame) -> pd.DataFrame:
    """What people went back to, tallied over the rows of `assessed` that say (`reverted_to`).

    Spellings match case-, space- and punctuation-insensitively ("Excel" = "excel "), the
    most common one is shown (the first seen on a tie). Most initiatives first, then the
    largest annual cost, then by name. Columns: reverted_to, initiatives, annual_cost (blank
    costs count as 0).

    >>> went_back_to(not_real(assessed))  # doctest: +SKIP
        reverted_to  initiatives  annual_cost
    0         Excel            2      70000.0
    1   Phone queue            1      30000.0
    """
    text = assessed["reverted_to"].astype("string").str.strip()
    said = (text.notna() & (text != "")).to_numpy(dtype=bool)
    frame = pd.DataFrame(
        {
            "key": per_distinct(text[said], schema.normalize),
            "spelling": text[said].to_numpy(dtype=object),
            "annual_cost": np.nan_to_num(
                pd.to_numeric(assessed["annual_cost"], errors="coerce").to_numpy(dtype=float)[said]
            ),
        }
    )
    if frame.empty:
        return pd.DataFrame(
            {
                "reverted_to": pd.Series(dtype=object),
                "initiatives": pd.Series(dtype=np.int64),
                "annual_cost": pd.Series(dtype=float),
            }
        )
    table = frame.groupby("key", sort=False).agg(
        # the most common spelling; on a tie, the first one seen
        reverted_to=("spelling", lambda s: s.value_counts(sort=False).idxmax()),
        initiatives=("spelling", "size"),
        annual_cost=("annual_cost", "sum"),
    )
    table = table.sort_values(
        ["initiatives", "annual_cost", "reverted_to"], ascending=[False, False, True], kind="stable"
    )
    return table.astype({"initiatives": np.int64, "annual_cost": float}).reset_index(drop=True)


def grassroots_adopted(assessed: pd.DataFrame) -> pd.DataFrame:
    """The grassroots initiatives the evidence says are adopted: who is quietly making AI work.

    By team, then by weekly users now (largest first). Columns: team, name, owner, area,
    tool, started, recent_mean (mean weekly active users of the recent weeks), peak_users,
    annual_cost, id.

    >>> grassroots_adopted(assessed)[["team", "name"]].values.tolist()  # doctest: +SKIP
    [['Engineering', 'Code review bot'], ['Finance', 'Invoice matcher']]
    """
    mask = (assessed["origin"] == schema.Origin.GRASSROOTS) & (
        assessed["verdict"] == schema.Verdict.ADOPTED
    )
    rows = assessed[mask.fillna(False).to_numpy(dtype=bool)]
    columns = [
        "team",
        "name",
        "owner",
        "area",
        "tool",
        "started",
        "recent_mean",
        "peak_users",
        "annual_cost",
        "id",
    ]
    frame = rows.loc[:, columns].reset_index(drop=True)
    frame["_users"] = -pd.to_numeric(frame["recent_mean"], errors="coerce").fillna(0.0)
    frame = frame.sort_values(["team", "_users", "name"], kind="stable", na_position="last")
    return frame.drop(columns="_users").reset_index(drop=True)


def teams_to_listen_to(assessed: pd.DataFrame) -> pd.DataFrame:
    """Teams with adopted grassroots initiatives: how many, and their weekly users now.

    Most adopted initiatives first, then most weekly users, then by team. Columns: team,
    adopted, weekly_users (sum of the recent means, rounded).

    >>> teams_to_listen_to(assessed).values.tolist()  # doctest: +SKIP
    [['Engineering', 1, 10], ['Finance', 1, 6]]
    """
    rows = grassroots_adopted(assessed)
    table = rows.groupby(rows["team"].astype(object).fillna(NOT_STATED), sort=False).agg(
        adopted=("name", "size"),
        weekly_users=("recent_mean", lambda s: pd.to_numeric(s, errors="coerce").sum()),
    )
    table["weekly_users"] = table["weekly_users"].round().astype(np.int64)
    table = table.rename_axis("team").reset_index()
    table["adopted"] = table["adopted"].astype(np.int64)
    return table.sort_values(
        ["adopted", "weekly_users", "team"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)
