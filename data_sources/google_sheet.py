"""The Google Sheets source: the whole workbook in one `values:batchGet`, and appends.

Reads go through gspread 6.2.1's lower-level HTTP client (`fetch_sheet_metadata`,
`values_batch_get`, `values_append`) rather than its `Spreadsheet`/`Worksheet` objects,
because those fetch metadata on open and read one tab per request, and the budget is one
request per refresh (DESIGN.md section 6). gspread hard-codes Google's host in module
constants (gspread/urls.py) with no setting for another, so `retry.RetryingHTTPClient`,
a subclass of gspread's public `HTTPClient`, swaps the host for `api_base_url` and carries
the timeouts and the bounded retry policy. Authentication is google-auth's service-account
credentials (data_sources.google_credentials) with `token_uri` from the settings, so a proxy
or the test emulator also serves the token. Every failure comes out as a
`data_sources.errors.SourceError` with a fix.

>>> source = GoogleSheetSource(settings)  # no I/O yet       # doctest: +SKIP
>>> raw = source.fetch()                              # doctest: +SKIP
>>> raw.tabs["Initiatives"][1][:3]                    # doctest: +SKIP
['AI-001', 'Support reply drafts', 'Support']
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import gspread
import requests
from google.auth.exceptions import GoogleAuthError, RefreshError, TransportError
from gspread.exceptions import APIError
from gspread.urls import SPREADSHEET_VALUES_BATCH_URL
from gspread.utils import absolute_range_name

from data_sources.config import GSheetsSettings
from data_sources.errors import (
    BadCredentials,
    BadResponse,
    NotConfigured,
    QuotaExceeded,
    SheetNotFound,
    SheetNotShared,
    SheetsUnavailable,
    SheetTimeout,
    SourceError,
    TabMissing,
    remove_key_material,
)
from data_sources.files import gc_paused
from data_sources.google_credentials import build_credentials, refused_credentials
from data_sources.limits import SOURCE_LIMITS, cap_tabs
from data_sources.retry import RetryingHTTPClient, RetryPolicy
from portfolio import text
from portfolio.model import Cell, RawWorkbook

KIND = "gsheets"
# Numbers stay numbers and dates come as serial numbers, so parsing does not depend on the
# sheet's locale or display formats.
BATCH_GET_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
METADATA_FIELDS = "properties.title,sheets.properties.title,sheets.properties.sheetType"
SHEET_ID_FIELDS = "sheets.properties.title,sheets.properties.sheetId,sheets.properties.sheetType"
APPEND_PARAMS = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
GRID = "GRID"  # chart sheets (sheetType OBJECT) have no cells to read
BAD_RANGE = "Unable to parse range"
API_DISABLED_MARKERS = ("SERVICE_DISABLED", "has not been used in project", "it is disabled")
HTTP_BAD_REQUEST = 400
HTTP_UNAUTHORIZED = 401
HTTP_FORBIDDEN = 403
HTTP_NOT_FOUND = 404
HTTP_TOO_MANY = 429
HTTP_SERVER_ERROR = 500


@dataclass(frozen=True)
class SheetLayout:
    """The spreadsheet's title and its tabs (grid sheets only), in sheet order."""

    title: str
    tabs: tuple[str, ...]


