"""The performance bench: seeded workbooks served by the Sheets emulator, timed end to end.

    python cli.py bench [--quick] [--json] [--out PATH]

For each size (small: 40 initiatives; large: 10,000 initiatives x 52 weeks; maximal: a
workbook of about 10 million cells) it generates a seeded workbook with the sample
generator, serves it from `tools/sheets_emulator.py` over loopback HTTP, and measures, as
medians of several runs:

- the requests one cold load sends (a fresh process: token, metadata, batchGet; a refresh
  once the cache expires: one batchGet) and the requests of the common peer path;
- the cold path as the app runs it: fetch, snapshot of the last good copy, parse and
  evidence, and parse time against `json.loads` of the same response body (the floor no
  parser of that body can beat); the parse of the same cells read as FORMATTED_VALUE;
- the cold load: the app's first run under AppTest on empty caches, from the fetch to the
  first page drawn, against the peer path: gspread `worksheet(tab).get_all_records()` per
  tab into DataFrames;
- the rerun time of every page under AppTest on a warm cache;
- the peak memory of a cold load, in a subprocess (VmHWM, the kernel's high-water mark of
  the process's resident memory; `resource.getrusage` ru_maxrss where there is no /proc).

The emulator answers each distinct request from bytes it rendered once, so the figures are
the client's: a real server also has its answer ready. It runs in this process, on a
thread that mostly waits in `sendall` without the GIL.

>>> report = run_bench(quick=True)  # about 20 s  # doctest: +SKIP
>>> report["sizes"][0]["requests"]["refresh"]  # doctest: +SKIP
{'batchGet': 1}
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.probe import peak_mb, run_probe

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
DEFAULT_OUT = ROOT / "tools" / "bench_results.json"
QUICK_OUT = ROOT / "tests" / "artifacts" / "bench_quick.json"

# The budgets of DESIGN.md section 6, checked on the large workbook (memory on the maximal).
BUDGET_COLD_LOAD_S = 3.0
BUDGET_PAGE_RERUN_S = 0.3
BUDGET_PEAK_MB = 2048
BUDGET_PARSE_VS_JSON = 3.0
TIMED_SIZES = frozenset({"small", "large"})
PARSER_SIZES = frozenset({"large", "maximal"})

SHEETS_CELL_LIMIT = 10_000_000
RUNS = 5
WORKBOOK_CASE, IMPORT_CASE = "workbook", "import"
CASES = (WORKBOOK_CASE, IMPORT_CASE)
QUICK_RUNS = 3
# A maximal run takes tens of seconds; three show the spread well enough.
MAXIMAL_RUNS = 3
# AppTest's own default timeout (3 s) is shorter than a maximal cold load.
# The peer path takes seconds per run on the large workbook; three runs give its median.
PEER_RUNS = 3
APPTEST_TIMEOUT_S = 300
PROBE_TIMEOUT_S = 600
PATIENT_TIMEOUT_S = 600
KIB_PER_MIB = 1024
BYTES_PER_MB = 1_000_000
# Outside `streamlit run`, clearing a cache warns that there is no runtime; here that is
# expected, and the warnings would bury the bench's own lines.
NOISY_LOGGERS = (
    "streamlit.runtime.caching.cache_data_api",
    "streamlit.runtime.scriptrunner_utils.script_run_context",
)
VALUES_GET = "valuesGet"  # the peer path's one-tab read, counted beside the emulator's endpoints


@dataclass(frozen=True)
class Size:
    """One workbook size: how many initiatives and weeks of usage the generator makes."""

    name: str
    initiatives: int
    weeks: int
    runs: int = RUNS


# 20,000 x 120 weeks = 2.4 million usage rows x 4 columns, plus 20,000 x 17 initiative
# cells: just under the 10 million cells a spreadsheet can hold.
SIZES = (
    Size("small", 40, 52),
    Size("large", 10_000, 52),
    Size("maximal", 20_000, 120, runs=MAXIMAL_RUNS),
)


# -- the workbook ------------------------------------------------------------------------


def typed_workbook(tabs: dict[str, list[list[str]]]) -> dict[str, list[list[Any]]]:
    """Cells as Sheets holds them once typed in: numbers and ISO dates typed, the rest text.

    Each distinct string is converted once (a usage column holds a few hundred of them).

    >>> typed_workbook({"Usage": [["week", "active_users"], ["2026-03-02", "14"]]})["Usage"][1]
    [datetime.date(2026, 3, 2), 14]
    """
    from tools.sheets_emulator import (
        csv_cell,  # "like typing into Sheets", as the emulator reads CSV
    )

    seen: dict[str, Any] = {}

    def cell(text: str) -> Any:
        value = seen.get(text, seen)
        if value is seen:
            value = seen[text] = csv_cell(text)
        return value

    return {tab: [[cell(c) for c in row] for row in rows] for tab, rows in tabs.items()}


def grid_cells(tabs: dict[str, list[list[Any]]]) -> int:
    """Cells of the smallest grid that holds each tab (rows x widest row), summed."""
    return sum(len(rows) * max(map(len, rows), default=0) for rows in tabs.values())


def make_workbook(size: Size) -> dict[str, list[list[Any]]]:
    """The seeded workbook of a size, typed as the emulator serves it."""
    from data_sources.sample.generate import generate_workbook

    return typed_workbook(generate_workbook(n_initiatives=size.initiatives, weeks=size.weeks))


# -- the emulator, answering from rendered bytes -----------------------------------------


def bench_sheets(tabs: dict[str, list[list[Any]]]):  # -> BenchSheets (tools.sheets_emulator)
    """A started emulator that renders each distinct read once and also serves `values.get`.

    `values.get` (one tab per request) is what gspread's `Worksheet.get_all_records` sends;
    the Ground Truth source never uses it, so tools/sheets_emulator.py does not serve it.
    """
    from tools import sheets_emulator

    class Rendered:
        def __init__(self, body: bytes) -> None:
            self.body = body

    class Handler(sheets_emulator.SheetsHandler):
        def route(self, method: str, path: str) -> tuple[str, str | None, str | None]:
            endpoint, sheet, target = super().route(method, path)
            prefix = "/v4/spreadsheets/"
            if not endpoint and method == "GET" and path.startswith(prefix) and "/values/" in path:
                sheet, _, target = path[len(prefix) :].partition("/values/")
                return VALUES_GET, sheet, urllib.parse.unquote(target)
            return endpoint, sheet, target

        def answer(self, endpoint, sheet_id, target, query, raw_body):
            sheets: BenchSheets = self.sheets  # type: ignore[assignment]
            readable = (
                endpoint in (sheets_emulator.BATCH_GET, VALUES_GET)
                and sheets.authorized(self.headers.get("Authorization"))
                and sheet_id == sheets.spreadsheet_id
            )
            if not readable:
                return super().answer(endpoint, sheet_id, target, query, raw_body)
            return sheets.rendered(endpoint, target, query)

        def send_document(self, status, document, *, headers=None, truncate=False) -> None:
            if not isinstance(document, Rendered):
                super().send_document(status, document, headers=headers, truncate=truncate)
                return
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(document.body)))
            self.end_headers()
            self.wfile.write(document.body)

    class BenchSheets(sheets_emulator.FakeSheets):
        handler_class = Handler
        thread_name = "bench-sheets"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._rendered: dict[tuple, tuple[int, Rendered]] = {}
            self._render_lock = threading.Lock()

        def load(self, tabs: dict[str, list[list[Any]]]) -> None:
            """Serve another workbook from the same address (secrets stay valid)."""
            with self._render_lock:
                self.tabs = tabs
                self._rendered.clear()

        def rendered(self, endpoint: str, target: str | None, query: dict) -> tuple[int, Any]:
            key = (endpoint, target, tuple(sorted((k, tuple(v)) for k, v in query.items())))
            with self._render_lock:
                hit = self._rendered.get(key)
                if hit is None:
                    if endpoint == VALUES_GET:
                        status, document = self.batch_get({**query, "ranges": [target or ""]})
                        if status == 200:
                            document = document["valueRanges"][0]
                    else:
                        status, document = self.batch_get(query)
                    hit = self._rendered[key] = (status, Rendered(json.dumps(document).encode()))
            return hit

        def body(self, endpoint: str, *, render: str = "UNFORMATTED_VALUE") -> bytes:
            """The answer rendered for the one request of `endpoint` with this render option."""
            wanted = ("valueRenderOption", (render,))
            with self._render_lock:
                bodies = [
                    r.body
                    for (e, _, query), (_, r) in self._rendered.items()
                    if e == endpoint and wanted in query
                ]
            assert len(bodies) == 1, f"expected one rendered {endpoint}, have {len(bodies)}"
            return bodies[0]

    return BenchSheets(tabs).start()


# -- measuring ---------------------------------------------------------------------------


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls of `action`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _fresh_source(sheets, *, policy=None):
    """A Google Sheets source as a new process has it: no token, no tab list yet."""
    from data_sources.google_sheet import GoogleSheetSource

    GoogleSheetSource.forget_layouts()
    return GoogleSheetSource(sheets.settings(), policy=policy)


def _patient_policy():
    """Timeouts long enough for the emulator's first rendering of a maximal workbook (the
    peer path in the wild, gspread's own client, has no timeout at all)."""
    from data_sources.retry import RetryPolicy

    return RetryPolicy(read_timeout=PATIENT_TIMEOUT_S, total_seconds=PATIENT_TIMEOUT_S)


