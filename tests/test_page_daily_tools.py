"""Daily tools page: survey answers against seats and cost, per tool, as a reader sees them.

The six initiatives of test_page_overview pay for Zendesk AI ($10k, 20 seats), Copilot
(AI-2 $50k and 100 seats, AI-3 $20k, AI-6 $15k: $85k), Claude ($5k, 10 seats) and list
ChatGPT with no cost. The survey below has 11 answers, 8 of them Daily:

    Zendesk AI          Support x3 Daily                      -> 3 daily of 3, $3,333 each
    Copilot             Legal Never, Legal Weekly, Finance Daily -> 1 daily of 3, $85,000
    Claude              Engineering Daily (yes), Daily (no)    -> 2 daily, 1 not sanctioned
    ChatGPT (personal)  Finance Daily, Sales Daily, both "no"  -> listed by no initiative
    Gemini              Sales Monthly                          -> not daily
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from portfolio import metrics
from tests.apptest_support import chart_data, metric, run_app, texts
from tests.workbooks import six_initiatives

PAGE = "pages/daily_tools.py"
PAGE_SOURCE = Path(__file__).resolve().parent.parent / PAGE
SURVEY = [
    ["department", "role", "tool", "frequency", "sanctioned"],
    ["Support", "Agent", "Zendesk AI", "Daily", "yes"],
    ["Support", "Agent", "zendesk ai", "every day", "yes"],
    ["Support", "Team lead", "Zendesk AI", "Daily", "yes"],
    ["Legal", "Counsel", "Copilot", "Never", "yes"],
    ["Legal", "Paralegal", "Copilot", "Weekly", "yes"],
    ["Finance", "Analyst", "Copilot", "Daily", "yes"],
    ["Finance", "Analyst", "ChatGPT (personal)", "Daily", "no"],
    ["Engineering", "Developer", "Claude", "Daily", "yes"],
    ["Engineering", "Developer", "Claude", "Daily", "no"],
    ["Sales", "Rep", "ChatGPT (personal)", "Daily", "no"],
    ["Sales", "Rep", "Gemini", "Monthly", "no"],
]


def tabs() -> dict[str, list[list[str]]]:
    return {**six_initiatives(), "DailyTools": SURVEY}


def _table(at, column: str) -> pd.DataFrame:
    """The first table on the page that has this column."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_key_message_metrics_and_tables(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=tabs(), page=PAGE)
    assert not at.exception
    shown = texts(at)
    assert (
        "Most used every day: Zendesk AI (3 daily answers); biggest spend: Copilot, $85k a "
        "year for 100 seats, daily in 1 of 3 answers; 2 tools in daily use are not sanctioned"
        in shown
    )
    assert metric(at, "Survey answers") == "11"
    assert metric(at, "Answered Daily") == "8 (73%)"
    assert metric(at, "Tools used daily") == "4"  # Zendesk AI, Claude, ChatGPT (personal), Copilot
    assert metric(at, "Paid, unused") == "0"
    # Tools, as the key message counts them (it once gave the 3 daily answers that say so).
    assert metric(at, "Unsanctioned") == "2"  # Claude, ChatGPT (personal)

    paid = _table(at, "Cost per daily answer").set_index("Tool")
    assert list(paid.columns) == [
        "Initiatives",
        "Seats bought",
        "Annual cost",
        "Daily answers",
        "Answers",
        "Cost per daily answer",
        "Unsanctioned daily use",
    ]
    assert paid.loc["Copilot"].tolist() == [3, "100", "$85,000", 1, 3, "$85,000", "no"]
    assert paid.loc["Zendesk AI", "Cost per daily answer"] == "$3,333"  # 10,000 / 3, no cents
    assert paid.loc["Claude", "Cost per daily answer"] == "$2,500"
    # ChatGPT: listed with no cost or seats; ChatGPT (personal): listed by no initiative
    assert paid.loc["ChatGPT"].tolist() == [1, "—", "—", 0, 0, "—", "no"]
    assert paid.loc["ChatGPT (personal)"].tolist() == [0, "—", "—", 2, 2, "—", "yes"]
    assert "None" not in paid.to_string()

    shadow = _table(at, "Departments").set_index("Tool")
    assert sorted(shadow.index) == ["ChatGPT (personal)", "Claude"]
    assert shadow.loc["ChatGPT (personal)", "Departments"] == "Finance, Sales"
    assert shadow.loc["Claude", "Listed by an initiative"] == "yes"
    assert shadow.loc["ChatGPT (personal)", "Listed by an initiative"] == "no"


