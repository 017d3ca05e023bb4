"""Local workbooks: .xlsx files, CSV folders, single CSVs and uploads, read into raw cells."""

from __future__ import annotations

import datetime as dt
import io
import tempfile

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from data_sources.errors import SourceError
from data_sources.files import (
    FileSourceError,
    UnreadableFileError,
    UnsupportedFileError,
    WorkbookNotFoundError,
    parse_csv_bytes,
    read_csv_file,
    read_csv_folder,
    read_path,
    read_upload,
    read_xlsx,
)

BOM = b"\xef\xbb\xbf"
YELLOW = PatternFill("solid", start_color="FFFF00")

# What the tiny workbook below must read back as, cell for cell.
XLSX_INITIATIVES = [
    ["id", "name", "started", "seats", "annual_cost", "live"],
    ["AI-001", "Copilot review", "2026-03-04", 40, 1250.5, True],
    ["AI-002", "", "2025-12-01 14:30:00", "", "", ""],
    ["", "", "", "", "", ""],
    ["AI-003", "Invoice matching", "", 7, "$50,000", False],
]
XLSX_USAGE = [
    ["initiative_id", "week", "active_users"],
    ["AI-001", "2026-03-02", 14],
]


def _write_xlsx(target) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Initiatives"
    sheet.append(["id", "name", "started", "seats", "annual_cost", "live"])
    sheet.append(["AI-001", "Copilot review", dt.date(2026, 3, 4), 40, 1250.5, True])
    sheet.append(["AI-002", None, dt.datetime(2025, 12, 1, 14, 30), None, None, None])
    sheet.append([])  # a blank row inside the data stays, the parser counts it
    sheet.append(["AI-003", "Invoice matching", None, 7, "$50,000", False])
    # Formatting far below and to the right makes cells that hold nothing: trimmed.
    sheet["H12"].fill = YELLOW
    sheet["A15"].fill = YELLOW
    usage = book.create_sheet("Usage")
    usage.append(["initiative_id", "week", "active_users"])
    usage.append(["AI-001", dt.datetime(2026, 3, 2), 14])
    book.save(target)


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    _write_xlsx(buffer)
    return buffer.getvalue()


def _is_utc_now(moment: dt.datetime) -> bool:
    """Timezone-aware UTC and taken during the test (the test started less than an hour ago)."""
    now = dt.datetime.now(dt.UTC)
    return moment.utcoffset() == dt.timedelta(0) and now - dt.timedelta(hours=1) < moment <= now


# --------------------------------------------------------------------------- xlsx


def test_xlsx_reads_every_tab_cell_for_cell(tmp_path):
    path = tmp_path / "portfolio.xlsx"
    _write_xlsx(path)
    book = read_xlsx(path)
    assert book.tabs == {"Initiatives": XLSX_INITIATIVES, "Usage": XLSX_USAGE}
    assert book.kind == "file"
    assert book.origin == str(path)
    assert _is_utc_now(book.fetched_at)


def test_xlsx_keeps_numbers_as_numbers(tmp_path):
    path = tmp_path / "portfolio.xlsx"
    _write_xlsx(path)
    row = read_xlsx(path).tabs["Initiatives"][1]
    assert [type(cell) for cell in row[3:]] == [int, float, bool]


def test_xlsm_and_upper_case_suffix_are_workbooks(tmp_path):
    path = tmp_path / "PORTFOLIO.XLSM"
    _write_xlsx(path)
    assert read_path(path).tabs["Usage"] == XLSX_USAGE


def test_xlsx_with_only_a_header_row(tmp_path):
    path = tmp_path / "empty.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Initiatives"
    book.active.append(["id", "name"])
    book.create_sheet("CheckIns")
    book.save(path)
    assert read_xlsx(path).tabs == {"Initiatives": [["id", "name"]], "CheckIns": []}


# --------------------------------------------------------------------------- csv


