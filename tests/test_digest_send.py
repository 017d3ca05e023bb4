"""`cli.py digest --send` against a real SMTP server and a real HTTP webhook receiver on
127.0.0.1: once per week and channel, kept in the outbox and resent after a failure, no
credential in any output or file, no person's name in any byte sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import cli
from notify.channels import webhook_body
from notify.message import Message
from notify.settings import digest_settings
from tests import digest_fixtures as F
from tests.notify_servers import (
    SMTP_PASSWORD,
    SMTP_USER,
    WEBHOOK_TOKEN,
    Receiver,
    SmtpServer,
    running_receiver,
    running_smtp,
    self_signed,
)

PUBLIC_URL = "https://gt.acme.example"
CHANGED_WEEK2 = [
    "• *Stalled (1):* Contract summarizer (Legal)",
    "• *Reverted (1):* Meeting notes (Sales)",
    "• *Abandoned (1):* Invoice matcher (Finance)",
    "• *Newly adopted (2):* Code review helper (Engineering, grassroots), "
    "Forecast assistant (Analytics)",
]


class Setup:
    def __init__(self, tmp_path: Path, monkeypatch) -> None:
        self.tmp = tmp_path
        self.book = tmp_path / "book"
        self.cwd = tmp_path / "cwd"
        self.data = tmp_path / "data"
        (self.cwd / ".streamlit").mkdir(parents=True)
        monkeypatch.chdir(self.cwd)
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        monkeypatch.setenv("GROUNDTRUTH_DATA_DIR", str(self.data))
        monkeypatch.delenv("GROUNDTRUTH_SOURCE", raising=False)
        F.write_week(self.book, 1)

    def secrets(
        self, *, webhook: str | None = None, smtp_port: int | None = None, tls: bool = False, **more
    ) -> None:
        lines = ["[groundtruth]", f'public_url = "{PUBLIC_URL}"', "", "[groundtruth.digest]"]
        if webhook:
            lines += [f'webhook_url = "{webhook}"', 'webhook_kind = "slack"']
        if smtp_port:
            lines += [
                'smtp_host = "127.0.0.1"',
                f"smtp_port = {smtp_port}",
                f"starttls = {'true' if tls else 'false'}",
                f'username = "{SMTP_USER}"',
                f'password = "{SMTP_PASSWORD}"',
                'from = "Ground Truth <gt@acme.example>"',
                'to = ["leaders@acme.example", "guild@acme.example"]',
            ]
        lines += [f"{k} = {json.dumps(v)}" for k, v in more.items()]
        (self.cwd / ".streamlit" / "secrets.toml").write_text("\n".join(lines) + "\n")

    def run(self, capsys, *args: str) -> tuple[int, str]:
        code = cli.main(["digest", "--source", str(self.book), *args])
        out = capsys.readouterr()
        return code, out.out + out.err

    def written(self) -> list[Path]:
        """Every file the runs wrote (the secrets file is the user's own)."""
        return [
            p
            for p in self.tmp.rglob("*")
            if p.is_file() and p.name != "secrets.toml" and self.book not in p.parents
        ]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


@pytest.fixture
def webhook_receiver() -> Iterator[Receiver]:
    with running_receiver() as receiver:
        yield receiver


@pytest.fixture
def setup(tmp_path, monkeypatch) -> Setup:
    return Setup(tmp_path, monkeypatch)


def _changed(text: str) -> list[str]:
    section = text.split("*What changed since the week of 9 Mar*\n\n")[1]
    return section.split("\n\n")[0].splitlines()


def test_two_weekly_sends_then_the_second_lists_exactly_what_changed(
    setup, capsys, webhook_receiver, smtp_server
):
    setup.secrets(webhook=webhook_receiver.url, smtp_port=smtp_server.port)
    code, out = setup.run(capsys, "--as-of", F.WEEK1, "--send")
    assert code == cli.EXIT_OK, out
    assert "Recorded 8 initiatives for the week of 2026-03-09" in out
    assert len(webhook_receiver.posts) == 1 and len(smtp_server.received) == 1
    first = webhook_receiver.bodies[0]["text"]
    assert "*NEW* *Reply bot*" in first and "*NEW* *Ticket triage*" in first
    assert "What changed" not in first

    F.write_week(setup.book, 2)
    code, out = setup.run(capsys, "--as-of", F.WEEK2, "--send")
    assert code == cli.EXIT_OK, out
    assert len(webhook_receiver.posts) == 2 and len(smtp_server.received) == 2
    path, headers, body = webhook_receiver.posts[1]
    assert path.endswith(WEBHOOK_TOKEN) and headers["Content-Type"].startswith("application/json")
    assert set(body) == {"text"}
    assert _changed(body["text"]) == CHANGED_WEEK2
    assert "<https://gt.acme.example/check_in?initiative=AI-5|check in>" in body["text"]

    sender, recipients, mail = smtp_server.received[1]
    assert smtp_server.logins == [SMTP_USER, SMTP_USER]
    assert sender == "gt@acme.example"
    assert recipients == ["leaders@acme.example", "guild@acme.example"]
    assert mail["Subject"].strip() == (
        "Ground Truth weekly digest: week of 16 Mar 2026 (4 watermelons, 2 new)"
    )
    plain = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "- Newly adopted (2): Code review helper (Engineering, grassroots)" in plain
    assert "<li><strong>Newly adopted (2):</strong> Code review helper (Engineering" in html


def test_a_second_send_in_the_same_week_sends_nothing_unless_forced(
    setup, capsys, webhook_receiver, smtp_server
):
    setup.secrets(webhook=webhook_receiver.url, smtp_port=smtp_server.port)
    assert setup.run(capsys, "--as-of", F.WEEK1, "--send")[0] == cli.EXIT_OK
    code, out = setup.run(capsys, "--as-of", "2026-03-13", "--send")  # Friday, same week
    assert code == cli.EXIT_OK
    assert out.count("already sent") == 2
    assert "was already recorded" in out
    assert (len(webhook_receiver.posts), len(smtp_server.received)) == (1, 1)
    code, out = setup.run(capsys, "--as-of", F.WEEK1, "--send", "--force")
    assert code == cli.EXIT_OK, out
    assert (len(webhook_receiver.posts), len(smtp_server.received)) == (2, 2)


@pytest.mark.parametrize("status", [500, 404])
def test_a_refused_webhook_is_kept_and_resent_once(setup, capsys, webhook_receiver, status):
    setup.secrets(webhook=webhook_receiver.url)
    webhook_receiver.status = status
    code, out = setup.run(capsys, "--as-of", F.WEEK1, "--send")
    assert code == cli.EXIT_STILL_PENDING
    assert f"answered {status}" in out and "1 digest send(s) wait" in out
    assert webhook_receiver.posts == []

    webhook_receiver.status = 200
    code, out = setup.run(capsys, "--as-of", F.WEEK1, "--send")
    assert code == cli.EXIT_OK, out
    assert "resent" in out
    assert len(webhook_receiver.posts) == 1
    assert "*NEW* *Reply bot*" in webhook_receiver.bodies[0]["text"]

    code, out = setup.run(capsys, "--as-of", F.WEEK1, "--send")
    assert code == cli.EXIT_OK and "already sent" in out
    assert len(webhook_receiver.posts) == 1


def test_a_send_kept_from_last_week_goes_before_this_weeks(setup, capsys, webhook_receiver):
    setup.secrets(webhook=webhook_receiver.url)
    webhook_receiver.status = 503
    assert setup.run(capsys, "--as-of", F.WEEK1, "--send")[0] == cli.EXIT_STILL_PENDING
    webhook_receiver.status = 200
    F.write_week(setup.book, 2)
    code, out = setup.run(capsys, "--as-of", F.WEEK2, "--send")
    assert code == cli.EXIT_OK, out
    weeks = [re.search(r"week of (\d+ Mar)", b["text"]).group(1) for b in webhook_receiver.bodies]
    assert weeks == ["9 Mar", "16 Mar"]


def test_a_webhook_that_does_not_answer_in_time_is_kept(setup, capsys, webhook_receiver):
    setup.secrets(webhook=webhook_receiver.url, timeout_seconds=0.5)
    webhook_receiver.hang = True
    code, out = setup.run(capsys, "--as-of", F.WEEK1, "--send")
    assert code == cli.EXIT_STILL_PENDING
    assert "kept" in out


def test_smtp_down_is_kept_then_resent_when_it_is_up(setup, capsys):
    with running_smtp(start=False) as server:
        setup.secrets(smtp_port=server.port)
        code, out = setup.run(capsys, "--as-of", F.WEEK1, "--send")
        assert code == cli.EXIT_STILL_PENDING
        assert f"the SMTP server 127.0.0.1:{server.port} could not be reached" in out
        server.start()
        code, out = setup.run(capsys, "--as-of", F.WEEK1, "--send")
        assert code == cli.EXIT_OK, out
        assert len(server.received) == 1
        assert setup.run(capsys, "--as-of", F.WEEK1, "--send")[0] == cli.EXIT_OK
        assert len(server.received) == 1


def test_a_wrong_smtp_password_is_kept_and_named_without_the_password(setup, capsys):
    with running_smtp() as server:
        setup.secrets(smtp_port=server.port)
        secrets = setup.cwd / ".streamlit" / "secrets.toml"
        secrets.write_text(secrets.read_text().replace(SMTP_PASSWORD, "not-the-one"))
        code, out = setup.run(capsys, "--as-of", F.WEEK1, "--send")
        assert code == cli.EXIT_STILL_PENDING
        assert "refused the username and password" in out and "not-the-one" not in out
        assert server.received == []


def test_no_credential_in_any_output_or_file(setup, capsys, webhook_receiver, smtp_server):
    setup.secrets(webhook=webhook_receiver.url, smtp_port=smtp_server.port)
    outputs = []
    webhook_receiver.status = 500  # a failure: its error is written to the outbox
    outputs.append(setup.run(capsys, "--as-of", F.WEEK1, "--send", "--out", "d.html")[1])
    webhook_receiver.status = 200
    outputs.append(setup.run(capsys, "--as-of", F.WEEK1, "--send", "--out", "d.md")[1])
    outputs.append(setup.run(capsys, "--as-of", F.WEEK1)[1])
    files = setup.written()
    assert any(p.parts[-3:-1] == ("digest", "sent") for p in files)
    assert any(p.name == "d.html" for p in files) and len(files) >= 4
    every_byte = b"".join(p.read_bytes() for p in files) + "".join(outputs).encode()
    for secret in (SMTP_PASSWORD, WEBHOOK_TOKEN, webhook_receiver.url):
        assert secret.encode() not in every_byte
        assert secret.casefold().encode() not in every_byte.lower()


def test_no_name_in_any_byte_sent_or_written(setup, capsys, webhook_receiver, smtp_server):
    setup.secrets(webhook=webhook_receiver.url, smtp_port=smtp_server.port)
    outputs = [setup.run(capsys, "--as-of", F.WEEK1, "--send", "--out", "w1.html")[1]]
    F.write_week(setup.book, 2)
    outputs.append(setup.run(capsys, "--as-of", F.WEEK2, "--send", "--out", "w2.md")[1])
    sent = [json.dumps(b, ensure_ascii=False) for b in webhook_receiver.bodies]
    sent += [mail.as_string() for _, _, mail in smtp_server.received]
    digests = [p for p in setup.written() if p.suffix in (".md", ".html") or "digest" in p.parts]
    written = [p.read_text(encoding="utf-8") for p in digests]
    words = {w.casefold() for n in F.PEOPLE for w in re.findall(r"\w+", n) if len(w) >= 3}
    for text in [*sent, *written, *outputs]:
        folded = text.casefold()
        assert [w for w in words if re.search(rf"\b{w}\b", folded)] == []
        assert not re.search(r"\bli\W{1,3}na\b", folded)
    assert len(sent) == 4


def test_webhook_body_per_service():
    message = Message("2026-03-16", "s", "t", "<p>h</p>", "m", {"slack": "S", "google-chat": "G"})
    message = Message(**{**message.to_dict(), "chat": {**message.chat, "teams": "**T**"}})
    assert webhook_body(message, "slack") == {"text": "S"}
    assert webhook_body(message, "google-chat") == {"text": "G"}
    teams = webhook_body(message, "teams")
    card = teams["attachments"][0]
    assert teams["type"] == "message"
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["body"] == [{"type": "TextBlock", "text": "**T**", "wrap": True}]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://hooks.slack.com/services/T/B/x", "slack"),
        ("https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t", "google-chat"),
        ("https://acme.webhook.office.com/webhookb2/x", "teams"),
        ("https://prod-01.westus.logic.azure.com/workflows/x", "teams"),
    ],
)
def test_the_webhook_kind_follows_the_host(url, kind):
    settings = digest_settings({"groundtruth": {"digest": {"webhook_url": url}}})
    assert settings.webhook.kind == kind
    assert url not in repr(settings)


