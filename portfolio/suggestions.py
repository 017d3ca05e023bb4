"""Suggesting a mapping: the headers and words a sheet does not match yet, and what to map
them to (synonyms other sheets use first, then difflib similarity), for a person to confirm.

>>> suggest_for(raw)[0]                                     # doctest: +SKIP
MappingRow(kind='column', field='team', source='agency', target='', why='often used for this')
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from portfolio import schema
from portfolio.headers import HEADER_CUTOFF, SYNONYM_SCORE, SYNONYM_WHY, header_score
from portfolio.mapping import (
    COLUMN,
    DEFAULT,
    VALUE,
    ColumnMapping,
    MappingRow,
    field_name,
    from_rows,
    merge,
)
from portfolio.model import Portfolio, Problem, RawWorkbook
from portfolio.parse import parse_workbook

# difflib ratio from which a word is offered as a likely match.
WORD_CUTOFF = 0.6

# Words of real inventories for the template's vocabularies, offered as suggestions.
VALUE_SYNONYMS: dict[str, dict[str, str]] = {
    "stage": {
        "predeployment": schema.Stage.IDEA,
        "planned": schema.Stage.IDEA,
        "planning": schema.Stage.IDEA,
        "initiated": schema.Stage.IDEA,
        "concept": schema.Stage.IDEA,
        "development": schema.Stage.PILOT,
        "indevelopment": schema.Stage.PILOT,
        "acquisitionanddevelopment": schema.Stage.PILOT,
        "testing": schema.Stage.PILOT,
        "implementation": schema.Stage.ROLLOUT,
        "implementationandassessment": schema.Stage.ROLLOUT,
        "deploying": schema.Stage.ROLLOUT,
        "deployed": schema.Stage.ADOPTED,
        "operational": schema.Stage.ADOPTED,
        "operationandmaintenance": schema.Stage.ADOPTED,
        "inuse": schema.Stage.ADOPTED,
        "decommissioned": schema.Stage.ABANDONED,
        "discontinued": schema.Stage.ABANDONED,
        "sunset": schema.Stage.ABANDONED,
        "retired": schema.Stage.ABANDONED,
    },
    "reported_status": {
        "complete": schema.Status.GREEN,
        "healthy": schema.Status.GREEN,
        "delayed": schema.Status.AMBER,
        "minorissues": schema.Status.AMBER,
        "critical": schema.Status.RED,
        "majorissues": schema.Status.RED,
    },
    "origin": {
        "vendorpurchased": schema.Origin.VENDOR,
        "contracted": schema.Origin.VENDOR,
        "purchased": schema.Origin.VENDOR,
        "inhousedevelopment": schema.Origin.GRASSROOTS,
        "inhouse": schema.Origin.GRASSROOTS,
        "required": schema.Origin.MANDATE,
        "executiveorder": schema.Origin.MANDATE,
    },
}


def _word_score(column: schema.Column, word: str) -> tuple[str | None, float, str]:
    key = schema.normalize(word)
    known = VALUE_SYNONYMS.get(column.name, {}).get(key)
    if known:
        return known, SYNONYM_SCORE, SYNONYM_WHY
    spellings = schema.vocabulary_index(column)
    matches = difflib.get_close_matches(key, list(spellings), n=1, cutoff=WORD_CUTOFF)
    if not matches:
        return None, 0.0, ""
    score = difflib.SequenceMatcher(None, key, matches[0]).ratio()
    return spellings[matches[0]], score, f"similar word ({score:.0%})"


def suggest(portfolio: Portfolio, *, raw: RawWorkbook | None = None) -> list[MappingRow]:
    """Mapping rows for what the sheet does not match yet, most useful first.

    Columns: each template column the sheet lacks, from its unknown headers (a synonym other
    sheets use, else the most similar header above the cutoff; each header used once). Values:
    each distinct unreadable word of a vocabulary column (from the problems), with how many cells
    say it (counted over every row when `raw`, the cells it was parsed from, is given).
    Defaults: a required vocabulary column that no header fills gets its first word,
    to be checked by a person.
    """
    rows: list[MappingRow] = []
    for tab in (t for t in schema.TABLES if t != schema.SETTINGS):
        if tab not in portfolio.tabs_present:
            continue
        table = schema.TABLES[tab]
        present = portfolio.columns_present.get(tab, frozenset())
        free = [h for h in portfolio.unknown_columns.get(tab, []) if not h.startswith("column ")]
        candidates = []
        for column in table.columns:
            if column.name in present:
                continue
            for header in free:
                score, why = header_score(column, header)
                if score >= HEADER_CUTOFF:
                    candidates.append((score, column.required, column.name, header, why))
        candidates.sort(key=lambda c: (-c[0], not c[1]))
        used: set[str] = set()
        mapped: set[str] = set()
        for _, _, name, header, why in candidates:
            if header in used or name in mapped:
                continue
            used.add(header)
            mapped.add(name)
            rows.append(MappingRow(COLUMN, field_name(tab, name), header, "", why))
        for column in table.columns:
            if column.required and column.vocabulary and column.name not in present | mapped:
                rows.append(
                    MappingRow(
                        DEFAULT,
                        field_name(tab, column.name),
                        "",
                        column.vocabulary[0],
                        f"no column looks like {column.name}; every row gets this value",
                    )
                )
    rows.extend(_value_suggestions(portfolio, raw))
    return rows


def suggest_for(raw: RawWorkbook, *, current: ColumnMapping | None = None) -> list[MappingRow]:
    """Suggestions for a whole workbook: columns first, then the words read under them.

    Words can only be judged once their column is found, so the sheet is parsed again with
    the current mapping plus the suggested column rows, and the unreadable words of that
    second reading are suggested too. `current` is a mapping given outside the sheet
    (secrets); the sheet's own Mapping tab is always applied.
    """
    first = suggest(parse_workbook(raw, mapping=current), raw=raw)
    columns = [r for r in first if r.kind == COLUMN]
    if not columns:
        return first
    trial = merge(current or ColumnMapping(), from_rows(columns))
    second = suggest(parse_workbook(raw, mapping=trial), raw=raw)
    # A default is offered only if the columns found leave the field empty.
    kept = [r for r in first if r.kind != VALUE and (r.kind == COLUMN or r in second)]
    return [*kept, *(r for r in second if r.kind == VALUE)]


_CELL_REF = re.compile(r"^(?P<sheet>.+)!(?P<col>[A-Z]+)(?P<row>\d+)$")


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - ord("A") + 1)
    return index - 1


def _word_counts(
    portfolio: Portfolio, raw: RawWorkbook | None, tab: str, column: schema.Column, cell: str
) -> Counter[str] | None:
    """Every unreadable word of a column counted over all its rows, read back from the raw
    cells (the problems list stops after a few hundred cells); None when it cannot be."""
    found = _CELL_REF.match(cell)
    frame = tab_frame(portfolio, tab)
    if raw is None or found is None or frame is None or found["sheet"] not in raw.tabs:
        return None
    rows = raw.tabs[found["sheet"]]
    j = _column_index(found["col"])
    known = schema.vocabulary_index(column)
    counts: Counter[str] = Counter()
    for sheet_row, value in zip(frame["_row"].tolist(), frame[column.name].isna(), strict=True):
        row = rows[sheet_row - 1] if sheet_row - 1 < len(rows) else []
        text = str(row[j]).strip() if j < len(row) and row[j] is not None else ""
        if value and text and schema.normalize(text) not in known:
            counts[text] += 1
    return counts


def _value_suggestions(portfolio: Portfolio, raw: RawWorkbook | None = None) -> list[MappingRow]:
    counts: Counter[tuple[str, str]] = Counter()
    spelled: dict[tuple[str, str], str] = {}
    columns: dict[str, schema.Column] = {}
    counted: set[tuple[str, str]] = set()  # (tab, column) counted from the raw cells
    for p in portfolio.problems:
        table = schema.TABLES.get(p.tab)
        if table is None or p.column is None or p.raw is None:
            continue
        if p.column not in {c.name for c in table.columns}:
            continue
        column = table.column(p.column)
        if not column.vocabulary or (p.tab, column.name) in counted:
            continue
        columns[column.name] = column
        whole = _word_counts(portfolio, raw, p.tab, column, p.cell)
        if whole is not None:
            counted.add((p.tab, column.name))
            for word, count in whole.items():
                key = (column.name, schema.normalize(word))
                counts[key] += count
                spelled.setdefault(key, word)
            continue
        key = (column.name, schema.normalize(p.raw))
        counts[key] += 1
        spelled.setdefault(key, str(p.raw).strip())
    rows = []
    for (name, folded), count in counts.most_common():
        word = spelled[name, folded]
        target, _score, why = _word_score(columns[name], word)
        cells = f"{count:,} cell{'s' if count != 1 else ''}"
        rows.append(
            MappingRow(VALUE, name, word, target or "", f"{why}, {cells}" if why else cells)
        )
    return rows


# --- effect of a mapping -----------------------------------------------------------------


def tab_frame(portfolio: Portfolio, tab: str):
    """The typed frame of a data tab of the portfolio (None for Settings, Mapping)."""
    return {
        schema.INITIATIVES: portfolio.initiatives,
        schema.USAGE: portfolio.usage,
        schema.CHECKINS: portfolio.checkins,
        schema.DAILY_TOOLS: portfolio.daily_tools,
    }.get(tab)


@dataclass(frozen=True)
class RowAccount:
    """Where every data row of a tab went: shown (all non-blank rows) or skipped as blank.

    `sheet_rows` is what the tab holds under its header; nothing else can happen to a row,
    so `sheet_rows == shown + blank`. `incomplete` counts shown rows with a required field
    empty or unreadable (each such cell is a problem on Sheet health).
    """

    tab: str
    sheet_rows: int
    shown: int
    blank: int
    incomplete: int

    @property
    def balanced(self) -> bool:
        return self.sheet_rows == self.shown + self.blank


def account(portfolio: Portfolio, tab: str = schema.INITIATIVES) -> RowAccount:
    """The row account of one tab (rows in = rows shown + blank rows skipped).

    >>> account(portfolio)                                    # doctest: +SKIP
    RowAccount(tab='Initiatives', sheet_rows=3611, shown=3611, blank=0, incomplete=2480)
    """
    frame = tab_frame(portfolio, tab)
    shown = 0 if frame is None else len(frame)
    blank = portfolio.blank_rows.get(tab, 0)
    incomplete = 0
    if frame is not None and tab in schema.TABLES and shown:
        required = [c for c in schema.TABLES[tab].required_columns if c in frame]
        incomplete = int(frame[required].isna().any(axis=1).sum()) if required else 0
    return RowAccount(tab, portfolio.rows_read.get(tab, 0) + blank, shown, blank, incomplete)


@dataclass(frozen=True)
class Effect:
    """What a mapping changes: problems and errors before/after, columns and cells it reads."""

    problems_before: int
    problems_after: int
    errors_before: int
    errors_after: int
    columns_gained: tuple[str, ...]
    cells_read: int  # cells that were problems before and are not any more

    @property
    def problems_fixed(self) -> int:
        return self.problems_before - self.problems_after


def effect(before: Portfolio, after: Portfolio) -> Effect:
    """Compare the same sheet parsed without and with a mapping.

    >>> effect(before, after).columns_gained                 # doctest: +SKIP
    ('Initiatives.name', 'Initiatives.team')
    """
    gained = []
    for tab, columns in after.columns_present.items():
        for name in sorted(columns - before.columns_present.get(tab, frozenset())):
            gained.append(f"{tab}.{name}")
    cell_problems = {p.cell for p in before.problems if "!" in p.cell}
    still = {p.cell for p in after.problems if "!" in p.cell}
    return Effect(
        problems_before=len(before.problems),
        problems_after=len(after.problems),
        errors_before=len(before.errors),
        errors_after=len(after.errors),
        columns_gained=tuple(gained),
        cells_read=len(cell_problems - still),
    )


def missing_required(portfolio: Portfolio) -> list[Problem]:
    """The errors about a required column that no header or mapping fills."""
    return [p for p in portfolio.errors if "!" not in p.cell and p.column is not None]
