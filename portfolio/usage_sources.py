"""Where a Usage row came from, and which rows count when several speak for one week.

The Usage tab's optional `source` column says who wrote a row (DESIGN.md section 1): blank
means typed by hand; `events:<file>`, `github-copilot:<org>`, `github-copilot-estimate:<org>`,
`m365-copilot:<tenant>` (and `sql:` for the SQL source) are telemetry, written by
`cli.py import-usage` from the tools' own records. A source naming anything else was typed by
a person too and reads as typed.

The sheet stays append-only, so a re-import adds rows rather than editing them. `resolve`
decides, at read, which rows count; rows are never dropped (rows in = rows shown), a row that
does not count keeps its place with its numbers blanked and `_superseded` set:

1. **Latest wins within a telemetry source.** For each (initiative, week, source) only the
   last row counts (sheet order; rows imported into local files come after the sheet's).
   Re-importing a file or an overlapping period therefore never double-counts, and a
   corrected export replaces the old figure. A superseded row's `active_users` and
   `measured_hours_saved` are blanked.
2. **Telemetry over typed.** Users of different sources cannot be added up (the same person
   shows up in each), and a number typed by the team that reports the status is the very
   self-report the evidence checks. So for an (initiative, week) with a telemetry count, the
   typed rows' `active_users` do not count (blanked; their `measured_hours_saved` still do:
   no tool measures hours).
3. What is left per (initiative, week) is read as before by the evidence: the largest
   `active_users` of the rows (several telemetry sources: the largest, a lower bound of the
   distinct people; several typed rows without telemetry: the largest, as people type them).

Typed rows are not subject to rule 1: people edit their rows in place, so two typed rows of
one week are two claims, not a correction.

Weeks are compared by their Monday, as everywhere Usage is read.

>>> usage = pd.DataFrame({
...     "initiative_id": ["AI-1", "AI-1", "AI-1"],
...     "week": pd.to_datetime(["2026-03-02", "2026-03-02", "2026-03-04"]),
...     "active_users": pd.array([40, 7, 9], dtype="Int64"),
...     "measured_hours_saved": [3.0, None, None],
...     "source": pd.array(["", "events:log.csv", "events:log.csv"], dtype="string"),
... })
>>> resolve(usage)["active_users"].tolist()
[<NA>, <NA>, 9]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SOURCE = "source"
SUPERSEDED = "_superseded"  # True: the row is kept but its active_users do not count

TYPED = "typed"
TELEMETRY = "telemetry"
# Source prefixes (before the first ":") written by importers and the SQL source.
EVENTS = "events"
GITHUB_COPILOT = "github-copilot"
GITHUB_COPILOT_ESTIMATE = "github-copilot-estimate"
M365_COPILOT = "m365-copilot"
SQL = "sql"
TELEMETRY_KINDS = (EVENTS, GITHUB_COPILOT, GITHUB_COPILOT_ESTIMATE, M365_COPILOT, SQL)


def source_kind(source: object) -> str:
    """The part of a source before its first ":", folded ('' for blank).

    >>> source_kind("GitHub-Copilot: acme/platform")
    'github-copilot'
    """
    if source is None or (not isinstance(source, str) and pd.isna(source)):
        return ""
    return str(source).split(":", 1)[0].strip().casefold()


def is_telemetry(sources: pd.Series) -> np.ndarray:
    """Whether each source names telemetry (an importer or SQL) rather than a person.

    >>> is_telemetry(pd.Series(["", "events:a.csv", "my notes", None])).tolist()
    [False, True, False, False]
    """
    codes, distinct = pd.factorize(sources.astype("object"), use_na_sentinel=True)
    kinds = np.array([source_kind(s) in TELEMETRY_KINDS for s in distinct] + [False], dtype=bool)
    return kinds[codes]


def _mondays(weeks: pd.Series) -> np.ndarray:
    dates = pd.to_datetime(weeks, errors="coerce")
    return (dates - pd.to_timedelta(dates.dt.dayofweek, unit="D")).dt.normalize().to_numpy()


def resolve(usage: pd.DataFrame) -> pd.DataFrame:
    """The Usage frame with the rows that do not count blanked and flagged (`_superseded`).

    The rules are in the module docstring; the frame keeps every row, in order.
    """
    out = usage.copy()
    n = len(out)
    superseded = np.zeros(n, dtype=bool)
    if n == 0 or SOURCE not in out.columns or "initiative_id" not in out.columns:
        out[SUPERSEDED] = superseded
        return out
    telemetry = is_telemetry(out[SOURCE])
    if not telemetry.any():
        out[SUPERSEDED] = superseded
        return out
    keys = pd.DataFrame(
        {
            "id": out["initiative_id"].astype("object").to_numpy(),
            "week": _mondays(out["week"]) if "week" in out.columns else pd.NaT,
            "source": out[SOURCE].astype("object").map(_source_key).to_numpy(),
        }
    )
    keyed = keys["id"].notna().to_numpy() & keys["week"].notna().to_numpy()
    tele = telemetry & keyed
    # 1. latest wins within a telemetry source
    later = keys[tele].duplicated(subset=["id", "week", "source"], keep="last").to_numpy()
    old = np.flatnonzero(tele)[later]
    superseded[old] = True
    users = (
        out["active_users"] if "active_users" in out.columns else pd.Series(pd.NA, index=out.index)
    )
    counted = tele & ~superseded & users.notna().to_numpy()
    # 2. telemetry over typed, per (initiative, week)
    covered = pd.MultiIndex.from_frame(keys.loc[counted, ["id", "week"]])
    typed = keyed & ~telemetry
    if typed.any() and len(covered):
        pairs = pd.MultiIndex.from_frame(keys.loc[typed, ["id", "week"]])
        overruled = np.flatnonzero(typed)[pairs.isin(covered)]
        superseded[overruled] = True
        _blank(out, overruled, ("active_users",))
    _blank(out, old, ("active_users", "measured_hours_saved"))
    out[SUPERSEDED] = superseded
    return out


def _source_key(source: object) -> str:
    """A source as compared for rule 1: trimmed, with its kind folded."""
    text = "" if source is None or pd.isna(source) else str(source).strip()
    kind, sep, rest = text.partition(":")
    return f"{kind.strip().casefold()}{sep}{rest.strip()}"


def _blank(frame: pd.DataFrame, rows: np.ndarray, columns: tuple[str, ...]) -> None:
    if not len(rows):
        return
    for column in columns:
        if column in frame.columns:
            at = frame.columns.get_loc(column)
            frame.iloc[rows, at] = pd.NA if frame[column].dtype != "float64" else np.nan
