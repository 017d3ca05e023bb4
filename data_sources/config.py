"""Which workbook to read: secrets.toml and environment in, a `SourceSpec` out.

Order (DESIGN.md section 4): an explicit override (`cli.py --source`), then the environment
variable `GROUNDTRUTH_SOURCE`, then `[groundtruth] source` in `.streamlit/secrets.toml`, then
a configured `[connections.gsheets]`, else the bundled sample, so a fresh clone runs offline.
A source value is `sample`, `gsheets`, a Google Sheets URL, or a path (.xlsx, CSV folder/file).

No Streamlit here: `read_secrets` reads the same files Streamlit does, so the CLI and the
app agree on the source.

>>> spec = resolve_source(secrets={}, env={"GROUNDTRUTH_SOURCE": "data/portfolio.xlsx"})
>>> (spec.kind, spec.location, spec.ttl_seconds)
('file', 'data/portfolio.xlsx', 300)
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from gspread.exceptions import NoValidUrlKeyFound
from gspread.utils import extract_id_from_url

from data_sources.errors import SOURCE_ENV, NotConfigured, remove_key_material
from data_sources.retry import RetryPolicy
from data_sources.sql_settings import SECTION as USAGE_SECTION
from data_sources.sql_settings import SqlUsageSettings
from portfolio.model import FILE_KIND

SECRETS_RELATIVE = Path(".streamlit") / "secrets.toml"
GROUNDTRUTH_SECTION = "groundtruth"
CONNECTIONS_SECTION = "connections"
GSHEETS_SECTION = "gsheets"
DEFAULT_TTL_SECONDS = 5 * 60  # one read of the sheet per five minutes, shared by every viewer
GOOGLE_SHEETS_API = "https://sheets.googleapis.com"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
SAMPLE = "sample"
FILE = FILE_KIND  # portfolio.model: a server path is its origin
GSHEETS = "gsheets"
SourceKind = Literal["sample", "file", "gsheets"]
# [groundtruth] keys that bound the wait on Google Sheets -> RetryPolicy fields. Raise them
# for a slow network; tests shrink them so a hang or a 429 storm gives up within a second.
POLICY_KEYS = {
    "read_timeout_seconds": "read_timeout",
    "retry_total_seconds": "total_seconds",
}

# Keys of [connections.gsheets] that are ours, not fields of the service-account key.
_OUR_KEYS = ("spreadsheet", "api_base_url", "worksheet", "type_of_connection")
_KEY_CHARS = re.compile(r"^[A-Za-z0-9_-]{10,}$")
_GSHEETS_URL = re.compile(r"^https?://docs\.google\.com/spreadsheets/", re.IGNORECASE)
_FIX_SPREADSHEET = (
    "Set spreadsheet under [connections.gsheets] in .streamlit/secrets.toml to the sheet's URL "
    "(https://docs.google.com/spreadsheets/d/…/edit) or its key."
)


def read_secrets(cwd: Path | None = None, *, home: Path | None = None) -> dict[str, Any]:
    """Read `.streamlit/secrets.toml` from the home folder, then the working folder.

    Like Streamlit, a top-level key in the working folder's file replaces the same key
    from the home folder's. Missing files are fine (an empty dict); a file that is not valid
    TOML raises NotConfigured naming the file and the line.

    >>> read_secrets(Path("/nonexistent"), home=Path("/nonexistent"))
    {}
    """
    folders = [Path.home() if home is None else home, Path.cwd() if cwd is None else cwd]
    merged: dict[str, Any] = {}
    seen: set[Path] = set()
    for folder in folders:
        path = (folder / SECRETS_RELATIVE).resolve()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        try:
            merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as exc:
            raise NotConfigured(
                title=f"{path} is not valid TOML",
                what_to_do=(
                    "Fix the line named in the details; a multi-line private_key needs "
                    'triple quotes (""") or \\n instead of line breaks.'
                ),
                detail=remove_key_material(exc),
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise NotConfigured(
                title=f"Cannot read {path}",
                what_to_do="Check the file's permissions and encoding.",
                detail=str(exc),
            ) from None
    return merged


