"""What the rest of the clinic calls to tell someone something. Each call renders the clinic's
template of that kind in the reader's language and writes outbox rows in the caller's
transaction; the rows go out once it commits (messaging/tasks.py), outside it, so a mail
server that refuses or hangs never touches the booking that caused the message.

    notify_patient(patient=…, kind="appointment_booked", context={…}, about="appointment:<uuid>",
                   calendar=ics_text, calendar_method="REQUEST")
    notify_staff(user=…, kind="staff_patient_cancelled", context={…})
    cancel_queued(about="appointment:<uuid>", kinds=["reminder", "reminder_evening"])
    with silenced(): …   # the demo loader: nothing is written, nothing is sent

Context values are plain (str, int, date, aware datetime); the clinic's name, phone, address,
the portal's address and, for patients, the reminders opt-out link are added here."""

import base64
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from clinic.models import User
from messaging import channels, sms, tasks
from messaging.models import REMINDER_KINDS, OutboxMessage
from messaging.rendering import render_template_of
from patients.models import Patient

_silenced: ContextVar[bool] = ContextVar("messaging_silenced", default=False)


@contextmanager
def silenced() -> Iterator[None]:
    """Under it notify_* write nothing: loading the demo clinic must not mail anyone."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def site_url(path: str) -> str:
    return settings.CLINIC_SITE_URL.rstrip("/") + path


def clinic_context() -> dict:
    return {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        "clinic_address": settings.CLINIC_ADDRESS,
        "portal_url": site_url(reverse("portal")),
    }


def notify_patient(
    *,
    patient: Patient,
    kind: str,
    context: dict,
    about: str = "",
    calendar: str = "",
    calendar_method: str = "",
    send_after: datetime | None = None,
) -> list[OutboxMessage]:
    """Queue `kind` for the patient by email (when they have an address) and by SMS (when
    they chose it and the clinic has an SMS backend); [] when it cannot reach them, or when
    it is a reminder and they turned reminders off."""
    if _silenced.get():
        return []
    choices = channels.choices_of(patient)
    if kind in REMINDER_KINDS and not choices.reminders:
        return []
    language = patient.preferred_language or settings.CLINIC_LANGUAGE
    opt_out_url = channels.opt_out_url(patient)
    full_context = {**clinic_context(), "opt_out_url": opt_out_url, **context}
    subject, body = render_template_of(kind=kind, language=language, context=full_context)
    common = {
        "kind": kind,
        "language": language,
        "subject": subject,
        "patient": patient,
        "about": about,
        "send_after": send_after or timezone.now(),
        "next_attempt_at": send_after or timezone.now(),
    }
    messages = []
    if patient.email:
        with translation.override(language):
            footer = render_to_string("messaging/patient_footer.txt", {"opt_out_url": opt_out_url})
            html = render_to_string(
                "messaging/email.html",
                {"subject": subject, "body": body, "opt_out_url": opt_out_url, "language": language},
            )
        messages.append(
            OutboxMessage(
                channel=OutboxMessage.Channel.EMAIL,
                recipient=patient.email,
                body_text=f"{body.rstrip()}\n\n{footer.strip()}\n",
                body_html=html,
                calendar=calendar,
                calendar_method=calendar_method.upper(),
                **common,
            )
        )
    if choices.sms and patient.phone and sms.configured():
        messages.append(
            OutboxMessage(channel=OutboxMessage.Channel.SMS, recipient=patient.phone, body_text=body, **common)
        )
    return queue(messages)


def notify_staff(*, user: User, kind: str, context: dict, about: str = "") -> list[OutboxMessage]:
    """Queue `kind` for a staff member, in their language (else the clinic's); [] without an
    email address."""
    if _silenced.get() or not user.email:
        return []
    language = user.language or settings.CLINIC_LANGUAGE
    subject, body = render_template_of(kind=kind, language=language, context={**clinic_context(), **context})
    with translation.override(language):
        html = render_to_string(
            "messaging/email.html", {"subject": subject, "body": body, "opt_out_url": "", "language": language}
        )
    return queue(
        [
            OutboxMessage(
                channel=OutboxMessage.Channel.EMAIL,
                recipient=user.email,
                recipient_user=user,
                kind=kind,
                language=language,
                subject=subject,
                body_text=body,
                body_html=html,
                about=about,
            )
        ]
    )


def cancel_queued(*, about: str, kinds: Iterable[str]) -> int:
    """The messages about that thing still waiting to go are cancelled (a moved or cancelled
    appointment's reminders); one being sent at this moment goes. Returns how many."""
    return OutboxMessage.objects.filter(about=about, kind__in=list(kinds), status=OutboxMessage.Status.QUEUED).update(
        status=OutboxMessage.Status.CANCELLED, claimed_until=None
    )


def retry_failed(*, message_ids: Iterable[int]) -> int:
    """The manager's "retry": failed messages are queued again with fresh attempts and sent
    at once. Returns how many were failed (the others are left as they are)."""
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=list(message_ids), status=OutboxMessage.Status.FAILED)
            .values_list("pk", flat=True)
        )
        OutboxMessage.objects.filter(pk__in=ids).update(
            status=OutboxMessage.Status.QUEUED, attempts=0, next_attempt_at=timezone.now(), claimed_until=None
        )
        for pk in ids:
            transaction.on_commit(partial(send_soon, pk), robust=True)
    return len(ids)


def attachment(*, filename: str, content_type: str, content: bytes) -> dict:
    """An attachment as the outbox keeps it (JSON)."""
    return {"filename": filename, "content_type": content_type, "content": base64.b64encode(content).decode("ascii")}


def queue(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    now = timezone.now()
    for message in messages:
        message.save()
        if message.next_attempt_at <= now:
            # robust: an enqueue that fails (the job store out of reach) must not undo or
            # break what committed; the periodic task sends the row anyway.
            transaction.on_commit(partial(send_soon, message.pk), robust=True)
    return messages


def send_soon(pk: int) -> None:
    tasks.send_message(pk)
