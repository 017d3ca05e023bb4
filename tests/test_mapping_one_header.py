"""One header mapped to two fields: refused with a message naming both rows, never dropped silently.

A Mapping tab (or `[groundtruth.mapping]`) that sends "Use Case Name" to both `id` and `name`
used to keep only the last row, so doctor said the sheet had no id column with no word about
the mapping. One column fills one field: the second row is a problem with its cell, and the
first one is read. `cli.py verdicts` then says that the sheet has errors and exits as doctor does.
"""

from __future__ import annotations

import json

from portfolio import mapping
from portfolio.mapping import ColumnMapping
from portfolio.parse import parse_workbook
from tests.apptest_support import write_csv_workbook
from tests.cli_support import run_cli
from tests.conftest import raw_workbook

HEADER = ["kind", "field", "from", "to"]
TWICE = [
    HEADER,
    ["column", "name", "Use Case Name", ""],
    ["column", "id", "use case name", ""],
    ["column", "team", "Agency", ""],
]
SHEET = [
    ["Use Case Name", "Agency", "Stage", "Started", "Origin"],
    ["Chat assistant", "Treasury", "Adopted", "2025-01-15", "Mandate"],
    ["Form reader", "Labor", "Pilot", "2025-03-01", "Mandate"],
]


def test_the_second_field_from_one_header_is_a_problem_with_its_cell():
    read = mapping.read_mapping_rows(TWICE)
    assert read.columns == {"Initiatives": {"Use Case Name": "name", "Agency": "team"}}
    [problem] = read.problems
    assert (problem.tab, problem.cell, problem.raw) == ("Mapping", "Mapping!C3", "use case name")
    assert problem.message == (
        '"use case name" already fills name (Mapping!A2): one column fills one field, '
        "so id is not read from it and this row is ignored"
    )
    assert problem.fix.startswith("Map id to a column of its own")


def test_the_same_in_secrets_names_the_secrets():
    read = mapping.from_settings({"columns": {"id": "Use Case Name", "name": "Use Case Name"}})
    assert read.columns == {"Initiatives": {"Use Case Name": "id"}}
    [problem] = read.problems
    assert problem.cell == "[groundtruth.mapping]"
    assert "already fills id ([groundtruth.mapping])" in problem.message
    assert "so name is not read from it" in problem.message


def test_merging_two_mappings_that_send_one_header_to_two_fields_says_which_wins():
    base = ColumnMapping(columns={"Initiatives": {"Use Case Name": "name", "Agency": "team"}})
    override = ColumnMapping(columns={"Initiatives": {"use_case_name": "id"}})
    merged = mapping.merge(base, override)
    assert merged.columns == {"Initiatives": {"Agency": "team", "use_case_name": "id"}}
    [problem] = merged.problems
    assert problem.raw == "Use Case Name"
    assert "fills id in [groundtruth.mapping]" in problem.message
    assert "so name is not read from it" in problem.message


def test_a_parse_reads_the_first_field_and_lists_both_problems():
    portfolio = parse_workbook(raw_workbook({"Initiatives": SHEET, "Mapping": TWICE}))
    assert portfolio.initiatives["name"].tolist() == ["Chat assistant", "Form reader"]
    messages = [p.message for p in portfolio.problems]
    assert any("so id is not read from it" in m for m in messages)
    assert any('has no "id" column' in m for m in messages)


def _cli(tmp_path, monkeypatch, capsys, *args) -> tuple[int, str, str]:
    source = write_csv_workbook(tmp_path / "workbook", {"Initiatives": SHEET, "Mapping": TWICE})
    monkeypatch.chdir(tmp_path)
    return run_cli(capsys, *args, "--source", str(source))


def test_doctor_says_why_there_is_no_id_column(tmp_path, monkeypatch, capsys):
    code, out, _ = _cli(tmp_path, monkeypatch, capsys, "doctor")
    assert code == 1
    assert 'Mapping!C3: "use case name" already fills name (Mapping!A2)' in out
    assert 'Initiatives has no "id" column' in out


def test_verdicts_exit_as_doctor_does_and_say_why(tmp_path, monkeypatch, capsys):
    code, out, err = _cli(tmp_path, monkeypatch, capsys, "verdicts", "--json")
    assert code == 1
    records = json.loads(out)
    assert [r["id"] for r in records] == [None, None]
    assert [r["name"] for r in records] == ["Chat assistant", "Form reader"]
    assert "error: the sheet has 1 error(s), so these verdicts may be off" in err
    assert 'Initiatives has no "id" column' in err
    assert "python cli.py doctor" in err
