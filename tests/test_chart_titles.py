"""A chart's title is written once: the PNG download carries the title the chart shows.

Pages pass a title to `view.chart` only for a chart without one of its own.
"""

from __future__ import annotations

import pytest

from tests.apptest_support import PageVisits, downloads, record_downloads
from ui import display


@pytest.fixture(scope="module")
def drawn_pngs(tmp_path_factory):
    """{page: (exceptions, (its PNG downloads, the titles png_bytes was given))} on the sample.

    Overview and Stalled & reverted run once in one session; each page's downloads are made
    as a click would make them, before the reader moves on.
    """
    drawn: list[str] = []

    def png_bytes(spec, *, title, stamp):
        drawn.append(title)
        return b"png"

    def look(page, at):
        # Every title drawn since the previous page, on its runs or for its downloads.
        made = [name for name in downloads(at) if name.startswith("Download PNG")]
        titles = list(drawn)
        drawn.clear()
        return made, titles

    visits = PageVisits(tmp_path_factory, look=look)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(display, "png_bytes", png_bytes)
        record_downloads(patch)
        return visits("sample", pages=["pages/overview.py", "pages/stalled.py"])


# The page tests read one visit of the two pages, in one test process.
@pytest.mark.xdist_group("chart-titles")
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
def test_the_png_is_titled_as_the_chart(drawn_pngs, page, titles):
    exceptions, (made, drawn) = drawn_pngs[page]
    assert exceptions == []
    assert len(made) == len(titles)
    assert drawn == titles


def test_spec_title_reads_the_chart_or_its_first_titled_layer():
    assert display.spec_title({"title": "Spend", "layer": [{"title": "x"}]}) == "Spend"
    assert display.spec_title({"layer": [{"mark": "bar"}, {"title": {"text": "Users"}}]}) == "Users"
    assert display.spec_title({"title": {"text": ["Two", "lines"]}}) == "Two lines"
    assert display.spec_title({"mark": "bar"}) == ""
