"""The evidence engine: one verdict per initiative, with the reasons in words (DESIGN.md section 2).

`assess(portfolio)` returns one row per initiative, computed as of a date, and is the frame
every page and portfolio figure reads. The rules' numbers come from the Settings tab through
`portfolio.settings.thresholds`, falling back to `schema.SETTINGS_DEFAULTS`.

How the evidence is read (every interpretation lives here, so the pages can quote it):

- **As of.** Usage weeks after `as_of` and check-ins after the end of the `as_of` day are
  ignored, and initiatives that started after `as_of` are left out (a row with an unreadable
  start date stays in). A `last_update` after `as_of` is ignored too, so an earlier `as_of`
  gives the "then" picture. The row's own status and stage are today's: the sheet keeps no
  history of them, only the CheckIns log does.
- **Effective status and stage.** The latest check-in (up to `as_of`) that states a status
  overrides the row's status; the same, separately, for the stage. A check-in that leaves
  one of them blank means "no change". `row_status` / `row_stage` keep what the row says.
- **Weekly observations.** Usage rows of the same initiative and week are one observation:
  the largest `active_users` of them, the mean of their `measured_hours_saved`. Which rows
  count is settled at parse by `portfolio.usage_sources`: per telemetry source the latest
  row of a week wins, and a week with telemetry ignores the typed `active_users`. A row
  whose `active_users` is blank is counted in `usage_rows` but is no observation.
  Usage for ids that are not in Initiatives is ignored. A check-in's `active_users` is not
  usage evidence: the Usage tab is (a check-in still counts as a sign of life).
- **Peak** is the largest weekly `active_users` up to `as_of`; `peak_week` the first week
  it was reached. "Has use" means a peak above 0: an initiative whose usage rows all say 0
  is treated like one without usage (nobody has used it yet).
- **Recent mean** is the mean weekly `active_users` over the `recent_weeks` weeks ending at
  `as_of` (weeks dated in the `recent_weeks * 7` days up to and including `as_of`). For an
  initiative with usage, a week in that window with no row counts as 0 users: in a weekly
  log, a missing week means nobody reported use. So a single logged week of 10 users gives
  a recent mean of 2.5 (too early to call it sustained). Without usage it is NaN.
- `measured_hours_saved_per_week` is the mean of the weeks in the recent window that have a
  measurement (NaN when none has): a week nobody measured is not a week that saved nothing.
- **Last activity** is the latest of: the start date (a new row is a sign of life, so a
  brand-new initiative is not stale), `last_update`, the latest check-in, and the latest
  week with `active_users` > 0. **Stale** means more than `stale_after_days` days since then
  (exactly `stale_after_days` days is still fresh); no date at all is stale.
- **Real use**: at least `real_use_min_weeks` weeks at or above `adopted_share_of_peak` of
  a peak of at least `real_use_min_peak`. **Collapsed**: has use and the recent mean is at
  or below `collapse_share_of_peak` of the peak. **Sustained**: the recent mean is at least
  `adopted_share_of_peak` of the peak and at least `adopted_min_users`.
- **Never grew**: the peak stayed below `adopted_min_users` (or there is no usage at all).

Precedence, first match wins:

1. The effective stage says Reverted, Abandoned or Stalled: that verdict. These are honest
   statuses typed by the team, and the evidence can only agree with them.
2. Has use and collapsed: after real use -> `reverted`; otherwise -> `abandoned` (a spike
   of fewer than `real_use_min_weeks` weeks is "tried once"; a small use that never reached
   `real_use_min_peak` users and then stopped is abandoned too, a case the design leaves open).
3. Has use and sustained -> `adopted`.
4. Everything else (no usage, usage all at 0, or use between collapsed and sustained):
   stale -> `stalled`; else a Pilot older than `pilot_max_days` days (121 days stalls, 120
   does not) that never grew -> `stalled`; else `unproven` (alive, but not yet shown to work).

A **watermelon** is an initiative whose effective status is Green and whose verdict is in
`schema.NOT_REAL`; its first reason then starts with "Reported Green, but ...".

**Evidence strength** (`evidence`) says what a verdict rests on, the strongest first:

- `telemetry`: at least one counted usage row up to `as_of` (one with `active_users`) came
  from a tool, not a person: its `source` names telemetry (`usage_sources.is_telemetry`:
  imported with `cli.py import-usage`, or read from SQL through `[connections.usage]`).
- `typed`: it has counted usage up to `as_of`, all of it typed into the sheet (a blank
  `source`, or one that names no tool). A typed row of a week with telemetry does not count.
  A watermelon whose verdict reads the usage numbers (collapsed, tried once, a pilot that
  never grew) and rests on typed usage only says so at the end of its first reason.
- `check-in`: no usage, but at least one check-in up to the end of the `as_of` day.
- `none`: neither: the verdict rests on the row's own stage and dates.

>>> assessed = assess(portfolio)                                   # doctest: +SKIP
>>> assessed.loc["AI-014", ["verdict", "watermelon"]].tolist()  # doctest: +SKIP
['reverted', True]
>>> assessed.loc["AI-014", "reason"]  # doctest: +SKIP
'Reported Green, but weekly active users fell 88% from a peak of 41 (week of 2 Jun) to 5'
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio import schema, usage_sources
from portfolio.labels import initiative_labels
from portfolio.model import Portfolio
from portfolio.settings import Thresholds, thresholds

DAYS_PER_WEEK = 7
ONE_DAY = pd.Timedelta(days=1)
# Users are whole numbers and shares are decimals: this only absorbs float rounding in
# `share * peak`, so that exactly 50% or exactly 20% of a peak lands on the inclusive side.
EPSILON = 1e-9
PERCENT = 100
# Below this, a mean of users is shown with one decimal ("2.5"); above, as a whole number.
DECIMALS_BELOW = 10

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
GREEN = schema.Status.GREEN
PILOT = schema.Stage.PILOT
# Stages that already say how it ended; they win over the usage evidence.
STAGE_VERDICTS = {
    schema.Stage.REVERTED: schema.Verdict.REVERTED,
    schema.Stage.ABANDONED: schema.Verdict.ABANDONED,
    schema.Stage.STALLED: schema.Verdict.STALLED,
}

# The contract the pages code against: column order of `assess()`.
COLUMNS = (
    "id",
    "name",  # the name to show: the row's, else its id, else "row 7" (portfolio.labels)
    "label",  # the name told apart from others of the same name, for charts and pickers
    "row_name",  # what the row says (missing when blank)
    "team",
    "area",
    "origin",
    "tool",
    "owner",
    "reported_status",
    "stage",
    "row_status",
    "row_stage",
    "started",
    "last_update",
    "last_checkin",
    "last_activity",
    "days_since_activity",
    "annual_cost",
    "seats",
    "target_users",
    "claimed_hours_saved_per_week",
    "reverted_to",
    "peak_users",
    "peak_week",
    "recent_mean",
    "latest_users",
    "weeks_with_usage",
    "measured_hours_saved_per_week",
    "usage_rows",
    "verdict",
    "watermelon",
    "evidence",
    "reasons",
    "reason",
    "_row",  # the sheet row of the initiative: a unique key even where ids repeat
)

# Which rule decided a verdict; the reason builders are keyed on it.
RULE_STAGE = "stage"
RULE_REVERTED = "collapsed after real use"
RULE_TRIED = "tried once"
RULE_FADED = "small use that stopped"
RULE_ADOPTED = "sustained"
RULE_STALE = "stale"
RULE_PILOT = "pilot that never grew"
RULE_NO_USAGE = "no usage yet"
RULE_ZERO_USAGE = "usage all at zero"
RULE_PARTIAL = "not yet sustained"

# What a verdict rests on (`evidence`), strongest first; the rule is in the docstring.
TELEMETRY = "telemetry"
TYPED = "typed"
CHECK_IN = "check-in"
NO_EVIDENCE = "none"
EVIDENCE = (TELEMETRY, TYPED, CHECK_IN, NO_EVIDENCE)
TYPED_ONLY = "; usage typed into the sheet, not measured by a tool"


def assess(portfolio: Portfolio, *, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per initiative (index: id) with its evidence, verdict and reasons as of a date.

    `as_of` defaults to `portfolio.as_of`. The columns are `COLUMNS`; the rules are in this
    module's docstring. The index holds the ids, unnamed (an index level named "id" beside
    the `id` column would make `groupby("id")` ambiguous).

    Initiatives row `AI-014, Green, Rollout` with Usage of 41 weekly users in June and 5 a
    week over the last four weeks:

    >>> row = assess(portfolio, as_of=pd.Timestamp("2025-11-03")).loc["AI-014"]  # doctest: +SKIP
    >>> row.verdict, row.watermelon, row.peak_users, row.recent_mean  # doctest: +SKIP
    ('reverted', True, 41.0, 5.0)
    """
    as_of = (portfolio.as_of if as_of is None else pd.Timestamp(as_of)).normalize()
    t = thresholds(portfolio.settings)

    ini = portfolio.initiatives
    # Names to show, computed on every row so they do not change with the as-of date.
    shown, label = initiative_labels(ini)
    started = _dates(ini, "started")
    keep = (started.isna() | (started <= as_of)).to_numpy()
    ini = ini.loc[keep]
    shown, label = shown.to_numpy()[keep], label.to_numpy()[keep]
    started = started[keep]
    ids = pd.Index(_column(ini, "id", "string").astype("string"))
    n = len(ids)

    row_status = _column(ini, "reported_status", "string").astype("string")
    row_stage = _column(ini, "stage", "string").astype("string")
    last_update = _dates(ini, "last_update")
    # A repeated id is an error on Sheet health, not a reason to stop: the rows that share
    # an id share its check-ins and usage. Evidence is computed once per distinct id.
    distinct = ids if ids.is_unique else pd.Index(ids.unique())
    spread = None if ids.is_unique else distinct.get_indexer(ids)
    checkin = _spread(_latest_checkins(portfolio.checkins, distinct, as_of), spread)
    status = checkin["status"].fillna(pd.Series(row_status.to_numpy(), dtype="string"))
    stage = checkin["stage"].fillna(pd.Series(row_stage.to_numpy(), dtype="string"))
    use = _spread(_usage_stats(portfolio.usage, distinct, as_of, t), spread)
    measured_by = _spread(_usage_sources(portfolio.usage, distinct, as_of), spread)
    evidence = np.select(
        [measured_by["telemetry"], measured_by["typed"], checkin["last"].notna().to_numpy()],
        [TELEMETRY, TYPED, CHECK_IN],
        default=NO_EVIDENCE,
    ).astype(object)

    # Evidence of life: start, honest update, check-in, a week with users.
    update_seen = last_update.where(last_update <= as_of).to_numpy()
    last_activity = _max_dates(
        started.to_numpy(dtype="datetime64[ns]"),
        update_seen.astype("datetime64[ns]"),
        checkin["last"].dt.normalize().to_numpy(dtype="datetime64[ns]"),
        use["last_active_week"].astype("datetime64[ns]"),
    )
    never = np.isnat(last_activity)  # no date of any kind on the row
    known = np.where(never, as_of.to_datetime64(), last_activity)
    days = (as_of.to_datetime64() - known) // np.timedelta64(1, "D")
    days_since = pd.array(days, dtype="Int64")
    days_since[never] = pd.NA
    age_days = ((as_of - started) // ONE_DAY).to_numpy(dtype=float, na_value=np.nan)

    peak = use["peak"]
    recent = use["recent_mean"]
    high = use["high_weeks"]
    stage_arr = stage.to_numpy(dtype=object, na_value=None)
    with np.errstate(invalid="ignore"):
        has_use = peak > 0
        collapsed = has_use & (recent <= t.collapse_share_of_peak * peak + EPSILON)
        real_use = (
            has_use & (peak >= t.real_use_min_peak - EPSILON) & (high >= t.real_use_min_weeks)
        )
        sustained = (
            has_use
            & (recent >= t.adopted_share_of_peak * peak - EPSILON)
            & (recent >= t.adopted_min_users - EPSILON)
        )
        stale = np.isnat(last_activity) | (days > t.stale_after_days)
        never_grew = ~(peak >= t.adopted_min_users - EPSILON)
        old_pilot = (stage_arr == PILOT) & (age_days > t.pilot_max_days) & never_grew
    stage_verdict = np.array([STAGE_VERDICTS.get(s) for s in stage_arr], dtype=object)
    by_stage = stage_verdict != None  # noqa: E711 (element-wise on an object array)
    short_spike = high < t.real_use_min_weeks
    zero_usage = (use["observed_weeks"] > 0) & ~has_use

    conditions = [
        by_stage,
        collapsed & real_use,
        collapsed & short_spike,
        collapsed,
        sustained,
        stale,
        old_pilot,
        zero_usage,
        has_use,
    ]
    rules = [
        RULE_STAGE,
        RULE_REVERTED,
        RULE_TRIED,
        RULE_FADED,
        RULE_ADOPTED,
        RULE_STALE,
        RULE_PILOT,
        RULE_ZERO_USAGE,
        RULE_PARTIAL,
    ]
    rule = np.select(conditions, rules, default=RULE_NO_USAGE) if n else np.array([], dtype=object)
    verdict_of_rule = {
        RULE_REVERTED: schema.Verdict.REVERTED,
        RULE_TRIED: schema.Verdict.ABANDONED,
        RULE_FADED: schema.Verdict.ABANDONED,
        RULE_ADOPTED: schema.Verdict.ADOPTED,
        RULE_STALE: schema.Verdict.STALLED,
        RULE_PILOT: schema.Verdict.STALLED,
        RULE_NO_USAGE: schema.Verdict.UNPROVEN,
        RULE_ZERO_USAGE: schema.Verdict.UNPROVEN,
        RULE_PARTIAL: schema.Verdict.UNPROVEN,
    }
    verdict = np.array(
        [
            sv if r == RULE_STAGE else verdict_of_rule[r]
            for r, sv in zip(rule, stage_verdict, strict=True)
        ],
        dtype=object,
    )
    status_arr = status.to_numpy(dtype=object, na_value=None)
    watermelon = (status_arr == GREEN) & np.isin(verdict, schema.NOT_REAL)

    out = pd.DataFrame(
        {
            "id": ids.to_numpy(),
            "name": shown,
            "label": label,
            "row_name": _column(ini, "name", "string").to_numpy(),
            "team": _column(ini, "team", "string").to_numpy(),
            "area": _column(ini, "area", "string").to_numpy(),
            "origin": _column(ini, "origin", "string").to_numpy(),
            "tool": _column(ini, "tool", "string").to_numpy(),
            "owner": _column(ini, "owner", "string").to_numpy(),
            "reported_status": status.to_numpy(),
            "stage": stage.to_numpy(),
            "row_status": row_status.to_numpy(),
            "row_stage": row_stage.to_numpy(),
            "started": started.to_numpy(dtype="datetime64[ns]"),
            "last_update": last_update.to_numpy(dtype="datetime64[ns]"),
            "last_checkin": checkin["last"].to_numpy(dtype="datetime64[ns]"),
            "last_activity": last_activity,
            "days_since_activity": days_since,
            "annual_cost": _column(ini, "annual_cost", "float64").to_numpy(dtype=float),
            "seats": _column(ini, "seats", "Int64").astype("Int64").array,
            "target_users": _column(ini, "target_users", "Int64").astype("Int64").array,
            "claimed_hours_saved_per_week": _column(
                ini, "claimed_hours_saved_per_week", "float64"
            ).to_numpy(dtype=float),
            "reverted_to": _column(ini, "reverted_to", "string").to_numpy(),
            "peak_users": peak,
            "peak_week": use["peak_week"].astype("datetime64[ns]"),
            "recent_mean": recent,
            "latest_users": use["latest_users"],
            "weeks_with_usage": use["weeks_with_usage"],
            "measured_hours_saved_per_week": use["measured"],
            "usage_rows": use["rows"],
            "verdict": verdict,
            "watermelon": watermelon.astype(bool),
            "evidence": evidence,
        },
        # The index holds the ids but stays unnamed: a level also named "id" would make
        # groupby("id") and merge(on="id") ambiguous.
        index=pd.Index(ids.to_numpy()),
    )
    text_columns = (
        "id",
        "name",
        "label",
        "row_name",
        "team",
        "area",
        "origin",
        "tool",
        "owner",
        "reverted_to",
    )
    for col in (
        *text_columns,
        "reported_status",
        "stage",
        "row_status",
        "row_stage",
        "verdict",
        "evidence",
    ):
        out[col] = out[col].astype("string")

    # Plain Python values: formatting numpy scalars one by one costs several times more.
    facts = _Facts(as_of=as_of, t=t)
    reasons = [
        facts.reasons(*row)
        for row in zip(
            rule.tolist(),
            stage_arr.tolist(),
            status_arr.tolist(),
            out["reverted_to"].to_numpy(dtype=object, na_value=None).tolist(),
            peak.tolist(),
            out["peak_week"].tolist(),
            recent.tolist(),
            high.tolist(),
            use["observed_weeks"].tolist(),
            pd.Series(use["last_logged_week"]).tolist(),
            days_since.to_numpy(dtype=float, na_value=np.nan).tolist(),
            age_days.tolist(),
            watermelon.tolist(),
            strict=True,
        )
    ]
    # Only the rules that read the numbers: a stage or a silence is not a typed number.
    on_numbers = np.isin(rule, (RULE_REVERTED, RULE_TRIED, RULE_FADED, RULE_PILOT))
    for i in np.flatnonzero(watermelon & on_numbers & (evidence == TYPED)):
        reasons[i][0] += TYPED_ONLY
    out["reasons"] = pd.Series(reasons, index=out.index, dtype=object)
    out["reason"] = pd.Series([r[0] for r in reasons], index=out.index, dtype="string")
    out["_row"] = _column(ini, "_row", "Int64").astype("Int64").array
    return out.loc[:, list(COLUMNS)]


# --- inputs -----------------------------------------------------------------------------


def _column(frame: pd.DataFrame, name: str, dtype: str) -> pd.Series:
    """A column of `frame`, or an all-missing one of `dtype` when the sheet lacks it."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(pd.array([None] * len(frame), dtype=dtype), index=frame.index)


def _dates(frame: pd.DataFrame, name: str) -> pd.Series:
    """A date column as naive datetime64, whatever resolution or time zone it came in."""
    values = pd.to_datetime(_column(frame, name, "datetime64[ns]"), errors="coerce")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.astype("datetime64[ns]")


def _max_dates(*columns: np.ndarray) -> np.ndarray:
    """Element-wise latest of datetime64 arrays, NaT where all are NaT."""
    stacked = np.stack([c.astype("datetime64[ns]").astype("int64") for c in columns])
    nat = np.iinfo(np.int64).min  # how NaT is stored; it is also the smallest int64
    latest = stacked.max(axis=0) if stacked.size else np.array([], dtype=np.int64)
    result = latest.astype("datetime64[ns]")
    result[latest == nat] = np.datetime64("NaT")
    return result


def _positions(ids: pd.Index, values: pd.Series) -> np.ndarray:
    """Position in `ids` of each value, -1 where absent: `ids.get_indexer(values)`, faster.

    Half a million usage rows name ten thousand initiatives, so each distinct value is looked
    up once (a missing id is a value too, as get_indexer treats it) and spread back by code.
    """
    codes, distinct = pd.factorize(values.astype("string"), use_na_sentinel=False)
    return ids.get_indexer(distinct)[codes]


def _spread(per_id: dict, positions: np.ndarray | None) -> dict:
    """Arrays aligned to the distinct ids, repeated onto the rows (`positions` per row)."""
    if positions is None:
        return per_id
    return {
        key: value.iloc[positions].reset_index(drop=True)
        if isinstance(value, pd.Series)
        else value[positions]
        for key, value in per_id.items()
    }


def _latest_checkins(checkins: pd.DataFrame, ids: pd.Index, as_of: pd.Timestamp) -> dict:
    """Per initiative (aligned to `ids`): latest check-in time, and latest stated status/stage."""
    n = len(ids)
    out = {
        "last": pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")),
        "status": pd.Series(pd.array([None] * n, dtype="string")),
        "stage": pd.Series(pd.array([None] * n, dtype="string")),
    }
    if checkins is None or checkins.empty or "initiative_id" not in checkins.columns:
        return out
    stamp = _dates(checkins, "timestamp")
    code = _positions(ids, checkins["initiative_id"])
    mask = (code >= 0) & stamp.notna().to_numpy() & (stamp < as_of + ONE_DAY).to_numpy()
    if not mask.any():
        return out
    ck = pd.DataFrame(
        {
            "code": code[mask],
            "stamp": stamp.to_numpy()[mask],
            "status": _column(checkins, "reported_status", "string").astype("string")[mask].array,
            "stage": _column(checkins, "stage", "string").astype("string")[mask].array,
        }
    ).sort_values("stamp", kind="stable")
    last = ck.groupby("code")["stamp"].max()
    out["last"].iloc[last.index.to_numpy()] = last.to_numpy()
    for col in ("status", "stage"):
        stated = ck.dropna(subset=[col]).drop_duplicates("code", keep="last")
        out[col].iloc[stated["code"].to_numpy()] = stated[col].to_numpy()
    return out


def _usage_sources(usage: pd.DataFrame, ids: pd.Index, as_of: pd.Timestamp) -> dict:
    """Per initiative (aligned to `ids`): whether its counted usage up to `as_of` holds a row
    from a tool (`telemetry`, `usage_sources.is_telemetry`) and a row typed by hand (`typed`).
    Rows that do not count (`usage_sources.resolve` blanked their users) are neither."""
    n = len(ids)
    out = {"telemetry": np.zeros(n, dtype=bool), "typed": np.zeros(n, dtype=bool)}
    if usage is None or usage.empty or "initiative_id" not in usage.columns or n == 0:
        return out
    week = _dates(usage, "week").to_numpy()
    code = _positions(ids, usage["initiative_id"])
    users = _column(usage, "active_users", "Int64").notna().to_numpy()
    counted = (code >= 0) & ~np.isnat(week) & (week <= as_of.to_datetime64()) & users
    sourced = usage_sources.is_telemetry(_column(usage, usage_sources.SOURCE, "string"))
    out["telemetry"] = np.bincount(code[counted & sourced], minlength=n) > 0
    out["typed"] = np.bincount(code[counted & ~sourced], minlength=n) > 0
    return out


def evidence_counts(assessed: pd.DataFrame) -> dict[str, int]:
    """How many verdicts rest on each kind of evidence, every kind present (0 when none).

    >>> evidence_counts(pd.DataFrame({"evidence": ["telemetry", "typed", "telemetry"]}))
    {'telemetry': 2, 'typed': 1, 'check-in': 0, 'none': 0}
    """
    counts = assessed["evidence"].value_counts() if "evidence" in assessed else pd.Series()
    return {kind: int(counts.get(kind, 0)) for kind in EVIDENCE}


def evidence_line(assessed: pd.DataFrame) -> str:
    """The figure of Overview and the slide: "9 of 12 verdicts rest on telemetry".

    >>> evidence_line(pd.DataFrame({"evidence": ["telemetry", "typed", "none"]}))
    '1 of 3 verdicts rests on telemetry'
    """
    telemetry, total = evidence_counts(assessed)[TELEMETRY], len(assessed)
    noun = "verdict" if total == 1 else "verdicts"
    verb = "rests" if telemetry == 1 else "rest"
    return f"{telemetry:,} of {total:,} {noun} {verb} on {TELEMETRY}"


def _usage_stats(
    usage: pd.DataFrame, ids: pd.Index, as_of: pd.Timestamp, t: Thresholds
) -> dict[str, np.ndarray]:
    """The usage numbers per initiative (arrays aligned to `ids`), from one pass of groupbys."""
    n = len(ids)
    nan = np.full(n, np.nan)
    stats: dict[str, np.ndarray] = {
        "peak": nan.copy(),
        "peak_week": np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"),
        "recent_mean": nan.copy(),
        "latest_users": nan.copy(),
        "weeks_with_usage": np.zeros(n, dtype=np.int64),
        "observed_weeks": np.zeros(n, dtype=np.int64),
        "high_weeks": np.zeros(n, dtype=np.int64),
        "measured": nan.copy(),
        "rows": np.zeros(n, dtype=np.int64),
        "last_active_week": np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"),
        "last_logged_week": np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"),
    }
    if usage is None or usage.empty or "initiative_id" not in usage.columns or n == 0:
        return stats
    week = _dates(usage, "week").to_numpy()
    code = _positions(ids, usage["initiative_id"])
    mask = (code >= 0) & ~np.isnat(week) & (week <= as_of.to_datetime64())
    if not mask.any():
        return stats
    users = _column(usage, "active_users", "Int64").to_numpy(dtype=float, na_value=np.nan)
    measured = _column(usage, "measured_hours_saved", "float64").to_numpy(
        dtype=float, na_value=np.nan
    )
    code, week, users, measured = code[mask], week[mask], users[mask], measured[mask]
    stats["rows"] = np.bincount(code, minlength=n)

    if np.isnan(users).all():
        return stats
    # One observation per initiative and week, sorted by (code, week). Plain numpy: a
    # two-key groupby costs several times more on half a million rows.
    week = week.astype("datetime64[ns]")
    order = np.lexsort((week, code))
    code, week, users, measured = code[order], week[order], users[order], measured[order]
    first = np.ones(len(code), dtype=bool)
    first[1:] = (code[1:] != code[:-1]) | (week[1:] != week[:-1])
    starts = np.flatnonzero(first)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN weeks stay NaN, as meant
        week_users = np.fmax.reduceat(users, starts)
        has_measure = ~np.isnan(measured)
        week_measured = np.add.reduceat(np.where(has_measure, measured, 0.0), starts) / (
            np.add.reduceat(has_measure.astype(float), starts)
        )
    weekly = pd.DataFrame(
        {"code": code[starts], "week": week[starts], "users": week_users, "measured": week_measured}
    )
    weekly = weekly[weekly["users"].notna()]
    wcode = weekly["code"].to_numpy()
    wweek = weekly["week"].to_numpy(dtype="datetime64[ns]")
    wusers = weekly["users"].to_numpy()
    if len(wcode) == 0:
        return stats
    code_starts = np.flatnonzero(np.r_[True, wcode[1:] != wcode[:-1]])
    stats["peak"][wcode[code_starts]] = np.maximum.reduceat(wusers, code_starts)
    peak_row = stats["peak"][wcode]
    observed = np.bincount(wcode, minlength=n)
    stats["observed_weeks"] = observed
    stats["weeks_with_usage"] = np.bincount(wcode, weights=wusers > 0, minlength=n).astype(int)
    high = (wusers >= t.adopted_share_of_peak * peak_row - EPSILON) & (peak_row > 0)
    stats["high_weeks"] = np.bincount(wcode, weights=high, minlength=n).astype(int)

    # Rows are sorted by week within each code, so the first peak row is the first peak week.
    at_peak = weekly[wusers == peak_row].drop_duplicates("code", keep="first")
    stats["peak_week"][at_peak["code"].to_numpy()] = at_peak["week"].to_numpy()
    latest = weekly.drop_duplicates("code", keep="last")
    stats["latest_users"][latest["code"].to_numpy()] = latest["users"].to_numpy()
    stats["last_logged_week"][latest["code"].to_numpy()] = latest["week"].to_numpy()
    active = weekly[wusers > 0].drop_duplicates("code", keep="last")
    stats["last_active_week"][active["code"].to_numpy()] = active["week"].to_numpy()

    window_start = (as_of - pd.Timedelta(days=DAYS_PER_WEEK * t.recent_weeks)).to_datetime64()
    in_window = wweek > window_start
    recent_sum = np.bincount(wcode, weights=np.where(in_window, wusers, 0.0), minlength=n)
    stats["recent_mean"] = np.where(observed > 0, recent_sum / t.recent_weeks, np.nan)
    wmeasured = weekly["measured"].to_numpy()
    has_measure = in_window & ~np.isnan(wmeasured)
    measured_sum = np.bincount(wcode, weights=np.where(has_measure, wmeasured, 0.0), minlength=n)
    measured_n = np.bincount(wcode, weights=has_measure, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        stats["measured"] = np.where(measured_n > 0, measured_sum / measured_n, np.nan)
    return stats


# --- reasons ----------------------------------------------------------------------------


def format_number(value: float) -> str:
    """Users and counts for people: thousands separators, one decimal only for small means.

    >>> format_number(1234), format_number(2.5), format_number(12.25), format_number(5.0)
    ('1,234', '2.5', '12', '5')
    """
    if abs(value - round(value)) < EPSILON or abs(value) >= DECIMALS_BELOW:
        return f"{round(value):,}"
    return f"{value:.1f}"


def format_date(value: object, *, as_of: pd.Timestamp) -> str:
    """A date as "2 Jun", or "2 Jun 2025" when it is not in the year of `as_of`.

    >>> format_date(pd.Timestamp("2025-06-02"), as_of=pd.Timestamp("2025-11-03"))
    '2 Jun'
    >>> format_date(pd.Timestamp("2024-12-30"), as_of=pd.Timestamp("2025-11-03"))
    '30 Dec 2024'
    """
    ts = value if isinstance(value, pd.Timestamp) else pd.Timestamp(value)
    text = f"{ts.day} {MONTHS[ts.month - 1]}"  # strftime is locale-bound and slow per call
    return text if ts.year == as_of.year else f"{text} {ts.year}"


def _plural(count: float, word: str) -> str:
    return f"{format_number(count)} {word}{'' if round(count) == 1 else 's'}"


def _ago(days: float) -> str:
    # "updated" covers a check-in and a new row too: any of them is a team saying it is alive
    if days == 0:
        return "today"
    return f"{_plural(days, 'day')} ago"


@dataclass(frozen=True)
class _Facts:
    """Builds the reasons of one initiative from its numbers; one method per rule."""

    as_of: pd.Timestamp
    t: Thresholds

    def reasons(
        self,
        rule: str,
        stage: str | None,
        status: str | None,
        reverted_to: str | None,
        peak: float,
        peak_week: pd.Timestamp,
        recent: float,
        high: int,
        observed: int,
        last_logged: pd.Timestamp,
        days: float,
        age: float,
        watermelon: bool,
    ) -> list[str]:
        build: Callable[..., list[str]] = self._builders[rule]
        found = build(self, stage, reverted_to, peak, peak_week, recent, high, observed, days, age)
        if peak > 0 and rule in (RULE_REVERTED, RULE_TRIED, RULE_FADED):
            last_logged_ts = pd.Timestamp(last_logged)
            window_start = self.as_of - pd.Timedelta(days=DAYS_PER_WEEK * self.t.recent_weeks)
            if last_logged_ts <= window_start:
                since = format_date(last_logged_ts, as_of=self.as_of)
                found.append(f"No usage logged since the week of {since}")
        if watermelon:
            first = found[0]
            found[0] = f"Reported {GREEN}, but {first[:1].lower()}{first[1:]}"
        return found

    # Each builder takes the same arguments so `reasons` can dispatch without branching.
    def _stage(self, stage, reverted_to, peak, peak_week, recent, *_rest) -> list[str]:
        first = f"Stage says {stage}"
        if reverted_to and stage in (schema.Stage.REVERTED, schema.Stage.ABANDONED):
            first += f"; people went back to {reverted_to}"
        found = [first]
        if peak > 0:
            found.append(self._usage_summary(peak, peak_week, recent))
        return found

    def _reverted(self, stage, reverted_to, peak, peak_week, recent, high, *_rest) -> list[str]:
        fall = round(PERCENT * (1 - recent / peak))
        found = [
            f"Weekly active users fell {fall}% from a peak of {format_number(peak)} "
            f"(week of {format_date(peak_week, as_of=self.as_of)}) to {format_number(recent)}",
            f"It had real use: {_plural(high, 'week')} at "
            f"{round(PERCENT * self.t.adopted_share_of_peak)}% of the peak or more",
        ]
        if reverted_to:
            found.append(f"People went back to {reverted_to}")
        return found

    def _tried(self, stage, reverted_to, peak, peak_week, recent, high, *_rest) -> list[str]:
        return [
            f"Tried once: {_plural(high, 'week')} at up to {format_number(peak)} users, "
            f"then {format_number(recent)}"
        ]

    def _faded(self, stage, reverted_to, peak, peak_week, recent, high, observed, *_rest):
        return [
            f"Never grew past {format_number(peak)} weekly users in "
            f"{_plural(observed, 'logged week')}, then {format_number(recent)} "
            f"a week over the last {_plural(self.t.recent_weeks, 'week')}"
        ]

    def _adopted(self, stage, reverted_to, peak, peak_week, recent, *_rest) -> list[str]:
        return [
            f"Used by {format_number(recent)} people a week on average over the last "
            f"{_plural(self.t.recent_weeks, 'week')} (peak {format_number(peak)})"
        ]

    def _stale(self, stage, reverted_to, peak, peak_week, recent, high, observed, days, age):
        if math.isnan(days):
            found = ["No start date, update, check-in or usage on record"]
        else:
            found = [f"No update, check-in or usage for {_plural(days, 'day')}"]
        if peak > 0:
            found.append(self._usage_summary(peak, peak_week, recent))
        return found

    def _pilot(self, stage, reverted_to, peak, peak_week, recent, high, observed, days, age):
        if peak > 0:
            return [
                f"A {PILOT} for {_plural(age, 'day')} that never grew past "
                f"{format_number(peak)} weekly users"
            ]
        return [f"A {PILOT} for {_plural(age, 'day')} with no weekly users logged"]

    def _no_usage(self, stage, reverted_to, peak, peak_week, recent, high, observed, days, age):
        return [f"No usage logged yet; last updated {_ago(days)}"]

    def _zero(self, stage, reverted_to, peak, peak_week, recent, high, observed, days, age):
        return [
            f"Usage logged for {_plural(observed, 'week')}, all at 0 users; "
            f"last updated {_ago(days)}"
        ]

    def _partial(self, stage, reverted_to, peak, peak_week, recent, *_rest) -> list[str]:
        share = round(PERCENT * recent / peak)
        first = (
            f"Not yet sustained: {format_number(recent)} weekly users on average over the last "
            f"{_plural(self.t.recent_weeks, 'week')}, {share}% of the peak of "
            f"{format_number(peak)} (week of {format_date(peak_week, as_of=self.as_of)})"
        )
        if recent >= self.t.adopted_share_of_peak * peak - EPSILON:
            first += f"; adopted needs {format_number(self.t.adopted_min_users)} or more"
        return [first]

    def _usage_summary(self, peak: float, peak_week: pd.Timestamp, recent: float) -> str:
        return (
            f"Peak of {format_number(peak)} weekly users "
            f"(week of {format_date(peak_week, as_of=self.as_of)}); "
            f"{format_number(recent)} a week on average over the last "
            f"{_plural(self.t.recent_weeks, 'week')}"
        )

    _builders = {  # noqa: RUF012 (a fixed dispatch table, not per-instance state)
        RULE_STAGE: _stage,
        RULE_REVERTED: _reverted,
        RULE_TRIED: _tried,
        RULE_FADED: _faded,
        RULE_ADOPTED: _adopted,
        RULE_STALE: _stale,
        RULE_PILOT: _pilot,
        RULE_NO_USAGE: _no_usage,
        RULE_ZERO_USAGE: _zero,
        RULE_PARTIAL: _partial,
    }
