"""The empty template workbook, and adding its missing tabs and headers to a Google Sheet.

`template_bytes()` is an .xlsx with every tab of the contract (schema.TABLES, plus the
optional Mapping tab), its header row, and a drop-down list (data validation) on each
vocabulary column: stage, origin, reported_status, frequency, sanctioned, Mapping's kind.
`plan_init(tabs)` compares a sheet's cells with the template and says what is missing;
`init_sheet(source)` applies that plan to a Google Sheet: new tabs with their headers, and
missing headers written to the right of what each existing tab uses. It only ever writes
into empty cells, so nothing a team typed is overwritten.

It also puts the same drop-down lists on the live sheet (`plan_dropdowns`): one
`setDataValidation` rule of type ONE_OF_LIST per vocabulary column, from the row below its
header to the bottom of the tab, all in one `spreadsheets.batchUpdate`. `strict` is false,
so a word the list lacks is kept with a warning rather than rejected (the parser still reads
synonyms such as "on hold" or 🟢, and nobody loses what they typed); `showCustomUi` shows the
arrow. Setting a rule again replaces it, so running init-sheet twice changes nothing.

>>> plan = plan_init({"Initiatives": [["id", "name"], ["AI-1", "Bot"]]})
>>> plan.headers[0].a1, plan.headers[0].headers[:3], sorted(plan.new_tabs)[:2]
("'Initiatives'!C1", ('team', 'owner', 'origin'), ['CheckIns', 'DailyTools'])
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from portfolio import mapping, schema
from portfolio.headers import HEADER_SEARCH_ROWS, header_row
from portfolio.model import Cell

# Rows of the template that get the drop-down lists; a sheet can grow past them and the
# parser still reads every word, the list is only a typing aid.
VALIDATED_ROWS = 2000
YES_NO = ("yes", "no")
HEADER_FILL = "DDE6F0"
COLUMN_WIDTH = 18
# The tab order of the template: the required tab first, the optional Mapping last.
TEMPLATE_TABS = (*schema.TABLES, schema.MAPPING)


def template_headers() -> dict[str, list[str]]:
    """Tab -> its header row in the template (Mapping: kind, field, from, to).

    >>> template_headers()["Usage"]
    ['initiative_id', 'week', 'active_users', 'measured_hours_saved', 'source']
    """
    headers = {name: [c.name for c in table.columns] for name, table in schema.TABLES.items()}
    headers[schema.MAPPING] = list(mapping.HEADERS)
    return headers


def choices(column: schema.Column) -> tuple[str, ...]:
    """The words of a column's drop-down: its vocabulary, yes/no for a boolean, else none."""
    if column.vocabulary:
        return column.vocabulary
    if column.kind == schema.BOOLEAN:
        return YES_NO
    return ()


def _list_formula(words: Sequence[str]) -> str:
    return '"' + ",".join(words) + '"'


def write_template(target: str | Path | io.BytesIO) -> None:
    """Write the empty template workbook (.xlsx) to a path or a binary buffer.

    Settings lists every setting key with its value left blank (blank keeps the default).
    """
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for tab, headers in template_headers().items():
        sheet = book.create_sheet(tab)
        sheet.append(headers)
        for j, _ in enumerate(headers, start=1):
            cell = sheet.cell(row=1, column=j)
            cell.font, cell.fill = bold, fill
            sheet.column_dimensions[get_column_letter(j)].width = COLUMN_WIDTH
        sheet.freeze_panes = "A2"
        if tab == schema.SETTINGS:
            for setting in schema.SETTINGS_SPEC:
                sheet.append([setting.key, None])
            continue
        if tab == schema.MAPPING:
            lists = {0: mapping.KINDS}
        else:
            table = schema.TABLES[tab]
            lists = {j: words for j, c in enumerate(table.columns) if (words := choices(c))}
        for j, words in lists.items():
            letter = get_column_letter(j + 1)
            rule = DataValidation(
                type="list",
                formula1=_list_formula(words),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=f"Not a {headers[j]}",
                error=f"Type one of {', '.join(words)}",
            )
            rule.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
            sheet.add_data_validation(rule)
    book.save(target)


