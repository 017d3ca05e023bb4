"""StatusHistory in the app: Trends' now-vs-then takes the recorded statuses of "then", and a
watermelon's up-close view shows its reported status week by week beside its usage.

Watermelon fixture, as of Wed 29 Apr 2026 (the week of 27 Apr): AI-1 "Reply bot", Green,
weekly users 225 (9 Mar), 200, 150, 100, 24, 18, 15, 15 (27 Apr). Peak 225; the last four
weeks average (24 + 18 + 15 + 15) / 4 = 18, at most 20% of the peak (45), after three weeks
at or above half of it: reverted, and Green, so a watermelon. StatusHistory: Amber on 2 Mar,
then Green on 9, 16 and 30 Mar and 6 (derived from check-ins), 13, 20 and 27 Apr; 23 Mar has
no row. The latest run of Green starts on 9 Mar, and the sentence quotes the recent mean as
the reasons do: "Green since 9 Mar while weekly users fell from 225 to 18".
"""

from __future__ import annotations

import json

import pandas as pd
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import core

from tests.apptest_support import chart_data, run_app, texts
from tests.workbooks import six_initiatives

USAGE_WEEKS = ["2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30", "2026-04-06",
               "2026-04-13", "2026-04-20", "2026-04-27"]  # fmt: skip
USERS = [225, 200, 150, 100, 24, 18, 15, 15]
HISTORY_HEADER = ["week", "initiative_id", "reported_status", "stage", "verdict", "derived"]
RECORDED = [
    ["2026-03-02", "AI-1", "Amber", "Pilot", "unproven", "no"],
    ["2026-03-09", "AI-1", "Green", "Rollout", "adopted", "no"],
    ["2026-03-16", "AI-1", "Green", "Rollout", "adopted", "no"],
    ["2026-03-30", "AI-1", "Green", "Rollout", "adopted", "no"],
    ["2026-04-06", "AI-1", "Green", "Rollout", "adopted", "yes"],
    ["2026-04-13", "AI-1", "Green", "Rollout", "reverted", "no"],
    ["2026-04-20", "AI-1", "Green", "Rollout", "reverted", "no"],
    ["2026-04-27", "AI-1", "Green", "Rollout", "reverted", "no"],
]
MELON = {
    "Initiatives": [
        ["id", "name", "team", "origin", "reported_status", "stage", "started", "last_update"],
        ["AI-1", "Reply bot", "Support", "Mandate", "Green", "Rollout", "2026-01-05", "2026-04-20"],
    ],
    "Usage": [
        ["initiative_id", "week", "active_users"],
        *[["AI-1", w, str(u)] for w, u in zip(USAGE_WEEKS, USERS, strict=True)],
    ],
    "StatusHistory": [HISTORY_HEADER, *RECORDED],
    "Settings": [["key", "value"], ["as_of", "2026-04-29"]],
}
WATERMELONS = "pages/watermelons.py"
TRENDS = "pages/trends.py"


def test_a_watermelon_shows_its_green_weeks_beside_its_falling_usage(tmp_path, monkeypatch):
    at = run_app(tmp_path, monkeypatch, tabs=MELON, page=WATERMELONS)
    assert not at.exception
    shown = texts(at)
    assert "**Green since 9 Mar while weekly users fell from 225 to 18**" in [
        m.value for m in at.markdown
    ]
    assert "Shaded weeks: the status recorded in StatusHistory (8 weeks, 1 derived from " in shown
    chart = chart_data(at)
    assert [str(pd.Timestamp(w).date()) for w in chart["week"]] == USAGE_WEEKS
    assert chart["active_users"].tolist() == USERS
    statuses = [s if isinstance(s, str) else None for s in chart["reported_status"]]
    assert statuses == ["Green", "Green", None, "Green", "Green", "Green", "Green", "Green"]
    assert chart["derived"].tolist() == [False] * 4 + [True] + [False] * 3
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    validate_jsonschema(spec, core.load_schema())  # the status bands are valid Vega-Lite
    assert spec["layer"][0]["mark"]["type"] == "rect"


def test_without_status_history_the_view_says_what_it_would_show(tmp_path, monkeypatch):
    tabs = {k: v for k, v in MELON.items() if k != "StatusHistory"}
    at = run_app(tmp_path, monkeypatch, tabs=tabs, page=WATERMELONS)
    assert not at.exception
    assert "With a StatusHistory tab (`cli.py history record` once a week" in texts(at)
    assert "reported_status" not in chart_data(at).columns or (
        chart_data(at)["reported_status"].isna().all()
    )


