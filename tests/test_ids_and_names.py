"""Blank and repeated ids and names: every page, the slide and the CLI, as a reader sees them.

Real inventories repeat names and leave ids blank (the federal inventory repeats names).
Four small workbooks, as of 1 Jun 2026, every row reported Green and started 2 Jun 2025:

- REPEATED_NAMES: three "Invoice bot" rows, two of them without an id (sheet rows 2 and 3)
  and one AI-9 (row 4), plus "Other" (row 5, no id). Labels: "Invoice bot (row 2)",
  "Invoice bot (row 3)", "Invoice bot (AI-9)", "Other".
- REPEATED_IDS: AI-1 twice (Alpha, Beta), AI-2 twice (Gamma, Gamma). Labels: Alpha, Beta,
  "Gamma (row 4)", "Gamma (row 5)".
- NO_NAMES: no name anywhere; ids AI-1, AI-2, blank, AI-2. Names shown: AI-1, AI-2, "row 4",
  AI-2; labels AI-1, "AI-2 (row 3)", "row 4", "AI-2 (row 5)".
- BLANK_IDS: names Alpha, Beta, Gamma, Delta; only Gamma has an id (AI-3).
- NO_IDS: no id at all, "Bot" three times and "Other" (Stalled & reverted crashed on it and
  the Watermelons picker raised a TypeError). Labels "Bot (row 2)", "Bot (row 3)",
  "Bot (row 4)", "Other".

Stages Stalled, Reverted, Abandoned and Pilot in sheet order, so the first three rows are
watermelons; the Pilot started 6 Apr 2026 and was updated 20 May 2026 (fresh: unproven); costs
3,000, 2,000, 1,000 and 500. Usage: AI-9 12 users for three weeks of June 2025, AI-1 8 users
for two, AI-2 2 users each week of May 2026 (too few to be adopted, not collapsed: unproven).
Blank ids are warnings, a repeated id an error: doctor and verdicts exit 1 on REPEATED_IDS and
NO_NAMES (AI-2 twice), 0 on the others.
"""

from __future__ import annotations

import json
import re

import pytest

from portfolio.evidence import assess
from portfolio.labels import initiative_labels
from portfolio.parse import parse_workbook
from tests.apptest_support import PageVisits, chart_data, run_app, texts, write_csv_workbook
from tests.cli_support import run_cli
from tests.conftest import raw_workbook
from ui import page_list

HEADERS = ["id", "name", "team", "owner", "origin", "tool", "reported_status", "stage",
           "started", "last_update", "annual_cost", "reverted_to"]  # fmt: skip
STAGES = ["Stalled", "Reverted", "Abandoned", "Pilot"]
STARTS = ["2025-06-02", "2025-06-02", "2025-06-02", "2026-04-06"]
UPDATES = ["2025-07-01", "2025-07-01", "2025-07-01", "2026-05-20"]
COSTS = ["3000", "2000", "1000", "500"]


def initiatives(ids: list[str], names: list[str], teams: list[str]) -> list[list[str]]:
    rows = [HEADERS]
    for ident, name, team, stage, start, update, cost in zip(
        ids, names, teams, STAGES, STARTS, UPDATES, COSTS, strict=True
    ):
        rows.append([ident, name, team, "Dana Whitfield", "Grassroots", "ChatGPT", "Green",
                     stage, start, update, cost, "Excel"])  # fmt: skip
    return rows


def workbook(ids: list[str], names: list[str], teams: list[str]) -> dict[str, list[list]]:
    return {
        "Initiatives": initiatives(ids, names, teams),
        "Usage": [
            ["initiative_id", "week", "active_users"],
            *(["AI-9", week, "12"] for week in ("2025-06-09", "2025-06-16", "2025-06-23")),
            *(["AI-1", week, "8"] for week in ("2025-06-09", "2025-06-16")),
            *(
                ["AI-2", week, "2"]
                for week in ("2026-05-04", "2026-05-11", "2026-05-18", "2026-05-25")
            ),
        ],
        "Settings": [["key", "value"], ["as_of", "2026-06-01"]],
    }


