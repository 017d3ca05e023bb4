"""The seeded generator of the bundled demo workbook, and the story it tells.

The demo company announced an "AI-first" mandate on 2 Feb 2026. By 23 Nov 2026 most of its
status deck is green, but the evidence says otherwise: the grassroots tools built before
the mandate stuck, a $50k vendor workspace is barely used, a forecast pilot stalled months
ago while still reported Green, and an automated forecast went back to Excel. Each story
initiative is written by hand below with the verdict it is meant to earn (`INTENDED_VERDICTS`);
the weekly usage, the survey and the check-ins are drawn from a seeded `random.Random`, so
the same seed always gives the same cells.

`generate_workbook(n_initiatives=10_000)` adds synthetic initiatives after the 40 story ones,
each with a full `weeks` of usage rows, for the load benchmark.

It runs past 500 lines because most of it is the stories themselves, written out as data.

StatusHistory holds what `cli.py history record` appended each Monday morning for the story
initiatives since the weekly run began on 9 Mar 2026 (`HISTORY_START`): the deck never changed
its mind (each row's status and stage are the ones it says today) while the evidence did, so
a watermelon shows its green weeks beside its falling usage ("Green since 9 Mar while weekly
users fell from 225 to 18"), and Trends' default "six months ago" is a recorded week.

    python -m data_sources.sample.generate      # rewrites data_sources/sample/workbook/*.csv
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from portfolio.schema import (
    CHECKINS,
    DAILY_TOOLS,
    INITIATIVES,
    SETTINGS,
    STATUS_HISTORY,
    TABLES,
    USAGE,
)

SEED = 20260202
AS_OF = dt.date(2026, 11, 23)
MANDATE_DATE = dt.date(2026, 2, 2)
STALE_AFTER_DAYS = 45
WEEKS = 52
STORY_INITIATIVES = 40
# The first Monday the weekly `history record` ran, five weeks after the mandate.
HISTORY_START = dt.date(2026, 3, 9)
RECORDED_AT = "T07:00:00Z"  # the weekly run: Monday morning, UTC
SURVEY_ANSWERS = 200
DAYS_PER_WEEK = 7
# The demo's Usage is typed by the teams: no `source` column (blank means typed by hand).
USAGE_LEFT_OUT = ("source",)

# Weekly counts wobble by up to this share around their curve, so charts look measured.
NOISE = 0.08
# Below this many users, noise is a whole user up or down rather than a percentage.
SMALL_COUNT = 5
# Chances that a small count is one more / one less than its curve.
JITTER_UP = 0.25
JITTER_DOWN = 0.15
# A curve below this many users is nobody at all (a floor of 0 stays 0).
NONE_BELOW = 0.5
# Measured hours per user wobble by up to this share.
HOURS_NOISE = 0.10
# The launch week of a boom-and-bust tool reaches this share of its peak.
LAUNCH_SHARE = 0.6
# Each week of a spike after the first loses this share of the peak.
SPIKE_FADE = 0.15

GROW = "grow"
BOOM_BUST = "boom_bust"
SPIKE = "spike"
TRICKLE = "trickle"


@dataclass(frozen=True)
class Curve:
    """How weekly active users move from an initiative's first week of use.

    grow: up to `peak` over `ramp` weeks, then steady. boom_bust: a launch, `hold` weeks
    near `peak`, a slide over `decay` weeks down to `floor`, then `floor`. spike: `hold`
    weeks (fewer than 3) near `peak`, then `floor`. trickle: `peak` (a handful of pilot
    users, or 0 for seats nobody used) for `hold` weeks, then the rows stop.

    >>> [round(Curve(GROW, 10, ramp=4).base(k)) for k in range(6)]
    [2, 5, 8, 10, 10, 10]
    """

    shape: str
    peak: float
    ramp: int = 1
    hold: int = 0
    decay: int = 1
    floor: float = 0.0
    start: dt.date | None = None  # first week of use, when it is not the start date

    def base(self, k: int) -> float | None:
        """Expected active users `k` weeks after first use; None when no row is written."""
        if self.shape == GROW:
            return self.peak * min(1.0, (k + 1) / self.ramp)
        if self.shape == BOOM_BUST:
            if k == 0:
                return self.peak * LAUNCH_SHARE
            if k <= self.hold:
                return self.peak
            slide = min(1.0, (k - self.hold) / self.decay)
            return self.peak - (self.peak - self.floor) * slide
        if self.shape == SPIKE:
            return self.peak * (1 - SPIKE_FADE * k) if k < self.hold else self.floor
        if self.shape == TRICKLE:
            return self.peak if k < self.hold else None
        raise ValueError(f"unknown curve shape {self.shape!r}")


@dataclass(frozen=True)
class Story:
    """One hand-written initiative of the demo, with the verdict its evidence should earn."""

    id: str
    name: str
    team: str
    owner: str
    origin: str
    area: str
    tool: str
    reported_status: str
    stage: str
    started: str
    last_update: str
    verdict: str
    annual_cost: str = ""
    seats: str = ""
    target_users: str = ""
    claimed_hours_saved_per_week: str = ""
    reverted_to: str = ""
    notes: str = ""
    curve: Curve | None = None
    hours_per_user: float | None = None  # measured hours saved per active user per week


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# fmt: off
STORIES: tuple[Story, ...] = (
    # --- adopted: mostly grassroots, mostly started before the mandate ----------------------
    Story("AI-001", "Copilot code review helper", "Engineering", "Priya Raman", "Grassroots",
          "Engineering", "GitHub Copilot", "Green", "Adopted", "2025-06-16", "2026-11-10",
          "adopted", annual_cost="22800", seats="100", target_users="90",
          claimed_hours_saved_per_week="120",
          notes="Started as a hack-week bot that comments on pull requests",
          curve=Curve(GROW, 78), hours_per_user=1.2),
    Story("AI-002", "Invoice-matching script", "Finance", "Tomás Herrera", "Grassroots",
          "Finance", "Python + OpenAI API", "Green", "Adopted", "2025-09-08", "2026-08-17",
          "adopted", annual_cost="1200", target_users="10", claimed_hours_saved_per_week="20",
          notes="Matches supplier invoices to POs; the AP team runs it every morning",
          curve=Curve(GROW, 9, ramp=3), hours_per_user=2.5),
    Story("AI-003", "Support macros with ChatGPT", "Support", "Aisha Bello", "Grassroots",
          "Support", "ChatGPT Team", "Green", "Adopted", "2025-10-06", "2026-10-26",
          "adopted", annual_cost="9000", seats="30", target_users="35",
          claimed_hours_saved_per_week="40",
          notes="Shared prompt library for refunds, shipping and password resets",
          curve=Curve(GROW, 31, ramp=6), hours_per_user=1.4),
    Story("AI-004", "Tier-1 support assistant", "Support", "Daniel Okafor", "Mandate",
          "Support", "Zendesk AI", "Green", "Adopted", "2026-03-02", "2026-11-16",
          "adopted", annual_cost="42000", seats="60", target_users="60",
          claimed_hours_saved_per_week="400",
          notes="Drafts first replies; agents approve or edit.\n"
                "Deflects about 30% of password and order-status tickets",
          curve=Curve(GROW, 58, ramp=8), hours_per_user=2.6),
    Story("AI-005", "SQL helper in the notebook", "Data", "Mei Chen", "Grassroots", "Data",
          "Claude", "Green", "Adopted", "2025-08-11", "2026-10-19", "adopted",
          target_users="15", claimed_hours_saved_per_week="25",
          curve=Curve(GROW, 14)),
    Story("AI-006", "Meeting notes summaries", "Operations", "Rachel Levin", "Grassroots",
          "Ops", "Otter.ai", "Amber", "Rollout", "2026-01-12", "2026-10-12", "adopted",
          annual_cost="3600", seats="25", target_users="25", claimed_hours_saved_per_week="15",
          notes="Waiting on legal sign-off for recording customer calls",
          curve=Curve(GROW, 22, ramp=5), hours_per_user=0.8),
    Story("AI-007", "Clause search over past contracts", "Legal", "Jonas Becker",
          "Grassroots", "Legal", "Claude", "Green", "Adopted", "2026-04-06", "2026-11-02",
          "adopted", target_users="9", claimed_hours_saved_per_week="12",
          curve=Curve(GROW, 8, ramp=3)),
    Story("AI-008", "Job-description drafting", "HR", "Fatima Zahra", "Mandate", "People",
          "ChatGPT Team", "Green", "Adopted", "2026-03-16", "2026-11-09", "adopted",
          seats="12", target_users="12", claimed_hours_saved_per_week="60",
          curve=Curve(GROW, 11, ramp=4)),
    Story("AI-009", "Ad copy A/B variants", "Marketing", "Liam O'Connor", "Grassroots",
          "Marketing", "Claude", "Green", "Adopted", "2025-12-01", "2026-09-28", "adopted",
          target_users="10", claimed_hours_saved_per_week="10",
          curve=Curve(GROW, 9, ramp=4)),
    Story("AI-010", "Unit-test generation in CI", "Engineering", "Sofia Rossi", "Mandate",
          "Engineering", "GitHub Copilot", "Green", "Rollout", "2026-05-04", "2026-11-16",
          "adopted", target_users="80", claimed_hours_saved_per_week="200",
          notes="Rolled out to all 80 engineers in June",
          curve=Curve(GROW, 34, ramp=6), hours_per_user=0.8),
    Story("AI-011", "Call summaries in the CRM", "RevOps", "Marcus Reed", "Vendor", "Sales",
          "Gong", "Green", "Adopted", "2025-11-03", "2026-11-02", "adopted",
          annual_cost="18000", seats="45", target_users="45", claimed_hours_saved_per_week="45",
          curve=Curve(GROW, 38, ramp=4), hours_per_user=0.9),
    Story("AI-012", "Shift handover summaries", "Operations", "Kwame Mensah", "Grassroots",
          "Ops", "ChatGPT Team", "Green", "Adopted", "2025-07-07", "2026-07-20", "adopted",
          target_users="18", claimed_hours_saved_per_week="10",
          curve=Curve(GROW, 16)),
    # --- reverted: real use that collapsed -------------------------------------------------
    Story("AI-013", "Enterprise AI Workspace", "IT", "Hannah Kim", "Vendor", "Company-wide",
          "Enterprise AI Workspace", "Green", "Rollout", "2026-02-16", "2026-11-09",
          "reverted", annual_cost="$50,000", seats="400", target_users="400",
          claimed_hours_saved_per_week="800",
          notes="Launched at the February all-hands; renewal due Feb 2027",
          curve=Curve(BOOM_BUST, 212, hold=5, decay=12, floor=18)),
    Story("AI-014", "Automated revenue forecast", "Finance", "Ravi Patel", "Mandate",
          "Finance", "Forecastly", "Green", "Rollout", "2026-03-09", "2026-10-20",
          "reverted", annual_cost="38000", seats="15", target_users="12",
          claimed_hours_saved_per_week="60", reverted_to="Excel forecast model",
          notes='Q3 close ran on the Excel model "as a backup"',
          curve=Curve(BOOM_BUST, 14, hold=8, decay=6, floor=1), hours_per_user=1.5),
    Story("AI-015", "Contract review copilot", "Legal", "Chloe Martin", "Vendor", "Legal",
          "LexReview", "Green", "Rollout", "2026-02-23", "2026-11-04", "reverted",
          annual_cost="36000", seats="12", target_users="10", claimed_hours_saved_per_week="50",
          curve=Curve(BOOM_BUST, 12, hold=6, decay=6, floor=1)),
    Story("AI-016", "Website chatbot", "Support", "Ahmed Hassan", "Mandate", "Support",
          "SiteBot", "Red", "Reverted", "2026-03-23", "2026-10-05", "reverted",
          annual_cost="24000", target_users="30", claimed_hours_saved_per_week="150",
          reverted_to="Human live chat",
          notes="Customers asked for a person; CSAT fell 9 points",
          curve=Curve(BOOM_BUST, 25, hold=7, decay=4, floor=0)),
    Story("AI-017", "Purchase-order triage", "Operations", "Emma Johansson", "Mandate",
          "Ops", "ChatGPT Team", "Amber", "Rollout", "2026-04-06", "2026-10-26", "reverted",
          target_users="10", claimed_hours_saved_per_week="30",
          reverted_to="Shared inbox rota",
          curve=Curve(BOOM_BUST, 12, hold=6, decay=5, floor=1), hours_per_user=1.0),
    Story("AI-018", "AI sales email sequences", "RevOps", "Carlos Mendes", "Vendor", "Sales",
          "Outreach AI", "Amber", "Rollout", "2026-02-09", "2026-11-02", "reverted",
          annual_cost="15000", seats="40", target_users="40", claimed_hours_saved_per_week="80",
          reverted_to="Hand-written templates",
          curve=Curve(BOOM_BUST, 28, hold=8, decay=8, floor=3)),
    # --- abandoned: tried once ------------------------------------------------------------
    Story("AI-019", "AI content generator", "Marketing", "Grace Liu", "Mandate", "Marketing",
          "ContentForge AI", "Green", "Rollout", "2026-05-04", "2026-10-30", "abandoned",
          annual_cost="24000", seats="25", target_users="25", claimed_hours_saved_per_week="150",
          curve=Curve(SPIKE, 22, hold=2, floor=1)),
    Story("AI-020", "Slide deck generator", "Marketing", "Noah Williams", "Grassroots",
          "Marketing", "Gamma", "Red", "Abandoned", "2026-01-12", "2026-03-02", "abandoned",
          target_users="15", notes="Decks looked generic; brand team said no",
          curve=Curve(SPIKE, 8, hold=1, floor=0)),
    Story("AI-021", "Expense policy Q&A bot", "Finance", "Olivia Brown", "Mandate", "Finance",
          "ChatGPT Team", "Amber", "Rollout", "2026-04-20", "2026-10-28", "abandoned",
          target_users="200", claimed_hours_saved_per_week="80",
          curve=Curve(SPIKE, 17, hold=1, floor=1)),
    Story("AI-022", "Legacy code migration agent", "Engineering", "Yuki Tanaka", "Vendor",
          "Engineering", "CodeShift", "Amber", "Rollout", "2026-06-08", "2026-10-28",
          "abandoned", annual_cost="30000", seats="20", target_users="20",
          claimed_hours_saved_per_week="100",
          curve=Curve(SPIKE, 12, hold=2, floor=0)),
    Story("AI-023", "HR policy chatbot", "HR", "Ben Cohen", "Mandate", "People",
          "Enterprise AI Workspace", "Red", "Abandoned", "2026-03-30", "2026-06-15",
          "abandoned", target_users="300", claimed_hours_saved_per_week="40",
          notes="Answers were out of date; back to the HR wiki",
          curve=Curve(SPIKE, 40, hold=2, floor=2)),
    Story("AI-024", "Image generation for social posts", "Marketing", "Isabel García",
          "Grassroots", "Marketing", "Midjourney", "Amber", "Abandoned", "2025-12-08",
          "2026-02-16", "abandoned", annual_cost="720", target_users="6",
          curve=Curve(SPIKE, 7, hold=1, floor=0)),
    Story("AI-025", "Data catalog auto-tagging", "Data", "Nadia Petrova", "Vendor", "Data",
          "CatalogAI", "Green", "Rollout", "2026-07-13", "2026-11-06", "abandoned",
          annual_cost="20000", target_users="25", claimed_hours_saved_per_week="30",
          curve=Curve(SPIKE, 9, hold=2, floor=0)),
    # --- stalled: no evidence for months, or stage says so -----------------------------------
    Story("AI-026", "AI pipeline forecast pilot", "RevOps", "Ethan Brooks", "Mandate", "Sales",
          "PipelineIQ", "Green", "Pilot", "2026-03-02", "2026-06-29", "stalled",
          annual_cost="28000", seats="10", target_users="25", claimed_hours_saved_per_week="40",
          notes="Waiting on the CRM data export; seats set up in March",
          curve=Curve(TRICKLE, 0, hold=6)),
    Story("AI-027", "Resume screening assistant", "HR", "Laura Fischer", "Mandate", "People",
          "HireSense", "Green", "Pilot", "2026-04-13", "2026-07-06", "stalled",
          annual_cost="12000", seats="8", target_users="8", claimed_hours_saved_per_week="30"),
    Story("AI-028", "Demand forecasting model", "Operations", "Diego Alvarez", "Mandate",
          "Ops", "In-house model", "Amber", "Stalled", "2026-02-23", "2026-09-14", "stalled",
          target_users="12", claimed_hours_saved_per_week="25",
          notes="Blocked on warehouse data quality",
          curve=Curve(TRICKLE, 3, hold=17)),
    Story("AI-029", "Internal docs search", "Engineering", "Sam Taylor", "Vendor",
          "Engineering", "DocuFind", "Red", "Stalled", "2026-03-16", "2026-08-24", "stalled",
          annual_cost="16000", seats="150", target_users="150"),
    Story("AI-030", "NDA first drafts", "Legal", "Amara Nwosu", "Mandate", "Legal", "LexReview",
          "Amber", "Pilot", "2026-05-11", "2026-08-03", "stalled", target_users="6",
          claimed_hours_saved_per_week="10"),
    Story("AI-031", "Churn prediction", "Data", "Lucas Silva", "Mandate", "Data",
          "In-house model", "Red", "Stalled", "2026-02-09", "2026-08-17", "stalled",
          target_users="20", claimed_hours_saved_per_week="20"),
    Story("AI-032", "IT helpdesk bot", "IT", "Oskar Nilsson", "Mandate", "IT",
          "Enterprise AI Workspace", "Amber", "Stalled", "2026-03-30", "2026-07-27", "stalled",
          target_users="500", claimed_hours_saved_per_week="60",
          curve=Curve(TRICKLE, 3, hold=11)),
    Story("AI-033", "Board pack first drafts", "Finance", "Julia Novak", "Mandate", "Finance",
          "Enterprise AI Workspace", "Amber", "Pilot", "2026-04-27", "2026-07-20", "stalled",
          target_users="5", claimed_hours_saved_per_week="15"),
    # --- unproven: recent ideas and pilots, no usage yet -------------------------------------
    Story("AI-034", "Month-end close narratives", "Finance", "Ravi Patel", "Mandate",
          "Finance", "Enterprise AI Workspace", "Green", "Pilot", "2026-09-28", "2026-11-13",
          "unproven", target_users="8", claimed_hours_saved_per_week="20"),
    Story("AI-035", "Onboarding buddy chatbot", "HR", "Fatima Zahra", "Grassroots", "People",
          "ChatGPT Team", "Amber", "Idea", "2026-10-19", "2026-11-04", "unproven",
          target_users="40"),
    Story("AI-036", "Log anomaly summaries", "Engineering", "Priya Raman", "Grassroots",
          "Engineering", "Claude", "Green", "Pilot", "2026-10-05", "2026-11-16", "unproven",
          target_users="12", notes="Trying it on the payments service first"),
    Story("AI-037", "Territory planning assistant", "RevOps", "Marcus Reed", "Mandate",
          "Sales", "PipelineIQ", "Green", "Idea", "2026-10-26", "2026-11-09", "unproven",
          target_users="15", claimed_hours_saved_per_week="25"),
    Story("AI-038", "Supplier risk summaries", "Operations", "Diego Alvarez", "Vendor", "Ops",
          "RiskLens", "Amber", "Pilot", "2026-09-14", "2026-11-02", "unproven",
          annual_cost="9500", seats="6", target_users="6", claimed_hours_saved_per_week="12"),
    Story("AI-039", "Help-article translation", "Support", "Aisha Bello", "Mandate",
          "Support", "DeepL", "Green", "Idea", "2026-11-02", "2026-11-18", "unproven",
          target_users="10", claimed_hours_saved_per_week="30"),
    Story("AI-040", "Data quality checks with an LLM", "Data", "Mei Chen", "Grassroots",
          "Data", "Claude", "Green", "Pilot", "2026-10-12", "2026-11-11", "unproven",
          target_users="6"),
)
# fmt: on

INTENDED_VERDICTS: dict[str, str] = {s.id: s.verdict for s in STORIES}

# Departments answering the pulse survey, with their weight (roughly their headcount).
SURVEY_DEPARTMENTS: dict[str, tuple[int, tuple[str, ...]]] = {
    "Engineering": (40, ("Software engineer", "Engineering manager", "SRE")),
    "Support": (35, ("Support agent", "Team lead")),
    "RevOps": (25, ("Account executive", "Sales ops analyst")),
    "Operations": (20, ("Operations coordinator", "Warehouse lead")),
    "Marketing": (18, ("Content marketer", "Designer")),
    "Finance": (18, ("AP analyst", "FP&A analyst", "Controller")),
    "Data": (14, ("Data analyst", "Data engineer")),
    "HR": (12, ("Recruiter", "HR business partner")),
    "IT": (10, ("IT support", "Systems admin")),
    "Legal": (8, ("Counsel", "Paralegal")),
}
# tool -> (sanctioned, weights of Daily/Weekly/Monthly/Never)
SURVEY_TOOLS: dict[str, tuple[str, tuple[int, int, int, int]]] = {
    "ChatGPT (personal account)": ("no", (50, 30, 15, 5)),
    "Enterprise AI Workspace": ("yes", (5, 12, 28, 55)),
    "GitHub Copilot": ("yes", (80, 15, 5, 0)),
    "ChatGPT Team": ("yes", (65, 25, 10, 0)),
    "Claude": ("no", (55, 30, 10, 5)),
    "Zendesk AI": ("yes", (85, 10, 5, 0)),
    "Invoice-matching script": ("no", (80, 20, 0, 0)),
    "Gemini": ("no", (30, 40, 20, 10)),
    "Gong": ("yes", (35, 45, 15, 5)),
    "Otter.ai": ("yes", (45, 35, 15, 5)),
}
# Which tools each department is asked about, with weights; everyone gets the workspace.
SURVEY_MIX: dict[str, dict[str, int]] = {
    "Engineering": {
        "GitHub Copilot": 5,
        "ChatGPT (personal account)": 3,
        "Claude": 2,
        "Enterprise AI Workspace": 2,
    },
    "Support": {
        "Zendesk AI": 4,
        "ChatGPT Team": 4,
        "Enterprise AI Workspace": 2,
        "ChatGPT (personal account)": 1,
    },
    "RevOps": {
        "Gong": 4,
        "ChatGPT (personal account)": 3,
        "Enterprise AI Workspace": 2,
        "Gemini": 1,
    },
    "Operations": {
        "Otter.ai": 3,
        "ChatGPT Team": 2,
        "ChatGPT (personal account)": 2,
        "Enterprise AI Workspace": 2,
    },
    "Marketing": {
        "Claude": 3,
        "ChatGPT (personal account)": 3,
        "Gemini": 2,
        "Enterprise AI Workspace": 2,
    },
    "Finance": {
        "Invoice-matching script": 3,
        "ChatGPT (personal account)": 2,
        "Enterprise AI Workspace": 2,
        "Gemini": 1,
    },
    "Data": {
        "Claude": 3,
        "GitHub Copilot": 3,
        "ChatGPT (personal account)": 2,
        "Enterprise AI Workspace": 1,
    },
    "HR": {"ChatGPT Team": 3, "ChatGPT (personal account)": 2, "Enterprise AI Workspace": 2},
    "IT": {"Enterprise AI Workspace": 3, "ChatGPT (personal account)": 2, "Gemini": 1},
    "Legal": {"Claude": 3, "Enterprise AI Workspace": 2, "ChatGPT (personal account)": 1},
}

# Hand-written check-ins: (timestamp, initiative, author, status, stage, active users, note).
# The latest per initiative overrides its row; AI-015 shows an honest downgrade that way.
CHECKIN_ROWS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    (
        "2026-06-15 16:20:00",
        "AI-023",
        "Ben Cohen",
        "Red",
        "Abandoned",
        "",
        "Answers were out of date; back to the HR wiki",
    ),
    ("2026-09-21 10:05:00", "AI-010", "Sofia Rossi", "Green", "Rollout", "33", ""),
    (
        "2026-10-05 09:12:00",
        "AI-004",
        "Daniel Okafor",
        "Green",
        "Adopted",
        "56",
        "Deflection steady at 31%",
    ),
    (
        "2026-10-12 14:40:00",
        "AI-006",
        "Rachel Levin",
        "Amber",
        "Rollout",
        "21",
        "Works well, still waiting on legal for customer calls",
    ),
    (
        "2026-10-26 11:30:00",
        "AI-017",
        "Emma Johansson",
        "Amber",
        "Rollout",
        "",
        "Back to the shared inbox rota for now",
    ),
    (
        "2026-11-04 08:55:00",
        "AI-015",
        "Chloe Martin",
        "Amber",
        "Rollout",
        "",
        "Usage dropped after the pilot group ended; reviewing before renewal",
    ),
    (
        "2026-11-09 17:02:00",
        "AI-013",
        "Hannah Kim",
        "Green",
        "Rollout",
        "",
        "All 400 seats provisioned; adoption push planned for Q1",
    ),
    (
        "2026-11-12 13:18:00",
        "AI-036",
        "Priya Raman",
        "Green",
        "Pilot",
        "",
        "First summaries look useful",
    ),
    (
        "2026-11-16 09:42:00",
        "AI-004",
        "Daniel Okafor",
        "Green",
        "Adopted",
        "59",
        "Added billing intents",
    ),
)

# Synthetic initiatives for the benchmark, drawn after the story ones.
SYNTHETIC_TEAMS = tuple(SURVEY_DEPARTMENTS)
SYNTHETIC_TASKS = (
    "ticket summaries",
    "report drafts",
    "code review",
    "forecast",
    "search",
    "translation",
    "triage",
    "meeting notes",
    "data checks",
)
SYNTHETIC_TOOLS = (
    "ChatGPT Team",
    "Claude",
    "GitHub Copilot",
    "Enterprise AI Workspace",
    "Gemini",
    "In-house script",
)
# Weeks before the window in which synthetic initiatives may have started.
SYNTHETIC_START_SPREAD_WEEKS = 26
SYNTHETIC_MAX_PEAK = 120
SYNTHETIC_MAX_WEEKS = 10  # longest ramp, hold or decay of a synthetic curve
SYNTHETIC_MAX_FLOOR_SHARE = 0.2


def week_starts(*, weeks: int = WEEKS, as_of: dt.date = AS_OF) -> list[dt.date]:
    """The Mondays of the last `weeks` weeks up to the week of `as_of`, oldest first.

    The week that contains `as_of` is included, because the evidence engine's "last four
    weeks" are the weeks dated in the 28 days up to and including `as_of`.

    >>> week_starts(weeks=2, as_of=dt.date(2026, 11, 25))
    [datetime.date(2026, 11, 16), datetime.date(2026, 11, 23)]
    """
    this_monday = as_of - dt.timedelta(days=as_of.weekday())
    return [this_monday - dt.timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(-day.weekday()) % DAYS_PER_WEEK)


def _count(base: float, r: float) -> int:
    """A weekly count around `base`, moved by the uniform draw `r` in [0, 1)."""
    if base >= SMALL_COUNT:
        return round(base * (1 + NOISE * (2 * r - 1)))
    if base < NONE_BELOW:
        return 0
    step = 1 if r > 1 - JITTER_UP else (-1 if r < JITTER_DOWN else 0)
    return max(0, round(base) + step)


def _usage_rows(
    ident: str,
    curve: Curve,
    first_use: dt.date,
    hours_per_user: float | None,
    weeks: list[dt.date],
    labels: list[str],
    rng: random.Random,
) -> list[list[str]]:
    rows: list[list[str]] = []
    offset = (weeks[0] - first_use).days // DAYS_PER_WEEK
    for i, label in enumerate(labels):
        k = offset + i
        if k < 0:
            continue
        base = curve.base(k)
        if base is None:
            continue
        users = _count(base, rng.random())
        hours = ""
        if hours_per_user is not None:
            saved = users * hours_per_user * (1 + HOURS_NOISE * (2 * rng.random() - 1))
            hours = f"{saved:.1f}"
        rows.append([ident, label, str(users), hours])
    return rows


def _story_row(story: Story) -> list[str]:
    return [
        story.id,
        story.name,
        story.team,
        story.owner,
        story.origin,
        story.area,
        story.tool,
        story.reported_status,
        story.stage,
        story.started,
        story.last_update,
        story.annual_cost,
        story.seats,
        story.target_users,
        story.claimed_hours_saved_per_week,
        story.reverted_to,
        story.notes,
    ]


def _synthetic(
    index: int, weeks: list[dt.date], labels: list[str], rng: random.Random
) -> tuple[list[str], list[list[str]]]:
    """One filler initiative and a usage row for every week of the window."""
    ident = f"AI-{index + 1:03d}"
    team = rng.choice(SYNTHETIC_TEAMS)
    started = weeks[0] - dt.timedelta(weeks=rng.randrange(SYNTHETIC_START_SPREAD_WEEKS))
    peak = rng.randint(SMALL_COUNT, SYNTHETIC_MAX_PEAK)
    curve = Curve(
        rng.choice((GROW, GROW, BOOM_BUST, SPIKE)),
        peak,
        ramp=rng.randint(1, SYNTHETIC_MAX_WEEKS),
        hold=rng.randint(1, SYNTHETIC_MAX_WEEKS),
        decay=rng.randint(1, SYNTHETIC_MAX_WEEKS),
        floor=peak * SYNTHETIC_MAX_FLOOR_SHARE * rng.random(),
    )
    lead = rng.randrange(len(weeks) // 2)
    row = [
        ident,
        f"{team} {rng.choice(SYNTHETIC_TASKS)} #{index + 1}",
        team,
        "",
        rng.choice(("Mandate", "Grassroots", "Vendor")),
        team,
        rng.choice(SYNTHETIC_TOOLS),
        rng.choice(("Green", "Green", "Green", "Amber", "Red")),
        rng.choice(("Pilot", "Rollout", "Adopted")),
        started.isoformat(),
        weeks[-1].isoformat(),
        *[""] * 6,
    ]
    # Filler usage is logged from the window's first week, zero until the tool is picked up.
    usage = [[ident, label, "0", ""] for label in labels[:lead]]
    usage += _usage_rows(ident, curve, weeks[lead], None, weeks, labels, rng)
    return row, usage


def _survey(answers: int, rng: random.Random) -> list[list[str]]:
    header = [c.name for c in TABLES[DAILY_TOOLS].columns]
    departments = list(SURVEY_DEPARTMENTS)
    weights = [SURVEY_DEPARTMENTS[d][0] for d in departments]
    frequencies = ("Daily", "Weekly", "Monthly", "Never")
    rows = [header]
    for department in rng.choices(departments, weights, k=answers):
        role = rng.choice(SURVEY_DEPARTMENTS[department][1])
        mix = SURVEY_MIX[department]
        tool = rng.choices(list(mix), list(mix.values()))[0]
        sanctioned, odds = SURVEY_TOOLS[tool]
        frequency = rng.choices(frequencies, odds)[0]
        rows.append([department, role, tool, frequency, sanctioned])
    return rows


def _checkin_id(rng: random.Random) -> str:
    """A UUID4-shaped id drawn from the seeded generator, so reruns give the same ids."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def generate_workbook(
    *,
    n_initiatives: int = STORY_INITIATIVES,
    weeks: int = WEEKS,
    seed: int = SEED,
    survey_answers: int = SURVEY_ANSWERS,
) -> dict[str, list[list[str]]]:
    """The demo workbook as tab -> rows of text, the first row of each tab its headers.

    The first 40 initiatives are the story (`STORIES`); more are synthetic filler with a
    full `weeks` of usage each. The same arguments always give the same cells.

    >>> wb = generate_workbook()
    >>> wb["Settings"][1], len(wb["Initiatives"]) - 1
    (['as_of', '2026-11-23'], 40)
    """
    rng = random.Random(seed)
    window = week_starts(weeks=weeks)
    labels = [w.isoformat() for w in window]
    initiatives = [[c.name for c in TABLES[INITIATIVES].columns]]
    usage = [[c.name for c in TABLES[USAGE].columns if c.name not in USAGE_LEFT_OUT]]

    for story in STORIES[:n_initiatives]:
        initiatives.append(_story_row(story))
        if story.curve is not None:
            first_use = story.curve.start or _monday_on_or_after(_d(story.started))
            usage.extend(
                _usage_rows(
                    story.id, story.curve, first_use, story.hours_per_user, window, labels, rng
                )
            )
    for index in range(len(STORIES), n_initiatives):
        row, rows = _synthetic(index, window, labels, rng)
        initiatives.append(row)
        usage.extend(rows)

    checkins = [[c.name for c in TABLES[CHECKINS].columns]]
    known = {row[0] for row in initiatives[1:]}
    for timestamp, ident, author, status, stage, users, note in CHECKIN_ROWS:
        if ident in known:
            checkins.append(
                [_checkin_id(rng), timestamp, ident, author, status, stage, users, note]
            )

    settings = [
        ["key", "value"],
        ["as_of", AS_OF.isoformat()],
        ["mandate_date", MANDATE_DATE.isoformat()],
        ["stale_after_days", str(STALE_AFTER_DAYS)],
    ]
    tabs = {
        INITIATIVES: initiatives,
        USAGE: usage,
        CHECKINS: checkins,
        DAILY_TOOLS: _survey(survey_answers, rng),
    }
    recorded = [week for week in window if week >= HISTORY_START]
    tabs[STATUS_HISTORY] = _status_history({**tabs, SETTINGS: settings}, recorded)
    tabs[SETTINGS] = settings
    return tabs


