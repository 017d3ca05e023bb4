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
import itertools
import sys
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.etree import ElementTree

from data_sources import xlsx_parts
from data_sources.errors import (  # noqa: F401  (the file errors, re-exported)
    FIX_SOURCE,
    FileSourceError,
    UnreadableFileError,
    UnsupportedFileError,
    WorkbookNotFoundError,
)
from data_sources.limits import (
    BATCH_ROWS,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_MB,
    MEGABYTE,
    SOURCE_LIMITS,
    UPLOAD_LIMITS,
    ReadLimits,
    TabReader,
    WorkbookBudget,
)
from portfolio.model import FILE_KIND, Cell, Problem, RawWorkbook
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


def _open_error(exc: Exception, *, label: str, fix: str) -> UnreadableFileError:
    if isinstance(exc, PermissionError):
        return UnreadableFileError(
            f"Cannot open {label}: permission denied — close it in Excel or check "
            f"its permissions, then reload",
            path=label,
        )
    return UnreadableFileError(
        f"{label} is not a readable .xlsx workbook ({exc.__class__.__name__}) — "
        f"open it in Excel or Google Sheets and save it again as .xlsx, or {fix}",
        path=label,
    )


def _check_unzipped(archive: zipfile.ZipFile, limit: int | None, *, label: str, fix: str) -> None:
    size = xlsx_parts.unzipped_size(archive)
    if limit is not None and size > limit:
        raise UnreadableFileError(
            f"{label} unpacks to {size / MEGABYTE:,.0f} MB, more than the "
            f"{limit / MEGABYTE:,.0f} MB a workbook may hold here — {fix}",
            path=label,
        )


def _rows_not_read(
    archive: zipfile.ZipFile, sheet: str, first: int
) -> tuple[int | None, int | None]:
    """Rows with cells from `first` on in the sheet's XML; (None, None) if it cannot be told."""
    try:
        part = xlsx_parts.sheet_parts(archive).get(sheet)
        if part is None:
            return None, None
        return xlsx_parts.rows_after(archive, part, first)
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return None, None


def _load_xlsx(
    source: str | Path | io.BytesIO, *, label: str, fix: str, limits: ReadLimits
) -> tuple[dict[str, list], list[Problem]]:
    """Every sheet's used range, each read only up to the limits; the problems of those cut."""
    # Imported here so that importing this module stays cheap.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError)
    try:
        archive = zipfile.ZipFile(source)
    except unreadable as exc:
        raise _open_error(exc, label=label, fix=fix) from exc
    with archive:
        _check_unzipped(archive, limits.unzipped_bytes, label=label, fix=fix)
        try:
            book = openpyxl.load_workbook(source, read_only=True, data_only=True)
        except unreadable as exc:
            raise _open_error(exc, label=label, fix=fix) from exc
        budget = WorkbookBudget(limits)
        tabs: dict[str, list] = {}
        try:
            for sheet in book.worksheets:
                # Files written by other tools often store a wrong used range, and a hostile
                # one a huge one: read what is there, trimming as the rows stream in.
                sheet.reset_dimensions()
                reader = budget.tab(sheet.title)
                for values in sheet.iter_rows(values_only=True):
                    if not reader.add(values, _xlsx_cell):
                        break
                tabs[sheet.title] = reader.padded()
                if reader.stopped_at is None:
                    budget.close(reader)
                    continue
                left, last = _rows_not_read(archive, sheet.title, reader.stopped_at)
                budget.close(reader, rows_not_read=left, last_row=last)
        finally:
            book.close()
    return tabs, budget.problems


def read_xlsx(path: str | Path, *, kind: str = FILE_KIND) -> RawWorkbook:
    """Every worksheet of an .xlsx/.xlsm file as rows of cells.

    Formulas give their last computed value; date cells become ISO text ("2026-03-04",
    or "2026-03-04 14:30:00" with a time), numbers stay numbers, empty cells are "".
    Trailing empty rows and columns are dropped; a tab is read up to the limits of
    `data_sources.limits`, and what was not read is in `problems`.

    >>> read_xlsx("portfolio.xlsx").tabs["Initiatives"][:2]     # doctest: +SKIP
    [['id', 'name', 'started', 'seats'], ['AI-001', 'Copilot review', '2025-06-02', 40]]
    """
    file = _existing(path)
    tabs, problems = _load_xlsx(file, label=str(file), fix=FIX_SOURCE, limits=SOURCE_LIMITS)
    return RawWorkbook(
        tabs=tabs, origin=str(file), kind=kind, fetched_at=_now(), problems=tuple(problems)
    )


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


def _feed_csv(
    handle: Iterable[str], first_line: str, reader: TabReader
) -> tuple[int | None, int | None]:
    """CSV records into `reader`, a batch at a time, until the limit; then count the rest.

    Returns the rows (records with cells) not read and the last of them, (None, None) when
    everything was read. Counting the rest only parses it: nothing more is kept.
    """
    lines = itertools.chain((first_line,), handle) if first_line else iter(())
    records = csv.reader(lines, delimiter=_delimiter(first_line))
    with gc_paused():
        while batch := list(itertools.islice(records, BATCH_ROWS)):
            taken = reader.extend(batch)
            if taken < len(batch):
                break
        else:
            return None, None
    assert reader.stopped_at is not None
    count, last, number = 0, None, reader.stopped_at - 1
    for row in itertools.chain(batch[taken:], records):
        number += 1
        if row:
            count, last = count + 1, number
    return count, last


