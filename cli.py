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
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TextIO

from portfolio.text import escape, escape_lines

EXIT_OK = 0
EXIT_PROBLEMS = 1  # the sheet has an error (doctor; verdicts say so too)
EXIT_USAGE = 2  # bad arguments or a source that cannot be read
EXIT_STILL_PENDING = 3  # outbox --send, digest --send: check-ins or digests still wait
EXIT_RENDER = 4  # slide: the image could not be drawn (the message says why)
EXIT_DAMAGED = 5  # outbox: damaged lines need a person (file and line numbers printed)


class CommandError(Exception):
    """A failure to report in one line, with the fix, and exit non-zero."""


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


def _cell(value: object) -> str:
    """Sheet text on one line of a report: its line breaks too shown as escapes."""
    return escape(str(value))


def _read_portfolio(source: str | None, *, allow_stale: bool | None = None, notices=None):
    """Read and parse the workbook the way the app does, without Streamlit.

    `allow_stale` is None for a command without --allow-stale (the source or an error);
    otherwise a source that fails falls back to its last good copy when it is True, and the
    error names that copy and its age when it is False. `notices` gets the copy's age.
    """
    return _read_spec_and_portfolio(source, allow_stale=allow_stale, notices=notices)[1]


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


def _read_spec_and_portfolio(
    source: str | None, *, allow_stale: bool | None = None, notices=None
):  # -> (SourceSpec, Portfolio)
    from data_sources.config import read_secrets, resolve_source
    from data_sources.errors import SourceError
    from portfolio.mapping import from_secrets
    from portfolio.parse import parse_workbook

    try:
        secrets = read_secrets()
        spec = resolve_source(secrets=secrets, override=source)
        raw = _read_raw(spec, allow_stale=allow_stale, notices=notices)
    except SourceError as error:  # settings that cannot work, too: a message, not a traceback
        raise CommandError(str(error)) from None
    return spec, parse_workbook(raw, mapping=from_secrets(secrets))


def _stale_args(args: argparse.Namespace) -> dict:
    """--allow-stale, and where the copy's age goes: stderr when stdout is JSON."""
    return {"allow_stale": args.allow_stale, "notices": sys.stderr if args.json else sys.stdout}


