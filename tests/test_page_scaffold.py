"""Every page starts from the one scaffold (ui/shell.page) and names the filters only as
`view.scope`, escaped; a page that writes its own title or filter text out again fails here.
"""

from __future__ import annotations

import pytest

from tests.apptest_support import ROOT
from ui.page_list import PAGES


@pytest.mark.parametrize("path", [page.path for page in PAGES])
def test_a_page_starts_with_shell_page_and_names_the_filters_escaped(path):
    source = (ROOT / path).read_text(encoding="utf-8")
    assert source.count("shell.page(") == 1, path
    for written_again in ("st.title(", "shell.view()", "filters.describe()"):
        assert written_again not in source, (path, written_again)
