"""The terminal face never imports Streamlit: `cli.py` runs where only pandas is wanted
(cron, CI, a server without the app), and hiding names lives in portfolio.redact.

Each command is run as its own process under `python -X importtime`, which lists every
module the process imported on stderr, one line each: "import time: self | total | name".
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.apptest_support import ROOT

CLI = ROOT / "cli.py"
CLI_TIMEOUT_S = 120


def imported_modules(importtime_log: str) -> set[str]:
    """The module names in the output of `python -X importtime` (indentation stripped).

    >>> sorted(imported_modules("import time: 5 | 9 |   streamlit.proto\\nhello"))
    ['streamlit.proto']
    """
    modules = set()
    for line in importtime_log.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            modules.add(line.rsplit("|", 1)[1].strip())
    return modules


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["slide", "--source", "sample", "--out", "deck.png"],
        ["verdicts", "--source", "sample"],
        ["verdicts", "--source", "sample", "--json"],
        ["doctor", "--source", "sample"],
        ["digest", "--source", "sample", "--out", "digest.html"],
    ],
    ids=["slide", "verdicts", "verdicts-json", "doctor", "digest"],
)
def test_cli_imports_no_streamlit(tmp_path, args):
    env = {**os.environ, "GROUNDTRUTH_DATA_DIR": str(tmp_path / "data")}
    env.pop("GROUNDTRUTH_SOURCE", None)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(CLI), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = imported_modules(done.stderr)
    assert "portfolio.parse" in modules  # the log is read right: it lists what the CLI imports
    streamlit = sorted(m for m in modules if m == "streamlit" or m.startswith("streamlit."))
    assert streamlit == [], f"{args[0]} imports {len(streamlit)} streamlit modules: {streamlit[:5]}"
