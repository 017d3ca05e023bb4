"""The honest slide: one 1920x1080 PNG for a board deck, drawn without a browser.

`build(assessed, as_of=...)` returns one Vega-Lite composition: the headline, the theater
gap and three other figures, verdict counts by team, the costliest watermelons and what is
working (adopted grassroots initiatives), stamped with the as-of date. `render(...)` turns
it into PNG bytes of exactly SLIDE_WIDTH x SLIDE_HEIGHT with vl-convert, in ui.rendering's
worker process: the composition is drawn as SVG, then placed, scaled to fit, on a white
page of the slide's size.

It reads only initiative names, teams and figures, never an owner or author; callers pass
the redacted verdicts (portfolio.redact) so a person's name inside an initiative's name is
hidden too. Nothing here imports Streamlit, so `cli.py slide` uses it as the page does.

>>> png = render(assessed, as_of=pd.Timestamp("2026-06-02"))  # doctest: +SKIP
>>> png_size(png)                                              # doctest: +SKIP
(1920, 1080)
"""

from __future__ import annotations

import re
import struct
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from portfolio import metrics, schema
from portfolio.evidence import evidence_line
from ui import format as fmt
from ui import rendering, theme

SLIDE_WIDTH = 1920
SLIDE_HEIGHT = 1080
MARGIN = 48  # px of white round the composition
TOP_ITEMS = 8  # watermelons and working initiatives listed
LABEL_CHARS = 42  # an initiative's label is cut to this many characters
LABEL_LIMIT = 330  # px of an initiative label on the slide
PANEL_WIDTH = 360  # px of each of the three bottom panels' plot area
PANEL_HEIGHT = 560
TILE_WIDTH = 400
TILE_HEIGHT = 120
HEADLINE_SIZE = 44
SUBTITLE_SIZE = 24
FIGURE_SIZE = 64
FIGURE_LABEL_SIZE = 20
PANEL_TITLE_SIZE = 26
PANEL_TEXT_SIZE = 18
EMPTY_TEXT_SIZE = 22
LABEL_ROOM = 1.6  # the value axis reaches 1.6x the longest bar, leaving room for its label
SOURCE_LINE = "Ground Truth · evidence, not status reports"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class SlideError(Exception):
    """The slide cannot be drawn from what the sheet holds."""


def file_name(as_of: pd.Timestamp) -> str:
    """'ground-truth-2026-06-02.png'."""
    return f"ground-truth-{pd.Timestamp(as_of):%Y-%m-%d}.png"


def _label(name: str, team: object) -> str:
    text = f"{name} · {team}" if isinstance(team, str) and team else name
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _unique(labels: list[str]) -> list[str]:
    # Two initiatives of the same name and team would share a bar; number the repeats.
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _labels(rows: pd.DataFrame) -> list[str]:
    """Each row's bar label: name · team, cut to fit, repeats numbered."""
    return _unique([_label(n, t) for n, t in zip(rows["name"], rows["team"], strict=True)])


def _largest(
    rows: pd.DataFrame, values: pd.Series, *, limit: int
) -> tuple[pd.DataFrame, pd.Series]:
    """The `limit` rows of largest `values` (blank counts as 0; ties in the sheet's order),
    with their values."""
    numbers = pd.to_numeric(values, errors="coerce").fillna(0.0)
    # By position: ids may be blank or repeated, so they cannot pick rows.
    order = np.argsort(-numbers.to_numpy(dtype=float), kind="stable")[:limit]
    return rows.iloc[order], numbers.iloc[order]


def top_watermelons(assessed: pd.DataFrame, *, limit: int = TOP_ITEMS) -> pd.DataFrame:
    """The costliest watermelons first: columns label, annual_cost, verdict, text.

    Blank costs count as 0 and sort last; ties keep the sheet's order.
    """
    melons = assessed[assessed["watermelon"].fillna(False).astype(bool)]
    top, costs = _largest(melons, melons["annual_cost"], limit=limit)
    return pd.DataFrame(
        {
            "label": _labels(top),
            "annual_cost": costs.to_numpy(dtype=float),
            "verdict": top["verdict"].astype(str).to_numpy(),
            "text": [
                f"{fmt.money(c)} · {v}"
                for c, v in zip(costs, top["verdict"].astype(str), strict=True)
            ],
        }
    )


def working(assessed: pd.DataFrame, *, limit: int = TOP_ITEMS) -> pd.DataFrame:
    """Adopted grassroots initiatives, most used first: columns label, users, text.

    `users` is the mean weekly active users of the recent weeks (the evidence of adoption).
    """
    adopted = assessed[
        (assessed["verdict"] == schema.Verdict.ADOPTED).fillna(False)
        & (assessed["origin"] == schema.Origin.GRASSROOTS).fillna(False)
    ]
    top, used = _largest(adopted, adopted["recent_mean"], limit=limit)
    return pd.DataFrame(
        {
            "label": _labels(top),
            "users": used.to_numpy(dtype=float),
            "text": [f"{fmt.integer(u)} a week" for u in used],
        }
    )


