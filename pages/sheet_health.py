"""Sheet health: what in the shared sheet is missing, stale or unreadable, cell by cell.

The same findings as `cli.py doctor`: rows read per tab, every problem grouped by tab with
its A1 reference, the value as typed and the fix; the tabs and columns the sheet lacks and
what each would add; headers the contract does not know (kept, not dropped); and the
initiatives that have gone quiet, by team, so each team knows which rows to update.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from portfolio import metrics, schema
from portfolio.settings import thresholds
from ui import display, shell
from ui import format as fmt
from ui.mapping_panel import show_mapping_panel

# What each optional tab adds, for the one line shown when the sheet lacks it.
TAB_ADDS = {
    schema.USAGE: "verdicts could tell sustained use from a stall or a one-off spike, and "
    "Trends could chart adoption week by week",
    schema.CHECKINS: "a team's check-in would count as a sign of life and override its row's "
    "status and stage (the Check in page creates this tab on the first check-in)",
    schema.DAILY_TOOLS: "Daily tools could set the tools people use every day against what "
    "the company pays for",
    schema.STATUS_HISTORY: "Trends could compare with what the deck really said back then and "
    "Watermelons could show each green week beside the usage (`cli.py history record` writes "
    "it once a week)",
    schema.SETTINGS: "the as-of date, the mandate date and the thresholds could be set; until "
    "then the defaults are used",
}
# Tabs with more problems than this start folded, so one bad tab does not bury the others.
FOLD_AFTER = 20

view = shell.page("Sheet health")
portfolio = view.portfolio
stale_after = thresholds(portfolio.settings).stale_after_days
stale = metrics.stale_by_team(view.filtered, stale_after_days=stale_after)
stale_rows = int(stale["stale"].sum())

problems = portfolio.problems
errors = portfolio.errors
if not problems:
    headline = "Nothing to fix: every cell was read"
else:
    warnings = len(problems) - len(errors)
    headline = f"{fmt.plural(len(problems), 'thing')} to fix in the sheet: " + ", ".join(
        part
        for part in (
            fmt.plural(len(errors), "error") if errors else "",
            fmt.plural(warnings, "warning") if warnings else "",
        )
        if part
    )
if stale_rows:
    headline += f"; {fmt.plural(stale_rows, 'initiative')} gone quiet"
st.subheader(headline)
st.caption(
    f"{fmt.plain(portfolio.origin)} · fetched {fmt.age(portfolio.fetched_at)} · "
    f"the same checks as `python cli.py doctor`"
)

cols = st.columns(4)
cols[0].metric("Initiatives rows read", fmt.integer(portfolio.rows_read.get(schema.INITIATIVES, 0)))
cols[1].metric("Errors", fmt.integer(len(errors)), help="Rows or tabs the evidence cannot use.")
cols[2].metric(
    "Warnings",
    fmt.integer(len(problems) - len(errors)),
    help="Cells read as empty or rows the evidence may misread; the rest of the row is used.",
)
cols[3].metric(
    "Stale rows",
    fmt.integer(stale_rows),
    help=(f"No update, check-in or usage for more than {stale_after} days ({view.scope})."),
)

# --- tabs -----------------------------------------------------------------------------------
st.subheader("Tabs")
tabs = pd.DataFrame(
    [
        {
            "tab": tab,
            "in the sheet": tab in portfolio.tabs_present,
            "rows read": portfolio.rows_read.get(tab, 0),
            "blank rows skipped": portfolio.blank_rows.get(tab, 0),
            "unknown columns kept": ", ".join(portfolio.unknown_columns.get(tab, [])),
        }
        for tab in schema.TABLES
    ]
)
display.table(
    tabs,
    key="sheet_health_tabs",
    present=view.present,
    file_name=view.export_name("sheet-health-tabs"),
)
for tab, adds in TAB_ADDS.items():
    if tab in portfolio.tabs_present:
        continue
    needs = ", ".join(schema.TABLES[tab].required_columns)
    st.markdown(f"- **No {tab} tab.** With one ({needs}), {adds}.")

# --- problems, tab by tab -----------------------------------------------------------------
st.subheader("Problems, cell by cell")
if not problems:
    st.caption("Every cell was read, and every required column is there.")
else:
    frame = pd.DataFrame(
        {
            "cell": [p.cell for p in problems],
            "severity": [p.severity for p in problems],
            "problem": [p.message for p in problems],
            # When presenting, the View's problems quote no person (portfolio.redact).
            "value as typed": ["" if p.raw is None else str(p.raw) for p in problems],
            "how to fix": [p.fix for p in problems],
            "tab": [p.tab for p in problems],
        }
    )
    for tab, group in frame.groupby("tab", sort=False):
        count = len(group)
        n_errors = int((group["severity"] == "error").sum())
        label = f"{tab}: {fmt.plural(count, 'problem')}" + (
            f" ({fmt.plural(n_errors, 'error')})" if n_errors else ""
        )
        with st.expander(label, expanded=count <= FOLD_AFTER):
            display.table(
                group.drop(columns="tab"),
                key=f"sheet_health_problems_{schema.normalize(tab)}",
                present=view.present,
                wrap=["problem", "value as typed", "how to fix"],
                file_name=view.export_name(f"sheet-health-problems-{schema.normalize(tab)}"),
            )

# --- unknown columns ------------------------------------------------------------------------
unknown = {tab: cols for tab, cols in portfolio.unknown_columns.items() if cols}
if unknown:
    st.subheader("Columns the contract does not know")
    for tab, columns in unknown.items():
        st.markdown(
            f"- **{tab}:** {fmt.plain(', '.join(columns))}: kept as text and shown in tables. "
            "If one is meant to be a known column, rename its header (see the README's "
            "workbook template)."
        )

# --- stale rows -----------------------------------------------------------------------------
st.subheader("Stale rows by team")
if stale.empty:
    st.caption(
        f"No initiative ({view.scope}) has gone more than {stale_after} "
        "days without an update, a check-in or usage."
    )
else:
    st.caption(
        f"Initiatives with no update, check-in or usage for more than {stale_after} days "
        "(Settings: stale_after_days). Ask each team to check in or update its rows."
    )
    display.table(
        stale.assign(share=stale["share"] * fmt.PERCENT).rename(
            columns={"stale": "stale rows", "share": "share stale"}
        ),
        key="sheet_health_stale_teams",
        present=view.present,
        column_config={"share stale": st.column_config.NumberColumn(format=fmt.PERCENT_COLUMN)},
        file_name=view.export_name("sheet-health-stale-by-team"),
    )
    filtered = view.filtered
    days = pd.to_numeric(filtered["days_since_activity"], errors="coerce").astype(float)
    # positional: ids label the rows, and a duplicated id must not pick up two rows
    is_quiet = metrics.is_stale(filtered, stale_after)
    quiet = filtered[is_quiet]
    rows = pd.DataFrame(
        {
            "row": quiet["_row"].to_numpy(),  # each verdict's own sheet row, ids repeated or not
            "id": quiet["id"].to_numpy(),
            "name": quiet["name"].to_numpy(),
            "team": quiet["team"].to_numpy(),
            "owner": quiet["owner"].to_numpy(),
            "last sign of life": pd.to_datetime(quiet["last_activity"]).to_numpy(),
            "days since": days.to_numpy()[is_quiet],
        }
    ).sort_values(["team", "days since"], ascending=[True, False], kind="stable")
    display.table(
        rows,
        key="sheet_health_stale_rows",
        present=view.present,
        column_config={
            "row": st.column_config.NumberColumn("sheet row", format="%d"),
            "last sign of life": st.column_config.DateColumn(format=fmt.DATE_COLUMN),
        },
        file_name=view.export_name("sheet-health-stale-rows"),
    )

show_mapping_panel(view)