def parse_csv_bytes(data: bytes, *, reader: TabReader | None = None) -> list[list[Cell]]:
    """Rows of a CSV file's bytes, every cell as text; quoted cells may span lines.

    With a `reader`, rows stop at its limit (see `data_sources.limits`).

    >>> parse_csv_bytes(b'\\xef\\xbb\\xbfid,note\\r\\nAI-1,"two\\nlines, ""ok"", done"\\r\\n')
    [['id', 'note'], ['AI-1', 'two\\nlines, "ok", done']]
    """
    text = io.StringIO(_decode(data), newline="")
    reader = reader or TabReader(INITIATIVES, cap=sys.maxsize)
    _feed_csv(text, text.readline(), reader)
    return reader.rows


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


def _read_csv_rows(file: Path, budget: WorkbookBudget, *, tab: str) -> list[list[Cell]]:
    """One CSV file streamed from disk, up to the budget's limits; tried in each encoding."""
    for encoding in CSV_ENCODINGS:
        reader = budget.tab(tab)
        try:
            with file.open(encoding=encoding, newline="") as handle:
                left, last = _feed_csv(handle, handle.readline(), reader)
        except UnicodeDecodeError:
            continue
        except PermissionError as exc:
            raise UnreadableFileError(
                f"Cannot open {file}: permission denied — close it in Excel or check its "
                f"permissions, then reload",
                path=file,
            ) from exc
        except OSError as exc:
            raise UnreadableFileError(
                f"Cannot read {file} ({exc}) — {FIX_SOURCE}", path=file
            ) from exc
        except csv.Error as exc:
            raise UnreadableFileError(
                f"{file} is not a readable CSV file ({exc}) — export the tab again as CSV",
                path=file,
            ) from exc
        budget.close(reader, rows_not_read=left, last_row=last)
        return reader.rows
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def read_csv_folder(path: str | Path, *, kind: str = FILE_KIND) -> RawWorkbook:
    """A folder of CSV files as a workbook: each `Tab.csv` becomes the tab `Tab`.

    Files may be UTF-8 (with or without BOM) or Windows/Latin-1 text; every cell is text.
    Each file is streamed and read up to the limits of `data_sources.limits`.

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
    budget = WorkbookBudget(SOURCE_LIMITS)
    tabs = {p.stem: _read_csv_rows(p, budget, tab=p.stem) for p in files}
    return RawWorkbook(
        tabs=tabs,
        origin=str(folder),
        kind=kind,
        fetched_at=_now(),
        problems=tuple(budget.problems),
    )


def read_csv_file(
    path: str | Path, *, tab: str = INITIATIVES, kind: str = FILE_KIND
) -> RawWorkbook:
    """One CSV file as a one-tab workbook (the Initiatives tab unless `tab` says otherwise).

    >>> read_csv_file("initiatives.csv").tabs.keys()             # doctest: +SKIP
    dict_keys(['Initiatives'])
    """
    file = _existing(path)
    if file.is_dir():
        return read_csv_folder(file, kind=kind)
    budget = WorkbookBudget(SOURCE_LIMITS)
    rows = _read_csv_rows(file, budget, tab=tab)
    return RawWorkbook(
        tabs={tab: rows},
        origin=str(file),
        kind=kind,
        fetched_at=_now(),
        problems=tuple(budget.problems),
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


def too_large(name: str, size: int) -> UnreadableFileError | None:
    """The error for an upload over MAX_UPLOAD_BYTES, or None when it is within.

    >>> print(too_large("inventory.csv", 190 * MEGABYTE))
    inventory.csv is 190.0 MB; an upload may be at most 25 MB — upload a smaller export (only \
the tabs and rows you need), or configure the file as the server's source
    """
    if size <= MAX_UPLOAD_BYTES:
        return None
    return UnreadableFileError(
        f"{name} is {size / MEGABYTE:,.1f} MB; an upload may be at most {MAX_UPLOAD_MB} MB — "
        "upload a smaller export (only the tabs and rows you need), or configure the file "
        "as the server's source",
        path=name,
    )


def read_upload(name: str, data: bytes) -> RawWorkbook:
    """A workbook uploaded in the browser (.xlsx/.xlsm, or one CSV = Initiatives), from memory.

    Nothing is written to disk; `kind` is "upload" and `origin` names the file. At most
    MAX_UPLOAD_MB, read up to UPLOAD_LIMITS (what was not read is in `problems`).

    >>> read_upload("initiatives.csv", b"id,name\\nAI-1,Copilot\\n").tabs
    {'Initiatives': [['id', 'name'], ['AI-1', 'Copilot']]}
    """
    fix = "upload an .xlsx workbook or a CSV of the Initiatives tab"
    suffix = Path(name).suffix.lower()
    origin = f"{name} (uploaded)"
    if not data:
        raise UnreadableFileError(f"{name} is empty — {fix}", path=name)
    error = too_large(name, len(data))
    if error is not None:
        raise error
    if suffix in XLSX_SUFFIXES:
        tabs, problems = _load_xlsx(io.BytesIO(data), label=name, fix=fix, limits=UPLOAD_LIMITS)
    elif suffix == CSV_SUFFIX:
        budget = WorkbookBudget(UPLOAD_LIMITS)
        reader = budget.tab(INITIATIVES)
        try:
            text = io.StringIO(_decode(data), newline="")
            left, last = _feed_csv(text, text.readline(), reader)
        except csv.Error as exc:
            raise UnreadableFileError(
                f"{name} is not a readable CSV file ({exc}) — {fix}", path=name
            ) from exc
        budget.close(reader, rows_not_read=left, last_row=last)
        tabs, problems = {INITIATIVES: reader.rows}, budget.problems
    else:
        raise _unsupported(name, suffix, fix=fix)
    return RawWorkbook(
        tabs=tabs, origin=origin, kind="upload", fetched_at=_now(), problems=tuple(problems)
    )
