"""Chart axes: whole numbers for counts, one date format ending at the as-of date, no overrun,
no sort the browser drops, every row of a row chart kept when presenting.

The browser warnings these guard against ("Dropping sort property … unioned domains",
"Conflicting scale property domain", "Infinite extent") are also caught in Chromium by
tests/test_browser_workbooks.py.
"""

from __future__ import annotations

import itertools

import altair as alt
import pandas as pd
import pytest

from ui import axes, charts, display, theme

AS_OF = "2026-11-23"
AS_OF_MS = 1795392000000  # 2026-11-23T00:00:00Z
WEEKS = pd.DataFrame(
    {
        "week": pd.to_datetime(["2026-03-02", "2026-03-09", "2026-06-01"]),
        "active_users": [3, 5, 1],
        "logged": [True, True, False],
        "initiative": ["Bot", "Bot", "Bot"],
        "initiative_id": ["AI-1", "AI-1", "AI-1"],
    }
)
LIVES = pd.DataFrame(
    {
        "name": [f"Initiative {i}" for i in range(21)],
        "started": pd.to_datetime(["2025-12-08"] * 21),
        "ended": pd.to_datetime(["2026-05-01"] * 20 + ["2026-11-23"]),
        "verdict": ["stalled"] * 21,
        "label": ["Stalled · 4.8 months"] * 21,
    }
)


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def _x(spec: dict) -> dict:
    return _layers(spec)[0]["encoding"]["x"]


def _timeline() -> alt.LayerChart:
    return charts.timeline(
        LIVES,
        category="name",
        start="started",
        end="ended",
        color="verdict",
        scale=theme.verdict_scale(),
        label="label",
        title="How long each one lived",
        as_of=AS_OF,
    )


@pytest.mark.parametrize(
    ("first", "last", "step"),
    [
        ("2026-01-05", "2026-06-01", 1),  # 5 months: a tick a month
        ("2025-12-08", "2026-11-23", 2),  # 11.5 months: every other month
        ("2025-01-01", "2026-11-23", 3),  # 23 months
        ("2022-01-01", "2026-11-23", 12),  # 59 months: a tick a year
    ],
)
def test_month_step_keeps_at_most_eight_ticks(first, last, step):
    assert axes.month_step(first, last) == step


COUNT_CHARTS = {
    "stacked_bars": lambda: charts.stacked_bars(
        pd.DataFrame({"team": ["A", "A", "B"], "verdict": ["adopted", "stalled", "adopted"],
                      "count": [1, 2, 5]}),
        category="team", value="count", stack="verdict", scale=theme.verdict_scale(), title="t",
    ),
    "survival_bars": lambda: charts.survival_bars(
        pd.DataFrame({"origin": ["Mandate"], "total": [5], "adopted": [2], "survival": [0.4]}),
        group="origin", title="t",
    ),
    "tally_bars": lambda: charts.tally_bars(
        pd.DataFrame({"reverted_to": ["Excel"], "initiatives": [1]}),
        category="reverted_to", value="initiatives", category_title="c", value_title="v",
    ),
    "frequency_bars": lambda: charts.frequency_bars(
        pd.DataFrame({"tool": ["Copilot"], "frequency": ["Daily"], "count": [3]}),
        category="tool", title="t",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(COUNT_CHARTS))
def test_count_axes_tick_whole_numbers_and_end_at_the_data(name):
    spec = COUNT_CHARTS[name]().to_dict()
    x = _x(spec)
    assert x["axis"]["tickMinStep"] == 1
    assert x["axis"]["format"] == ",d"
    # no room added past the longest bar: the labels get theirs from the chart's autosize
    assert "domain" not in x.get("scale", {})


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.weekly_line(WEEKS, as_of=AS_OF),
        lambda: charts.trend_lines(WEEKS, series="initiative", title="t", as_of=AS_OF),
        lambda: charts.weekly_evidence(WEEKS, as_of=AS_OF),
    ],
    ids=["weekly_line", "trend_lines", "weekly_evidence"],
)
def test_weekly_users_are_counted_in_whole_users_up_to_the_as_of_date(build):
    spec = build().to_dict()
    layer = next(layer for layer in _layers(spec) if "y" in layer["encoding"])
    assert layer["encoding"]["y"]["axis"] == {"format": ",d", "tickMinStep": 1}
    x = layer["encoding"]["x"]
    assert x["axis"]["format"] == "%b %Y"
    # first week 2 Mar 2026 to 23 Nov 2026: 8.7 months, a tick every other month
    assert x["axis"]["tickCount"] == {"interval": "month", "step": 2}
    assert x["scale"] == {"domain": {"expr": f"[1772409600000, {AS_OF_MS}]"}, "nice": False}


