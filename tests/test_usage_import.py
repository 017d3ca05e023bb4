"""cli.py import-usage, the event log: weekly distinct users counted by hand, values matched
to initiatives, nothing dropped silently, re-imports that never double-count, and no user
identity in any byte written.

Every workbook here is a CSV folder in a temporary directory (a "file" source), so imported
rows go to <data>/usage/<key>.jsonl and come back through the loader, as in the app.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data_sources.config import resolve_source
from data_sources.errors import BadUsageFile
from data_sources.loader import load_workbook, read_source
from data_sources.usage_import import import_usage
from portfolio import metrics
from portfolio.evidence import assess
from portfolio.parse import parse_workbook

INITIATIVES = [
    ["id", "name", "team", "origin", "stage", "started", "tool", "reported_status"],
    ["AI-1", "Drafts", "Support", "Grassroots", "Pilot", "2026-01-05", "ChatGPT", "Green"],
    ["AI-2", "Review", "Eng", "Mandate", "Rollout", "2026-01-05", "GitHub Copilot", "Green"],
    ["AI-3", "Notes", "Sales", "Vendor", "Pilot", "2026-01-05", "Otter", "Amber"],
    ["AI-4", "Notes 2", "Ops", "Vendor", "Pilot", "2026-01-05", "Otter", "Amber"],
]
USAGE = [["initiative_id", "week", "active_users"], ["AI-1", "2026-03-02", 40]]
SETTINGS = [["key", "value"], ["as_of", "2026-03-16"]]
PEOPLE = ("alice@acme.example", "bob@acme.example", "carol@acme.example", "dan.l@acme.example")
A, B, C, D = PEOPLE

# Hand-counted: weeks start Monday 00:00 UTC.
#   week of 23 Feb: A (Sun 1 Mar 23:59:59Z), C (Mon 2 Mar 00:30+02:00 = Sun 22:30Z) -> AI-1: 2
#   week of 2 Mar:  A three times, B (Mon 00:00:00Z), D (date only, Fri) -> AI-1: 3
#   week of 9 Mar:  B twice (chatgpt, " ChatGPT ") -> AI-1: 1; A on Copilot -> AI-2: 1
#   Otter (two initiatives): 2 events, unmatched; "Zapier": 1 event, unmatched
EVENTS = [
    ("timestamp", "user", "tool"),
    ("2026-03-01T23:59:59Z", A, "ChatGPT"),
    ("2026-03-02T00:30:00+02:00", C, "ChatGPT"),
    ("2026-03-02T00:00:00Z", B, "ChatGPT"),
    ("2026-03-02T09:00:00Z", A, "ChatGPT"),
    ("2026-03-03T09:00:00Z", A, "chatgpt"),
    ("2026-03-08T23:59:59Z", A, "ChatGPT"),
    ("2026-03-06", D, "ChatGPT"),
    ("2026-03-09T08:00:00Z", B, "chatgpt"),
    ("2026-03-10T08:00:00Z", B, " ChatGPT "),
    ("2026-03-10T08:00:00Z", A, "GitHub Copilot"),
    ("2026-03-10T08:00:00Z", A, "Otter"),
    ("2026-03-11T08:00:00Z", B, "Otter"),
    ("2026-03-11T08:00:00Z", C, "Zapier"),
]
EXPECTED = {
    ("AI-1", "2026-02-23"): 2,
    ("AI-1", "2026-03-02"): 3,
    ("AI-1", "2026-03-09"): 1,
    ("AI-2", "2026-03-09"): 1,
}


def write_csv(path: Path, rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.fixture
def workbook(tmp_path, monkeypatch):
    """A CSV-folder workbook and a private data folder; returns the source spec."""
    folder = tmp_path / "book"
    folder.mkdir()
    write_csv(folder / "Initiatives.csv", INITIATIVES)
    write_csv(folder / "Usage.csv", USAGE)
    write_csv(folder / "Settings.csv", SETTINGS)
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(tmp_path / "data"))
    return resolve_source(secrets={}, override=str(folder))


def rows_of(result) -> dict[tuple[str, str], int]:
    return {(r.initiative_id, r.week.isoformat()): r.active_users for r in result.rows}


def test_weekly_distinct_users_by_hand(workbook, tmp_path):
    log = write_csv(tmp_path / "log.csv", EVENTS)
    result = import_usage([log], fmt="events", spec=workbook)
    assert rows_of(result) == EXPECTED
    assert {r.source for r in result.rows} == {"events:log.csv"}
    unmatched = {u.value: (u.events, u.hint) for u in result.unmatched}
    assert unmatched == {
        "Otter": (2, "--map 'Otter=ID' (it is the tool of AI-3, AI-4: say which)"),
        "Zapier": (1, "--map 'Zapier=ID'"),
    }
    assert result.events == len(EVENTS) - 1
    assert result.written


def test_partial_weeks_are_named_in_the_app_date_format(workbook, tmp_path):
    # EVENTS run from Sun 1 Mar 23:59:59Z (the last second of the week of 23 Feb) to
    # Wed 11 Mar (the week of 9 Mar lacks Thu to Sun): both weeks are lower bounds.
    log = write_csv(tmp_path / "log.csv", EVENTS)
    result = import_usage([log], fmt="events", spec=workbook, dry_run=True)
    partial = [n for n in result.notes if "only partly" in n]
    assert [n.split(" is only partly")[0] for n in partial] == [
        "The week of 23 Feb 2026",
        "The week of 9 Mar 2026",
    ]
    assert "(they run from Sun 1 Mar 2026 to Wed 11 Mar 2026)" in partial[0]


@pytest.mark.parametrize("kind", ["jsonl", "jsonl.gz", "csv.gz", "parquet"])
def test_every_file_type_gives_the_same_counts(workbook, tmp_path, kind):
    header, *rows = EVENTS
    records = [dict(zip(header, row, strict=True)) for row in rows]
    path = tmp_path / f"log.{kind}"
    if kind.startswith("jsonl"):
        text = "".join(json.dumps(r) + "\n" for r in records)
        opener = gzip.open if kind.endswith(".gz") else open
        with opener(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    elif kind == "csv.gz":
        plain = write_csv(tmp_path / "plain.csv", EVENTS)
        path.write_bytes(gzip.compress(plain.read_bytes()))
    else:
        # Parquet with a real timestamp column (UTC) and the text ones
        frame = pd.DataFrame(records)
        frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True, format="ISO8601")
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    result = import_usage([path], fmt="events", spec=workbook, dry_run=True)
    assert rows_of(result) == EXPECTED


def test_epoch_seconds_and_milliseconds_in_json_lines(workbook, tmp_path):
    # 1772409600 = 2026-03-02T00:00:00Z (a Monday); 1772409599 = Sun 1 Mar 23:59:59Z;
    # a number above 10^11 is milliseconds: 1772409600123 is Mon 2 Mar again
    records = [
        {"time": 1772409600, "login": "u1", "initiative_id": "AI-3"},
        {"time": 1772409599, "login": "u2", "initiative_id": "AI-3"},
        {"time": 1772409600123, "login": "u3", "initiative_id": "ai-3"},
    ]
    path = tmp_path / "e.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = import_usage([path], fmt="events", spec=workbook, dry_run=True)
    assert rows_of(result) == {("AI-3", "2026-02-23"): 1, ("AI-3", "2026-03-02"): 2}


def test_map_and_initiative_options(workbook, tmp_path):
    log = write_csv(tmp_path / "log.csv", EVENTS)
    mapped = import_usage(
        [log], fmt="events", spec=workbook, maps=["otter=AI-3", "Zapier=ai-4"], dry_run=True
    )
    # week of 9 Mar: Otter A, B -> AI-3: 2; Zapier C -> AI-4: 1
    assert rows_of(mapped)[("AI-3", "2026-03-09")] == 2
    assert rows_of(mapped)[("AI-4", "2026-03-09")] == 1
    assert mapped.unmatched == []
    everything = import_usage([log], fmt="events", spec=workbook, initiative="ai-3", dry_run=True)
    # all 13 events to AI-3: 23 Feb: A, C; 2 Mar: A, B, D; 9 Mar: A, B, C
    assert rows_of(everything) == {
        ("AI-3", "2026-02-23"): 2,
        ("AI-3", "2026-03-02"): 3,
        ("AI-3", "2026-03-09"): 3,
    }


def test_two_values_for_one_initiative_count_each_person_once(workbook, tmp_path):
    rows = [("date", "email", "tool"), ("2026-03-03", A, "Otter"), ("2026-03-04", A, "Zapier")]
    log = write_csv(tmp_path / "two.csv", rows)
    result = import_usage(
        [log], fmt="events", spec=workbook, maps=["Otter=AI-3", "Zapier=AI-3"], dry_run=True
    )
    assert rows_of(result) == {("AI-3", "2026-03-02"): 1}


def test_events_without_user_or_time_are_counted_and_listed(workbook, tmp_path):
    rows = [("ts", "actor", "initiative_id"), ("2026-03-03", "", "AI-3"), ("", "x", "AI-3")]
    rows.append(("2026-03-03", "u9", "AI-3"))
    result = import_usage([write_csv(tmp_path / "gaps.csv", rows)], fmt="events", spec=workbook)
    assert rows_of(result) == {("AI-3", "2026-03-02"): 1}
    assert (result.no_user, result.no_time) == (1, 1)
    lines = "\n".join(result.describe())
    assert "1 event(s) without a user" in lines and "1 event(s) without a time" in lines


def test_unknown_option_ids_are_refused(workbook, tmp_path):
    log = write_csv(tmp_path / "log.csv", EVENTS)
    with pytest.raises(BadUsageFile, match='"AI-99" is not an id'):
        import_usage([log], fmt="events", spec=workbook, maps=["Otter=AI-99"])
    with pytest.raises(BadUsageFile, match="is not VALUE=ID"):
        import_usage([log], fmt="events", spec=workbook, maps=["Otter"])


def test_dry_run_writes_nothing(workbook, tmp_path):
    log = write_csv(tmp_path / "log.csv", EVENTS)
    result = import_usage([log], fmt="events", spec=workbook, dry_run=True)
    assert not result.written and result.rows
    assert not (tmp_path / "data").exists()
    assert result.describe()[0].startswith("Would write 4 row(s) with source events:log.csv")


def _weekly(spec) -> dict[tuple[str, str], int]:
    portfolio = parse_workbook(read_source(spec))
    per = metrics.weekly_active_users(portfolio, per_initiative=True)
    return {
        (r.initiative_id, r.week.strftime("%Y-%m-%d")): r.active_users for r in per.itertuples()
    }


def test_reimport_never_double_counts_and_the_latest_wins(workbook, tmp_path):
    log = write_csv(tmp_path / "log.csv", EVENTS)
    import_usage([log], fmt="events", spec=workbook)
    import_usage([log], fmt="events", spec=workbook)
    # telemetry (3) replaces the typed 40 of AI-1's week of 2 Mar; twice imported, once counted
    assert _weekly(workbook) == EXPECTED
    # a corrected export under the same name: week of 2 Mar now only B -> 1 (the latest wins)
    write_csv(log, [EVENTS[0], ("2026-03-04T10:00:00Z", B, "ChatGPT")])
    import_usage([log], fmt="events", spec=workbook)
    assert _weekly(workbook)[("AI-1", "2026-03-02")] == 1
    assert _weekly(workbook)[("AI-1", "2026-02-23")] == 2  # not in the new file: kept


def test_the_evidence_reads_the_imported_usage(workbook, tmp_path):
    # AI-1 typed 40 users in the week of 2 Mar; the tool saw 3, 1, ... -> peak 3 < 5: the
    # typed 40 no longer makes it look adopted
    import_usage([write_csv(tmp_path / "log.csv", EVENTS)], fmt="events", spec=workbook)
    assessed = assess(parse_workbook(read_source(workbook)))
    assert assessed.loc["AI-1", "peak_users"] == 3


def test_no_identity_in_any_byte_written(workbook, tmp_path):
    log = write_csv(tmp_path / "log.csv", EVENTS)
    import_usage([log], fmt="events", spec=workbook)
    result = load_workbook(workbook, data_dir=tmp_path / "data" / "snapshots")
    assert result.raw is not None
    written = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert any(p.parent.name == "usage" for p in written)
    assert any(p.parent.name == "snapshots" for p in written)
    for path in [*written, *(tmp_path / "book").iterdir()]:
        data = path.read_bytes()
        for person in PEOPLE:
            assert person.encode() not in data, f"{person} in {path}"
            assert person.split("@")[0].encode() not in data, f"{person} in {path}"


def test_an_address_in_the_tool_column_is_not_shown(workbook, tmp_path):
    rows = [("timestamp", "tool", "user"), ("2026-03-03", A, "ChatGPT")]  # columns swapped
    result = import_usage([write_csv(tmp_path / "s.csv", rows)], fmt="events", spec=workbook)
    assert result.counted == []
    assert [(u.value, u.events) for u in result.unmatched] == [("(a value)", 1)]
    assert A not in "\n".join(result.describe())


def test_a_bad_time_past_the_type_sniffing_is_still_named(workbook, tmp_path):
    # DuckDB sniffs a CSV's types from its first rows: 30,000 good times read as timestamps,
    # then the bad one forces a second read as text, which names its row
    rows = [("timestamp", "user", "tool")]
    rows += [("2026-03-02T10:00:00Z", f"u{i}", "ChatGPT") for i in range(30_000)]
    rows.append(("next Tuesday", "u0", "ChatGPT"))
    with pytest.raises(BadUsageFile, match=r'row 30001, column "timestamp": "next Tuesday"'):
        import_usage([write_csv(tmp_path / "big.csv", rows)], fmt="events", spec=workbook)
    assert not (tmp_path / "data").exists()
