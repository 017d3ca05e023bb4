"""The tools: bench (timings on seeded workbooks) and import-usage (usage exports into Usage)."""

from __future__ import annotations

import argparse
import json
import sys

from commands.common import EXIT_OK, CommandError, reported


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
    from data_sources.usage_import import import_usage

    with reported():
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
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(result.describe()))
    return EXIT_OK
