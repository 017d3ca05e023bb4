"""Two weeks of a small portfolio for the weekly digest, with the answers worked out by hand.

Week 1 is Wed 11 Mar 2026 (the week of Mon 9 Mar), week 2 Wed 18 Mar 2026 (Mon 16 Mar).
Between them teams check in (AI-2, AI-3, AI-4, AI-6) and AI-3/AI-4 log the week of 16 Mar;
AI-5 simply goes quiet (last update 28 Jan: 42 days on 11 Mar, 49 on 18 Mar; stale after 45).

| id   | team        | origin     | cost | row                  | 11 Mar     | 18 Mar            |
|------|-------------|------------|------|----------------------|------------|-------------------|
| AI-1 | Support     | Mandate    | 50k  | Green Reverted       | reverted   | same              |
| AI-2 | Finance     | Mandate    | 20k  | Green Pilot          | unproven   | ck Green Abandoned|
| AI-3 | Engineering | Grassroots | 15k  | Amber Stalled, 10/wk | stalled    | ck Green Rollout  |
| AI-4 | Analytics   | Mandate    | 12k  | Amber Stalled, 10/wk | stalled    | ck Amber Rollout  |
| AI-5 | Legal       | Vendor     | 30k  | Green Rollout        | unproven   | stale: stalled    |
| AI-6 | Sales       | Grassroots | —    | Green Pilot          | unproven   | ck Red Reverted   |
| AI-7 | Support     | Mandate    | 10k  | Green Abandoned      | abandoned  | same              |
| AI-8 | Finance     | Grassroots | —    | Amber Idea (1 Jan)   | stale      | same              |

(ck: a check-in in the week of 16 Mar; AI-3 and AI-4 then are adopted, AI-2 abandoned.)

Week 1: green AI-1, 2, 5, 6, 7 = 5, not real AI-1, AI-7 = 2 -> theater gap 40%; spend not
adopted 50+20+15+12+30+10 = $137k; watermelons AI-1, AI-7 (both new: the first digest);
stale rows: Finance AI-8, Support AI-7.
Week 2: green AI-1, 2, 3, 5, 7 = 5, not real AI-1, 2, 5, 7 = 4 -> 80%; spend not adopted
137 - 15 - 12 = $110k; watermelons by cost AI-1 (50k), AI-5 (30k, new), AI-2 (20k, new),
AI-7 (10k); changes: stalled AI-5, reverted AI-6, abandoned AI-2, adopted AI-3 (grassroots,
first) then AI-4; stale rows: Legal AI-5 (49 days), Finance AI-8, Support AI-7.

People's names are everywhere a sheet puts them: owners, check-in authors, notes, a
"Sponsor" column the contract does not know, and inside an initiative's name (AI-8 names
its owner and its sponsor, who appears nowhere else).
"""

from __future__ import annotations

from pathlib import Path

from tests.apptest_support import write_csv_workbook
from tests.workbooks import BASE_HEADERS

