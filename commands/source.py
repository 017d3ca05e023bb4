"""Reading the source for a command as the app reads it, and the last good copy when it fails.

Without --allow-stale a source that cannot be read is an error; with it, the last good copy
is used and its age is said (on stderr when stdout is JSON).
"""

from __future__ import annotations

import argparse
import sys

from commands.common import CommandError, reported


def read_portfolio(source: str | None, *, allow_stale: bool | None = None, notices=None):
    """Read and parse the workbook the way the app does, without Streamlit.

    `allow_stale` is None for a command without --allow-stale (the source or an error);
    otherwise a source that fails falls back to its last good copy when it is True, and the
    error names that copy and its age when it is False. `notices` gets the copy's age.
    """
    return read_spec_and_portfolio(source, allow_stale=allow_stale, notices=notices)[1]


def _read_raw(spec, *, allow_stale: bool | None, notices):  # -> RawWorkbook
    """The source's workbook; or, when it fails, its last good copy as `allow_stale` says."""
    import datetime as dt

    from data_sources.loader import format_age, load_workbook, read_source

    if allow_stale is None:
        return read_source(spec)
    started = dt.datetime.now(dt.UTC)
    result = load_workbook(spec)  # reads, and keeps the copy fresh as the app does
    if result.error is not None and not result.from_snapshot:
        raise result.error
    if not result.from_snapshot:
        return result.raw
    copy = result.raw
    if copy.fetched_at >= started:
        # The sheet was read; only the usage from SQL ([connections.usage]) is old or missing.
        if not allow_stale:
            raise CommandError(
                f"{result.error.message} Add --allow-stale to go on with the usage's last good "
                "copy, if any."
            )
        print(result.notice, file=notices or sys.stdout)
        return copy
    age = format_age(dt.datetime.now(dt.UTC) - copy.fetched_at)
    when = f"{age} ({copy.fetched_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC)"
    if not allow_stale:
        raise CommandError(
            f"{result.error.message} The last good copy of this source, read {when}, is kept "
            "here: add --allow-stale to use it."
        )
    print(
        f"Using the last good copy, read {when}: the source could not be read now. "
        f"{result.error.message}",
        file=notices or sys.stdout,
    )
    return copy


def read_spec_and_portfolio(
    source: str | None, *, allow_stale: bool | None = None, notices=None
):  # -> (SourceSpec, Portfolio)
    from data_sources.config import read_secrets, resolve_source
    from portfolio.mapping import from_secrets
    from portfolio.parse import parse_workbook

    with reported():  # settings that cannot work, too: a message, not a traceback
        secrets = read_secrets()
        spec = resolve_source(secrets=secrets, override=source)
        raw = _read_raw(spec, allow_stale=allow_stale, notices=notices)
    return spec, parse_workbook(raw, mapping=from_secrets(secrets))


def stale_args(args: argparse.Namespace) -> dict:
    """--allow-stale, and where the copy's age goes: stderr when stdout is JSON."""
    return {"allow_stale": args.allow_stale, "notices": sys.stderr if args.json else sys.stdout}
