"""Writing check-ins to the Google Sheet: one append per attempt, and whether the app may.

The CheckIns tab is read (one `values:batchGet`: its header and the ids already there), then
the new rows go out in one `values:append` with `valueInputOption=RAW` and
`insertDataOption=INSERT_ROWS`. RAW stores a note such as `=IMPORTXML(...)` or `+cmd` as
text: user text never becomes a formula. Each request is sent once (no blind HTTP retry of
an append whose answer may have been lost). `write_access` says before anyone types whether
a check-in can be written and where it goes.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data_sources.checkins.local import OUTBOX_RETRY_SECONDS
from data_sources.checkins.model import (
    COLUMNS,
    CheckIn,
    columns_of,
    fill_columns,
    ids_in,
    tab_in,
)
from data_sources.config import GSHEETS, GSheetsSettings, SourceSpec
from data_sources.errors import (
    NotConfigured,
    SheetNotShared,
    SheetReadOnly,
    SourceError,
    TabMissing,
)
from data_sources.retry import RetryPolicy
from portfolio import schema

# How long "can the app write?" is believed before it is asked again.
WRITE_ACCESS_TTL_SECONDS = 10 * 60
# A write waits this long for an answer; then it is queued (the outbox re-checks before
# sending again), so a person at the form never waits for the whole read retry budget.
WRITE_TIMEOUT_SECONDS = 15.0
NEVER = math.inf


def _send_once() -> float:
    return 1.0


# Each request is sent once: a backoff longer than the time bound ends the retry loop after
# the first failure. An append whose answer was lost may have landed, so re-sending it blindly
# could write it twice; the outbox re-reads the ids before the next attempt instead.
WRITE_POLICY = RetryPolicy(
    read_timeout=WRITE_TIMEOUT_SECONDS,
    total_seconds=WRITE_TIMEOUT_SECONDS,
    backoff_base=NEVER,
    backoff_cap=NEVER,
    jitter=_send_once,
)

_writers: dict[GSheetsSettings, Any] = {}
_writers_lock = threading.Lock()


def writer(settings: GSheetsSettings):  # -> GoogleSheetSource, imported lazily
    """The process's one sheet source for writing to these settings (WRITE_POLICY)."""
    from data_sources.google_sheet import GoogleSheetSource

    with _writers_lock:
        source = _writers.get(settings)
        if source is None:
            source = _writers[settings] = GoogleSheetSource(settings, policy=WRITE_POLICY)
        return source


def forget_writers() -> None:
    """Drop the per-process sheet writers and what they learnt about write access (tests)."""
    with _writers_lock:
        _writers.clear()
    with _access_lock:
        _access.clear()


def missing_tab(have: list[str]) -> TabMissing:
    """The error for a sheet without a CheckIns tab, saying which header to add."""
    return TabMissing(
        title=f'The spreadsheet has no tab named "{schema.CHECKINS}"',
        what_to_do=(
            f"Add a tab named {schema.CHECKINS} whose first row is: {', '.join(COLUMNS)}; "
            "check-ins typed meanwhile are kept on this server and sent then."
        ),
        detail=f"tabs present: {', '.join(have)}" if have else None,
    )


def send_to_sheet(source: Any, checkins: list[CheckIn]) -> tuple[list[str], list[str]]:
    """Append the check-ins the sheet lacks in one request; (appended ids, ids already there)."""
    tab = tab_in(source.tab_titles())
    if tab is None:
        raise missing_tab(list(source.tab_titles()))
    rows = source.read_tab(tab)
    header = list(rows[0]) if rows else []
    columns = columns_of(header) if header else list(COLUMNS)
    present = ids_in(rows, columns)
    fresh: dict[str, CheckIn] = {}
    for checkin in checkins:
        if checkin.checkin_id not in present:
            fresh.setdefault(checkin.checkin_id, checkin)
    already = [c.checkin_id for c in checkins if c.checkin_id in present]
    if not fresh:
        return [], already
    lacking = fill_columns(columns, list(fresh.values())) if header else []
    if lacking:
        raise NotConfigured(
            title=f"The {tab} tab has no column {', '.join(lacking)}",
            what_to_do=(
                f"Add {', '.join(lacking)} to the first row of {tab} (the full header is "
                f"{', '.join(COLUMNS)}); check-ins typed meanwhile are kept and sent then."
            ),
        )
    out = [] if header else [list(COLUMNS)]
    out += [checkin.row(columns) for checkin in fresh.values()]
    source.append_rows(tab, out)
    return list(fresh), already


