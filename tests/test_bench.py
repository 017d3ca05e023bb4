"""The performance bench: its pieces on tiny inputs, and `cli.py bench --quick` end to end.

No wall-clock time is asserted (the machine may be busy); the request counts, the shape of
the JSON report and the budget bookkeeping are.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools import bench
from tools.sheets_emulator import BATCH_GET, METADATA, TOKEN, small_workbook

ROOT = Path(__file__).resolve().parent.parent
QUICK_TIMEOUT_S = 180
# The generator's tabs: Initiatives, Usage, CheckIns, DailyTools, StatusHistory, Settings.
SAMPLE_TABS = 6


@pytest.mark.parametrize(
    ("typed", "cell"),
    [
        ("2026-03-02", dt.date(2026, 3, 2)),
        ("14", 14),
        ("90.5", 90.5),
        ("AI-001", "AI-001"),
        ("", None),
        ("Green", "Green"),
    ],
)
def test_typed_workbook_types_cells_as_sheets_holds_them(typed: str, cell: object) -> None:
    tabs = bench.typed_workbook({"Usage": [["header"], [typed], [typed]]})

    assert tabs["Usage"] == [["header"], [cell], [cell]]


@pytest.mark.parametrize(
    ("tabs", "cells"),
    [
        ({"A": [["a", "b", "c"], ["1"]]}, 6),  # 2 rows x 3 columns
        ({"A": [["a"]], "B": [["a", "b"], ["1", "2"], ["3"]]}, 1 + 6),
        ({"A": []}, 0),
    ],
)
def test_grid_cells_counts_the_grid_each_tab_needs(tabs: dict, cells: int) -> None:
    assert bench.grid_cells(tabs) == cells


def test_the_maximal_workbook_fits_in_a_spreadsheet() -> None:
    maximal = next(size for size in bench.SIZES if size.name == "maximal")
    usage_cells = maximal.initiatives * maximal.weeks * 4  # initiative_id, week, users, hours
    initiative_cells = maximal.initiatives * 17  # the Initiatives columns of the contract

    assert usage_cells + initiative_cells <= bench.SHEETS_CELL_LIMIT


def test_the_bench_emulator_serves_one_tab_per_values_get_and_counts_it() -> None:
    sheets = bench.bench_sheets(small_workbook())
    try:
        frames = bench.peer_load(sheets)
        counts = sheets.counts
        frames_again = bench.peer_load(sheets)  # answered from the rendered bytes
    finally:
        sheets.stop()

    tabs = len(small_workbook())
    # gspread: one metadata read to open the sheet, then one per worksheet(), one values.get each.
    assert counts == {TOKEN: 1, METADATA: 1 + tabs, bench.VALUES_GET: tabs}
    assert list(frames["Initiatives"]["id"]) == ["AI-001", "AI-002", "AI-003"]
    assert frames_again["Usage"]["active_users"].tolist() == [14, 6]


def size_figures(name: str, **changes) -> dict:
    figures = {
        "size": name,
        "requests": {"refresh": {BATCH_GET: 1}},
        "peak_rss_mb": 700.0,
        "cold_load_s": 2.0,
        "peer_s": 10.0,
        "max_page_rerun_s": 0.2,
        "parse_vs_json": 0.9,
    }
    return {**figures, **changes}


@pytest.mark.parametrize(
    ("figures", "missed"),
    [
        (size_figures("large"), []),
        (size_figures("large", cold_load_s=3.5, peer_s=3.0), ["cold_load_under_3s",
                                                                    "cold_load_not_slower_than_peer"]),
        (size_figures("large", max_page_rerun_s=0.31), ["page_reruns_under_300ms"]),
        (size_figures("large", parse_vs_json=3.2), ["parse_within_3x_json"]),
        (size_figures("maximal", peak_rss_mb=2100.0), ["peak_memory_under_2gb"]),
        (size_figures("large", requests={"refresh": {BATCH_GET: 2}}), ["one_batchget_per_refresh"]),
        # On a tiny body parse/json measures fixed costs: not a budget of the small size.
        (size_figures("small", parse_vs_json=50.0), []),
        # The maximal workbook has a memory budget, not a time budget.
        (size_figures("maximal", cold_load_s=30.0), []),
    ],
)  # fmt: skip
def test_budget_checks(figures: dict, missed: list[str]) -> None:
    checks = bench.budget_checks(figures)

    assert [name for name, ok in checks.items() if not ok] == missed


def test_format_report_is_a_table_with_requests_and_reruns() -> None:
    size = {
        **{key: 1.0 for key, _, _ in bench.COLUMNS},
        "size": "small",
        "cells": 6010,
        "requests": {
            "cold_process": {TOKEN: 1, METADATA: 1, BATCH_GET: 1},
            "refresh": {BATCH_GET: 1},
        },
        "peer_requests": {TOKEN: 1, METADATA: 6, bench.VALUES_GET: 5},
        "page_rerun_s": {"pages/overview.py": 0.0424},
        "budgets": {"one_batchget_per_refresh": True, "cold_load_under_3s": False},
        "app_errors": {},
    }
    machine = {"cpu": "Test CPU", "cores": 2, "load_average": [1.0], "date": "2026-11-27"}

    text = bench.format_report({"machine": machine, "sizes": [size]})

    assert "Test CPU, 2 cores" in text
    assert "6,010" in text
    assert "small: cold process 1 token + 1 metadata + 1 batchGet; refresh 1 batchGet" in text
    assert "small: page reruns: overview 42 ms" in text
    assert "small: budgets missed: cold_load_under_3s" in text


def test_an_unknown_size_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match=r"unknown size.*huge.*small"):
        bench.run_bench(sizes=["huge"])


# `cli.py bench --quick` runs once for the six tests below, so they share one test process,
# and the fixture lives for the session: a module-scoped one is set up again whenever that
# process runs another file's test between two of these.
QUICK = pytest.mark.xdist_group("bench_quick")


@pytest.fixture(scope="session")
def quick_report(tmp_path_factory) -> tuple[dict, dict, subprocess.CompletedProcess]:
    """`cli.py bench --quick --json` run once, in a clean process, as from a shell.

    One run of each measurement (`--runs 1`): these tests check the requests, the figures
    and the report, not the medians of several runs.
    """
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    env = {k: v for k, v in os.environ.items() if k != "GROUNDTRUTH_SOURCE"}
    done = subprocess.run(
        [sys.executable, "cli.py", "bench", "--quick", "--runs", "1", "--json", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=QUICK_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout), json.loads(out.read_text(encoding="utf-8")), done


@pytest.mark.slow
@QUICK
def test_quick_bench_prints_the_report_it_writes(quick_report) -> None:
    printed, written, _ = quick_report

    assert printed == written
    assert printed["quick"] is True
    assert [s["size"] for s in printed["sizes"]] == ["small"]
    assert printed["machine"]["cores"] == os.cpu_count()


@pytest.mark.slow
@QUICK
def test_quick_bench_counts_one_batchget_per_cold_load(quick_report) -> None:
    small = quick_report[0]["sizes"][0]

    # A new process: a token, the tab list, then the whole workbook in one batchGet.
    assert small["requests"]["cold_process"] == {TOKEN: 1, METADATA: 1, BATCH_GET: 1}
    assert small["requests"]["refresh"] == {BATCH_GET: 1}
    # The peer path: open (1 metadata), then worksheet() (1 metadata) and values.get per tab.
    assert small["peer_requests"] == {
        TOKEN: 1,
        METADATA: 1 + SAMPLE_TABS,
        bench.VALUES_GET: SAMPLE_TABS,
    }
    assert small["budgets"]["one_batchget_per_refresh"] is True


@pytest.mark.slow
@QUICK
def test_quick_bench_reports_every_figure(quick_report) -> None:
    small = quick_report[0]["sizes"][0]

    assert (small["initiatives"], small["weeks"]) == (40, 52)
    for key in (
        "fetch_s",
        "snapshot_s",
        "parse_s",
        "evidence_s",
        "json_loads_s",
        "peer_s",
        "formatted_parse_s",
    ):
        assert small[key] > 0, key
    assert small["first_page_cold_s"] > 0
    assert small["cold_load_s"] == small["first_page_cold_s"]  # end to end, on empty caches
    assert small["cold_path_s"] == pytest.approx(
        small["fetch_s"] + small["snapshot_s"] + small["parse_s"] + small["evidence_s"]
    )
    # The small load may not raise the peak that importing pandas and gspread set.
    assert small["peak_rss_mb"] >= small["baseline_rss_mb"] > 0


@pytest.mark.slow
@QUICK
def test_quick_bench_reruns_every_page_without_an_exception(quick_report) -> None:
    small = quick_report[0]["sizes"][0]

    pages = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
    assert sorted(small["page_rerun_s"]) == pages
    assert all(seconds > 0 for seconds in small["page_rerun_s"].values())
    assert small["app_errors"] == {}


@pytest.mark.slow
@QUICK
def test_quick_bench_logs_its_progress_and_leaves_no_traceback(quick_report) -> None:
    _, _, done = quick_report

    assert "small: pages under AppTest" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
@QUICK
def test_quick_bench_counts_the_import_case_every_way(quick_report) -> None:
    figures = quick_report[0]["import"]

    assert figures["case"] == {"name": "quick", "events": 20_000, "initiatives": 50, "weeks": 4}
    for path in ("ours", "duckdb", "pandas"):
        for fmt in ("parquet", "csv"):
            result = figures[f"{path}_{fmt}"]
            assert result["seconds"] > 0 and result["peak_rss_mb"] > 0, (path, fmt)
    # every path finds the same (initiative, week) groups: 50 initiatives x 4 weeks
    assert figures["ours_parquet"]["rows"] == 200
    assert figures["budgets"] == {"same_rows": True}  # time budgets are the 10M case's
    assert "import parquet: ours" in bench.format_report(quick_report[0])


def test_an_unknown_case_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match=r"unknown case.*rows"):
        bench.run_bench(cases=["rows"])
