"""What every command shares: the exit codes, the one-line failure, and how values print.

A command raises CommandError for a failure it can say in one line (cli.main prints it and
exits with EXIT_USAGE); every other outcome is one of the EXIT_ codes it returns.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

from portfolio.text import escape

EXIT_OK = 0
EXIT_PROBLEMS = 1  # the sheet has an error (doctor; verdicts say so too)
EXIT_USAGE = 2  # bad arguments or a source that cannot be read
EXIT_STILL_PENDING = 3  # outbox --send, digest --send: check-ins or digests still wait
EXIT_RENDER = 4  # slide: the image could not be drawn (the message says why)
EXIT_DAMAGED = 5  # outbox: damaged lines need a person (file and line numbers printed)


class CommandError(Exception):
    """A failure to report in one line, with the fix, and exit non-zero."""


@contextlib.contextmanager
def reported() -> Iterator[None]:
    """A SourceError in the block becomes a CommandError: its message and fix, no traceback."""
    from data_sources.errors import SourceError

    try:
        yield
    except SourceError as error:
        raise CommandError(str(error)) from None


def cell(value: object) -> str:
    """Sheet text on one line of a report: its line breaks too shown as escapes."""
    return escape(str(value))


def json_default(value: object) -> object:
    import pandas as pd

    if value is None or (not isinstance(value, list | tuple | dict) and pd.isna(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def as_of_date(args: argparse.Namespace):  # -> pd.Timestamp | None
    """The --as-of date, or None when not given; a CommandError when it is not a date."""
    import pandas as pd

    if not args.as_of:
        return None
    as_of = pd.to_datetime(args.as_of, format="%Y-%m-%d", errors="coerce")
    if pd.isna(as_of):
        raise CommandError(f'--as-of "{args.as_of}" is not a date: use YYYY-MM-DD.')
    return as_of
