"""The frame around every page: the shared sidebar, and building the `View` each page reads.

`app.py` calls `build_view()` once per run, before the page runs; pages call `view()`
to get it. The View (ui/view.py) carries the cached portfolio, the verdicts as of the chosen
date, the viewer's filters and presentation mode.
"""

from __future__ import annotations

import streamlit as st

from data_sources.errors import SourceError
from ui import auth, data, filters, pages_folder, presentation, upload
from ui import format as fmt
from ui.view import View

VIEW_STATE_KEY = "_groundtruth_view"


def _source_box(loaded: data.Loaded) -> None:
    raw = loaded.raw
    if raw is None:
        return
    st.caption(f"**Source:** {fmt.plain(raw.origin)}")  # the origin carries the sheet's title
    st.caption(f"Fetched {fmt.age(raw.fetched_at)} · read in {loaded.seconds:.1f} s")
    if st.button("Refresh now", key="sidebar_refresh", help="Read the sheet again now"):
        data.refresh()
        st.rerun()


def _stop_unconfigured(error: SourceError) -> None:
    # Settings that cannot be used (invalid secrets.toml, a bad ttl): say which and stop,
    # rather than a stack trace.
    st.error(fmt.plain(error), icon=":material/settings_alert:")
    st.stop()


def _stop_without_data(loaded: data.Loaded) -> None:
    error = loaded.result.error
    # Error texts quote tab names, paths and the server's words: shown as text, not markdown.
    st.error(
        fmt.plain(error) if error is not None else "The workbook could not be read.",
        icon=":material/cloud_off:",
    )
    st.info(
        "No earlier copy of the workbook is saved on this server yet, so there is nothing "
        "to show. Fix the cause above and press Refresh now."
    )
    if st.button("Refresh now", key="sidebar_refresh_failed"):
        data.refresh()
        st.rerun()
    with st.sidebar:
        upload.uploader()  # an export of the sheet can still be looked at
    st.stop()


def build_view() -> View:
    """Load the workbook (cached), draw the shared sidebar and return the page's View."""
    try:
        spec = data.current_spec()
    except SourceError as error:
        _stop_unconfigured(error)
        raise  # st.stop() has ended the run; for readers and type checkers
    with st.spinner("Reading the workbook…"):
        # An uploaded file or a mapping tried on Sheet health: this session's own copy.
        session = upload.session_source(spec)
        loaded = session[0] if session else data.load(spec)
    portfolio = loaded.portfolio
    if portfolio is None:
        _stop_without_data(loaded)
    assert portfolio is not None
    if loaded.result.notice:
        st.warning(fmt.plain(loaded.result.notice), icon=":material/history:")

    key = session[1] if session else data.spec_key(spec)
    with st.sidebar:
        present = st.toggle(
            "Presentation mode",
            value=filters.present_from_url(),
            key="sidebar_present",
            help="Large type, no names of people: for screen-sharing at an all-hands.",
        )
        filters.set_present(present)
        as_of = filters.as_of_widget(portfolio.as_of)
        assessed = upload.assessed(loaded, key, as_of=as_of)
        chosen = filters.filter_widgets(assessed)
        st.divider()
        _source_box(loaded)
        upload.uploader()

    view = View(
        loaded=loaded,
        portfolio=portfolio,
        assessed=assessed,
        filtered=chosen.apply(assessed),
        filters=chosen,
        as_of=as_of,
        present=present,
        source_key=key,
    )
    view = presentation.apply(view)  # chart theme; large type and no names when presenting
    st.session_state[VIEW_STATE_KEY] = view
    return view


def view() -> View:
    """The View that app.py built for this run."""
    pages_folder.route_through_app()  # a deep link run the pre-navigation way
    current = st.session_state.get(VIEW_STATE_KEY)
    if current is None:  # a page script run on its own, outside app.py
        # app.py's sign-in check did not run either: a deep link must not get past it.
        auth.require_access(present=filters.present_from_url())
        current = build_view()
    return current
