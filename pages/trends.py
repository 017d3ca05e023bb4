"""Trends: adoption over time, and the portfolio now against a date in the past.

Weekly active users summed over the filtered initiatives and, for a chosen few (the top five
by peak unless the reader picks), one line each; then what moved from which verdict to which
since `trends_then` (Settings `compare_months` before the as-of date unless picked). Both
choices live in the URL, so a copied link shows the same comparison. Where StatusHistory
recorded the week of `trends_then`, the recorded statuses and stages stand for that date and
its verdicts are recomputed from them; the caption says which initiatives that covers.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from portfolio import history, metrics, schema
from portfolio.evidence import assess
from portfolio.settings import compare_months
from ui import charts, display, shell, upload
from ui import format as fmt

THEN_ORDER = [metrics.NOT_STARTED, *schema.VERDICTS]
# An increase in these is bad news, so their deltas are coloured the other way round.
BAD_WHEN_UP = frozenset(schema.NOT_REAL)


view = shell.page("Trends", stop_if_empty=True)
portfolio = view.portfolio
filtered = view.filtered
as_of = view.as_of
scope = view.scope

# Usage is logged by id: an initiative without one has no line; a repeated id is one line.
with_id = filtered[filtered["id"].notna()]
names: dict[str, str] = {}
for ident, name in zip(
    with_id["id"].astype(str).tolist(), with_id["name"].astype(str).tolist(), strict=True
):
    known = names.get(ident)
    names[ident] = name if known is None or name in known.split(" / ") else f"{known} / {name}"
ids = list(names)


def _label(initiative_id: str) -> str:
    name = names.get(initiative_id, initiative_id)
    return initiative_id if name == initiative_id else f"{name} ({initiative_id})"


# --- adoption over time ---------------------------------------------------------------------

st.subheader("Weekly active users")
if not portfolio.has(schema.USAGE):
    shell.would_show(
        "With a Usage tab (initiative_id, week, active_users: one row per initiative and "
        "week), this part would chart weekly active users over time, in total and for the "
        "initiatives you pick."
    )
else:
    total = view.memo(
        "trends_total", lambda: metrics.weekly_active_users(portfolio, as_of=as_of, ids=ids)
    )
    if total.empty:
        st.info(f"No usage is logged up to {fmt.day(as_of)} for {scope}.")
    else:
        trend = metrics.usage_trend(total)
        latest = (
            f"{fmt.plural(trend.latest, 'weekly active user')} in the week of "
            f"{fmt.day(trend.latest_week, as_of=as_of)}"
        )
        if trend.latest >= trend.peak:
            message = f"{latest}, the highest yet"
        else:
            message = (
                f"{latest}: {fmt.percent(-trend.change)} below the peak of "
                f"{fmt.integer(trend.peak)} (week of {fmt.day(trend.peak_week, as_of=as_of)})"
            )
        st.markdown(f"**{message}**")
        view.chart(
            lambda: charts.weekly_line(
                total, title="Weekly active users, all initiatives", as_of=as_of
            ),
            key="trends_total",
        )
        logging = int(filtered["usage_rows"].gt(0).sum())
        st.caption(
            f"Summed over the {fmt.plural(logging, 'initiative')} that log usage ({scope}). "
            "A week in which no initiative logged a row shows as 0."
        )

        ranked = view.memo("trends_ranked", lambda: metrics.top_by_peak(filtered, n=len(filtered)))
        chosen = st.multiselect(
            "Initiatives to compare",
            ranked,
            default=ranked[: metrics.DEFAULT_TOP_INITIATIVES],
            format_func=_label,
            key="trends_initiatives",
            bind="query-params",
            help="The five with the highest weekly peak, unless you pick others.",
        )
        if chosen:
            per = view.memo(
                "trends_per_initiative",
                lambda: metrics.weekly_active_users(
                    portfolio, as_of=as_of, ids=chosen, per_initiative=True
                ),
                tuple(chosen),
            )
            per = per.assign(initiative=per["initiative_id"].map(_label))
            view.chart(
                lambda: charts.trend_lines(
                    per.loc[:, ["week", "initiative", "initiative_id", "active_users"]],
                    series="initiative",
                    label="initiative_id",
                    title="Weekly active users per initiative",
                    as_of=as_of,
                ),
                key="trends_per_initiative",
                extra=(tuple(chosen),),
            )
        else:
            st.caption("Pick initiatives above to draw one line each.")

# --- now against then -----------------------------------------------------------------------

st.subheader("Now against then")
months = compare_months(portfolio.settings)
default_then = (as_of - pd.DateOffset(months=months)).date()
then = st.date_input(
    "Compare with",
    value=default_then,
    max_value=as_of.date(),
    key="trends_then",
    bind="query-params",
    help=f"Default: {months} months before the as-of date (Settings: compare_months).",
)
then_ts = pd.Timestamp(then)
# The picture now is the view's (already filtered and, when presenting, anonymized); the one
# then is cached per date like the view's own (per session for an uploaded workbook), or,
# where StatusHistory recorded that week, recomputed from the recorded statuses and stages.
recorded = view.memo(
    "trends_recorded", lambda: history.as_recorded(view.loaded.portfolio, then_ts), then_ts
)
if recorded.ids:
    then_assessed = view.memo(
        "trends_then_recorded", lambda: assess(recorded.portfolio, as_of=then_ts), then_ts
    )
else:
    then_assessed = upload.assessed(view.loaded, view.source_key, as_of=then_ts)
moves = view.memo(
    "trends_moves",
    lambda: metrics.transitions(
        portfolio, as_of=as_of, then=then_ts, ids=ids, current=filtered, before=then_assessed
    ),
    then_ts,
)
since = fmt.day(then_ts, as_of=as_of)
st.markdown(f"**{metrics.describe_transitions(moves, since=since)}**")

cols = st.columns(len(schema.VERDICTS))
for col, row in zip(cols, moves.summary.itertuples(index=False), strict=True):
    col.metric(
        row.verdict.capitalize(),
        fmt.integer(row.now),
        delta=int(row.now - row.then),
        delta_color="inverse" if row.verdict in BAD_WHEN_UP else "normal",
        help=f"{fmt.integer(row.then)} on {since}, {fmt.integer(row.now)} on {fmt.day(as_of)}",
    )

if moves.flows.empty:
    st.caption("No initiative to compare.")
else:
    present_then = set(moves.flows["then_verdict"])
    view.chart(
        lambda: charts.heatmap(
            moves.flows,
            x="now_verdict",
            y="then_verdict",
            value="count",
            title=f"Verdict on {since} (rows) against now (columns)",
            x_title=f"Now ({fmt.day(as_of)})",
            y_title=f"Then ({since})",
            value_title="Initiatives",
            x_sort=list(schema.VERDICTS),
            y_sort=[v for v in THEN_ORDER if v in present_then],
        ),
        key="trends_flows",
        extra=(then_ts,),
    )
    st.caption(
        "The picture on the earlier date uses what the sheet says today about the past: usage "
        "weeks, check-ins, update and start dates. "
        + fmt.plain(history.describe_recorded(recorded, then_assessed, ids=set(ids), since=since))
    )

if not moves.changes.empty:
    st.markdown(f"**{fmt.plural(len(moves.changes), 'initiative')} changed verdict**")
    display.table(
        moves.changes.rename(
            columns={"then_verdict": f"on {since}", "now_verdict": "now", "reason": "why now"}
        ),
        key="trends_changes",
        present=view.present,
        wrap=["why now"],
        file_name=view.export_name("trends-verdict-changes"),
    )
