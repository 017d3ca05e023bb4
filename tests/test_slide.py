"""The honest slide: its figures and lists from a small hand-checked portfolio, exactly
1920x1080 without a browser, no names of people, and `cli.py slide` writing it."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import cli
from portfolio import metrics
from ui import slide

AS_OF = pd.Timestamp("2026-06-01")
COLUMNS = (
    "id",
    "name",
    "team",
    "owner",
    "origin",
    "reported_status",
    "verdict",
    "watermelon",
    "annual_cost",
    "recent_mean",
)
ROWS = [
    # id, name, team, owner, origin, status, verdict, watermelon, cost, recent users
    ("A1", "Ticket triage", "Support", "Zebulon Quartermaine", "Mandate", "Green", "reverted",
     True, 50_000.0, 2.0),
    ("A2", "Forecast pilot", "Finance", "Zebulon Quartermaine", "Vendor", "Green", "stalled",
     True, 120_000.0, None),
    ("A3", "Contract search", "Legal", "Philippa Ravensworth", "Vendor", "Green", "abandoned",
     True, None, 0.0),
    ("A4", "Invoice matcher", "Finance", "Philippa Ravensworth", "Grassroots", "Green",
     "adopted", False, 1_000.0, 14.0),
    ("A5", "Macro helper", "Support", "Cressida Blackwood", "Grassroots", "Amber", "adopted",
     False, None, 30.0),
    ("A6", "Code review bot", "Support", "Cressida Blackwood", "Mandate", "Green", "adopted",
     False, 9_000.0, 80.0),
    ("A7", "Notes summaries", "Legal", "Cressida Blackwood", "Grassroots", "Red", "unproven",
     False, 5_000.0, None),
]  # fmt: skip


def assessed() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=COLUMNS)


def test_top_watermelons_costliest_first():
    top = slide.top_watermelons(assessed())
    assert top["label"].tolist() == [
        "Forecast pilot · Finance",
        "Ticket triage · Support",
        "Contract search · Legal",  # no stated cost: last
    ]
    assert top["annual_cost"].tolist() == [120_000.0, 50_000.0, 0.0]
    assert top["text"].tolist() == ["$120k · stalled", "$50k · reverted", "$0 · abandoned"]


def test_top_watermelons_are_limited():
    assert len(slide.top_watermelons(assessed(), limit=2)) == 2


def test_working_is_adopted_grassroots_most_used_first():
    works = slide.working(assessed())
    # A6 is adopted but a mandate; A7 is grassroots but unproven.
    assert works["label"].tolist() == ["Macro helper · Support", "Invoice matcher · Finance"]
    assert works["text"].tolist() == ["30 a week", "14 a week"]


def test_verdicts_by_team():
    counts = metrics.verdicts_by_team(assessed())
    got = {(r.team, r.verdict): r.count for r in counts.itertuples()}
    assert got == {
        ("Finance", "adopted"): 1,
        ("Finance", "stalled"): 1,
        ("Legal", "abandoned"): 1,
        ("Legal", "unproven"): 1,
        ("Support", "adopted"): 2,
        ("Support", "reverted"): 1,
    }


def test_figures():
    # 5 green (A1, A2, A3, A4, A6); 3 of them not real. Not adopted: 50k + 120k + 5k.
    assert slide.figures(assessed()) == [
        ("60%", "of the green is not real (3 of 5)"),
        ("5", "initiatives green on the deck"),
        ("3", "adopted, of 7 initiatives"),
        ("$175k", "a year on what is not adopted"),
    ]


def test_long_labels_are_cut_and_repeats_numbered():
    frame = assessed()
    frame.loc[1, ["name", "team"]] = ["Ticket triage", "Support"]
    frame.loc[0, "name"] = "Ticket triage"
    labels = slide.top_watermelons(frame)["label"].tolist()
    assert labels[:2] == ["Ticket triage · Support", "Ticket triage · Support (2)"]
    long = slide._label("x" * 80, "Ops")
    assert len(long) == slide.LABEL_CHARS and long.endswith("…")


def test_spec_has_the_headline_and_the_date_and_no_owner():
    spec = slide.spec(assessed(), as_of=AS_OF, scope="team: Finance")
    text = json.dumps(spec, ensure_ascii=False)
    assert spec["title"]["text"] == (
        "5 initiatives are green on the deck; 3 of them have stalled or been dropped"
    )
    assert spec["title"]["subtitle"].startswith("As of 1 Jun 2026 · team: Finance")
    for person in ("Zebulon", "Quartermaine", "Philippa", "Cressida"):
        assert person not in text
    assert spec["config"]["background"] == "#ffffff"


def test_render_is_exactly_1920_by_1080():
    png = slide.render(assessed(), as_of=AS_OF)
    assert slide.png_size(png) == (1920, 1080)


@pytest.mark.parametrize(
    "rows",
    [
        [],  # nothing at all
        [r for r in ROWS if not r[7]],  # no watermelons
        [r for r in ROWS if r[4] != "Grassroots"],  # nothing working from the grassroots
    ],
    ids=["empty", "no-watermelons", "no-grassroots"],
)
def test_render_copes_with_missing_parts(rows):
    frame = pd.DataFrame(rows, columns=COLUMNS)
    assert slide.png_size(slide.render(frame, as_of=AS_OF)) == (1920, 1080)


def test_wrong_frame_says_what_to_pass():
    with pytest.raises(slide.SlideError, match=r"evidence\.assess"):
        slide.build(pd.DataFrame({"id": ["A1"]}), as_of=AS_OF)


def test_png_size_rejects_other_files():
    with pytest.raises(slide.SlideError):
        slide.png_size(b"GIF89a....")


def test_cli_slide_writes_the_png(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "deck.png"
    assert cli.main(["slide", "--source", "sample", "--out", str(out)]) == cli.EXIT_OK
    assert slide.png_size(out.read_bytes()) == (1920, 1080)
    assert "deck.png (1920x1080)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "deck.jpg"], "must end in .png"),
        (["--out", "missing/deck.png"], "does not exist"),
        (["--out", "deck.png", "--as-of", "June"], "is not a date"),
    ],
)
def test_cli_slide_bad_arguments(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["slide", "--source", "sample", *args]) == cli.EXIT_USAGE
    assert message in capsys.readouterr().err
