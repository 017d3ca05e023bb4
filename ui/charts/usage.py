"""Charts of use, for Daily tools and Trends: survey answers by frequency, the daily heat
map, weekly users per initiative.
"""

from __future__ import annotations

import itertools

import altair as alt
import pandas as pd

from portfolio import metrics, schema
from ui import axes, theme
from ui.charts.basic import CHROME_HEIGHT, MIN_HEIGHT, fit_height, time_span

# Survey frequencies as one blue ramp, darkest for Daily: an ordered scale reads as "more
# often" without a legend lookup and stays readable with any colour-vision deficiency.
FREQUENCY_COLORS = {
    schema.Frequency.DAILY: "#0072B2",
    schema.Frequency.WEEKLY: "#56B4E9",
    schema.Frequency.MONTHLY: "#B9DDF1",
    schema.Frequency.NEVER: "#D4D4D4",
    metrics.NOT_ANSWERED: "#F1F1F1",
}
# Labels on the darkest segment are white, on the light ones near-black.
LIGHT_TEXT = "white"
DARK_TEXT = theme.ON_COLOR_TEXT
HEAT_CELL = 34  # px per row of a heat map
HEAT_SCHEME = "blues"
HEAT_LEGEND_MAX = 200  # px: Vega's own length of a colour ramp
# A heat map cell whose value is above this share of the largest gets white text.
HEAT_DARK_SHARE = 0.5
TREND_HEIGHT = 440  # the legend below the lines takes part of it
TREND_LEGEND_COLUMNS = 2
TREND_LEGEND_LABEL_LIMIT = 420  # px: long initiative names stay whole in two columns
END_LABEL_PX = 16  # px between two line-end labels (the type is 13 px)
LEGEND_ROW_PX = 20
# Grid columns beyond this many get slanted labels so that they do not overlap.
FLAT_LABEL_COLUMNS = 10
SLANTED_LABEL_ANGLE = -35
# A stacked segment narrower than this share of the longest bar gets no number on it.
MIN_LABEL_SHARE = 0.06


def _text_color(light_when: str) -> alt.ColorValue:
    """Label colour: LIGHT_TEXT where the Vega expression `light_when` holds, else DARK_TEXT.

    The same spec as `alt.condition(light_when, alt.value(LIGHT_TEXT), alt.value(DARK_TEXT))`,
    built directly: Altair resolves a condition's class by trying the schema's candidates
    one by one, about 20 ms per label layer.
    """
    return alt.ColorValue(DARK_TEXT, condition={"test": light_when, "value": LIGHT_TEXT})


def frequency_bars(
    frame: pd.DataFrame,
    *,
    category: str,
    title: str,
    category_title: str | None = None,
) -> alt.Chart:
    """Horizontal bars of survey answers per `category`, stacked by frequency, Daily first.

    `frame` is a metrics.survey_answers table (category, frequency, count), already in the
    order the bars should take. Every segment is labelled with its count.
    """
    order = list(dict.fromkeys(frame[category].astype(str)))
    frequencies = [f for f in FREQUENCY_COLORS if f in set(frame["frequency"])]
    rank = {name: i for i, name in enumerate(frequencies)}
    frame = frame[frame["count"] > 0].assign(_rank=lambda f: f["frequency"].map(rank))
    longest = float(frame.groupby(category)["count"].sum().max()) if len(frame) else 0.0
    # A blank label rather than a filter: filtering the label layer would change its stack.
    frame = frame.assign(
        _label=[f"{c:,}" if c >= MIN_LABEL_SHARE * longest else "" for c in frame["count"]]
    )
    scale = alt.Scale(domain=frequencies, range=[FREQUENCY_COLORS[f] for f in frequencies])
    base = alt.Chart(frame, title=title).encode(
        y=alt.Y(f"{category}:N", title=category_title or "", sort=order),
        x=alt.X("count:Q", title="Answers", stack="zero", axis=axes.count_axis()),
        order=alt.Order("_rank:Q"),
        tooltip=[
            alt.Tooltip(f"{category}:N", title=category_title or category),
            alt.Tooltip("frequency:N", title="Uses it"),
            alt.Tooltip("count:Q", title="Answers", format=",.0f"),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color("frequency:N", scale=scale, title="Uses it", sort=frequencies)
    )
    labels = base.mark_text(dx=-4, align="right", fontWeight="bold").encode(
        x=alt.X("count:Q", stack="zero", bandPosition=1),
        text=alt.Text("_label:N"),
        color=_text_color(f"datum.frequency === '{frequencies[0]}'"),
    )
    return alt.layer(bars, labels).properties(
        height=fit_height(len(order)), usermeta=axes.rows_meta(len(order))
    )


def heatmap(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    value: str,
    title: str,
    x_title: str | None = None,
    y_title: str | None = None,
    value_title: str | None = None,
    x_sort: list[str] | None = None,
    y_sort: list[str] | None = None,
) -> alt.Chart:
    """A grid of `value` per (`x`, `y`) with the number printed in every cell.

    Used for daily answers per department and tool, and for verdicts then vs now. Cells
    absent from `frame` stay empty; the numbers make the shades a second cue, not the only one.
    """
    top = float(frame[value].max()) if len(frame) else 0.0
    columns = len(x_sort) if x_sort else frame[x].nunique()
    base = alt.Chart(frame, title=title).encode(
        x=alt.X(
            f"{x}:N",
            title=x_title or "",
            sort=x_sort or "ascending",
            axis=alt.Axis(
                orient="top",
                labelAngle=0 if columns <= FLAT_LABEL_COLUMNS else SLANTED_LABEL_ANGLE,
                labelLimit=160,
            ),
        ),
        y=alt.Y(f"{y}:N", title=y_title or "", sort=y_sort or "ascending"),
        tooltip=[
            alt.Tooltip(f"{y}:N", title=y_title or y),
            alt.Tooltip(f"{x}:N", title=x_title or x),
            alt.Tooltip(f"{value}:Q", title=value_title or value, format=",.0f"),
        ],
    )
    rows = len(y_sort) if y_sort else max(1, frame[y].nunique())
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            f"{value}:Q",
            scale=alt.Scale(scheme=HEAT_SCHEME),
            title=value_title or value,
            # whole counts, and a ramp no taller than the grid, so its last label shows
            legend=alt.Legend(
                format=axes.COUNT_FORMAT,
                tickMinStep=1,
                gradientLength=max(HEAT_CELL * 2, min(HEAT_LEGEND_MAX, HEAT_CELL * rows)),
            ),
        )
    )
    # White on the dark cells, near-black on the light ones (a second colour scale would
    # clash with the cells' quantitative one).
    text = base.mark_text().encode(
        text=alt.Text(f"{value}:Q", format=",.0f"),
        color=_text_color(f"datum.{value} > {HEAT_DARK_SHARE * top}"),
    )
    return alt.layer(cells, text).properties(
        height=max(MIN_HEIGHT, HEAT_CELL * rows) + CHROME_HEIGHT, usermeta=axes.rows_meta(rows)
    )


