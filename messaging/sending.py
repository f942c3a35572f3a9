"""Sending the outbox, once. A consumer claims a row with one conditional UPDATE (queued and
due → sending, until a deadline); the UPDATE's row count says whether it won, so two
consumers never both send it. A failure puts it back in the queue for later (backoff), or
marks it failed after MESSAGING_MAX_ATTEMPTS; a claim whose deadline passed (its consumer
died) is taken again."""

import base64
import logging
import random
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.utils import timezone

from messaging import channels, sms
from messaging.models import OutboxMessage

logger = logging.getLogger(__name__)
# Longer than a send can take (EMAIL_TIMEOUT for each step of the SMTP conversation).
CLAIM = timedelta(minutes=5)
DRAIN_BATCH = 200


def retry_delay(attempts: int) -> timedelta:
    # 1, 4, 16, 64… minutes: a server down for a moment or for an hour is retried without
    # hammering it.
    return timedelta(minutes=settings.MESSAGING_RETRY_MINUTES * 4 ** max(attempts - 1, 0))


def claim(pk: int, *, now: datetime) -> datetime | None:
    """The claim's deadline when this consumer won the message, else None."""
    until = now + CLAIM
    won = (
        OutboxMessage.objects.due(now)
        .filter(pk=pk)
        .update(status=OutboxMessage.Status.SENDING, claimed_until=until, attempts=F("attempts") + 1)
    )
    return until if won == 1 else None


class OutboxEmail(EmailMultiAlternatives):
    """text/plain, text/html and text/calendar side by side (multipart/alternative) inside
    multipart/mixed with the .ics file, the calendar part's `method` equal to its METHOD, as
    Outlook, Gmail and Apple Mail expect an invitation."""

    def __init__(self, *args, calendar_method: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.calendar_method = calendar_method

    def message(self, **kwargs):
        msg = super().message(**kwargs)
        for part in msg.walk():
            if part.get_content_type() == "text/calendar" and part.get_filename() is None:
                part.set_param("method", self.calendar_method)
        return msg


def message_id(message: OutboxMessage) -> str:
    # The same for every attempt, so a receiver can tell a repeat; the outbox row names it.
    host = urlsplit(settings.CLINIC_SITE_URL).hostname or "localhost"
    return f"<outbox-{message.pk}-{message.created_at:%Y%m%d%H%M%S}@{host}>"


def email_of(message: OutboxMessage, connection) -> OutboxEmail:
    headers = {"Message-ID": message_id(message)}
    if message.patient_id:
        # RFC 8058: a mail client's own "unsubscribe" button posts to the link.
        headers["List-Unsubscribe"] = f"<{channels.opt_out_url(message.patient)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = OutboxEmail(
        subject=message.subject,
        body=message.body_text,
        to=[message.recipient],
        headers=headers,
        connection=connection,
        calendar_method=message.calendar_method,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.calendar:
        email.attach_alternative(message.calendar, "text/calendar")
        email.attach("invite.ics", message.calendar.encode(), "application/ics")
    for item in message.attachments:
        email.attach(item["filename"], base64.b64decode(item["content"]), item["content_type"])
    return email


def send_claimed(message: OutboxMessage, connection) -> None:
    if message.channel == OutboxMessage.Channel.SMS:
        sms.send(to=message.recipient, text=message.body_text)
    else:
        email_of(message, connection).send()


def send_one(pk: int, *, connection=None) -> bool:
    """Send the message if this consumer wins its claim; True when it went out now."""
    until = claim(pk, now=timezone.now())
    if until is None:
        return False
    message = OutboxMessage.objects.select_related("patient").get(pk=pk)
    try:
        send_claimed(message, connection)
    # Whatever went wrong (refused, timed out, a provider's error) is kept on the row and
    # retried; the consumer goes on with the next message.
    except Exception as error:
        record_failure(message, until=until, error=error)
        close_quietly(connection)  # a broken SMTP session: the next send opens a new one
        return False
    OutboxMessage.objects.filter(pk=pk, status=OutboxMessage.Status.SENDING, claimed_until=until).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return True


def record_failure(message: OutboxMessage, *, until: datetime, error: Exception) -> None:
    attempts = message.attempts
    failed = attempts >= settings.MESSAGING_MAX_ATTEMPTS
    logger.warning("outbox message %s: attempt %s failed: %r", message.pk, attempts, error)
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.SENDING, claimed_until=until).update(
        status=OutboxMessage.Status.FAILED if failed else OutboxMessage.Status.QUEUED,
        next_attempt_at=timezone.now() + retry_delay(attempts),
        claimed_until=None,
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )


def drain() -> int:
    """Send every message due now, over one SMTP connection; returns how many went out. Several
    drains at once (consumers, workers) share the work: each takes the due rows in its own
    random order and skips those another claimed first."""
    sent = 0
    connection = mail.get_connection()
    try:
        while True:
            due = list(
                OutboxMessage.objects.due(timezone.now())
                .order_by("next_attempt_at", "pk")
                .values_list("pk", flat=True)[:DRAIN_BATCH]
            )
            if not due:
                return sent
            random.shuffle(due)
            sent += sum(send_one(pk, connection=connection) for pk in due)
    finally:
        close_quietly(connection)


def close_quietly(connection) -> None:
    if connection is None:
        return
    try:
        connection.close()
    except Exception:  # a server that hangs or hung up: the connection is dropped anyway
        logger.info("closing the mail connection failed", exc_info=True)
