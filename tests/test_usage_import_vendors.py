"""import-usage for the vendors' own exports, from fixtures shaped like their documentation:

- GitHub's per-user Copilot usage report (users-1-day NDJSON: day, user_id, user_login,
  organization_id, activity counts, used_* flags, totals_by_ide …) and the user-teams report
  (user_id, user_login, day, organization_id, team_id, slug), docs.github.com "Copilot usage
  metrics API and export fields" and "Team-level metrics";
- the retired Copilot metrics API (a JSON list of days: date, total_active_users,
  total_engaged_users, copilot_ide_code_completions, …);
- Microsoft 365's Copilot usage user detail report (learn.microsoft.com,
  getMicrosoft365CopilotUsageUserDetail, CSV headers as documented; user names concealed as
  hashes, as the admin center does by default).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from data_sources.config import resolve_source
from data_sources.errors import BadUsageFile
from data_sources.usage_import import import_usage

INITIATIVES = [
    ["id", "name", "team", "origin", "stage", "started", "tool"],
    ["AI-2", "Code review", "Eng", "Mandate", "Rollout", "2025-01-06", "GitHub Copilot"],
    ["AI-5", "Copilot for M365", "All", "Vendor", "Rollout", "2024-01-08", "Microsoft 365 Copilot"],
    ["AI-6", "Platform team", "Eng", "Grassroots", "Pilot", "2025-01-06", ""],
    ["AI-7", "Docs in Word", "Docs", "Grassroots", "Pilot", "2024-01-08", ""],
]


def _user_day(day: str, uid: int, login: str, *, chats: int = 3, **extra) -> dict:
    record = {
        "report_start_day": day,
        "report_end_day": day,
        "day": day,
        "organization_id": "4242",
        "user_id": uid,
        "user_login": login,
        "user_initiated_interaction_count": chats,
        "code_generation_activity_count": 5,
        "code_acceptance_activity_count": 2,
        "totals_by_ide": [{"ide": "vscode", "user_initiated_interaction_count": chats}],
        "totals_by_feature": [{"feature": "chat_panel_agent_mode", "loc_added_sum": 5}],
        "used_agent": False,
        "used_chat": chats > 0,
        "used_cli": False,
    }
    record.update(extra)
    return record


# Hand-counted, weeks from Monday (UTC):
#   week of 2 Mar 2026: octocat (Mon, Tue), hubot (Wed), monalisa (Sun 8 Mar) -> 3
#   week of 9 Mar 2026: octocat (Mon) -> 1; mergebot on Tue 10 Mar did nothing -> not counted
PER_USER = [
    _user_day("2026-03-02", 1, "octocat"),
    _user_day("2026-03-03", 1, "octocat"),
    _user_day("2026-03-04", 2, "hubot"),
    _user_day("2026-03-08", 3, "monalisa"),
    _user_day("2026-03-09", 1, "octocat"),
    _user_day(
        "2026-03-10",
        4,
        "mergebot",
        chats=0,
        code_generation_activity_count=0,
        code_acceptance_activity_count=0,
    ),
]
# octocat and hubot are in "platform"; monalisa in "docs"; octocat also in "docs" on 9 Mar
TEAMS = [
    {"user_id": 1, "user_login": "octocat", "day": "2026-03-02", "organization_id": "4242",
     "team_id": 11, "slug": "platform"},
    {"user_id": 2, "user_login": "hubot", "day": "2026-03-02", "organization_id": "4242",
     "team_id": 11, "slug": "platform"},
    {"user_id": 3, "user_login": "monalisa", "day": "2026-03-02", "organization_id": "4242",
     "team_id": 12, "slug": "docs"},
    {"user_id": 1, "user_login": "octocat", "day": "2026-03-09", "organization_id": "4242",
     "team_id": 12, "slug": "docs"},
]  # fmt: skip
LEGACY = [
    {
        "date": day,
        "total_active_users": active,
        "total_engaged_users": active - 1,
        "copilot_ide_code_completions": {
            "total_engaged_users": active - 1,
            "languages": [{"name": "python", "total_engaged_users": active - 1}],
            "editors": [{"name": "vscode", "total_engaged_users": active - 1, "models": []}],
        },
        "copilot_ide_chat": {"total_engaged_users": 2, "editors": []},
        "copilot_dotcom_chat": {"total_engaged_users": 1, "models": []},
        "copilot_dotcom_pull_requests": {"total_engaged_users": 0, "repositories": []},
    }
    for day, active in [
        ("2024-06-24", 24),
        ("2024-06-25", 31),
        ("2024-06-30", 12),
        ("2024-07-01", 20),
    ]
]
M365_HEADER = [
    "Report Refresh Date",
    "Report Period",
    "User Principal Name",
    "Display Name",
    "Last Activity Date",
    "Microsoft Teams Copilot Last Activity Date",
    "Word Copilot Last Activity Date",
    "Excel Copilot Last Activity Date",
    "PowerPoint Copilot Last Activity Date",
    "Outlook Copilot Last Activity Date",
    "OneNote Copilot Last Activity Date",
    "Loop Copilot Last Activity Date",
    "Copilot Chat Last Activity Date",
]
HASHED = ("DC8C64D6EC3A3AA17481D7E5EB5B68A6", "0A1B2C3D4E5F60718293A4B5C6D7E8F9", "FFEE0011")


def _m365_row(refresh: str, upn: str, last: str, teams: str, word: str, chat: str) -> list:
    return [refresh, "7", upn, "C65E8D8AFA0DAB9639EDFAAEA94AFE66", last, teams, word, "", "", "",
            "", "", chat]  # fmt: skip


# Snapshot of 26 Jun 2024 (a Wednesday). Weeks: 24 Jun (Mon) and 10 Jun.
#   user 1: last 12 Jun (Teams 12 Jun, Word 29 Mar, Chat 10 Jan)  -> any app: week of 10 Jun
#   user 2: last 25 Jun (Word 25 Jun)                              -> any app: week of 24 Jun
#   user 3: last 24 Jun (Teams 24 Jun, Chat 24 Jun)                -> any app: week of 24 Jun
M365_ROWS = [
    _m365_row("2024-06-26", HASHED[0], "2024-06-12", "2024-06-12", "2024-03-29", "2024-01-10"),
    _m365_row("2024-06-26", HASHED[1], "2024-06-25", "", "2024-06-25", ""),
    _m365_row("2024-06-26", HASHED[2], "2024-06-24", "2024-06-24", "", "2024-06-24"),
]


@pytest.fixture
def workbook(tmp_path, monkeypatch):
    folder = tmp_path / "book"
    folder.mkdir()
    with (folder / "Initiatives.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(INITIATIVES)
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(tmp_path / "data"))
    return resolve_source(secrets={}, override=str(folder))


def ndjson(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def rows_of(result) -> dict[tuple[str, str], int]:
    return {(r.initiative_id, r.week.isoformat()): r.active_users for r in result.rows}


def test_github_per_user_reports_count_distinct_users_a_week(workbook, tmp_path):
    first = ndjson(tmp_path / "users-2026-03-02..08.ndjson", PER_USER[:4])
    second = ndjson(tmp_path / "users-2026-03-09..10.ndjson", PER_USER[4:])
    result = import_usage([first, second], fmt="github-copilot", spec=workbook)
    # "GitHub Copilot" is AI-2's tool
    assert rows_of(result) == {("AI-2", "2026-03-02"): 3, ("AI-2", "2026-03-09"): 1}
    assert result.source == "github-copilot:4242"
    assert any("1 user-day record(s) with no Copilot activity" in n for n in result.notes)


def test_github_teams_follow_the_user_teams_report(workbook, tmp_path):
    users = ndjson(tmp_path / "users.ndjson", [*PER_USER, _user_day("2026-03-05", 5, "newbie")])
    teams = ndjson(tmp_path / "user-teams.ndjson", TEAMS)
    result = import_usage(
        [users, teams], fmt="github-copilot", spec=workbook, maps=["platform=AI-6", "docs=AI-7"]
    )
    # 3, 4 and 8 Mar have no team day: the 2 Mar teams hold (the latest before them)
    # week of 2 Mar: platform octocat, hubot -> AI-6: 2; docs monalisa -> AI-7: 1;
    #   newbie (5 Mar) is in no team (GitHub leaves out teams under five seats) -> "(none)"
    # week of 9 Mar: octocat is in docs on 9 Mar -> AI-7: 1
    assert rows_of(result) == {
        ("AI-6", "2026-03-02"): 2,
        ("AI-7", "2026-03-02"): 1,
        ("AI-7", "2026-03-09"): 1,
    }
    assert [(u.value, u.events) for u in result.unmatched] == [("(none)", 1)]


def test_github_retired_metrics_api_is_an_estimate(workbook, tmp_path):
    path = tmp_path / "copilot-metrics.json"
    path.write_text(json.dumps(LEGACY, indent=2), encoding="utf-8")
    result = import_usage([path], fmt="github-copilot", spec=workbook)
    # week of 24 Jun: largest of 24, 31, 12 -> 31; week of 1 Jul: 20
    assert rows_of(result) == {("AI-2", "2024-06-24"): 31, ("AI-2", "2024-07-01"): 20}
    assert result.source == "github-copilot-estimate:copilot-metrics"
    assert any("lower bound" in n for n in result.notes)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"download_links": ["https://example.com/r.ndjson"], "report_day": "2026-05-07"},
         "the API's answer with download links"),
        ({"day_totals": [], "organization_id": "4242"}, "an aggregated report"),
        ({"name": "octocat", "plan": "pro"}, "its first record has the fields name, plan"),
        ([{"day": "2026-03-02", "seats": 4}], "entry 1 has no date and total_active_users"),
    ],
)  # fmt: skip
def test_github_json_of_another_shape_is_refused(workbook, tmp_path, content, message):
    path = tmp_path / "report.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(BadUsageFile, match=r"report\.json") as raised:
        import_usage([path], fmt="github-copilot", spec=workbook)
    assert message in str(raised.value)
    assert not (tmp_path / "data").exists()


def _m365_csv(path: Path, rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:  # the admin center's BOM
        csv.writer(handle).writerows([M365_HEADER, *rows])
    return path


def test_m365_snapshot_counts_last_activity_weeks(workbook, tmp_path):
    path = _m365_csv(tmp_path / "CopilotUsageUserDetail.csv", M365_ROWS)
    result = import_usage([path], fmt="m365-copilot", spec=workbook, maps=["Word Copilot=AI-7"])
    # any app (AI-5, its tool): 10 Jun: user 1; 24 Jun: users 2 and 3
    # Word (AI-7): user 1 on 29 Mar (week of 25 Mar); user 2 on 25 Jun (week of 24 Jun)
    assert rows_of(result) == {
        ("AI-5", "2024-06-10"): 1,
        ("AI-5", "2024-06-24"): 2,
        ("AI-7", "2024-03-25"): 1,
        ("AI-7", "2024-06-24"): 1,
    }
    assert result.source == "m365-copilot:2024-06-26"
    # Teams (2 users) and Copilot Chat (2) matched nothing and are listed
    assert {(u.value, u.events) for u in result.unmatched} == {
        ("Microsoft Teams Copilot", 2),
        ("Copilot Chat", 2),
    }


def test_m365_snapshots_together_count_each_user_once(workbook, tmp_path):
    earlier = _m365_csv(tmp_path / "a.csv", M365_ROWS)
    # a week later user 3 was active again on 2 Jul: in the later snapshot only that shows
    later_rows = [M365_ROWS[0], M365_ROWS[1], M365_ROWS[2][:]]
    later_rows = [[("2024-07-03" if j == 0 else c) for j, c in enumerate(r)] for r in later_rows]
    later_rows[2][4] = "2024-07-02"
    later = _m365_csv(tmp_path / "b.csv", later_rows)
    result = import_usage([earlier, later], fmt="m365-copilot", spec=workbook, initiative="AI-5")
    # 10 Jun: user 1; 24 Jun: users 2, 3 (3 from the earlier snapshot); 1 Jul: user 3
    assert rows_of(result) == {
        ("AI-5", "2024-06-10"): 1,
        ("AI-5", "2024-06-24"): 2,
        ("AI-5", "2024-07-01"): 1,
    }
    assert result.source == "m365-copilot:2024-06-26..2024-07-03"


def test_m365_other_csv_is_refused(workbook, tmp_path):
    path = tmp_path / "teams-activity.csv"
    path.write_text("Report Refresh Date,User Principal Name,Team Chat Message Count\n", "utf-8")
    with pytest.raises(BadUsageFile, match=r"not a Copilot usage user detail report"):
        import_usage([path], fmt="m365-copilot", spec=workbook)
