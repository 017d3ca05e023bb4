"""`python cli.py import-usage` as a user runs it: bad files are named (row and column where
they can be), nothing is written, the exit code is non-zero and no traceback or user value
reaches the terminal; a good run prints what it wrote and what it left out.

The good run is a process of its own, as from a shell; the bad files run `cli.main` in the
test process, with the same environment and working folder.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.apptest_support import ROOT
from tests.cli_support import run_cli

INITIATIVES = [
    ["id", "name", "team", "origin", "stage", "started", "tool"],
    ["AI-1", "Drafts", "Support", "Grassroots", "Pilot", "2026-01-05", "ChatGPT"],
]
SECRET_PERSON = "zoe.q@acme.example"
EXIT_USAGE = 2


@pytest.fixture
def env(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    with (book / "Initiatives.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(INITIATIVES)
    return {
        **os.environ,
        "GROUNDTRUTH_DATA_DIR": str(tmp_path / "data"),
        "GROUNDTRUTH_SOURCE": str(book),
        "HOME": str(tmp_path),
    }


def run(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "import-usage", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=env["HOME"],
        timeout=120,
    )


def run_here(env, monkeypatch, capsys, *args) -> tuple[int, str, str]:
    """`run`, in this process: (exit code, stdout, stderr)."""
    for name in ("GROUNDTRUTH_DATA_DIR", "GROUNDTRUTH_SOURCE", "HOME"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.chdir(env["HOME"])
    return run_cli(capsys, "import-usage", *args)


def _csv(path: Path, rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _bad_files(tmp: Path) -> list[tuple[Path, str, tuple[str, ...]]]:
    """(file, --format, texts the message must hold)."""
    no_user = _csv(tmp / "no-user.csv", [("timestamp", "tool"), ("2026-03-02", "ChatGPT")])
    no_time = _csv(tmp / "no-time.csv", [("when_it_was", "user"), ("2026-03-02", "x")])
    bad_time = _csv(
        tmp / "bad-time.csv",
        [("event_time", "user", "tool"), ("2026-03-02", "a", "ChatGPT"),
         ("2026-03-03", "b", "ChatGPT"), ("3 o'clock", SECRET_PERSON, "ChatGPT")],
    )  # fmt: skip
    who_in_time = _csv(
        tmp / "swapped.csv", [("timestamp", "user", "tool"), (SECRET_PERSON, "x", "ChatGPT")]
    )
    latin = tmp / "latin1.csv"
    latin.write_bytes("timestamp,user,tool\n2026-03-02,andré,ChatGPT\n".encode("latin-1"))
    utf16 = tmp / "utf16.csv"
    utf16.write_bytes("timestamp,user,tool\n2026-03-02,a,ChatGPT\n".encode("utf-16"))
    not_parquet = tmp / "events.parquet"
    not_parquet.write_text("timestamp,user\n2026-03-02,a\n", encoding="utf-8")
    other_json = tmp / "seats.json"
    other_json.write_text(json.dumps({"total_seats": 4, "seats": []}), encoding="utf-8")
    return [
        (no_user, "events", ("no-user.csv", "has no user column", "timestamp, tool")),
        (no_time, "events", ("no-time.csv", "has no time column")),
        (bad_time, "events", ("bad-time.csv", "row 3", '"event_time"', "3 o'clock")),
        (who_in_time, "events", ("swapped.csv", "row 1", "(a value)")),
        (latin, "events", ("latin1.csv", "not UTF-8", "line 2")),
        (utf16, "events", ("utf16.csv", "UTF-16")),
        (not_parquet, "events", ("events.parquet", "is not a Parquet file")),
        (other_json, "github-copilot", ("seats.json", "not a GitHub Copilot usage report")),
    ]


def test_bad_input_is_named_and_nothing_is_written(env, tmp_path, monkeypatch, capsys):
    for path, fmt, texts in _bad_files(tmp_path):
        code, out, err = run_here(env, monkeypatch, capsys, path, "--format", fmt)
        assert code == EXIT_USAGE, (path, out, err)
        assert out == ""
        assert err.startswith("error: "), err
        for text in texts:
            assert text in err, (text, err)
        assert "nothing was written" in err
        assert "Traceback" not in err
        assert SECRET_PERSON not in err
        assert not (tmp_path / "data").exists()


def test_a_good_run_says_what_it_wrote_and_left_out(env, tmp_path):
    log = _csv(
        tmp_path / "log.csv",
        [("timestamp", "user", "tool"), ("2026-03-02T10:00:00Z", SECRET_PERSON, "ChatGPT"),
         ("2026-03-03T10:00:00Z", "x", "Zapier")],
    )  # fmt: skip
    done = run(env, log, "--format", "events", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "Would write 1 row(s) with source events:log.csv" in done.stdout
    assert "AI-1         week of 2026-03-02        1 users" in done.stdout
    assert "Not imported: 1 event(s) for 'Zapier': add --map 'Zapier=ID'" in done.stdout
    assert not (tmp_path / "data").exists()
    done = run(env, log, "--format", "events", "--json", "--source", "chat-log")
    report = json.loads(done.stdout)
    assert report["rows"] == [
        {
            "initiative_id": "AI-1",
            "week": "2026-03-02",
            "active_users": 1,
            "source": "events:chat-log",
        }
    ]
    assert report["written"] is True
    saved = (tmp_path / "data" / "usage").glob("*.jsonl")
    assert all(SECRET_PERSON not in p.read_text(encoding="utf-8") for p in saved)
