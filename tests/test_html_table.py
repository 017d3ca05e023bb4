"""The static tables (ui/html_table.py): every cell whole, escaped, formatted as the grid does.

Hostile cells (an <img onerror>, a <script>, a javascript: link, markdown) come out as text:
the only tags in the output are the table's own.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
import streamlit as st

from tests.workbooks import HOSTILE, HUGE, IMG, SCRIPT
from ui import html_table

OUR_TAGS = {"style", "div", "table", "thead", "tbody", "tr", "th", "td", "span"}


def _tags(page: str) -> set[str]:
    return set(re.findall(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)", page))


@pytest.mark.parametrize("cell", [*HOSTILE, HUGE])
def test_a_hostile_cell_is_text(cell):
    page = html_table.render(pd.DataFrame({cell: [cell], "why": [[cell, cell]]}), wide=["why"])
    assert _tags(page) <= OUR_TAGS
    assert cell not in page or not any(ch in cell for ch in "<>&\"'")


def test_hostile_markup_is_escaped_not_dropped():
    page = html_table.render(pd.DataFrame({"name": [IMG], "notes": [SCRIPT]}))
    assert "&lt;img src=x onerror=&quot;window.__gt_pwned=1&quot;&gt;" in page
    assert "&lt;script&gt;window.__gt_pwned=1&lt;/script&gt;" in page


def test_a_long_reason_is_whole():
    page = html_table.render(pd.DataFrame({"why": [HUGE]}), wide=["why"])
    assert HUGE in page  # no ellipsis, no cut: the cell wraps instead
    assert '<th class="gt-wide">why</th>' in page


def test_cells_read_as_the_grid_shows_them():
    frame = pd.DataFrame(
        {
            "name": ["Bot", None],
            "annual_cost": [50000.0, float("nan")],
            "started": pd.to_datetime(["2026-03-02", None]),
            "share": [33.333, 50.0],
            "lived": [2.25, 3.0],
            "adopted": [True, False],
            "reasons": [["Reported Green, but no update", "Went back to Excel"], []],
        }
    )
    config = {
        "name": "Initiative",
        "annual_cost": st.column_config.NumberColumn("Annual cost", format="dollar"),
        "started": st.column_config.DateColumn("Started", format="D MMM YYYY"),
        "share": st.column_config.NumberColumn("Share", format="%.0f%%"),
    }
    page = html_table.render(frame, column_config=config)
    rows = re.findall(r"<tr>(.*?)</tr>", page)
    cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row) for row in rows]
    assert cells[0] == ["Initiative", "Annual cost", "Started", "Share", "lived", "adopted",
                        "reasons"]  # fmt: skip
    assert cells[1][:6] == ["Bot", "$50,000", "2 Mar 2026", "33%", "2.25", "yes"]
    # a verdict's reasons, one per line
    assert cells[1][6] == (
        '<span class="gt-line">Reported Green, but no update</span>'
        '<span class="gt-line">Went back to Excel</span>'
    )
    assert cells[2] == ["—", "—", "—", "50%", "3", "no", "—"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "—"), (dt.date(2026, 2, 16), "16 Feb 2026"), (1200.0, "1,200"), (-5, "-5"),
     ("<b>", "<b>"), (["a", "b"], "a; b")],
)  # fmt: skip
def test_cell_text(value, expected):
    assert html_table.cell_text(value) == expected


def test_large_when_presenting():
    assert 'class="gt-table gt-large"' in html_table.render(pd.DataFrame({"a": [1]}), large=True)
    assert 'class="gt-table"' in html_table.render(pd.DataFrame({"a": [1]}))
