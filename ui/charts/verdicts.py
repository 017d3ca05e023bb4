"""Charts of what the verdicts found, for Overview, Watermelons, Stalled & reverted and The
edges: initiatives split by verdict, survival by group, lifetimes, tallies, one initiative's
weekly evidence.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from portfolio import schema
from ui import axes, theme
from ui.charts.basic import BAR_HEIGHT, stacked_bars, time_span

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


def verdict_split(
    frame: pd.DataFrame, *, category: str, title: str, category_title: str | None = None
) -> alt.LayerChart:
    """Initiatives per `category`, each bar split by verdict (columns: category, verdict, count)."""
    return stacked_bars(
        frame,
        category=category,
        value="count",
        stack="verdict",
        scale=theme.verdict_scale(),
        title=title,
        category_title=category_title,
        value_title="Initiatives",
        stack_title="Verdict",
    )


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
    _, last = time_span(frame[end], as_of)
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
    first, last = time_span(frame["week"], as_of)
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