def warm_up(sheets) -> None:
    """Have the emulator render the source's read once, before anything is timed or counted."""
    _fresh_source(sheets, policy=_patient_policy()).fetch()


def measure_requests(sheets) -> dict[str, dict[str, int]]:
    """Requests sent by a cold load in a new process, then by a refresh after the TTL."""
    source = _fresh_source(sheets)
    sheets.reset_counts()
    source.fetch()
    cold = sheets.counts
    sheets.reset_counts()
    source.fetch()
    return {"cold_process": cold, "refresh": sheets.counts}


def measure_pipeline(sheets, runs: int) -> dict[str, float]:
    """Medians of the cold path as the app runs it: fetch (new token and tab list), the
    snapshot of the last good copy, the parse and the evidence; and the json.loads floor.

    `cold_path_cpu_s` is the process CPU time of the whole path: on a machine shared with
    other work, wall time also counts the waits for a core.
    """
    from data_sources import snapshot
    from portfolio.evidence import assess
    from portfolio.parse import parse_workbook

    phases: dict[str, list[float]] = {"fetch": [], "snapshot": [], "parse": [], "evidence": []}
    cpu = []
    with tempfile.TemporaryDirectory(prefix="gt-bench-snapshots-") as folder:
        for _ in range(runs):
            source = _fresh_source(sheets)
            cpu_started = time.process_time()
            marks = [time.perf_counter()]
            raw = source.fetch()
            marks.append(time.perf_counter())
            snapshot.save(raw, directory=Path(folder), key="bench")
            marks.append(time.perf_counter())
            portfolio = parse_workbook(raw)
            marks.append(time.perf_counter())
            assess(portfolio)
            marks.append(time.perf_counter())
            cpu.append(time.process_time() - cpu_started)
            for phase, begin, end in zip(phases, marks, marks[1:], strict=False):
                phases[phase].append(end - begin)
            del raw, portfolio
    body = sheets.body("batchGet")
    floor = median_seconds(lambda: _loads_floor(body), runs)
    med = {phase: statistics.median(times) for phase, times in phases.items()}
    return {
        "response_mb": round(len(body) / BYTES_PER_MB, 1),
        **{f"{phase}_s": seconds for phase, seconds in med.items()},
        "json_loads_s": floor,
        "parse_vs_json": med["parse"] / floor,
        "cold_path_s": sum(med.values()),
        "cold_path_cpu_s": statistics.median(cpu),
    }


