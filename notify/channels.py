"""Sending one Message: an incoming webhook (one JSON POST) or an e-mail over SMTP.

Webhook bodies, per kind (`notify.message`):

- Slack: `{"text": <mrkdwn>}` (https://api.slack.com/messaging/webhooks);
- Google Chat: `{"text": <Google Chat text>}` (a space's incoming webhook);
- Teams: a Workflows ("When a Teams webhook request is received") message holding one
  Adaptive Card whose TextBlock carries the Markdown.

A 2xx answer is success; anything else (3xx included: a redirect is not followed, so the
body never goes elsewhere), a refused connection or a timeout raises DigestNotSent. The
e-mail is built with the standard library's `email` package: a plain-text part and an
HTML alternative. Errors name the webhook by its host and the SMTP server by host and port:
never the webhook's path (its token), never the password.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from data_sources.errors import DigestNotSent
from notify.message import GOOGLE_CHAT, SLACK, TEAMS, Message
from notify.settings import SMTPS_PORT, SmtpSettings, WebhookSettings

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
ADAPTIVE_CARD_VERSION = "1.4"
ANSWER_CHARS = 200  # of a refusing server's answer, quoted in the error
USER_AGENT = "ground-truth-digest"


def webhook_body(message: Message, kind: str) -> dict:
    """The JSON body for a webhook of `kind`."""
    text = message.chat[kind]
    if kind in (SLACK, GOOGLE_CHAT):
        return {"text": text}
    if kind == TEAMS:
        card = {
            "$schema": ADAPTIVE_CARD_SCHEMA,
            "type": "AdaptiveCard",
            "version": ADAPTIVE_CARD_VERSION,
            "body": [{"type": "TextBlock", "text": text, "wrap": True}],
        }
        return {
            "type": "message",
            "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}],
        }
    raise ValueError(f"unknown webhook kind {kind!r}")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx is raised as an HTTPError: a failed send


def _scrubbed(text: str, webhook: WebhookSettings) -> str:
    """A server's words without the webhook's URL or any long piece of its path."""
    text = text.replace(webhook.url, webhook.host)
    for piece in webhook.url.split("/")[3:]:
        if len(piece) >= 6:
            text = text.replace(piece, "…")
    return " ".join(text.split())[:ANSWER_CHARS]


def post_webhook(message: Message, webhook: WebhookSettings, *, timeout: float) -> None:
    """POST the message to the webhook; DigestNotSent unless it answers 2xx."""
    where = f"the {webhook.kind} webhook at {webhook.host}"
    request = urllib.request.Request(
        webhook.url,
        data=json.dumps(webhook_body(message, webhook.kind)).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT},
        method="POST",
    )
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=timeout) as answer:
            answer.read()
    except urllib.error.HTTPError as error:
        said = _scrubbed(error.read().decode("utf-8", "replace"), webhook)
        raise DigestNotSent(
            title=f"{where} answered {error.code}",
            detail=said or None,
            status=error.code,
        ) from None
    except TimeoutError:
        raise DigestNotSent(title=f"{where} did not answer within {timeout:g} s") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DigestNotSent(
            title=f"{where} could not be reached",
            detail=_scrubbed(str(reason), webhook),
        ) from None


def email_message(message: Message, smtp: SmtpSettings) -> EmailMessage:
    """The e-mail: the plain text, with the HTML as an alternative."""
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = smtp.sender
    mail["To"] = ", ".join(smtp.to)
    mail["Date"] = formatdate(localtime=False, usegmt=True)
    mail["Message-ID"] = make_msgid(domain=smtp.sender.rpartition("@")[2].strip("> ") or None)
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    return mail


def send_email(message: Message, smtp: SmtpSettings, *, timeout: float) -> list[str]:
    """Send the e-mail through the SMTP server; DigestNotSent when it cannot.

    Returns the recipients the server refused while it took the others (the mail is sent:
    sending it again would reach the others twice)."""
    where = f"the SMTP server {smtp.host}:{smtp.port}"
    mail = email_message(message, smtp)
    context = ssl.create_default_context(cafile=smtp.cafile or None)
    try:
        if smtp.port == SMTPS_PORT and not smtp.starttls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=timeout, context=context
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
        with client:
            if smtp.starttls:
                client.starttls(context=context)
            if smtp.username:
                client.login(smtp.username, smtp.password)
            refused = client.send_message(mail, to_addrs=list(smtp.to))
    except smtplib.SMTPAuthenticationError as error:
        raise DigestNotSent(
            title=f"{where} refused the username and password",
            what_to_do="Check username and password in [groundtruth.digest]; the digest waits.",
            detail=_smtp_words(error),
            status=error.smtp_code,
        ) from None
    except smtplib.SMTPRecipientsRefused as error:
        raise DigestNotSent(
            title=f"{where} refused every recipient ({len(error.recipients)})",
            what_to_do="Check to in [groundtruth.digest]; the digest waits.",
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise DigestNotSent(
            title=f"{where} does not offer STARTTLS or login",
            what_to_do="Set starttls = false only for a server on a trusted network.",
        ) from None
    except smtplib.SMTPResponseException as error:
        raise DigestNotSent(
            title=f"{where} answered {error.smtp_code}",
            detail=_smtp_words(error),
            status=error.smtp_code,
        ) from None
    except TimeoutError:
        raise DigestNotSent(title=f"{where} did not answer within {timeout:g} s") from None
    except ssl.SSLCertVerificationError as error:
        raise DigestNotSent(
            title=f"{where} showed a certificate that is not trusted",
            what_to_do=(
                "Point smtp_cafile in [groundtruth.digest] at the CA that signed it (an "
                "internal server), or use the server's public name; the digest waits."
            ),
            detail=error.verify_message,
        ) from None
    except (smtplib.SMTPException, OSError) as error:
        raise DigestNotSent(title=f"{where} could not be reached", detail=str(error)) from None
    return sorted(refused)


def _smtp_words(error: smtplib.SMTPResponseException) -> str:
    said = error.smtp_error
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
    return " ".join(text.split())[:ANSWER_CHARS]
