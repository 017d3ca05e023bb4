"""Every page on unusual workbooks, in Chromium, normal at 1440 x 900 and presenting at 1920 x 1080.

The workbooks (tests/unusual_workbooks.py): names unreadable, one initiative, duplicate names
without ids, no usage, no status column, no cost, all adopted, and 10,000 initiatives (slow).
A page fails on an exception box, on the text of a chart error anywhere on it, on any console
error (Streamlit's base-path probes aside) and on any chart warning Vega logs (a spec it had
to repair: a dropped sort, conflicting domains, an infinite extent). Presenting, no download
button or help icon shows. With GROUNDTRUTH_SCREENSHOTS=1 a screenshot of each page's first
screen goes to tests/artifacts/workbooks/<workbook>-<mode>-<page>.png, to be looked at (with
GROUNDTRUTH_SCREENSHOTS=full, the whole length of each page); `make screenshots` takes them.

One `streamlit run` at a time (a workbook's cases run together, in one test process), one
Chromium for all, and one tab per workbook that goes from page to page as a reader does: the
first page by its link, the next ones by the sidebar's list (normal) or the presenter's
"Next" link (presenting); the tab is made a 1920 x 1080 screen and opens the first page with
?present=1 between the two walks. The app's scripts and styles load once per tab (4 s of
Chromium's time on this machine, against 0.6 s for a page reached by a link); deep links to
every page are tested in tests/test_browser.py.
"""

from __future__ import annotations

import contextlib
import os
import re

import pytest

from tests.apptest_support import app_pages, write_csv_workbook
from tests.browser_support import (
    ARTIFACTS,
    Tab,
    full_screenshot,
    streamlit_server,
    wait_for_app,
)
from tests.unusual_workbooks import WORKBOOKS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MODES = {
    "normal": ({"width": 1440, "height": 900}, ""),
    "presenting": ({"width": 1920, "height": 1080}, "?present=1"),
}
PAGES = [
    ("" if i == 0 else path.removeprefix("pages/").removesuffix(".py"), title)
    for i, (path, title) in enumerate(app_pages())
]
LOAD_TIMEOUT_MS = 120_000  # the 10,000-initiative workbook is parsed on the first visit
DRAW_MS = 250  # Vega logs its warnings as it draws; let them reach the console watcher
SHOTS = ARTIFACTS / "workbooks"
SCREENSHOTS = os.environ.get("GROUNDTRUTH_SCREENSHOTS", "")  # "", "1" or "full"
# What a chart that failed to draw leaves on the page (Vega's and the browser's errors).
CHART_ERROR = re.compile(
    r"SyntaxError|TypeError|ReferenceError|RangeError|is not valid JSON|Unexpected token"
    r"|Invalid specification|Unrecognized (?:signal|scale|data)"
)
# On the page itself (the folded sidebar keeps its own controls).
HIDDEN_WHEN_PRESENTING = (
    '[data-testid="stMain"] [data-testid="stDownloadButton"], '
    '[data-testid="stMain"] [data-testid="stTooltipIcon"]'
)


def _cases():
    # In the order of the app's pages: each case walks on from the previous one (see visit).
    for workbook in WORKBOOKS:
        # One test process takes a workbook's cases, so its server starts once (OneServer).
        marks = [pytest.mark.xdist_group(f"browser_workbook_{workbook}")]
        for mode in MODES:
            for path, title in PAGES:
                yield pytest.param(
                    workbook,
                    mode,
                    path,
                    title,
                    marks=marks,
                    id=f"{workbook}-{mode}-{path or 'overview'}",
                )


class OneServer:
    """The server of the workbook being tested, and one tab on it for both modes.

    The previous workbook's server and tab close when the next workbook's first case starts.
    """

    def __init__(self, tmp_path_factory, chromium) -> None:
        self._factory = tmp_path_factory
        self._chromium = chromium
        self._stack = contextlib.ExitStack()
        self._workbook: str | None = None
        self._base = ""
        self._tab: Tab | None = None

    def tab(self, workbook: str, mode: str) -> tuple[str, Tab]:
        """(base URL, the tab) for this workbook, at the mode's screen size."""
        if workbook != self._workbook:
            self.close()
            home = self._factory.mktemp(f"home-{workbook}")
            folder = write_csv_workbook(home / "workbook", WORKBOOKS[workbook]())
            env = {
                "GROUNDTRUTH_SOURCE": str(folder),
                "GROUNDTRUTH_DATA_DIR": str(home / "data"),
                "HOME": str(home),  # no developer secrets.toml (sign-in, a sheet) in the way
            }
            self._base = self._stack.enter_context(streamlit_server(cwd=home, env=env))
            self._workbook = workbook
        viewport, _ = MODES[mode]
        if self._tab is None:
            self._tab = Tab(self._chromium, viewport)
            self._stack.callback(self._tab.close)
        elif self._tab.page.viewport_size != viewport:
            self._tab.page.set_viewport_size(viewport)
            self._tab.shown = None  # the other mode's walk: start it from its first page
        return self._base, self._tab

    def close(self) -> None:
        self._tab = None
        self._stack.close()
        self._workbook = None


@pytest.fixture(scope="module")
def server(tmp_path_factory, chromium):
    one = OneServer(tmp_path_factory, chromium)
    yield one
    one.close()


_TITLE_IS = "title => document.querySelector('h1')?.innerText.trim() === title"


def visit(tab: Tab, base: str, mode: str, path: str, title: str):
    """Open the page as a reader walking through the app does; return the page once drawn.

    From the page before it in the app's order: the sidebar's link to it (normal) or the
    presenter's "Next" link (presenting). Otherwise, and when that link is missing, its URL.
    """
    page = tab.fresh()
    index = [p for p, _ in PAGES].index(path)
    link = None
    if index and tab.shown == (base, index - 1):
        if mode == "normal":
            link = page.locator('[data-testid="stSidebarNav"] a').nth(index)
        else:
            link = page.get_by_text(f"Next: {title}", exact=True)
    tab.shown = None
    if link is not None and link.count():
        link.first.click()
    else:
        page.goto(f"{base}/{path}{MODES[mode][1]}")
    page.wait_for_function(_TITLE_IS, arg=title, timeout=LOAD_TIMEOUT_MS)
    wait_for_app(page, timeout_ms=LOAD_TIMEOUT_MS)
    tab.shown = (base, index)
    return page


@pytest.mark.parametrize(("workbook", "mode", "path", "title"), _cases())
def test_page_renders_cleanly_on_an_unusual_workbook(server, workbook, mode, path, title):
    base, tab = server.tab(workbook, mode)
    page = visit(tab, base, mode, path, title)
    page.wait_for_timeout(DRAW_MS)
    if SCREENSHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / f"{workbook}-{mode}-{path or 'overview'}.png"
        if SCREENSHOTS == "full":
            full_screenshot(page, shot)
        else:
            page.screenshot(path=str(shot))

    assert page.locator("h1").first.inner_text().strip() == title
    assert page.locator('[data-testid="stException"]').count() == 0
    shown = page.locator("body").inner_text()
    assert not CHART_ERROR.search(shown), CHART_ERROR.search(shown)
    assert tab.errors == []
    assert tab.warnings == []
    if mode == "presenting":
        hidden = page.locator(HIDDEN_WHEN_PRESENTING)
        seen = [hidden.nth(i) for i in range(hidden.count()) if hidden.nth(i).is_visible()]
        assert [s.evaluate("e => e.outerHTML.slice(0, 300)") for s in seen] == []
