"""Property tests for portfolio.parse: any grid of cells parses, and no row vanishes.

`HYPOTHESIS_PROFILE=deep` draws four times the examples (tests/hypothesis_profiles.py).
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio import schema
from portfolio.parse import parse_workbook
from portfolio.readers import (
    parse_booleans,
    parse_choice,
    parse_dates,
    parse_money,
    parse_numbers,
)
from tests.conftest import raw_workbook
from tests.hypothesis_profiles import examples

MAX_EXAMPLES = examples(quick=50, deep=200)
# each example runs six readers, so fewer examples cover as many cells
MAX_READER_EXAMPLES = examples(quick=25, deep=100)
MAX_ROWS = 12
MAX_WIDTH = 8

NASTY = [
    "",
    "   ",
    "=1+1",
    '=IMPORTXML("http://x", "//a")',
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "🟢",
    "🟢\ufe0f",
    "Greeen",
    "$50,000",
    "€1.2M",
    "(1,000)",
    "3/4/2026",
    "13/45/2026",
    "2026-02-30",
    "46085",
    "1e309",
    "-0",
    "nan",
    "NaN",
    "None",
    "null",
    "#N/A",
    "#REF!",
    "\u200b",
    "\x00",
    "a\nb",
    "1,2,3",
    "AI-1",
]

cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.text(min_size=200, max_size=2000),
    st.sampled_from(NASTY),
)
rows = st.lists(cells, max_size=MAX_WIDTH)


def _headers(tab: str) -> st.SearchStrategy[list]:
    """Either the contract's own headers (so typed readers run) or anything at all."""
    canonical = [c.name for c in schema.TABLES[tab].columns]
    return st.one_of(
        st.permutations(canonical).map(list),
        st.lists(st.one_of(st.sampled_from(canonical), cells), max_size=MAX_WIDTH),
    )


@st.composite
def grids(draw, tab: str) -> list[list]:
    return [draw(_headers(tab)), *draw(st.lists(rows, max_size=MAX_ROWS))]


@pytest.mark.slow
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(initiatives=grids(schema.INITIATIVES), usage=grids(schema.USAGE))
def test_any_grid_parses_and_keeps_every_row(initiatives, usage):
    portfolio = parse_workbook(raw_workbook({"Initiatives": initiatives, "Usage": usage}))
    for tab, grid, frame in (
        (schema.INITIATIVES, initiatives, portfolio.initiatives),
        (schema.USAGE, usage, portfolio.usage),
    ):
        data_rows = len(grid) - 1
        assert portfolio.rows_read[tab] + portfolio.blank_rows[tab] == data_rows
        assert len(frame) == portfolio.rows_read[tab]
        assert {c.name for c in schema.TABLES[tab].columns} <= set(frame.columns)
        # sheet rows are 1-based below the header, increasing, within the grid
        assert frame["_row"].is_monotonic_increasing
        assert frame["_row"].between(2, len(grid)).all()
    for problem in portfolio.problems:
        assert problem.tab in schema.TABLES
        assert problem.message and problem.fix


@pytest.mark.slow
@settings(max_examples=MAX_READER_EXAMPLES, deadline=None)
@given(values=st.lists(cells, max_size=MAX_ROWS))
def test_readers_never_raise_and_flag_only_non_blank_cells(values):
    series = pd.Series(values, dtype=object)
    blank = series.map(lambda v: v is None or (isinstance(v, str) and not v.strip()))
    status = schema.TABLES[schema.INITIATIVES].column("reported_status")
    for parsed, bad in (
        parse_dates(series),
        parse_money(series),
        parse_numbers(series, integer=True),
        parse_numbers(series, integer=False),
        parse_choice(series, status),
        parse_booleans(series),
    ):
        assert len(parsed) == len(series) == len(bad)
        assert not (bad & blank).any()
        # a cell is either read, missing because blank, or flagged: never silently dropped
        assert (parsed.notna() | blank | bad | series.map(_is_nan)).all()


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and value != value
