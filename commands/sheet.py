"""The commands that check the sheet and set it up: doctor, verdicts, template, init-sheet."""

from __future__ import annotations

import argparse
import json
import sys

from commands.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    CommandError,
    as_of_date,
    cell,
    json_default,
    reported,
)
from commands.source import read_portfolio, stale_args


def cmd_doctor(args: argparse.Namespace) -> int:
    """Rows read per tab and every problem with its A1 reference; exit 1 on an error."""
    portfolio = read_portfolio(args.source, **stale_args(args))
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
        print(json.dumps(report, indent=2, default=json_default, ensure_ascii=False))
    else:
        print(f"Source: {cell(portfolio.origin)}")
        for tab, count in portfolio.rows_read.items():
            blank = portfolio.blank_rows.get(tab, 0)
            skipped = f" ({blank} blank skipped)" if blank else ""
            print(f"  {cell(tab):<12} {count:>7,} rows{skipped}")
        for tab, columns in portfolio.unknown_columns.items():
            if columns:
                print(f"  {cell(tab)}: unknown columns kept: {cell(', '.join(columns))}")
        if not problems:
            print("No problems: every cell was read.")
        for p in problems:
            fix = f" — {cell(p.fix)}" if p.fix else ""
            print(f"{p.severity.upper():<7} {cell(p.cell)}: {cell(p.message)}{fix}")
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


def cmd_verdicts(args: argparse.Namespace) -> int:
    """One verdict per initiative with its reasons; JSON or a readable table."""
    from portfolio.evidence import assess

    portfolio = read_portfolio(args.source, **stale_args(args))
    assessed = assess(portfolio, as_of=as_of_date(args))
    records = [
        {**{f: row[f] for f in VERDICT_FIELDS}, "reasons": list(row["reasons"])}
        for row in assessed.reset_index(drop=True).to_dict("records")
    ]
    if args.json:
        print(json.dumps(records, indent=2, default=json_default, ensure_ascii=False))
    else:
        for r in records:
            flag = " WATERMELON" if r["watermelon"] else ""
            status = r["reported_status"] if isinstance(r["reported_status"], str) else "—"
            ident = r["id"] if isinstance(r["id"], str) else "—"
            team = r["team"] if isinstance(r["team"], str) else "—"
            print(
                f"{cell(ident):<10} {r['verdict']:<9} {cell(status):<6} {r['evidence']:<9} "
                f"{cell(team)}: {cell(r['label'])}{flag}"
            )
            for reason in r["reasons"]:
                print(f"{'':<12}- {cell(reason)}")
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
    from data_sources.google_sheet import GoogleSheetSource
    from data_sources.template import init_sheet

    with reported():  # secrets that cannot be read: a message, not a traceback
        spec = resolve_source(secrets=read_secrets())
    if spec.kind != GSHEETS or spec.gsheets is None:
        raise CommandError(
            "init-sheet works on a Google Sheet: add [connections.gsheets] (spreadsheet and "
            "the service-account key fields) to .streamlit/secrets.toml, then run it again."
        )
    with reported():
        plan = init_sheet(GoogleSheetSource(spec.gsheets), dry_run=args.dry_run)
    if plan.empty:
        print("Nothing to add: every template tab and header is already there.")
    for line in plan.describe():
        print(f"{'Would add' if args.dry_run else 'Added'} {line}")
    for dropdown in plan.dropdowns:
        print(f"{'Would set' if args.dry_run else 'Set'} {dropdown.describe()}")
    return EXIT_OK
