"""Writing StatusHistory: one row per initiative per week, appended once (DESIGN.md section 1).

`record_history(spec, assessed, as_of=…)` records the week of `as_of` (its Monday): each
initiative's reported status, stage, verdict, evidence and recent users, stamped with
`recorded_at`, and `derived` = no. With `backfill=True` it first derives the past weeks
from CheckIns (`portfolio.history.backfill_facts`), marked `derived` = yes. A week and
initiative already recorded is never written again, so a second run in the same week
writes nothing.

- **Google Sheets**: the StatusHistory tab is read, then read again right before one
  `values:append` (RAW, so text stays text) of the rows it lacks; after the append it is read
  once more, and a row of ours that repeats an earlier row for the same week and initiative
  (another run appended between our read and our write) is cleared again, so the earliest
  row of each pair is the only one left. Runs on the same machine also take a file lock,
  so they do not even race. A missing tab is created (addSheet, then its header row) when
  the service account may edit; otherwise the error says how to grant it.
- **Sample or local file**: the rows go to `data/history/<source>.jsonl` beside the local
  check-ins, under a file lock; `merge_local_history` (called by the loader) adds them to
  the workbook's StatusHistory tab, so the app reads them like a sheet's.

>>> result = record_history(spec, assess(portfolio), as_of=pd.Timestamp("2026-03-11"))
... # doctest: +SKIP
>>> result.week, result.appended, result.already  # doctest: +SKIP
(Timestamp('2026-03-09 00:00:00'), 12, 0)
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from data_sources import checkins, store
from data_sources.config import GSHEETS, GSheetsSettings, SourceSpec
from data_sources.errors import NotConfigured, SheetNotShared, SourceError
from data_sources.verdicts_tab import VerdictsWrite, write_verdicts_tab
from portfolio import history, schema
from portfolio.model import Cell, Portfolio, RawWorkbook

HISTORY_DIR = "history"
COLUMNS = history.COLUMNS
TAB = schema.STATUS_HISTORY
YES, NO = "yes", "no"
DATE_FORMAT = "%Y-%m-%d"
RECENT_DECIMALS = 2
_RANGE_ROWS = re.compile(r"!\$?[A-Z]+\$?(\d+)(?::\$?[A-Z]+\$?(\d+))?$")


@dataclass(frozen=True)
class RecordResult:
    """What one `record_history` did: the `week` (Monday) recorded, rows `appended` for it,
    initiatives `already` recorded that week, past rows `derived` from CheckIns (backfill),
    `where` they went in words, and whether the tab was `created`."""

    week: pd.Timestamp
    appended: int
    already: int
    derived: int = 0
    where: str = ""
    created: bool = False
    # The Verdicts tab rewritten beside it (Google Sheets only), or why it could not be.
    verdicts: VerdictsWrite | None = None
    verdicts_error: SourceError | None = None

    @property
    def already_recorded(self) -> bool:
        """Nothing new for the week: every initiative was recorded before."""
        return self.appended == 0 and self.already > 0

    def describe(self) -> str:
        """One line for the terminal."""
        week = f"the week of {self.week:%Y-%m-%d}"
        if self.already_recorded:
            text = f"{week} was already recorded ({self.already} initiatives)"
            text += "" if self.derived else "; nothing written"
        else:
            text = f"recorded {self.appended} initiatives for {week} in {self.where}"
            if self.already:
                text += f" ({self.already} were already there)"
        if self.derived:
            text += f"; {self.derived} earlier weeks' rows derived from CheckIns"
        return text[:1].upper() + text[1:] + "."


# --- rows ------------------------------------------------------------------------------


def _cell(value: object) -> Cell:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, pd.Timestamp | dt.datetime):
        return pd.Timestamp(value).strftime(DATE_FORMAT)
    if isinstance(value, float):
        rounded = round(value, RECENT_DECIMALS)
        return int(rounded) if rounded.is_integer() else rounded
    return str(value)


def record_cells(facts: pd.DataFrame, *, recorded_at: str, derived: bool) -> list[dict[str, Cell]]:
    """Fact rows (`portfolio.history.week_facts`) -> cells per column, as written: dates as
    ISO text, recent users rounded to 2 decimals, derived yes/no."""
    out: list[dict[str, Cell]] = []
    for row in facts.to_dict("records"):
        record = {column: _cell(row.get(column)) for column in COLUMNS}
        record["recorded_at"] = recorded_at
        record["derived"] = YES if derived else NO
        out.append(record)
    return out


def _key(record: dict[str, Any]) -> tuple[pd.Timestamp, str] | None:
    try:
        week = history.monday(record.get("week"))
    except (TypeError, ValueError):
        return None
    ident = str(record.get("initiative_id") or "").strip()
    return (week, ident) if ident and not pd.isna(week) else None


def _keys_in_rows(rows: list[list[Cell]]) -> dict[tuple[pd.Timestamp, str], int]:
    """(week, initiative_id) -> first sheet row, read from a StatusHistory tab's cells as
    the parser reads them (aliases, dates typed any way)."""
    from portfolio.parse import parse_workbook

    raw = RawWorkbook({TAB: rows}, origin=TAB, kind="gsheets", fetched_at=dt.datetime.now(dt.UTC))
    frame = parse_workbook(raw).history
    if frame.empty or "week" not in frame:
        return {}
    weeks = history.mondays(frame["week"])
    found: dict[tuple[pd.Timestamp, str], int] = {}
    for week, ident, row in zip(weeks, frame["initiative_id"], frame["_row"], strict=True):
        if pd.isna(week) or ident is pd.NA or ident is None:
            continue
        found.setdefault((pd.Timestamp(week), str(ident)), int(row))
    return found


def _fresh(records: list[dict[str, Cell]], present: set) -> list[dict[str, Cell]]:
    seen = set(present)
    out = []
    for record in records:
        key = _key(record)
        if key is None or key in seen:
            continue
        seen.add(key)
        out.append(record)
    return out


# --- local files -----------------------------------------------------------------------


class LocalHistory:
    """StatusHistory rows recorded for a sample or local-file source, beside the check-ins."""

    def __init__(self, directory: Path, key: str) -> None:
        self.file = store.JsonLines(directory / HISTORY_DIR / f"{key}{store.JSONL}")

    @property
    def path(self) -> Path:
        return self.file.path

    def all(self) -> list[dict[str, Cell]]:
        records, _ = self.file.read()
        return [{c: r.get(c, "") for c in COLUMNS} for r in records if _key(r) is not None]

    def add(self, records: list[dict[str, Cell]], *, present: set) -> list[dict[str, Cell]]:
        """Append the records whose (week, initiative) is neither in the file nor in
        `present`, under the lock; returns those appended."""
        with self.file.locked():
            kept, broken = self.file.read()
            fresh = _fresh(records, present | {k for k in map(_key, kept) if k})
            if fresh:
                self.file.rewrite([*kept, *fresh], broken)
        return fresh


def merge_local_history(raw: RawWorkbook, *, key: str, data_dir: Path | None = None) -> RawWorkbook:
    """The workbook with the history recorded locally for source `key` added to its
    StatusHistory tab (created when absent), under the tab's own headers."""
    try:
        local = LocalHistory(data_dir or store.data_root(), key).all()
    except SourceError:
        return raw  # an unreadable local file must not blank a workbook that was read fine
    if not local:
        return raw
    name = next((t for t in raw.tabs if schema.normalize(t) == schema.normalize(TAB)), TAB)
    rows = [list(row) for row in raw.tabs.get(name, [])]
    header = list(rows[0]) if rows else list(COLUMNS)
    index = schema.header_index(history.TABLE)
    columns = [index.get(schema.normalize(c)) if isinstance(c, str) else None for c in header]
    for column in COLUMNS:
        if column not in columns:
            header.append(column)
            columns.append(column)
    added = [[record.get(c, "") if c else "" for c in columns] for record in local]
    return dataclasses.replace(raw, tabs={**raw.tabs, name: [header, *rows[1:], *added]})


