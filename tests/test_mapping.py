"""Bring your own sheet: Mapping rows in, ColumnMapping out; a mapped parse; suggestions; files.

Expectations are worked out by hand from the small fixtures here.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from data_sources.files import read_upload
from portfolio import mapping, suggestions
from portfolio.mapping import ColumnMapping, MappingRow
from portfolio.model import ERROR
from portfolio.parse import parse_workbook

HEADER = ["kind", "field", "from", "to"]

# A small inventory with its own names: 4 rows, one with a blank stage.
OWN = [
    ["Use Case ID", "Use Case Title", "Agency", "Development Stage", "Go-live", "Comments"],
    ["UC-1", "Chat assistant", "Treasury", "Deployed", "2025-01-15", "ok"],
    ["UC-2", "Fraud model", "Treasury", "Pre-deployment", "", "waiting, on data"],
    ["UC-3", "Form reader", "Labor", "Retired", "3/1/2024", ""],
    ["UC-4", "Triage", "Labor", "", "2025-06-01", ""],
]
OWN_MAPPING = [
    HEADER,
    ["column", "id", "Use Case ID", ""],
    ["column", "name", "Use Case Title", ""],
    ["column", "team", "Agency", ""],
    ["column", "stage", "Development Stage", ""],
    ["column", "started", "Go-live", ""],
    ["value", "stage", "Deployed", "Adopted"],
    ["value", "stage", "pre deployment", "idea"],
    ["value", "stage", "Retired", "Abandoned"],
    ["default", "origin", "", "Mandate"],
    ["default", "started", "", "2024-01-01"],
]


def _raw(make_raw, tabs):
    return make_raw({name: [list(r) for r in rows] for name, rows in tabs.items()})


# --- reading Mapping rows -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "columns", "values", "defaults"),
    [
        (
            [HEADER, ["column", "name", "use_case_name", ""]],
            {"Initiatives": {"use_case_name": "name"}},
            {},
            {},
        ),
        # a title above the headers, columns in another order, a blank row
        (
            [
                ["Our mapping"],
                ["to", "from", "field", "kind"],
                [],
                ["Idea", "Planned", "stage", "Value"],
            ],
            {},
            {"stage": {"Planned": "Idea"}},
            {},
        ),
        # headerless, another tab's field, an alias as the field, a leading apostrophe
        (
            [["column", "Usage.week", "Week of", ""], ["column", "Start date", "'=go", ""]],
            {"Usage": {"Week of": "week"}, "Initiatives": {"=go": "started"}},
            {},
            {},
        ),
        # "column, , header, field" reads too; a default's word is made canonical
        (
            [HEADER, ["column", "", "Bureau", "team"], ["default", "origin", "", "grassroots"]],
            {"Initiatives": {"Bureau": "team"}},
            {},
            {"Initiatives": {"origin": "Grassroots"}},
        ),
    ],
)
def test_mapping_rows_are_read(rows, columns, values, defaults):
    read = mapping.read_mapping_rows(rows)
    assert (read.columns, read.values, read.defaults) == (columns, values, defaults)
    assert read.problems == ()


@pytest.mark.parametrize(
    ("row", "cell", "message"),
    [
        (["colum", "name", "x", ""], "Mapping!A2", '"colum" is not a kind of mapping row'),
        (["column", "nmae", "x", ""], "Mapping!B2", '"nmae" is not a field of the template'),
        (["column", "name", "", ""], "Mapping!C2", "The column row for name names no header"),
        (["value", "stage", "Live-ish", "Deployed"], "Mapping!D2", '"Deployed" is not one of'),
        (["value", "stage", "", "Idea"], "Mapping!C2", "The value row for stage names no word"),
        (["default", "origin", "", ""], "Mapping!D2", "The default row for origin has nothing"),
    ],
)
def test_a_mapping_row_that_cannot_be_used_is_a_problem_with_its_cell(row, cell, message):
    read = mapping.read_mapping_rows([HEADER, row])
    assert read.empty
    [problem] = read.problems
    assert (problem.tab, problem.cell) == ("Mapping", cell)
    assert problem.message.startswith(message)
    assert problem.fix


def test_a_field_mapped_twice_keeps_the_first_row():
    read = mapping.read_mapping_rows(
        [HEADER, ["column", "team", "Agency", ""], ["column", "team", "Bureau", ""]]
    )
    assert read.columns == {"Initiatives": {"Agency": "team"}}
    [problem] = read.problems
    assert problem.cell == "Mapping!C3"
    assert "already mapped in Mapping!A2" in problem.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name", ("Initiatives", "name")),
        ("Start Date", ("Initiatives", "started")),
        ("usage.week", ("Usage", "week")),
        ("CheckIns.note", ("CheckIns", "note")),
        ("frequency", ("DailyTools", "frequency")),
        ("Settings.key", None),
        ("colour", None),
        ("", None),
    ],
)
def test_fields_resolve_to_a_tab_and_column(text, expected):
    assert mapping.resolve_field(text) == expected


def test_secrets_take_both_forms_and_report_mistakes_as_problems():
    section = {
        "columns": {"name": "use_case_name", "Usage.week": "Week of"},
        "values": {"stage": {"Deployed": "Adopted"}},
        "defaults": {"origin": "Vendor", "colour": "red"},
        "rows": [["value", "stage", "Retired", "Abandoned"]],
    }
    read = mapping.from_settings(section)
    assert read.columns == {"Initiatives": {"use_case_name": "name"}, "Usage": {"Week of": "week"}}
    assert read.values == {"stage": {"Retired": "Abandoned", "Deployed": "Adopted"}}
    assert read.defaults == {"Initiatives": {"origin": "Vendor"}}
    [problem] = read.problems
    assert problem.cell == "[groundtruth.mapping]"
    assert '"colour" is not a field' in problem.message
    assert mapping.from_secrets({"groundtruth": {"source": "sample"}}) is None


def test_merge_lets_the_override_win_per_header_word_and_field():
    base = ColumnMapping(
        columns={"Initiatives": {"Agency": "team", "Title": "name"}},
        values={"stage": {"Live": "Adopted", "Planned": "Idea"}},
        defaults={"Initiatives": {"origin": "Vendor"}},
    )
    override = ColumnMapping(
        columns={"Initiatives": {"Bureau": "team"}},
        values={"stage": {"Live": "Rollout"}},
        defaults={"Initiatives": {"origin": "Mandate"}},
    )
    merged = mapping.merge(base, override)
    assert merged.columns == {"Initiatives": {"Title": "name", "Bureau": "team"}}
    assert merged.values == {"stage": {"Live": "Rollout", "Planned": "Idea"}}
    assert merged.defaults == {"Initiatives": {"origin": "Mandate"}}


def test_rows_round_trip_through_pasteable_text():
    rows = [
        MappingRow("column", "name", "Use Case, Title", ""),
        MappingRow("value", "stage", "-", "Idea"),
        MappingRow("default", "origin", "", "Mandate"),
    ]
    tsv = mapping.rows_text(rows)
    assert tsv.splitlines()[0] == "kind\tfield\tfrom\tto"
    assert "\t'-\t" in tsv  # Sheets would read a bare "-" cell as the start of a formula
    for delimiter in ("\t", ","):
        cells = list(
            csv.reader(
                io.StringIO(mapping.rows_text(rows, delimiter=delimiter)), delimiter=delimiter
            )
        )
        assert mapping.read_mapping_rows(cells) == mapping.from_rows(rows)
    assert mapping.from_rows(rows).rows() == [
        MappingRow("column", "name", "Use Case, Title", ""),
        MappingRow("value", "stage", "-", "Idea"),
        MappingRow("default", "origin", "", "Mandate"),
    ]


# --- the parser reads the Mapping tab ------------------------------------------------------


def test_the_mapping_tab_is_applied_by_parse_workbook(make_raw):
    portfolio = parse_workbook(_raw(make_raw, {"Initiatives": OWN, "Mapping": OWN_MAPPING}))
    frame = portfolio.initiatives
    assert frame["id"].tolist() == ["UC-1", "UC-2", "UC-3", "UC-4"]
    assert frame["team"].tolist() == ["Treasury", "Treasury", "Labor", "Labor"]
    assert frame["stage"].tolist() == ["Adopted", "Idea", "Abandoned", pd.NA]
    # every row gets the default origin; the blank start date gets the default date
    assert frame["origin"].tolist() == ["Mandate"] * 4
    assert frame["started"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-01-15",
        "2024-01-01",
        "2024-03-01",
        "2025-06-01",
    ]
    assert portfolio.unknown_columns["Initiatives"] == []  # Comments is an alias of notes
    assert frame["notes"].tolist() == ["ok", "waiting, on data", pd.NA, pd.NA]
    assert portfolio.has("Initiatives", "origin")
    # the one problem left: UC-4's empty stage, at its cell
    assert [(p.cell, p.column) for p in portfolio.problems] == [("Initiatives!D5", "stage")]


def test_without_the_mapping_the_required_columns_are_errors_naming_the_closest_headers(make_raw):
    portfolio = parse_workbook(_raw(make_raw, {"Initiatives": OWN}))
    errors = {p.column: p for p in portfolio.errors}
    assert set(errors) == {"id", "name", "team", "origin", "stage", "started"}
    team = errors["team"]
    assert team.message.startswith('Initiatives has no "team" column and no mapping for it')
    assert "closest headers: Agency" in team.message
    assert "Add a Mapping row: column, team, Agency" in team.fix
    assert "closest headers: Use Case ID" in errors["id"].message


def test_the_callers_mapping_wins_over_the_tab(make_raw):
    raw = _raw(make_raw, {"Initiatives": OWN, "Mapping": OWN_MAPPING})
    secrets = ColumnMapping(values={"stage": {"Deployed": "Rollout"}})
    assert parse_workbook(raw, mapping=secrets).initiatives["stage"].iat[0] == "Rollout"


def test_a_default_never_replaces_a_value_and_an_unreadable_default_is_a_problem(make_raw):
    rows = [
        ["id", "name", "team", "origin", "stage", "started"],
        ["A-1", "Bot", "Ops", "Vendor", "Pilot", "2025-01-01"],
        ["A-2", "Bot 2", "Ops", "", "Pilot", "2025-01-01"],
    ]
    good = [HEADER, ["default", "origin", "", "Grassroots"]]
    portfolio = parse_workbook(_raw(make_raw, {"Initiatives": rows, "Mapping": good}))
    assert portfolio.initiatives["origin"].tolist() == ["Vendor", "Grassroots"]
    assert portfolio.problems == []

    bad = ColumnMapping(defaults={"Initiatives": {"started": "soon"}, "Usage": {"week": "x"}})
    portfolio = parse_workbook(_raw(make_raw, {"Initiatives": rows}), mapping=bad)
    # the default for a tab the sheet does not have is not read at all
    [problem] = [p for p in portfolio.problems if p.cell == "Mapping"]
    assert (problem.column, problem.raw) == ("started", "soon")
    assert problem.message.startswith("The mapping's default for started is not used")


@pytest.mark.parametrize(
    ("above", "header_row"),
    [
        ([["AI use case inventory, FY2025"]], 2),
        ([["AI use case inventory"], ["Exported 2026-01-05", "", "by the PMO"], []], 4),
    ],
)
def test_headers_below_a_title_are_found(make_raw, above, header_row):
    rows = [*above, ["ID", "Name", "Team", "Origin", "Stage", "Started"]]
    rows += [["A-1", "Bot", "Ops", "Vendor", "Pilot", "2025-01-01"]]
    portfolio = parse_workbook(make_raw({"Initiatives": rows}))
    assert portfolio.initiatives["id"].tolist() == ["A-1"]
    assert portfolio.initiatives["_row"].tolist() == [header_row + 1]
    assert portfolio.errors == []
    [note] = portfolio.problems
    assert note.message.startswith(f"The headers of Initiatives are on row {header_row}")


def test_a_data_row_matching_one_header_word_does_not_move_the_header(make_raw):
    rows = [["Initiative", "Owner"], ["Name", "Team"], ["x", "y"]]
    portfolio = parse_workbook(make_raw({"Initiatives": rows}))
    assert portfolio.rows_read["Initiatives"] == 2


# --- suggestions, effect, account ---------------------------------------------------------


def test_suggestions_find_columns_then_the_words_under_them(make_raw):
    raw = _raw(make_raw, {"Initiatives": OWN})
    rows = suggestions.suggest_for(raw)
    columns = {r.field: r.source for r in rows if r.kind == "column"}
    assert columns == {
        "id": "Use Case ID",
        "name": "Use Case Title",
        "team": "Agency",
        "stage": "Development Stage",
    }
    values = {(r.source, r.target, r.why) for r in rows if r.kind == "value"}
    assert values == {
        ("Deployed", "Adopted", "often used for this, 1 cell"),
        ("Pre-deployment", "Idea", "often used for this, 1 cell"),
    }  # Retired is already a synonym of Abandoned
    defaults = [(r.field, r.target) for r in rows if r.kind == "default"]
    assert defaults == [("origin", "Mandate")]


def test_word_counts_cover_every_row_not_only_the_listed_problems(make_raw):
    header = ["id", "name", "team", "origin", "stage", "started"]
    body = [[f"A-{i}", "x", "Ops", "Vendor", "Deployed", "2025-01-01"] for i in range(700)]
    raw = make_raw({"Initiatives": [header, *body]})
    [row] = [r for r in suggestions.suggest_for(raw) if r.kind == "value"]
    assert (row.source, row.target, row.why) == (
        "Deployed",
        "Adopted",
        "often used for this, 700 cells",
    )


def test_effect_and_account_of_a_mapping(make_raw):
    raw = _raw(make_raw, {"Initiatives": [*OWN, ["", "", "", "", "", ""]]})
    before = parse_workbook(raw)
    after = parse_workbook(raw, mapping=mapping.read_mapping_rows(OWN_MAPPING))
    change = suggestions.effect(before, after)
    assert change.errors_before == 6 and change.errors_after == 0
    assert change.columns_gained == (
        "Initiatives.id",
        "Initiatives.name",
        "Initiatives.origin",
        "Initiatives.stage",
        "Initiatives.started",
        "Initiatives.team",
    )
    count = suggestions.account(after)
    # 5 rows under the header: 4 shown + 1 blank; UC-4 has no stage
    assert (count.sheet_rows, count.shown, count.blank, count.incomplete) == (5, 4, 1, 1)
    assert count.balanced
    assert suggestions.missing_required(after) == []
    assert {p.column for p in suggestions.missing_required(before)} == {
        "id", "name", "team", "origin", "stage", "started",
    }  # fmt: skip
    assert all(p.severity == ERROR for p in suggestions.missing_required(before))


# --- robust files -------------------------------------------------------------------------

CSV_TEXT = (
    "Use Case ID,Use Case Title,Agency,Development Stage,Go-live,Comments\r\n"
    'UC-1,Café assistant,Trésor,Deployed,2025-01-15,"line one\r\nline two, with ""quotes"""\r\n'
    "UC-2,Fraud model,Trésor,Pre-deployment,2024-05-01,\r\n"
)


