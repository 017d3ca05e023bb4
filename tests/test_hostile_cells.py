"""Hostile cells: sheet text is shown as text on every page, never as HTML or active markdown.

A workbook whose cells hold an <img onerror>, a javascript: link, a <script>, markdown and
Streamlit directives, a formula and a 5,000-character note runs through every page: no
exception, no markdown element where that text is still markup, no HTML element that carries
it, long cells cut in tables with the full text a row selection away, and CSV exports whose
formula-like cells are neutralized. A static check keeps `unsafe_allow_html` and `st.html` to
our own constant stylesheets; hypothesis throws arbitrary grids at a few pages.
"""

from __future__ import annotations

import ast
import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st_
from streamlit.testing.v1 import AppTest

from tests.apptest_support import ROOT, PageVisits, run_app
from tests.hypothesis_profiles import examples
from tests.workbooks import FORMULA, HEADING, HOSTILE, HUGE, IMG, LINK, MARKUP, SCRIPT
from ui import display, page_list
from ui import format as fmt

# What must never survive as markup once backslash-escaped characters are taken out.
ACTIVE = ("<img", "<script", "](javascript", ":red[", "**bold**", "$x^2$")

HEADERS = [
    "id", "name", "team", "owner", "origin", "area", "tool", "reported_status", "stage",
    "started", "last_update", "annual_cost", "seats", "claimed_hours_saved_per_week",
    "reverted_to", "notes",
]  # fmt: skip
HOSTILE_WORKBOOK = {
    "Initiatives": [
        HEADERS,
        ["AI-001", IMG, LINK, MARKUP, "Mandate", SCRIPT, LINK, "Green", "Stalled",
         "2025-06-02", "2025-07-01", "50000", "40", "12", HUGE, FORMULA],
        ["AI-002", LINK, SCRIPT, IMG, "Grassroots", "Support", IMG, "Green", "Reverted",
         "2025-09-01", "2026-01-05", "9000", "", "", IMG, HEADING],
        ["AI-003", FORMULA, "Finance", "Dana Whitfield", "Vendor", MARKUP, SCRIPT, "Amber",
         "Adopted", "2025-11-03", "2026-05-04", "", "", "4", "", HUGE],
        ["AI-004", HEADING, MARKUP, FORMULA, "Grassroots", LINK, "=1+1", "Green", "Pilot",
         "2026-04-06", "2026-05-25", "-5", "", "", "", IMG],
    ],
    "Usage": [
        ["initiative_id", "week", "active_users", "measured_hours_saved"],
        ["AI-003", "2026-04-06", "12", "3"],
        ["AI-003", "2026-04-13", "14", "4"],
        ["AI-003", "2026-04-20", "13", "4"],
        ["AI-003", "2026-04-27", "15", "5"],
        ["AI-002", "2025-09-08", "20", ""],
        ["AI-002", "2025-09-15", "22", ""],
        ["AI-002", "2025-09-22", "21", ""],
        ["AI-002", "2026-05-18", "1", ""],
    ],
    "CheckIns": [
        ["checkin_id", "timestamp", "initiative_id", "author", "reported_status", "stage",
         "active_users", "note"],
        ["c-1", "2026-05-20T09:00:00Z", "AI-004", IMG, "Green", "Pilot", "3", LINK],
    ],
    "DailyTools": [
        ["department", "role", "tool", "frequency", "sanctioned"],
        [LINK, IMG, SCRIPT, "Daily", "no"],
        ["Finance", MARKUP, "ChatGPT", "Daily", "yes"],
    ],
    "Settings": [["key", "value"], ["as_of", "2026-06-01"]],
}  # fmt: skip


def app_pages() -> list[str]:
    """Every page of the app (ui.page_list), in its order."""
    return [page.path for page in page_list.PAGES]


def rendered_as_markdown(at: AppTest) -> list[tuple[str, str, bool]]:
    """(where, text, allow_html) for everything Streamlit renders as markdown on the page."""
    out: list[tuple[str, str, bool]] = []
    for kind in ("markdown", "caption", "latex"):
        for el in getattr(at, kind):
            out.append((kind, str(el.value), bool(getattr(el, "allow_html", False))))
    for kind in ("title", "header", "subheader", "info", "warning", "error", "success"):
        out.extend((kind, str(el.value), False) for el in getattr(at, kind))
    for kind in ("expander", "tabs", "status"):
        for el in getattr(at, kind, []):
            out.append((kind, str(getattr(el, "label", "")), False))
    for m in at.metric:
        out.append(("metric label", str(m.label), False))
    for kind in ("button", "checkbox", "toggle", "selectbox", "multiselect", "radio",
                 "text_input", "text_area", "number_input", "date_input", "slider",
                 "select_slider"):  # fmt: skip
        for w in getattr(at, kind):
            out.append((f"{kind} label", str(w.label), False))
            out.append((f"{kind} help", str(getattr(w, "help", "") or ""), False))
    for radio in at.radio:  # radio options are markdown too
        out.extend(("radio option", str(o), False) for o in radio.options)
    return out


