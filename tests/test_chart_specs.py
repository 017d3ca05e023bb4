"""Every chart the pages draw is a valid Vega-Lite spec, in the shared look, with its data.

The pages hand the browser plain specs built without Altair's validation (it was two thirds
of a chart's server time), so the validation happens here instead, on what the browser gets.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import core
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from tests.apptest_support import PageVisits
from ui import page_list, theme

PAGES = [page.path for page in page_list.PAGES]
# Pages whose charts need a pick or an upload first, so they draw none on arrival.
WITHOUT_CHARTS = {"pages/check_in.py", "pages/sheet_health.py"}


def _as_sent(page, at) -> list[tuple[str, list[pd.DataFrame]]]:
    """(spec as JSON text, its datasets) per chart, as the browser receives them: Streamlit
    moves named datasets out of the spec as Arrow tables."""
    return [
        (
            chart.proto.spec,
            [convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets],
        )
        for chart in at.get("vega_lite_chart")
    ]


@pytest.fixture(scope="module")
def visits(tmp_path_factory):
    """Every page, on a workbook (the sample when None), on screen or presenting."""
    pages = PageVisits(tmp_path_factory, look=_as_sent)

    def visit(workbook: str | None, present: bool) -> dict:
        query = {"present": "1"} if present else None
        tabs = UNREADABLE_NAMES[workbook] if workbook else None
        return pages(workbook or "sample", tabs=tabs, query=query)

    return visit


def _grouped(values, name: str) -> list:
    """`values` as parameters whose tests share one test process (and so one visit)."""
    return [
        pytest.param(v, marks=pytest.mark.xdist_group(f"chart-specs-{name}-{v}")) for v in values
    ]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("present", _grouped([False, True], "sample"), ids=["screen", "present"])
def test_page_charts_are_valid_vega_lite_in_the_shared_look(visits, page, present):
    exceptions, sent = visits(None, present)[page]
    assert not exceptions, exceptions
    charts = [(json.loads(spec), sum(map(len, datasets))) for spec, datasets in sent]
    if page in WITHOUT_CHARTS:
        assert charts == []
        return
    assert charts, f"{page} drew no chart on the sample workbook"
    schema = core.load_schema()
    expected = theme.theme_config(present=present)
    for spec, rows in charts:
        validate_jsonschema(spec, schema)  # raises with the offending path
        assert spec["config"]["axis"]["labelFontSize"] == expected["axis"]["labelFontSize"]
        assert spec["config"]["range"]["category"] == list(theme.CATEGORY_COLORS)
        assert rows > 0, f"{page}: a chart with no rows"


# --- a workbook whose names cannot be read ------------------------------------------------

_ROWS = [
    ["AI-1", "", "Ops", "Mandate", "Green", "Stalled", "2025-11-03", "2026-01-05", "9000", "Excel"],
    ["AI-2", "", "Ops", "Grassroots", "Green", "Reverted", "2025-12-01", "2026-03-02", "", "Word"],
    ["AI-3", "", "Finance", "Grassroots", "Amber", "Adopted", "2026-01-05", "2026-05-25", "50", ""],
    ["AI-4", "Named", "Finance", "Vendor", "Green", "Pilot", "2026-02-02", "2026-05-18", "", ""],
]  # fmt: skip
_USAGE = [
    ["initiative_id", "week", "active_users"],
    *[["AI-2", f"2026-01-{d:02d}", "30"] for d in (5, 12, 19, 26)],
    ["AI-2", "2026-05-18", "1"],
    *[["AI-3", f"2026-05-{d:02d}", "12"] for d in (4, 11, 18, 25)],
]
_HEADERS = ["id", "name", "team", "origin", "reported_status", "stage", "started",
            "last_update", "annual_cost", "reverted_to"]  # fmt: skip
UNREADABLE_NAMES = {
    # blank name cells: "name is required but B2 is empty"
    "blank": {
        "Initiatives": [_HEADERS, *_ROWS],
        "Usage": _USAGE,
        "Settings": [["key", "value"], ["as_of", "2026-06-01"]],
    },
    # no name column at all: "Initiatives has no "name" column"
    "missing": {
        "Initiatives": [[h if h != "name" else "what" for h in _HEADERS], *_ROWS],
        "Usage": _USAGE,
        "Settings": [["key", "value"], ["as_of", "2026-06-01"]],
    },
}


# What a missing name looks like once it has been turned into text by mistake.
_MISSING_WORDS = re.compile(r"(?<![\w<])(nan|<NA>|None)(?![\w>])")


def _reject(constant: str):
    raise ValueError(f"{constant} is not JSON")


def _sorts(node) -> list[list]:
    """Every explicit sort order in a spec (what the browser refused as [NaN, NaN])."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sort" and isinstance(value, list):
                found.append(value)
            else:
                found.extend(_sorts(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_sorts(value))
    return found


@pytest.mark.parametrize(
    "workbook", _grouped(UNREADABLE_NAMES, "names"), ids=list(UNREADABLE_NAMES)
)
@pytest.mark.parametrize("page", sorted(set(PAGES) - WITHOUT_CHARTS))
@pytest.mark.parametrize("present", [False, True], ids=["screen", "present"])
def test_charts_are_strict_json_when_names_cannot_be_read(visits, workbook, page, present):
    exceptions, sent = visits(workbook, present)[page]
    assert not exceptions, exceptions
    for spec_text, datasets in sent:
        spec = json.loads(spec_text, parse_constant=_reject)  # as strict as JSON.parse
        for order in _sorts(spec):
            assert None not in order, f"{page}: a sort order with a missing label: {order}"
        shown = [json.dumps(spec)] + [frame.to_csv() for frame in datasets]
        for text in shown:
            assert not _MISSING_WORDS.search(text), f"{page}: {_MISSING_WORDS.search(text)[0]}"


@pytest.mark.xdist_group("chart-specs-names-blank")
def test_the_timeline_labels_an_initiative_without_a_name_by_its_id(visits):
    exceptions, sent = visits("blank", False)["pages/stalled.py"]
    assert not exceptions, exceptions
    spec = json.loads(sent[0][0])
    assert _sorts(spec)[0] == ["AI-1", "AI-2"]  # the two that did not last, by start date
