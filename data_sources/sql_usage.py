"""Weekly active users from a SQL database instead of the sheet's Usage tab (DESIGN.md 2b).

`[connections.usage]` in `.streamlit/secrets.toml` follows Streamlit's `st.connection` SQL
conventions: `url` (an SQLAlchemy URL), or `dialect`, `driver`, `username`, `password`,
`host`, `port` and `database` put together as `sqlalchemy.engine.URL.create` does, and
`create_engine_kwargs` passed to `create_engine`. Ours, beside them, say what to read:

- `events_table`: raw events, one row per use, with a time column (timestamp, time, date, ts,
  event_time, created_at), a user column (user, user_id, email, actor, login) and either
  `initiative_id` or `tool` (or name them: `timestamp_column`, `user_column`,
  `initiative_column`, `tool_column`). The database does the counting:
  `COUNT(DISTINCT user)` grouped by initiative (or tool) and week, weeks starting on Monday
  at 00:00 UTC (the session's time zone is set to UTC; a timestamp without a zone is read
  as UTC). Only the weekly counts come back, never an event or a user. With DuckDB,
  `events_table` may also be one file reader: `read_parquet('events.parquet')`,
  `read_csv('events/*.csv')`, `read_json('events.jsonl')`.
- `query`: any read-only SELECT returning `initiative_id`, `week`, `active_users` and
  optionally `measured_hours_saved`; `query_name` names it in each row's source.

Events that name a `tool` are matched to the one initiative of that tool in Initiatives
(case-insensitively). A tool that no initiative or several initiatives have keeps its own
name as the initiative_id, so Sheet health lists it as an id Initiatives does not have.

Rows come back as the cells of a Usage tab whose `source` is `sql:<table or query name>`.
The settings themselves are read and checked in data_sources/sql_settings.py.
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from data_sources.errors import NotConfigured, UsageDatabaseError
from data_sources.sql_settings import FILE_READER, WHERE, SqlUsageSettings, hide_password
from portfolio import schema
from portfolio.model import USAGE_FROM, Cell, RawWorkbook

USAGE_HEADER = ["initiative_id", "week", "active_users", "measured_hours_saved", "source"]
# Column names recognised in an events table, in order of preference (case-insensitive).
TIME_NAMES = ("timestamp", "time", "date", "event_time", "created_at", "ts")
USER_NAMES = ("user", "user_id", "email", "actor", "login")
INITIATIVE_NAMES = ("initiative_id",)
TOOL_NAMES = ("tool",)
# Aggregated rows, not events: 10,000 initiatives over four years is 2 million. More than
# that is a query that forgot to aggregate, and reading it would exhaust the server.
MAX_ROWS = 2_000_000
FETCH_BATCH = 10_000
CONNECT_TIMEOUT_SECONDS = 10
MS_PER_SECOND = 1000
# Each session's time zone is set to UTC before anything is read.
_SET_UTC = {"postgresql": "SET TIME ZONE 'UTC'", "duckdb": "SET TimeZone = 'UTC'"}


# --------------------------------------------------------------------------- reading


def _engine(settings: SqlUsageSettings):  # -> sqlalchemy.engine.Engine
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    kwargs: dict[str, Any] = {"poolclass": NullPool, **settings.engine_kwargs}
    connect_args = dict(kwargs.pop("connect_args", {}) or {})
    if settings.dialect == "postgresql":
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
        ms = int(settings.timeout_seconds * MS_PER_SECOND)
        connect_args.setdefault("options", f"-c statement_timeout={ms}")
    engine = sa.create_engine(settings.url, connect_args=connect_args, **kwargs)
    utc = _SET_UTC.get(settings.dialect)
    if utc is not None:

        @sa.event.listens_for(engine, "connect")
        def _utc(dbapi_connection, _record) -> None:
            # Weeks start at Monday 00:00 UTC, whatever zone the server, PGTZ or TZ say.
            cursor = dbapi_connection.cursor()
            cursor.execute(utc)
            cursor.close()
            dbapi_connection.commit()  # a SET rolled back with its transaction would not hold

    return engine


def _pick(columns: Sequence[str], names: Iterable[str], explicit: str | None) -> str | None:
    by_fold = {c.casefold(): c for c in columns}
    if explicit is not None:
        return by_fold.get(explicit.casefold())
    return next((by_fold[n] for n in names if n in by_fold), None)


def _from_clause(settings: SqlUsageSettings, quote) -> str:
    table = settings.events_table or ""
    reader = FILE_READER.match(table)
    if reader is not None:
        if settings.dialect != "duckdb":
            raise NotConfigured(
                title=f"{reader['fn']}(…) in {WHERE} needs DuckDB",
                what_to_do='Use url = "duckdb:///:memory:" to read files, or name a table.',
            )
        return f"{reader['fn']}('{reader['path']}')"
    return ".".join(quote(part) for part in table.split("."))


def _week(column: str, dialect: str) -> str:
    """The SQL of the Monday (a date) of the week a timestamp falls in."""
    if dialect == "bigquery":
        return f"DATE_TRUNC(DATE({column}), WEEK(MONDAY))"
    return f"CAST(DATE_TRUNC('week', {column}) AS DATE)"


def events_sql(settings: SqlUsageSettings, columns: Sequence[str], quote) -> tuple[str, bool]:
    """The aggregating SELECT over the events table, and whether it groups by tool.

    Raises NotConfigured naming the columns found when a needed one is not among them.
    """
    chosen = dict(settings.columns)
    time_col = _pick(columns, TIME_NAMES, chosen.get("timestamp"))
    user_col = _pick(columns, USER_NAMES, chosen.get("user"))
    key_col = _pick(columns, INITIATIVE_NAMES, chosen.get("initiative"))
    by_tool = False
    if key_col is None and "initiative" not in chosen:
        key_col, by_tool = _pick(columns, TOOL_NAMES, chosen.get("tool")), True
    missing = [
        what
        for what, found in (("time", time_col), ("user", user_col), ("initiative", key_col))
        if found is None
    ]
    if missing:
        raise NotConfigured(
            title=f'The events table "{settings.events_table}" has no '
            + " and no ".join(w + " column" for w in missing),
            what_to_do=(
                f"Name them in {WHERE} (timestamp_column, user_column, initiative_column or "
                "tool_column), or use query to return initiative_id, week, active_users."
            ),
            detail=f"columns found: {', '.join(columns) or 'none'}",
        )
    t, u, k = quote(time_col), quote(user_col), quote(key_col)
    if by_tool:  # "Cursor" and "cursor " are one tool, so one person is counted once
        k = f"LOWER(TRIM({k}))"
    week = _week(t, settings.dialect)
    sql = (
        f"SELECT {k} AS initiative_id, {week} AS week, COUNT(DISTINCT {u}) AS active_users "
        f"FROM {_from_clause(settings, quote)} "
        f"WHERE {t} IS NOT NULL AND {u} IS NOT NULL AND {k} IS NOT NULL "
        f"GROUP BY {k}, {week} ORDER BY 1, 2"
    )
    return sql, by_tool


def _cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, numbers.Number):  # Decimal (SUM, AVG, NUMERIC), numpy numbers
        number = float(value)  # type: ignore[arg-type]
        return int(number) if number.is_integer() else number
    return str(value)


def _fail(settings: SqlUsageSettings, exc: Exception, doing: str) -> UsageDatabaseError:
    orig = getattr(exc, "orig", None) or exc
    detail = " ".join(str(orig).split())
    return UsageDatabaseError(
        title=f"The usage database {WHERE} ({settings.label}) {doing}",
        detail=hide_password(detail, settings.url),
    )


def _fetch(result, settings: SqlUsageSettings) -> list[tuple]:
    rows: list[tuple] = []
    while batch := result.fetchmany(FETCH_BATCH):
        rows.extend(tuple(r) for r in batch)
        if len(rows) > MAX_ROWS:
            raise UsageDatabaseError(
                title=f"The usage query of {WHERE} returned more than {MAX_ROWS:,} rows",
                what_to_do=(
                    "Return one row per initiative and week (GROUP BY initiative_id, week), "
                    "or use events_table so the database counts the users."
                ),
            )
    return rows


def read_usage(
    settings: SqlUsageSettings, *, tools: Callable[[], Mapping[str, Sequence[str]]] = dict
) -> list[list[Cell]]:
    """The Usage tab's cells (header first) read from the database now.

    `tools()` maps a folded tool name to the ids of the initiatives that use it (see
    `tool_index`); it is called only when the events name a tool. Raises
    UsageDatabaseError when the database cannot be reached or the query fails, and
    NotConfigured when the settings do not fit the table.
    """
    import sqlalchemy as sa

    try:
        engine = _engine(settings)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError, TypeError) as exc:
        raise NotConfigured(
            title=f"{WHERE} names a database Ground Truth cannot open ({settings.label})",
            what_to_do="Install its SQLAlchemy dialect, or fix the url.",
            detail=hide_password(str(exc), settings.url),
        ) from None
    try:
        with engine.connect() as conn:
            by_tool = False
            if settings.query is not None:
                result = conn.exec_driver_sql(settings.query)
            else:
                quote = engine.dialect.identifier_preparer.quote
                probe = f"SELECT * FROM {_from_clause(settings, quote)} WHERE 1 = 0"
                names = list(conn.exec_driver_sql(probe).keys())
                sql, by_tool = events_sql(settings, names, quote)
                result = conn.exec_driver_sql(sql)
            names = [str(n).casefold() for n in result.keys()]  # noqa: SIM118 (not a dict)
            rows = _fetch(result, settings)
    except sa.exc.OperationalError as exc:
        raise _fail(settings, exc, "cannot be reached") from None
    except sa.exc.DBAPIError as exc:
        raise _fail(settings, exc, "could not run the usage query") from None
    except sa.exc.SQLAlchemyError as exc:
        raise _fail(settings, exc, "failed") from None
    finally:
        engine.dispose()
    return _usage_cells(settings, names, rows, by_tool=by_tool, tools=tools() if by_tool else {})


def _usage_cells(
    settings: SqlUsageSettings,
    names: list[str],
    rows: list[tuple],
    *,
    by_tool: bool,
    tools: Mapping[str, Sequence[str]],
) -> list[list[Cell]]:
    needed = ("initiative_id", "week", "active_users")
    missing = [n for n in needed if n not in names]
    if missing:
        raise UsageDatabaseError(
            title=f"The usage query of {WHERE} returns no {', '.join(missing)}",
            what_to_do=(
                "Name its columns initiative_id, week, active_users (and optionally "
                "measured_hours_saved), e.g. SELECT tool_id AS initiative_id, …"
            ),
            detail=f"columns returned: {', '.join(names) or 'none'}",
        )
    at = {n: names.index(n) for n in (*needed, "measured_hours_saved") if n in names}
    hours = at.get("measured_hours_saved")
    source = settings.source
    out: list[list[Cell]] = [list(USAGE_HEADER)]
    for row in rows:
        key = _cell(row[at["initiative_id"]])
        ids = tools.get(str(key).strip().casefold(), ()) if by_tool else (key,)
        initiative = ids[0] if len(ids) == 1 else key
        out.append(
            [
                initiative,
                _cell(row[at["week"]]),
                _cell(row[at["active_users"]]),
                _cell(row[hours]) if hours is not None else "",
                source,
            ]
        )
    return out


def tool_index(ids: Iterable[object], tools: Iterable[object]) -> dict[str, list[str]]:
    """Folded tool name -> ids of the initiatives with that tool.

    >>> tool_index(["AI-1", "AI-2", "AI-3"], ["Copilot", "copilot ", None])
    {'copilot': ['AI-1', 'AI-2']}
    """
    index: dict[str, list[str]] = {}
    for initiative, tool in zip(ids, tools, strict=True):
        if isinstance(tool, str) and tool.strip() and isinstance(initiative, str):
            index.setdefault(tool.strip().casefold(), []).append(initiative)
    return index


# --------------------------------------------------------------------------- the workbook


def _is_usage_tab(name: str) -> bool:
    return schema.normalize(name) == schema.normalize(schema.USAGE)


def tools_of(raw: RawWorkbook) -> dict[str, list[str]]:
    """`tool_index` of the workbook's Initiatives (headers matched as the parser does)."""
    from portfolio.parse import parse_workbook

    tabs = {name: rows for name, rows in raw.tabs.items() if _is_usage_tab(name) is False}
    initiatives = parse_workbook(
        RawWorkbook(tabs=tabs, origin=raw.origin, kind=raw.kind, fetched_at=raw.fetched_at)
    ).initiatives
    if "tool" not in initiatives.columns:
        return {}
    ids = initiatives["id"].astype(object).where(initiatives["id"].notna(), None)
    return tool_index(ids, initiatives["tool"].astype(object))


