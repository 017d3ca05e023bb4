"""The check-ins kept on this server: those of a sample or local-file source, saved for
good beside the data, and those waiting in the outbox for a sheet that failed.

`checkins/<source>.jsonl` and `outbox/<source>.jsonl` in the data folder (data_sources.store).
"""

from __future__ import annotations

from pathlib import Path

from data_sources.checkins.model import CheckIn, checkin_or_none
from data_sources.damaged import DamagedLine
from data_sources.store import JSONL, JsonLines, Outbox, OutboxKind

LOCAL_CHECKINS = "checkins"
# A page load retries the outbox at most this often, so an outage is not hammered by reruns.
OUTBOX_RETRY_SECONDS = 60

# How the outbox holds a check-in: {"checkin": {...}, "queued_at": ..., "attempts": ...}.
CHECKIN_OUTBOX: OutboxKind[CheckIn] = OutboxKind(
    field="checkin",
    encode=CheckIn.to_dict,
    decode=checkin_or_none,
    ident=lambda checkin: checkin.checkin_id,
)


class LocalCheckIns:
    """The check-ins written for a sample or local-file source, beside the outbox.

    >>> store = LocalCheckIns(Path("/tmp/gt-data"), "sample")    # doctest: +SKIP
    >>> store.add(checkin), [c.checkin_id for c in store.all()]  # doctest: +SKIP
    (True, ['5cbd…'])
    """

    def __init__(self, directory: Path, key: str) -> None:
        self.file = JsonLines(directory / LOCAL_CHECKINS / f"{key}{JSONL}")

    @property
    def path(self) -> Path:
        return self.file.path

    def all(self) -> list[CheckIn]:
        records, _ = self.file.read()
        return [c for c in map(checkin_or_none, records) if c is not None]

    def add(self, checkin: CheckIn) -> bool:
        """Append the check-in unless its id is there already; True when it was added."""
        with self.file.locked():
            records, broken = self.file.read()
            if any(r.get("checkin_id") == checkin.checkin_id for r in records):
                return False
            self.file.rewrite([*records, checkin.to_dict()], broken)
        return True


class CheckInOutbox(Outbox[CheckIn]):
    """The check-ins that could not be written to one sheet yet, in arrival order."""

    def __init__(self, directory: Path, key: str) -> None:
        super().__init__(directory, key, CHECKIN_OUTBOX)


# What a report may quote from a damaged check-in line: not the author (a person) nor the note.
_QUOTED = ("checkin_id", "timestamp", "initiative_id", "reported_status", "stage", "active_users")


def describe_damaged(line: DamagedLine) -> str:
    """What a damaged outbox line held, in words, without the author or the note.

    >>> describe_damaged(DamagedLine(Path("x"), 3, "", {"checkin": {"checkin_id": "c-2"}}))
    'cut off; what can be read: checkin_id c-2 (type it again on Check in)'
    """
    if isinstance(line.item, CheckIn):
        c = line.item
        return (
            f"check-in {c.checkin_id} for {c.initiative_id} ({c.reported_status or 'no status'}, "
            f"{c.stage or 'no stage'}) is whole and can be recovered"
        )
    inner = line.fields.get(CHECKIN_OUTBOX.field)
    read = inner if isinstance(inner, dict) else {}
    parts = [f"{key} {read[key]}" for key in _QUOTED if key in read and read[key] not in (None, "")]
    if not parts:
        return "nothing in it can be read as a check-in"
    return f"cut off; what can be read: {', '.join(parts)} (type it again on Check in)"