def spreadsheet_key(value: str) -> str:
    """The spreadsheet key from a Google Sheets URL or a raw key.

    >>> spreadsheet_key("https://docs.google.com/spreadsheets/d/1AbC_dEf-123456789/edit#gid=0")
    '1AbC_dEf-123456789'
    >>> spreadsheet_key(" 1AbC_dEf-123456789 ")
    '1AbC_dEf-123456789'
    """
    text = str(value).strip()
    if "/" in text:
        try:
            return extract_id_from_url(text)
        except NoValidUrlKeyFound:
            raise NotConfigured(
                title=f'"{text}" is not a Google Sheets URL', what_to_do=_FIX_SPREADSHEET
            ) from None
    if not _KEY_CHARS.match(text):
        raise NotConfigured(
            title=f'"{text}" is not a spreadsheet key or URL', what_to_do=_FIX_SPREADSHEET
        )
    return text


@dataclass(frozen=True)
class GSheetsSettings:
    """How to reach one Google Sheet: its key, the API base URL and the service account.

    `service_account_info` is the JSON key file as a dict; it is left out of repr() so the
    private key never lands in a log.

    >>> s = GSheetsSettings.from_section({"spreadsheet": "1AbC_dEf-123456789",
    ...                                   "client_email": "gt@acme.iam.gserviceaccount.com"})
    >>> (s.spreadsheet_key, s.api_base_url, s.client_email)
    ('1AbC_dEf-123456789', 'https://sheets.googleapis.com', 'gt@acme.iam.gserviceaccount.com')
    """

    spreadsheet_key: str
    api_base_url: str = GOOGLE_SHEETS_API
    service_account_info: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def __hash__(self) -> int:
        # The key dict is not hashable; these fields tell two sheets or accounts apart, so
        # settings can key a cache (st.cache_data, the loader's clients).
        key_id = (
            self.service_account_info.get("private_key_id")
            or hashlib.sha256(
                str(self.service_account_info.get("private_key", "")).encode()
            ).hexdigest()
        )
        return hash((self.spreadsheet_key, self.api_base_url, self.client_email, key_id))

    @property
    def client_email(self) -> str:
        return str(self.service_account_info.get("client_email", "")).strip()

    @property
    def token_uri(self) -> str:
        return str(self.service_account_info.get("token_uri") or GOOGLE_TOKEN_URI)

    @classmethod
    def from_section(
        cls, section: Mapping[str, Any], *, spreadsheet: str | None = None
    ) -> GSheetsSettings:
        """Settings from a `[connections.gsheets]` table; `spreadsheet` overrides its key."""
        where = spreadsheet if spreadsheet is not None else section.get("spreadsheet")
        if not where:
            raise NotConfigured(
                title="[connections.gsheets] has no spreadsheet", what_to_do=_FIX_SPREADSHEET
            )
        base = str(section.get("api_base_url") or GOOGLE_SHEETS_API).strip().rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise NotConfigured(
                title=f'api_base_url "{base}" is not an http(s) URL',
                what_to_do="Remove api_base_url from [connections.gsheets] to use Google's.",
            )
        info = {k: v for k, v in section.items() if k not in _OUR_KEYS}
        return cls(spreadsheet_key(str(where)), base, info)


def _has_gsheets(secrets: Mapping[str, Any]) -> bool:
    section = _gsheets_section(secrets)
    return bool(section.get("spreadsheet")) and bool(
        section.get("private_key") or section.get("client_email")
    )


def _gsheets_section(secrets: Mapping[str, Any]) -> Mapping[str, Any]:
    connections = secrets.get(CONNECTIONS_SECTION) or {}
    section = connections.get(GSHEETS_SECTION) if isinstance(connections, Mapping) else None
    return section if isinstance(section, Mapping) else {}


@dataclass(frozen=True)
class SourceSpec:
    """The chosen source: `kind`, where (`location`: a path or a spreadsheet key), and how
    long a read stays fresh (`ttl_seconds`). `gsheets` is set when kind is "gsheets";
    `usage` when `[connections.usage]` puts the Usage tab in a SQL database."""

    kind: SourceKind
    location: str | None = None
    gsheets: GSheetsSettings | None = None
    ttl_seconds: int = DEFAULT_TTL_SECONDS
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    usage: SqlUsageSettings | None = None


