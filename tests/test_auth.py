"""Access control: the sign-in settings, the gate's decision, and every page closed without it.

The OpenID Connect round trip itself needs a real identity provider, so it is not run here;
what is tested offline is the decision (configured? signed in? allowed domain?), the
validation of the settings with its messages, and the app with AppTest's `user`.
"""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data_sources import loader
from tests.apptest_support import (
    AUTH,
    COOKIE_SECRET,
    ROOT,
    SIGN_IN_TOML,
    metric,
    start_app,
    texts,
    use_workdir,
)
from ui import auth
from ui.auth import (
    ALLOWED,
    DENIED,
    OPEN,
    SIGN_IN,
    AccessConfig,
    AccessConfigError,
    Visitor,
    access_config,
    decide,
    email_domain,
)

PROVIDER = {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}
SHARED = {k: AUTH[k] for k in ("redirect_uri", "cookie_secret")}


def with_domains(domains, auth=AUTH) -> dict:
    return {"groundtruth": {"allowed_domains": domains}, "auth": auth}


# -- the settings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("secrets", "domains", "providers"),
    [
        (with_domains(["acme.com"]), ("acme.com",), (None,)),
        # case, a leading @ and a trailing dot are forgiven; duplicates kept once
        (with_domains(["ACME.com", "@acme.co.uk", "acme.com."]), ("acme.com", "acme.co.uk"),
         (None,)),
        (with_domains("acme.com"), ("acme.com",), (None,)),
        (with_domains(["*"]), ("*",), (None,)),
        (with_domains(["acme.com"], {**SHARED, "google": PROVIDER}), ("acme.com",), ("google",)),
        (with_domains(["acme.com"], {**SHARED, "google": PROVIDER, "microsoft": PROVIDER}),
         ("acme.com",), ("google", "microsoft")),
        (with_domains(["acme.com"], {**AUTH, "client_kwargs": {"prompt": "login"}}),
         ("acme.com",), (None,)),
    ],
)  # fmt: skip
def test_valid_settings(secrets, domains, providers):
    assert access_config(secrets) == AccessConfig(allowed_domains=domains, providers=providers)


@pytest.mark.parametrize(
    "secrets",
    [
        {},
        {"groundtruth": {"source": "sample", "ttl_seconds": 60}},
        {"connections": {"gsheets": {"spreadsheet": "1AbC_dEf-123456789"}}},
    ],
)
def test_without_sign_in_settings_the_dashboard_is_open(secrets):
    assert access_config(secrets) is None


def _without(mapping: dict, key: str) -> dict:
    return {k: v for k, v in mapping.items() if k != key}


@pytest.mark.parametrize(
    ("secrets", "says"),
    [
        ({"groundtruth": {"allowed_domains": ["acme.com"]}},
         "allowed_domains is set but there is no [auth] section — add [auth] with redirect_uri"),
        ({"auth": AUTH}, 'has no allowed_domains — add allowed_domains = ["acme.com"]'),
        (with_domains([]), "allowed_domains is empty, so nobody could sign in"),
        (with_domains(["dana@acme.com"]), 'has "dana@acme.com", which is not an e-mail domain'),
        (with_domains(["acme"]), 'has "acme", which is not an e-mail domain'),
        (with_domains(["*.acme.com"]), 'has "*.acme.com", which is not an e-mail domain'),
        (with_domains({"a": 1}), "is not a list — write it as allowed_domains = "),
        (with_domains(["acme.com"], _without(AUTH, "cookie_secret")),
         "[auth] is missing cookie_secret — add"),
        (with_domains(["acme.com"], _without(AUTH, "redirect_uri")),
         "[auth] is missing redirect_uri — add"),
        (with_domains(["acme.com"], {**AUTH, "redirect_uri": "http://localhost:8501/"}),
         'redirect_uri "http://localhost:8501/" must be the app\'s address ending in '
         "/oauth2callback"),
        (with_domains(["acme.com"], {**AUTH, "cookie_secret": "short"}),
         "cookie_secret is shorter than 32 characters — make a new one with python -c"),
        (with_domains(["acme.com"], _without(AUTH, "client_secret")),
         "[auth] is missing client_secret — copy them from your identity provider"),
        (with_domains(["acme.com"], SHARED), "[auth] names no identity provider"),
        (with_domains(["acme.com"], {**SHARED, "google": _without(PROVIDER, "client_id")}),
         "[auth.google] is missing client_id"),
        (with_domains(["acme.com"], {**SHARED, "my_idp": PROVIDER}),
         'does not accept "_" in a provider name — rename it, e.g. [auth.myidp]'),
    ],
)  # fmt: skip
def test_half_done_settings_say_what_to_add(secrets, says):
    with pytest.raises(AccessConfigError) as caught:
        access_config(secrets)
    assert says in str(caught.value)


