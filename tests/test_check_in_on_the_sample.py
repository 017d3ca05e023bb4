"""A check-in on the bundled sample counts at once: the sample's dates follow today, so a
check-in made now is inside its as-of date without anyone touching the sidebar.

AI-026 "AI pipeline forecast pilot" is a watermelon of the sample: reported Green, a Pilot
with no update, check-in or usage for about 150 days (stalled). A check-in now saying
Green, Rollout is a sign of life and ends the pilot: it is no longer stalled, so no longer
a watermelon, and the form opens on what was just saved.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data_sources import checkins
from tests.apptest_support import run_app, texts

IDENT = "AI-026"


@pytest.fixture(autouse=True)
def _fresh_writers():
    checkins.forget_writers()
    yield
    checkins.forget_writers()


def _watermelon_ids(at) -> list[str]:
    return next(df.value for df in at.dataframe if "why" in df.value.columns)["id"].tolist()


def test_a_check_in_on_the_sample_shows_on_watermelons_without_moving_the_date(
    tmp_path, monkeypatch
):
    # Another day's read of the sample is in the shared cache first (the suite pins the
    # sample's day; a server that runs past midnight has yesterday's): it must not be served.
    (tmp_path / "before").mkdir()
    monkeypatch.setenv("GROUNDTRUTH_SAMPLE_TODAY", "2026-11-23")
    assert not run_app(tmp_path / "before", monkeypatch, source="sample").exception
    # The sample read for the real today, as a reader gets it (the check-in is made now).
    monkeypatch.setenv("GROUNDTRUTH_SAMPLE_TODAY", dt.date.today().isoformat())
    at = run_app(tmp_path, monkeypatch, source="sample", page="pages/watermelons.py")
    assert not at.exception
    assert IDENT in _watermelon_ids(at)

    at.query_params["initiative"] = IDENT
    at.switch_page("pages/check_in.py").run()
    assert not at.exception
    shown = texts(at)
    assert "Active users typed here are kept with the check-in" in shown
    assert "not usage evidence" in shown
    at.selectbox(key=f"check_in_stage_{IDENT}_0").set_value("Rollout")
    at.text_input(key=f"check_in_users_{IDENT}_0").input("7")
    at.text_input(key="check_in_author").input("Sam")
    (button,) = [b for b in at.button if b.label == "Check in"]
    button.click().run()
    assert not at.exception

    [saved] = [s.value for s in at.success]
    assert "is now Green, Rollout. Saved to this server" in saved
    assert "Its 7 active users are kept with it, not counted as usage." in saved
    assert "pick a later as-of date" not in saved
    shown = texts(at)
    assert "/" not in saved and str(tmp_path) not in shown  # no server path on the page
    # The caption and the form show what was just saved, above the log that lists it.
    assert "Now: reported Green, stage Rollout (from its latest check-in)" in shown
    assert at.selectbox(key=f"check_in_stage_{IDENT}_1").value == "Rollout"
    assert at.selectbox(key=f"check_in_status_{IDENT}_1").value == "Green"

    at.switch_page("pages/watermelons.py").run()
    assert not at.exception
    assert IDENT not in _watermelon_ids(at)
