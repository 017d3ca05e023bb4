"""Cells to typed frames: `parse_workbook` and the column-wise readers it is built from.

A `RawWorkbook` holds cells as people typed them (strings from CSV and formatted Sheets
values, numbers and serial dates from unformatted Sheets values). `parse_workbook` turns it
into a `Portfolio`: one typed frame per tab, the settings, and a `Problem` with an A1
reference for every cell it could not read. Rows in = rows kept + blank rows; nothing
vanishes silently (DESIGN.md section 1).

Every reader works column-wise: it factorizes the column, reads each *distinct* value once
with vectorized pandas string operations, and spreads the result back over the cells. A
column of 520,000 weeks holds a few hundred distinct strings, so the cost is the factorize.

Free text and choices come out as the pandas ``"string"`` dtype (missing = ``<NA>``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio import schema, usage_sources
from portfolio.mapping import ColumnMapping, closest_headers, merge, read_mapping_rows
from portfolio.model import ERROR, WARNING, Cell, Portfolio, Problem, RawWorkbook

try:
    # Builds the padded object grid from ragged rows in C, about 4x faster than numpy does
    # from padded lists; pandas' own DataFrame constructor uses it.
    from pandas._libs.lib import to_object_array as _to_object_array
except ImportError:  # pragma: no cover - a pandas without it falls back to numpy
    _to_object_array = None

__all__ = [
    "ColumnMapping",
    "parse_booleans",
    "parse_choice",
    "parse_dates",
    "parse_money",
    "parse_numbers",
    "parse_text",
    "parse_workbook",
]

ROW_COLUMN = "_row"

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
# No date, amount or number is longer; longer cells are rejected before any regex runs.
MAX_VALUE_CHARS = 64
# Longer raw values are shortened in problem messages (the Problem keeps the full value).
MAX_SHOWN_CHARS = 60
# Integers above this lose precision in float64; such a count is a typo anyway.
MAX_EXACT_INTEGER = 2**53
CENTS = 2
# Past this many cell problems in one column, the rest are one problem naming their range:
# a whole column typed in an unknown format should not bury the sheet health page.
MAX_CELL_PROBLEMS = 500
# A title or a note may sit above the headers: they are looked for in the first rows, and a
# row below the first wins only if it matches at least this many known headers, and more.
HEADER_SEARCH_ROWS = 10
MIN_HEADER_MATCHES = 2

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
# Emoji may carry a variation selector ("🟢\ufe0f"); it changes nothing about the word.
_VARIATION_SELECTORS = "\ufe0e\ufe0f"

# Extra tab spellings beyond case, spaces and punctuation ("Check Ins" -> CheckIns).
TAB_ALIASES = {
    "initiative": schema.INITIATIVES,
    "checkin": schema.CHECKINS,
    "dailytool": schema.DAILY_TOOLS,
    "setting": schema.SETTINGS,
    "history": schema.STATUS_HISTORY,
}

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
_SPACES = r"\s+"
# pandas.api.types.infer_dtype answers for columns holding only numbers.
_NUMERIC_KINDS = frozenset({"integer", "floating", "mixed-integer-float"})

_CHOICE_NOUNS = {
    schema.STATUSES: "a status",
    schema.STAGES: "a stage",
    schema.ORIGINS: "an origin",
    schema.FREQUENCIES: "a frequency",
    schema.VERDICTS: "a verdict",
}


# --- distinct values -------------------------------------------------------------------


@dataclass
class _Distinct:
    """A column as codes into its distinct non-empty values (-1 = empty or blank cell)."""

    codes: np.ndarray
    raw: np.ndarray  # the distinct cells as typed (object)
    is_str: np.ndarray  # which distinct cells were typed as text
    number: np.ndarray  # float value of cells typed as numbers (not bools), else NaN
    # Stripped text of each distinct cell ("" is never selected by a code). For a column of
    # numbers it is rendered only when asked: str() of 500,000 floats costs 0.4 s.
    _text: np.ndarray | None = None

    @property
    def text(self) -> np.ndarray:
        if self._text is None:
            self._text = _render_numbers(self.raw, self.number)
        return self._text

    @property
    def is_number(self) -> np.ndarray:
        return ~self.is_str & ~np.isnan(self.number)

    @property
    def text_cells(self) -> np.ndarray:
        """Which distinct cells are non-blank text."""
        if not self.is_str.any():
            return np.zeros(len(self.is_str), dtype=bool)
        return self.is_str & (self.text != "")

    def rows(self, keep: np.ndarray) -> _Distinct:
        """The same distinct values, for the cells of rows `keep` only."""
        return _Distinct(self.codes[keep], self.raw, self.is_str, self.number, self._text)


def _render(value: object) -> str:
    """Text a person would see in the sheet for a non-text cell: 12.0 -> '12'."""
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | np.floating):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, dt.datetime | pd.Timestamp):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _objects(items: list) -> np.ndarray:
    """A 1-d object array of `items` (np.array would make fixed-width strings of text)."""
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _render_numbers(raw: np.ndarray, number: np.ndarray) -> np.ndarray:
    """_render for a column of numbers, vectorized where it matters: 12.0 -> '12'."""
    text = _objects([str(v) for v in raw])
    whole = np.isfinite(number) & (np.abs(number) < MAX_EXACT_INTEGER)
    whole[whole] = np.mod(number[whole], 1) == 0
    if whole.any():
        text[whole] = [str(v) for v in number[whole].astype(np.int64).tolist()]
    return text


def _distinct(values: object) -> _Distinct:
    """Factorize a column of cells; blank text counts as empty."""
    array = np.asarray(values, dtype=object)
    codes, raw = pd.factorize(array)
    raw = np.asarray(raw, dtype=object)
    n = len(raw)
    inferred = pd.api.types.infer_dtype(raw, skipna=False)
    if inferred == "string":  # CSV and formatted Sheets values
        is_str = np.ones(n, dtype=bool)
        text = pd.Series(raw, dtype=object).str.strip().to_numpy(dtype=object)
        number = np.full(n, np.nan)
    elif inferred in _NUMERIC_KINDS:  # unformatted Sheets values of a numeric column
        # Numbers are never blank, and their text is rendered only if a reader needs it.
        return _Distinct(codes, raw, np.zeros(n, dtype=bool), raw.astype(float))
    else:
        is_str = np.fromiter((isinstance(v, str) for v in raw), dtype=bool, count=n)
        text = _objects([v.strip() if isinstance(v, str) else _render(v) for v in raw])
        number = np.fromiter(
            (float(v) if _is_number(v) else np.nan for v in raw), dtype=float, count=n
        )
    blank = text == ""
    if blank.any():
        codes = np.where(np.append(blank, True)[codes], -1, codes)
    return _Distinct(codes, raw, is_str, number, text)


def _expand(
    distinct: _Distinct, typed: object, bad: np.ndarray
) -> tuple[np.ndarray | pd.api.extensions.ExtensionArray, np.ndarray]:
    """Spread per-distinct results back over the cells (empty cells -> missing, not bad)."""
    values = pd.api.extensions.take(typed, distinct.codes, allow_fill=True)
    return values, np.append(bad, False)[distinct.codes]


def _as_series(values: object) -> pd.Series:
    return values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)


def _word_key(text: str) -> str:
    """Lookup key of a word: normalized, or the bare symbol when it has no letters (🟢)."""
    return schema.normalize(text) or text.strip(_VARIATION_SELECTORS + " ")


def _apply_value_map(distinct: _Distinct, words: dict[str, str] | None) -> _Distinct:
    """Replace sheet-specific words (from a ColumnMapping) before the column is read."""
    if not words or not len(distinct.raw):
        return distinct
    lookup = {_word_key(k): v for k, v in words.items()}
    mapped = [lookup.get(_word_key(t)) for t in distinct.text]
    hits = np.array([m is not None for m in mapped])
    if not hits.any():
        return distinct
    raw, text, is_str = distinct.raw.copy(), distinct.text.copy(), distinct.is_str.copy()
    number = distinct.number.copy()
    for i in np.flatnonzero(hits):
        raw[i] = text[i] = mapped[i]
        is_str[i] = True
        number[i] = np.nan
    return _Distinct(distinct.codes, raw, is_str, number, text)


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


def _read_dates(distinct: _Distinct, *, normalize: bool) -> tuple[np.ndarray, np.ndarray]:
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
    text = text.str.replace(_SPACES, " ", regex=True)
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
    text = text.str.replace(_SPACES, "", regex=True)
    grouped = text.str.match(_GROUPED_NUMBER)
    text = text.where(~grouped, text.str.replace(",", "", regex=False))
    # pd.to_numeric also reads "nan" and "inf"; neither is a count a person meant.
    numbers = pd.to_numeric(text, errors="coerce")
    return numbers.where(np.isfinite(numbers))


def _numeric_cells(distinct: _Distinct) -> tuple[np.ndarray, np.ndarray]:
    """Float value of non-text number cells (bools and dates are not numbers)."""
    values = distinct.number.copy()
    bad = ~distinct.is_str & ~np.isfinite(values)
    values[bad] = np.nan
    return values, bad


def _text_cells(distinct: _Distinct) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """The non-blank text cells, and which are too long to be a value."""
    todo = distinct.text_cells
    if not todo.any():
        return pd.Series([], dtype=object), todo, todo
    text = pd.Series(distinct.text, dtype=object)
    too_long = todo & (text.str.len() > MAX_VALUE_CHARS).to_numpy()
    return text, todo & ~too_long, too_long


def _read_numbers(distinct: _Distinct, *, integer: bool) -> tuple[np.ndarray, np.ndarray]:
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


def _read_money(distinct: _Distinct) -> tuple[np.ndarray, np.ndarray]:
    values, bad = _numeric_cells(distinct)
    text, todo, too_long = _text_cells(distinct)
    bad |= too_long
    if todo.any():
        compact = text[todo].str.replace(_SPACES, "", regex=True).str.lower()
        parts = compact.str.extract(_MONEY)
        amount = pd.to_numeric(parts["num"].str.replace(",", "", regex=False), errors="coerce")
        amount = (amount * parts["suffix"].fillna("").map(MONEY_MULTIPLIERS)).round(CENTS)
        negative = parts["neg"].notna() ^ parts["neg2"].notna()
        amount = amount.where(~negative, -amount)
        values[todo] = amount.to_numpy(dtype=float)
        bad[todo] = amount.isna().to_numpy()
    values[bad] = np.nan
    return values, bad


def _read_choice(distinct: _Distinct, column: schema.Column) -> tuple[np.ndarray, np.ndarray]:
    index = schema.vocabulary_index(column)
    words = _objects([index.get(_word_key(t)) for t in distinct.text])
    bad = np.array([w is None for w in words], dtype=bool) & (distinct.text != "")
    return words, bad


def _read_booleans(distinct: _Distinct) -> tuple[np.ndarray, np.ndarray]:
    n = len(distinct.raw)
    flags = np.full(n, None, dtype=object)
    for i, (raw, text) in enumerate(zip(distinct.raw, distinct.text, strict=True)):
        if isinstance(raw, bool | np.bool_):
            flags[i] = bool(raw)
            continue
        key = _word_key(text)
        if key in TRUE_WORDS:
            flags[i] = True
        elif key in FALSE_WORDS:
            flags[i] = False
    bad = np.array([f is None for f in flags], dtype=bool) & (distinct.text != "")
    return flags, bad


def _read_text(distinct: _Distinct) -> tuple[np.ndarray, np.ndarray]:
    return distinct.text, np.zeros(len(distinct.text), dtype=bool)


def _finish(distinct: _Distinct, typed: np.ndarray, bad: np.ndarray, dtype: str) -> tuple:
    """Typed distinct values -> typed cells in the column's final dtype."""
    if dtype in ("string", "Int64", "boolean"):
        typed = pd.array(typed, dtype=dtype)
    return _expand(distinct, typed, bad)


