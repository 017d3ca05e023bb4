"""What each verdict rests on: telemetry, typed, check-in or none, on every face of the app.

As of Mon 1 Jun 2026 (recent window: the weeks of 11, 18, 25 May and 1 Jun):

| id   | status | verdict  | evidence  | why                                                   |
|------|--------|----------|-----------|-------------------------------------------------------|
| AI-1 | Green  | reverted | telemetry | 10 a week in March (events:log.csv), 1 on 25 May      |
| AI-2 | Green  | reverted | typed     | the same numbers, typed into the sheet                |
| AI-3 | Green  | stalled  | check-in  | a Pilot of 147 days, no usage, a check-in on 20 May   |
| AI-4 | Green  | stalled  | none      | stage Stalled, nothing else                           |
| AI-5 | Amber  | adopted  | telemetry | 6 a week over the last 4 weeks (sql:wau)              |
| AI-6 | Amber  | unproven | telemetry | 25 May: typed 30, and 8 from events:notes.csv     |

AI-6's typed row and telemetry row share a week: the telemetry counts and the typed row does
not (usage_sources.resolve), so it rests on telemetry, and its verdict reads 8 / 4 = 2 a week.
Telemetry: AI-1, AI-5, AI-6 = 3 of 6 verdicts.
Watermelons, costliest first: AI-1 $40k, AI-2 $30k, AI-3 $20k, AI-4 $10k.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import duckdb
import pandas as pd
import pytest

from data_sources.files import read_csv_folder
from portfolio.evidence import assess, evidence_counts, evidence_line
from portfolio.parse import parse_workbook
from tests.apptest_support import PageVisits, run_app, texts, write_csv_workbook
from tests.cli_support import run_cli
from ui import slide

MARCH = ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"]
RECENT = ["2026-05-11", "2026-05-18", "2026-05-25", "2026-06-01"]
INITIATIVES = [
    ["id", "name", "team", "owner", "origin", "reported_status", "stage", "started", "annual_cost"],
    [
        "AI-1",
        "Triage bot",
        "Support",
        "Ann Lee",
        "Mandate",
        "Green",
        "Rollout",
        "2026-01-05",
        "40000",
    ],
    [
        "AI-2",
        "Forecast bot",
        "Finance",
        "Bo Chan",
        "Mandate",
        "Green",
        "Rollout",
        "2026-01-05",
        "30000",
    ],
    ["AI-3", "Sales emails", "Sales", "Cy Diaz", "Vendor", "Green", "Pilot", "2026-01-05", "20000"],
    ["AI-4", "Doc search", "Legal", "Di Fox", "Vendor", "Green", "Stalled", "2026-01-05", "10000"],
    [
        "AI-5",
        "Code review",
        "Engineering",
        "Ed Gray",
        "Grassroots",
        "Amber",
        "Adopted",
        "2026-01-05",
        "",
    ],
    ["AI-6", "Meeting notes", "Ops", "Fi Hu", "Grassroots", "Amber", "Pilot", "2026-05-01", ""],
]
USAGE = [
    ["initiative_id", "week", "active_users", "source"],
    *[["AI-1", week, "10", "events:log.csv"] for week in MARCH],
    ["AI-1", "2026-05-25", "1", "events:log.csv"],
    *[["AI-2", week, "10", ""] for week in MARCH],
    ["AI-2", "2026-05-25", "1", ""],
    *[["AI-5", week, "6", "sql:wau"] for week in RECENT],
    ["AI-6", "2026-05-25", "30", ""],  # typed, overruled by the telemetry of the same week
    ["AI-6", "2026-05-25", "8", "events:notes.csv"],
]
CHECKINS = [
    ["checkin_id", "timestamp", "initiative_id", "author", "reported_status", "stage"],
    ["c-1", "2026-05-20 10:00", "AI-3", "Cy Diaz", "", ""],
]
SETTINGS = [["key", "value"], ["as_of", "2026-06-01"]]
WORKBOOK = {"Initiatives": INITIATIVES, "Usage": USAGE, "CheckIns": CHECKINS, "Settings": SETTINGS}
EVIDENCE = {
    "AI-1": "telemetry",
    "AI-2": "typed",
    "AI-3": "check-in",
    "AI-4": "none",
    "AI-5": "telemetry",
    "AI-6": "telemetry",
}
VERDICTS = {
    "AI-1": "reverted",
    "AI-2": "reverted",
    "AI-3": "stalled",
    "AI-4": "stalled",
    "AI-5": "adopted",
    "AI-6": "unproven",
}
MELON_EVIDENCE = ["telemetry", "typed", "check-in", "none"]  # AI-1..AI-4 by cost
FIGURE = "3 of 6 verdicts rest on telemetry"
TYPED_NOTE = "; usage typed into the sheet, not measured by a tool"


@pytest.fixture
def assessed(tmp_path):
    return assess(parse_workbook(read_csv_folder(write_csv_workbook(tmp_path / "wb", WORKBOOK))))


def test_each_verdict_says_what_it_rests_on(assessed):
    assert assessed["verdict"].to_dict() == VERDICTS
    assert assessed["evidence"].to_dict() == EVIDENCE
    assert evidence_counts(assessed) == {"telemetry": 3, "typed": 1, "check-in": 1, "none": 1}
    assert evidence_line(assessed) == FIGURE


@pytest.mark.parametrize(
    ("kinds", "figure"),
    [
        (["telemetry"], "1 verdict, resting on telemetry"),
        (["typed"], "1 verdict, not resting on telemetry"),  # was "0 of 1 verdict rest"
        (["telemetry", "none"], "1 of 2 verdicts rests on telemetry"),
        (["typed", "none"], "0 of 2 verdicts rest on telemetry"),
    ],
)
def test_the_figure_reads_as_english_for_one_and_for_many(kinds, figure):
    assert evidence_line(pd.DataFrame({"evidence": kinds})) == figure


def test_only_the_watermelon_on_typed_numbers_says_so(assessed):
    reasons = assessed["reason"]
    assert reasons["AI-2"] == (
        "Reported Green, but weekly active users fell 98% from a peak of 10 (week of 2 Mar) "
        "to 0.2" + TYPED_NOTE
    )
    assert reasons["AI-1"] == (
        "Reported Green, but weekly active users fell 98% from a peak of 10 (week of 2 Mar) to 0.2"
    )
    assert [i for i in reasons.index if reasons[i].endswith(TYPED_NOTE)] == ["AI-2"]


def test_an_as_of_before_any_usage_rests_on_no_usage(tmp_path):
    portfolio = parse_workbook(read_csv_folder(write_csv_workbook(tmp_path / "wb", WORKBOOK)))
    early = assess(portfolio, as_of=pd.Timestamp("2026-02-02"))
    # No usage week up to 2 Feb; AI-3's check-in comes later, AI-6 has not started.
    assert early["evidence"].to_dict() == {f"AI-{n}": "none" for n in range(1, 6)}


def _look(page, at) -> SimpleNamespace:
    """What a test below reads of a page, taken before the reader moves to the next."""
    return SimpleNamespace(
        text=texts(at), first_table=at.dataframe[0].value if at.dataframe else None
    )


# The tests that only read pages of WORKBOOK share one visit per query, in one test process.
READS_WORKBOOK = pytest.mark.xdist_group("evidence-strength")
VISITED = ["pages/watermelons.py", "pages/stalled.py", "pages/overview.py"]


@pytest.fixture(scope="module")
def visits(tmp_path_factory):
    """visits(query) -> {page: (exceptions, what it showed)}: Watermelons, Stalled, Overview."""
    pages = PageVisits(tmp_path_factory, look=_look)
    return lambda query=None: pages("evidence", tabs=WORKBOOK, query=query, pages=VISITED)


@READS_WORKBOOK
def test_overview_shows_the_figure(visits):
    seen = visits()["pages/overview.py"][1].text
    assert FIGURE in seen
    assert (
        "typed into the sheet: 1 · check-ins only: 1 · the row's stage and dates alone: 1" in seen
    )


@READS_WORKBOOK
@pytest.mark.parametrize("present", [False, True], ids=["browsing", "presenting"])
def test_watermelons_and_stalled_show_the_evidence_column(visits, present):
    seen = visits({"present": "1"} if present else None)
    table = seen["pages/watermelons.py"][1].first_table
    assert table["evidence"].tolist() == MELON_EVIDENCE
    assert table["why"].tolist()[1].startswith("Reported Green, but weekly active users fell 98%")
    assert TYPED_NOTE in table["why"].tolist()[1]
    gone = seen["pages/stalled.py"][1].first_table
    assert gone["evidence"].tolist() == MELON_EVIDENCE
    if present:
        assert FIGURE in seen["pages/overview.py"][1].text


def test_the_slide_carries_the_figure(assessed):
    spec = slide.spec(assessed, as_of=pd.Timestamp("2026-06-01"))
    assert FIGURE in spec["title"]["subtitle"]


def test_cli_verdicts_json_has_evidence(tmp_path, monkeypatch, capsys):
    folder = write_csv_workbook(tmp_path / "wb", WORKBOOK)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GROUNDTRUTH_SOURCE", raising=False)
    code, out, err = run_cli(capsys, "verdicts", "--source", folder, "--json")
    assert code == 0, err
    records = json.loads(out)
    assert {r["id"]: r["evidence"] for r in records} == EVIDENCE
    assert records[1]["reasons"][0].endswith(TYPED_NOTE)


def test_the_app_reads_usage_from_sql_and_rests_it_on_telemetry(tmp_path, monkeypatch):
    """[connections.usage] in the working folder's secrets: DuckDB events take the place of
    the sheet's Usage tab, so AI-2's typed numbers now come from the tool."""
    con = duckdb.connect(str(tmp_path / "usage.duckdb"))
    con.execute('CREATE TABLE events (ts TIMESTAMP, "user" TEXT, initiative_id TEXT)')
    rows = [(f"{w} 10:00", f"u{n}", i) for i in ("AI-1", "AI-2") for w in MARCH for n in range(10)]
    rows += [("2026-05-26 10:00", "u1", "AI-1"), ("2026-05-26 10:00", "u1", "AI-2")]
    con.executemany("INSERT INTO events VALUES (CAST(? AS TIMESTAMP), ?, ?)", rows)
    con.close()
    secrets = tmp_path / "cwd" / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir(parents=True)
    secrets.write_text(
        f'[connections.usage]\nurl = "duckdb:///{tmp_path / "usage.duckdb"}"\n'
        'events_table = "events"\n'
    )
    at = run_app(tmp_path, monkeypatch, tabs=WORKBOOK, page="pages/watermelons.py")
    table = at.dataframe[0].value
    assert table["evidence"].tolist() == ["telemetry", "telemetry", "check-in", "none"]
    assert not any(TYPED_NOTE in why for why in table["why"])
    seen = texts(at.switch_page("pages/overview.py").run())
    # AI-5 and AI-6 had only sheet usage, which SQL replaces: 2 of 6 rest on telemetry.
    assert "2 of 6 verdicts rest on telemetry" in seen
