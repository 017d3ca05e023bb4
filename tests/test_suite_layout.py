"""The suite's own rules: shared fixtures live in helper modules, AppTest starts in one place.

A test file that imports another test file runs that file's tests' module code and ties the
two together; what several files share belongs in tests/workbooks.py, apptest_support.py
or browser_support.py. AppTest is started by apptest_support's `start_app`/`run_app`, so
the timeout and the working folder are the same everywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
IMPORTS_A_TEST_FILE = re.compile(r"^\s*(from tests\.test_\w+ import|import tests\.test_)", re.M)
STARTS_APPTEST = re.compile(r"AppTest\.from_file\(")
# A two-page toy app, not the product, to pin Streamlit's own pages/ behaviour.
TOY_APPS = {"test_pages_folder.py"}


def _test_files() -> list[Path]:
    return sorted(TESTS.glob("test_*.py"))


def test_no_test_file_imports_another():
    offenders = [p.name for p in _test_files() if IMPORTS_A_TEST_FILE.search(p.read_text())]
    assert offenders == [], f"move what they share to tests/workbooks.py: {offenders}"


def test_the_app_is_started_through_apptest_support():
    offenders = [
        p.name
        for p in _test_files()
        if p.name not in TOY_APPS and STARTS_APPTEST.search(p.read_text())
    ]
    assert offenders == [], f"use tests.apptest_support.start_app: {offenders}"