def _loads_floor(body: bytes) -> object:
    """json.loads at its fastest: with the cyclic collector paused, as the source decodes."""
    from data_sources.files import gc_paused

    with gc_paused():
        return json.loads(body)


def measure_formatted(sheets, runs: int) -> dict[str, float]:
    """The same workbook read as FORMATTED_VALUE (dates and numbers as display text): its
    size and parse time, against the UNFORMATTED_VALUE read the source sends."""
    from portfolio.model import RawWorkbook
    from portfolio.parse import parse_workbook

    spreadsheet = _peer_spreadsheet(sheets)
    tabs = list(sheets.tabs)
    payload = spreadsheet.values_batch_get(tabs, params={"valueRenderOption": "FORMATTED_VALUE"})
    raw = RawWorkbook(
        tabs={
            tab: r.get("values", []) for tab, r in zip(tabs, payload["valueRanges"], strict=True)
        },
        origin="bench",
        kind="gsheets",
        fetched_at=dt.datetime.now(dt.UTC),
    )
    body = sheets.body("batchGet", render="FORMATTED_VALUE")
    return {
        "formatted_mb": round(len(body) / BYTES_PER_MB, 1),
        "formatted_parse_s": median_seconds(lambda: parse_workbook(raw), runs),
    }


def _peer_spreadsheet(sheets):
    import gspread

    from data_sources.google_credentials import build_credentials
    from data_sources.retry import RetryingHTTPClient

    settings = sheets.settings()
    # Only to reach the emulator: gspread hard-codes Google's host (see data_sources/retry.py).
    factory = functools.partial(
        RetryingHTTPClient, policy=_patient_policy(), api_base_url=settings.api_base_url
    )
    client = gspread.Client(build_credentials(settings), http_client=factory)
    return client.open_by_key(settings.spreadsheet_key)


