"""Presenting an upload: its redacted copy stays in the visitor's session, out of the cache
that every session shares (as the upload's verdicts already do, ui/upload.py)."""

from __future__ import annotations

import dataclasses

import pandas as pd

from portfolio.evidence import assess
from portfolio.parse import parse_workbook
from tests.conftest import raw_workbook
from tests.digest_fixtures import PEOPLE, week1_tabs
from ui import filters, presentation, upload
from ui.view import View

AS_OF = pd.Timestamp("2026-03-18")


def _view(source_key: str) -> View:
    portfolio = parse_workbook(raw_workbook(week1_tabs()))
    assessed = assess(portfolio, as_of=AS_OF)
    return View(
        loaded=None,
        portfolio=portfolio,
        assessed=assessed,
        filtered=assessed,
        filters=filters.Filters(),
        as_of=AS_OF,
        present=True,
        source_key=source_key,
    )


def _cached_rows(view: View) -> int:
    """How many initiatives the shared cache hands out for `view`'s key: what another
    session would get by asking with the same key (it passes no workbook of its own)."""
    nothing = dataclasses.replace(view.portfolio, initiatives=view.portfolio.initiatives.iloc[:0])
    portfolio, _ = presentation._redacted(
        view.source_key, view.portfolio.fetched_at, view.as_of, nothing, view.assessed.iloc[:0]
    )
    return len(portfolio.initiatives)


def test_an_upload_is_redacted_without_the_shared_cache():
    presentation._redacted.clear()
    view = _view(f"{upload.SESSION_PREFIX}file:abc:2026-06-01:0")
    shown = presentation.redact(view)
    owners = " ".join(shown.portfolio.initiatives["owner"].dropna().astype(str))
    assert not any(person in owners for person in PEOPLE)
    assert _cached_rows(view) == 0  # computed afresh: nothing of the upload was kept


def test_the_shared_workbook_is_redacted_once_for_every_session():
    presentation._redacted.clear()
    view = _view("file:shared-sheet")
    presentation.redact(view)
    assert _cached_rows(view) == len(view.portfolio.initiatives)
