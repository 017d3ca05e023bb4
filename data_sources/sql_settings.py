"""`[connections.usage]` read into SqlUsageSettings: where usage lives in SQL, what to read.

The keys are described in data_sources/sql_usage.py, which reads with these settings. Nothing
here connects to a database; a setting that cannot work raises NotConfigured with the fix, and
no message or repr() shows the password (`hide_password`).

>>> s = SqlUsageSettings.from_section({"url": "duckdb:///usage.duckdb", "events_table": "events"})
>>> (s.label, s.source)
('duckdb:///usage.duckdb', 'sql:events')
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from data_sources.errors import NotConfigured, remove_key_material

SECTION = "usage"
WHERE = "[connections.usage]"
SOURCE_PREFIX = "sql:"
DEFAULT_QUERY_NAME = "query"
DEFAULT_QUERY_TIMEOUT_SECONDS = 120
_URL_PARTS = ("username", "password", "host", "port", "database")
# A table, schema.table or catalog.schema.table; anything else is not a table name.
_TABLE = re.compile(r"^[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*){0,2}$")
# user:password@ inside any URL in a message.
_URL_PASSWORD = re.compile(r"(?P<head>://[^:/@\s]*:)[^@\s]*@")
# DuckDB's file readers, allowed as an events_table: read_parquet('events.parquet').
FILE_READER = re.compile(
    r"^(?P<fn>read_parquet|read_csv|read_csv_auto|read_json|read_json_auto|parquet_scan)"
    r"\(\s*'(?P<path>[^']+)'\s*\)$",
    re.IGNORECASE,
)


def _text(section: Mapping[str, Any], key: str) -> str | None:
    value = section.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise NotConfigured(
            title=f"{key} in {WHERE} is not text",
            what_to_do=f'Write it in quotes, e.g. {key} = "…", in .streamlit/secrets.toml.',
        )
    return str(value).strip() or None


@dataclass(frozen=True)
class SqlUsageSettings:
    """Where usage lives in SQL and how to read it; the URL (with its password) stays out of
    repr() and messages: `label` is the URL with the password hidden."""

    url: str = field(repr=False)
    events_table: str | None = None
    query: str | None = None
    query_name: str = DEFAULT_QUERY_NAME
    columns: tuple[tuple[str, str], ...] = ()  # explicit column names: (role, name)
    timeout_seconds: float = DEFAULT_QUERY_TIMEOUT_SECONDS
    engine_kwargs: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __hash__(self) -> int:
        return hash((self.url, self.events_table, self.query, self.columns))

    @property
    def label(self) -> str:
        """The URL as it may be shown: `postgresql+psycopg://gt:***@db:5432/usage`."""
        return hide_password(self.url, self.url)

    @property
    def dialect(self) -> str:
        return self.url.split(":", 1)[0].split("+", 1)[0].lower()

    @property
    def source(self) -> str:
        """What each row's `source` cell says: `sql:events`, `sql:events.parquet`, `sql:query`."""
        if self.events_table is None:
            return f"{SOURCE_PREFIX}{self.query_name}"
        reader = FILE_READER.match(self.events_table)
        name = reader["path"].rsplit("/", 1)[-1] if reader else self.events_table
        return f"{SOURCE_PREFIX}{name}"

    @property
    def key(self) -> str:
        """A short stable key for this connection and what it reads (for the last good copy)."""
        text = "\x00".join((self.label, self.events_table or "", self.query or ""))
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> SqlUsageSettings:
        """Settings from a `[connections.usage]` table; NotConfigured says what is missing."""
        url = _url(section)
        table, query = _text(section, "events_table"), _text(section, "query")
        if (table is None) == (query is None):
            raise NotConfigured(
                title=f"{WHERE} needs either events_table or query"
                + (", not both" if table else ""),
                what_to_do=(
                    'Set events_table = "events" (raw events, counted in the database) or '
                    'query = "SELECT initiative_id, week, active_users FROM …".'
                ),
            )
        if table is not None and not (_TABLE.match(table) or FILE_READER.match(table)):
            raise NotConfigured(
                title=f'events_table "{table}" in {WHERE} is not a table name',
                what_to_do=(
                    "Name a table (events, analytics.events) or, with DuckDB, one file "
                    "reader such as read_parquet('events.parquet'); use query for anything else."
                ),
            )
        columns = tuple(
            (role, name)
            for role in ("timestamp", "user", "initiative", "tool")
            if (name := _text(section, f"{role}_column")) is not None
        )
        timeout = section.get("timeout_seconds", DEFAULT_QUERY_TIMEOUT_SECONDS)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise NotConfigured(
                title=f"timeout_seconds = {timeout!r} in {WHERE} is not a number of seconds",
                what_to_do="Set it to a positive number such as 120, or remove it.",
            )
        kwargs = section.get("create_engine_kwargs") or {}
        if not isinstance(kwargs, Mapping):
            raise NotConfigured(title=f"create_engine_kwargs in {WHERE} is not a table")
        return cls(
            url=url,
            events_table=table,
            query=query,
            query_name=_text(section, "query_name") or DEFAULT_QUERY_NAME,
            columns=columns,
            timeout_seconds=float(timeout),
            engine_kwargs=dict(kwargs),
        )


def _url(section: Mapping[str, Any]) -> str:
    """The SQLAlchemy URL: `url`, or URL.create from dialect, driver, host, … as Streamlit does."""
    from sqlalchemy.engine import URL, make_url
    from sqlalchemy.exc import ArgumentError

    fix = (
        'Set url = "duckdb:///usage.duckdb" or "postgresql+psycopg://user:password@host/db" '
        f"in {WHERE}, or dialect, host, database, username and password."
    )
    raw = _text(section, "url")
    try:
        if raw is not None:
            make_url(raw)  # only to check it; rendering would escape duckdb's :memory:
            return raw
        dialect = _text(section, "dialect")
        if dialect is None:
            raise NotConfigured(title=f"{WHERE} has no url", what_to_do=fix)
        driver = _text(section, "driver")
        parts = {k: section[k] for k in _URL_PARTS if section.get(k) not in (None, "")}
        built = URL.create(f"{dialect}+{driver}" if driver else dialect, **parts)
        return built.render_as_string(hide_password=False)
    except (ArgumentError, ValueError, TypeError) as exc:
        raise NotConfigured(
            title=f"{WHERE} does not hold a usable database URL",
            what_to_do=fix,
            detail=hide_password(str(exc), section.get("password"), raw),
        ) from None


def hide_password(text: str, *secrets: object) -> str:
    """`text` without the password, whether it came alone or inside a URL.

    >>> hide_password("postgresql://gt:p%40ss@db/usage failed", "postgresql://gt:p%40ss@db/u")
    'postgresql://gt:***@db/usage failed'
    """
    from urllib.parse import quote, quote_plus

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    out = _URL_PASSWORD.sub(r"\g<head>***@", remove_key_material(text))
    for secret in secrets:
        if not secret:
            continue
        value = str(secret)
        try:
            password = make_url(value).password if "://" in value else value
        except (ArgumentError, ValueError):
            password = None
        if password:
            for form in {password, quote(password, safe=""), quote_plus(password)}:
                out = out.replace(form, "***")
    return out
