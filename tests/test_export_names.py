"""Download file names say which page and which as-of date they hold.

On the Watermelons workbook (as of 1 Jun 2026) every download of a page is named
`<page>-…-2026-06-01.<ext>`, so a folder of exports sorts by page and date.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.apptest_support import PageVisits, downloads, record_downloads
from tests.workbooks import WATERMELONS
from ui import display


@pytest.mark.parametrize(
    ("stem", "name"),
    [
        ("watermelons", "watermelons-2026-06-01.csv"),
        ("sheet_health_tabs", "sheet-health-tabs-2026-06-01.csv"),
        ("Sheet health / Initiatives", "sheet-health-initiatives-2026-06-01.csv"),
        ("", "export-2026-06-01.csv"),
    ],
)
def test_export_name_is_a_slug_and_the_as_of_date(stem, name):
    assert display.export_name(stem, pd.Timestamp("2026-06-01")) == name


DOWNLOADING = [
    "pages/watermelons.py",
    "pages/stalled.py",
    "pages/edges.py",
    "pages/sheet_health.py",
]


@pytest.fixture(scope="module")
def named_downloads(tmp_path_factory):
    """{page: (exceptions, its download names)}: the four pages on WATERMELONS, run once."""
    visits = PageVisits(tmp_path_factory, look=lambda page, at: set(downloads(at)))
    with pytest.MonkeyPatch.context() as patch:
        record_downloads(patch)
        return visits("watermelons", tabs=WATERMELONS, pages=DOWNLOADING)


# The page tests read one visit of the four pages, in one test process.
@pytest.mark.xdist_group("export-names")
@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            "pages/watermelons.py",
            {"Download CSV: watermelons-2026-06-01.csv"},
        ),
        (
            "pages/stalled.py",
            {
                "Download CSV: stalled-and-reverted-2026-06-01.csv",
                "Download PNG: stalled-timeline-2026-06-01.png",
            },
        ),
        ("pages/edges.py", {"Download CSV: edges-grassroots-adopted-2026-06-01.csv"}),
        ("pages/sheet_health.py", {"Download CSV: sheet-health-tabs-2026-06-01.csv"}),
    ],
    ids=["watermelons", "stalled", "edges", "sheet_health"],
)
def test_page_downloads_carry_the_page_and_the_as_of_date(named_downloads, page, expected):
    exceptions, names = named_downloads[page]
    assert exceptions == []
    assert expected <= names, sorted(names)
    exports = [name for name in names if name.endswith((".csv", ".png"))]  # not the template
    assert all(name.endswith(("-2026-06-01.csv", "-2026-06-01.png")) for name in exports), exports
