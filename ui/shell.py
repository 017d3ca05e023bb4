"""The frame around every page: the shared sidebar and the `View` each page reads.

`app.py` calls `build_view()` once per run, before the page runs; pages call `view()`
to get it. The View carries the cached portfolio, the verdicts as of the chosen date, the
viewer's filters and presentation mode.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

import altair as alt
import pandas as pd
import streamlit as st

from data_sources.errors import SourceError
from portfolio.model import Portfolio
from ui import auth, data, display, filters, presentation, upload
from ui import format as fmt

VIEW_STATE_KEY = "_groundtruth_view"
# Results kept for every viewer: a few per page, for the recent views (filters, dates).
MEMO_ENTRIES = 128
T = TypeVar("T")


@dataclass(frozen=True)
class View:
    """What a page needs to draw itself."""

    loaded: data.Loaded
    portfolio: Portfolio
    assessed: pd.DataFrame  # every initiative's verdict as of `as_of`
    filtered: pd.DataFrame  # the same, narrowed by the sidebar filters
    filters: filters.Filters
    as_of: pd.Timestamp
    present: bool  # presentation mode: no person's name anywhere
    source_key: str

    @property
    def signature(self) -> tuple | None:
        """What a page's figures depend on besides its own widgets, as a cache key: the read
        of the workbook, the as-of date, the filters and presentation mode.

        None for a workbook uploaded in this session, which stays out of the shared caches.
        """
        if self.source_key.startswith(upload.SESSION_PREFIX):
            return None
        selected = tuple(sorted((k, tuple(v)) for k, v in self.filters.selected.items() if v))
        return (self.source_key, self.portfolio.fetched_at, self.as_of, selected, self.present)

    def cache_key(self, *extra: Hashable) -> tuple | None:
        """The signature with what else a figure depends on (a pick, a date); None if None."""
        signature = self.signature
        return None if signature is None else (*signature, *extra)

    @property
    def stamp(self) -> str:
        """The as-of date as exports are stamped with it: 'As of 23 Nov 2026'."""
        return f"As of {fmt.day(self.as_of)}"

    def chart(
        self,
        figure: alt.TopLevelMixin | display.ChartBuilder,
        *,
        key: str,
        title: str,
        extra: tuple[Hashable, ...] = (),
    ) -> None:
        """`display.chart` in this view: its presentation mode and stamp, kept for every
        viewer of the view (and of `extra`, what else the chart depends on: a pick, a date).
        """
        display.chart(
            figure,
            key=key,
            present=self.present,
            title=title,
            stamp=self.stamp,
            cache=self.cache_key(*extra),
            file_name=self.export_name(key, ext="png"),
        )

    def export_name(self, stem: str, *, ext: str = "csv") -> str:
        """A download's file name in this view: 'watermelons-2026-11-23.csv' (page, as-of)."""
        return display.export_name(stem, self.as_of, ext=ext)

    def memo(self, name: str, compute: Callable[[], T], *extra: Hashable) -> T:
        """`compute()` once per signature (and `extra`) for every viewer; every run if None.

        What it returns is shared between sessions: treat it as read-only.
        """
        signature = self.signature
        if signature is None:
            return compute()
        return _memo(signature, name, extra, compute)


@st.cache_resource(max_entries=MEMO_ENTRIES, show_spinner=False)
def _memo(signature: tuple, name: str, extra: tuple, _compute: Callable[[], T]) -> T:
    return _compute()


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


def _route_through_app() -> None:
    """Rerun through app.py when Streamlit ran a page script on its own.

    With a `pages/` folder beside app.py, a server that has not yet run `st.navigation`
    treats the folder the pre-navigation way: a first visit to a deep link (`/edges` after
    a restart) runs pages/edges.py alone, without app.py's sidebar, layout or page list.
    `st.navigation` clears this flag for the whole server; clearing it here and rerunning
    gives the visitor the real app on the page they asked for.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def view() -> View:
    """The View that app.py built for this run."""
    _route_through_app()
    current = st.session_state.get(VIEW_STATE_KEY)
    if current is None:  # a page script run on its own, outside app.py
        # app.py's sign-in check did not run either: a deep link must not get past it.
        auth.require_access(present=filters.present_from_url())
        current = build_view()
    return current
