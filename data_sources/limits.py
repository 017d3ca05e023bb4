"""How much of a workbook Ground Truth reads, so that no file, upload or sheet can exhaust the
server's memory or time; and the message when a limit is reached.

A tab's cells are counted as the grid the parser builds from them: rows × the widest row.
Readers hand rows to a `TabReader`, which keeps them until the next row would take the tab
(or the workbook) past its limit, and then stops: the rest is not read at all, so a huge
file costs the limit, not its size. What was not read becomes an error-level `Problem`
naming the tab, the limit and how many rows were left out; nothing is dropped silently.

The .xlsx reader also drops trailing empty cells and rows as it streams (a file's declared
size is not trusted): one stray value at XFD1048576 below a one-cell table does not make a
grid of 17 billion cells; it is the row the limit stops at.

The limits (README "Limits" says the same; `server.maxUploadSize` in .streamlit/config.toml
must equal MAX_UPLOAD_MB, and a test checks both):

>>> MAX_CELLS_PER_TAB, MAX_UPLOAD_CELLS_PER_TAB, MAX_UPLOAD_MB
(10000000, 1000000, 25)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from portfolio.model import ERROR, Cell, Problem

# A sheet or a file configured by whoever runs the server. Google Sheets holds at most 10
# million cells per spreadsheet, so any sheet Google accepts is read whole.
MAX_CELLS_PER_TAB = 10_000_000
MAX_CELLS_PER_WORKBOOK = 10_000_000
# A file any visitor uploads in the browser (held in their session only).
MAX_UPLOAD_MB = 25
MEGABYTE = 1024 * 1024  # Streamlit counts server.maxUploadSize in these
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * MEGABYTE
MAX_UPLOAD_CELLS_PER_TAB = 1_000_000
MAX_UPLOAD_CELLS_PER_WORKBOOK = 2_000_000
# An .xlsx is a zip of XML: a few MB can unpack to gigabytes. The parts' declared sizes are
# checked before reading (zipfile never unpacks more than a part declares).
MAX_UPLOAD_UNZIPPED_MB = 500
# Rows handed over at once by the CSV reader: checked against the limits in one step.
BATCH_ROWS = 10_000


@dataclass(frozen=True)
class ReadLimits:
    """The cells one read may hold, per tab and in all, and where a person changes them."""

    cells_per_tab: int
    cells_per_workbook: int
    unzipped_bytes: int | None = None
    what_to_do: str = ""


SOURCE_LIMITS = ReadLimits(
    MAX_CELLS_PER_TAB,
    MAX_CELLS_PER_WORKBOOK,
    what_to_do="delete the rows and columns outside the table, or split the tab",
)
UPLOAD_LIMITS = ReadLimits(
    MAX_UPLOAD_CELLS_PER_TAB,
    MAX_UPLOAD_CELLS_PER_WORKBOOK,
    unzipped_bytes=MAX_UPLOAD_UNZIPPED_MB * MEGABYTE,
    what_to_do="upload fewer rows or tabs, or configure the file as the server's source "
    "(GROUNDTRUTH_SOURCE), which is read up to 10 times as far",
)


def _empty(value: object) -> bool:
    return value is None or value == ""


class TabReader:
    """One tab's rows, taken until the next would pass `cap` cells (rows × widest row).

    >>> reader = TabReader("Usage", cap=6)
    >>> [reader.add(row) for row in (["a", "b", None], [], ["c"], ["d", "e", "f"])]
    [True, True, True, False]
    >>> reader.rows, reader.stopped_at
    ([['a', 'b'], [], ['c']], 4)
    """

    def __init__(self, tab: str, *, cap: int, by_workbook: bool = False) -> None:
        self.tab = tab
        self.cap = cap
        self.by_workbook = by_workbook  # the workbook's limit, not the tab's, set `cap`
        self.rows: list[list[Cell]] = []
        self.width = 0
        self.scanned = 0  # cells the source handed over, empty ones (padding) included
        self.stopped_at: int | None = None  # 1-based row that was not taken
        self.stop_width = 0  # how wide that row was
        self.by_formatting = False  # stopped by empty formatted cells, not by the grid
        self._blank = 0  # empty rows since the last kept one, kept only if a filled one follows

    @property
    def cells(self) -> int:
        return len(self.rows) * self.width

    def _stop(self, number: int, width: int) -> bool:
        self.stopped_at, self.stop_width = number, width
        return False

    def add(self, values: Sequence, convert: Callable[[object], Cell] | None = None) -> bool:
        """One row as a reader that pads yields it: trailing empty cells and rows are dropped.

        Returns False (the row not taken) once the limit is reached.
        """
        if self.stopped_at is not None:
            return False
        self.scanned += len(values)
        number = len(self.rows) + self._blank + 1
        used = len(values)  # the scan below is bounded: `scanned` stops the tab at the cap
        while used and _empty(values[used - 1]):
            used -= 1
        width = max(self.width, used)
        if used and number * width > self.cap:
            return self._stop(number, used)
        if self.scanned > self.cap:
            # Empty cells that carry formatting far out in many rows: a format bomb.
            self.by_formatting = True
            return self._stop(number, 0)
        if not used:
            self._blank += 1
            return True
        if self._blank:
            self.rows.extend([] for _ in range(self._blank))
            self._blank = 0
        cells = values[:used]
        self.rows.append([convert(v) for v in cells] if convert else list(cells))
        self.width = width
        return True

    def padded(self, filler: Cell = "") -> list[list[Cell]]:
        """The rows made rectangular (the grid the limit counted), in place.

        >>> reader = TabReader("Usage", cap=9)
        >>> reader.add(["a", "b"]), reader.add([]), reader.add(["c"]), reader.padded()
        (True, True, True, [['a', 'b'], ['', ''], ['c', '']])
        """
        for row in self.rows:
            if len(row) < self.width:
                row.extend([filler] * (self.width - len(row)))
        return self.rows

    def extend(self, rows: list[list[Cell]]) -> int:
        """Rows kept as they are (CSV, Sheets); returns how many were taken before the limit.

        >>> reader = TabReader("Usage", cap=4)
        >>> reader.extend([["a", "b"], ["c"], ["d", "e", "f"]]), reader.stopped_at
        (2, 3)
        """
        if self.stopped_at is not None or not rows:
            return 0
        # Unpadded rows hold no more cells than their grid, so the grid is all to check.
        width = max(self.width, max(map(len, rows)))
        if (len(self.rows) + len(rows)) * width <= self.cap:
            # The common case: one check for the whole batch. A first batch is kept as it is
            # (not copied: 2.4 million rows of a full sheet take 40 ms to copy).
            if self.rows:
                self.rows.extend(rows)
            else:
                self.rows = rows
            self.width = width
            return len(rows)
        for taken, row in enumerate(rows):
            number = len(self.rows) + 1
            wider = max(self.width, len(row))
            if number * wider > self.cap:
                self._stop(number, len(row))
                return taken
            self.rows.append(row)
            self.width = wider
        return len(rows)


class WorkbookBudget:
    """The cells left for a whole workbook; hands each tab a `TabReader` and collects the
    problems of the tabs that were cut.

    >>> budget = WorkbookBudget(ReadLimits(cells_per_tab=4, cells_per_workbook=4))
    >>> first = budget.tab("Initiatives"); first.extend([["id"], ["AI-1"], ["AI-2"]])
    3
    >>> budget.close(first); second = budget.tab("Usage"); second.extend([["a", "b"], ["c"]])
    0
    >>> budget.close(second, rows_not_read=2, last_row=2); budget.problems[0].cell
    'Usage!A1'
    """

    def __init__(self, limits: ReadLimits) -> None:
        self.limits = limits
        self.used = 0
        self.problems: list[Problem] = []

    def tab(self, name: str) -> TabReader:
        left = self.limits.cells_per_workbook - self.used
        if left < self.limits.cells_per_tab:
            return TabReader(name, cap=max(left, 0), by_workbook=True)
        return TabReader(name, cap=self.limits.cells_per_tab)

    def close(
        self, reader: TabReader, *, rows_not_read: int | None = None, last_row: int | None = None
    ) -> None:
        """Count the tab's cells; when it was cut, add the problem that says what was left out.

        `rows_not_read` counts the rows with cells from `reader.stopped_at` on (None: unknown),
        `last_row` is the last of them.
        """
        self.used += reader.cells
        if reader.stopped_at is not None:
            self.problems.append(cut_problem(reader, self.limits, rows_not_read, last_row))


def _rows(count: int) -> str:
    return f"{count:,} row" if count == 1 else f"{count:,} rows"


def cut_problem(
    reader: TabReader, limits: ReadLimits, rows_not_read: int | None, last_row: int | None
) -> Problem:
    """The error that says a tab was read only in part: which rows, which limit, what is left.

    >>> reader = TabReader("Sheet1", cap=10_000_000)
    >>> reader.add(["header"]), all(reader.add(()) for _ in range(1_048_574))
    (True, True)
    >>> reader.add((None,) * 16_383 + ("x",)), reader.rows
    (False, [['header']])
    >>> print(cut_problem(reader, SOURCE_LIMITS, 1, 1_048_576).message)
    Sheet1 was read only to row 1,048,575: with row 1,048,576, whose last cell is XFD1048576, \
