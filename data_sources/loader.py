"""Read the chosen source, keep its last good copy, and fall back to it when the source fails.

`load_workbook` never raises a `SourceError`: it returns what to show (`raw`), a sentence
for the page when the copy is old (`notice`), and the error itself for the details. The
app caches it (`st.cache_data(ttl=spec.ttl_seconds)`); the CLI calls `read_source`.

>>> result = load_workbook(resolve_source(secrets=read_secrets()))   # doctest: +SKIP
>>> result.notice                                                    # doctest: +SKIP
'Showing the copy from 2 h 14 min ago: Google Sheets took too long to answer — reload in …'
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from data_sources import snapshot
from data_sources.config import FILE, GSHEETS, SAMPLE, GSheetsSettings, SourceSpec
from data_sources.errors import NotConfigured, SourceError
from data_sources.retry import RetryPolicy
from portfolio.model import RawWorkbook

_LOG = logging.getLogger(__name__)
SECONDS_PER_MINUTE = 60
MINUTES_PER_HOUR = 60
HOURS_PER_DAY = 24
# Sources that are worth a copy on disk; the sample is bundled and cannot go away.
SNAPSHOT_KINDS = (GSHEETS, FILE)


@dataclass(frozen=True)
class LoadResult:
    """What to show: `raw` (None when nothing could be read), and why it may be old.

    `from_snapshot` is True when `raw` is the last good copy; `notice` then says its age, why
    the source failed and what to do. `error` is the source's failure, if any.
    """

    raw: RawWorkbook | None
    notice: str | None = None
    error: SourceError | None = None
    from_snapshot: bool = False


# One GoogleSheetSource per sheet for the process, so its token and tab list are reused and
# a steady-state refresh is a single batchGet.
_sources: dict[tuple[GSheetsSettings, RetryPolicy], object] = {}
_sources_lock = threading.Lock()


def _google_source(settings: GSheetsSettings, policy: RetryPolicy):  # -> GoogleSheetSource
    from data_sources.google_sheet import GoogleSheetSource  # lazily: gspread is heavy

    with _sources_lock:
        source = _sources.get((settings, policy))
        if source is None:
            source = _sources[settings, policy] = GoogleSheetSource(settings, policy=policy)
        return source


def forget_sources() -> None:
    """Drop the per-process sheet clients and tab lists, as a new process would start."""
    from data_sources.google_sheet import GoogleSheetSource

    with _sources_lock:
        _sources.clear()
    GoogleSheetSource.forget_layouts()


def snapshot_key(spec: SourceSpec) -> str:
    """The key of the spec's last good copy on disk."""
    return snapshot.source_key(spec.kind, spec.location)


def _with_local_checkins(raw: RawWorkbook, spec: SourceSpec) -> RawWorkbook:
    """The sample or a local file plus the check-ins, the status history and the imported
    usage saved for it on this server (the Check in page, `history record` and
    `import-usage` cannot write into them)."""
    from data_sources.checkins import merge_local_checkins
    from data_sources.history import merge_local_history
    from data_sources.usage_import.store import merge_local_usage

    key = snapshot_key(spec)
    raw = merge_local_history(merge_local_checkins(raw, key=key), key=key)
    return merge_local_usage(raw, key=key)


def read_source(spec: SourceSpec) -> RawWorkbook:
    """Read the workbook from the spec's source now; raises a SourceError on failure.

    With `[connections.usage]` (`spec.usage`) the Usage tab comes from SQL instead.

    >>> read_source(SourceSpec("sample")).kind     # doctest: +SKIP
    'sample'
    """
    raw = _read_sheet(spec)
    if spec.usage is None:
        return raw
    from data_sources import sql_usage

    return sql_usage.in_place_of_usage(raw, sql_usage.read_for(spec.usage, raw), spec.usage)


def _read_sheet(spec: SourceSpec) -> RawWorkbook:
    if spec.kind == SAMPLE:
        from data_sources.sample import read_sample

        return _with_local_checkins(read_sample(), spec)
    if spec.kind == FILE:
        if not spec.location:
            raise NotConfigured(title="The file source has no path")
        from data_sources.files import read_path

        return _with_local_checkins(read_path(spec.location), spec)
    if spec.kind == GSHEETS:
        if spec.gsheets is None:
            raise NotConfigured(title="The Google Sheets source has no [connections.gsheets]")
        return _google_source(spec.gsheets, spec.policy).fetch()
    raise NotConfigured(title=f'Unknown source kind "{spec.kind}"')