def test_settings_that_cannot_work_are_named_without_their_secret(setup, capsys):
    setup.secrets(webhook=f"https://example.net/hook/{WEBHOOK_TOKEN}")
    secrets = setup.cwd / ".streamlit" / "secrets.toml"
    secrets.write_text(secrets.read_text().replace('webhook_kind = "slack"\n', ""))
    code, out = setup.run(capsys, "--send")
    assert code == cli.EXIT_USAGE
    assert "example.net" in out and "webhook_kind" in out and WEBHOOK_TOKEN not in out


def test_send_without_a_channel_says_what_to_set(setup, capsys):
    setup.secrets()
    code, out = setup.run(capsys, "--send")
    assert code == cli.EXIT_USAGE and "webhook_url or smtp_host" in out


def test_out_writes_markdown_or_html_and_refuses_other_files(setup, capsys):
    setup.secrets()
    code, out = setup.run(capsys, "--as-of", F.WEEK1, "--out", "digest.md")
    assert code == cli.EXIT_OK
    text = (setup.cwd / "digest.md").read_text(encoding="utf-8")
    assert text.startswith("# Ground Truth weekly digest: week of 9 Mar 2026")
    assert "[check in](https://gt.acme.example/check_in?initiative=AI-7)" in text
    code, out = setup.run(capsys, "--out", "digest.pdf")
    assert code == cli.EXIT_USAGE and ".md or .html" in out
    assert not list(setup.data.glob("**/*.jsonl"))  # without --send nothing is recorded


