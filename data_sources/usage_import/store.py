"""Where imported weekly counts go: the sheet's Usage tab, or a local file beside the check-ins.

Only (initiative_id, week, active_users, source) is written; no user identity exists here.

- **Google Sheets**: one `values:append` (RAW) of all the run's rows under the Usage tab,
  through the same writer as check-ins (`GoogleSheetSource.append_rows`, sent once). A
  missing `source` header is written into the first empty cell of the header row; a missing
  Usage tab is added with the template's headers. No existing row is ever edited.
- **Sample or local file**: JSON lines in `<data>/usage/<source key>.jsonl`, changed under a
  lock like the local check-ins, and added to the workbook's Usage tab at load
  (`merge_local_usage`, called by the loader), after the tab's own rows, so the latest
  import of a (initiative, week, source) is the last row and wins.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from data_sources import store, template
from data_sources.checkins import sheet
from data_sources.config import GSheetsSettings
from data_sources.errors import NotConfigured, SourceError
from data_sources.usage_import.core import WeekRow
from portfolio import schema
from portfolio.headers import header_columns, header_row
from portfolio.model import Cell, RawWorkbook

_LOG = logging.getLogger(__name__)
LOCAL_USAGE = "usage"
JSONL = ".jsonl"
TABLE = schema.TABLES[schema.USAGE]
WRITTEN_COLUMNS = ("initiative_id", "week", "active_users", "source")
REQUIRED = tuple(c for c in WRITTEN_COLUMNS if c in TABLE.required_columns)


def local_path(data_dir: Path, key: str) -> Path:
    return data_dir / LOCAL_USAGE / f"{key}{JSONL}"


def write_local(
    counted: Sequence[tuple[str, dt.date, int]], source: str, *, data_dir: Path, key: str
) -> Path:
    """Append (initiative_id, Monday, users) rows with their source to the source's local
    usage file; returns its path."""
    lines = store.JsonLines(local_path(data_dir, key))
    stamp = store.timestamp_text(dt.datetime.now(dt.UTC))
    # Encoded by hand, each distinct text once: json.dumps per row is most of a large run.
    text: dict[str, str] = {}

    def quoted(value: str) -> str:
        found = text.get(value)
        if found is None:
            found = text[value] = json.dumps(value, ensure_ascii=False)
        return found

    weeks: dict[dt.date, str] = {}

    def monday(week: dt.date) -> str:
        found = weeks.get(week)
        if found is None:
            found = weeks[week] = week.isoformat()
        return found

    tail = f',"source":{quoted(source)},"imported_at":"{stamp}"}}'
    encoded = [
        f'{{"initiative_id":{quoted(i)},"week":"{monday(w)}","active_users":{int(n)}{tail}'
        for i, w, n in counted
    ]
    with lines.locked():
        lines.append_encoded(encoded)
    return lines.path


def _row(record: dict[str, Any]) -> dict[str, Cell] | None:
    users = record.get("active_users")
    if isinstance(users, bool) or not isinstance(users, int):
        return None
    if not all(isinstance(record.get(c), str) and record.get(c) for c in ("initiative_id", "week")):
        return None
    return {
        c: record.get(c) if c != "source" else str(record.get(c) or "") for c in WRITTEN_COLUMNS
    }


def _tab_in(titles: Sequence[str]) -> str | None:
    if schema.USAGE in titles:
        return schema.USAGE
    return next((t for t in titles if schema.normalize(t) == schema.normalize(schema.USAGE)), None)


def _columns_of(header: Sequence[Cell]) -> list[str | None]:
    return header_columns(header, TABLE)


def _width(rows: Sequence[Sequence[Cell]]) -> int:
    return max(
        (max((j + 1 for j, c in enumerate(r) if c not in (None, "")), default=0) for r in rows),
        default=0,
    )


def merge_local_usage(raw: RawWorkbook, *, key: str, data_dir: Path | None = None) -> RawWorkbook:
    """The workbook with the usage imported on this server for source `key` added under its
    Usage tab (created when absent; a `source` column added when the tab has none)."""
    lines = store.JsonLines(local_path(data_dir or store.data_root(), key))
    try:
        records, _ = lines.read()
    except SourceError as error:
        _LOG.warning("Imported usage not shown: %s", error)
        return raw
    rows = [r for r in map(_row, records) if r is not None]
    if not rows:
        return raw
    tab = _tab_in(list(raw.tabs)) or schema.USAGE
    cells = [list(r) for r in raw.tabs.get(tab, [])]
    at = header_row(cells, schema.header_index(TABLE)) if cells else 0
    header = list(cells[at]) if cells else []
    columns = _columns_of(header)
    if cells:
        pad = _width(cells) - len(header)
        header += [""] * pad
        columns += [None] * pad
    for name in WRITTEN_COLUMNS:
        if name not in columns:
            header.append(name)
            columns.append(name)
    added = [[row.get(c, "") if c else "" for c in columns] for row in rows]
    tabs = dict(raw.tabs)
    tabs[tab] = [*cells[:at], header, *cells[at + 1 :], *added]
    return dataclasses.replace(raw, tabs=tabs)


def write_sheet(rows: Sequence[WeekRow], settings: GSheetsSettings) -> str:
    """Append the rows to the sheet's Usage tab in one request; returns the tab's name."""
    try:
        return _append(sheet.writer(settings), rows)
    except SourceError as error:
        raise sheet.for_writing(error, settings) from None


def _append(source: Any, rows: Sequence[WeekRow]) -> str:
    tab = _tab_in(source.tab_titles())
    if tab is None:
        tab = schema.USAGE
        header = template.template_headers()[tab]
        source.add_tabs([tab])
        source.update_cells(template.HeaderWrite(tab, 0, 0, tuple(header)).a1, [header])
        cells: list[list[Cell]] = [list(header)]
    else:
        cells = source.read_tab(tab)
    at = header_row(cells, schema.header_index(TABLE)) if cells else 0
    columns = _columns_of(cells[at]) if cells else []
    if not cells:
        columns = list(WRITTEN_COLUMNS)
        source.update_cells(template.HeaderWrite(tab, 0, 0, WRITTEN_COLUMNS).a1, [columns])
    lacking = [c for c in REQUIRED if c not in columns]
    if lacking:
        raise NotConfigured(
            title=f"The {tab} tab has no column {', '.join(lacking)}",
            what_to_do=f"Add {', '.join(lacking)} to its header row (python cli.py init-sheet "
            "writes it) and import again; nothing was written.",
        )
    if "source" not in columns:
        width = max(_width(cells), len(columns))
        source.update_cells(template.HeaderWrite(tab, at, width, ("source",)).a1, [["source"]])
        columns = [*columns, *([None] * (width - len(columns))), "source"]
    values = [row.to_dict() for row in rows]
    source.append_rows(tab, [[v.get(c, "") if c else "" for c in columns] for v in values])
    return tab
