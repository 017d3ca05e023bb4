"""Real receivers on 127.0.0.1 for the digest's channels, started and stopped by the tests.

`smtp_server`: an aiosmtpd SMTP server (AUTH PLAIN/LOGIN over plain text, for the test
only) that keeps every message it accepts. `webhook_receiver`: an http.server in a thread
that keeps every POST and answers with the status the test sets (or hangs until released).
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_USER = "digest-bot"
SMTP_PASSWORD = "pw-Sup3r-s3cret-42"
WEBHOOK_TOKEN = "XoXoTOKEN9f8e7d6c5b4a"
HANG_LIMIT_S = 30  # a hanging answer is released by then at the latest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class SmtpServer:
    """What the server accepted: (envelope sender, recipients, parsed message)."""

    port: int
    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode() == SMTP_USER and auth_data.password.decode() == SMTP_PASSWORD
        )
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)

    def start(self) -> None:
        self.controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self.authenticate,
            auth_require_tls=False,
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@contextlib.contextmanager
def running_smtp(port: int | None = None, *, start: bool = True) -> Iterator[SmtpServer]:
    server = SmtpServer(port or free_port())
    if start:
        server.start()
    try:
        yield server
    finally:
        server.stop()


class Receiver(ThreadingHTTPServer):
    """Keeps every POST: (path, headers, JSON body); answers `status` (or hangs)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.posts: list[tuple[str, dict[str, str], object]] = []
        self.attempts = 0
        self.status = 200
        self.hang = False
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/services/T01/B02/{WEBHOOK_TOKEN}"

    @property
    def bodies(self) -> list[object]:
        return [body for _, _, body in self.posts]


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        self.server.attempts += 1
        if self.server.hang:
            self.server.release.wait(HANG_LIMIT_S)
            return
        if self.server.status < 300:
            self.server.posts.append((self.path, dict(self.headers), json.loads(raw)))
        body = b"ok" if self.server.status < 300 else b"invalid_payload"
        self.send_response(self.server.status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # quiet
        pass


@contextlib.contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        receiver.shutdown()
        receiver.server_close()
        thread.join()
