"""Any text in any cell: every page renders and every PNG is drawn, and no process dies.

Hypothesis writes arbitrary unicode — control characters (NUL, ESC, vertical tab), the
non-characters U+FFFE/U+FFFF, line breaks, bidirectional overrides, emoji — into the text
cells of a small workbook (names, teams, owners, tools, notes, reasons, check-in authors
and notes, survey answers) and sometimes into its dates, stages and numbers too. Each
example runs every page of the app under AppTest, then draws every chart those pages drew
as its PNG export would, and the board slide, through the renderer's worker. A CSV cannot
hold a lone surrogate; those are drawn straight into a spec (the renderer cleans them), and
tests/test_control_characters.py reads one from the Sheets API.

Examples are few (each one runs eight pages): the hostile shapes are in the strategy, and
one explicit example puts every one of them into the workbook on every run.
`HYPOTHESIS_PROFILE=deep` (`make test-deep`) draws many more (tests/hypothesis_profiles.py).
"""

from __future__ import annotations

import itertools
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st_
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from data_sources.config import resolve_source
from data_sources.loader import read_source
from portfolio.parse import parse_workbook
from portfolio.redact import presented_verdicts
from tests.apptest_support import run_app
from tests.hypothesis_profiles import examples
from ui import display, page_list, rendering, slide

# An example runs eight pages and draws ~10 PNGs and a slide: ~5 s on 2 cores.
PAGE_EXAMPLES = examples(quick=2, deep=20)
SPEC_EXAMPLES = examples(quick=10, deep=40)
AS_OF = "2026-06-01"
# Shapes a paste or a hostile sheet brings, mixed into arbitrary unicode.
SPECIALS = [
    "Bot\x0bone", "nul\x00", "\x1b[2J\x1b]0;title\x07", "\ufffe\uffff", "two\nlines\r\n",
    "\u202eevil", "\x7f\x85\x9b", "🎉 東京 Tomás", "", " ", "-1+1", "=1+1", "nan", "None",
]  # fmt: skip
# Any character a UTF-8 file can hold (every category but lone surrogates).
_ANY = st_.text(st_.characters(exclude_categories=("Cs",)), max_size=24)
TEXT = st_.one_of(_ANY, st_.sampled_from(SPECIALS), st_.builds(str.__add__, _ANY, _ANY))
# ... and in a spec handed to the renderer, lone surrogates too.
SPEC_TEXT = st_.one_of(TEXT, st_.text(st_.characters(), max_size=12))

INITIATIVE_HEADERS = ["id", "name", "team", "owner", "origin", "area", "tool",
                      "reported_status", "stage", "started", "last_update", "annual_cost",
                      "seats", "claimed_hours_saved_per_week", "reverted_to", "notes"]  # fmt: skip
# (origin, status, stage, started, last_update, cost): a watermelon, a reverted one, an
# adopted grassroots one and a pilot, so every page has something to chart.
SHAPES = [
    ("Mandate", "Green", "Stalled", "2025-10-06", "2026-01-05", "50000"),
    ("Vendor", "Green", "Pilot", "2025-11-03", "2026-03-02", "12000"),
    ("Grassroots", "Amber", "Adopted", "2026-01-05", "2026-05-25", "900"),
    ("Grassroots", "Red", "Pilot", "2026-04-06", "2026-05-18", ""),
]
USAGE_WEEKS = ["2026-01-05", "2026-01-12", "2026-01-19", "2026-04-27", "2026-05-04",
               "2026-05-11", "2026-05-18", "2026-05-25"]  # fmt: skip


