"""Chart builders: each takes a small, already-aggregated DataFrame and returns an `alt.Chart`.

Pages display them; nothing here calls Streamlit. Aggregate before charting: these
functions are never handed row-level usage.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from portfolio import metrics, schema
from ui import axes, theme

BAR_HEIGHT = 28  # px per category on horizontal bar charts
MIN_HEIGHT = 120


def _height(frame: pd.DataFrame, column: str) -> int:
    """Height for one bar per distinct `column` value, with room for title, axis and legend."""
    return fit_height(frame[column].nunique())


def _has_positive(values: pd.Series) -> bool:
    return bool((pd.to_numeric(values, errors="coerce") > 0).any())


def _by_total(frame: pd.DataFrame, category: str, value: str) -> list[str]:
    """The categories, largest total of `value` first (ties in the frame's order)."""
    totals = frame.groupby(category, sort=False, observed=True)[value].sum()
    return [str(c) for c in totals.sort_values(ascending=False, kind="stable").index]


def stacked_bars(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    stack: str,
    scale: alt.Scale,
    title: str,
    category_title: str | None = None,
    value_title: str | None = None,
    stack_title: str | None = None,
    stack_order: list[str] | None = None,
    value_format: str = ",.0f",
    counts: bool = True,
) -> alt.Chart:
    """Horizontal bars of `value` per `category`, stacked and coloured by `stack`.

    The longest bar comes first; with `counts` (the default) the value axis ticks whole
    numbers only.

    Each segment carries its number as a label and the legend names the colours, so the
    colour is never the only cue. Example frame: category=reported_status, stack=verdict,
    value=count -> one bar per status split by verdict.
    """
    order = stack_order or list(scale.domain)
    rank = {name: i for i, name in enumerate(order)}
    frame = frame.assign(_stack_order=frame[stack].map(rank).fillna(len(rank)))
    # Largest total first, as a list: the layers' domains are unioned, and a union cannot
    # be sorted by a summed field (Vega-Lite drops such a sort with a warning).
    categories = _by_total(frame, category, value)
    base = (
        alt.Chart(frame, title=title)
        .encode(
            y=alt.Y(f"{category}:N", title=category_title or "", sort=categories),
            x=alt.X(
                f"sum({value}):Q",
                title=value_title or value,
                stack="zero",
                axis=axes.count_axis() if counts else alt.Undefined,
            ),
            color=alt.Color(f"{stack}:N", scale=scale, title=stack_title or stack, sort=order),
            order=alt.Order("_stack_order:Q"),
            tooltip=[
                alt.Tooltip(f"{category}:N", title=category_title or category),
                alt.Tooltip(f"{stack}:N", title=stack_title or stack),
                alt.Tooltip(f"sum({value}):Q", title=value_title or value, format=value_format),
            ],
        )
        .properties(height=_height(frame, category))
    )
    bars = base.mark_bar()
    # Dark text reads on every Okabe-Ito colour; without it the label would inherit its
    # segment's colour and vanish into it.
    labels = base.mark_text(dx=-4, align="right", fontWeight="bold").encode(
        x=alt.X(f"sum({value}):Q", stack="zero", bandPosition=1),
        text=alt.Text(f"sum({value}):Q", format=value_format),
        color=alt.value(theme.ON_COLOR_TEXT),
    )
    return alt.layer(bars, labels).properties(usermeta=axes.rows_meta(len(categories)))


def bars(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    title: str,
    color: str | None = None,
    scale: alt.Scale | None = None,
    category_title: str | None = None,
    value_title: str | None = None,
    value_format: str = ",.0f",
    sort: str | list[str] = "-x",
) -> alt.Chart:
    """Horizontal bars with the value printed at the end of each bar.

    `sort="-x"` puts the largest first (computed here: a layered chart cannot sort by a
    field); a list gives the order. The value axis ends near the longest bar.
    """
    if sort == "-x":
        sort = _by_total(frame, category, value)
    color_enc = (
        alt.Color(f"{color}:N", scale=scale or alt.Undefined, legend=None)
        if color
        else alt.value(theme.NEUTRAL)
    )
    base = alt.Chart(frame, title=title).encode(
        y=alt.Y(f"{category}:N", title=category_title or "", sort=sort),
        x=alt.X(
            f"{value}:Q",
            title=value_title or value,
            axis=alt.Axis(format=value_format, tickMinStep=1),
            # all zeros (nothing priced) still get an axis from 0, not a collapsed one
            scale=alt.Scale(domain=[0, 1]) if not _has_positive(frame[value]) else alt.Undefined,
        ),
        tooltip=[
            alt.Tooltip(f"{category}:N", title=category_title or category),
            alt.Tooltip(f"{value}:Q", title=value_title or value, format=value_format),
        ],
    )
    chart = alt.layer(
        base.mark_bar(color=theme.NEUTRAL).encode(color=color_enc),
        base.mark_text(align="left", dx=4).encode(text=alt.Text(f"{value}:Q", format=value_format)),
    )
    return chart.properties(
        height=_height(frame, category), usermeta=axes.rows_meta(frame[category].nunique())
    )


def weekly_line(
    frame: pd.DataFrame,
    *,
    week: str = "week",
    value: str = "active_users",
    series: str | None = None,
    title: str = "Weekly active users",
    height: int = 260,
    as_of: object = None,
) -> alt.Chart:
    """Weekly active users over time, one line per `series` if given.

    The time axis runs from the first week to `as_of` (else the last week).
    """
    first, last = _time_span(frame[week], as_of)
    encodings = {
        "x": axes.time_x(week, first=first, last=last, title="Week"),
        "y": alt.Y(f"{value}:Q", title="Weekly active users", axis=axes.count_axis()),
        "tooltip": [
            alt.Tooltip(f"{week}:T", title="Week of", format="%d %b %Y"),
            alt.Tooltip(f"{value}:Q", title="Active users", format=",.0f"),
        ],
    }
    if series:
        encodings["color"] = alt.Color(f"{series}:N", title=None)
        encodings["tooltip"].insert(0, alt.Tooltip(f"{series}:N"))
    return (
        alt.Chart(frame, title=title)
        .mark_line(point=alt.OverlayMarkDef(size=20))
        .encode(**encodings)
        .properties(height=height)
    )


def _time_span(dates: pd.Series, as_of: object) -> tuple[object, object]:
    """(first date, end of the axis): the end is `as_of` when given, else the last date."""
    stamps = pd.to_datetime(dates, errors="coerce")
    first = stamps.min()
    last = pd.Timestamp(as_of) if as_of is not None and not pd.isna(as_of) else stamps.max()
    if pd.notna(first) and pd.notna(last) and last < stamps.max():
        last = stamps.max()  # never cut a mark off
    return first, last


# --- Watermelons, Stalled & reverted, The edges --------------------------------------------

ALL_LABEL = "All initiatives"
ADOPTED_LABEL = "Adopted"
LOGGED_LABEL = "Logged"
SILENT_LABEL = "No row (counted as 0)"
POINT_SIZE = 60
STATUS_BAND_OPACITY = 0.18  # faint enough that the usage line stays the figure
# With width="stretch" Streamlit fits the whole chart, title, axes and legend included, into
# its height: the bars get what is left, so this much is added on top of BAR_HEIGHT per bar.
FRAME_HEIGHT = 160
SMALL_HEIGHT = 200
EVIDENCE_HEIGHT = 260
TEXT_COLOR = "#333333"


def bars_height(bars: int) -> int:
    """Pixels for a horizontal bar chart of `bars` bars, its title, axis and legend included."""
    return max(SMALL_HEIGHT, BAR_HEIGHT * max(1, bars) + FRAME_HEIGHT)


def survival_bars(
    frame: pd.DataFrame,
    *,
    group: str,
    title: str,
    group_title: str | None = None,
) -> alt.Chart:
    """Per group, all initiatives (grey) with the adopted ones drawn over them (green).

    `frame` is a metrics.survival_by / survival_by_mandate table (group, total, adopted,
    survival). Each bar is labelled "8 of 13 adopted (62%)", so the colours are a second cue.
    """
    order = frame[group].astype(str).tolist()
    rows = []
    for record in frame.itertuples(index=False):
        name = str(getattr(record, group))
        total, adopted = int(record.total), int(record.adopted)
        label = f"{adopted} of {total} adopted ({adopted / total:.0%})" if total else "none"
        # "All" first, so the adopted bar is drawn over it
        rows.append({"group": name, "measure": ALL_LABEL, "count": total, "label": label})
        rows.append({"group": name, "measure": ADOPTED_LABEL, "count": adopted, "label": ""})
    long = pd.DataFrame(rows, columns=["group", "measure", "count", "label"])
    scale = alt.Scale(
        domain=[ALL_LABEL, ADOPTED_LABEL],
        range=[theme.MUTED, theme.VERDICT_COLORS[schema.Verdict.ADOPTED]],
    )
    y = alt.Y("group:N", title=None, sort=order)  # the groups name themselves
    # The axis ends near the longest bar; the labels past it get their room from the
    # chart's autosize, which fits every mark.
    x = alt.X("count:Q", title="Initiatives", stack=None, axis=axes.count_axis())
    base = alt.Chart(long, title=title)
    bars = base.mark_bar().encode(
        y=y,
        x=x,
        color=alt.Color(
            "measure:N",
            scale=scale,
            title=None,
            sort=[ALL_LABEL, ADOPTED_LABEL],
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("group:N", title=group_title or group),
            alt.Tooltip("measure:N", title="Counted"),
            alt.Tooltip("count:Q", title="Initiatives"),
        ],
    )
    labels = (
        base.transform_filter(f"datum.measure === '{ALL_LABEL}'")
        .mark_text(align="left", dx=4, color=TEXT_COLOR)
        .encode(y=y, x=x, text="label:N")
    )
    return alt.layer(bars, labels).properties(
        height=bars_height(len(order)), usermeta=axes.rows_meta(len(order))
    )


def timeline(
    frame: pd.DataFrame,
    *,
    category: str,
    start: str,
    end: str,
    color: str,
    scale: alt.Scale,
    label: str,
    title: str,
    color_title: str | None = None,
    tooltip: list[tuple[str, str]] | None = None,
    as_of: object = None,
) -> alt.Chart:
    """One bar per `category` from `start` to `end`, in the frame's order, with a text label.

    A dot marks `end`, so an initiative that lived a single day still shows. The time axis
    ends at `as_of` (else the last end); a label past it takes its room from the chart's
    autosize. Every row is named: the chart is one BAR_HEIGHT per row tall. `tooltip` lists
    (column, title) pairs; dates show as "2 Mar 2026".
    """
    order = frame[category].astype(str).tolist()
    tips = [
        alt.Tooltip(f"{column}:T", title=name, format="%d %b %Y")
        if pd.api.types.is_datetime64_any_dtype(frame[column])
        else alt.Tooltip(f"{column}:N", title=name)
        for column, name in (tooltip or [(category, category)])
    ]
    first = pd.to_datetime(frame[start], errors="coerce").min()
    _, last = _time_span(frame[end], as_of)
    x_scale = axes.time_scale(first, last)
    base = alt.Chart(frame, title=title).encode(
        y=alt.Y(f"{category}:N", title="", sort=order, axis=alt.Axis(labelOverlap=False)),
        tooltip=tips,
    )
    color_enc = alt.Color(
        f"{color}:N", scale=scale, title=color_title or color, legend=alt.Legend(orient="bottom")
    )
    bars = base.mark_bar(height={"band": 0.6}).encode(
        x=alt.X(f"{start}:T", title=None, scale=x_scale, axis=axes.time_axis(first, last)),
        x2=f"{end}:T",
        color=color_enc,
    )
    dots = base.mark_point(filled=True, size=POINT_SIZE, opacity=1).encode(
        x=alt.X(f"{end}:T"), color=color_enc
    )
    text = base.mark_text(align="left", dx=7, color=TEXT_COLOR).encode(
        x=alt.X(f"{end}:T"), text=f"{label}:N"
    )
    return alt.layer(bars, dots, text).properties(
        height=bars_height(len(order)), usermeta=axes.rows_meta(len(order))
    )


def tally_bars(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    category_title: str,
    value_title: str,
    title: str | None = None,
) -> alt.Chart:
    """Horizontal bars of whole counts in the frame's order, each labelled with its count.

    The count axis ticks whole numbers only (a tally of 1s must not read 0.05, 0.10, ...).
    """
    order = frame[category].astype(str).tolist()
    x = alt.X(f"{value}:Q", title=value_title, axis=axes.count_axis())
    base = alt.Chart(frame, title=title or alt.Undefined).encode(
        y=alt.Y(f"{category}:N", title=None, sort=order),
        x=x,
        tooltip=[
            alt.Tooltip(f"{category}:N", title=category_title),
            alt.Tooltip(f"{value}:Q", title=value_title, format=",d"),
        ],
    )
    bars = base.mark_bar(color=theme.MUTED)
    labels = base.mark_text(align="left", dx=4, color=TEXT_COLOR).encode(
        text=alt.Text(f"{value}:Q", format=",d")
    )
    return alt.layer(bars, labels).properties(
        height=bars_height(len(order)), usermeta=axes.rows_meta(len(order))
    )


def weekly_evidence(
    frame: pd.DataFrame,
    *,
    title: str = "Weekly active users",
    height: int = EVIDENCE_HEIGHT,
    as_of: object = None,
) -> alt.Chart:
    """One initiative's weekly active users (metrics.initiative_weeks: week, active_users, logged).

    Weeks with a usage row are filled dots; weeks with none, read as 0, are hollow, so the
    reader sees which zeros are silence rather than a logged 0. With the columns of
    `portfolio.history.weeks_with_status` (reported_status, week_end), each week recorded in
    StatusHistory is a faint band in its status colour behind the line: green weeks beside
    falling usage.
    """
    frame = frame.assign(
        kind=[LOGGED_LABEL if logged else SILENT_LABEL for logged in frame["logged"]]
    )
    kinds = [LOGGED_LABEL, SILENT_LABEL]
    first, last = _time_span(frame["week"], as_of)
    x = axes.time_x("week", first=first, last=last)
    y = alt.Y("active_users:Q", title="Weekly active users", axis=axes.count_axis())
    line = alt.Chart(frame).mark_line(color=theme.NEUTRAL).encode(x=x, y=y)
    # Stroke and fill share one legend (same field, same title): a filled and a hollow dot.
    dots = (
        alt.Chart(frame)
        .mark_point(size=POINT_SIZE, opacity=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=[theme.NEUTRAL, theme.MUTED]),
                title=None,
                legend=alt.Legend(orient="bottom"),
            ),
            fill=alt.Fill(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=[theme.NEUTRAL, "white"]),
                title=None,
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("week:T", title="Week of", format="%d %b %Y"),
                alt.Tooltip("active_users:Q", title="Active users", format=",.0f"),
                alt.Tooltip("kind:N", title="Usage row"),
            ],
        )
    )
    if "reported_status" not in frame or not frame["reported_status"].notna().any():
        return alt.layer(line, dots, title=title).properties(height=height)
    # Weeks without a record are left out by a filter (not by a second dataset), so the
    # chart keeps one table of rows.
    statuses = [s for s in theme.STATUS_COLORS if s in set(frame["reported_status"].dropna())]
    bands = (
        alt.Chart(frame)
        .transform_filter("isValid(datum.reported_status)")
        .mark_rect(opacity=STATUS_BAND_OPACITY, clip=True)
        .encode(
            x=x,
            x2="week_end:T",
            color=alt.Color(
                "reported_status:N",
                scale=alt.Scale(domain=statuses, range=[theme.STATUS_COLORS[s] for s in statuses]),
                title="Reported",
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("week:T", title="Week of", format="%d %b %Y"),
                alt.Tooltip("reported_status:N", title="Reported status"),
            ],
        )
    )
    return (
        alt.layer(bands, line, dots, title=title)
        .resolve_scale(color="independent", fill="independent")
        .properties(height=height)
    )