def test_two_weeks_on_a_google_sheet(sheets_emulator, gsheets_workdir, capsys, webhook_receiver):
    """The same two weeks on the Sheets emulator: week 1's --send appends StatusHistory to
    the sheet, week 2's digest reads it back from there and lists what changed."""
    from data_sources.google_sheet import GoogleSheetSource

    sheets_emulator.tabs = {k: [list(r) for r in v] for k, v in F.week1_tabs().items()}
    secrets = gsheets_workdir / ".streamlit" / "secrets.toml"
    secrets.write_text(
        sheets_emulator.secrets_toml(
            extra=f'\n[groundtruth.digest]\nwebhook_url = "{webhook_receiver.url}"\n'
            'webhook_kind = "slack"\n'
        )
    )
    assert cli.main(["digest", "--as-of", F.WEEK1, "--send"]) == cli.EXIT_OK
    recorded = sheets_emulator.tabs["StatusHistory"]
    assert len(recorded) == 1 + len(F.INITIATIVES) - 1  # the header and 8 rows
    for tab, rows in F.week2_tabs().items():
        sheets_emulator.tabs[tab] = [list(r) for r in rows]
    GoogleSheetSource.forget_layouts()  # a new run, as a new process would start
    assert cli.main(["digest", "--as-of", F.WEEK2, "--send"]) == cli.EXIT_OK, capsys.readouterr()
    assert len(webhook_receiver.posts) == 2
    assert _changed(webhook_receiver.bodies[1]["text"]) == CHANGED_WEEK2
    assert len(sheets_emulator.tabs["StatusHistory"]) == 1 + 2 * 8


