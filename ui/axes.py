"""The axes every chart shares: whole numbers for counts, one date format for time, row heights.

- Counts (initiatives, answers, weekly users) tick whole numbers only: `count_axis()`.
- A time axis reads one format, "Mar 2026", ticks on whole months (every 1, 2, 3, 6 or 12
  months, whichever gives at most MAX_TIME_TICKS ticks) so no month is labelled twice, and
  ends at the as-of date: `time_x(field, first=..., last=as_of)`.
- A chart of one row per category records how many rows it has (`rows_meta`), so that
  presentation mode can grow it by row rather than squash it into one screen
  (`ui.display.fit_for_screen`).

>>> count_axis().to_dict()
{'format': ',d', 'tickMinStep': 1}
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

COUNT_FORMAT = ",d"
DATE_FORMAT = "%b %Y"  # the one format of every time axis: "Mar 2026"
MAX_TIME_TICKS = 8
MONTH_STEPS = (1, 2, 3, 6, 12)
DAYS_PER_MONTH = 30.44
DAY_MS = 86_400_000
# Key in a chart's `usermeta` holding how many rows (bars, lines of a grid) it draws.
ROWS_KEY = "rows"


def count_axis(**options: Any) -> alt.Axis:
    """An axis of whole counts: ticks 0, 1, 2 ... never 0.2 or 2.5, with thousands separators."""
    return alt.Axis(tickMinStep=1, format=COUNT_FORMAT, **options)


def _epoch_ms(value: object) -> float:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(None)
    return float(stamp.value // 1_000_000)


def month_step(first: object, last: object) -> int:
    """Months between two ticks so that `first`..`last` has at most MAX_TIME_TICKS of them.

    month_step("2026-01-05", "2026-06-01") -> 1; month_step("2025-01-01", "2026-11-23") -> 3.
    """
    span = (pd.Timestamp(last) - pd.Timestamp(first)).days / DAYS_PER_MONTH
    for step in MONTH_STEPS:
        if math.ceil(span / step) <= MAX_TIME_TICKS:
            return step
    return math.ceil(span / MAX_TIME_TICKS / 12) * 12


def time_scale(first: object, last: object) -> alt.Scale:
    """A time scale from `first` to `last` exactly (no rounding past the as-of date).

    The bounds are milliseconds since the epoch, given as an expression: Vega-Lite parses a
    literal date domain on the `x` of a bar that also has an `x2` but not on the `x2`, then
    warns of two conflicting domains and unions them ("Infinite extent").
    """
    if pd.isna(first) or pd.isna(last):
        return alt.Scale()
    low, high = _epoch_ms(first), _epoch_ms(last)
    if high <= low:
        high = low + DAY_MS  # a single day still gets an axis
    return alt.Scale(domain={"expr": f"[{low:.0f}, {high:.0f}]"}, nice=False)


def time_axis(first: object, last: object, **options: Any) -> alt.Axis:
    """An axis of whole months in DATE_FORMAT, one tick every `month_step` months."""
    if pd.isna(first) or pd.isna(last):
        return alt.Axis(format=DATE_FORMAT, **options)
    return alt.Axis(
        format=DATE_FORMAT,
        tickCount={"interval": "month", "step": month_step(first, last)},
        labelOverlap=True,
        **options,
    )


def time_x(field: str, *, first: object, last: object, title: str | None = None) -> alt.X:
    """An x encoding of dates from `first` to `last` (the as-of date) with the shared axis."""
    return alt.X(
        f"{field}:T",
        title=title,
        scale=time_scale(first, last),
        axis=time_axis(first, last),
    )


def rows_meta(rows: int) -> dict[str, int]:
    """The `usermeta` of a chart drawn with one row per category: {"rows": rows}."""
    return {ROWS_KEY: int(rows)}


def rows_of(spec_usermeta: object) -> int | None:
    """How many rows a chart said it draws (see `rows_meta`), or None."""
    if isinstance(spec_usermeta, dict):
        rows = spec_usermeta.get(ROWS_KEY)
        if isinstance(rows, int):
            return rows
    return None
