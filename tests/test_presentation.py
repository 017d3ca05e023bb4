"""Presentation mode: no person's name anywhere on any page, the pages still say what they say,
the Next link walks the pages in order with the URL, and the theme settings match ui/theme.py.

The page list is ui.page_list, the one app.py builds from, so pages added later are covered too.
"""

from __future__ import annotations

import re
import tomllib
from types import SimpleNamespace

import pandas as pd
import pytest

from portfolio import redact
from portfolio.parse import parse_workbook
from portfolio.redact import HIDDEN_NAME, HIDDEN_PERSON
from tests.apptest_support import ROOT, PageVisits, app_pages, texts
from tests.workbooks import (
    BASE_HEADERS,
    CHECKIN_HEADERS,
    NINE_WEEKS_SETTINGS,
    TEAM_A,
    TEAM_B,
    nine_weeks_usage,
)
from ui import presentation, theme

# People in the fixture; none of these words may reach a presenting screen.
OWNER = "Zebulon Quartermaine"
OWNER_EMAIL = "ottoline.fairweather@example.com"
SECOND_OWNER = "Philippa Ravensworth"
AUTHOR = "Cressida Blackwood"
SPONSOR = "Barnaby Thistlewood"
RESPONDENT = "Griselda Wintermute"
PEOPLE = (OWNER, OWNER_EMAIL, SECOND_OWNER, AUTHOR, SPONSOR, RESPONDENT)
# Each part of a name, as a reader might spot it ("Quartermaine" alone is still a name).
NAME_PARTS = sorted(
    {part for person in PEOPLE for part in re.split(r"[\s@.]+", person) if len(part) > 3}
    - {"example"}
)

WORKBOOK = {
    "Initiatives": [
        [*BASE_HEADERS, "notes", "Executive sponsor"],
        # A watermelon: Green, but usage collapsed after real use. Its name mentions its owner.
        [
            "AI-1",
            "Zebulon's triage bot",
            TEAM_A,
            OWNER,
            "Mandate",
            "Support",
            "Copilot",
            "Green",
            "Rollout",
            "2026-01-05",
            "2026-03-30",
            "$50,000",
            f"Ask {OWNER} before touching it",
            SPONSOR,
        ],
        # Adopted grassroots.
        [
            "AI-2",
            "Invoice matcher",
            TEAM_B,
            OWNER_EMAIL,
            "Grassroots",
            "Finance",
            "Python script",
            "Green",
            "Adopted",
            "2026-01-12",
            "2026-03-30",
            "",
            "",
            SPONSOR,
        ],
        # Stalled by its stage.
        [
            "AI-3",
            "Contract summaries",
            TEAM_B,
            SECOND_OWNER,
            "Vendor",
            "Legal",
            "VendorGPT",
            "Amber",
            "Stalled",
            "2025-11-03",
            "2026-01-10",
            "$20,000",
            f"{SECOND_OWNER} left",
            "",
        ],
    ],
    "Usage": [
        ["initiative_id", "week", "active_users"],
        *nine_weeks_usage("AI-1", [40, 42, 41, 40, 3, 2, 2, 1, 0]),
        *nine_weeks_usage("AI-2", [12, 14, 15, 16, 15, 14, 15, 16, 15]),
    ],
    "CheckIns": [
        CHECKIN_HEADERS,
        ["c-1", "2026-03-20 10:00", "AI-2", AUTHOR, "Green", "Adopted", "15", f"by {AUTHOR}"],
        ["c-2", "2026-03-21 10:00", "AI-404", AUTHOR, "", "", "", ""],
    ],
    "DailyTools": [
        ["department", "role", "tool", "frequency", "sanctioned", "Respondent"],
        [TEAM_A, "Agent", "Copilot", "Daily", "yes", RESPONDENT],
        [TEAM_B, "Analyst", "ChatGPT", "Weekly", "no", RESPONDENT],
    ],
    "Settings": NINE_WEEKS_SETTINGS,
}


PAGES = app_pages()


def _walk(node):
    yield node
    children = getattr(node, "children", None) or {}
    for child in children.values():
        yield from _walk(child)


def leaks(at) -> list[str]:
    """Every fixture name found anywhere in what the app sent to the browser.

    Each element's whole message is searched as bytes (markdown, labels, selectbox and
    multiselect options, chart specs and their Arrow data, dataframes' Arrow data, link
    query strings), and dataframes are also decoded and searched cell by cell.
    """
    found = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        raw = proto.SerializeToString().lower()
        for part in NAME_PARTS:
            if part.lower().encode() in raw:
                found.append(f"{getattr(node, 'type', '?')}: {part}")
    for frame in at.dataframe:
        cells = [str(c) for c in frame.value.to_numpy().ravel()] + list(map(str, frame.value))
        for part in NAME_PARTS:
            found.extend(f"dataframe cell: {c}" for c in cells if part in c)
    return found


