"""One import run: read the Initiatives, count the files, and write the weekly rows once.

>>> result = import_usage(["copilot-log.csv"], fmt="events", spec=spec)  # doctest: +SKIP
>>> result.rows[0].to_dict()                                              # doctest: +SKIP
{'initiative_id': 'AI-014', 'week': '2026-03-02', 'active_users': 41,
 'source': 'events:copilot-log.csv'}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from data_sources import store as data_store
from data_sources.config import GSHEETS, SourceSpec
from data_sources.errors import BadUsageFile
from data_sources.usage_import import copilot, events, m365, store
from data_sources.usage_import.core import (
    Counts,
    KeyMap,
    Retype,
    Unmatched,
    WeekRow,
    connect,
    mondays_partial,
    weekly_counts,
)
from portfolio.reasons import format_date
from portfolio.usage_sources import EVENTS, GITHUB_COPILOT, M365_COPILOT, TELEMETRY_KINDS

FORMATS = (EVENTS, GITHUB_COPILOT, M365_COPILOT)
MAX_DEFAULT_NAMES = 3
SHOWN_ROWS = 40


@dataclass
class ImportResult:
    """What a run counted, what it left out and where it wrote (nothing when `dry_run`)."""

    counted: list[tuple[str, dt.date, int]]  # (initiative_id, Monday, users), sorted
    unmatched: list[Unmatched]
    source: str
    where: str
    written: bool
    events: int = 0
    no_user: int = 0
    no_time: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[WeekRow]:
        """The rows written (or, with --dry-run, that would be), each with its source."""
        return [WeekRow(i, week, n, self.source) for i, week, n in self.counted]

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "where": self.where,
            "written": self.written,
            "rows": [r.to_dict() for r in self.rows],
            "unmatched": [u.__dict__ for u in self.unmatched],
            "events": self.events,
            "skipped": {"no_user": self.no_user, "no_time": self.no_time},
            "notes": self.notes,
        }

    def describe(self) -> list[str]:
        """The run in lines for a terminal."""
        verb = "Wrote" if self.written else "Would write"
        n = len(self.counted)
        lines = [f"{verb} {n} row(s) with source {self.source} to {self.where}."]
        lines += [
            f"  {i:<12} week of {week.isoformat()}  {users:>7,} users"
            for i, week, users in self.counted[:SHOWN_ROWS]
        ]
        if n > SHOWN_ROWS:
            lines.append(f"  … and {n - SHOWN_ROWS} more (--json lists them all)")
        for u in self.unmatched[:SHOWN_ROWS]:
            lines.append(f"Not imported: {u.events:,} event(s) for {u.value!r}: add {u.hint}")
        if len(self.unmatched) > SHOWN_ROWS:
            rest = self.unmatched[SHOWN_ROWS:]
            lines.append(
                f"Not imported: {sum(u.events for u in rest):,} event(s) for {len(rest)} more "
                "values (--json lists them all)"
            )
        if self.no_user:
            lines.append(f"Not counted: {self.no_user:,} event(s) without a user.")
        if self.no_time:
            lines.append(f"Not counted: {self.no_time:,} event(s) without a time.")
        lines += self.notes
        return lines


def source_label(kind: str, given: str | None, default: str) -> str:
    """The `source` cell: `<kind>:<name>`, the name being --source or the default.

    >>> source_label("events", None, "log.csv"), source_label("events", "events:x", "")
    ('events:log.csv', 'events:x')
    """
    name = (given or default).strip()
    prefix, sep, rest = name.partition(":")
    if sep and prefix.strip().lower() in TELEMETRY_KINDS:
        if prefix.strip().lower() != kind:
            raise BadUsageFile(
                title=f'--source "{name}" names another kind of source than {kind}',
                what_to_do=f"Give a name only (it becomes {kind}:NAME); nothing was written.",
            )
        name = rest.strip()
    if not name:
        raise BadUsageFile(title="--source is empty", what_to_do="Give it a name.")
    return f"{kind}:{name}"


def default_name(paths: Sequence[Path]) -> str:
    names = sorted(p.name for p in paths)
    if len(names) <= MAX_DEFAULT_NAMES:
        return "+".join(names)
    return f"{names[0]}+{len(names) - 1} more"


def _keys(spec: SourceSpec, *, maps: Sequence[str], initiative: str | None) -> KeyMap:
    from data_sources.loader import read_source
    from portfolio.parse import parse_workbook

    initiatives = parse_workbook(read_source(spec)).initiatives
    ids = initiatives["id"].dropna().astype(str)
    tools = [
        (str(i), str(t))
        for i, t in zip(initiatives["id"], initiatives["tool"], strict=True)
        if isinstance(i, str) and isinstance(t, str)
    ]
    return KeyMap.build(ids=ids, tools=tools, maps=maps, initiative=initiative)


def import_usage(
    paths: Sequence[str | Path],
    *,
    fmt: str,
    spec: SourceSpec,
    initiative: str | None = None,
    maps: Sequence[str] = (),
    source: str | None = None,
    dry_run: bool = False,
    data_dir: Path | None = None,
) -> ImportResult:
    """Count the files' weekly active users per initiative and append them once.

    Raises BadUsageFile (a file or option) or another SourceError (the workbook) before
    anything is written.
    """
    if fmt not in FORMATS:
        raise BadUsageFile(title=f'Unknown format "{fmt}"', what_to_do=f"Use {', '.join(FORMATS)}.")
    files = [Path(p).expanduser() for p in paths]
    for path in files:
        if not path.is_file():
            raise BadUsageFile(
                title=f"{path} is not a file", what_to_do="Check the path; nothing was written."
            )
    keys = _keys(spec, maps=maps, initiative=initiative)
    con = connect()
    notes: list[str] = []
    try:
        if fmt == EVENTS:
            counts = _event_counts(con, files, keys)
            kind, name = EVENTS, default_name(files)
            notes += _partial_notes(counts)
        elif fmt == GITHUB_COPILOT:
            counts, kind, name, more = copilot.collect(con, files, keys)
            notes += more
            if kind == GITHUB_COPILOT:
                notes += _partial_notes(counts)
        else:
            counts, kind, name, more = m365.collect(con, files, keys)
            notes += more
    finally:
        con.close()
    label = source_label(kind, source, name)
    where = _where(spec, data_dir)
    written = False
    if counts.users and not dry_run:
        if spec.kind == GSHEETS and spec.gsheets is not None:
            rows = [WeekRow(i, week, n, label) for i, week, n in counts.users]
            store.write_sheet(rows, spec.gsheets)
        else:
            directory = data_dir or data_store.data_root()
            store.write_local(counts.users, label, data_dir=directory, key=_key(spec))
        written = True
    return ImportResult(
        counted=counts.users,
        unmatched=counts.unmatched,
        source=label,
        where=where,
        written=written,
        events=counts.events,
        no_user=counts.no_user,
        no_time=counts.no_time,
        notes=notes,
    )


def _event_counts(con, files: list[Path], keys: KeyMap) -> Counts:
    """Counted with the columns' own types; if a value does not fit its column's type, read
    again as text, which names the row."""
    need_key = keys.everything_to is None
    try:
        return weekly_counts(con, events.event_parts(con, files, need_key=need_key), keys)
    except Retype:
        pass
    try:
        parts = events.event_parts(con, files, need_key=need_key, text=True)
        return weekly_counts(con, parts, keys)
    except Retype:
        raise BadUsageFile(
            title=f"{default_name(files)}: a value does not fit its column (a time that is "
            "not one, or text among numbers)",
            what_to_do="Check the file's time column; nothing was written.",
        ) from None


def _key(spec: SourceSpec) -> str:
    return data_store.target_key(spec)


def _where(spec: SourceSpec, data_dir: Path | None) -> str:
    if spec.kind == GSHEETS:
        return "the Usage tab of the Google Sheet"
    return (
        f"the local usage file {store.local_path(data_dir or data_store.data_root(), _key(spec))}"
    )


def _partial_notes(counts: Counts) -> list[str]:
    notes = []
    for monday in mondays_partial(counts.first, counts.last):
        notes.append(
            f"The week of {format_date(monday)} is only partly in these files (they run from "
            f"{_day(counts.first)} to {_day(counts.last)}): its count is a lower bound. "
            "Importing the whole week again under the same --source replaces it."
        )
    return notes


def _day(moment: dt.datetime | None) -> str:
    return f"{moment:%a} {format_date(moment)}" if moment else "?"
