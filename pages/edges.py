"""The edges: who is quietly making AI work? Grassroots vs mandate; before vs because of it.

Survival (the share of initiatives the evidence says are adopted) by origin and by start
date against the mandate, each with a computed key message and a labelled chart; then the
adopted grassroots initiatives and their teams: the people to listen to.
"""

import pandas as pd
import streamlit as st

from portfolio import metrics
from ui import charts, display, shell
from ui import format as fmt

view = shell.page(
    "The edges",
    lead="Survival = the share of initiatives the evidence says are adopted (unproven ones "
    "count in the total, not as survivors).",
    scoped=True,
    stop_if_empty=True,
)
assessed = view.filtered


def adopted_of(row: pd.Series) -> str:
    """'67% adopted (2 of 3)'."""
    return f"{fmt.percent(row['survival'])} adopted ({row['adopted']:,} of {row['total']:,})"


def origin_message(table: pd.DataFrame) -> str:
    """Which origin survives best, against the others (origins with no initiative left out)."""
    rows = table[table["total"] > 0].sort_values("survival", ascending=False, kind="stable")
    if len(rows) == 1:
        only = rows.iloc[0]
        return f"Every initiative here is {only['origin']}: {adopted_of(only)}"
    best = rows[rows["survival"] == rows["survival"].iloc[0]]
    rest = rows.drop(best.index)
    if rest.empty and rows["adopted"].sum() == 0:
        total = int(rows["total"].sum())
        return f"None of the {fmt.plural(total, 'initiative')} here is adopted, whatever its origin"
    if rest.empty:
        return f"Every origin survives alike: {fmt.percent(rows['survival'].iloc[0])} adopted"
    lead = " and ".join(best["origin"])
    lead_figures = "; ".join(f"{r['origin']} {adopted_of(r)}" for _, r in best.iterrows())
    if len(best) == 1:
        lead_figures = adopted_of(best.iloc[0])
    against = " and ".join(
        f"{fmt.percent(r['survival'])} of {r['origin']} ({r['adopted']:,} of {r['total']:,})"
        for _, r in rest.iterrows()
    )
    return f"{lead} initiatives survive best: {lead_figures}, against {against}"


# --- by origin ------------------------------------------------------------------------------
by_origin = metrics.survival_by(assessed, "origin")
st.subheader(origin_message(by_origin))
view.chart(
    lambda: charts.survival_bars(
        by_origin, group="origin", title="Survival by origin", group_title="Origin"
    ),
    key="edges_origin",
)

# --- before vs after the mandate ------------------------------------------------------------
st.subheader("Before vs after the mandate")
mandate = view.portfolio.mandate_date
if mandate is None:
    shell.would_show(
        "With a mandate date this would compare initiatives started before the AI-first "
        "mandate with those started because of it. " + str(metrics.MandateDateMissing())
    )
else:
    by_period = metrics.survival_by_mandate(assessed, mandate)
    parts = [
        f"{r['period'].lower()}: {adopted_of(r)}" for _, r in by_period.iterrows() if r["total"] > 0
    ]
    sentence = "; ".join(parts)
    st.markdown(f"**Mandate announced {fmt.day(mandate)}.** {sentence[:1].upper()}{sentence[1:]}.")
    title = "Survival before vs after the mandate"
    view.chart(
        lambda: charts.survival_bars(by_period, group="period", title=title, group_title="Started"),
        key="edges_mandate",
    )

# --- at equal age ---------------------------------------------------------------------------
st.subheader("At equal age")
st.caption(
    "Older initiatives had more time to be adopted. Here each group is compared at the same "
    "age: the share in sustained use (the adopted rule) "
    + " and ".join(f"{age} days" for age in metrics.AGES)
    + " after its start, counting only initiatives at least that old and started since the "
    "Usage tab began."
)


def at_age_table(table: pd.DataFrame, group_title: str) -> pd.DataFrame:
    """One row per group, one column per age: '60% (3 of 5)', '—' when none is that old."""
    cells = {
        f"Adopted at {age} days": [
            f"{fmt.percent(r.share)} ({r.adopted:,} of {r.eligible:,})" if r.eligible else "—"
            for r in rows.itertuples(index=False)
        ]
        for age, rows in table.groupby("age_days", sort=True)
    }
    groups = table.drop_duplicates("group")["group"].tolist()
    return pd.DataFrame({group_title: groups, **cells})


by_age = view.memo(
    "edges_by_age",
    lambda: metrics.adoption_by_age(view.portfolio, assessed, by="origin", as_of=view.as_of),
)
tables = [("Origin", by_age)]
if mandate is not None:
    by_age_period = view.memo(
        "edges_by_age_period",
        lambda: metrics.adoption_by_age(view.portfolio, assessed, by="period", as_of=view.as_of),
    )
    tables.append(("Started", by_age_period))
for group_title, table in tables:
    display.table(
        at_age_table(table, group_title),
        key=f"edges_age_{group_title.lower()}",
        present=view.present,
        file_name=view.export_name(f"edges-at-equal-age-{group_title.lower()}"),
    )
unlogged = by_age[by_age["age_days"] == min(metrics.AGES)]["unlogged"].sum()
if unlogged:
    st.caption(
        f"Left out: {fmt.plural(int(unlogged), 'initiative')} started before the Usage tab's "
        "first week, whose first months were never logged."
    )

# --- the people to listen to ----------------------------------------------------------------
st.subheader("The people to listen to")
teams = metrics.teams_to_listen_to(assessed)
if teams.empty:
    st.caption(
        f"No grassroots initiative is adopted in {view.scope} as of "
        f"{fmt.day(view.as_of)}: nothing started by a team on its own has shown sustained use."
    )
    st.stop()
st.markdown(
    "Teams whose own grassroots work the evidence says is adopted: "
    + " · ".join(
        f"**{fmt.plain(r['team'])}** ({fmt.plural(int(r['adopted']), 'initiative')}, "
        f"{fmt.integer(r['weekly_users'])} weekly users now)"
        for _, r in teams.iterrows()
    )
)
display.table(
    metrics.grassroots_adopted(assessed).drop(columns=["id"]),
    key="edges_grassroots",
    present=view.present,
    file_name=view.export_name("edges-grassroots-adopted"),
    column_config={
        "team": "Team",
        "name": "Initiative",
        "owner": "Owner",
        "area": "Area",
        "tool": "Tool",
        "started": st.column_config.DateColumn("Started", format=fmt.DATE_COLUMN),
        "recent_mean": st.column_config.NumberColumn("Weekly users now", format="%.0f"),
        "peak_users": st.column_config.NumberColumn("Peak weekly users", format="%.0f"),
        "annual_cost": st.column_config.NumberColumn("Annual cost", format="dollar", step=1),
    },
)
