"""`cli.py import-usage`: weekly active users per initiative from the tools' own records.

Formats (DESIGN.md section 2b):

- `events` — a generic event log (CSV, JSON lines, Parquet; CSV and JSON lines may be
  .gz): a time, a user and an `initiative_id` or a `tool` per row (`events.py`).
- `github-copilot` — GitHub's Copilot usage metrics: the per-user daily NDJSON reports
  (`users-1-day`, `users-28-day`), optionally with the `user-teams-1-day` reports for teams,
  exact; or the retired Copilot metrics API's daily JSON, estimated (`copilot.py`).
- `m365-copilot` — Microsoft 365's "Copilot usage user detail" CSV (`m365.py`).

Rules shared by all:

- **Weekly active users** = distinct users per initiative per week. Weeks start on Monday
  00:00 **UTC**, as in the Usage tab; a time without a zone is read as UTC.
- **Identity never leaves the importer.** Users are counted inside an in-memory DuckDB
  session that may not spill to disk (no temp directory); only (initiative_id, week,
  active_users, source) comes out, to the sheet or the local file. Messages name files,
  rows and columns, never a user value.
- **Values to initiatives** (`core.KeyMap`): `--initiative ID` takes every event; otherwise
  `--map VALUE=ID`, then an initiative id, then the Initiatives `tool` of exactly one
  initiative. Whatever matches nothing is listed with its event count and the `--map` that
  would take it in; events without a user or a time are counted and listed too.
- **Re-importing never double-counts**: every row carries its `source`, and for each
  (initiative, week, source) the latest row wins at read (`portfolio.usage_sources`).
- **Bad input** (no user or time column, a time that cannot be read, a report of another
  shape, a wrong encoding, a `.parquet` that is not Parquet) stops the run with the file,
  row and column named, before anything is written.
"""

from data_sources.usage_import.run import FORMATS, ImportResult, import_usage
from data_sources.usage_import.store import merge_local_usage

__all__ = ["FORMATS", "ImportResult", "import_usage", "merge_local_usage"]
