"""Delivering check-ins: submit one, list and send the outbox, and show local ones.

- **Google Sheets**: `submit` appends through data_sources.checkins.sheet; when anything
  fails, the check-in goes to the **outbox** and is sent later by `send_pending`, which reads
  the ids first and skips those that landed after all. The app never edits or deletes a row.
- **Sample or local file**: check-ins are appended to a local JSON-lines file, and
  `merge_local_checkins` (called by the loader) adds them to the workbook's CheckIns tab,
  so the demo works offline while the bundled sample and the user's file stay untouched.

>>> submit(checkin, resolve_source(secrets=read_secrets())).status   # doctest: +SKIP
'written'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from data_sources.checkins.local import OUTBOX_RETRY_SECONDS, CheckInOutbox, LocalCheckIns
from data_sources.checkins.model import COLUMNS, CheckIn, columns_of, fill_columns, ids_in, tab_in
from data_sources.checkins.sheet import (
    for_writing,
    not_writable,
    remember,
    send_to_sheet,
    writable,
    writer,
)
from data_sources.config import GSHEETS, SourceSpec
from data_sources.damaged import DamagedLine
from data_sources.errors import (
    NotConfigured,
    OutboxUnavailable,
    SheetNotShared,
    SourceError,
    TabMissing,
)
from data_sources.store import Pending, data_root, parse_stamp, target_key, timestamp_text
from portfolio import schema
from portfolio.model import RawWorkbook

_LOG = logging.getLogger(__name__)

WRITTEN = "written"
QUEUED = "queued"


@dataclass(frozen=True)
class Delivery:
    """What became of a check-in: `status` WRITTEN or QUEUED, `where` in words, and why
    it waits (`error`) when queued."""

    checkin: CheckIn
    status: str
    where: str
    error: SourceError | None = None

    @property
    def written(self) -> bool:
        return self.status == WRITTEN


def submit(checkin: CheckIn, spec: SourceSpec, *, data_dir: Path | None = None) -> Delivery:
    """Write one check-in to the source, or queue it in the outbox when the sheet fails.

    Raises OutboxUnavailable only when the check-in can be neither written nor kept (the
    data folder is not writable); the caller then keeps the form as typed.
    """
    directory = data_dir or data_root()
    if spec.kind != GSHEETS:
        store = LocalCheckIns(directory, target_key(spec))
        store.add(checkin)
        return Delivery(checkin, WRITTEN, f"the local check-ins file {store.path}")
    settings = spec.gsheets
    if settings is None:
        raise NotConfigured(title="The Google Sheets source has no [connections.gsheets]")
    try:
        send_to_sheet(writer(settings), [checkin])
    except SourceError as raw_error:
        error = for_writing(raw_error, settings)
        if isinstance(error, SheetNotShared | TabMissing):
            remember(settings, not_writable(error))
        outbox = CheckInOutbox(directory, target_key(spec))
        outbox.add(checkin, error=error.message)
        return Delivery(checkin, QUEUED, f"the outbox on this server ({outbox.path})", error)
    remember(settings, writable(settings))
    return Delivery(checkin, WRITTEN, f"the {schema.CHECKINS} tab of the Google Sheet")


@dataclass(frozen=True)
class SendReport:
    """One pass over the outbox: ids appended, ids found already in the sheet (an earlier
    attempt had landed), how many still wait, and why (`error`); `busy` when another
    sender held the outbox."""

    sent: tuple[str, ...] = ()
    already_there: tuple[str, ...] = ()
    remaining: int = 0
    error: SourceError | None = None
    busy: bool = False
    # Damaged lines whose check-in was recovered (queued, the line moved to the outbox's
    # quarantine file) and those still damaged, left in place for a person.
    recovered: tuple[DamagedLine, ...] = ()
    damaged: tuple[DamagedLine, ...] = ()

    @property
    def settled(self) -> int:
        return len(self.sent) + len(self.already_there)


def pending(spec: SourceSpec, *, data_dir: Path | None = None) -> list[Pending[CheckIn]]:
    """The check-ins waiting in this source's outbox (none for a non-sheet source)."""
    if spec.kind != GSHEETS:
        return []
    return CheckInOutbox(data_dir or data_root(), target_key(spec)).entries()


def damaged(spec: SourceSpec, *, data_dir: Path | None = None) -> list[DamagedLine]:
    """The lines of this source's outbox that hold no readable check-in (none for a
    non-sheet source), with what could be read of each; never changed here."""
    if spec.kind != GSHEETS:
        return []
    return CheckInOutbox(data_dir or data_root(), target_key(spec)).damaged()