def peer_load(sheets) -> dict[str, Any]:
    """The common path: gspread opens the sheet, then `get_all_records()` per tab."""
    import pandas as pd

    spreadsheet = _peer_spreadsheet(sheets)
    return {tab: pd.DataFrame(spreadsheet.worksheet(tab).get_all_records()) for tab in sheets.tabs}


def measure_peer(sheets, runs: int) -> dict[str, Any]:
    """Median time and request count of the peer path (a new client each run)."""
    peer_load(sheets)  # the emulator renders the formatted answers once
    sheets.reset_counts()
    peer_load(sheets)
    requests = sheets.counts
    runs = min(runs, PEER_RUNS)
    return {"peer_s": median_seconds(lambda: peer_load(sheets), runs), "peer_requests": requests}


@contextlib.contextmanager
def app_workdir(sheets) -> Iterator[Path]:
    """Run inside a temporary folder whose secrets.toml points at the emulator."""
    saved_cwd = Path.cwd()
    saved_env = {
        k: os.environ.get(k) for k in ("HOME", "GROUNDTRUTH_DATA_DIR", "GROUNDTRUTH_SOURCE")
    }
    with tempfile.TemporaryDirectory(prefix="gt-bench-") as folder:
        workdir = Path(folder)
        secrets = workdir / ".streamlit" / "secrets.toml"
        secrets.parent.mkdir()
        secrets.write_text(sheets.secrets_toml(), encoding="utf-8")
        os.environ["HOME"] = folder
        os.environ["GROUNDTRUTH_DATA_DIR"] = str(workdir / "data")
        os.environ.pop("GROUNDTRUTH_SOURCE", None)
        os.chdir(workdir)
        try:
            yield workdir
        finally:
            os.chdir(saved_cwd)
            for name, value in saved_env.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def forget_everything() -> None:
    """An empty cache, as after a deploy: no cached read, no token, no tab list."""
    import streamlit as st
    import streamlit.logger

    from data_sources.loader import forget_sources

    for name in NOISY_LOGGERS:
        streamlit.logger.get_logger(name).setLevel(logging.ERROR)
    st.cache_resource.clear()
    st.cache_data.clear()
    forget_sources()


