"""The weekly loop: history record, the digest and the board slide."""

from __future__ import annotations

import argparse
import sys

from commands.common import (
    EXIT_OK,
    EXIT_RENDER,
    EXIT_STILL_PENDING,
    CommandError,
    as_of_date,
    reported,
)
from commands.source import read_portfolio, read_spec_and_portfolio


def cmd_history_record(args: argparse.Namespace) -> int:
    """Append this week's status, stage and verdict of every initiative to StatusHistory and,
    on a Google Sheet, rewrite the Verdicts tab."""
    from data_sources.history import record_history
    from portfolio.evidence import assess

    spec, portfolio = read_spec_and_portfolio(args.source)
    as_of = as_of_date(args) or portfolio.as_of
    assessed = assess(portfolio, as_of=as_of)
    with reported():
        result = record_history(
            spec, assessed, as_of=as_of, backfill=args.backfill, portfolio=portfolio
        )
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
    with reported():
        settings = digest_settings(read_secrets())
    if args.send and not settings.channels:
        raise CommandError(
            "--send has nowhere to send: set webhook_url or smtp_host (with from and to) "
            "under [groundtruth.digest] in .streamlit/secrets.toml."
        )
    spec, portfolio = read_spec_and_portfolio(args.source)
    as_of = as_of_date(args) or portfolio.as_of
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
    with reported():
        report = deliver(message, settings, key=store.target_key(spec), force=args.force)
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
    portfolio = read_portfolio(args.source)
    as_of = as_of_date(args) or portfolio.as_of
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
