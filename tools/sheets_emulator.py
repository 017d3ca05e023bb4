"""A loopback emulator of the Google Sheets v4 endpoints Ground Truth uses.

`FakeSheets` serves, on 127.0.0.1 and a free port, in a background thread:

- POST /token: the OAuth JWT-bearer grant. The assertion must be an RS256 JWT signed with
  the test service account's key (checked with google.auth.jwt), else 400 invalid_grant.
- GET  /v4/spreadsheets/{id}: metadata (`properties.title`, `sheets.properties.title`),
  honouring a `fields` list of dotted paths.
- GET  /v4/spreadsheets/{id}/values:batchGet: one value range per `ranges` (tab names),
  rendered UNFORMATTED_VALUE (numbers stay numbers, dates as serial numbers) or
  FORMATTED_VALUE (US dates like 3/4/2026, numbers as text), trailing empty cells and rows
  omitted like the real API. An unknown tab answers 400 "Unable to parse range".
- POST /v4/spreadsheets/{id}/values/{range}:append: appends rows under the tab's table and
  answers `updates` like the real API; every call's options are kept in `append_calls`.
- POST /v4/spreadsheets/{id}:batchUpdate: `addSheet` and `setDataValidation` requests, all
  or none (tools/sheets_requests.py); each call's requests are kept in `batch_update_calls`
  and the drop-downs per tab in `validations`.
- POST /v4/spreadsheets/{id}/values/{range}:clear: empties the range's cells; the ranges are
  kept in `clear_calls`.
- PUT  /v4/spreadsheets/{id}/values/{range}: writes rows from the range's top-left cell
  (RAW or USER_ENTERED), growing the tab as needed; calls are kept in `update_calls`.

API calls need a Bearer token the emulator issued (401 otherwise). Requests are counted per
endpoint ("token", "metadata", "batchGet", "append", "batchUpdate", "update", "clear");
`fail`, `hang` and `truncate` make the next N requests (or all) answer an HTTP error, sleep
past the client's timeout, or send cut JSON. The workbook is held as typed cells (`tabs`: tab ->
rows of str/int/float/bool/date).

The bench (tools/bench.py) serves from it; the pytest fixtures that start it are in
tests/fake_sheets.py. As a script, to point a local app at a fake sheet:

    python -m tools.sheets_emulator --port 8765 --workbook data_sources/sample/workbook \\
        --secrets /tmp/gt/.streamlit/secrets.toml
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import json
import secrets as token_source
import signal
import threading
import urllib.parse
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tools import sheets_requests

HOST = "127.0.0.1"
SPREADSHEET_ID = "1GroundTruthEmulator_sheet-0123456789abcdefg"
TITLE = "AI initiatives (emulator)"
CLIENT_EMAIL = "ground-truth@acme.iam.gserviceaccount.com"
PRIVATE_KEY_ID = "0123456789abcdef0123456789abcdef01234567"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
# google-auth always signs the grant for Google's endpoint, whatever token_uri says; so does
# the real service, so the emulator accepts that audience as well as its own URL.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
TOKEN_SECONDS = 3600
RSA_BITS = 2048
RSA_EXPONENT = 65537
# Google's grid defaults; the A1 range in an answer spans at least this much.
DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26
SERIAL_EPOCH = dt.datetime(1899, 12, 30)
SECONDS_PER_DAY = 86400
HANDLER_IDLE_SECONDS = 10  # a kept-alive connection with nothing to say is closed after this
LISTEN_QUEUE = 128  # simultaneous connections waiting to be accepted
SHUTDOWN_POLL_SECONDS = 0.02  # how soon stop() is noticed; the default 0.5 s slows every test

TOKEN = "token"
METADATA = "metadata"
BATCH_GET = "batchGet"
APPEND = "append"
BATCH_UPDATE = "batchUpdate"
UPDATE = "update"
CLEAR = "clear"
API_ENDPOINTS = frozenset({METADATA, BATCH_GET, APPEND, BATCH_UPDATE, UPDATE, CLEAR})

_GOOGLE_STATUS = {
    400: ("INVALID_ARGUMENT", "Invalid request."),
    401: ("UNAUTHENTICATED", "Request had invalid authentication credentials."),
    403: ("PERMISSION_DENIED", "The caller does not have permission"),
    404: ("NOT_FOUND", "Requested entity was not found."),
    429: (
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute "
        "per user' of service 'sheets.googleapis.com'.",
    ),
    500: ("INTERNAL", "Internal error encountered."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
}

CellValue = str | int | float | bool | dt.date | dt.datetime | None


# -- the test service account ------------------------------------------------------------


@functools.cache
def emulator_key_pair() -> tuple[str, str]:
    """(private key PEM, public key PEM) of an RSA key made once per process."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=RSA_EXPONENT, key_size=RSA_BITS)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def service_account_info(token_uri: str, *, client_email: str = CLIENT_EMAIL) -> dict[str, str]:
    """The fields of a service-account JSON key file for the test key, using `token_uri`."""
    private, _ = emulator_key_pair()
    return {
        "type": "service_account",
        "project_id": "acme-ground-truth",
        "private_key_id": PRIVATE_KEY_ID,
        "private_key": private,
        "client_email": client_email,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
    }