TEAMS = ["Finance", "Support", "Finance", "Support"]
REPEATED_NAMES = workbook(["", "", "AI-9", ""], ["Invoice bot"] * 3 + ["Other"], TEAMS)
REPEATED_IDS = workbook(
    ["AI-1", "AI-1", "AI-2", "AI-2"], ["Alpha", "Beta", "Gamma", "Gamma"], TEAMS
)
NO_NAMES = workbook(["AI-1", "AI-2", "", "AI-2"], ["", "", "", ""], TEAMS)
BLANK_IDS = workbook(["", "", "AI-3", ""], ["Alpha", "Beta", "Gamma", "Delta"], TEAMS)
# The crash as reported: no id anywhere and a repeated name.
NO_IDS = workbook(["", "", "", ""], ["Bot", "Bot", "Bot", "Other"], TEAMS)
WORKBOOKS = {
    "repeated names": REPEATED_NAMES,
    "repeated ids": REPEATED_IDS,
    "no names": NO_NAMES,
    "blank ids": BLANK_IDS,
    "no ids": NO_IDS,
}
LABELS = {
    "repeated names": ["Invoice bot (row 2)", "Invoice bot (row 3)", "Invoice bot (AI-9)", "Other"],
    "repeated ids": ["Alpha", "Beta", "Gamma (row 4)", "Gamma (row 5)"],
    "no names": ["AI-1", "AI-2 (row 3)", "row 4", "AI-2 (row 5)"],
    "blank ids": ["Alpha", "Beta", "Gamma", "Delta"],
    "no ids": ["Bot (row 2)", "Bot (row 3)", "Bot (row 4)", "Other"],
}
# doctor's exit code: a repeated id is an error, a blank one a warning.
EXIT = {"repeated names": 0, "repeated ids": 1, "no names": 1, "blank ids": 0, "no ids": 0}
PAGES = [page.path for page in page_list.PAGES]
# What a missing name used to look like on the pages ("None of them…" is English).
MISSING = re.compile(r"\bNone\b(?! of)|<NA>|\bnan\b|\bNaN\b|\bNaT\b|— ·")


def _assessed(tabs):
    return assess(parse_workbook(raw_workbook(tabs)))


@pytest.mark.parametrize("case", list(WORKBOOKS))
def test_labels_are_computed_once_when_assessed(case):
    assessed = _assessed(WORKBOOKS[case])
    assert assessed["label"].tolist() == LABELS[case]
    assert assessed["label"].is_unique


def test_a_missing_name_falls_back_to_the_id_then_the_sheet_row():
    assessed = _assessed(NO_NAMES)
    assert assessed["name"].tolist() == ["AI-1", "AI-2", "row 4", "AI-2"]
    assert assessed["row_name"].isna().all()  # what the row says is kept as it is


def test_labels_do_not_change_with_the_as_of_date():
    # Before AI-9's row started, the other two "Invoice bot" rows keep their labels.
    tabs = {**REPEATED_NAMES, "Initiatives": [row[:] for row in REPEATED_NAMES["Initiatives"]]}
    tabs["Initiatives"][3][8] = "2026-07-01"  # AI-9 starts after the as-of date
    assessed = _assessed(tabs)
    assert assessed["label"].tolist() == ["Invoice bot (row 2)", "Invoice bot (row 3)", "Other"]


def test_a_name_that_reads_like_another_label_is_numbered():
    frame = parse_workbook(
        raw_workbook(
            {"Initiatives": [["id", "name"], ["", "Bot"], ["", "Bot"], ["", "Bot (row 2)"]]}
        )
    ).initiatives
    _, label = initiative_labels(frame)
    assert label.tolist() == ["Bot (row 2) #1", "Bot (row 3)", "Bot (row 2) #2"]