@pytest.mark.parametrize(
    ("data", "rows"),
    [
        pytest.param(b"id,name\nAI-1,Copilot\n", [["id", "name"], ["AI-1", "Copilot"]], id="utf8"),
        pytest.param(
            BOM + b"id,name\r\nAI-1,Caf\xc3\xa9 bot\r\n",
            [["id", "name"], ["AI-1", "Café bot"]],
            id="utf8-bom-crlf",
        ),
        pytest.param(
            b"id,owner\nAI-1,Jos\xe9 Mart\xednez\n",
            [["id", "owner"], ["AI-1", "José Martínez"]],
            id="latin1",
        ),
        pytest.param(
            b"id,note\nAI-1,Q3 \x96 paused \x80 cost\n",
            [["id", "note"], ["AI-1", "Q3 – paused € cost"]],
            id="cp1252",
        ),
        pytest.param(
            b'id,note\nAI-1,"line one, with a comma\nline two says ""hi"""\nAI-2,plain\n',
            [
                ["id", "note"],
                ["AI-1", 'line one, with a comma\nline two says "hi"'],
                ["AI-2", "plain"],
            ],
            id="quoted-multiline",
        ),
        pytest.param(
            b'id,note\r\nAI-1,"two\r\nlines"\r\n',
            [["id", "note"], ["AI-1", "two\r\nlines"]],
            id="quoted-crlf-kept",
        ),
        pytest.param(
            b"id;name;annual_cost\nAI-1;Copilot;1.250,50\n",
            [["id", "name", "annual_cost"], ["AI-1", "Copilot", "1.250,50"]],
            id="semicolons",
        ),
        pytest.param(
            b"id\tname\nAI-1\tCopilot\n", [["id", "name"], ["AI-1", "Copilot"]], id="tabs"
        ),
        pytest.param(
            b"id,name\n\nAI-1,\n", [["id", "name"], [], ["AI-1", ""]], id="blank-row-kept"
        ),
        pytest.param(b"", [], id="empty-file"),
    ],
)
def test_csv_bytes(data, rows):
    assert parse_csv_bytes(data) == rows


def test_csv_folder_one_tab_per_file(tmp_path):
    (tmp_path / "Initiatives.csv").write_bytes(
        BOM + b'id,name,notes\r\nAI-1,Tier-1 assistant,"Drafts replies,\r\nagents approve"\r\n'
    )
    (tmp_path / "Usage.csv").write_bytes(b"initiative_id,week,active_users\nAI-1,2026-03-02,14\n")
    (tmp_path / "CheckIns.csv").write_bytes(b"checkin_id,author\nc-1,Ren\xe9e Dub\xe9\n")
    (tmp_path / "README.txt").write_text("not a tab")
    (tmp_path / "old").mkdir()
    book = read_csv_folder(tmp_path)
    assert book.tabs == {
        "CheckIns": [["checkin_id", "author"], ["c-1", "Renée Dubé"]],
        "Initiatives": [
            ["id", "name", "notes"],
            ["AI-1", "Tier-1 assistant", "Drafts replies,\r\nagents approve"],
        ],
        "Usage": [["initiative_id", "week", "active_users"], ["AI-1", "2026-03-02", "14"]],
    }
    assert (book.kind, book.origin) == ("file", str(tmp_path))
    assert _is_utc_now(book.fetched_at)


def test_csv_folder_kind_is_passed_through(tmp_path):
    (tmp_path / "Initiatives.csv").write_text("id\nAI-1\n")
    assert read_csv_folder(tmp_path, kind="sample").kind == "sample"


def test_single_csv_is_the_initiatives_tab(tmp_path):
    path = tmp_path / "export (3).csv"
    path.write_bytes(b"ID,Name,Status\nAI-7,Slide generator,Green\n")
    book = read_path(path)
    assert book.tabs == {
        "Initiatives": [["ID", "Name", "Status"], ["AI-7", "Slide generator", "Green"]]
    }
    assert book.origin == str(path)


def test_single_csv_can_name_another_tab(tmp_path):
    path = tmp_path / "usage.csv"
    path.write_text("initiative_id,week,active_users\n")
    assert list(read_csv_file(path, tab="Usage").tabs) == ["Usage"]


