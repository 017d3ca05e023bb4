"""Choosing the source, keeping the last good copy, and falling back to it when a source fails."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from data_sources import loader, snapshot
from data_sources.config import (
    DEFAULT_TTL_SECONDS,
    GSheetsSettings,
    SourceSpec,
    read_secrets,
    resolve_source,
    spreadsheet_key,
)
from data_sources.errors import NotConfigured, SheetNotShared, SourceError
from data_sources.loader import LoadResult, format_age, load_workbook
from portfolio.model import RawWorkbook
from tools.sheets_emulator import BATCH_GET, CLIENT_EMAIL, SPREADSHEET_ID

KEY = "1AbC_dEf-123456789xyz"
URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
GSHEETS = {"connections": {"gsheets": {"spreadsheet": KEY, "client_email": "a@b.iam"}}}
FETCHED_AT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def raw(tabs: dict | None = None, *, kind: str = "gsheets") -> RawWorkbook:
    tabs = tabs or {"Initiatives": [["id", "cost", "live"], ["AI-1", 50000.5, True], ["AI-2"]]}
    return RawWorkbook(tabs=tabs, origin="Google Sheet test", kind=kind, fetched_at=FETCHED_AT)


# -- resolve_source ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "env", "secrets", "kind", "location"),
    [
        (None, {}, {}, "sample", None),
        (None, {}, GSHEETS, "gsheets", KEY),
        # a [connections.gsheets] without key fields is not a configured sheet
        (None, {}, {"connections": {"gsheets": {"spreadsheet": KEY}}}, "sample", None),
        (None, {}, {**GSHEETS, "groundtruth": {"source": "data/x.xlsx"}}, "file", "data/x.xlsx"),
        (None, {"GROUNDTRUTH_SOURCE": "sample"}, {"groundtruth": {"source": "x.xlsx"}},
         "sample", None),
        (None, {"GROUNDTRUTH_SOURCE": "exports/"}, GSHEETS, "file", "exports"),
        (None, {"GROUNDTRUTH_SOURCE": "GSheets"}, GSHEETS, "gsheets", KEY),
        (None, {"GROUNDTRUTH_SOURCE": "  "}, GSHEETS, "gsheets", KEY),
        ("gsheets", {"GROUNDTRUTH_SOURCE": "sample"}, GSHEETS, "gsheets", KEY),
        ("x.csv", {"GROUNDTRUTH_SOURCE": "gsheets"}, GSHEETS, "file", "x.csv"),
        # a sheet URL picks that sheet, with the configured service account
        (None, {"GROUNDTRUTH_SOURCE": URL.replace(KEY, "1Other_key_0123456")}, GSHEETS,
         "gsheets", "1Other_key_0123456"),
    ],
)  # fmt: skip
def test_resolve_source_order(override, env, secrets, kind, location):
    spec = resolve_source(secrets=secrets, env=env, override=override)
    assert (spec.kind, spec.location) == (kind, location)
    assert (spec.gsheets is not None) == (kind == "gsheets")


def test_gsheets_requested_but_not_configured():
    with pytest.raises(NotConfigured) as caught:
        resolve_source(secrets={}, env={"GROUNDTRUTH_SOURCE": "gsheets"})
    assert "GROUNDTRUTH_SOURCE" in str(caught.value)
    assert "[connections.gsheets]" in str(caught.value)


@pytest.mark.parametrize(
    ("secrets", "ttl"),
    [({}, DEFAULT_TTL_SECONDS), ({"groundtruth": {"ttl_seconds": 60}}, 60)],
)
def test_ttl(secrets, ttl):
    assert resolve_source(secrets=secrets, env={}).ttl_seconds == ttl


@pytest.mark.parametrize("bad", [-1, "5 min", True])
def test_a_bad_ttl_says_what_to_write(bad):
    with pytest.raises(NotConfigured, match="ttl_seconds"):
        resolve_source(secrets={"groundtruth": {"ttl_seconds": bad}}, env={})


@pytest.mark.parametrize(
    ("value", "key"),
    [
        (URL, KEY),
        (f" {KEY} ", KEY),
        (f"https://docs.google.com/spreadsheets/d/{KEY}", KEY),
    ],
)
def test_spreadsheet_key(value, key):
    assert spreadsheet_key(value) == key


@pytest.mark.parametrize("value", ["https://example.com/not/a/sheet", "my sheet", "short"])
def test_not_a_spreadsheet_key(value):
    with pytest.raises(NotConfigured):
        spreadsheet_key(value)


def test_settings_keep_the_key_out_of_repr():
    settings = GSheetsSettings.from_section(
        {"spreadsheet": KEY, "client_email": "a@b.iam", "private_key": "SECRET-KEY"}
    )
    assert "SECRET-KEY" not in repr(settings)
    assert settings.service_account_info == {"client_email": "a@b.iam", "private_key": "SECRET-KEY"}
    assert settings.api_base_url == "https://sheets.googleapis.com"


def test_read_secrets_cwd_wins_over_home(tmp_path):
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    for folder, text in (
        (home, '[groundtruth]\nsource = "home.xlsx"\n[other]\nx = 1\n'),
        (cwd, "[groundtruth]\nttl_seconds = 60\n"),
    ):
        (folder / ".streamlit").mkdir(parents=True)
        (folder / ".streamlit" / "secrets.toml").write_text(text)
    # like Streamlit: a top-level table from the working folder replaces the home one
    assert read_secrets(cwd, home=home) == {"groundtruth": {"ttl_seconds": 60}, "other": {"x": 1}}


def test_read_secrets_without_files(tmp_path):
    assert read_secrets(tmp_path, home=tmp_path) == {}


def test_invalid_toml_names_the_file_and_hides_the_key(tmp_path):
    body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7abcdefghijklmnop"
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        f'[connections.gsheets]\nprivate_key = "-----BEGIN PRIVATE KEY-----\n{body}\n"\n'
    )
    with pytest.raises(NotConfigured) as caught:
        read_secrets(tmp_path, home=tmp_path)
    assert "secrets.toml is not valid TOML" in str(caught.value)
    assert body not in str(caught.value)


# -- snapshots -----------------------------------------------------------------------------


def test_snapshot_round_trip(tmp_path):
    original = raw()
    path = snapshot.save(original, directory=tmp_path, key="gsheets-abc")
    assert path == tmp_path / "gsheets-abc.json"
    assert snapshot.load("gsheets-abc", directory=tmp_path) == original
    assert [p.name for p in tmp_path.iterdir()] == ["gsheets-abc.json"]  # no temp file left


def test_a_failed_save_keeps_the_previous_copy(tmp_path):
    snapshot.save(raw(), directory=tmp_path, key="k")
    with pytest.raises(TypeError):
        snapshot.save(raw({"Initiatives": [["id"], [object()]]}), directory=tmp_path, key="k")
    assert snapshot.load("k", directory=tmp_path) == raw()
    assert [p.name for p in tmp_path.iterdir()] == ["k.json"]


@pytest.mark.parametrize(
    "content",
    ["", "{not json", json.dumps({"format": 999, "tabs": {}}), json.dumps([1, 2])],
)
def test_an_unreadable_snapshot_counts_as_none(tmp_path, content):
    (tmp_path / "k.json").write_text(content)
    assert snapshot.load("k", directory=tmp_path) is None


def test_no_snapshot_is_none(tmp_path):
    assert snapshot.load("nothing", directory=tmp_path) is None


def test_default_directory_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(tmp_path))
    assert snapshot.default_directory() == tmp_path / "snapshots"
    monkeypatch.delenv("GROUNDTRUTH_DATA_DIR")
    assert snapshot.default_directory() == snapshot.PROJECT_ROOT / "data" / "snapshots"


def test_files_with_the_same_name_get_different_keys(tmp_path):
    a = snapshot.source_key("file", str(tmp_path / "a" / "portfolio.xlsx"))
    b = snapshot.source_key("file", str(tmp_path / "b" / "portfolio.xlsx"))
    assert a != b and a.startswith("file-portfolio.xlsx-")


@pytest.mark.parametrize(
    ("age", "words"),
    [
        (dt.timedelta(seconds=59), "less than a minute ago"),
        (dt.timedelta(minutes=5, seconds=59), "5 min ago"),
        (dt.timedelta(hours=2, minutes=14, seconds=30), "2 h 14 min ago"),
        (dt.timedelta(hours=3), "3 h ago"),
        (dt.timedelta(days=1, hours=2, minutes=5), "1 day 2 h ago"),
        (dt.timedelta(days=3), "3 days ago"),
    ],
)
def test_format_age(age, words):
    assert format_age(age) == words


# -- the loader ----------------------------------------------------------------------------


@pytest.fixture
def fresh_process():
    """No sheet client or tab list carried over from another test."""
    loader.forget_sources()
    yield
    loader.forget_sources()


def gsheets_spec(settings) -> SourceSpec:
    return SourceSpec("gsheets", settings.spreadsheet_key, settings)


def test_a_good_load_saves_the_copy(sheets_emulator, gsheets_settings, tmp_path, fresh_process):
    result = load_workbook(gsheets_spec(gsheets_settings), data_dir=tmp_path)
    assert result.error is None and result.notice is None and not result.from_snapshot
    assert result.raw.tabs["Usage"][1] == ["AI-001", 46083, 14]
    copy = snapshot.load(f"gsheets-{SPREADSHEET_ID}", directory=tmp_path)
    assert copy is not None and copy.tabs == result.raw.tabs


def test_the_loader_reuses_its_sheet_client(
    sheets_emulator, gsheets_settings, tmp_path, fresh_process
):
    spec = gsheets_spec(gsheets_settings)
    load_workbook(spec, data_dir=tmp_path)
    load_workbook(spec, data_dir=tmp_path)
    assert sheets_emulator.counts == {"token": 1, "metadata": 1, BATCH_GET: 2}


def test_a_403_after_a_good_load_shows_the_copy_with_its_age(
    sheets_emulator, gsheets_settings, tmp_path, fresh_process
):
    spec = gsheets_spec(gsheets_settings)
    good = load_workbook(spec, data_dir=tmp_path).raw
    sheets_emulator.fail(403)
    later = good.fetched_at + dt.timedelta(hours=2, minutes=14, seconds=10)

    result = load_workbook(spec, data_dir=tmp_path, now=later)
    assert result.from_snapshot and result.raw.tabs == good.tabs
    assert isinstance(result.error, SheetNotShared)
    assert result.notice == (
        f"Showing the copy from 2 h 14 min ago: The sheet is not shared with {CLIENT_EMAIL} — "
        "share it as Viewer (Editor for check-ins) and reload. "
        "(Details: The caller does not have permission.)"
    )

    # a new process knows nothing but the copy on disk
    loader.forget_sources()
    again = load_workbook(spec, data_dir=tmp_path, now=later)
    assert again.from_snapshot and again.raw.tabs == good.tabs
    assert isinstance(again.error, SheetNotShared)


def test_a_failure_with_no_copy_returns_the_error(
    sheets_emulator, gsheets_settings, tmp_path, fresh_process
):
    sheets_emulator.fail(403)
    result = load_workbook(gsheets_spec(gsheets_settings), data_dir=tmp_path)
    assert result == LoadResult(raw=None, notice=None, error=result.error, from_snapshot=False)
    assert isinstance(result.error, SheetNotShared)


def test_a_copy_that_cannot_be_written_does_not_hide_the_data(
    sheets_emulator, gsheets_settings, tmp_path, fresh_process
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = load_workbook(gsheets_spec(gsheets_settings), data_dir=blocker)
    assert result.raw is not None and result.error is None


def test_a_file_source_falls_back_to_its_copy(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "Initiatives.csv").write_text("id,name\nAI-1,Copilot\n")
    spec = SourceSpec("file", str(folder))
    first = load_workbook(spec, data_dir=tmp_path / "snaps")
    assert first.raw.tabs["Initiatives"] == [["id", "name"], ["AI-1", "Copilot"]]

    (folder / "Initiatives.csv").unlink()
    folder.rmdir()
    result = load_workbook(spec, data_dir=tmp_path / "snaps")
    assert result.from_snapshot and result.raw.tabs == first.raw.tabs
    assert isinstance(result.error, SourceError)
    assert result.notice.startswith("Showing the copy from less than a minute ago: ")


def test_the_gsheets_workdir_fixture_resolves_to_the_emulator(gsheets_workdir, sheets_emulator):
    spec = resolve_source(secrets=read_secrets(Path.cwd()))
    assert (spec.kind, spec.location) == ("gsheets", SPREADSHEET_ID)
    assert spec.gsheets.api_base_url == sheets_emulator.url
