"""A bench probe: one measurement in a fresh Python process, and that process's peak memory.

The bench runs each memory-bound step (a cold load, an import of 10 million events) as
`python -m <module> --probe …` so the figure is the step's own, not the bench's: the child
prints one JSON line last, which `run_probe` returns.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KIB_PER_MIB = 1024


def run_probe(
    module: str,
    *args: str,
    data_dir: str | Path,
    timeout_s: float,
    stdin: str | None = None,
    what: str = "the probe",
) -> dict[str, Any]:
    """`python -m module --probe *args` from the repository, with its own data folder; the
    JSON object its last line prints. RuntimeError (with the end of stderr) when it fails."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GROUNDTRUTH_DATA_DIR": str(data_dir)}
    done = subprocess.run(
        [sys.executable, "-m", module, "--probe", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout_s,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def peak_mb() -> float:
    """This process's peak resident memory, in MiB.

    Linux's VmHWM is the high-water mark of this process's own memory since exec.
    `ru_maxrss` is not: a child forked from a large parent (the bench holds every cell of the
    maximal workbook) starts with the parent's figure, so it is only the fallback elsewhere.
    """
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / KIB_PER_MIB  # reported in kB
    # ru_maxrss is in KiB on Linux (bytes on macOS, where this is only indicative).
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KIB_PER_MIB
