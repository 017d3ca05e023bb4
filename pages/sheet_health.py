"""Sheet health: what in the shared sheet is missing, stale or unreadable, cell by cell."""

import pandas as pd
import streamlit as st

from portfolio import schema
from ui import format as fmt
from ui import shell
from ui.mapping_panel import show_mapping_panel

view = shell.view()
portfolio = view.portfolio

st.title("Sheet health")
problems = portfolio.problems
errors = portfolio.errors
st.subheader(
    "Nothing to fix: every cell was read."
    if not problems
    else f"{fmt.plural(len(problems), 'cell or column')} to fix"
    + (f", {fmt.plural(len(errors), 'error')}" if errors else "")
)

rows = [
    {
        "tab": tab,
        "in the sheet": "yes" if tab in portfolio.tabs_present else "no",
        "rows read": portfolio.rows_read.get(tab, 0),
        "blank rows skipped": portfolio.blank_rows.get(tab, 0),
        "unknown columns kept": ", ".join(portfolio.unknown_columns.get(tab, [])),
    }
    for tab in schema.TABLES
]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

if problems:
    frame = pd.DataFrame(
        {
            "cell": [p.cell for p in problems],
            "severity": [p.severity for p in problems],
            "problem": [p.message for p in problems],
            "value as typed": ["" if p.raw is None else str(p.raw) for p in problems],
            "how to fix": [p.fix for p in problems],
            "tab": [p.tab for p in problems],
        }
    )
    for tab, group in frame.groupby("tab", sort=False):
        with st.expander(f"{tab}: {fmt.plural(len(group), 'problem')}", expanded=True):
            st.dataframe(group.drop(columns="tab"), hide_index=True, width="stretch")

st.subheader("Stale rows by team")
stale_days = int(portfolio.settings.get("stale_after_days") or 45)
stale = view.filtered[view.filtered["days_since_activity"] > stale_days]
if stale.empty:
    st.write(f"No initiative has gone more than {stale_days} days without an update.")
else:
    st.caption(
        f"Initiatives with no update, check-in or usage for more than {stale_days} days "
        "(Settings: stale_after_days). Ask the team to check in or update the row."
    )
    by_team = stale.groupby("team").size().rename("stale rows").reset_index()
    st.dataframe(by_team.sort_values("stale rows", ascending=False), hide_index=True)

show_mapping_panel(view)