# -- cell rendering, as the Sheets API does it -------------------------------------------


def serial_number(value: dt.date | dt.datetime) -> int | float:
    """Sheets' serial number: days since 1899-12-30, time as the fraction of a day.

    >>> serial_number(dt.date(2026, 3, 4))
    46085
    """
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - SERIAL_EPOCH
        return delta.days + delta.seconds / SECONDS_PER_DAY
    return (value - SERIAL_EPOCH.date()).days


def _format_number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _format_date(value: dt.date | dt.datetime) -> str:
    text = f"{value.month}/{value.day}/{value.year}"
    if isinstance(value, dt.datetime):
        text += f" {value.hour}:{value.minute:02d}:{value.second:02d}"
    return text


def render(value: CellValue, *, value_option: str, date_option: str) -> Any:
    """One cell as the API renders it for valueRenderOption / dateTimeRenderOption."""
    if value is None:
        return ""
    formatted = value_option == "FORMATTED_VALUE"
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if formatted else value
    if isinstance(value, dt.date):
        if formatted or date_option == "FORMATTED_STRING":
            return _format_date(value)
        return serial_number(value)
    if isinstance(value, int | float):
        if formatted:
            return _format_number(value)
        return int(value) if isinstance(value, float) and value.is_integer() else value
    return str(value)


