"""GitHub Copilot usage metrics as weekly active users.

Two generations of GitHub's exports are read (docs.github.com, "Copilot usage metrics API
and export fields" and "Team-level metrics"):

- **Per-user reports** (`users-1-day`, `users-28-day`; NDJSON, one record per user and day:
  `day`, `user_id`, `user_login`, `organization_id` or `enterprise_id`, activity counts such
  as `user_initiated_interaction_count`, `code_generation_activity_count`, and `used_chat`,
  `used_agent`, `used_cli`). A user counts on a day when the record shows any activity (a
  record with none of these fields counts: it is there because the user was active).
  Weekly distinct users are exact for the days the files hold.
  With **user-teams reports** (`user-teams-1-day`: `user_id`, `day`, `team_id`, `slug`) among
  the files, each user-day is joined to the user's teams on the same day (for a day the
  team files do not cover: the latest team day before it, else the first), and the team
  `slug` is the value
  matched to an initiative (`--map platform-team=AI-7`). GitHub leaves out teams with fewer
  than five Copilot seats: their users show up as "(none)". Without team files the value is
  "GitHub Copilot", matched to the initiative whose `tool` it is, or given by `--map` or
  `--initiative`. The source is `github-copilot:<organization or enterprise id>`.
- **The retired Copilot metrics API** (closed in April 2026; saved exports): a JSON list of
  daily entries with `date`, `total_active_users`, `total_engaged_users`. Daily totals cannot
  give weekly distinct users, so the week's largest daily `total_active_users` is taken: a
  lower bound, marked by the source `github-copilot-estimate:<file>`.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Sequence
from pathlib import Path

from data_sources.errors import BadUsageFile
from data_sources.usage_import.core import (
    Counts,
    KeyMap,
    Part,
    Unmatched,
    duckdb_failure,
    literal,
    weekly_counts,
)
from data_sources.usage_import.events import head
from portfolio.usage_sources import GITHUB_COPILOT, GITHUB_COPILOT_ESTIMATE

TOOL = "GitHub Copilot"
USERS, TEAMS, LEGACY = "users", "teams", "legacy"
MAX_JSON_BYTES = 64 * 1024 * 1024  # a year of daily legacy entries is a few megabytes
PEEK_BYTES = 1024 * 1024
ACTIVITY = (
    "user_initiated_interaction_count",
    "code_generation_activity_count",
    "code_acceptance_activity_count",
)
FLAGS = ("used_chat", "used_agent", "used_cli")
USER_COLUMNS = {
    "day": "VARCHAR",
    "user_id": "VARCHAR",
    "user_login": "VARCHAR",
    "organization_id": "VARCHAR",
    "enterprise_id": "VARCHAR",
    **{name: "DOUBLE" for name in ACTIVITY},
    **{name: "BOOLEAN" for name in FLAGS},
}
TEAM_COLUMNS = {
    "day": "VARCHAR",
    "user_id": "VARCHAR",
    "user_login": "VARCHAR",
    "team_id": "VARCHAR",
    "slug": "VARCHAR",
}


def _open_text(path: Path):
    start = head(path, 2)
    opener = gzip.open if start == b"\x1f\x8b" else open
    return opener(path, "rt", encoding="utf-8")


def _expected(path: Path, found: str) -> BadUsageFile:
    return BadUsageFile(
        title=f"{path} is not a GitHub Copilot usage report ({found})",
        what_to_do="Give the per-user NDJSON reports (users-1-day: day, user_id, user_login, "
        "…), the user-teams reports (team_id, slug) or the metrics API's daily JSON list "
        "(date, total_active_users); nothing was written.",
    )


def _whole_json(path: Path) -> object:
    if path.stat().st_size > MAX_JSON_BYTES:
        raise _expected(path, "a JSON document larger than a metrics export")
    try:
        with _open_text(path) as handle:
            return json.load(handle)
    except UnicodeDecodeError:
        raise BadUsageFile(
            title=f"{path} is not UTF-8 text", what_to_do="Export it again."
        ) from None
    except ValueError as exc:
        raise _expected(
            path, f"not JSON: {exc.__class__.__name__} at line {getattr(exc, 'lineno', '?')}"
        ) from None


def shape(path: Path) -> tuple[str, object]:
    """(USERS | TEAMS | LEGACY, the legacy entries or None); BadUsageFile for another shape."""
    try:
        with _open_text(path) as handle:
            text = handle.read(PEEK_BYTES)
    except UnicodeDecodeError:
        raise BadUsageFile(
            title=f"{path} is not UTF-8 text",
            what_to_do="Download the report again (GitHub writes UTF-8); nothing was written.",
        ) from None
    stripped = text.lstrip()
    if stripped.startswith("["):
        return _legacy_entries(path, _whole_json(path))
    if not stripped.startswith("{"):
        raise _expected(path, "it is not JSON")
    first_line = stripped.split("\n", 1)[0]
    try:
        record = json.loads(first_line)
    except ValueError:
        record = _whole_json(path)  # one JSON object over several lines
    if not isinstance(record, dict):
        raise _expected(path, "its first record is not an object")
    fields = set(record)
    if "download_links" in fields:
        raise BadUsageFile(
            title=f"{path} is the API's answer with download links, not the report",
            what_to_do="Download the NDJSON files its download_links point to (they expire "
            "soon) and import those; nothing was written.",
        )
    if "day_totals" in fields or "daily_active_users" in fields:
        raise BadUsageFile(
            title=f"{path} is an aggregated report (organization or enterprise totals)",
            what_to_do="Import the per-user reports (users-1-day or users-28-day) instead: "
            "weekly distinct users need one record per user; nothing was written.",
        )
    if "team_id" in fields and fields & {"user_id", "user_login"}:
        return TEAMS, None
    if "day" in fields and fields & {"user_id", "user_login"}:
        return USERS, None
    if "date" in fields and "total_active_users" in fields:
        return _legacy_entries(
            path, [json.loads(line) for line in text.splitlines() if line.strip()]
        )
    raise _expected(path, "its first record has the fields " + ", ".join(sorted(fields)[:12]))


def _legacy_entries(path: Path, data: object) -> tuple[str, object]:
    if not isinstance(data, list):
        raise _expected(path, "a JSON list was expected")
    entries: list[tuple[dt.date, int]] = []
    for i, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or "date" not in entry or "total_active_users" not in entry:
            raise _expected(path, f"entry {i} has no date and total_active_users")
        users = entry["total_active_users"]
        try:
            day = dt.date.fromisoformat(str(entry["date"])[:10])
        except ValueError:
            raise BadUsageFile(
                title=f'{path}, entry {i}, field "date": "{str(entry["date"])[:20]}" is not a date',
                what_to_do="Export it again; nothing was written.",
            ) from None
        if isinstance(users, bool) or not isinstance(users, int) or users < 0:
            raise BadUsageFile(
                title=f'{path}, entry {i}, field "total_active_users" is not a count of people',
                what_to_do="Export it again; nothing was written.",
            )
        entries.append((day, users))
    return LEGACY, entries


def _columns_sql(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in columns.items()) + "}"


def _read_sql(paths: Sequence[Path], columns: dict[str, str]) -> str:
    files = "[" + ", ".join(literal(p) for p in paths) + "]"
    return f"read_json({files}, format = 'newline_delimited', columns = {_columns_sql(columns)})"


def _active_sql() -> str:
    fields = [*ACTIVITY, *FLAGS]
    none = " AND ".join(f"{f} IS NULL" for f in fields)
    total = " + ".join(f"coalesce({f}, 0)" for f in ACTIVITY)
    flags = " OR ".join(f"coalesce({f}, false)" for f in FLAGS)
    return f"(({none}) OR ({total}) > 0 OR {flags})"


def collect(con, paths: Sequence[Path], keys: KeyMap) -> tuple[Counts, str, str, list[str]]:
    """(counts, source kind, default source name, notes) for the GitHub files given."""
    kinds = {path: shape(path) for path in paths}
    legacy = [p for p, (k, _) in kinds.items() if k == LEGACY]
    users = [p for p, (k, _) in kinds.items() if k == USERS]
    teams = [p for p, (k, _) in kinds.items() if k == TEAMS]
    if legacy and (users or teams):
        raise BadUsageFile(
            title="The metrics API's daily JSON and the per-user reports are mixed in one run",
            what_to_do="Import them in two runs: their counts are of different kinds "
            "(estimated and exact); nothing was written.",
        )
    if legacy:
        return _legacy(kinds, legacy, keys)
    if not users:
        raise BadUsageFile(
            title="Only user-teams reports were given: they say who is in which team, not "
            "who used Copilot",
            what_to_do="Add the per-user reports (users-1-day) of the same days.",
        )
    return _per_user(con, users, teams, keys)


def _per_user(con, users: list[Path], teams: list[Path], keys: KeyMap):
    key = literal(TOOL)
    user_sql = _read_sql(users, USER_COLUMNS)
    member = "coalesce(p.user_id, p.user_login)"
    try:
        if teams:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE teams AS SELECT DISTINCT "
                "coalesce(user_id, user_login) AS u, day, coalesce(slug, team_id) AS team "
                f"FROM {_read_sql(teams, TEAM_COLUMNS)}"
            )
        inactive, orgs = con.execute(
            f"SELECT count(*) FILTER (WHERE NOT {_active_sql()}), "
            "string_agg(DISTINCT coalesce(organization_id, enterprise_id), '+') "
            f"FROM {user_sql}"
        ).fetchall()[0]
    except Exception as error:  # duckdb.Error
        raise duckdb_failure(users[0], error) from None
    source_sql = f"(SELECT * FROM {user_sql} WHERE {_active_sql()}) p"
    if teams:
        key = "t.team"
        # the teams of the latest team day on or before the user's day (else the first)
        source_sql += (
            f" LEFT JOIN teams t ON t.u = {member} AND t.day = coalesce("
            "(SELECT max(day) FROM teams WHERE day <= p.day), (SELECT min(day) FROM teams))"
        )
    day = "NULLIF(trim(p.day), '')"
    part = Part(
        path=users[0] if len(users) == 1 else Path(", ".join(p.name for p in users)),
        source_sql=source_sql,
        key=key,
        time=f"TRY_CAST({day} AS TIMESTAMPTZ)",
        bad=f"({day} IS NOT NULL AND TRY_CAST({day} AS TIMESTAMPTZ) IS NULL)",
        user=member,
        raw_time="p.day",
        time_column="day",
    )
    counts = weekly_counts(con, [part], keys)
    notes = []
    if inactive:
        notes.append(f"Not counted: {inactive:,} user-day record(s) with no Copilot activity.")
    if teams:
        notes.append(
            "Users are counted in each of their teams; GitHub leaves out teams with "
            "fewer than five Copilot seats."
        )
    return counts, GITHUB_COPILOT, orgs or "+".join(sorted(p.stem for p in users)), notes


def _legacy(kinds: dict, legacy: list[Path], keys: KeyMap):
    weekly: dict[dt.date, int] = {}
    days = 0
    for path in legacy:
        for day, users in kinds[path][1]:
            monday = day - dt.timedelta(days=day.weekday())
            weekly[monday] = max(weekly.get(monday, 0), users)
            days += 1
    counts = Counts(events=days)
    target = keys.everything_to or keys.table.get(TOOL.lower())
    if target is None:
        counts.unmatched = [Unmatched(TOOL, days, keys.hint(TOOL))]
    else:
        counts.users = [(target, monday, n) for monday, n in sorted(weekly.items()) if n > 0]
    note = (
        "Estimated: the metrics API gives daily totals, so each week is its largest daily "
        "total_active_users, a lower bound of the people who used Copilot that week."
    )
    return counts, GITHUB_COPILOT_ESTIMATE, "+".join(sorted(p.stem for p in legacy)), [note]
