"""The sign-in screen of a fresh server in Chromium: no page list before access is granted.

Before a server's first `st.navigation`, Streamlit lists the files of pages/ in the sidebar
("check in", "daily tools", …, "watermelons"), so the sign-in screen of a fresh server
revealed every page. Each closed screen now hides the navigation. A server without sign-in
keeps the normal sidebar navigation with the pages' titles.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apptest_support import SIGN_IN_TOML
from tests.browser_support import ARTIFACTS, streamlit_server, wait_for_app, watch_console
from ui import page_list

# Its sign-in server is per file: keep the file in one test process.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser_signin")]

VIEWPORT = {"width": 1440, "height": 900}
NAV = '[data-testid="stSidebarNav"]'
ROOT = Path(__file__).resolve().parent.parent
# Every way a page could be named: its title and its file name as Streamlit shows it.
PAGE_NAMES = sorted(
    {p.title for p in page_list.PAGES}
    | {Path(p.path).stem.replace("_", " ") for p in page_list.PAGES}
    | {path.stem.replace("_", " ") for path in (ROOT / "pages").glob("*.py")}
)
LOOKS = 20  # looks at the page while it loads, LOOK_INTERVAL_MS apart
LOOK_INTERVAL_MS = 150


@pytest.fixture(scope="module")
def signin_server(tmp_path_factory):
    """A fresh `streamlit run` whose secrets.toml turns sign-in on, over the sample."""
    workdir = tmp_path_factory.mktemp("signin")
    (workdir / ".streamlit").mkdir()
    (workdir / ".streamlit" / "secrets.toml").write_text(SIGN_IN_TOML, encoding="utf-8")
    env = {"HOME": str(workdir), "GROUNDTRUTH_DATA_DIR": str(workdir / "data")}
    env["GROUNDTRUTH_SOURCE"] = ""  # the secrets name the source
    with streamlit_server(cwd=workdir, env=env) as base:
        yield base


def _names_seen(page) -> list[str]:
    text = page.inner_text("body").lower()
    return [name for name in PAGE_NAMES if name.lower() in text]


@pytest.mark.parametrize("path", ["", "watermelons"])
def test_the_sign_in_screen_lists_no_page(signin_server, chromium, path):
    page = chromium.new_page(viewport=VIEWPORT)
    console_errors = watch_console(page)
    page.goto(f"{signin_server}/{path}")
    # Look while it loads too: a list shown for a moment is a list shown.
    seen: set[str] = set()
    navs = 0
    for _ in range(LOOKS):
        navs += page.locator(NAV).count()
        seen.update(_names_seen(page))
        page.wait_for_timeout(LOOK_INTERVAL_MS)
    wait_for_app(page)
    assert "Sign in to see it." in page.inner_text("body")
    assert page.get_by_role("button", name="Sign in").count() == 1
    assert navs == 0 and page.locator(NAV).count() == 0
    assert sorted(seen | set(_names_seen(page))) == []
    assert console_errors == []
    page.screenshot(path=str(ARTIFACTS / f"signin-{path or 'root'}.png"))
    page.close()


def test_without_sign_in_the_sidebar_lists_every_page(sample_server, chromium):
    # The first visit of a fresh server, whose config.toml starts with the navigation off.
    page = chromium.new_page(viewport=VIEWPORT)
    page.goto(sample_server)
    wait_for_app(page)
    nav = page.locator(NAV)
    assert nav.count() == 1
    # Each link reads "<icon name>\n\n<title>": the title is its last line.
    links = [text.strip().splitlines()[-1] for text in nav.locator("a").all_inner_texts()]
    assert links == [p.title for p in page_list.PAGES]
    page.close()
