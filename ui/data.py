"""Loading the workbook once per TTL for every viewer, and the evidence computed on it.

One cached read serves every session and page: the raw fetch, the parse and the verdicts
live in `st.cache_resource` (shared, not copied per rerun), keyed by the source. Pages treat
the frames as read-only and filter outside the cache.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data_sources.config import SourceSpec, read_secrets, resolve_source
from data_sources.loader import LoadResult, load_workbook, snapshot_key
from data_sources.sample import sample_today
from portfolio.evidence import assess
from portfolio.mapping import ColumnMapping, from_secrets, merge
from portfolio.model import Portfolio, RawWorkbook
from portfolio.parse import parse_workbook

# Distinct as-of dates whose verdicts stay cached at once (the default plus a few picked).
AS_OF_CACHE_ENTRIES = 8


@dataclass(frozen=True)
class Loaded:
    """One read of the workbook and everything derived from it that does not depend on a viewer."""

    result: LoadResult
    portfolio: Portfolio | None
    seconds: float  # fetch + parse + evidence, for the sidebar's freshness line

    @property
    def raw(self) -> RawWorkbook | None:
        return self.result.raw


def secrets() -> dict:
    """The secrets Streamlit reads (~/.streamlit and ./.streamlit secrets.toml), as a dict.

    Read through data_sources.config so the app and cli.py resolve the same source from the
    same files, and read at call time so a changed working directory is honoured.
    """
    return read_secrets()


def current_spec() -> SourceSpec:
    """The source this app reads, chosen as DESIGN.md section 4 says."""
    return resolve_source(secrets=secrets())


def spec_key(spec: SourceSpec) -> str:
    """A stable cache key for a source: its on-disk snapshot's, plus the SQL usage's if any,
    plus, for the bundled sample, the day it is read for (its dates follow today)."""
    key = snapshot_key(spec)
    if spec.kind == "sample":
        key = f"{key}@{sample_today().isoformat()}"
    if spec.usage is None:
        return key
    return f"{key}+{spec.usage.key}"


def parse(raw: RawWorkbook, *, extra: ColumnMapping | None = None) -> Portfolio:
    """Parse with the `[groundtruth.mapping]` of secrets (and `extra` over it, for a session).

    The sheet's own Mapping tab is read by the parser itself.
    """
    configured = from_secrets(secrets())
    if extra is not None:
        configured = merge(configured or ColumnMapping(), extra)
    return parse_workbook(raw, mapping=configured)


def _load_uncached(spec: SourceSpec) -> Loaded:
    started = time.perf_counter()
    result = load_workbook(spec)
    portfolio = parse(result.raw) if result.raw is not None else None
    return Loaded(result=result, portfolio=portfolio, seconds=time.perf_counter() - started)


@functools.cache
def _cached_loader(ttl_seconds: int) -> Callable[[str, SourceSpec], Loaded]:
    # The TTL comes from secrets, which are read at run time, so the cached function is
    # built on first use for that TTL rather than decorated at import.
    @st.cache_resource(ttl=ttl_seconds, max_entries=4, show_spinner=False)
    def load(key: str, _spec: SourceSpec) -> Loaded:
        return _load_uncached(_spec)

    return load


def load(spec: SourceSpec | None = None) -> Loaded:
    """The shared, cached read of the workbook (one request per TTL for all viewers)."""
    spec = spec or current_spec()
    return _cached_loader(spec.ttl_seconds)(spec_key(spec), spec)


def refresh(spec: SourceSpec | None = None) -> None:
    """Forget the cached read so the next `load` fetches the sheet again ("Refresh now")."""
    spec = spec or current_spec()
    _cached_loader(spec.ttl_seconds).clear()
    _assessed.clear()


@st.cache_resource(max_entries=AS_OF_CACHE_ENTRIES, show_spinner=False)
def _assessed(key: str, fetched_at: dt.datetime | None, as_of: pd.Timestamp, _p: Portfolio):
    return assess(_p, as_of=as_of)


def assessed(loaded: Loaded, key: str, *, as_of: pd.Timestamp) -> pd.DataFrame:
    """Verdicts for every initiative as of a date, cached per read of the workbook."""
    portfolio = loaded.portfolio
    assert portfolio is not None
    return _assessed(key, portfolio.fetched_at, pd.Timestamp(as_of).normalize(), portfolio)