def _tabs(text: Callable[[], str], typed_text_at: Callable[[], int | None]) -> dict:
    """The four initiatives with `text()` in every text cell; `typed_text_at()` names the
    typed cell (status, stage, started, last update, cost, seats, claimed hours) of each
    initiative that holds text instead, or None."""
    rows = []
    for i, (origin, status, stage, started, updated, cost) in enumerate(SHAPES, start=1):
        free = [text() for _ in range(5)]  # name, team, owner, area, tool
        typed = [status, stage, started, updated, cost, "40", "12"]
        at = typed_text_at()
        if at is not None:
            typed[at] = text()
        status, stage, started, updated, cost, seats, claimed = typed
        reverted_to, notes = text(), text()
        rows.append([f"AI-{i}", free[0], free[1], free[2], origin, free[3], free[4], status,
                     stage, started, updated, cost, seats, claimed, reverted_to,
                     notes])  # fmt: skip
    usage = [["initiative_id", "week", "active_users", "measured_hours_saved"]]
    usage += [["AI-2", w, "30" if w < "2026-04" else "1", ""] for w in USAGE_WEEKS]
    usage += [["AI-3", w, "14", "3"] for w in USAGE_WEEKS]
    checkins = [
        ["checkin_id", "timestamp", "initiative_id", "author", "reported_status", "stage",
         "active_users", "note"],
        ["c-1", "2026-05-20T09:00:00Z", "AI-4", text(), "Green", "Pilot", "3", text()],
    ]  # fmt: skip
    survey = [["department", "role", "tool", "frequency", "sanctioned"]]
    survey += [[text(), text(), text(), f, s] for f, s in
               (("Daily", "no"), ("Weekly", "yes"), ("Daily", "yes"))]  # fmt: skip
    return {
        "Initiatives": [INITIATIVE_HEADERS, *rows],
        "Usage": usage,
        "CheckIns": checkins,
        "DailyTools": survey,
        "Settings": [["key", "value"], ["as_of", AS_OF]],
    }


@st_.composite
def workbooks(draw) -> dict[str, list[list[str]]]:
    """The four initiatives with drawn text in every text cell, and now and then in a date,
    a stage, a status or a number."""

    def typed_text_at() -> int | None:
        return draw(st_.integers(0, 6)) if draw(st_.booleans()) else None

    return _tabs(lambda: draw(TEXT), typed_text_at)


# Every special shape in turn in the text cells, and text in a status, a start date, a cost
# and a claimed-hours cell: the explicit example each run draws first.
EVERY_SPECIAL = _tabs(itertools.cycle(SPECIALS).__next__, iter([0, 2, 4, 6]).__next__)


def _records(frame: pd.DataFrame) -> list[dict]:
    out = frame.astype(object).where(frame.notna(), None)
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
        for row in out.to_dict("records")
    ]


def _export_specs(at) -> list[dict]:
    """Each chart on the page as its Download PNG gets it: the spec with its datasets back."""
    specs = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        datasets = {
            d.name: _records(convert_arrow_bytes_to_pandas_df(d.data.data))
            for d in chart.proto.datasets
        }
        if datasets:
            spec["datasets"] = {**spec.get("datasets", {}), **datasets}
        specs.append(spec)
    return specs


@pytest.mark.slow
@settings(
    max_examples=PAGE_EXAMPLES,
    deadline=None,
    # An example runs eight pages: shrinking a failure would take many minutes of CI, so the
    # failing workbook is reported as drawn.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tabs=workbooks(), present=st_.booleans(), title=TEXT)
@example(tabs=EVERY_SPECIAL, present=False, title="\u202eevil\x0bone\x00")
def test_any_text_renders_every_page_and_every_png(monkeypatch, tabs, present, title):
    query = {"present": "1"} if present else None
    with tempfile.TemporaryDirectory() as folder, monkeypatch.context() as patch:
        at = run_app(Path(folder), patch, tabs=tabs, query=query)
        specs = []
        for page in page_list.PAGES:
            at.switch_page(page.path).run()
            assert not at.exception, f"{page.path}: {at.exception}"
            specs += _export_specs(at)
        source = str(Path(folder) / "workbook")
        portfolio = parse_workbook(read_source(resolve_source(secrets={}, override=source)))

    for spec in specs:
        png = display.png_bytes(spec, title=title, stamp=f"As of {AS_OF}")
        assert png.startswith(rendering.PNG_SIGNATURE)
    as_of = pd.Timestamp(AS_OF)
    drawn = slide.render(presented_verdicts(portfolio, as_of=as_of), as_of=as_of, scope=title)
    assert slide.png_size(drawn) == (slide.SLIDE_WIDTH, slide.SLIDE_HEIGHT)


@settings(max_examples=SPEC_EXAMPLES, deadline=None)
@given(labels=st_.lists(SPEC_TEXT, min_size=1, max_size=6), title=SPEC_TEXT)
def test_any_python_text_in_a_spec_is_drawn(labels, title):
    spec = {
        "title": title,
        "data": {"values": [{"label": label, "n": i + 1} for i, label in enumerate(labels)]},
        "mark": "bar",
        "encoding": {
            "y": {"field": "label", "type": "nominal", "sort": labels},
            "x": {"field": "n", "type": "quantitative"},
            "tooltip": [{"field": "label"}],
        },
    }
    assert rendering.vegalite_to_png(spec).startswith(rendering.PNG_SIGNATURE)
