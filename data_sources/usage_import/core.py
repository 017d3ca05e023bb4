"""What every usage format shares: the DuckDB session, matching values to initiatives, and
the one query that turns events into weekly distinct users.

A format reader describes each file as a `Part`: a DuckDB table expression and the SQL
expressions for its key (an initiative id, a tool, a team), its time (TIMESTAMPTZ, UTC), "this
time could not be read", and its user. `weekly_counts` runs two queries over all parts (what
was read per value, then the weekly distinct users): the users are grouped inside DuckDB and
only counts come back to Python.

Weeks start on Monday 00:00 UTC (`date_trunc('week', …)` in a session whose TimeZone is UTC);
a time without a zone is read as UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from data_sources.errors import BadUsageFile

# DuckDB may use this much memory; with spilling off (no temp directory, so no user ever
# lands on disk) a larger job fails with a message instead of writing identities to disk.
MEMORY_LIMIT = "1GB"
THREADS = 2
SHOWN_VALUE_CHARS = 40
NONE = "(none)"  # how events that name no initiative, tool or team are listed
_LINE = re.compile(r"\bLine:?\s*(\d+)", re.IGNORECASE)


def connect():  # -> duckdb.DuckDBPyConnection
    """An in-memory DuckDB session: UTC, bounded memory, never spilling to disk."""
    import duckdb

    con = duckdb.connect(
        ":memory:",
        config={"temp_directory": "", "memory_limit": MEMORY_LIMIT, "threads": THREADS},
    )
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")  # the terminal shows our lines only
    return con


def literal(text: str | Path) -> str:
    """A SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def shown(value: object) -> str:
    """A cell value fit for a message: short, and never something that reads like an
    address (a user value in the wrong column must not reach a terminal or a log)."""
    text = " ".join(str(value).split())
    if "@" in text:
        return "(a value)"
    return text if len(text) <= SHOWN_VALUE_CHARS else text[: SHOWN_VALUE_CHARS - 1] + "…"


def duckdb_failure(path: Path, error: Exception, *, what: str = "read") -> BadUsageFile:
    """A DuckDB error on `path` in our words. DuckDB's own text quotes the offending line
    (which may hold an e-mail address), so only its line number is kept."""
    text = str(error)
    line = _LINE.search(text)
    where = f" (line {line.group(1)})" if line else ""
    if "unicode" in text.lower() or "utf-8" in text.lower() or "utf8" in text.lower():
        return BadUsageFile(
            title=f"{path}{where} is not UTF-8 text",
            what_to_do="Save it as UTF-8 (in Excel: CSV UTF-8) and import it again; "
            "nothing was written.",
        )
    if "out of memory" in text.lower():
        return BadUsageFile(
            title=f"{path} is too large to count within {MEMORY_LIMIT} of memory",
            what_to_do="Import it in smaller pieces (e.g. a file per month); nothing was written.",
        )
    return BadUsageFile(
        title=f"{path}{where} cannot be {what} as a usage file",
        what_to_do="Check that it is a whole CSV, JSON lines or Parquet export with a header; "
        "nothing was written.",
    )


# -- values to initiatives ------------------------------------------------------------------


def fold(value: object) -> str:
    """How keys are compared: trimmed, lower case (SQL: lower(trim(k)))."""
    return str(value).strip().lower()


@dataclass(frozen=True)
class KeyMap:
    """Which initiative a value (an initiative id, a tool, a team) stands for.

    `--map VALUE=ID` wins, then an initiative id, then the Initiatives `tool` of exactly one
    initiative (a tool shared by several is ambiguous and listed). `everything_to`
    (`--initiative ID`) sends every event to one initiative whatever its columns say.
    """

    table: dict[str, str]
    everything_to: str | None = None
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        *,
        ids: Iterable[str],
        tools: Iterable[tuple[str, str]],
        maps: Sequence[str] = (),
        initiative: str | None = None,
    ) -> KeyMap:
        """From the Initiatives ids, (id, tool) pairs, `--map` texts and `--initiative`.

        >>> km = KeyMap.build(ids=["AI-1", "AI-2"], tools=[("AI-1", "ChatGPT")],
        ...                   maps=["Copilot Chat=ai-2"])
        >>> km.table["chatgpt"], km.table["copilot chat"], km.table["ai-1"]
        ('AI-1', 'AI-2', 'AI-1')
        """
        known = {fold(i): str(i) for i in ids}
        table: dict[str, str] = {}
        by_tool: dict[str, set[str]] = {}
        for ident_, tool in tools:
            if tool and str(tool).strip():
                by_tool.setdefault(fold(tool), set()).add(str(ident_))
        ambiguous = {t: tuple(sorted(s)) for t, s in by_tool.items() if len(s) > 1}
        table.update({t: next(iter(s)) for t, s in by_tool.items() if len(s) == 1})
        table.update(known)
        for text in maps:
            value, sep, target = str(text).rpartition("=")
            if not sep or not value.strip() or not target.strip():
                raise BadUsageFile(
                    title=f'--map "{text}" is not VALUE=ID',
                    what_to_do="Write it as the value in the file, an equals sign and the "
                    "initiative id, e.g. --map 'ChatGPT=AI-014'; nothing was written.",
                )
            table[fold(value)] = _known_id(target, known, f'--map "{text}"')
        everything_to = _known_id(initiative, known, "--initiative") if initiative else None
        return cls(table, everything_to, ambiguous)

    def hint(self, key: str | None) -> str:
        """The option that would take a value in."""
        if key is None or not str(key).strip():
            return "--initiative ID (the rows name no initiative, tool or team)"
        if fold(key) in self.ambiguous:
            ids = ", ".join(self.ambiguous[fold(key)])
            return f"--map '{key}=ID' (it is the tool of {ids}: say which)"
        return f"--map '{key}=ID'"