def test_a_run_while_another_sends_sends_nothing(setup, capsys, webhook_receiver):
    from data_sources import store
    from data_sources.config import SourceSpec
    from notify.delivery import outbox

    setup.secrets(webhook=webhook_receiver.url)
    box = outbox(store.target_key(SourceSpec("file", str(setup.book))))
    with box.sending() as mine:
        assert mine
        code, out = setup.run(capsys, "--as-of", F.WEEK1, "--send")
    assert code == cli.EXIT_OK and "Another run is sending" in out
    assert webhook_receiver.attempts == 0
    assert setup.run(capsys, "--as-of", F.WEEK1, "--send")[0] == cli.EXIT_OK
    assert len(webhook_receiver.posts) == 1


@pytest.mark.parametrize("kind", ["google-chat", "teams"])
def test_google_chat_and_teams_get_their_own_body(setup, capsys, webhook_receiver, kind):
    setup.secrets(webhook=webhook_receiver.url)
    secrets = setup.cwd / ".streamlit" / "secrets.toml"
    secrets.write_text(secrets.read_text().replace('"slack"', f'"{kind}"'))
    assert setup.run(capsys, "--as-of", F.WEEK1, "--send")[0] == cli.EXIT_OK
    (body,) = webhook_receiver.bodies
    if kind == "google-chat":
        assert set(body) == {"text"}
        assert "*Watermelons: 2, 2 new*" in body["text"]
        assert "<https://gt.acme.example/check_in?initiative=AI-7|check in>" in body["text"]
    else:
        text = body["attachments"][0]["content"]["body"][0]["text"]
        assert "**Watermelons: 2, 2 new**" in text
        assert "[check in](https://gt.acme.example/check_in?initiative=AI-7)" in text


