"""Presentation mode, for screen-sharing at an all-hands: large type, no person's name anywhere.

`apply(view)` is called by the shell on every run: it enables the shared chart theme and,
when presenting (`?present=1`), injects our own fixed stylesheet and returns the View with
every person replaced by their team (portfolio.redact, cached once per read and date).
Redacting the View itself, rather than each table, is what keeps names out of page text,
reasons, selectbox options and chart tooltips too: a page cannot show what it was never given.

`next_page_link(pages, current, present=...)` draws the presenter's "Next" link, in the
order of the pages (ui.page_list), carrying the URL (filters, as-of date, present=1) along.
`slide_button(view)` offers the one-slide PNG for a board deck (ui/slide.py draws it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from portfolio.redact import redact_assessed, redact_portfolio
from ui import theme
from ui.view import View

# Our own stylesheet, a fixed string: no sheet content is ever put into it.
# Sizes are for a 1920x1080 screen read from across a room.
STYLESHEET = """
html { font-size: 20px; }
[data-testid="stMainBlockContainer"] {
  max-width: 100%;
  padding: 4.5rem 4rem 4rem 4rem;
}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 1.4rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2.8rem; padding-bottom: 0.6rem; }
[data-testid="stMainBlockContainer"] h2 { font-size: 2.1rem; }
[data-testid="stMainBlockContainer"] h3 { font-size: 1.7rem; line-height: 1.35; }
[data-testid="stMainBlockContainer"] p,
[data-testid="stMainBlockContainer"] li { font-size: 1.15rem; line-height: 1.55; }
[data-testid="stMainBlockContainer"] [data-testid="stMetricValue"] p { font-size: 3rem; }
[data-testid="stMainBlockContainer"] [data-testid="stMetricLabel"] p { font-size: 1.2rem; }
[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"] p { font-size: 1rem; }
[data-testid="stMainBlockContainer"] [data-testid="stPageLink"] p {
  font-size: 1.2rem;
  font-weight: 600;
}
/* A shared screen is for reading: no downloads, no help icons to hover. */
[data-testid="stMainBlockContainer"] [data-testid="stDownloadButton"],
[data-testid="stMainBlockContainer"] [data-testid="stTooltipIcon"] { display: none; }
[data-testid="stMainBlockContainer"] [data-testid="stTab"] p { font-size: 1rem; }
"""

FIRST_PAGE_LABEL = "Back to the start"
# The session's own redacted upload: (key, portfolio, assessed).
_SESSION_REDACTED = "_groundtruth_session_redacted"


# --- the running app ----------------------------------------------------------------------


@st.cache_resource(max_entries=4, show_spinner=False)
def _redacted(key: str, fetched_at: object, as_of: pd.Timestamp, _portfolio, _assessed):
    # Keyed like the verdicts cache, so a presenting session redacts once per read and date.
    portfolio, names = redact_portfolio(_portfolio)
    return portfolio, redact_assessed(_assessed, names)


def _redacted_in_session(view: View) -> tuple:
    """`_redacted` for a workbook uploaded in this session, kept in the session only."""
    key = (view.source_key, view.portfolio.fetched_at, view.as_of)
    kept = st.session_state.get(_SESSION_REDACTED)
    if kept is None or kept[0] != key:
        portfolio, names = redact_portfolio(view.portfolio)
        kept = (key, portfolio, redact_assessed(view.assessed, names))
        st.session_state[_SESSION_REDACTED] = kept
    return kept[1], kept[2]


def redact(view: View) -> View:
    """The View with no person's name in it, for presentation mode.

    An upload (no `view.signature`) stays out of the shared cache, as its verdicts do.
    """
    if view.signature is None:
        portfolio, assessed = _redacted_in_session(view)
    else:
        portfolio, assessed = _redacted(
            view.source_key, view.portfolio.fetched_at, view.as_of, view.portfolio, view.assessed
        )
    return dataclasses.replace(
        view, portfolio=portfolio, assessed=assessed, filtered=view.filters.apply(assessed)
    )


def apply(view: View) -> View:
    """Enable the chart theme; when presenting, the large-type stylesheet and a redacted View."""
    theme.use()
    if not view.present:
        return view
    st.html(f"<style>{STYLESHEET}</style>")
    return redact(view)


def next_page(pages: Sequence[st.Page], current: st.Page) -> st.Page:
    """The page after `current` in app.py's order, wrapping round to the first."""
    paths = [p.url_path for p in pages]
    index = paths.index(current.url_path) if current.url_path in paths else -1
    return pages[(index + 1) % len(pages)]


def next_page_link(pages: Sequence[st.Page], current: st.Page, *, present: bool) -> None:
    """In presentation mode, a link to the next page that keeps the URL's filters and mode."""
    if not present or len(pages) < 2:
        return
    target = next_page(pages, current)
    is_first = target.url_path == pages[0].url_path
    label = FIRST_PAGE_LABEL if is_first else f"Next: {target.title}"
    _, right = st.columns([4, 1])
    right.page_link(
        target,
        label=label,
        icon=":material/arrow_forward:",
        query_params=st.query_params.to_dict(),
    )


def slide_button(view: View) -> None:
    """A download of the one-slide PNG (1920x1080) for a board deck, rendered when clicked.

    The slide is drawn from the redacted verdicts even outside presentation mode: it is
    made to leave the room.
    """
    from ui import slide

    def render() -> bytes:
        private = view if view.present else redact(view)
        return slide.render(private.filtered, as_of=view.as_of, scope=view.filters.describe())

    st.download_button(
        "Download the slide",
        data=render,
        file_name=slide.file_name(view.as_of),
        mime="image/png",
        key="overview_slide",
        on_click="ignore",
        icon=":material/slideshow:",
        help="One 1920x1080 image for a board deck: the headline, the theater gap, verdicts "
        "by team, the costliest watermelons and what is working. No names of people.",
    )
