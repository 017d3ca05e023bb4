"""One look for every chart: fonts, sizes and colour-blind-safe scales for statuses and verdicts.

`use()` registers the look as the Altair theme "groundtruth" and enables it, so every chart
built anywhere gets it when it is turned into a spec (Streamlit keeps an enabled custom theme).
`theme_config(present=True)` is the larger type of presentation mode, which
`ui.display.screen_spec` sets on each chart's spec; `export_config()` is the same look on
white paper, for PNG exports and the slide.

Colours come from the Okabe-Ito palette, which stays distinguishable under the common
colour-vision deficiencies; every chart also labels its marks, and statuses carry a shape
and a word next to their colour, so colour is never the only cue. The browser theme sets no
text colour: Streamlit gives axis and legend text a colour that suits its light or dark
background, and ours would override it.

>>> use()                                        # doctest: +SKIP
>>> alt.Chart(frame).mark_bar().to_dict()["config"]["axis"]["labelFontSize"]  # doctest: +SKIP
13
"""

from __future__ import annotations

from typing import Any

import altair as alt

from portfolio import schema
from portfolio.metrics.base import NO_STATUS

THEME_NAME = "groundtruth"
# Streamlit's own web font first, so charts and page text match; then fonts a server
# rendering PNGs is likely to have.
FONT = '"Source Sans", "Source Sans Pro", Inter, "Liberation Sans", Helvetica, Arial, sans-serif'
LABEL_SIZE = 13
TITLE_SIZE = 16
SUBTITLE_SIZE = 13
PRESENT_SCALE = 1.5  # type grows by this factor in presentation mode
LABEL_LIMIT = 260  # px before an axis label is cut with an ellipsis

STATUS_COLORS = {
    schema.Status.GREEN: "#009E73",
    schema.Status.AMBER: "#E69F00",
    schema.Status.RED: "#D55E00",
    NO_STATUS: "#999999",
}
# A second cue for status besides colour, in text for labels and tables: "▲ Amber".
STATUS_MARKERS = {
    schema.Status.GREEN: "●",
    schema.Status.AMBER: "▲",
    schema.Status.RED: "■",
    NO_STATUS: "◆",
}
VERDICT_COLORS = {
    schema.Verdict.ADOPTED: "#009E73",
    schema.Verdict.UNPROVEN: "#56B4E9",
    schema.Verdict.STALLED: "#E69F00",
    schema.Verdict.REVERTED: "#CC79A7",
    schema.Verdict.ABANDONED: "#D55E00",
}
VERDICT_LABELS = {
    schema.Verdict.ADOPTED: "Adopted",
    schema.Verdict.UNPROVEN: "Unproven",
    schema.Verdict.STALLED: "Stalled",
    schema.Verdict.REVERTED: "Reverted",
    schema.Verdict.ABANDONED: "Abandoned",
}
# Okabe-Ito, for categories that are neither statuses nor verdicts (teams, tools, ...).
CATEGORY_COLORS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
NEUTRAL = "#2563eb"
MUTED = "#94a3b8"
# Text on the colours above reads best in near-black (contrast >= 4.5:1 on every one of
# them), so labels drawn on top of a coloured bar use it in light and dark mode alike.
ON_COLOR_TEXT = "#111111"
# Paper and ink of exported images, which are always light.
PAPER = "#ffffff"
INK = "#0f172a"
SUBTLE_INK = "#475569"


def status_label(status: object) -> str:
    """A status as shape and word: status_label("Amber") -> '▲ Amber'; None -> '◆ No status'."""
    name = status if isinstance(status, str) and status in STATUS_COLORS else NO_STATUS
    return f"{STATUS_MARKERS[name]} {name}"


def verdict_scale() -> alt.Scale:
    """Colour scale for the five verdicts, in schema.VERDICTS order."""
    return alt.Scale(domain=list(VERDICT_COLORS), range=list(VERDICT_COLORS.values()))


def theme_config(*, present: bool = False) -> dict[str, Any]:
    """The Vega-Lite `config` of the shared look; type 1.5x larger when presenting.

    >>> theme_config(present=True)["axis"]["labelFontSize"]
    19.5
    """
    scale = PRESENT_SCALE if present else 1.0
    label = LABEL_SIZE * scale
    return {
        "font": FONT,
        "axis": {
            "labelFontSize": label,
            "titleFontSize": label,
            "labelLimit": LABEL_LIMIT * scale,
            "grid": False,
        },
        "legend": {
            "labelFontSize": label,
            "titleFontSize": label,
            "symbolSize": 120 * scale,
            "labelLimit": LABEL_LIMIT * scale,
        },
        "header": {"labelFontSize": label, "titleFontSize": label},
        "title": {
            "fontSize": TITLE_SIZE * scale,
            "subtitleFontSize": SUBTITLE_SIZE * scale,
            "anchor": "start",
        },
        "text": {"fontSize": label},
        "range": {"category": list(CATEGORY_COLORS)},
        "view": {"stroke": None},
    }


def export_config(*, present: bool = False) -> dict[str, Any]:
    """`theme_config` on white paper with dark ink, for images that leave the browser."""
    config = theme_config(present=present)
    config["background"] = PAPER
    for part in ("axis", "legend", "header"):
        config[part] = {**config[part], "labelColor": INK, "titleColor": INK}
    config["title"] = {**config["title"], "color": INK, "subtitleColor": SUBTLE_INK}
    config["text"] = {**config["text"], "color": INK}
    return config


def _theme() -> dict[str, Any]:
    return {"config": theme_config()}


def use() -> None:
    """Register the shared look as the Altair theme "groundtruth" and enable it (idempotent)."""
    if alt.theme.active == THEME_NAME:
        return  # the usual case; `names()` below reads the installed packages' entry points
    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(_theme)
    alt.theme.enable(THEME_NAME)
