"""Tables a reader can read without a click: reasons whole, every column on the page, large when
presenting, and the page's key chart before its table on a shared screen.

On the bundled sample (as of 23 Nov 2026: 6 watermelons, 21 initiatives stalled, reverted or
abandoned) and on Sheet health's own fixture of typed mistakes.
"""

from __future__ import annotations

import html
from types import SimpleNamespace

import pytest

from tests.apptest_support import PageVisits, run_app
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


def _look(page, at) -> SimpleNamespace:
    """What a test below reads of a page, taken before the reader moves to the next."""
    return SimpleNamespace(
        dataframes=[d.value for d in at.dataframe],
        tables=_tables(at),
        order=_in_page_order(at),
        captions=[c.value for c in at.caption],
    )


# The tests that only read the sample's Watermelons and Stalled pages share one visit of
# them per query, in one test process.
READS_SAMPLE = pytest.mark.xdist_group("readable-tables-sample")
SAMPLE_PAGES = ["pages/watermelons.py", "pages/stalled.py"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """sample(page, query) -> what the page showed on the bundled sample; it must not raise."""
    visits = PageVisits(tmp_path_factory, look=_look)

    def seen(page: str, query: dict[str, str] | None = None) -> SimpleNamespace:
        exceptions, looked = visits("sample", query=query, pages=SAMPLE_PAGES)[page]
        assert exceptions == []
        return looked

    return seen


@READS_SAMPLE
def test_watermelons_reasons_read_whole_with_owner_and_id(sample):
    at = sample("pages/watermelons.py")
    grid = at.dataframes[0]
    [table] = at.tables
    for label in ("Initiative", "Why we think so", "Owner", "ID"):
        assert f">{label}</th>" in table
    assert len(grid) == 6
    for why, owner, initiative_id in grid.loc[:, ["why", "owner", "id"]].itertuples(index=False):
        assert html.escape(why) in table  # the whole reason, not cut at a column's edge
        assert f">{html.escape(owner)}</td>" in table
        assert f">{initiative_id}</td>" in table


@READS_SAMPLE
def test_stalled_reasons_read_whole_next_to_the_initiative(sample):
    at = sample("pages/stalled.py")
    grid = next(d for d in at.dataframes if "reason" in d.columns)
    [table] = at.tables
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


@READS_SAMPLE
def test_presenting_draws_the_first_rows_large(sample):
    at = sample("pages/stalled.py", {"present": "1"})
    [table] = at.tables
    assert 'class="gt-table gt-large"' in table
    assert table.count("<tr>") == 1 + display.PRESENT_ROWS  # the header and the first 10
    assert f"The first {display.PRESENT_ROWS} of 21 rows" in " ".join(at.captions)


@READS_SAMPLE
def test_presenting_watermelons_shows_the_usage_before_the_table(sample):
    normal = sample("pages/watermelons.py").order
    assert normal.index("table") < normal.index("chart")
    presenting = sample("pages/watermelons.py", {"present": "1"}).order
    assert presenting.index("chart") < presenting.index("table")
