"""Overview: how green is the deck, and how much of the green is real?

One sentence, the theater gap, the verdict counts, what the deck says against what the
evidence says, where the money goes and how fresh the rows behind it all are. Every figure
follows the sidebar filters and the as-of date.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from portfolio import evidence, metrics, schema
from portfolio.settings import thresholds
from ui import charts, display, presentation, shell, theme
from ui import format as fmt
from ui.digest_preview import show_next_digest

# Tables of initiatives on this page show about seven rows and scroll.
TABLE_HEIGHT = 290
SPEND_TITLE = "Where the money goes (annual cost by verdict)"
NO_COST = "No initiative in this view states an annual cost"
STATED_COSTS = "The annual costs stated in this view"

view = shell.page("Overview")
portfolio = view.portfolio
assessed = view.filtered
stamp = view.stamp
scope = view.scope

errors = portfolio.errors
if errors:  # above every figure: an unread column changes them all
    first = errors[0]
    where = "" if first.message.startswith(first.cell) else f"{first.cell}: "
    st.warning(
        f"The sheet has {fmt.plural(len(errors), 'error')}, so the figures below may be off "
        f"until {'it is' if len(errors) == 1 else 'they are'} fixed. First: "
        f"{fmt.plain(where + first.message)}.",
        icon=":material/error:",
    )
    st.page_link("pages/sheet_health.py", label="Fix it on Sheet health", icon=":material/healing:")
shell.stop_if_nothing_matches(view)

# A status typed in a check-in counts as much as one in the row (the evidence reads both).
has_status = portfolio.has(schema.INITIATIVES, "reported_status") or portfolio.has(
    schema.CHECKINS, "reported_status"
)
has_cost = portfolio.has(schema.INITIATIVES, "annual_cost")
verdicts = metrics.verdict_counts(assessed)
adopted = int(verdicts.loc[verdicts["verdict"] == schema.Verdict.ADOPTED, "count"].iloc[0])

if has_status:
    st.subheader(metrics.headline(assessed))
else:
    st.subheader(
        f"{fmt.plural(len(assessed), 'initiative')}; the evidence says "
        f"{fmt.integer(adopted)} of them {'is' if adopted == 1 else 'are'} adopted"
    )
st.caption(
    f"{stamp} · {scope} · data fetched {fmt.age(portfolio.fetched_at)} from "
    f"{fmt.plain(portfolio.origin)}"
)
presentation.slide_button(view)  # the one-slide PNG for a board deck
show_next_digest(view)  # what teams receive this week

gap = metrics.theater_gap(assessed)
cols = st.columns(4)
cols[0].metric("Initiatives", fmt.integer(len(assessed)))
if has_status:
    cols[1].metric("Green on the deck", fmt.integer(gap.green))
    cols[2].metric(
        "Theater gap",
        fmt.percent(gap.share),
        help=(
            f"{fmt.integer(gap.green_not_real)} of {fmt.plural(gap.green, 'green initiative')}"
            " stalled, were reverted or abandoned. Unproven green is not counted: it may "
            "still work, it has no proof yet."
        ),
    )
spend = metrics.spend_by_verdict(assessed) if has_cost else None
not_adopted = metrics.spend_not_adopted(assessed) if has_cost else 0.0
priced = int(spend["priced"].sum()) if spend is not None else 0
if spend is not None:
    # Nothing priced is not known to be $0: a dash, as in the tables.
    cols[3].metric(
        "Annual spend not adopted",
        fmt.money(not_adopted if priced else None),
        help="Annual cost of every initiative whose verdict is not adopted (unproven included)."
        if priced
        else f"{NO_COST}.",
    )
if not has_status:
    shell.would_show(
        "With a reported_status column (Green, Amber, Red) in Initiatives, this page would "
        "set what the status deck says against the evidence, and measure the theater gap."
    )

st.markdown("**Verdicts, from the evidence**")
verdict_cols = st.columns(len(schema.VERDICTS))
for col, row in zip(verdict_cols, verdicts.itertuples(index=False), strict=True):
    col.metric(
        theme.VERDICT_LABELS[row.verdict],
        f"{fmt.integer(row.count)} ({fmt.percent(row.share)})",
    )

evidence_counts = evidence.evidence_counts(assessed)
st.markdown(f"**{evidence.evidence_line(assessed)}**")
st.caption(
    "Telemetry is usage read from the tools (imported, or from SQL). The others rest on "
    f"usage typed into the sheet: {fmt.integer(evidence_counts[evidence.TYPED])} · "
    f"check-ins only: {fmt.integer(evidence_counts[evidence.CHECK_IN])} · "
    f"the row's stage and dates alone: {fmt.integer(evidence_counts[evidence.NO_EVIDENCE])}."
)

left, right = st.columns(2)
with left:
    if has_status:
        by_status = metrics.status_by_verdict(assessed)
        # zero segments would print a stray "0" at the start of a bar
        by_status = by_status[by_status["count"] > 0]
        view.chart(
            lambda: charts.verdict_split(
                by_status,
                category="reported_status",
                title="What the deck says vs what the evidence says",
                category_title="Reported status",
            ),
            key="overview_status",
        )
    else:
        shell.would_show(
            "With a reported_status column, a chart here would split each status of the deck "
            "by what the evidence says.",
            inline=True,
        )
with right:
    if spend is not None:
        total = float(spend["annual_cost"].sum())
        unpriced = int((spend["initiatives"] - spend["priced"]).sum())
        if not total:  # an empty chart of $0 bars and "$0 of $0 a year (—)" says nothing
            st.markdown(f"**{SPEND_TITLE}**")
            said = f"{STATED_COSTS} add up to $0" if priced else NO_COST
            st.caption(f"{said}, so there is no spend to split by verdict.")
        else:
            view.chart(
                lambda: charts.bars(
                    spend,
                    category="verdict",
                    value="annual_cost",
                    color="verdict",
                    scale=theme.verdict_scale(),
                    title=SPEND_TITLE,
                    value_title="Annual cost",
                    value_format="$,.0f",
                    sort=list(schema.VERDICTS),
                ),
                key="overview_spend",
            )
            st.caption(
                f"{fmt.money(not_adopted)} of {fmt.money(total)} a year "
                f"({fmt.percent(not_adopted / total)}) goes to "
                "initiatives the evidence does not show as adopted"
                + (
                    f"; {fmt.plural(unpriced, 'initiative')} "
                    f"{'states' if unpriced == 1 else 'state'} no cost"
                    if unpriced
                    else ""
                )
                + "."
            )
    else:
        shell.would_show(
            "With an annual_cost column in Initiatives, a chart here would show where the "
            "money goes, verdict by verdict.",
            inline=True,
        )

by_team = metrics.verdicts_by_team(assessed)  # the slide draws the same figure
view.chart(
    lambda: charts.verdict_split(by_team, category="team", title="Verdicts by team"),
    key="overview_teams",
)

# --- hours and seats: what was claimed and bought against what is used -----------------------
# A self-report overstates: one line of context wherever claimed hours are shown.
SELF_REPORT_CONTEXT = (
    "Self-reports overstate: in METR's 2025 randomised trial, experienced open-source "
    "developers were 19% slower with AI tools while believing they were 20% faster."
)
has_claims = portfolio.has(schema.INITIATIVES, "claimed_hours_saved_per_week")
has_seats = portfolio.has(schema.INITIATIVES, "seats")
if has_claims:
    hours = metrics.hours_saved(assessed)
    st.subheader(
        f"Hours saved a week: {fmt.integer(hours.claimed)} claimed, "
        f"{fmt.integer(hours.measured)} measured"
    )
    st.caption(
        f"{fmt.plural(hours.initiatives_claiming, 'initiative')} "
        f"{'claims' if hours.initiatives_claiming == 1 else 'claim'} hours saved; "
        f"{fmt.integer(hours.initiatives_measured)} measured any in the recent weeks. "
        f"{fmt.integer(hours.claimed_never_measured)} claimed hours a week have no measurement "
        f"at all. {SELF_REPORT_CONTEXT}"
    )
    per = hours.by_initiative
    display.table(
        pd.DataFrame(
            {
                "Initiative": per["label"],
                "Team": per["team"],
                "Claimed hours a week": per["claimed"].map(fmt.integer),
                "Measured hours a week": [
                    "unmeasured" if pd.isna(m) else fmt.integer(m) for m in per["measured"]
                ],
                "Verdict": per["verdict"],
            }
        ),
        key="overview_hours",
        present=view.present,
        file_name=view.export_name("overview-hours-claimed-vs-measured"),
        height=TABLE_HEIGHT,
    )
if has_seats:
    seats = metrics.seat_use(assessed)
    unlogged = seats.initiatives - seats.measured
    if seats.initiatives:
        st.subheader(
            f"Seats: {fmt.integer(seats.active)} of {fmt.integer(seats.seats)} in use; idle "
            f"seats cost {fmt.money(seats.idle_cost)} a year"
        )
        st.caption(
            "Active users are the mean weekly users of the recent weeks (Usage); idle cost is "
            "annual cost × the share of seats nobody uses"
            + (
                f". {fmt.plural(unlogged, 'initiative')} with seats logged no usage, so "
                f"{'its' if unlogged == 1 else 'their'} seats are not counted here."
                if seats.measured < seats.initiatives
                else "."
            )
        )
        per = seats.by_initiative
        display.table(
            pd.DataFrame(
                {
                    "Initiative": per["label"],
                    "Team": per["team"],
                    "Seats in use": [
                        f"{fmt.integer(a)} of {fmt.integer(n)} seats active"
                        if not pd.isna(a)
                        else f"no usage logged ({fmt.integer(n)} seats)"
                        for a, n in zip(per["active"], per["seats"], strict=True)
                    ],
                    "Annual cost": per["annual_cost"].map(fmt.dollars),
                    "Idle seats cost": per["idle_cost"].map(fmt.dollars),
                }
            ),
            key="overview_seats",
            present=view.present,
            file_name=view.export_name("overview-seats"),
            height=TABLE_HEIGHT,
        )

st.subheader("How fresh the evidence is")
stale_after = thresholds(portfolio.settings).stale_after_days
fresh = metrics.freshness(assessed, stale_after_days=stale_after)
fresh_cols = st.columns(4)
fresh_cols[0].metric("Data fetched", fmt.age(portfolio.fetched_at))
fresh_cols[1].metric(
    "Stale rows",
    f"{fmt.integer(fresh.stale)} of {fmt.integer(fresh.initiatives)}",
    help=(
        f"No update, check-in, usage or new row for more than {stale_after} days "
        "(Settings: stale_after_days)."
    ),
)
fresh_cols[2].metric(
    "Median days since last sign of life",
    fmt.integer(fresh.median_days),
)
fresh_cols[3].metric("Latest update or check-in", fmt.day(fresh.latest_update))
st.caption(
    f"{fmt.percent(fresh.stale / fresh.initiatives)} of the rows have gone quiet for more "
    f"than {stale_after} days. Sheet health lists them by team, with what to fix."
)
st.page_link("pages/sheet_health.py", label="Open Sheet health", icon=":material/healing:")