def _known_id(text: str, known: dict[str, str], option: str) -> str:
    found = known.get(fold(text))
    if found is None:
        raise BadUsageFile(
            title=f'{option}: "{text.strip()}" is not an id in the Initiatives tab',
            what_to_do="Use the id of an initiative from the Initiatives tab (python cli.py "
            "verdicts lists them); nothing was written.",
        )
    return found


# -- events to weekly users -----------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One file as events: DuckDB table expression and column expressions.

    `time` is a TIMESTAMPTZ expression (NULL when blank or unreadable); `bad` is true where
    a time was written but could not be read; `raw_time` is the text as written, for the
    message, and `time_column` its column's name.
    """

    path: Path
    source_sql: str
    key: str
    time: str
    bad: str
    user: str
    raw_time: str = "NULL"
    time_column: str = ""
    blank_is_nothing: bool = False  # a blank time is no event (M365: never used that app)


class WeekRow(NamedTuple):
    """What leaves the importer: an initiative, a Monday, a count and a source (a tuple:
    half a million of them are made in one run)."""

    initiative_id: str
    week: dt.date
    active_users: int
    source: str

    def to_dict(self) -> dict[str, object]:
        return {
            "initiative_id": self.initiative_id,
            "week": self.week.isoformat(),
            "active_users": self.active_users,
            "source": self.source,
        }


@dataclass(frozen=True)
class Unmatched:
    """Events whose value matched no initiative, and the option that would take them in."""

    value: str
    events: int
    hint: str


@dataclass
class Counts:
    """The outcome of `weekly_counts`: (initiative, Monday, users) sorted, and what was left
    out."""

    users: list[tuple[str, dt.date, int]] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    events: int = 0
    no_user: int = 0
    no_time: int = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None


class Retype(Exception):
    """A typed read met a value of another type (a CSV column sniffed as timestamps holds
    text further down): read the file again as text to name the row."""


def weekly_counts(con, parts: Sequence[Part], keys: KeyMap) -> Counts:
    """Distinct users per initiative and Monday-week over all parts.

    Two queries: what was read per value (cheap, no DISTINCT; the values are matched to
    initiatives in Python, a few thousand at most), then the weekly distinct users alone,
    joined on the exact values that matched, so DuckDB runs its fastest COUNT(DISTINCT) plan
    (other aggregates beside it make it about twice as slow) and folds no text per event.
    Raises BadUsageFile naming the file, row and column of the first unreadable time.
    """
    selects = [
        f"SELECT {i} AS f, CAST({p.key} AS VARCHAR) AS k, {p.time} AS t, {p.bad} AS bad, "
        # users compared as written (trimming every one costs a fifth of the count)
        f"NULLIF(CAST({p.user} AS VARCHAR), '') AS u FROM {p.source_sql}"
        + (f" WHERE {p.time} IS NOT NULL OR {p.bad}" if p.blank_is_nothing else "")
        for i, p in enumerate(parts)
    ]
    events = f"({' UNION ALL '.join(selects)}) e"
    totals_sql = f"""
        SELECT e.k, count(*) AS events,
               count(*) FILTER (WHERE e.bad) AS bad,
               count(*) FILTER (WHERE e.u IS NULL AND e.t IS NOT NULL) AS no_user,
               count(*) FILTER (WHERE e.t IS NULL AND NOT e.bad) AS no_time,
               min(e.t) AS first, max(e.t) AS last,
               min(e.f) FILTER (WHERE e.bad) AS bad_file
        FROM {events}
        GROUP BY e.k
    """
    groups = _run(con, parts, totals_sql)
    bad_files = [g[7] for g in groups if g[2]]
    if bad_files:
        raise _bad_time(con, parts[min(bad_files)])
    out = Counts(
        events=sum(g[1] for g in groups),
        no_user=sum(g[3] for g in groups),
        no_time=sum(g[4] for g in groups),
        first=min((g[5] for g in groups if g[5] is not None), default=None),
        last=max((g[6] for g in groups if g[6] is not None), default=None),
    )
    if keys.everything_to is not None:
        matched = {g[0]: keys.everything_to for g in groups}
    else:
        matched = {g[0]: keys.table.get(fold(g[0])) for g in groups if g[0] is not None}
        matched = {k: v for k, v in matched.items() if v is not None}
    unmatched = {g[0]: g[1] for g in groups if g[0] not in matched}
    out.unmatched = _listed(unmatched, keys)
    if not matched:
        return out
    where = "WHERE e.t IS NOT NULL AND e.u IS NOT NULL"
    week = "CAST(date_trunc('week', e.t) AS DATE)"
    if keys.everything_to is None and len(set(matched.values())) == len(matched):
        # Each initiative has one value (the usual case): DuckDB's own query, by value; the
        # values are named by their initiatives here (those of unmatched values dropped).
        by_value = _run(
            con,
            parts,
            f"SELECT e.k, {week} AS week, CAST(count(DISTINCT e.u) AS INTEGER) "
            f"FROM {events} {where} GROUP BY ALL ORDER BY 1, 2",
        )
        counted = [(matched[k], w, n) for k, w, n in by_value if k in matched]
        if any(k != i for k, i in matched.items()):
            counted.sort()
        out.users = counted
        return out
    if keys.everything_to is not None:
        iid, joined = literal(keys.everything_to), f"FROM {events}"
    else:
        import pyarrow as pa

        table = pa.table(
            {"k": list(matched), "iid": list(matched.values())},
            schema=pa.schema([("k", pa.string()), ("iid", pa.string())]),
        )
        con.register("keymap", table)
        iid, joined = "m.iid", f"FROM {events} JOIN keymap m ON m.k = e.k"
    # Several values for one initiative (or --initiative): counted by initiative, so a
    # person seen under two values is one person.
    weekly_sql = f"""
        SELECT {iid} AS iid, {week} AS week, CAST(count(DISTINCT e.u) AS INTEGER) AS users
        {joined} {where}
        GROUP BY ALL ORDER BY 1, 2
    """
    out.users = _run(con, parts, weekly_sql)
    return out


def _run(con, parts: Sequence[Part], sql: str) -> list[tuple]:
    try:
        return con.execute(sql).fetchall()
    except Exception as error:  # duckdb.Error: the file is named in our words
        if "Could not convert" in str(error) or "Conversion Error" in str(error):
            raise Retype() from None
        raise duckdb_failure(_failing_part(parts, error), error) from None


def _listed(unmatched: dict[str | None, int], keys: KeyMap) -> list[Unmatched]:
    """Values that matched nothing: one per value as compared (case and spaces aside), shown
    as most often written, most events first."""
    spelled: dict[str, dict[str | None, int]] = {}
    for key, n in unmatched.items():
        spelled.setdefault(fold(key) if key is not None else "", {})[key] = int(n)
    listed = []
    for spellings in spelled.values():
        key = max(spellings, key=lambda k: (spellings[k], str(k)))
        # a value that reads like an address is a user in the wrong column: never shown
        if key is not None and "@" in key:
            shown_as, hint = shown(key), "check the file: this column holds addresses, not tools"
        else:
            shown_as = key if key is not None and key.strip() else NONE
            hint = keys.hint(key)
        listed.append(Unmatched(shown_as, sum(spellings.values()), hint))
    return sorted(listed, key=lambda u: (-u.events, u.value))


def _failing_part(parts: Sequence[Part], error: Exception) -> Path:
    text = str(error)
    for part in parts:
        if str(part.path) in text or part.path.name in text:
            return part.path
    return parts[0].path


def _bad_time(con, part: Part) -> BadUsageFile:
    """The first row of `part` whose time cannot be read, as an error naming it."""
    sql = f"""
        SELECT rn, raw FROM (
            SELECT row_number() OVER () AS rn, CAST({part.raw_time} AS VARCHAR) AS raw,
                   {part.bad} AS bad
            FROM {part.source_sql})
        WHERE bad ORDER BY rn LIMIT 1
    """
    row, raw = con.execute(sql).fetchall()[0]
    return BadUsageFile(
        title=f'{part.path}, row {row}, column "{part.time_column}": "{shown(raw)}" is not a '
        "date or time",
        what_to_do="Write times as ISO 8601 (2026-03-02T09:15:00Z, or 2026-03-02), then "
        "import again; nothing was written.",
    )


def mondays_partial(first: dt.datetime | None, last: dt.datetime | None) -> list[dt.date]:
    """The first and last weeks when the events start after their Monday or end before
    their Sunday: those weeks count only part of their days (a lower bound)."""
    if first is None or last is None:
        return []
    partial = []
    start = first.date() - dt.timedelta(days=first.weekday())
    if first.weekday() > 0:
        partial.append(start)
    end = last.date() - dt.timedelta(days=last.weekday())
    if last.weekday() < 6 and end not in partial:
        partial.append(end)
    return partial
