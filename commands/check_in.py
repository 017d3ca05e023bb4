"""The check-in commands: check-in appends one, outbox lists (and sends) those still queued."""

from __future__ import annotations

import argparse

from commands.common import EXIT_DAMAGED, EXIT_OK, EXIT_STILL_PENDING, cell, reported


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

    with reported():
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

    with reported():
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
                f"  {cell(c.checkin_id)}  {cell(c.initiative_id)}  {c.reported_status}/"
                f"{c.stage}  queued {entry.queued_at}, {entry.attempts} attempt(s)"
            )
            if entry.last_error:
                print(f"      last error: {cell(entry.last_error)}")
        _print_damaged(broken, checkins.quarantine_path(spec))
        recoverable = any(d.item is not None for d in broken)
        if not args.send or not (waiting or recoverable):
            return EXIT_DAMAGED if broken else EXIT_OK
        report = checkins.send_pending(spec)
    if report.busy:
        print("Another process is sending the outbox right now; nothing was sent twice.")
        return EXIT_OK
    if report.recovered:
        print(
            f"Recovered {len(report.recovered)} check-in(s) from damaged lines; the lines "
            f"were moved, as they were, to {cell(checkins.quarantine_path(spec))}."
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
        f"{len(broken)} damaged line(s) in {cell(broken[0].path)}, kept in place (never deleted):"
    )

    for line in broken:
        then = f"; --send recovers it and moves the line to {quarantine}" if line.item else ""
        print(f"  line {line.line}: {cell(checkins.describe_damaged(line))}{cell(then)}")