class GoogleSheetSource:
    """One Google Sheet, read whole in one request and appended to row by row.

    Nothing connects until `fetch` or `append_rows`. The tab list is cached per spreadsheet
    for the life of the process, so after the first read each `fetch` is exactly one
    `values:batchGet`; a renamed or removed tab refreshes it once.
    """

    _layouts: ClassVar[dict[tuple[str, str], SheetLayout]] = {}
    _layouts_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, settings: GSheetsSettings, *, policy: RetryPolicy | None = None) -> None:
        self.settings = settings
        self.policy = policy or RetryPolicy()
        self._http: RetryingHTTPClient | None = None
        self._lock = threading.Lock()

    @property
    def service_account_email(self) -> str:
        """The address the sheet must be shared with."""
        return self.settings.client_email

    @property
    def spreadsheet_key(self) -> str:
        return self.settings.spreadsheet_key

    @property
    def _cache_key(self) -> tuple[str, str]:
        return (self.settings.api_base_url, self.settings.spreadsheet_key)

    @classmethod
    def forget_layouts(cls) -> None:
        """Drop every cached tab list (tests; or after restructuring a sheet)."""
        with cls._layouts_lock:
            cls._layouts.clear()

    def fetch(self) -> RawWorkbook:
        """Every tab of the spreadsheet as raw cells, in one `values:batchGet` request.

        Cells come typed as the API renders them unformatted: text as str, numbers as
        int/float, checkboxes as bool, dates as serial numbers (days since 1899-12-30).
        Trailing empty cells are omitted, so rows may be shorter than the header. Google
        holds at most 10 million cells per spreadsheet; a server that answers more is cut
        to `data_sources.limits.SOURCE_LIMITS`, and `problems` says what was not read.

        Raises a `SourceError` subclass (SheetNotShared, QuotaExceeded, SheetTimeout, …).
        """
        with self._mapped_errors():
            http = self._client()
            layout = self._layout(http)
            try:
                payload = self._batch_get(http, layout.tabs)
            except APIError as exc:
                if not _is_bad_range(exc):
                    raise
                # A tab was renamed or removed since the tab list was cached.
                layout = self._layout(http, refresh=True)
                payload = self._batch_get(http, layout.tabs)
            tabs, problems = cap_tabs(_tabs_from(payload, layout.tabs), SOURCE_LIMITS)
        return RawWorkbook(
            tabs=tabs,
            origin=f"Google Sheet {layout.title or self.spreadsheet_key}",
            kind=KIND,
            fetched_at=dt.datetime.now(dt.UTC),
            problems=tuple(problems),
        )

    def append_rows(self, tab: str, rows: list[list[Cell]]) -> int:
        """Append rows under the table in `tab`, stored verbatim (RAW); returns rows written.

        Retries after a timeout may append twice; CheckIns rows carry a unique checkin_id so
        a reader keeps one of each.

        >>> source.append_rows("CheckIns", [["c-1", "2026-06-01T09:00:00Z", "AI-001"]])
        ... # doctest: +SKIP
        1
        """
        if not rows:
            return 0
        answer = self._append(tab, rows)
        try:
            return int(answer["updates"]["updatedRows"])
        except (KeyError, TypeError, ValueError):
            raise BadResponse(detail="values:append answered without updates") from None

    def append_rows_at(self, tab: str, rows: list[list[Cell]]) -> str:
        """Append rows like `append_rows`; returns the A1 range they landed in
        ("'StatusHistory'!A5:I7"), so a writer can check them against a later read.

        >>> source.append_rows_at("StatusHistory", [["2026-03-09", "AI-001"]])  # doctest: +SKIP
        "'StatusHistory'!A5:B5"
        """
        if not rows:
            return ""
        answer = self._append(tab, rows)
        try:
            return str(answer["updates"]["updatedRange"])
        except (KeyError, TypeError):
            raise BadResponse(detail="values:append answered without updates") from None

    def _append(self, tab: str, rows: list[list[Cell]]) -> Any:
        """One values:append of `rows` under the table in `tab` (RAW); the API's answer."""
        with self._mapped_errors(tab=tab):
            return self._client().values_append(
                self.spreadsheet_key,
                absolute_range_name(tab),
                params=dict(APPEND_PARAMS),
                body={"majorDimension": "ROWS", "values": rows},
            )

    def clear_range(self, range_name: str) -> None:
        """Empty the cells of an A1 range (values:clear): formats and validation stay."""
        with self._mapped_errors(tab=range_name.rsplit("!", 1)[0].strip("'")):
            self._client().values_clear(self.spreadsheet_key, range_name)

    def batch_update(self, requests: list[dict[str, Any]]) -> dict[str, Any]:
        """Send `spreadsheets.batchUpdate` requests (addSheet, setDataValidation, …) at once;
        Google applies all of them or none. Returns the API's answer."""
        if not requests:
            return {}
        with self._mapped_errors():
            answer = self._client().batch_update(self.spreadsheet_key, {"requests": requests})
            return answer if isinstance(answer, dict) else {}

    def sheet_ids(self) -> dict[str, int]:
        """Tab title -> sheetId (one metadata request, not cached): batchUpdate requests
        address a tab by its id, which survives renames."""
        with self._mapped_errors():
            meta = self._client().fetch_sheet_metadata(
                self.spreadsheet_key, params={"fields": SHEET_ID_FIELDS}
            )
        try:
            return {
                str(sheet["properties"]["title"]): int(sheet["properties"]["sheetId"])
                for sheet in meta.get("sheets", [])
                if sheet["properties"].get("sheetType", GRID) == GRID
            }
        except (AttributeError, KeyError, TypeError, ValueError):
            raise BadResponse(detail="the spreadsheet metadata has no sheet ids") from None

    def tab_titles(self) -> tuple[str, ...]:
        """The spreadsheet's grid tabs in sheet order (one metadata request, then cached)."""
        with self._mapped_errors():
            return self._layout(self._client()).tabs

    def read_tab(self, tab: str) -> list[list[Cell]]:
        """One tab's cells in one `values:batchGet`, e.g. the CheckIns ids before an append.

        >>> source.read_tab("CheckIns")[0][:2]              # doctest: +SKIP
        ['checkin_id', 'timestamp']
        """
        with self._mapped_errors(tab=tab):
            payload = self._batch_get(self._client(), (tab,))
            return _tabs_from(payload, (tab,))[tab]

    def check_append(self, tab: str) -> None:
        """Ask to append no rows to `tab`: Google checks the edit right and writes nothing.

        Returns when the service account may append; raises SheetNotShared (403) for a
        Viewer, TabMissing when there is no such tab, another SourceError otherwise.
        """
        with self._mapped_errors(tab=tab):
            self._client().values_append(
                self.spreadsheet_key,
                absolute_range_name(tab),
                params=dict(APPEND_PARAMS),
                body={"majorDimension": "ROWS", "values": []},
            )

    def add_tabs(self, names: list[str] | tuple[str, ...]) -> None:
        """Add empty tabs (one batchUpdate of addSheet requests), then refresh the tab list.

        >>> source.add_tabs(["Mapping"])                     # doctest: +SKIP
        """
        if not names:
            return
        body = {"requests": [{"addSheet": {"properties": {"title": name}}} for name in names]}
        with self._mapped_errors():
            http = self._client()
            http.batch_update(self.spreadsheet_key, body)
            self._layout(http, refresh=True)

    def update_cells(self, range_name: str, rows: list[list[Cell]]) -> int:
        """Write rows at an A1 range's top-left cell, stored verbatim (RAW); returns cells written.

        The caller makes sure the cells are empty: init-sheet never overwrites data.

        >>> source.update_cells("'Initiatives'!R1", [["reverted_to", "notes"]])  # doctest: +SKIP
        2
        """
        with self._mapped_errors(tab=range_name.rsplit("!", 1)[0].strip("'")):
            answer = self._client().values_update(
                self.spreadsheet_key,
                range_name,
                params={"valueInputOption": "RAW"},
                body={"majorDimension": "ROWS", "values": rows},
            )
            try:
                return int(answer["updatedCells"])
            except (KeyError, TypeError, ValueError):
                raise BadResponse(detail="values:update answered without updatedCells") from None

    # -- plumbing -----------------------------------------------------------------------

    def _client(self) -> RetryingHTTPClient:
        with self._lock:
            if self._http is None:
                credentials = build_credentials(self.settings)
                factory = functools.partial(
                    RetryingHTTPClient,
                    policy=self.policy,
                    api_base_url=self.settings.api_base_url,
                )
                client = gspread.Client(credentials, http_client=factory)
                self._http = client.http_client  # type: ignore[assignment]
            assert self._http is not None
            return self._http

    def _layout(self, http: RetryingHTTPClient, *, refresh: bool = False) -> SheetLayout:
        with self._layouts_lock:
            cached = None if refresh else self._layouts.get(self._cache_key)
        if cached is not None:
            return cached
        meta = http.fetch_sheet_metadata(self.spreadsheet_key, params={"fields": METADATA_FIELDS})
        layout = _layout_from(meta)
        with self._layouts_lock:
            self._layouts[self._cache_key] = layout
        return layout

    def _batch_get(self, http: RetryingHTTPClient, tabs: tuple[str, ...]) -> dict[str, Any]:
        if not tabs:
            return {"valueRanges": []}
        ranges = [absolute_range_name(tab) for tab in tabs]
        # gspread's values_batch_get, with the collector paused for the decoding only, not
        # for the wait on the network (which may include retries).
        response = http.request(
            "get",
            SPREADSHEET_VALUES_BATCH_URL % self.spreadsheet_key,
            params={**BATCH_GET_PARAMS, "ranges": ranges},
        )
        with gc_paused():
            payload = response.json()
        if b"\\ud" in response.content or b"\\uD" in response.content:
            _whole_text(payload)  # rare: escaped surrogates; Google sends text as UTF-8
        return payload

    @contextlib.contextmanager
    def _mapped_errors(self, *, tab: str | None = None) -> Iterator[None]:
        """Turn gspread, requests and google-auth failures into SourceErrors with a fix."""
        try:
            yield
        except SourceError:
            raise
        except APIError as exc:
            raise self._from_api_error(exc, tab=tab) from None
        except requests.Timeout:
            raise SheetTimeout(detail=f"no answer from {self.settings.api_base_url}") from None
        except requests.ConnectionError as exc:
            raise _unreachable(self.settings.api_base_url, exc) from None
        except RefreshError as exc:
            raise refused_credentials(exc, self.settings) from None
        except TransportError as exc:
            if isinstance(exc.__cause__, requests.Timeout):
                raise SheetTimeout(detail=f"no answer from {self.settings.token_uri}") from None
            raise _unreachable(self.settings.token_uri, exc) from None
        except GoogleAuthError as exc:
            raise BadCredentials(detail=remove_key_material(exc)) from None
        except (json.JSONDecodeError, requests.exceptions.JSONDecodeError) as exc:
            raise BadResponse(detail=f"invalid JSON ({exc})") from None

    def _from_api_error(self, exc: APIError, *, tab: str | None) -> SourceError:
        status = exc.response.status_code
        detail = _api_message(exc)
        if status == HTTP_FORBIDDEN:
            if any(marker in detail for marker in API_DISABLED_MARKERS):
                return NotConfigured(
                    title="The Google Sheets API is not enabled for the service account's project",
                    what_to_do=(
                        "Enable it at https://console.cloud.google.com/apis/library/"
                        "sheets.googleapis.com for that project, wait a minute and reload."
                    ),
                    detail=detail,
                    status=status,
                )
            return SheetNotShared.for_account(self.service_account_email, detail=detail)
        if status == HTTP_NOT_FOUND:
            return SheetNotFound(
                title=f"No Google Sheet has the key {self.spreadsheet_key}",
                detail=detail,
                status=status,
            )
        if status == HTTP_TOO_MANY:
            return QuotaExceeded(detail=detail, status=status)
        if status >= HTTP_SERVER_ERROR:
            return SheetsUnavailable(
                title=f"Google Sheets answered {status} (a problem on its side)",
                detail=detail,
                status=status,
            )
        if status == HTTP_UNAUTHORIZED:
            return BadCredentials(
                title="Google Sheets did not accept the service account's token",
                detail=detail,
                status=status,
            )
        if status == HTTP_BAD_REQUEST and BAD_RANGE in detail and tab is not None:
            with self._layouts_lock:
                known = self._layouts.get(self._cache_key)
            return TabMissing.named(tab, have=list(known.tabs) if known else None)
        return SourceError(
            title=f"Google Sheets refused the request ({status})", detail=detail, status=status
        )


