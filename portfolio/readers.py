"""Reading a column of cells by its kind: dates, money, numbers, choices, yes/no, text.

`read_cells` reads one column of distinct values (portfolio.cells) into its typed cells and
a mask of the cells it could not read; `unreadable` says what is wrong with such a cell and
how to fix it. The public `parse_*` readers do the same for a pandas Series.

Free text and choices come out as the pandas ``"string"`` dtype (missing = ``<NA>``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from portfolio import schema
from portfolio.cells import (
    MAX_EXACT_INTEGER,
    MAX_VALUE_CHARS,
    SPACES,
    Distinct,
    as_series,
    distinct_values,
    expand,
    objects,
    shown,
    word_key,
)

# Google Sheets (like Excel) counts days from 1899-12-30. Only serials that land on a
# plausible date are read as dates, so a stray 12 in a date column is a problem, not 1900.
SHEETS_EPOCH = pd.Timestamp("1899-12-30")
SERIAL_MIN = 20_000  # 1954-10-03
SERIAL_MAX = 80_000  # 2119-01-11
# Any date outside these is a typo (year 2206, 0026) rather than a real start date.
EARLIEST_DATE = pd.Timestamp("1900-01-01")
LATEST_DATE = pd.Timestamp("2199-12-31")
# Two-digit years: "3/4/26" is 2026, "3/4/85" is 1985 (the POSIX strptime convention).
TWO_DIGIT_YEAR_PIVOT = 69
CENTURY = 100
HALF_DAY_HOURS = 12

CENTS = 2


MONEY_MULTIPLIERS = {
    "": 1.0,
    "k": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mm": 1e6,
    "b": 1e9,
    "bn": 1e9,
}
# fmt: off
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
# fmt: on
MONTHS = {name: n for n, full in enumerate(_MONTH_NAMES, start=1) for name in (full, full[:3])}
MONTHS["sept"] = 9
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "✓", "✔", "☑", "✅"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "✗", "✘", "❌", "☐"})


_ISO_DATE = r"^\d{4}-\d{1,2}-\d{1,2}(?:[T ].*)?$"
_TIME = r"(?: (?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))? ?(?P<ampm>[ap]m)?)?"
_US_DATE = r"^(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4}|\d{2})" + _TIME + "$"
_YMD_SLASH = r"^(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})" + _TIME + "$"
_WEEKDAY = r"(?:[a-z]+,? )?"
_DAY_MONTH_YEAR = (
    "^" + _WEEKDAY + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?[ \-/]"
    r"(?P<month>[a-z]+)\.?,?[ \-/](?P<year>\d{4}|\d{2})" + _TIME + "$"
)
_MONTH_DAY_YEAR = (
    "^" + _WEEKDAY + r"(?P<month>[a-z]+)\.? (?P<day>\d{1,2})(?:st|nd|rd|th)?,? "
    r"(?P<year>\d{4})" + _TIME + "$"
)
# Month precision reads as the 1st: "01/2024", "Jul-25" (Excel's mmm-yy), "March 2026".
_MONTH_YEAR_NUMERIC = r"^(?P<month>\d{1,2})/(?P<year>\d{4})$"
_MONTH_YEAR_NAMED = r"^(?P<month>[a-z]+)\.?(?:-(?P<yy>\d{2})|[ \-](?P<year>\d{4}))$"
_CURRENCY = r"(?:[$€£¥]|usd|eur|gbp|us\$)"
_MONEY = (
    r"^(?P<neg>-)?" + _CURRENCY + r"?(?P<neg2>-)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<suffix>k|mn|mm|m|bn|b)?" + _CURRENCY + "?$"
)
_GROUPED_NUMBER = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"

_CHOICE_NOUNS = {
    schema.STATUSES: "a status",
    schema.STAGES: "a stage",
    schema.ORIGINS: "an origin",
    schema.FREQUENCIES: "a frequency",
    schema.VERDICTS: "a verdict",
}


# --- readers over distinct values ------------------------------------------------------


def _from_parts(parts: pd.DataFrame) -> pd.Series:
    """Dates from year/month/day(/hour/minute/second/ampm) text columns; invalid -> NaT."""
    year = pd.to_numeric(parts["year"], errors="coerce")
    short = year < CENTURY
    century = np.where(year < TWO_DIGIT_YEAR_PIVOT, 2000, 1900)
    year = year.where(~short, year + century)
    day = pd.to_numeric(parts["day"], errors="coerce") if "day" in parts else 1
    frame = pd.DataFrame({"year": year, "day": day}, index=parts.index)
    month = parts["month"]
    month_number = pd.to_numeric(month, errors="coerce")
    named = month_number.isna() & month.notna()
    month_number[named] = month[named].str.lower().map(MONTHS)
    frame["month"] = month_number
    if "hour" in parts:
        hour = pd.to_numeric(parts["hour"], errors="coerce").fillna(0)
        ampm = parts["ampm"].str.lower()
        # 12 am is midnight and 12 pm noon; an hour above 12 with am/pm is a typo.
        bad_hour = ampm.notna() & ((hour > HALF_DAY_HOURS) | (hour == 0))
        afternoon = np.where(ampm == "pm", HALF_DAY_HOURS, 0)
        hour = hour.where(ampm.isna(), hour % HALF_DAY_HOURS + afternoon)
        frame["hour"] = hour.where(~bad_hour)
        frame["minute"] = pd.to_numeric(parts["minute"], errors="coerce").fillna(0)
        frame["second"] = pd.to_numeric(parts["second"], errors="coerce").fillna(0)
    return pd.to_datetime(frame, errors="coerce")


def _read_dates(distinct: Distinct, *, normalize: bool) -> tuple[np.ndarray, np.ndarray]:
    n = len(distinct.raw)
    found = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    bad = np.zeros(n, dtype=bool)

    # Number cells are Sheets serial days (unformatted values).
    is_number = distinct.is_number
    serial = is_number & (distinct.number >= SERIAL_MIN) & (distinct.number <= SERIAL_MAX)
    if serial.any():
        days = pd.to_timedelta(distinct.number[serial], unit="D")
        found[serial] = (SHEETS_EPOCH + days).to_numpy(dtype="datetime64[ns]")
    bad |= is_number & ~serial
    # Other non-text cells: real dates from a spreadsheet file, or bools (not dates).
    for i in np.flatnonzero(~distinct.is_str & ~is_number):
        value = distinct.raw[i]
        if isinstance(value, dt.date) and not isinstance(value, bool | np.bool_):
            stamp = pd.Timestamp(value)
            found[i] = stamp.tz_convert(None) if stamp.tzinfo else stamp
        else:
            bad[i] = True

    # Text cells: cheapest and commonest formats first, each on what is still unread.
    if not distinct.is_str.any():
        return _dates_done(found, bad, normalize=normalize)
    text = pd.Series(distinct.text, dtype=object)
    todo = pd.Series(distinct.text_cells, index=text.index)
    too_long = todo & (text.str.len() > MAX_VALUE_CHARS)
    bad |= too_long.to_numpy()
    todo &= ~too_long
    text = text.str.replace(SPACES, " ", regex=True)
    lower = text.str.lower()

    def settle(mask: pd.Series, stamps: pd.Series) -> None:
        nonlocal todo
        stamps = stamps.dt.tz_convert(None) if stamps.dt.tz is not None else stamps
        in_range = stamps.between(EARLIEST_DATE, LATEST_DATE)
        good = in_range[in_range].index
        found[good] = stamps[good].astype("datetime64[ns]")
        bad[mask[mask].index.difference(good)] = True
        todo &= ~mask

    iso = todo & text.str.match(_ISO_DATE)
    if iso.any():
        settle(iso, pd.to_datetime(text[iso], format="ISO8601", errors="coerce", utc=True))
    if todo.any():
        numbers = pd.to_numeric(text[todo], errors="coerce")
        numeric = numbers.notna() & numbers.between(-np.inf, np.inf)
        if numeric.any():
            serial = numbers[numeric]
            plausible = serial.between(SERIAL_MIN, SERIAL_MAX)
            stamps = pd.Series(pd.NaT, index=serial.index, dtype="datetime64[ns]")
            stamps[plausible] = SHEETS_EPOCH + pd.to_timedelta(serial[plausible], unit="D")
            settle(todo & numeric.reindex(todo.index, fill_value=False), stamps)
    patterns = (
        _US_DATE,
        _YMD_SLASH,
        _DAY_MONTH_YEAR,
        _MONTH_DAY_YEAR,
        _MONTH_YEAR_NUMERIC,
        _MONTH_YEAR_NAMED,
    )
    for pattern in patterns:
        if not todo.any():
            break
        parts = lower[todo].str.extract(pattern)
        if "yy" in parts:
            parts["year"] = parts["year"].fillna(parts.pop("yy"))
        matched = parts["year"].notna()
        if matched.any():
            settle(
                todo & matched.reindex(todo.index, fill_value=False), _from_parts(parts[matched])
            )
    bad |= todo.to_numpy()
    return _dates_done(found, bad, normalize=normalize)


def _dates_done(found: pd.Series, bad: np.ndarray, *, normalize: bool) -> tuple:
    if normalize:
        found = found.dt.normalize()
    return found.to_numpy(dtype="datetime64[ns]"), bad


def _read_numbers_text(text: pd.Series) -> pd.Series:
    """Numbers from stripped text: '1,234' and '12.5' read, anything else is NaN."""
    text = text.str.replace(SPACES, "", regex=True)
    grouped = text.str.match(_GROUPED_NUMBER)
    text = text.where(~grouped, text.str.replace(",", "", regex=False))
    # pd.to_numeric also reads "nan" and "inf"; neither is a count a person meant.
    numbers = pd.to_numeric(text, errors="coerce")
    return numbers.where(np.isfinite(numbers))


def _numeric_cells(distinct: Distinct) -> tuple[np.ndarray, np.ndarray]:
    """Float value of non-text number cells (bools and dates are not numbers)."""
    values = distinct.number.copy()
    bad = ~distinct.is_str & ~np.isfinite(values)
    values[bad] = np.nan
    return values, bad


def _text_cells(distinct: Distinct) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """The non-blank text cells, and which are too long to be a value."""
    todo = distinct.text_cells
    if not todo.any():
        return pd.Series([], dtype=object), todo, todo
    text = pd.Series(distinct.text, dtype=object)
    too_long = todo & (text.str.len() > MAX_VALUE_CHARS).to_numpy()
    return text, todo & ~too_long, too_long


def _read_numbers(distinct: Distinct, *, integer: bool) -> tuple[np.ndarray, np.ndarray]:
    values, bad = _numeric_cells(distinct)
    text, todo, too_long = _text_cells(distinct)
    bad |= too_long
    if todo.any():
        numbers = _read_numbers_text(text[todo]).to_numpy()
        values[todo] = numbers
        bad[todo] = np.isnan(numbers)
    values[bad] = np.nan
    if integer:
        read = ~np.isnan(values)
        whole = np.zeros(len(values), dtype=bool)
        whole[read] = (np.mod(values[read], 1) == 0) & (np.abs(values[read]) <= MAX_EXACT_INTEGER)
        bad |= read & ~whole
        values[bad] = np.nan
    return values, bad


def _read_money(distinct: Distinct) -> tuple[np.ndarray, np.ndarray]:
    values, bad = _numeric_cells(distinct)
    text, todo, too_long = _text_cells(distinct)
    bad |= too_long
    if todo.any():
        compact = text[todo].str.replace(SPACES, "", regex=True).str.lower()
        parts = compact.str.extract(_MONEY)
        amount = pd.to_numeric(parts["num"].str.replace(",", "", regex=False), errors="coerce")
        amount = (amount * parts["suffix"].fillna("").map(MONEY_MULTIPLIERS)).round(CENTS)
        negative = parts["neg"].notna() ^ parts["neg2"].notna()
        amount = amount.where(~negative, -amount)
        values[todo] = amount.to_numpy(dtype=float)
        bad[todo] = amount.isna().to_numpy()
    values[bad] = np.nan
    return values, bad


def _read_choice(distinct: Distinct, column: schema.Column) -> tuple[np.ndarray, np.ndarray]:
    index = schema.vocabulary_index(column)
    words = objects([index.get(word_key(t)) for t in distinct.text])
    bad = np.array([w is None for w in words], dtype=bool) & (distinct.text != "")
    return words, bad


def _read_booleans(distinct: Distinct) -> tuple[np.ndarray, np.ndarray]:
    n = len(distinct.raw)
    flags = np.full(n, None, dtype=object)
    for i, (raw, text) in enumerate(zip(distinct.raw, distinct.text, strict=True)):
        if isinstance(raw, bool | np.bool_):
            flags[i] = bool(raw)
            continue
        key = word_key(text)
        if key in TRUE_WORDS:
            flags[i] = True
        elif key in FALSE_WORDS:
            flags[i] = False
    bad = np.array([f is None for f in flags], dtype=bool) & (distinct.text != "")
    return flags, bad


def _read_text(distinct: Distinct) -> tuple[np.ndarray, np.ndarray]:
    return distinct.text, np.zeros(len(distinct.text), dtype=bool)


def _finish(distinct: Distinct, typed: np.ndarray, bad: np.ndarray, dtype: str) -> tuple:
    """Typed distinct values -> typed cells in the column's final dtype."""
    if dtype in ("string", "Int64", "boolean"):
        typed = pd.array(typed, dtype=dtype)
    return expand(distinct, typed, bad)