# --- the sheet -------------------------------------------------------------------------


@contextlib.contextmanager
def _machine_lock(directory: Path, key: str) -> Iterator[None]:
    """Runs on this machine for the same sheet take turns (the sheet itself has no lock)."""
    with store.exclusive_lock(directory / HISTORY_DIR / f"{key}{store.LOCK_SUFFIX}"):
        yield


def sheet_writer(settings: GSheetsSettings):  # -> GoogleSheetSource
    """A sheet client whose writes are sent once (a lost answer is checked by reading)."""
    from data_sources.google_sheet import GoogleSheetSource

    return GoogleSheetSource(settings, policy=checkins.WRITE_POLICY)


def _tab_in(titles: tuple[str, ...]) -> str | None:
    if TAB in titles:
        return TAB
    return next((t for t in titles if schema.normalize(t) == schema.normalize(TAB)), None)


def _quoted(tab: str) -> str:
    return "'" + tab.replace("'", "''") + "'"


def _for_writing(error: SourceError, settings: GSheetsSettings, needed_for: str) -> SourceError:
    from data_sources.errors import CannotEdit

    if isinstance(error, SheetNotShared) and not isinstance(error, CannotEdit):
        return CannotEdit.for_account(
            settings.client_email, needed_for=needed_for, detail=error.detail
        )
    return error


