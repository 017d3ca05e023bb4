"""Optional sign-in: Streamlit's OpenID Connect login (`st.login`) and an e-mail domain allow-list.

Configured in `.streamlit/secrets.toml` (README, "Access control"):

    [groundtruth]
    allowed_domains = ["acme.com"]        # or ["*"]: anyone the provider signs in

    [auth]
    redirect_uri = "https://groundtruth.acme.com/oauth2callback"
    cookie_secret = "…a long random string…"
    client_id = "…"
    client_secret = "…"
    server_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"

With neither section the dashboard is open (a laptop, a trusted network). With either, every
page requires sign-in, and a half-done set-up keeps every page closed with a message naming
the key to add: the gate fails closed, never open. `access_config` and `decide` are pure (the
tested logic); `require_access` draws the sign-in page and is called by app.py before
navigation.

>>> config = AccessConfig(allowed_domains=("acme.com",), providers=(None,))
>>> decide(config, Visitor(logged_in=True, email="dana@ACME.com")).outcome
'allowed'
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NoReturn

GROUNDTRUTH_SECTION = "groundtruth"
ALLOWED_DOMAINS_KEY = "allowed_domains"
ANY_DOMAIN = "*"
AUTH_SECTION = "auth"
SHARED_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
# Tables inside [auth] that are options, not providers.
NOT_PROVIDERS = frozenset({"client_kwargs"})
CALLBACK_PATH = "/oauth2callback"
DEFAULT_PROVIDER = "default"
# 32 hex characters are 128 bits; shorter secrets make the identity cookie guessable.
MIN_COOKIE_SECRET_CHARS = 32
AUTHLIB = "Authlib"
AUTHLIB_MINIMUM = (1, 3, 2)  # what st.login needs (Streamlit's auth_util)
MAKE_SECRET = 'python -c "import secrets; print(secrets.token_hex(32))"'
README_HINT = "README, Access control"

Outcome = Literal["open", "sign_in", "allowed", "denied"]
OPEN: Outcome = "open"
SIGN_IN: Outcome = "sign_in"
ALLOWED: Outcome = "allowed"
DENIED: Outcome = "denied"


class AccessConfigError(Exception):
    """The sign-in settings are incomplete or contradictory; the message names what to add."""


@dataclass(frozen=True)
class AccessConfig:
    """Sign-in is on: who may enter (`allowed_domains`, lower-case) and with which providers.

    `providers` holds the names to pass to `st.login`; None stands for the provider whose keys
    sit directly in [auth].
    """

    allowed_domains: tuple[str, ...]
    providers: tuple[str | None, ...]

    @property
    def any_domain(self) -> bool:
        return ANY_DOMAIN in self.allowed_domains

    def describe_domains(self) -> str:
        """'acme.com or acme.co.uk'; 'any' for the wildcard."""
        return "any" if self.any_domain else " or ".join(self.allowed_domains)


@dataclass(frozen=True)
class Visitor:
    """Who is looking, as far as Streamlit knows (`st.user`)."""

    logged_in: bool
    email: str | None = None
    email_verified: bool | None = None  # None: the provider did not say

    @classmethod
    def from_user(cls, user: Mapping[str, Any]) -> Visitor:
        """From `st.user.to_dict()`: {"is_logged_in": True, "email": "dana@acme.com", …}.

        >>> Visitor.from_user({"is_logged_in": True, "email": "d@acme.com",
        ...                    "email_verified": "false"})
        Visitor(logged_in=True, email='d@acme.com', email_verified=False)
        """
        verified = user.get("email_verified")
        if isinstance(verified, str):  # some providers send the claim as text
            verified = verified.strip().casefold() == "true"
        email = user.get("email")
        return cls(
            logged_in=bool(user.get("is_logged_in")),
            email=str(email).strip() if email else None,
            email_verified=None if verified is None else bool(verified),
        )


@dataclass(frozen=True)
class Gate:
    """What the gate does for one visitor: `outcome`, and for a refusal, the `reason`."""

    outcome: Outcome
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.outcome in (OPEN, ALLOWED)


def email_domain(email: str | None) -> str | None:
    """The domain of an address, lower-case, or None when it is not an address.

    >>> email_domain("Dana.Whitfield@ACME.com")
    'acme.com'
    >>> email_domain("not an address") is None
    True
    """
    if not email:
        return None
    local, at, domain = str(email).strip().rpartition("@")
    domain = domain.strip().rstrip(".").casefold()
    if not at or not local or not domain or any(ch.isspace() for ch in domain):
        return None
    return domain


def _domains(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise AccessConfigError(
            f"[{GROUNDTRUTH_SECTION}] {ALLOWED_DOMAINS_KEY} = {value!r} is not a list — "
            f'write it as {ALLOWED_DOMAINS_KEY} = ["acme.com"].'
        )
    out: list[str] = []
    for item in items:
        text = str(item).strip().removeprefix("@").rstrip(".").casefold()
        if text == ANY_DOMAIN:
            out.append(text)
            continue
        if "." not in text or "@" in text or any(ch.isspace() for ch in text) or "*" in text:
            raise AccessConfigError(
                f'[{GROUNDTRUTH_SECTION}] {ALLOWED_DOMAINS_KEY} has "{item}", which is not an '
                'e-mail domain — list domains such as "acme.com" (without the user part), '
                f'or "{ANY_DOMAIN}" alone to let in anyone the provider signs in.'
            )
        out.append(text)
    if not out:
        raise AccessConfigError(
            f"[{GROUNDTRUTH_SECTION}] {ALLOWED_DOMAINS_KEY} is empty, so nobody could sign in — "
            f'list your domains, e.g. ["acme.com"], or remove it and [{AUTH_SECTION}] '
            "to leave the dashboard open."
        )
    return tuple(dict.fromkeys(out))


def _missing(section: Mapping[str, Any], keys: tuple[str, ...]) -> list[str]:
    return [key for key in keys if not str(section.get(key) or "").strip()]


def _providers(auth: Mapping[str, Any]) -> tuple[str | None, ...]:
    """Providers in [auth]: None for keys directly in it, then each [auth.<name>] table."""
    providers: list[str | None] = []
    if any(key in auth for key in PROVIDER_KEYS):
        missing = _missing(auth, PROVIDER_KEYS)
        if missing:
            raise AccessConfigError(
                f"[{AUTH_SECTION}] is missing {', '.join(missing)} — copy them from your "
                f"identity provider's OpenID Connect app ({README_HINT})."
            )
        providers.append(None)
    for name, table in auth.items():
        if not isinstance(table, Mapping) or name in NOT_PROVIDERS:
            continue
        if "_" in name:
            raise AccessConfigError(
                f'[{AUTH_SECTION}.{name}]: Streamlit does not accept "_" in a provider name — '
                f"rename it, e.g. [{AUTH_SECTION}.{name.replace('_', '')}]."
            )
        missing = _missing(table, PROVIDER_KEYS)
        if missing:
            raise AccessConfigError(
                f"[{AUTH_SECTION}.{name}] is missing {', '.join(missing)} — copy them from "
                f"the provider's OpenID Connect app ({README_HINT})."
            )
        providers.append(str(name))
    if not providers:
        raise AccessConfigError(
            f"[{AUTH_SECTION}] names no identity provider — add client_id, client_secret and "
            f"server_metadata_url to it, or an [{AUTH_SECTION}.<name>] table with them "
            f"({README_HINT})."
        )
    return tuple(providers)


def access_config(secrets: Mapping[str, Any]) -> AccessConfig | None:
    """Sign-in settings from secrets: None when sign-in is not configured at all.

    Raises AccessConfigError, naming the key to add or fix, when only part of it is there.

    >>> access_config({}) is None
    True
    >>> access_config({"groundtruth": {"allowed_domains": ["acme.com"]}})
    Traceback (most recent call last):
    ...
    ui.auth.AccessConfigError: [groundtruth] allowed_domains is set but there is no [auth] \