def trend_lines(
    frame: pd.DataFrame,
    *,
    series: str,
    title: str,
    series_title: str = "Initiative",
    label: str | None = None,
    height: int = TREND_HEIGHT,
    as_of: object = None,
) -> alt.Chart:
    """Weekly active users, one coloured line per `series`, each labelled at its last point.

    `frame`: week, <series>, active_users (and `label`, a short name for the line's end,
    e.g. the id), one row per series and week (aggregated).
    Each line is named at its last point, so the legend colours are not the only cue.
    """
    first, last = time_span(frame["week"], as_of)
    x = axes.time_x("week", first=first, last=last, title="Week")
    y = alt.Y("active_users:Q", title="Weekly active users", axis=axes.count_axis())
    color = alt.Color(
        f"{series}:N",
        title=series_title,
        legend=alt.Legend(
            orient="bottom",
            columns=TREND_LEGEND_COLUMNS,
            labelLimit=TREND_LEGEND_LABEL_LIMIT,
        ),
    )
    frame = _end_labels(frame, series=series, height=height)
    base = alt.Chart(frame).encode(x=x, y=y, color=color)
    lines = base.mark_line(point=alt.OverlayMarkDef(size=18)).encode(
        tooltip=[
            alt.Tooltip(f"{series}:N", title=series_title),
            alt.Tooltip("week:T", title="Week of", format="%d %b %Y"),
            alt.Tooltip("active_users:Q", title="Active users", format=",.0f"),
        ]
    )
    ends = (
        base.transform_filter("datum._end")
        .mark_text(align="left", dx=6)
        .encode(y=alt.Y("_label_y:Q"), text=alt.Text(f"{label or series}:N"))
    )
    return alt.layer(lines, ends, title=title).properties(height=height)


def _end_labels(frame: pd.DataFrame, *, series: str, height: int) -> pd.DataFrame:
    """The frame with `_end` (a series' last week) and `_label_y`, where its end label goes.

    Lines that end at the same level would print their names on top of each other: the
    labels are moved apart, in the order of their values, by at least one label's height
    (END_LABEL_PX of the plot's pixels, in data units), and kept within the axis.
    """
    frame = frame.sort_values([series, "week"], kind="stable")
    end = ~frame[series].duplicated(keep="last").to_numpy()
    values = pd.to_numeric(frame["active_users"], errors="coerce").fillna(0.0)
    top = max(float(values.max()), 1.0) if len(values) else 1.0
    legend_rows = -(-frame[series].nunique() // TREND_LEGEND_COLUMNS)
    plot_px = max(MIN_HEIGHT, height - CHROME_HEIGHT - LEGEND_ROW_PX * legend_rows)
    gap = top * END_LABEL_PX / plot_px
    label_y = values.to_numpy(dtype=float).copy()
    ends = sorted(range(len(frame)), key=lambda i: label_y[i])
    ends = [i for i in ends if end[i]]
    for before, after in itertools.pairwise(ends):
        label_y[after] = max(label_y[after], label_y[before] + gap)
    for place, i in enumerate(reversed(ends)):  # the highest labels stay within the axis
        label_y[i] = min(label_y[i], top - place * gap)
    return frame.assign(_end=end, _label_y=label_y)