@pytest.mark.parametrize(
    ("digest", "words"),
    [
        ({"names": "yes"}, "names = 'yes'"),
        ({"webhook_url": "ftp://hooks.slack.com/x"}, "webhook_url = (hidden)"),
        ({"webhook_url": "https://hooks.slack.com/x", "webhook_kind": "discord"}, "discord"),
        ({"smtp_host": "smtp.acme.example", "smtp_port": 99999, "to": "a@b.c"}, "smtp_port"),
        ({"smtp_host": "smtp.acme.example", "from": "nobody", "to": "a@b.c"}, "from = 'nobody'"),
        ({"smtp_host": "smtp.acme.example", "from": "gt@acme.example"}, "to = None"),
        ({"smtp_host": "h", "from": "g@a.b", "to": "a@b.c", "password": 7}, "password = (hidden)"),
        ({"timeout_seconds": 0}, "timeout_seconds = 0"),
    ],
)
def test_settings_that_cannot_work(digest, words):
    from data_sources.errors import NotConfigured

    with pytest.raises(NotConfigured) as caught:
        digest_settings({"groundtruth": {"digest": digest}})
    assert words in str(caught.value)
    assert "[groundtruth.digest]" in str(caught.value)


def test_settings_read_every_key():
    settings = digest_settings(
        {
            "groundtruth": {
                "public_url": "https://gt.acme.example/",
                "digest": {
                    "names": True,
                    "smtp_host": "smtp.acme.example",
                    "smtp_port": 465,
                    "username": "u",
                    "password": "p",
                    "from": "Ground Truth <gt@acme.example>",
                    "to": "a@acme.example, Bo <b@acme.example>",
                    "timeout_seconds": 5,
                },
            }
        }
    )
    assert settings.public_url == "https://gt.acme.example"
    assert settings.names and settings.channels == ("email",)
    smtp = settings.smtp
    assert (smtp.port, smtp.starttls, smtp.to) == (465, False, ("a@acme.example", "b@acme.example"))
    assert settings.timeout_seconds == 5.0 and "'p'" not in repr(settings)


def test_a_sheet_that_cannot_record_the_week_still_gets_its_digest(
    sheets_emulator, gsheets_workdir, capsys, webhook_receiver
):
    from tests.fake_sheets import APPEND, BATCH_UPDATE

    sheets_emulator.tabs = {k: [list(r) for r in v] for k, v in F.week1_tabs().items()}
    (gsheets_workdir / ".streamlit" / "secrets.toml").write_text(
        sheets_emulator.secrets_toml(
            extra=f'\n[groundtruth.digest]\nwebhook_url = "{webhook_receiver.url}"\n'
            'webhook_kind = "slack"\n'
        )
    )
    sheets_emulator.fail(403, endpoints={APPEND, BATCH_UPDATE})  # the account may only read
    code = cli.main(["digest", "--as-of", F.WEEK1, "--send"])
    out = capsys.readouterr().out
    assert code == cli.EXIT_OK, out
    assert "warning: this week was not recorded in StatusHistory" in out
    assert "StatusHistory" not in sheets_emulator.tabs
    assert len(webhook_receiver.posts) == 1


def test_starttls_with_the_servers_ca(setup, capsys, tmp_path):
    """The default: STARTTLS before the login, the certificate checked (here against the CA
    named by smtp_cafile); without it, or without STARTTLS, nothing is sent and it waits."""
    cert, context = self_signed(tmp_path)
    with running_smtp(tls=context) as server:
        setup.secrets(smtp_port=server.port, tls=True)
        code, out = setup.run(capsys, "--as-of", F.WEEK1, "--send")
        assert code == cli.EXIT_STILL_PENDING
        assert "certificate that is not trusted" in out and "smtp_cafile" in out
        setup.secrets(smtp_port=server.port, tls=False)
        code, out = setup.run(capsys, "--as-of", F.WEEK1, "--send")
        assert code == cli.EXIT_STILL_PENDING and server.received == []
        setup.secrets(smtp_port=server.port, tls=True, smtp_cafile=str(cert))
        code, out = setup.run(capsys, "--as-of", F.WEEK1, "--send")
        assert code == cli.EXIT_OK, out
        assert len(server.received) == 1 and server.logins == [SMTP_USER]