# --- Daily tools, Trends --------------------------------------------------------------------

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
# A heat map cell whose value is above this share of the largest gets white text.
HEAT_DARK_SHARE = 0.5
TREND_HEIGHT = 440  # the legend below the lines takes part of it
TREND_LEGEND_COLUMNS = 2
TREND_LEGEND_LABEL_LIMIT = 420  # px: long initiative names stay whole in two columns
# Grid columns beyond this many get slanted labels so that they do not overlap.
FLAT_LABEL_COLUMNS = 10
SLANTED_LABEL_ANGLE = -35
# A stacked segment narrower than this share of the longest bar gets no number on it.
MIN_LABEL_SHARE = 0.06
# In the browser a chart's height is its whole box (Streamlit fits the spec to the container),
# so the title, the axis and a bottom legend are taken from it: leave room for them.
CHROME_HEIGHT = 90


def fit_height(categories: int) -> int:
    """Height for a bar chart or grid of `categories` rows, title and axis included.

    >>> fit_height(5)
    230
    """
    return max(MIN_HEIGHT, BAR_HEIGHT * max(1, categories)) + CHROME_HEIGHT


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
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            f"{value}:Q", scale=alt.Scale(scheme=HEAT_SCHEME), title=value_title or value
        )
    )
    # White on the dark cells, near-black on the light ones (a second colour scale would
    # clash with the cells' quantitative one).
    text = base.mark_text().encode(
        text=alt.Text(f"{value}:Q", format=",.0f"),
        color=_text_color(f"datum.{value} > {HEAT_DARK_SHARE * top}"),
    )
    rows = len(y_sort) if y_sort else max(1, frame[y].nunique())
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
    first, last = _time_span(frame["week"], as_of)
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
    base = alt.Chart(frame).encode(x=x, y=y, color=color)
    lines = base.mark_line(point=alt.OverlayMarkDef(size=18)).encode(
        tooltip=[
            alt.Tooltip(f"{series}:N", title=series_title),
            alt.Tooltip("week:T", title="Week of", format="%d %b %Y"),
            alt.Tooltip("active_users:Q", title="Active users", format=",.0f"),
        ]
    )
    ends = (
        base.transform_window(
            _last="rank()", sort=[alt.SortField("week", order="descending")], groupby=[series]
        )
        .transform_filter("datum._last === 1")
        .mark_text(align="left", dx=6)
        .encode(text=alt.Text(f"{label or series}:N"))
    )
    return alt.layer(lines, ends, title=title).properties(height=height)
