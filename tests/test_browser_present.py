"""Presentation mode and shared links in a real Chromium against `streamlit run` (the sample).

Every page of the app (ui.page_list) is screenshotted presenting at 1920x1080 into tests/artifacts/
(present-<page>.png) to be looked at for legibility, reached as the presenter does: the first
page by its link with ?present=1, each next one by its "Next" link (which keeps present=1);
a copied URL reproduces the page and its filters in a fresh tab. A presenting link to the
second page opens it (the Next-link test); deep links to every page, not presenting, are
tested in tests/test_browser.py.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest

from tests.apptest_support import app_pages
from tests.browser_support import ARTIFACTS, Tab, wait_for_app
from ui import page_list

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREEN = {"width": 1920, "height": 1080}
PAGES = app_pages()
# What st.Page makes of "pages/stalled.py": url path "stalled"; the default page is "".
URL_PATHS = [page.url_path for page in page_list.PAGES]
TEAM = "Finance"  # a team of the sample workbook
PRESENT_ROOT_PX = 20  # ui.presentation.STYLESHEET sets html { font-size: 20px }
DRAW_TIMEOUT_MS = 30_000
VEGA_SETTLE_MS = 300  # let Vega finish drawing before a screenshot


def wait_until_drawn(page) -> None:
    """Wait for the script, then for the sidebar to fold and the placeholders to be filled."""
    wait_for_app(page)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stSkeleton"]')
            && document.querySelector('[data-testid="stSidebar"]')
                ?.getAttribute('data-collapsed') === 'true'""",
        timeout=DRAW_TIMEOUT_MS,
    )
    page.wait_for_timeout(VEGA_SETTLE_MS)


@pytest.fixture(scope="module")
def screen(chromium):
    """One tab on the shared screen, going from page to page as the presenter does."""
    kept = Tab(chromium, SCREEN)
    yield kept
    kept.close()


@pytest.mark.parametrize(
    ("url_path", "title"),
    [(u, t) for u, (_, t) in zip(URL_PATHS, PAGES, strict=True)],
    ids=[u or "overview" for u in URL_PATHS],
)
def test_presenting_page_on_a_shared_screen(sample_server, screen, url_path, title):
    page = screen.fresh()
    index = URL_PATHS.index(url_path)
    if index and screen.shown == (sample_server, index - 1):
        page.get_by_text(f"Next: {title}", exact=True).click()
        page.wait_for_url(re.compile(rf"/{url_path}\?(.*&)?present=1"))
    else:
        page.goto(f"{sample_server}/{url_path}?present=1")
    screen.shown = None
    wait_until_drawn(page)
    screen.shown = (sample_server, index)
    name = url_path or "overview"
    page.screenshot(path=str(ARTIFACTS / f"present-{name}.png"))

    assert page.locator("h1").first.inner_text().strip() == title
    assert page.locator('[data-testid="stException"]').count() == 0
    assert screen.errors == []
    # Large type (our stylesheet is in) and the presenter's link to the next page, visible.
    root_px = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert root_px == PRESENT_ROOT_PX
    assert page.get_by_text(re.compile(r"^(Next: |Back to the start)")).first.is_visible()


def test_next_link_walks_to_the_next_page_presenting(sample_server, chromium):
    # A presenting link to a page after the first (the walk above opens only the first).
    page = chromium.new_page(viewport=SCREEN)
    page.goto(f"{sample_server}/{URL_PATHS[1]}?present=1&team={TEAM}")
    wait_until_drawn(page)
    assert page.locator("h1").first.inner_text().strip() == PAGES[1][1]
    next_title = PAGES[2][1]
    page.get_by_text(f"Next: {next_title}").click()
    page.wait_for_url(re.compile(rf"/{URL_PATHS[2]}\?"))
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().strip() == next_title
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query["present"] == ["1"]
    assert query["team"] == [TEAM]
    page.close()


def test_copied_link_restores_page_and_filters(sample_server, chromium):
    target_path, target_title = URL_PATHS[-1], PAGES[-1][1]
    page = chromium.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(f"{sample_server}/{target_path}")
    wait_for_app(page)
    # Pick a team in the sidebar as a viewer would.
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Team", exact=True).locator("xpath=..").locator("..").click()
    team_box = sidebar.locator('[data-testid="stMultiSelect"]').first
    team_box.click()
    page.get_by_role("option", name=TEAM, exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(rf"team={TEAM}"))
    wait_for_app(page)
    copied = page.url
    page.close()

    fresh = chromium.new_page(viewport={"width": 1440, "height": 1000})
    fresh.goto(copied)
    wait_for_app(fresh)
    assert fresh.locator("h1").first.inner_text().strip() == target_title
    chips = fresh.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    assert TEAM in chips.inner_text()
    assert urllib.parse.urlparse(fresh.url).path.rstrip("/").endswith(target_path)
    fresh.screenshot(path=str(ARTIFACTS / "shared-link.png"))
    fresh.close()
