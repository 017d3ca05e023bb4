"""What can go wrong when reading or writing a workbook, in words a sheet owner can act on.

One base, `SourceError`, with a `title` (what happened), a `what_to_do` (the fix) and an
optional `detail` (what the server said); every subclass lives here (the Sheets API, local
and uploaded files, writing check-ins). Every text passes through `remove_key_material`, so
private-key material never reaches a page, a log or a snapshot notice, whatever an exception
carried.

>>> err = SheetNotShared.for_account("ground-truth@acme.iam.gserviceaccount.com")
>>> str(err)  # doctest: +NORMALIZE_WHITESPACE
'The sheet is not shared with ground-truth@acme.iam.gserviceaccount.com — share it as
 Viewer (Editor for check-ins) and reload.'
"""

from __future__ import annotations

import re
from pathlib import Path

SEPARATOR = " — "
SOURCE_ENV = "GROUNDTRUTH_SOURCE"
FIX_SOURCE = f"set {SOURCE_ENV} to an .xlsx file or a folder of CSV files"
REDACTED = "[redacted]"
# PEM lines are 64 characters and a DER key pasted on one line is ~1,600. Spreadsheet keys
# (44) and e-mail addresses stay below this, so they survive in messages.
LONG_BASE64_RUN = 60

_PEM = re.compile(
    r"-----BEGIN [A-Z0-9 ]*-----"  # the BEGIN line
    r"(?:[A-Za-z0-9+/=\s]|\\n|\\r)*"  # the body, with real or escaped line breaks
    r"(?:-----END [A-Z0-9 ]*-----)?"  # the END line, when the text was not cut before it
)
# "private_key": "...", private_key = '...', 'private_key': '...' (JSON, TOML, Python repr).
_PRIVATE_KEY_VALUE = re.compile(
    r"""(?P<name>["']?private_key["']?\s*[:=]\s*)(?P<q>["'])(?:\\.|(?!(?P=q)).)*(?:(?P=q)|$)""",
    re.DOTALL,
)
# An unquoted value after private_key (e.g. in a log line): up to the end of the line.
_PRIVATE_KEY_BARE = re.compile(r"(?P<name>\bprivate_key\s*[:=]\s*)(?![\"'\[])[^\s,;}]+")
_BEARER = re.compile(r"(?i)(?P<name>bearer\s+)[A-Za-z0-9._~+/=-]+")
_BASE64_RUN = re.compile(rf"[A-Za-z0-9+/_-]{{{LONG_BASE64_RUN},}}={{0,2}}")
# A long run is redacted only when it reads like random base64, not like a file path: both
# cases and a digit, and lower-case letters in short bursts. Words (path segments, file
# names) have lower-case runs of 4-6 letters on average; base64 has 1.7, and a 60-character
# random run reaches 3 about once in a thousand.
KEY_MIN_CASE_SHARE = 0.1
KEY_MIN_DIGITS = 1
KEY_MAX_MEAN_LOWER_RUN = 3.0
_LOWER_RUN = re.compile(r"[a-z]+")
# URLs are kept whole: a sheet URL with its key can be a long run of base64 characters.
_URL = re.compile(r"https?://\S+")


def looks_like_key(run: str) -> bool:
    """Whether a long run of base64 characters reads like key material rather than a path.

    >>> looks_like_key("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7qXz4Lk9Tm2")
    True
    >>> looks_like_key("/home/dana/projects/ground-truth/data/snapshots/gsheets-1AbC_dEf-1")
    False
    """
    letters_upper = sum(ch.isupper() for ch in run)
    letters_lower = sum(ch.islower() for ch in run)
    digits = sum(ch.isdigit() for ch in run)
    lower_runs = [len(found) for found in _LOWER_RUN.findall(run)]
    if not lower_runs:
        return False
    mean_lower_run = sum(lower_runs) / len(lower_runs)
    least = KEY_MIN_CASE_SHARE * len(run)
    return (
        letters_upper >= least
        and letters_lower >= least
        and digits >= KEY_MIN_DIGITS
        and mean_lower_run < KEY_MAX_MEAN_LOWER_RUN
    )


def _redact_key_like(match: re.Match[str]) -> str:
    return REDACTED if looks_like_key(match.group()) else match.group()


def remove_key_material(text: object) -> str:
    """Remove private-key material and tokens from any text before it is shown or stored.

    PEM blocks, `private_key` values, bearer tokens and long runs that read like base64
    (`looks_like_key`) are replaced by "[redacted]"; everything else, file paths included,
    is kept so the message still says what went wrong.

    >>> remove_key_material(
    ...     '{"client_email": "a@b.iam", "private_key": "-----BEGIN PRIVATE KEY-----\\\\nMIIE"}'
    ... )
    '{"client_email": "a@b.iam", "private_key": "[redacted]"}'
    """
    out = str(text)
    out = _PEM.sub(REDACTED, out)
    out = _PRIVATE_KEY_VALUE.sub(lambda m: f"{m['name']}{m['q']}{REDACTED}{m['q']}", out)
    out = _PRIVATE_KEY_BARE.sub(lambda m: f"{m['name']}{REDACTED}", out)
    out = _BEARER.sub(lambda m: f"{m['name']}{REDACTED}", out)
    pieces = _URL.split(out)
    urls = _URL.findall(out)
    kept = [_BASE64_RUN.sub(_redact_key_like, piece) for piece in pieces]
    return "".join(part for pair in zip(kept, [*urls, ""], strict=True) for part in pair)