def template_bytes() -> bytes:
    """The template workbook as .xlsx bytes, for a download button."""
    buffer = io.BytesIO()
    write_template(buffer)
    return buffer.getvalue()


# --- adding what is missing to an existing sheet ------------------------------------------


@dataclass(frozen=True)
class HeaderWrite:
    """Headers to write into row `row` (0-based) of `tab`, from column `column` rightwards."""

    tab: str
    row: int
    column: int
    headers: tuple[str, ...]

    @property
    def a1(self) -> str:
        """The range to write, e.g. 'Initiatives'!C1."""
        quoted = "'" + self.tab.replace("'", "''") + "'"
        return f"{quoted}!{schema.a1_column(self.column)}{self.row + 1}"


@dataclass(frozen=True)
class DropDown:
    """One column's drop-down: in tab `tab`, 0-based column `column` below header row `row`."""

    tab: str
    field: str
    column: int
    row: int
    words: tuple[str, ...]

    def describe(self) -> str:
        letter = schema.a1_column(self.column)
        words = ", ".join(self.words)
        return f"drop-down {self.tab}!{letter}{self.row + 2}:{letter} for {self.field} ({words})"

    def request(self, sheet_id: int) -> dict[str, Any]:
        """The batchUpdate request that sets it: a warning, not a rejection, with the arrow."""
        return {
            "setDataValidation": {
                "range": {
                    "sheetId": sheet_id,
                    "startRowIndex": self.row + 1,
                    "startColumnIndex": self.column,
                    "endColumnIndex": self.column + 1,
                },
                "rule": {
                    "condition": {
                        "type": "ONE_OF_LIST",
                        "values": [{"userEnteredValue": word} for word in self.words],
                    },
                    "inputMessage": f"One of: {', '.join(self.words)}",
                    "strict": False,
                    "showCustomUi": True,
                },
            }
        }


@dataclass(frozen=True)
class InitPlan:
    """What init-sheet adds: new tabs (with their header rows), headers for existing tabs,
    and the drop-downs it sets (again) on every vocabulary column."""

    new_tabs: dict[str, list[str]] = field(default_factory=dict)
    headers: list[HeaderWrite] = field(default_factory=list)
    dropdowns: list[DropDown] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """No tab or header to add (the drop-downs are set in any case)."""
        return not self.new_tabs and not self.headers

    def describe(self) -> list[str]:
        """One line per thing to add, for the terminal ("tab Mapping with headers …")."""
        lines = [f"tab {tab} with headers {', '.join(h)}" for tab, h in self.new_tabs.items()]
        lines += [f"headers {', '.join(w.headers)} at {w.a1}" for w in self.headers]
        return lines


