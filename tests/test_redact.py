"""portfolio.redact: names found as whole words in any letter case, whatever the length of
their parts; problems that quote no person; the module's examples run as doctests.

Pages, exports and the slide are covered end to end in test_presenting_leaks.py.
"""

from __future__ import annotations

import doctest

import pytest

from portfolio import redact
from portfolio.model import Problem
from portfolio.redact import HIDDEN_NAME, HIDDEN_VALUE

H = HIDDEN_NAME


@pytest.mark.parametrize(
    ("people", "text", "expected"),
    [
        # Another letter case, inside other words.
        (["Priya Nair"], "PRIYA NAIR hub", f"{H} hub"),
        (["Priya Nair"], "priya's notes", f"{H}'s notes"),
        (["PRIYA NAIR"], "Ask Priya", f"Ask {H}"),
        (["Zoë Ångström"], "ZOË ÅNGSTRÖM bot", f"{H} bot"),
        # Parts under three letters: the whole name, in any case and spelling of the gap.
        (["Li Na"], "Li Na bot", f"{H} bot"),
        (["Li Na"], "LI NA", H),
        (["Li Na"], "ask li-na or Li.Na", f"ask {H} or {H}"),
        (["Na, Li"], "Na, Li said so", f"{H} said so"),
        (["Li Na"], "Li  Na", H),
        (["Li Wei"], "Li Wei built it", f"{H} built it"),
        (["Li Wei"], "Wei built it", f"{H} built it"),
        # Whole words only: a short part alone, or inside a word, is not a name.
        (["Li Na"], "Lina's bot", "Lina's bot"),
        (["Li Na"], "Na-ion battery AI scout", "Na-ion battery AI scout"),
        (["Li Na"], "Li alone", "Li alone"),
        (["Li Na"], "Li, then Na", "Li, then Na"),
        (["Li Wei"], "Lightweight CLI", "Lightweight CLI"),
        (["Zebulon Quartermaine"], "Zebulonian tools", "Zebulonian tools"),
        (["An Vo"], "An invoice matcher", "An invoice matcher"),
        # A name of one word, however short.
        (["Jo"], "Jo's macro", f"{H}'s macro"),
        (["x"], "10 x faster", "10 x faster"),
        # An address is read by its local part; addresses themselves are always hidden.
        (["li.na@corp.example"], "Li Na's bot", f"{H}'s bot"),
        ([], "write to a.b@corp.example", f"write to {H}"),
        # The longest name wins: "Li Na Wu" is one replacement, not "[name hidden] Wu".
        (["Li Na", "Li Na Wu"], "Li Na Wu bot", f"{H} bot"),
        ([], "nothing to hide", "nothing to hide"),
    ],
)
def test_hide_names(people, text, expected):
    assert redact.hide_names(text, redact.known_names(people)) == expected


@pytest.mark.parametrize("value", [None, 42, 2.5])
def test_hide_names_leaves_what_is_not_text(value):
    assert redact.hide_names(value, redact.known_names(["Li Na"])) == value


def test_hide_names_in_lists():
    names = redact.known_names(["Li Na"])
    assert redact.hide_names(["LI NA left", "fine"], names) == [f"{H} left", "fine"]


@pytest.mark.parametrize(
    ("columns", "known", "expected"),
    [
        (["id", "owner", "team"], ["owner"], ["owner"]),
        (
            ["Executive sponsor", "Contact email", "tool"],
            [],
            ["Executive sponsor", "Contact email"],
        ),
        (["Respondent", "department"], [], ["Respondent"]),
        (["name", "team", "area"], ["owner"], []),
    ],
)
def test_person_columns(columns, known, expected):
    assert redact.person_columns(columns, known=known) == expected


# --- problems -------------------------------------------------------------------------------


def _problem(column: str | None, raw, message: str, fix: str = "Type a date") -> Problem:
    return Problem("Initiatives", "Initiatives!K4", column, raw, message, fix=fix)


@pytest.mark.parametrize(
    ("problem", "raw", "message"),
    [
        # Any column: the quote stays, names in it are hidden.
        (
            _problem("last_update", "ask Priya Nair", '"ask Priya Nair" is not a date'),
            f"ask {H}",
            f'"ask {H}" is not a date',
        ),
        (
            _problem("last_update", "ASK LI NA", '"ASK LI NA" is not a date'),
            f"ASK {H}",
            f'"ASK {H}" is not a date',
        ),
        (_problem("started", "3/4", '"3/4" is not a date'), "3/4", '"3/4" is not a date'),
        # A person-like column quotes nothing of its cell, names or not.
        (
            _problem("owner", "Dana W.", '"Dana W." is not a person'),
            None,
            f'"{HIDDEN_VALUE}" is not a person',
        ),
        (
            _problem("notes", 'say "hi"', 'notes cannot hold "say "hi"" here'),
            None,
            f'notes cannot hold "{HIDDEN_VALUE}" here',
        ),
        (
            _problem("Executive sponsor", "Sam Ode", '"Sam Ode" is too long'),
            None,
            f'"{HIDDEN_VALUE}" is too long',
        ),
        # A one-letter cell takes no letters out of the rest of the message.
        (
            _problem("owner", "a", '"a" is not a name'),
            None,
            f'"{HIDDEN_VALUE}" is not a name',
        ),
        # A long cell is quoted cut short: the cut quote goes too.
        (
            _problem("author", "Dana " + "x" * 80, '"Dana xxxxxxxx…" is too long'),
            None,
            f'"{HIDDEN_VALUE}" is too long',
        ),
        # A problem about a whole column quotes no cell.
        (
            _problem(None, None, "No owner column: Priya Nair's sheet"),
            None,
            f"No owner column: {H}'s sheet",
        ),
    ],
)
def test_redact_problems(problem, raw, message):
    names = redact.known_names(["Priya Nair", "Li Na"])
    [out] = redact.redact_problems([problem], names)
    assert (out.raw, out.message) == (raw, message)
    assert (out.tab, out.cell, out.column, out.severity) == (
        problem.tab,
        problem.cell,
        problem.column,
        problem.severity,
    )


def test_redact_problems_hides_names_in_the_fix():
    problem = _problem("stage", "Priya", '"Priya" is not a stage', fix="Ask Priya Nair")
    [out] = redact.redact_problems([problem], redact.known_names(["Priya Nair"]))
    assert out.fix == f"Ask {H}"


def test_redact_portfolio_redacts_its_problems():
    from datetime import UTC, datetime

    from portfolio.model import RawWorkbook
    from portfolio.parse import parse_workbook

    tabs = {
        "Initiatives": [
            ["id", "name", "team", "owner", "origin", "stage", "started", "last_update"],
            ["AI-1", "Hub", "Ops", "Priya Nair", "Mandate", "Pilot", "2026-01-05", "ask PRIYA"],
        ]
    }
    raw = RawWorkbook(tabs=tabs, origin="t", kind="file", fetched_at=datetime.now(UTC))
    portfolio = parse_workbook(raw)
    redacted, _ = redact.redact_portfolio(portfolio)
    [before] = [p for p in portfolio.problems if p.column == "last_update"]
    [after] = [p for p in redacted.problems if p.column == "last_update"]
    assert before.raw == "ask PRIYA"  # the shared original is left alone
    assert after.raw == f"ask {H}"
    assert after.message.startswith(f'"ask {H}" is not a date')
    assert len(redacted.problems) == len(portfolio.problems)


def test_examples_in_the_module_run():
    result = doctest.testmod(redact)
    assert result.attempted >= 8
    assert result.failed == 0