def test_a_hand_edited_history_with_a_typo_still_draws(tmp_path, monkeypatch):
    rows = [list(r) for r in RECORDED]
    rows[1][0] = "2026-03-0g"  # the week of 9 Mar, mistyped: that week has no record
    rows.append(["2026-04-27", "AI-1", "Red", "Rollout", "reverted", "no"])  # a repeat
    at = run_app(
        tmp_path,
        monkeypatch,
        tabs={**MELON, "StatusHistory": [HISTORY_HEADER, *rows]},
        page=WATERMELONS,
    )
    assert not at.exception
    # Without 9 Mar the run starts on 16 Mar (the repeat of 27 Apr is not read: first wins).
    assert "**Green since 16 Mar while weekly users fell from 200 to 18**" in [
        m.value for m in at.markdown
    ]
    at.switch_page("pages/sheet_health.py").run()
    cells = {c for df in at.dataframe if "cell" in df.value for c in df.value["cell"]}
    assert {"StatusHistory!A3", "StatusHistory!B10"} <= cells


# Trends on the six-initiative fixture of test_page_overview, compared with 2 Mar 2026. Without
# history (test_page_trends): AI-1, AI-2, AI-5 adopted, AI-3 unproven, AI-4 not started, AI-6
# stalled then; now AI-2 reverted, AI-3 stalled, AI-4 unproven. StatusHistory for the week of
# 2 Mar records AI-3 as Stalled (so it was stalled then, and did not change) and AI-1 as a
# Green Pilot whose recorded verdict was unproven: with its steady 20 users a week the rules
# of today make it adopted, as without history.
TRENDS_HISTORY = [
    HISTORY_HEADER,
    ["2026-03-02", "AI-3", "Green", "Stalled", "stalled", "no"],
    ["2026-03-02", "AI-1", "Green", "Pilot", "unproven", "no"],
]


def test_trends_then_uses_the_recorded_statuses_and_says_which(tmp_path, monkeypatch):
    tabs = {**six_initiatives(), "StatusHistory": TRENDS_HISTORY}
    at = run_app(tmp_path, monkeypatch, tabs=tabs, page=TRENDS, query={"trends_then": "2026-03-02"})
    assert not at.exception
    shown = texts(at).replace("\\", "")  # as read: the ids are escaped sheet text
    assert (
        "Since 2 Mar: 1 initiative went from adopted to reverted, and 1 started (now unproven)"
        in (shown)
    )
    assert (
        "Statuses and stages on 2 Mar are those recorded in StatusHistory for the week of 2 Mar "
        "for 2 of 6 initiatives: AI-1, AI-3; the others (AI-2, AI-4, AI-5, AI-6) count as typed "
        "today." in shown
    )
    assert (
        "differs from the one recomputed from the same facts with today's thresholds for AI-1 "
        "(recorded unproven, recomputed adopted)." in shown
    )
    assert "2 initiatives changed verdict" in shown
    assert sorted(at.dataframe[0].value["id"]) == ["AI-2", "AI-4"]


def test_trends_without_a_record_for_then_says_so(tmp_path, monkeypatch):
    tabs = {**six_initiatives(), "StatusHistory": TRENDS_HISTORY}
    at = run_app(tmp_path, monkeypatch, tabs=tabs, page=TRENDS, query={"trends_then": "2026-03-16"})
    assert not at.exception
    assert (
        "StatusHistory has no row for the week of 16 Mar, so each status and stage on 16 Mar "
        "counts as typed today." in texts(at).replace("\\", "")
    )


def test_the_sample_watermelon_shows_its_green_weeks(tmp_path, monkeypatch):
    """The bundled demo records every Monday from 9 Mar 2026 with the deck's statuses of today."""
    at = run_app(tmp_path, monkeypatch, source="sample", page=WATERMELONS)
    assert not at.exception
    stories = [m.value for m in at.markdown if m.value.startswith("**Green since 9 Mar")]
    assert stories and "while weekly users fell from" in stories[0]
    chart = chart_data(at)
    recorded = chart[pd.to_datetime(chart["week"]) >= pd.Timestamp("2026-03-09")]
    assert set(recorded["reported_status"]) == {"Green"}
    assert "Shaded weeks: the status recorded in StatusHistory (38 weeks)." in texts(at)
