"""Workbooks the tests share, each with its verdicts worked out by hand in its docstring.

Fixtures used by several test files (a test file never imports another's):

- Frames as of Mon 3 Nov 2025 (`portfolio_from_frames`, `initiative`, `weekly`): one initiative
  at a time with a hand-written weekly usage series, for portfolio.evidence and metrics.
  Defaults: a fresh Green Rollout of Finance started 6 Jan 2025, updated 10 days before.
- Six initiatives as of Mon 1 Jun 2026 (`six_initiatives()`), for the Overview, Trends, Daily
  tools, Sheet health and History pages:

      AI-1 Support     Grassroots Green  20 users a week since Jan           -> adopted
      AI-2 Legal       Mandate    Green  40 a week Jan-Feb, then 2 a week    -> reverted
      AI-3 Finance     Mandate    Green  no usage, last update 1 Feb (120 d) -> stalled
      AI-4 Sales       Vendor     Green  Pilot since 6 Apr, updated 28 May   -> unproven
      AI-5 Engineering Grassroots Amber  10 users a week since Sep 2025      -> adopted
      AI-6 People      Mandate    Red    stage Stalled                       -> stalled

- Eight initiatives, four of them watermelons (`WATERMELONS`), as of Mon 1 Jun 2026 with
  mandate 1 Jan 2026 (recent window: the weeks of 11, 18, 25 May and 1 Jun), for the
  Watermelons, Stalled & reverted and The edges pages and the export names:

  | id     | team        | origin     | status | verdict   | why                                 |
  |--------|-------------|------------|--------|-----------|-------------------------------------|
  | AI-001 | Finance     | Mandate    | Green  | reverted  | stage Reverted; $50k; -> Excel      |
  | AI-002 | Support     | Mandate    | Green  | abandoned | stage Abandoned; $20k; -> excel     |
  | AI-003 | Sales       | Vendor     | Green  | stalled   | stage Stalled; no cost              |
  | AI-004 | Engineering | Grassroots | Green  | adopted   | 10 users a week for 8 weeks         |
  | AI-005 | Finance     | Grassroots | Amber  | adopted   | 6 users in each recent week         |
  | AI-006 | Ops         | Mandate    | Green  | abandoned | tried once: 2 weeks at 20, then 0   |
  | AI-007 | Legal       | Grassroots | Green  | unproven  | Pilot of 56 days, no usage          |
  | AI-008 | Support     | Vendor     | Red    | stalled   | stage Stalled; $30k; -> Phone queue |

  Green: 001, 002, 003, 004, 006, 007 = 6; watermelons: 001, 002, 003, 006 = 4 costing
  50k + 20k + 10k (003 states none) = $80k a year.
- Hostile cell text (`HOSTILE`, `HUGE`, ...): markup, a script, a formula and a 5,299-character
  note, for the pages and tables that must show sheet text as text.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from portfolio import schema
from portfolio.model import Portfolio
from portfolio.readers import DTYPES

# -- frames as of Mon 3 Nov 2025 -------------------------------------------------------------

FRAMES_AS_OF = pd.Timestamp("2025-11-03")  # a Monday
LONG_AGO = pd.Timestamp("2025-01-06")
FRESH = FRAMES_AS_OF - pd.Timedelta(days=10)


def _frame(tab: str, rows: list[dict] | pd.DataFrame | None) -> pd.DataFrame:
    """A frame of `tab` with every canonical column, typed as portfolio.model documents."""
    given = pd.DataFrame(rows if rows is not None else [])
    out = {}
    for col in schema.TABLES[tab].columns:
        dtype = DTYPES[col.kind]
        values = given[col.name] if col.name in given.columns else [None] * len(given)
        if dtype.startswith("datetime"):
            out[col.name] = pd.to_datetime(pd.Series(values, dtype=object)).astype(dtype)
        else:
            out[col.name] = pd.Series(values, dtype=object).astype(dtype)
    frame = pd.DataFrame(out)
    frame["_row"] = range(2, len(frame) + 2)
    return frame


def portfolio_from_frames(
    *,
    initiatives: list[dict] | pd.DataFrame | None = None,
    usage: list[dict] | pd.DataFrame | None = None,
    checkins: list[dict] | pd.DataFrame | None = None,
    daily_tools: list[dict] | pd.DataFrame | None = None,
    settings: dict | None = None,
) -> Portfolio:
    """A Portfolio from small literal tables; missing columns are filled with the right dtype."""
    return Portfolio(
        initiatives=_frame(schema.INITIATIVES, initiatives),
        usage=_frame(schema.USAGE, usage),
        checkins=_frame(schema.CHECKINS, checkins),
        daily_tools=_frame(schema.DAILY_TOOLS, daily_tools),
        settings={**schema.SETTINGS_DEFAULTS, "as_of": FRAMES_AS_OF, **(settings or {})},
        tabs_present=frozenset(schema.TABLES),
    )


def initiative(id_: str = "A", **fields) -> dict:
    """A fresh Green Rollout started long ago; override any field."""
    row = {
        "id": id_,
        "name": f"Initiative {id_}",
        "team": "Finance",
        "origin": "Mandate",
        "reported_status": "Green",
        "stage": "Rollout",
        "started": LONG_AGO,
        "last_update": FRESH,
    }
    row.update(fields)
    return row


def weekly(
    series: list[int | None], *, id_: str = "A", end: pd.Timestamp = FRAMES_AS_OF
) -> list[dict]:
    """Usage rows, one per week, the last one dated `end`; None leaves that week out (a gap)."""
    start = end - pd.Timedelta(weeks=len(series) - 1)
    return [
        {"initiative_id": id_, "week": start + pd.Timedelta(weeks=i), "active_users": users}
        for i, users in enumerate(series)
        if users is not None
    ]


# -- six initiatives as of Mon 1 Jun 2026 -----------------------------------------------------

SIX_AS_OF = "2026-06-01"
# The Initiatives headers most fixtures start from; each adds its own last columns.
BASE_HEADERS = [
    "id",
    "name",
    "team",
    "owner",
    "origin",
    "area",
    "tool",
    "reported_status",
    "stage",
    "started",
    "last_update",
    "annual_cost",
]
INITIATIVE_HEADERS = [*BASE_HEADERS, "seats"]
INITIATIVE_ROWS = [
    ["AI-1", "Ticket triage", "Support", "Ana Lima", "Grassroots", "Support", "Zendesk AI",
     "Green", "Adopted", "2025-10-06", "2026-05-20", "$10,000", "20"],
    ["AI-2", "Contract summaries", "Legal", "Ben Okafor", "Mandate", "Legal", "Copilot",
     "Green", "Rollout", "2025-11-03", "2026-05-25", "50k", "100"],
    ["AI-3", "Forecast assistant", "Finance", "Cy Park", "Mandate", "Finance", "Copilot",
     "Green", "Pilot", "2026-01-05", "2026-02-01", "20000", ""],
    ["AI-4", "Sales email drafts", "Sales", "Di Rossi", "Vendor", "Sales", "ChatGPT",
     "Green", "Pilot", "2026-04-06", "2026-05-28", "", ""],
    ["AI-5", "Code review bot", "Engineering", "Ed Wu", "Grassroots", "Engineering", "Claude",
     "Amber", "Adopted", "2025-09-01", "2026-04-30", "5000", "10"],
    ["AI-6", "HR chatbot", "People", "Fay Ng", "Mandate", "People", "Copilot",
     "Red", "Stalled", "2025-12-01", "2026-01-15", "15000", ""],
]  # fmt: skip


def _weeks(first: str, last: str) -> list[str]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [(start + dt.timedelta(weeks=i)).isoformat() for i in range((end - start).days // 7 + 1)]


def usage_rows() -> list[list[str]]:
    rows = [["initiative_id", "week", "active_users"]]
    rows += [["AI-1", week, "20"] for week in _weeks("2026-01-05", SIX_AS_OF)]
    rows += [["AI-2", week, "40"] for week in _weeks("2026-01-05", "2026-02-23")]
    rows += [["AI-2", week, "2"] for week in _weeks("2026-03-02", SIX_AS_OF)]
    rows += [["AI-5", week, "10"] for week in _weeks("2025-09-01", SIX_AS_OF)]
    return rows


def six_initiatives(*, drop: tuple[str, ...] = ()) -> dict[str, list[list[str]]]:
    """The six-initiative fixture, without the Initiatives columns named in `drop`."""
    keep = [i for i, h in enumerate(INITIATIVE_HEADERS) if h not in drop]
    initiatives = [[row[i] for i in keep] for row in [INITIATIVE_HEADERS, *INITIATIVE_ROWS]]
    return {
        "Initiatives": initiatives,
        "Usage": usage_rows(),
        "Settings": [["key", "value"], ["as_of", SIX_AS_OF], ["stale_after_days", "45"]],
    }


# -- what the workbooks with people's names share (tests/test_presentation.py,
#    tests/test_presenting_leaks.py): two teams, nine weeks of usage, as of Tue 31 Mar 2026 --

TEAM_A = "Harbour Ops"
TEAM_B = "Lighthouse Finance"
CHECKIN_HEADERS = [
    "checkin_id",
    "timestamp",
    "initiative_id",
    "author",
    "reported_status",
    "stage",
    "active_users",
    "note",
]
NINE_WEEKS = [
    f"2026-0{m}-{d:02d}"
    for m, d in ((2, 2), (2, 9), (2, 16), (2, 23), (3, 2), (3, 9), (3, 16), (3, 23), (3, 30))
]
NINE_WEEKS_SETTINGS = [["key", "value"], ["as_of", "2026-03-31"], ["mandate_date", "2026-01-01"]]


def nine_weeks_usage(initiative: str, users: list[int]) -> list[list[str]]:
    """Usage rows of `initiative`, one per week of NINE_WEEKS (nine numbers)."""
    return [[initiative, week, str(n)] for week, n in zip(NINE_WEEKS, users, strict=True)]


# -- eight initiatives, four watermelons, as of Mon 1 Jun 2026 ---------------------------------

# One initiative a line, cells split on "|" (money cells hold commas).
WATERMELON_INITIATIVES = [
    line.split("|")
    for line in """\