def _new_app():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(APP), default_timeout=APPTEST_TIMEOUT_S)


def _failure(at) -> str | None:
    if at.exception:
        return str(at.exception[0].value)
    return None


def page_paths() -> list[str]:
    """Every page script, as AppTest.switch_page wants it ("pages/overview.py")."""
    from ui.page_list import PAGES

    return [page.path for page in PAGES]


def measure_app(sheets, runs: int) -> dict[str, Any]:
    """Cold first page (empty cache) and the warm rerun of every page, under AppTest.

    Every run goes through app.py once, as on a server: AppTest alone would first run the
    page script by itself, which then reroutes through app.py (ui/pages_folder.py).
    """
    import pytest

    from ui.pages_folder import use_navigation_pages_manager

    with pytest.MonkeyPatch.context() as patch:
        use_navigation_pages_manager(patch)
        return _measure_app(runs)


def _measure_app(runs: int) -> dict[str, Any]:
    cold, cold_cpu, errors = [], [], {}
    for _ in range(runs + 1):  # the first run also imports the pages' libraries
        forget_everything()
        at = _new_app()
        cpu_started, started = time.process_time(), time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - started)
        cold_cpu.append(time.process_time() - cpu_started)
        if _failure(at):
            errors["app.py"] = _failure(at)
    reruns: dict[str, float] = {}
    for page in page_paths():
        at.switch_page(page).run()
        reruns[page] = median_seconds(at.run, runs)
        if _failure(at):
            errors[page] = _failure(at)
    return {
        "first_page_cold_s": statistics.median(cold[1:]),
        "first_page_cold_cpu_s": statistics.median(cold_cpu[1:]),
        "page_rerun_s": reruns,
        "max_page_rerun_s": max(reruns.values(), default=0.0),
        "app_errors": errors,
    }


def measure_memory(sheets) -> dict[str, float]:
    """Peak resident memory of a cold load (read, snapshot, parse, evidence) in a new process."""
    with tempfile.TemporaryDirectory(prefix="gt-bench-probe-") as folder:
        return run_probe(
            "tools.bench",
            data_dir=folder,
            timeout_s=PROBE_TIMEOUT_S,
            stdin=json.dumps(sheets.secrets_section()),
            what="the memory probe",
        )


def probe() -> dict[str, float]:
    """Run in the child: one cold load as the app does it, then report peak memory."""
    from data_sources.config import GSHEETS, GSheetsSettings, SourceSpec
    from data_sources.loader import load_workbook
    from portfolio.evidence import assess
    from portfolio.parse import parse_workbook

    settings = GSheetsSettings.from_section(json.loads(sys.stdin.read()))
    spec = SourceSpec(GSHEETS, location=settings.spreadsheet_key, gsheets=settings)
    baseline = peak_mb()
    started = time.perf_counter()
    result = load_workbook(spec)
    if result.raw is None:
        raise RuntimeError(str(result.error))
    assess(parse_workbook(result.raw))
    return {
        "baseline_rss_mb": round(baseline, 1),
        "peak_rss_mb": round(peak_mb(), 1),
        "probe_load_s": round(time.perf_counter() - started, 3),
    }


