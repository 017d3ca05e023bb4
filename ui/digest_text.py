"""The weekly digest in words: Markdown, HTML, plain text and the chat formats.

`render(digest)` returns a `notify.message.Message`: the subject and the same few blocks
(a title, the two figures, the watermelons, what changed, stale rows by team) written
out for each format. The blocks are built once (`blocks`) from spans that know whether
they are our words or the sheet's, so each format escapes the sheet's text its own way:
HTML escapes it, Markdown backslash-escapes it (`ui.format.plain`: no link, LaTeX or
Streamlit directive can come from a cell), Slack gets `&amp; &lt; &gt;` (so no `<!channel>`
or fake link), Google Chat has its angle brackets replaced. Numbers and dates go through
`ui.format`, as on the pages. Nothing here imports Streamlit: `cli.py digest` uses it as
the Overview's preview does.

>>> message = render(weekly_digest(portfolio, as_of=pd.Timestamp("2026-03-18")))  # doctest: +SKIP
>>> message.subject                                                               # doctest: +SKIP
'Ground Truth weekly digest: week of 16 Mar 2026 (4 watermelons, 2 new)'
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from notify.message import GOOGLE_CHAT, SLACK, TEAMS, Message
from portfolio import evidence, metrics
from portfolio import text as text_rules
from portfolio.digest import (
    ABANDONED,
    ADOPTED,
    GRASSROOTS,
    MAX_LISTED,
    REVERTED,
    STALLED,
    Digest,
    Item,
)
from ui import format as fmt

TITLE = "Ground Truth weekly digest"
CHANGE_LABELS = {
    STALLED: "Stalled",
    REVERTED: "Reverted",
    ABANDONED: "Abandoned",
    ADOPTED: "Newly adopted",
}
# What a verdict rests on (portfolio.evidence), in the digest's words.
EVIDENCE_WORDS = {
    evidence.TELEMETRY: "on telemetry",
    evidence.TYPED: "on typed usage",
    evidence.CHECK_IN: "on check-ins only",
    evidence.NO_EVIDENCE: "on the row alone",
}
NEW_MARK = "NEW"
_URL_SAFE = str.maketrans({" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"})
MORE = "… and {n} more in the app"
# Google Chat reads <…> as a link or a mention and has no escape: look-alikes instead.
_CHAT_ANGLES = str.maketrans({"<": "‹", ">": "›"})


@dataclass(frozen=True)
class Span:
    """A piece of a line: `text` is ours or the sheet's (`sheet`); `bold`; `url` makes a link."""

    text: str
    sheet: bool = False
    bold: bool = False
    url: str | None = None


@dataclass(frozen=True)
class Block:
    """`kind`: title, heading, paragraph or list; `lines`: one line (a list: one per item)."""

    kind: str
    lines: tuple[tuple[Span, ...], ...]


def _ours(text: str, *, bold: bool = False) -> Span:
    return Span(text, bold=bold)


def _sheet(text: str, *, bold: bool = False) -> Span:
    # Line breaks become spaces and control characters go (portfolio.text): an escape
    # sequence pasted into a cell never reaches a terminal, an inbox or a chat.
    return Span(text_rules.strip(" ".join(text.split())), sheet=True, bold=bold)


def _day(value: object, digest: Digest) -> str:
    return fmt.day(value, as_of=digest.as_of)


def _since(digest: Digest) -> str:
    return f"the week of {_day(digest.previous_week, digest)}"


def subject(digest: Digest) -> str:
    """The e-mail subject: the week and the watermelon count."""
    melons = len(digest.watermelons)
    new = f", {digest.new_watermelons:,} new" if digest.new_watermelons else ""
    return f"{TITLE}: week of {fmt.day(digest.week)} ({fmt.plural(melons, 'watermelon')}{new})"


def _gap(gap: metrics.TheaterGap) -> str:
    if gap.green == 0:
        return "no initiative is green on the deck"
    return f"{gap.green_not_real:,} of {fmt.plural(gap.green, 'green initiative')}"


def _figures(digest: Digest) -> list[Block]:
    gap = digest.gap_now
    line = [
        _ours(f"Theater gap: {fmt.percent(gap.share)}", bold=True),
        _ours(f" ({_gap(gap)}" + (" stalled, were reverted or abandoned)" if gap.green else ")")),
    ]
    if digest.gap_then is not None:
        then = digest.gap_then
        line.append(_ours(f"; {_since(digest)}: {fmt.percent(then.share)} ({_gap(then)})"))
    blocks = [Block("paragraph", (tuple(line),))]
    if digest.has_cost:
        spend = [_ours(f"Annual spend not adopted: {fmt.money(digest.spend_now)}", bold=True)]
        if digest.spend_then is not None:
            spend.append(_ours(f"; {_since(digest)}: {fmt.money(digest.spend_then)}"))
        blocks.append(Block("paragraph", (tuple(spend),)))
    return blocks