def figures(assessed: pd.DataFrame) -> list[tuple[str, str]]:
    """The four big numbers of the slide as (value, what it means), theater gap first."""
    gap = metrics.theater_gap(assessed)
    adopted = int((assessed["verdict"] == schema.Verdict.ADOPTED).fillna(False).sum())
    return [
        (
            fmt.percent(gap.share),
            f"of the green is not real ({gap.green_not_real} of {gap.green})",
        ),
        (fmt.integer(gap.green), "initiatives green on the deck"),
        (fmt.integer(adopted), f"adopted, of {fmt.plural(len(assessed), 'initiative')}"),
        (fmt.money(metrics.spend_not_adopted(assessed)), "a year on what is not adopted"),
    ]


def _message(text: str, *, width: int, height: int) -> alt.Chart:
    return (
        alt.Chart(pd.DataFrame({"text": [text]}))
        .mark_text(fontSize=EMPTY_TEXT_SIZE, color=theme.SUBTLE_INK, align="center")
        .encode(text="text:N")
        .properties(width=width, height=height)
    )


def _tile(value: str, label: str) -> alt.LayerChart:
    frame = pd.DataFrame({"value": [value], "label": [label]})
    base = alt.Chart(frame).properties(width=TILE_WIDTH, height=TILE_HEIGHT)
    number = base.mark_text(
        fontSize=FIGURE_SIZE, fontWeight="bold", color=theme.INK, align="left", baseline="top"
    ).encode(text="value:N", x=alt.value(0), y=alt.value(0))
    words = base.mark_text(
        fontSize=FIGURE_LABEL_SIZE, color=theme.SUBTLE_INK, align="left", baseline="top"
    ).encode(text="label:N", x=alt.value(0), y=alt.value(FIGURE_SIZE + 12))
    return alt.layer(number, words)


def _panel_title(text: str) -> alt.TitleParams:
    return alt.TitleParams(text, fontSize=PANEL_TITLE_SIZE, anchor="start", color=theme.INK)


def _team_panel(counts: pd.DataFrame) -> alt.TopLevelMixin:
    title = _panel_title("Verdicts by team")
    if counts.empty:
        return _message("No initiatives", width=PANEL_WIDTH, height=PANEL_HEIGHT).properties(
            title=title
        )
    order = list(schema.VERDICTS)
    rank = {v: i for i, v in enumerate(order)}
    frame = counts.assign(rank=counts["verdict"].map(rank))
    base = alt.Chart(frame, title=title).encode(
        y=alt.Y("team:N", title=None, sort="-x"),
        x=alt.X(
            "sum(count):Q",
            title="Initiatives",
            stack="zero",
            axis=alt.Axis(tickMinStep=1, format="d"),
        ),
        order=alt.Order("rank:Q"),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "verdict:N",
            scale=theme.verdict_scale(),
            sort=order,
            title=None,
            legend=alt.Legend(orient="bottom", direction="horizontal", labelFontSize=16),
        )
    )
    labels = base.mark_text(
        align="right", dx=-6, color=theme.ON_COLOR_TEXT, fontSize=PANEL_TEXT_SIZE
    ).encode(
        x=alt.X("sum(count):Q", stack="zero", bandPosition=1),
        text=alt.Text("sum(count):Q", format=",.0f"),
    )
    return alt.layer(bars, labels).properties(width=PANEL_WIDTH, height=PANEL_HEIGHT)


def _bar_panel(
    frame: pd.DataFrame,
    *,
    title: str,
    value: str,
    value_title: str,
    empty: str,
    color: alt.Color | alt.ValueChannelMixin,
) -> alt.TopLevelMixin:
    heading = _panel_title(title)
    if frame.empty:
        return _message(empty, width=PANEL_WIDTH, height=PANEL_HEIGHT).properties(title=heading)
    # Room to the right of the longest bar for its label.
    longest = float(frame[value].max()) or 1.0
    base = alt.Chart(frame, title=heading).encode(
        y=alt.Y(
            "label:N", title=None, sort=list(frame["label"]), axis=alt.Axis(labelLimit=LABEL_LIMIT)
        ),
        x=alt.X(
            f"{value}:Q",
            title=value_title,
            scale=alt.Scale(domain=[0, longest * LABEL_ROOM]),
            axis=None,
        ),
    )
    bars = base.mark_bar().encode(color=color)
    labels = base.mark_text(align="left", dx=6, fontSize=PANEL_TEXT_SIZE, color=theme.INK).encode(
        text="text:N"
    )
    return alt.layer(bars, labels).properties(width=PANEL_WIDTH, height=PANEL_HEIGHT)


