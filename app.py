"""Ground Truth: routes to the pages, draws the shared sidebar and loads the workbook once per run.

Start it with `make run` (or `streamlit run app.py`).
"""

from pathlib import Path

import streamlit as st

from ui import auth, filters, presentation, shell

st.set_page_config(
    page_title="Ground Truth",
    # A bundled file: an icon-font favicon would be fetched from the internet.
    page_icon=str(Path(__file__).parent / "ui" / "assets" / "icon.png"),
    layout="wide",
    initial_sidebar_state="collapsed" if filters.present_from_url() else "auto",
)

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/watermelons.py", title="Watermelons", icon=":material/nutrition:"),
    st.Page("pages/stalled.py", title="Stalled & reverted", icon=":material/history:"),
    st.Page("pages/edges.py", title="The edges", icon=":material/explore:"),
    st.Page("pages/daily_tools.py", title="Daily tools", icon=":material/handyman:"),
    st.Page("pages/trends.py", title="Trends", icon=":material/trending_up:"),
    st.Page("pages/sheet_health.py", title="Sheet health", icon=":material/healing:"),
    st.Page("pages/check_in.py", title="Check in", icon=":material/edit_note:"),
]

# Sign-in (when configured) comes before anything else: no page or sheet data without it.
auth.require_access(present=filters.present_from_url())
page = st.navigation(PAGES)
view = shell.build_view()
presentation.next_page_link(PAGES, page, present=view.present)
page.run()