# -- the whole bench ---------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """Where the figures come from."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        first = Path("/proc/meminfo").read_text().splitlines()[0]
        memory_gb = round(int(first.split()[1]) / KIB_PER_MIB / KIB_PER_MIB, 1)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "commit": commit or None,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def budget_checks(size: dict[str, Any]) -> dict[str, bool]:
    """Which budgets of DESIGN.md section 6 a size's figures meet, for the budgets that apply.

    Every size: one batchGet per refresh and the memory bound. Timings are budgets of the
    large workbook (the small one must meet them a fortiori); on a tiny body, parse/json
    measures fixed costs rather than the parser, so it is checked from the large size up.
    """
    name = size["size"]
    checks = {
        "one_batchget_per_refresh": size["requests"]["refresh"] == {"batchGet": 1},
        "peak_memory_under_2gb": size["peak_rss_mb"] < BUDGET_PEAK_MB,
    }
    if name in TIMED_SIZES:
        checks["cold_load_under_3s"] = size["cold_load_s"] < BUDGET_COLD_LOAD_S
        checks["cold_load_not_slower_than_peer"] = size["cold_load_s"] <= size["peer_s"]
        checks["page_reruns_under_300ms"] = size["max_page_rerun_s"] < BUDGET_PAGE_RERUN_S
    if name in PARSER_SIZES:
        checks["parse_within_3x_json"] = size["parse_vs_json"] <= BUDGET_PARSE_VS_JSON
    return checks


