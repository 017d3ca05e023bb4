"""Sending the week's digest once per channel, and keeping what failed until it goes.

`deliver(message, settings, key=…)` first resends what earlier runs could not send (the
outbox, oldest first, each exactly as it was written), then sends this week's message on
every configured channel that has not had it yet. What was sent is remembered per week and
channel in `data/digest/sent/<source>.jsonl`, so a second run in the same week sends
nothing unless `force`; a send that fails (refused, 4xx/5xx, down, timeout) waits in
`data/digest/outbox/<source>.jsonl` (`data_sources.store.Outbox`). Neither file holds a
setting: no webhook URL, no password. A whole run holds the outbox's send lock, so two runs
at once never send the same digest twice.

>>> report = deliver(render(digest), digest_settings(secrets), key="sample")  # doctest: +SKIP
>>> [(r.channel, r.status) for r in report.results]                          # doctest: +SKIP
[('webhook', 'sent'), ('email', 'kept')]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data_sources import store
from data_sources.errors import DigestNotSent
from notify import channels
from notify.message import Message
from notify.settings import EMAIL, WEBHOOK, DigestSettings

SENT_FOLDER = "digest/sent"
OUTBOX_FOLDER = "digest/outbox"
SENT, RESENT, ALREADY, KEPT, DROPPED = "sent", "resent", "already sent", "kept", "dropped"


@dataclass(frozen=True)
class Send:
    """One message for one channel."""

    channel: str
    message: Message

    @property
    def ident(self) -> str:
        return f"{self.message.week}/{self.channel}"


def _encode(send: Send) -> dict[str, Any]:
    return {"channel": send.channel, "message": send.message.to_dict()}


def _decode(record: object) -> Send | None:
    if not isinstance(record, dict) or record.get("channel") not in (WEBHOOK, EMAIL):
        return None
    message = Message.from_dict(record.get("message"))
    return Send(record["channel"], message) if message is not None else None


KIND = store.OutboxKind("digest", _encode, _decode, lambda s: s.ident, folder=OUTBOX_FOLDER)


@dataclass(frozen=True)
class Result:
    """What happened on one channel for one week: `status` is sent, resent (from the
    outbox), already sent, kept (failed: waits in the outbox) or dropped (its channel is no
    longer configured); `error` says why it failed; `refused` lists refused recipients."""

    channel: str
    week: str
    status: str
    where: str
    error: str = ""
    refused: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """A run's results, the sends still waiting, and `busy` when another run was sending."""

    results: tuple[Result, ...] = ()
    waiting: int = 0
    busy: bool = False

    def describe(self) -> list[str]:
        """Lines for the terminal, one per channel and week, naming no credential."""
        if self.busy:
            return ["Another run is sending digests right now; nothing was sent twice."]
        lines = []
        for r in self.results:
            line = f"Week of {r.week}, {r.where}: {r.status}"
            if r.status == ALREADY:
                line += " (--force sends it again)"
            if r.error:
                line += f"; {r.error}"
            if r.refused:
                line += f"; refused: {', '.join(r.refused)}"
            lines.append(line)
        if self.waiting:
            lines.append(
                f"{self.waiting} digest send(s) wait in the outbox; the next "
                "`cli.py digest --send` tries them again."
            )
        return lines


class Ledger:
    """The sends made, one line per week and channel: week, channel, sent_at."""

    def __init__(self, directory: Path, key: str) -> None:
        self.file = store.JsonLines(directory / SENT_FOLDER / f"{key}{store.JSONL}")

    def has(self, week: str, channel: str) -> bool:
        records, _ = self.file.read()
        return any(r.get("week") == week and r.get("channel") == channel for r in records)

    def add(self, week: str, channel: str, *, at: str) -> None:
        with self.file.locked():
            records, broken = self.file.read()
            entry = {"week": week, "channel": channel, "sent_at": at}
            self.file.rewrite([*records, entry], broken)


def outbox(key: str, *, data_dir: Path | None = None) -> store.Outbox[Send]:
    """The digests waiting to be sent for source `key`."""
    return store.Outbox(data_dir or store.data_root(), key, KIND)


def where(channel: str, settings: DigestSettings) -> str:
    """A channel in words, naming no credential: "the slack webhook at hooks.slack.com"."""
    if channel == WEBHOOK and settings.webhook is not None:
        return f"the {settings.webhook.kind} webhook at {settings.webhook.host}"
    if channel == EMAIL and settings.smtp is not None:
        return f"e-mail to {len(settings.smtp.to)} via {settings.smtp.host}"
    return f"the {channel} channel (no longer configured)"


def _send(send: Send, settings: DigestSettings) -> tuple[str, ...]:
    """Send on the channel; the refused recipients of an e-mail sent to the others."""
    if send.channel == WEBHOOK and settings.webhook is not None:
        channels.post_webhook(send.message, settings.webhook, timeout=settings.timeout_seconds)
        return ()
    if send.channel == EMAIL and settings.smtp is not None:
        refused = channels.send_email(send.message, settings.smtp, timeout=settings.timeout_seconds)
        return tuple(refused)
    raise ValueError(send.channel)


def deliver(
    message: Message,
    settings: DigestSettings,
    *,
    key: str,
    force: bool = False,
    data_dir: Path | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """Resend what waits, then send `message` on each channel not sent this week (see the
    module doc). `force` sends this week's message again where it was sent already."""
    directory = data_dir or store.data_root()
    box = store.Outbox(directory, key, KIND)
    ledger = Ledger(directory, key)
    stamp = store.timestamp_text(now or dt.datetime.now(dt.UTC))
    results: list[Result] = []
    with box.sending() as mine:
        if not mine:
            return Report(busy=True, waiting=len(box.entries()))
        tried: set[str] = set()
        for entry in box.entries():
            results.append(_resend(entry.item, settings, box, ledger, stamp=stamp))
            tried.add(entry.item.ident)
        for channel in settings.channels:
            send = Send(channel, message)
            if send.ident in tried:
                continue
            if not force and ledger.has(message.week, channel):
                results.append(Result(channel, message.week, ALREADY, where(channel, settings)))
                continue
            try:
                refused = _send(send, settings)
            except DigestNotSent as error:
                box.add(send, error=error.message, now=now)
                results.append(
                    Result(channel, message.week, KEPT, where(channel, settings), error.message)
                )
                continue
            ledger.add(message.week, channel, at=stamp)
            results.append(
                Result(channel, message.week, SENT, where(channel, settings), refused=refused)
            )
        waiting = len(box.entries())
    return Report(tuple(results), waiting)


def _resend(
    send: Send, settings: DigestSettings, box: store.Outbox[Send], ledger: Ledger, *, stamp: str
) -> Result:
    week, channel = send.message.week, send.channel
    if channel not in settings.channels:
        box.settle(sent={send.ident})
        return Result(channel, week, DROPPED, where(channel, settings))
    if ledger.has(week, channel):  # sent meanwhile (a forced run): never twice
        box.settle(sent={send.ident})
        return Result(channel, week, ALREADY, where(channel, settings))
    try:
        refused = _send(send, settings)
    except DigestNotSent as error:
        box.settle(sent=(), failed={send.ident}, error=error.message, at=stamp)
        return Result(channel, week, KEPT, where(channel, settings), error.message)
    ledger.add(week, channel, at=stamp)
    box.settle(sent={send.ident})
    return Result(channel, week, RESENT, where(channel, settings), refused=refused)