def still_markup(text: str) -> list[str]:
    """The active sequences left in markdown once every backslash-escaped character is out."""
    bare = re.sub(r"\\.", "", text, flags=re.DOTALL)
    return [seq for seq in ACTIVE if seq in bare]


def assert_sheet_text_is_text(at: AppTest, page: str) -> None:
    assert_text_is_text(page, [e.value for e in at.exception], rendered_as_markdown(at))


def _look(page: str, at: AppTest) -> tuple[list, list]:
    """What a page renders as markdown, and the sidebar team filter's value."""
    return rendered_as_markdown(at), at.multiselect(key="sidebar_team").value


def assert_text_is_text(page: str, exceptions: list[str], rendered: list) -> None:
    """assert_sheet_text_is_text, on what a page visit kept (tests.apptest_support.PageVisits)."""
    assert not exceptions, (page, exceptions)
    for where, text, allow_html in rendered:
        assert not still_markup(text), (page, where, text[:300])
        if allow_html:  # our own stylesheets only: no sheet text, escaped or not
            assert not any(
                piece in text for piece in ("__gt_pwned", "HYPERLINK", "went back to the macros")
            ), (page, where, text[:300])


@pytest.fixture(scope="module")
def visits(tmp_path_factory):
    """Every page on the hostile workbook, with a query (presenting, a filter scope)."""
    pages = PageVisits(tmp_path_factory, look=_look)
    return lambda name, query: pages(name, tabs=HOSTILE_WORKBOOK, query=query)


@pytest.mark.xdist_group("hostile-plain")
@pytest.mark.parametrize("page", app_pages())
def test_every_page_shows_hostile_cells_as_text(visits, page):
    exceptions, (rendered, _) = visits("plain", None)[page]
    assert_text_is_text(page, exceptions, rendered)


# Presentation mode adds our stylesheet (HTML) and rewrites names: the pages with the most
# sheet text on them.
PRESENTED = ["pages/overview.py", "pages/watermelons.py", "pages/stalled.py"]


@pytest.mark.xdist_group("hostile-present")
@pytest.mark.parametrize("page", PRESENTED)
def test_every_page_shows_hostile_cells_as_text_when_presenting(visits, page):
    exceptions, (rendered, _) = visits("present", {"present": "1"})[page]
    assert_text_is_text(page, exceptions, rendered)


def test_a_hostile_team_in_the_filters_stays_text(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=HOSTILE_WORKBOOK, query={"team": LINK})
    assert at.multiselect(key="sidebar_team").value == [LINK]
    assert_sheet_text_is_text(at, "pages/overview.py")
    # the filter is named on the page, escaped
    assert any(fmt.plain(LINK) in text for _, text, _ in rendered_as_markdown(at))


# The sidebar's filters, named on every page: either some initiatives match (AI-001, AI-004)
# or none does (no initiative has both that team and that area).
SCOPES = {
    "some": {"team": f"{LINK},{MARKUP}", "area": f"{SCRIPT},{LINK}", "tool": f"{LINK},=1+1"},
    "none": {"team": LINK, "area": LINK},
}


@pytest.mark.parametrize(
    "scope", [pytest.param(s, marks=pytest.mark.xdist_group(f"hostile-{s}")) for s in SCOPES]
)
@pytest.mark.parametrize("page", app_pages())
def test_every_page_names_a_hostile_filter_scope_as_text(visits, page, scope):
    exceptions, (rendered, team) = visits(scope, SCOPES[scope])[page]
    assert team == SCOPES[scope]["team"].split(",")
    assert_text_is_text(page, exceptions, rendered)
    if scope == "none":  # every page says that nothing matches, naming the filters as text
        shown = [text for _, text, _ in rendered]
        assert any(fmt.plain(LINK) in text for text in shown), (page, shown)


def test_a_hostile_file_name_in_an_upload_error_stays_text(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, page="pages/sheet_health.py")
    name = "[x](javascript:alert(1)) **b** $y$.xlsx"
    at.file_uploader(key="sidebar_upload").set_value((name, b"not a workbook", "")).run()
    assert not at.exception
    [error] = at.sidebar.error
    assert fmt.plain(name) in error.value
    assert_sheet_text_is_text(at, "pages/sheet_health.py")


HOSTILE_ID = "[id](javascript:window.__gt_pwned=1)"


def test_hostile_ids_recorded_in_status_history_stay_text_on_trends(tmp_path, monkeypatch):
    # Trends lists the ids whose "then" comes from StatusHistory: ids are sheet text too.
    rows = HOSTILE_WORKBOOK["Initiatives"]
    tabs = {
        **HOSTILE_WORKBOOK,
        "Initiatives": [rows[0], [HOSTILE_ID, *rows[1][1:]], *rows[2:]],
        "StatusHistory": [
            ["week", "initiative_id", "reported_status", "stage"],
            *([week, HOSTILE_ID, "Green", "Pilot"] for week in ("2025-11-24", "2025-12-01")),
        ],
    }
    at = run_app(tmp_path, monkeypatch, tabs=tabs, page="pages/trends.py")
    assert_sheet_text_is_text(at, "pages/trends.py")
    shown = "\n".join(c.value for c in at.caption)
    assert fmt.plain(HOSTILE_ID) in shown, shown


