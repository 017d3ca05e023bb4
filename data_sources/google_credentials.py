"""The service account's credentials for Google Sheets, and what a refused token means.

`build_credentials` checks the key fields a sheet owner pastes into [connections.gsheets]
and names the one at fault; `refused_credentials` words a failure of the token service. Key
material never reaches a message (errors.remove_key_material).
"""

from __future__ import annotations

from google.auth.exceptions import RefreshError
from google.oauth2.service_account import Credentials

from data_sources.config import GOOGLE_TOKEN_URI, GSheetsSettings
from data_sources.errors import BadCredentials, SheetsUnavailable, SourceError, remove_key_material

# Read and write: the Check in page appends to CheckIns with the same credentials.
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
PEM_MARKER = "-----BEGIN"
REQUIRED_KEY_FIELDS = ("client_email", "private_key")


def build_credentials(settings: GSheetsSettings) -> Credentials:
    """Service-account credentials for the Sheets scope, with the settings' token_uri.

    Raises BadCredentials naming the field at fault; key material never reaches the message.
    """
    info = dict(settings.service_account_info)
    info.setdefault("token_uri", GOOGLE_TOKEN_URI)
    for name in REQUIRED_KEY_FIELDS:
        if not str(info.get(name) or "").strip():
            raise BadCredentials.for_field(name, "is missing")
    key = str(info["private_key"])
    if "\\n" in key and "\n" not in key:
        # An environment variable or a single-quoted TOML string keeps "\n" as two characters.
        key = key.replace("\\n", "\n")
    if PEM_MARKER not in key:
        raise BadCredentials.for_field(
            "private_key", "is not a PEM key (it starts with -----BEGIN PRIVATE KEY-----)"
        )
    info["private_key"] = key
    try:
        return Credentials.from_service_account_info(info, scopes=list(SCOPES))
    except (ValueError, TypeError, IndexError) as exc:
        message = remove_key_material(exc)
        if "missing fields" in message:
            fields = message.rsplit("missing fields", 1)[1].strip(" .")
            raise BadCredentials.for_field(fields, "is missing") from None
        raise BadCredentials.for_field(
            "private_key", "could not be read as an RSA private key", detail=message
        ) from None


def refused_credentials(exc: RefreshError, settings: GSheetsSettings) -> SourceError:
    """The token endpoint refused or failed: bad key, deleted key, or an outage."""
    detail = remove_key_material(exc.args[0] if exc.args else exc)
    if exc.retryable:
        return SheetsUnavailable(
            title=f"The token service {settings.token_uri} failed", detail=detail
        )
    return BadCredentials(
        title=f"Google refused the credentials of {settings.client_email or 'the service account'}",
        what_to_do=(
            "Check that client_email and private_key in [connections.gsheets] come from the same, "
            "current JSON key of the service account (a deleted key stops working), then reload."
        ),
        detail=detail,
    )