it would pass 10,000,000 cells (1,048,576 rows × 16,384 columns), the limit per tab. \
1 row (1,048,576) was not read.
    """
    from portfolio.schema import a1_column

    stop = reader.stopped_at or 1
    width = max(reader.width, reader.stop_width)
    grid = f"{_rows(stop)} × {width:,} columns"
    if reader.by_formatting:
        grid = "counting the empty cells that carry formatting"
    read = f"was read only to row {stop - 1:,}" if stop > 1 else "was not read"
    if rows_not_read is None:
        left = f"Row {stop:,} and the rest of the tab were not read."
    elif rows_not_read <= 1:
        left = f"1 row ({stop:,}) was not read."
    else:
        left = f"{_rows(rows_not_read)} ({stop:,} to {last_row or stop:,}) were not read."
    far = ""
    if reader.stop_width > reader.width:
        far = f", whose last cell is {a1_column(reader.stop_width - 1)}{stop},"
    if reader.by_workbook:
        because = (
            f"the workbook would pass {limits.cells_per_workbook:,} cells ({grid} in this tab), "
            "the limit per workbook"
        )
    else:
        because = f"it would pass {reader.cap:,} cells ({grid}), the limit per tab"
    return Problem(
        tab=reader.tab,
        cell=f"{reader.tab}!A{stop}",
        column=None,
        raw=None,
        message=f"{reader.tab} {read}: with row {stop:,}{far} {because}. {left}",
        severity=ERROR,
        fix=f"To read it all, {limits.what_to_do}" if limits.what_to_do else "",
    )


def cap_tabs(
    tabs: dict[str, list[list[Cell]]], limits: ReadLimits
) -> tuple[dict[str, list[list[Cell]]], list[Problem]]:
    """Rows already in memory (a Sheets answer) cut to the limits; the common case is one check.

    >>> cap_tabs({"A": [["x"], ["y"]]}, ReadLimits(cells_per_tab=1, cells_per_workbook=9))[0]
    {'A': [['x']]}
    """
    budget = WorkbookBudget(limits)
    out: dict[str, list[list[Cell]]] = {}
    for name, rows in tabs.items():
        reader = budget.tab(name)
        taken = reader.extend(rows)
        if reader.stopped_at is None:
            budget.close(reader)
        else:
            rest = [i for i in range(taken, len(rows)) if rows[i]]
            last = rest[-1] + 1 if rest else None
            budget.close(reader, rows_not_read=len(rest), last_row=last)
        out[name] = reader.rows
    return out, budget.problems
