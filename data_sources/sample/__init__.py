"""The bundled demo workbook: a folder of CSV files, one per tab, written by `generate.py`.

It is what the dashboard shows when no source is configured, so `make run` works offline.
Its dates follow the calendar: `read_sample` moves every date by whole weeks so that its
as-of date is today (weeks stay Mondays, the story stays the same), so a check-in made now
counts at once. `GROUNDTRUTH_SAMPLE_TODAY` (YYYY-MM-DD) sets the day it is read for; the
tests pin it to the generated as-of date, which leaves every cell as generated.

>>> read_sample(today=dt.date(2026, 11, 23)).tabs["Settings"][1]
['as_of', '2026-11-23']
>>> read_sample(today=dt.date(2026, 12, 9)).tabs["Settings"][1]
['as_of', '2026-12-09']
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from data_sources.files import read_csv_folder
from portfolio.model import Cell, RawWorkbook

SAMPLE_DIR = Path(__file__).resolve().with_name("workbook")
SAMPLE_ORIGIN = "sample workbook (bundled demo data)"
# The as-of date the CSV files were generated for (generate.AS_OF; read from Settings).
TODAY_ENV = "GROUNDTRUTH_SAMPLE_TODAY"
DAYS_PER_WEEK = 7
# An ISO date at the start of a cell: "2026-11-23", "2026-06-15 16:20:00", "…T07:00:00Z".
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(.*)$", re.DOTALL)


def sample_today() -> dt.date:
    """The day the sample is read for: GROUNDTRUTH_SAMPLE_TODAY if set, else today."""
    pinned = os.environ.get(TODAY_ENV, "").strip()
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


def _shift(cell: Cell, days: int) -> Cell:
    if not days or not isinstance(cell, str):
        return cell
    match = _ISO_DATE.match(cell)
    if match is None:
        return cell
    try:
        day = dt.date.fromisoformat(match.group(1))
    except ValueError:
        return cell
    return (day + dt.timedelta(days=days)).isoformat() + match.group(2)


def read_sample(*, today: dt.date | None = None) -> RawWorkbook:
    """The bundled demo workbook (kind "sample"), its dates moved so that its as-of is `today`.

    Every ISO date in every tab moves by the same whole number of weeks (the most that keeps
    the last usage week on or before `today`); Settings `as_of` becomes `today` itself.

    >>> read_sample().kind, read_sample().origin
    ('sample', 'sample workbook (bundled demo data)')
    """
    book = read_csv_folder(SAMPLE_DIR, kind="sample")
    today = sample_today() if today is None else today
    settings = book.tabs.get("Settings", [])
    generated = next(
        (dt.date.fromisoformat(str(row[1])) for row in settings[1:] if row[:1] == ["as_of"]),
        today,
    )
    days = (today - generated).days // DAYS_PER_WEEK * DAYS_PER_WEEK
    tabs = {
        name: [rows[0], *([_shift(cell, days) for cell in row] for row in rows[1:])]
        for name, rows in book.tabs.items()
    }
    tabs["Settings"] = [
        row if row[:1] != ["as_of"] else ["as_of", today.isoformat()]
        for row in tabs.get("Settings", [])
    ]
    return RawWorkbook(tabs=tabs, origin=SAMPLE_ORIGIN, kind="sample", fetched_at=book.fetched_at)
