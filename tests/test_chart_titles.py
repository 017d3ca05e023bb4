"""A chart's title is written once: the PNG download carries the title the chart shows.

Pages pass a title to `view.chart` only for a chart without one of its own.
"""

from __future__ import annotations

import pytest

from tests.apptest_support import downloads, record_downloads, run_app
from ui import display


@pytest.mark.parametrize(
    ("page", "titles"),
    [
        (
            "pages/overview.py",
            [
                "What the deck says vs what the evidence says",
                "Where the money goes (annual cost by verdict)",
                "Verdicts by team",
            ],
        ),
        (
            "pages/stalled.py",
            [
                "How long each one lived (start to the last week of real use)",
                "What people went back to",  # no title on screen: the page names it
            ],
        ),
    ],
)
def test_the_png_is_titled_as_the_chart(tmp_path, monkeypatch, page, titles):
    drawn: list[str] = []

    def png_bytes(spec, *, title, stamp):
        drawn.append(title)
        return b"png"

    monkeypatch.setattr(display, "png_bytes", png_bytes)
    record_downloads(monkeypatch)
    at = run_app(tmp_path, monkeypatch, page=page)
    assert not at.exception
    made = [name for name in downloads(at) if name.startswith("Download PNG")]
    assert len(made) == len(titles)
    assert drawn == titles


def test_spec_title_reads_the_chart_or_its_first_titled_layer():
    assert display.spec_title({"title": "Spend", "layer": [{"title": "x"}]}) == "Spend"
    assert display.spec_title({"layer": [{"mark": "bar"}, {"title": {"text": "Users"}}]}) == "Users"
    assert display.spec_title({"title": {"text": ["Two", "lines"]}}) == "Two lines"
    assert display.spec_title({"mark": "bar"}) == ""
