"""Images are drawn in a worker process: any text draws, a crash or an overrun is a message.

vl-convert panics on a character XML 1.0 cannot hold, and the panic aborts the process that
called it (exit -6): a name with a vertical tab once stopped the server for everyone. Every
text is cleaned on its way to vl-convert, and the drawing happens in a worker whose death,
overrun or memory bomb comes back as a `RenderError` while the caller carries on.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys

import altair as alt
import pandas as pd
import pytest

from tests.apptest_support import ROOT, write_csv_workbook
from ui import display, rendering, slide

AS_OF = pd.Timestamp("2026-06-01")
# Each class of character XML 1.0 cannot hold, and what a chart shows instead.
NOT_XML = {
    "NUL": ("Bot\x00one", "Botone"),
    "BEL": ("Bot\x07one", "Botone"),
    "backspace": ("Bot\x08one", "Botone"),
    "vertical tab": ("Bot\x0bone", "Bot one"),
    "form feed": ("Bot\x0cone", "Bot one"),
    "ESC sequence": ("Bot\x1b[2Jone", "Bot[2Jone"),
    "unit separator": ("Bot\x1fone", "Botone"),
    "U+FFFE": ("Bot\ufffeone", "Botone"),
    "U+FFFF": ("Bot\uffffone", "Botone"),
    "lone surrogate": ("Bot\ud800one", "Bot\ufffdone"),
}
KEPT = ["tab\there", "two\nlines\r\n", "Tomás · 東京 🎉", "\x7f\x85 C1 is XML", ""]


def _bars(name: str) -> alt.Chart:
    frame = pd.DataFrame({"initiative": [name, "Other"], "users": [3, 1]})
    return alt.Chart(frame, title=name).mark_bar().encode(y="initiative:N", x="users:Q")


def _spec(**size) -> dict:
    return {
        "data": {"values": [{"a": "x", "b": 1}]},
        "mark": "bar",
        "encoding": {
            "y": {"field": "a", "type": "nominal"},
            "x": {"field": "b", "type": "quantitative"},
        },
        **size,
    }


@pytest.mark.parametrize(("text", "expected"), NOT_XML.values(), ids=NOT_XML.keys())
def test_xml_text_replaces_what_xml_cannot_hold(text, expected):
    assert rendering.xml_text(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_xml_text_keeps_what_xml_holds(text):
    assert rendering.xml_text(text) == text


def test_strict_turns_nan_and_infinity_into_null():
    spec = {"sort": [math.nan, "b", math.inf], "scale": {"domain": (-math.inf, 2.5)}, "n": 3}
    out = rendering.strict(spec)
    assert out == {"sort": [None, "b", None], "scale": {"domain": [None, 2.5]}, "n": 3}
    assert json.loads(rendering.to_json(spec)) == out
    assert spec["sort"][0] is not None and math.isnan(spec["sort"][0])  # a copy, not changed


def test_strict_for_xml_cleans_keys_and_values_alike():
    spec = {"data": {"values": [{"a\x0b": "x\x00"}]}, "encoding": {"y": {"field": "a\x0b"}}}
    out = rendering.strict(spec, xml=True)
    assert out == {"data": {"values": [{"a ": "x"}]}, "encoding": {"y": {"field": "a "}}}


# pandas (Arrow-backed text) and so Altair cannot hold a lone surrogate: those reach a spec
# only as plain Python text, drawn straight from a dict below.
IN_FRAMES = {k: v for k, v in NOT_XML.items() if k != "lone surrogate"}


@pytest.mark.parametrize(("text", "expected"), IN_FRAMES.values(), ids=IN_FRAMES.keys())
def test_a_chart_export_draws_any_text(text, expected):
    # Before the worker and the cleaning, this aborted the test process itself (exit -6).
    png = display.png_bytes(_bars(text), title=f"Users of {text}", stamp="As of 1 Jun 2026")
    assert png.startswith(rendering.PNG_SIGNATURE)


@pytest.mark.parametrize(("text", "expected"), NOT_XML.values(), ids=NOT_XML.keys())
def test_a_spec_draws_any_text_as_svg(text, expected):
    spec = _spec(title=f"[{text}]")
    spec["data"]["values"][0]["a"] = text
    svg = rendering.vegalite_to_svg(spec)
    assert f"[{expected}]" in svg


def test_the_slide_draws_any_text_in_names_and_teams():
    names = [text for text, _ in IN_FRAMES.values()]
    frame = pd.DataFrame(
        {
            "id": [f"A{i}" for i in range(len(names))],
            "name": names,
            "team": list(reversed(names)),
            "origin": "Grassroots",
            "reported_status": "Green",
            "verdict": ["reverted", "adopted", "stalled"] * (len(names) // 3),
            "watermelon": [True, False, True] * (len(names) // 3),
            "annual_cost": 1000.0,
            "recent_mean": 12.0,
        }
    )
    svg = rendering.vegalite_to_svg(slide.spec(frame, as_of=AS_OF))
    assert "Bot one" in svg  # the vertical tab became a space
    assert slide.png_size(slide.render(frame, as_of=AS_OF)) == (1920, 1080)


def test_a_spec_that_needs_too_much_memory_is_a_message_and_the_next_image_draws(monkeypatch):
    monkeypatch.setenv(rendering.MEMORY_ENV, "1024")
    rendering.stop()  # the next worker starts with this cap
    # 40,000 x 40,000 px at 2x: a 6 GB canvas. The cap refuses it; the worker aborts.
    with pytest.raises(rendering.RenderError, match="more memory than the 1024 MB allowed"):
        rendering.vegalite_to_png(_spec(width=20_000, height=20_000), scale=2)
    assert rendering.worker_pid() is None  # stopped, not left half-dead
    assert rendering.vegalite_to_png(_spec()).startswith(rendering.PNG_SIGNATURE)


def test_a_long_label_with_emoji_is_drawn():
    # Vega shortens the label to its labelLimit one UTF-16 unit at a time; half an emoji
    # made vl-convert refuse the whole chart ("Failed to deserialize text info").
    name = "Launch helper " + "🚀" * 40
    png = display.png_bytes(_bars(name), title=f"Users of {name}", stamp="As of 1 Jun 2026")
    assert png.startswith(rendering.PNG_SIGNATURE)


def test_xml_text_can_replace_what_lies_beyond_u_ffff():
    assert rendering.xml_text("ok 🚀 東京") == "ok 🚀 東京"
    assert rendering.xml_text("ok 🚀 東京\x0b", astral=False) == "ok \ufffd 東京 "


def test_a_worker_that_panics_is_a_message_and_is_replaced():
    rendering.vegalite_to_png(_spec())
    # What the cleaning exists for, sent around it: vl-convert panics on the vertical tab.
    raw = json.dumps({"op": "vegalite_to_png", "spec": _spec(title="a\x0bb")}).encode()
    with pytest.raises(rendering.RenderError, match="NonXmlChar"):
        rendering._WORKER.call_raw(raw, timeout=rendering.RENDER_TIMEOUT_S)
    assert rendering.worker_pid() is None
    assert rendering.vegalite_to_png(_spec()).startswith(rendering.PNG_SIGNATURE)


def test_a_killed_worker_is_replaced_for_the_next_image():
    rendering.vegalite_to_png(_spec())
    pid = rendering.worker_pid()
    assert pid is not None and pid != os.getpid()
    os.kill(pid, signal.SIGKILL)
    assert rendering.vegalite_to_png(_spec()).startswith(rendering.PNG_SIGNATURE)
    assert rendering.worker_pid() not in (None, pid)


def test_an_overrun_is_stopped_with_a_message():
    with pytest.raises(rendering.RenderError, match=r"longer than 0\.001 s"):
        rendering.vegalite_to_png(_spec(), timeout=0.001)
    assert rendering.worker_pid() is None
    assert rendering.vegalite_to_png(_spec()).startswith(rendering.PNG_SIGNATURE)


def test_a_spec_vl_convert_refuses_is_a_message_and_the_worker_stays():
    rendering.vegalite_to_png(_spec())
    pid = rendering.worker_pid()
    with pytest.raises(rendering.RenderError, match="refused the chart"):
        rendering.vegalite_to_png({"mark": {"type": "no-such-mark"}})
    assert rendering.worker_pid() == pid


@pytest.mark.parametrize("value", ["lots", "-1", "0", "nan"])
def test_a_bad_setting_says_which(monkeypatch, value):
    monkeypatch.setenv(rendering.TIMEOUT_ENV, value)
    with pytest.raises(rendering.RenderError, match=rendering.TIMEOUT_ENV):
        rendering.vegalite_to_png(_spec())


# -- cli.py slide, as a terminal runs it -----------------------------------------------------

HOSTILE_WORKBOOK = {
    "Initiatives": [
        ["id", "name", "team", "origin", "reported_status", "stage", "started", "annual_cost"],
        ["AI-1", "Bot\x0bone", "Ops\x0bteam", "Mandate", "Green", "Stalled", "2026-01-05", "900"],
        ["AI-2", "Nul\x00bot \x1b[2J\x07", "Fin\x0cance", "Grassroots", "Green", "Adopted",
         "2026-02-02", ""],
        ["AI-3", "Odd\ufffe\uffff", "Ops", "Grassroots", "Amber", "Reverted", "2026-02-02", "50"],
    ],
    "Usage": [
        ["initiative_id", "week", "active_users"],
        *[["AI-2", f"2026-{m:02d}-0{d}", "20"] for m in (3, 4, 5) for d in (2, 9)],
    ],
    "Settings": [["key", "value"], ["as_of", "2026-06-01"]],
}  # fmt: skip


def _cli(tmp_path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        cwd=tmp_path,
        env={**os.environ, "HOME": str(tmp_path), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow  # a process of its own, which starts its own worker
def test_cli_slide_on_names_with_control_characters_writes_the_png(tmp_path):
    workbook = write_csv_workbook(tmp_path / "workbook", HOSTILE_WORKBOOK)
    out = tmp_path / "deck.png"
    done = _cli(tmp_path, "slide", "--source", str(workbook), "--out", str(out))
    # Before: vl-convert's panic aborted the CLI (exit -6) and wrote nothing.
    assert done.returncode == 0, done.stderr[-2000:]
    assert slide.png_size(out.read_bytes()) == (1920, 1080)
    assert "Traceback" not in done.stderr


def test_cli_slide_that_cannot_be_drawn_says_why_and_exits_4(tmp_path):
    workbook = write_csv_workbook(tmp_path / "workbook", HOSTILE_WORKBOOK)
    out = tmp_path / "deck.png"
    # Too little memory for vl-convert's engine even to start: the worker dies at once.
    done = _cli(
        tmp_path,
        "slide",
        "--source",
        str(workbook),
        "--out",
        str(out),
        env={rendering.MEMORY_ENV: "64"},
    )
    assert done.returncode == 4
    assert "error: The image could not be drawn: it needs more memory" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"], ids=["U+2028", "U+2029"])
def test_a_line_separator_in_a_sorted_label_is_drawn(separator):
    # Vega-Lite compiles the sort order into an expression, which Vega could not parse
    # ("Unexpected token ILLEGAL"): in the browser a red error box, here a refused chart.
    label = f"Ops{separator}team"
    chart = _bars(label).encode(y=alt.Y("initiative:N", sort=[label, "Other"]))
    spec = display.screen_spec(chart)
    assert spec["encoding"]["y"]["sort"] == ["Ops team", "Other"]
    png = display.png_bytes(chart, title="Users", stamp="As of 1 Jun 2026")
    assert png.startswith(rendering.PNG_SIGNATURE)


@pytest.mark.parametrize("where", ["title", "sort"])
def test_a_text_that_is_exactly_if_is_drawn(where):
    # Vega reads a title or sort value of exactly "if" as a signal name and refuses the chart
    # ("Unrecognized signal name"), on screen and in vl-convert alike.
    sort = ["if", "Other"] if where == "sort" else ["Other", "if"]
    chart = _bars("if").encode(y=alt.Y("initiative:N", sort=sort))
    title = "if" if where == "title" else "Users"
    png = display.png_bytes(chart, title=title, stamp="As of 1 Jun 2026")
    assert png.startswith(rendering.PNG_SIGNATURE)
    assert display.screen_spec(chart)["encoding"]["y"]["sort"] == [
        "if\u00a0" if s == "if" else s for s in sort
    ]
