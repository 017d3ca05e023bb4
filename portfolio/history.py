"""StatusHistory read back: what the deck said in a given week, and each initiative's weeks.

`cli.py history record` appends one row per initiative per week (DESIGN.md section 1):
the facts of that week — reported status, stage, recent users — and, for comparison, the
verdict it computed then. Store the facts, compute at read: `as_recorded` puts a week's
recorded status and stage back into the portfolio, so `evidence.assess` recomputes that
week's verdicts with today's thresholds and a threshold change never silently rewrites
the past; the recorded verdict stays beside it for comparison.

Reading follows the parser's rules (portfolio.parse reports each by cell): a week that is not
a Monday counts as its Monday; a second row for the same initiative and week is a repeat and
the first counts; rows without a readable week or id are skipped.

>>> history_at(portfolio.history, pd.Timestamp("2026-03-11")).loc["AI-1", "reported_status"]
... # doctest: +SKIP
'Green'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio import schema
from portfolio.model import Portfolio
from portfolio.reasons import format_date, format_number

TABLE = schema.TABLES[schema.STATUS_HISTORY]
COLUMNS: tuple[str, ...] = tuple(c.name for c in TABLE.columns)
DAYS_PER_WEEK = 7
# Facts that are put back into the portfolio for a recorded week (the verdict is recomputed).
RECORDED_FACTS = ("reported_status", "stage")
NO_STATUS = "No status"  # a recorded week whose row had no status (as ui.theme names it)
# A sentence names the initiatives it is about up to this many; past it, it counts them.
LISTED_IDS = 8


def monday(day: object) -> pd.Timestamp:
    """The Monday of the week `day` falls in (midnight).

    >>> monday("2026-03-11")
    Timestamp('2026-03-09 00:00:00')
    """
    stamp = pd.Timestamp(day).normalize()
    return stamp - pd.Timedelta(days=stamp.dayofweek)


def mondays(days: pd.Series) -> pd.Series:
    """`monday` of every date in a column (NaT stays NaT)."""
    days = pd.to_datetime(days, errors="coerce").dt.normalize()
    return days - pd.to_timedelta(days.dt.dayofweek, unit="D")


def readable(history: pd.DataFrame | None) -> pd.DataFrame:
    """The rows that count: a readable week (as its Monday) and id, the first row of each
    (week, initiative_id) pair, in week order. Columns: COLUMNS plus `_row` when present."""
    if history is None or history.empty or not {"week", "initiative_id"} <= set(history):
        return _empty()
    frame = history.assign(week=mondays(history["week"]))
    frame = frame[frame["week"].notna().to_numpy() & frame["initiative_id"].notna().to_numpy()]
    frame = frame.drop_duplicates(list(schema.HISTORY_KEY), keep="first")
    for column in COLUMNS:
        if column not in frame:
            frame = frame.assign(**{column: _empty()[column]})
    keep = [*COLUMNS, *(["_row"] if "_row" in frame else [])]
    return frame.loc[:, keep].sort_values("week", kind="stable").reset_index(drop=True)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "week": pd.Series(dtype="datetime64[ns]"),
            "initiative_id": pd.Series(dtype="string"),
            "reported_status": pd.Series(dtype="string"),
            "stage": pd.Series(dtype="string"),
            "verdict": pd.Series(dtype="string"),
            "evidence": pd.Series(dtype="string"),
            "recent_users": pd.Series(dtype="float64"),
            "recorded_at": pd.Series(dtype="datetime64[ns]"),
            "derived": pd.Series(dtype="boolean"),
        }
    )


def recorded_weeks(history: pd.DataFrame | None) -> list[pd.Timestamp]:
    """The Mondays that have at least one row, oldest first."""
    weeks = readable(history)["week"].drop_duplicates()
    return [pd.Timestamp(w) for w in weeks]


def last_recorded_week(
    history: pd.DataFrame | None, *, before: object | None = None
) -> pd.Timestamp | None:
    """The latest recorded Monday strictly before the week of `before` (any week when None).

    >>> last_recorded_week(portfolio.history, before="2026-03-11")  # doctest: +SKIP
    Timestamp('2026-03-02 00:00:00')
    """
    weeks = recorded_weeks(history)
    if before is not None:
        limit = monday(before)
        weeks = [w for w in weeks if w < limit]
    return weeks[-1] if weeks else None


def history_at(history: pd.DataFrame | None, week: object) -> pd.DataFrame:
    """What was recorded in the week that contains `week`: one row per initiative, indexed by
    initiative_id (unnamed, like `assess`). Empty when that week has no record.

    Columns: COLUMNS (week is the Monday; derived says a row was backfilled from CheckIns).
    """
    frame = readable(history)
    frame = frame[(frame["week"] == monday(week)).to_numpy()]
    return frame.set_index(pd.Index(frame["initiative_id"].to_numpy())).loc[:, list(COLUMNS)]


@dataclass(frozen=True)
class Recorded:
    """A portfolio as it was recorded in one week, ready for `assess` at that date.

    `ids`: the initiatives with a record that week (their status and stage are the
    recorded ones); `rows`: what was recorded (history_at), with the verdict of the time.
    """

    portfolio: Portfolio
    week: pd.Timestamp
    ids: frozenset[str]
    rows: pd.DataFrame


def as_recorded(portfolio: Portfolio, week: object) -> Recorded:
    """The portfolio with each recorded initiative's status and stage as recorded in `week`.

    Check-ins of those initiatives keep their dates (a sign of life) but lose their status
    and stage: the recorded row already is the effect of every check-in up to that week.
    Initiatives without a record keep today's row, as the evidence reads it without history.
    """
    rows = history_at(portfolio.history, week)
    ids = frozenset(str(i) for i in rows.index)
    if not ids:
        return Recorded(portfolio, monday(week), ids, rows)
    initiatives = portfolio.initiatives.copy()
    at = initiatives["id"].astype("string").map(dict.fromkeys(ids, True)).fillna(False)
    hit = at.to_numpy(dtype=bool)
    first = ~rows.index.duplicated()
    for column in RECORDED_FACTS:
        recorded = pd.Series(rows[column].to_numpy()[first], index=rows.index[first])
        values = initiatives[column].astype("string") if column in initiatives else None
        if values is None:
            values = pd.Series(pd.array([None] * len(initiatives), dtype="string"))
        picked = initiatives["id"].astype("string").map(recorded).astype("string")
        initiatives[column] = values.where(~hit, picked).astype("string")
    checkins = portfolio.checkins
    if checkins is not None and not checkins.empty and "initiative_id" in checkins:
        checkins = checkins.copy()
        mine = checkins["initiative_id"].astype("string").isin(ids).to_numpy(dtype=bool)
        for column in RECORDED_FACTS:
            if column in checkins:
                checkins[column] = checkins[column].astype("string").mask(mine)
    replaced = dataclasses.replace(portfolio, initiatives=initiatives, checkins=checkins)
    return Recorded(replaced, monday(week), ids, rows)


def status_weeks(
    history: pd.DataFrame | None, initiative_id: str, *, as_of: object | None = None
) -> pd.DataFrame:
    """One initiative's recorded weeks (up to the week of `as_of` when given), oldest first:
    week, reported_status, stage, verdict, derived."""
    frame = readable(history)
    keep = (frame["initiative_id"].astype("string") == initiative_id).to_numpy(dtype=bool)
    if as_of is not None:
        keep &= (frame["week"] <= monday(as_of)).to_numpy()
    mine = frame[keep]
    columns = ["week", "reported_status", "stage", "verdict", "derived"]
    return mine.loc[:, columns].reset_index(drop=True)


def status_run(statuses: pd.DataFrame, *, as_of: object) -> tuple[str, pd.Timestamp] | None:
    """(status, first week) of the latest unbroken run of one reported status up to `as_of`.

    Weeks without a record do not break a run; a week recorded with another status, or
    with none, does. None when nothing is recorded up to `as_of`.

    >>> status_run(pd.DataFrame({"week": pd.to_datetime(["2026-03-02", "2026-03-09",
    ...     "2026-03-23"]), "reported_status": ["Amber", "Green", "Green"]}), as_of="2026-04-01")
    ('Green', Timestamp('2026-03-09 00:00:00'))
    """
    done = statuses[(statuses["week"] <= monday(as_of)).to_numpy()]
    if done.empty:
        return None
    words = done["reported_status"].astype(object).to_numpy()
    latest = words[-1]
    if latest is None or (isinstance(latest, float) and np.isnan(latest)) or latest is pd.NA:
        return None
    start = len(words) - 1
    while start > 0 and words[start - 1] == latest:
        start -= 1
    return str(latest), pd.Timestamp(done["week"].iloc[start])


# --- what to record --------------------------------------------------------------------


def week_facts(assessed: pd.DataFrame, *, week: object) -> pd.DataFrame:
    """The facts to record for `week`: one row per initiative of `assess` (first of a
    repeated id). Columns: week, initiative_id, reported_status, stage, verdict, evidence
    (when the verdicts carry it), recent_users (the recent mean, NaN without usage).
    """
    frame = assessed[assessed["id"].notna().to_numpy()].drop_duplicates("id", keep="first")
    n = len(frame)
    evidence = (
        frame["evidence"].astype("string").to_numpy()
        if "evidence" in frame
        else pd.array([None] * n, dtype="string")
    )
    return pd.DataFrame(
        {
            "week": np.full(n, monday(week).to_datetime64(), dtype="datetime64[ns]"),
            "initiative_id": frame["id"].astype("string").to_numpy(),
            "reported_status": frame["reported_status"].astype("string").to_numpy(),
            "stage": frame["stage"].astype("string").to_numpy(),
            "verdict": frame["verdict"].astype("string").to_numpy(),
            "evidence": evidence,
            "recent_users": pd.to_numeric(frame["recent_mean"], errors="coerce").to_numpy(float),
        }
    )


def backfill_facts(portfolio: Portfolio, *, as_of: object) -> pd.DataFrame:
    """Past weeks derived from CheckIns, for `history record --backfill`.

    For each initiative with a dated check-in, every week from the week of its first
    check-in to the week before the week of `as_of`: the status and the stage of its latest
    check-in that states them, up to the end of that week (carried over weeks without
    one; blank before the first that states it). The verdict and recent users are the
    evidence as of that Sunday. Columns as `week_facts`.

    Check-ins: AI-1 Mon 2 Mar Green/Pilot, Wed 18 Mar Amber (no stage); as of Wed 25 Mar
    -> AI-1 in the weeks of 2, 9 and 16 Mar: Green/Pilot, Green/Pilot, Amber/Pilot.
    """
    # Imported here: evidence is the heavy part, and the reader above does not need it.
    from portfolio.evidence import assess

    current = monday(as_of)
    checkins = portfolio.checkins
    if checkins is None or checkins.empty or not {"timestamp", "initiative_id"} <= set(checkins):
        return week_facts(assess(portfolio, as_of=current).iloc[:0], week=current)
    stamps = pd.to_datetime(checkins["timestamp"], errors="coerce")
    ids = set(portfolio.initiatives["id"].dropna().astype(str))
    ok = stamps.notna() & checkins["initiative_id"].astype("string").isin(ids)
    ok &= stamps < current
    log = pd.DataFrame(
        {
            "id": checkins["initiative_id"].astype("string")[ok],
            "stamp": stamps[ok],
            "week": mondays(stamps[ok]),
            "reported_status": _strings(checkins, "reported_status")[ok],
            "stage": _strings(checkins, "stage")[ok],
        }
    ).sort_values("stamp", kind="stable")
    if log.empty:
        return week_facts(assess(portfolio, as_of=current).iloc[:0], week=current)
    first_week = log.groupby("id")["week"].min()
    weeks = pd.date_range(first_week.min(), current - pd.Timedelta(days=DAYS_PER_WEEK), freq="7D")
    frames = []
    for week in weeks:
        end = week + pd.Timedelta(days=DAYS_PER_WEEK)
        alive = first_week[first_week <= week].index
        if not len(alive):
            continue
        upto = log[(log["stamp"] < end).to_numpy()]
        said = {
            column: upto.dropna(subset=[column])
            .drop_duplicates("id", keep="last")
            .set_index("id")[column]
            for column in RECORDED_FACTS
        }
        verdicts = assess(portfolio, as_of=end - pd.Timedelta(days=1))
        verdicts = verdicts[verdicts["id"].isin(alive).to_numpy()]
        facts = week_facts(verdicts, week=week)
        for column in RECORDED_FACTS:
            facts[column] = facts["initiative_id"].map(said[column]).astype("string").to_numpy()
        frames.append(facts)
    if not frames:
        return week_facts(assess(portfolio, as_of=current).iloc[:0], week=current)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["week", "initiative_id"], kind="stable").reset_index(drop=True)


def _strings(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame:
        return frame[column].astype("string")
    return pd.Series(pd.array([None] * len(frame), dtype="string"), index=frame.index)


# --- what the app shows ------------------------------------------------------------------


def weeks_with_status(weeks: pd.DataFrame, statuses: pd.DataFrame) -> pd.DataFrame:
    """An initiative's weekly usage (metrics.initiative_weeks) beside what its deck said:
    `reported_status` recorded for that week (missing when that week has no row; "No status"
    when its row had none), `derived` (backfilled from CheckIns) and `week_end` (the next
    Monday, where a week's band ends on a chart).
    """
    recorded = {
        pd.Timestamp(row.week): (row.reported_status, row.derived)
        for row in statuses.drop_duplicates("week").itertuples(index=False)
    }
    found = [recorded.get(pd.Timestamp(week)) for week in weeks["week"]]
    out = weeks.copy()
    out["reported_status"] = pd.array(
        [None if f is None else (f[0] if isinstance(f[0], str) else NO_STATUS) for f in found],
        dtype="string",
    )
    out["derived"] = np.array([f is not None and _yes(f[1]) for f in found], dtype=bool)
    out["week_end"] = out["week"] + pd.Timedelta(days=DAYS_PER_WEEK)
    return out


def _yes(flag: object) -> bool:
    return flag is not None and flag is not pd.NA and bool(flag)


def derived_weeks(statuses: pd.DataFrame) -> int:
    """How many of the recorded weeks were derived from CheckIns rather than recorded."""
    return sum(_yes(flag) for flag in statuses["derived"])


def describe_status_run(
    statuses: pd.DataFrame,
    weeks: pd.DataFrame,
    *,
    as_of: object,
    recent: float | None = None,
) -> str | None:
    """One sentence: the latest unbroken run of a reported status against weekly users.

    "Green since 9 Mar while weekly users fell from 225 to 18": the run's first recorded
    week (`status_run`); the users of that week (or of the first logged week after it);
    and now: `recent` (the evidence's recent mean, as the reasons quote it) when given, else
    the latest logged week up to `as_of`. None when no status is recorded.
    """
    as_of = pd.Timestamp(as_of)
    run = status_run(statuses, as_of=as_of)
    if run is None:
        return None
    status, start = run
    since = f"{status} since {format_date(start, as_of=as_of)}"
    logged = weeks[weeks["logged"].to_numpy(dtype=bool) & (weeks["week"] <= as_of).to_numpy()]
    if logged.empty:
        return f"{since}, with no usage logged"
    at_start = logged[(logged["week"] >= start).to_numpy()]
    first = at_start.iloc[0] if len(at_start) else logged.iloc[-1]
    before = float(first["active_users"])
    if recent is not None and not pd.isna(recent):
        now = float(recent)
    elif first["week"] == logged["week"].iloc[-1]:
        now = before
    else:
        now = float(logged["active_users"].iloc[-1])
    then_text, now_text = format_number(before), format_number(now)
    if then_text == now_text:
        return f"{since} while weekly users stayed at {now_text}"
    verb = "fell" if now < before else "rose"
    return f"{since} while weekly users {verb} from {then_text} to {now_text}"


def describe_recorded(
    recorded: Recorded, before: pd.DataFrame, *, ids: set[str], since: str
) -> str:
    """Which of the `ids` the "then" picture takes from StatusHistory, in one or two sentences:
    how many were recorded (and derived), and where the verdict recorded then differs from
    the one recomputed now from the same facts."""
    mine = sorted(i for i in recorded.ids if i in ids)
    week = f"the week of {format_date(recorded.week, as_of=recorded.week)}"
    if not mine:
        return (
            f"StatusHistory has no row for {week}, so each status and stage on {since} counts "
            "as typed today."
        )
    rows = recorded.rows.loc[~recorded.rows.index.duplicated()].loc[mine]
    derived = derived_weeks(rows)
    made = f" ({derived} derived from check-ins)" if derived else ""
    listed = f": {', '.join(mine)}" if len(mine) <= LISTED_IDS else ""
    text = (
        f"Statuses and stages on {since} are those recorded in StatusHistory for {week} for "
        f"{len(mine)} of {len(ids)} initiatives{made}{listed}"
    )
    others = sorted(ids - set(mine))
    if others and len(others) <= LISTED_IDS:
        text += f"; the others ({', '.join(others)}) count as typed today"
    elif others:
        text += "; the others count as typed today"
    text += "."
    now = before.drop_duplicates("id").set_index("id")["verdict"].astype(object)
    then = rows["verdict"].astype(object)
    # Only where both exist: a row may be recorded for a week before its start date says.
    differ = [i for i in mine if isinstance(then.get(i), str) and i in now and then[i] != now[i]]
    if differ:
        named = [f"{i} (recorded {then[i]}, recomputed {now.get(i)})" for i in differ]
        listed = ", ".join(named[:LISTED_IDS])
        if len(named) > LISTED_IDS:
            listed += f" and {len(named) - LISTED_IDS} more"
        text += (
            " The verdict recorded that week differs from the one recomputed from the same "
            f"facts with today's thresholds for {listed}."
        )
    return text
