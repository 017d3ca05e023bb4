"""Every page in a real Chromium against `streamlit run` on the bundled sample.

Each page must draw its title with no exception box and no console error; a screenshot
of each is kept under tests/artifacts/ to be looked at.
"""

from __future__ import annotations

import pytest

from tests.browser_support import ARTIFACTS, browser, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser

# url path -> the page title a reader sees
PAGES = {
    "": "Overview",
    "watermelons": "Watermelons",
    "stalled": "Stalled & reverted",
    "edges": "The edges",
    "daily_tools": "Daily tools",
    "trends": "Trends",
    "sheet_health": "Sheet health",
    "check_in": "Check in",
}
VIEWPORT = {"width": 1440, "height": 1000}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    env = {"GROUNDTRUTH_SOURCE": "sample", "GROUNDTRUTH_DATA_DIR": str(data_dir)}
    with streamlit_server(env=env) as base:
        yield base


@pytest.fixture(scope="module")
def chromium():
    with browser() as launched:
        yield launched


@pytest.mark.parametrize(("path", "title"), PAGES.items())
def test_page_renders_without_errors(server, chromium, path, title):
    page = chromium.new_page(viewport=VIEWPORT)
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console_errors.append(str(e)))

    page.goto(f"{server}/{path}")
    wait_for_app(page)

    assert page.locator("h1").first.inner_text().strip() == title
    assert page.locator('[data-testid="stException"]').count() == 0
    assert console_errors == []
    page.screenshot(path=str(ARTIFACTS / f"page-{path or 'overview'}.png"), full_page=True)
    page.close()


def test_overview_headline_is_visible(server, chromium):
    page = chromium.new_page(viewport=VIEWPORT)
    page.goto(server)
    wait_for_app(page)
    headline = page.locator("h3").first.inner_text()
    assert "green on the deck" in headline
    metric = page.locator('[data-testid="stMetric"]').first
    assert metric.is_visible()
    page.close()