def _rows_of(range_name: str) -> tuple[int, int]:
    found = _RANGE_ROWS.search(range_name)
    if not found:
        return 0, -1
    first = int(found.group(1))
    return first, int(found.group(2) or first)


def _ensure_tab(source: Any) -> tuple[str, bool]:
    """The StatusHistory tab's name, created with its header row when absent."""
    tab = _tab_in(source.tab_titles())
    if tab is not None:
        return tab, False
    source.add_tabs([TAB])
    source.update_cells(f"{_quoted(TAB)}!A1", [list(COLUMNS)])
    return TAB, True


def _header(source: Any, tab: str, rows: list[list[Cell]]) -> list[str | None]:
    """Canonical column per header cell; columns the header lacks are added to its right."""
    header = list(rows[0]) if rows else []
    index = schema.header_index(history.TABLE)
    columns: list[str | None] = []
    for cell in header:
        name = index.get(schema.normalize(cell)) if isinstance(cell, str) else None
        columns.append(name if name not in columns else None)
    lacking = [c for c in COLUMNS if c not in columns]
    if lacking:
        start = schema.a1_column(len(header))
        source.update_cells(f"{_quoted(tab)}!{start}1", [lacking])
        columns += lacking
    return columns


def _record_to_sheet(source: Any, records: list[dict[str, Cell]]) -> tuple[list[dict], bool]:
    """(the records appended and kept, whether the tab was created)."""
    tab, created = _ensure_tab(source)
    rows = source.read_tab(tab)
    columns = _header(source, tab, rows)
    fresh = _fresh(records, set(_keys_in_rows(rows)))
    if fresh:
        # Right before writing: another run may have appended since the first read.
        fresh = _fresh(fresh, set(_keys_in_rows(source.read_tab(tab))))
    if not fresh:
        return [], created
    cells = [[r.get(c, "") if c else "" for c in columns] for r in fresh]
    first, last = _rows_of(source.append_rows_at(tab, cells))
    if last - first + 1 != len(fresh):
        return fresh, created  # an answer without a usable range: nothing to check against
    # After writing: where another run's row for the same pair landed first, ours goes.
    firsts = _keys_in_rows(source.read_tab(tab))
    repeats = [
        first + i
        for i, key in enumerate(map(_key, fresh))
        if key is not None and firsts.get(key, first + i) < first + i
    ]
    width = schema.a1_column(len(columns) - 1)
    for start, end in _blocks(repeats):
        source.clear_range(f"{_quoted(tab)}!A{start}:{width}{end}")
    kept = [r for i, r in enumerate(fresh) if first + i not in set(repeats)]
    return kept, created