def read_cells(distinct: Distinct, column: schema.Column) -> tuple[object, np.ndarray]:
    """Read one column of distinct cells by its kind; returns (cells, bad mask)."""
    kind = column.kind
    if kind in (schema.DATE, schema.TIMESTAMP):
        typed, bad = _read_dates(distinct, normalize=kind == schema.DATE)
    elif kind == schema.MONEY:
        typed, bad = _read_money(distinct)
    elif kind in (schema.INTEGER, schema.NUMBER):
        typed, bad = _read_numbers(distinct, integer=kind == schema.INTEGER)
    elif kind == schema.CHOICE:
        typed, bad = _read_choice(distinct, column)
    elif kind == schema.BOOLEAN:
        typed, bad = _read_booleans(distinct)
    else:
        typed, bad = _read_text(distinct)
    return _finish(distinct, typed, bad, DTYPES[kind])


DTYPES = {
    schema.TEXT: "string",
    schema.CHOICE: "string",
    schema.DATE: "datetime64[ns]",
    schema.TIMESTAMP: "datetime64[ns]",
    schema.MONEY: "float64",
    schema.NUMBER: "float64",
    schema.INTEGER: "Int64",
    schema.BOOLEAN: "boolean",
}


# --- public column readers -------------------------------------------------------------