def _json_default(value: object) -> object:
    import pandas as pd

    if value is None or (not isinstance(value, list | tuple | dict) and pd.isna(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def cmd_doctor(args: argparse.Namespace) -> int:
    """Rows read per tab and every problem with its A1 reference; exit 1 on an error."""
    portfolio = _read_portfolio(args.source, **_stale_args(args))
    problems = portfolio.problems
    if args.json:
        report = {
            "source": portfolio.origin,
            "rows_read": portfolio.rows_read,
            "blank_rows": portfolio.blank_rows,
            "unknown_columns": portfolio.unknown_columns,
            "problems": [
                {
                    "cell": p.cell,
                    "severity": p.severity,
                    "column": p.column,
                    "raw": p.raw,
                    "message": p.message,
                    "fix": p.fix,
                }
                for p in problems
            ],
        }
        print(json.dumps(report, indent=2, default=_json_default, ensure_ascii=False))
    else:
        print(f"Source: {_cell(portfolio.origin)}")
        for tab, count in portfolio.rows_read.items():
            blank = portfolio.blank_rows.get(tab, 0)
            skipped = f" ({blank} blank skipped)" if blank else ""
            print(f"  {_cell(tab):<12} {count:>7,} rows{skipped}")
        for tab, columns in portfolio.unknown_columns.items():
            if columns:
                print(f"  {_cell(tab)}: unknown columns kept: {_cell(', '.join(columns))}")
        if not problems:
            print("No problems: every cell was read.")
        for p in problems:
            fix = f" — {_cell(p.fix)}" if p.fix else ""
            print(f"{p.severity.upper():<7} {_cell(p.cell)}: {_cell(p.message)}{fix}")
        errors = len(portfolio.errors)
        print(f"{len(problems)} problems, {errors} errors.")
    return EXIT_PROBLEMS if portfolio.errors else EXIT_OK


# `name` falls back to the id, then the sheet row; `label` tells repeated names apart.
VERDICT_FIELDS = (
    "id",
    "name",
    "label",
    "team",
    "reported_status",
    "stage",
    "verdict",
    "watermelon",
    "evidence",
)


def _as_of(args: argparse.Namespace):  # -> pd.Timestamp | None
    """The --as-of date, or None when not given; a CommandError when it is not a date."""
    import pandas as pd

    if not args.as_of:
        return None
    as_of = pd.to_datetime(args.as_of, format="%Y-%m-%d", errors="coerce")
    if pd.isna(as_of):
        raise CommandError(f'--as-of "{args.as_of}" is not a date: use YYYY-MM-DD.')
    return as_of


def cmd_verdicts(args: argparse.Namespace) -> int:
    """One verdict per initiative with its reasons; JSON or a readable table."""
    from portfolio.evidence import assess

    portfolio = _read_portfolio(args.source, **_stale_args(args))
    assessed = assess(portfolio, as_of=_as_of(args))
    records = [
        {**{f: row[f] for f in VERDICT_FIELDS}, "reasons": list(row["reasons"])}
        for row in assessed.reset_index(drop=True).to_dict("records")
    ]
    if args.json:
        print(json.dumps(records, indent=2, default=_json_default, ensure_ascii=False))
    else:
        for r in records:
            flag = " WATERMELON" if r["watermelon"] else ""
            status = r["reported_status"] if isinstance(r["reported_status"], str) else "—"
            ident = r["id"] if isinstance(r["id"], str) else "—"
            team = r["team"] if isinstance(r["team"], str) else "—"
            print(
                f"{_cell(ident):<10} {r['verdict']:<9} {_cell(status):<6} {r['evidence']:<9} "
                f"{_cell(team)}: {_cell(r['label'])}{flag}"
            )
            for reason in r["reasons"]:
                print(f"{'':<12}- {_cell(reason)}")
    return _sheet_errors(portfolio)


def _sheet_errors(portfolio) -> int:
    """Say on stderr when the sheet has errors (the figures may be off); doctor's exit code."""
    errors = portfolio.errors
    if not errors:
        return EXIT_OK
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    print(
        f"error: the sheet has {len(errors)} error(s), so these verdicts may be off: "
        f"{first.cell}: {first.message}{more}. `python cli.py doctor` lists each with its fix.",
        file=sys.stderr,
    )
    return EXIT_PROBLEMS


def _known_ids(spec) -> set[str] | None:
    """Initiative ids from the source, else from its last good copy; None when neither reads."""
    from data_sources.loader import load_workbook
    from portfolio.parse import parse_workbook

    result = load_workbook(spec)
    if result.raw is None:
        return None
    ids = parse_workbook(result.raw).initiatives["id"].dropna().astype(str)
    return set(ids)


def cmd_check_in(args: argparse.Namespace) -> int:
    """Append one check-in as the Check in page does; queue it when the sheet fails."""
    from data_sources import checkins
    from data_sources.config import read_secrets, resolve_source
    from data_sources.errors import SourceError

    try:
        spec = resolve_source(secrets=read_secrets(), override=args.source)
        known = _known_ids(spec)
        checkin = checkins.new_checkin(
            initiative_id=args.initiative,
            reported_status=args.status,
            stage=args.stage,
            active_users=args.active_users,
            note=args.note,
            author=args.author,
            known_ids=known,
        )
        delivery = checkins.submit(checkin, spec)
    except SourceError as error:
        raise CommandError(str(error)) from None
    if known is None:
        print("warning: the initiative ids could not be read, so the id was not checked.")
    left_out = checkins.removed_notice(note=args.note, author=args.author)
    if left_out:
        print(f"note: {left_out}")
    print(f"checkin_id: {checkin.checkin_id}")
    print(f"status: {delivery.status} ({delivery.where})")
    if delivery.error is not None:
        print(f"why: {delivery.error.message}")
        print("It is sent by `python cli.py outbox --send` or the next visit to Check in.")
    return EXIT_OK


def cmd_outbox(args: argparse.Namespace) -> int:
    """List the check-ins waiting to be sent to the sheet; with --send, send them."""
    from data_sources import checkins
    from data_sources.config import GSHEETS, read_secrets, resolve_source
    from data_sources.errors import SourceError

    try:
        spec = resolve_source(secrets=read_secrets(), override=args.source)
        if spec.kind != GSHEETS:
            print(f"The source is {spec.kind}: check-ins are saved at once, nothing waits.")
            return EXIT_OK
        waiting = checkins.pending(spec)
        broken = checkins.damaged(spec)
        print(f"{len(waiting)} check-in(s) waiting for Google Sheet {spec.location}.")
        for entry in waiting:
            c = entry.item
            print(
                f"  {_cell(c.checkin_id)}  {_cell(c.initiative_id)}  {c.reported_status}/"
                f"{c.stage}  queued {entry.queued_at}, {entry.attempts} attempt(s)"
            )
            if entry.last_error:
                print(f"      last error: {_cell(entry.last_error)}")
        _print_damaged(broken, checkins.quarantine_path(spec))
        recoverable = any(d.item is not None for d in broken)
        if not args.send or not (waiting or recoverable):
            return EXIT_DAMAGED if broken else EXIT_OK
        report = checkins.send_pending(spec)
    except SourceError as error:
        raise CommandError(str(error)) from None
    if report.busy:
        print("Another process is sending the outbox right now; nothing was sent twice.")
        return EXIT_OK
    if report.recovered:
        print(
            f"Recovered {len(report.recovered)} check-in(s) from damaged lines; the lines "
            f"were moved, as they were, to {_cell(checkins.quarantine_path(spec))}."
        )
    print(
        f"Sent {len(report.sent)}; {len(report.already_there)} had already landed; "
        f"{report.remaining} still waiting."
    )
    if report.error is not None:
        print(f"why: {report.error.message}")
        return EXIT_STILL_PENDING
    if report.damaged:
        print(f"{len(report.damaged)} damaged line(s) still need a person (see above).")
        return EXIT_DAMAGED
    return EXIT_OK


def _print_damaged(broken, quarantine) -> None:
    """The damaged lines of the outbox: count, file, line numbers and what can be read."""
    from data_sources import checkins

    if not broken:
        return
    print(
        f"{len(broken)} damaged line(s) in {_cell(broken[0].path)}, kept in place (never deleted):"
    )

    for line in broken:
        then = f"; --send recovers it and moves the line to {quarantine}" if line.item else ""
        print(f"  line {line.line}: {_cell(checkins.describe_damaged(line))}{_cell(then)}")


def cmd_template(args: argparse.Namespace) -> int:
    """Write the empty template workbook: every tab, header and drop-down list."""
    from pathlib import Path

    from data_sources.template import write_template

    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".xlsx":
        raise CommandError(f"{out} should end in .xlsx: the template is an Excel workbook.")
    if out.exists() and not args.force:
        raise CommandError(f"{out} already exists: choose another name, or add --force.")
    try:
        write_template(out)
    except OSError as exc:
        raise CommandError(
            f"Cannot write {out} ({exc.strerror or exc}): check the folder."
        ) from None
    print(f"Wrote the template to {out}: upload it to Google Drive and open it as a Sheet.")
    return EXIT_OK


def cmd_init_sheet(args: argparse.Namespace) -> int:
    """Add the template's missing tabs and headers to the configured Google Sheet, and put
    drop-down lists (a warning, not a rejection) on its vocabulary columns."""
    from data_sources.config import GSHEETS, read_secrets, resolve_source
    from data_sources.errors import SourceError
    from data_sources.google_sheet import GoogleSheetSource
    from data_sources.template import init_sheet

    spec = resolve_source(secrets=read_secrets())
    if spec.kind != GSHEETS or spec.gsheets is None:
        raise CommandError(
            "init-sheet works on a Google Sheet: add [connections.gsheets] (spreadsheet and "
            "the service-account key fields) to .streamlit/secrets.toml, then run it again."
        )
    try:
        plan = init_sheet(GoogleSheetSource(spec.gsheets), dry_run=args.dry_run)
    except SourceError as error:
        raise CommandError(str(error)) from None
    if plan.empty:
        print("Nothing to add: every template tab and header is already there.")
    for line in plan.describe():
        print(f"{'Would add' if args.dry_run else 'Added'} {line}")
    for dropdown in plan.dropdowns:
        print(f"{'Would set' if args.dry_run else 'Set'} {dropdown.describe()}")
    return EXIT_OK


def cmd_history_record(args: argparse.Namespace) -> int:
    """Append this week's status, stage and verdict of every initiative to StatusHistory and,
    on a Google Sheet, rewrite the Verdicts tab."""
    from data_sources.errors import SourceError
    from data_sources.history import record_history
    from portfolio.evidence import assess

    spec, portfolio = _read_spec_and_portfolio(args.source)
    as_of = _as_of(args) or portfolio.as_of
    assessed = assess(portfolio, as_of=as_of)
    try:
        result = record_history(
            spec, assessed, as_of=as_of, backfill=args.backfill, portfolio=portfolio
        )
    except SourceError as error:
        raise CommandError(str(error)) from None
    if result.created:
        print("Added the StatusHistory tab to the sheet.")
    print(result.describe())
    if result.verdicts is not None:
        made = "Added and wrote" if result.verdicts.created else "Rewrote"
        print(f"{made} the Verdicts tab: {result.verdicts.rows} initiatives.")
    if result.verdicts_error is not None:
        raise CommandError(f"The Verdicts tab was not written: {result.verdicts_error}")
    return EXIT_OK


DIGEST_FORMATS = {".md": "markdown", ".html": "html"}


def cmd_digest(args: argparse.Namespace) -> int:
    """The weekly digest: printed, written to --out, or with --send recorded to StatusHistory
    and sent once per week on each channel of [groundtruth.digest]."""
    from pathlib import Path

    from data_sources import store
    from data_sources.config import read_secrets
    from data_sources.errors import SourceError
    from data_sources.history import record_history
    from notify.delivery import deliver
    from notify.settings import digest_settings
    from portfolio.digest import weekly_digest
    from portfolio.evidence import assess
    from ui.digest_text import render

    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in DIGEST_FORMATS:
        raise CommandError(f'--out "{args.out}" must end in .md or .html.')
    if out is not None and not out.parent.exists():
        raise CommandError(f'The folder "{out.parent}" does not exist: create it or pick another.')
    try:
        settings = digest_settings(read_secrets())
    except SourceError as error:
        raise CommandError(str(error)) from None
    if args.send and not settings.channels:
        raise CommandError(
            "--send has nowhere to send: set webhook_url or smtp_host (with from and to) "
            "under [groundtruth.digest] in .streamlit/secrets.toml."
        )
    spec, portfolio = _read_spec_and_portfolio(args.source)
    as_of = _as_of(args) or portfolio.as_of
    assessed = assess(portfolio, as_of=as_of)
    if args.send:  # this week becomes the baseline of the next digest
        try:
            print(record_history(spec, assessed, as_of=as_of, portfolio=portfolio).describe())
        except SourceError as error:
            print(f"warning: this week was not recorded in StatusHistory: {error}")
    digest = weekly_digest(
        portfolio,
        as_of=as_of,
        public_url=settings.public_url,
        names=settings.names,
        assessed=assessed,
    )
    message = render(digest)
    if out is not None:
        text = getattr(message, DIGEST_FORMATS[out.suffix.lower()])
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {out} ({exc.strerror or exc}).") from None
        print(f"Wrote {out}: {message.subject}")
    if not args.send:
        if out is None:
            print(message.text, end="")
        return EXIT_OK
    try:
        report = deliver(message, settings, key=store.target_key(spec), force=args.force)
    except SourceError as error:
        raise CommandError(str(error)) from None
    print("\n".join(report.describe()))
    return EXIT_STILL_PENDING if report.waiting else EXIT_OK


def cmd_slide(args: argparse.Namespace) -> int:
    """The one-slide PNG (1920x1080) for a board deck, with no names of people."""
    from pathlib import Path

    from portfolio.redact import presented_verdicts
    from ui import rendering, slide

    out = Path(args.out)
    if out.suffix.lower() != ".png":
        raise CommandError(f'--out "{args.out}" must end in .png: the slide is a PNG image.')
    if not out.parent.exists():
        raise CommandError(f'The folder "{out.parent}" does not exist: create it or pick another.')
    portfolio = _read_portfolio(args.source)
    as_of = _as_of(args) or portfolio.as_of
    assessed = presented_verdicts(portfolio, as_of=as_of)
    try:
        png = slide.render(assessed, as_of=as_of)
    except rendering.RenderError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_RENDER
    out.write_bytes(png)
    width, height = slide.png_size(png)
    print(f"Wrote {out} ({width}x{height}), as of {as_of:%Y-%m-%d}.")
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    """Time cold loads, page reruns and memory on seeded workbooks served by the emulator."""
    from pathlib import Path

    from tools import bench

    try:
        report = bench.run_bench(
            quick=args.quick,
            sizes=args.size,
            runs=args.runs,
            log=lambda line: print(line, file=sys.stderr, flush=True),
            cases=args.case,
        )
    except ValueError as error:
        raise CommandError(str(error)) from None
    default = bench.DEFAULT_OUT
    if args.case and bench.WORKBOOK_CASE not in args.case:
        from tools.bench_import import IMPORT_OUT

        default = IMPORT_OUT  # an import-only run keeps the workbook figures as they are
    out = Path(args.out) if args.out else (bench.QUICK_OUT if args.quick else default)
    bench.write_report(report, out)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(bench.format_report(report))
        print(f"Wrote {out}")
    return EXIT_OK


def cmd_import_usage(args: argparse.Namespace) -> int:
    """Weekly active users from the tools' exports, appended to Usage once (no identities)."""
    from data_sources.config import read_secrets, resolve_source
    from data_sources.errors import SourceError
    from data_sources.usage_import import import_usage

    try:
        spec = resolve_source(secrets=read_secrets(), override=args.workbook)
        result = import_usage(
            args.files,
            fmt=args.format,
            spec=spec,
            initiative=args.initiative,
            maps=args.map or (),
            source=args.source,
            dry_run=args.dry_run,
        )
    except SourceError as error:
        raise CommandError(str(error)) from None
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(result.describe()))
    return EXIT_OK


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
    commands = parser.add_subparsers(dest="command", required=True)

    doctor = commands.add_parser("doctor", help="check the workbook cell by cell")
    _add_source(doctor)
    doctor.add_argument("--json", action="store_true", help="print a JSON report")
    _add_allow_stale(doctor)
    doctor.set_defaults(handler=cmd_doctor)

    verdicts = commands.add_parser("verdicts", help="each initiative's verdict and reasons")
    _add_source(verdicts)
    verdicts.add_argument("--as-of", help="compute as of this date (YYYY-MM-DD)")
    verdicts.add_argument("--json", action="store_true", help="print a JSON array")
    _add_allow_stale(verdicts)
    verdicts.set_defaults(handler=cmd_verdicts)

    check_in = commands.add_parser("check-in", help="append a check-in to the CheckIns tab")
    check_in.add_argument("--initiative", required=True, help="the initiative's id, e.g. AI-014")
    check_in.add_argument("--status", required=True, help="Green, Amber or Red")
    check_in.add_argument("--stage", required=True, help="Idea, Pilot, Rollout, Adopted, …")
    check_in.add_argument("--active-users", help="people who used it this week (0 or more)")
    check_in.add_argument("--note", default="", help="what changed, in a sentence")
    check_in.add_argument("--author", default="", help="who is checking in")
    _add_source(check_in)
    check_in.set_defaults(handler=cmd_check_in)

    outbox = commands.add_parser("outbox", help="check-ins waiting to be sent to the sheet")
    outbox.add_argument("--send", action="store_true", help="send them now (once each)")
    _add_source(outbox)
    outbox.set_defaults(handler=cmd_outbox)

    template = commands.add_parser("template", help="write the empty template workbook")
    template.add_argument("out", help="where to write it, e.g. ground-truth-template.xlsx")
    template.add_argument("--force", action="store_true", help="overwrite an existing file")
    template.set_defaults(handler=cmd_template)

    init = commands.add_parser("init-sheet", help="add missing template tabs and headers")
    init.add_argument("--dry-run", action="store_true", help="only say what would be added")
    init.set_defaults(handler=cmd_init_sheet)

    history = commands.add_parser("history", help="what the deck said each week")
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

    digest = commands.add_parser("digest", help="the weekly digest: print, write or send it")
    digest.add_argument("--as-of", help="the digest of the week of this date (YYYY-MM-DD)")
    _add_source(digest)
    digest.add_argument("--out", help="write it to FILE.md or FILE.html")
    digest.add_argument(
        "--send", action="store_true", help="record the week, then send it (once a week)"
    )
    digest.add_argument("--force", action="store_true", help="send it again this week")
    digest.set_defaults(handler=cmd_digest)

    slide = commands.add_parser("slide", help="the one-slide PNG for a board deck")
    _add_source(slide)
    slide.add_argument("--out", required=True, help="where to write the PNG (1920x1080)")
    slide.add_argument("--as-of", help="compute as of this date (YYYY-MM-DD)")
    slide.set_defaults(handler=cmd_slide)

    bench = commands.add_parser("bench", help="time loads and pages on large seeded workbooks")
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

    usage = commands.add_parser(
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
