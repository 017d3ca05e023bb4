"""Team check-ins: validate one, append it once to the CheckIns tab, and never lose it.

The write path of the dashboard (DESIGN.md section 1, CheckIns). A check-in is one row with
a fresh `checkin_id` (a UUID), so every retry can tell whether it already landed.

- **Google Sheets**: the CheckIns tab is read (one `values:batchGet`: its header and the ids
  already there), then the new rows go out in one `values:append` with
  `valueInputOption=RAW` and `insertDataOption=INSERT_ROWS`. RAW stores a note such as
  `=IMPORTXML(...)` or `+cmd` as text: user text never becomes a formula. Each request is sent
  once (no blind HTTP retry of an append whose answer may have been lost); when anything
  fails, the check-in goes to the **outbox** and is sent later by `send_pending`, which reads
  the ids first and skips those that landed after all. The app never edits or deletes a row.
- **Sample or local file**: check-ins are appended to a local JSON-lines file, and
  `merge_local_checkins` (called by the loader) adds them to the workbook's CheckIns tab,
  so the demo works offline while the bundled sample and the user's file stay untouched.

Files live in the data folder (`GROUNDTRUTH_DATA_DIR`, else `<project>/data`, git-ignored):
`outbox/<source>.jsonl` and `checkins/<source>.jsonl`, one per source. Every change takes an
`fcntl.flock` on a lock file beside them and rewrites the file atomically (temporary file,
then `os.replace`), so concurrent sessions, processes and the CLI never lose a line.

>>> checkin = new_checkin(initiative_id="AI-001", reported_status="green", stage="Pilot",
...                       active_users="12", note="=SUM(A1)", known_ids={"AI-001"})
>>> (checkin.reported_status, checkin.active_users, checkin.note)
('Green', 12, '=SUM(A1)')
>>> submit(checkin, resolve_source(secrets=read_secrets())).status   # doctest: +SKIP
'written'
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import logging
import math
import os
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from data_sources import snapshot
from data_sources.config import GSHEETS, GSheetsSettings, SourceSpec
from data_sources.errors import NotConfigured, SheetNotShared, SourceError, TabMissing
from data_sources.retry import RetryPolicy
from portfolio import schema
from portfolio.model import Cell, RawWorkbook

_LOG = logging.getLogger(__name__)
TABLE = schema.TABLES[schema.CHECKINS]
COLUMNS: tuple[str, ...] = tuple(column.name for column in TABLE.columns)
# Spellings of the tab name the parser accepts too (normalized), exact "CheckIns" first.
TAB_SPELLINGS = ("checkins", "checkin")

WRITTEN = "written"
QUEUED = "queued"

OUTBOX = "outbox"
LOCAL_CHECKINS = "checkins"
JSONL = ".jsonl"
LOCK_SUFFIX = ".lock"
SEND_LOCK_SUFFIX = ".sending"
TEMP_PREFIX = ".tmp-"
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # UTC, read back by portfolio.parse as ISO

NOTE_MAX_CHARS = 2_000  # a paragraph; a cell holds 50,000 but a check-in is not a report
AUTHOR_MAX_CHARS = 120
ID_MAX_CHARS = 64
MAX_ACTIVE_USERS = 10_000_000  # more than any company's staff: a typo, not a number of users

# A page load retries the outbox at most this often, so an outage is not hammered by reruns.
OUTBOX_RETRY_SECONDS = 60
# How long "can the app write?" is believed before it is asked again.
WRITE_ACCESS_TTL_SECONDS = 10 * 60
# A write waits this long for an answer; then it is queued (the outbox re-checks before
# sending again), so a person at the form never waits for the whole read retry budget.
WRITE_TIMEOUT_SECONDS = 15.0
NEVER = math.inf

_INTEGER_TEXT = re.compile(r"^\+?\d{1,3}(,\d{3})+$|^\+?\d+$")
_SPACES = re.compile(r"\s+")


class InvalidCheckIn(SourceError):
    """The check-in as typed cannot be written; `problems` maps each field to what to fix."""

    title = "The check-in is not complete"
    what_to_do = "Correct the fields named and send it again."

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__(
            title="The check-in is not complete: " + "; ".join(self.problems.values()),
            what_to_do="Correct these and send it again; nothing was written.",
        )


class SheetReadOnly(SheetNotShared):
    """403 on a write: the service account may read the sheet but not edit it."""

    title = "The service account may not edit the sheet"
    what_to_do = (
        "Open the sheet, click Share and give the service account the Editor role; "
        "check-ins typed meanwhile are kept on this server and sent then."
    )

    @classmethod
    def for_account(cls, client_email: str, *, detail: str | None = None) -> SheetReadOnly:
        """The error naming the address to give the Editor role to."""
        who = client_email or "the service account"
        return cls(
            title=f"{who} may read the sheet but not edit it",
            what_to_do=(
                f"Open the sheet, click Share and give {who} the Editor role; check-ins "
                "typed meanwhile are kept on this server and sent then."
            ),
            detail=detail,
            status=403,
        )


class OutboxUnavailable(SourceError):
    """The local outbox or check-ins file cannot be written (permissions, full disk)."""

    title = "Check-ins cannot be saved on this server"
    what_to_do = (
        "Make the data folder writable (or point GROUNDTRUTH_DATA_DIR at one that is) and "
        "send again; the form still holds what you typed."
    )


# -- one check-in ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckIn:
    """One row of the CheckIns tab, as written: text, except `active_users` (a whole number).

    >>> CheckIn("c-1", "2026-06-01T09:00:00Z", "AI-001", "Green", "Pilot", 12).row(
    ...     ["checkin_id", "initiative_id", "active_users", "note"])
    ['c-1', 'AI-001', 12, '']
    """

    checkin_id: str
    timestamp: str
    initiative_id: str
    reported_status: str
    stage: str
    active_users: int | None = None
    note: str = ""
    author: str = ""

    def value(self, column: str | None) -> Cell:
        """The cell for a canonical column ("" for an empty or unknown one)."""
        if column is None or column not in COLUMNS:
            return ""
        value = getattr(self, column)
        return "" if value is None else value

    def row(self, columns: Iterable[str | None]) -> list[Cell]:
        """The cells in the order of `columns` (canonical names; None for a foreign column)."""
        return [self.value(column) for column in columns]

    def to_dict(self) -> dict[str, Any]:
        return {column: getattr(self, column) for column in COLUMNS}

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> CheckIn:
        """The check-in saved by `to_dict`; raises ValueError when a field is not usable."""
        users = record.get("active_users")
        if users is not None and (isinstance(users, bool) or not isinstance(users, int)):
            raise ValueError(f"active_users {users!r} is not a whole number")
        fields = {c: str(record.get(c) or "") for c in COLUMNS if c != "active_users"}
        if not fields["checkin_id"] or not fields["initiative_id"]:
            raise ValueError("a saved check-in without checkin_id or initiative_id")
        return cls(active_users=users, **fields)


def _clean_line(value: object) -> str:
    return _SPACES.sub(" ", str(value or "")).strip()


def _choice(value: object, column: str, problems: dict[str, str]) -> str:
    text = _clean_line(value)
    words = TABLE.column(column).vocabulary
    label = "status" if column == "reported_status" else column
    if not text:
        problems[column] = f"Choose a {label}: {', '.join(words)}"
        return ""
    found = schema.vocabulary_index(TABLE.column(column)).get(schema.normalize(text) or text)
    if found is None:
        problems[column] = f'"{text}" is not a {label}: choose one of {", ".join(words)}'
        return ""
    return found


def _active_users(value: object, problems: dict[str, str]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INTEGER_TEXT.match(value.strip()):
        number = int(value.strip().lstrip("+").replace(",", ""))
    if number is None or number < 0:
        problems["active_users"] = (
            f'Active users "{value}" is not a whole number of people: type 0 or more, '
            "or leave it blank"
        )
        return None
    if number > MAX_ACTIVE_USERS:
        problems["active_users"] = f"Active users {number:,} is more than any team: check it"
        return None
    return number


def _initiative(value: object, known_ids: Collection[str] | None, problems: dict) -> str:
    text = _clean_line(value)
    if not text:
        problems["initiative_id"] = "Pick the initiative this check-in is about"
        return ""
    if len(text) > ID_MAX_CHARS:
        problems["initiative_id"] = f"An initiative id is at most {ID_MAX_CHARS} characters"
        return ""
    if known_ids is None:
        return text
    if text in known_ids:
        return text
    folded = {str(k).casefold(): str(k) for k in known_ids}
    if text.casefold() in folded:
        return folded[text.casefold()]
    problems["initiative_id"] = (
        f'"{text}" is not an id in the Initiatives tab: pick an initiative from the list '
        "(or add its row to Initiatives first)"
    )
    return ""


def timestamp_text(moment: dt.datetime) -> str:
    """A check-in's timestamp as written: ISO, UTC, to the second.

    >>> timestamp_text(dt.datetime(2026, 6, 1, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    '2026-06-01T09:00:00Z'
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime(TIMESTAMP_FORMAT)


def new_checkin(
    *,
    initiative_id: object,
    reported_status: object,
    stage: object,
    active_users: object = None,
    note: object = "",
    author: object = "",
    known_ids: Collection[str] | None = None,
    now: dt.datetime | None = None,
    checkin_id: str | None = None,
) -> CheckIn:
    """A validated check-in with a fresh id and timestamp; raises InvalidCheckIn listing
    every field to fix.

    Statuses and stages read like in the sheet ("green", "🟢", "on hold"); `active_users` is
    blank or a whole number of 0 or more ("1,200" reads); `known_ids` are the ids of the
    Initiatives tab (an id typed in another case is matched to its row).

    >>> new_checkin(initiative_id="ai-001", reported_status="Purple", stage="Pilot",
    ...             active_users="-3", known_ids={"AI-001"})
    Traceback (most recent call last):
    ...
    data_sources.checkins.InvalidCheckIn: The check-in is not complete: "Purple" is not a ...
    """
    problems: dict[str, str] = {}
    ident = _initiative(initiative_id, known_ids, problems)
    status = _choice(reported_status, "reported_status", problems)
    stage_word = _choice(stage, "stage", problems)
    users = _active_users(active_users, problems)
    note_text = str(note or "").strip()
    if len(note_text) > NOTE_MAX_CHARS:
        problems["note"] = (
            f"The note is {len(note_text):,} characters: keep it under {NOTE_MAX_CHARS:,}"
        )
    author_text = _clean_line(author)
    if len(author_text) > AUTHOR_MAX_CHARS:
        problems["author"] = f"The author is at most {AUTHOR_MAX_CHARS} characters"
    if problems:
        raise InvalidCheckIn(problems)
    return CheckIn(
        checkin_id=checkin_id or str(uuid.uuid4()),
        timestamp=timestamp_text(now or dt.datetime.now(dt.UTC)),
        initiative_id=ident,
        reported_status=status,
        stage=stage_word,
        active_users=users,
        note=note_text,
        author=author_text,
    )


# -- JSON-lines files under a lock ----------------------------------------------------------


def data_root() -> Path:
    """The data folder: `$GROUNDTRUTH_DATA_DIR`, else `<project>/data` (as snapshots use)."""
    return snapshot.default_directory().parent


def target_key(spec: SourceSpec) -> str:
    """The file-name key of a source, shared with its snapshot: 'sample', 'gsheets-1AbC…'."""
    return snapshot.source_key(spec.kind, spec.location)


def _open_lock(path: Path) -> IO[str]:
    """The lock file at `path`, opened (its folder made) for flock; OutboxUnavailable if not."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "a")  # the caller closes it, with its lock, after its block
    except OSError as exc:
        raise OutboxUnavailable(detail=f"{path}: {exc.strerror}") from None


class _JsonLines:
    """A JSON-lines file changed only under an exclusive flock and rewritten atomically.

    Lines that cannot be read are kept verbatim on rewrite: a damaged line is never dropped.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + LOCK_SUFFIX)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        with _open_lock(self.lock_path) as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def read(self) -> tuple[list[dict[str, Any]], list[str]]:
        """(records, unreadable lines); an absent file has neither."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return [], []
        except OSError as exc:
            raise OutboxUnavailable(detail=f"{self.path}: {exc.strerror}") from None
        records: list[dict[str, Any]] = []
        broken: list[str] = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                broken.append(line)
                continue
            if isinstance(record, dict):
                records.append(record)
            else:
                broken.append(line)
        return records, broken

    def rewrite(self, records: list[dict[str, Any]], broken: list[str]) -> None:
        """Replace the file with these lines, atomically (call under `locked`)."""
        lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records]
        lines += broken
        try:
            handle, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=self.path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write("".join(f"{line}\n" for line in lines))
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temp, self.path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp)
                raise
        except OSError as exc:
            raise OutboxUnavailable(detail=f"{self.path}: {exc.strerror}") from None


def _checkin_or_none(record: object) -> CheckIn | None:
    try:
        return CheckIn.from_dict(record) if isinstance(record, dict) else None
    except (TypeError, ValueError):
        return None


class LocalCheckIns:
    """The check-ins written for a sample or local-file source, beside the outbox.

    >>> store = LocalCheckIns(Path("/tmp/gt-data"), "sample")    # doctest: +SKIP
    >>> store.add(checkin), [c.checkin_id for c in store.all()]  # doctest: +SKIP
    (True, ['5cbd…'])
    """

    def __init__(self, directory: Path, key: str) -> None:
        self.file = _JsonLines(directory / LOCAL_CHECKINS / f"{key}{JSONL}")

    @property
    def path(self) -> Path:
        return self.file.path

    def all(self) -> list[CheckIn]:
        records, _ = self.file.read()
        return [c for c in map(_checkin_or_none, records) if c is not None]

    def add(self, checkin: CheckIn) -> bool:
        """Append the check-in unless its id is there already; True when it was added."""
        with self.file.locked():
            records, broken = self.file.read()
            if any(r.get("checkin_id") == checkin.checkin_id for r in records):
                return False
            self.file.rewrite([*records, checkin.to_dict()], broken)
        return True


@dataclass(frozen=True)
class Pending:
    """A check-in waiting in the outbox, with the story of its attempts."""

    checkin: CheckIn
    queued_at: str
    attempts: int = 1
    last_attempt_at: str = ""
    last_error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "checkin": self.checkin.to_dict(),
            "queued_at": self.queued_at,
            "attempts": self.attempts,
            "last_attempt_at": self.last_attempt_at,
            "last_error": self.last_error,
        }

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Pending | None:
        checkin = _checkin_or_none(record.get("checkin"))
        if checkin is None:
            return None
        attempts = record.get("attempts")
        return cls(
            checkin=checkin,
            queued_at=str(record.get("queued_at") or ""),
            attempts=attempts if isinstance(attempts, int) else 1,
            last_attempt_at=str(record.get("last_attempt_at") or ""),
            last_error=str(record.get("last_error") or ""),
        )


class Outbox:
    """Check-ins that could not be written to one sheet yet, in arrival order.

    `add` and `remove` hold the file lock briefly; `sending()` holds a second lock for a
    whole send, so two senders never race to append the same check-in.
    """

    def __init__(self, directory: Path, key: str) -> None:
        self.file = _JsonLines(directory / OUTBOX / f"{key}{JSONL}")
        self._send_lock_path = self.file.path.with_name(self.file.path.name + SEND_LOCK_SUFFIX)

    @property
    def path(self) -> Path:
        return self.file.path

    def entries(self) -> list[Pending]:
        records, _ = self.file.read()
        return [p for p in map(Pending.from_dict, records) if p is not None]

    def add(self, checkin: CheckIn, *, error: str, now: dt.datetime | None = None) -> bool:
        """Queue a check-in (once per checkin_id); True when it was not queued before."""
        stamp = timestamp_text(now or dt.datetime.now(dt.UTC))
        with self.file.locked():
            records, broken = self.file.read()
            for i, record in enumerate(records):
                pending = Pending.from_dict(record)
                if pending is not None and pending.checkin.checkin_id == checkin.checkin_id:
                    records[i] = dataclasses.replace(
                        pending,
                        attempts=pending.attempts + 1,
                        last_attempt_at=stamp,
                        last_error=error,
                    ).to_dict()
                    self.file.rewrite(records, broken)
                    return False
            entry = Pending(checkin, stamp, 1, stamp, error)
            self.file.rewrite([*records, entry.to_dict()], broken)
        return True

    def settle(
        self, *, sent: Collection[str], failed: Collection[str] = (), error: str = "", at: str = ""
    ) -> None:
        """Drop the `sent` ids; count one more attempt, with `error`, for the `failed` ones."""
        with self.file.locked():
            records, broken = self.file.read()
            kept: list[dict[str, Any]] = []
            for record in records:
                pending = Pending.from_dict(record)
                ident = pending.checkin.checkin_id if pending is not None else None
                if ident in sent:
                    continue
                if pending is not None and ident in failed:
                    record = dataclasses.replace(
                        pending,
                        attempts=pending.attempts + 1,
                        last_attempt_at=at,
                        last_error=error,
                    ).to_dict()
                kept.append(record)
            self.file.rewrite(kept, broken)

    @contextlib.contextmanager
    def sending(self) -> Iterator[bool]:
        """Hold the send lock if nobody else does; yields False when another send runs."""
        with _open_lock(self._send_lock_path) as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


# -- the sheet -------------------------------------------------------------------------------


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


def _writer(settings: GSheetsSettings):  # -> GoogleSheetSource, imported lazily
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


def _tab_in(titles: Iterable[str]) -> str | None:
    titles = list(titles)
    if schema.CHECKINS in titles:
        return schema.CHECKINS
    return next((t for t in titles if schema.normalize(t) in TAB_SPELLINGS), None)


def _missing_tab(have: list[str]) -> TabMissing:
    return TabMissing(
        title=f'The spreadsheet has no tab named "{schema.CHECKINS}"',
        what_to_do=(
            f"Add a tab named {schema.CHECKINS} whose first row is: {', '.join(COLUMNS)}; "
            "check-ins typed meanwhile are kept on this server and sent then."
        ),
        detail=f"tabs present: {', '.join(have)}" if have else None,
    )


def _columns_of(header: list[Cell]) -> list[str | None]:
    """Canonical column per header cell (None for a foreign or repeated one)."""
    index = schema.header_index(TABLE)
    seen: set[str] = set()
    out: list[str | None] = []
    for cell in header:
        name = index.get(schema.normalize(cell)) if isinstance(cell, str) else None
        out.append(name if name is not None and name not in seen else None)
        if name is not None:
            seen.add(name)
    return out


def _ids_in(rows: list[list[Cell]], columns: list[str | None]) -> set[str]:
    if "checkin_id" not in columns:
        return set()
    at = columns.index("checkin_id")
    return {str(row[at]).strip() for row in rows[1:] if len(row) > at and row[at] not in ("", None)}


def _fill_columns(columns: list[str | None], checkins: list[CheckIn]) -> list[str]:
    """Canonical columns the header lacks although these check-ins have a value for them."""
    return [
        name
        for name in COLUMNS
        if name not in columns
        and (name in TABLE.required_columns or any(c.value(name) != "" for c in checkins))
    ]


def _send_to_sheet(source: Any, checkins: list[CheckIn]) -> tuple[list[str], list[str]]:
    """Append the check-ins the sheet lacks in one request; (appended ids, ids already there)."""
    tab = _tab_in(source.tab_titles())
    if tab is None:
        raise _missing_tab(list(source.tab_titles()))
    rows = source.read_tab(tab)
    header = list(rows[0]) if rows else []
    columns = _columns_of(header) if header else list(COLUMNS)
    present = _ids_in(rows, columns)
    fresh: dict[str, CheckIn] = {}
    for checkin in checkins:
        if checkin.checkin_id not in present:
            fresh.setdefault(checkin.checkin_id, checkin)
    already = [c.checkin_id for c in checkins if c.checkin_id in present]
    if not fresh:
        return [], already
    lacking = _fill_columns(columns, list(fresh.values())) if header else []
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


def _for_writing(error: SourceError, settings: GSheetsSettings) -> SourceError:
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


def _remember(settings: GSheetsSettings, access: WriteAccess) -> WriteAccess:
    with _access_lock:
        _access[settings] = (time.monotonic(), access)
    return access


def _writable(settings: GSheetsSettings) -> WriteAccess:
    return WriteAccess(
        True,
        f"Check-ins are appended to the {schema.CHECKINS} tab of the sheet as "
        f"{settings.client_email or 'the service account'}.",
    )


def _not_writable(error: SourceError) -> WriteAccess:
    return WriteAccess(False, error.message, error)


def _cannot_tell(error: SourceError | None) -> WriteAccess:
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
        store = LocalCheckIns(data_dir or data_root(), target_key(spec))
        kept = "The bundled sample" if spec.kind != "file" else f"{spec.location}"
        return WriteAccess(
            True,
            f"This source is not a Google Sheet, so check-ins are saved on this server "
            f"({store.path}) and shown at once. {kept} itself is not changed.",
        )
    settings = spec.gsheets
    if settings is None:
        return _not_writable(NotConfigured(title="The Google Sheets source has no settings"))
    with _access_lock:
        cached = _access.get(settings)
    if cached is not None and not refresh:
        checked, access = cached
        ttl = OUTBOX_RETRY_SECONDS if access.can_write is None else WRITE_ACCESS_TTL_SECONDS
        if time.monotonic() - checked < ttl:
            return access
    if not sheet_answered:
        return _cannot_tell(None)
    source = _writer(settings)
    try:
        tab = _tab_in(source.tab_titles())
        if tab is None:
            return _remember(settings, _not_writable(_missing_tab(list(source.tab_titles()))))
        source.check_append(tab)
    except (SheetNotShared, TabMissing) as error:
        return _remember(settings, _not_writable(_for_writing(error, settings)))
    except SourceError as error:
        # An outage says nothing about the right to edit: remembered briefly, to be asked
        # again soon rather than on every rerun.
        return _remember(settings, _cannot_tell(error))
    return _remember(settings, _writable(settings))


# -- the write path --------------------------------------------------------------------------


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
        _send_to_sheet(_writer(settings), [checkin])
    except SourceError as raw_error:
        error = _for_writing(raw_error, settings)
        if isinstance(error, SheetNotShared | TabMissing):
            _remember(settings, _not_writable(error))
        outbox = Outbox(directory, target_key(spec))
        outbox.add(checkin, error=error.message)
        return Delivery(checkin, QUEUED, f"the outbox on this server ({outbox.path})", error)
    _remember(settings, _writable(settings))
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

    @property
    def settled(self) -> int:
        return len(self.sent) + len(self.already_there)


def pending(spec: SourceSpec, *, data_dir: Path | None = None) -> list[Pending]:
    """The check-ins waiting in this source's outbox (none for a non-sheet source)."""
    if spec.kind != GSHEETS:
        return []
    return Outbox(data_dir or data_root(), target_key(spec)).entries()


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
    outbox = Outbox(data_dir or data_root(), target_key(spec))
    stamp = timestamp_text(now or dt.datetime.now(dt.UTC))
    with outbox.sending() as mine:
        waiting = outbox.entries()
        if not mine:
            return SendReport(remaining=len(waiting), busy=True)
        if not waiting:
            return SendReport()
        ids = [p.checkin.checkin_id for p in waiting]
        try:
            sent, already = _send_to_sheet(_writer(settings), [p.checkin for p in waiting])
        except SourceError as raw_error:
            error = _for_writing(raw_error, settings)
            outbox.settle(sent=(), failed=ids, error=error.message, at=stamp)
            return SendReport(remaining=len(outbox.entries()), error=error)
        outbox.settle(sent={*sent, *already})
        _remember(settings, _writable(settings))
        return SendReport(tuple(sent), tuple(already), remaining=len(outbox.entries()))


def retry_due(
    spec: SourceSpec, *, data_dir: Path | None = None, now: dt.datetime | None = None
) -> bool:
    """Whether a page load should try the outbox: something waits and the last attempt is
    at least OUTBOX_RETRY_SECONDS old (so reruns during an outage do not hammer the API)."""
    waiting = pending(spec, data_dir=data_dir)
    if not waiting:
        return False
    current = now or dt.datetime.now(dt.UTC)
    latest = max((_parse_stamp(p.last_attempt_at or p.queued_at) for p in waiting), default=None)
    return latest is None or (current - latest).total_seconds() >= OUTBOX_RETRY_SECONDS


def _parse_stamp(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


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
    tab = _tab_in(raw.tabs) or schema.CHECKINS
    rows = [list(row) for row in raw.tabs.get(tab, [])]
    header = list(rows[0]) if rows else list(COLUMNS)
    columns = _columns_of(header)
    for name in _fill_columns(columns, local):
        header.append(name)
        columns.append(name)
    present = _ids_in(rows, columns)
    added = [c.row(columns) for c in local if c.checkin_id not in present]
    if not added:
        return raw
    tabs = dict(raw.tabs)
    tabs[tab] = [header, *rows[1:], *added]
    return dataclasses.replace(raw, tabs=tabs)
