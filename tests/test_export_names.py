"""Download file names say which page and which as-of date they hold.

On the Watermelons workbook (as of 1 Jun 2026) every download of a page is named
`<page>-…-2026-06-01.<ext>`, so a folder of exports sorts by page and date.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.apptest_support import downloads, record_downloads, run_app
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
def test_page_downloads_carry_the_page_and_the_as_of_date(tmp_path, monkeypatch, page, expected):
    record_downloads(monkeypatch)
    at = run_app(tmp_path, monkeypatch, tabs=WATERMELONS, page=page)
    assert not at.exception
    names = set(downloads(at))
    assert expected <= names, sorted(names)
    exports = [name for name in names if name.endswith((".csv", ".png"))]  # not the template
    assert all(name.endswith(("-2026-06-01.csv", "-2026-06-01.png")) for name in exports), exports