@pytest.mark.parametrize("secret_key", ["cookie_secret", "client_secret"])
def test_settings_messages_never_quote_a_secret(secret_key):
    broken = {**AUTH, "redirect_uri": "nope"}
    with pytest.raises(AccessConfigError) as caught:
        access_config(with_domains(["acme.com"], broken))
    assert AUTH[secret_key] not in str(caught.value)


# -- the decision --------------------------------------------------------------------------

ACME = AccessConfig(allowed_domains=("acme.com", "acme.co.uk"), providers=(None,))
ANYONE = AccessConfig(allowed_domains=("*",), providers=(None,))


@pytest.mark.parametrize(
    ("config", "visitor", "outcome"),
    [
        (None, Visitor(logged_in=False), OPEN),
        (None, Visitor(logged_in=True, email="x@elsewhere.org"), OPEN),
        (ACME, Visitor(logged_in=False), SIGN_IN),
        # logged out but an address lingering: still has to sign in
        (ACME, Visitor(logged_in=False, email="dana@acme.com"), SIGN_IN),
        (ACME, Visitor(logged_in=True, email="dana@acme.com"), ALLOWED),
        (ACME, Visitor(logged_in=True, email="Dana@ACME.COM"), ALLOWED),
        (ACME, Visitor(logged_in=True, email="li@acme.co.uk"), ALLOWED),
        (ACME, Visitor(logged_in=True, email="dana@acme.com", email_verified=True), ALLOWED),
        (ACME, Visitor(logged_in=True, email="dana@acme.com", email_verified=False), DENIED),
        (ACME, Visitor(logged_in=True, email="eve@evil.io"), DENIED),
        # look-alikes: a suffix, a subdomain, a longer name, the domain as the user part
        (ACME, Visitor(logged_in=True, email="eve@acme.com.evil.io"), DENIED),
        (ACME, Visitor(logged_in=True, email="eve@eu.acme.com"), DENIED),
        (ACME, Visitor(logged_in=True, email="eve@notacme.com"), DENIED),
        (ACME, Visitor(logged_in=True, email="acme.com@evil.io"), DENIED),
        (ACME, Visitor(logged_in=True, email=None), DENIED),
        (ACME, Visitor(logged_in=True, email="acme.com"), DENIED),
        (ANYONE, Visitor(logged_in=True, email="x@elsewhere.org"), ALLOWED),
        (ANYONE, Visitor(logged_in=False), SIGN_IN),
        (ANYONE, Visitor(logged_in=True, email=None), DENIED),
    ],
)
def test_decide(config, visitor, outcome):
    assert decide(config, visitor).outcome == outcome


@pytest.mark.parametrize(
    ("visitor", "reason"),
    [
        (Visitor(logged_in=True, email="eve@evil.io"),
         "eve@evil.io is not an acme.com or acme.co.uk address — sign out and sign in with "
         "your acme.com or acme.co.uk account."),
        (Visitor(logged_in=True, email="dana@acme.com", email_verified=False),
         "dana@acme.com is not verified by your identity provider — verify it there, then "
         "sign in again."),
        (Visitor(logged_in=True),
         "Your identity provider did not share an e-mail address — ask the dashboard's admin "
         'to add "email" to the scopes of the sign-in app.'),
    ],
)  # fmt: skip
def test_a_refusal_says_why(visitor, reason):
    gate = decide(ACME, visitor)
    assert (gate.outcome, gate.reason, gate.allowed) == (DENIED, reason, False)


@pytest.mark.parametrize(
    ("user", "visitor"),
    [
        ({}, Visitor(logged_in=False)),
        ({"is_logged_in": False}, Visitor(logged_in=False)),
        ({"is_logged_in": True, "email": " dana@acme.com "},
         Visitor(logged_in=True, email="dana@acme.com")),
        ({"is_logged_in": True, "email": "d@acme.com", "email_verified": True},
         Visitor(logged_in=True, email="d@acme.com", email_verified=True)),
        ({"is_logged_in": True, "email": "d@acme.com", "email_verified": "FALSE"},
         Visitor(logged_in=True, email="d@acme.com", email_verified=False)),
    ],
)  # fmt: skip
def test_visitor_from_st_user(user, visitor):
    assert Visitor.from_user(user) == visitor


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("dana@acme.com", "acme.com"),
        ("Dana@Acme.COM.", "acme.com"),
        ("@acme.com", None),
        ("dana@", None),
        ("dana", None),
        ("", None),
        (None, None),
        ("dana@acme .com", None),
    ],
)
def test_email_domain(email, domain):
    assert email_domain(email) == domain


