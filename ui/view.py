"""The `View` a page draws from: the cached portfolio, the verdicts as of the chosen date,
the viewer's filters and presentation mode, and the page's chart and cache helpers.

ui/shell.py builds it once per run; ui/presentation.py redacts it when presenting.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

import altair as alt
import pandas as pd
import streamlit as st

from portfolio.model import Portfolio
from ui import data, display, filters, upload
from ui import format as fmt

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
    def scope(self) -> str:
        """The sidebar filters in words, as markdown that shows them literally (`fmt.plain`):
        'team: Finance · origin: Grassroots' or 'all initiatives'. Pages name the filters
        only through this, so a team called `[x](javascript:…)` stays text on every page."""
        return fmt.plain(self.filters.describe())

    @property
    def stamp(self) -> str:
        """The as-of date as exports are stamped with it: 'As of 23 Nov 2026'."""
        return f"As of {fmt.day(self.as_of)}"

    def chart(
        self,
        figure: alt.TopLevelMixin | display.ChartBuilder,
        *,
        key: str,
        extra: tuple[Hashable, ...] = (),
        title: str | None = None,
    ) -> None:
        """`display.chart` in this view: its presentation mode and stamp, kept for every
        viewer of the view (and of `extra`, what else the chart depends on: a pick, a date).

        The PNG download carries the chart's own title; `title` only for a chart without one.
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
