"""Driving the app in a real browser: `streamlit run` on a free loopback port and a Chromium.

Used by the browser tests (tests/browser_support.py adds their fixtures) and by
`make screenshots` (tools/screenshots.py). Chromium comes from GROUNDTRUTH_CHROMIUM, else
/usr/bin/chromium (Debian's), else the browser Playwright installed for itself. Servers
listen on 127.0.0.1 and are stopped by PID.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"  # server logs and test screenshots
SERVER_START_TIMEOUT_S = 60
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEFAULT_CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium_path() -> str | None:
    """The Chromium to drive, or None to let Playwright use its own."""
    configured = os.environ.get("GROUNDTRUTH_CHROMIUM")
    if configured:
        return configured
    if Path(DEFAULT_CHROMIUM).exists():
        return DEFAULT_CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def streamlit_server(
    *, cwd: Path = ROOT, env: dict[str, str] | None = None, logs: Path = ARTIFACTS
) -> Iterator[str]:
    """Run `streamlit run app.py` on a free loopback port; yield its base URL; stop it by PID.

    The server's output goes to `logs`/streamlit-<port>.log.
    """
    port = free_port()
    logs.mkdir(parents=True, exist_ok=True)
    log = (logs / f"streamlit-{port}.log").open("w")
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
    ]
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log.name}")
            time.sleep(0.3)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@contextlib.contextmanager
def browser() -> Iterator[object]:
    """A headless Chromium through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        path = chromium_path()
        launched = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield launched
        finally:
            launched.close()


_SETTLED_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (!document.querySelector('h1')) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    // Charts draw after the script finishes: every Vega chart needs its canvas.
    return [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
        .every(chart => chart.querySelector('canvas, svg'));
}"""
SETTLE_POLL_MS = 100  # how often the first settled look is sought
SETTLE_CHECKS = 3  # then this many settled looks in a row, SETTLE_INTERVAL_MS apart
SETTLE_INTERVAL_MS = 250


def wait_for_app(page, *, timeout_ms: int = 30_000) -> None:
    """Wait until Streamlit has run the script (and any rerun) and drawn the whole page.

    A page can rerun right after its first run (a widget bound to the URL, a redirect), so
    one settled look is not enough: once settled, the page must stay settled for a few looks
    in a row (SETTLE_CHECKS looks over (SETTLE_CHECKS - 1) * SETTLE_INTERVAL_MS).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        left_ms = int((deadline - time.monotonic()) * 1000)
        try:
            if left_ms <= 0:
                raise PlaywrightTimeout("no time left")
            page.wait_for_function(_SETTLED_JS, timeout=left_ms, polling=SETTLE_POLL_MS)
        except PlaywrightTimeout as error:
            raise TimeoutError(
                f"the page did not settle within {timeout_ms} ms: {page.url}"
            ) from error
        for _ in range(SETTLE_CHECKS - 1):
            page.wait_for_timeout(SETTLE_INTERVAL_MS)
            if not page.evaluate(_SETTLED_JS):
                break
        else:
            return


# On a deep link (/edges) the Streamlit frontend first probes /edges/_stcore/health and
# /edges/_stcore/host-config to find its base path, then falls back to /. Those two 404s are
# the frontend's own discovery, not an error of the app.
_BASE_PATH_PROBE = ("/_stcore/health", "/_stcore/host-config")


def watch_console(page) -> list[str]:
    """Collect console errors, uncaught exceptions and failed requests of a page.

    Streamlit's base-path probes on deep links are left out (see _BASE_PATH_PROBE).
    """
    problems: list[str] = []
    probes: set[str] = set()

    def on_response(response) -> None:
        if response.status == 404 and response.url.endswith(_BASE_PATH_PROBE):
            probes.add(response.url)
        elif response.status >= 400:
            problems.append(f"HTTP {response.status} {response.url}")

    def on_console(message) -> None:
        if message.type != "error":
            return
        if "404" in message.text and probes and "Failed to load resource" in message.text:
            return  # the console echo of a base-path probe, already accounted for
        problems.append(message.text)

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"failed {request.url}"))
    return problems


# Vega logs its warnings to the console as "WARN <message>" ("Dropping sort property …",
# "Conflicting scale property …", "Infinite extent …"): a spec the browser had to repair.
CHART_WARNING_PREFIX = "WARN"


def watch_chart_warnings(page) -> list[str]:
    """Collect the chart warnings (Vega's) that a page logs to the console."""
    warnings: list[str] = []

    def on_console(message) -> None:
        if message.type == "warning" and message.text.startswith(CHART_WARNING_PREFIX):
            warnings.append(message.text)

    page.on("console", on_console)
    return warnings


_CONTENT_HEIGHT_JS = """() => Math.max(
    document.body.scrollHeight,
    ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebarContent"]')]
        .map(element => element.scrollHeight))"""
MAX_SCREENSHOT_HEIGHT = 12_000  # px: a page longer than this is cut in its screenshot
REDRAW_MS = 600  # charts redraw at a new viewport size


def full_screenshot(page, path: Path | str) -> None:
    """A screenshot of the whole page at its viewport's width.

    Streamlit scrolls its main area inside the window, so Playwright's full_page sees one
    screen only: the viewport is made as tall as the content instead, then put back.
    """
    size = page.viewport_size
    height = min(MAX_SCREENSHOT_HEIGHT, int(page.evaluate(_CONTENT_HEIGHT_JS)))
    page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    page.wait_for_timeout(REDRAW_MS)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
