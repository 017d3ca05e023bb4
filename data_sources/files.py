"""Local workbooks: an .xlsx/.xlsm file, a folder of CSV files (one per tab), a single CSV,
or a file uploaded in the browser and held in memory.

Every reader returns a `RawWorkbook` of cells as the file holds them; turning them into
typed values is `portfolio.parse`'s job. Nothing is read at import time.

>>> wb = read_path("data_sources/sample/workbook")          # doctest: +SKIP
>>> wb.tabs["Settings"][:2]                                  # doctest: +SKIP
[['key', 'value'], ['as_of', '2026-11-23']]
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import io
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from data_sources.errors import (  # noqa: F401  (the file errors, re-exported)
    FIX_SOURCE,
    FileSourceError,
    UnreadableFileError,
    UnsupportedFileError,
    WorkbookNotFoundError,
)
from portfolio.model import Cell, RawWorkbook
from portfolio.schema import INITIATIVES

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIX = ".csv"
# Legacy and foreign spreadsheet formats people try; openpyxl cannot read them.
CONVERTIBLE_SUFFIXES = (".xls", ".ods", ".numbers", ".xlsb")
# Tried in order. utf-8-sig also reads plain UTF-8; cp1252 is what Excel on Windows writes
# for "CSV (Comma delimited)"; latin-1 maps every byte, so decoding never fails there.
CSV_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
# Excel in many European locales writes ";" between fields; some exports use tabs.
CSV_DELIMITERS = (",", ";", "\t")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --------------------------------------------------------------------------- xlsx


def _xlsx_cell(value: object) -> Cell:
    """One openpyxl value as a raw cell: dates become ISO text, empty becomes ""."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _trim(rows: Iterable[Iterable[Cell]]) -> list[list[Cell]]:
    """Rows made rectangular, without trailing fully-empty rows and columns.

    >>> _trim([("a", "b", ""), ("", "", ""), (1,), ()])
    [['a', 'b'], ['', ''], [1, '']]
    """
    kept: list[list[Cell]] = []
    width = 0
    last_filled = 0
    for row in rows:
        cells = list(row)
        while cells and cells[-1] == "":
            cells.pop()
        kept.append(cells)
        if cells:
            width = max(width, len(cells))
            last_filled = len(kept)
    kept = kept[:last_filled]
    for cells in kept:
        cells.extend([""] * (width - len(cells)))
    return kept


def _load_xlsx(source: str | Path | io.BytesIO, *, label: str, fix: str) -> dict[str, list]:
    # Imported here so that importing this module stays cheap.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        if isinstance(exc, PermissionError):
            raise UnreadableFileError(
                f"Cannot open {label}: permission denied — close it in Excel or check "
                f"its permissions, then reload",
                path=label,
            ) from exc
        raise UnreadableFileError(
            f"{label} is not a readable .xlsx workbook ({exc.__class__.__name__}) — "
            f"open it in Excel or Google Sheets and save it again as .xlsx, or {fix}",
            path=label,
        ) from exc
    try:
        tabs: dict[str, list] = {}
        for sheet in book.worksheets:
            # Files written by other tools often store a wrong used range; read what is there.
            sheet.reset_dimensions()
            rows = (tuple(_xlsx_cell(v) for v in row) for row in sheet.iter_rows(values_only=True))
            tabs[sheet.title] = _trim(rows)
        return tabs
    finally:
        book.close()


def read_xlsx(path: str | Path, *, kind: str = "file") -> RawWorkbook:
    """Every worksheet of an .xlsx/.xlsm file as rows of cells.

    Formulas give their last computed value; date cells become ISO text ("2026-03-04",
    or "2026-03-04 14:30:00" with a time), numbers stay numbers, empty cells are "".
    Trailing empty rows and columns are dropped.

    >>> read_xlsx("portfolio.xlsx").tabs["Initiatives"][:2]     # doctest: +SKIP
    [['id', 'name', 'started', 'seats'], ['AI-001', 'Copilot review', '2025-06-02', 40]]
    """
    file = _existing(path)
    tabs = _load_xlsx(file, label=str(file), fix=FIX_SOURCE)
    return RawWorkbook(tabs=tabs, origin=str(file), kind=kind, fetched_at=_now())


# --------------------------------------------------------------------------- csv


def _decode(data: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _delimiter(text: str) -> str:
    """The field separator, guessed from the header line: "," unless it has none and ";" or tab.

    >>> _delimiter("id;name;team\\n"), _delimiter("id,name\\n"), _delimiter("id\\tname")
    (';', ',', '\\t')
    """
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in CSV_DELIMITERS}
    if counts[","]:
        return ","
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_csv_bytes(data: bytes) -> list[list[Cell]]:
    """Rows of a CSV file's bytes, every cell as text; quoted cells may span lines.

    >>> parse_csv_bytes(b'\\xef\\xbb\\xbfid,note\\r\\nAI-1,"two\\nlines, ""ok"", done"\\r\\n')
    [['id', 'note'], ['AI-1', 'two\\nlines, "ok", done']]
    """
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    with gc_paused():
        return list(reader)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cycle collector while building many small lists that form no cycles.

    Half a million rows (a CSV read, a decoded Sheets answer) trigger hundreds of
    collections that walk everything already in memory and find nothing: pausing them makes
    a 520,000-row Usage.csv parse two to three times faster, and json.loads of the same
    rows from Sheets 0.2 s instead of 0.5 s. Reference counting still frees as usual; a
    collector that someone else turned off stays off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_csv_rows(file: Path) -> list[list[Cell]]:
    try:
        data = file.read_bytes()
    except PermissionError as exc:
        raise UnreadableFileError(
            f"Cannot open {file}: permission denied — close it in Excel or check its "
            f"permissions, then reload",
            path=file,
        ) from exc
    except OSError as exc:
        raise UnreadableFileError(f"Cannot read {file} ({exc}) — {FIX_SOURCE}", path=file) from exc
    try:
        return parse_csv_bytes(data)
    except csv.Error as exc:
        raise UnreadableFileError(
            f"{file} is not a readable CSV file ({exc}) — export the tab again as CSV",
            path=file,
        ) from exc


