"""Damaged lines of a JSON-lines file: where they are, what can still be read from them.

A line cut short (a full disk, a process killed mid-write, a hand edit) is not JSON. It is
never dropped: `data_sources.store` keeps it in place, reports it by file and line number,
and recovers what it can. `salvage` reads the complete members at the start of a cut JSON
object, and of the objects nested in it, so a report can say what the line held and an
item whose own object is complete (the cut came after it) can still be sent.

>>> salvage('{"checkin": {"checkin_id": "c-2", "stage": "Pil')
{'checkin': {'checkin_id': 'c-2'}}
>>> complete_object('{"checkin": {"checkin_id": "c-2"}, "queued_at": "2026-', "checkin")
{'checkin_id': 'c-2'}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n"


@dataclass(frozen=True)
class DamagedLine:
    """A line of `path` (1-based `line`) that is not a record the file's reader can use.

    `fields` is what could be read of it (`salvage`); `item` what was recovered from it, when
    its own object was complete (the reader's type, e.g. a CheckIn), else None.
    """

    path: Path
    line: int
    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    item: Any = None


class _Cut(Exception):
    """The text ends (or breaks) before the object does."""


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in _SPACE:
        at += 1
    return at


def _members(text: str, at: int, out: dict[str, Any]) -> int:
    """Read `"key": value` members of the object whose `{` is at `at` into `out`; the index
    after its `}`. Raises _Cut where the text stops being readable, `out` holding what was."""
    at = _skip(text, at + 1)
    if at < len(text) and text[at] == "}":
        return at + 1
    while True:
        at = _skip(text, at)
        try:
            key, at = _DECODER.raw_decode(text, at)
        except ValueError:
            raise _Cut from None
        at = _skip(text, at)
        if not isinstance(key, str) or at >= len(text) or text[at] != ":":
            raise _Cut
        at = _skip(text, at + 1)
        if at < len(text) and text[at] == "{":
            nested: dict[str, Any] = {}
            out[key] = nested
            at = _members(text, at, nested)
        else:
            try:
                out[key], at = _DECODER.raw_decode(text, at)
            except ValueError:
                raise _Cut from None
        at = _skip(text, at)
        if at < len(text) and text[at] == ",":
            at += 1
            continue
        if at < len(text) and text[at] == "}":
            return at + 1
        raise _Cut


def _read(text: str, start: int) -> tuple[dict[str, Any], bool]:
    """(members read, whether the object starting at `start` was complete)."""
    out: dict[str, Any] = {}
    try:
        _members(text, start, out)
    except _Cut:
        return out, False
    except RecursionError:
        return out, False
    return out, True


def salvage(text: str) -> dict[str, Any]:
    """The complete members of the JSON object a line starts with (nested ones too, each
    holding its own complete members); {} when the line does not start an object."""
    start = _skip(text, 0)
    if start >= len(text) or text[start] != "{":
        return {}
    return _read(text, start)[0]


def complete_object(text: str, key: str) -> dict[str, Any] | None:
    """The object under `key` when one such object in the line is whole, else None.

    Looks at every `{"<key>":` in the line, so a cut line followed on the same line by a
    whole record (a write that resumed without its line break) gives the whole one.
    """
    marker = json.dumps(key)
    at = text.find(marker)
    while at != -1:
        colon = _skip(text, at + len(marker))
        if colon < len(text) and text[colon] == ":":
            value = _skip(text, colon + 1)
            if value < len(text) and text[value] == "{":
                members, whole = _read(text, value)
                if whole:
                    return members
        at = text.find(marker, at + 1)
    return None
