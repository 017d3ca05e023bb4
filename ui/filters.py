"""Sidebar filters and their round trip through the URL, so a copied link reproduces the view.

The query string holds `team`, `area`, `origin`, `tool` (comma-separated), `as_of`
(YYYY-MM-DD) and `present=1`. Widgets read the URL once per session (when their state is
empty) and write their values back on every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from portfolio.frames import member

FILTER_COLUMNS = ("team", "area", "origin", "tool")
LIST_SEPARATOR = ","
WIDGET_PREFIX = "sidebar_"
PRESENT_PARAM = "present"
AS_OF_PARAM = "as_of"


@dataclass(frozen=True)
class Filters:
    """What the viewer narrowed the portfolio to. Empty selections mean 'all'."""

    selected: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Rows of `frame` that match every non-empty selection (frame keeps its columns)."""
        mask = pd.Series(True, index=frame.index)
        for column, values in self.selected.items():
            if values and column in frame.columns:
                mask &= member(frame[column].astype("string"), values)
        return frame[mask]

    @property
    def active(self) -> bool:
        return any(self.selected.values())

    def describe(self) -> str:
        """'team: Finance, Support · origin: Grassroots' or 'all initiatives'."""
        parts = [f"{col}: {', '.join(vals)}" for col, vals in self.selected.items() if vals]
        return " · ".join(parts) if parts else "all initiatives"


def _from_url(name: str) -> list[str]:
    raw = st.query_params.get(name, "")
    return [v for v in (s.strip() for s in raw.split(LIST_SEPARATOR)) if v]


def _to_url(name: str, values: list[str] | tuple[str, ...] | str | None) -> None:
    if isinstance(values, list | tuple):
        values = LIST_SEPARATOR.join(values)
    if values:
        st.query_params[name] = values
    elif name in st.query_params:
        del st.query_params[name]


def filter_widgets(frame: pd.DataFrame) -> Filters:
    """Draw one multiselect per filter column the data has, seeded from the URL."""
    selected: dict[str, tuple[str, ...]] = {}
    for column in FILTER_COLUMNS:
        if column not in frame.columns:
            continue
        options = sorted(frame[column].dropna().astype(str).unique().tolist())
        if not options:
            continue
        key = f"{WIDGET_PREFIX}{column}"
        if key not in st.session_state:
            st.session_state[key] = [v for v in _from_url(column) if v in options]
        else:  # options can change after a refresh; keep only those still there
            st.session_state[key] = [v for v in st.session_state[key] if v in options]
        values = st.multiselect(column.capitalize(), options, key=key, placeholder="All")
        selected[column] = tuple(values)
        _to_url(column, values)
    return Filters(selected)


def as_of_widget(default: pd.Timestamp) -> pd.Timestamp:
    """The as-of date: the URL's, else the workbook's Settings (or today)."""
    key = f"{WIDGET_PREFIX}{AS_OF_PARAM}"
    if key not in st.session_state:
        from_url = st.query_params.get(AS_OF_PARAM)
        parsed = pd.to_datetime(from_url, errors="coerce") if from_url else pd.NaT
        st.session_state[key] = (default if pd.isna(parsed) else parsed).date()
    chosen = st.date_input("As of", key=key, help="Verdicts are computed as of this date.")
    chosen_ts = pd.Timestamp(chosen)
    _to_url(AS_OF_PARAM, chosen_ts.strftime("%Y-%m-%d") if chosen_ts != default else None)
    return chosen_ts


def present_from_url() -> bool:
    """Whether the URL asks for presentation mode (`?present=1`)."""
    return st.query_params.get(PRESENT_PARAM, "") in ("1", "true", "yes")


def set_present(on: bool) -> None:
    _to_url(PRESENT_PARAM, "1" if on else None)
