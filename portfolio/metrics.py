"""Portfolio figures built on the verdicts: theater gap, survival, spend, hours, seats, trends.

Each function takes the frame `evidence.assess()` returns (already filtered by the page, if
it wants) and, where it needs more, the Portfolio. They return small, tidy DataFrames (one
row per bar or point, aggregated before charting) or frozen dataclasses; none of them draws.

>>> assessed = assess(portfolio)                         # doctest: +SKIP
>>> headline(assessed)                                    # doctest: +SKIP
'31 initiatives are green on the deck; 9 of them have stalled or been dropped'
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio import schema
from portfolio.evidence import DAYS_PER_WEEK, assess
from portfolio.frames import member, per_distinct
from portfolio.model import Portfolio

GREEN = "Green"
ADOPTED = "adopted"
UNPROVEN = "unproven"
NO_STATUS = "No status"
NOT_STATED = "Not stated"
NOT_STARTED = "not started"
BEFORE_MANDATE = "Before the mandate"
AFTER_MANDATE = "After the mandate"
START_UNKNOWN = "Start date unknown"
DAILY = "Daily"
STATUS_ORDER = (*schema.STATUSES, NO_STATUS)
# Columns of the survival tables, in order after the grouping column.
SURVIVAL_COLUMNS = ("total", "adopted", "unproven", "not_real", "survival")
# The vocabulary a grouping column is ordered by, when it has one.
GROUP_ORDER = {"origin": schema.ORIGINS, "reported_status": schema.STATUSES, "stage": schema.STAGES}


class MetricsError(Exception):
    """A portfolio figure cannot be computed from what the sheet holds."""


class MandateDateMissing(MetricsError):
    """Before vs after the mandate needs the Settings key `mandate_date`."""

    def __init__(self) -> None:
        super().__init__(
            "No mandate date: add a row `mandate_date | 2025-03-01` (the day the AI-first "
            "mandate was announced) to the Settings tab and reload."
        )


# --- the deck vs the evidence -------------------------------------------------------------


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
    green = (assessed["reported_status"] == GREEN).fillna(False).to_numpy(dtype=bool)
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


# --- what survives ------------------------------------------------------------------------


def _survival(groups: pd.Series, verdict: pd.Series, order: Iterable[str]) -> pd.DataFrame:
    verdict = verdict.astype(object)
    frame = pd.DataFrame(
        {
            "group": groups.to_numpy(dtype=object),
            "adopted": (verdict == ADOPTED).to_numpy(dtype=np.int64),
            "unproven": (verdict == UNPROVEN).to_numpy(dtype=np.int64),
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


# --- money and time -----------------------------------------------------------------------


def spend_not_adopted(assessed: pd.DataFrame) -> float:
    """Annual cost of every initiative whose verdict is not adopted (unproven included).

    Blank costs count as 0. Unproven spend is included because the money goes out whether
    or not anyone has shown it works.

    >>> spend_not_adopted(assessed)  # 50,000 stalled + 12,000 unproven  # doctest: +SKIP
    62000.0
    """
    cost = pd.to_numeric(assessed["annual_cost"], errors="coerce")
    not_adopted = (assessed["verdict"] != ADOPTED).fillna(True)
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
    `by_initiative` lists every initiative with a claim or a measurement: id, name, team,
    verdict, claimed, measured, unmeasured (claimed with nothing measured), largest claim first.
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

    >>> h = hours_saved(assessed)  # A claims 40, measured 10; B claims 20, none measured
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


def seats_vs_daily(assessed: pd.DataFrame, daily_tools: pd.DataFrame) -> pd.DataFrame:
    """Per tool: what the company pays for against how many survey respondents use it daily.

    Tool names match across Initiatives and DailyTools with schema.normalize (case, spaces and
    punctuation ignored: "GitHub Copilot" = "github-copilot"); the first spelling from
    Initiatives is shown, else the survey's most common. `cost_per_daily_user` is annual cost
    / daily respondents (NaN when nobody answered Daily or no cost is stated): the survey is a
    sample, so read it as a ratio between tools, not as a price per employee. `paid_for` is
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
        daily = (survey.get("frequency", pd.Series(index=survey.index)) == DAILY).fillna(False)
        not_sanctioned = survey.get("sanctioned", pd.Series(index=survey.index)) == False  # noqa: E712
        answers = pd.DataFrame(
            {
                "key": per_distinct(tool[answered], schema.normalize),
                "spelling": tool[answered].astype(str).str.strip().to_numpy(),
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


# --- over time ----------------------------------------------------------------------------


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
        months = _int_setting(portfolio.settings, "compare_months")
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


def _int_setting(settings: dict[str, object], key: str) -> int:
    """An integer setting, its schema default when blank or unreadable."""
    try:
        value = float(settings.get(key))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = math.nan
    if math.isnan(value):
        value = float(schema.SETTINGS_DEFAULTS[key])  # type: ignore[arg-type]
    return int(value)


# --- what did not last: watermelons, stalled and reverted, and the edges -----------------

# Mean length of a month in days (365.25 / 12), to say how long an initiative lived in months.
DAYS_PER_MONTH = 30.4375
# How the reasons of one initiative are joined into one table cell.
REASON_JOINER = "; "
GRASSROOTS = "Grassroots"


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

    >>> watermelon_summary(assessed)  # 6 green; 4 watermelons: $50k, $20k, $10k, blank
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

    `lived_days` runs from `started` to `last_activity` (the last sign of life: update,
    check-in or week with users); `lived_months` is the same in months of 30.4 days, one
    decimal. Largest annual cost first, blank costs last, then by start date.

    Columns: id, name, label, team, owner, origin, tool, verdict, started, last_activity,
    lived_days, lived_months, reverted_to, annual_cost, reason, evidence (what it rests on).

    >>> not_real(assessed).loc[0, ["id", "lived_days", "lived_months"]].tolist()  # doctest: +SKIP
    ['AI-013', 91, 3.0]
    """
    rows = assessed[assessed["verdict"].isin(schema.NOT_REAL).fillna(False).to_numpy(dtype=bool)]
    started = pd.to_datetime(rows["started"])
    last = pd.to_datetime(rows["last_activity"])
    lived = ((last - started) // pd.Timedelta(days=1)).astype("Int64")
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
    mask = (assessed["origin"] == GRASSROOTS) & (assessed["verdict"] == ADOPTED)
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


# --- pages: daily tools, trends, freshness ------------------------------------------------

NOT_ANSWERED = "Not answered"
UNKNOWN_DEPARTMENT = "Department not stated"
DEFAULT_TOP_INITIATIVES = 5
# How many distinct moves the now-vs-then sentence names before summing up the rest.
SENTENCE_MOVES = 3


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
        {"daily": counts[DAILY], "total": counts.sum(axis=1), "name": counts.index}
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
    frame = frame[frame["frequency"] == DAILY]
    grid = frame.groupby(["department", "tool"]).size().rename("daily").reset_index()
    grid["daily"] = grid["daily"].astype(np.int64)
    return grid.sort_values(
        ["daily", "department", "tool"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)


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