def read_for(settings: SqlUsageSettings, raw: RawWorkbook) -> list[list[Cell]]:
    """`read_usage`, with tools matched to the initiatives of `raw` when the events name one."""
    return read_usage(settings, tools=lambda: tools_of(raw))


def in_place_of_usage(
    raw: RawWorkbook, cells: list[list[Cell]] | None, settings: SqlUsageSettings
) -> RawWorkbook:
    """The workbook with the sheet's Usage tab replaced by `cells` (left out when None)."""
    tabs = {name: rows for name, rows in raw.tabs.items() if not _is_usage_tab(name)}
    if cells is not None:
        tabs[schema.USAGE] = cells
    origin = f"{raw.origin}{USAGE_FROM}{settings.label}"
    return RawWorkbook(tabs=tabs, origin=origin, kind=raw.kind, fetched_at=raw.fetched_at)


def snapshot_key(settings: SqlUsageSettings) -> str:
    """The key of the SQL usage's own last good copy (see data_sources.snapshot)."""
    return f"sql-usage-{settings.key}"


def usage_workbook(
    cells: list[list[Cell]], settings: SqlUsageSettings, *, fetched_at: dt.datetime
) -> RawWorkbook:
    """The usage read from SQL as a one-tab workbook, the shape a snapshot keeps."""
    return RawWorkbook(
        tabs={schema.USAGE: cells}, origin=settings.label, kind="sql", fetched_at=fetched_at
    )


def usage_cells_of(copy: RawWorkbook | None) -> list[list[Cell]] | None:
    """The Usage cells of a copy saved by `usage_workbook`, or None."""
    if copy is None:
        return None
    cells = copy.tabs.get(schema.USAGE)
    return cells if isinstance(cells, list) else None