def test_timeline_axis_ends_at_the_as_of_date_in_one_format():
    spec = _timeline().to_dict()
    bars = spec["layer"][0]["encoding"]
    assert bars["x"]["scale"]["domain"] == {"expr": f"[1765152000000, {AS_OF_MS}]"}
    assert bars["x"]["axis"]["format"] == "%b %Y"
    # the other layers share the bar's scale rather than restate a domain of their own
    assert all("scale" not in layer["encoding"]["x"] for layer in spec["layer"][1:])
    # end labels in one dark ink, not in their bar's colour
    text = spec["layer"][2]
    assert "color" not in text["encoding"]
    assert text["mark"]["color"] == charts.TEXT_COLOR


def test_stacked_bars_sort_by_a_list_largest_first():
    frame = pd.DataFrame(
        {"team": ["A", "A", "B", "C"], "verdict": ["adopted", "stalled", "adopted", "adopted"],
         "count": [1, 2, 5, 1]}
    )  # fmt: skip
    spec = charts.stacked_bars(
        frame, category="team", value="count", stack="verdict", scale=theme.verdict_scale(),
        title="t",
    ).to_dict()  # fmt: skip
    # B (5) before A (1 + 2) before C (1): a field sort would be dropped by the browser
    assert {tuple(layer["encoding"]["y"]["sort"]) for layer in spec["layer"]} == {("B", "A", "C")}


def test_bars_sort_by_a_list_largest_first():
    frame = pd.DataFrame({"verdict": ["adopted", "stalled"], "annual_cost": [10.0, 30.0]})
    spec = charts.bars(frame, category="verdict", value="annual_cost", title="t").to_dict()
    assert {tuple(layer["encoding"]["y"]["sort"]) for layer in spec["layer"]} == {
        ("stalled", "adopted")
    }


def test_presenting_keeps_every_row_of_a_long_timeline():
    normal = _timeline()
    grown = display.fit_for_screen(normal)
    # 21 rows: 21 x 28 + 160 = 748 px, 1.5x when presenting, beyond one screen's cap
    assert normal.height == 748
    assert grown.height == 1122 > display.PRESENT_MAX_HEIGHT
    spec = display.screen_spec(normal, present=True)
    assert spec["height"] == 1122
    assert spec["usermeta"] == {"rows": 21}


def test_presenting_caps_a_chart_without_rows_to_one_screen():
    tall = charts.weekly_line(WEEKS, as_of=AS_OF, height=1000)
    assert display.fit_for_screen(tall).height == display.PRESENT_MAX_HEIGHT


def test_line_end_labels_never_overlap():
    # five lines that all end at 1 user, as after a portfolio-wide stall
    weeks = pd.to_datetime(["2026-05-25", "2026-06-01"])
    frame = pd.DataFrame(
        {
            "week": list(weeks) * 5,
            "initiative": [name for name in "ABCDE" for _ in weeks],
            "active_users": [20, 1] * 5,
        }
    )
    spec = charts.trend_lines(frame, series="initiative", title="t", as_of=AS_OF).to_dict()
    data = pd.DataFrame(next(iter(spec["datasets"].values())))
    ends = data[data["_end"]].sort_values("_label_y")["_label_y"].tolist()
    # plot: 440 - 90 chrome - 3 legend rows x 20 = 290 px for 20 users: 16 px = 1.1 users
    gap = 20 * charts.usage.END_LABEL_PX / 290
    assert len(ends) == 5
    assert all(b - a >= gap - 1e-9 for a, b in itertools.pairwise(ends))
    assert ends[0] == 1 and max(ends) <= 20
    assert spec["layer"][1]["encoding"]["y"]["field"] == "_label_y"


def test_heatmap_legend_counts_whole_numbers_within_the_grid():
    frame = pd.DataFrame({"department": ["Ops", "HR"], "tool": ["Claude", "Copilot"], "n": [1, 3]})
    spec = charts.heatmap(frame, x="department", y="tool", value="n", title="t").to_dict()
    legend = spec["layer"][0]["encoding"]["color"]["legend"]
    # two rows of 34 px: the ramp is 68 px, not Vega's 200 (its last label would be cut)
    assert legend == {"format": ",d", "tickMinStep": 1, "gradientLength": 68}
