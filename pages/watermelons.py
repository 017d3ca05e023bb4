"""Watermelons: which green statuses hide a stalled, reverted or abandoned initiative, and why?

Green on the deck, red inside. The key message counts them against all the green and says
what they cost; the table lists each with its reasons, largest cost first; picking one shows
its weekly active users up to the as-of date beside the status its deck reported week by week
(StatusHistory): "Green since 9 Mar while weekly users fell from 225 to 18".
"""

import pandas as pd
import streamlit as st

from portfolio import history, metrics, schema
from ui import charts, display, shell, theme
from ui import format as fmt

PICK_KEY = "watermelons_pick"
PICK_PARAM = "initiative"  # the picked watermelon lives in the URL, so a link shows it
# The reasons come before the owner and the id: they are what the reader came for.
TABLE_COLUMNS = ["name", "team", "tool", "annual_cost", "verdict", "evidence", "why", "owner", "id"]

view = shell.page(
    "Watermelons",
    lead="Green on the deck, but the evidence says stalled, reverted or abandoned.",
    scoped=True,
)
assessed = view.filtered

summary = metrics.watermelon_summary(assessed)
if summary.green == 0:
    st.info(
        f"No initiative is reported Green in {view.scope} as of "
        f"{fmt.day(view.as_of)}, so nothing can be a watermelon."
        + (
            ""
            if view.portfolio.has(schema.INITIATIVES, "reported_status")
            else " Add a reported_status column (Green / Amber / Red) to Initiatives to "
            "compare what the deck says with the evidence."
        )
    )
    st.stop()
if summary.watermelons == 0:
    st.subheader(
        f"None of the {fmt.plural(summary.green, 'green initiative')} is a watermelon"
        if summary.green > 1
        else "The one green initiative is not a watermelon"
    )
    st.success(
        "Every initiative reported Green is adopted or still unproven: "
        "no green status hides a stalled, reverted or abandoned one.",
        icon=":material/check_circle:",
    )
    st.stop()

verb, noun = ("is", "a watermelon") if summary.watermelons == 1 else ("are", "watermelons")
green = fmt.plural(summary.green, "green initiative")
message = f"{summary.watermelons:,} of {green} {verb} {noun}"
if summary.priced:
    message += f": {fmt.money(summary.annual_cost)} a year"
st.subheader(message)
unpriced = summary.watermelons - summary.priced
if unpriced:
    st.caption(
        f"{fmt.plural(unpriced, 'watermelon')} {'states' if unpriced == 1 else 'state'} "
        "no annual cost, so the total counts only what the sheet says."
    )

cols = st.columns(3)
cols[0].metric("Watermelons", fmt.integer(summary.watermelons))
cols[1].metric("Green on the deck", fmt.integer(summary.green))
cols[2].metric("Their annual cost", fmt.money(summary.annual_cost if summary.priced else None))

melons = metrics.watermelons(assessed)
# When presenting, the watermelon up close (its users falling under a green status) comes
# first, so the page's point is on the first screen; the table follows it.
up_close = st.container() if view.present else None
display.table(
    melons.loc[:, TABLE_COLUMNS],
    key="watermelons",
    present=view.present,
    wrap=["why"],
    file_name=view.export_name("watermelons"),
    column_config={
        "id": st.column_config.TextColumn("ID", width="small"),
        "name": "Initiative",
        "team": "Team",
        "owner": "Owner",
        "tool": "Tool",
        "annual_cost": st.column_config.NumberColumn("Annual cost", format="dollar", step=1),
        "verdict": "Verdict",
        "evidence": st.column_config.TextColumn(
            "Evidence", help="What the verdict rests on: telemetry, typed, check-in or none."
        ),
        "why": st.column_config.TextColumn("Why we think so", width="large"),
    },
)

