"""The evidence engine: one verdict per initiative, with the reasons in words (DESIGN.md section 2).

`assess(portfolio)` returns one row per initiative, computed as of a date, and is the frame
every page and portfolio figure reads. The rules' numbers come from the Settings tab through
`portfolio.settings.thresholds`, falling back to `schema.SETTINGS_DEFAULTS`. The per-initiative
figures are computed in `portfolio.observations` and the reasons written in `portfolio.reasons`.

How the evidence is read (every interpretation is written down here, so pages can quote it):

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
- **Life ended** (`life_ended`, the end of a lifeline) is the day after the last week of
  real use, a week above `collapse_share_of_peak` of the peak (a trickle of one user a week
  after a collapse is not use), at most the day after `as_of`; without use, the last
  activity. So a spike of two weeks lived two weeks, however long a trickle followed it.
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

import numpy as np
import pandas as pd

from portfolio import schema
from portfolio.labels import initiative_labels
from portfolio.model import Portfolio
from portfolio.observations import (
    DAYS_PER_WEEK,
    EPSILON,
    ONE_DAY,
    column_or_blank,
    dates_of,
    latest_checkins,
    latest_of,
    spread_rows,
    usage_kinds,
    usage_stats,
)
from portfolio.reasons import (
    RULE_ADOPTED,
    RULE_FADED,
    RULE_NO_USAGE,
    RULE_PARTIAL,
    RULE_PILOT,
    RULE_REVERTED,
    RULE_STAGE,
    RULE_STALE,
    RULE_TRIED,
    RULE_ZERO_USAGE,
    Facts,
)
from portfolio.settings import thresholds

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
    "life_ended",
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
    started = dates_of(ini, "started")
    keep = (started.isna() | (started <= as_of)).to_numpy()
    ini = ini.loc[keep]
    shown, label = shown.to_numpy()[keep], label.to_numpy()[keep]
    started = started[keep]
    ids = pd.Index(column_or_blank(ini, "id", "string").astype("string"))
    n = len(ids)

    row_status = column_or_blank(ini, "reported_status", "string").astype("string")
    row_stage = column_or_blank(ini, "stage", "string").astype("string")
    last_update = dates_of(ini, "last_update")
    # A repeated id is an error on Sheet health, not a reason to stop: the rows that share
    # an id share its check-ins and usage. Evidence is computed once per distinct id.
    distinct = ids if ids.is_unique else pd.Index(ids.unique())
    spread = None if ids.is_unique else distinct.get_indexer(ids)
    checkin = spread_rows(latest_checkins(portfolio.checkins, distinct, as_of), spread)
    status = checkin["status"].fillna(pd.Series(row_status.to_numpy(), dtype="string"))
    stage = checkin["stage"].fillna(pd.Series(row_stage.to_numpy(), dtype="string"))
    use = spread_rows(usage_stats(portfolio.usage, distinct, as_of, t), spread)
    measured_by = spread_rows(usage_kinds(portfolio.usage, distinct, as_of), spread)
    evidence = np.select(
        [measured_by["telemetry"], measured_by["typed"], checkin["last"].notna().to_numpy()],
        [TELEMETRY, TYPED, CHECK_IN],
        default=NO_EVIDENCE,
    ).astype(object)

    # Evidence of life: start, honest update, check-in, a week with users.
    update_seen = last_update.where(last_update <= as_of).to_numpy()
    last_activity = latest_of(
        started.to_numpy(dtype="datetime64[ns]"),
        update_seen.astype("datetime64[ns]"),
        checkin["last"].dt.normalize().to_numpy(dtype="datetime64[ns]"),
        use["last_active_week"].astype("datetime64[ns]"),
    )
    # The end of its life so far: the end of its last week of real use, else (no use) its
    # last sign of life. One definition for every lifeline and "how long it lived".
    real_week = use["last_real_week"].astype("datetime64[ns]")
    week_end = np.minimum(
        real_week + np.timedelta64(DAYS_PER_WEEK, "D"), (as_of + ONE_DAY).to_datetime64()
    )
    life_ended = np.where(np.isnat(real_week), last_activity, week_end)
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
            "row_name": column_or_blank(ini, "name", "string").to_numpy(),
            "team": column_or_blank(ini, "team", "string").to_numpy(),
            "area": column_or_blank(ini, "area", "string").to_numpy(),
            "origin": column_or_blank(ini, "origin", "string").to_numpy(),
            "tool": column_or_blank(ini, "tool", "string").to_numpy(),
            "owner": column_or_blank(ini, "owner", "string").to_numpy(),
            "reported_status": status.to_numpy(),
            "stage": stage.to_numpy(),
            "row_status": row_status.to_numpy(),
            "row_stage": row_stage.to_numpy(),
            "started": started.to_numpy(dtype="datetime64[ns]"),
            "last_update": last_update.to_numpy(dtype="datetime64[ns]"),
            "last_checkin": checkin["last"].to_numpy(dtype="datetime64[ns]"),
            "last_activity": last_activity,
            "life_ended": life_ended,
            "days_since_activity": days_since,
            "annual_cost": column_or_blank(ini, "annual_cost", "float64").to_numpy(dtype=float),
            "seats": column_or_blank(ini, "seats", "Int64").astype("Int64").array,
            "target_users": column_or_blank(ini, "target_users", "Int64").astype("Int64").array,
            "claimed_hours_saved_per_week": column_or_blank(
                ini, "claimed_hours_saved_per_week", "float64"
            ).to_numpy(dtype=float),
            "reverted_to": column_or_blank(ini, "reverted_to", "string").to_numpy(),
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
    facts = Facts(as_of=as_of, t=t)
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
    out["_row"] = column_or_blank(ini, "_row", "Int64").astype("Int64").array
    return out.loc[:, list(COLUMNS)]


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
    >>> evidence_line(pd.DataFrame({"evidence": ["typed"]}))
    '1 verdict, not resting on telemetry'
    """
    telemetry, total = evidence_counts(assessed)[TELEMETRY], len(assessed)
    if total == 1:  # not "0 of 1 verdict rest on telemetry"; reads as well in the slide's list
        return f"1 verdict, {'resting' if telemetry else 'not resting'} on {TELEMETRY}"
    verb = "rests" if telemetry == 1 else "rest"
    return f"{telemetry:,} of {total:,} verdicts {verb} on {TELEMETRY}"
