"""The shapes that cross module boundaries: raw cells in, a typed Portfolio and its problems out.

Data sources return a `RawWorkbook`; `portfolio.parse.parse_workbook` turns it into a
`Portfolio`. Both are plain data, with no Streamlit and no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from portfolio import settings as typed_settings

Cell = str | int | float | bool | None

ERROR = "error"
WARNING = "warning"


# RawWorkbook.kind of a workbook read from a file or folder: its origin is a server path.
FILE_KIND = "file"
# What data_sources.sql_usage adds to an origin when usage is read from SQL, before the URL.
USAGE_FROM = "; usage from "


@dataclass(frozen=True)
class RawWorkbook:
    """Cells exactly as a source read them: tab name -> rows, the first row being the headers.

    `origin` says where they came from in words ("Google Sheet 1AbC…", "sample workbook",
    "/data/portfolio.xlsx"); `kind` is one of "sample", "file", "gsheets", "upload";
    `fetched_at` is when the source read them (UTC, timezone-aware). `problems` are what the
    source could not read (a tab cut at a size limit); the parser lists them first.
    """

    tabs: dict[str, list[list[Cell]]]
    origin: str
    kind: str
    fetched_at: dt.datetime
    problems: tuple[Problem, ...] = ()

    @property
    def cell_count(self) -> int:
        return sum(len(row) for rows in self.tabs.values() for row in rows)


@dataclass(frozen=True)
class Problem:
    """Something in the sheet a person should fix, with where and how.

    `cell` is an A1 reference ("Initiatives!H7") or a tab ("Usage") when the problem is
    about a whole tab or column; `raw` is the value as typed (None for a missing thing).

    >>> problem = Problem("Initiatives", "Initiatives!H7", "reported_status", "Greeen",
    ...         '"Greeen" is not a status (Green, Amber, Red)', fix="Type Green, Amber or Red")
    >>> problem.severity, problem.fix
    ('warning', 'Type Green, Amber or Red')
    """

    tab: str
    cell: str
    column: str | None
    raw: Cell
    message: str
    severity: str = WARNING
    fix: str = ""


@dataclass
class Portfolio:
    """The typed workbook.

    Frames hold canonical column names (schema.TABLES) plus any unknown columns kept as
    text, and a `_row` column with the 1-based sheet row each record came from. Dates are
    `datetime64[ns]` (normalized to midnight), money and numbers `float64`, integers the
    nullable `Int64`, choices `string` holding canonical words; a cell that could not be
    read is missing (NaN / NaT / <NA>) and has a Problem.
    A tab that is absent from the sheet is an empty frame with its canonical columns, and
    its name is missing from `tabs_present`. `history` is the StatusHistory tab (what the
    deck said each week; `portfolio.history` reads it).
    """

    initiatives: pd.DataFrame
    usage: pd.DataFrame
    checkins: pd.DataFrame
    daily_tools: pd.DataFrame
    settings: dict[str, object]
    history: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: list[Problem] = field(default_factory=list)
    tabs_present: frozenset[str] = frozenset()
    # canonical columns that the sheet actually has, per tab
    columns_present: dict[str, frozenset[str]] = field(default_factory=dict)
    # headers the contract does not know, kept as text, per tab
    unknown_columns: dict[str, list[str]] = field(default_factory=dict)
    # data rows read per tab (blank rows excluded) and blank rows skipped
    rows_read: dict[str, int] = field(default_factory=dict)
    blank_rows: dict[str, int] = field(default_factory=dict)
    origin: str = ""
    kind: str = ""
    fetched_at: dt.datetime | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def as_of(self) -> pd.Timestamp:
        """The evaluation date: Settings `as_of`, else today (portfolio.settings)."""
        return typed_settings.as_of(self.settings)

    @property
    def mandate_date(self) -> pd.Timestamp | None:
        return typed_settings.mandate_date(self.settings)

    def has(self, tab: str, column: str | None = None) -> bool:
        """Whether the sheet has this tab (and, if given, a header for this column)."""
        if tab not in self.tabs_present:
            return False
        return column is None or column in self.columns_present.get(tab, frozenset())
