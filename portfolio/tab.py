"""One tab's rows to a typed frame: headers found and mapped, each column read, and a
`Problem` with an A1 reference for every cell that could not be read.

Rows in = rows kept + blank rows; nothing vanishes silently (DESIGN.md section 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio import schema
from portfolio.cells import apply_value_map, distinct_values, shown
from portfolio.headers import closest_headers, header_row, header_text
from portfolio.mapping import ColumnMapping
from portfolio.model import ERROR, WARNING, Cell, Problem
from portfolio.readers import DTYPES, read_cells, unreadable_message

try:
    # Builds the padded object grid from ragged rows in C, about 4x faster than numpy does
    # from padded lists; pandas' own DataFrame constructor uses it.
    from pandas._libs.lib import to_object_array as _to_object_array
except ImportError:  # pragma: no cover - a pandas without it falls back to numpy
    _to_object_array = None

ROW_COLUMN = "_row"

# Past this many cell problems in one column, the rest are one problem naming their range:
# a whole column typed in an unknown format should not bury the sheet health page.
MAX_CELL_PROBLEMS = 500


@dataclass
class Tab:
    """One parsed tab and what is needed to point at its cells."""

    table: schema.Table
    sheet_name: str
    frame: pd.DataFrame
    positions: dict[str, int]  # canonical column -> 0-based sheet column
    unknown: list[str]
    rows_read: int
    blank_rows: int
    defaulted: frozenset[str] = frozenset()  # columns the sheet lacks, filled by a default

    def cell(self, row: int, column: str) -> str:
        """A1 reference of frame row `row` (positional) in canonical `column`."""
        return self.refs(column).cell(row)

    def refs(self, column: str) -> CellRefs:
        rows = self.frame[ROW_COLUMN].to_numpy()
        return CellRefs(self.table.name, self.sheet_name, column, self.positions[column], rows)


@dataclass(frozen=True)
class CellRefs:
    """Builds the problems of one column, by position among the kept rows."""

    table: str
    sheet_name: str
    column: str
    col: int
    sheet_rows: np.ndarray

    def cell(self, i: int) -> str:
        return schema.a1(self.sheet_name, int(self.sheet_rows[i]) - 1, self.col)

    def problem(self, i: int, raw: Cell, message: str, fix: str) -> Problem:
        return Problem(self.table, self.cell(i), self.column, raw, message, fix=fix)

    def summarize(
        self, cells: np.ndarray, what: str, problems: list[Problem], *, severity: str = WARNING
    ) -> None:
        """One problem for the cells beyond MAX_CELL_PROBLEMS, naming their range."""
        rest = cells[MAX_CELL_PROBLEMS:]
        if not len(rest):
            return
        span = f"{self.cell(rest[0])}:{schema.a1_column(self.col)}{self.sheet_rows[rest[-1]]}"
        problems.append(
            Problem(
                self.table,
                span,
                self.column,
                None,
                f"{len(rest):,} more cells of {self.column} in {span} {what}",
                severity=severity,
                fix=f"Fix the first {MAX_CELL_PROBLEMS} listed above, then look for a pattern "
                "in the rest (a date or number format, a stray column)",
            )
        )


def _grid(rows: Sequence[Sequence[Cell]], width: int) -> np.ndarray:
    """A (rows x width) object array; short (ragged) rows are padded with None."""
    if not rows:
        return np.empty((0, width), dtype=object)
    if _to_object_array is not None:
        return _to_object_array(list(rows), min_width=width)
    padded = [list(r) + [None] * (width - len(r)) for r in rows]  # pragma: no cover
    return np.array(padded, dtype=object).reshape(len(rows), width)  # pragma: no cover


def empty_column(kind: str, n: int) -> object:
    dtype = DTYPES[kind]
    if dtype == "datetime64[ns]":
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if dtype == "float64":
        return np.full(n, np.nan)
    return pd.array([None] * n, dtype=dtype)


def empty_frame(table: schema.Table) -> pd.DataFrame:
    data = {c.name: empty_column(c.kind, 0) for c in table.columns}
    data[ROW_COLUMN] = np.empty(0, dtype="int64")
    return pd.DataFrame(data)


def _header_map(
    table: schema.Table,
    sheet_name: str,
    mapping: ColumnMapping | None,
    problems: list[Problem],
) -> dict[str, str]:
    """normalized sheet header -> canonical column, from the mapping then the aliases."""
    index = schema.header_index(table)
    mapped: dict[str, str] = {}
    if mapping:
        names = {schema.normalize(table.name), schema.normalize(sheet_name)}
        for tab, headers in mapping.columns.items():
            if schema.normalize(tab) not in names:
                continue
            for header, target in headers.items():
                canonical = index.get(schema.normalize(target))
                if canonical:
                    mapped.setdefault(schema.normalize(header), canonical)
                    continue
                columns = ", ".join(c.name for c in table.columns)
                problems.append(
                    Problem(
                        table.name,
                        schema.MAPPING,
                        None,
                        target,
                        f'The mapping sends "{shown(header)}" to "{shown(target)}", '
                        f"which is not a column of {table.name}",
                        fix=f"Map it to one of: {columns}",
                    )
                )
    return {**index, **mapped}


def _find_header_row(
    table: schema.Table,
    sheet_name: str,
    rows: Sequence[Sequence[Cell]],
    headers: dict[str, str],
    problems: list[Problem],
) -> int:
    """The row holding the headers (headers.header_row), with a note when it is not row 1."""
    best = header_row(rows, headers)
    if best == 0:
        return 0
    above = "row 1" if best == 1 else f"rows 1-{best}"
    problems.append(
        Problem(
            table.name,
            schema.a1(sheet_name, 0, 0),
            None,
            None,
            f"The headers of {sheet_name} are on row {best + 1}; {above} above them "
            "are read as a title and skipped",
            fix=f"Nothing to do if {above} is a title; otherwise move the headers to row 1",
        )
    )
    return best


def _defaults(
    table: schema.Table, sheet_name: str, mapping: ColumnMapping | None, problems: list[Problem]
) -> dict[str, str]:
    """canonical column -> the mapping's default text for this tab, when it can be read."""
    if not mapping or not mapping.defaults:
        return {}
    names = {schema.normalize(table.name), schema.normalize(sheet_name)}
    out: dict[str, str] = {}
    for tab, fields in mapping.defaults.items():
        if schema.normalize(tab) not in names:
            continue
        for name, text in fields.items():
            column = next((c for c in table.columns if c.name == name), None)
            if column is None:
                continue
            if read_cells(distinct_values(np.array([text], dtype=object)), column)[1].any():
                message, fix = unreadable_message(column, text)
                problems.append(
                    Problem(
                        table.name,
                        schema.MAPPING,
                        name,
                        text,
                        f"The mapping's default for {name} is not used: {message}",
                        fix=fix,
                    )
                )
                continue
            out[name] = text
    return out


