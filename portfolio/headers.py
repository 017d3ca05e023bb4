"""Headers: where a tab's header row is, and which of a sheet's headers are close to a field.

`header_row` is the one rule for where the headers are, shared by parse, the Mapping tab
reader and `cli.py init-sheet` (data_sources.template): a title or a note may sit above
them. `header_score` and `closest_headers` rank a sheet's own headers for a template field
(synonyms other sheets use first, then difflib similarity), for suggestions and error messages.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from portfolio import schema
from portfolio.cells import render
from portfolio.model import Cell

# A title or a note may sit above the headers: they are looked for in the first rows, and a
# row below the first wins only if it matches at least this many known headers, and more.
HEADER_SEARCH_ROWS = 10
MIN_HEADER_MATCHES = 2
# difflib ratio from which a header is offered as a likely match; below it the "closest
# headers" of an error message still list the best few, as hints. Headers need more than
# words: short ones ("have_ato" vs "rag") share letters by chance.
HEADER_CUTOFF = 0.75
CLOSEST_LIMIT = 3
SYNONYM_SCORE = 1.0
# Why a synonym below is offered: other sheets use it for the field. It is not read without a
# Mapping row (the schema's aliases are, and are never offered), so it is not called "known".
SYNONYM_WHY = "often used for this"

# Headers that real inventories use for a template field, offered as suggestions (a person
# confirms them) rather than accepted silently like the schema's aliases. A header that can
# only mean the field belongs in the schema's aliases instead (schema.TABLES), not here.
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("use case id", "identifier", "record id", "ticket", "inventory id", "number"),
    "name": ("use case name", "use case title", "system"),
    "team": ("agency", "bureau", "agency bureau", "office", "division", "unit", "business unit",
             "organization", "org", "component", "owning office"),
    "owner": ("contact email", "email", "point of contact", "poc", "product owner"),
    "origin": ("contracting usage", "sourcing", "initiated by", "development type"),
    "area": ("topic area", "category", "theme", "topic", "mission area"),
    "tool": ("vendor name", "vendor", "system name", "technology", "model name", "ai technique"),
    "reported_status": ("status colour", "status color", "health status"),
    "stage": ("development stage", "stage of development", "lifecycle stage", "status",
              "maturity"),
    "started": ("operational date", "date initiated", "initiation date", "launch date",
                "go live date", "date implemented", "kickoff", "created"),
    "last_update": ("last modified", "modified", "date updated", "reviewed on"),
    "annual_cost": ("budget", "annual budget", "contract value", "license cost", "cost per year"),
    "seats": ("licenses purchased", "licences purchased", "seat count"),
    "target_users": ("users targeted", "expected users", "population"),
    "notes": ("problem solved", "purpose", "summary", "benefits", "details"),
}  # fmt: skip


def header_text(cell: Cell) -> str:
    """A header cell as text: stripped, numbers as shown (12.0 -> "12"), empty -> ""."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    return cell.strip() if isinstance(cell, str) else render(cell)


def header_matches(row: Sequence[Cell], index: Mapping[str, str]) -> int:
    """How many distinct fields of `index` (normalized header -> field) the row names."""
    keys = (schema.normalize(header_text(cell)) for cell in row)
    return len({index[k] for k in keys if k in index})


def header_columns(header: Sequence[Cell], table: schema.Table) -> list[str | None]:
    """The canonical column of `table` each header cell names (None for a foreign cell or
    a repeat of a column named further left).

    >>> header_columns(["Note", "UUID", "note"], schema.TABLES["CheckIns"])
    ['note', 'checkin_id', None]
    """
    index = schema.header_index(table)
    seen: set[str] = set()
    out: list[str | None] = []
    for cell in header:
        name = index.get(schema.normalize(cell)) if isinstance(cell, str) else None
        out.append(name if name is not None and name not in seen else None)
        if name is not None:
            seen.add(name)
    return out


def header_row(rows: Sequence[Sequence[Cell]], index: Mapping[str, str]) -> int:
    """The row holding the headers: of the first HEADER_SEARCH_ROWS rows, the first that
    matches the most known headers (row 0 unless a later row matches more, and at least
    MIN_HEADER_MATCHES).

    >>> header_row([["AI register"], ["ID", "Name"], ["AI-1", "Bot"]], {"id": "id", "name": "name"})
    1
    """
    best, best_count = 0, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        count = header_matches(row, index)
        if count > best_count:
            best, best_count = i, count
    if best_count < MIN_HEADER_MATCHES:
        return 0
    return best


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, schema.normalize(a), schema.normalize(b)).ratio()


def header_score(column: schema.Column, header: str) -> tuple[float, str]:
    """(score, why) for `header` holding `column`: 1.0 for a synonym other sheets use, else
    difflib.

    >>> header_score(schema.TABLES["Initiatives"].column("team"), "agency")
    (1.0, 'often used for this')
    """
    key = schema.normalize(header)
    if key in {schema.normalize(s) for s in COLUMN_SYNONYMS.get(column.name, ())}:
        return SYNONYM_SCORE, SYNONYM_WHY
    best = max(_similarity(header, s) for s in (column.name, *column.aliases))
    return best, f"similar name ({best:.0%})"


def closest_headers(column: schema.Column, headers: Iterable[str], *, limit: int = CLOSEST_LIMIT):
    """The headers most like `column`, best first (synonyms, then similarity), at most `limit`.

    >>> team = schema.TABLES["Initiatives"].column("team")
    >>> closest_headers(team, ["agency_name", "agency", "id", "agency_bureau"])
    ['agency', 'agency_bureau', 'agency_name']
    """
    scored = [(header_score(column, h)[0], i, h) for i, h in enumerate(headers) if h]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [h for score, _, h in scored[:limit] if score > 0]