def _filled(cell: Cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def plan_init(tabs: Mapping[str, Sequence[Sequence[Cell]]]) -> InitPlan:
    """What to add to a sheet holding `tabs` (tab -> rows) so it has the template's tabs and
    headers. A header counts as there when any accepted spelling of it is (aliases, or the
    sheet's own Mapping tab). New headers go right of the widest row, so even a column of
    data without a header keeps its cells. An existing Settings or Mapping tab is left alone.
    """
    by_name = {schema.normalize(name): name for name in tabs}
    sheet_mapping = mapping.ColumnMapping()
    if schema.normalize(schema.MAPPING) in by_name:
        sheet_mapping = mapping.read_mapping_rows(tabs[by_name[schema.normalize(schema.MAPPING)]])
    plan = InitPlan()
    for tab, headers in template_headers().items():
        sheet_name = by_name.get(schema.normalize(tab))
        if sheet_name is None:
            plan.new_tabs[tab] = headers
            continue
        if tab in (schema.SETTINGS, schema.MAPPING):
            continue
        rows = tabs[sheet_name]
        index = schema.header_index(schema.TABLES[tab])
        for header, target in sheet_mapping.columns.get(tab, {}).items():
            index[schema.normalize(header)] = target
        header_at = header_row(rows, index)
        have = {
            index.get(schema.normalize(c)) for c in (rows[header_at] if rows else []) if _filled(c)
        }
        have |= set(sheet_mapping.defaults.get(tab, {}))
        missing = tuple(h for h in headers if h not in have)
        if not missing:
            continue
        width = max(
            (max((j + 1 for j, c in enumerate(row) if _filled(c)), default=0) for row in rows),
            default=0,
        )
        plan.headers.append(HeaderWrite(sheet_name, header_at, width, missing))
    plan.dropdowns.extend(plan_dropdowns(_as_planned(tabs, plan), sheet_mapping=sheet_mapping))
    return plan


def _as_planned(
    tabs: Mapping[str, Sequence[Sequence[Cell]]], plan: InitPlan
) -> dict[str, list[list[Cell]]]:
    """The header rows the sheet will have once `plan` is applied (data rows left out)."""
    out = {name: [list(row) for row in rows[:HEADER_SEARCH_ROWS]] for name, rows in tabs.items()}
    for tab, headers in plan.new_tabs.items():
        out[tab] = [list(headers)]
    for write in plan.headers:
        rows = out[write.tab]
        while len(rows) <= write.row:
            rows.append([])
        row = rows[write.row]
        row.extend([None] * (write.column - len(row)))
        row[write.column : write.column + len(write.headers)] = list(write.headers)
    return out


def plan_dropdowns(
    tabs: Mapping[str, Sequence[Sequence[Cell]]],
    *,
    sheet_mapping: mapping.ColumnMapping | None = None,
) -> list[DropDown]:
    """A drop-down for each vocabulary column whose header the sheet has (by any spelling, or
    the sheet's Mapping), in the template's tabs; Settings is left alone.

    >>> [d.describe() for d in plan_dropdowns({"Initiatives": [["id", "Status"]]})]
    ['drop-down Initiatives!B2:B for reported_status (Green, Amber, Red)']
    """
    by_name = {schema.normalize(name): name for name in tabs}
    out: list[DropDown] = []
    for tab in TEMPLATE_TABS:
        sheet_name = by_name.get(schema.normalize(tab))
        if sheet_name is None or tab == schema.SETTINGS:
            continue
        if tab == schema.MAPPING:
            index = {schema.normalize(h): h for h in mapping.HEADERS}  # as the Mapping reader
            words = {"kind": tuple(mapping.KINDS)}
        else:
            table = schema.TABLES[tab]
            index = schema.header_index(table)
            words = {c.name: w for c in table.columns if (w := choices(c))}
        for header, target in (sheet_mapping.columns if sheet_mapping else {}).get(tab, {}).items():
            index[schema.normalize(header)] = target
        rows = tabs[sheet_name]
        row = header_row(rows, index)
        seen: set[str] = set()
        for j, cell in enumerate(rows[row] if rows else []):
            name = index.get(schema.normalize(cell)) if _filled(cell) else None
            if name in words and name not in seen:
                seen.add(name)
                out.append(DropDown(sheet_name, name, j, row, words[name]))
    return out


class _Writable(Protocol):
    def fetch(self): ...  # -> RawWorkbook

    def add_tabs(self, names: Sequence[str]) -> None: ...

    def update_cells(self, range_name: str, rows: list[list[Cell]]) -> int: ...

    def sheet_ids(self) -> dict[str, int]: ...

    def batch_update(self, requests: list[dict[str, Any]]) -> dict[str, Any]: ...


def init_sheet(source: _Writable, *, dry_run: bool = False) -> InitPlan:
    """Add the template's missing tabs and headers to a Google Sheet; return what was done.

    Reads the sheet once, adds the missing tabs in one batchUpdate, then writes each header
    row with a values update into cells that are empty, then sets every drop-down in one
    more batchUpdate (addressed by sheetId, read once). `dry_run` only plans.

    >>> init_sheet(GoogleSheetSource(settings)).describe()      # doctest: +SKIP
    ['tab Mapping with headers kind, field, from, to']
    """
    plan = plan_init(source.fetch().tabs)
    if dry_run:
        return plan
    if plan.new_tabs:
        source.add_tabs(list(plan.new_tabs))
        for tab, headers in plan.new_tabs.items():
            source.update_cells(HeaderWrite(tab, 0, 0, tuple(headers)).a1, [headers])
    for write in plan.headers:
        source.update_cells(write.a1, [list(write.headers)])
    if plan.dropdowns:
        ids = source.sheet_ids()
        source.batch_update([d.request(ids[d.tab]) for d in plan.dropdowns if d.tab in ids])
    return plan
