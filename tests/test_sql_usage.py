"""Usage from SQL ([connections.usage]): DuckDB in-process and a real PostgreSQL server.

The same events give the same weekly counts and verdicts from the sheet's Usage tab (typed
by hand), a DuckDB file, Parquet read by DuckDB in memory, and PostgreSQL; only what the
verdicts rest on differs (typed against telemetry).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from data_sources.config import resolve_source
from data_sources.errors import NotConfigured, UsageDatabaseError
from data_sources.loader import load_workbook, read_source
from data_sources.sql_usage import SqlUsageSettings, read_usage
from portfolio.evidence import assess
from portfolio.parse import parse_workbook
from tests import postgres_server
from tests.apptest_support import run_app, texts, write_csv_workbook
from tests.cli_support import run_cli
from tests.postgres_server import PASSWORD

postgres = postgres_server.postgres  # the fixture, under its own name
# One PostgreSQL per test process: keep the file in one.
pytestmark = pytest.mark.xdist_group("postgres")

AS_OF = "2026-06-01"  # a Monday; the recent window holds the weeks of 11, 18, 25 May, 1 Jun
INITIATIVES = [
    ["id", "name", "team", "origin", "reported_status", "stage", "started", "last_update"],
    ["AI-1", "Support triage", "Support", "Grassroots", "Green", "Rollout", "2026-01-05", ""],
    ["AI-2", "Forecast copilot", "Finance", "Mandate", "Green", "Rollout", "2026-01-05", ""],
    ["AI-3", "Contract search", "Legal", "Vendor", "Amber", "Pilot", "2026-04-01", ""],
    ["AI-4", "Sales emails", "Sales", "Mandate", "Green", "Pilot", "2026-01-05", ""],
    ["AI-5", "Ops runbooks", "Ops", "Grassroots", "Amber", "Idea", "2026-05-01", "2026-05-28"],
]
CHECKINS = [
    ["checkin_id", "timestamp", "initiative_id", "author", "reported_status", "stage"],
    ["c-1", "2026-05-20 10:00", "AI-4", "Dana", "", ""],
]
SETTINGS = [["key", "value"], ["as_of", AS_OF]]


def _events() -> list[tuple[str, str, str]]:
    """(timestamp, user, initiative_id): duplicates, and events either side of midnight."""
    out = []
    for monday in ("2026-05-11", "2026-05-18", "2026-05-25", "2026-06-01"):
        for n in range(1, 7):  # six people, each twice on the Monday
            out += [(f"{monday}T09:00:00+00:00", f"a{n}@acme.com", "AI-1")] * 2
    out += [
        ("2026-05-17T23:30:00+00:00", "a7@acme.com", "AI-1"),  # Sunday: week of 11 May
        ("2026-05-18T00:30:00+00:00", "a7@acme.com", "AI-1"),  # Monday: week of 18 May
        ("2026-05-25T01:30:00+02:00", "a8@acme.com", "AI-1"),  # 24 May 23:30 UTC: 18 May
    ]
    for monday in ("2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"):
        out += [(f"{monday}T10:00:00+00:00", f"b{n}@acme.com", "AI-2") for n in range(1, 11)]
    out.append(("2026-05-26T10:00:00+00:00", "b1@acme.com", "AI-2"))
    for monday in ("2026-05-18", "2026-05-25"):
        out += [(f"{monday}T11:00:00+00:00", u, "AI-3") for u in ("c1@acme.com", "c2@acme.com")]
    return out


# Hand-computed: distinct users per initiative and week (Monday, UTC).
WEEKLY = [
    ["AI-1", "2026-05-11", 7],  # a1-a6, a7 on Sunday night
    ["AI-1", "2026-05-18", 8],  # a1-a6, a7 on Monday morning, a8 at 23:30 UTC on Sunday
    ["AI-1", "2026-05-25", 6],
    ["AI-1", "2026-06-01", 6],
    ["AI-2", "2026-03-02", 10],
    ["AI-2", "2026-03-09", 10],
    ["AI-2", "2026-03-16", 10],
    ["AI-2", "2026-03-23", 10],
    ["AI-2", "2026-05-25", 1],
    ["AI-3", "2026-05-18", 2],
    ["AI-3", "2026-05-25", 2],
]
VERDICTS = {
    "AI-1": "adopted",  # recent mean (7 + 8 + 6 + 6) / 4 = 6.75 >= 5 and >= half of 8
    "AI-2": "reverted",  # 4 weeks at 10, then 1 / 4 = 0.25 <= 20% of 10
    "AI-3": "unproven",  # 4 / 4 = 1 a week: half the peak of 2, but under 5
    "AI-4": "stalled",  # a Pilot of 147 days that never grew
    "AI-5": "unproven",  # no usage, updated 4 days ago
}
FROM_SHEET = {"AI-1": "typed", "AI-2": "typed", "AI-3": "typed"}
FROM_TOOLS = {"AI-1": "telemetry", "AI-2": "telemetry", "AI-3": "telemetry"}
OTHERS = {"AI-4": "check-in", "AI-5": "none"}


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def _duckdb_file(path: Path) -> str:
    con = duckdb.connect(str(path))
    con.execute("SET TimeZone = 'UTC'")
    con.execute('CREATE TABLE events ("timestamp" TIMESTAMPTZ, "user" TEXT, initiative_id TEXT)')
    con.executemany(
        "INSERT INTO events VALUES (?, ?, ?)", [(_utc(t), u, i) for t, u, i in _events()]
    )
    con.close()
    return f"duckdb:///{path}"


def _parquet(path: Path) -> str:
    events = _events()
    table = pa.table(
        {
            "event_time": pa.array([_utc(t) for t, _, _ in events], pa.timestamp("us", "UTC")),
            "email": [u for _, u, _ in events],
            "initiative_id": [i for _, _, i in events],
        }
    )
    pq.write_table(table, path)
    return str(path)


def _postgres_table(url: str, table: str = "events") -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
        conn.exec_driver_sql(
            f"CREATE TABLE {table} (created_at timestamptz, actor text, initiative_id text)"
        )
        conn.execute(
            sa.text(f"INSERT INTO {table} VALUES (:t, :u, :i)"),
            [{"t": t, "u": u, "i": i} for t, u, i in _events()],
        )
    engine.dispose()


def _sheet(tmp_path: Path, usage: list[list] | None) -> str:
    tabs = {"Initiatives": INITIATIVES, "CheckIns": CHECKINS, "Settings": SETTINGS}
    if usage is not None:
        tabs["Usage"] = usage
    return str(write_csv_workbook(tmp_path / "sheet", tabs))


def _spec(folder: str, usage: dict | None):
    secrets = {"connections": {"usage": usage}} if usage else {}
    return resolve_source(secrets=secrets, env={}, override=folder)


@pytest.mark.parametrize("where", ["sheet", "duckdb", "parquet", "postgres"])
def test_the_same_events_give_the_same_verdicts_wherever_usage_lives(
    where, tmp_path, request, monkeypatch
):
    # Weeks are UTC whatever the server's or the client's zone: give both another one.
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    monkeypatch.setenv("PGTZ", "Asia/Tokyo")
    typed = [["initiative_id", "week", "active_users"], *WEEKLY]
    if where == "sheet":
        spec = _spec(_sheet(tmp_path, typed), None)
    elif where == "duckdb":
        url = _duckdb_file(tmp_path / "usage.duckdb")
        spec = _spec(_sheet(tmp_path, typed), {"url": url, "events_table": "events"})
    elif where == "parquet":
        path = _parquet(tmp_path / "events.parquet")
        table = f"read_parquet('{path}')"
        spec = _spec(_sheet(tmp_path, typed), {"url": "duckdb:///:memory:", "events_table": table})
    else:
        server = request.getfixturevalue("postgres")
        _postgres_table(server.url)
        spec = _spec(_sheet(tmp_path, typed), {"url": server.url, "events_table": "events"})

    raw = read_source(spec)
    usage = raw.tabs["Usage"]  # the sheet's own tab is replaced when SQL is configured
    assert [[i, week, int(users)] for i, week, users, *_ in usage[1:]] == WEEKLY
    sources = {row[4] for row in usage[1:]} if where != "sheet" else set()
    expected_source = {"duckdb": "sql:events", "parquet": "sql:events.parquet"}.get(
        where, "sql:events"
    )
    assert sources == (set() if where == "sheet" else {expected_source})

    assessed = assess(parse_workbook(raw))
    assert assessed["verdict"].to_dict() == VERDICTS
    strength = {**(FROM_SHEET if where == "sheet" else FROM_TOOLS), **OTHERS}
    assert assessed["evidence"].to_dict() == strength
    reason = assessed.loc["AI-2", "reason"]
    assert reason.startswith("Reported Green, but weekly active users fell 98% from a peak of 10")
    # Only typed numbers say so; telemetry needs no such word.
    assert reason.endswith("not measured by a tool") == (where == "sheet")


def test_a_query_returns_weekly_rows_with_hours_and_its_name(tmp_path):
    url = _duckdb_file(tmp_path / "usage.duckdb")
    query = (
        "SELECT initiative_id, CAST(date_trunc('week', \"timestamp\") AS DATE) AS week, "
        'COUNT(DISTINCT "user") AS active_users, 2.5 AS measured_hours_saved '
        "FROM events WHERE initiative_id = 'AI-3' GROUP BY 1, 2 ORDER BY 1, 2"
    )
    settings = SqlUsageSettings.from_section({"url": url, "query": query, "query_name": "wau"})
    assert read_usage(settings) == [
        ["initiative_id", "week", "active_users", "measured_hours_saved", "source"],
        ["AI-3", "2026-05-18", 2, 2.5, "sql:wau"],
        ["AI-3", "2026-05-25", 2, 2.5, "sql:wau"],
    ]


def test_events_by_tool_are_counted_per_tool_and_matched_to_the_one_initiative(tmp_path):
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    con.execute("CREATE TABLE ev (ts TIMESTAMP, login TEXT, tool TEXT)")
    con.executemany(
        "INSERT INTO ev VALUES (?, ?, ?)",
        [
            (dt.datetime(2026, 5, 18, 9), "u1", "Cursor"),
            (dt.datetime(2026, 5, 19, 9), "u1", "cursor"),  # same person, other spelling
            (dt.datetime(2026, 5, 19, 9), "u2", "Cursor"),
            (dt.datetime(2026, 5, 18, 9), "u3", "Claude"),  # two initiatives use Claude
        ],
    )
    con.close()
    initiatives = [
        ["id", "name", "team", "origin", "stage", "started", "tool"],
        ["AI-7", "Code assist", "Eng", "Grassroots", "Pilot", "2026-05-01", "cursor"],
        ["AI-8", "Drafts", "Legal", "Vendor", "Pilot", "2026-05-01", "Claude"],
        ["AI-9", "Summaries", "Ops", "Vendor", "Pilot", "2026-05-01", "Claude"],
    ]
    folder = str(write_csv_workbook(tmp_path / "sheet", {"Initiatives": initiatives}))
    spec = _spec(folder, {"url": f"duckdb:///{tmp_path / 't.duckdb'}", "events_table": "ev"})
    raw = read_source(spec)
    # The database folds the spelling: u1 under "Cursor" and "cursor" is one person.
    rows = sorted(tuple(r[:3]) for r in raw.tabs["Usage"][1:])
    assert rows == [("AI-7", "2026-05-18", 2), ("claude", "2026-05-18", 1)]
    problems = [p.message for p in parse_workbook(raw).problems]
    assert '"claude" is not an id in Initiatives (1 Usage row)' in problems


@pytest.mark.parametrize(
    ("section", "title"),
    [
        ({"events_table": "events"}, "[connections.usage] has no url"),
        ({"url": "duckdb:///:memory:"}, "needs either events_table or query"),
        ({"url": "duckdb:///:memory:", "events_table": "e", "query": "SELECT 1"}, "not both"),
        ({"url": "duckdb:///:memory:", "events_table": "e; DROP TABLE x"}, "is not a table name"),
        ({"url": "not a url", "query": "SELECT 1"}, "does not hold a usable database URL"),
        ({"url": "duckdb:///:memory:", "query": "x", "timeout_seconds": 0}, "timeout_seconds"),
    ],
)
def test_settings_that_cannot_work_say_what_to_fix(section, title):
    with pytest.raises(NotConfigured) as caught:
        SqlUsageSettings.from_section(section)
    assert title in caught.value.message


def test_an_events_table_without_a_user_column_names_the_columns_it_has(tmp_path):
    con = duckdb.connect(str(tmp_path / "e.duckdb"))
    con.execute("CREATE TABLE ev (ts TIMESTAMP, initiative_id TEXT)")
    con.close()
    settings = SqlUsageSettings.from_section(
        {"url": f"duckdb:///{tmp_path / 'e.duckdb'}", "events_table": "ev"}
    )
    with pytest.raises(NotConfigured) as caught:
        read_usage(settings)
    assert 'The events table "ev" has no user column' in caught.value.message
    assert "columns found: ts, initiative_id" in caught.value.message


def test_a_query_that_fails_names_the_connection(tmp_path):
    settings = SqlUsageSettings.from_section(
        {"url": "duckdb:///:memory:", "query": "SELECT * FROM no_such_table"}
    )
    with pytest.raises(UsageDatabaseError) as caught:
        read_usage(settings)
    message = caught.value.message
    assert message.startswith("The usage database [connections.usage] (duckdb:///:memory:)")
    assert "could not run the usage query" in message
    assert "no_such_table" in message


def test_a_database_that_is_down_keeps_the_last_good_usage_with_its_age(tmp_path, postgres):
    """Read once, stop answering, read again: the usage of the first read, its age, and
    never the password (in the notice, the origin or the copy on disk)."""
    _postgres_table(postgres.url, "events_down")
    folder = _sheet(tmp_path, [["initiative_id", "week", "active_users"], ["AI-1", AS_OF, 99]])
    data = tmp_path / "snapshots"
    spec = _spec(folder, {"url": postgres.url, "events_table": "events_down"})
    first = load_workbook(spec, data_dir=data, now=dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC))
    assert first.notice is None and first.error is None
    assert [r[:3] for r in first.raw.tabs["Usage"][1:]] == WEEKLY

    # The same server, a port nobody listens on: "down" without stopping the shared server.
    down_url = postgres.url.replace(f":{postgres.port}/", ":1/")
    down = _spec(folder, {"url": down_url, "events_table": "events_down"})
    # The copy is per connection; point the down spec at the first one's copy.
    copy = data / f"sql-usage-{spec.usage.key}.json"
    (data / f"sql-usage-{down.usage.key}.json").write_bytes(copy.read_bytes())
    later = dt.datetime(2026, 6, 1, 11, 14, tzinfo=dt.UTC)
    second = load_workbook(down, data_dir=data, now=later)
    assert isinstance(second.error, UsageDatabaseError)
    assert second.notice.startswith("Showing usage from 2 h 14 min ago: The usage database")
    assert "cannot be reached" in second.notice
    assert "groundtruth:***@127.0.0.1:1/postgres" in second.notice
    assert [r[:3] for r in second.raw.tabs["Usage"][1:]] == WEEKLY
    for text in (second.notice, second.raw.origin, *[p.read_text() for p in data.iterdir()]):
        assert PASSWORD not in text


def test_no_usage_at_all_says_so_and_the_sheet_still_shows(tmp_path):
    folder = _sheet(tmp_path, [["initiative_id", "week", "active_users"], ["AI-1", AS_OF, 9]])
    spec = _spec(folder, {"url": "duckdb:///:memory:", "query": "SELECT * FROM gone"})
    result = load_workbook(spec, data_dir=tmp_path / "snapshots")
    assert result.notice.startswith("No usage could be read, so no verdict rests on usage:")
    assert "Usage" not in result.raw.tabs  # the sheet's typed tab does not stand in for SQL
    assert pd.Series([r[0] for r in result.raw.tabs["Initiatives"][1:]]).tolist()[0] == "AI-1"


def test_url_parts_are_put_together_as_streamlit_does_and_the_password_hidden():
    settings = SqlUsageSettings.from_section(
        {
            "dialect": "postgresql",
            "driver": "psycopg",
            "host": "db.acme.internal",
            "port": 5432,
            "database": "analytics",
            "username": "gt",
            "password": "p@ss:word",
            "query": "SELECT 1",
        }
    )
    assert settings.label == "postgresql+psycopg://gt:***@db.acme.internal:5432/analytics"
    assert "p@ss" not in repr(settings)
    assert settings.source == "sql:query"


@pytest.mark.parametrize(
    ("section", "words"),
    [
        ('events_table = "events"', "[connections.usage] has no url"),
        (
            f'url = "postgresql+psycopg://gt:{PASSWORD}@127.0.0.1:1/usage"\nevents_table = "e"',
            "(postgresql+psycopg://gt:***@127.0.0.1:1/usage) cannot be reached",
        ),
    ],
    ids=["no url", "down"],
)
def test_cli_verdicts_says_what_is_wrong_with_the_usage_database(
    tmp_path, monkeypatch, capsys, section, words
):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(f"[connections.usage]\n{section}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GROUNDTRUTH_SOURCE", raising=False)
    code, out, err = run_cli(capsys, "verdicts", "--source", "sample", "--json")
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and words in err
    assert "Traceback" not in err and PASSWORD not in err


def test_the_app_says_when_the_usage_database_fails_and_still_shows_the_sheet(
    tmp_path, monkeypatch
):
    secrets = tmp_path / "cwd" / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir(parents=True)
    secrets.write_text(
        '[connections.usage]\nurl = "duckdb:///:memory:"\nquery = "SELECT * FROM missing_wau"\n'
    )
    tabs = {"Initiatives": INITIATIVES, "CheckIns": CHECKINS, "Settings": SETTINGS}
    at = run_app(tmp_path, monkeypatch, tabs=tabs, page="pages/overview.py")
    # The page escapes Markdown in what it shows; the reader sees the text without "\\".
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any(
        w.startswith("No usage could be read, so no verdict rests on usage: The usage database")
        and "(duckdb:///:memory:) could not run the usage query" in w
        and "missing_wau" in w
        for w in warnings
    ), warnings
    assert not at.exception
    assert "0 of 5 verdicts rest on telemetry" in texts(at)
