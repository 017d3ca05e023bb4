"""Exports: CSV cells that a spreadsheet would run are neutralized; chart PNGs are valid,
2x scale, titled and stamped, on white; people are hidden in presenting exports."""

from __future__ import annotations

import copy
import csv
import io
import struct

import altair as alt
import numpy as np
import pandas as pd
import pytest

from portfolio.redact import anonymize_table
from ui import display, theme

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


# --- CSV ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("  =1+1", "'  =1+1"),  # leading spaces do not make it safe
        ("\u00a0=1+1", "'\u00a0=1+1"),
        ("＝1+1", "'＝1+1"),  # full-width equals sign
        ("-", "'-"),
        ("Support macros", "Support macros"),
        ("a=b", "a=b"),  # only the first character matters
        ("email@corp.example", "email@corp.example"),
        ("", ""),
    ],
)
def test_neutralize_text(cell, expected):
    assert display.neutralize_text(cell) == expected


@pytest.mark.parametrize("number", [-5, -0.5, 3, 1e6, np.int64(-7), np.float64(-1.5)])
def test_numbers_stay_numbers(number):
    assert display.neutralize_text(number) is number


def test_neutralize_frame_by_column_type():
    frame = pd.DataFrame(
        {
            "name": pd.Series(["=cmd()", "Bot"], dtype="string"),
            "loose": pd.Series(["@x", -4], dtype=object),  # text and numbers mixed
            "cost": [-50.0, 20.0],
            "users": pd.Series([-1, pd.NA], dtype="Int64"),
            "started": pd.to_datetime(["2026-01-05", None]),
            "reasons": [["=bad", "ok"], []],
            "=header": ["x", None],
        }
    )
    out = display.neutralize(frame)
    assert out["name"].tolist() == ["'=cmd()", "Bot"]
    assert out["loose"].tolist() == ["'@x", -4]
    assert out["cost"].tolist() == [-50.0, 20.0]
    assert out["users"].iloc[0] == -1
    assert out["started"].iloc[0] == pd.Timestamp("2026-01-05")
    assert out["reasons"].tolist() == ["'=bad; ok", ""]
    assert list(out.columns)[-1] == "'=header"
    assert frame["name"].iloc[0] == "=cmd()"  # the shown frame is not changed


def test_csv_download_round_trip():
    frame = pd.DataFrame(
        {
            "id": ["AI-1", "AI-2", "AI-3"],
            "name": ['=IMPORTXML("http://evil")', "Invoice matcher", "+SUM(1)"],
            "notes": ["@admin", "-", "fine"],
            "annual_cost": [-100.0, 2500.0, None],
        }
    )
    rows = list(csv.reader(io.StringIO(display.to_csv(frame).decode("utf-8"))))
    assert rows == [
        ["id", "name", "notes", "annual_cost"],
        ["AI-1", '\'=IMPORTXML("http://evil")', "'@admin", "-100.0"],
        ["AI-2", "Invoice matcher", "'-", "2500.0"],
        ["AI-3", "'+SUM(1)", "fine", ""],
    ]
    # No cell of the file starts with a formula character any more (numbers aside).
    for row in rows[1:]:
        for cell in row[:3]:
            assert not cell.startswith(("=", "+", "-", "@"))


def test_presenting_csv_holds_teams_not_people():
    frame = pd.DataFrame(
        {
            "id": ["AI-1"],
            "team": ["Harbour Ops"],
            "owner": ["Zebulon Quartermaine"],
            "notes": ["ask Zebulon"],
        }
    )
    text = display.to_csv(anonymize_table(frame)).decode("utf-8")
    assert "Zebulon" not in text
    assert "Harbour Ops team" in text


# --- PNG ----------------------------------------------------------------------------------

WIDTH, HEIGHT = 300, 120


def _bars() -> alt.LayerChart:
    frame = pd.DataFrame({"verdict": ["adopted", "stalled"], "count": [3, 1]})
    base = alt.Chart(frame, title="Chart's own title").encode(
        y=alt.Y("verdict:N"), x=alt.X("count:Q")
    )
    return alt.layer(base.mark_bar(), base.mark_text(dx=4).encode(text="count:Q")).properties(
        width=WIDTH, height=HEIGHT
    )


def test_png_is_twice_the_chart_as_exported():
    import vl_convert as vlc

    chart = _bars()
    png = display.png_bytes(chart, title="Verdicts", stamp="As of 2 Jun 2026")
    spec = display.export_spec(chart, title="Verdicts", stamp="As of 2 Jun 2026")
    once = vlc.vegalite_to_png(spec, scale=1)
    width, height = png_size(png)
    assert (width, height) == tuple(2 * n for n in png_size(once))
    # The plot alone is 300x120 at 1x; axes, title and stamp only add to it.
    assert width > 2 * WIDTH
    assert height > 2 * HEIGHT


def test_export_spec_titles_stamps_and_whitens():
    spec = display.export_spec(_bars(), title="Verdicts", stamp="As of 2 Jun 2026")
    assert spec["title"] == {"text": "Verdicts", "subtitle": "As of 2 Jun 2026", "anchor": "start"}
    assert all("title" not in layer for layer in spec["layer"])  # one title, not two
    assert spec["config"]["background"] == theme.PAPER
    assert spec["config"]["axis"]["labelColor"] == theme.INK
    assert spec["config"]["title"]["subtitleColor"] == theme.SUBTLE_INK


def test_export_gives_a_page_wide_chart_a_width():
    frame = pd.DataFrame({"a": [1, 2]})
    chart = alt.Chart(frame).mark_bar().encode(x="a:Q")  # on screen it takes the page's width
    spec = display.export_spec(chart, title="t", stamp="s")
    assert spec["width"] == display.EXPORT_WIDTH


def test_stamp_reaches_the_image():
    import vl_convert as vlc

    spec = display.export_spec(_bars(), title="Verdicts", stamp="As of 2 Jun 2026")
    svg = vlc.vegalite_to_svg(spec)
    assert "As of 2 Jun 2026" in svg
    assert "Verdicts" in svg
    assert "Chart&apos;s own title" not in svg and "Chart's own title" not in svg


@pytest.mark.parametrize(
    ("height", "expected"),
    [
        (None, 360),  # no height: grown from the minimum, 240 x 1.5
        (100, display.PRESENT_MIN_HEIGHT),  # 150 after x1.5, raised to the minimum
        (200, 300),
        (1000, display.PRESENT_MAX_HEIGHT),  # kept within one screen
    ],
)
def test_presenting_charts_fit_a_16_9_screen(height, expected):
    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x="a:Q")
    if height is not None:
        chart = chart.properties(height=height)
    assert display.fit_for_screen(chart).height == expected


def test_compositions_keep_their_size():
    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x="a:Q")
    both = alt.hconcat(chart, chart)
    assert display.fit_for_screen(both) is both


def test_export_from_a_screen_spec_whitens_a_copy():
    screen = display.screen_spec(_bars(), present=True)
    before = copy.deepcopy(screen)
    spec = display.export_spec(screen, title="Verdicts", stamp="As of 2 Jun 2026")
    assert screen == before  # a cached screen spec is shared: the export must not touch it
    assert spec["title"]["subtitle"] == "As of 2 Jun 2026"
    assert all("title" not in layer for layer in spec["layer"])
    assert spec["config"]["background"] == theme.PAPER
    assert spec["config"]["axis"]["labelFontSize"] == theme.LABEL_SIZE  # paper type, not 1.5x
    import vl_convert as vlc

    assert "As of 2 Jun 2026" in vlc.vegalite_to_svg(spec)
