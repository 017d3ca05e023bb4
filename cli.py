"""Ground Truth from a terminal: doctor, verdicts and the other commands.

    python cli.py doctor [--source SRC] [--json] [--allow-stale]
    python cli.py verdicts [--source SRC] [--as-of YYYY-MM-DD] [--json] [--allow-stale]
    python cli.py check-in --initiative ID --status S --stage S [--active-users N]
                           [--note TEXT] [--author NAME] [--source SRC]
    python cli.py outbox [--send] [--source SRC]
    python cli.py template OUT.xlsx [--force]
    python cli.py init-sheet [--dry-run]
    python cli.py history record [--as-of YYYY-MM-DD] [--source SRC] [--backfill]
    python cli.py digest [--as-of YYYY-MM-DD] [--source SRC] [--out FILE.md|FILE.html]
                         [--send] [--force]
    python cli.py slide --out FILE.png [--source SRC] [--as-of YYYY-MM-DD]
    python cli.py bench [--quick] [--json] [--size NAME] [--case workbook|import] [--out FILE]
    python cli.py import-usage FILE [FILE …] --format {events,github-copilot,m365-copilot}
                               [--initiative ID] [--map VALUE=ID …] [--source NAME]
                               [--workbook SRC] [--dry-run] [--json]

`--source` takes what GROUNDTRUTH_SOURCE takes: a path to an .xlsx file, a CSV file or a
folder of CSV files, `gsheets` or `sample`. Without it the source is chosen as the app
chooses it, reading `.streamlit/secrets.toml` from the working directory.
Bad input is reported in words and an exit code, never a traceback. Everything printed goes
through portfolio.text.escape: a cell's ESC, BEL or line break reaches the terminal as
`\u001b`, `\u0007` or `\n`, never as itself.

This file holds the parser and `main`; the commands live in commands/, a module per job.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TextIO

from commands.check_in import cmd_check_in, cmd_outbox
from commands.common import (
    EXIT_DAMAGED,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_RENDER,
    EXIT_STILL_PENDING,
    EXIT_USAGE,
    CommandError,
)
from commands.sheet import cmd_doctor, cmd_init_sheet, cmd_template, cmd_verdicts
from commands.tooling import cmd_bench, cmd_import_usage
from commands.weekly import cmd_digest, cmd_history_record, cmd_slide
from portfolio.text import escape_lines

# The exit codes, importable from here as the commands' callers (and tests) name them.
__all__ = [
    "EXIT_DAMAGED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_RENDER",
    "EXIT_STILL_PENDING",
    "EXIT_USAGE",
    "build_parser",
    "main",
]


class _Escaped:
    """A text stream that writes every control character as an escape, line breaks aside."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(escape_lines(text))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextlib.contextmanager
