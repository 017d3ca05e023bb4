"""Every chart the pages draw is a valid Vega-Lite spec, in the shared look, with its data.

The pages hand the browser plain specs built without Altair's validation (it was two thirds
of a chart's server time), so the validation happens here instead, on what the browser gets.
"""

from __future__ import annotations

import json

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import core
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from tests.apptest_support import run_app
from ui import page_list, theme

PAGES = [page.path for page in page_list.PAGES]
# Pages whose charts need a pick or an upload first, so they draw none on arrival.
WITHOUT_CHARTS = {"pages/check_in.py", "pages/sheet_health.py"}


def _charts(at) -> list[tuple[dict, int]]:
    """(spec, rows of data) per chart; Streamlit moves named datasets out as Arrow tables."""
    charts = []
    for chart in at.get("vega_lite_chart"):
        rows = sum(len(convert_arrow_bytes_to_pandas_df(d.data.data)) for d in chart.proto.datasets)
        charts.append((json.loads(chart.proto.spec), rows))
    return charts


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("present", [False, True], ids=["screen", "present"])
def test_page_charts_are_valid_vega_lite_in_the_shared_look(tmp_path, monkeypatch, page, present):
    query = {"present": "1"} if present else None
    at = run_app(tmp_path, monkeypatch, page=page, query=query)
    assert not at.exception
    charts = _charts(at)
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
