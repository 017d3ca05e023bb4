"""Download PNG in a real Chromium: no text in the sheet and no failed drawing stops the server.

A three-line CSV with a vertical tab and a NUL in its names, uploaded in the sidebar, once
made vl-convert panic when Stalled & reverted's "Download PNG" was clicked, and the panic
aborted `streamlit run` for every viewer. Here the click downloads a PNG and the server
still answers; the slide on Overview too. A server whose renderer cannot even start (its
memory cap set far too low) shows a message under the button and keeps serving pages.
"""

from __future__ import annotations

import urllib.request

import pytest

from tests.browser_support import streamlit_server, wait_for_app

# Its servers are per file: keep the file in one test process.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser_png")]

VIEWPORT = {"width": 1440, "height": 1000}
DOWNLOAD_TIMEOUT_MS = 60_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Three lines, as reported: a vertical tab (and here a NUL and an ESC) inside the names.
CSV = (
    "id,name,team,origin,stage,started,reported_status,reverted_to\n"
    "AI-1,Bot\x0bone,Ops,Mandate,Stalled,2026-01-05,Green,Excel\x0b2016\n"
    "AI-2,Nul\x00bot \x1b[2J,Ops,Grassroots,Reverted,2026-02-02,Green,by hand\n"
)


def _alive(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=5) as answer:
            return answer.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    env = {"GROUNDTRUTH_SOURCE": "sample", "GROUNDTRUTH_DATA_DIR": str(home / "data"),
           "HOME": str(home)}  # fmt: skip
    with streamlit_server(cwd=home, env=env) as base:
        yield base


@pytest.fixture(scope="module")
def starved_server(tmp_path_factory):
    """A server whose renderer has too little memory to start vl-convert's engine."""
    home = tmp_path_factory.mktemp("home")
    env = {"GROUNDTRUTH_SOURCE": "sample", "GROUNDTRUTH_DATA_DIR": str(home / "data"),
           "HOME": str(home), "GROUNDTRUTH_RENDER_MEMORY_MB": "64"}  # fmt: skip
    with streamlit_server(cwd=home, env=env) as base:
        yield base


def _upload(page, tmp_path) -> None:
    workbook = tmp_path / "three-lines.csv"
    workbook.write_bytes(CSV.encode("utf-8"))
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Try your own file").click()
    sidebar.locator('input[type="file"]').set_input_files(str(workbook))
    wait_for_app(page)


def _download(page, label: str) -> bytes:
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
        page.get_by_role("button", name=label).first.click()
    path = info.value.path()
    return path.read_bytes()


def test_download_png_of_names_with_control_characters(server, chromium, tmp_path):
    page = chromium.new_page(viewport=VIEWPORT)
    page.goto(f"{server}/stalled")
    wait_for_app(page)
    _upload(page, tmp_path)
    assert page.get_by_text("2 of 2 initiatives stalled").count() == 1  # the upload is shown

    png = _download(page, "Download PNG")

    assert png.startswith(PNG_SIGNATURE)
    assert _alive(server)  # before: the server aborted on the click (vl-convert's panic)
    page.reload()
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_download_the_slide_of_names_with_control_characters(server, chromium, tmp_path):
    page = chromium.new_page(viewport=VIEWPORT)
    page.goto(server)
    wait_for_app(page)
    _upload(page, tmp_path)

    png = _download(page, "Download the slide")

    assert png.startswith(PNG_SIGNATURE)
    assert _alive(server)


def test_a_renderer_that_dies_is_a_message_not_a_dead_server(starved_server, chromium):
    page = chromium.new_page(viewport=VIEWPORT)
    page.goto(f"{starved_server}/stalled")
    wait_for_app(page)

    page.get_by_role("button", name="Download PNG").first.click()

    error = page.locator('[data-testid="stDownloadButtonError"]').first
    error.wait_for(timeout=DOWNLOAD_TIMEOUT_MS)
    assert "Failed to generate file" in error.inner_text()
    assert _alive(starved_server)
    page.goto(f"{starved_server}/watermelons")  # the server still serves every page
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().strip() == "Watermelons"