def _blocks(rows: list[int]) -> Iterator[tuple[int, int]]:
    """Contiguous runs of sheet rows: [5, 6, 9] -> (5, 6), (9, 9)."""
    start = prev = None
    for row in sorted(rows):
        if start is None:
            start = prev = row
        elif row == prev + 1:
            prev = row
        else:
            yield start, prev
            start = prev = row
    if start is not None:
        yield start, prev


# --- recording -------------------------------------------------------------------------


def record_history(
    spec: SourceSpec,
    assessed: pd.DataFrame,
    *,
    as_of: object,
    backfill: bool = False,
    portfolio: Portfolio | None = None,
    data_dir: Path | None = None,
    now: dt.datetime | None = None,
    source: Any = None,
) -> RecordResult:
    """Append the week of `as_of` to StatusHistory once per initiative (see the module doc).

    `assessed` is `evidence.assess(portfolio, as_of=as_of)`; `portfolio` is needed for
    `backfill` (its CheckIns) and, for a file source, says what its own tab holds already.
    `source` replaces the Google Sheets client (a test's instrumented one). For a Google
    Sheet it then rewrites the Verdicts tab (`data_sources.verdicts_tab`); a failure there
    is returned in `verdicts_error`, as the week is recorded by then.
    Raises a SourceError (CannotEdit with the fix when the account may only read).
    """
    week = history.monday(as_of)
    stamp = store.timestamp_text(now or dt.datetime.now(dt.UTC))
    records = record_cells(
        history.week_facts(assessed, week=week), recorded_at=stamp, derived=False
    )
    derived: list[dict[str, Cell]] = []
    if backfill:
        if portfolio is None:
            raise NotConfigured(title="--backfill needs the workbook's CheckIns")
        facts = history.backfill_facts(portfolio, as_of=as_of)
        derived = record_cells(facts, recorded_at=stamp, derived=True)
    directory = data_dir or store.data_root()
    key = store.target_key(spec)
    if spec.kind != GSHEETS:
        local = LocalHistory(directory, key)
        own = history.readable(portfolio.history if portfolio is not None else None)
        present = set(
            zip(own["week"].map(pd.Timestamp), own["initiative_id"].astype(str), strict=True)
        )
        added = local.add([*derived, *records], present=present)
        return _result(week, records, added, where=f"the local history file {local.path}")
    settings = spec.gsheets
    if settings is None:
        raise NotConfigured(title="The Google Sheets source has no [connections.gsheets]")
    writer = source if source is not None else sheet_writer(settings)
    needed_for = f"history record can add the {TAB} tab and append to it"
    try:
        with _machine_lock(directory, key):
            added, created = _record_to_sheet(writer, [*derived, *records])
    except SourceError as error:
        raise _for_writing(error, settings, needed_for) from None
    result = _result(
        week, records, added, where=f"the {TAB} tab of the Google Sheet", created=created
    )
    # The week is recorded whatever happens next: a failed Verdicts write is reported with it.
    try:
        verdicts = write_verdicts_tab(writer, assessed, as_of=as_of)
    except SourceError as error:
        needed = f"history record can rewrite its {schema.VERDICTS_TAB} tab"
        return dataclasses.replace(result, verdicts_error=_for_writing(error, settings, needed))
    return dataclasses.replace(result, verdicts=verdicts)


def _result(
    week: pd.Timestamp,
    records: list[dict[str, Cell]],
    added: list[dict[str, Cell]],
    *,
    where: str,
    created: bool = False,
) -> RecordResult:
    new_this_week = sum(1 for r in added if r["derived"] == NO)
    return RecordResult(
        week=week,
        appended=new_this_week,
        already=len(records) - new_this_week,
        derived=len(added) - new_this_week,
        where=where,
        created=created,
    )
