"""The one retry policy for Google Sheets requests, as a gspread HTTP client.

Every request gets a connect and a read timeout. 429, 5xx, timeouts and dropped connections
are retried with exponential backoff and full jitter, honouring `Retry-After`, and the whole
thing is bounded in TOTAL time: a dashboard waiting on a sick API must give up and show the
last good copy, so gspread's own `BackOffHTTPClient` (whose loop has no time bound) is not
used. 400/401/403/404 are answers, not accidents, and are never retried.

`RetryingHTTPClient` subclasses gspread's public `HTTPClient` and overrides `request`, so
gspread's lower-level calls (`values_batch_get`, `fetch_sheet_metadata`, `values_append`)
go through it. gspread 6.2.1 builds URLs from module constants with Google's host baked in
(gspread/urls.py) and offers no setting for another host, so this client also swaps that
host for `api_base_url` (a proxy, or the emulator in tests) on the way out.

>>> policy = RetryPolicy(total_seconds=2.0)
>>> policy.backoff_ceiling(3)  # seconds: base 0.5 doubled three times, capped
4.0
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import requests
from google.auth.credentials import Credentials
from google.auth.exceptions import TransportError
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEETS_API_V4_BASE_URL

CONNECT_TIMEOUT_SECONDS = 5.0
READ_TIMEOUT_SECONDS = 20.0
TOTAL_SECONDS = 30.0  # a viewer waits at most this long before seeing the last good copy
BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 8.0
# Below this much time left, another attempt could not complete a real request.
MIN_ATTEMPT_SECONDS = 0.05
RETRY_STATUSES = frozenset(
    {
        HTTPStatus.TOO_MANY_REQUESTS,
        HTTPStatus.INTERNAL_SERVER_ERROR,
        HTTPStatus.BAD_GATEWAY,
        HTTPStatus.SERVICE_UNAVAILABLE,
        HTTPStatus.GATEWAY_TIMEOUT,
    }
)
GOOGLE_API_ORIGIN = SPREADSHEETS_API_V4_BASE_URL.removesuffix("/v4/spreadsheets")


@dataclass(frozen=True)
class RetryPolicy:
    """Timeouts and backoff for Sheets requests; tests shrink the numbers and inject the clock.

    `sleep`, `clock` and `jitter` default to the real ones; a test may pass a fake clock whose
    `sleep` advances it, to check the bound without waiting.
    """

    connect_timeout: float = CONNECT_TIMEOUT_SECONDS
    read_timeout: float = READ_TIMEOUT_SECONDS
    total_seconds: float = TOTAL_SECONDS
    backoff_base: float = BACKOFF_BASE_SECONDS
    backoff_cap: float = BACKOFF_CAP_SECONDS
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)
    jitter: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def backoff_ceiling(self, attempt: int) -> float:
        """The largest wait after the `attempt`-th failure (0-based), before jitter."""
        return min(self.backoff_cap, self.backoff_base * (2**attempt))

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Full jitter (a uniform draw below the ceiling), but never less than Retry-After."""
        wait = self.jitter() * self.backoff_ceiling(attempt)
        return max(wait, retry_after) if retry_after is not None else wait


def retry_after_seconds(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds asked by a `Retry-After` header (delta seconds or an HTTP date), else None.

    >>> retry_after_seconds({"Retry-After": "2"})
    2.0
    >>> retry_after_seconds({}) is None
    True
    """
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with timeouts, a bounded retry loop and a configurable API host.

    gspread's `Client` builds its HTTP client as `http_client(auth, session)`; pass a
    `functools.partial(RetryingHTTPClient, policy=..., api_base_url=...)` to set the options.
    """

    def __init__(
        self,
        auth: Credentials,
        session: requests.Session | None = None,
        *,
        policy: RetryPolicy | None = None,
        api_base_url: str = GOOGLE_API_ORIGIN,
    ) -> None:
        super().__init__(auth, session)
        self.policy = policy or RetryPolicy()
        self.api_base_url = api_base_url.rstrip("/")
        self.set_timeout((self.policy.connect_timeout, self.policy.read_timeout))
        self.attempts = 0  # requests sent, retries included; for diagnostics

    def url_for(self, endpoint: str) -> str:
        """The endpoint on our API host (gspread's URLs always name Google's)."""
        if endpoint.startswith(GOOGLE_API_ORIGIN):
            return self.api_base_url + endpoint[len(GOOGLE_API_ORIGIN) :]
        return endpoint

    def request(
        self,
        method: str,
        endpoint: str,
        params: MutableMapping[str, Any] | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        """Send one request, retrying transient failures within the policy's total time.

        Returns the successful response; raises gspread's `APIError` for an HTTP error
        answer and the transport's exception (a `requests` timeout or connection error,
        or google-auth's `TransportError`) when the last attempt got no answer.
        """
        policy = self.policy
        url = self.url_for(endpoint)
        deadline = policy.clock() + policy.total_seconds
        attempt = 0
        while True:
            remaining = deadline - policy.clock()
            # Never start a read that is allowed to outlive the total bound.
            read_timeout = max(MIN_ATTEMPT_SECONDS, min(policy.read_timeout, remaining))
            self.attempts += 1
            retry_after: float | None = None
            last_error: Exception | None = None
            try:
                response = self.session.request(
                    method=method,
                    url=url,
                    json=json,
                    params=params,
                    data=data,
                    files=files,
                    headers=headers,
                    timeout=(policy.connect_timeout, read_timeout),
                )
            except (requests.Timeout, requests.ConnectionError, TransportError) as exc:
                response, last_error = None, exc
            if response is not None:
                if response.ok:
                    return response
                if response.status_code not in RETRY_STATUSES:
                    raise APIError(response)
                retry_after = retry_after_seconds(response.headers)
            wait = policy.delay(attempt, retry_after)
            if policy.clock() + wait + MIN_ATTEMPT_SECONDS > deadline:
                if response is not None:
                    raise APIError(response)
                assert last_error is not None  # no response means the transport failed
                raise last_error
            policy.sleep(wait)
            attempt += 1