def test_read_path_dispatches_a_folder(tmp_path):
    (tmp_path / "Settings.csv").write_text("key,value\nas_of,2026-11-23\n")
    (tmp_path / "Initiatives.csv").write_text("id\n")
    assert read_path(tmp_path).tabs["Settings"] == [["key", "value"], ["as_of", "2026-11-23"]]


def test_read_path_expands_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "ai.csv").write_text("id\nAI-1\n")
    assert read_path("~/ai.csv").tabs == {"Initiatives": [["id"], ["AI-1"]]}


def test_large_usage_csv_reads_every_row(tmp_path):
    rows = 20_000
    body = "".join(f"AI-{i % 400:03d},2026-03-02,{i % 50},\n" for i in range(rows))
    (tmp_path / "Usage.csv").write_text(
        "initiative_id,week,active_users,measured_hours_saved\n" + body
    )
    usage = read_csv_folder(tmp_path).tabs["Usage"]
    assert len(usage) == rows + 1
    assert usage[-1] == ["AI-399", "2026-03-02", "49", ""]


# --------------------------------------------------------------------------- uploads


def test_upload_xlsx_from_memory():
    book = read_upload("Q3 portfolio.xlsx", _xlsx_bytes())
    assert book.tabs == {"Initiatives": XLSX_INITIATIVES, "Usage": XLSX_USAGE}
    assert (book.kind, book.origin) == ("upload", "Q3 portfolio.xlsx (uploaded)")
    assert _is_utc_now(book.fetched_at)


def test_upload_csv_from_memory():
    book = read_upload("initiatives.CSV", BOM + b"id,owner\nAI-1,Jos\xc3\xa9\n")
    assert book.tabs == {"Initiatives": [["id", "owner"], ["AI-1", "José"]]}
    assert book.kind == "upload"


def test_upload_writes_nothing_to_disk(tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    read_upload("portfolio.xlsx", _xlsx_bytes())
    read_upload("portfolio.csv", b"id\nAI-1\n")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["tmp"]


# --------------------------------------------------------------------------- errors


def test_missing_path_says_how_to_fix(tmp_path):
    missing = tmp_path / "nowhere" / "portfolio.xlsx"
    with pytest.raises(WorkbookNotFoundError) as caught:
        read_path(missing)
    message = str(caught.value)
    assert f"No workbook at {missing}" in message
    assert "GROUNDTRUTH_SOURCE" in message
    assert ".xlsx file or a folder of CSV files" in message


@pytest.mark.parametrize(
    ("name", "content", "error", "says"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0 legacy", UnsupportedFileError, "save it as .xlsx"),
        ("budget.ods", b"PK", UnsupportedFileError, "save it as .xlsx"),
        ("deck.pdf", b"%PDF-1.7", UnsupportedFileError, "neither an .xlsx workbook nor a CSV"),
        ("broken.xlsx", b"this is not a zip", UnreadableFileError, "save it again as .xlsx"),
    ],
)
def test_unreadable_files_say_what_to_do(tmp_path, name, content, error, says):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error, match=says):
        read_path(path)


@pytest.mark.parametrize(
    ("name", "content", "error", "says"),
    [
        ("deck.pdf", b"%PDF-1.7", UnsupportedFileError, "upload an .xlsx workbook or a CSV"),
        ("broken.xlsx", b"not a zip", UnreadableFileError, "upload an .xlsx workbook or a CSV"),
        ("empty.csv", b"", UnreadableFileError, "is empty"),
    ],
)
def test_bad_uploads_say_what_to_do(name, content, error, says):
    with pytest.raises(error, match=says):
        read_upload(name, content)


def test_folder_without_csv_files(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(WorkbookNotFoundError, match=r"No \.csv files in") as caught:
        read_path(tmp_path)
    assert "Initiatives.csv" in str(caught.value)


def test_errors_share_the_source_error_base(tmp_path):
    with pytest.raises(FileSourceError) as caught:
        read_path(tmp_path / "missing.csv")
    assert isinstance(caught.value, SourceError)
    assert caught.value.title == f"No workbook at {tmp_path / 'missing.csv'}"
    assert caught.value.what_to_do.startswith("Set GROUNDTRUTH_SOURCE")