def _read(distinct: _Distinct, column: schema.Column) -> tuple[object, np.ndarray]:
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
    return _finish(distinct, typed, bad, _DTYPES[kind])


_DTYPES = {
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
    series = _as_series(values)
    cells, bad = _read(_distinct(series.to_numpy(dtype=object)), column)
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


def _shown(text: str) -> str:
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"


def _unreadable(column: schema.Column, text: str) -> tuple[str, str]:
    """(message, fix) for a cell of `column` that could not be read."""
    shown = f'"{_shown(text)}"'
    kind = column.kind
    if kind == schema.CHOICE:
        words = ", ".join(column.vocabulary)
        noun = _CHOICE_NOUNS.get(column.vocabulary, f"a {column.name.replace('_', ' ')}")
        return f"{shown} is not {noun} ({words})", f"Type one of {words}"
    return {
        schema.DATE: (
            f"{shown} is not a date (e.g. 2026-03-04, 3/4/2026 or 4 Mar 2026)",
            "Type the date as year-month-day, e.g. 2026-03-04",
        ),
        schema.TIMESTAMP: (
            f"{shown} is not a date and time (e.g. 2026-03-04 10:00)",
            "Type it as year-month-day hour:minute, e.g. 2026-03-04 10:00",
        ),
        schema.MONEY: (
            f"{shown} is not an amount of money (e.g. 50000, $50,000 or 50k)",
            "Type a plain amount such as 50000, without words",
        ),
        schema.INTEGER: (
            f"{shown} is not a whole number",
            "Type a whole number such as 12, without units",
        ),
        schema.NUMBER: (f"{shown} is not a number", "Type a number such as 2.5, without units"),
        schema.BOOLEAN: (f"{shown} is not yes or no", "Type yes or no"),
    }.get(kind, (f"{shown} could not be read", "Retype the value"))


def _spellings(column: schema.Column) -> str:
    return ", ".join((column.name, *column.aliases))


# --- one tab ---------------------------------------------------------------------------


@dataclass
class _Tab:
    """One parsed tab and what is needed to point at its cells."""

    table: schema.Table
    sheet_name: str
    frame: pd.DataFrame
    positions: dict[str, int]  # canonical column -> 0-based sheet column
    unknown: list[str]
    rows_read: int
    blank_rows: int
    defaulted: frozenset[str] = frozenset()  # columns the sheet lacks, filled by a default

    def cell(self, row: int, column: str) -> str:
        """A1 reference of frame row `row` (positional) in canonical `column`."""
        return self.refs(column).cell(row)

    def refs(self, column: str) -> _CellRefs:
        rows = self.frame[ROW_COLUMN].to_numpy()
        return _CellRefs(self.table.name, self.sheet_name, column, self.positions[column], rows)


@dataclass(frozen=True)
class _CellRefs:
    """Builds the problems of one column, by position among the kept rows."""

    table: str
    sheet_name: str
    column: str
    col: int
    sheet_rows: np.ndarray

    def cell(self, i: int) -> str:
        return schema.a1(self.sheet_name, int(self.sheet_rows[i]) - 1, self.col)

    def problem(self, i: int, raw: Cell, message: str, fix: str) -> Problem:
        return Problem(self.table, self.cell(i), self.column, raw, message, fix=fix)

    def summarize(
        self, cells: np.ndarray, what: str, problems: list[Problem], *, severity: str = WARNING
    ) -> None:
        """One problem for the cells beyond MAX_CELL_PROBLEMS, naming their range."""
        rest = cells[MAX_CELL_PROBLEMS:]
        if not len(rest):
            return
        span = f"{self.cell(rest[0])}:{schema.a1_column(self.col)}{self.sheet_rows[rest[-1]]}"
        problems.append(
            Problem(
                self.table,
                span,
                self.column,
                None,
                f"{len(rest):,} more cells of {self.column} in {span} {what}",
                severity=severity,
                fix=f"Fix the first {MAX_CELL_PROBLEMS} listed above, then look for a pattern "
                "in the rest (a date or number format, a stray column)",
            )
        )


def _grid(rows: Sequence[Sequence[Cell]], width: int) -> np.ndarray:
    """A (rows x width) object array; short (ragged) rows are padded with None."""
    if not rows:
        return np.empty((0, width), dtype=object)
    if _to_object_array is not None:
        return _to_object_array(list(rows), min_width=width)
    padded = [list(r) + [None] * (width - len(r)) for r in rows]  # pragma: no cover
    return np.array(padded, dtype=object).reshape(len(rows), width)  # pragma: no cover


def _header_text(cell: Cell) -> str:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    return cell.strip() if isinstance(cell, str) else _render(cell)


def _empty_column(kind: str, n: int) -> object:
    dtype = _DTYPES[kind]
    if dtype == "datetime64[ns]":
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if dtype == "float64":
        return np.full(n, np.nan)
    return pd.array([None] * n, dtype=dtype)


def _empty_frame(table: schema.Table) -> pd.DataFrame:
    data = {c.name: _empty_column(c.kind, 0) for c in table.columns}
    data[ROW_COLUMN] = np.empty(0, dtype="int64")
    return pd.DataFrame(data)


def _header_map(
    table: schema.Table,
    sheet_name: str,
    mapping: ColumnMapping | None,
    problems: list[Problem],
) -> dict[str, str]:
    """normalized sheet header -> canonical column, from the mapping then the aliases."""
    index = schema.header_index(table)
    mapped: dict[str, str] = {}
    if mapping:
        names = {schema.normalize(table.name), schema.normalize(sheet_name)}
        for tab, headers in mapping.columns.items():
            if schema.normalize(tab) not in names:
                continue
            for header, target in headers.items():
                canonical = index.get(schema.normalize(target))
                if canonical:
                    mapped.setdefault(schema.normalize(header), canonical)
                    continue
                columns = ", ".join(c.name for c in table.columns)
                problems.append(
                    Problem(
                        table.name,
                        schema.MAPPING,
                        None,
                        target,
                        f'The mapping sends "{_shown(header)}" to "{_shown(target)}", '
                        f"which is not a column of {table.name}",
                        fix=f"Map it to one of: {columns}",
                    )
                )
    return {**index, **mapped}


def _find_header_row(
    table: schema.Table,
    sheet_name: str,
    rows: Sequence[Sequence[Cell]],
    headers: dict[str, str],
    problems: list[Problem],
) -> int:
    """The row holding the headers: of the first rows, the first that matches the most known
    headers (row 0 unless a later row matches more, and at least MIN_HEADER_MATCHES)."""
    best, best_count = 0, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = (schema.normalize(_header_text(cell)) for cell in row)
        count = len({headers[k] for k in keys if k in headers})
        if count > best_count:
            best, best_count = i, count
    if best_count < MIN_HEADER_MATCHES or best == 0:
        return 0
    above = "row 1" if best == 1 else f"rows 1-{best}"
    problems.append(
        Problem(
            table.name,
            schema.a1(sheet_name, 0, 0),
            None,
            None,
            f"The headers of {sheet_name} are on row {best + 1}; {above} above them "
            "are read as a title and skipped",
            fix=f"Nothing to do if {above} is a title; otherwise move the headers to row 1",
        )
    )
    return best


def _defaults(
    table: schema.Table, sheet_name: str, mapping: ColumnMapping | None, problems: list[Problem]
) -> dict[str, str]:
    """canonical column -> the mapping's default text for this tab, when it can be read."""
    if not mapping or not mapping.defaults:
        return {}
    names = {schema.normalize(table.name), schema.normalize(sheet_name)}
    out: dict[str, str] = {}
    for tab, fields in mapping.defaults.items():
        if schema.normalize(tab) not in names:
            continue
        for name, text in fields.items():
            column = next((c for c in table.columns if c.name == name), None)
            if column is None:
                continue
            if _read(_distinct(np.array([text], dtype=object)), column)[1].any():
                message, fix = _unreadable(column, text)
                problems.append(
                    Problem(
                        table.name,
                        schema.MAPPING,
                        name,
                        text,
                        f"The mapping's default for {name} is not used: {message}",
                        fix=fix,
                    )
                )
                continue
            out[name] = text
    return out


def _missing_column(
    table: schema.Table, sheet_name: str, column: schema.Column, others: list[str]
) -> Problem:
    """The error for a required column that no header, alias or mapping fills."""
    hints = closest_headers(column, others)
    closest = f"; closest headers: {', '.join(hints)}" if hints else ""
    example = hints[0] if hints else "<your header>"
    return Problem(
        table.name,
        sheet_name,
        column.name,
        None,
        f'{sheet_name} has no "{column.name}" column and no mapping for it{closest}',
        severity=ERROR,
        fix=f"Add a Mapping row: column, {_field(table, column)}, {example} (Sheet health "
        f"suggests one), or a column headed {column.name} (or one of: {_spellings(column)})",
    )


def _field(table: schema.Table, column: schema.Column) -> str:
    return column.name if table.name == schema.INITIATIVES else f"{table.name}.{column.name}"


def _parse_tab(
    table: schema.Table,
    sheet_name: str,
    rows: Sequence[Sequence[Cell]],
    problems: list[Problem],
    *,
    mapping: ColumnMapping | None = None,
    headerless: bool = False,
    blank_ok: frozenset[str] = frozenset(),
) -> _Tab:
    """Parse one tab's rows (headers on top, unless `headerless`) into a typed frame."""
    headers = _header_map(table, sheet_name, mapping, problems)
    header_row = 0 if headerless else _find_header_row(table, sheet_name, rows, headers, problems)
    header = list(rows[header_row]) if rows and not headerless else []
    data = rows if headerless else rows[header_row + 1 :]
    first_grid_row = 0 if headerless else header_row + 1
    if headerless:
        header = [c.name for c in table.columns]
    width = max([len(header), *map(len, data)]) if data else len(header)
    grid = _grid(data, width)
    columns = [_distinct(grid[:, j]) for j in range(width)]

    filled = np.zeros(len(grid), dtype=bool)
    for col in columns:
        filled |= col.codes >= 0
    keep = np.flatnonzero(filled)
    blank_rows = len(grid) - len(keep)
    sheet_rows = keep + first_grid_row + 1  # 1-based sheet row of each kept record

    positions: dict[str, int] = {}
    unknown: dict[str, int] = {}
    taken = {c.name for c in table.columns} | {ROW_COLUMN}
    for j in range(width):
        text = _header_text(header[j]) if j < len(header) else ""
        letter = schema.a1_column(j)
        header_cell = schema.a1(sheet_name, header_row, j)
        if not text:
            if (columns[j].codes >= 0).any():
                name = f"column {letter}"
                unknown[name] = j
                problems.append(
                    Problem(
                        table.name,
                        header_cell,
                        name,
                        None,
                        f"Column {letter} has values but no header",
                        fix=f"Type a header in {header_cell}, or delete the column",
                    )
                )
            continue
        canonical = headers.get(schema.normalize(text))
        if canonical and canonical not in positions:
            positions[canonical] = j
            continue
        name = text if text not in taken and text not in unknown else f"{text} (column {letter})"
        unknown[name] = j
        if canonical:
            first = schema.a1(sheet_name, header_row, positions[canonical])
            problems.append(
                Problem(
                    table.name,
                    header_cell,
                    canonical,
                    header[j],
                    f'"{_shown(text)}" is a second {canonical} column (the first is {first}); '
                    "it is kept as an extra column",
                    fix=f"Rename or delete one of {first} and {header_cell}",
                )
            )

    values_map = mapping.values if mapping else {}
    defaults = _defaults(table, sheet_name, mapping, problems)
    data_cols: dict[str, object] = {}
    n = len(keep)
    for column in table.columns:
        j = positions.get(column.name)
        default = defaults.get(column.name)
        if j is None and default is not None:
            data_cols[column.name] = _read(_distinct(np.full(n, default, dtype=object)), column)[0]
            continue
        if j is None:
            data_cols[column.name] = _empty_column(column.kind, n)
            if column.required:
                others = [_header_text(header[k]) for k in unknown.values() if k < len(header)]
                problems.append(_missing_column(table, sheet_name, column, others))
            continue
        source = columns[j]
        if default is not None:  # blank cells read as the mapping's default
            cells_j = grid[:, j].copy()
            cells_j[source.codes < 0] = default
            source = _distinct(cells_j)
        distinct = _apply_value_map(source, values_map.get(column.name)).rows(keep)
        cells, bad = _read(distinct, column)
        data_cols[column.name] = cells
        where = _CellRefs(table.name, sheet_name, column.name, j, sheet_rows)
        unreadable = np.flatnonzero(bad)
        messages = {  # one message per distinct bad value, however many cells hold it
            code: _unreadable(column, distinct.text[code])
            for code in np.unique(distinct.codes[unreadable])
        }
        for i in unreadable[:MAX_CELL_PROBLEMS]:
            message, fix = messages[distinct.codes[i]]
            problems.append(where.problem(i, grid[keep[i], j], message, fix))
        where.summarize(unreadable, "cannot be read", problems)
        if column.required and column.name not in blank_ok:
            empty = np.flatnonzero(distinct.codes < 0)
            label = column.name.replace("_", " ")
            for i in empty[:MAX_CELL_PROBLEMS]:
                cell = where.cell(i)
                message = f"{column.name} is required but {cell} is empty"
                problems.append(where.problem(i, None, message, f"Fill in the {label} in {cell}"))
            where.summarize(empty, "are empty", problems)
    for name, j in unknown.items():
        data_cols[name] = _read(columns[j].rows(keep), schema.Column(name))[0]
    data_cols[ROW_COLUMN] = sheet_rows.astype("int64")
    frame = pd.DataFrame(data_cols, index=pd.RangeIndex(n))
    defaulted = frozenset(defaults) - set(positions)
    tab = _Tab(table, sheet_name, frame, positions, list(unknown), n, blank_rows, defaulted)
    if table.key and table.key in positions:
        _check_unique(tab, problems)
    return tab


def _check_unique(tab: _Tab, problems: list[Problem]) -> None:
    """An error for every repeat of a key value; all rows stay."""
    key = tab.table.key
    values = tab.frame[key]
    present = values.notna().to_numpy()
    repeats = np.flatnonzero(values.duplicated(keep="first").to_numpy() & present)
    if not len(repeats):
        return
    firsts = values[present & ~values.duplicated(keep="first").to_numpy()]
    first_row = dict(zip(firsts, firsts.index, strict=True))
    where = tab.refs(key)
    for i in repeats[:MAX_CELL_PROBLEMS]:
        value = values.iat[i]
        problems.append(
            Problem(
                tab.table.name,
                where.cell(i),
                key,
                value,
                f'"{_shown(value)}" is a duplicate {key} '
                f"(first used in {where.cell(first_row[value])})",
                severity=ERROR,
                fix=f"Give every row its own {key}; they must be unique",
            )
        )
    where.summarize(repeats, "repeat a value used above", problems, severity=ERROR)


def _check_known_ids(tab: _Tab, ids: pd.Series, problems: list[Problem]) -> None:
    """A warning per initiative id that Initiatives does not have (rows stay)."""
    values = tab.frame["initiative_id"]
    # Half a million usage rows name a few thousand ids: look each distinct one up once.
    codes, distinct = pd.factorize(values)
    known = pd.Index(ids.unique()).get_indexer(distinct) >= 0
    orphan = pd.Series(~np.append(known, True)[codes], index=values.index)
    if not orphan.any():
        return
    unknown = values[orphan]
    counts = unknown.value_counts(sort=False)
    firsts = unknown.drop_duplicates()
    where = tab.refs("initiative_id")
    for i, value in firsts.iloc[:MAX_CELL_PROBLEMS].items():
        rows = int(counts[value])
        plural = "row" if rows == 1 else "rows"
        problems.append(
            Problem(
                tab.table.name,
                where.cell(i),
                "initiative_id",
                value,
                f'"{_shown(value)}" is not an id in Initiatives ({rows} {tab.sheet_name} {plural})',
                fix="Use the id of an initiative from the Initiatives tab, or add that initiative",
            )
        )
    where.summarize(firsts.index.to_numpy(), "hold other ids that are not in Initiatives", problems)


def _check_history(tab: _Tab, problems: list[Problem]) -> None:
    """StatusHistory: a week that is not a Monday reads as its Monday; a second row for the
    same initiative and week is a repeat, and the first one counts (rows stay)."""
    frame = tab.frame
    if "week" not in tab.positions:
        return
    week = frame["week"]
    off = np.flatnonzero((week.notna() & (week.dt.dayofweek != 0)).to_numpy())
    where = tab.refs("week")
    for i in off[:MAX_CELL_PROBLEMS]:
        day = week.iat[i]
        monday = day - pd.Timedelta(days=day.dayofweek)
        problems.append(
            where.problem(
                i,
                day.date().isoformat(),
                f"{day:%a} {day.day} {day:%b %Y} is not a Monday; it is read as the week of "
                f"{monday.day} {monday:%b %Y}",
                f"Type the week's Monday, {monday.date().isoformat()}",
            )
        )
    where.summarize(off, "are not Mondays", problems)
    if "initiative_id" not in tab.positions:
        return
    mondays = week - pd.to_timedelta(week.dt.dayofweek, unit="D")
    pair = pd.DataFrame({"week": mondays, "id": frame["initiative_id"]})
    known = pair.notna().all(axis=1).to_numpy()
    repeats = np.flatnonzero(pair.duplicated(keep="first").to_numpy() & known)
    if not len(repeats):
        return
    first: dict[tuple, int] = {}
    for i, key in enumerate(zip(pair["week"], pair["id"], strict=True)):
        if known[i]:
            first.setdefault(key, i)
    ids = tab.refs("initiative_id")
    for i in repeats[:MAX_CELL_PROBLEMS]:
        key = (pair["week"].iat[i], pair["id"].iat[i])
        earlier = ids.cell(first[key])
        problems.append(
            ids.problem(
                i,
                key[1],
                f'"{_shown(key[1])}" is recorded twice for the week of {key[0].day} {key[0]:%b %Y} '
                f"(first in {earlier}); the first row counts",
                f"Delete one of the two rows ({earlier} and {ids.cell(i)})",
            )
        )
    ids.summarize(repeats, "repeat a week already recorded", problems)


# --- settings --------------------------------------------------------------------------


def _setting_value(setting: schema.Setting, cell: Cell) -> tuple[object, bool]:
    """(typed value, unreadable) of one Settings value cell."""
    series = pd.Series([cell], dtype=object)
    if setting.kind in (schema.DATE, schema.TIMESTAMP):
        values, bad = parse_dates(series, normalize=setting.kind == schema.DATE)
        value = values.iat[0]
    elif setting.kind in (schema.INTEGER, schema.NUMBER):
        values, bad = parse_numbers(series, integer=setting.kind == schema.INTEGER)
        value = values.iat[0]
        if not pd.isna(value):
            value = int(value) if setting.kind == schema.INTEGER else float(value)
    elif setting.kind == schema.MONEY:
        values, bad = parse_money(series)
        value = float(values.iat[0])
    else:
        values, bad = parse_text(series)
        value = values.iat[0]
    return (None if pd.isna(value) else value), bool(bad.iat[0])


def _parse_settings(
    sheet_name: str, rows: Sequence[Sequence[Cell]], problems: list[Problem]
) -> tuple[dict[str, object], _Tab]:
    """Settings rows -> settings dict, starting from the defaults."""
    table = schema.TABLES[schema.SETTINGS]
    index = schema.header_index(table)
    # People often type key/value pairs with no header row; then row 1 is a setting.
    headerless = bool(rows) and not any(
        index.get(schema.normalize(_header_text(c))) for c in rows[0][:2]
    )
    # A key with a blank value keeps its default ("as_of" blank = today), which is no problem.
    tab = _parse_tab(
        table, sheet_name, rows, problems, headerless=headerless, blank_ok=frozenset({"value"})
    )
    settings = dict(schema.SETTINGS_DEFAULTS)
    specs = {schema.normalize(s.key): s for s in schema.SETTINGS_SPEC}
    if "key" not in tab.positions:
        return settings, tab
    seen: dict[str, str] = {}
    raw_values = _raw_column(rows, tab, "value")
    for i, key in enumerate(tab.frame["key"]):
        if pd.isna(key):
            continue
        spec = specs.get(schema.normalize(key))
        name = spec.key if spec else key
        key_cell = tab.cell(i, "key")
        if name in seen:
            problems.append(
                Problem(
                    schema.SETTINGS,
                    key_cell,
                    "key",
                    key,
                    f'"{_shown(key)}" is set twice; the first, in {seen[name]}, is used',
                    fix=f"Delete one of {seen[name]} and {key_cell}",
                )
            )
            continue
        seen[name] = key_cell
        raw = raw_values[i]
        if spec is None:
            settings[name] = tab.frame["value"].iat[i] if "value" in tab.positions else None
            if pd.isna(settings[name]):
                settings[name] = None
            continue
        value, unreadable = _setting_value(spec, raw)
        if unreadable:
            message, fix = _unreadable(schema.Column(spec.key, spec.kind), _render(raw))
            problems.append(
                Problem(
                    schema.SETTINGS,
                    tab.cell(i, "value"),
                    spec.key,
                    raw,
                    f"{spec.key}: {message}; the default ({spec.default}) is used",
                    fix=fix,
                )
            )
        elif value is not None:
            settings[spec.key] = value
    return settings, tab


def _raw_column(rows: Sequence[Sequence[Cell]], tab: _Tab, column: str) -> list[Cell]:
    """The cells as typed of one column for each kept row (a serial date stays a number)."""
    j = tab.positions.get(column)
    out: list[Cell] = []
    for sheet_row in tab.frame[ROW_COLUMN]:
        row = rows[int(sheet_row) - 1]
        out.append(row[j] if j is not None and j < len(row) else None)
    return out


# --- the workbook ----------------------------------------------------------------------


def _match_tabs(
    tabs: dict[str, list[list[Cell]]], problems: list[Problem]
) -> dict[str, tuple[str, list[list[Cell]]]]:
    """canonical tab -> (sheet tab name, rows); exact names win over looser spellings."""
    wanted = {schema.normalize(name): name for name in (*schema.TABLES, schema.MAPPING)}
    wanted.update(TAB_ALIASES)
    candidates: dict[str, list[str]] = {}
    for sheet_name in tabs:
        canonical = wanted.get(schema.normalize(sheet_name))
        if canonical:
            candidates.setdefault(canonical, []).append(sheet_name)
    matched: dict[str, tuple[str, list[list[Cell]]]] = {}
    for canonical, names in candidates.items():
        names = sorted(names, key=lambda s: s.strip() != canonical)
        chosen = names[0]
        matched[canonical] = (chosen, tabs[chosen])
        for other in names[1:]:
            problems.append(
                Problem(
                    canonical,
                    other,
                    None,
                    None,
                    f'Tab "{other}" was not read: {canonical} is read from tab "{chosen}"',
                    fix=f'Rename or delete one of the tabs "{chosen}" and "{other}"',
                )
            )
    return matched


_FRAME_FIELDS = {
    schema.INITIATIVES: "initiatives",
    schema.USAGE: "usage",
    schema.CHECKINS: "checkins",
    schema.DAILY_TOOLS: "daily_tools",
    schema.STATUS_HISTORY: "history",
}


def parse_workbook(raw: RawWorkbook, *, mapping: ColumnMapping | None = None) -> Portfolio:
    """Turn raw cells into a typed Portfolio and the problems a person should fix.

    Tabs and headers match case-, space- and underscore-insensitively, with aliases;
    `mapping` (from a Mapping tab) is applied first. Blank rows are skipped and counted;
    every other row is kept, with unreadable cells missing and listed as problems.

    >>> raw = RawWorkbook({"Initiatives": [
    ...     ["ID", "Name", "Team", "Origin", "Stage", "Start Date", "Status"],
    ...     ["AI-1", "Triage bot", "Support", "Grassroots", "Pilot", "3/4/2026", "Greeen"],
    ... ]}, origin="example", kind="file", fetched_at=dt.datetime.now(dt.UTC))
    >>> portfolio = parse_workbook(raw)
    >>> portfolio.initiatives.loc[0, "started"], portfolio.problems[0].cell
    (Timestamp('2026-03-04 00:00:00'), 'Initiatives!G2')
    """
    problems: list[Problem] = list(raw.problems)  # what the source could not read
    matched = _match_tabs(raw.tabs, problems)
    if schema.MAPPING in matched:
        # The caller's mapping (secrets, or a preview) wins over the sheet's own Mapping tab.
        sheet_name, rows = matched[schema.MAPPING]
        mapping = merge(read_mapping_rows(rows, sheet_name=sheet_name), mapping)
    if mapping is not None:
        problems.extend(mapping.problems)
    parsed: dict[str, _Tab] = {}
    for name, table in schema.TABLES.items():
        if name == schema.SETTINGS or name not in matched:
            continue
        sheet_name, rows = matched[name]
        parsed[name] = _parse_tab(table, sheet_name, rows, problems, mapping=mapping)
    if schema.INITIATIVES not in matched:
        problems.insert(
            0,
            Problem(
                schema.INITIATIVES,
                schema.INITIATIVES,
                None,
                None,
                "The workbook has no Initiatives tab",
                severity=ERROR,
                fix="Add a tab named Initiatives with one row per initiative "
                "(id, name, team, origin, stage, started)",
            ),
        )

    initiatives = parsed.get(schema.INITIATIVES)
    if initiatives is not None and "id" in initiatives.positions:
        ids = initiatives.frame["id"].dropna()
        for name in (schema.USAGE, schema.CHECKINS):
            tab = parsed.get(name)
            if tab is not None and "initiative_id" in tab.positions:
                _check_known_ids(tab, ids, problems)

    history = parsed.get(schema.STATUS_HISTORY)
    if history is not None:
        _check_history(history, problems)

    settings = dict(schema.SETTINGS_DEFAULTS)
    if schema.SETTINGS in matched:
        sheet_name, rows = matched[schema.SETTINGS]
        settings, parsed[schema.SETTINGS] = _parse_settings(sheet_name, rows, problems)

    frames = {
        field_name: parsed[name].frame if name in parsed else _empty_frame(schema.TABLES[name])
        for name, field_name in _FRAME_FIELDS.items()
    }
    frames["usage"] = usage_sources.resolve(frames["usage"])
    return Portfolio(
        **frames,
        settings=settings,
        problems=problems,
        tabs_present=frozenset(matched),
        columns_present={
            name: frozenset(tab.positions) | tab.defaulted for name, tab in parsed.items()
        },
        unknown_columns={name: tab.unknown for name, tab in parsed.items()},
        rows_read={name: tab.rows_read for name, tab in parsed.items()},
        blank_rows={name: tab.blank_rows for name, tab in parsed.items()},
        origin=raw.origin,
        kind=raw.kind,
        fetched_at=raw.fetched_at,
    )
