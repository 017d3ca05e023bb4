"""Bring your own sheet: a mapping from a sheet's own headers and words to the template's.

A real inventory keeps its own column names ("use_case_name", "agency") and stage words
("Pre-deployment", "Deployed", "Retired"). A `ColumnMapping` says how to read them; it lives
in the workbook itself, as an optional `Mapping` tab of four columns, or in
`[groundtruth.mapping]` in `.streamlit/secrets.toml`:

| kind    | field         | from            | to       | meaning                                  |
|---------|---------------|-----------------|----------|------------------------------------------|
| column  | name          | use_case_name   |          | the header `use_case_name` fills `name`  |
| column  | Usage.week    | Week of         |          | another tab: `Tab.field`                 |
| value   | stage         | Pre-deployment  | Idea     | this word in a `stage` cell means Idea   |
| default | origin        |                 | Mandate  | blank cells (or a missing column) read   |
|         |               |                 |          | as Mandate                               |

`field` is a template column (Initiatives unless written `Tab.field`); `from` is what the
sheet says; `to` is the template's word (value) or the value to assume (default). A
`default` is how a required field with no source column is mapped: the federal inventory
has no origin column, so `default, origin, , Mandate` gives every row the origin Mandate,
and `default, started, , 2025-01-01` fills the start dates the sheet leaves blank.
A default never replaces a value the sheet has, and a cell that cannot be read stays a
problem. Headers and words match case-, space- and punctuation-insensitively.

In secrets, the same in TOML (either form):

    [groundtruth.mapping]
    columns = { name = "use_case_name", team = "agency", started = "operational_date" }
    defaults = { origin = "Mandate" }
    [groundtruth.mapping.values.stage]
    Pre-deployment = "Idea"
    Deployed = "Adopted"

    # or, the Mapping tab's rows: rows = [["column", "name", "use_case_name", ""], ...]

When both exist, the secrets entries win over the Mapping tab's for the same header, word
or field. Mistakes in a mapping (an unknown field, a word that is not in the vocabulary)
are `Problem`s on Sheet health, never exceptions.

portfolio.suggestions suggests a mapping for the headers and words a sheet does not match
yet and compares a portfolio before and after one. No Streamlit, no I/O.

>>> mapping = read_mapping_rows([["kind", "field", "from", "to"],
...                              ["column", "name", "use_case_name", ""],
...                              ["value", "stage", "Deployed", "adopted"]])
>>> mapping.columns, mapping.values
({'Initiatives': {'use_case_name': 'name'}}, {'stage': {'Deployed': 'Adopted'}})
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from portfolio import schema
from portfolio.headers import header_matches, header_row
from portfolio.model import Cell, Problem
from portfolio.text import formula_like

COLUMN = "column"
VALUE = "value"
DEFAULT = "default"
KINDS = (COLUMN, VALUE, DEFAULT)
HEADERS = ("kind", "field", "from", "to")
SECRETS_SOURCE = "[groundtruth.mapping]"
# A cell that Sheets would read as a formula when pasted (portfolio.text.formula_like) is
# written with a leading apostrophe, which Sheets swallows and the reader strips.
_TEXT_MARK = "'"

# --- the mapping -------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMapping:
    """How one particular sheet spells the contract, beyond the built-in aliases.

    `columns`: tab -> {header in the sheet -> canonical column}; `values`: canonical column
    -> {word in the sheet -> canonical word}; `defaults`: tab -> {canonical column -> text
    assumed for its blank cells, or for every row when the sheet has no such column}.
    Keys match case-, space- and punctuation-insensitively; mapped headers and words are
    applied before the aliases. `problems` are the mistakes found while reading it.

    >>> ColumnMapping(columns={"Initiatives": {"Use Case ID": "id"}},
    ...               values={"stage": {"Operation and Maintenance": "Adopted"}},
    ...               defaults={"Initiatives": {"origin": "Mandate"}})
    ... # doctest: +ELLIPSIS
    ColumnMapping(...)
    """

    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.columns or self.values or self.defaults)

    def rows(self) -> list[MappingRow]:
        """The mapping as Mapping-tab rows (column, then value, then default rows)."""
        out: list[MappingRow] = []
        for tab, headers in self.columns.items():
            for header, target in headers.items():
                out.append(MappingRow(COLUMN, field_name(tab, target), header, ""))
        for column, words in self.values.items():
            out.extend(MappingRow(VALUE, column, word, to) for word, to in words.items())
        for tab, fields in self.defaults.items():
            for column, text in fields.items():
                out.append(MappingRow(DEFAULT, field_name(tab, column), "", text))
        return out


@dataclass(frozen=True)
class MappingRow:
    """One row of a Mapping tab; `why` says where a suggested row came from."""

    kind: str
    field: str
    source: str
    target: str
    why: str = ""

    def cells(self) -> list[str]:
        return [self.kind, self.field, self.source, self.target]

    def as_dict(self) -> dict[str, str]:
        """{"kind": …, "field": …, "from": …, "to": …}, as the Mapping tab's headers say."""
        return dict(zip(HEADERS, self.cells(), strict=True))