def read_csv_folder(path: str | Path, *, kind: str = "file") -> RawWorkbook:
    """A folder of CSV files as a workbook: each `Tab.csv` becomes the tab `Tab`.

    Files may be UTF-8 (with or without BOM) or Windows/Latin-1 text; every cell is text.

    >>> sorted(read_csv_folder("exports/").tabs)                 # doctest: +SKIP
    ['Initiatives', 'Settings', 'Usage']
    """
    folder = _existing(path)
    if not folder.is_dir():
        raise WorkbookNotFoundError(f"{folder} is not a folder — {FIX_SOURCE}", path=folder)
    files = sorted(p for p in folder.iterdir() if p.is_file() and _is_csv(p))
    if not files:
        raise WorkbookNotFoundError(
            f"No .csv files in {folder} — export each tab as <Tab>.csv "
            f"(at least Initiatives.csv) into it, or {FIX_SOURCE}",
            path=folder,
        )
    tabs = {p.stem: _read_csv_rows(p) for p in files}
    return RawWorkbook(tabs=tabs, origin=str(folder), kind=kind, fetched_at=_now())


def read_csv_file(path: str | Path, *, tab: str = INITIATIVES, kind: str = "file") -> RawWorkbook:
    """One CSV file as a one-tab workbook (the Initiatives tab unless `tab` says otherwise).

    >>> read_csv_file("initiatives.csv").tabs.keys()             # doctest: +SKIP
    dict_keys(['Initiatives'])
    """
    file = _existing(path)
    if file.is_dir():
        return read_csv_folder(file, kind=kind)
    return RawWorkbook(
        tabs={tab: _read_csv_rows(file)}, origin=str(file), kind=kind, fetched_at=_now()
    )


# --------------------------------------------------------------------------- dispatch


def _is_csv(path: Path) -> bool:
    return path.suffix.lower() == CSV_SUFFIX


def _existing(path: str | Path) -> Path:
    file = Path(path).expanduser()
    if not file.exists():
        raise WorkbookNotFoundError(f"No workbook at {file} — {FIX_SOURCE}", path=file)
    return file


def _unsupported(name: str, suffix: str, *, fix: str) -> UnsupportedFileError:
    if suffix in CONVERTIBLE_SUFFIXES:
        return UnsupportedFileError(
            f"{name} is a {suffix} file, which Ground Truth cannot read — "
            f"save it as .xlsx (File → Save as / Download → Microsoft Excel), or {fix}",
            path=name,
        )
    return UnsupportedFileError(
        f"{name} is neither an .xlsx workbook nor a CSV file — {fix}", path=name
    )


def read_path(path: str | Path) -> RawWorkbook:
    """Read whatever `path` is: an .xlsx/.xlsm workbook, a folder of CSVs, or one CSV.

    >>> read_path("~/Downloads/AI initiatives.xlsx").origin      # doctest: +SKIP
    '/home/me/Downloads/AI initiatives.xlsx'
    """
    file = _existing(path)
    if file.is_dir():
        return read_csv_folder(file)
    suffix = file.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(file)
    if suffix == CSV_SUFFIX:
        return read_csv_file(file)
    raise _unsupported(str(file), suffix, fix=FIX_SOURCE)


def read_upload(name: str, data: bytes) -> RawWorkbook:
    """A workbook uploaded in the browser (.xlsx/.xlsm, or one CSV = Initiatives), from memory.

    Nothing is written to disk; `kind` is "upload" and `origin` names the file.

    >>> read_upload("initiatives.csv", b"id,name\\nAI-1,Copilot\\n").tabs
    {'Initiatives': [['id', 'name'], ['AI-1', 'Copilot']]}
    """
    fix = "upload an .xlsx workbook or a CSV of the Initiatives tab"
    suffix = Path(name).suffix.lower()
    origin = f"{name} (uploaded)"
    if not data:
        raise UnreadableFileError(f"{name} is empty — {fix}", path=name)
    if suffix in XLSX_SUFFIXES:
        tabs = _load_xlsx(io.BytesIO(data), label=name, fix=fix)
    elif suffix == CSV_SUFFIX:
        try:
            tabs = {INITIATIVES: parse_csv_bytes(data)}
        except csv.Error as exc:
            raise UnreadableFileError(
                f"{name} is not a readable CSV file ({exc}) — {fix}", path=name
            ) from exc
    else:
        raise _unsupported(name, suffix, fix=fix)
    return RawWorkbook(tabs=tabs, origin=origin, kind="upload", fetched_at=_now())
