"""Hostile cells in a real Chromium: they read as text, inject no element and run no script.

`streamlit run` serves a CSV workbook whose cells hold an <img onerror>, a <script> and a
javascript: link, each of which would set `window.__gt_pwned`. On every page visited, no
<img src=x>, no script of ours-but-theirs and no javascript: link exists in the DOM, the flag
stays undefined, and the hostile text is on the page as text. Screenshots go to
tests/artifacts/hostile-*.png.
"""

from __future__ import annotations

import urllib.parse

import pytest

from tests.apptest_support import write_csv_workbook
from tests.browser_support import ARTIFACTS, streamlit_server, wait_for_app

# Its servers are per file: keep the file in one test process.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser_hostile")]

FLAG = "__gt_pwned"
IMG = f'<img src=x onerror="window.{FLAG}=1">'
SCRIPT = f"<script>window.{FLAG}=1</script>"
LINK = f"[click me](javascript:window.{FLAG}=1)"
VIEWPORT = {"width": 1440, "height": 1000}
SETTLE_MS = 800  # an onerror fires as soon as the broken image is in the DOM; give it time

WORKBOOK = {
    "Initiatives": [
        ["id", "name", "team", "owner", "origin", "tool", "reported_status", "stage", "started",
         "last_update", "annual_cost", "reverted_to", "notes"],
        ["AI-001", IMG, LINK, SCRIPT, "Mandate", SCRIPT, "Green", "Stalled", "2025-06-02",
         "2025-07-01", "50000", IMG, LINK],
        ["AI-002", LINK, "Support", IMG, "Grassroots", IMG, "Green", "Reverted", "2025-09-01",
         "2026-01-05", "9000", SCRIPT, IMG],
        ["AI-003", "Invoice matching", "Finance", "Dana", "Grassroots", "Copilot", "Amber",
         "Adopted", "2025-11-03", "2026-05-04", "", "", ""],
    ],
    "Settings": [["key", "value"], ["as_of", "2026-06-01"]],
}  # fmt: skip

# url path and query -> a piece of hostile text that page shows (as text)
VISITS = {
    "overview": ("", {"team": LINK}, LINK),
    "watermelons": ("watermelons", {}, IMG),
    "stalled": ("stalled", {}, "click me"),
    "sheet_health": ("sheet_health", {}, "Sheet health"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    workbook = write_csv_workbook(tmp_path_factory.mktemp("workbook"), WORKBOOK)
    env = {
        "GROUNDTRUTH_SOURCE": str(workbook),
        "GROUNDTRUTH_DATA_DIR": str(home / "data"),
        "HOME": str(home),  # no developer secrets.toml (sign-in, a sheet) in the way
    }
    with streamlit_server(cwd=home, env=env) as base:
        yield base


INJECTED = f"""() => ({{
    flag: window.{FLAG},
    images: document.querySelectorAll('img[src="x"]').length,
    scripts: [...document.scripts].filter(s => s.text.includes("{FLAG}")).length,
    links: document.querySelectorAll('a[href^="javascript:" i]').length,
}})"""


@pytest.mark.parametrize("name", list(VISITS))
def test_hostile_cells_render_as_text(server, chromium, name):
    path, query, shown = VISITS[name]
    page = chromium.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    url = f"{server}/{path}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    page.goto(url)
    wait_for_app(page)
    page.wait_for_timeout(SETTLE_MS)
    wait_for_app(page)  # a page may rerun once it has written its state to the URL

    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.evaluate(INJECTED) == {"flag": None, "images": 0, "scripts": 0, "links": 0}
    assert shown in page.locator("body").inner_text()
    assert errors == []
    page.screenshot(path=str(ARTIFACTS / f"hostile-{name}.png"))
    page.close()