def field_name(tab: str, column: str) -> str:
    """How a row names a field: `name` for Initiatives, `Usage.week` for another tab."""
    return column if tab == schema.INITIATIVES else f"{tab}.{column}"


def resolve_field(text: str) -> tuple[str, str] | None:
    """(tab, canonical column) of a field as a person writes it, or None.

    A bare name is looked up in Initiatives first, then in the other tabs in order; aliases
    count ("Start date" is started).

    >>> resolve_field("Start date"), resolve_field("usage.Week"), resolve_field("frequency")
    (('Initiatives', 'started'), ('Usage', 'week'), ('DailyTools', 'frequency'))
    """
    tab_part, dot, column_part = str(text).strip().rpartition(".")
    tables = list(schema.TABLES.values())
    if dot:
        tables = [t for t in tables if schema.normalize(t.name) == schema.normalize(tab_part)]
    key = schema.normalize(column_part)
    if not key:
        return None
    for table in tables:
        if table.name == schema.SETTINGS:
            continue
        canonical = schema.header_index(table).get(key)
        if canonical:
            return table.name, canonical
    return None


def _column(tab: str, name: str) -> schema.Column:
    return schema.TABLES[tab].column(name)


def _strip_mark(cell: Cell) -> str:
    if cell is None:
        return ""
    text = str(cell).strip()
    return text[1:] if text.startswith(_TEXT_MARK) else text


def _header_row(rows: Sequence[Sequence[Cell]]) -> int | None:
    """Index of the `kind, field, from, to` row among the first rows, or None (headerless)."""
    index = {schema.normalize(h): h for h in HEADERS}
    at = header_row(rows, index)
    return at if rows and header_matches(rows[at], index) == len(HEADERS) else None


_REQUIRED_HINT = ", ".join(schema.TABLES[schema.INITIATIVES].required_columns)


class _RowError(Exception):
    """A Mapping row that cannot be used: (message, fix, the column of the cell at fault)."""


def _row_entry(cell: dict[str, str], where: str) -> tuple[str, str, str, str]:
    """(kind, tab, column, target) of one non-blank row; raises _RowError."""
    kind = schema.normalize(cell["kind"])
    if kind not in KINDS:
        raise _RowError(
            f'"{cell["kind"]}" is not a kind of mapping row (column, value, default)',
            "Type column, value or default",
            "kind",
        )
    named = cell["field"] or (cell["to"] if kind == COLUMN else "")  # "column, , X, name"
    resolved = resolve_field(named) if named else None
    if resolved is None:
        raise _RowError(
            f'"{named}" is not a field of the template'
            if named
            else f"The {kind} row in {where} names no field",
            f"Type a template column such as {_REQUIRED_HINT} "
            "(Tab.field for another tab, e.g. Usage.week)",
            "field",
        )
    tab, name = resolved
    if kind == COLUMN:
        if not cell["from"]:
            raise _RowError(
                f"The column row for {name} names no header",
                f"Type the sheet's header that holds {name} in the from column",
                "from",
            )
        return kind, tab, name, ""
    target = cell["to"]
    if not target:
        raise _RowError(
            f"The {kind} row for {name} has nothing in to",
            "Type the template's word (value) or the value to assume (default) in the to column",
            "to",
        )
    column = _column(tab, name)
    if column.vocabulary:
        word = schema.vocabulary_index(column).get(schema.normalize(target))
        if word is None:
            words = ", ".join(column.vocabulary)
            raise _RowError(
                f'"{target}" is not one of {words}', f"Type one of {words} in the to column", "to"
            )
        target = word
    if kind == VALUE and not cell["from"]:
        raise _RowError(
            f"The value row for {name} names no word",
            "Type the sheet's word in the from column",
            "from",
        )
    return kind, tab, name, target


