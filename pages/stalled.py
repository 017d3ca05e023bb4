"""Stalled & reverted: what stalled, what did people go back to, and what did it cost?

The key message counts what did not last and its annual cost; a timeline shows how long
each lived (start to last sign of life), a tally what people went back to, and the table
every one of them with its reason.
"""

import altair as alt
import streamlit as st

from portfolio import metrics, schema
from ui import charts, display, shell, theme
from ui import format as fmt

# Beyond this many bars a timeline stops being readable; the costliest are shown.
TIMELINE_MAX_ROWS = 40

view = shell.page(
    "Stalled & reverted",
    lead="Initiatives whose evidence says stalled, reverted or abandoned, whatever the deck says.",
    scoped=True,
)
assessed = view.filtered

gone = metrics.not_real(assessed)
if gone.empty:
    st.subheader(
        f"Nothing stalled, was reverted or abandoned among "
        f"{fmt.plural(len(assessed), 'initiative')}"
    )
    st.success(
        f"As of {fmt.day(view.as_of)}, every initiative in {view.scope} is "
        "adopted or still unproven.",
        icon=":material/check_circle:",
    )
    st.stop()


counts = gone["verdict"].value_counts()
n_stalled, n_reverted, n_abandoned = (int(counts.get(v, 0)) for v in schema.NOT_REAL)
cost = float(gone["annual_cost"].sum())
priced = int(gone["annual_cost"].notna().sum())
message = (
    f"{len(gone):,} of {fmt.plural(len(assessed), 'initiative')} stalled, "
    f"{'was' if len(gone) == 1 else 'were'} reverted or abandoned"
)
if priced:
    message += f": {fmt.money(cost)} a year"
st.subheader(message)
lived = gone["lived_days"].dropna()
if len(lived):
    st.caption(
        f"Median life, from start to the last week of real use: {fmt.lifespan(lived.median())}. "
        + (
            f"{fmt.plural(len(gone) - priced, 'of them states', 'of them state')} no annual cost."
            if priced < len(gone)
            else ""
        )
    )

cols = st.columns(4)
cols[0].metric("Stalled", fmt.integer(n_stalled))
cols[1].metric("Reverted", fmt.integer(n_reverted))
cols[2].metric("Abandoned", fmt.integer(n_abandoned))
cols[3].metric("Their annual cost", fmt.money(cost if priced else None))

# --- how long each one lived ------------------------------------------------------------
dated = gone[gone["started"].notna() & gone["life_ended"].notna()]
shown = dated.head(TIMELINE_MAX_ROWS).sort_values("started", kind="stable")
if shown.empty:
    st.caption("None of them has a readable start date, so there is no timeline to draw.")
else:
    frame = shown.assign(
        label_y=lambda f: f["label"],  # unique: a repeated name carries its id or row
        verdict_label=lambda f: f["verdict"].map(theme.VERDICT_LABELS),
        lived=lambda f: [fmt.lifespan(d) for d in f["lived_days"]],
        went_back_to=lambda f: f["reverted_to"].fillna("—"),
    )
    frame["bar_label"] = frame["verdict_label"] + " · " + frame["lived"]
    title = "How long each one lived (start to the last week of real use)"
    view.chart(
        lambda: charts.timeline(
            frame,
            category="label_y",
            start="started",
            end="life_ended",
            color="verdict",
            scale=alt.Scale(
                domain=list(schema.NOT_REAL),
                range=[theme.VERDICT_COLORS[v] for v in schema.NOT_REAL],
            ),
            label="bar_label",
            title=title,
            color_title="Verdict",
            as_of=view.as_of,
            tooltip=[
                ("label", "Initiative"),
                ("team", "Team"),
                ("verdict_label", "Verdict"),
                ("started", "Started"),
                ("life_ended", "Use ended"),
                ("lived", "Lived"),
                ("went_back_to", "Went back to"),
            ],
        ),
        key="stalled_timeline",
    )
    if len(dated) > TIMELINE_MAX_ROWS:
        st.caption(
            f"Showing the {TIMELINE_MAX_ROWS} with the largest annual cost of {len(dated):,}; "
            "the table below lists every one."
        )

# --- what people went back to -----------------------------------------------------------
st.subheader("What people went back to")
if not view.portfolio.has(schema.INITIATIVES, "reverted_to"):
    shell.would_show(
        "With a reverted_to column in Initiatives this would tally what people went back "
        "to (a spreadsheet, the old tool, doing it by hand).",
        inline=True,
    )
else:
    tally = metrics.went_back_to(gone)
    silent = len(gone) - int(tally["initiatives"].sum())
    if tally.empty:
        st.caption("None of them says what people went back to (reverted_to is blank).")
    else:
        view.chart(
            lambda: charts.tally_bars(
                tally,
                category="reverted_to",
                value="initiatives",
                category_title="Went back to",
                value_title="Initiatives",
            ),
            key="stalled_went_back",
            title="What people went back to",  # the chart has no title of its own
        )
        if silent:
            st.caption(
                f"{fmt.plural(silent, 'other does', 'others do')} not say (reverted_to is blank)."
            )

# --- every one of them ------------------------------------------------------------------
st.subheader("Every one of them")
display.table(
    gone.drop(columns=["id", "name"]),  # the label: a repeated name carries its id or row
    key="stalled",
    present=view.present,
    wrap=["reason"],
    read_columns=[
        "label",
        "team",
        "tool",
        "verdict",
        "lived_months",
        "reverted_to",
        "annual_cost",
        "reason",
    ],
    file_name=view.export_name("stalled-and-reverted"),
    column_config={
        "label": "Initiative",
        "team": "Team",
        "owner": "Owner",
        "origin": "Origin",
        "tool": "Tool",
        "verdict": "Verdict",
        "started": st.column_config.DateColumn("Started", format=fmt.DATE_COLUMN),
        "life_ended": st.column_config.DateColumn("Use ended", format=fmt.DATE_COLUMN),
        "last_activity": st.column_config.DateColumn("Last sign of life", format=fmt.DATE_COLUMN),
        "lived_days": st.column_config.NumberColumn("Lived (days)", format="%d"),
        "lived_months": st.column_config.NumberColumn("Lived (months)", format="%.1f"),
        "reverted_to": "Went back to",
        "annual_cost": st.column_config.NumberColumn("Annual cost", format="dollar", step=1),
        "reason": st.column_config.TextColumn("Why", width="large"),
        "evidence": st.column_config.TextColumn(
            "Evidence", help="What the verdict rests on: telemetry, typed, check-in or none."
        ),
    },
)
