"""Source errors: messages that carry the fix, with remove_key_material() keeping keys out."""

from __future__ import annotations

import inspect

import pytest

from data_sources import errors
from data_sources.errors import (
    BadCredentials,
    SheetNotShared,
    SourceError,
    TabMissing,
    remove_key_material,
)

PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" + "x" * 12
PEM = f"-----BEGIN PRIVATE KEY-----\n{PEM_BODY}\nAbCd+/==\n-----END PRIVATE KEY-----\n"
LONG_RUN = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo" * 3  # 105 base64 characters
SHEET_KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEF"  # 43 characters, no - or _


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nothing secret here", "nothing secret here"),
        (f"key: {PEM}end", "key: [redacted]\nend"),
        # a PEM block inside JSON keeps its line breaks escaped as two characters
        (
            '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n"}',
            '{"private_key": "[redacted]"}',
        ),
        # cut short before its END line
        ("-----BEGIN PRIVATE KEY-----\nMIIEvQIB", "[redacted]"),
        ('{"private_key": "abc", "client_email": "a@b.c"}', '{"private_key": "[redacted]", '
         '"client_email": "a@b.c"}'),
        ("{'private_key': 'abc\\'d', 'x': 1}", "{'private_key': '[redacted]', 'x': 1}"),
        ("private_key=abcdef next", "private_key=[redacted] next"),
        ("Authorization: Bearer ya29.a0AfB_by-Token", "Authorization: Bearer [redacted]"),
        (f"blob {LONG_RUN} end", "blob [redacted] end"),
        (f"key {SHEET_KEY} kept", f"key {SHEET_KEY} kept"),
        (
            f"see https://docs.google.com/spreadsheets/d/{SHEET_KEY}/edit#gid=0",
            f"see https://docs.google.com/spreadsheets/d/{SHEET_KEY}/edit#gid=0",
        ),
        ("share with gt@acme.iam.gserviceaccount.com",
         "share with gt@acme.iam.gserviceaccount.com"),
    ],
)  # fmt: skip
def test_remove_key_material(text, expected):
    assert remove_key_material(text) == expected


def test_remove_key_material_accepts_any_object():
    assert remove_key_material(ValueError(f"bad key {PEM}")) == "bad key [redacted]\n"


@pytest.mark.parametrize(
    ("message", "title", "what_to_do", "text"),
    [
        (
            "Cannot read x.csv — export it as UTF-8 CSV",
            "Cannot read x.csv",
            "Export it as UTF-8 CSV",
            "Cannot read x.csv — export it as UTF-8 CSV",
        ),
        # no dash: the class's own fix is used
        (
            "Something broke",
            "Something broke",
            SourceError.what_to_do,
            "Something broke — reload the page; if it keeps failing, run `python cli.py doctor`.",
        ),
    ],
)
def test_source_error_from_one_message(message, title, what_to_do, text):
    error = SourceError(message)
    assert (error.title, error.what_to_do, str(error)) == (title, what_to_do, text)


def test_sheet_not_shared_names_the_account_and_the_fix():
    error = SheetNotShared.for_account("ground-truth@acme.iam.gserviceaccount.com")
    assert str(error) == (
        "The sheet is not shared with ground-truth@acme.iam.gserviceaccount.com — "
        "share it as Viewer (Editor for check-ins) and reload."
    )
    assert error.status == 403


def test_details_are_appended_and_scrubbed():
    error = BadCredentials.for_field("private_key", "is not a key", detail=f"bad {PEM}")
    assert PEM_BODY not in str(error)
    assert PEM_BODY not in repr(error)
    assert str(error).startswith("The service-account private_key in [connections.gsheets]")
    assert str(error).endswith("(Details: bad [redacted].)")


def test_every_part_is_scrubbed():
    error = SourceError(title=f"t {PEM}", what_to_do=f"w {LONG_RUN}", detail=f"d {PEM}")
    assert PEM_BODY not in error.title + error.what_to_do + error.detail
    assert LONG_RUN not in str(error)


def test_tab_missing_lists_the_tabs_present():
    error = TabMissing.named("CheckIns", have=["Initiatives", "Usage"])
    assert str(error) == (
        'The spreadsheet has no tab named "CheckIns" — add the tab with its header row '
        "(python cli.py init-sheet writes them) and reload. "
        "(Details: tabs present: Initiatives, Usage.)"
    )


SUBCLASSES = [
    cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, SourceError) and cls is not SourceError
]
# The errors built from their class defaults alone (a file error needs its message and path,
# an invalid check-in its problems).
PLAIN_SUBCLASSES = [cls for cls in SUBCLASSES if cls.__init__ is SourceError.__init__]


def test_the_narrow_errors_are_all_there():
    names = {cls.__name__ for cls in SUBCLASSES}
    assert names >= {
        "SheetNotShared",
        "SheetNotFound",
        "QuotaExceeded",
        "SheetsUnavailable",
        "SheetTimeout",
        "BadCredentials",
        "TabMissing",
        "BadResponse",
        "NotConfigured",
    }


@pytest.mark.parametrize("cls", PLAIN_SUBCLASSES, ids=lambda c: c.__name__)
def test_each_error_has_a_docstring_a_title_and_a_fix(cls):
    assert cls.__doc__ and "\n" not in cls.__doc__.strip()
    assert cls.title != SourceError.title
    assert cls.what_to_do != SourceError.what_to_do
    error = cls()
    assert (
        str(error)
        == f"{cls.title.rstrip('.')} — {error.what_to_do[0].lower()}" + (error.what_to_do[1:])
    )