def _missing_column(
    table: schema.Table, sheet_name: str, column: schema.Column, others: list[str]
) -> Problem:
    """The error for a required column that no header, alias or mapping fills."""
    hints = closest_headers(column, others)
    closest = f"; closest headers: {', '.join(hints)}" if hints else ""
    example = hints[0] if hints else "<your header>"
    return Problem(
        table.name,
        sheet_name,
        column.name,
        None,
        f'{sheet_name} has no "{column.name}" column and no mapping for it{closest}',
        severity=ERROR,
        fix=f"Add a Mapping row: column, {_field(table, column)}, {example} (Sheet health "
        f"suggests one), or a column headed {column.name} (or one of: {_spellings(column)})",
    )


def _field(table: schema.Table, column: schema.Column) -> str:
    return column.name if table.name == schema.INITIATIVES else f"{table.name}.{column.name}"


def _spellings(column: schema.Column) -> str:
    return ", ".join((column.name, *column.aliases))


def parse_tab(
    table: schema.Table,
    sheet_name: str,
    rows: Sequence[Sequence[Cell]],
    problems: list[Problem],
    *,
    mapping: ColumnMapping | None = None,
    headerless: bool = False,
    blank_ok: frozenset[str] = frozenset(),
) -> Tab:
    """Parse one tab's rows (headers on top, unless `headerless`) into a typed frame."""
    headers = _header_map(table, sheet_name, mapping, problems)
    header_row = 0 if headerless else _find_header_row(table, sheet_name, rows, headers, problems)
    header = list(rows[header_row]) if rows and not headerless else []
    data = rows if headerless else rows[header_row + 1 :]
    first_grid_row = 0 if headerless else header_row + 1
    if headerless:
        header = [c.name for c in table.columns]
    width = max([len(header), *map(len, data)]) if data else len(header)
    grid = _grid(data, width)
    columns = [distinct_values(grid[:, j]) for j in range(width)]

    filled = np.zeros(len(grid), dtype=bool)
    for col in columns:
        filled |= col.codes >= 0
    keep = np.flatnonzero(filled)
    blank_rows = len(grid) - len(keep)
    sheet_rows = keep + first_grid_row + 1  # 1-based sheet row of each kept record

    positions: dict[str, int] = {}
    unknown: dict[str, int] = {}
    taken = {c.name for c in table.columns} | {ROW_COLUMN}
    for j in range(width):
        text = header_text(header[j]) if j < len(header) else ""
        letter = schema.a1_column(j)
        header_cell = schema.a1(sheet_name, header_row, j)
        if not text:
            if (columns[j].codes >= 0).any():
                name = f"column {letter}"
                unknown[name] = j
                problems.append(
                    Problem(
                        table.name,
                        header_cell,
                        name,
                        None,
                        f"Column {letter} has values but no header",
                        fix=f"Type a header in {header_cell}, or delete the column",
                    )
                )
            continue
        canonical = headers.get(schema.normalize(text))
        if canonical and canonical not in positions:
            positions[canonical] = j
            continue
        name = text if text not in taken and text not in unknown else f"{text} (column {letter})"
        unknown[name] = j
        if canonical:
            first = schema.a1(sheet_name, header_row, positions[canonical])
            problems.append(
                Problem(
                    table.name,
                    header_cell,
                    canonical,
                    header[j],
                    f'"{shown(text)}" is a second {canonical} column (the first is {first}); '
                    "it is kept as an extra column",
                    fix=f"Rename or delete one of {first} and {header_cell}",
                )
            )

    values_map = mapping.values if mapping else {}
    defaults = _defaults(table, sheet_name, mapping, problems)
    data_cols: dict[str, object] = {}
    n = len(keep)
    for column in table.columns:
        j = positions.get(column.name)
        default = defaults.get(column.name)
        if j is None and default is not None:
            data_cols[column.name] = read_cells(
                distinct_values(np.full(n, default, dtype=object)), column
            )[0]
            continue
        if j is None:
            data_cols[column.name] = empty_column(column.kind, n)
            if column.required:
                others = [header_text(header[k]) for k in unknown.values() if k < len(header)]
                problems.append(_missing_column(table, sheet_name, column, others))
            continue
        source = columns[j]
        if default is not None:  # blank cells read as the mapping's default
            cells_j = grid[:, j].copy()
            cells_j[source.codes < 0] = default
            source = distinct_values(cells_j)
        distinct = apply_value_map(source, values_map.get(column.name)).rows(keep)
        cells, bad = read_cells(distinct, column)
        data_cols[column.name] = cells
        where = CellRefs(table.name, sheet_name, column.name, j, sheet_rows)
        unreadable = np.flatnonzero(bad)
        messages = {  # one message per distinct bad value, however many cells hold it
            code: unreadable_message(column, distinct.text[code])
            for code in np.unique(distinct.codes[unreadable])
        }
        for i in unreadable[:MAX_CELL_PROBLEMS]:
            message, fix = messages[distinct.codes[i]]
            problems.append(where.problem(i, grid[keep[i], j], message, fix))
        where.summarize(unreadable, "cannot be read", problems)
        if column.required and column.name not in blank_ok:
            empty = np.flatnonzero(distinct.codes < 0)
            label = column.name.replace("_", " ")
            for i in empty[:MAX_CELL_PROBLEMS]:
                cell = where.cell(i)
                message = f"{column.name} is required but {cell} is empty"
                problems.append(where.problem(i, None, message, f"Fill in the {label} in {cell}"))
            where.summarize(empty, "are empty", problems)
    for name, j in unknown.items():
        data_cols[name] = read_cells(columns[j].rows(keep), schema.Column(name))[0]
    data_cols[ROW_COLUMN] = sheet_rows.astype("int64")
    frame = pd.DataFrame(data_cols, index=pd.RangeIndex(n))
    defaulted = frozenset(defaults) - set(positions)
    tab = Tab(table, sheet_name, frame, positions, list(unknown), n, blank_rows, defaulted)
    if table.key and table.key in positions:
        _check_unique(tab, problems)
    return tab


def _check_unique(tab: Tab, problems: list[Problem]) -> None:
    """An error for every repeat of a key value; all rows stay."""
    key = tab.table.key
    values = tab.frame[key]
    present = values.notna().to_numpy()
    repeats = np.flatnonzero(values.duplicated(keep="first").to_numpy() & present)
    if not len(repeats):
        return
    firsts = values[present & ~values.duplicated(keep="first").to_numpy()]
    first_row = dict(zip(firsts, firsts.index, strict=True))
    where = tab.refs(key)
    for i in repeats[:MAX_CELL_PROBLEMS]:
        value = values.iat[i]
        problems.append(
            Problem(
                tab.table.name,
                where.cell(i),
                key,
                value,
                f'"{shown(value)}" is a duplicate {key} '
                f"(first used in {where.cell(first_row[value])})",
                severity=ERROR,
                fix=f"Give every row its own {key}; they must be unique",
            )
        )
    where.summarize(repeats, "repeat a value used above", problems, severity=ERROR)
