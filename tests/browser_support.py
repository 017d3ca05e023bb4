"""Browser-test helpers: the fixtures, over tools/browser.py (server, Chromium, waits, console).

The names of tools/browser.py are re-exported for the tests that import them from here.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator

import pytest

from tools.browser import (  # noqa: F401  (re-exported for tests)
    ARTIFACTS,
    CHROMIUM_FLAGS,
    DEFAULT_CHROMIUM,
    ROOT,
    SERVER_START_TIMEOUT_S,
    browser,
    chromium_path,
    free_port,
    full_screenshot,
    streamlit_server,
    wait_for_app,
    watch_chart_warnings,
    watch_console,
)

# Contexts a module's fixture keeps from test to test (a tab that goes from page to page).
KEPT_OPEN: weakref.WeakSet = weakref.WeakSet()


class Tab:
    """One browser tab that a module keeps from test to test, going from page to page.

    The app's scripts and styles load once per tab instead of once per test. `fresh()` hands
    the page to the next test with its console problems and chart warnings emptied.
    """

    def __init__(self, chromium, viewport: dict[str, int]) -> None:
        self.context = chromium.new_context(viewport=viewport)
        KEPT_OPEN.add(self.context)
        self.page = self.context.new_page()
        self.errors = watch_console(self.page)
        self.warnings = watch_chart_warnings(self.page)
        self.shown: object = None  # what the page shows, for a test that walks on from it

    def fresh(self):
        self.errors.clear()
        self.warnings.clear()
        return self.page

    def close(self) -> None:
        self.context.close()


# --- fixtures, shared through conftest.py -------------------------------------------------


@pytest.fixture(scope="session")
def sample_server(tmp_path_factory) -> Iterator[str]:
    """`streamlit run app.py` on the bundled sample, one per test process (xdist worker).

    Tests only read through it; a test that writes (a check-in) starts its own server.
    """
    data_dir = tmp_path_factory.mktemp("data")
    env = {"GROUNDTRUTH_SOURCE": "sample", "GROUNDTRUTH_DATA_DIR": str(data_dir)}
    with streamlit_server(env=env) as base:
        yield base


@pytest.fixture(scope="session")
def chromium():
    """One Chromium per test process (xdist worker); see `browser`."""
    with browser() as launched:
        yield launched


@pytest.fixture(autouse=True)
def _close_browser_pages(request) -> Iterator[None]:
    """After a test that drove the shared Chromium, close every page (context) but a Tab."""
    yield
    if "chromium" in request.fixturenames:
        for context in list(request.getfixturevalue("chromium").contexts):
            if context not in KEPT_OPEN:
                context.close()
