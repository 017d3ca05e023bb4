"""Overview says, above its figures, when the sheet has errors, and links to Sheet health.

Three initiatives whose `name` header reads "Heading" (no alias, no mapping): the required
column is missing, one error; every initiative is Green and stalled by its stage, so the
headline alone would read as a clean "all 3 green stalled".
"""

from __future__ import annotations

from tests.apptest_support import run_app

PAGE = "pages/overview.py"
INITIATIVES = [
    ["id", "Heading", "team", "origin", "reported_status", "stage", "started"],
    ["AI-1", "Bot", "Ops", "Mandate", "Green", "Stalled", "2026-01-05"],
    ["AI-2", "Helper", "Ops", "Mandate", "Green", "Stalled", "2026-01-05"],
    ["AI-3", "Notes", "Sales", "Vendor", "Green", "Stalled", "2026-01-05"],
]
SETTINGS = [["key", "value"], ["as_of", "2026-06-01"]]


def _order(block) -> list[str]:
    """Element types of a block, depth first, in the order a reader sees them."""
    found = []
    for child in block.children.values():
        found.append(child.type)
        if hasattr(child, "children"):
            found.extend(_order(child))
    return found


def test_overview_warns_of_sheet_errors_above_the_figures(tmp_path, monkeypatch):
    tabs = {"Initiatives": INITIATIVES, "Settings": SETTINGS}
    at = run_app(tmp_path, monkeypatch, tabs=tabs, page=PAGE)
    assert not at.exception
    # markdown escapes taken out: what the reader sees
    [warning] = [w.value.replace("\\", "") for w in at.warning if "error" in w.value]
    assert warning.startswith("The sheet has 1 error, so the figures below may be off")
    assert 'First: Initiatives has no "name" column and no mapping for it' in warning
    links = [link for link in at.get("page_link") if "Sheet health" in link.value]
    assert links and links[0].value == "Fix it on Sheet health"
    order = _order(at.main)
    assert order.index("warning") < order.index("metric")
    assert order.index("warning") < order.index("subheader")


def test_overview_says_nothing_of_errors_on_a_clean_sheet(tmp_path, monkeypatch):
    clean = [["id", "name", *INITIATIVES[0][2:]], *INITIATIVES[1:]]
    at = run_app(
        tmp_path, monkeypatch, tabs={"Initiatives": clean, "Settings": SETTINGS}, page=PAGE
    )
    assert not at.exception
    assert not [w.value for w in at.warning if "error" in w.value]
    assert not [link for link in at.get("page_link") if link.value == "Fix it on Sheet health"]
