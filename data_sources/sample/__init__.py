"""The bundled demo workbook: a folder of CSV files, one per tab, written by `generate.py`.

It is what the dashboard shows when no source is configured, so `make run` works offline.

>>> read_sample().tabs["Settings"][1]
['as_of', '2026-11-23']
"""

from __future__ import annotations

from pathlib import Path

from data_sources.files import read_csv_folder
from portfolio.model import RawWorkbook

SAMPLE_DIR = Path(__file__).resolve().with_name("workbook")
SAMPLE_ORIGIN = "sample workbook (bundled demo data)"


def read_sample() -> RawWorkbook:
    """The bundled demo workbook, read from its CSV files (kind "sample").

    >>> read_sample().kind, read_sample().origin
    ('sample', 'sample workbook (bundled demo data)')
    """
    book = read_csv_folder(SAMPLE_DIR, kind="sample")
    return RawWorkbook(
        tabs=book.tabs, origin=SAMPLE_ORIGIN, kind="sample", fetched_at=book.fetched_at
    )