section — add [auth] with redirect_uri, cookie_secret, client_id, client_secret and \
server_metadata_url (README, Access control), or remove allowed_domains to leave the \
dashboard open.
    """
    ours = secrets.get(GROUNDTRUTH_SECTION) or {}
    domains = ours.get(ALLOWED_DOMAINS_KEY) if isinstance(ours, Mapping) else None
    auth = secrets.get(AUTH_SECTION)
    if auth is None and domains is None:
        return None
    if not isinstance(auth, Mapping) or not auth:
        raise AccessConfigError(
            f"[{GROUNDTRUTH_SECTION}] {ALLOWED_DOMAINS_KEY} is set but there is no "
            f"[{AUTH_SECTION}] section — add [{AUTH_SECTION}] with "
            f"{', '.join(SHARED_KEYS + PROVIDER_KEYS[:-1])} and {PROVIDER_KEYS[-1]} "
            f"({README_HINT}), or remove {ALLOWED_DOMAINS_KEY} to leave the dashboard open."
        )
    if domains is None:
        raise AccessConfigError(
            f"[{AUTH_SECTION}] is set but [{GROUNDTRUTH_SECTION}] has no {ALLOWED_DOMAINS_KEY} — "
            f'add {ALLOWED_DOMAINS_KEY} = ["acme.com"] with your e-mail domains '
            f'(or ["{ANY_DOMAIN}"] to let in anyone your provider signs in).'
        )
    allowed = _domains(domains)
    missing = _missing(auth, SHARED_KEYS)
    if missing:
        raise AccessConfigError(
            f"[{AUTH_SECTION}] is missing {', '.join(missing)} — add "
            f'redirect_uri = "https://<your host>{CALLBACK_PATH}" and a cookie_secret made '
            f"with {MAKE_SECRET}."
        )
    redirect = str(auth["redirect_uri"]).strip()
    if not redirect.startswith(("http://", "https://")) or not redirect.endswith(CALLBACK_PATH):
        raise AccessConfigError(
            f'[{AUTH_SECTION}] redirect_uri "{redirect}" must be the app\'s address ending in '
            f'{CALLBACK_PATH}, e.g. "http://localhost:8501{CALLBACK_PATH}" — register the same '
            "address with the identity provider."
        )
    if len(str(auth["cookie_secret"])) < MIN_COOKIE_SECRET_CHARS:
        raise AccessConfigError(
            f"[{AUTH_SECTION}] cookie_secret is shorter than {MIN_COOKIE_SECRET_CHARS} "
            f"characters — make a new one with {MAKE_SECRET}."
        )
    return AccessConfig(allowed_domains=allowed, providers=_providers(auth))


def decide(config: AccessConfig | None, visitor: Visitor) -> Gate:
    """Whether this visitor sees the dashboard.

    >>> decide(None, Visitor(logged_in=False)).outcome
    'open'
    >>> cfg = AccessConfig(allowed_domains=("acme.com",), providers=(None,))
    >>> decide(cfg, Visitor(logged_in=False)).outcome
    'sign_in'
    >>> decide(cfg, Visitor(logged_in=True, email="dana@acme.com.evil.io")).reason
    'dana@acme.com.evil.io is not an acme.com address — sign out and sign in with your acme.com account.'
    """  # noqa: E501
    if config is None:
        return Gate(OPEN)
    if not visitor.logged_in:
        return Gate(SIGN_IN)
    domain = email_domain(visitor.email)
    if domain is None:
        return Gate(
            DENIED,
            "Your identity provider did not share an e-mail address — ask the dashboard's "
            'admin to add "email" to the scopes of the sign-in app.',
        )
    if visitor.email_verified is False:
        return Gate(
            DENIED,
            f"{visitor.email} is not verified by your identity provider — verify it there, "
            "then sign in again.",
        )
    if config.any_domain or domain in config.allowed_domains:
        return Gate(ALLOWED)
    wanted = config.describe_domains()
    return Gate(
        DENIED,
        f"{visitor.email} is not an {wanted} address — sign out and sign in with your "
        f"{wanted} account.",
    )


def authlib_ready() -> bool:
    """Whether Authlib (which st.login needs) is installed in a recent enough version."""
    try:
        version = importlib.metadata.version(AUTHLIB)
    except importlib.metadata.PackageNotFoundError:
        return False
    parts = tuple(int(p) for p in version.split(".")[: len(AUTHLIB_MINIMUM)] if p.isdigit())
    return parts >= AUTHLIB_MINIMUM


# -- drawing (Streamlit) ------------------------------------------------------------------


def _provider_label(provider: str | None) -> str:
    return "Sign in" if provider is None else f"Sign in with {provider.capitalize()}"


def _closed(pages: Sequence[Any] | None) -> NoReturn:
    """End the run of a closed screen with the page list hidden.

    Before a server's first `st.navigation`, Streamlit lists the files of pages/ in the
    sidebar; a hidden navigation over the app's own pages replaces that list, so a visitor
    who has not signed in learns nothing of the pages.
    """
    import streamlit as st

    if pages:
        st.navigation(list(pages), position="hidden")
    st.stop()
    raise AssertionError("st.stop() ends the run")  # for readers and type checkers


def require_access(
    secrets: Mapping[str, Any] | None = None,
    *,
    present: bool = False,
    pages: Sequence[Any] | None = None,
) -> Gate:
    """Stop the run unless the visitor may see the dashboard; app.py calls it before navigation.

    Draws the sign-in page, a refusal with its reason, or a settings error (all closed, the
    navigation over `pages` hidden), and for a signed-in visitor a "Sign out" button in the
    sidebar (the address is left out in presentation mode). Returns the Gate when the
    visitor may go on.
    """
    import streamlit as st

    from ui import data
    from ui import format as fmt

    try:
        config = access_config(data.secrets() if secrets is None else secrets)
    except Exception as exc:  # AccessConfigError, or secrets.toml itself unreadable
        st.title("Ground Truth")
        st.error(fmt.plain(exc), icon=":material/lock:")
        _closed(pages)
    gate = decide(config, Visitor.from_user(st.user.to_dict()))
    if gate.outcome == OPEN:
        return gate
    assert config is not None
    if gate.outcome == ALLOWED:
        with st.sidebar:
            if not present and st.user.get("email"):
                st.caption(f"Signed in as {fmt.plain(st.user.get('email'))}")
            st.button("Sign out", key="auth_logout", on_click=st.logout)
        return gate
    st.title("Ground Truth")
    if gate.outcome == DENIED:
        st.error(fmt.plain(gate.reason), icon=":material/block:")
        st.button("Sign out", key="auth_logout_denied", on_click=st.logout)
        _closed(pages)
    if not authlib_ready():
        st.error(
            "Sign-in is configured, but the Authlib package it needs is not installed — run "
            f"pip install '{AUTHLIB}>={'.'.join(map(str, AUTHLIB_MINIMUM))}' and restart.",
            icon=":material/lock:",
        )
        _closed(pages)
    who = (
        "anyone your organization's sign-in accepts"
        if config.any_domain
        else (f"people with an {config.describe_domains()} address")
    )
    st.write(f"This dashboard is for {fmt.plain(who)}. Sign in to see it.")
    for provider in config.providers:
        st.button(
            _provider_label(provider),
            key=f"auth_login_{provider or DEFAULT_PROVIDER}",
            type="primary",
            icon=":material/login:",
            on_click=st.login,
            args=() if provider is None else (provider,),
        )
    _closed(pages)