def _owner(item: Item) -> list[Span]:
    return [_ours(" · owner: "), _sheet(item.owner)] if item.owner else []


def _melon_line(item: Item, digest: Digest) -> tuple[Span, ...]:
    spans = [_ours(NEW_MARK, bold=True), _ours(" ")] if item.new else []
    spans += [_sheet(item.name or item.id, bold=True), _ours(" ("), _sheet(item.team)]
    if digest.has_cost and not math.isnan(item.annual_cost):
        spans.append(_ours(f", {fmt.money(item.annual_cost)} a year"))
    rests = EVIDENCE_WORDS.get(item.evidence)
    verdict = f"{item.verdict}, {rests}" if rests else item.verdict
    spans += [_ours(f") — {verdict}: "), _sheet(item.reason), *_owner(item)]
    return tuple(spans)


def _listed(lines: Sequence[tuple[Span, ...]]) -> tuple[tuple[Span, ...], ...]:
    shown = list(lines[:MAX_LISTED])
    if len(lines) > MAX_LISTED:
        shown.append((_ours(MORE.format(n=f"{len(lines) - MAX_LISTED:,}")),))
    return tuple(shown)


def _watermelons(digest: Digest) -> list[Block]:
    count = len(digest.watermelons)
    new = f", {digest.new_watermelons:,} new" if digest.new_watermelons else ""
    heading = Block("heading", ((_ours(f"Watermelons: {count:,}{new}"),),))
    if not count:
        text = "None: no green initiative has stalled, been reverted or abandoned."
        return [heading, Block("paragraph", ((_ours(text),),))]
    intro = "Green on the deck; stalled, reverted or abandoned in the evidence."
    if digest.previous_week is None:
        intro += " No earlier week is recorded yet, so every one is new."
    lines = [_melon_line(item, digest) for item in digest.watermelons]
    return [heading, Block("paragraph", ((_ours(intro),),)), Block("list", _listed(lines))]


def _names(items: Sequence[Item], *, origin: bool) -> list[Span]:
    spans: list[Span] = []
    for i, item in enumerate(items[:MAX_LISTED]):
        spans += [_ours(", " if i else " "), _sheet(item.name or item.id), _ours(" (")]
        spans.append(_sheet(item.team))
        if origin and item.origin == GRASSROOTS:
            spans.append(_ours(", grassroots"))
        spans.append(_ours(")"))
    if len(items) > MAX_LISTED:
        spans.append(_ours(" " + MORE.format(n=f"{len(items) - MAX_LISTED:,}")))
    return spans


def _changes(digest: Digest) -> list[Block]:
    if digest.previous_week is None:
        return []
    heading = Block("heading", ((_ours(f"What changed since {_since(digest)}"),),))
    lines = [
        (
            _ours(f"{CHANGE_LABELS[verdict]} ({len(items):,}):", bold=True),
            *_names(items, origin=verdict == ADOPTED),
        )
        for verdict, items in digest.changes.items()
        if items
    ]
    if not lines:
        return [heading, Block("paragraph", ((_ours("No initiative changed verdict."),),))]
    return [heading, Block("list", tuple(lines))]


def _quiet(item: Item) -> str:
    if math.isnan(item.days_quiet):
        return "no date"
    return f"{fmt.integer(item.days_quiet)} days quiet"


def _stale(digest: Digest) -> list[Block]:
    days = digest.stale_after_days
    heading = Block("heading", ((_ours(f"Stale rows by team: {digest.stale_rows:,}"),),))
    if not digest.stale:
        text = f"None: every initiative showed a sign of life in the last {days} days."
        return [heading, Block("paragraph", ((_ours(text),),))]
    intro = f"No update, check-in or usage for more than {days} days."
    intro += (
        " Each link opens the Check in page on that initiative."
        if digest.links
        else " Teams can check in on the app's Check in page."
    )
    lines = []
    for team in digest.stale:
        spans = [_sheet(team.team, bold=True), _ours(":")]
        for i, item in enumerate(team.items[:MAX_LISTED]):
            spans += [_ours("; " if i else " "), _sheet(item.name or item.id)]
            spans.append(_ours(f" ({_quiet(item)})"))
            if item.link:
                spans += [_ours(" "), Span("check in", url=item.link)]
        if len(team.items) > MAX_LISTED:
            spans.append(_ours(" " + MORE.format(n=f"{len(team.items) - MAX_LISTED:,}")))
        lines.append(tuple(spans))
    return [heading, Block("paragraph", ((_ours(intro),),)), Block("list", _listed(lines))]