with up_close or st.container():
    st.subheader("One watermelon up close")
    # Presenting, its users over time come first and take the page's width; the picker,
    # the facts and the reasons follow.
    first_screen = st.container() if view.present else None
    # An option is the id where it names one initiative, else the label (unique even where
    # names repeat and ids are blank or repeated); it is also what the URL holds.
    unique_ids = assessed["id"].dropna().astype(str)
    unique_ids = set(unique_ids[~unique_ids.duplicated(keep=False)])
    labels: dict[str, tuple[str, object]] = {}
    for ident, label, team in zip(
        melons["id"].astype(object).tolist(),
        melons["label"].astype(str).tolist(),
        melons["team"].astype(object).tolist(),
        strict=True,
    ):
        option = ident if ident in unique_ids else label
        while option in labels:  # a label that reads like another initiative's id
            option += " "
        labels[option] = (label, team)
    options = list(labels)
    # Seed from the URL once; afterwards the widget is the truth and writes back to the URL.
    if PICK_KEY not in st.session_state or st.session_state[PICK_KEY] not in options:
        wanted = st.query_params.get(PICK_PARAM)
        st.session_state[PICK_KEY] = wanted if wanted in labels else options[0]
    picked = st.selectbox(
        "Watermelon",
        options,
        key=PICK_KEY,
        format_func=lambda option: fmt.with_team(*labels[option]),
        help="Largest annual cost first.",
    )
    st.query_params[PICK_PARAM] = picked

    row = assessed[assessed["label"] == labels[picked][0]].iloc[0]
    picked_id = row["id"] if isinstance(row["id"], str) else None
    facts = [
        fmt.plain(row["team"]),
        fmt.plain(row["tool"]) if pd.notna(row["tool"]) else None,
        f"{fmt.money(row['annual_cost'])} a year" if pd.notna(row["annual_cost"]) else None,
        f"verdict: {theme.VERDICT_LABELS.get(str(row['verdict']), str(row['verdict']))}",
    ]
    st.markdown(f"**{fmt.plain(row['name'])}** · " + " · ".join(f for f in facts if f))
    why, evidence = (st.container(), first_screen) if first_screen else st.columns([2, 3])
    why.markdown("\n".join(f"- {fmt.plain(reason)}" for reason in row["reasons"]))

    # Usage and StatusHistory name an initiative by id: a row without one has neither.
    key_id = picked_id or ""
    statuses = view.memo(
        "watermelon_statuses",
        lambda: history.status_weeks(view.portfolio.history, key_id, as_of=view.as_of),
        key_id,
    )
    has_usage = view.portfolio.has(schema.USAGE)
    weeks = view.memo(
        "watermelon_weeks",
        lambda: history.weeks_with_status(
            metrics.initiative_weeks(view.portfolio, key_id, as_of=view.as_of), statuses
        ),
        key_id,
    )
    story = history.describe_status_run(
        statuses, weeks, as_of=view.as_of, recent=row["recent_mean"]
    )
    if story:
        evidence.markdown(f"**{fmt.plain(story)}**")
    if not has_usage:
        with evidence:
            shell.would_show(
                "With a Usage tab (initiative_id, week, active_users) this would show its "
                "weekly active users over time.",
                inline=True,
            )
    elif picked_id is None:
        evidence.caption(
            f"{fmt.plain(row['name'])} has no id, so no usage can be logged for it: "
            "the verdict rests on the row's stage and dates."
        )
    elif weeks.empty:
        evidence.caption(
            f"No usage logged for {fmt.plain(row['name'])} up to {fmt.day(view.as_of)}: "
            "the verdict rests on the row's stage and dates."
        )
    else:
        with evidence:
            view.chart(
                lambda: charts.weekly_evidence(
                    weeks, title=f"Weekly active users: {row['name']}", as_of=view.as_of
                ),
                key="watermelons_usage",
                extra=(key_id,),
            )
    if statuses.empty:
        with evidence:
            shell.would_show(
                "With a StatusHistory tab (`cli.py history record` once a week, or `--backfill` "
                "from CheckIns) this would show what the deck said week by week beside the usage.",
                inline=True,
            )
    else:
        derived = history.derived_weeks(statuses)
        evidence.caption(
            "Shaded weeks: the status recorded in StatusHistory "
            f"({fmt.plural(len(statuses), 'week')}"
            + (f", {derived} derived from check-ins" if derived else "")
            + ")."
        )
