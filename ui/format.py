"""Number, money, date and age formatting shared by every page, chart tooltip and export."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from portfolio.metrics.lasting import DAYS_PER_MONTH
from portfolio.reasons import format_date

_MONEY_STEPS = ((1e9, "B"), (1e6, "M"), (1e3, "k"))
# The same two formats in a table column (st.column_config), so a table reads like the text
# around it: dates as `day()` writes them ("16 Feb 2026"), percents whole ("33%") as
# `percent()` writes them, from a column of shares times PERCENT.
DATE_COLUMN = "D MMM YYYY"
PERCENT_COLUMN = "%.0f%%"
PERCENT = 100


def _missing(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def money(value: object, *, currency: str = "$") -> str:
    """Short money for a headline, three significant figures at most.

    money(52000) -> '$52k', money(303_220) -> '$303k', money(1_250_000) -> '$1.25M'.
    """
    if _missing(value):
        return "—"
    amount = float(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    for step, suffix in _MONEY_STEPS:
        if amount >= step:
            scaled = amount / step
            # three significant figures: $303k, $52.5k, $1.25M
            digits = 0 if scaled >= 100 else 1 if scaled >= 10 else 2
            short = f"{scaled:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{scaled:.0f}"
            return f"{sign}{currency}{short}{suffix}"
    return f"{sign}{currency}{amount:,.0f}"


def dollars(value: object, *, currency: str = "$") -> str:
    """Money in a table: whole units, thousands separated, never cents.

    dollars(22800) -> '$22,800'; dollars(1234.56) -> '$1,235'; a missing value -> '—'.
    """
    if _missing(value):
        return "—"
    amount = float(value)
    return f"{'-' if amount < 0 else ''}{currency}{abs(amount):,.0f}"


def yes_no(value: object) -> str:
    """yes_no(True) -> 'yes', yes_no(False) -> 'no'; a missing value -> '—'."""
    if _missing(value):
        return "—"
    return "yes" if bool(value) else "no"


# How long something lived: up to this many days in days or weeks, beyond it in months.
LIFESPAN_DAYS_UP_TO = 60
DAYS_PER_WEEK = 7


def lifespan(days: object) -> str:
    """How long an initiative lived, in words.

    lifespan(14) -> '2 weeks', lifespan(23) -> '23 days', lifespan(91) -> '3.0 months';
    whole weeks read as weeks (its life ends with a week of use); missing -> 'unknown'.
    """
    if _missing(days):
        return "unknown"
    days = int(days)
    if days > LIFESPAN_DAYS_UP_TO:
        return f"{days / DAYS_PER_MONTH:.1f} months"
    if days and days % DAYS_PER_WEEK == 0:
        return plural(days // DAYS_PER_WEEK, "week")
    return plural(days, "day")


def integer(value: object) -> str:
    """integer(12345) -> '12,345'; a missing value -> '—'."""
    if _missing(value):
        return "—"
    return f"{round(float(value)):,}"


def percent(share: object, *, digits: int = 0) -> str:
    """percent(0.2857) -> '29%'; NaN -> '—'."""
    if _missing(share) or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return f"{float(share) * 100:.{digits}f}%"


def day(value: object, *, as_of: object = None) -> str:
    """day(2026-06-02) -> '2 Jun 2026'; the year is dropped when it equals as_of's year."""
    if _missing(value):
        return "—"
    year_of = None if as_of is None or _missing(as_of) else pd.Timestamp(as_of)
    return format_date(pd.Timestamp(value), as_of=year_of)


def age(then: dt.datetime | None, *, now: dt.datetime | None = None) -> str:
    """How long ago, in words: age(now - 134 minutes) -> '2 h 14 min ago'."""
    if then is None:
        return "unknown"
    now = now or dt.datetime.now(dt.UTC)
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return "just now"
    minutes, _ = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h ago"
    if hours:
        return f"{hours} h {minutes} min ago"
    return f"{minutes} min ago"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """plural(1, 'initiative') -> '1 initiative'; plural(3, 'initiative') -> '3 initiatives'."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count:,} {word}"


# Every ASCII punctuation mark CommonMark lets a backslash escape, minus none: sheet text must
# never become a link, an image, a heading, emphasis, LaTeX ($) or a Streamlit directive
# (`:red[...]`, `:material/icon:`).
_MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()#+-.!|<>~$:=&\"'")


def plain(text: object) -> str:
    """Sheet text made safe to put inside st.markdown: shows literally, never as markup.

    plain("[x](javascript:alert(1))") -> '\\[x\\]\\(javascript\\:alert\\(1\\)\\)'; line breaks
    become spaces so a cell cannot start a heading or a list; a missing value -> '—'.
    """
    if _missing(text):
        return "—"
    flat = " ".join(str(text).split())
    return "".join(f"\\{ch}" if ch in _MARKDOWN_SPECIALS else ch for ch in flat)


def with_team(name: object, team: object) -> str:
    """An initiative with its team, as pickers list them: 'Invoice bot (Finance)'.

    with_team("Invoice bot", None) -> 'Invoice bot'; names come from `assess` (`name` or
    `label`), which already fall back to the id or the sheet row when the name is blank.
    """
    text = "—" if _missing(name) else str(name)
    return text if _missing(team) or not str(team).strip() else f"{text} ({team})"
