"""Team check-ins: validate one, append it once to the CheckIns tab, and never lose it.

The write path of the dashboard (DESIGN.md section 1, CheckIns), in four modules:

- `model`: the CheckIn row, `new_checkin`'s validation, the tab's header columns;
- `local`: the check-ins kept on this server (a local source's file, a sheet's outbox),
  built on data_sources.store (JSON-lines under a lock, rewritten atomically);
- `sheet`: the one-request append to the Google Sheet and `write_access`;
- `delivery`: `submit`, `pending`, `damaged` (outbox lines that cannot be read, by line
  number, never dropped), `send_pending`, `retry_due`, `merge_local_checkins`.

Callers use this package's names: `from data_sources import checkins; checkins.submit(...)`.

>>> checkin = new_checkin(initiative_id="AI-001", reported_status="green", stage="Pilot",
...                       active_users="12", note="=SUM(A1)", known_ids={"AI-001"})
>>> (checkin.reported_status, checkin.active_users, checkin.note)
('Green', 12, '=SUM(A1)')
>>> submit(checkin, resolve_source(secrets=read_secrets())).status   # doctest: +SKIP
'written'
"""

from data_sources.checkins.delivery import (
    QUEUED,
    WRITTEN,
    Delivery,
    SendReport,
    damaged,
    merge_local_checkins,
    pending,
    quarantine_path,
    retry_due,
    send_pending,
    submit,
)
from data_sources.checkins.local import (
    OUTBOX_RETRY_SECONDS,
    CheckInOutbox,
    LocalCheckIns,
    describe_damaged,
)
from data_sources.checkins.model import (
    COLUMNS,
    NOTE_MAX_CHARS,
    CheckIn,
    columns_of,
    new_checkin,
    removed_notice,
)
from data_sources.checkins.sheet import (
    WRITE_POLICY,
    forget_writers,
    write_access,
)
from data_sources.errors import InvalidCheckIn, OutboxUnavailable, SheetReadOnly
from data_sources.store import target_key, timestamp_text

__all__ = [
    "COLUMNS",
    "NOTE_MAX_CHARS",
    "OUTBOX_RETRY_SECONDS",
    "QUEUED",
    "WRITE_POLICY",
    "WRITTEN",
    "CheckIn",
    "CheckInOutbox",
    "Delivery",
    "InvalidCheckIn",
    "LocalCheckIns",
    "OutboxUnavailable",
    "SendReport",
    "SheetReadOnly",
    "columns_of",
    "damaged",
    "describe_damaged",
    "forget_writers",
    "merge_local_checkins",
    "new_checkin",
    "pending",
    "quarantine_path",
    "removed_notice",
    "retry_due",
    "send_pending",
    "submit",
    "target_key",
    "timestamp_text",
    "write_access",
]
