"""Secrets never reach a page, a log or an error message, and never reach git.

remove_key_material() removes key material but spares what a reader needs (file paths, sheet
keys, URLs); a forced authentication failure — a malformed key, a key the token service
refuses — leaves no key material in the error, the loader's notice, the logs or anywhere on
the page.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess

import pytest
from streamlit.testing.v1 import AppTest

from data_sources import loader
from data_sources.config import SourceSpec
from data_sources.errors import REDACTED, BadCredentials, looks_like_key, remove_key_material
from data_sources.google_sheet import GoogleSheetSource
from tests.apptest_support import ROOT, start_app
from tools.sheets_emulator import FakeSheets, emulator_key_pair

# Random base64 made once for these tests (not a key of anything): a PEM body line, a
# URL-safe token, a key pasted on one line without its BEGIN/END lines.
PEM_LINE = "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDN3q8Zx1Vb7Kcm"
URLSAFE = "Zq7K_1bX-pR4mTn9LwE2sVd8HyA0cGjUoF5iBkNx3QeYt6Ml_zRa-7PDhWvS9gJuE4"
ONE_LINE_KEY = PEM_LINE * 20


@pytest.mark.parametrize(
    "path",
    [
        "/home/dana/projects/ground-truth/data/snapshots/gsheets-1AbC_dEf-123456789",
        "/Users/DanaWhitfield/Documents/GroundTruth/Exports2026/Initiatives_v2_Final",
        "/Volumes/BACKUP/PROJECTS/GROUND_TRUTH/data/snapshots/sheet2026/Q3/Exports/FY2026",
        "C:/Users/dana/OneDrive-AcmeCorp/Shared-Documents/AI-Initiatives/federal-ai-2025",
        "/srv/groundtruth/data/snapshots/file-federal-ai-use-cases-2025-0a1b2c3d4e",
    ],
)
def test_long_paths_survive_in_messages(path):
    text = f"Cannot read {path}.csv — export it as UTF-8 CSV"
    assert remove_key_material(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"key {PEM_LINE} end", f"key {REDACTED} end"),
        (f"token={URLSAFE}", f"token={REDACTED}"),
        (f"pasted: {ONE_LINE_KEY}==", f"pasted: {REDACTED}"),
        # a path and a key side by side: only the key goes
        (f"/home/dana/projects/ground-truth/data/snapshots/x.json {PEM_LINE}",
         f"/home/dana/projects/ground-truth/data/snapshots/x.json {REDACTED}"),
    ],
)  # fmt: skip
def test_key_material_is_still_redacted(text, expected):
    assert remove_key_material(text) == expected


def test_the_whole_body_of_a_real_key_is_redacted_without_its_pem_lines():
    private, _ = emulator_key_pair()
    body = "".join(line for line in private.splitlines() if not line.startswith("-----"))
    assert looks_like_key(body)
    assert remove_key_material(f"oops {body} oops") == f"oops {REDACTED} oops"


def key_lines(private_pem: str) -> list[str]:
    """The base64 lines of a PEM key: none may appear anywhere."""
    return [line for line in private_pem.splitlines() if line and not line.startswith("-----")]


def broken_key() -> str:
    """The emulator's key with one body line that is not base64: a malformed key."""
    private, _ = emulator_key_pair()
    lines = private.splitlines()
    return "\n".join([lines[0], lines[1], "!!not base64!!", *lines[2:]]) + "\n"


def assert_no_key_material(text: str, private_pem: str) -> None:
    leaked = [line for line in key_lines(private_pem) if line in text]
    assert not leaked, f"{len(leaked)} key lines leaked"
    assert "PRIVATE KEY-----" not in text


@pytest.mark.parametrize("kind", ["malformed", "refused"])
def test_a_forced_auth_failure_carries_no_key_material(
    kind, sheets_emulator: FakeSheets, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    if kind == "malformed":
        pem = broken_key()
    else:  # a well-formed key the token service does not know
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = other.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
    settings = sheets_emulator.settings(private_key=pem)
    spec = SourceSpec("gsheets", settings.spreadsheet_key, settings)
    with pytest.raises(BadCredentials) as caught:
        GoogleSheetSource(settings).fetch()
    error = caught.value
    loader.forget_sources()
    result = loader.load_workbook(spec, data_dir=tmp_path)
    everything = "\n".join(
        [str(error), repr(error), error.detail, str(result.error), repr(spec), caplog.text]
    )
    assert_no_key_material(everything, pem)
    assert "private_key" in str(error) or sheets_emulator.client_email in str(error)
    loader.forget_sources()


# -- on the page ---------------------------------------------------------------------------


def page_dump(at: AppTest) -> str:
    """Every element of the page and the sidebar, as its protobuf text (labels, values, data)."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    return "\n".join(parts)


def test_a_malformed_key_in_secrets_toml_shows_the_fix_and_no_key(
    sheets_emulator: FakeSheets, gsheets_workdir, caplog, capfd
):
    caplog.set_level(logging.DEBUG)
    pem = broken_key()
    section = {**sheets_emulator.secrets_section(), "private_key": pem}
    toml = "[connections.gsheets]\n" + "".join(
        f"{k} = {json.dumps(v)}\n" for k, v in section.items()
    )
    (gsheets_workdir / ".streamlit" / "secrets.toml").write_text(toml, encoding="utf-8")

    at = start_app()
    assert not at.exception
    message = re.sub(r"\\(.)", r"\1", at.error[0].value)
    assert message.startswith(
        "The service-account private_key in [connections.gsheets] could not be read as an RSA "
        "private key — copy the fields of the service account's JSON key file"
    )
    out, err = capfd.readouterr()
    assert_no_key_material("\n".join([page_dump(at), caplog.text, out, err]), pem)
    assert sheets_emulator.counts == {}  # refused before any request


def test_a_working_dashboard_shows_no_secret(sheets_emulator: FakeSheets, gsheets_workdir, capfd):
    at = start_app()
    assert not at.exception and at.metric.len > 0
    at.switch_page("pages/sheet_health.py").run()
    out, err = capfd.readouterr()
    private, _ = emulator_key_pair()
    assert_no_key_material("\n".join([page_dump(at), out, err]), private)


# -- git -----------------------------------------------------------------------------------


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("path", [".streamlit/secrets.toml", "data/snapshots/gsheets-1AbC.json"])
def test_secrets_and_snapshots_are_git_ignored(path):
    assert _git("check-ignore", "--quiet", "--no-index", path).returncode == 0


# A real key has ~25 body lines of 64 base64 characters between its BEGIN and END lines.
_COMMITTED_KEY = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?:\s|\\n)+(?:[A-Za-z0-9+/=]{40,}(?:\s|\\n)+){10,}"
)


def test_no_tracked_file_holds_a_private_key():
    listed = _git("ls-files", "-z")
    assert listed.returncode == 0
    offenders = []
    for name in filter(None, listed.stdout.split("\0")):
        path = ROOT / name
        try:
            text = path.read_text(encoding="utf-8", errors="ignore")
        except (IsADirectoryError, FileNotFoundError):
            continue
        if _COMMITTED_KEY.search(text):
            offenders.append(name)
    assert offenders == []