def test_an_answer_naming_an_initiative_counts_for_its_tool(tmp_path, monkeypatch):
    # Two Sales answers name the initiative "Sales email drafts" (AI-4 of the overview
    # workbook, tool ChatGPT, no cost) rather than its tool: one tool, one row, both sides.
    survey = [
        *SURVEY,
        ["Sales", "Rep", "Sales email drafts", "Daily", "no"],
        ["Sales", "Rep", "sales e-mail drafts", "Weekly", "no"],
    ]
    at = run_app(tmp_path, monkeypatch, tabs={**six_initiatives(), "DailyTools": survey}, page=PAGE)
    assert not at.exception
    paid = _table(at, "Cost per daily answer").set_index("Tool")
    assert "Sales email drafts" not in paid.index
    assert paid.loc["ChatGPT", ["Initiatives", "Daily answers", "Answers"]].tolist() == [1, 1, 2]
    shadow = _table(at, "Departments").set_index("Tool")
    assert "Sales email drafts" not in shadow.index
    assert shadow.loc["ChatGPT", "Listed by an initiative"] == "yes"  # said not sanctioned
    tools = set(chart_data(at, 0)["tool"])
    assert "ChatGPT" in tools and "Sales email drafts" not in tools


def test_metric_labels_fit_five_across():
    # Five metrics side by side cut a label beyond about 16 characters at 1440 px.
    source = (PAGE_SOURCE).read_text(encoding="utf-8")
    labels = re.findall(r'cols\[\d\]\.metric\(\s*"([^"]+)"', source)
    assert len(labels) == 5
    assert all(len(label) <= 16 for label in labels), labels


@pytest.mark.parametrize(
    ("query", "message", "answers"),
    [
        (
            {"team": "Legal"},
            "Nobody in these answers uses an AI tool daily; biggest spend: Copilot, $50k a "
            "year for 100 seats, daily in 0 of 2 answers",
            "2",
        ),
        (
            {"team": "Finance"},
            "Most used every day: Copilot (1 daily answer); biggest spend: Copilot, $20k a "
            "year, daily in 1 of 1 answer; 1 tool in daily use is not sanctioned",
            "2",
        ),
        (
            {"tool": "Claude"},
            "Most used every day: Claude (2 daily answers); biggest spend: Claude, $5k a year "
            "for 10 seats, daily in 2 of 2 answers; 1 tool in daily use is not sanctioned",
            "2",
        ),
    ],
)
def test_filters_in_the_url_narrow_survey_and_spend(tmp_path, monkeypatch, query, message, answers):
    at = run_app(tmp_path, monkeypatch, tabs=tabs(), page=PAGE, query=query)
    assert not at.exception
    assert message in texts(at)
    assert metric(at, "Survey answers") == answers


def test_paid_tool_nobody_uses_daily_is_called_out(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=tabs(), page=PAGE)
    at.multiselect(key="sidebar_team").set_value(["Legal"]).run()
    assert not at.exception
    assert metric(at, "Paid, unused") == "1"
    assert "Paid for, but nobody answered Daily: Copilot ($50k a year, 100 seats)" in texts(at)


def test_tool_names_from_the_sheet_are_not_markdown(tmp_path, monkeypatch):
    survey = [*SURVEY, ["Ops", "Analyst", "![x](https://example.com/a.png)", "Daily", "no"]]
    survey += [["Ops", "Analyst", "![x](https://example.com/a.png)", "Daily", "no"]] * 3
    at = run_app(tmp_path, monkeypatch, tabs={**six_initiatives(), "DailyTools": survey}, page=PAGE)
    assert not at.exception
    assert "Most used every day: \\!\\[x\\]\\(https\\://example\\.com/a\\.png\\)" in texts(at)


def test_without_the_survey_the_page_says_what_it_would_show(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=six_initiatives(), page=PAGE)
    assert not at.exception
    assert "With a DailyTools tab (a pulse survey" in texts(at)
    assert not at.metric


def test_runs_on_the_sample(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, source="sample", page=PAGE)
    assert not at.exception
    assert metric(at, "Survey answers") == "200"
    assert "Most used every day:" in texts(at)


# --- the figures behind the page --------------------------------------------------------------


def _survey(rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["department", "tool", "frequency"])