def blocks(digest: Digest) -> list[Block]:
    """The digest's blocks, top to bottom."""
    week = f"{TITLE}: week of {fmt.day(digest.week)}"
    if digest.previous_week is None:
        intro = (
            f"As of {fmt.day(digest.as_of)}. This is the first digest: no earlier week is "
            "recorded, so from next week it also says what changed."
        )
    else:
        intro = f"As of {fmt.day(digest.as_of)}, compared with {_since(digest)}."
    return [
        Block("title", ((_ours(week),),)),
        Block("paragraph", ((_ours(intro),),)),
        *_figures(digest),
        *_watermelons(digest),
        *_changes(digest),
        *_stale(digest),
    ]


# --- one writer per format ---------------------------------------------------------------


def _markdown_span(span: Span) -> str:
    text = fmt.plain(span.text) if span.sheet else span.text.replace("$", "\\$")
    if span.url:  # parentheses and spaces encoded: Teams' cards read no <…> destination
        return f"[{text}]({span.url.translate(_URL_SAFE)})"
    return f"**{text}**" if span.bold and text else text


def _html_span(span: Span) -> str:
    text = html.escape(span.text)
    if span.url:
        return f'<a href="{html.escape(span.url, quote=True)}">{text}</a>'
    return f"<strong>{text}</strong>" if span.bold and text else text


def _plain_span(span: Span) -> str:
    return f"{span.text} <{span.url}>" if span.url else span.text


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _chat_span(escape: Callable[[str], str]) -> Callable[[Span], str]:
    def write(span: Span) -> str:
        text = escape(span.text)
        if span.url:
            return f"<{span.url}|{text.replace('|', '/')}>"
        return f"*{text}*" if span.bold and text else text

    return write


def _write(
    parts: Sequence[Block],
    span: Callable[[Span], str],
    *,
    title: Callable[[str], str],
    heading: Callable[[str], str],
    bullet: str,
) -> str:
    out = []
    for block in parts:
        lines = ["".join(map(span, line)) for line in block.lines]
        if block.kind == "title":
            out.append(title(lines[0]))
        elif block.kind == "heading":
            out.append(heading(lines[0]))
        elif block.kind == "list":
            out.append("\n".join(f"{bullet}{line}" for line in lines))
        else:
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def markdown(parts: Sequence[Block]) -> str:
    return _write(
        parts, _markdown_span, title=lambda t: f"# {t}", heading=lambda t: f"## {t}", bullet="- "
    )


def plain_text(parts: Sequence[Block]) -> str:
    return _write(
        parts,
        _plain_span,
        title=lambda t: f"{t}\n{'=' * len(t)}",
        heading=lambda t: f"{t}\n{'-' * len(t)}",
        bullet="- ",
    )


def chat(parts: Sequence[Block], kind: str) -> str:
    """The text of a chat message: Slack mrkdwn, Google Chat, or Teams' card Markdown."""
    if kind == TEAMS:  # an Adaptive Card TextBlock: Markdown without headings
        return _write(
            parts,
            _markdown_span,
            title=lambda t: f"**{t}**",
            heading=lambda t: f"**{t}**",
            bullet="- ",
        )
    escape = _slack_escape if kind == SLACK else (lambda t: t.translate(_CHAT_ANGLES))
    return _write(
        parts,
        _chat_span(escape),
        title=lambda t: f"*{t}*",
        heading=lambda t: f"*{t}*",
        bullet="• ",
    )


def html_page(parts: Sequence[Block], *, title: str) -> str:
    """A whole HTML page, every text of the sheet escaped."""
    out = []
    for block in parts:
        lines = ["".join(map(_html_span, line)) for line in block.lines]
        if block.kind == "title":
            out.append(f"<h1>{lines[0]}</h1>")
        elif block.kind == "heading":
            out.append(f"<h2>{lines[0]}</h2>")
        elif block.kind == "list":
            out.append("<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>")
        else:
            out.append("".join(f"<p>{line}</p>" for line in lines))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n"
        '<body style="font-family: sans-serif; max-width: 48em; line-height: 1.45">\n'
        + "\n".join(out)
        + "\n</body></html>\n"
    )


def render(digest: Digest) -> Message:
    """The digest in every format, ready to write or send."""
    parts = blocks(digest)
    title = subject(digest)
    return Message(
        week=f"{digest.week:%Y-%m-%d}",
        subject=title,
        text=plain_text(parts),
        html=html_page(parts, title=title),
        markdown=markdown(parts),
        chat={kind: chat(parts, kind) for kind in (SLACK, GOOGLE_CHAT, TEAMS)},
    )
