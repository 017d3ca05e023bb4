"""The next weekly digest, previewed in the app, so a leader sees what teams will receive.

`show_next_digest(view)` draws a closed expander "Next weekly digest"; its toggle shows the
digest of the view's as-of date as `cli.py digest --send` would send it: the whole
portfolio, whatever the sidebar filters, and no person's name while presenting, whatever
`[groundtruth.digest] names` says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from data_sources.errors import SourceError
from notify.settings import DigestSettings, digest_settings
from portfolio.digest import weekly_digest
from ui import data, digest_text
from ui import format as fmt

if TYPE_CHECKING:
    from ui.view import View

LABEL = "Next weekly digest"
SHOW_LABEL = "Show the digest"
SHOW_KEY = "overview_digest_show"


def show_next_digest(view: View) -> None:
    """The expander with the digest as Markdown, and where it goes in a caption."""
    try:
        settings = digest_settings(data.secrets())
        problem = None
    except SourceError as error:
        settings, problem = DigestSettings(), error
    names = settings.names and not view.present

    def build():
        digest = weekly_digest(
            view.portfolio,
            as_of=view.as_of,
            public_url=settings.public_url,
            names=names,
            assessed=view.assessed,
        )
        parts = digest_text.blocks(digest)
        return digest_text.subject(digest), digest_text.markdown(parts[1:])  # title: the label

    with st.expander(LABEL, icon=":material/mail:"):
        where = ", ".join(settings.channels) or "no channel yet ([groundtruth.digest])"
        st.caption(
            "This week's digest for the whole portfolio, whatever the filters, as "
            f"`cli.py digest --send` sends it to {where}."
        )
        if problem is not None:
            st.warning(fmt.plain(problem), icon=":material/settings_alert:")
        # Built on demand: it assesses the recorded week again, seconds on a large sheet,
        # which every first view of Overview would otherwise pay.
        if not st.toggle(SHOW_LABEL, key=SHOW_KEY):
            return
        title, body = view.memo("next_digest", build, names, settings.public_url)
        st.markdown(f"**{title}**")
        st.markdown(body)
