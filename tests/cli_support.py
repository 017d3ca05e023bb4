"""Running cli.py's commands in the test process: `cli.main` with its output captured.

    code, out, err = run_cli(capsys, "verdicts", "--json", "--source", str(folder))

As a new process of the command starts: no sheet client or tab list kept from the test's
own reads (loader.forget_sources). The test sets the working folder and the environment
(monkeypatch.chdir/setenv, or the `gsheets_workdir` fixture). `capture` is pytest's capsys,
or capfd to also see what reaches the file descriptors. tests/test_cli_imports.py runs each
command as a process of its own, so the entry point stays covered.
"""

from __future__ import annotations

import cli
from data_sources.loader import forget_sources


def run_cli(capture, *args: str) -> tuple[int, str, str]:
    """`python cli.py ARGS`, in this process: (exit code, stdout, stderr)."""
    forget_sources()
    capture.readouterr()
    code = cli.main([str(arg) for arg in args])
    out, err = capture.readouterr()
    return code, out, err
