"""One week's digest as it is sent: a subject and the same content in every format.

`text` (plain), `html` and `markdown` are for e-mail and files; `chat` holds the text of
each webhook kind (Slack's mrkdwn, Google Chat's formatting, the Markdown of a Teams
Adaptive Card). A Message carries no setting and no credential, so it can wait in the
outbox as it is and be sent later exactly as it was written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SLACK = "slack"
GOOGLE_CHAT = "google-chat"
TEAMS = "teams"
WEBHOOK_KINDS = (SLACK, GOOGLE_CHAT, TEAMS)


@dataclass(frozen=True)
class Message:
    """A digest for the week starting `week` (ISO Monday), rendered in every format."""

    week: str
    subject: str
    text: str
    html: str
    markdown: str
    chat: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "subject": self.subject,
            "text": self.text,
            "html": self.html,
            "markdown": self.markdown,
            "chat": dict(self.chat),
        }

    @classmethod
    def from_dict(cls, record: object) -> Message | None:
        """The Message written by `to_dict`; None for anything else (a damaged line)."""
        if not isinstance(record, Mapping):
            return None
        texts = [record.get(k) for k in ("week", "subject", "text", "html", "markdown")]
        chat = record.get("chat")
        if not all(isinstance(t, str) for t in texts) or not isinstance(chat, Mapping):
            return None
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in chat.items()):
            return None
        week, subject, text, html, markdown = texts
        return cls(week, subject, text, html, markdown, dict(chat))
