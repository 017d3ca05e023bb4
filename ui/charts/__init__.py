"""Chart builders: each takes a small, already-aggregated DataFrame and returns an `alt.Chart`.

Pages display them; nothing here calls Streamlit. Aggregate before charting: these
functions are never handed row-level usage. `basic` holds the general bars and lines,
`verdicts` the charts of Watermelons, Stalled & reverted and The edges, `usage` those of
Daily tools and Trends; pages use this package: `charts.survival_bars(...)`.
"""

from ui.charts.basic import bars, fit_height, stacked_bars, weekly_line
from ui.charts.usage import FREQUENCY_COLORS, frequency_bars, heatmap, trend_lines
from ui.charts.verdicts import (
    TEXT_COLOR,
    bars_height,
    survival_bars,
    tally_bars,
    timeline,
    verdict_split,
    weekly_evidence,
)

__all__ = [
    "FREQUENCY_COLORS",
    "TEXT_COLOR",
    "bars",
    "bars_height",
    "fit_height",
    "frequency_bars",
    "heatmap",
    "stacked_bars",
    "survival_bars",
    "tally_bars",
    "timeline",
    "trend_lines",
    "verdict_split",
    "weekly_evidence",
    "weekly_line",
]
