"""Microsoft 365's "Copilot usage user detail" report as weekly active users.

The report (admin center export, or Graph `getMicrosoft365CopilotUsageUserDetail` as CSV)
has one row per licensed user: `Report Refresh Date`, `User Principal Name`, `Display
Name`, `Last Activity Date`, one `… Last Activity Date` per app (`Microsoft Teams Copilot`,
`Word Copilot`, `Excel Copilot`, `PowerPoint Copilot`, `Outlook Copilot`, `OneNote Copilot`,
`Loop Copilot`, `Copilot Chat`, …) and `Report Period`.

**The limit.** A snapshot holds each user's *last* activity only: it proves that the user
was active in the week that date falls in, and says nothing about earlier weeks of a user
who came back since. So a snapshot gives the week of its refresh date (up to that date)
exactly, and earlier weeks only as lower bounds. Several snapshots over time build the
history: import each one as it comes (weekly exports are best). Each snapshot's rows have
the source `m365-copilot:<refresh date>`, so importing it again replaces its own rows while
different snapshots stand side by side; for a week, the largest of them counts
(`portfolio.usage_sources`), which is the best of their lower bounds. Several snapshots given
in one run are counted together (a user in two of them is one user).

Values matched to initiatives: "Microsoft 365 Copilot" for any app (`Last Activity Date`),
and each app by its name (e.g. `--map 'Word Copilot=AI-9'`). `--initiative ID` counts any app.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from data_sources.errors import BadUsageFile
from data_sources.usage_import.core import Counts, KeyMap, Part, ident, literal, weekly_counts
from data_sources.usage_import.events import CSV, check_bytes, columns, kind_of, table_sql

ANY_APP = "Microsoft 365 Copilot"
LAST_ACTIVITY = "Last Activity Date"
REFRESH = "Report Refresh Date"
USER = "User Principal Name"


def _named(found: dict[str, str], name: str) -> str | None:
    folded = {k.strip().casefold(): k for k in found}
    return folded.get(name.casefold())


def _parts(con, path: Path, *, any_app_only: bool) -> tuple[list[Part], str]:
    if kind_of(path) != CSV:
        raise BadUsageFile(
            title=f"{path} is not a CSV file",
            what_to_do="Export the Copilot usage user detail report as CSV; nothing was written.",
        )
    check_bytes(path, CSV)
    source_sql = table_sql(path, CSV, text=True)
    found = columns(con, path, source_sql)
    user, overall, refresh = (_named(found, n) for n in (USER, LAST_ACTIVITY, REFRESH))
    if user is None or overall is None or refresh is None:
        missing = [
            n for n, c in ((USER, user), (LAST_ACTIVITY, overall), (REFRESH, refresh)) if c is None
        ]
        raise BadUsageFile(
            title=f"{path} is not a Copilot usage user detail report (no {', '.join(missing)} "
            "column)",
            what_to_do="Export Reports > Usage > Microsoft 365 Copilot > user detail as CSV "
            "(or Graph getMicrosoft365CopilotUsageUserDetail with $format=text/csv); "
            "nothing was written.",
        )
    apps = {ANY_APP: overall}
    if not any_app_only:
        for name in found:
            if name.strip().endswith(LAST_ACTIVITY) and name != overall:
                apps[name.strip()[: -len(LAST_ACTIVITY)].strip()] = name
    parts = []
    for app, column in apps.items():
        text = f"NULLIF(trim({ident(column)}), '')"
        parts.append(
            Part(
                path=path,
                source_sql=source_sql,
                key=literal(app),
                time=f"TRY_CAST({text} AS TIMESTAMPTZ)",
                bad=f"({text} IS NOT NULL AND TRY_CAST({text} AS TIMESTAMPTZ) IS NULL)",
                user=ident(user),
                raw_time=ident(column),
                time_column=column,
                blank_is_nothing=True,
            )
        )
    refreshed = con.execute(
        f"SELECT string_agg(DISTINCT trim({ident(refresh)}), '+' ORDER BY trim({ident(refresh)})) "
        f"FROM {source_sql}"
    ).fetchall()[0][0]
    return parts, refreshed or path.stem


def collect(con, paths: Sequence[Path], keys: KeyMap) -> tuple[Counts, str, str, list[str]]:
    """(counts, source kind, default source name, notes) for the report CSVs given."""
    from portfolio.usage_sources import M365_COPILOT

    parts: list[Part] = []
    refreshed: list[str] = []
    for path in paths:
        found, when = _parts(con, path, any_app_only=keys.everything_to is not None)
        parts += found
        refreshed += when.split("+")
    counts = weekly_counts(con, parts, keys)
    dates = sorted(set(refreshed))
    name = dates[0] if len(dates) == 1 else f"{dates[0]}..{dates[-1]}"
    note = (
        "From last-activity dates: each week counts the users whose last activity fell in it, "
        f"exact for the week of the refresh date ({', '.join(dates)}) and a lower bound for "
        "earlier weeks; import each new snapshot to build the history."
    )
    return counts, M365_COPILOT, name, [note]
