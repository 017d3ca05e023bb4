"""Showing tables and charts the same way on every page: safe, private when presenting, exportable.

`table()` shows sheet text as text (never HTML), shortens very long cells, replaces people's
names by their team in presentation mode and offers a CSV whose formula-like cells are
neutralized. `chart()` applies the shared theme and offers a PNG, rendered only when asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import altair as alt
import pandas as pd
import streamlit as st

from ui import theme

# Columns that hold a person; in presentation mode they show the team instead.
PERSON_COLUMNS = ("owner", "author")
# Free text that may name people; left out in presentation mode.
FREE_TEXT_COLUMNS = ("notes", "note")
LONG_CELL_CHARS = 240
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PNG_SCALE = 2


def anonymize(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with people replaced by their team and free-text notes left out.

    An `owner` of "Dana Whitfield" in team "Finance" becomes "Finance team".
    """
    out = frame.drop(columns=[c for c in FREE_TEXT_COLUMNS if c in frame.columns])
    for column in PERSON_COLUMNS:
        if column not in out.columns:
            continue
        if "team" in out.columns:
            out[column] = out["team"].astype("string") + " team"
        else:
            out = out.drop(columns=column)
    return out


def shorten(frame: pd.DataFrame, *, limit: int = LONG_CELL_CHARS) -> pd.DataFrame:
    """Text cells longer than `limit` characters cut to `limit` with an ellipsis."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
            text = series.astype("string")
            long = text.str.len() > limit
            if long.any():
                out[column] = text.where(~long, text.str.slice(0, limit - 1) + "…")
    return out


_FORMULA = re.compile(r"^[=+\-@\t\r]")


def neutralize(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix formula-like text cells with an apostrophe so spreadsheets show them as text.

    "=HYPERLINK(...)" -> "'=HYPERLINK(...)"; numbers (even negative ones) are left alone.
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
            text = series.astype("string")
            risky = text.str.match(_FORMULA).fillna(False)
            if risky.any():
                out[column] = text.where(~risky, "'" + text)
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes for a download, with formula-like cells neutralized."""
    return neutralize(frame).to_csv(index=False).encode("utf-8")


def table(
    frame: pd.DataFrame,
    *,
    key: str,
    present: bool,
    column_config: Mapping[str, object] | None = None,
    file_name: str | None = None,
    height: int | str = "auto",
) -> None:
    """Show a table of sheet data with a CSV download (both anonymized when presenting)."""
    shown = anonymize(frame) if present else frame
    st.dataframe(
        shorten(shown),
        hide_index=True,
        width="stretch",
        height=height,
        column_config=dict(column_config or {}),
        key=f"{key}_table",
    )
    st.download_button(
        "Download CSV",
        data=lambda: to_csv(shown),
        file_name=file_name or f"{key}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )


def png_bytes(chart: alt.TopLevelMixin, *, title: str, stamp: str) -> bytes:
    """The chart as a PNG at 2x scale, titled and stamped (e.g. 'As of 23 Nov 2026')."""
    import vl_convert as vlc

    titled = chart.properties(title=alt.TitleParams(title, subtitle=stamp, anchor="start"))
    return vlc.vegalite_to_png(titled.to_dict(), scale=PNG_SCALE)


def chart(
    figure: alt.TopLevelMixin,
    *,
    key: str,
    present: bool,
    title: str,
    stamp: str,
) -> None:
    """Show a chart in the shared theme with a PNG download made only when clicked."""
    styled = theme.configure(figure, present=present)
    st.altair_chart(styled, width="stretch", key=f"{key}_chart")
    make: Callable[[], bytes] = lambda: png_bytes(styled, title=title, stamp=stamp)  # noqa: E731
    st.download_button(
        "Download PNG",
        data=make,
        file_name=f"{key}.png",
        mime="image/png",
        key=f"{key}_png",
        on_click="ignore",
        icon=":material/image:",
    )
