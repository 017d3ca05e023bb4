"""One check-in: the row it becomes, its validation, and where its columns sit in a header.

A check-in is one row of the CheckIns tab with a fresh `checkin_id` (a UUID), so every retry
can tell whether it already landed. `new_checkin` reads what a person typed ("green", "🟢",
"1,200") and raises `InvalidCheckIn` naming every field to fix. Control characters
(portfolio.text: NUL, ESC, BEL, ...) are left out of the note and the author, for the app and
the CLI alike, and `removed_notice` says so in words.

>>> checkin = new_checkin(initiative_id="AI-001", reported_status="green", stage="Pilot",
...                       active_users="12", note="=SUM(A1)", known_ids={"AI-001"})
>>> (checkin.reported_status, checkin.active_users, checkin.note)
('Green', 12, '=SUM(A1)')
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from data_sources.errors import InvalidCheckIn
from data_sources.store import timestamp_text
from portfolio import schema, text
from portfolio.headers import header_columns
from portfolio.model import Cell

TABLE = schema.TABLES[schema.CHECKINS]
COLUMNS: tuple[str, ...] = tuple(column.name for column in TABLE.columns)
# Spellings of the tab name the parser accepts too (normalized), exact "CheckIns" first.
TAB_SPELLINGS = ("checkins", "checkin")

NOTE_MAX_CHARS = 2_000  # a paragraph; a cell holds 50,000 but a check-in is not a report
AUTHOR_MAX_CHARS = 120
ID_MAX_CHARS = 64
MAX_ACTIVE_USERS = 10_000_000  # more than any company's staff: a typo, not a number of users

_INTEGER_TEXT = re.compile(r"^\+?\d{1,3}(,\d{3})+$|^\+?\d+$")
_SPACES = re.compile(r"\s+")


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


def checkin_or_none(record: object) -> CheckIn | None:
    """The check-in saved in `record`, or None when it is not one (a damaged line)."""
    try:
        return CheckIn.from_dict(record) if isinstance(record, dict) else None
    except (TypeError, ValueError):
        return None


def _clean_line(value: object) -> str:
    return _SPACES.sub(" ", str(value or "")).strip()


def _note(value: object) -> str:
    return text.strip(str(value or ""), keep_lines=True).strip()


def _author(value: object) -> str:
    # Whitespace first, so a vertical tab between two names becomes a space, not nothing.
    return _clean_line(text.strip(_SPACES.sub(" ", str(value or ""))))


def removed_notice(*, note: object = "", author: object = "") -> str | None:
    """What `new_checkin` left out of the note and the author, in a sentence; None if nothing.

    removed_notice(note="ok\x1b[2J\x07") -> 'Left out of the note: 2 control characters
    (invisible, such as ESC or NUL), which a sheet cell should not hold.'
    """
    counts = {
        "the note": text.count(str(note or ""), keep_lines=True),
        "the author": text.count(_SPACES.sub(" ", str(author or ""))),
    }
    total = sum(counts.values())
    if not total:
        return None
    fields = " and ".join(field for field, n in counts.items() if n)
    many = "s" if total != 1 else ""
    return (
        f"Left out of {fields}: {total} control character{many} (invisible, such as ESC or "
        "NUL), which a sheet cell should not hold."
    )


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
    data_sources.errors.InvalidCheckIn: The check-in is not complete: "Purple" is not a ...
    """
    problems: dict[str, str] = {}
    ident = _initiative(initiative_id, known_ids, problems)
    status = _choice(reported_status, "reported_status", problems)
    stage_word = _choice(stage, "stage", problems)
    users = _active_users(active_users, problems)
    note_text = _note(note)
    if len(note_text) > NOTE_MAX_CHARS:
        problems["note"] = (
            f"The note is {len(note_text):,} characters: keep it under {NOTE_MAX_CHARS:,}"
        )
    author_text = _author(author)
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


# -- the CheckIns tab's header --------------------------------------------------------------


def tab_in(titles: Iterable[str]) -> str | None:
    """The CheckIns tab among these titles ("CheckIns" first, then other spellings)."""
    titles = list(titles)
    if schema.CHECKINS in titles:
        return schema.CHECKINS
    return next((t for t in titles if schema.normalize(t) in TAB_SPELLINGS), None)


def columns_of(header: list[Cell]) -> list[str | None]:
    """Canonical CheckIns column per header cell (None for a foreign or repeated one)."""
    return header_columns(header, TABLE)


def ids_in(rows: list[list[Cell]], columns: list[str | None]) -> set[str]:
    """The checkin_ids in the data rows of a tab (header first) mapped by `columns`."""
    if "checkin_id" not in columns:
        return set()
    at = columns.index("checkin_id")
    return {str(row[at]).strip() for row in rows[1:] if len(row) > at and row[at] not in ("", None)}


def fill_columns(columns: list[str | None], checkins: list[CheckIn]) -> list[str]:
    """Canonical columns the header lacks although these check-ins have a value for them."""
    return [
        name
        for name in COLUMNS
        if name not in columns
        and (name in TABLE.required_columns or any(c.value(name) != "" for c in checkins))
    ]
