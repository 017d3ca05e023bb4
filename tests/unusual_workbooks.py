"""Unusual workbooks, built from literal cells, for the browser test of every page.

Each is a dict of tab -> rows (the first row the headers), as `write_csv_workbook` takes.
`portfolio(n)` makes a varied portfolio of `n` initiatives (teams, origins, stages, statuses,
costs, a usage history per initiative with rises, stalls and one-week spikes); each unusual
workbook is that portfolio with one thing missing or odd.
"""

from __future__ import annotations

import datetime as dt

AS_OF = dt.date(2026, 6, 1)
MANDATE = dt.date(2026, 1, 5)
TEAMS = ("Finance", "Support", "Engineering", "Sales", "HR", "Legal", "Ops")
ORIGINS = ("Mandate", "Grassroots", "Vendor")
STAGES = ("Adopted", "Pilot", "Stalled", "Reverted", "Rollout", "Abandoned", "Idea")
STATUSES = ("Green", "Green", "Amber", "Red")
TOOLS = ("ChatGPT", "Copilot", "Claude", "In-house script", "Vendor platform")
WEEKS = 26
HEADERS = [
    "id", "name", "team", "owner", "origin", "area", "tool", "reported_status", "stage",
    "started", "last_update", "annual_cost", "seats", "reverted_to", "notes",
]  # fmt: skip


def _monday(weeks_before: int) -> dt.date:
    monday = AS_OF - dt.timedelta(days=AS_OF.weekday())
    return monday - dt.timedelta(weeks=weeks_before)


def _shape(i: int, week: int) -> int:
    """Weekly users of initiative `i` in week `week` (0 = oldest): sustained, fell, a spike."""
    kind = i % 4
    if kind == 0:  # sustained use
        return 8 + (week % 3)
    if kind == 1:  # real use, then a fall
        return 20 if week < WEEKS - 8 else 1
    if kind == 2:  # tried once
        return 15 if week in (3, 4) else 0
    return 0  # nothing logged beyond zeros


def portfolio(n: int, *, usage_for: int | None = None) -> dict[str, list[list]]:
    """A workbook of `n` initiatives; usage rows for the first `usage_for` (default all)."""
    rows = [HEADERS]
    for i in range(n):
        started = _monday(WEEKS + 4 + i % 40)
        rows.append(
            [
                f"AI-{i + 1:05d}",
                f"Initiative {i + 1} for {TEAMS[i % len(TEAMS)]}",
                TEAMS[i % len(TEAMS)],
                f"Owner {i % 50}",
                ORIGINS[i % len(ORIGINS)],
                TEAMS[(i + 2) % len(TEAMS)],
                TOOLS[i % len(TOOLS)],
                STATUSES[i % len(STATUSES)],
                STAGES[i % len(STAGES)],
                started.isoformat(),
                (AS_OF - dt.timedelta(days=5 + 17 * (i % 9))).isoformat(),
                str(1000 * (1 + i % 60)) if i % 5 else "",
                str(10 + i % 90) if i % 3 else "",
                "Spreadsheet" if STAGES[i % len(STAGES)] == "Reverted" else "",
                "Weekly stand-up notes, long enough to wrap in a table cell " * (1 + i % 3),
            ]
        )
    usage = [["initiative_id", "week", "active_users"]]
    for i in range(n if usage_for is None else min(n, usage_for)):
        for week in range(WEEKS):
            usage.append(
                [f"AI-{i + 1:05d}", _monday(WEEKS - 1 - week).isoformat(), _shape(i, week)]
            )
    tools = [["department", "role", "tool", "frequency", "sanctioned"]]
    for i in range(60):
        tools.append(
            [
                TEAMS[i % len(TEAMS)],
                "Analyst",
                TOOLS[i % len(TOOLS)] if i % 7 else "ChatGPT (personal account)",
                ("Daily", "Weekly", "Monthly", "Never")[i % 4],
                "no" if i % 7 == 0 else "yes",
            ]
        )
    settings = [
        ["key", "value"],
        ["as_of", AS_OF.isoformat()],
        ["mandate_date", MANDATE.isoformat()],
    ]
    return {"Initiatives": rows, "Usage": usage, "DailyTools": tools, "Settings": settings}


def _without_column(book: dict[str, list[list]], column: str) -> dict[str, list[list]]:
    rows = book["Initiatives"]
    at = rows[0].index(column)
    return {**book, "Initiatives": [row[:at] + row[at + 1 :] for row in rows]}


def _with_column(book: dict[str, list[list]], column: str, values) -> dict[str, list[list]]:
    rows = book["Initiatives"]
    at = rows[0].index(column)
    changed = [rows[0]]
    for row, value in zip(rows[1:], values, strict=False):
        changed.append([*row[:at], value, *row[at + 1 :]])
    return {**book, "Initiatives": changed}


def names_unreadable() -> dict[str, list[list]]:
    """The name header is misspelt, so the required name column cannot be read."""
    book = portfolio(24)
    header = book["Initiatives"][0]
    renamed = ["Nmae?" if h == "name" else h for h in header]
    return {**book, "Initiatives": [renamed, *book["Initiatives"][1:]]}


def one_initiative() -> dict[str, list[list]]:
    return portfolio(1)


def duplicate_names_without_ids() -> dict[str, list[list]]:
    """Every id blank; the names repeat three times over. Usage cannot name them."""
    book = portfolio(12)
    book = _with_column(book, "id", [""] * 12)
    book = _with_column(book, "name", [f"Same name {i % 4}" for i in range(12)])
    return {k: v for k, v in book.items() if k != "Usage"}


def no_usage() -> dict[str, list[list]]:
    return {k: v for k, v in portfolio(20).items() if k != "Usage"}


def no_status_column() -> dict[str, list[list]]:
    return _without_column(portfolio(20), "reported_status")


def no_cost() -> dict[str, list[list]]:
    return _without_column(_without_column(portfolio(20), "annual_cost"), "seats")


def all_adopted() -> dict[str, list[list]]:
    """Every initiative green, adopted and in sustained use."""
    book = portfolio(16)
    rows = book["Initiatives"]
    head = rows[0]
    status, stage, back = (head.index(c) for c in ("reported_status", "stage", "reverted_to"))
    adopted = [head]
    for row in rows[1:]:
        row = list(row)
        row[status], row[stage], row[back] = "Green", "Adopted", ""
        adopted.append(row)
    usage = [book["Usage"][0]]
    usage += [[r[0], r[1], 12 + i % 5] for i, r in enumerate(book["Usage"][1:])]
    return {**book, "Initiatives": adopted, "Usage": usage}


def ten_thousand() -> dict[str, list[list]]:
    """10,000 initiatives, usage for the first 500 of them."""
    return portfolio(10_000, usage_for=500)


WORKBOOKS = {
    "names-unreadable": names_unreadable,
    "one-initiative": one_initiative,
    "duplicate-names-without-ids": duplicate_names_without_ids,
    "no-usage": no_usage,
    "no-status-column": no_status_column,
    "no-cost": no_cost,
    "all-adopted": all_adopted,
    "ten-thousand": ten_thousand,
}
