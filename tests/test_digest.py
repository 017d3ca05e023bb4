"""The weekly digest's content and its formats, on two hand-built weeks (tests/digest_fixtures).

Week 1 is the first digest (nothing recorded before it); week 2 is read after week 1 was
recorded in StatusHistory, and must list exactly what changed between them.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from data_sources.config import SourceSpec
from data_sources.history import record_history
from data_sources.loader import read_source
from notify.message import GOOGLE_CHAT, SLACK, TEAMS
from portfolio import metrics
from portfolio.digest import check_in_link, weekly_digest
from portfolio.evidence import assess
from portfolio.parse import parse_workbook
from tests import digest_fixtures as F
from tests.apptest_support import write_csv_workbook
from ui import digest_text

URL = "https://gt.acme.example"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(folder))
    return folder


def _read(spec: SourceSpec):
    return parse_workbook(read_source(spec))


@pytest.fixture
def two_weeks(tmp_path, data_dir):
    """(portfolio in week 1, portfolio in week 2 with week 1 recorded)."""
    spec = SourceSpec("file", str(F.write_week(tmp_path / "book", 1)))
    first = _read(spec)
    record_history(spec, assess(first, as_of=pd.Timestamp(F.WEEK1)), as_of=F.WEEK1)
    F.write_week(tmp_path / "book", 2)
    return first, _read(spec)


def _ids(items) -> list[str]:
    return [item.id for item in items]


def test_first_digest_lists_every_watermelon_as_new(two_weeks):
    first, _ = two_weeks
    digest = weekly_digest(first, as_of=F.WEEK1, public_url=URL)
    assert digest.previous_week is None
    assert [(w.id, w.new) for w in digest.watermelons] == [("AI-1", True), ("AI-7", True)]
    assert all(not items for items in digest.changes.values())
    assert (digest.gap_now.green, digest.gap_now.green_not_real) == (5, 2)
    assert digest.gap_then is None and digest.spend_then is None
    assert digest.spend_now == 137_000
    assert [(t.team, _ids(t.items)) for t in digest.stale] == [
        ("Finance", ["AI-8"]),
        ("Support", ["AI-7"]),
    ]
    text = digest_text.render(digest).text
    assert "first digest" in text and "What changed" not in text


def test_second_week_lists_exactly_what_changed(two_weeks):
    _, second = two_weeks
    digest = weekly_digest(second, as_of=F.WEEK2, public_url=URL)
    assert digest.previous_week == pd.Timestamp(F.MONDAY1)
    assert [(w.id, w.new) for w in digest.watermelons] == [
        ("AI-1", False),
        ("AI-5", True),
        ("AI-2", True),
        ("AI-7", False),
    ]
    assert {verdict: _ids(items) for verdict, items in digest.changes.items()} == {
        "stalled": ["AI-5"],
        "reverted": ["AI-6"],
        "abandoned": ["AI-2"],
        "adopted": ["AI-3", "AI-4"],  # grassroots first, though Analytics sorts before it
    }
    assert (digest.gap_now.green, digest.gap_now.green_not_real) == (5, 4)
    assert (digest.gap_then.green, digest.gap_then.green_not_real) == (5, 2)
    assert (digest.spend_now, digest.spend_then) == (110_000, 137_000)
    assert [(t.team, _ids(t.items)) for t in digest.stale] == [
        ("Legal", ["AI-5"]),
        ("Finance", ["AI-8"]),
        ("Support", ["AI-7"]),
    ]
    legal = digest.stale[0].items[0]
    assert legal.days_quiet == 49
    assert legal.link == f"{URL}/check_in?initiative=AI-5"

    text = digest_text.render(digest).text
    changed = text.split("What changed since the week of 9 Mar\n")[1].split("\n\n")[1]
    assert changed.splitlines() == [
        "- Stalled (1): Contract summarizer (Legal)",
        "- Reverted (1): Meeting notes (Sales)",
        "- Abandoned (1): Invoice matcher (Finance)",
        "- Newly adopted (2): Code review helper (Engineering, grassroots), "
        "Forecast assistant (Analytics)",
    ]
    assert "Theater gap: 80% (4 of 5 green initiatives" in text
    assert "the week of 9 Mar: 40% (2 of 5 green initiatives)" in text
    assert "Annual spend not adopted: $110k; the week of 9 Mar: $137k" in text
    assert "- NEW Contract summarizer (Legal, $30k a year) — stalled, on the row alone: " in text
    assert "- Reply bot (Support, $50k a year) — reverted, on check-ins only: " in text  # not new
    assert "- Ticket triage (Support, $10k a year) — abandoned, on the row alone: " in text


def test_figures_match_the_apps_for_the_same_date(two_weeks):
    _, second = two_weeks
    assessed = assess(second, as_of=pd.Timestamp(F.WEEK2))
    digest = weekly_digest(second, as_of=F.WEEK2)
    assert digest.gap_now == metrics.theater_gap(assessed)
    assert digest.spend_now == metrics.spend_not_adopted(assessed)
    assert len(digest.watermelons) == metrics.watermelon_summary(assessed).watermelons
    stale = metrics.freshness(assessed, stale_after_days=45).stale
    assert digest.stale_rows == stale


def test_same_week_again_compares_with_the_week_before_not_itself(two_weeks, tmp_path):
    _, second = two_weeks
    spec = SourceSpec("file", str(tmp_path / "book"))
    record_history(spec, assess(second, as_of=pd.Timestamp(F.WEEK2)), as_of=F.WEEK2)
    again = weekly_digest(_read(spec), as_of=F.WEEK2)
    assert again.previous_week == pd.Timestamp(F.MONDAY1)
    assert _ids(again.changes["adopted"]) == ["AI-3", "AI-4"]


def _people_words() -> set[str]:
    return {w.casefold() for name in F.PEOPLE for w in re.findall(r"\w+", name) if len(w) >= 3}


def _leaks(text: str) -> list[str]:
    folded = text.casefold()
    found = [w for w in _people_words() if re.search(rf"\b{re.escape(w)}\b", folded)]
    if re.search(r"\bli\W{1,3}na\b", folded):
        found.append("li na")
    return found


def _every_text(message) -> list[str]:
    return [message.subject, message.text, message.html, message.markdown, *message.chat.values()]


def test_no_name_in_any_format_with_names_off(two_weeks):
    for portfolio, as_of in zip(two_weeks, (F.WEEK1, F.WEEK2), strict=True):
        message = digest_text.render(weekly_digest(portfolio, as_of=as_of, public_url=URL))
        for text in _every_text(message):
            assert _leaks(text) == []
        assert "[name hidden]'s SQL helper for [name hidden] (" in message.text


def test_names_on_lists_owners(two_weeks):
    """The setting is what keeps the names out: with it on, owners are listed."""
    _, second = two_weeks
    message = digest_text.render(weekly_digest(second, as_of=F.WEEK2, names=True))
    assert "owner: Zebulon Quartermaine" in message.text
    assert "DANA WHITFIELD's SQL helper for ottoline vasquez" in message.text


HOSTILE = "<script>alert(1)</script> & <!channel> [x](javascript:alert(1)) $5\x1b[31m"


def test_sheet_text_is_escaped_in_every_format(tmp_path, data_dir):
    rows = [list(r) for r in F.INITIATIVES]
    rows[1][1] = HOSTILE  # AI-1, a watermelon
    spec = SourceSpec("file", str(write_csv_workbook(tmp_path / "b", {"Initiatives": rows})))
    message = digest_text.render(weekly_digest(_read(spec), as_of=F.WEEK1, public_url=URL))
    assert "<script>" not in message.html and "&lt;script&gt;" in message.html
    assert "\x1b" not in "".join(_every_text(message))
    assert "&lt;!channel&gt;" in message.chat[SLACK] and "<!channel>" not in message.chat[SLACK]
    assert "<!channel>" not in message.chat[GOOGLE_CHAT]
    assert "](javascript" not in message.markdown and "\\$5" in message.markdown
    assert "](javascript" not in message.chat[TEAMS]


def test_check_in_link_opens_the_check_in_page_on_the_initiative():
    from portfolio.digest import CHECK_IN_PAGE
    from ui.page_list import PAGES

    assert CHECK_IN_PAGE in {page.url_path for page in PAGES if page.path == "pages/check_in.py"}
    assert check_in_link(None, "AI-1") is None
    assert check_in_link("https://gt.acme.example/", "AI 1&2") == (
        "https://gt.acme.example/check_in?initiative=AI+1%262"
    )


def test_digest_without_costs_or_statuses_still_reads(tmp_path, data_dir):
    rows = [["id", "name", "team", "origin", "stage", "started"]]
    rows.append(["X-1", "Bot", "Ops", "Mandate", "Pilot", "2026-03-01"])
    spec = SourceSpec("file", str(write_csv_workbook(tmp_path / "b", {"Initiatives": rows})))
    digest = weekly_digest(_read(spec), as_of=F.WEEK1)
    message = digest_text.render(digest)
    assert not digest.has_cost and "spend" not in message.text
    assert "no initiative is green on the deck" in message.text
    assert math.isnan(digest.gap_now.share)