def _usage(secrets: Mapping[str, Any]) -> SqlUsageSettings | None:
    """`[connections.usage]`, when present: Usage read from SQL instead of the sheet."""
    connections = secrets.get(CONNECTIONS_SECTION) or {}
    section = connections.get(USAGE_SECTION) if isinstance(connections, Mapping) else None
    if section is None:
        return None
    if not isinstance(section, Mapping):
        raise NotConfigured(
            title="[connections.usage] in .streamlit/secrets.toml is not a table",
            what_to_do='Write it as a section: [connections.usage] then url = "…" on its own line.',
        )
    return SqlUsageSettings.from_section(section)


def _ttl(secrets: Mapping[str, Any]) -> int:
    value = (secrets.get(GROUNDTRUTH_SECTION) or {}).get("ttl_seconds", DEFAULT_TTL_SECONDS)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise NotConfigured(
            title=f"[groundtruth] ttl_seconds = {value!r} is not a number of seconds",
            what_to_do="Set it to a whole number such as 300, or remove it for the default.",
        )
    return int(value)


def _policy(secrets: Mapping[str, Any]) -> RetryPolicy:
    """The retry policy, with `[groundtruth] read_timeout_seconds` / `retry_total_seconds`.

    >>> _policy({"groundtruth": {"retry_total_seconds": 1}}).total_seconds
    1.0
    """
    section = secrets.get(GROUNDTRUTH_SECTION) or {}
    chosen: dict[str, float] = {}
    for key, name in POLICY_KEYS.items():
        if key not in section:
            continue
        value = section[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise NotConfigured(
                title=f"[groundtruth] {key} = {value!r} is not a number of seconds",
                what_to_do="Set it to a positive number such as 20, or remove it for the default.",
            )
        chosen[name] = float(value)
    return RetryPolicy(**chosen)


def _spec_for(
    value: str, *, secrets: Mapping[str, Any], ttl: int, named_by: str, policy: RetryPolicy
) -> SourceSpec:
    text = value.strip()
    word = text.casefold()
    if word == SAMPLE:
        return SourceSpec(SAMPLE, None, None, ttl)
    if word == GSHEETS or _GSHEETS_URL.match(text):
        section = _gsheets_section(secrets)
        if not section:
            raise NotConfigured(
                title=f"{named_by} asks for Google Sheets, but there is no [connections.gsheets]"
            )
        settings = GSheetsSettings.from_section(
            section, spreadsheet=None if word == GSHEETS else text
        )
        return SourceSpec(GSHEETS, settings.spreadsheet_key, settings, ttl, policy)
    return SourceSpec(FILE, str(Path(text).expanduser()), None, ttl)


def resolve_source(
    *,
    secrets: Mapping[str, Any],
    env: Mapping[str, str] = os.environ,
    override: str | None = None,
) -> SourceSpec:
    """Choose the source: override, then GROUNDTRUTH_SOURCE, then [groundtruth] source,
    then a configured [connections.gsheets], else the bundled sample. A
    `[connections.usage]` section rides along with whichever it is (`spec.usage`).

    >>> resolve_source(secrets={}, env={}).kind
    'sample'
    >>> resolve_source(secrets={}, env={"GROUNDTRUTH_SOURCE": "sample"}, override="x.xlsx").kind
    'file'
    """
    usage = _usage(secrets)
    spec = _sheet_spec(secrets=secrets, env=env, override=override)
    return spec if usage is None else replace(spec, usage=usage)


def _sheet_spec(
    *, secrets: Mapping[str, Any], env: Mapping[str, str], override: str | None
) -> SourceSpec:
    ttl = _ttl(secrets)
    policy = _policy(secrets)
    configured = (secrets.get(GROUNDTRUTH_SECTION) or {}).get("source")
    for value, named_by in (
        (override, "--source"),
        (env.get(SOURCE_ENV), SOURCE_ENV),
        (configured, "[groundtruth] source"),
    ):
        if value is not None and str(value).strip():
            return _spec_for(str(value), secrets=secrets, ttl=ttl, named_by=named_by, policy=policy)
    if _has_gsheets(secrets):
        settings = GSheetsSettings.from_section(_gsheets_section(secrets))
        return SourceSpec(GSHEETS, settings.spreadsheet_key, settings, ttl, policy)
    return SourceSpec(SAMPLE, None, None, ttl)
