"""Presenting hides a known name however it is written: in another letter case ("PRIYA NAIR
hub"), with parts under three letters ("Li Na bot"), and inside a problem's quoted cell
("ask Priya Nair" is not a date) — on every page, in every CSV export and on the slide.

Each leak here was seen on a presenting screen before portfolio.redact matched names
case-insensitively and whole-word, and hid names in problems.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pandas as pd
import pytest

from portfolio import redact
from portfolio.evidence import assess
from portfolio.model import RawWorkbook
from portfolio.parse import parse_workbook
from tests.apptest_support import (
    PageVisits,
    app_pages,
    downloads,
    record_downloads,
    run_app,
    texts,
    write_csv_workbook,
)
from tests.workbooks import (
    BASE_HEADERS,
    CHECKIN_HEADERS,
    NINE_WEEKS_SETTINGS,
    TEAM_A,
    TEAM_B,
    nine_weeks_usage,
)
from ui.shell import PRESENTED_NOTICE

PAGES = app_pages()
OWNER_A = "Priya Nair"
OWNER_B = "Li Na"  # both parts under three letters
# The people above as a reader could spot them, in any letter case, as whole words.
LEAK = re.compile(rb"priya|nair|\bli\W{0,3}na\b", re.IGNORECASE)

HEADER = [*BASE_HEADERS, "reverted_to", "Executive sponsor"]
WORKBOOK = {
    "Initiatives": [
        HEADER,
        # Green, but usage collapsed after real use: a reverted watermelon named after its
        # owner in capitals.
        [
            "AI-1",
            "PRIYA NAIR hub",
            TEAM_A,
            OWNER_A,
            "Mandate",
            "Support",
            "Copilot",
            "Green",
            "Rollout",
            "2026-01-05",
            "2026-03-30",
            "$50,000",
            "",
            "",
        ],
        # Green, stage Stalled: a stalled watermelon named after an owner with short parts,
        # whose people went back to writing to her.
        [
            "AI-2",
            "Li Na bot",
            TEAM_B,
            OWNER_B,
            "Vendor",
            "Finance",
            "VendorGPT",
            "Green",
            "Stalled",
            "2025-11-03",
            "2026-01-10",
            "$20,000",
            "e-mail to li na",
            "",
        ],
        # Adopted grassroots, named after a colleague, with a last_update that is a person's
        # words rather than a date.
        [
            "AI-3",
            "invoice helper by LI NA",
            TEAM_B,
            "Dana Whitfield",
            "Grassroots",
            "Finance",
            "Python script",
            "Amber",
            "Adopted",
            "2026-01-12",
            f"ask {OWNER_A}",
            "",
            "",
            OWNER_A,
        ],
        # A stage that is a person's words: a problem, and a word Sheet health would suggest
        # mapping.
        [
            "AI-4",
            "Ops digest",
            TEAM_A,
            "Dana Whitfield",
            "Mandate",
            "Ops",
            "ChatGPT",
            "Amber",
            f"waiting on {OWNER_A}",
            "2026-02-01",
            "2026-03-20",
            "",
            "",
            "",
        ],
    ],
    "Usage": [
        ["initiative_id", "week", "active_users"],
        *nine_weeks_usage("AI-1", [40, 42, 41, 40, 3, 2, 2, 1, 0]),
        *nine_weeks_usage("AI-2", [6, 9, 4, 2, 0, 0, 0, 0, 0]),
        *nine_weeks_usage("AI-3", [12, 14, 15, 16, 15, 14, 15, 16, 15]),
    ],
    "CheckIns": [
        CHECKIN_HEADERS,
        ["c-1", "2026-03-20 10:00", "AI-3", "dana", "Amber", "Adopted", "15", "fine"],
    ],
    "Settings": NINE_WEEKS_SETTINGS,
}


def leaks(at) -> list[str]:
    """Every place a fixture person shows in what the app sent to the browser.

    Each element's whole message is searched as bytes: markdown, captions, labels, the
    options of pickers, chart specs and their Arrow data, dataframes' Arrow data.
    """
    found = []
    stack = [at._tree]
    while stack:
        node = stack.pop()
        stack.extend((getattr(node, "children", None) or {}).values())
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.extend(
                f"{getattr(node, 'type', '?')}: {m.group().decode(errors='replace')}"
                for m in LEAK.finditer(proto.SerializeToString())
            )
    return found


def _look(page, at) -> SimpleNamespace:
    """What a test below reads of a page, taken before the reader moves to the next."""
    return SimpleNamespace(
        titles=[t.value for t in at.title],
        leaks=leaks(at),
        csv_files={label: data for label, data in downloads(at).items() if label.endswith(".csv")},
        dataframes=[frame.value for frame in at.dataframe],
        multiselect_options=[list(box.options) for box in at.multiselect],
        selectbox_options=[list(box.options) for box in at.selectbox],
        data_editors=[editor.value for editor in at.data_editor],
        text=texts(at),
    )


# The tests that only read pages of WORKBOOK share one visit of every page, in one process.
READS_WORKBOOK = pytest.mark.xdist_group("presenting-leaks")


@pytest.fixture(scope="module")
def visits(tmp_path_factory):
    """visits(query) -> {page: what it showed}, each page of WORKBOOK run once per query."""
    pages = PageVisits(tmp_path_factory, look=_look)

    def visit(query: dict[str, str] | None = None):
        with pytest.MonkeyPatch.context() as patch:
            record_downloads(patch)
            return pages("leaks", tabs=WORKBOOK, query=query)

    return visit


def _present(visits, page: str) -> SimpleNamespace:
    exceptions, seen = visits({"present": "1"})[page]
    assert exceptions == []
    return seen


def _plain(visits, page: str) -> SimpleNamespace:
    exceptions, seen = visits()[page]
    assert exceptions == []
    return seen


@READS_WORKBOOK
def test_the_walk_sees_the_names_when_not_presenting(visits):
    # The same walk outside presentation mode finds every spelling, so an empty list below
    # means the names were hidden, not missed.
    found = " ".join(_plain(visits, "pages/watermelons.py").leaks)
    assert "PRIYA" in found
    assert "Li Na" in found


@READS_WORKBOOK
@pytest.mark.parametrize(("path", "title"), PAGES, ids=[p for p, _ in PAGES])
def test_presenting_page_shows_no_name_in_any_case(visits, path, title):
    at = _present(visits, path)
    assert title in at.titles
    assert at.leaks == []


@READS_WORKBOOK
@pytest.mark.parametrize(("path", "title"), PAGES, ids=[p for p, _ in PAGES])
def test_presenting_csv_exports_hold_no_name(visits, path, title):
    files = _present(visits, path).csv_files
    assert {label: LEAK.findall(data) for label, data in files.items() if LEAK.search(data)} == {}


@READS_WORKBOOK
def test_watermelons_keep_the_rest_of_their_names(visits):
    names = set(_present(visits, "pages/watermelons.py").dataframes[0]["name"])
    assert names == {f"{redact.HIDDEN_NAME} hub", f"{redact.HIDDEN_NAME} bot"}


@READS_WORKBOOK
def test_trends_picker_offers_hidden_names(visits):
    boxes = _present(visits, "pages/trends.py").multiselect_options
    options = [o for box in boxes for o in box if "hub" in o or "bot" in o]
    assert options, boxes
    assert all(redact.HIDDEN_NAME in option for option in options)


@READS_WORKBOOK
def test_check_in_picker_offers_hidden_names(visits):
    options = [o for box in _present(visits, "pages/check_in.py").selectbox_options for o in box]
    assert any(f"{redact.HIDDEN_NAME} hub" in o for o in options), options
    assert not any(LEAK.search(o.encode()) for o in options)


@READS_WORKBOOK
def test_sheet_health_quotes_the_cell_without_the_name(visits):
    at = _present(visits, "pages/sheet_health.py")
    problems = pd.concat([frame for frame in at.dataframes if "problem" in frame])
    row = problems.set_index("cell").loc["Initiatives!K4"]
    assert row["problem"].startswith(f'"ask {redact.HIDDEN_NAME}" is not a date')
    assert row["value as typed"] == f"ask {redact.HIDDEN_NAME}"
    assert "Priya" not in at.text


@READS_WORKBOOK
def test_sheet_health_suggests_no_mapping_while_presenting(visits):
    # Suggested rows quote the sheet's own words, which may be anyone's: they wait until
    # presentation mode is off.
    at = _present(visits, "pages/sheet_health.py")
    assert not at.data_editors
    assert "not shown in presentation mode" in at.text
    suggested = _plain(visits, "pages/sheet_health.py").data_editors[0]  # not presenting
    assert f"waiting on {OWNER_A}" in set(suggested["from"])


@READS_WORKBOOK
def test_sheet_health_quotes_the_cell_when_not_presenting(visits):
    at = _plain(visits, "pages/sheet_health.py")
    problems = pd.concat([frame for frame in at.dataframes if "problem" in frame])
    row = problems.set_index("cell").loc["Initiatives!K4"]
    assert row["problem"].startswith(f'"ask {OWNER_A}" is not a date')
    assert row["value as typed"] == f"ask {OWNER_A}"


# --- the slide, as cli.py slide draws it ----------------------------------------------------


@pytest.fixture(scope="module")
def portfolio():
    raw = RawWorkbook(tabs=WORKBOOK, origin="fixture", kind="file", fetched_at=datetime.now(UTC))
    return parse_workbook(raw)


AS_OF = pd.Timestamp("2026-03-31")


def test_slide_verdicts_hide_every_spelling(portfolio):
    shown = redact.presented_verdicts(portfolio, as_of=AS_OF).set_index("id")
    assert shown.loc["AI-1", "name"] == f"{redact.HIDDEN_NAME} hub"
    assert shown.loc["AI-2", "name"] == f"{redact.HIDDEN_NAME} bot"
    assert shown.loc["AI-3", "name"] == f"invoice helper by {redact.HIDDEN_NAME}"
    assert shown.loc["AI-2", "reverted_to"] == f"e-mail to {redact.HIDDEN_NAME}"


def test_slide_spec_draws_no_name(portfolio):
    from ui import slide

    spec = slide.spec(redact.presented_verdicts(portfolio, as_of=AS_OF), as_of=AS_OF)
    text = repr(spec).encode()
    assert LEAK.findall(text) == []
    assert b"[name hidden] hub" in text  # the watermelon is still on the slide, unnamed


def test_cli_slide_draws_what_the_redacted_verdicts_draw(tmp_path, monkeypatch, capsys):
    # The PNG of `cli.py slide` is the PNG of the slide built from verdicts whose names are
    # hidden by hand: so no name reached what it drew.
    import cli
    from ui import slide

    folder = write_csv_workbook(tmp_path / "workbook", WORKBOOK)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "deck.png"
    assert cli.main(["slide", "--source", str(folder), "--out", str(out)]) == cli.EXIT_OK
    raw = RawWorkbook(tabs=WORKBOOK, origin="fixture", kind="file", fetched_at=datetime.now(UTC))
    hidden = assess(parse_workbook(raw), as_of=AS_OF).set_index("id")
    hidden.loc["AI-1", "name"] = "[name hidden] hub"
    hidden.loc["AI-2", "name"] = "[name hidden] bot"
    hidden.loc["AI-3", "name"] = "invoice helper by [name hidden]"
    assert out.read_bytes() == slide.render(hidden.reset_index(), as_of=AS_OF)


# A file source in a home folder named after its owner: the server path names a person.
HOME_OF = "priya.nair"


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/sheet_health.py"])
def test_a_file_source_is_named_without_its_server_path_when_presenting(
    tmp_path, monkeypatch, page
):
    folder = write_csv_workbook(tmp_path / "home" / HOME_OF / "AI initiatives", WORKBOOK)

    at = run_app(tmp_path, monkeypatch, source=str(folder), page=page, query={"present": "1"})

    assert not at.exception
    assert "AI initiatives" in texts(at)  # the caption still says where the data came from
    assert leaks(at) == []
    at.sidebar.toggle[0].set_value(False).run()  # the same session, not presenting
    paths = [c.value for c in at.caption if "priya" in c.value and "AI initiatives" in c.value]
    assert paths, [c.value for c in at.caption]  # the whole server path, as before


def test_a_source_that_cannot_be_read_is_noticed_without_its_path_when_presenting(
    tmp_path, monkeypatch
):
    folder = write_csv_workbook(tmp_path / "home" / HOME_OF / "AI initiatives", WORKBOOK)
    at = run_app(tmp_path, monkeypatch, source=str(folder), query={"present": "1"})
    assert not at.exception and not at.warning

    folder.rename(folder.with_name("moved"))  # the last good copy is on disk
    at.button(key="sidebar_refresh").click().run()

    assert not at.exception
    assert [w.value for w in at.warning] == [PRESENTED_NOTICE]
    assert leaks(at) == []
    at.sidebar.toggle[0].set_value(False).run()  # not presenting: the why, path included
    [notice] = [w.value for w in at.warning]
    assert notice.startswith("Showing the copy from") and "priya" in notice
