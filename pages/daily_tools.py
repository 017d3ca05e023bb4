"""Daily tools: what people really use every day, against what the company pays for.

Reads the DailyTools pulse survey ("which AI tools do you use every day?") next to the
seats and annual cost the initiatives state per tool (metrics.seats_vs_daily): answers by
tool, frequency and department, cost per daily user, paid tools nobody uses daily and
unsanctioned tools in daily use. The sidebar's team filter narrows the survey to those
departments and its tool filter to those tools; the other filters narrow the paid side only.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import streamlit as st

from portfolio import metrics, schema
from ui import charts, display, shell
from ui import format as fmt

# Bars beyond this many tools get unreadable; the table below lists them all.
MAX_CHART_TOOLS = 12

view = shell.page("Daily tools")
portfolio = view.portfolio
filtered = view.filtered
stamp = view.stamp

if not portfolio.has(schema.DAILY_TOOLS):
    shell.would_show(
        "With a DailyTools tab (a pulse survey: department, role, tool, frequency, "
        "sanctioned), this page would show which AI tools people really use every day, next "
        "to what the company pays for them: seats, annual cost, cost per daily user, and the "
        "unsanctioned tools in daily use.",
        stop=True,
    )

departments = view.filters.selected.get("team", ())
tools = view.filters.selected.get("tool", ())


class Survey(NamedTuple):
    """The survey narrowed by the filters and what the page draws from it."""

    answers: pd.DataFrame
    table: pd.DataFrame  # metrics.seats_vs_daily
    by_tool: pd.DataFrame
    by_department: pd.DataFrame
    grid: pd.DataFrame  # metrics.daily_grid


def _survey() -> Survey:
    # One matching of answers to the initiatives' tools for every figure, from every
    # initiative (a filter narrows what is shown, not what a tool's name means).
    index = metrics.tool_index(view.assessed)
    answers = metrics.narrow_survey(
        portfolio.daily_tools, departments=departments, tools=tools, index=index
    )
    if answers.empty:  # the page says so and stops
        return Survey(answers, *(pd.DataFrame() for _ in range(4)))
    return Survey(
        answers=answers,
        table=metrics.seats_vs_daily(filtered, answers, index=index),
        by_tool=metrics.survey_answers(answers, by="tool", index=index),
        by_department=metrics.survey_answers(answers, by="department", index=index),
        grid=metrics.daily_grid(answers, index=index),
    )


# Computed once per view for every viewer (read-only from here on).
computed = view.memo("daily_tools", _survey)
survey = computed.answers
narrowed = [
    f"{label}: {', '.join(values)}"
    for label, values in (("department", departments), ("tool", tools))
    if values
]
if survey.empty:
    st.info(
        f"No survey answer matches {fmt.plain(' · '.join(narrowed) or 'the filters')}: "
        "the team filter narrows the survey to those departments."
    )
    st.stop()

table = computed.table
used = table[table["daily_users"] > 0].sort_values("daily_users", ascending=False, kind="stable")
paid = table[table["paid_for"]]
unsanctioned = table[table["unsanctioned"]]
paid_unused = paid[paid["daily_users"] == 0]

# --- the key message, computed ----------------------------------------------------------------
parts: list[str] = []
if used.empty:
    parts.append("Nobody in these answers uses an AI tool daily")
else:
    top = used.iloc[0]
    parts.append(
        f"Most used every day: {fmt.plain(top['tool'])} "
        f"({fmt.plural(int(top['daily_users']), 'daily answer')})"
    )
if not paid.empty:
    big = paid.iloc[0]
    seats = f" for {fmt.plural(int(big['seats']), 'seat')}" if big["seats"] else ""
    parts.append(
        f"biggest spend: {fmt.plain(big['tool'])}, {fmt.money(big['annual_cost'])} a year"
        f"{seats}, daily in {fmt.integer(big['daily_users'])} of "
        f"{fmt.plural(int(big['respondents']), 'answer')}"
    )
if not unsanctioned.empty:
    verb = "is" if len(unsanctioned) == 1 else "are"
    parts.append(f"{fmt.plural(len(unsanctioned), 'tool')} in daily use {verb} not sanctioned")
st.markdown(f"**{'; '.join(parts)}**")
st.caption(
    f"{stamp} · survey"
    + (f" narrowed to {fmt.plain(' · '.join(narrowed))}" if narrowed else ": every department")
    + f" · paid side: {view.scope}"
)

answers = len(survey)
daily_answers = int((survey["frequency"] == schema.Frequency.DAILY).sum())
# Short labels: five side by side are cut beyond about 16 characters; the help says more.
cols = st.columns(5)
cols[0].metric("Survey answers", fmt.integer(answers))
cols[1].metric(
    "Answered Daily", f"{fmt.integer(daily_answers)} ({fmt.percent(daily_answers / answers)})"
)
cols[2].metric("Tools used daily", fmt.integer(len(used)))
cols[3].metric(
    "Paid, unused",
    fmt.integer(len(paid_unused)),
    help="Tools an initiative states a cost or seats for, that no answer says is used daily.",
)
cols[4].metric(
    "Unsanctioned",
    fmt.integer(len(unsanctioned)),  # tools, as the key message above and the list below
    help="Tools used daily that no initiative lists, or that a daily answer says are not "
    "sanctioned: listed under Unsanctioned tools in daily use.",
)

# --- how often, by tool and by department -----------------------------------------------------
by_tool = computed.by_tool
shown_tools = list(dict.fromkeys(by_tool["tool"]))[:MAX_CHART_TOOLS]
left, right = st.columns(2)
with left:
    if by_tool.empty:
        st.caption("No answer names a tool, so there is no chart of tools.")
    else:
        view.chart(
            lambda: charts.frequency_bars(
                by_tool[by_tool["tool"].isin(shown_tools)],
                category="tool",
                title="How often people use each tool",
            ),
            key="daily_tools_by_tool",
        )
    hidden = len(set(by_tool["tool"])) - len(shown_tools)
    if hidden > 0:
        st.caption(f"The {fmt.plural(hidden, 'tool')} with fewest daily answers are in the table.")
with right:
    if not computed.by_department.empty:
        view.chart(
            lambda: charts.frequency_bars(
                computed.by_department,
                category="department",
                title="How often each department uses AI tools",
            ),
            key="daily_tools_by_department",
        )

grid = computed.grid
grid_shown = grid[grid["tool"].isin(shown_tools)]
if not grid_shown.empty:
    view.chart(
        # tools down the side: their names are long, department names are short
        lambda: charts.heatmap(
            grid_shown,
            x="department",
            y="tool",
            value="daily",
            title="Who uses what every day (Daily answers)",
            value_title="Daily answers",
            y_sort=[t for t in shown_tools if t in set(grid_shown["tool"])],
        ),
        key="daily_tools_grid",
    )

# --- what it costs ------------------------------------------------------------------------------
st.subheader("What the company pays for")
priced = table[table["cost_per_daily_user"].notna()]
if not portfolio.has(schema.INITIATIVES, "annual_cost"):
    shell.would_show(
        "With an annual_cost column in Initiatives, this part would set each tool's cost "
        "against the people who use it daily."
    )
elif priced.empty:
    st.caption("No tool both states a cost and has a daily answer, so there is no cost per user.")
else:
    view.chart(
        lambda: charts.bars(
            priced,
            category="tool",
            value="cost_per_daily_user",
            title="Annual cost per daily answer",
            value_title="Annual cost / daily answers",
            value_format="$,.0f",
        ),
        key="daily_tools_cost",
    )
    st.caption(
        "The survey is a sample of people, so compare tools with each other rather than "
        "read this as a price per employee."
    )
if not paid_unused.empty:
    listed = ", ".join(
        f"{fmt.plain(row.tool)} ({fmt.money(row.annual_cost)} a year"
        + (f", {fmt.plural(int(row.seats), 'seat')})" if row.seats else ")")
        for row in paid_unused.itertuples(index=False)
    )
    st.warning(f"Paid for, but nobody answered Daily: {listed}", icon=":material/money_off:")

display.table(
    pd.DataFrame(
        {
            "Tool": table["tool"],
            "Initiatives": table["initiatives"],
            # 0 seats and $0 are what the sheet leaves blank: shown as not stated
            "Seats bought": [fmt.integer(n) if n else "—" for n in table["seats"]],
            "Annual cost": [fmt.dollars(c) if c else "—" for c in table["annual_cost"]],
            "Daily answers": table["daily_users"],
            "Answers": table["respondents"],
            "Cost per daily answer": table["cost_per_daily_user"].map(fmt.dollars),
            "Unsanctioned daily use": table["unsanctioned"].map(fmt.yes_no),
        }
    ),
    key="daily_tools_table",
    present=view.present,
    file_name=view.export_name("daily-tools-seats-vs-daily"),
)

# --- unsanctioned -------------------------------------------------------------------------------
st.subheader("Unsanctioned tools in daily use")
if unsanctioned.empty:
    st.caption("Every tool used daily is listed by an initiative and said to be sanctioned.")
else:
    where = (
        grid.assign(key=grid["tool"].map(schema.normalize))
        .groupby("key")["department"]
        .agg(lambda d: ", ".join(sorted(set(d))))
    )
    shadow = unsanctioned.assign(
        departments=unsanctioned["tool"].map(schema.normalize).map(where).fillna(""),
        listed=unsanctioned["initiatives"] > 0,
    )
    st.caption(
        "Used daily but listed by no initiative, or used daily by people who say it is not "
        "sanctioned: often where the grassroots work is, and where the data risk is."
    )
    display.table(
        pd.DataFrame(
            {
                "Tool": shadow["tool"],
                "Daily answers": shadow["daily_users"],
                "Daily, said not sanctioned": shadow["unsanctioned_daily_users"],
                "Listed by an initiative": shadow["listed"].map(fmt.yes_no),
                "Departments": shadow["departments"],
            }
        ),
        key="daily_tools_unsanctioned",
        present=view.present,
        file_name=view.export_name("daily-tools-unsanctioned"),
    )