def _one_field_per_header(
    taken: tuple[str, str] | None, cell: dict[str, str], tab: str, name: str
) -> None:
    """Refuse a second field from a header that already fills one; raises _RowError."""
    if taken is None:
        return
    first, where = taken
    raise _RowError(
        f'"{cell["from"]}" already fills {field_name(tab, first)} ({where}): one column fills '
        f"one field, so {field_name(tab, name)} is not read from it and this row is ignored",
        f"Map {field_name(tab, name)} to a column of its own (add one to the sheet if it has "
        "none), or delete this row",
        "from",
    )


def read_mapping_rows(
    rows: Sequence[Sequence[Cell]], *, sheet_name: str = schema.MAPPING, source: str = ""
) -> ColumnMapping:
    """A ColumnMapping from the rows of a Mapping tab (headers `kind, field, from, to`).

    The header row may sit below a title; without one the columns are taken in that order.
    Blank rows are skipped; a row that cannot be used is a Problem with its A1 reference
    and is left out. `source` names where the rows came from in messages (default: the tab).

    >>> m = read_mapping_rows([["default", "origin", "", "mandate"]])
    >>> m.defaults
    {'Initiatives': {'origin': 'Mandate'}}
    """
    header_at = _header_row(rows)
    positions = dict(zip(HEADERS, range(len(HEADERS)), strict=True))
    if header_at is not None:
        header = [schema.normalize(_strip_mark(c)) for c in rows[header_at]]
        positions = {h: header.index(h) for h in HEADERS}
    first = 0 if header_at is None else header_at + 1
    columns: dict[str, dict[str, str]] = {}
    values: dict[str, dict[str, str]] = {}
    defaults: dict[str, dict[str, str]] = {}
    problems: list[Problem] = []
    claimed: dict[tuple[str, str], str] = {}  # (tab, column) -> where a row maps it
    filled: dict[tuple[str, str], tuple[str, str]] = {}  # (tab, header) -> (column, where)

    for r in range(first, len(rows)):
        row = rows[r]
        cell = {h: _strip_mark(row[j]) if j < len(row) else "" for h, j in positions.items()}
        if not any(cell.values()):
            continue
        where = source or schema.a1(sheet_name, r, positions["kind"])
        try:
            kind, tab, name, target = _row_entry(cell, where)
            if kind == COLUMN and (tab, name) in claimed:
                raise _RowError(
                    f"{field_name(tab, name)} is already mapped in {claimed[tab, name]}; "
                    "this row is ignored",
                    "Delete one of the two rows",
                    "from",
                )
            if kind == COLUMN:
                _one_field_per_header(
                    filled.get((tab, schema.normalize(cell["from"]))), cell, tab, name
                )
        except _RowError as error:
            message, fix, at = error.args
            ref = source or schema.a1(sheet_name, r, positions[at])
            problems.append(Problem(schema.MAPPING, ref, None, cell[at] or None, message, fix=fix))
            continue
        if kind == COLUMN:
            claimed[tab, name] = where
            filled[tab, schema.normalize(cell["from"])] = (name, where)
            columns.setdefault(tab, {})[cell["from"]] = name
        elif kind == VALUE:
            values.setdefault(name, {})[cell["from"]] = target
        else:
            defaults.setdefault(tab, {})[name] = target
    return ColumnMapping(columns, values, defaults, tuple(problems))


def from_settings(section: Mapping[str, object] | None) -> ColumnMapping:
    """A ColumnMapping from `[groundtruth.mapping]` (see the module docstring for the form).

    >>> from_settings({"columns": {"name": "use_case_name"}, "defaults": {"origin": "Mandate"},
    ...                "values": {"stage": {"Deployed": "Adopted"}}}).rows()[0]
    MappingRow(kind='column', field='name', source='use_case_name', target='', why='')
    """
    if not section:
        return ColumnMapping()
    rows: list[list[Cell]] = []
    for entry in section.get("rows") or []:
        rows.append([str(c) for c in entry] if isinstance(entry, list | tuple) else [str(entry)])
    for name, header in (section.get("columns") or {}).items():
        rows.append([COLUMN, str(name), str(header), ""])
    for name, words in (section.get("values") or {}).items():
        for word, to in (words or {}).items() if isinstance(words, Mapping) else []:
            rows.append([VALUE, str(name), str(word), str(to)])
    for name, text in (section.get("defaults") or {}).items():
        rows.append([DEFAULT, str(name), "", str(text)])
    return read_mapping_rows(rows, source=SECRETS_SOURCE)


