"""A throwaway PostgreSQL server for tests: initdb + pg_ctl on a free loopback port.

    from tests.postgres_server import postgres  # noqa: F401  (the fixture)

    def test_x(postgres):
        engine = sqlalchemy.create_engine(postgres.url)

The server runs from a temporary folder, as the `postgres` user when the tests run as root
(PostgreSQL refuses to run as root), listens on 127.0.0.1 only, asks for a password
(scram-sha-256) and is stopped by its PID at the end of the session. Without PostgreSQL
binaries the tests that need it are skipped, except in CI (CI=true), where they fail:
`.ci/run` installs Debian's `postgresql` package.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

BIN_GLOB = "/usr/lib/postgresql/*/bin"
RUN_AS = "postgres"  # the user the server runs as when the tests run as root
USER = "groundtruth"
PASSWORD = "pg-Secret-7f3a"  # a throwaway server's; tests check it never reaches a message
DATABASE = "postgres"
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30
POLL_S = 0.1


@dataclass(frozen=True)
class Postgres:
    """A running server: its SQLAlchemy URL (psycopg), port and PID."""

    url: str
    port: int
    pid: int


def bin_dir() -> Path | None:
    """The newest PostgreSQL bin folder with initdb and pg_ctl, or None."""
    found = [Path(p) for p in glob.glob(BIN_GLOB) if (Path(p) / "pg_ctl").exists()]
    if found:
        return max(found, key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()])
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie, waiting for its parent to reap it, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text(errors="replace").rsplit(")", 1)[1].split()
    except (FileNotFoundError, IndexError):
        return False
    return state[0] != "Z"


@pytest.fixture(scope="session")
def postgres():
    """Start PostgreSQL for the session; yields a `Postgres`; stops it by its PID."""
    binaries = bin_dir()
    if binaries is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("PostgreSQL binaries are missing in CI: .ci/run should install them")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql); CI runs this")
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", RUN_AS, "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="gt-postgres-"))
    data, pwfile, log = folder / "data", folder / "password", folder / "server.log"
    pwfile.write_text(PASSWORD)
    if as_root:
        shutil.chown(folder, RUN_AS)
        shutil.chown(pwfile, RUN_AS)
    port = _free_port()
    pid = None
    try:
        subprocess.run(
            [
                *prefix,
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                USER,
                "--auth=scram-sha-256",
                f"--pwfile={pwfile}",
                "--encoding=UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            timeout=START_TIMEOUT_S,
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
        subprocess.run(
            [
                *prefix,
                *(str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log)),
                *("-w", "-t", str(START_TIMEOUT_S), "start"),
            ],
            check=True,
            capture_output=True,
            timeout=START_TIMEOUT_S + 10,
        )
        pid = int((data / "postmaster.pid").read_text().split()[0])
        url = f"postgresql+psycopg://{USER}:{PASSWORD}@127.0.0.1:{port}/{DATABASE}"
        yield Postgres(url=url, port=port, pid=pid)
    except subprocess.CalledProcessError as exc:
        server_log = log.read_text(errors="replace") if log.exists() else ""
        pytest.fail(f"PostgreSQL did not start: {exc.stderr!r} {server_log}")
    finally:
        if pid is not None:
            stop(pid)
        shutil.rmtree(folder, ignore_errors=True)


def stop(pid: int) -> None:
    """Fast shutdown (SIGINT) of the server with this PID; SIGKILL if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(POLL_S)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
