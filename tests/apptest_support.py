"""Running the app under Streamlit's AppTest: the one place a test starts it.

    at = run_app(tmp_path, monkeypatch, tabs={"Initiatives": [...]}, page="pages/trends.py")
    at = start_app(page="pages/check_in.py", query={"initiative": "AI-2"}, as_of="2026-06-01")

`run_app` writes a small workbook as CSV files, points GROUNDTRUTH_SOURCE at it and
GROUNDTRUTH_DATA_DIR at a temporary data folder, and runs from a temporary working directory
(`use_workdir`) so a developer's own `.streamlit/secrets.toml` never leaks into a test.
`start_app` runs app.py (or one page script) from wherever the test already stands, e.g. a
`gsheets_workdir` whose secrets point at the Sheets emulator. `PageVisits` runs every page of
one workbook once for a whole test module, when its tests only look at different things;
`run_app_once` one page, for the tests that only read it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from ui.page_list import PAGES
from ui.pages_folder import (  # noqa: F401  (re-exported for tests)
    NavigationPagesManager,
    use_navigation_pages_manager,
)

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
APP_TIMEOUT_S = 60


def app_pages() -> list[tuple[str, str]]:
    """(script path, title) of every page of the app (ui.page_list), in order."""
    return [(page.path, page.title) for page in PAGES]


def write_csv_workbook(directory: Path, tabs: dict[str, list[list]]) -> Path:
    """Write each tab as `<tab>.csv` in `directory`; return the folder."""
    directory.mkdir(parents=True, exist_ok=True)
    for tab, rows in tabs.items():
        with (directory / f"{tab}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    return directory


def use_workdir(folder: Path, monkeypatch, *, secrets_toml: str | None = None) -> Path:
    """Run the test from `folder` as a fresh server there would: its own secrets, data, HOME.

    Writes `.streamlit/secrets.toml` when `secrets_toml` is given; GROUNDTRUTH_DATA_DIR is
    `folder/data` and GROUNDTRUTH_SOURCE is unset, so nothing of the real machine leaks in.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if secrets_toml is not None:
        (folder / ".streamlit").mkdir(exist_ok=True)
        (folder / ".streamlit" / "secrets.toml").write_text(secrets_toml, encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(folder / "data"))
    monkeypatch.delenv("GROUNDTRUTH_SOURCE", raising=False)
    return folder


def start_app(
    *,
    page: str | None = None,
    query: dict[str, str | list[str]] | None = None,
    as_of: str | None = None,
    user: dict | None = None,
    script: str | Path = APP,
    timeout: float = APP_TIMEOUT_S,
    run: bool = True,
) -> AppTest:
    """An AppTest of app.py (or `script`), run once, then switched to `page` if given.

    `query` and `as_of` (the `?as_of=` of a link) are set before the first run, as a link
    would; `user` is st.user's record (sign-in). `run=False` returns it unrun.
    """
    at = AppTest.from_file(str(script), default_timeout=timeout)
    for name, value in {**(query or {}), **({"as_of": as_of} if as_of else {})}.items():
        at.query_params[name] = value
    if user is not None:
        at.user = user
    if not run:
        return at
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def run_app(
    tmp_path: Path,
    monkeypatch,
    *,
    tabs: dict[str, list[list]] | None = None,
    source: str | None = None,
    page: str | None = None,
    query: dict[str, str] | None = None,
) -> AppTest:
    """Run app.py (then switch to `page`, e.g. "pages/watermelons.py") and return the AppTest."""
    if tabs is not None:
        source = str(write_csv_workbook(tmp_path / "workbook", tabs))
    use_workdir(tmp_path / "cwd", monkeypatch)
    monkeypatch.setenv("GROUNDTRUTH_SOURCE", source or "sample")
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(tmp_path / "data"))
    return start_app(page=page, query=query)


def run_app_once(tmp_path_factory, **kwargs) -> AppTest:
    """`run_app(**kwargs)` for a module-scoped fixture whose tests only read the page.

    Runs with its own monkeypatch (undone on return, the run's tree stays readable) and the
    same app routing as every test (conftest's `_apptest_runs_app_py`). Give the tests that
    share it one `pytest.mark.xdist_group`, so that one test process runs it.
    """
    with pytest.MonkeyPatch.context() as patch:
        use_navigation_pages_manager(patch)
        return run_app(tmp_path_factory.mktemp("app"), patch, **kwargs)