def _layout_from(meta: Any) -> SheetLayout:
    try:
        title = str(meta.get("properties", {}).get("title", ""))
        tabs = tuple(
            str(sheet["properties"]["title"])
            for sheet in meta.get("sheets", [])
            if sheet["properties"].get("sheetType", GRID) == GRID
        )
    except (AttributeError, KeyError, TypeError):
        raise BadResponse(detail="the spreadsheet metadata has no sheets") from None
    return SheetLayout(title, tabs)


def _tabs_from(payload: Any, tabs: tuple[str, ...]) -> dict[str, list[list[Cell]]]:
    """Pair each requested tab with its value range; the API answers in request order."""
    ranges = payload.get("valueRanges") if isinstance(payload, dict) else None
    if not isinstance(ranges, list) or len(ranges) != len(tabs):
        raise BadResponse(detail=f"expected {len(tabs)} value ranges in the batchGet answer")
    out: dict[str, list[list[Cell]]] = {}
    for tab, value_range in zip(tabs, ranges, strict=True):
        values = value_range.get("values", []) if isinstance(value_range, dict) else None
        if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
            raise BadResponse(detail=f'the values of tab "{tab}" are not rows')
        out[tab] = values
    return out


def _whole_text(payload: Any) -> None:
    """Replace, in place, each cell's lone surrogates (see portfolio.text.whole)."""
    ranges = payload.get("valueRanges") if isinstance(payload, dict) else None
    for value_range in ranges if isinstance(ranges, list) else []:
        values = value_range.get("values") if isinstance(value_range, dict) else None
        for row in values if isinstance(values, list) else []:
            if isinstance(row, list):
                row[:] = [text.whole(cell) if isinstance(cell, str) else cell for cell in row]


def _api_message(exc: APIError) -> str:
    error = exc.error if isinstance(exc.error, dict) else {}
    return remove_key_material(error.get("message") or exc.response.reason or "")


def _is_bad_range(exc: APIError) -> bool:
    return exc.response.status_code == HTTP_BAD_REQUEST and BAD_RANGE in _api_message(exc)


def _unreachable(where: str, exc: Exception) -> SheetsUnavailable:
    return SheetsUnavailable(
        title=f"Cannot reach {where}",
        what_to_do="Check the network (or the proxy in api_base_url) and reload.",
        detail=remove_key_material(exc),
    )
