"""Real receivers on 127.0.0.1 for the digest's channels, started and stopped by the tests.

`smtp_server`: an aiosmtpd SMTP server (AUTH PLAIN/LOGIN over plain text, for the test
only) that keeps every message it accepts. `webhook_receiver`: an http.server in a thread
that keeps every POST and answers with the status the test sets (or hangs until released).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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
    tls: ssl.SSLContext | None = None  # STARTTLS offered and required (login too)

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
        tls = {"tls_context": self.tls, "require_starttls": True} if self.tls else {}
        self.controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self.authenticate,
            auth_require_tls=self.tls is not None,
            **tls,
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def self_signed(folder: Path) -> tuple[Path, ssl.SSLContext]:
    """A certificate for 127.0.0.1 signed by itself: (its PEM file, a server context)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Ground Truth test CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return cert_file, context


@contextlib.contextmanager
def running_smtp(
    port: int | None = None, *, start: bool = True, tls: ssl.SSLContext | None = None
) -> Iterator[SmtpServer]:
    server = SmtpServer(port or free_port(), tls=tls)
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
    # Polled every 10 ms for the stop, not serve_forever's default 0.5 s: each test stops one.
    thread = threading.Thread(target=receiver.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        receiver.shutdown()
        receiver.server_close()
        thread.join()