def format_age(age: dt.timedelta) -> str:
    """A copy's age in words a reader takes in at a glance.

    >>> format_age(dt.timedelta(hours=2, minutes=14, seconds=50))
    '2 h 14 min ago'
    >>> format_age(dt.timedelta(seconds=20))
    'less than a minute ago'
    """
    minutes = int(age.total_seconds() // SECONDS_PER_MINUTE)
    if minutes < 1:
        return "less than a minute ago"
    hours, minutes = divmod(minutes, MINUTES_PER_HOUR)
    if hours == 0:
        return f"{minutes} min ago"
    days, hours = divmod(hours, HOURS_PER_DAY)
    if days == 0:
        return f"{hours} h {minutes} min ago" if minutes else f"{hours} h ago"
    unit = "day" if days == 1 else "days"
    return f"{days} {unit} {hours} h ago" if hours else f"{days} {unit} ago"


def load_workbook(
    spec: SourceSpec, *, data_dir: Path | None = None, now: dt.datetime | None = None
) -> LoadResult:
    """Read the source; on success keep a copy, on failure show the last copy and say why.

    `data_dir` is the snapshots folder (default `snapshot.default_directory()`); `now` is
    for tests of the age wording.
    """
    directory = data_dir if data_dir is not None else snapshot.default_directory()
    current = now or dt.datetime.now(dt.UTC)
    key = snapshot_key(spec)
    try:
        raw = _read_sheet(spec)
    except SourceError as error:
        copy = snapshot.load(key, directory=directory) if spec.kind in SNAPSHOT_KINDS else None
        if copy is None:
            return LoadResult(raw=None, notice=None, error=error, from_snapshot=False)
        age = format_age(current - copy.fetched_at)
        notice = f"Showing the copy from {age}: {error.message}"
        result = LoadResult(raw=copy, notice=notice, error=error, from_snapshot=True)
    else:
        if spec.kind in SNAPSHOT_KINDS:
            _save(raw, directory=directory, key=key)
        result = LoadResult(raw=raw)
    if spec.usage is None or result.raw is None:
        return result
    return _with_sql_usage(result, spec, directory=directory, now=current)


def _save(raw: RawWorkbook, *, directory: Path, key: str) -> None:
    try:
        snapshot.save(raw, directory=directory, key=key)
    except (OSError, TypeError, ValueError) as exc:
        # A copy that cannot be written must not hide data that was read fine.
        _LOG.warning("Could not save the snapshot %s: %s", key, exc)


def _with_sql_usage(
    result: LoadResult, spec: SourceSpec, *, directory: Path, now: dt.datetime
) -> LoadResult:
    """The sheet's tabs with Usage read from SQL; its own last good copy when SQL fails.

    The SQL usage keeps a copy of its own, so a database that is down does not hold back a
    sheet that answers (nor the other way round); the notice then says how old the usage is.
    """
    from data_sources import sql_usage

    settings = spec.usage
    assert settings is not None and result.raw is not None
    key = sql_usage.snapshot_key(settings)
    try:
        cells = sql_usage.read_for(settings, result.raw)
    except SourceError as error:
        copy = snapshot.load(key, directory=directory)
        cells = sql_usage.usage_cells_of(copy)
        if copy is None or cells is None:
            notice = f"No usage could be read, so no verdict rests on usage: {error.message}"
        else:
            notice = f"Showing usage from {format_age(now - copy.fetched_at)}: {error.message}"
        raw = sql_usage.in_place_of_usage(result.raw, cells, settings)
        notices = " ".join(n for n in (result.notice, notice) if n)
        return LoadResult(raw=raw, notice=notices, error=result.error or error, from_snapshot=True)
    _save(sql_usage.usage_workbook(cells, settings, fetched_at=now), directory=directory, key=key)
    raw = sql_usage.in_place_of_usage(result.raw, cells, settings)
    return LoadResult(
        raw=raw, notice=result.notice, error=result.error, from_snapshot=result.from_snapshot
    )