def _public(values: object, column: schema.Column) -> tuple[pd.Series, pd.Series]:
    series = as_series(values)
    cells, bad = read_cells(distinct_values(series.to_numpy(dtype=object)), column)
    return (
        pd.Series(cells, index=series.index, name=series.name),
        pd.Series(bad, index=series.index, name=series.name, dtype=bool),
    )


def parse_dates(values: pd.Series, *, normalize: bool = True) -> tuple[pd.Series, pd.Series]:
    """Read dates; returns (datetime64[ns] values, mask of non-blank cells that are not dates).

    Accepts ISO (2026-03-04, 2026-03-04T10:00:00Z, as UTC), US month-first 3/4/2026 and
    3/4/26, 4 Mar 2026, March 4, 2026, 2026/03/04, and Sheets serial numbers from 20000 to
    80000 (as numbers or numeric text). `normalize=False` keeps the time of day.

    >>> dates, bad = parse_dates(pd.Series(["2026-03-04", "3/4/2026", 46085, "soon", ""]))
    >>> dates.dt.strftime("%Y-%m-%d").tolist(), bad.tolist()
    (['2026-03-04', '2026-03-04', '2026-03-04', nan, nan], [False, False, False, True, False])
    """
    kind = schema.DATE if normalize else schema.TIMESTAMP
    return _public(values, schema.Column("value", kind))


