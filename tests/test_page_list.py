"""The page list (ui.page_list) is the app's: every page script once, one default page."""

from __future__ import annotations

from tests.apptest_support import ROOT
from ui import page_list


def test_the_page_list_names_every_page_script_once():
    scripts = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
    listed = [page.path for page in page_list.PAGES]
    assert sorted(listed) == scripts
    assert [page.default for page in page_list.PAGES].count(True) == 1