def _look(page, at) -> SimpleNamespace:
    """What a test below reads of a page, taken before the reader moves to the next."""
    return SimpleNamespace(
        leaks=leaks(at),
        titles=[t.value for t in at.title],
        shown=len(at.metric)
        + len(at.dataframe)
        + len(at.get("arrow_vega_lite_chart"))
        + len(at.subheader)
        + len(at.info)
        + len(at.markdown),
        text=texts(at),
        styles=[h.proto.body for h in at.get("html")],
        links=[
            SimpleNamespace(value=link.value, page=link.proto.page, query=link.proto.query_string)
            for link in at.get("page_link")
        ],
        sidebar_team=[box.value for box in at.multiselect if box.key == "sidebar_team"],
        downloads=[
            SimpleNamespace(
                label=b.proto.label,
                deferred_file_id=b.proto.deferred_file_id,
                ignore_rerun=b.proto.ignore_rerun,
            )
            for b in at.get("download_button")
        ],
    )


@pytest.fixture(scope="module")
def visits(tmp_path_factory):
    """visits(query, pages) -> {page: (exceptions, what it showed)}, on WORKBOOK, run once."""
    pages = PageVisits(tmp_path_factory, look=_look)
    return lambda query=None, only=None: pages(
        "presentation", tabs=WORKBOOK, query=query, pages=only
    )


# The tests that only read pages of WORKBOOK share its visits, in one test process.
READS_WORKBOOK = pytest.mark.xdist_group("presentation")
OVERVIEW = PAGES[0][0]
PRESENTING = {"present": "1"}
PRESENTING_TEAM_B = {"present": "1", "team": TEAM_B}


def _seen(visits, page: str, query=None, only=None) -> SimpleNamespace:
    exceptions, seen = visits(query, only)[page]
    assert exceptions == []
    return seen


def _plain(visits, page: str) -> SimpleNamespace:
    return _seen(visits, page, None, [OVERVIEW, "pages/watermelons.py"])


# --- every page, presenting ---------------------------------------------------------------


def test_app_has_pages():
    assert ("pages/overview.py", "Overview") in PAGES
    assert len(PAGES) >= 2


@READS_WORKBOOK
@pytest.mark.parametrize(("path", "title"), PAGES, ids=[p for p, _ in PAGES])
def test_presenting_page_shows_no_person(visits, path, title):
    at = _seen(visits, path, PRESENTING)
    assert at.leaks == []
    # The page itself is still there: its title and more than its title.
    assert title in at.titles
    assert at.shown > 0


@READS_WORKBOOK
def test_leak_walk_finds_names_when_not_presenting(visits):
    # The same walk on the same workbook, outside presentation mode, sees the owner on the
    # Watermelons page: so an empty list above means the names were hidden, not missed.
    at = _plain(visits, "pages/watermelons.py")
    assert any("Quartermaine" in leak for leak in at.leaks)


@READS_WORKBOOK
def test_presenting_overview_keeps_its_figures(visits):
    at = _seen(visits, OVERVIEW, PRESENTING)
    # 2 green (AI-1 reverted, AI-2 adopted): 1 of them not real.
    assert "2 initiatives are green on the deck; 1 of them has stalled or been dropped" in at.text
    # The stylesheet is ours and only in presentation mode.
    assert any("stMainBlockContainer" in body for body in at.styles)


@READS_WORKBOOK
def test_not_presenting_injects_no_stylesheet(visits):
    at = _plain(visits, OVERVIEW)
    assert not any("stMainBlockContainer" in body for body in at.styles)
    assert [link.value for link in at.links if link.value.startswith("Next")] == []


# --- the presenter's Next link ------------------------------------------------------------


def _next_link(at):
    links = [
        link
        for link in at.links
        if link.value.startswith("Next") or link.value == presentation.FIRST_PAGE_LABEL
    ]
    assert len(links) == 1, [link.value for link in at.links]
    return links[0]


@READS_WORKBOOK
@pytest.mark.parametrize("index", [0, len(PAGES) - 1], ids=["first", "last"])
def test_next_link_follows_app_order_and_keeps_the_url(visits, index):
    path, _ = PAGES[index]
    at = _seen(visits, path, PRESENTING_TEAM_B, [OVERVIEW, PAGES[-1][0]])
    link = _next_link(at)
    if index + 1 < len(PAGES):
        next_path, next_title = PAGES[index + 1]
        assert link.value == f"Next: {next_title}"
    else:
        next_path = PAGES[0][0]
        assert link.value == presentation.FIRST_PAGE_LABEL
    assert link.page == ("" if next_path == PAGES[0][0] else next_path[6:-3])
    params = dict(p.split("=") for p in link.query.split("&"))
    assert params["present"] == "1"
    assert params["team"] == TEAM_B.replace(" ", "+")


