"""Overview's "Next weekly digest": the digest teams receive, previewed with AppTest.

The workbook is week 2 of tests/digest_fixtures with week 1 in its StatusHistory tab, so the
preview lists what changed since the week of 9 Mar; names are on in the settings, and
presenting still takes them out.
"""

from __future__ import annotations

from tests import digest_fixtures as F
from tests.apptest_support import run_app

STATUS_HISTORY = [["week", "initiative_id", "reported_status", "stage"]] + [
    [F.MONDAY1, row[0], row[5], row[6]] for row in F.INITIATIVES[1:]
]


def _preview(tmp_path, monkeypatch, *, present: bool):
    cwd = tmp_path / "cwd" / ".streamlit"
    cwd.mkdir(parents=True)
    (cwd / "secrets.toml").write_text(
        '[groundtruth]\npublic_url = "https://gt.acme.example"\n\n'
        "[groundtruth.digest]\nnames = true\n"
    )
    tabs = {**F.week2_tabs(), "StatusHistory": STATUS_HISTORY}
    query = {"as_of": F.WEEK2, **({"present": "1"} if present else {})}
    at = run_app(tmp_path, monkeypatch, tabs=tabs, query=query)
    (preview,) = [e for e in at.expander if e.label == "Next weekly digest"]
    assert not preview.markdown  # built on demand only
    at.toggle(key="overview_digest_show").set_value(True).run()
    (preview,) = [e for e in at.expander if e.label == "Next weekly digest"]
    return "\n".join(str(m.value) for m in preview.markdown), "\n".join(
        str(c.value) for c in preview.caption
    )


def test_overview_previews_the_next_digest(tmp_path, monkeypatch):
    body, caption = _preview(tmp_path, monkeypatch, present=False)
    assert "**Ground Truth weekly digest: week of 16 Mar 2026 (4 watermelons, 2 new)**" in body
    assert "sends it to no channel yet" in caption
    assert "As of 18 Mar 2026, compared with the week of 9 Mar." in body
    assert (
        "- **Newly adopted (2):** Code review helper (Engineering, grassroots), "
        "Forecast assistant (Analytics)"
    ) in body
    assert "**Theater gap: 80%**" in body
    assert "[check in](https://gt.acme.example/check_in?initiative=AI-5)" in body
    assert "owner: Zebulon Quartermaine" in body  # names = true, not presenting


def test_presenting_takes_the_names_out_of_the_preview(tmp_path, monkeypatch):
    body, caption = _preview(tmp_path, monkeypatch, present=True)
    assert "**Newly adopted (2):**" in body
    folded = (body + caption).casefold()
    for person in F.PEOPLE:
        for word in person.split():
            if len(word) >= 3:
                assert word.casefold() not in folded


def test_a_digest_setting_that_cannot_work_is_named_in_the_preview(tmp_path, monkeypatch):
    cwd = tmp_path / "cwd" / ".streamlit"
    cwd.mkdir(parents=True)
    (cwd / "secrets.toml").write_text('[groundtruth.digest]\nnames = "yes"\n')
    at = run_app(tmp_path, monkeypatch, tabs=F.week2_tabs(), query={"as_of": F.WEEK2})
    at.toggle(key="overview_digest_show").set_value(True).run()
    preview = next(e for e in at.expander if e.label == "Next weekly digest")
    assert "names" in preview.warning[0].value and "true or false" in preview.warning[0].value
    assert "Watermelons: 4, 4 new" in "\n".join(str(m.value) for m in preview.markdown)