def _seen(at) -> str:
    """Every text on the page, the cells of its tables and the options of its pickers."""
    parts = [texts(at)]
    for frame in at.dataframe:
        parts.append(frame.value.astype(str).to_csv(index=False))
    for box in [*at.selectbox, *at.multiselect]:
        parts.extend(str(option) for option in box.options)
    return "\n".join(parts)


def _look(page, at) -> tuple[str, list | None, list | None]:
    """What a page showed; on Stalled & reverted also its timeline's and table's labels."""
    if page != "pages/stalled.py" or at.exception:
        return _seen(at), None, None
    return _seen(at), chart_data(at, 0)["label_y"].tolist(), at.dataframe[0].value["label"].tolist()


@pytest.fixture(scope="module")
def every_page(tmp_path_factory):
    """`every_page(case)`: each page on that workbook, switched to in turn in one session."""
    visits = PageVisits(tmp_path_factory, look=_look)
    return lambda case: visits(case, tabs=WORKBOOKS[case])


# Each workbook's page runs stay in one test process, so each runs once.
CASES = [pytest.param(case, marks=pytest.mark.xdist_group(f"ids-{case}")) for case in WORKBOOKS]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_an_exception_or_a_missing_name(every_page, case, page):
    exceptions, (seen, _, _) = every_page(case)[page]
    assert not exceptions, exceptions
    assert not MISSING.findall(seen), (MISSING.findall(seen), seen)


@pytest.mark.parametrize("case", CASES)
def test_stalled_timeline_has_one_bar_per_initiative_with_its_label(every_page, case):
    exceptions, (_, bars, table) = every_page(case)["pages/stalled.py"]
    assert not exceptions, exceptions
    # All started the same day: the sheet order stays (stable sort), the Pilot is not shown.
    assert bars == LABELS[case][:3]
    assert table == LABELS[case][:3]


@pytest.mark.parametrize("case", list(WORKBOOKS))
def test_watermelons_picker_offers_each_watermelon_once(tmp_path, monkeypatch, case):
    at = run_app(tmp_path, monkeypatch, tabs=WORKBOOKS[case], page="pages/watermelons.py")
    teams = ["Finance", "Support", "Finance"]
    assert at.selectbox[0].options == [
        f"{label} ({team})" for label, team in zip(LABELS[case][:3], teams, strict=True)
    ]
    # Picking the second (a blank or repeated id) shows its own row, not the first one's.
    at.selectbox[0].select_index(1).run()
    assert not at.exception
    second = {
        "repeated names": "Invoice bot",
        "repeated ids": "Beta",
        "no names": r"AI\-2",
        "no ids": "Bot",
    }
    heading = f"**{second.get(case, 'Beta')}** · Support"  # as markdown: the - is escaped
    assert any(m.value.startswith(heading) for m in at.markdown)
    assert "verdict: Reverted" in texts(at)


def test_watermelons_without_an_id_says_no_usage_can_be_logged(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=REPEATED_NAMES, page="pages/watermelons.py")
    assert "Invoice bot has no id, so no usage can be logged for it" in texts(at)
    # The one with an id draws its weekly users; the URL names it by its unique id.
    at.selectbox[0].select_index(2).run()
    assert at.query_params["initiative"] == "AI-9"
    assert chart_data(at, 0)["active_users"].max() == 12


def test_watermelons_link_to_a_row_without_an_id_uses_its_label(tmp_path, monkeypatch):
    at = run_app(
        tmp_path,
        monkeypatch,
        tabs=REPEATED_NAMES,
        page="pages/watermelons.py",
        query={"initiative": "Invoice bot (row 3)"},
    )
    assert at.selectbox[0].value == "Invoice bot (row 3)"


