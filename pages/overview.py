"""Overview: how green is the deck, and how much of the green is real?"""

import streamlit as st

from portfolio import metrics
from ui import charts, shell, theme
from ui import format as fmt

view = shell.view()
assessed = view.filtered

st.title("Overview")
if assessed.empty:
    st.info(f"No initiatives match {view.filters.describe()} as of {fmt.day(view.as_of)}.")
    st.stop()

st.subheader(metrics.headline(assessed))
st.caption(
    f"As of {fmt.day(view.as_of)} · {view.filters.describe()} · "
    f"data fetched {fmt.age(view.portfolio.fetched_at)}"
)

gap = metrics.theater_gap(assessed)
counts = assessed["verdict"].value_counts()
cols = st.columns(4)
cols[0].metric("Initiatives", fmt.integer(len(assessed)))
cols[1].metric("Green on the deck", fmt.integer(gap.green))
cols[2].metric(
    "Theater gap",
    fmt.percent(gap.share),
    help="Share of the Green initiatives whose evidence says stalled, reverted or abandoned.",
)
cols[3].metric("Annual spend not adopted", fmt.money(metrics.spend_not_adopted(assessed)))

left, right = st.columns(2)
with left:
    by_status = metrics.status_by_verdict(assessed)
    st.altair_chart(
        theme.configure(
            charts.stacked_bars(
                by_status,
                category="reported_status",
                value="count",
                stack="verdict",
                scale=theme.verdict_scale(),
                title="What the deck says vs what the evidence says",
                category_title="Reported status",
                value_title="Initiatives",
                stack_title="Verdict",
            ),
            present=view.present,
        ),
        width="stretch",
    )
with right:
    spend = metrics.spend_by_verdict(assessed)
    st.altair_chart(
        theme.configure(
            charts.bars(
                spend,
                category="verdict",
                value="annual_cost",
                color="verdict",
                scale=theme.verdict_scale(),
                title="Where the money goes (annual cost by verdict)",
                value_title="Annual cost",
                value_format="$,.0f",
            ),
            present=view.present,
        ),
        width="stretch",
    )

by_team = assessed.groupby(["team", "verdict"], observed=True).size().rename("count").reset_index()
st.altair_chart(
    theme.configure(
        charts.stacked_bars(
            by_team,
            category="team",
            value="count",
            stack="verdict",
            scale=theme.verdict_scale(),
            title="Verdicts by team",
            value_title="Initiatives",
            stack_title="Verdict",
        ),
        present=view.present,
    ),
    width="stretch",
)

stage_col, origin_col = st.columns(2)
with stage_col:
    st.markdown("**By stage (as reported)**")
    st.dataframe(
        assessed["stage"].value_counts(dropna=False).rename("initiatives").to_frame(),
        width="stretch",
    )
with origin_col:
    st.markdown("**By origin**")
    st.dataframe(
        assessed["origin"].value_counts(dropna=False).rename("initiatives").to_frame(),
        width="stretch",
    )
st.caption(
    "Verdicts: "
    + " · ".join(f"{theme.VERDICT_LABELS[v]} {int(counts.get(v, 0))}" for v in theme.VERDICT_COLORS)
)