class PageVisits:
    """Every page of the app on one workbook, as a reader switches to each in turn in one
    session, run once and kept: for a module-scoped fixture whose tests assert different
    things on the same pages.

        @pytest.fixture(scope="module")
        def visits(tmp_path_factory):
            return PageVisits(tmp_path_factory, look=lambda page, at: texts(at))

        def test_x(visits):
            exceptions, seen = visits("hostile", tabs=HOSTILE)["pages/trends.py"]

    A visit is `run_app(tabs=..., query=...)` (app.py's first page), then `switch_page` to
    each of `pages` (default: all, in ui.page_list's order); for each page it keeps the run's
    exceptions and `look(page, at)`, taken before the next switch. Keyed by `key` and `query`: give
    the tests of one key one `pytest.mark.xdist_group` so that one test process runs it.
    """

    def __init__(self, tmp_path_factory, *, look: Callable[[str, AppTest], Any]) -> None:
        self._factory = tmp_path_factory
        self._look = look
        self._seen: dict[tuple, dict[str, tuple[list[str], Any]]] = {}

    def __call__(
        self,
        key: str,
        *,
        tabs: dict[str, list[list]] | None = None,
        query: dict[str, str] | None = None,
        pages: list[str] | None = None,
    ) -> dict[str, tuple[list[str], Any]]:
        """{page: (the exceptions of its run, look(page, at))} for this workbook and query."""
        cache_key = (key, tuple(sorted((query or {}).items())), tuple(pages or ()))
        if cache_key not in self._seen:
            folder = self._factory.mktemp("visits")
            with pytest.MonkeyPatch.context() as patch:
                use_navigation_pages_manager(patch)
                at = run_app(folder, patch, tabs=tabs, query=query)
                seen = {}
                for page in pages or [page.path for page in PAGES]:
                    at.switch_page(page).run()
                    seen[page] = ([str(e.value) for e in at.exception], self._look(page, at))
            self._seen[cache_key] = seen
        return self._seen[cache_key]


def chart_data(at, index: int = 0) -> pd.DataFrame:
    """The rows behind the index-th chart on the page, as the browser receives them."""
    proto = at.get("vega_lite_chart")[index].proto
    if proto.datasets:
        return convert_arrow_bytes_to_pandas_df(proto.datasets[0].data.data)
    return pd.DataFrame(json.loads(proto.spec)["data"]["values"])


def texts(at: AppTest) -> str:
    """Everything a reader sees as text (titles, headers, markdown, captions, metrics, alerts)."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts.extend(str(element.value) for element in getattr(at, kind))
    parts.extend(f"{m.label}: {m.value}" for m in at.metric)
    return "\n".join(parts)


def metric(at: AppTest, label: str) -> str:
    """The value of the metric with this label."""
    for element in at.metric:
        if element.label == label:
            return element.value
    raise AssertionError(f"no metric labelled {label!r}; have {[m.label for m in at.metric]}")


# -- sign-in settings (made up: no identity provider is reached) ------------------------------

COOKIE_SECRET = "c0ffee" * 8  # 48 characters
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": COOKIE_SECRET,
    "client_id": "ground-truth.apps.example",
    "client_secret": "s3cret-client-value-0123456789",
    "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration",
}

SIGN_IN_TOML = f"""
[groundtruth]
source = "sample"
allowed_domains = ["acme.com"]

[auth]
redirect_uri = "{AUTH["redirect_uri"]}"
cookie_secret = "{COOKIE_SECRET}"
client_id = "{AUTH["client_id"]}"
client_secret = "{AUTH["client_secret"]}"
server_metadata_url = "{AUTH["server_metadata_url"]}"
"""


# -- the Check in page ------------------------------------------------------------------------

CHECK_IN_PAGE = "pages/check_in.py"


def check_in_form(at: AppTest, ident: str, generation: int = 0) -> dict:
    """The Check in form's widgets for initiative `ident` (its `generation`-th form)."""
    suffix = f"{ident}_{generation}"
    return {
        "status": at.selectbox(key=f"check_in_status_{suffix}"),
        "stage": at.selectbox(key=f"check_in_stage_{suffix}"),
        "users": at.text_input(key=f"check_in_users_{suffix}"),
        "note": at.text_area(key=f"check_in_note_{suffix}"),
        "author": at.text_input(key="check_in_author"),
    }


def submit_check_in(at: AppTest) -> AppTest:
    """Press "Check in" and rerun; the page must not raise."""
    (button,) = [b for b in at.button if b.label == "Check in"]
    button.click().run()
    assert not at.exception, at.exception
    return at


class RecordingMediaFileManager(MediaFileManager):
    """AppTest's media file manager, kept after the run so a test can press Download.

    AppTest makes a new manager for each run and drops it at the end; this one remembers the
    latest, so `downloads(at)` can run the deferred callables the page registered.
    """

    latest: MediaFileManager | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        RecordingMediaFileManager.latest = self


def record_downloads(monkeypatch) -> None:
    """Keep the run's media file manager (call before `run_app`), for `downloads()`."""
    monkeypatch.setattr(app_test_module, "MediaFileManager", RecordingMediaFileManager)


def downloads(at: AppTest) -> dict[str, bytes]:
    """The bytes of every download button of the last run, made as a click would make them.

    Keyed by the button's label and file name, e.g. "Download CSV: watermelons.csv".
    """
    manager = RecordingMediaFileManager.latest
    assert manager is not None, "call record_downloads(monkeypatch) before run_app"
    out = {}
    for button in at.get("download_button"):
        file_id = button.proto.deferred_file_id
        if not file_id:
            continue
        url = manager.execute_deferred(file_id)
        name = url.rsplit("/", 1)[1]
        stored = manager.read_file(name.split(".", 1)[0])
        assert stored is not None, url
        out[f"{button.proto.label}: {stored.filename}"] = stored.content
    return out
