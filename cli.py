"""Ground Truth from a terminal: doctor, verdicts and the other commands.

    python cli.py doctor [--source SRC] [--json]
    python cli.py verdicts [--source SRC] [--as-of YYYY-MM-DD] [--json]

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


class CommandError(Exception):
    """A failure to report in one line, with the fix, and exit non-zero."""


def _read_portfolio(source: str | None):
    """Read and parse the workbook the way the app does, without Streamlit."""
    from data_sources.config import read_secrets, resolve_source
    from data_sources.errors import SourceError
    from data_sources.loader import read_source
    from portfolio.parse import parse_workbook

    spec = resolve_source(secrets=read_secrets(), override=source)
    try:
        raw = read_source(spec)
    except SourceError as error:
        raise CommandError(str(error)) from None
    return parse_workbook(raw)


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


VERDICT_FIELDS = ("id", "name", "team", "reported_status", "stage", "verdict", "watermelon")


def cmd_verdicts(args: argparse.Namespace) -> int:
    """One verdict per initiative with its reasons; JSON or a readable table."""
    import pandas as pd

    from portfolio.evidence import assess

    portfolio = _read_portfolio(args.source)
    as_of = None
    if args.as_of:
        as_of = pd.to_datetime(args.as_of, format="%Y-%m-%d", errors="coerce")
        if pd.isna(as_of):
            raise CommandError(f'--as-of "{args.as_of}" is not a date: use YYYY-MM-DD.')
    assessed = assess(portfolio, as_of=as_of)
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
        print(f"{r['id']:<10} {r['verdict']:<9} {status:<6} {r['team']}: {r['name']}{flag}")
        for reason in r["reasons"]:
            print(f"{'':<12}- {reason}")
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
