"""Control characters: escaped on every line the CLI prints, left out of what a check-in writes.

A name holding ESC sequences, BEL or a line break once reached the terminal as it was from
`cli.py verdicts` (clearing the screen, retitling the window, breaking the table), and NUL or
ESC typed into a check-in's note or author went to the sheet as they were. Now every CLI line
goes through portfolio.text.escape, and the check-in validation (one rule for the app and the
CLI) leaves them out and says so. `--note -1+1` is a note, not an unknown option.

`verdicts` and a bad `--as-of` run as processes of their own, their output read as a terminal
gets it; the other commands run `cli.main` in the test process, their output read at the file
descriptors (capfd), so a write that went around the escaping would be seen there too.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from data_sources import checkins
from portfolio import text
from tests.apptest_support import (
    CHECK_IN_PAGE,
    ROOT,
    check_in_form,
    start_app,
    submit_check_in,
    write_csv_workbook,
)
from tests.cli_support import run_cli
from tools.sheets_emulator import FakeSheets

ESC_NAME = "Bot\x1b[2J\x1b]0;pwned\x07one"  # clear the screen, retitle the window
BROKEN_NAME = "Two\nlines\r\tand\x85C1"
BIDI_TEAM = "Ops\u202eevil"
WORKBOOK = {
    "Initiatives": [
        ["id", "name", "team", "origin", "reported_status", "stage", "started"],
        ["AI-1", ESC_NAME, "Ops", "Mandate", "Green", "Stalled", "2026-01-05"],
        ["AI-2", BROKEN_NAME, BIDI_TEAM, "Grassroots", "Amber", "Pilot", "2026-05-04"],
        ["AI-3", "Fine", "Fin", "Vendor", "\x1b[31mGreeen", "Pilot", "2026-05-04"],
    ],
    "Settings": [["key", "value"], ["as_of", "2026-06-01"]],
}
# What a terminal would obey: C0 but the line break, DEL, C1, bidi overrides and isolates.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _cli(cwd, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        cwd=cwd,
        env={**os.environ, "HOME": str(cwd), "GROUNDTRUTH_DATA_DIR": str(cwd / "data")},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def _cli_here(cwd, monkeypatch, capfd, *args: str) -> tuple[int, str, str]:
    """`_cli` in this process, from `cwd` with the same settings: (exit code, stdout, stderr)."""
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("HOME", str(cwd))
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(cwd / "data"))
    return run_cli(capfd, *args)


@pytest.fixture
def workbook(tmp_path):
    return str(write_csv_workbook(tmp_path / "workbook", WORKBOOK))


# -- the one rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain · Tomás 東京 🎉", "plain · Tomás 東京 🎉"),
        ("a\x1b[2Jb", "a\\u001b[2Jb"),
        ("bell\x07", "bell\\u0007"),
        ("nul\x00", "nul\\u0000"),
        ("two\nlines\r\n", "two\\nlines\\r\\n"),
        ("tab\there", "tab\\there"),
        ("del\x7f c1\x9b", "del\\u007f c1\\u009b"),
        ("rtl\u202eoverride\u2066", "rtl\\u202eoverride\\u2066"),
        ("line\u2028sep", "line\\u2028sep"),
        ("lone\ud800", "lone\\ud800"),
    ],
)
def test_escape(raw, escaped):
    assert text.escape(raw) == escaped
    assert json.loads(f'"{escaped}"') == raw  # the same escapes as JSON's


@pytest.mark.parametrize(
    ("raw", "keep_lines", "stripped", "removed"),
    [
        ("Dana\x1b[2J\x07", False, "Dana[2J", 2),
        ("a\x00b", False, "ab", 1),
        ("para one\n\tpara two\r\n", True, "para one\n\tpara two\r\n", 0),
        ("para one\n\x1bpara two", True, "para one\npara two", 1),
        ("one\nline", False, "oneline", 1),
        ("ok", False, "ok", 0),
    ],
)
def test_strip_and_count(raw, keep_lines, stripped, removed):
    assert text.strip(raw, keep_lines=keep_lines) == stripped
    assert text.count(raw, keep_lines=keep_lines) == removed


# -- what the CLI prints --------------------------------------------------------------------


def test_verdicts_text_escapes_cell_text_one_line_per_initiative(tmp_path, workbook):
    done = _cli(tmp_path, "verdicts", "--source", workbook)
    assert done.returncode == 0, done.stderr
    assert not RAW.search(done.stdout), repr(RAW.search(done.stdout))
    heads = [line for line in done.stdout.splitlines() if line.startswith("AI-")]
    assert [line.split()[0] for line in heads] == ["AI-1", "AI-2", "AI-3"]  # nothing split
    assert "Ops: Bot\\u001b[2J\\u001b]0;pwned\\u0007one WATERMELON" in heads[0]
    assert "Ops\\u202eevil: Two\\nlines\\r\\tand\\u0085C1" in heads[1]


def test_verdicts_json_stays_json_and_escapes_what_json_does_not(
    tmp_path, workbook, monkeypatch, capfd
):
    code, out, err = _cli_here(
        tmp_path, monkeypatch, capfd, "verdicts", "--source", workbook, "--json"
    )
    assert code == 0, err
    assert not RAW.search(out)
    records = json.loads(out)
    assert [r["name"] for r in records] == [ESC_NAME, BROKEN_NAME, "Fine"]  # read back whole
    assert records[1]["team"] == BIDI_TEAM


def test_doctor_escapes_the_raw_cell_it_quotes(tmp_path, workbook, monkeypatch, capfd):
    _, out, _ = _cli_here(tmp_path, monkeypatch, capfd, "doctor", "--source", workbook)
    assert not RAW.search(out)
    assert "\\u001b[31mGreeen" in out  # the unreadable status, quoted escaped


def test_errors_on_stderr_are_escaped_too(tmp_path):
    done = _cli(tmp_path, "verdicts", "--source", "sample", "--as-of", "\x1b[2J\x07")
    assert done.returncode == 2
    assert '--as-of "\\u001b[2J\\u0007" is not a date' in done.stderr
    assert not RAW.search(done.stderr)


# -- check-ins: the CLI ---------------------------------------------------------------------


@pytest.mark.parametrize("note", ["-1+1", "- fixed the macro", "-"])
def test_a_note_may_start_with_a_dash(tmp_path, monkeypatch, capfd, note):
    code, _, err = _cli_here(tmp_path, monkeypatch, capfd, "check-in", "--initiative", "AI-004",
                             "--status", "Green", "--stage", "Adopted", "--note", note,
                             "--author", "-Dana", "--source", "sample")  # fmt: skip
    assert code == 0, err  # before: "expected one argument", exit 2
    (line,) = (tmp_path / "data" / "checkins" / "sample.jsonl").read_text().splitlines()
    saved = json.loads(line)
    assert (saved["note"], saved["author"]) == (note, "-Dana")


def test_a_forgotten_note_is_still_an_error(tmp_path):
    done = _cli(tmp_path, "check-in", "--initiative", "AI-004", "--status", "Green",
                "--stage", "Adopted", "--note", "--author", "Dana",
                "--source", "sample")  # fmt: skip
    assert done.returncode == 2
    assert "--note: expected one argument" in done.stderr


@pytest.mark.usefixtures("fresh_sheet_writers")
def test_cli_check_in_leaves_control_characters_out_of_the_sheet(
    sheets_emulator: FakeSheets, gsheets_workdir, monkeypatch, capfd
):
    # (No NUL here: a command line cannot carry one. The app test below types it.)
    code, out, err = _cli_here(gsheets_workdir, monkeypatch, capfd, "check-in", "--initiative",
                               "AI-002", "--status", "Amber", "--stage", "Pilot", "--note",
                               "went\x01 back\x1b[2J\nto Excel\x07",
                               "--author", "Dana\x1b]0;x\x07 Whit\x0bfield")  # fmt: skip
    assert code == 0, err
    (row,) = sheets_emulator.tabs["CheckIns"][1:]
    assert row[2:] == [
        "AI-002",
        "Dana]0;x Whit field",
        "Amber",
        "Pilot",
        "",
        "went back[2J\nto Excel",
    ]
    assert (
        "note: Left out of the note and the author: 5 control characters (invisible, such as "
        "ESC or NUL), which a sheet cell should not hold." in out
    )


# -- check-ins: the app, by the same rule ---------------------------------------------------


def test_app_check_in_leaves_control_characters_out_of_the_sheet(
    sheets_emulator: FakeSheets, gsheets_workdir
):
    at = start_app(page=CHECK_IN_PAGE, query={"initiative": "AI-002"})
    assert not at.exception, at.exception
    form = check_in_form(at, "AI-002")
    form["status"].set_value("Amber")
    form["stage"].set_value("Pilot")
    form["note"].set_value("went\x00 back\x1b[2J\nto Excel\x07")
    form["author"].set_value("Dana\x1b]0;x\x07 Whit\x0bfield")
    submit_check_in(at)

    (row,) = sheets_emulator.tabs["CheckIns"][1:]
    assert row[2:] == [
        "AI-002",
        "Dana]0;x Whit field",
        "Amber",
        "Pilot",
        "",
        "went back[2J\nto Excel",
    ]
    assert any(
        "Left out of the note and the author: 5 control characters" in s.value for s in at.success
    )


def test_the_app_and_the_cli_share_the_rule():
    made = checkins.new_checkin(
        initiative_id="AI-1",
        reported_status="Green",
        stage="Pilot",
        note="a\x00b\n\tc",
        author="x\x1by",
        known_ids={"AI-1"},
    )
    assert (made.note, made.author) == ("ab\n\tc", "xy")
    assert checkins.removed_notice(note="a\x00b\n\tc", author="x\x1by") == (
        "Left out of the note and the author: 2 control characters (invisible, such as ESC or "
        "NUL), which a sheet cell should not hold."
    )
    assert checkins.removed_notice(note="fine\n", author="Dana") is None


# -- lone surrogates: valid JSON from the Sheets API, not text pandas can hold -------------


def test_a_lone_surrogate_from_the_sheet_reads_as_the_replacement_character(
    sheets_emulator: FakeSheets,
):
    from data_sources.google_sheet import GoogleSheetSource
    from portfolio.parse import parse_workbook

    sheets_emulator.tabs["Initiatives"][1][1] = (
        "Bot\ud800one 🎉"  # sent as "\ud800", "\ud83c\udf89"
    )
    raw = GoogleSheetSource(sheets_emulator.settings()).fetch()
    # Before: pandas refused the cell ("surrogates not allowed") and the whole read failed.
    portfolio = parse_workbook(raw)
    assert portfolio.initiatives["name"].iloc[0] == "Bot\ufffdone 🎉"
