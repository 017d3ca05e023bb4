"""Showing tables and charts the same way on every page: safe, private when presenting, exportable.

`table()` shows sheet text as text (never HTML), shortens very long cells, replaces people's
names by their team in presentation mode and offers a CSV whose formula-like cells are
neutralized. `chart()` applies the shared theme and offers a PNG (2x, titled, stamped with the
as-of date, on white), rendered by vl-convert only when asked.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.dataframe_util import convert_anything_to_arrow_bytes

from portfolio.redact import anonymize_table
from portfolio.text import formula_like
from ui import axes, html_table, rendering, theme
from ui import format as fmt

LONG_CELL_CHARS = 240
# A table with long text is drawn whole (wrapped) up to this many rows; the grid holds all.
WRAP_MAX_ROWS = 100
# Rows of a table drawn large when presenting: what a room can read on one screen.
PRESENT_ROWS = 10
READ_TAB = "Read"
SORT_TAB = "Sort, filter, download"
PNG_SCALE = 2
EXPORT_WIDTH = 800  # px (before the 2x scale) for a chart that takes the page's width on screen
# Chart heights in presentation mode: tall enough to read from the back of the room, short
# enough that the chart and the page's key message share one 1920x1080 screen.
PRESENT_MIN_HEIGHT = 240
PRESENT_MAX_HEIGHT = 560
# Chart specs kept for every viewer: a few per page, for the recent views (filters, dates).
CACHED_CHARTS = 256
ChartBuilder = Callable[[], alt.TopLevelMixin]


def _text_columns(frame: pd.DataFrame):
    for column in frame.columns:
        series = frame[column]
        if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
            yield column, series.astype("string")


def shorten(frame: pd.DataFrame, *, limit: int = LONG_CELL_CHARS) -> tuple[pd.DataFrame, bool]:
    """Text cells longer than `limit` characters cut to `limit` with an ellipsis, and
    whether any was cut."""
    out, cut = frame.copy(), False
    for column, text in _text_columns(frame):
        long = text.str.len() > limit
        if long.any():
            out[column] = text.where(~long, text.str.slice(0, limit - 1) + "…")
            cut = True
    return out, cut


def long_cells(
    frame: pd.DataFrame, row: int, *, limit: int = LONG_CELL_CHARS
) -> list[tuple[str, str]]:
    """(column, full text) of the cells in row position `row` that `shorten` would cut.

    For a notes cell of 900 characters in the first row: long_cells(frame, 0) ->
    [("notes", "<all 900 characters>")].
    """
    if not 0 <= row < len(frame):
        return []
    found = []
    for column, text in _text_columns(frame.iloc[[row]]):
        value = text.iloc[0]
        if not pd.isna(value) and len(value) > limit:
            found.append((str(column), str(value)))
    return found


def _full_text(frame: pd.DataFrame, rows: list[int]) -> None:
    """Below a table with cut cells: the selected row's long cells in full, as plain text."""
    if not rows:
        st.caption(
            f"Cells longer than {LONG_CELL_CHARS} characters are cut; select a row to read "
            "them in full."
        )
        return
    for column, text in long_cells(frame, rows[0]):
        st.caption(fmt.plain(column))
        st.text(text)  # st.text never reads markdown or HTML: sheet text stays text


def neutralize_text(value: object) -> object:
    """One cell made safe for a spreadsheet: formula-like text gets a leading apostrophe.

    neutralize_text("=1+1") -> "'=1+1"; neutralize_text(-5) -> -5 (a number stays a number).
    """
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def _joined(value: object) -> object:
    if isinstance(value, list | tuple):
        return html_table.LIST_JOINER.join(str(v) for v in value)
    return value