def _sentence_start(text: str) -> str:
    """Lower-case the first letter so a fix reads on after the dash ("Share" -> "share")."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


class SourceError(Exception):
    """A workbook could not be read or written; `title` says why, `what_to_do` the fix.

    Built either from one message "what happened — what to do" or from keywords:

    >>> e = SourceError("Cannot read x.csv — export it as UTF-8 CSV")
    >>> (e.title, e.what_to_do)
    ('Cannot read x.csv', 'Export it as UTF-8 CSV')
    """

    title: str = "The workbook could not be read"
    what_to_do: str = "Reload the page; if it keeps failing, run `python cli.py doctor`."

    def __init__(
        self,
        message: str | None = None,
        *,
        title: str | None = None,
        what_to_do: str | None = None,
        detail: str | None = None,
        status: int | None = None,
    ) -> None:
        if message and title is None:
            head, sep, tail = str(message).partition(SEPARATOR)
            title = head.strip()
            if sep and what_to_do is None:
                what_to_do = _capitalized(tail.strip())
        self.title = remove_key_material(title or type(self).title)
        self.what_to_do = remove_key_material(what_to_do or type(self).what_to_do)
        # Server texts span lines; the message is read as one line.
        self.detail = " ".join(remove_key_material(detail).split()) if detail else ""
        self.status = status
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The whole story in one line: what happened — what to do (and the server's words)."""
        text = f"{self.title.rstrip('.')}{SEPARATOR}{_sentence_start(self.what_to_do)}"
        if self.detail:
            text += f" (Details: {self.detail.rstrip('.')}.)"
        return text

    def __str__(self) -> str:
        return self.message


class NotConfigured(SourceError):
    """The source settings are missing or unusable (secrets.toml, GROUNDTRUTH_SOURCE)."""

    title = "The data source is not configured"
    what_to_do = (
        "Add [connections.gsheets] with spreadsheet and the service-account key fields to "
        ".streamlit/secrets.toml, or set GROUNDTRUTH_SOURCE to an .xlsx file or a CSV folder."
    )


class BadCredentials(SourceError):
    """The service-account key is malformed, incomplete or refused; names the field."""

    title = "The service-account credentials are not usable"
    what_to_do = (
        "Copy the fields of the service account's JSON key file into [connections.gsheets] "
        "in .streamlit/secrets.toml (private_key keeps its BEGIN/END lines and \\n breaks)."
    )

    @classmethod
    def for_field(cls, field: str, problem: str, *, detail: str | None = None) -> BadCredentials:
        """The error for one field of the key: `for_field("private_key", "is not a PEM key")`."""
        return cls(
            title=f"The service-account {field} in [connections.gsheets] {problem}",
            detail=detail,
        )


class SheetNotShared(SourceError):
    """403: the service account may not open the spreadsheet."""

    title = "The sheet is not shared with the service account"
    what_to_do = "Share it as Viewer (Editor for check-ins) and reload."

    @classmethod
    def for_account(cls, client_email: str, *, detail: str | None = None) -> SheetNotShared:
        """The error naming the address to share the sheet with."""
        return cls(title=f"The sheet is not shared with {client_email}", detail=detail, status=403)


class CannotEdit(SheetNotShared):
    """403 on a write other than a check-in: the service account may read but not edit."""

    title = "The service account may not edit the sheet"
    what_to_do = "Open the sheet, click Share and give the service account the Editor role."

    @classmethod
    def for_account(
        cls, client_email: str, *, needed_for: str, detail: str | None = None
    ) -> CannotEdit:
        """The error naming the address to give the Editor role to, and what needs it."""
        who = client_email or "the service account"
        return cls(
            title=f"{who} may read the sheet but not edit it",
            what_to_do=f"Open the sheet, click Share and give {who} the Editor role, so "
            f"that {needed_for}; then run it again.",
            detail=detail,
            status=403,
        )


class SheetNotFound(SourceError):
    """404: no spreadsheet has this key; the URL or key in the settings is wrong."""

    title = "No Google Sheet has this key"
    what_to_do = (
        "Copy the sheet's URL from the browser's address bar into spreadsheet under "
        "[connections.gsheets] in .streamlit/secrets.toml and reload."
    )


class QuotaExceeded(SourceError):
    """429: the Sheets API read quota is used up for now."""

    title = "Google Sheets says the read quota is used up for the moment"
    what_to_do = (
        "Wait a minute and reload; if it happens often, raise [groundtruth] ttl_seconds so "
        "the sheet is read less often."
    )


class SheetsUnavailable(SourceError):
    """5xx or no connection: Google Sheets cannot be reached or failed on its side."""

    title = "Google Sheets is not answering properly"
    what_to_do = (
        "Wait a few minutes and reload; check https://www.google.com/appsstatus if it lasts."
    )


