"""A real inventory through a mapping: the 2025 US federal AI use case inventory (3,611 rows,
36 columns of its own names, UTF-8 with BOM), and a synthetic public-sector export.

The federal file lives beside the repository (`../shared/data/`, see its README); the tests
that need it are skipped when it is absent. Expectations are counted straight from the CSV
with the `csv` module, independently of the parser.

How the federal file maps (the Mapping tab a person would write, DESIGN.md section 1):
the inventory has no origin column, so `default, origin, , Mandate` gives every row that
origin (these use cases are inventoried because federal policy requires it); the stage
words map Pre-deployment -> Idea, Pilot -> Pilot, Deployed -> Adopted, Retired -> Abandoned;
`started` comes from `operational_date`, and blank dates take the default 2025-01-01.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
from collections import Counter

import pandas as pd
import pytest

from data_sources.files import read_upload
from portfolio import mapping, suggestions
from portfolio.parse import parse_workbook
from tests.apptest_support import ROOT, metric, run_app, write_csv_workbook
from ui import page_list

FEDERAL = ROOT.parent / "shared" / "data" / "federal-ai-use-cases-2025.csv"
needs_federal = pytest.mark.skipif(
    not FEDERAL.is_file(),
    reason=f"the federal inventory is not at {FEDERAL} (see DESIGN.md section 5)",
)
STAGE_WORDS = {
    "Pre-deployment": "Idea",
    "Pilot": "Pilot",
    "Deployed": "Adopted",
    "Retired": "Abandoned",
}
DEFAULT_START = "2025-01-01"
FEDERAL_MAPPING = [
    ["kind", "field", "from", "to"],
    ["column", "id", "id", ""],
    ["column", "name", "use_case_name", ""],
    ["column", "team", "agency", ""],
    ["column", "stage", "development_stage", ""],
    ["column", "started", "operational_date", ""],
    ["column", "area", "topic_area", ""],
    ["column", "notes", "problem_solved", ""],
    *(["value", "stage", word, to] for word, to in STAGE_WORDS.items() if word != to),
    ["default", "origin", "", "Mandate"],
    ["default", "started", "", DEFAULT_START],
]
TRENDS = "pages/trends.py"
PAGES = [page.path for page in page_list.PAGES]


def _federal_records() -> list[dict[str, str]]:
    with FEDERAL.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@needs_federal
def test_the_federal_inventory_reads_through_a_mapping_with_every_row_accounted_for():
    records = _federal_records()
    raw = read_upload(FEDERAL.name, FEDERAL.read_bytes())
    tabs = {**raw.tabs, "Mapping": FEDERAL_MAPPING}
    portfolio = parse_workbook(type(raw)(tabs, raw.origin, raw.kind, raw.fetched_at))
    frame = portfolio.initiatives

    # rows in = rows shown (+ blank rows skipped, none here)
    count = suggestions.account(portfolio)
    assert (count.sheet_rows, count.shown, count.blank) == (len(records), len(records), 0)
    assert count.balanced
    assert frame["_row"].tolist() == list(range(2, len(records) + 2))

    expected_stages = Counter(STAGE_WORDS.get(r["development_stage"]) for r in records)
    assert Counter(frame["stage"].astype(object).where(frame["stage"].notna(), None)) == (
        expected_stages
    )
    assert set(frame["origin"]) == {"Mandate"}
    assert frame["team"].tolist() == [r["agency"] for r in records]
    assert frame["name"].tolist() == [r["use_case_name"] or pd.NA for r in records]
    assert (frame["id"].isna()).sum() == sum(not r["id"].strip() for r in records)
    blank_dates = [i for i, r in enumerate(records) if not r["operational_date"].strip()]
    assert (frame["started"].iloc[blank_dates] == pd.Timestamp(DEFAULT_START)).all()
    # the mapping leaves no required column missing; what is left is cell by cell
    assert suggestions.missing_required(portfolio) == []
    assert "agency_bureau" in portfolio.unknown_columns["Initiatives"]
    # rows with a blank stage or id are shown and counted as incomplete
    incomplete = sum(
        not r["id"].strip() or not r["development_stage"] or not r["use_case_name"] for r in records
    )
    assert count.incomplete >= incomplete


@needs_federal
def test_suggestions_for_the_federal_inventory_name_its_columns_and_stage_words():
    raw = read_upload(FEDERAL.name, FEDERAL.read_bytes())
    rows = suggestions.suggest_for(raw)
    columns = {r.field: r.source for r in rows if r.kind == "column"}
    assert columns["name"] == "use_case_name"
    assert columns["team"] == "agency"
    assert columns["stage"] == "development_stage"
    assert columns["started"] == "operational_date"
    stage_words = {r.source: r.target for r in rows if r.kind == "value" and r.field == "stage"}
    assert stage_words == {"Pre-deployment": "Idea", "Deployed": "Adopted"}
    counts = Counter(r["development_stage"] for r in _federal_records())
    why = {r.source: r.why for r in rows if r.kind == "value" and r.field == "stage"}
    assert why["Deployed"] == f"often used for this, {counts['Deployed']:,} cells"


def _federal_app(tmp_path, monkeypatch):
    folder = tmp_path / "federal"
    folder.mkdir()
    shutil.copy(FEDERAL, folder / "Initiatives.csv")
    write_csv_workbook(folder, {"Mapping": FEDERAL_MAPPING})
    monkeypatch.setenv("HOME", str(tmp_path))
    return run_app(tmp_path, monkeypatch, source=str(folder))


@needs_federal
def test_every_page_renders_the_federal_inventory(tmp_path, monkeypatch):
    at = _federal_app(tmp_path, monkeypatch)
    assert not at.exception
    rows = f"{len(_federal_records()):,}"
    for page in PAGES:
        if page == TRENDS:
            continue
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        if page == "pages/sheet_health.py":
            assert metric(at, "Rows under the header") == rows
            assert metric(at, "Rows shown") == rows


@needs_federal
def test_trends_renders_the_federal_inventory(tmp_path, monkeypatch):
    at = _federal_app(tmp_path, monkeypatch)
    at.switch_page(TRENDS).run()
    assert not at.exception


# --- a synthetic public-sector export ------------------------------------------------------

SYNTHETIC_ROWS = 3000
SEED = 20250
PHASES = {"Planned": "Idea", "In Development": "Pilot", "Operational": "Adopted",
          "Decommissioned": "Abandoned"}  # fmt: skip
OFFICES = ("Office of the CIO", "Bureau of Statistics", "Claims Division", "Field Operations")
SYNTHETIC_HEADER = ["Inventory No.", "Use Case Title", "Owning Office", "Phase of Development",
                    "Date Initiated", "Annual Contract Value", "Summary"]  # fmt: skip
SYNTHETIC_MAPPING = [
    ["column", "id", "Inventory No.", ""],
    ["column", "name", "Use Case Title", ""],
    ["column", "team", "Owning Office", ""],
    ["column", "stage", "Phase of Development", ""],
    ["column", "started", "Date Initiated", ""],
    ["column", "annual_cost", "Annual Contract Value", ""],
    ["column", "notes", "Summary", ""],
    *(["value", "stage", word, to] for word, to in PHASES.items()),
    ["default", "origin", "", "Mandate"],
]


def _synthetic() -> tuple[list[list[str]], Counter]:
    rng = random.Random(SEED)
    rows = [SYNTHETIC_HEADER]
    phases: Counter = Counter()
    for i in range(1, SYNTHETIC_ROWS + 1):
        phase = rng.choice(list(PHASES))
        phases[PHASES[phase]] += 1
        words = " ".join(rng.choice(("triage", "claims", "forms", "search")) for _ in range(60))
        summary = f'Pilots "smart" {words}, then reviews,\nline two; cost ≈ {i} €'
        rows.append(
            [
                f"INV-{i:05d}",
                f"Use case {i}, phase {phase}",
                rng.choice(OFFICES),
                phase,
                f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.choice((2023, 2024, 2025))}",
                f"${rng.randint(1, 900) * 1000:,}",
                summary,
            ]
        )
    return rows, phases


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"])
def test_a_synthetic_export_with_long_quoted_multi_line_text(encoding):
    rows, phases = _synthetic()
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    raw = read_upload("office-inventory.csv", buffer.getvalue().encode(encoding))
    portfolio = parse_workbook(raw, mapping=mapping.read_mapping_rows(SYNTHETIC_MAPPING))
    frame = portfolio.initiatives
    assert len(frame) == SYNTHETIC_ROWS
    assert portfolio.problems == []
    assert Counter(frame["stage"]) == phases
    assert frame["notes"].tolist() == [r[6] for r in rows[1:]]
    assert frame["annual_cost"].tolist() == [
        float(r[5].strip("$").replace(",", "")) for r in rows[1:]
    ]
    assert suggestions.account(portfolio).incomplete == 0


def test_suggestions_for_the_synthetic_export():
    rows, _ = _synthetic()
    raw = read_upload("x.csv", "\n".join(",".join(f'"{c}"' for c in r) for r in rows[:50]).encode())
    suggested = {r.field: r.source for r in suggestions.suggest_for(raw) if r.kind == "column"}
    assert suggested["name"] == "Use Case Title"
    assert suggested["team"] == "Owning Office"
    assert suggested["started"] == "Date Initiated"


# --- trying it with your own file, in the browser session -----------------------------------

OWN_CSV = (
    "Use Case Title,Owning Office,Development Stage,Date Initiated,Inventory No.\n"
    "Chat assistant,Treasury,Deployed,2025-01-15,UC-1\n"
    'Fraud model,"Claims, West",Pre-deployment,2024-05-01,UC-2\n'
    "Form reader,Labor,Retired,2024-03-01,UC-3\n"
)


def test_an_uploaded_csv_is_shown_through_a_session_mapping_and_never_saved(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    at = run_app(tmp_path, monkeypatch, page="pages/sheet_health.py")
    at.file_uploader(key="sidebar_upload").set_value(
        ("inventory.csv", OWN_CSV.encode("utf-8"), "text/csv")
    ).run()
    assert not at.exception
    assert metric(at, "Rows shown") == "3"
    [editor] = [frame for frame in at.dataframe if frame.key == "sheet_health_mapping_editor"]
    assert set(editor.value["field"]) >= {"name", "team", "stage", "started", "origin"}
    # the suggested rows: name, team, started by synonym; then the two stage words
    at.button(key="sheet_health_mapping_use").click().run()
    assert not at.exception
    session = at.session_state["_groundtruth_session_mapping"]
    assert {(r.kind, r.field, r.source, r.target) for r in session} >= {
        ("column", "name", "Use Case Title", ""),
        ("column", "team", "Owning Office", ""),
        ("column", "stage", "Development Stage", ""),
        ("column", "started", "Date Initiated", ""),
        ("value", "stage", "Deployed", "Adopted"),
        ("value", "stage", "Pre-deployment", "Idea"),
        ("default", "origin", "", "Mandate"),
    }
    portfolio = at.session_state["_groundtruth_view"].portfolio
    assert portfolio.initiatives["name"].tolist() == [
        "Chat assistant",
        "Fraud model",
        "Form reader",
    ]
    assert portfolio.initiatives["team"].tolist() == ["Treasury", "Claims, West", "Labor"]
    assert portfolio.initiatives["stage"].tolist() == ["Adopted", "Idea", "Abandoned"]
    assert portfolio.origin == "inventory.csv (uploaded)"
    # nothing of the upload reached the disk: no snapshot, no file in the working folder
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not any("inventory" in p.name or p.suffix in (".pkl", ".json") for p in written)
    # removing the file goes back to the configured source
    at.file_uploader(key="sidebar_upload").clear().run()
    assert at.session_state["_groundtruth_view"].portfolio.origin != "inventory.csv (uploaded)"
