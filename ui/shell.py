"""The frame around every page: the shared sidebar, and building the `View` each page reads.

`app.py` calls `build_view()` once per run, before the page runs; pages start with
`page(...)` (the View, the title, the caption, the empty state) or `view()`, and say what a
tab or column the sheet lacks would add with `would_show(...)`. The View (ui/view.py)
carries the cached portfolio, the verdicts as of the chosen date, the viewer's filters and
presentation mode.
"""

from __future__ import annotations

import streamlit as st

from data_sources.errors import SourceError
from ui import auth, data, filters, pages_folder, presentation, upload
from ui import format as fmt
from ui.view import View

VIEW_STATE_KEY = "_groundtruth_view"


def _source_box(loaded: data.Loaded, origin: str) -> None:
    raw = loaded.raw
    if raw is None:
        return
    # The origin carries the sheet's title or the file's path (the View's: the file's name
    # only, names hidden, when presenting).
    st.caption(f"**Source:** {fmt.plain(origin)}")
    st.caption(f"Fetched {fmt.age(raw.fetched_at)} · read in {loaded.seconds:.1f} s")
    if st.button("Refresh now", key="sidebar_refresh", help="Read the sheet again now"):
        data.refresh()
        st.rerun()


# The notice of a source that could not be read quotes paths, addresses and the server's
# words: on a shared screen, only that there is one.
PRESENTED_NOTICE = (
    "Some of the data could not be read just now, so some figures may be out of date or "
    "incomplete. Turn presentation mode off to see why."
)


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
    with st.sidebar:
        st.divider()
        _source_box(loaded, view.portfolio.origin)
        upload.uploader()
    if loaded.result.notice:
        notice = PRESENTED_NOTICE if present else fmt.plain(loaded.result.notice)
        st.warning(notice, icon=":material/history:")
    st.session_state[VIEW_STATE_KEY] = view
    return view


def page(
    title: str, *, lead: str | None = None, scoped: bool = False, stop_if_empty: bool = False
) -> View:
    """Start a page: its View, its title and a caption (`lead`, then, when `scoped`, the
    as-of stamp and the filters); with `stop_if_empty`, the empty state (`stop_if_nothing_
    matches`). Pages call this instead of writing the frame out.
    """
    current = view()
    st.title(title)
    scope = f"{current.stamp} · {current.scope}" if scoped else ""
    if lead or scope:
        st.caption(" ".join(part for part in (lead, scope) if part))
    if stop_if_empty:
        stop_if_nothing_matches(current)
    return current


def stop_if_nothing_matches(current: View) -> None:
    """Say that no initiative matches the filters on the as-of date, and stop the page."""
    if current.filtered.empty:
        st.info(f"No initiatives match {current.scope} as of {fmt.day(current.as_of)}.")
        st.stop()


def would_show(text: str, *, inline: bool = False, stop: bool = False) -> None:
    """What a part of the page would show with a tab or column the sheet lacks ("With a
    Usage tab (…), this part would chart …"): a note for a part of the page, a caption
    where a chart would be (`inline`); with `stop`, the page ends there."""
    if inline:
        st.caption(text)
    else:
        st.info(text, icon=":material/add_chart:")
    if stop:
        st.stop()


def view() -> View:
    """The View that app.py built for this run."""
    pages_folder.route_through_app()  # a deep link run the pre-navigation way
    current = st.session_state.get(VIEW_STATE_KEY)
    if current is None:  # a page script run on its own, outside app.py
        # app.py's sign-in check did not run either: a deep link must not get past it.
        auth.require_access(present=filters.present_from_url())
        current = build_view()
    return current
