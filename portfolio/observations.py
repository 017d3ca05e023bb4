"""What the sheet says about each initiative up to a date, as arrays aligned to the ids:
the latest check-in and what it states, which kinds of usage count, and the usage figures
(peak, recent mean, weeks of real use) the verdicts are read from (portfolio.evidence).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from portfolio import usage_sources
from portfolio.settings import Thresholds

ONE_DAY = pd.Timedelta(days=1)
DAYS_PER_WEEK = 7
# Users are whole numbers and shares are decimals: this only absorbs float rounding in
# `share * peak`, so that exactly 50% or exactly 20% of a peak lands on the inclusive side.
EPSILON = 1e-9


def column_or_blank(frame: pd.DataFrame, name: str, dtype: str) -> pd.Series:
    """A column of `frame`, or an all-missing one of `dtype` when the sheet lacks it."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(pd.array([None] * len(frame), dtype=dtype), index=frame.index)


def dates_of(frame: pd.DataFrame, name: str) -> pd.Series:
    """A date column as naive datetime64, whatever resolution or time zone it came in."""
    values = pd.to_datetime(column_or_blank(frame, name, "datetime64[ns]"), errors="coerce")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.astype("datetime64[ns]")


def latest_of(*columns: np.ndarray) -> np.ndarray:
    """Element-wise latest of datetime64 arrays, NaT where all are NaT."""
    stacked = np.stack([c.astype("datetime64[ns]").astype("int64") for c in columns])
    nat = np.iinfo(np.int64).min  # how NaT is stored; it is also the smallest int64
    latest = stacked.max(axis=0) if stacked.size else np.array([], dtype=np.int64)
    result = latest.astype("datetime64[ns]")
    result[latest == nat] = np.datetime64("NaT")
    return result


def positions_in(ids: pd.Index, values: pd.Series) -> np.ndarray:
    """Position in `ids` of each value, -1 where absent: `ids.get_indexer(values)`, faster.

    Half a million usage rows name ten thousand initiatives, so each distinct value is looked
    up once (a missing id is a value too, as get_indexer treats it) and spread back by code.
    """
    codes, distinct = pd.factorize(values.astype("string"), use_na_sentinel=False)
    return ids.get_indexer(distinct)[codes]


def spread_rows(per_id: dict, positions: np.ndarray | None) -> dict:
    """Arrays aligned to the distinct ids, repeated onto the rows (`positions` per row)."""
    if positions is None:
        return per_id
    return {
        key: value.iloc[positions].reset_index(drop=True)
        if isinstance(value, pd.Series)
        else value[positions]
        for key, value in per_id.items()
    }


def latest_checkins(checkins: pd.DataFrame, ids: pd.Index, as_of: pd.Timestamp) -> dict:
    """Per initiative (aligned to `ids`): latest check-in time, and latest stated status/stage."""
    n = len(ids)
    out = {
        "last": pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")),
        "status": pd.Series(pd.array([None] * n, dtype="string")),
        "stage": pd.Series(pd.array([None] * n, dtype="string")),
    }
    if checkins is None or checkins.empty or "initiative_id" not in checkins.columns:
        return out
    stamp = dates_of(checkins, "timestamp")
    code = positions_in(ids, checkins["initiative_id"])
    mask = (code >= 0) & stamp.notna().to_numpy() & (stamp < as_of + ONE_DAY).to_numpy()
    if not mask.any():
        return out
    ck = pd.DataFrame(
        {
            "code": code[mask],
            "stamp": stamp.to_numpy()[mask],
            "status": column_or_blank(checkins, "reported_status", "string")
            .astype("string")[mask]
            .array,
            "stage": column_or_blank(checkins, "stage", "string").astype("string")[mask].array,
        }
    ).sort_values("stamp", kind="stable")
    last = ck.groupby("code")["stamp"].max()
    out["last"].iloc[last.index.to_numpy()] = last.to_numpy()
    for col in ("status", "stage"):
        stated = ck.dropna(subset=[col]).drop_duplicates("code", keep="last")
        out[col].iloc[stated["code"].to_numpy()] = stated[col].to_numpy()
    return out


def usage_kinds(usage: pd.DataFrame, ids: pd.Index, as_of: pd.Timestamp) -> dict:
    """Per initiative (aligned to `ids`): whether its counted usage up to `as_of` holds a row
    from a tool (`telemetry`, `usage_sources.is_telemetry`) and a row typed by hand (`typed`).
    Rows that do not count (`usage_sources.resolve` blanked their users) are neither."""
    n = len(ids)
    out = {"telemetry": np.zeros(n, dtype=bool), "typed": np.zeros(n, dtype=bool)}
    if usage is None or usage.empty or "initiative_id" not in usage.columns or n == 0:
        return out
    week = dates_of(usage, "week").to_numpy()
    code = positions_in(ids, usage["initiative_id"])
    users = column_or_blank(usage, "active_users", "Int64").notna().to_numpy()
    counted = (code >= 0) & ~np.isnat(week) & (week <= as_of.to_datetime64()) & users
    sourced = usage_sources.is_telemetry(column_or_blank(usage, usage_sources.SOURCE, "string"))
    out["telemetry"] = np.bincount(code[counted & sourced], minlength=n) > 0
    out["typed"] = np.bincount(code[counted & ~sourced], minlength=n) > 0
    return out


def usage_stats(
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
        "last_real_week": np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"),
        "last_logged_week": np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"),
    }
    if usage is None or usage.empty or "initiative_id" not in usage.columns or n == 0:
        return stats
    week = dates_of(usage, "week").to_numpy()
    code = positions_in(ids, usage["initiative_id"])
    mask = (code >= 0) & ~np.isnat(week) & (week <= as_of.to_datetime64())
    if not mask.any():
        return stats
    users = column_or_blank(usage, "active_users", "Int64").to_numpy(dtype=float, na_value=np.nan)
    measured = column_or_blank(usage, "measured_hours_saved", "float64").to_numpy(
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
    # Real use is above the collapse line: a trickle of one user a week after a peak of 20
    # is what a collapse looks like, not use.
    real = (wusers > t.collapse_share_of_peak * peak_row + EPSILON) & (peak_row > 0)
    last_real = weekly[real].drop_duplicates("code", keep="last")
    stats["last_real_week"][last_real["code"].to_numpy()] = last_real["week"].to_numpy()

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
