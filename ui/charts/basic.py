"""General chart builders: stacked and plain bars, a weekly line, and the heights and time
spans the other charts share.

Each takes a small, already-aggregated DataFrame and returns an `alt.Chart`; nothing here
calls Streamlit.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui import axes, theme

BAR_HEIGHT = 28  # px per category on horizontal bar charts
MIN_HEIGHT = 120


# In the browser a chart's height is its whole box (Streamlit fits the spec to the container),
# so the title, the axis and a bottom legend are taken from it: leave room for them.
CHROME_HEIGHT = 90


def fit_height(categories: int) -> int:
    """Height for a bar chart or grid of `categories` rows, title and axis included.

    >>> fit_height(5)
    230
    """
    return max(MIN_HEIGHT, BAR_HEIGHT * max(1, categories)) + CHROME_HEIGHT


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
    first, last = time_span(frame[week], as_of)
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


def time_span(dates: pd.Series, as_of: object) -> tuple[object, object]:
    """(first date, end of the axis): the end is `as_of` when given, else the last date."""
    stamps = pd.to_datetime(dates, errors="coerce")
    first = stamps.min()
    last = pd.Timestamp(as_of) if as_of is not None and not pd.isna(as_of) else stamps.max()
    if pd.notna(first) and pd.notna(last) and last < stamps.max():
        last = stamps.max()  # never cut a mark off
    return first, last
