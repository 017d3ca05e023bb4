"""Tables a reader can read without a click: reasons whole, every column on the page, large when
presenting, and the page's key chart before its table on a shared screen.

On the bundled sample (as of 23 Nov 2026: 6 watermelons, 21 initiatives stalled, reverted or
abandoned) and on Sheet health's own fixture of typed mistakes.
"""

from __future__ import annotations

import html

from tests.apptest_support import run_app
from tests.workbooks import SHEET_WITH_PROBLEMS
from ui import display


def _tables(at) -> list[str]:
    """The static tables on the page (st.html bodies that hold a table)."""
    return [e.proto.body for e in at.get("html") if "<table>" in e.proto.body]


def _in_page_order(at) -> list[str]:
    """The page's static tables and charts, top to bottom: ["table", "chart", ...]."""
    order, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        children = getattr(node, "children", None) or {}
        stack.extend(children[k] for k in sorted(children, reverse=True))
        kind = getattr(node, "type", None)
        if kind in {"html", "arrow_vega_lite_chart", "vega_lite_chart"}:
            body = getattr(node.proto, "body", "")
            order.append("table" if kind == "html" and "<table>" in body else "chart")
    return order


def test_watermelons_reasons_read_whole_with_owner_and_id(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, page="pages/watermelons.py")
    grid = at.dataframe[0].value
    [table] = _tables(at)
    for label in ("Initiative", "Why we think so", "Owner", "ID"):
        assert f">{label}</th>" in table
    assert len(grid) == 6
    for why, owner, initiative_id in grid.loc[:, ["why", "owner", "id"]].itertuples(index=False):
        assert html.escape(why) in table  # the whole reason, not cut at a column's edge
        assert f">{html.escape(owner)}</td>" in table
        assert f">{initiative_id}</td>" in table


def test_stalled_reasons_read_whole_next_to_the_initiative(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, page="pages/stalled.py")
    grid = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    [table] = _tables(at)
    assert ">Initiative</th>" in table and ">Why</th>" in table
    for label, reason in grid.loc[:, ["label", "reason"]].itertuples(index=False):
        assert f"<td>{html.escape(label)}</td>" in table
        assert html.escape(reason) in table


def test_sheet_health_problems_and_fixes_read_whole(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=SHEET_WITH_PROBLEMS, page="pages/sheet_health.py")
    problems = [d.value for d in at.dataframe if "problem" in d.value.columns]
    tables = "".join(_tables(at))
    assert problems
    for frame in problems:
        for problem, fix in frame.loc[:, ["problem", "how to fix"]].itertuples(index=False):
            assert html.escape(problem) in tables
            assert html.escape(fix) in tables


def test_presenting_draws_the_first_rows_large(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, page="pages/stalled.py", query={"present": "1"})
    [table] = _tables(at)
    assert 'class="gt-table gt-large"' in table
    assert table.count("<tr>") == 1 + display.PRESENT_ROWS  # the header and the first 10
    captions = [c.value for c in at.caption]
    assert f"The first {display.PRESENT_ROWS} of 21 rows" in " ".join(captions)


def test_presenting_watermelons_shows_the_usage_before_the_table(tmp_path, monkeypatch):
    normal = _in_page_order(run_app(tmp_path, monkeypatch, page="pages/watermelons.py"))
    assert normal.index("table") < normal.index("chart")
    at = run_app(tmp_path, monkeypatch, page="pages/watermelons.py", query={"present": "1"})
    presenting = _in_page_order(at)
    assert presenting.index("chart") < presenting.index("table")