def _escaped_output() -> Iterator[None]:
    """stdout and stderr escaped (see _Escaped) while a command runs, whoever prints."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Escaped(sys.stdout), _Escaped(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _add_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        help="an .xlsx file, a CSV file or folder, 'gsheets' or 'sample' (default: as the app)",
    )


def _add_allow_stale(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-stale",
        action="store_true",
        help="when the source cannot be read, use its last good copy and say how old it is",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cli.py", description=__doc__.split("\n\n")[0])
    subcommands = parser.add_subparsers(dest="command", required=True)

    doctor = subcommands.add_parser("doctor", help="check the workbook cell by cell")
    _add_source(doctor)
    doctor.add_argument("--json", action="store_true", help="print a JSON report")
    _add_allow_stale(doctor)
    doctor.set_defaults(handler=cmd_doctor)

    verdicts = subcommands.add_parser("verdicts", help="each initiative's verdict and reasons")
    _add_source(verdicts)
    verdicts.add_argument("--as-of", help="compute as of this date (YYYY-MM-DD)")
    verdicts.add_argument("--json", action="store_true", help="print a JSON array")
    _add_allow_stale(verdicts)
    verdicts.set_defaults(handler=cmd_verdicts)

    check_in = subcommands.add_parser("check-in", help="append a check-in to the CheckIns tab")
    check_in.add_argument("--initiative", required=True, help="the initiative's id, e.g. AI-014")
    check_in.add_argument("--status", required=True, help="Green, Amber or Red")
    check_in.add_argument("--stage", required=True, help="Idea, Pilot, Rollout, Adopted, …")
    check_in.add_argument("--active-users", help="people who used it this week (0 or more)")
    check_in.add_argument("--note", default="", help="what changed, in a sentence")
    check_in.add_argument("--author", default="", help="who is checking in")
    _add_source(check_in)
    check_in.set_defaults(handler=cmd_check_in)

    outbox = subcommands.add_parser("outbox", help="check-ins waiting to be sent to the sheet")
    outbox.add_argument("--send", action="store_true", help="send them now (once each)")
    _add_source(outbox)
    outbox.set_defaults(handler=cmd_outbox)

    template = subcommands.add_parser("template", help="write the empty template workbook")
    template.add_argument("out", help="where to write it, e.g. ground-truth-template.xlsx")
    template.add_argument("--force", action="store_true", help="overwrite an existing file")
    template.set_defaults(handler=cmd_template)

    init = subcommands.add_parser("init-sheet", help="add missing template tabs and headers")
    init.add_argument("--dry-run", action="store_true", help="only say what would be added")
    init.set_defaults(handler=cmd_init_sheet)

    history = subcommands.add_parser("history", help="what the deck said each week")
    history_commands = history.add_subparsers(dest="history_command", required=True)
    record = history_commands.add_parser(
        "record", help="append this week's statuses and verdicts to StatusHistory (once a week)"
    )
    record.add_argument("--as-of", help="record the week of this date (YYYY-MM-DD)")
    record.add_argument(
        "--backfill", action="store_true", help="also derive past weeks from CheckIns"
    )
    _add_source(record)
    record.set_defaults(handler=cmd_history_record)

    digest = subcommands.add_parser("digest", help="the weekly digest: print, write or send it")
    digest.add_argument("--as-of", help="the digest of the week of this date (YYYY-MM-DD)")
    _add_source(digest)
    digest.add_argument("--out", help="write it to FILE.md or FILE.html")
    digest.add_argument(
        "--send", action="store_true", help="record the week, then send it (once a week)"
    )
    digest.add_argument("--force", action="store_true", help="send it again this week")
    digest.set_defaults(handler=cmd_digest)

    slide = subcommands.add_parser("slide", help="the one-slide PNG for a board deck")
    _add_source(slide)
    slide.add_argument("--out", required=True, help="where to write the PNG (1920x1080)")
    slide.add_argument("--as-of", help="compute as of this date (YYYY-MM-DD)")
    slide.set_defaults(handler=cmd_slide)

    bench = subcommands.add_parser("bench", help="time loads and pages on large seeded workbooks")
    bench.add_argument("--quick", action="store_true", help="the small workbook only (~20 s)")
    bench.add_argument("--json", action="store_true", help="print the JSON report")
    bench.add_argument(
        "--size", action="append", help="small, large or maximal (repeatable; default: all)"
    )
    bench.add_argument("--runs", type=int, help="runs per median (default: 5, 3 with --quick)")
    bench.add_argument(
        "--case",
        action="append",
        help="workbook (the sizes) or import (10M events; repeatable; default: both)",
    )
    bench.add_argument("--out", help="where to write the JSON (default: tools/bench_results.json)")
    bench.set_defaults(handler=cmd_bench)

    from data_sources.usage_import.run import FORMATS

    usage = subcommands.add_parser(
        "import-usage", help="weekly active users from usage exports, into Usage"
    )
    usage.add_argument("files", nargs="+", metavar="FILE", help="the exports to count")
    usage.add_argument("--format", required=True, choices=FORMATS, help="what the files are")
    usage.add_argument("--initiative", help="count every event for this initiative id")
    usage.add_argument(
        "--map", action="append", metavar="VALUE=ID", help="a tool or team value -> an id"
    )
    usage.add_argument("--source", help="the name in the source column (default: the files')")
    usage.add_argument(
        "--workbook", help="where Usage goes: an .xlsx, a CSV folder, 'gsheets' or 'sample'"
    )
    usage.add_argument("--dry-run", action="store_true", help="write nothing; print the rows")
    usage.add_argument("--json", action="store_true", help="print a JSON report")
    usage.set_defaults(handler=cmd_import_usage)
    return parser


# Options whose value is free text, which may start with "-" ("-1+1", "- fixed the macro").
FREE_TEXT_OPTIONS = ("--note", "--author")
_LONG_OPTION = re.compile(r"^--[A-Za-z]")


def _attach_free_text(argv: Sequence[str]) -> list[str]:
    """`--note -1+1` as `--note=-1+1`, which argparse reads as the note rather than an option.

    A value that looks like a long option (`--note --author Dana`) is left for argparse.
    """
    out: list[str] = []
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if (
            arg in FREE_TEXT_OPTIONS
            and rest
            and rest[0].startswith("-")
            and not _LONG_OPTION.match(rest[0])
        ):
            arg = f"{arg}={rest.pop(0)}"
        out.append(arg)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    with _escaped_output():
        args = build_parser().parse_args(_attach_free_text(sys.argv[1:] if argv is None else argv))
        handler: Callable[[argparse.Namespace], int] = args.handler
        try:
            return handler(args)
        except CommandError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
