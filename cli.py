"""Ground Truth from a terminal: doctor, verdicts and the other commands.

    python cli.py doctor [--source SRC] [--json]
    python cli.py verdicts [--source SRC] [--as-of YYYY-MM-DD] [--json]
    python cli.py check-in --initiative ID --status S --stage S [--active-users N]
                           [--note TEXT] [--author NAME] [--source SRC]
    python cli.py outbox [--send] [--source SRC]
    python cli.py template OUT.xlsx [--force]
    python cli.py init-sheet [--dry-run]
    python cli.py history record [--as-of YYYY-MM-DD] [--source SRC] [--backfill]
    python cli.py slide --out FILE.png [--source SRC] [--as-of YYYY-MM-DD]
    python cli.py bench [--quick] [--json] [--size NAME] [--case workbook|import] [--out FILE]
    python cli.py import-usage FILE [FILE …] --format {events,github-copilot,m365-copilot}
                               [--initiative ID] [--map VALUE=ID …] [--source NAME]
                               [--workbook SRC] [--dry-run] [--json]

`--source` takes what GROUNDTRUTH_SOURCE takes: a path to an .xlsx file, a CSV file or a
folder of CSV files, `gsheets` or `sample`. Without it the source is chosen as the app
chooses it, reading `.streamlit/secrets.toml` from the working directory.
Bad input is reported in words and an exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

EXIT_OK = 0
EXIT_PROBLEMS = 1  # doctor found an error in the sheet
EXIT_USAGE = 2  # bad arguments or a source that cannot be read
EXIT_STILL_PENDING = 3  # outbox --send: check-ins still wait (the sheet failed again)


class CommandError(Exception):
    """A failure to report in one line, with the fix, and exit non-zero."""


def _read_portfolio(source: str | None):
    """Read and parse the workbook the way the app does, without Streamlit."""
    return _read_spec_and_portfolio(source)[1]


def _read_spec_and_portfolio(source: str | None):  # -> (SourceSpec, Portfolio)
    from data_sources.config import read_secrets, resolve_source
    from data_sources.errors import SourceError
    from data_sources.loader import read_source
    from portfolio.mapping import from_secrets
    from portfolio.parse import parse_workbook

    try:
        secrets = read_secrets()
        spec = resolve_source(secrets=secrets, override=source)
        raw = read_source(spec)
    except SourceError as error:  # settings that cannot work, too: a message, not a traceback
        raise CommandError(str(error)) from None
    return spec, parse_workbook(raw, mapping=from_secrets(secrets))


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
    portfolio = _read_portfolio(args.source)
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
        print(f"Source: {portfolio.origin}")
        for tab, count in portfolio.rows_read.items():
            blank = portfolio.blank_rows.get(tab, 0)
            skipped = f" ({blank} blank skipped)" if blank else ""
            print(f"  {tab:<12} {count:>7,} rows{skipped}")
        for tab, columns in portfolio.unknown_columns.items():
            if columns:
                print(f"  {tab}: unknown columns kept: {', '.join(columns)}")
        if not problems:
            print("No problems: every cell was read.")
        for p in problems:
            fix = f" — {p.fix}" if p.fix else ""
            print(f"{p.severity.upper():<7} {p.cell}: {p.message}{fix}")
        errors = len(portfolio.errors)
        print(f"{len(problems)} problems, {errors} errors.")
    return EXIT_PROBLEMS if portfolio.errors else EXIT_OK


VERDICT_FIELDS = (
    "id",
    "name",
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

    portfolio = _read_portfolio(args.source)
    assessed = assess(portfolio, as_of=_as_of(args))
    records = [
        {**{f: row[f] for f in VERDICT_FIELDS}, "reasons": list(row["reasons"])}
        for row in assessed.reset_index(drop=True).to_dict("records")
    ]
    if args.json:
        print(json.dumps(records, indent=2, default=_json_default, ensure_ascii=False))
        return EXIT_OK
    for r in records:
        flag = " WATERMELON" if r["watermelon"] else ""
        status = r["reported_status"] if isinstance(r["reported_status"], str) else "—"
        print(
            f"{r['id']:<10} {r['verdict']:<9} {status:<6} {r['evidence']:<9} "
            f"{r['team']}: {r['name']}{flag}"
        )
        for reason in r["reasons"]:
            print(f"{'':<12}- {reason}")
    return EXIT_OK


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
        print(f"{len(waiting)} check-in(s) waiting for Google Sheet {spec.location}.")
        for entry in waiting:
            c = entry.item
            print(
                f"  {c.checkin_id}  {c.initiative_id}  {c.reported_status}/{c.stage}  "
                f"queued {entry.queued_at}, {entry.attempts} attempt(s)"
            )
            if entry.last_error:
                print(f"      last error: {entry.last_error}")
        if not args.send or not waiting:
            return EXIT_OK
        report = checkins.send_pending(spec)
    except SourceError as error:
        raise CommandError(str(error)) from None
    if report.busy:
        print("Another process is sending the outbox right now; nothing was sent twice.")
        return EXIT_OK
    print(
        f"Sent {len(report.sent)}; {len(report.already_there)} had already landed; "
        f"{report.remaining} still waiting."
    )
    if report.error is not None:
        print(f"why: {report.error.message}")
        return EXIT_STILL_PENDING
    return EXIT_OK


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


def cmd_slide(args: argparse.Namespace) -> int:
    """The one-slide PNG (1920x1080) for a board deck, with no names of people."""
    from pathlib import Path

    from portfolio.redact import presented_verdicts
    from ui import slide

    out = Path(args.out)
    if out.suffix.lower() != ".png":
        raise CommandError(f'--out "{args.out}" must end in .png: the slide is a PNG image.')
    if not out.parent.exists():
        raise CommandError(f'The folder "{out.parent}" does not exist: create it or pick another.')
    portfolio = _read_portfolio(args.source)
    as_of = _as_of(args) or portfolio.as_of
    assessed = presented_verdicts(portfolio, as_of=as_of)
    png = slide.render(assessed, as_of=as_of)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cli.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    doctor = commands.add_parser("doctor", help="check the workbook cell by cell")
    _add_source(doctor)
    doctor.add_argument("--json", action="store_true", help="print a JSON report")
    doctor.set_defaults(handler=cmd_doctor)

    verdicts = commands.add_parser("verdicts", help="each initiative's verdict and reasons")
    _add_source(verdicts)
    verdicts.add_argument("--as-of", help="compute as of this date (YYYY-MM-DD)")
    verdicts.add_argument("--json", action="store_true", help="print a JSON array")
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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
