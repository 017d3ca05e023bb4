"""Cells to typed frames: `parse_workbook` turns a `RawWorkbook` into a `Portfolio`.

A `RawWorkbook` holds cells as people typed them (strings from CSV and formatted Sheets
values, numbers and serial dates from unformatted Sheets values). `parse_workbook` matches
its tabs, reads each one (portfolio.tab, with the cell readers of portfolio.readers), checks
what spans rows (unique keys, known initiative ids, StatusHistory weeks), reads the
settings, and returns one typed frame per tab with a `Problem` for every cell it could not
read. Rows in = rows kept + blank rows; nothing vanishes silently (DESIGN.md section 1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from portfolio import schema, usage_sources
from portfolio.cells import render, shown
from portfolio.headers import header_text
from portfolio.mapping import ColumnMapping, merge, read_mapping_rows
from portfolio.model import ERROR, Cell, Portfolio, Problem, RawWorkbook
from portfolio.readers import (
    parse_dates,
    parse_money,
    parse_numbers,
    parse_text,
    unreadable_message,
)
from portfolio.reasons import format_date
from portfolio.tab import MAX_CELL_PROBLEMS, ROW_COLUMN, Tab, empty_frame, parse_tab

# Extra tab spellings beyond case, spaces and punctuation ("Check Ins" -> CheckIns).
TAB_ALIASES = {
    "initiative": schema.INITIATIVES,
    "checkin": schema.CHECKINS,
    "dailytool": schema.DAILY_TOOLS,
    "setting": schema.SETTINGS,
    "history": schema.STATUS_HISTORY,
}


def _check_known_ids(tab: Tab, ids: pd.Series, problems: list[Problem]) -> None:
    """A warning per initiative id that Initiatives does not have (rows stay)."""
    values = tab.frame["initiative_id"]
    # Half a million usage rows name a few thousand ids: look each distinct one up once.
    codes, distinct = pd.factorize(values)
    known = pd.Index(ids.unique()).get_indexer(distinct) >= 0
    orphan = pd.Series(~np.append(known, True)[codes], index=values.index)
    if not orphan.any():
        return
    unknown = values[orphan]
    counts = unknown.value_counts(sort=False)
    firsts = unknown.drop_duplicates()
    where = tab.refs("initiative_id")
    for i, value in firsts.iloc[:MAX_CELL_PROBLEMS].items():
        rows = int(counts[value])
        plural = "row" if rows == 1 else "rows"
        problems.append(
            Problem(
                tab.table.name,
                where.cell(i),
                "initiative_id",
                value,
                f'"{shown(value)}" is not an id in Initiatives ({rows} {tab.sheet_name} {plural})',
                fix="Use the id of an initiative from the Initiatives tab, or add that initiative",
            )
        )
    where.summarize(firsts.index.to_numpy(), "hold other ids that are not in Initiatives", problems)


def _check_history(tab: Tab, problems: list[Problem]) -> None:
    """StatusHistory: a week that is not a Monday reads as its Monday; a second row for the
    same initiative and week is a repeat, and the first one counts (rows stay)."""
    frame = tab.frame
    if "week" not in tab.positions:
        return
    week = frame["week"]
    off = np.flatnonzero((week.notna() & (week.dt.dayofweek != 0)).to_numpy())
    where = tab.refs("week")
    for i in off[:MAX_CELL_PROBLEMS]:
        day = week.iat[i]
        monday = day - pd.Timedelta(days=day.dayofweek)
        problems.append(
            where.problem(
                i,
                day.date().isoformat(),
                f"{day:%a} {format_date(day)} is not a Monday; it is read as the week of "
                f"{format_date(monday)}",
                f"Type the week's Monday, {monday.date().isoformat()}",
            )
        )
    where.summarize(off, "are not Mondays", problems)
    if "initiative_id" not in tab.positions:
        return
    mondays = week - pd.to_timedelta(week.dt.dayofweek, unit="D")
    pair = pd.DataFrame({"week": mondays, "id": frame["initiative_id"]})
    known = pair.notna().all(axis=1).to_numpy()
    repeats = np.flatnonzero(pair.duplicated(keep="first").to_numpy() & known)
    if not len(repeats):
        return
    first: dict[tuple, int] = {}
    for i, key in enumerate(zip(pair["week"], pair["id"], strict=True)):
        if known[i]:
            first.setdefault(key, i)
    ids = tab.refs("initiative_id")
    for i in repeats[:MAX_CELL_PROBLEMS]:
        key = (pair["week"].iat[i], pair["id"].iat[i])
        earlier = ids.cell(first[key])
        problems.append(
            ids.problem(
                i,
                key[1],
                f'"{shown(key[1])}" is recorded twice for the week of {format_date(key[0])} '
                f"(first in {earlier}); the first row counts",
                f"Delete one of the two rows ({earlier} and {ids.cell(i)})",
            )
        )
    ids.summarize(repeats, "repeat a week already recorded", problems)


# --- settings --------------------------------------------------------------------------


def _setting_value(setting: schema.Setting, cell: Cell) -> tuple[object, bool]:
    """(typed value, unreadable) of one Settings value cell."""
    series = pd.Series([cell], dtype=object)
    if setting.kind in (schema.DATE, schema.TIMESTAMP):
        values, bad = parse_dates(series, normalize=setting.kind == schema.DATE)
        value = values.iat[0]
    elif setting.kind in (schema.INTEGER, schema.NUMBER):
        values, bad = parse_numbers(series, integer=setting.kind == schema.INTEGER)
        value = values.iat[0]
        if not pd.isna(value):
            value = int(value) if setting.kind == schema.INTEGER else float(value)
    elif setting.kind == schema.MONEY:
        values, bad = parse_money(series)
        value = float(values.iat[0])
    else:
        values, bad = parse_text(series)
        value = values.iat[0]
    return (None if pd.isna(value) else value), bool(bad.iat[0])


def _parse_settings(
    sheet_name: str, rows: Sequence[Sequence[Cell]], problems: list[Problem]
) -> tuple[dict[str, object], Tab]:
    """Settings rows -> settings dict, starting from the defaults."""
    table = schema.TABLES[schema.SETTINGS]
    index = schema.header_index(table)
    # People often type key/value pairs with no header row; then row 1 is a setting.
    headerless = bool(rows) and not any(
        index.get(schema.normalize(header_text(c))) for c in rows[0][:2]
    )
    # A key with a blank value keeps its default ("as_of" blank = today), which is no problem.
    tab = parse_tab(
        table, sheet_name, rows, problems, headerless=headerless, blank_ok=frozenset({"value"})
    )
    settings = dict(schema.SETTINGS_DEFAULTS)
    specs = {schema.normalize(s.key): s for s in schema.SETTINGS_SPEC}
    if "key" not in tab.positions:
        return settings, tab
    seen: dict[str, str] = {}
    raw_values = _raw_column(rows, tab, "value")
    for i, key in enumerate(tab.frame["key"]):
        if pd.isna(key):
            continue
        spec = specs.get(schema.normalize(key))
        name = spec.key if spec else key
        key_cell = tab.cell(i, "key")
        if name in seen:
            problems.append(
                Problem(
                    schema.SETTINGS,
                    key_cell,
                    "key",
                    key,
                    f'"{shown(key)}" is set twice; the first, in {seen[name]}, is used',
                    fix=f"Delete one of {seen[name]} and {key_cell}",
                )
            )
            continue
        seen[name] = key_cell
        raw = raw_values[i]
        if spec is None:
            settings[name] = tab.frame["value"].iat[i] if "value" in tab.positions else None
            if pd.isna(settings[name]):
                settings[name] = None
            continue
        value, unreadable = _setting_value(spec, raw)
        if unreadable:
            message, fix = unreadable_message(schema.Column(spec.key, spec.kind), render(raw))
            problems.append(
                Problem(
                    schema.SETTINGS,
                    tab.cell(i, "value"),
                    spec.key,
                    raw,
                    f"{spec.key}: {message}; the default ({spec.default}) is used",
                    fix=fix,
                )
            )
        elif value is not None:
            settings[spec.key] = value
    return settings, tab


def _raw_column(rows: Sequence[Sequence[Cell]], tab: Tab, column: str) -> list[Cell]:
    """The cells as typed of one column for each kept row (a serial date stays a number)."""
    j = tab.positions.get(column)
    out: list[Cell] = []
    for sheet_row in tab.frame[ROW_COLUMN]:
        row = rows[int(sheet_row) - 1]
        out.append(row[j] if j is not None and j < len(row) else None)
    return out


# --- the workbook ----------------------------------------------------------------------


def _match_tabs(
    tabs: dict[str, list[list[Cell]]], problems: list[Problem]
) -> dict[str, tuple[str, list[list[Cell]]]]:
    """canonical tab -> (sheet tab name, rows); exact names win over looser spellings."""
    wanted = {schema.normalize(name): name for name in (*schema.TABLES, schema.MAPPING)}
    wanted.update(TAB_ALIASES)
    candidates: dict[str, list[str]] = {}
    for sheet_name in tabs:
        canonical = wanted.get(schema.normalize(sheet_name))
        if canonical:
            candidates.setdefault(canonical, []).append(sheet_name)
    matched: dict[str, tuple[str, list[list[Cell]]]] = {}
    for canonical, names in candidates.items():
        names = sorted(names, key=lambda s: s.strip() != canonical)
        chosen = names[0]
        matched[canonical] = (chosen, tabs[chosen])
        for other in names[1:]:
            problems.append(
                Problem(
                    canonical,
                    other,
                    None,
                    None,
                    f'Tab "{other}" was not read: {canonical} is read from tab "{chosen}"',
                    fix=f'Rename or delete one of the tabs "{chosen}" and "{other}"',
                )
            )
    return matched


_FRAME_FIELDS = {
    schema.INITIATIVES: "initiatives",
    schema.USAGE: "usage",
    schema.CHECKINS: "checkins",
    schema.DAILY_TOOLS: "daily_tools",
    schema.STATUS_HISTORY: "history",
}


def parse_workbook(raw: RawWorkbook, *, mapping: ColumnMapping | None = None) -> Portfolio:
    """Turn raw cells into a typed Portfolio and the problems a person should fix.

    Tabs and headers match case-, space- and underscore-insensitively, with aliases;
    `mapping` (from a Mapping tab) is applied first. Blank rows are skipped and counted;
    every other row is kept, with unreadable cells missing and listed as problems.

    >>> import datetime as dt
    >>> raw = RawWorkbook({"Initiatives": [
    ...     ["ID", "Name", "Team", "Origin", "Stage", "Start Date", "Status"],
    ...     ["AI-1", "Triage bot", "Support", "Grassroots", "Pilot", "3/4/2026", "Greeen"],
    ... ]}, origin="example", kind="file", fetched_at=dt.datetime.now(dt.UTC))
    >>> portfolio = parse_workbook(raw)
    >>> portfolio.initiatives.loc[0, "started"], portfolio.problems[0].cell
    (Timestamp('2026-03-04 00:00:00'), 'Initiatives!G2')
    """
    problems: list[Problem] = list(raw.problems)  # what the source could not read
    matched = _match_tabs(raw.tabs, problems)
    if schema.MAPPING in matched:
        # The caller's mapping (secrets, or a preview) wins over the sheet's own Mapping tab.
        sheet_name, rows = matched[schema.MAPPING]
        mapping = merge(read_mapping_rows(rows, sheet_name=sheet_name), mapping)
    if mapping is not None:
        problems.extend(mapping.problems)
    parsed: dict[str, Tab] = {}
    for name, table in schema.TABLES.items():
        if name == schema.SETTINGS or name not in matched:
            continue
        sheet_name, rows = matched[name]
        parsed[name] = parse_tab(table, sheet_name, rows, problems, mapping=mapping)
    if schema.INITIATIVES not in matched:
        problems.insert(
            0,
            Problem(
                schema.INITIATIVES,
                schema.INITIATIVES,
                None,
                None,
                "The workbook has no Initiatives tab",
                severity=ERROR,
                fix="Add a tab named Initiatives with one row per initiative "
                "(id, name, team, origin, stage, started)",
            ),
        )

    initiatives = parsed.get(schema.INITIATIVES)
    if initiatives is not None and "id" in initiatives.positions:
        ids = initiatives.frame["id"].dropna()
        for name in (schema.USAGE, schema.CHECKINS):
            tab = parsed.get(name)
            if tab is not None and "initiative_id" in tab.positions:
                _check_known_ids(tab, ids, problems)

    history = parsed.get(schema.STATUS_HISTORY)
    if history is not None:
        _check_history(history, problems)

    settings = dict(schema.SETTINGS_DEFAULTS)
    if schema.SETTINGS in matched:
        sheet_name, rows = matched[schema.SETTINGS]
        settings, parsed[schema.SETTINGS] = _parse_settings(sheet_name, rows, problems)

    frames = {
        field_name: parsed[name].frame if name in parsed else empty_frame(schema.TABLES[name])
        for name, field_name in _FRAME_FIELDS.items()
    }
    frames["usage"] = usage_sources.resolve(frames["usage"])
    return Portfolio(
        **frames,
        settings=settings,
        problems=problems,
        tabs_present=frozenset(matched),
        columns_present={
            name: frozenset(tab.positions) | tab.defaulted for name, tab in parsed.items()
        },
        unknown_columns={name: tab.unknown for name, tab in parsed.items()},
        rows_read={name: tab.rows_read for name, tab in parsed.items()},
        blank_rows={name: tab.blank_rows for name, tab in parsed.items()},
        origin=raw.origin,
        kind=raw.kind,
        fetched_at=raw.fetched_at,
    )
