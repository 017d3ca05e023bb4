"""Running the app under Streamlit's AppTest on a small workbook written as CSV files.

    at = run_app(tmp_path, monkeypatch, tabs={"Initiatives": [...]}, page="pages/trends.py")

Each call points GROUNDTRUTH_SOURCE at a fresh CSV folder and GROUNDTRUTH_DATA_DIR at a
temporary data folder, and runs from a temporary working directory so a developer's own
`.streamlit/secrets.toml` never leaks into a test.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from tools.apptest_navigation import (  # noqa: F401  (re-exported for tests)
    NavigationPagesManager,
    use_navigation_pages_manager,
)

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
APP_TIMEOUT_S = 60


def write_csv_workbook(directory: Path, tabs: dict[str, list[list]]) -> Path:
    """Write each tab as `<tab>.csv` in `directory`; return the folder."""
    directory.mkdir(parents=True, exist_ok=True)
    for tab, rows in tabs.items():
        with (directory / f"{tab}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    return directory


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
    workdir = tmp_path / "cwd"
    workdir.mkdir(exist_ok=True)
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("GROUNDTRUTH_SOURCE", source or "sample")
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT_S)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


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