class SheetTimeout(SourceError):
    """The Sheets API did not answer within the timeout, even after retries."""

    title = "Google Sheets took too long to answer"
    what_to_do = "Reload in a minute; a very large sheet or a slow network can cause this."


class TabMissing(SourceError):
    """A tab the operation needs (e.g. Initiatives, CheckIns) is not in the spreadsheet."""

    title = "A tab is missing from the spreadsheet"
    what_to_do = (
        "Add the tab with its header row (python cli.py init-sheet writes them) and reload."
    )

    @classmethod
    def named(cls, tab: str, *, have: list[str] | None = None) -> TabMissing:
        """The error naming the missing tab and the tabs that are there."""
        detail = f"tabs present: {', '.join(have)}" if have else None
        return cls(title=f'The spreadsheet has no tab named "{tab}"', detail=detail)


class BadResponse(SourceError):
    """The API answered with truncated or invalid JSON, or JSON of an unexpected shape."""

    title = "Google Sheets sent an answer that could not be read"
    what_to_do = "Reload; a proxy or an unstable network can cut answers short."


# -- reading a local or uploaded file -----------------------------------------------------


# Stands for the path while key material is removed (no character of it can be in a key).
_PATH_MARK = "\x00path\x00"


class FileSourceError(SourceError):
    """A local or uploaded workbook could not be read; the message says what to do.

    >>> str(FileSourceError("No workbook at /srv/gt/ai.xlsx — fix it", path="/srv/gt/ai.xlsx"))
    'No workbook at /srv/gt/ai.xlsx — fix it'
    """

    title = "The workbook file could not be read"
    what_to_do = f"Check the file, or {FIX_SOURCE}."

    def __init__(self, message: str, *, path: str | Path = "") -> None:
        # The path is what a person needs to fix this and is never a secret, but
        # remove_key_material() takes a long one (/home/ana/ground-truth/data_2026/...) for
        # key material and redacts it; so it is kept out and put back afterwards.
        text = str(path)
        super().__init__(message.replace(text, _PATH_MARK) if text else message)
        if text:
            self.title = self.title.replace(_PATH_MARK, text)
            self.what_to_do = self.what_to_do.replace(_PATH_MARK, text)
            self.args = (self.message,)


class WorkbookNotFoundError(FileSourceError):
    """The path does not exist, or a folder holds no CSV files."""


class UnsupportedFileError(FileSourceError):
    """The file is of a kind Ground Truth cannot read (e.g. .xls, .pdf)."""


class UnreadableFileError(FileSourceError):
    """The file exists but is damaged, locked or not what its name says."""


# -- writing check-ins ---------------------------------------------------------------------


class InvalidCheckIn(SourceError):
    """The check-in as typed cannot be written; `problems` maps each field to what to fix."""

    title = "The check-in is not complete"
    what_to_do = "Correct the fields named and send it again."

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__(
            title="The check-in is not complete: " + "; ".join(self.problems.values()),
            what_to_do="Correct these and send it again; nothing was written.",
        )


class SheetReadOnly(SheetNotShared):
    """403 on a write: the service account may read the sheet but not edit it."""

    title = "The service account may not edit the sheet"
    what_to_do = (
        "Open the sheet, click Share and give the service account the Editor role; "
        "check-ins typed meanwhile are kept on this server and sent then."
    )

    @classmethod
    def for_account(cls, client_email: str, *, detail: str | None = None) -> SheetReadOnly:
        """The error naming the address to give the Editor role to."""
        who = client_email or "the service account"
        return cls(
            title=f"{who} may read the sheet but not edit it",
            what_to_do=(
                f"Open the sheet, click Share and give {who} the Editor role; check-ins "
                "typed meanwhile are kept on this server and sent then."
            ),
            detail=detail,
            status=403,
        )


class OutboxUnavailable(SourceError):
    """A file of the data folder (an outbox, check-ins, history, usage) cannot be written."""

    title = "The data folder cannot be written on this server"
    what_to_do = (
        "Make it writable (or point GROUNDTRUTH_DATA_DIR at a folder that is) and try again; "
        "what was to be kept there was not kept."
    )


class BadUsageFile(SourceError):
    """A usage export for import-usage cannot be read: names the file, row and column."""

    title = "The usage file cannot be read"
    what_to_do = "Correct the file named and import it again; nothing was written."


# -- usage from SQL ------------------------------------------------------------------------


class UsageDatabaseError(SourceError):
    """The SQL usage source ([connections.usage]) cannot be reached or its query failed."""

    title = "The usage database could not be read"
    what_to_do = (
        "Check that the database is up and that url, events_table or query in "
        "[connections.usage] are right, then reload."
    )


# -- the weekly digest ---------------------------------------------------------------------


class DigestNotSent(SourceError):
    """A digest channel (webhook, SMTP) refused or did not answer; names it by host only."""

    title = "The digest could not be sent"
    what_to_do = (
        "It waits in the outbox and is sent by the next `python cli.py digest --send`; "
        "check the [groundtruth.digest] settings if it keeps failing."
    )
