"""The Settings tab, typed: the one reader of the thresholds, `compare_months`, `as_of` and
`mandate_date` that every page and figure uses.

Parse has already read each value as its kind (schema.SETTINGS_SPEC); here a blank or
unreadable one takes its default, and each comes out as the type its users compute with.

>>> thresholds({"stale_after_days": 30}).stale_after_days
30
>>> compare_months({})
6
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from portfolio import schema

_SPECS = {spec.key: spec for spec in schema.SETTINGS_SPEC}


@dataclass(frozen=True)
class Thresholds:
    """The numbers behind the verdicts, read from Settings (defaults in schema.SETTINGS_SPEC).

    >>> thresholds({"stale_after_days": 30}).stale_after_days
    30
    >>> thresholds({}).adopted_share_of_peak
    0.5
    """

    stale_after_days: int
    recent_weeks: int
    adopted_share_of_peak: float
    adopted_min_users: float
    collapse_share_of_peak: float
    real_use_min_weeks: int
    real_use_min_peak: float
    pilot_max_days: int


def _number(settings: Mapping[str, object], key: str) -> float | int:
    """A number setting as its kind (int for an integer setting); its default when blank or
    unreadable. Read as float first, so "45.0" reads as the integer setting 45."""
    spec = _SPECS[key]
    cast = int if spec.kind == schema.INTEGER else float
    try:
        value = cast(float(settings.get(key)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = cast(spec.default)
    if isinstance(value, float) and math.isnan(value):
        value = cast(spec.default)
    return value


def thresholds(settings: Mapping[str, object]) -> Thresholds:
    """Read each threshold from `settings`; a missing or unreadable value takes its default.

    >>> thresholds({"recent_weeks": "6", "collapse_share_of_peak": None}).recent_weeks
    6
    """
    values = {key: _number(settings, key) for key in Thresholds.__dataclass_fields__}
    # A window of 0 weeks would divide by zero; one week is the least that means anything.
    values["recent_weeks"] = max(int(values["recent_weeks"]), 1)
    return Thresholds(**values)  # type: ignore[arg-type]


def compare_months(settings: Mapping[str, object]) -> int:
    """How many months before the as-of date "then" is, for the now-vs-then view.

    >>> compare_months({"compare_months": 3.0})
    3
    """
    return int(_number(settings, "compare_months"))


def _date(settings: Mapping[str, object], key: str) -> pd.Timestamp | None:
    value = settings.get(key)
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).normalize()


def as_of(settings: Mapping[str, object]) -> pd.Timestamp:
    """The evaluation date: Settings `as_of`, else today.

    >>> as_of({"as_of": pd.Timestamp("2026-06-01 10:00")})
    Timestamp('2026-06-01 00:00:00')
    """
    day = _date(settings, "as_of")
    return pd.Timestamp(dt.date.today()) if day is None else day


def mandate_date(settings: Mapping[str, object]) -> pd.Timestamp | None:
    """The day the AI-first mandate was announced; None when Settings does not say."""
    return _date(settings, "mandate_date")
