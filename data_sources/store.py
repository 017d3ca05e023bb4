"""Files in the data folder that several sessions change at once: JSON-lines under a lock,
and an outbox of items waiting to be sent.

`JsonLines` is a file changed only under an exclusive `fcntl.flock` on a lock file beside it
and rewritten atomically (temporary file, then `os.replace`), so concurrent sessions,
processes and the CLI never lose a line; a line it cannot read is kept verbatim. `Outbox`
queues items of one kind (`OutboxKind`: check-ins, digests, …) for one target, counts the
attempts, and holds a second lock for a whole send so two senders never send the same item.

Files live in the data folder (`GROUNDTRUTH_DATA_DIR`, else `<project>/data`, git-ignored),
one per source: `outbox/<source>.jsonl` for check-ins.

>>> kind = OutboxKind("note", encode=dict, decode=lambda r: r, ident=lambda r: r["id"])
>>> box = Outbox(Path("/tmp/gt-data"), "sample", kind)         # doctest: +SKIP
>>> box.add({"id": "n-1"}, error="the server did not answer")   # doctest: +SKIP
True
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import os
import tempfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from data_sources import snapshot
from data_sources.config import SourceSpec
from data_sources.damaged import DamagedLine, complete_object, salvage
from data_sources.errors import OutboxUnavailable

OUTBOX = "outbox"
JSONL = ".jsonl"
LOCK_SUFFIX = ".lock"
SEND_LOCK_SUFFIX = ".sending"
TEMP_PREFIX = ".tmp-"
DAMAGED_SUFFIX = ".damaged.jsonl"  # damaged lines whose item was recovered, kept verbatim
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # UTC, read back by portfolio.parse as ISO

Item = TypeVar("Item")


def data_root() -> Path:
    """The data folder: `$GROUNDTRUTH_DATA_DIR`, else `<project>/data` (as snapshots use)."""
    return snapshot.default_directory().parent


def target_key(spec: SourceSpec) -> str:
    """The file-name key of a source, shared with its snapshot: 'sample', 'gsheets-1AbC…'."""
    return snapshot.source_key(spec.kind, spec.location)


def timestamp_text(moment: dt.datetime) -> str:
    """A moment as written to the sheet and the files: ISO, UTC, to the second.

    >>> timestamp_text(dt.datetime(2026, 6, 1, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    '2026-06-01T09:00:00Z'
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime(TIMESTAMP_FORMAT)


def parse_stamp(text: str) -> dt.datetime | None:
    """The moment written by `timestamp_text`; None for any other text."""
    try:
        return dt.datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def open_lock(path: Path) -> IO[str]:
    """The lock file at `path`, opened (its folder made) for flock; OutboxUnavailable if not."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "a")  # the caller closes it, with its lock, after its block
    except OSError as exc:
        raise OutboxUnavailable(detail=f"{path}: {exc.strerror}") from None


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive flock on the lock file at `path` for the block (others wait)."""
    with open_lock(path) as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class JsonLines:
    """A JSON-lines file changed only under an exclusive flock and rewritten atomically.

    Lines that cannot be read are kept verbatim on rewrite: a damaged line is never dropped.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + LOCK_SUFFIX)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        with exclusive_lock(self.lock_path):
            yield

    def scan(self) -> list[tuple[int, str, dict[str, Any] | None]]:
        """(1-based line number, text, record or None when not a JSON object) of each
        non-blank line; an absent file has none."""
        try:
            # Bytes that are not UTF-8 are carried through unchanged (rewritten as they were).
            text = self.path.read_text(encoding="utf-8", errors="surrogateescape")
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise OutboxUnavailable(detail=f"{self.path}: {exc.strerror}") from None
        out: list[tuple[int, str, dict[str, Any] | None]] = []
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            out.append((number, line, record if isinstance(record, dict) else None))
        return out

    def read(self) -> tuple[list[dict[str, Any]], list[str]]:
        """(records, unreadable lines); an absent file has neither."""
        records: list[dict[str, Any]] = []
        broken: list[str] = []
        for _, line, record in self.scan():
            if record is None:
                broken.append(line)
            else:
                records.append(record)
        return records, broken

    def rewrite(self, records: list[dict[str, Any]], broken: list[str]) -> None:
        """Replace the file with these lines, atomically (call under `locked`). Unreadable
        lines go first, so the line numbers a report gave them stay true while items come
        and go after them; bytes that were not UTF-8 are written back as they were read."""
        lines = list(broken)
        lines += [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records]
        self._replace([b"".join(f"{line}\n".encode("utf-8", "surrogateescape") for line in lines)])

    def append_encoded(self, lines: list[str]) -> None:
        """Add lines already encoded as JSON after the file's own, atomically and without
        decoding the lines already there (half a million imported rows; call under `locked`).
        """
        try:
            old = self.path.read_bytes()
        except FileNotFoundError:
            old = b""
        except OSError as exc:
            raise OutboxUnavailable(detail=f"{self.path}: {exc.strerror}") from None
        if old and not old.endswith(b"\n"):
            old += b"\n"
        self._replace([old, "".join(f"{line}\n" for line in lines).encode()])

    def _replace(self, chunks: list[bytes]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=self.path.parent)
            try:
                with os.fdopen(handle, "wb") as out:
                    for chunk in chunks:
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temp, self.path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp)
                raise
        except OSError as exc:
            raise OutboxUnavailable(detail=f"{self.path}: {exc.strerror}") from None


@dataclass(frozen=True)
class OutboxKind(Generic[Item]):
    """How an outbox holds one kind of item: the key of the item in each line, how it is
    written and read back (`decode` answers None for a record it cannot use), its id, and
    the folder under the data folder."""

    field: str
    encode: Callable[[Item], dict[str, Any]]
    decode: Callable[[object], Item | None]
    ident: Callable[[Item], str]
    folder: str = OUTBOX


@dataclass(frozen=True)
class Pending(Generic[Item]):
    """An item waiting in an outbox, with the story of its attempts."""

    item: Item
    queued_at: str
    attempts: int = 1
    last_attempt_at: str = ""
    last_error: str = ""

    def to_dict(self, kind: OutboxKind[Item]) -> dict[str, Any]:
        return {
            kind.field: kind.encode(self.item),
            "queued_at": self.queued_at,
            "attempts": self.attempts,
            "last_attempt_at": self.last_attempt_at,
            "last_error": self.last_error,
        }

    @classmethod
    def from_dict(cls, record: dict[str, Any], kind: OutboxKind[Item]) -> Pending[Item] | None:
        item = kind.decode(record.get(kind.field))
        if item is None:
            return None
        attempts = record.get("attempts")
        return cls(
            item=item,
            queued_at=str(record.get("queued_at") or ""),
            attempts=attempts if isinstance(attempts, int) else 1,
            last_attempt_at=str(record.get("last_attempt_at") or ""),
            last_error=str(record.get("last_error") or ""),
        )


class Outbox(Generic[Item]):
    """Items that could not be sent to one target yet, in arrival order.

    `add` and `settle` hold the file lock briefly; `sending()` holds a second lock for a
    whole send, so two senders never race to send the same item.
    """

    def __init__(self, directory: Path, key: str, kind: OutboxKind[Item]) -> None:
        self.kind = kind
        self.file = JsonLines(directory / kind.folder / f"{key}{JSONL}")
        self._send_lock_path = self.file.path.with_name(self.file.path.name + SEND_LOCK_SUFFIX)

    @property
    def path(self) -> Path:
        return self.file.path

    def _pending(self, record: dict[str, Any]) -> Pending[Item] | None:
        return Pending.from_dict(record, self.kind)

    def entries(self) -> list[Pending[Item]]:
        records, _ = self.file.read()
        return [p for p in map(self._pending, records) if p is not None]

    @property
    def quarantine_path(self) -> Path:
        """Where the damaged lines whose item was recovered are moved, verbatim."""
        return self.path.with_name(self.path.stem + DAMAGED_SUFFIX)

    def damaged(self) -> list[DamagedLine]:
        """The lines that hold no item this outbox can read, by line number, with what
        could be read of them and the item recovered when its own object is whole."""
        out: list[DamagedLine] = []
        for number, line, record in self.file.scan():
            if record is not None and self._pending(record) is not None:
                continue
            whole = complete_object(line, self.kind.field)
            item = self.kind.decode(whole) if whole is not None else None
            out.append(DamagedLine(self.path, number, line, salvage(line), item))
        return out

    def recover(self, *, now: dt.datetime | None = None) -> list[DamagedLine]:
        """Queue the items recovered from damaged lines (unless queued already) and move
        those lines, verbatim, to `quarantine_path`; the others stay in place. Returns the
        lines recovered."""
        stamp = timestamp_text(now or dt.datetime.now(dt.UTC))
        with self.file.locked():
            recovered = [d for d in self.damaged() if d.item is not None]
            if not recovered:
                return []
            moved = {d.line for d in recovered}
            records, kept = [], []
            for number, line, record in self.file.scan():
                if number in moved:
                    continue
                if record is None:
                    kept.append(line)
                else:
                    records.append(record)
            queued = {self.kind.ident(p.item) for p in map(self._pending, records) if p is not None}
            for damaged in recovered:
                if self.kind.ident(damaged.item) not in queued:
                    queued.add(self.kind.ident(damaged.item))
                    records.append(Pending(damaged.item, stamp).to_dict(self.kind))
            try:
                with self.quarantine_path.open(
                    "a", encoding="utf-8", errors="surrogateescape"
                ) as out:
                    out.write("".join(f"{d.text}\n" for d in recovered))
                    out.flush()
                    os.fsync(out.fileno())
            except OSError as exc:
                raise OutboxUnavailable(detail=f"{self.quarantine_path}: {exc.strerror}") from None
            self.file.rewrite(records, kept)
        return recovered

    def add(self, item: Item, *, error: str, now: dt.datetime | None = None) -> bool:
        """Queue an item (once per id); True when it was not queued before."""
        stamp = timestamp_text(now or dt.datetime.now(dt.UTC))
        ident = self.kind.ident(item)
        with self.file.locked():
            records, broken = self.file.read()
            for i, record in enumerate(records):
                pending = self._pending(record)
                if pending is not None and self.kind.ident(pending.item) == ident:
                    records[i] = dataclasses.replace(
                        pending,
                        attempts=pending.attempts + 1,
                        last_attempt_at=stamp,
                        last_error=error,
                    ).to_dict(self.kind)
                    self.file.rewrite(records, broken)
                    return False
            entry = Pending(item, stamp, 1, stamp, error)
            self.file.rewrite([*records, entry.to_dict(self.kind)], broken)
        return True

    def settle(
        self, *, sent: Collection[str], failed: Collection[str] = (), error: str = "", at: str = ""
    ) -> None:
        """Drop the `sent` ids; count one more attempt, with `error`, for the `failed` ones."""
        with self.file.locked():
            records, broken = self.file.read()
            kept: list[dict[str, Any]] = []
            for record in records:
                pending = self._pending(record)
                ident = self.kind.ident(pending.item) if pending is not None else None
                if ident in sent:
                    continue
                if pending is not None and ident in failed:
                    record = dataclasses.replace(
                        pending,
                        attempts=pending.attempts + 1,
                        last_attempt_at=at,
                        last_error=error,
                    ).to_dict(self.kind)
                kept.append(record)
            self.file.rewrite(kept, broken)

    @contextlib.contextmanager
    def sending(self) -> Iterator[bool]:
        """Hold the send lock if nobody else does; yields False when another send runs."""
        with open_lock(self._send_lock_path) as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