@pytest.mark.parametrize(
    "encoded",
    [
        CSV_TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + CSV_TEXT.encode("utf-8"),
        CSV_TEXT.encode("latin-1"),
    ],
    ids=["utf-8", "utf-8-bom", "latin-1"],
)
def test_an_uploaded_csv_in_any_common_encoding_reads_through_a_mapping(encoded):
    raw = read_upload("inventory.csv", encoded)
    rows = [
        ["column", "id", "Use Case ID", ""],
        ["column", "name", "Use Case Title", ""],
        ["column", "team", "Agency", ""],
        ["column", "stage", "Development Stage", ""],
        ["column", "started", "Go-live", ""],
        ["column", "notes", "Comments", ""],
        ["value", "stage", "Deployed", "Adopted"],
        ["value", "stage", "Pre-deployment", "Idea"],
        ["default", "origin", "", "Mandate"],
    ]
    portfolio = parse_workbook(raw, mapping=mapping.read_mapping_rows(rows))
    frame = portfolio.initiatives
    assert frame["id"].tolist() == ["UC-1", "UC-2"]  # the BOM is not part of the first header
    assert frame["team"].tolist() == ["Trésor", "Trésor"]
    assert frame["notes"].iat[0] == 'line one\r\nline two, with "quotes"'
    assert frame["stage"].tolist() == ["Adopted", "Idea"]
    assert portfolio.problems == []