def test_check_in_lists_each_id_once_and_says_which_cannot_be_listed(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=REPEATED_IDS, page="pages/check_in.py")
    # Sorted by team then name: Finance (Alpha, Gamma), Support (Beta, Gamma).
    assert at.selectbox[0].options == [
        "Alpha · Finance · AI-1 (and 1 other row with this id)",
        "Gamma · Finance · AI-2 (and 1 other row with this id)",
    ]
    at = run_app(tmp_path / "blank", monkeypatch, tabs=BLANK_IDS, page="pages/check_in.py")
    assert at.selectbox[0].options == ["Gamma · Finance · AI-3"]
    assert "3 initiatives without an id are not listed" in texts(at)


def test_trends_picker_offers_each_id_once(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=REPEATED_IDS, page="pages/trends.py")
    # Peaks: AI-1 8 users, AI-2 2 users.
    assert at.multiselect[0].options == ["Alpha / Beta (AI-1)", "Gamma (AI-2)"]
    at = run_app(tmp_path / "nameless", monkeypatch, tabs=NO_NAMES, page="pages/trends.py")
    assert at.multiselect[0].options == ["AI-1", "AI-2"]


# --- the CLI, in this process (tests/test_cli_imports.py runs each command as its own) -------


def _cli(tmp_path, monkeypatch, capsys, tabs, *args) -> tuple[int, str, str]:
    """`cli.py ARGS --source <tabs as CSV>` run from `tmp_path`: (exit code, stdout, stderr)."""
    source = write_csv_workbook(tmp_path / "workbook", tabs)
    monkeypatch.chdir(tmp_path)
    return run_cli(capsys, *args, "--source", str(source))


@pytest.mark.parametrize("case", list(WORKBOOKS))
def test_cli_doctor_names_each_blank_or_repeated_id_by_cell(tmp_path, monkeypatch, capsys, case):
    code, out, err = _cli(tmp_path, monkeypatch, capsys, WORKBOOKS[case], "doctor")
    assert code == EXIT[case], err
    assert "Traceback" not in err
    if case == "repeated ids":
        assert '"AI-1" is a duplicate id' in out
    if case in ("repeated names", "blank ids", "no ids"):
        assert "id is required but Initiatives!A2 is empty" in out


@pytest.mark.parametrize("case", list(WORKBOOKS))
def test_cli_verdicts_name_every_initiative_and_say_the_sheet_has_errors(
    tmp_path, monkeypatch, capsys, case
):
    code, out, err = _cli(tmp_path, monkeypatch, capsys, WORKBOOKS[case], "verdicts", "--json")
    # The same exit code as doctor on the same sheet, the errors on stderr.
    assert code == EXIT[case], err
    assert ("cli.py doctor" in err) == bool(EXIT[case])
    assert "Traceback" not in err
    records = json.loads(out)
    shown = {
        "repeated names": ["Invoice bot", "Invoice bot", "Invoice bot", "Other"],
        "repeated ids": ["Alpha", "Beta", "Gamma", "Gamma"],
        "no names": ["AI-1", "AI-2", "row 4", "AI-2"],
        "blank ids": ["Alpha", "Beta", "Gamma", "Delta"],
        "no ids": ["Bot", "Bot", "Bot", "Other"],
    }[case]
    assert [r["name"] for r in records] == shown
    assert [r["label"] for r in records] == LABELS[case]
    assert [r["verdict"] for r in records] == ["stalled", "reverted", "abandoned", "unproven"]
    code, text, _ = _cli(tmp_path, monkeypatch, capsys, WORKBOOKS[case], "verdicts")
    assert code == EXIT[case]
    for label in LABELS[case]:
        assert label in text
    assert not MISSING.findall(text)


@pytest.mark.parametrize("case", list(WORKBOOKS))
def test_cli_slide_draws_every_workbook(tmp_path, monkeypatch, capsys, case):
    out = tmp_path / "slide.png"
    code, _, err = _cli(tmp_path, monkeypatch, capsys, WORKBOOKS[case], "slide", "--out", str(out))
    assert code == 0, err
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
