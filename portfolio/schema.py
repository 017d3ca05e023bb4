"""The workbook contract: tabs, columns, header aliases, vocabularies and setting defaults.

This is the single description of the shared sheet (DESIGN.md section 1). The parser, the
template writer, the Sheet health page and the README all read it from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

INITIATIVES = "Initiatives"
USAGE = "Usage"
CHECKINS = "CheckIns"
DAILY_TOOLS = "DailyTools"
SETTINGS = "Settings"
MAPPING = "Mapping"
STATUS_HISTORY = "StatusHistory"
# Written whole by `cli.py history record` and never parsed: people read it, nobody types in it.
VERDICTS_TAB = "Verdicts"

# Value kinds a column can hold; portfolio.readers has one column-wise reader per kind.
TEXT = "text"
DATE = "date"
TIMESTAMP = "timestamp"
MONEY = "money"
INTEGER = "integer"
NUMBER = "number"
CHOICE = "choice"
BOOLEAN = "boolean"


# The vocabularies: every word is declared here once, and code names it by these constants.
class Status:
    """The reported status (RAG) of an initiative."""

    GREEN = "Green"
    AMBER = "Amber"
    RED = "Red"


class Stage:
    """Where an initiative says it is."""

    IDEA = "Idea"
    PILOT = "Pilot"
    ROLLOUT = "Rollout"
    ADOPTED = "Adopted"
    STALLED = "Stalled"
    REVERTED = "Reverted"
    ABANDONED = "Abandoned"


class Origin:
    """Who started an initiative."""

    MANDATE = "Mandate"
    GRASSROOTS = "Grassroots"
    VENDOR = "Vendor"


class Frequency:
    """How often a survey answer says a tool is used."""

    DAILY = "Daily"
    WEEKLY = "Weekly"
    MONTHLY = "Monthly"
    NEVER = "Never"


class Verdict:
    """What the evidence says about an initiative (portfolio.evidence)."""

    ADOPTED = "adopted"
    UNPROVEN = "unproven"
    STALLED = "stalled"
    REVERTED = "reverted"
    ABANDONED = "abandoned"


STATUSES = (Status.GREEN, Status.AMBER, Status.RED)
STAGES = (
    Stage.IDEA,
    Stage.PILOT,
    Stage.ROLLOUT,
    Stage.ADOPTED,
    Stage.STALLED,
    Stage.REVERTED,
    Stage.ABANDONED,
)
ORIGINS = (Origin.MANDATE, Origin.GRASSROOTS, Origin.VENDOR)
FREQUENCIES = (Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY, Frequency.NEVER)
VERDICTS = (Verdict.ADOPTED, Verdict.UNPROVEN, Verdict.STALLED, Verdict.REVERTED, Verdict.ABANDONED)
# Verdicts that, under a Green status, make a watermelon.
NOT_REAL = (Verdict.STALLED, Verdict.REVERTED, Verdict.ABANDONED)

# Other spellings people type, matched after normalize(); the canonical words match too.
STATUS_SYNONYMS = {
    "🟢": Status.GREEN,
    "🟡": Status.AMBER,
    "🟠": Status.AMBER,
    "🔴": Status.RED,
    "g": Status.GREEN,
    "a": Status.AMBER,
    "r": Status.RED,
    "yellow": Status.AMBER,
    "ontrack": Status.GREEN,
    "atrisk": Status.AMBER,
    "offtrack": Status.RED,
}
STAGE_SYNONYMS = {
    "idea": Stage.IDEA,
    "proposed": Stage.IDEA,
    "poc": Stage.PILOT,
    "proofofconcept": Stage.PILOT,
    "experiment": Stage.PILOT,
    "trial": Stage.PILOT,
    "scaling": Stage.ROLLOUT,
    "rollingout": Stage.ROLLOUT,
    "live": Stage.ADOPTED,
    "production": Stage.ADOPTED,
    "inproduction": Stage.ADOPTED,
    "paused": Stage.STALLED,
    "onhold": Stage.STALLED,
    "blocked": Stage.STALLED,
    "rolledback": Stage.REVERTED,
    "cancelled": Stage.ABANDONED,
    "canceled": Stage.ABANDONED,
    "dropped": Stage.ABANDONED,
    "retired": Stage.ABANDONED,
}
ORIGIN_SYNONYMS = {
    "topdown": Origin.MANDATE,
    "mandated": Origin.MANDATE,
    "bottomup": Origin.GRASSROOTS,
    "grassroot": Origin.GRASSROOTS,
    "vendorled": Origin.VENDOR,
    "bought": Origin.VENDOR,
}
FREQUENCY_SYNONYMS = {
    "everyday": Frequency.DAILY,
    "eachday": Frequency.DAILY,
    "weekly": Frequency.WEEKLY,
    "everyweek": Frequency.WEEKLY,
    "monthly": Frequency.MONTHLY,
    "rarely": Frequency.MONTHLY,
    "no": Frequency.NEVER,
    "none": Frequency.NEVER,
}


@dataclass(frozen=True)
class Column:
    """One column of a tab: its canonical name, what it holds and how people may spell it."""

    name: str
    kind: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    vocabulary: tuple[str, ...] = ()
    synonyms: dict[str, str] = field(default_factory=dict)
    doc: str = ""


@dataclass(frozen=True)
class Table:
    """One tab of the workbook."""

    name: str
    columns: tuple[Column, ...]
    required: bool = False
    key: str | None = None  # column whose values must be unique
    doc: str = ""

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _status(name: str, **kw) -> Column:
    return Column(name, CHOICE, vocabulary=STATUSES, synonyms=STATUS_SYNONYMS, **kw)


def _stage(name: str, **kw) -> Column:
    return Column(name, CHOICE, vocabulary=STAGES, synonyms=STAGE_SYNONYMS, **kw)


TABLES: dict[str, Table] = {
    INITIATIVES: Table(
        INITIATIVES,
        required=True,
        key="id",
        doc="One row per initiative.",
        columns=(
            Column("id", required=True, aliases=("initiative id", "key", "ref"), doc="e.g. AI-014"),
            Column(
                "name",
                required=True,
                aliases=(
                    "initiative",
                    "title",
                    "use case",
                    "project",
                    "initiative name",
                    "project name",
                ),
            ),
            Column("team", required=True, aliases=("department", "dept", "owning team", "group")),
            Column(
                "owner",
                aliases=("owner email", "owner name", "lead", "contact", "sponsor"),
                doc="a person; hidden in presentation mode",
            ),
            Column(
                "origin",
                CHOICE,
                required=True,
                vocabulary=ORIGINS,
                synonyms=ORIGIN_SYNONYMS,
                aliases=("source", "how it started", "started by"),
            ),
            Column("area", aliases=("function", "domain", "business area")),
            Column("tool", aliases=("platform", "product", "vendor tool", "model")),
            _status(
                "reported_status",
                aliases=("status", "rag", "rag status", "deck status", "health"),
                doc="what the status deck says",
            ),
            _stage("stage", required=True, aliases=("phase", "lifecycle", "state")),
            Column("started", DATE, required=True, aliases=("start", "start date", "started on")),
            Column(
                "last_update",
                DATE,
                aliases=("updated", "last updated", "update date", "last update date"),
            ),
            Column("annual_cost", MONEY, aliases=("cost", "annual spend", "yearly cost", "spend")),
            Column("seats", INTEGER, aliases=("licences", "licenses", "seats bought")),
            Column("target_users", INTEGER, aliases=("target", "intended users", "audience")),
            Column(
                "claimed_hours_saved_per_week",
                NUMBER,
                aliases=("claimed hours saved", "hours saved per week", "claimed savings"),
            ),
            Column("reverted_to", aliases=("went back to", "fallback", "replaced by")),
            Column("notes", aliases=("note", "comments", "comment", "description")),
        ),
    ),
    USAGE: Table(
        USAGE,
        doc="Evidence over time: one row per initiative and week.",
        columns=(
            Column("initiative_id", required=True, aliases=("id", "initiative")),
            Column("week", DATE, required=True, aliases=("week of", "week start", "date")),
            Column("active_users", INTEGER, required=True, aliases=("users", "wau", "active")),
            Column("measured_hours_saved", NUMBER, aliases=("hours saved", "measured savings")),
            Column(
                "source",
                aliases=("data source", "imported from"),
                doc="blank = typed by hand; events:…, github-copilot:…, m365-copilot:… = "
                "imported telemetry (portfolio/usage_sources.py)",
            ),
        ),
    ),
    CHECKINS: Table(
        CHECKINS,
        key="checkin_id",
        doc="Append-only log written by the Check in page; the latest check-in overrides a row.",
        columns=(
            Column("checkin_id", required=True, aliases=("check in id", "uuid")),
            Column("timestamp", TIMESTAMP, required=True, aliases=("time", "submitted", "when")),
            Column("initiative_id", required=True, aliases=("id", "initiative")),
            Column("author", aliases=("by", "submitted by", "name")),
            _status("reported_status", aliases=("status", "rag")),
            _stage("stage", aliases=("phase",)),
            Column("active_users", INTEGER, aliases=("users", "active")),
            Column("note", aliases=("notes", "comment")),
        ),
    ),
    DAILY_TOOLS: Table(
        DAILY_TOOLS,
        doc='Pulse survey: "which AI tools do you use every day?"',
        columns=(
            Column("department", required=True, aliases=("team", "dept")),
            Column("role", aliases=("job", "position")),
            Column("tool", required=True, aliases=("ai tool", "product")),
            Column(
                "frequency",
                CHOICE,
                required=True,
                vocabulary=FREQUENCIES,
                synonyms=FREQUENCY_SYNONYMS,
                aliases=("how often", "use"),
            ),
            Column("sanctioned", BOOLEAN, aliases=("approved", "official", "company paid")),
        ),
    ),
    STATUS_HISTORY: Table(
        STATUS_HISTORY,
        doc="What the deck said each week: one row per initiative and week, appended by "
        "cli.py history record.",
        columns=(
            Column("week", DATE, required=True, aliases=("week of", "week start")),
            Column("initiative_id", required=True, aliases=("id", "initiative")),
            _status("reported_status", aliases=("status", "rag")),
            _stage("stage", aliases=("phase",)),
            Column("verdict", CHOICE, vocabulary=VERDICTS),
            Column("evidence", doc="what the verdict rests on (telemetry, typed, check-in, none)"),
            Column("recent_users", NUMBER, aliases=("recent mean", "recent active users")),
            Column("recorded_at", TIMESTAMP, aliases=("recorded",)),
            Column("derived", BOOLEAN, doc="yes: backfilled from CheckIns, not recorded that week"),
        ),
    ),
    SETTINGS: Table(
        SETTINGS,
        doc="Key/value rows: as_of, mandate_date, stale_after_days and the thresholds.",
        columns=(
            Column("key", required=True, aliases=("setting", "name")),
            Column("value", required=True),
        ),
    ),
}


# A StatusHistory row is one initiative in one week: a second row for the pair is a repeat.
HISTORY_KEY = ("week", "initiative_id")

# The Verdicts tab, rewritten whole by `cli.py history record` beside the teams' tabs.
VERDICTS_COLUMNS = ("id", "name", "team", "verdict", "evidence", "reason", "as_of")


@dataclass(frozen=True)
class Setting:
    """One key of the Settings tab and its default."""

    key: str
    kind: str
    default: object
    doc: str


# Defaults for every threshold of the evidence model (DESIGN.md section 2). `None` for as_of
# means "today"; for mandate_date it means "not announced".
SETTINGS_SPEC: tuple[Setting, ...] = (
    Setting("as_of", DATE, None, "the day the verdicts are computed for (default: today)"),
    Setting("mandate_date", DATE, None, "the day the AI-first mandate was announced"),
    Setting("stale_after_days", INTEGER, 45, "days without any evidence before stalled"),
    Setting("recent_weeks", INTEGER, 4, "weeks that count as 'recent' usage"),
    Setting("adopted_share_of_peak", NUMBER, 0.5, "recent mean / peak needed for adopted"),
    Setting("adopted_min_users", INTEGER, 5, "recent mean active users needed for adopted"),
    Setting("collapse_share_of_peak", NUMBER, 0.2, "recent mean / peak at or below = collapsed"),
    Setting("real_use_min_weeks", INTEGER, 3, "weeks at >= adopted share of peak = real use"),
    Setting("real_use_min_peak", INTEGER, 5, "peak active users needed for real use"),
    Setting("pilot_max_days", INTEGER, 120, "a Pilot older than this that never grew stalls"),
    Setting("compare_months", INTEGER, 6, "how far back 'then' is for the now-vs-then view"),
)
SETTINGS_DEFAULTS: dict[str, object] = {s.key: s.default for s in SETTINGS_SPEC}

_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def normalize(text: object) -> str:
    """Fold a header or a word for matching: lower case, no spaces, underscores or punctuation.

    >>> normalize(" Reported_Status ")
    'reportedstatus'
    """
    return _NON_ALNUM.sub("", str(text)).casefold()


def header_index(table: Table) -> dict[str, str]:
    """Map every accepted spelling of a header (normalized) to its canonical column name."""
    index: dict[str, str] = {}
    for col in table.columns:
        for spelling in (col.name, *col.aliases):
            index.setdefault(normalize(spelling), col.name)
    # A canonical name always wins over another column's alias.
    for col in table.columns:
        index[normalize(col.name)] = col.name
    return index


def vocabulary_index(column: Column) -> dict[str, str]:
    """Map every accepted spelling of a vocabulary word (normalized) to the canonical word."""
    index = {normalize(word): word for word in column.vocabulary}
    for spelling, word in column.synonyms.items():
        index.setdefault(normalize(spelling) or spelling, word)
    return index


def a1_column(index: int) -> str:
    """Spreadsheet column letters for a 0-based column index: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def a1(tab: str, row: int, col: int) -> str:
    """A1 reference of a cell from 0-based grid coordinates: a1("Usage", 6, 2) -> 'Usage!C7'."""
    return f"{tab}!{a1_column(col)}{row + 1}"
