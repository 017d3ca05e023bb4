"""How much of a workbook is read: a far-away cell, tabs over the cell limits, uploads over
the size limit, and the documented figures (data_sources/limits.py, README "Limits").

The hostile .xlsx is built here with openpyxl: a small table and one value at XFD1048576,
the last cell a sheet can have. It is read in a child process whose address space is capped
(RLIMIT_AS), so a reader that builds the 17-billion-cell grid fails the test instead of
the machine.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import tomllib
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from data_sources import files, google_sheet, limits
from data_sources.errors import UnreadableFileError
from data_sources.files import read_upload
from data_sources.limits import MAX_UPLOAD_BYTES, ReadLimits, WorkbookBudget
from portfolio.model import ERROR
from portfolio.parse import parse_workbook
from tests.apptest_support import metric, run_app

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CAP_BYTES = 1536 * 1024 * 1024  # 1.5 GB of address space for the child process
CHILD_TIMEOUT_S = 120
FAR_CELL = "XFD1048576"  # column 16,384, row 1,048,576: the last cell of any sheet
TABLE = [
    ["id", "name", "team"],
    ["AI-1", "Triage bot", "Support"],
    ["AI-2", "Invoice match", "Finance"],
]


def _far_cell_xlsx(path: Path, *, value: str | None = "stray") -> Path:
    """TABLE in Initiatives!A1:C3 and one more cell at XFD1048576 (a value, or only bold)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Initiatives"
    for row in TABLE:
        sheet.append(row)
    if value is None:
        sheet[FAR_CELL].font = Font(bold=True)  # formatted, empty: stored as <c r=… s=…/>
    else:
        sheet[FAR_CELL] = value
    book.save(path)
    return path


def _capped_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))


def _run_capped(args: list[str], *, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        preexec_fn=_capped_memory,
    )


READ_IN_CHILD = """
import json, sys
sys.path.insert(0, {root!r})
from data_sources.files import read_path
book = read_path(sys.argv[1])
print(json.dumps({{"tabs": book.tabs, "problems": [p.__dict__ for p in book.problems]}}))
"""


# --------------------------------------------------------------------------- the far cell


@pytest.mark.slow
def test_a_value_at_xfd1048576_is_read_within_memory_and_reported(tmp_path):
    path = _far_cell_xlsx(tmp_path / "far.xlsx")

    done = _run_capped(["-c", READ_IN_CHILD.format(root=str(ROOT)), str(path)])

    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    # the table, trimmed: the blank rows 4..1,048,575 below it are not kept
    assert found["tabs"] == {"Initiatives": TABLE}
    [problem] = found["problems"]
    assert problem["cell"] == "Initiatives!A1048576"
    assert problem["severity"] == ERROR
    assert problem["message"] == (
        "Initiatives was read only to row 1,048,575: with row 1,048,576, whose last cell is "
        "XFD1048576, it would pass 10,000,000 cells (1,048,576 rows × 16,384 columns), the "
        "limit per tab. 1 row (1,048,576) was not read."
    )


@pytest.mark.slow
def test_a_formatted_but_empty_far_cell_is_trimmed_away(tmp_path):
    path = _far_cell_xlsx(tmp_path / "bold.xlsx", value=None)

    done = _run_capped(["-c", READ_IN_CHILD.format(root=str(ROOT)), str(path)])

    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == {"tabs": {"Initiatives": TABLE}, "problems": []}


def test_doctor_on_the_far_cell_workbook_says_what_was_not_read_without_a_traceback(tmp_path):
    path = _far_cell_xlsx(tmp_path / "far.xlsx")
    env_dir = tmp_path / "cwd"
    env_dir.mkdir()

    done = _run_capped([str(ROOT / "cli.py"), "doctor", "--source", str(path)], cwd=env_dir)

    assert "Traceback" not in done.stderr
    assert done.returncode == 1  # an error: part of the tab was not read
    assert "Initiatives        2 rows" in done.stdout
    assert (
        "ERROR   Initiatives!A1048576: Initiatives was read only to row 1,048,575: with row "
        "1,048,576, whose last cell is XFD1048576, it would pass 10,000,000 cells"
    ) in done.stdout
    assert "1 row (1,048,576) was not read." in done.stdout


# --------------------------------------------------------------------------- cut at a limit

SMALL = ReadLimits(cells_per_tab=30, cells_per_workbook=50, what_to_do="split the tab")


