"""The digest's settings: `[groundtruth.digest]` in `.streamlit/secrets.toml`.

    [groundtruth]
    public_url = "https://groundtruth.acme.com"   # the app's address: check-in links

    [groundtruth.digest]
    names = false                   # true: owners may appear in the digest
    webhook_url = "https://hooks.slack.com/services/…"
    webhook_kind = "slack"          # slack | google-chat | teams (default: from the host)
    smtp_host = "smtp.acme.com"
    smtp_port = 587
    starttls = true
    smtp_cafile = "/etc/ssl/acme-ca.pem"          # optional: trust this CA (an internal server)
    username = "groundtruth@acme.com"
    password = "…"
    from = "Ground Truth <groundtruth@acme.com>"
    to = ["leaders@acme.com", "ai-guild@acme.com"]   # or one address, or "a@x, b@y"
    timeout_seconds = 20

The webhook URL and the password are credentials: they are kept out of `repr`, and every
message that names a channel names the webhook by its host only.

>>> s = digest_settings({"groundtruth": {"digest": {"webhook_url": "https://hooks.slack.com/x"}}})
>>> (s.channels, s.webhook.kind, s.webhook.host)
(('webhook',), 'slack', 'hooks.slack.com')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from data_sources.config import GROUNDTRUTH_SECTION
from data_sources.errors import NotConfigured
from notify.message import GOOGLE_CHAT, SLACK, TEAMS, WEBHOOK_KINDS

SECTION = "digest"
WHERE = f"[{GROUNDTRUTH_SECTION}.{SECTION}] in .streamlit/secrets.toml"
WEBHOOK = "webhook"
EMAIL = "email"
DEFAULT_SMTP_PORT = 587  # submission with STARTTLS
SMTPS_PORT = 465  # TLS from the first byte
DEFAULT_TIMEOUT_SECONDS = 20.0
# Incoming-webhook hosts of each service, for a webhook_url without webhook_kind.
KIND_BY_HOST = {
    "hooks.slack.com": SLACK,
    "chat.googleapis.com": GOOGLE_CHAT,
}
TEAMS_HOST_SUFFIXES = (".webhook.office.com", ".logic.azure.com", ".powerplatform.com")


@dataclass(frozen=True)
class WebhookSettings:
    """An incoming webhook: its URL (a credential: the token is in it) and its kind."""

    url: str = field(repr=False)
    kind: str

    @property
    def host(self) -> str:
        """The host alone: how messages name the webhook, never its path or token."""
        return urlsplit(self.url).hostname or "the webhook"


@dataclass(frozen=True)
class SmtpSettings:
    """An SMTP server and the envelope: STARTTLS unless `starttls` is false (port 465: TLS)."""

    host: str
    port: int
    starttls: bool
    sender: str
    to: tuple[str, ...]
    username: str = ""
    password: str = field(default="", repr=False)
    cafile: str = ""  # a CA bundle to trust besides the system's, for an internal server


@dataclass(frozen=True)
class DigestSettings:
    """Everything `cli.py digest` needs besides the workbook."""

    names: bool = False
    public_url: str | None = None
    webhook: WebhookSettings | None = None
    smtp: SmtpSettings | None = None
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS

    @property
    def channels(self) -> tuple[str, ...]:
        """The configured channels, in sending order."""
        return tuple(
            name
            for name, on in ((WEBHOOK, self.webhook is not None), (EMAIL, self.smtp is not None))
            if on
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        """The credentials in these settings, to check that no output carries one."""
        found = [self.webhook.url] if self.webhook else []
        if self.smtp and self.smtp.password:
            found.append(self.smtp.password)
        return tuple(found)


def _bad(key: str, value: object, fix: str) -> NotConfigured:
    shown = "(hidden)" if key in ("webhook_url", "password") else repr(value)
    return NotConfigured(title=f"{key} = {shown} in {WHERE} cannot be used", what_to_do=fix)


def _text(section: Mapping[str, Any], key: str) -> str:
    value = section.get(key, "")
    if not isinstance(value, str):
        raise _bad(key, value, f"Write {key} as text in quotes.")
    return value.strip()


def _http_url(value: str, key: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _bad(key, value, f"Set {key} to an http(s) address, or remove it.")
    return value


def _webhook(section: Mapping[str, Any]) -> WebhookSettings | None:
    url = _text(section, "webhook_url")
    if not url:
        return None
    _http_url(url, "webhook_url")
    kind = _text(section, "webhook_kind").casefold()
    if not kind:
        host = (urlsplit(url).hostname or "").casefold()
        kind = KIND_BY_HOST.get(host) or (TEAMS if host.endswith(TEAMS_HOST_SUFFIXES) else "")
        if not kind:
            raise NotConfigured(
                title=f"The webhook at {host} is not one Ground Truth recognises",
                what_to_do=f"Add webhook_kind = one of {', '.join(WEBHOOK_KINDS)} to {WHERE}.",
            )
    if kind not in WEBHOOK_KINDS:
        raise _bad("webhook_kind", kind, f"Use one of {', '.join(WEBHOOK_KINDS)}.")
    return WebhookSettings(url, kind)


def _addresses(value: object) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(v, str) for v in items):
        raise _bad("to", value, 'Write to as "a@acme.com" or ["a@acme.com", "b@acme.com"].')
    found = tuple(addr for _, addr in getaddresses(list(items)) if "@" in addr)
    if not found:
        raise _bad("to", value, "Give at least one e-mail address to send the digest to.")
    return found


def _smtp(section: Mapping[str, Any]) -> SmtpSettings | None:
    host = _text(section, "smtp_host")
    if not host:
        return None
    port = section.get("smtp_port", DEFAULT_SMTP_PORT)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise _bad("smtp_port", port, "Set smtp_port to a port number such as 587.")
    starttls = section.get("starttls", port != SMTPS_PORT)
    if not isinstance(starttls, bool):
        raise _bad("starttls", starttls, "Set starttls to true or false.")
    sender = _text(section, "from")
    if "@" not in parseaddr(sender)[1]:
        raise _bad("from", sender, 'Set from to the sender\'s address, e.g. "gt@acme.com".')
    username = _text(section, "username")
    password = section.get("password", "")
    if not isinstance(password, str):
        raise _bad("password", password, "Write password as text in quotes.")
    cafile = _text(section, "smtp_cafile")
    if cafile and not Path(cafile).expanduser().is_file():
        raise _bad("smtp_cafile", cafile, "Point smtp_cafile at a PEM file of CA certificates.")
    return SmtpSettings(
        host,
        port,
        starttls,
        sender,
        _addresses(section.get("to")),
        username,
        password,
        str(Path(cafile).expanduser()) if cafile else "",
    )


def digest_settings(secrets: Mapping[str, Any]) -> DigestSettings:
    """The digest settings from the secrets (empty: preview only). NotConfigured on a value
    that cannot work, naming the key (never a credential's value)."""
    top = secrets.get(GROUNDTRUTH_SECTION) or {}
    if not isinstance(top, Mapping):
        return DigestSettings()
    public_url = _text(top, "public_url") or None
    if public_url is not None:
        public_url = _http_url(public_url, "public_url").rstrip("/")
    section = top.get(SECTION) or {}
    if not isinstance(section, Mapping):
        raise NotConfigured(
            title=f"{WHERE} is not a table",
            what_to_do="Write it as a section: [groundtruth.digest] on its own line, then keys.",
        )
    names = section.get("names", False)
    if not isinstance(names, bool):
        raise _bad("names", names, "Set names to true or false.")
    timeout = section.get("timeout_seconds", DEFAULT_TIMEOUT_SECONDS)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise _bad("timeout_seconds", timeout, "Set timeout_seconds to a positive number.")
    return DigestSettings(
        names=names,
        public_url=public_url,
        webhook=_webhook(section),
        smtp=_smtp(section),
        timeout_seconds=float(timeout),
    )