def neutralize(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix formula-like text cells and headers with an apostrophe so spreadsheets show text.

    "=HYPERLINK(...)" -> "'=HYPERLINK(...)", "@SUM(A1)" -> "'@SUM(A1)", "-2+3" -> "'-2+3";
    numbers (even negative ones), dates and missing cells are left alone. List cells (the
    reasons of a verdict) become one text joined by "; " first, and are neutralized too.
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        out[column] = series.astype(object).map(_joined).map(neutralize_text)
    out.columns = [neutralize_text(str(c)) for c in out.columns]
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes (UTF-8) for a download, with formula-like cells and headers neutralized."""
    return neutralize(frame).to_csv(index=False).encode("utf-8")


def export_name(stem: str, as_of: object, *, ext: str = "csv") -> str:
    """A download's file name: what it is (the page first) and the as-of date it shows.

    export_name("watermelons", pd.Timestamp("2026-11-23")) -> 'watermelons-2026-11-23.csv';
    a widget key works as the stem: "sheet_health_tabs" -> 'sheet-health-tabs-2026-11-23.csv'.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "export"
    return f"{slug}-{pd.Timestamp(as_of):%Y-%m-%d}.{ext}"


def _grid(
    shown: pd.DataFrame,
    *,
    key: str,
    column_config: Mapping[str, object],
    file_name: str | None,
    height: int | str,
) -> None:
    """The interactive table (sort, select a row to read its long cells) and its CSV."""
    cells, cut = shorten(shown)
    event = st.dataframe(
        cells,
        hide_index=True,
        width="stretch",
        height=height,
        column_config=dict(column_config),
        key=f"{key}_table",
        on_select="rerun" if cut else "ignore",
        selection_mode="single-row",
    )
    if cut:
        _full_text(shown, list(event.selection.rows))
    st.download_button(
        "Download CSV",
        data=lambda: to_csv(shown),
        file_name=file_name or f"{key}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )


def table(
    frame: pd.DataFrame,
    *,
    key: str,
    present: bool,
    column_config: Mapping[str, object] | None = None,
    file_name: str | None = None,
    height: int | str = "auto",
    wrap: Sequence[str] = (),
    read_columns: Sequence[str] | None = None,
) -> None:
    """Show a table of sheet data with a CSV download (both anonymized when presenting).

    A table with long text (`wrap`: its reasons, its fixes) is drawn first as a static
    table whose cells wrap, so every reason reads whole without a click (its first
    WRAP_MAX_ROWS rows, in `read_columns`, default all); the sortable grid with every column
    is the next tab. When presenting, every table is drawn so, large, with its first
    PRESENT_ROWS rows. In the grid, cells longer than LONG_CELL_CHARS are cut; the viewer
    selects a row to read them in full underneath.
    """
    shown = anonymize_table(frame) if present else frame
    config = dict(column_config or {})
    grid = dict(key=key, column_config=config, file_name=file_name, height=height)
    if not present and not wrap:
        _grid(shown, **grid)
        return
    rows = PRESENT_ROWS if present else WRAP_MAX_ROWS
    columns = [c for c in (read_columns or shown.columns) if c in shown.columns]
    top = shown.loc[:, columns].head(rows)
    # Tabs rather than an expander: a table may itself sit in an expander (Sheet health).
    whole, sortable = st.tabs([READ_TAB, SORT_TAB])
    whole.html(html_table.render(top, column_config=config, wide=wrap, large=present))
    if len(shown) > rows:
        whole.caption(
            f"The first {rows:,} of {len(shown):,} rows; {SORT_TAB.lower()} holds every one."
        )
    with sortable:
        _grid(shown, **grid)


def _merge(base: dict, over: dict) -> dict:
    merged = dict(base)
    for name, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(name), dict):
            merged[name] = _merge(merged[name], value)
        else:
            merged[name] = value
    return merged


def export_spec(
    chart: alt.TopLevelMixin | dict[str, Any], *, title: str, stamp: str, present: bool = False
) -> dict[str, Any]:
    """The Vega-Lite spec of a chart as exported: on white, dark ink, titled and stamped.

    The export's title replaces the chart's own (also any title on the layers of a layered
    chart, which would otherwise show twice), and a chart that takes the page's width gets
    a fixed one, since an image has no page.

    >>> export_spec(bars, title="Spend", stamp="As of 2 Jun 2026")["title"]  # doctest: +SKIP
    {'text': 'Spend', 'subtitle': 'As of 2 Jun 2026', 'anchor': 'start'}

    `chart` may also be a spec made by `screen_spec`; it is copied, not changed.
    """
    if isinstance(chart, dict):
        spec = copy.deepcopy(chart)
    else:
        theme.use()
        spec = chart.to_dict()
    for layer in spec.get("layer", []):
        layer.pop("title", None)
    spec["title"] = {"text": title, "subtitle": stamp, "anchor": "start"}
    spec["config"] = _merge(spec.get("config", {}), theme.export_config(present=present))
    single_view = "layer" in spec or "mark" in spec
    if single_view and not isinstance(spec.get("width"), int | float):
        spec["width"] = EXPORT_WIDTH
    return spec


def spec_title(spec: dict[str, Any]) -> str:
    """A chart's own title as one line: its spec's, else its first titled layer's; '' if none.

    >>> spec_title({"layer": [{"title": {"text": ["Spend", "by verdict"]}}, {"title": "x"}]})
    'Spend by verdict'
    """
    for part in (spec, *spec.get("layer", [])):
        title = part.get("title")
        if isinstance(title, dict):
            title = title.get("text")
        if isinstance(title, list):
            title = " ".join(str(line) for line in title)
        if title:
            return str(title)
    return ""


def png_bytes(chart: alt.TopLevelMixin | dict[str, Any], *, title: str, stamp: str) -> bytes:
    """The chart as a PNG at 2x scale, titled and stamped (e.g. 'As of 23 Nov 2026').

    Rendered by vl-convert in a worker process (ui.rendering); no browser is involved.
    Raises rendering.RenderError, with what happened in words, when it cannot be drawn.
    """
    return rendering.vegalite_to_png(export_spec(chart, title=title, stamp=stamp), scale=PNG_SCALE)


def fit_for_screen(figure: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """A single or layered chart made taller for a shared 16:9 screen.

    Its height grows with the presentation type (x1.5), at least PRESENT_MIN_HEIGHT. A chart
    of one row per category (see `ui.axes.rows_meta`) grows by the whole factor, so that
    every row keeps its label however many rows there are; any other chart stays within
    PRESENT_MAX_HEIGHT, so it and the page's key message fit on a 1920x1080 screen.
    Compositions (concat, facet) keep their own sizes.
    """
    if not isinstance(figure, alt.Chart | alt.LayerChart):
        return figure
    # Altair lifts the layers' height onto a layered chart, so `figure.height` covers both.
    height = figure.height if isinstance(figure.height, int | float) else PRESENT_MIN_HEIGHT
    grown = max(PRESENT_MIN_HEIGHT, round(height * theme.PRESENT_SCALE))
    if axes.rows_of(figure.usermeta) is None:
        grown = min(PRESENT_MAX_HEIGHT, grown)
    return figure.properties(height=grown)


def screen_spec(figure: alt.TopLevelMixin, *, present: bool = False) -> dict[str, Any]:
    """The Vega-Lite spec the browser draws: the chart with the shared look as its config,
    as strict JSON (NaN and Infinity become null, see `rendering.strict`).

    Built as a plain dict, without Altair's schema validation or the copies that each
    `configure_*` call makes: those were two thirds of a chart's server time (about 30 ms
    of 45). The chart builders' specs are validated by the tests instead. Charts are handed
    aggregated frames, never row-level usage, so the data inline in the spec is small.

    >>> screen_spec(bars, present=True)["config"]["axis"]["labelFontSize"]  # doctest: +SKIP
    19.5
    """
    sized = fit_for_screen(figure) if present else figure
    spec = sized.to_dict(validate=False)
    spec["config"] = _merge(spec.get("config", {}), theme.theme_config(present=present))
    # No NaN where the browser's JSON.parse would refuse the chart, and no line separator
    # where Vega's expression parser would (a sort order is compiled into an expression).
    return rendering.strict(spec)


def _arrow_datasets(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of the spec whose datasets are Arrow bytes, as Streamlit sends them.

    Done once per cached chart rather than by Streamlit on every rerun.
    """
    datasets = spec.get("datasets")
    if not isinstance(datasets, dict):
        return spec
    arrow = {
        name: convert_anything_to_arrow_bytes(pd.DataFrame.from_records(rows))
        for name, rows in datasets.items()
    }
    return {**spec, "datasets": arrow}


@st.cache_resource(max_entries=CACHED_CHARTS, show_spinner=False)
def _cached_specs(
    signature: tuple, key: str, present: bool, _build: ChartBuilder
) -> tuple[dict[str, Any], dict[str, Any]]:
    # Shared by every session, and never changed: Streamlit copies a spec's top level
    # before it edits it, and the PNG export copies the whole spec.
    spec = screen_spec(_build(), present=present)
    return spec, _arrow_datasets(spec)


def chart(
    figure: alt.TopLevelMixin | ChartBuilder,
    *,
    key: str,
    present: bool,
    stamp: str,
    title: str | None = None,
    cache: tuple | None = None,
    file_name: str | None = None,
) -> None:
    """Show a chart in the shared theme with a PNG download made only when clicked.

    The PNG is titled with the chart's own title (`spec_title`), or `title` for a chart
    that shows none. In presentation mode the type is larger and the chart sized for a 16:9
    screen.
    `figure` is the chart or a function that builds it. With `cache` (the View's
    `signature` plus whatever else the chart depends on), the spec is built once for
    every viewer of that view and a rerun only sends it: pass a function then, so that a
    rerun does not build the chart either. The function is called during this call only.
    """
    if cache is None:
        figure = figure if isinstance(figure, alt.TopLevelMixin) else figure()
        spec = screen_spec(figure, present=present)
        sent = _arrow_datasets(spec)
    else:
        build = figure if not isinstance(figure, alt.TopLevelMixin) else (lambda: figure)
        spec, sent = _cached_specs(cache, key, present, build)
    st.vega_lite_chart(spec=sent, width="stretch", key=f"{key}_chart")
    export_title = title or spec_title(spec) or key
    make: Callable[[], bytes] = lambda: png_bytes(spec, title=export_title, stamp=stamp)  # noqa: E731
    st.download_button(
        "Download PNG",
        data=make,
        file_name=file_name or f"{key}.png",
        mime="image/png",
        key=f"{key}_png",
        on_click="ignore",
        icon=":material/image:",
    )