def quarantine_path(spec: SourceSpec, *, data_dir: Path | None = None) -> Path:
    """Where `send_pending` moves the damaged lines whose check-in it recovered."""
    return CheckInOutbox(data_dir or data_root(), target_key(spec)).quarantine_path


def send_pending(
    spec: SourceSpec, *, data_dir: Path | None = None, now: dt.datetime | None = None
) -> SendReport:
    """Send the outbox to the sheet once each: ids already in CheckIns are dropped, the
    others go in one append. Safe to run from several sessions or a scheduled job at once.

    >>> send_pending(spec).sent            # doctest: +SKIP
    ('5cbda2d5-0f98-4f12-ac7f-3c5034e11e3f',)
    """
    if spec.kind != GSHEETS or spec.gsheets is None:
        return SendReport()
    settings = spec.gsheets
    outbox = CheckInOutbox(data_dir or data_root(), target_key(spec))
    stamp = timestamp_text(now or dt.datetime.now(dt.UTC))
    with outbox.sending() as mine:
        if not mine:
            return SendReport(remaining=len(outbox.entries()), busy=True)
        recovered = tuple(outbox.recover(now=now))
        waiting = outbox.entries()
        if not waiting:
            return SendReport(recovered=recovered, damaged=tuple(outbox.damaged()))
        ids = [p.item.checkin_id for p in waiting]
        try:
            sent, already = send_to_sheet(writer(settings), [p.item for p in waiting])
        except SourceError as raw_error:
            error = for_writing(raw_error, settings)
            outbox.settle(sent=(), failed=ids, error=error.message, at=stamp)
            return SendReport(
                remaining=len(outbox.entries()),
                error=error,
                recovered=recovered,
                damaged=tuple(outbox.damaged()),
            )
        outbox.settle(sent={*sent, *already})
        remember(settings, writable(settings))
        return SendReport(
            tuple(sent),
            tuple(already),
            remaining=len(outbox.entries()),
            recovered=recovered,
            damaged=tuple(outbox.damaged()),
        )


def retry_due(
    spec: SourceSpec, *, data_dir: Path | None = None, now: dt.datetime | None = None
) -> bool:
    """Whether a page load should try the outbox: something waits and the last attempt is
    at least OUTBOX_RETRY_SECONDS old (so reruns during an outage do not hammer the API)."""
    waiting = pending(spec, data_dir=data_dir)
    if not waiting:
        # A damaged line whose check-in can be recovered is as good as one waiting.
        return any(d.item is not None for d in damaged(spec, data_dir=data_dir))
    current = now or dt.datetime.now(dt.UTC)
    latest = max((parse_stamp(p.last_attempt_at or p.queued_at) for p in waiting), default=None)
    return latest is None or (current - latest).total_seconds() >= OUTBOX_RETRY_SECONDS


# -- the local check-ins in the workbook ------------------------------------------------------


def merge_local_checkins(
    raw: RawWorkbook, *, key: str, data_dir: Path | None = None
) -> RawWorkbook:
    """The workbook with the locally saved check-ins of source `key` added to its CheckIns
    tab (created when absent); rows whose checkin_id is in the tab already are not repeated.

    >>> merge_local_checkins(read_sample(), key="sample").tabs["CheckIns"][-1][:3]
    ... # doctest: +SKIP
    ['9b2f…', '2026-11-27T04:23:10Z', 'AI-014']
    """
    try:
        local = LocalCheckIns(data_dir or data_root(), key).all()
    except OutboxUnavailable as error:
        # The workbook itself was read fine; an unreadable local file must not blank it.
        _LOG.warning("Local check-ins not shown: %s", error)
        return raw
    if not local:
        return raw
    tab = tab_in(raw.tabs) or schema.CHECKINS
    rows = [list(row) for row in raw.tabs.get(tab, [])]
    header = list(rows[0]) if rows else list(COLUMNS)
    columns = columns_of(header)
    for name in fill_columns(columns, local):
        header.append(name)
        columns.append(name)
    present = ids_in(rows, columns)
    added = [c.row(columns) for c in local if c.checkin_id not in present]
    if not added:
        return raw
    tabs = dict(raw.tabs)
    tabs[tab] = [header, *rows[1:], *added]
    return dataclasses.replace(raw, tabs=tabs)
