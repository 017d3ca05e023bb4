"""The README documents every setting and every cli.py command."""

from __future__ import annotations

import pytest

import cli
from portfolio.schema import SETTINGS_SPEC, TABLES
from tests.apptest_support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", [s.key for s in SETTINGS_SPEC])
def test_every_setting_is_documented(key):
    assert f"`{key}`" in README


@pytest.mark.parametrize(
    "command", sorted(cli.build_parser()._subparsers._group_actions[0].choices)
)
def test_every_cli_command_is_documented(command):
    assert f"cli.py {command}" in README


@pytest.mark.parametrize(
    ("tab", "column"), [(t.name, c.name) for t in TABLES.values() for c in t.columns]
)
def test_every_workbook_column_is_documented(tab, column):
    template = README.split("<!-- workbook-template:start -->")[1].split(
        "<!-- workbook-template:end -->"
    )[0]
    assert f"**{tab}**" in template
    assert f"`{column}`" in template
