"""Tables drawn as static HTML: every cell whole and wrapped, readable without a click.

The interactive grid (st.dataframe) cuts a long cell at its column's edge and pushes the
columns that do not fit off-screen; a reason ("Reported Green, but weekly active users fell
92% from a peak of 225 …") is what the reader came for. `render()` turns a frame into an
HTML table whose text wraps inside the page's width, large when presenting. Every piece of
sheet text is HTML-escaped, so a cell can never become markup; the stylesheet is our own
fixed string.

Cells are formatted as the grid's column_config says (labels, "dollar", "%d", "D MMM YYYY",
percentages), so the same table reads the same in both forms:

>>> cells = pd.DataFrame({"name": ["<b>Bot</b>"], "cost": [50000.0]})
>>> dollars = {"label": "Annual cost", "type_config": {"type": "number", "format": "dollar"}}
>>> page = render(cells, column_config={"cost": dollars})
>>> "<td>&lt;b&gt;Bot&lt;/b&gt;</td>" in page, "$50,000" in page
(True, True)
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping

import pandas as pd

from ui import format as fmt

MISSING = "—"
LIST_JOINER = "; "
# Our own stylesheet, a fixed string. Colours inherit the page's, so the table reads in the
# light and the dark theme; borders are translucent for the same reason.
STYLESHEET = """
.gt-table { width: 100%; overflow-x: auto; }
.gt-table table { width: 100%; border-collapse: collapse; font-size: 0.875rem; line-height: 1.4; }
.gt-table th, .gt-table td {
  text-align: left; vertical-align: top; padding: 0.35rem 0.6rem;
  border-bottom: 1px solid rgba(128, 128, 128, 0.25);
  white-space: normal; overflow-wrap: break-word;
}
.gt-table th { font-weight: 600; border-bottom: 2px solid rgba(128, 128, 128, 0.45); }
.gt-table .gt-num { text-align: right; white-space: nowrap; }
.gt-table .gt-wide { min-width: 12rem; }
.gt-table .gt-line { display: block; }
.gt-table .gt-line + .gt-line { margin-top: 0.25rem; }
.gt-table.gt-large table { font-size: 1.25rem; line-height: 1.45; }
.gt-table.gt-large th, .gt-table.gt-large td { padding: 0.55rem 0.8rem; }
"""


def _config(column_config: Mapping[str, object], column: str) -> tuple[str, str | None, str]:
    """(label, format, type) of a column as st.dataframe's column_config describes it."""
    config = column_config.get(column)
    if isinstance(config, str):
        return config, None, ""
    if isinstance(config, Mapping):
        kind = config.get("type_config") or {}
        return (
            str(config.get("label") or column),
            kind.get("format") if isinstance(kind, Mapping) else None,
            str(kind.get("type", "")) if isinstance(kind, Mapping) else "",
        )
    return str(column), None, ""


def _number(value: float, number_format: str | None) -> str:
    if number_format == "dollar":  # whole dollars, as the grid shows them: "$50,000"
        return fmt.dollars(value)
    if number_format == "percent":
        return fmt.percent(value)
    if number_format and "%" in number_format:
        try:
            return number_format % value
        except (TypeError, ValueError):
            pass
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def cell_text(value: object, *, number_format: str | None = None) -> str:
    """One cell as the reader sees it, before escaping.

    cell_text(50000.0, number_format="dollar") -> '$50,000'; cell_text(None) -> '—';
    cell_text(["a", "b"]) -> 'a; b'; cell_text(True) -> 'yes'; a date -> '2 Mar 2026'.
    """
    if isinstance(value, list | tuple):
        return LIST_JOINER.join(cell_text(v) for v in value) or MISSING
    try:
        if value is None or bool(pd.isna(value)):
            return MISSING
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return fmt.yes_no(value)
    if isinstance(value, pd.Timestamp | dt.date | dt.datetime):
        return fmt.day(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number(float(value), number_format)
    if hasattr(value, "item"):  # numpy scalars
        return cell_text(value.item(), number_format=number_format)
    return str(value)


def _cell_html(value: object, number_format: str | None) -> str:
    """A cell escaped; a list (the reasons of a verdict) one item per line."""
    if isinstance(value, list | tuple) and len(value) > 1:
        return "".join(f'<span class="gt-line">{html.escape(cell_text(v))}</span>' for v in value)
    return html.escape(cell_text(value, number_format=number_format))


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def render(
    frame: pd.DataFrame,
    *,
    column_config: Mapping[str, object] | None = None,
    wide: Iterable[str] = (),
    large: bool = False,
) -> str:
    """The frame as an escaped, wrapping HTML table (with our stylesheet).

    `wide` names the long-text columns (reasons, fixes), which get room before the others;
    `large` is the type of presentation mode.
    """
    config = dict(column_config or {})
    wide = set(wide)
    head, classes, formats = [], [], []
    for column in frame.columns:
        label, number_format, _ = _config(config, str(column))
        css = []
        if _is_number(frame[column]):
            css.append("gt-num")
        if column in wide:
            css.append("gt-wide")
        attr = f' class="{" ".join(css)}"' if css else ""
        classes.append(attr)
        formats.append(number_format)
        head.append(f"<th{attr}>{html.escape(label)}</th>")
    body = []
    for row in frame.itertuples(index=False, name=None):
        cells = (
            f"<td{attr}>{_cell_html(value, number_format)}</td>"
            for value, attr, number_format in zip(row, classes, formats, strict=True)
        )
        body.append(f"<tr>{''.join(cells)}</tr>")
    size = " gt-large" if large else ""
    return (
        f"<style>{STYLESHEET}</style>"
        f'<div class="gt-table{size}"><table><thead><tr>{"".join(head)}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )
