"""The Verdicts tab: Ground Truth's own tab in the teams' sheet, rewritten whole each week.

One row per initiative — id, name, team, verdict, evidence, the first reason, as of — so a
person editing their row in Initiatives sees beside it what the evidence says. It is
machine-written: `write_verdicts_tab` adds the tab when it is missing (addSheet), writes
every row from A1 in one values:update (RAW: text stays text), then empties the rows below
what it wrote (values:clear), so initiatives that left the sheet leave the tab too. It never
reads or writes any other tab. `cli.py history record` calls it after recording the week.

>>> verdict_rows(assessed, as_of=pd.Timestamp("2026-03-25"))[1]     # doctest: +SKIP
['AI-014', 'Reply bot', 'Support', 'reverted', 'typed', 'Reported Green, but …', '2026-03-25']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from portfolio import schema
from portfolio.model import Cell

TAB = schema.VERDICTS_TAB
COLUMNS = schema.VERDICTS_COLUMNS
DATE_FORMAT = "%Y-%m-%d"


@dataclass(frozen=True)
class VerdictsWrite:
    """What `write_verdicts_tab` did: initiatives written, rows emptied below them, and
    whether the tab was created."""

    rows: int
    cleared: str = ""
    created: bool = False


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def verdict_rows(assessed: pd.DataFrame, *, as_of: object) -> list[list[Cell]]:
    """The tab's cells: the header, then one row per initiative of `assess` in sheet order
    (evidence is blank while the verdicts do not carry it)."""
    day = pd.Timestamp(as_of).strftime(DATE_FORMAT)
    rows: list[list[Cell]] = [list(COLUMNS)]
    evidence = assessed.get("evidence")
    for i, record in enumerate(assessed.itertuples(index=False)):
        rows.append(
            [
                _text(record.id),
                _text(record.name),
                _text(record.team),
                _text(record.verdict),
                _text(evidence.iat[i]) if evidence is not None else "",
                _text(record.reason),
                day,
            ]
        )
    return rows


def _quoted(tab: str) -> str:
    return "'" + tab.replace("'", "''") + "'"


def write_verdicts_tab(source: Any, assessed: pd.DataFrame, *, as_of: object) -> VerdictsWrite:
    """Rewrite the Verdicts tab of the sheet behind `source` (a GoogleSheetSource).

    Raises a SourceError; a Viewer-only account gets SheetNotShared from the first write.
    """
    rows = verdict_rows(assessed, as_of=as_of)
    titles = source.tab_titles()
    name = next((t for t in titles if schema.normalize(t) == schema.normalize(TAB)), None)
    created = name is None
    if created:
        source.add_tabs([TAB])
        name = TAB
    source.update_cells(f"{_quoted(name)}!A1", rows)
    last = schema.a1_column(len(COLUMNS) - 1)
    below = f"{_quoted(name)}!A{len(rows) + 1}:{last}"
    source.clear_range(below)
    return VerdictsWrite(rows=len(rows) - 1, cleared=below, created=created)
