"""`cli.py doctor` and `cli.py verdicts` when the sheet is down: the last good copy, its age,
and `--allow-stale`, against the Sheets emulator made to fail.

The emulator runs in the test process; the CLI runs with the emulator's secrets.toml in its
working folder and GROUNDTRUTH_DATA_DIR in the test's folder (the `gsheets_workdir` fixture
sets both): in a child process for the copy kept fresh, in the test process (`cli.main`,
with no sheet client kept, as a new process starts) for the rest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from data_sources import snapshot
from data_sources.config import read_secrets, resolve_source
from data_sources.loader import load_workbook
from tests.cli_support import run_cli

ROOT = Path(__file__).resolve().parent.parent
CLI_TIMEOUT_S = 120
NOT_SHARED = 403  # answered at once, never retried
COPY_AGE = dt.timedelta(hours=3, minutes=5)
IDS = ["AI-001", "AI-002", "AI-003"]


def _cli(*args: str, workdir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        cwd=workdir,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
    )


def _age_the_copy(workdir: Path) -> dt.datetime:
    """Make the one snapshot in the data folder COPY_AGE old; return its new read time."""
    folder = workdir / "data" / snapshot.SNAPSHOTS
    [path] = folder.glob(f"*{snapshot.SUFFIX}")
    copy = snapshot.load(path.stem, directory=folder)
    assert copy is not None
    read_at = dt.datetime.now(dt.UTC) - COPY_AGE
    snapshot.save(dataclasses.replace(copy, fetched_at=read_at), directory=folder, key=path.stem)
    return read_at


def _down_with_a_copy(sheets_emulator, workdir: Path) -> str:
    """Read once as the app does (which keeps the copy), age the copy, then make the sheet
    refuse: the copy's time as the CLI prints it."""
    spec = resolve_source(secrets=read_secrets())  # the fixture runs the test in `workdir`
    assert load_workbook(spec).error is None
    read_at = _age_the_copy(workdir)
    sheets_emulator.fail(NOT_SHARED)
    return f"read 3 h 5 min ago ({read_at:%Y-%m-%d %H:%M} UTC)"


def test_doctor_without_allow_stale_names_the_copy_and_its_age(
    sheets_emulator, gsheets_workdir, capsys
):
    when = _down_with_a_copy(sheets_emulator, gsheets_workdir)

    code, out, err = run_cli(capsys, "doctor")

    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.startswith("error: The sheet is not shared with ground-truth@")
    assert err.rstrip().endswith(
        f"The last good copy of this source, {when}, is kept here: add --allow-stale to use it."
    )


def test_doctor_with_allow_stale_reads_the_copy_and_says_how_old(
    sheets_emulator, gsheets_workdir, capsys
):
    when = _down_with_a_copy(sheets_emulator, gsheets_workdir)

    _, out, err = run_cli(capsys, "doctor", "--allow-stale")

    assert "Traceback" not in err
    lines = out.splitlines()
    assert lines[0].startswith(f"Using the last good copy, {when}: the source could not be read")
    assert "The sheet is not shared with ground-truth@" in lines[0]
    assert lines[1] == "Source: Google Sheet AI initiatives (emulator)"
    assert "  Initiatives        3 rows" in lines


def test_verdicts_json_with_allow_stale_keeps_the_age_out_of_the_json(
    sheets_emulator, gsheets_workdir, capsys
):
    when = _down_with_a_copy(sheets_emulator, gsheets_workdir)

    code, out, err = run_cli(capsys, "verdicts", "--json", "--allow-stale")

    assert code == 0, err
    assert [record["id"] for record in json.loads(out)] == IDS
    assert err.startswith(f"Using the last good copy, {when}")


def test_verdicts_without_allow_stale_offers_it(sheets_emulator, gsheets_workdir, capsys):
    when = _down_with_a_copy(sheets_emulator, gsheets_workdir)

    code, out, err = run_cli(capsys, "verdicts", "--json")

    assert code == 2
    assert out == ""
    assert f"{when}, is kept here: add --allow-stale to use it." in err


@pytest.mark.slow
def test_a_run_that_reads_the_sheet_keeps_the_copy_fresh(sheets_emulator, gsheets_workdir):
    done = _cli("verdicts", "--allow-stale", workdir=gsheets_workdir)
    sheets_emulator.fail(NOT_SHARED)
    again = _cli("verdicts", "--allow-stale", workdir=gsheets_workdir)

    assert done.returncode == again.returncode == 0
    assert again.stdout.startswith("Using the last good copy, read less than a minute ago")
    assert again.stdout.splitlines()[1:] == done.stdout.splitlines()


def test_without_a_copy_the_error_is_the_sheets_alone(sheets_emulator, gsheets_workdir, capsys):
    sheets_emulator.fail(NOT_SHARED)

    code, out, err = run_cli(capsys, "verdicts", "--allow-stale")

    assert code == 2
    assert out == ""
    assert err.startswith("error: The sheet is not shared with ground-truth@")
    assert "last good copy" not in err
    assert "Traceback" not in err
