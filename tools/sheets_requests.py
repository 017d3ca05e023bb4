"""The Sheets emulator's structural edits: `spreadsheets.batchUpdate` requests and values:clear.

Kept beside tools/sheets_emulator.py, which routes the HTTP requests here with its lock held.
Shapes follow the Sheets API v4 reference:

- `addSheet` {"properties": {"title": …}}: a new empty tab; a title already used is a 400.
  Reply: {"addSheet": {"properties": {"sheetId", "title", "index"}}}.
- `setDataValidation` {"range": GridRange, "rule": DataValidationRule}: GridRange has
  `sheetId` and 0-based, end-exclusive `startRowIndex`/`endRowIndex`/`startColumnIndex`/
  `endColumnIndex` (a missing end is unbounded); the rule's `condition` is a
  BooleanCondition (`type` such as ONE_OF_LIST, `values` of {"userEnteredValue": …}),
  plus `strict`, `showCustomUi` and `inputMessage`. A request without `rule` clears the
  range's validation. Reply: {} (the API answers an empty reply per such request).
- values:clear on an A1 range empties its cells (formats and validation stay) and answers
  `clearedRange`.

Like Google, a batchUpdate is all or nothing: requests are checked and applied to copies,
and a bad one leaves the workbook as it was.
"""

from __future__ import annotations

import copy
import re
from typing import Any

CONDITION_TYPES = frozenset(
    {"ONE_OF_LIST", "ONE_OF_RANGE", "BOOLEAN", "NUMBER_BETWEEN", "DATE_IS_VALID", "TEXT_EQ"}
)
_CELL = re.compile(r"^\$?([A-Za-z]*)\$?(\d*)$")

Answer = tuple[int, dict[str, Any]]


class RequestError(ValueError):
    """A request the API would refuse with 400 and this message."""


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def grid_of(reference: str) -> tuple[int, int, int | None, int | None]:
    """0-based (top, left, bottom, right) of the cells part of an A1 range, end-inclusive;
    None for an open end: "A5:I7" -> (4, 0, 6, 8); "A2:C" -> (1, 0, None, 2); "" -> all."""
    if not reference:
        return 0, 0, None, None
    first, _, last = reference.partition(":")
    start = _CELL.match(first.strip())
    end = _CELL.match((last or first).strip())
    if start is None or end is None:
        raise RequestError(f"Unable to parse range: {reference}")
    top = int(start.group(2)) - 1 if start.group(2) else 0
    left = _column_index(start.group(1)) if start.group(1) else 0
    bottom = int(end.group(2)) - 1 if end.group(2) else None
    right = _column_index(end.group(1)) if end.group(1) else None
    return top, left, bottom, right


def cells_part(requested: str) -> str:
    """The part of an A1 range after the tab: "'Bob''s'!A1:B2" -> "A1:B2"; "Usage" -> ""."""
    text = requested.strip()
    if text.startswith("'"):
        end = text.find("'!", 1)
        while end != -1 and text[end - 1 : end + 1] == "''":
            end = text.find("'!", end + 1)
        return text[end + 2 :] if end != -1 else ""
    return text.partition("!")[2]


def clear(tabs: dict[str, list[list[Any]]], tab: str, requested: str) -> dict[str, Any]:
    """Empty the cells of `requested` in `tab` (rows and columns stay); the API's answer."""
    if tab not in tabs:
        raise RequestError(f"Unable to parse range: {requested}")
    top, left, bottom, right = grid_of(cells_part(requested))
    rows = tabs[tab]
    last_row = len(rows) - 1 if bottom is None else min(bottom, len(rows) - 1)
    for i in range(top, last_row + 1):
        row = rows[i]
        last_col = len(row) - 1 if right is None else min(right, len(row) - 1)
        for j in range(left, last_col + 1):
            row[j] = None
    return {"clearedRange": requested}


def _grid_range(value: Any, ids: dict[int, str]) -> dict[str, Any]:
    if not isinstance(value, dict) or not isinstance(value.get("sheetId", 0), int):
        raise RequestError("Invalid GridRange: expected an object with a sheetId")
    sheet_id = value.get("sheetId", 0)
    if sheet_id not in ids:
        raise RequestError(f"No grid with id: {sheet_id}")
    for start, end in (("startRowIndex", "endRowIndex"), ("startColumnIndex", "endColumnIndex")):
        low, high = value.get(start, 0), value.get(end)
        if not isinstance(low, int) or low < 0 or (high is not None and high <= low):
            raise RequestError(f"Invalid GridRange: {start}/{end} {low}..{high}")
    return value


def _rule(value: Any) -> dict[str, Any]:
    condition = value.get("condition") if isinstance(value, dict) else None
    if not isinstance(condition, dict) or condition.get("type") not in CONDITION_TYPES:
        raise RequestError("Invalid DataValidationRule: condition.type is not supported")
    values = condition.get("values", [])
    if not isinstance(values, list) or not all(
        isinstance(v, dict) and isinstance(v.get("userEnteredValue"), str) for v in values
    ):
        raise RequestError("Invalid ConditionValue: expected {userEnteredValue: text}")
    if condition["type"] == "ONE_OF_LIST" and not values:
        raise RequestError("Invalid DataValidationRule: ONE_OF_LIST needs at least one value")
    return value


def batch_update(
    tabs: dict[str, list[list[Any]]],
    validations: dict[str, list[dict[str, Any]]],
    requests: Any,
) -> tuple[dict[str, list[list[Any]]], dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """Apply `requests` to copies of `tabs` and `validations`: (tabs, validations, replies).

    Validations are kept per tab title as [{"range": GridRange, "rule": rule}], a later rule
    on the same range replacing the earlier (as a cell holds one rule). Raises RequestError.
    """
    if not isinstance(requests, list):
        raise RequestError("Invalid requests: expected a list")
    tabs = dict(tabs)
    validations = copy.deepcopy(validations)
    replies: list[dict[str, Any]] = []
    for n, request in enumerate(requests):
        kind = next(iter(request), None) if isinstance(request, dict) else None
        body = request.get(kind) if kind else None
        if kind == "addSheet" and isinstance(body, dict):
            title = str(body.get("properties", {}).get("title", "")).strip()
            if not title or title in tabs:
                raise RequestError(
                    f'Invalid requests[{n}].addSheet: A sheet with the name "{title}" already '
                    "exists. Please enter another name."
                )
            tabs[title] = []
            index = list(tabs).index(title)
            replies.append(
                {"addSheet": {"properties": {"sheetId": index, "title": title, "index": index}}}
            )
        elif kind == "setDataValidation" and isinstance(body, dict):
            ids = dict(enumerate(tabs))
            grid = _grid_range(body.get("range"), ids)
            title = ids[grid.get("sheetId", 0)]
            kept = [v for v in validations.get(title, []) if v["range"] != grid]
            if "rule" in body:
                kept.append({"range": grid, "rule": _rule(body["rule"])})
            validations[title] = kept
            replies.append({})
        else:
            raise RequestError(
                f"Invalid requests[{n}]: the emulator knows addSheet and setDataValidation"
            )
    return tabs, validations, replies
