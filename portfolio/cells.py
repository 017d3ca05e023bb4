"""A column of cells as its distinct values: the base every cell reader works on.

Every reader works column-wise: it factorizes the column (`distinct`), reads each
*distinct* value once with vectorized pandas string operations, and spreads the result back
over the cells (`expand`). A column of 520,000 weeks holds a few hundred distinct strings,
so the cost is the factorize. The readers by kind are in portfolio.readers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio import schema

# No date, amount or number is longer; longer cells are rejected before any regex runs.
MAX_VALUE_CHARS = 64
# Longer raw values are shortened in problem messages (the Problem keeps the full value).
MAX_SHOWN_CHARS = 60
# Integers above this lose precision in float64; such a count is a typo anyway.
MAX_EXACT_INTEGER = 2**53
# Emoji may carry a variation selector ("🟢\ufe0f"); it changes nothing about the word.
_VARIATION_SELECTORS = "\ufe0e\ufe0f"
SPACES = r"\s+"
# pandas.api.types.infer_dtype answers for columns holding only numbers.
_NUMERIC_KINDS = frozenset({"integer", "floating", "mixed-integer-float"})


@dataclass
class Distinct:
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

    def rows(self, keep: np.ndarray) -> Distinct:
        """The same distinct values, for the cells of rows `keep` only."""
        return Distinct(self.codes[keep], self.raw, self.is_str, self.number, self._text)


def render(value: object) -> str:
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


def objects(items: list) -> np.ndarray:
    """A 1-d object array of `items` (np.array would make fixed-width strings of text)."""
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def is_number_cell(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _render_numbers(raw: np.ndarray, number: np.ndarray) -> np.ndarray:
    """render for a column of numbers, vectorized where it matters: 12.0 -> '12'."""
    text = objects([str(v) for v in raw])
    whole = np.isfinite(number) & (np.abs(number) < MAX_EXACT_INTEGER)
    whole[whole] = np.mod(number[whole], 1) == 0
    if whole.any():
        text[whole] = [str(v) for v in number[whole].astype(np.int64).tolist()]
    return text


def distinct_values(values: object) -> Distinct:
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
        return Distinct(codes, raw, np.zeros(n, dtype=bool), raw.astype(float))
    else:
        is_str = np.fromiter((isinstance(v, str) for v in raw), dtype=bool, count=n)
        text = objects([v.strip() if isinstance(v, str) else render(v) for v in raw])
        number = np.fromiter(
            (float(v) if is_number_cell(v) else np.nan for v in raw), dtype=float, count=n
        )
    blank = text == ""
    if blank.any():
        codes = np.where(np.append(blank, True)[codes], -1, codes)
    return Distinct(codes, raw, is_str, number, text)


def expand(
    distinct: Distinct, typed: object, bad: np.ndarray
) -> tuple[np.ndarray | pd.api.extensions.ExtensionArray, np.ndarray]:
    """Spread per-distinct results back over the cells (empty cells -> missing, not bad)."""
    values = pd.api.extensions.take(typed, distinct.codes, allow_fill=True)
    return values, np.append(bad, False)[distinct.codes]


def as_series(values: object) -> pd.Series:
    return values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)


def word_key(text: str) -> str:
    """Lookup key of a word: normalized, or the bare symbol when it has no letters (🟢)."""
    return schema.normalize(text) or text.strip(_VARIATION_SELECTORS + " ")


def apply_value_map(distinct: Distinct, words: dict[str, str] | None) -> Distinct:
    """Replace sheet-specific words (from a ColumnMapping) before the column is read."""
    if not words or not len(distinct.raw):
        return distinct
    lookup = {word_key(k): v for k, v in words.items()}
    mapped = [lookup.get(word_key(t)) for t in distinct.text]
    hits = np.array([m is not None for m in mapped])
    if not hits.any():
        return distinct
    raw, text, is_str = distinct.raw.copy(), distinct.text.copy(), distinct.is_str.copy()
    number = distinct.number.copy()
    for i in np.flatnonzero(hits):
        raw[i] = text[i] = mapped[i]
        is_str[i] = True
        number[i] = np.nan
    return Distinct(distinct.codes, raw, is_str, number, text)


def shown(text: str) -> str:
    """`text` as a problem message quotes it: at most MAX_SHOWN_CHARS characters."""
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"
