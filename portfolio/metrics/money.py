"""Money and time: spend on what is not adopted, hours saved, seats against daily use."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio import schema
from portfolio.frames import per_distinct
from portfolio.metrics.survey import ToolIndex, match_tools, tool_index


def spend_not_adopted(assessed: pd.DataFrame) -> float:
    """Annual cost of every initiative whose verdict is not adopted (unproven included).

    Blank costs count as 0. Unproven spend is included because the money goes out whether
    or not anyone has shown it works.

    >>> spend_not_adopted(assessed)  # 50,000 stalled + 12,000 unproven  # doctest: +SKIP
    62000.0
    """
    cost = pd.to_numeric(assessed["annual_cost"], errors="coerce")
    not_adopted = (assessed["verdict"] != schema.Verdict.ADOPTED).fillna(True)
    return float(cost[not_adopted].sum())


def spend_by_verdict(assessed: pd.DataFrame) -> pd.DataFrame:
    """Annual cost per verdict, every verdict listed, for the "where the money goes" chart.

    Columns: verdict, annual_cost (blank costs count as 0), initiatives, priced (how many
    of them state a cost, so a small total can be told apart from missing costs).

    >>> spend_by_verdict(assessed).loc[0].tolist()  # doctest: +SKIP
    ['adopted', 30000.0, 2, 1]
    """
    cost = pd.to_numeric(assessed["annual_cost"], errors="coerce").to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "verdict": assessed["verdict"].astype(object).to_numpy(),
            "annual_cost": np.nan_to_num(cost),
            "priced": ~np.isnan(cost),
        }
    )
    table = frame.groupby("verdict").agg(
        annual_cost=("annual_cost", "sum"),
        initiatives=("priced", "size"),
        priced=("priced", "sum"),
    )
    table = table.reindex(list(schema.VERDICTS), fill_value=0)
    return table.astype(
        {"annual_cost": float, "initiatives": np.int64, "priced": np.int64}
    ).reset_index(names="verdict")


@dataclass(frozen=True)
class HoursSaved:
    """Claimed against measured hours saved per week.

    `claimed` sums claimed_hours_saved_per_week; `measured` sums the recent measured mean;
    `claimed_never_measured` is the claimed hours of initiatives with no measurement;
    `by_initiative` lists every initiative with a claim or a measurement: id, name, label
    (the name told apart from its namesakes), team, verdict, claimed, measured, unmeasured
    (claimed with nothing measured), largest claim first.
    """

    claimed: float
    measured: float
    claimed_never_measured: float
    initiatives_claiming: int
    initiatives_measured: int
    by_initiative: pd.DataFrame


def hours_saved(assessed: pd.DataFrame) -> HoursSaved:
    """Claimed vs measured hours saved per week, in total and per initiative.

    Measured is `measured_hours_saved_per_week` from the evidence: the mean of the recent
    weeks that have a measurement.

    >>> h = hours_saved(assessed)  # A claims 40, measured 10; B claims 20  # doctest: +SKIP
    >>> (h.claimed, h.measured, h.claimed_never_measured)  # doctest: +SKIP
    (60.0, 10.0, 20.0)
    """
    claimed = pd.to_numeric(assessed["claimed_hours_saved_per_week"], errors="coerce")
    measured = pd.to_numeric(assessed["measured_hours_saved_per_week"], errors="coerce")
    keep = (claimed.notna() | measured.notna()).to_numpy()
    per = pd.DataFrame(
        {
            "id": assessed["id"].to_numpy()[keep],
            "name": assessed["name"].to_numpy()[keep],
            "label": (assessed["label"] if "label" in assessed else assessed["name"]).to_numpy()[
                keep
            ],
            "team": assessed["team"].to_numpy()[keep],
            "verdict": assessed["verdict"].to_numpy()[keep],
            "claimed": claimed.to_numpy(dtype=float)[keep],
            "measured": measured.to_numpy(dtype=float)[keep],
        }
    )
    per["unmeasured"] = np.isnan(per["measured"]) & ~np.isnan(per["claimed"])
    per = per.sort_values("claimed", ascending=False, na_position="last", kind="stable")
    return HoursSaved(
        claimed=float(claimed.sum()),
        measured=float(measured.sum()),
        claimed_never_measured=float(claimed[measured.isna()].sum()),
        initiatives_claiming=int(claimed.notna().sum()),
        initiatives_measured=int(measured.notna().sum()),
        by_initiative=per.reset_index(drop=True),
    )


def seats_vs_daily(
    assessed: pd.DataFrame, daily_tools: pd.DataFrame, *, index: ToolIndex | None = None
) -> pd.DataFrame:
    """Per tool: what the company pays for against how many survey respondents use it daily.

    Survey answers match the initiatives' tools by `survey.tool_index` (`index`, built from
    `assessed` when not given): case, spaces and punctuation ignored ("GitHub Copilot" =
    "github-copilot"), and an answer naming an initiative counts for its tool. The first
    spelling from Initiatives is shown, else the survey's most common.
    `cost_per_daily_user` is annual cost / daily respondents (NaN when nobody answered Daily
    or no cost is stated): the survey is a sample, so read it as a ratio between tools, not
    as a price per employee. `paid_for` is
    whether an initiative states a cost or seats for the tool. `unsanctioned` marks tools
    used daily that no initiative lists, or that a daily respondent said is not sanctioned
    (a free in-house tool an initiative lists is known to the company, so it is not).

    Columns: tool, initiatives, seats, annual_cost, daily_users, respondents,
    unsanctioned_daily_users, cost_per_daily_user, paid_for, unsanctioned. Sorted by annual
    cost, then daily users, both largest first.

    >>> seats_vs_daily(assessed, portfolio.daily_tools).iloc[0].tolist()  # doctest: +SKIP
    ['Copilot', 1, 200, 60000.0, 3, 4, 0, 20000.0, True, False]
    """
    ini_tool = assessed["tool"].astype(object)
    has_tool = ini_tool.notna() & (ini_tool.astype(str).str.strip() != "")
    ini = pd.DataFrame(
        {
            "key": per_distinct(ini_tool[has_tool], schema.normalize),
            "spelling": ini_tool[has_tool].astype(str).str.strip().to_numpy(),
            "seats": pd.to_numeric(assessed["seats"][has_tool], errors="coerce").to_numpy(
                dtype=float, na_value=np.nan
            ),
            "annual_cost": pd.to_numeric(
                assessed["annual_cost"][has_tool], errors="coerce"
            ).to_numpy(dtype=float),
        }
    )
    paid = ini.groupby("key", sort=False).agg(
        ini_spelling=("spelling", "first"),
        initiatives=("spelling", "size"),
        seats=("seats", "sum"),
        annual_cost=("annual_cost", "sum"),
    )

    survey = daily_tools if daily_tools is not None else pd.DataFrame()
    if "tool" in survey.columns and not survey.empty:
        tool = survey["tool"].astype(object)
        answered = tool.notna() & (tool.astype(str).str.strip() != "")
        daily = (
            survey.get("frequency", pd.Series(index=survey.index)) == schema.Frequency.DAILY
        ).fillna(False)
        not_sanctioned = survey.get("sanctioned", pd.Series(index=survey.index)) == False  # noqa: E712
        keys, spelled = match_tools(
            tool[answered], tool_index(assessed) if index is None else index
        )
        answers = pd.DataFrame(
            {
                "key": keys,
                "spelling": spelled,
                "daily": daily[answered].to_numpy(dtype=np.int64),
                "unsanctioned": (daily & not_sanctioned.fillna(False))[answered].to_numpy(
                    dtype=np.int64
                ),
            }
        )
    else:
        answers = pd.DataFrame({"key": [], "spelling": [], "daily": [], "unsanctioned": []}).astype(
            {"daily": np.int64, "unsanctioned": np.int64}
        )
    used = answers.groupby("key", sort=False).agg(
        survey_spelling=("spelling", lambda s: s.value_counts().index[0]),
        daily_users=("daily", "sum"),
        respondents=("daily", "size"),
        unsanctioned_daily_users=("unsanctioned", "sum"),
    )

    table = paid.join(used, how="outer")
    table["tool"] = table["ini_spelling"].fillna(table["survey_spelling"])
    for col in ("initiatives", "daily_users", "respondents", "unsanctioned_daily_users"):
        table[col] = table[col].fillna(0).astype(np.int64)
    table["seats"] = table["seats"].fillna(0).astype(np.int64)
    table["annual_cost"] = table["annual_cost"].fillna(0.0).astype(float)
    table["cost_per_daily_user"] = table["annual_cost"].where(table["annual_cost"] > 0) / table[
        "daily_users"
    ].where(table["daily_users"] > 0)
    table["paid_for"] = (table["annual_cost"] > 0) | (table["seats"] > 0)
    table["unsanctioned"] = (table["daily_users"] > 0) & (
        (table["initiatives"] == 0) | (table["unsanctioned_daily_users"] > 0)
    )
    table = table.sort_values(
        ["annual_cost", "daily_users", "tool"], ascending=[False, False, True], kind="stable"
    )
    columns = [
        "tool",
        "initiatives",
        "seats",
        "annual_cost",
        "daily_users",
        "respondents",
        "unsanctioned_daily_users",
        "cost_per_daily_user",
        "paid_for",
        "unsanctioned",
    ]
    return table.loc[:, columns].reset_index(drop=True)


@dataclass(frozen=True)
class SeatUse:
    """Seats bought against people using them, and what the idle seats cost a year.

    `by_initiative`: every initiative that states seats: id, label, team, seats, active
    (the mean weekly active users of the recent weeks, rounded, at most the seats; <NA>
    without usage), idle_share (idle seats / seats; NaN without usage), annual_cost,
    idle_cost (annual_cost x idle_share; NaN without usage or cost), most idle cost first.
    The totals count the initiatives with usage only (`measured` of `initiatives`).
    """

    seats: int
    active: int
    idle_cost: float
    initiatives: int
    measured: int
    by_initiative: pd.DataFrame


def seat_use(assessed: pd.DataFrame) -> SeatUse:
    """Active users against seats bought, per initiative, and the annual cost of idle seats.

    Initiative A: 400 seats, $50,000 a year, 18 weekly users over the recent weeks:
    18 of 400 seats active, idle share 382 / 400 = 95.5%, idle cost $47,750.

    >>> seat_use(assessed).by_initiative.loc[0, ["seats", "active", "idle_cost"]].tolist()
    ... # doctest: +SKIP
    [400, 18, 47750.0]
    """
    seats = pd.to_numeric(assessed["seats"], errors="coerce").to_numpy(dtype=float)
    keep = np.nan_to_num(seats) > 0
    rows = assessed[keep]
    seats = seats[keep]
    recent = pd.to_numeric(rows["recent_mean"], errors="coerce").to_numpy(dtype=float)
    active = np.minimum(np.round(recent), seats)
    idle_share = (seats - active) / seats
    cost = pd.to_numeric(rows["annual_cost"], errors="coerce").to_numpy(dtype=float)
    label = rows["label"] if "label" in rows.columns else rows["name"]
    per = pd.DataFrame(
        {
            "id": rows["id"].to_numpy(),
            "label": label.to_numpy(),
            "team": rows["team"].to_numpy(),
            "seats": seats.astype(np.int64),
            "active": pd.array(np.where(np.isnan(active), np.nan, active), dtype="Float64")
            .round()
            .astype("Int64"),
            "idle_share": idle_share,
            "annual_cost": cost,
            "idle_cost": cost * idle_share,
        }
    )
    per = per.sort_values(
        ["idle_cost", "seats"], ascending=[False, False], na_position="last", kind="stable"
    ).reset_index(drop=True)
    measured = ~np.isnan(active)
    return SeatUse(
        seats=int(seats[measured].sum()),
        active=int(active[measured].sum()),
        idle_cost=float(np.nansum(cost * idle_share)),
        initiatives=len(per),
        measured=int(measured.sum()),
        by_initiative=per,
    )