def for_writing(error: SourceError, settings: GSheetsSettings) -> SourceError:
    """A 403 on a write means the account lacks the Editor role (it may well read)."""
    if isinstance(error, SheetNotShared) and not isinstance(error, SheetReadOnly):
        return SheetReadOnly.for_account(settings.client_email, detail=error.detail)
    return error


# -- can the app write? ----------------------------------------------------------------------


@dataclass(frozen=True)
class WriteAccess:
    """Whether check-ins can be written (None: cannot tell now), and the sentence to show."""

    can_write: bool | None
    message: str
    error: SourceError | None = None


_access: dict[GSheetsSettings, tuple[float, WriteAccess]] = {}
_access_lock = threading.Lock()


def remember(settings: GSheetsSettings, access: WriteAccess) -> WriteAccess:
    """Keep `access` as the latest answer for these settings, and return it."""
    with _access_lock:
        _access[settings] = (time.monotonic(), access)
    return access


def writable(settings: GSheetsSettings) -> WriteAccess:
    """The answer for a sheet the app may write to."""
    return WriteAccess(
        True,
        f"Check-ins are appended to the {schema.CHECKINS} tab of the sheet as "
        f"{settings.client_email or 'the service account'}.",
    )


def not_writable(error: SourceError) -> WriteAccess:
    """The answer for a sheet the app may not write to, and why."""
    return WriteAccess(False, error.message, error)


def cannot_tell(error: SourceError | None) -> WriteAccess:
    """The answer while the sheet does not answer (check-ins are kept meanwhile)."""
    why = f" ({error.title})" if error is not None else " (it did not answer the last read)"
    return WriteAccess(
        None,
        f"Cannot tell right now whether the app may write to the sheet{why}. "
        "A check-in typed now is kept on this server and sent when the sheet answers.",
        error,
    )


def write_access(
    spec: SourceSpec,
    *,
    data_dir: Path | None = None,
    refresh: bool = False,
    sheet_answered: bool = True,
) -> WriteAccess:
    """Say, before anyone types, whether a check-in can be written and where it goes.

    For Google Sheets this asks the API to append no rows (Google checks the edit right and
    writes nothing), at most once per WRITE_ACCESS_TTL_SECONDS per sheet and process; a
    real write updates the answer. A Viewer-only account gets the Editor instructions.
    `sheet_answered=False` (the last read failed) answers "cannot tell" without a request,
    and so does a probe that failed less than OUTBOX_RETRY_SECONDS ago, so reruns during
    an outage never wait on the API.
    """
    if spec.kind != GSHEETS:
        kept = "The bundled sample" if spec.kind != "file" else "The file"
        # The page shows this: a file on the server is named by what it is, not by its path.
        return WriteAccess(
            True,
            "This source is not a Google Sheet, so check-ins are saved on this server "
            f"and shown at once. {kept} itself is not changed.",
        )
    settings = spec.gsheets
    if settings is None:
        return not_writable(NotConfigured(title="The Google Sheets source has no settings"))
    with _access_lock:
        cached = _access.get(settings)
    if cached is not None and not refresh:
        checked, access = cached
        ttl = OUTBOX_RETRY_SECONDS if access.can_write is None else WRITE_ACCESS_TTL_SECONDS
        if time.monotonic() - checked < ttl:
            return access
    if not sheet_answered:
        return cannot_tell(None)
    source = writer(settings)
    try:
        tab = tab_in(source.tab_titles())
        if tab is None:
            return remember(settings, not_writable(missing_tab(list(source.tab_titles()))))
        source.check_append(tab)
    except (SheetNotShared, TabMissing) as error:
        return remember(settings, not_writable(for_writing(error, settings)))
    except SourceError as error:
        # An outage says nothing about the right to edit: remembered briefly, to be asked
        # again soon rather than on every rerun.
        return remember(settings, cannot_tell(error))
    return remember(settings, writable(settings))