def from_secrets(secrets: Mapping[str, object]) -> ColumnMapping | None:
    """The `[groundtruth.mapping]` of the whole secrets, or None when there is none.

    >>> from_secrets({"groundtruth": {"mapping": {"defaults": {"origin": "Vendor"}}}}).defaults
    {'Initiatives': {'origin': 'Vendor'}}
    """
    section = (secrets.get("groundtruth") or {}).get("mapping")
    return from_settings(section) if isinstance(section, Mapping) and section else None


def merge(base: ColumnMapping, override: ColumnMapping | None) -> ColumnMapping:
    """`base` with `override` laid over it: the override wins for a header, word or field.

    >>> merge(ColumnMapping(defaults={"Initiatives": {"origin": "Vendor"}}),
    ...       ColumnMapping(defaults={"Initiatives": {"origin": "Mandate"}})).defaults
    {'Initiatives': {'origin': 'Mandate'}}
    """
    if override is None:
        return base
    columns = {tab: dict(headers) for tab, headers in base.columns.items()}
    dropped: list[Problem] = []
    for tab, headers in override.columns.items():
        targets = set(headers.values())
        wins = {schema.normalize(h): (h, c) for h, c in headers.items()}
        kept = {}
        for header, column in columns.get(tab, {}).items():
            if column in targets:
                continue
            header_wins = wins.get(schema.normalize(header))
            if header_wins is not None and header_wins[1] != column:
                dropped.append(_overridden(tab, header, column, header_wins[1]))
                continue
            kept[header] = column
        columns[tab] = {**kept, **headers}
    values = {c: dict(w) for c, w in base.values.items()}
    for column, words in override.values.items():
        values[column] = {**values.get(column, {}), **words}
    defaults = {tab: dict(f) for tab, f in base.defaults.items()}
    for tab, fields in override.defaults.items():
        defaults[tab] = {**defaults.get(tab, {}), **fields}
    problems = (*base.problems, *override.problems, *dropped)
    return ColumnMapping(columns, values, defaults, problems)


def _overridden(tab: str, header: str, column: str, winner: str) -> Problem:
    """The problem for a header that two mappings send to two fields: the override wins."""
    return Problem(
        schema.MAPPING,
        schema.MAPPING,
        None,
        header,
        f'"{header}" fills {field_name(tab, winner)} in {SECRETS_SOURCE} (or the mapping '
        f"tried on Sheet health), which wins: one column fills one field, so "
        f"{field_name(tab, column)} is not read from it",
        fix=f"Map {field_name(tab, column)} to a column of its own, or delete one of the rows",
    )


def from_rows(rows: Iterable[MappingRow]) -> ColumnMapping:
    """The ColumnMapping that a list of MappingRows (e.g. accepted suggestions) describes."""
    return read_mapping_rows([list(HEADERS), *(r.cells() for r in rows)])


# --- writing rows to paste ---------------------------------------------------------------


def _pasteable(text: str) -> str:
    return _TEXT_MARK + text if formula_like(text) else text


def rows_text(rows: Iterable[MappingRow], *, delimiter: str = "\t") -> str:
    """The rows with their header, as TSV (paste into cell A1 of a Mapping tab) or CSV.

    >>> print(rows_text([MappingRow("value", "stage", "Deployed", "Adopted")], delimiter=","))
    kind,field,from,to
    value,stage,Deployed,Adopted
    <BLANKLINE>
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([_pasteable(c) for c in row.cells()])
    return buffer.getvalue()


__all__ = [
    "COLUMN",
    "DEFAULT",
    "HEADERS",
    "KINDS",
    "VALUE",
    "ColumnMapping",
    "MappingRow",
    "field_name",
    "from_rows",
    "from_secrets",
    "from_settings",
    "merge",
    "read_mapping_rows",
    "resolve_field",
    "rows_text",
]