def build(
    assessed: pd.DataFrame, *, as_of: pd.Timestamp, scope: str = "all initiatives"
) -> alt.VConcatChart:
    """The slide as one Vega-Lite composition (headline, figures, three panels)."""
    missing = {"name", "team", "verdict", "watermelon", "reported_status"} - set(assessed.columns)
    if missing:
        raise SlideError(
            f"The verdicts lack {', '.join(sorted(missing))}: pass the frame evidence.assess() "
            "returns."
        )
    tiles = alt.hconcat(*(_tile(v, label) for v, label in figures(assessed)), spacing=40)
    melons = top_watermelons(assessed)
    works = working(assessed)
    panels = alt.hconcat(
        _team_panel(metrics.verdicts_by_team(assessed)),
        _bar_panel(
            melons,
            title="Costliest watermelons (green on the deck)",
            value="annual_cost",
            value_title="Annual cost",
            empty="No watermelons: every green status has evidence",
            color=alt.Color("verdict:N", scale=theme.verdict_scale(), legend=None),
        ),
        _bar_panel(
            works,
            title="What is working: adopted grassroots",
            value="users",
            value_title="Weekly active users",
            empty="No adopted grassroots initiative yet",
            color=alt.value(theme.VERDICT_COLORS[schema.Verdict.ADOPTED]),
        ),
        spacing=70,
    )
    subtitle = f"As of {fmt.day(as_of)} · {scope} · {evidence_line(assessed)} · {SOURCE_LINE}"
    return alt.vconcat(tiles, panels, spacing=56).properties(
        title=alt.TitleParams(
            metrics.headline(assessed),
            subtitle=subtitle,
            fontSize=HEADLINE_SIZE,
            subtitleFontSize=SUBTITLE_SIZE,
            anchor="start",
            offset=36,
        )
    )


def spec(
    assessed: pd.DataFrame, *, as_of: pd.Timestamp, scope: str = "all initiatives"
) -> dict[str, Any]:
    """The slide's Vega-Lite spec, in the export look (white paper, dark ink)."""
    chart = build(assessed, as_of=as_of, scope=scope)
    out = chart.to_dict()
    out["config"] = {**out.get("config", {}), **theme.export_config()}
    out["config"]["title"] = {
        **out["config"]["title"],
        "fontSize": HEADLINE_SIZE,
        "subtitleFontSize": SUBTITLE_SIZE,
    }
    out["config"]["axis"] = {**out["config"]["axis"], "labelFontSize": PANEL_TEXT_SIZE}
    return out


_SVG_SIZE = re.compile(r'<svg[^>]*?width="([\d.]+)"[^>]*?height="([\d.]+)"')


def _on_page(svg: str) -> str:
    """The drawing, scaled to fit inside the margins, on a white page of the slide's size."""
    match = _SVG_SIZE.search(svg)
    if match is None:
        raise SlideError("vl-convert returned an SVG without a size; cannot place it.")
    width, height = float(match.group(1)), float(match.group(2))
    inner = svg[svg.index(">", match.start()) + 1 : svg.rindex("</svg>")]
    room_w, room_h = SLIDE_WIDTH - 2 * MARGIN, SLIDE_HEIGHT - 2 * MARGIN
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SLIDE_WIDTH}" height="{SLIDE_HEIGHT}" '
        f'viewBox="0 0 {SLIDE_WIDTH} {SLIDE_HEIGHT}">'
        f'<rect width="{SLIDE_WIDTH}" height="{SLIDE_HEIGHT}" fill="{theme.PAPER}"/>'
        f'<svg x="{MARGIN}" y="{MARGIN}" width="{room_w}" height="{room_h}" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet">{inner}</svg>'
        "</svg>"
    )


def render(assessed: pd.DataFrame, *, as_of: pd.Timestamp, scope: str = "all initiatives") -> bytes:
    """The slide as PNG bytes, exactly 1920x1080.

    Drawn by vl-convert in a worker process (ui.rendering); raises rendering.RenderError,
    with what happened in words, when it cannot be drawn.
    """
    svg = rendering.vegalite_to_svg(spec(assessed, as_of=as_of, scope=scope))
    return rendering.svg_to_png(_on_page(svg), scale=1)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height read from a PNG's header (IHDR), without an imaging library."""
    if not png.startswith(PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise SlideError("Not a PNG image.")
    width, height = struct.unpack(">II", png[16:24])
    return width, height