@READS_WORKBOOK
def test_filters_narrow_the_presented_view(visits):
    at = _seen(visits, OVERVIEW, PRESENTING_TEAM_B, [OVERVIEW, PAGES[-1][0]])
    # Team B has AI-2 (green, adopted) and AI-3 (amber): 1 green, none of it not real.
    assert "1 initiative is green on the deck; it has not stalled or been dropped" in at.text
    assert at.sidebar_team == [[TEAM_B]]
    assert at.leaks == []


# --- the redaction itself -----------------------------------------------------------------


@pytest.fixture(scope="module")
def portfolio():
    from datetime import UTC, datetime

    from portfolio.model import RawWorkbook

    raw = RawWorkbook(tabs=WORKBOOK, origin="fixture", kind="file", fetched_at=datetime.now(UTC))
    return parse_workbook(raw)


def test_redact_portfolio_replaces_people_by_their_team(portfolio):
    redacted, _ = redact.redact_portfolio(portfolio)
    ini = redacted.initiatives.set_index("id")
    assert ini.loc["AI-1", "owner"] == f"{TEAM_A} team"
    assert ini.loc["AI-2", "owner"] == f"{TEAM_B} team"
    assert ini.loc["AI-1", "Executive sponsor"] == f"{TEAM_A} team"
    assert ini["notes"].isna().all()
    assert ini.loc["AI-1", "name"] == f"{HIDDEN_NAME}'s triage bot"
    assert ini.loc["AI-2", "name"] == "Invoice matcher"
    checkins = redacted.checkins.set_index("checkin_id")
    assert checkins.loc["c-1", "author"] == f"{TEAM_B} team"
    assert checkins.loc["c-2", "author"] == HIDDEN_PERSON  # its initiative is unknown
    assert checkins["note"].isna().all()
    assert set(redacted.daily_tools["Respondent"]) == {HIDDEN_PERSON}
    # The usage log holds no person and is shared, not copied.
    assert redacted.usage is portfolio.usage


def test_redact_portfolio_leaves_the_shared_original_alone(portfolio):
    before = portfolio.initiatives.copy()
    redact.redact_portfolio(portfolio)
    pd.testing.assert_frame_equal(portfolio.initiatives, before)
    assert OWNER in set(portfolio.initiatives["owner"])


def test_redact_assessed_scrubs_reasons(portfolio):
    from portfolio.evidence import assess

    assessed = assess(portfolio).copy()
    assessed["reasons"] = [[f"{OWNER} says it is fine"]] * len(assessed)
    assessed["reason"] = f"Mail {OWNER_EMAIL}"
    _, names = redact.redact_portfolio(portfolio)
    out = redact.redact_assessed(assessed, names)
    assert out["reasons"].iloc[0] == [f"{HIDDEN_NAME} says it is fine"]
    assert set(out["reason"]) == {f"Mail {HIDDEN_NAME}"}
    assert set(out["owner"]) == {f"{TEAM_A} team", f"{TEAM_B} team"}


# --- the look -----------------------------------------------------------------------------


def test_streamlit_theme_matches_the_chart_theme():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    themes = config["theme"]
    assert "base" not in themes  # both variants offered; the viewer's system decides
    assert {"light", "dark"} <= set(themes)
    assert themes["chartCategoricalColors"] == list(theme.CATEGORY_COLORS)
    assert themes["dark"]["backgroundColor"] != themes["light"]["backgroundColor"]


def test_registered_theme_reaches_every_chart():
    import altair as alt

    theme.use()
    spec = alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x="a:Q").to_dict()
    assert spec["config"]["axis"]["labelFontSize"] == theme.LABEL_SIZE
    assert spec["config"]["range"]["category"] == list(theme.CATEGORY_COLORS)
    # No text colour in the browser theme: Streamlit picks one for light or dark.
    assert "labelColor" not in spec["config"]["axis"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [("Green", "● Green"), ("Amber", "▲ Amber"), ("Red", "■ Red"), (None, "◆ No status")],
)
def test_status_is_never_colour_alone(status, expected):
    assert theme.status_label(status) == expected


def test_presentation_type_is_larger():
    plain, presenting = theme.theme_config(), theme.theme_config(present=True)
    assert presenting["axis"]["labelFontSize"] == plain["axis"]["labelFontSize"] * 1.5
    assert presenting["title"]["fontSize"] == theme.TITLE_SIZE * 1.5


@READS_WORKBOOK
def test_overview_offers_the_slide(visits):
    buttons = _plain(visits, OVERVIEW).downloads
    labels = [b.label for b in buttons]
    assert "Download the slide" in labels
    slide_button = buttons[labels.index("Download the slide")]
    assert slide_button.deferred_file_id  # rendered only when clicked
    assert slide_button.ignore_rerun