def parse_money(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read amounts of money as float64: $50,000, 50k, €1.2M, £3,400.50, 1,200, 50000.

    >>> amounts, bad = parse_money(pd.Series(["$50,000", "50k", "€1.2M", "(1,000)"]))
    >>> amounts.tolist()[:3], bad.tolist()
    ([50000.0, 50000.0, 1200000.0], [False, False, False, True])
    """
    return _public(values, schema.Column("value", schema.MONEY))


def parse_numbers(values: pd.Series, *, integer: bool) -> tuple[pd.Series, pd.Series]:
    """Read numbers: Int64 when `integer` (12.0 reads, 12.5 is bad), else float64.

    >>> counts, bad = parse_numbers(pd.Series(["1,234", "12.0", "12.5"]), integer=True)
    >>> counts.tolist(), bad.tolist()
    ([1234, 12, <NA>], [False, False, True])
    """
    kind = schema.INTEGER if integer else schema.NUMBER
    return _public(values, schema.Column("value", kind))


def parse_choice(values: pd.Series, column: schema.Column) -> tuple[pd.Series, pd.Series]:
    """Read a vocabulary column into its canonical words ("string" dtype).

    Case-, space- and punctuation-insensitive, with the column's synonyms and emoji.

    >>> status = schema.TABLES["Initiatives"].column("reported_status")
    >>> words, bad = parse_choice(pd.Series(["green", "🟡", "Greeen"]), status)
    >>> words.tolist(), bad.tolist()
    (['Green', 'Amber', <NA>], [False, False, True])
    """
    return _public(values, column)


def parse_booleans(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read yes/no, true/false, y/n, 1/0 and ✓/✗ into the nullable "boolean" dtype.

    >>> flags, bad = parse_booleans(pd.Series(["Yes", "n", "✓", "maybe"]))
    >>> flags.tolist(), bad.tolist()
    ([True, False, True, <NA>], [False, False, False, True])
    """
    return _public(values, schema.Column("value", schema.BOOLEAN))


def parse_text(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read free text: stripped, blank -> <NA>, numbers as shown (12.0 -> "12"); never bad.

    >>> parse_text(pd.Series([" Support ", "", 14]))[0].tolist()
    ['Support', <NA>, '14']
    """
    return _public(values, schema.Column("value", schema.TEXT))


# --- problems --------------------------------------------------------------------------


def unreadable_message(column: schema.Column, text: str) -> tuple[str, str]:
    """(message, fix) for a cell of `column` that could not be read."""
    quoted = f'"{shown(text)}"'
    kind = column.kind
    if kind == schema.CHOICE:
        words = ", ".join(column.vocabulary)
        noun = _CHOICE_NOUNS.get(column.vocabulary, f"a {column.name.replace('_', ' ')}")
        return f"{quoted} is not {noun} ({words})", f"Type one of {words}"
    return {
        schema.DATE: (
            f"{quoted} is not a date (e.g. 2026-03-04, 3/4/2026 or 4 Mar 2026)",
            "Type the date as year-month-day, e.g. 2026-03-04",
        ),
        schema.TIMESTAMP: (
            f"{quoted} is not a date and time (e.g. 2026-03-04 10:00)",
            "Type it as year-month-day hour:minute, e.g. 2026-03-04 10:00",
        ),
        schema.MONEY: (
            f"{quoted} is not an amount of money (e.g. 50000, $50,000 or 50k)",
            "Type a plain amount such as 50000, without words",
        ),
        schema.INTEGER: (
            f"{quoted} is not a whole number",
            "Type a whole number such as 12, without units",
        ),
        schema.NUMBER: (f"{quoted} is not a number", "Type a number such as 2.5, without units"),
        schema.BOOLEAN: (f"{quoted} is not yes or no", "Type yes or no"),
    }.get(kind, (f"{quoted} could not be read", "Retype the value"))