WEEK1 = "2026-03-11"
WEEK2 = "2026-03-18"
MONDAY1 = "2026-03-09"
MONDAY2 = "2026-03-16"
# Every person in the workbook: none may appear in a digest with names off.
PEOPLE = (
    "Priya Nair",
    "Dana Whitfield",
    "Zebulon Quartermaine",
    "Eli Brandt",
    "Li Na",
    "Marguerite Okonkwo",
    "Ottoline Vasquez",
)
USAGE_WEEKS = ("2026-02-09", "2026-02-16", "2026-02-23", "2026-03-02", "2026-03-09")
HEADER = [*(h for h in BASE_HEADERS if h not in ("area", "tool")), "notes", "Sponsor"]
INITIATIVES = [
    HEADER,
    [
        "AI-1",
        "Reply bot",
        "Support",
        "Priya Nair",
        "Mandate",
        "Green",
        "Reverted",
        "2026-01-05",
        "2026-03-01",
        "50000",
        "ask Priya",
        "Marguerite Okonkwo",
    ],
    [
        "AI-2",
        "Invoice matcher",
        "Finance",
        "Dana Whitfield",
        "Mandate",
        "Green",
        "Pilot",
        "2026-01-05",
        "2026-03-01",
        "20000",
        "",
        "",
    ],
    [
        "AI-3",
        "Code review helper",
        "Engineering",
        "Eli Brandt",
        "Grassroots",
        "Amber",
        "Stalled",
        "2026-01-05",
        "2026-03-01",
        "15000",
        "",
        "",
    ],
    [
        "AI-4",
        "Forecast assistant",
        "Analytics",
        "li.na@acme.example",
        "Mandate",
        "Amber",
        "Stalled",
        "2026-01-05",
        "2026-03-01",
        "12000",
        "",
        "",
    ],
    [
        "AI-5",
        "Contract summarizer",
        "Legal",
        "Zebulon Quartermaine",
        "Vendor",
        "Green",
        "Rollout",
        "2026-01-05",
        "2026-01-28",
        "30000",
        "Zebulon knows",
        "",
    ],
    [
        "AI-6",
        "Meeting notes",
        "Sales",
        "Priya Nair",
        "Grassroots",
        "Green",
        "Pilot",
        "2026-01-05",
        "2026-03-01",
        "",
        "",
        "",
    ],
    [
        "AI-7",
        "Ticket triage",
        "Support",
        "Marguerite Okonkwo",
        "Mandate",
        "Green",
        "Abandoned",
        "2025-10-01",
        "2025-12-01",
        "10000",
        "",
        "",
    ],
    [
        "AI-8",
        "DANA WHITFIELD's SQL helper for ottoline vasquez",
        "Finance",
        "Dana Whitfield",
        "Grassroots",
        "Amber",
        "Idea",
        "2025-12-01",
        "2026-01-01",
        "",
        "",
        "Ottoline Vasquez",
    ],
]
USAGE_HEADER = ["initiative_id", "week", "active_users"]
USAGE = [USAGE_HEADER] + [[i, w, "10"] for i in ("AI-3", "AI-4") for w in USAGE_WEEKS]
USAGE_WEEK2 = [[i, MONDAY2, "10"] for i in ("AI-3", "AI-4")]
CHECKINS_HEADER = [
    "checkin_id",
    "timestamp",
    "initiative_id",
    "author",
    "reported_status",
    "stage",
    "note",
]
CHECKINS = [
    CHECKINS_HEADER,
    ["c0", "2026-02-20T09:00:00Z", "AI-1", "Li Na", "Green", "Reverted", "Li Na: moved back"],
]
CHECKINS_WEEK2 = [
    ["c1", "2026-03-16T09:00:00Z", "AI-2", "Eli Brandt", "Green", "Abandoned", "dropped"],
    ["c2", "2026-03-16T10:00:00Z", "AI-3", "Eli Brandt", "Green", "Rollout", ""],
    ["c3", "2026-03-16T11:00:00Z", "AI-4", "Li Na", "Amber", "Rollout", "ask Li Na"],
    ["c4", "2026-03-17T09:00:00Z", "AI-6", "Priya Nair", "Red", "Reverted", "Priya: back to notes"],
]


def week1_tabs() -> dict[str, list[list]]:
    return {"Initiatives": INITIATIVES, "Usage": USAGE, "CheckIns": CHECKINS}


def week2_tabs() -> dict[str, list[list]]:
    return {
        "Initiatives": INITIATIVES,
        "Usage": USAGE + USAGE_WEEK2,
        "CheckIns": CHECKINS + CHECKINS_WEEK2,
    }


def write_week(folder: Path, week: int) -> Path:
    """The CSV workbook as it stands in week 1 or 2 (the same folder: the same source)."""
    return write_csv_workbook(folder, week1_tabs() if week == 1 else week2_tabs())
