"""Ground Truth: routes to the pages, draws the shared sidebar and loads the workbook once per run.

Start it with `make run` (or `streamlit run app.py`).
"""

from pathlib import Path

import streamlit as st

from ui import auth, filters, page_list, presentation, shell

st.set_page_config(
    page_title="Ground Truth",
    # A bundled file: an icon-font favicon would be fetched from the internet.
    page_icon=str(Path(__file__).parent / "ui" / "assets" / "icon.png"),
    layout="wide",
    initial_sidebar_state="collapsed" if filters.present_from_url() else "auto",
)

SIDEBAR_NAVIGATION = "client.showSidebarNavigation"
PAGES = [st.Page(p.path, title=p.title, icon=p.icon, default=p.default) for p in page_list.PAGES]

# Sign-in (when configured) comes before anything else: no page or sheet data without it,
# and no page list either (a closed screen hides the navigation).
auth.require_access(present=filters.present_from_url(), pages=PAGES)
# Past the gate: the sidebar lists the pages (config.toml keeps it off until a first visitor
# is let in, so the sign-in screen of a fresh server never lists pages/).
if st.get_option(SIDEBAR_NAVIGATION) is False:
    st.set_option(SIDEBAR_NAVIGATION, True)
page = st.navigation(PAGES)
view = shell.build_view()
presentation.next_page_link(PAGES, page, present=view.present)
page.run()