id|name|team|owner|origin|tool|reported_status|stage|started|last_update|annual_cost|reverted_to
AI-001|Forecast bot|Finance|Ann Lee|Mandate|VendorX|Green|Reverted|2026-01-05|2026-04-06|$50k|Excel
AI-002|Ticket triage|Support|Bo Chan|Mandate|ChatGPT|Green|Abandoned|2026-02-02|2026-03-02|20k|excel
AI-003|Sales emails|Sales|Cy Diaz|Vendor|Copilot|Green|Stalled|2025-10-06|2026-01-05||
AI-004|Code review bot|Engineering|Di Fox|Grassroots|Claude|Green|Adopted|2025-06-02|2026-05-25|1200
AI-005|Invoice matcher|Finance|Ed Gray|Grassroots|Python|Amber|Rollout|2025-11-03|2026-05-18||
AI-006|Meeting notes|Ops|Fi Hu|Mandate|Otter|Green|Rollout|2026-03-02|2026-05-25|10000|
AI-007|Doc search|Legal|Gil Ito|Grassroots|Claude|Green|Pilot|2026-04-06|2026-05-25||
AI-008|Vendor chatbot|Support|Hal Jo|Vendor|Bot|Red|Stalled|2025-12-01|2026-02-02|30000|Phone queue
""".splitlines()
]
D_WEEKS = ["2026-04-13", "2026-04-20", "2026-04-27", "2026-05-04"]
RECENT_WEEKS = ["2026-05-11", "2026-05-18", "2026-05-25", "2026-06-01"]
WATERMELON_USAGE = [
    ["initiative_id", "week", "active_users"],
    *[["AI-004", week, "10"] for week in D_WEEKS + RECENT_WEEKS],
    *[["AI-005", week, "6"] for week in RECENT_WEEKS],
    ["AI-006", "2026-03-02", "20"],
    ["AI-006", "2026-03-09", "20"],
]
WATERMELON_SETTINGS = [["key", "value"], ["as_of", "2026-06-01"], ["mandate_date", "2026-01-01"]]
WATERMELONS = {
    "Initiatives": WATERMELON_INITIATIVES,
    "Usage": WATERMELON_USAGE,
    "Settings": WATERMELON_SETTINGS,
}
WATERMELON_INITIATIVES_ONLY = {"Initiatives": WATERMELON_INITIATIVES}
WATERMELONS_AS_OF = {"as_of": "2026-06-01"}


# -- hostile cell text: markup, script, a formula, a very long note ---------------------------

IMG = '<img src=x onerror="window.__gt_pwned=1">'
LINK = "[click me](javascript:window.__gt_pwned=1)"
SCRIPT = "<script>window.__gt_pwned=1</script>"
MARKUP = "**bold** _it_ :red[alarm] :material/bolt: $x^2$"
HEADING = "# Heading\n- a list\n> a quote"
FORMULA = '=HYPERLINK("http://evil.example","click")'
NOTE_SENTENCE = "We tried it for a month and went back to the macros. "
HUGE = (NOTE_SENTENCE * 100).strip()  # 5,299 characters
HOSTILE = (IMG, LINK, SCRIPT, MARKUP, FORMULA)


# -- a sheet with four problems a person typed, as of Mon 1 Jun 2026 --------------------------
#
#     Initiatives!I2  "Greeen" is not a status
#     Initiatives!G5  "sometime" is not a date
#     Usage           no active_users column (an error: its header says "people")
#     Usage!A3        "AI-9" is no initiative
#
# Row 4 is blank (skipped), "budget code" and "people" are columns the contract does not
# know, and the two Finance rows have been quiet since 1 Feb (120 days) and 10 Jan (142 days)
# (stale after 45 days).

SHEET_WITH_PROBLEMS_HEADERS = [
    "id",
    "name",
    "team",
    "owner",
    "origin",
    "stage",
    "started",
    "last_update",
    "Status",
    "budget code",
]
SHEET_WITH_PROBLEMS = {
    "Initiatives": [
        SHEET_WITH_PROBLEMS_HEADERS,
        ["AI-1", "Ticket bot", "Support", "Ana Lima", "Grassroots", "Pilot", "2026-05-01",
         "2026-05-20", "Greeen", "CC-1"],
        ["AI-2", "Forecasts", "Finance", "Bo Chen", "Mandate", "Pilot", "2026-01-05",
         "2026-02-01", "Green", "CC-2"],
        ["", "", "", "", "", "", "", "", "", ""],
        ["AI-3", "Close helper", "Finance", "Cy Park", "Mandate", "Rollout", "sometime",
         "2026-01-10", "Amber", "CC-3"],
        ["AI-4", "Lead scoring", "Sales", "Di Rossi", "Vendor", "Adopted", "2026-04-01",
         "2026-05-25", "Green", ""],
    ],
    "Usage": [
        ["initiative_id", "week", "people"],
        ["AI-1", "2026-05-25", "12"],
        ["AI-9", "2026-05-25", "3"],
    ],
    "Settings": [["key", "value"], ["as_of", "2026-06-01"], ["stale_after_days", "45"]],
}  # fmt: skip
