"""One check-in end to end in a real Chromium: the sample source, a temporary data folder,
the form filled and sent, the row saved locally with its note verbatim and shown at once.

Screenshots of the form before and after are kept under tests/artifacts/ to be looked at.
"""

from __future__ import annotations

import json

import pytest

from tests.browser_support import ARTIFACTS, streamlit_server, wait_for_app, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORT = {"width": 1440, "height": 1100}
INITIATIVE = "AI-004"  # Tier-1 support assistant, in the bundled sample
NOTE = '=IMPORTXML("https://example.com", "//a") stays text'
ANSWER_TIMEOUT_MS = 30_000


def test_one_checkin_end_to_end_on_the_sample(tmp_path, chromium):
    data_dir = tmp_path / "data"
    env = {"GROUNDTRUTH_SOURCE": "sample", "GROUNDTRUTH_DATA_DIR": str(data_dir)}
    with streamlit_server(env=env) as base:
        page = chromium.new_page(viewport=VIEWPORT)
        errors = watch_console(page)

        # Arrive on the overview, then follow a link to the check-in of one initiative.
        page.goto(base)
        wait_for_app(page)
        page.goto(f"{base}/check_in?initiative={INITIATIVE}")
        wait_for_app(page)
        page.get_by_label("Active users this week", exact=True).wait_for(timeout=ANSWER_TIMEOUT_MS)
        assert page.locator("h1").first.inner_text().strip() == "Check in"
        assert page.get_by_text("check-ins are saved on this server").count() == 1
        page.screenshot(path=str(ARTIFACTS / "check_in-form.png"))

        page.get_by_label("Active users this week", exact=True).fill("57")
        page.get_by_label("What changed?").fill(NOTE)
        page.get_by_label("Your name").fill("Dana Whitfield")
        page.get_by_role("button", name="Check in").click()
        page.get_by_text("Checked in: Tier-1 support assistant").wait_for(timeout=ANSWER_TIMEOUT_MS)
        wait_for_app(page)
        page.screenshot(path=str(ARTIFACTS / "check_in-sent.png"))

        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.get_by_text("Last 3 check-ins").count() == 1  # the sample had 2
        assert errors == []  # no console error, uncaught exception or failed request
        page.close()

    (line,) = (data_dir / "checkins" / "sample.jsonl").read_text(encoding="utf-8").splitlines()
    saved = json.loads(line)
    assert (saved["initiative_id"], saved["active_users"], saved["note"]) == (INITIATIVE, 57, NOTE)
    assert saved["author"] == "Dana Whitfield"