def _trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    """Drop trailing empty cells of each row and trailing empty rows, like the API."""
    out = []
    for row in rows:
        cells = list(row)
        while cells and cells[-1] in ("", None):
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _column_letters(count: int) -> str:
    letters = ""
    while count:
        count, rem = divmod(count - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def _quoted_tab(tab: str) -> str:
    if tab.replace("_", "").isalnum():
        return tab
    return "'" + tab.replace("'", "''") + "'"


def _a1(tab: str, first_row: int, last_row: int, columns: int) -> str:
    return f"{_quoted_tab(tab)}!A{first_row}:{_column_letters(max(columns, 1))}{last_row}"


def tab_of_range(text: str) -> str:
    """The tab named by an A1 range: "'Check Ins'!A1:C" -> "Check Ins", "Usage" -> "Usage"."""
    text = text.strip()
    if text.startswith("'"):
        name, i = [], 1
        while i < len(text):
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                break
            name.append(text[i])
            i += 1
        return "".join(name)
    return text.split("!", 1)[0]


def _select(document: Any, paths: list[list[str]]) -> Any:
    """Keep only the dotted `fields` paths of a JSON document (lists are mapped over)."""
    if isinstance(document, list):
        return [_select(item, paths) for item in document]
    if not isinstance(document, dict) or any(not p for p in paths):
        return document
    out: dict[str, Any] = {}
    for key in dict.fromkeys(p[0] for p in paths):
        if key in document:
            out[key] = _select(document[key], [p[1:] for p in paths if p[0] == key])
    return out


def _user_entered(value: Any) -> Any:
    """USER_ENTERED input: text that looks like a number or TRUE/FALSE becomes one."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("'"):
        return text[1:]
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE"
    for kind in (int, float):
        try:
            return kind(text.replace(",", ""))
        except ValueError:
            continue
    return value


# -- faults --------------------------------------------------------------------------------


@dataclass
class Fault:
    """What to do instead of answering: an HTTP error, a hang, or cut JSON."""

    action: str  # "status" | "hang" | "truncate"
    endpoints: frozenset[str]
    remaining: int | None  # None: every matching request
    status: int = HTTPStatus.INTERNAL_SERVER_ERROR
    retry_after: str | None = None
    seconds: float = 0.0


# -- the server ----------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    """A threading HTTP server whose listen queue holds a burst of simultaneous clients.

    socketserver's default queue of 5 resets connections beyond it on a busy machine, so
    twenty writers arriving at once would see "connection reset" instead of an answer.
    """

    daemon_threads = True
    request_queue_size = LISTEN_QUEUE


class FakeSheets:
    """The emulator: start it (or use it as a context manager), point the settings at `url`.

    >>> with FakeSheets({"Initiatives": [["id"], ["AI-1"]]}) as sheets:   # doctest: +SKIP
    ...     settings = sheets.settings()

    Extension points: a subclass sets `handler_class` to a `SheetsHandler` subclass (which may
    override `route`, `answer` and `send_document`) and may call `authorized` and `batch_get`.
    """

    handler_class: type[SheetsHandler]  # set below the handler's definition
    thread_name = "fake-sheets"

    def __init__(
        self,
        tabs: dict[str, list[list[CellValue]]] | None = None,
        *,
        spreadsheet_id: str = SPREADSHEET_ID,
        title: str = TITLE,
        client_email: str = CLIENT_EMAIL,
        host: str = HOST,
        port: int = 0,
    ) -> None:
        self.tabs: dict[str, list[list[CellValue]]] = (
            {k: [list(r) for r in v] for k, v in tabs.items()} if tabs else {}
        )
        self.spreadsheet_id = spreadsheet_id
        self.title = title
        self.client_email = client_email
        self.append_calls: list[dict[str, Any]] = []
        self.update_calls: list[dict[str, Any]] = []
        self.batch_update_calls: list[list[dict[str, Any]]] = []
        self.clear_calls: list[str] = []
        # tab title -> [{"range": GridRange, "rule": DataValidationRule}], as set by batchUpdate
        self.validations: dict[str, list[dict[str, Any]]] = {}
        self._host, self._port = host, port
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._faults: list[Fault] = []
        self._tokens: set[str] = set()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> FakeSheets:
        handler = functools.partial(self.handler_class, self)
        self._server = _Server((self._host, self._port), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            name=self.thread_name,
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes hanging handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> FakeSheets:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the emulator first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def token_uri(self) -> str:
        return f"{self.url}/token"

    def service_account_info(self) -> dict[str, str]:
        return service_account_info(self.token_uri, client_email=self.client_email)

    def secrets_section(self, *, spreadsheet: str | None = None) -> dict[str, str]:
        """The `[connections.gsheets]` table pointing at this emulator."""
        return {
            "spreadsheet": spreadsheet or self.spreadsheet_id,
            "api_base_url": self.url,
            **self.service_account_info(),
        }

    def secrets_toml(self, *, extra: str = "") -> str:
        """A whole secrets.toml for this emulator (plus `extra` TOML lines)."""
        lines = ["[connections.gsheets]"]
        # A JSON string literal is a valid TOML basic string (escapes \\n, \\", \\\\).
        lines += [f"{k} = {json.dumps(v)}" for k, v in self.secrets_section().items()]
        return "\n".join(lines) + "\n" + extra

    def settings(self, **section_overrides: Any):  # -> data_sources.config.GSheetsSettings
        from data_sources.config import GSheetsSettings

        return GSheetsSettings.from_section({**self.secrets_section(), **section_overrides})

    # counting

    def count(self, endpoint: str) -> int:
        with self._lock:
            return self._counts[endpoint]

    @property
    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()

    # faults

    def fail(
        self,
        status: int,
        *,
        times: int | None = None,
        retry_after: float | str | None = None,
        endpoints: Iterable[str] = API_ENDPOINTS,
    ) -> None:
        """Answer `status` (Google's error JSON) to the next `times` requests (None: all)."""
        self._add(
            Fault(
                "status",
                frozenset(endpoints),
                times,
                status=status,
                retry_after=None if retry_after is None else str(retry_after),
            )
        )

    def hang(
        self, seconds: float, *, times: int | None = None, endpoints: Iterable[str] = API_ENDPOINTS
    ) -> None:
        """Sleep `seconds` before answering (the client should time out first)."""
        self._add(Fault("hang", frozenset(endpoints), times, seconds=seconds))

    def truncate(
        self, *, times: int | None = None, endpoints: Iterable[str] = API_ENDPOINTS
    ) -> None:
        """Send only the first half of the JSON answer, with a matching Content-Length."""
        self._add(Fault("truncate", frozenset(endpoints), times))

    def heal(self) -> None:
        """Forget every fault."""
        with self._lock:
            self._faults.clear()

    def _add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, endpoint: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if endpoint in fault.endpoints and (fault.remaining is None or fault.remaining > 0):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    return fault
            return None

    # workbook edits

    def rename_tab(self, old: str, new: str) -> None:
        with self._lock:
            self.tabs = {new if k == old else k: v for k, v in self.tabs.items()}

    # request handling (called from handler threads)

    def _arrive(self, endpoint: str) -> Fault | None:
        with self._lock:
            self._counts[endpoint] += 1
        return self._take_fault(endpoint)

    def _issue_token(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        from google.auth import jwt

        if form.get("grant_type", [""])[0] != JWT_BEARER:
            return 400, {"error": "unsupported_grant_type", "error_description": "Bad grant."}
        _, public = emulator_key_pair()
        try:
            claims = jwt.decode(
                form.get("assertion", [""])[0],
                certs=public,
                audience=[GOOGLE_TOKEN_AUDIENCE, self.token_uri],
            )
        except (ValueError, TypeError) as exc:  # google.auth's errors derive from ValueError
            return 400, {"error": "invalid_grant", "error_description": f"Invalid JWT: {exc}"}
        if claims.get("iss") != self.client_email or SHEETS_SCOPE not in claims.get("scope", ""):
            return 400, {"error": "invalid_grant", "error_description": "Wrong issuer or scope."}
        token = token_source.token_urlsafe(24)
        with self._lock:
            self._tokens.add(token)
        return 200, {"access_token": token, "expires_in": TOKEN_SECONDS, "token_type": "Bearer"}

    def authorized(self, header: str | None) -> bool:
        """Whether an Authorization header carries a token this emulator issued."""
        scheme, _, token = (header or "").partition(" ")
        with self._lock:
            return scheme.lower() == "bearer" and token in self._tokens

    def _metadata(self, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            names = list(self.tabs)
            sizes = {k: (len(v), max((len(r) for r in v), default=0)) for k, v in self.tabs.items()}
        document = {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {"title": self.title, "locale": "en_US", "timeZone": "Etc/GMT"},
            "sheets": [
                {
                    "properties": {
                        "sheetId": index,
                        "title": name,
                        "index": index,
                        "sheetType": "GRID",
                        "gridProperties": {
                            "rowCount": max(DEFAULT_ROWS, sizes[name][0]),
                            "columnCount": max(DEFAULT_COLUMNS, sizes[name][1]),
                        },
                    }
                }
                for index, name in enumerate(names)
            ],
        }
        fields = ",".join(query.get("fields", []))
        if fields:
            document = _select(document, [f.strip().split(".") for f in fields.split(",") if f])
        return 200, document

    def batch_get(self, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        """(status, document) of values:batchGet for a parsed query string."""
        value_option = query.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
        date_option = query.get("dateTimeRenderOption", ["SERIAL_NUMBER"])[0]
        value_ranges = []
        with self._lock:
            for requested in query.get("ranges", []):
                tab = tab_of_range(requested)
                if tab not in self.tabs:
                    return _google_error(400, f"Unable to parse range: {requested}")
                rows = [
                    [render(c, value_option=value_option, date_option=date_option) for c in row]
                    for row in self.tabs[tab]
                ]
                values = _trimmed(rows)
                width = max((len(r) for r in self.tabs[tab]), default=0)
                value_range: dict[str, Any] = {
                    "range": _a1(tab, 1, max(DEFAULT_ROWS, len(rows)), max(DEFAULT_COLUMNS, width)),
                    "majorDimension": "ROWS",
                }
                if values:
                    value_range["values"] = values
                value_ranges.append(value_range)
        return 200, {"spreadsheetId": self.spreadsheet_id, "valueRanges": value_ranges}

    def _batch_update(self, body: Any) -> tuple[int, dict[str, Any]]:
        requests = body.get("requests") if isinstance(body, dict) else None
        with self._lock:
            self.batch_update_calls.append(requests if isinstance(requests, list) else [])
            try:
                tabs, validations, replies = sheets_requests.batch_update(
                    self.tabs, self.validations, requests
                )
            except sheets_requests.RequestError as error:
                return _google_error(400, str(error))
            self.tabs, self.validations = tabs, validations
        return 200, {"spreadsheetId": self.spreadsheet_id, "replies": replies}

    def _clear(self, requested: str) -> tuple[int, dict[str, Any]]:
        tab = tab_of_range(requested)
        with self._lock:
            self.clear_calls.append(requested)
            try:
                answer = sheets_requests.clear(self.tabs, tab, requested)
            except sheets_requests.RequestError as error:
                return _google_error(400, str(error))
        return 200, {"spreadsheetId": self.spreadsheet_id, **answer}

    def _update(
        self, requested: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, dict[str, Any]]:
        input_option, values, error = _written_values(query, body)
        if error is not None:
            return error
        tab = tab_of_range(requested)
        top, left = _start_cell(requested)
        with self._lock:
            self.update_calls.append(
                {"tab": tab, "range": requested, "valueInputOption": input_option, "values": values}
            )
            if tab not in self.tabs:
                return _google_error(400, f"Unable to parse range: {requested}")
            table = self.tabs[tab]
            for i, row in enumerate(values):
                while len(table) <= top + i:
                    table.append([])
                target = table[top + i]
                for j, cell in enumerate(row):
                    while len(target) <= left + j:
                        target.append(None)
                    target[left + j] = cell if input_option == "RAW" else _user_entered(cell)
        width = max((len(r) for r in values), default=0)
        return 200, {
            "spreadsheetId": self.spreadsheet_id,
            "updatedRange": requested,
            "updatedRows": len(values),
            "updatedColumns": width,
            "updatedCells": sum(len(r) for r in values),
        }

    def _append(
        self, requested: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, dict[str, Any]]:
        insert_option = query.get("insertDataOption", ["OVERWRITE"])[0]
        input_option, values, error = _written_values(query, body)
        if error is not None:
            return error
        tab = tab_of_range(requested)
        with self._lock:
            self.append_calls.append(
                {
                    "tab": tab,
                    "range": requested,
                    "valueInputOption": input_option,
                    "insertDataOption": insert_option,
                    "values": values,
                }
            )
            if tab not in self.tabs:
                return _google_error(400, f"Unable to parse range: {requested}")
            table = self.tabs[tab]
            while table and all(c in ("", None) for c in table[-1]):
                table.pop()
            first_new = len(table) + 1
            old_width = max((len(r) for r in table), default=0)
            for row in values:
                table.append(
                    list(row) if input_option == "RAW" else [_user_entered(c) for c in row]
                )
        width = max((len(r) for r in values), default=0)
        updates = {
            "spreadsheetId": self.spreadsheet_id,
            "updatedRange": _a1(tab, first_new, first_new + len(values) - 1, width),
            "updatedRows": len(values),
            "updatedColumns": width,
            "updatedCells": sum(len(r) for r in values),
        }
        answer: dict[str, Any] = {"spreadsheetId": self.spreadsheet_id, "updates": updates}
        if first_new > 1:
            answer["tableRange"] = _a1(tab, 1, first_new - 1, old_width)
        return 200, answer


def _written_values(
    query: dict[str, list[str]], body: Any
) -> tuple[str, list[list[Any]], tuple[int, dict[str, Any]] | None]:
    """(valueInputOption, rows, None) of a write request, or (.., .., the 400 answer)."""
    input_option = query.get("valueInputOption", [None])[0]
    if input_option not in ("RAW", "USER_ENTERED"):
        return "", [], _google_error(400, "'valueInputOption' is required but not specified")
    values = body.get("values") if isinstance(body, dict) else None
    if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
        return "", [], _google_error(400, "Invalid values: expected a list of rows")
    return input_option, values, None


def _start_cell(requested: str) -> tuple[int, int]:
    """(0-based row, column) of an A1 range's top-left cell: "'Tab'!C4:D4" -> (3, 2)."""
    text = requested.strip()
    if text.startswith("'"):
        end = text.find("'!", 1)
        while end != -1 and text[end - 1 : end + 1] == "''":
            end = text.find("'!", end + 1)
        ref = text[end + 2 :] if end != -1 else ""
    else:
        ref = text.partition("!")[2]
    ref = ref.split(":", 1)[0]
    letters = "".join(ch for ch in ref if ch.isalpha()).upper()
    digits = "".join(ch for ch in ref if ch.isdigit())
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    return (int(digits) - 1 if digits else 0), (column - 1 if letters else 0)


def _google_error(status: int, message: str | None = None) -> tuple[int, dict[str, Any]]:
    name, default = _GOOGLE_STATUS.get(status, ("UNKNOWN", "Error."))
    return status, {"error": {"code": status, "message": message or default, "status": name}}


class SheetsHandler(BaseHTTPRequestHandler):
    """One connection to the emulator: `route` names the endpoint of a request, `answer`
    computes (status, JSON document) and `send_document` writes it; subclasses override them."""

    protocol_version = "HTTP/1.1"
    timeout = HANDLER_IDLE_SECONDS

    def __init__(self, sheets: FakeSheets, *args: Any, **kwargs: Any) -> None:
        self.sheets = sheets
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read counts, not logs."""

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def route(self, method: str, path: str) -> tuple[str, str | None, str | None]:
        """(endpoint, spreadsheet id, append range) for a raw request path."""
        if method == "POST" and path == "/token":
            return TOKEN, None, None
        prefix = "/v4/spreadsheets/"
        if not path.startswith(prefix):
            return "", None, None
        rest = path[len(prefix) :]
        if method == "GET" and rest.endswith("/values:batchGet"):
            return BATCH_GET, rest.removesuffix("/values:batchGet"), None
        if method == "POST" and "/values/" in rest and rest.endswith(":append"):
            sheet, _, target = rest.partition("/values/")
            return APPEND, sheet, urllib.parse.unquote(target.removesuffix(":append"))
        if method == "POST" and "/values/" in rest and rest.endswith(":clear"):
            sheet, _, target = rest.partition("/values/")
            return CLEAR, sheet, urllib.parse.unquote(target.removesuffix(":clear"))
        if method == "POST" and "/" not in rest and rest.endswith(":batchUpdate"):
            return BATCH_UPDATE, rest.removesuffix(":batchUpdate"), None
        if method == "PUT" and "/values/" in rest:
            sheet, _, target = rest.partition("/values/")
            return UPDATE, sheet, urllib.parse.unquote(target)
        if method == "GET" and "/" not in rest:
            return METADATA, rest, None
        return "", None, None

    def _dispatch(self, method: str) -> None:
        split = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        endpoint, sheet_id, target = self.route(method, split.path)
        if not endpoint:
            self.send_document(*_google_error(404, f"No such endpoint: {method} {split.path}"))
            return
        fault = self.sheets._arrive(endpoint)
        # After a hang, answer anyway (the client has usually gone); stop() cuts it short.
        if (
            fault is not None
            and fault.action == "hang"
            and self.sheets._stopping.wait(fault.seconds)
        ):
            return
        if fault is not None and fault.action == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self.send_document(*_google_error(fault.status), headers=headers)
            return
        status, document = self.answer(endpoint, sheet_id, target, query, raw_body)
        self.send_document(
            status, document, truncate=fault is not None and fault.action == "truncate"
        )

    def answer(
        self,
        endpoint: str,
        sheet_id: str | None,
        target: str | None,
        query: dict[str, list[str]],
        raw_body: bytes,
    ) -> tuple[int, dict[str, Any]]:
        """(status, JSON document) for a routed request: the emulator's Sheets API."""
        if endpoint == TOKEN:
            form = urllib.parse.parse_qs(raw_body.decode("utf-8"))
            return self.sheets._issue_token(form)
        if not self.sheets.authorized(self.headers.get("Authorization")):
            return _google_error(401)
        if sheet_id != self.sheets.spreadsheet_id:
            return _google_error(404)
        if endpoint == METADATA:
            return self.sheets._metadata(query)
        if endpoint == BATCH_GET:
            return self.sheets.batch_get(query)
        try:
            body = json.loads(raw_body or b"{}")
        except ValueError:
            return _google_error(400, "Invalid JSON payload received.")
        if endpoint == BATCH_UPDATE:
            return self.sheets._batch_update(body)
        if endpoint == UPDATE:
            return self.sheets._update(target or "", query, body)
        if endpoint == CLEAR:
            return self.sheets._clear(target or "")
        return self.sheets._append(target or "", query, body)

    def send_document(
        self,
        status: int,
        document: dict[str, Any],
        *,
        headers: dict[str, str] | None = None,
        truncate: bool = False,
    ) -> None:
        """Write `document` as the JSON answer (only its first half when `truncate`)."""
        payload = json.dumps(document).encode("utf-8")
        if truncate:
            payload = payload[: len(payload) // 2]
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing to tell it


FakeSheets.handler_class = SheetsHandler


# -- a default workbook -------------------------------------------------------------------

SMALL_WORKBOOK: dict[str, list[list[CellValue]]] = {
    "Initiatives": [
        ["id", "name", "team", "origin", "stage", "started", "annual_cost", "seats", "notes"],
        ["AI-001", "Support reply drafts", "Support", "Mandate", "Pilot", dt.date(2026, 3, 4),
         50000, 120, "vendor pilot"],
        ["AI-002", "Invoice matching", "Finance", "Grassroots", "Adopted", dt.date(2025, 11, 17),
         None, 8.5, None],
        ["AI-003", "Sales call notes", "Sales", "Vendor", "Stalled", dt.date(2026, 1, 5),
         12000.75, None, True],
    ],
    "Usage": [
        ["initiative_id", "week", "active_users"],
        ["AI-001", dt.date(2026, 3, 2), 14],
        ["AI-002", dt.date(2026, 3, 2), 6],
    ],
    "CheckIns": [
        ["checkin_id", "timestamp", "initiative_id", "author", "reported_status", "stage",
         "active_users", "note"],
    ],
    "Settings": [["key", "value"], ["as_of", dt.date(2026, 6, 1)]],
}  # fmt: skip


def small_workbook() -> dict[str, list[list[CellValue]]]:
    """A fresh deep copy of SMALL_WORKBOOK (tests may edit theirs)."""
    return {tab: [list(row) for row in rows] for tab, rows in SMALL_WORKBOOK.items()}


# -- running as a script -----------------------------------------------------------------


def csv_cell(text: str) -> CellValue:
    """Like typing into Sheets: numbers and ISO dates become typed cells, the rest text."""
    if text == "":
        return None
    if len(text) == len("2026-03-04") and text[4:5] == "-" and text[7:8] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _xlsx_cell(value: Any) -> CellValue:
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


def read_workbook(path: Path) -> dict[str, list[list[CellValue]]]:
    """Typed cells from an .xlsx file (openpyxl values) or a folder of CSV files (Tab.csv)."""
    if path.is_dir():
        tabs = {}
        for file in sorted(path.glob("*.csv")):
            with file.open(newline="", encoding="utf-8-sig") as handle:
                tabs[file.stem] = [[csv_cell(c) for c in row] for row in csv.reader(handle)]
        return tabs
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            sheet.title: [[_xlsx_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets
        }
    finally:
        book.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a workbook as a fake Google Sheet.")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--host", default=HOST)
    parser.add_argument("--workbook", type=Path, help="an .xlsx file or a folder of CSV files")
    parser.add_argument("--secrets", type=Path, help="write a secrets.toml for this emulator here")
    args = parser.parse_args(argv)
    tabs = read_workbook(args.workbook) if args.workbook else small_workbook()
    sheets = FakeSheets(tabs, host=args.host, port=args.port).start()
    text = sheets.secrets_toml()
    if args.secrets:
        args.secrets.parent.mkdir(parents=True, exist_ok=True)
        args.secrets.write_text(text, encoding="utf-8")
    print(f"Fake Google Sheets at {sheets.url} (spreadsheet {sheets.spreadsheet_id})", flush=True)
    if not args.secrets:
        print(text, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sheets.stop()


if __name__ == "__main__":
    main()
