"""Formatting of money, counts, shares, dates and ages as readers see them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ui import format as fmt


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "$0"),
        (999, "$999"),
        (1_000, "$1k"),
        (52_000, "$52k"),
        (52_500, "$52.5k"),
        (303_220, "$303k"),
        (1_250_000, "$1.25M"),
        (12_345_678, "$12.3M"),
        (2_000_000_000, "$2B"),
        (-52_000, "-$52k"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_money(value, expected):
    assert fmt.money(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (12345, "12,345"), (9.6, "10"), (None, "—"), (pd.NA, "—")],
)
def test_integer(value, expected):
    assert fmt.integer(value) == expected


@pytest.mark.parametrize(
    ("share", "expected"), [(0.2857, "29%"), (0, "0%"), (1, "100%"), (float("nan"), "—")]
)
def test_percent(share, expected):
    assert fmt.percent(share) == expected


def test_day_drops_the_year_of_as_of():
    assert fmt.day(pd.Timestamp("2026-06-02"), as_of=pd.Timestamp("2026-11-23")) == "2 Jun"
    assert fmt.day(pd.Timestamp("2025-06-02"), as_of=pd.Timestamp("2026-11-23")) == "2 Jun 2025"
    assert fmt.day(pd.NaT) == "—"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (30, "just now"),
        (59 * 60, "59 min ago"),
        (134 * 60, "2 h 14 min ago"),
        (26 * 3600, "1 d 2 h ago"),
    ],
)
def test_age(seconds, expected):
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
    assert fmt.age(now - dt.timedelta(seconds=seconds), now=now) == expected


def test_plural():
    assert fmt.plural(1, "initiative") == "1 initiative"
    assert fmt.plural(3, "initiative") == "3 initiatives"
    assert fmt.plural(2, "cell or column", "cells or columns") == "2 cells or columns"