# -- the app -------------------------------------------------------------------------------


@pytest.fixture
def signin_workdir(tmp_path, monkeypatch):
    """A working folder whose secrets.toml turns sign-in on, over the bundled sample."""
    use_workdir(tmp_path, monkeypatch, secrets_toml=SIGN_IN_TOML)
    # st.user finds [auth] through Streamlit's parsed secrets, which a process keeps; forget
    # them so this folder's file is read, and again after, so no other test sees sign-in.
    st.secrets._reset()
    st.cache_resource.clear()
    loader.forget_sources()
    yield tmp_path
    st.secrets._reset()


def run_as(user: dict | None, page: str | None = None) -> AppTest:
    return start_app(user=user, page=page)


PAGES = ["pages/overview.py", "pages/sheet_health.py"]


@pytest.mark.parametrize("page", [None, *PAGES])
def test_a_visitor_who_has_not_signed_in_sees_only_the_sign_in_page(
    signin_workdir, page, monkeypatch
):
    monkeypatch.setattr(auth, "authlib_ready", lambda: True)
    at = run_as({"is_logged_in": False}, page)
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert at.metric.len == 0 and at.dataframe.len == 0
    shown = texts(at)
    assert "people with an acme\\.com address" in shown
    assert "Initiatives" not in shown


def test_without_authlib_the_sign_in_page_says_what_to_install(signin_workdir, monkeypatch):
    monkeypatch.setattr(auth, "authlib_ready", lambda: False)
    at = run_as({"is_logged_in": False})
    assert not at.exception
    assert at.button.len == 0 and at.metric.len == 0
    assert "pip install 'Authlib>=1.3.2'" in at.error[0].value


def test_a_signed_in_colleague_sees_the_dashboard(signin_workdir):
    at = run_as({"is_logged_in": True, "email": "dana@acme.com", "name": "Dana"})
    assert not at.exception
    assert int(metric(at, "Initiatives").replace(",", "")) > 0
    assert "Signed in as dana@acme\\.com" in [c.value for c in at.sidebar.caption]
    assert "Sign out" in [b.label for b in at.sidebar.button]


def test_presenting_hides_the_signed_in_address(signin_workdir):
    at = start_app(user={"is_logged_in": True, "email": "dana@acme.com"}, query={"present": "1"})
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at) + " ".join(c.value for c in at.sidebar.caption)
    assert "dana@acme" not in shown
    assert "Sign out" in [b.label for b in at.sidebar.button]


def test_an_outsider_is_refused_with_the_reason(signin_workdir):
    at = run_as({"is_logged_in": True, "email": "eve@evil.io"})
    assert not at.exception
    assert [e.value for e in at.error] == [
        "eve@evil\\.io is not an acme\\.com address — sign out and sign in with your "
        "acme\\.com account\\."
    ]
    assert at.metric.len == 0
    assert [b.label for b in at.button] == ["Sign out"]


def test_half_done_settings_close_every_page(signin_workdir):
    secrets_file = signin_workdir / ".streamlit" / "secrets.toml"
    secrets_file.write_text(SIGN_IN_TOML.replace("[auth]", "[auth_off]"), encoding="utf-8")
    st.secrets._reset()
    at = run_as({"is_logged_in": True, "email": "dana@acme.com"})
    assert not at.exception
    assert at.metric.len == 0
    assert "there is no \\[auth\\] section" in at.error[0].value


def test_an_unreadable_secrets_file_closes_the_app_instead_of_dropping_sign_in(signin_workdir):
    secrets_file = signin_workdir / ".streamlit" / "secrets.toml"
    secrets_file.write_text(SIGN_IN_TOML + "\n[broken\n", encoding="utf-8")
    st.secrets._reset()
    at = run_as({"is_logged_in": True, "email": "dana@acme.com"})
    assert not at.exception
    assert at.metric.len == 0
    assert "is not valid TOML" in at.error[0].value
    assert COOKIE_SECRET not in texts(at)


@pytest.mark.parametrize("page", ["pages/watermelons.py", "pages/overview.py"])
def test_a_page_script_run_on_its_own_is_closed_too(signin_workdir, monkeypatch, page):
    # A deep link on a server that has not yet run app.py's st.navigation runs the page
    # script alone; the gate in the shell catches it.
    monkeypatch.setattr(auth, "authlib_ready", lambda: True)
    at = start_app(script=ROOT / page, user={"is_logged_in": False})
    assert not at.exception
    assert at.metric.len == 0 and at.dataframe.len == 0
    assert [b.label for b in at.button] == ["Sign in"]