# -- long cells ----------------------------------------------------------------------------


def test_a_long_cell_is_cut_in_the_table_and_whole_on_selecting_its_row(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=HOSTILE_WORKBOOK, page="pages/stalled.py")
    [table] = [d for d in at.dataframe if d.key == "stalled_table"]
    cut = [
        cell
        for row in table.value.to_dict("records")
        for cell in row.values()
        if isinstance(cell, str) and cell.endswith("…")
    ]
    assert cut == [HUGE[: display.LONG_CELL_CHARS - 1] + "…"]
    assert any("select a row to read them in full" in c.value for c in at.caption)
    assert HUGE not in [t.value for t in at.text]

    row = next(
        i for i, r in enumerate(table.value.to_dict("records")) if r.get("reverted_to") in cut
    )
    at.session_state["stalled_table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert HUGE in [t.value for t in at.text]


@pytest.mark.parametrize(
    ("frame", "row", "expected"),
    [
        (pd.DataFrame({"a": ["x" * 241, "short"], "b": [1, 2]}), 0, [("a", "x" * 241)]),
        (pd.DataFrame({"a": ["x" * 241, "short"], "b": [1, 2]}), 1, []),
        (pd.DataFrame({"a": ["x" * 240]}), 0, []),  # exactly at the limit: not cut
        (pd.DataFrame({"a": [None, "y" * 300]}), 0, []),
        (pd.DataFrame({"a": ["y" * 300]}), 5, []),  # a stale selection after a refresh
    ],
)
def test_long_cells(frame, row, expected):
    assert display.long_cells(frame, row) == expected


def test_csv_exports_neutralize_formulas():
    frame = pd.DataFrame({"name": [FORMULA, "@SUM(A1)", "ok"], "cost": [-5, 1, 2]})
    lines = display.to_csv(frame).decode().splitlines()
    assert lines == ["name,cost", "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",-5",
                     "'@SUM(A1),1", "ok,2"]  # fmt: skip


# -- no HTML with sheet content, by construction --------------------------------------------


def _html_calls(tree: ast.AST):
    """Calls that put HTML on the page: st.html(...) and anything with unsafe_allow_html=True."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute) and node.func.attr == "html":
            yield node
            continue
        for kw in node.keywords:
            if kw.arg == "unsafe_allow_html" and not (
                isinstance(kw.value, ast.Constant) and kw.value.value is False
            ):
                yield node


# The one renderer that may put sheet text into HTML: it escapes every cell (tested in
# tests/test_html_table.py with the hostile cells above).
ESCAPING_RENDERERS = {("html_table", "render")}


def _escaped(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and (node.func.value.id, node.func.attr) in ESCAPING_RENDERERS
    )


def _constant_only(node: ast.AST) -> bool:
    """A literal, or an f-string/concatenation of literals and UPPER_CASE module constants,
    or the output of an escaping renderer (ESCAPING_RENDERERS)."""
    if _escaped(node):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Name):
        return node.id.isupper()
    if isinstance(node, ast.JoinedStr):
        return all(
            _constant_only(v.value if isinstance(v, ast.FormattedValue) else v) for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _constant_only(node.left) and _constant_only(node.right)
    return False


def _sources() -> list[Path]:
    return [
        ROOT / "app.py",
        *sorted((ROOT / "pages").glob("*.py")),
        *sorted((ROOT / "ui").rglob("*.py")),
    ]


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_html_is_only_ever_our_own_constant_text(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for call in _html_calls(tree):
        body = call.args[0] if call.args else None
        assert body is not None and _constant_only(body), (
            f"{path.name}:{call.lineno} puts non-constant text into HTML"
        )


# -- arbitrary grids -------------------------------------------------------------------------

# Text as people paste it: any printable unicode (no NUL or surrogates, which a CSV or a
# sheet cannot hold), with the hostile pieces mixed in.
_cell_text = st_.one_of(
    st_.text(st_.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    st_.sampled_from([*HOSTILE, HEADING, HUGE, "", " ", "0", "-1", "1e309", "2026-02-30"]),
)
_grid = st_.lists(
    st_.lists(_cell_text, min_size=1, max_size=len(HEADERS) + 2), min_size=0, max_size=6
)
HYPOTHESIS_PAGES = ["pages/overview.py", "pages/watermelons.py", "pages/stalled.py",
                    "pages/sheet_health.py"]  # fmt: skip


@pytest.mark.slow
@settings(
    max_examples=examples(quick=4, deep=25),  # each runs a page
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=_grid, page=st_.sampled_from(HYPOTHESIS_PAGES), keep_headers=st_.booleans())
def test_arbitrary_grids_never_raise_on_a_page(monkeypatch, rows, page, keep_headers):
    header = HEADERS if keep_headers else (rows[0] if rows else HEADERS)
    tabs = {"Initiatives": [header, *rows], "Settings": [["key", "value"], ["as_of", "2026-06-01"]]}
    with tempfile.TemporaryDirectory() as folder, monkeypatch.context() as patch:
        at = run_app(Path(folder), patch, tabs=tabs, page=page)
        assert_sheet_text_is_text(at, page)
