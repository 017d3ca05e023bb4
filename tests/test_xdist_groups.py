"""The tests of one `pytest.mark.xdist_group` run in one test process under `make test`.

`make test` runs pytest-xdist with `--dist loadgroup`, and the suite shares expensive
set-ups through groups: one Streamlit server and Chromium per browser workbook, one
PostgreSQL server, one quick bench, one run of the pages per workbook (PageVisits). xdist
3.8 hands the group to its scheduler in the test's node id, which pytest 9.2 no longer lets
it change (pytest-dev/pytest-xdist#1386): every group was silently split across processes
and each process set it up again. requirements-dev.txt pins pytest 9.1.1 until xdist
passes groups another way; this test fails if they stop arriving.
"""

from __future__ import annotations

import pytest

GROUP = "xdist-groups-reach-the-scheduler"


@pytest.mark.xdist_group(GROUP)
def test_a_group_reaches_the_scheduler(request):
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("means something under pytest-xdist --dist loadgroup (make test)")
    # The scheduler groups by what follows the "@" of the node id.
    assert request.node.nodeid.endswith(f"@{GROUP}"), request.node.nodeid