def test_survey_answers_by_tool_lists_every_frequency_daily_first():
    survey = _survey(
        [
            ["A", "Gemini", "Weekly"],
            ["A", "Claude", "Daily"],
            ["B", "claude", "Never"],
            ["B", "Claude", "Daily"],
            ["B", "Gemini", "Weekly"],
            ["B", "Gemini", None],
        ]
    )
    long = metrics.survey_answers(survey, by="tool")
    assert long["tool"].drop_duplicates().tolist() == ["Claude", "Gemini"]
    counts = long.set_index(["tool", "frequency"])["count"].to_dict()
    assert counts == {
        ("Claude", "Daily"): 2,
        ("Claude", "Weekly"): 0,
        ("Claude", "Monthly"): 0,
        ("Claude", "Never"): 1,
        ("Claude", "Not answered"): 0,
        ("Gemini", "Daily"): 0,
        ("Gemini", "Weekly"): 2,
        ("Gemini", "Monthly"): 0,
        ("Gemini", "Never"): 0,
        ("Gemini", "Not answered"): 1,
    }


@pytest.mark.parametrize(
    ("departments", "tools", "expected"),
    [
        ((), (), 4),
        (("support",), (), 2),  # case and spacing do not matter
        (("Customer Support",), (), 0),
        ((), ("CLAUDE",), 2),
        (("Support",), ("Claude",), 1),
    ],
)
def test_narrow_survey(departments, tools, expected):
    survey = _survey(
        [
            ["Support", "Claude", "Daily"],
            [" Support ", "Gemini", "Daily"],
            ["Sales", "claude", "Weekly"],
            ["Sales", "Gemini", "Never"],
        ]
    )
    narrowed = metrics.narrow_survey(survey, departments=departments, tools=tools)
    assert len(narrowed) == expected


def test_daily_grid_counts_daily_answers_per_department_and_tool():
    survey = _survey(
        [
            ["Support", "Claude", "Daily"],
            ["Support", "claude", "Daily"],
            ["Sales", "Claude", "Daily"],
            ["Sales", "Gemini", "Weekly"],
            ["", "Gemini", "Daily"],
        ]
    )
    grid = metrics.daily_grid(survey)
    assert grid.values.tolist() == [
        ["Support", "Claude", 2],
        ["Department not stated", "Gemini", 1],
        ["Sales", "Claude", 1],
    ]


def test_figures_kept_for_a_view_follow_the_filters_back_and_forth(tmp_path, monkeypatch):
    # One session changing the team filter: each view's answers and charts are computed
    # once and kept for every viewer, so a key that missed the filter would show the
    # previous view's figures here.
    at = run_app(tmp_path, monkeypatch, tabs=tabs(), page=PAGE)
    steps = [
        (["Support"], "3", {"Zendesk AI": 3}),
        (["Engineering"], "2", {"Claude": 2}),
        (["Support"], "3", {"Zendesk AI": 3}),
        ([], "11", {"Zendesk AI": 3, "Claude": 2, "ChatGPT (personal)": 2, "Copilot": 1}),
    ]
    for teams, answers, daily_by_tool in steps:
        at.multiselect(key="sidebar_team").set_value(teams).run()
        assert not at.exception
        assert metric(at, "Survey answers") == answers
        rows = chart_data(at)
        daily = rows[rows["frequency"] == "Daily"].groupby("tool")["count"].sum()
        assert daily[daily > 0].to_dict() == daily_by_tool


def test_answers_that_name_no_tool_say_so_instead_of_failing(tmp_path, monkeypatch):
    # Found by tests/test_any_text.py: blank tools left the frequency chart without a
    # frequency to colour, and the page stopped with "list index out of range".
    tabs = {
        "Initiatives": [["id", "name", "team", "origin", "stage", "started"],
                        ["AI-1", "Bot", "Ops", "Mandate", "Pilot", "2026-01-05"]],
        "DailyTools": [["department", "role", "tool", "frequency", "sanctioned"],
                       ["Ops", "Analyst", " ", "Daily", "no"],
                       ["Ops", "Analyst", "", "Weekly", "yes"]],
        "Settings": [["key", "value"], ["as_of", "2026-06-01"]],
    }  # fmt: skip
    at = run_app(tmp_path, monkeypatch, tabs=tabs, page="pages/daily_tools.py")
    assert not at.exception
    assert "No answer names a tool, so there is no chart of tools." in texts(at)
