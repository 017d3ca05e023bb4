"""One look for every chart: fonts, sizes and colour-blind-safe scales for statuses and verdicts.

Colours come from the Okabe-Ito palette, which stays distinguishable under the common
colour-vision deficiencies; every chart also labels its marks, so colour is never the only cue.
"""

from __future__ import annotations

import altair as alt

FONT = "Source Sans Pro, Inter, Helvetica, Arial, sans-serif"
LABEL_SIZE = 13
TITLE_SIZE = 16
PRESENT_SCALE = 1.5  # type grows by this factor in presentation mode

NO_STATUS = "No status"
STATUS_COLORS = {
    "Green": "#009E73",
    "Amber": "#E69F00",
    "Red": "#D55E00",
    NO_STATUS: "#999999",
}
VERDICT_COLORS = {
    "adopted": "#009E73",
    "unproven": "#56B4E9",
    "stalled": "#E69F00",
    "reverted": "#CC79A7",
    "abandoned": "#D55E00",
}
VERDICT_LABELS = {
    "adopted": "Adopted",
    "unproven": "Unproven",
    "stalled": "Stalled",
    "reverted": "Reverted",
    "abandoned": "Abandoned",
}
NEUTRAL = "#2563eb"
MUTED = "#94a3b8"


def status_scale() -> alt.Scale:
    return alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values()))


def verdict_scale() -> alt.Scale:
    return alt.Scale(domain=list(VERDICT_COLORS), range=list(VERDICT_COLORS.values()))


def configure(chart: alt.TopLevelMixin, *, present: bool = False) -> alt.TopLevelMixin:
    """Apply the shared fonts and sizes (larger in presentation mode)."""
    scale = PRESENT_SCALE if present else 1.0
    return (
        chart.configure(font=FONT)
        .configure_axis(
            labelFontSize=LABEL_SIZE * scale,
            titleFontSize=LABEL_SIZE * scale,
            labelLimit=260,
            grid=False,
        )
        .configure_legend(labelFontSize=LABEL_SIZE * scale, titleFontSize=LABEL_SIZE * scale)
        .configure_title(fontSize=TITLE_SIZE * scale, anchor="start")
        .configure_view(stroke=None)
    )
