"""Every page in a real Chromium against `streamlit run` on the bundled sample.

Each page must draw its title with no exception box and no console error; a screenshot
of each is kept under tests/artifacts/ to be looked at.
"""

from __future__ import annotations

import pytest

from tests.browser_support import (
    ARTIFACTS,
    Tab,
    streamlit_server,
    wait_for_app,
    watch_console,
)
from ui import page_list

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# url path -> the page title a reader sees
PAGES = {page.url_path: page.title for page in page_list.PAGES}
VIEWPORT = {"width": 1440, "height": 1000}


@pytest.fixture(scope="module")
def tab(chromium):
    """One tab going from page to page, as a reader would."""
    kept = Tab(chromium, VIEWPORT)
    yield kept
    kept.close()


@pytest.mark.parametrize(("path", "title"), PAGES.items())
def test_page_renders_without_errors(sample_server, tab, path, title):
    page = tab.fresh()
    page.goto(f"{sample_server}/{path}")
    wait_for_app(page)

    assert page.locator("h1").first.inner_text().strip() == title
    assert page.locator('[data-testid="stException"]').count() == 0
    assert tab.errors == []
    page.screenshot(path=str(ARTIFACTS / f"page-{path or 'overview'}.png"))


def test_overview_headline_is_visible(sample_server, chromium):
    page = chromium.new_page(viewport=VIEWPORT)
    page.goto(sample_server)
    wait_for_app(page)
    headline = page.locator("h3").first.inner_text()
    assert "green on the deck" in headline
    metric = page.locator('[data-testid="stMetric"]').first
    assert metric.is_visible()
    page.close()


def test_a_deep_link_on_a_fresh_server_opens_the_real_app(tmp_path, chromium):
    """The first visit after a restart is a shared link to a page, not the Overview."""
    env = {"GROUNDTRUTH_SOURCE": "sample", "GROUNDTRUTH_DATA_DIR": str(tmp_path)}
    with streamlit_server(env=env) as fresh:
        page = chromium.new_page(viewport=VIEWPORT)
        console_errors = watch_console(page)
        page.goto(f"{fresh}/edges")
        wait_for_app(page)
        assert page.locator("h1").first.inner_text().strip() == "The edges"
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        # app.py's page titles, not the file names of pages/
        assert "Stalled & reverted" in nav
        assert "check in" not in nav
        assert page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').count() == 1
        assert console_errors == []
        page.close()