def test_a_workbook_with_extra_tabs_and_a_mapping_tab(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "README"
    book["README"].append(["This workbook is exported from the PMO tool"])
    sheet = book.create_sheet("Initiatives")
    sheet.append(["Inventory FY2025"])
    for row in OWN:
        sheet.append(row)
    book.create_sheet("Pivot").append(["Agency", "count"])
    tab = book.create_sheet("Mapping")
    for row in OWN_MAPPING:
        tab.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    portfolio = parse_workbook(read_upload("inventory.xlsx", buffer.getvalue()))
    assert portfolio.initiatives["id"].tolist() == ["UC-1", "UC-2", "UC-3", "UC-4"]
    assert portfolio.initiatives["_row"].tolist() == [3, 4, 5, 6]
    assert portfolio.errors == []
    assert "Mapping" in portfolio.tabs_present


@pytest.mark.parametrize("header", [" =IMPORTXML(A1)", "＝1+1", "\u00a0@SUM(A1)"])
def test_pasteable_text_marks_every_formula_a_download_marks(header):
    # One rule with the CSV downloads (ui.display.neutralize): spaces before the sign and
    # the full-width signs some spreadsheets accept are formulas too.
    rows = [MappingRow("column", "name", header, "")]
    assert f"\t'{header}\t" in mapping.rows_text(rows)