def _dense_xlsx(tabs: dict[str, int], *, columns: int = 3) -> bytes:
    """A workbook with `rows` rows of `columns` filled cells in each named tab."""
    book = openpyxl.Workbook(write_only=True)
    for name, rows in tabs.items():
        sheet = book.create_sheet(name)
        for r in range(1, rows + 1):
            sheet.append([f"r{r}c{c}" for c in range(1, columns + 1)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_tab_over_the_limit_keeps_what_fits_and_counts_the_rest():
    data = _dense_xlsx({"Usage": 25, "Notes": 4})

    tabs, problems = files._load_xlsx(io.BytesIO(data), label="t.xlsx", fix="", limits=SMALL)

    # 30 cells per tab at 3 columns: rows 1-10; the 20 left for the workbook take Notes whole
    # (4 x 3 = 12 cells)
    assert tabs["Usage"] == [[f"r{r}c{c}" for c in (1, 2, 3)] for r in range(1, 11)]
    assert len(tabs["Notes"]) == 4
    [problem] = problems
    assert (problem.tab, problem.cell) == ("Usage", "Usage!A11")
    assert problem.message == (
        "Usage was read only to row 10: with row 11 it would pass 30 cells (11 rows × 3 "
        "columns), the limit per tab. 15 rows (11 to 25) were not read."
    )
    assert problem.fix == "To read it all, split the tab"


def test_empty_formatted_cells_far_out_in_every_row_count_towards_the_limit():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Usage"
    for r in range(1, 9):
        sheet.append([f"a{r}", f"b{r}"])
        sheet.cell(row=r, column=12).font = Font(bold=True)  # empty, formatted, in column L
    buffer = io.BytesIO()
    book.save(buffer)

    tabs, problems = files._load_xlsx(buffer, label="f.xlsx", fix="", limits=SMALL)

    # each row hands over 12 cells: 24 fit in 30, the third row passes it
    assert tabs["Usage"] == [["a1", "b1"], ["a2", "b2"]]
    [problem] = problems
    assert problem.message == (
        "Usage was read only to row 2: with row 3 it would pass 30 cells (counting the empty "
        "cells that carry formatting), the limit per tab. 6 rows (3 to 8) were not read."
    )


def test_the_workbook_limit_cuts_a_later_tab():
    data = _dense_xlsx({"Initiatives": 9, "Usage": 9})  # 27 cells each, 50 for both

    tabs, problems = files._load_xlsx(io.BytesIO(data), label="t.xlsx", fix="", limits=SMALL)

    assert len(tabs["Initiatives"]) == 9
    assert len(tabs["Usage"]) == 7  # 23 cells left: 7 rows of 3
    [problem] = problems
    assert problem.message == (
        "Usage was read only to row 7: with row 8 the workbook would pass 50 cells (8 rows × "
        "3 columns in this tab), the limit per workbook. 2 rows (8 to 9) were not read."
    )


def test_a_csv_file_over_the_limit_is_read_to_the_limit(tmp_path):
    path = tmp_path / "Usage.csv"
    path.write_text("".join(f"a{r},b{r}\n" for r in range(1, 21)) + "\n\n", encoding="utf-8")

    budget = WorkbookBudget(SMALL)
    rows = files._read_csv_rows(path, budget, tab="Usage")

    assert rows == [[f"a{r}", f"b{r}"] for r in range(1, 16)]  # 15 rows x 2 = 30 cells
    [problem] = budget.problems
    assert problem.message.endswith("5 rows (16 to 20) were not read.")


def test_a_sheet_answer_over_the_limit_is_cut_with_the_same_message(
    sheets_emulator, gsheets_settings, monkeypatch
):
    monkeypatch.setattr(google_sheet, "SOURCE_LIMITS", ReadLimits(40, 44, what_to_do="split it"))

    raw = google_sheet.GoogleSheetSource(gsheets_settings).fetch()

    # Initiatives is 4 rows x 9 columns (36 cells), so 8 are left for Usage, 3 rows x 3
    assert len(raw.tabs["Initiatives"]) == 4
    assert raw.tabs["Usage"] == [["initiative_id", "week", "active_users"], ["AI-001", 46083, 14]]
    problem = next(p for p in raw.problems if p.tab == "Usage")
    assert problem.message == (
        "Usage was read only to row 2: with row 3 the workbook would pass 44 cells (3 rows × 3 "
        "columns in this tab), the limit per workbook. 1 row (3) was not read."
    )
    assert problem in parse_workbook(raw).problems


# --------------------------------------------------------------------------- uploads


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(UnreadableFileError) as caught:
        read_upload("export.csv", b"x" * (MAX_UPLOAD_BYTES + 1))

    assert "export.csv is 25.0 MB; an upload may be at most 25 MB" in caught.value.message


def test_an_xlsx_that_unpacks_past_the_limit_is_refused():
    unpacking = ReadLimits(10**6, 10**6, unzipped_bytes=1000)
    data = _dense_xlsx({"Usage": 50})

    with pytest.raises(UnreadableFileError) as caught:
        files._load_xlsx(io.BytesIO(data), label="u.xlsx", fix="upload less", limits=unpacking)

    assert "u.xlsx unpacks to" in caught.value.message
    assert "upload less" in caught.value.message


def _wide_csv(rows: int, columns: int) -> bytes:
    header = ["id", "name", "team", "origin", "stage", "started"]
    header += [f"extra {c}" for c in range(len(header) + 1, columns + 1)]
    lines = [",".join(header)]
    blanks = "," * (columns - 6)
    for i in range(1, rows + 1):
        lines.append(f"AI-{i},Tool {i},Team {i % 7},Grassroots,Pilot,2026-01-05{blanks}")
    return ("\n".join(lines) + "\n").encode()


def test_an_upload_over_the_cell_limit_says_so_and_the_app_still_works(tmp_path, monkeypatch):
    # 10,002 rows x 100 columns: row 10,001 would make 1,000,100 cells, past 1,000,000
    data = _wide_csv(10_001, 100)
    at = run_app(tmp_path, monkeypatch, page="pages/sheet_health.py")

    at.file_uploader(key="sidebar_upload").set_value(("inventory.csv", data, "text/csv")).run()

    assert not at.exception
    warnings = [w.value.replace("\\", "") for w in at.sidebar.warning]  # as read: unescaped
    assert (
        "Initiatives was read only to row 10,000: with row 10,001 it would pass 1,000,000 "
        "cells (10,001 rows × 100 columns), the limit per tab. 2 rows (10,001 to 10,002) "
        "were not read."
    ) in warnings[0]
    assert metric(at, "Rows shown") == "9,999"
    # Sheet health lists it with the other problems, by cell
    [table] = [df.value for df in at.dataframe if df.value.columns[0] == "cell"]
    row = table[table["cell"] == "Initiatives!A10001"].iloc[0]
    assert (row["severity"], row["problem"]) == ("error", warnings[0].split(" To read")[0])
    at.file_uploader(key="sidebar_upload").clear().run()
    assert not at.exception
    assert at.session_state["_groundtruth_view"].portfolio.origin != "inventory.csv (uploaded)"


def test_an_upload_over_the_size_limit_shows_why_and_keeps_the_data(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, page="pages/overview.py")
    shown = at.session_state["_groundtruth_view"].portfolio.origin

    big = b"id\n" + b"AI-1\n" * (MAX_UPLOAD_BYTES // 5 + 1)
    at.file_uploader(key="sidebar_upload").set_value(("big.csv", big, "text/csv")).run()

    assert not at.exception
    [error] = at.sidebar.error
    assert "big.csv is 25.0 MB; an upload may be at most 25 MB" in error.value.replace("\\", "")
    assert at.session_state["_groundtruth_view"].portfolio.origin == shown


# --------------------------------------------------------------------------- documented


def test_the_upload_limit_is_the_same_in_the_config_the_code_and_the_readme():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    assert config["server"]["maxUploadSize"] == limits.MAX_UPLOAD_MB
    assert f"maxUploadSize = {limits.MAX_UPLOAD_MB}" in readme
    assert f"MAX_UPLOAD_MB = {limits.MAX_UPLOAD_MB}" in readme
    for figure in (
        limits.MAX_CELLS_PER_TAB,
        limits.MAX_CELLS_PER_WORKBOOK,
        limits.MAX_UPLOAD_CELLS_PER_TAB,
        limits.MAX_UPLOAD_CELLS_PER_WORKBOOK,
    ):
        assert f"{figure:,}" in readme
    assert f"{limits.MAX_UPLOAD_UNZIPPED_MB} MB" in readme


def test_the_child_process_really_is_capped():
    # the guard of the far-cell tests: allocating past the cap fails in the child
    done = _run_capped(["-c", f"bytearray({MEMORY_CAP_BYTES})"])

    assert done.returncode != 0
    assert "MemoryError" in done.stderr