def _status_history(tabs: dict[str, list[list[str]]], weeks: list[dt.date]) -> list[list[str]]:
    """What a weekly `history record` run would have appended on each of `weeks` (Mondays)
    for the story initiatives, with today's status and stage (the deck never changed)."""
    from data_sources.history import record_cells
    from portfolio import history
    from portfolio.evidence import assess
    from portfolio.model import RawWorkbook
    from portfolio.parse import parse_workbook

    stories = {story.id for story in STORIES}
    id_column = {INITIATIVES: 0, USAGE: 0, CHECKINS: 2}
    story_tabs = {
        tab: [
            rows[0],
            *(r for r in rows[1:] if tab not in id_column or r[id_column[tab]] in stories),
        ]
        for tab, rows in tabs.items()
    }
    raw = RawWorkbook(
        story_tabs, origin="sample", kind="sample", fetched_at=dt.datetime.now(dt.UTC)
    )
    portfolio = parse_workbook(raw)
    rows = [list(history.COLUMNS)]
    for week in weeks:
        facts = history.week_facts(assess(portfolio, as_of=week), week=week)
        for record in record_cells(facts, recorded_at=f"{week}{RECORDED_AT}", derived=False):
            rows.append([str(record[column]) for column in history.COLUMNS])
    return rows


def write_workbook(tabs: dict[str, list[list[str]]], folder: Path) -> list[Path]:
    """Write each tab as `<folder>/<Tab>.csv` (UTF-8, "\\n" line ends); returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for tab, rows in tabs.items():
        path = folder / f"{tab}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Rewrite the bundled sample CSVs from the seed."""
    from data_sources.sample import SAMPLE_DIR

    del argv  # no options: the sample is fully determined by the constants above
    for path in write_workbook(generate_workbook(), SAMPLE_DIR):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