def bench_size(sheets, size: Size, *, runs: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Every figure of one size; `sheets` already serves its workbook."""
    cells = grid_cells(sheets.tabs)
    log(f"{size.name}: {cells:,} cells; the emulator renders them")
    warm_up(sheets)
    # The emulator stands in for Google's servers, which live in another process: its
    # workbook (half a million row lists at the large size) is moved out of the cyclic
    # collector's walk, so the collections the client triggers cost what they would in the
    # app's own process.
    gc.collect()
    gc.freeze()
    try:
        return _bench_warm(sheets, size, cells, runs=runs, log=log)
    finally:
        gc.unfreeze()


def _bench_warm(
    sheets, size: Size, cells: int, *, runs: int, log: Callable[[str], None]
) -> dict[str, Any]:
    log(f"{size.name}: requests")
    figures: dict[str, Any] = {
        "size": size.name,
        "initiatives": size.initiatives,
        "weeks": size.weeks,
        "usage_rows": len(sheets.tabs.get("Usage", [])) - 1,
        "cells": cells,
        "runs": runs,
        "requests": measure_requests(sheets),
    }
    log(f"{size.name}: fetch, parse, evidence")
    figures.update(measure_pipeline(sheets, runs))
    log(f"{size.name}: formatted values")
    figures.update(measure_formatted(sheets, runs))
    log(f"{size.name}: peer path")
    figures.update(measure_peer(sheets, runs))
    log(f"{size.name}: pages under AppTest")
    with app_workdir(sheets):
        figures.update(measure_app(sheets, runs))
        forget_everything()  # the next size must not find this one cached
    # The cold load a viewer waits for, end to end: the app's first run under AppTest on
    # empty caches (no read, no verdicts, no kept charts), from the fetch to the first page
    # drawn. It also counts the harness, whose main thread polls for the script's end every
    # millisecond; the cold path's phases above are its breakdown.
    figures["cold_load_s"] = figures["first_page_cold_s"]
    figures["cold_vs_peer"] = figures["cold_load_s"] / figures["peer_s"]
    log(f"{size.name}: peak memory")
    figures.update(measure_memory(sheets))
    figures["budgets"] = budget_checks(figures)
    return figures


def run_bench(
    *,
    quick: bool = False,
    sizes: Sequence[str] | None = None,
    runs: int | None = None,
    log: Callable[[str], None] | None = None,
    cases: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Run the bench and return the report as a dict.

    `quick`: the small size only, three runs each (about 15 s). `sizes` picks sizes by name.
    `cases`: "workbook" (the sizes) and/or "import" (tools/bench_import.py); default both.
    """
    say = log or (lambda text: None)
    cases = list(cases or CASES)
    if set(cases) - set(CASES):
        raise ValueError(f"unknown case {sorted(set(cases) - set(CASES))}: choose from {CASES}")
    unknown = set(sizes or ()) - {s.name for s in SIZES}
    if unknown:
        raise ValueError(f"unknown size {sorted(unknown)}: choose from {[s.name for s in SIZES]}")
    chosen = [s for s in SIZES if s.name in sizes] if sizes else list(SIZES[:1] if quick else SIZES)
    report: dict[str, Any] = {
        "machine": machine(),
        "quick": quick,
        "budgets": {
            "cold_load_s": BUDGET_COLD_LOAD_S,
            "page_rerun_s": BUDGET_PAGE_RERUN_S,
            "peak_mb": BUDGET_PEAK_MB,
            "parse_vs_json": BUDGET_PARSE_VS_JSON,
        },
        "sizes": [],
    }
    sheets = None
    started = time.perf_counter()
    if WORKBOOK_CASE not in cases:
        chosen = []
    try:
        for size in chosen:
            say(f"{size.name}: generating {size.initiatives:,} initiatives x {size.weeks} weeks")
            tabs = make_workbook(size)
            if sheets is None:
                sheets = bench_sheets(tabs)
            else:
                sheets.load(tabs)
            del tabs
            count = runs or (QUICK_RUNS if quick else size.runs)
            report["sizes"].append(bench_size(sheets, size, runs=count, log=say))
    finally:
        if sheets is not None:
            sheets.stop()
    if IMPORT_CASE in cases:
        from tools.bench_import import run_import_bench

        report["import"] = run_import_bench(quick=quick, log=say)
    report["bench_seconds"] = round(time.perf_counter() - started, 1)
    return report


# -- output ------------------------------------------------------------------------------

COLUMNS = (
    ("size", "size", "{}"),
    ("cells", "cells", "{:,}"),
    ("response_mb", "MB", "{:.1f}"),
    ("fetch_s", "fetch s", "{:.2f}"),
    ("snapshot_s", "snapshot s", "{:.2f}"),
    ("parse_s", "parse s", "{:.2f}"),
    ("parse_vs_json", "parse/json", "{:.2f}x"),
    ("evidence_s", "evidence s", "{:.2f}"),
    ("cold_path_s", "cold path s", "{:.2f}"),
    ("cold_load_s", "cold load s", "{:.2f}"),
    ("peer_s", "peer s", "{:.2f}"),
    ("cold_vs_peer", "ours/peer", "{:.2f}x"),
    ("max_page_rerun_s", "max rerun s", "{:.3f}"),
    ("peak_rss_mb", "peak MB", "{:,.0f}"),
)


def _requests_text(counts: dict[str, int]) -> str:
    return " + ".join(f"{n} {endpoint}" for endpoint, n in counts.items())


def format_report(report: dict[str, Any]) -> str:
    """The report as a plain-text table, with the requests and every page's rerun."""
    rows = [[title for _, title, _ in COLUMNS]]
    rows += [[fmt.format(size[key]) for key, _, fmt in COLUMNS] for size in report["sizes"]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    m = report["machine"]
    if not report["sizes"]:
        lines = []  # an import-only run: no table of sizes
    lines.insert(0, f"{m['cpu']}, {m['cores']} cores, load {m['load_average']}, {m['date']}")
    for size in report["sizes"]:
        req = size["requests"]
        lines.append(
            f"{size['size']}: cold process {_requests_text(req['cold_process'])}; refresh "
            f"{_requests_text(req['refresh'])}; peer {_requests_text(size['peer_requests'])}"
        )
        reruns = ", ".join(
            f"{Path(page).stem} {seconds * 1000:.0f} ms"
            for page, seconds in size["page_rerun_s"].items()
        )
        lines.append(f"{size['size']}: page reruns: {reruns}")
        missed = [name for name, ok in size["budgets"].items() if not ok]
        lines.append(f"{size['size']}: budgets missed: {', '.join(missed) or 'none'}")
        for page, error in size["app_errors"].items():
            lines.append(f"{size['size']}: {page} raised: {error}")
    if "import" in report:
        from tools.bench_import import format_import

        lines += format_import(report["import"])
    return "\n".join(lines)


def write_report(report: dict[str, Any], path: Path) -> Path:
    """Write the report as JSON (creating the folder); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    if sys.argv[1:] == ["--probe"]:
        print(json.dumps(probe()))
    else:
        sys.exit("Run the bench with: python cli.py bench [--quick] [--json]")
