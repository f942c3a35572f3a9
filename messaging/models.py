"""Every message the clinic sends is an outbox row, written in the transaction of what caused
it and sent afterwards by the job consumer (messaging/sending.py); the texts are the clinic's
templates, in both languages; a patient's channel choices say where reminders may go."""

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Kind(models.TextChoices):
    APPOINTMENT_BOOKED = "appointment_booked", _("Booking confirmation")
    APPOINTMENT_CHANGED = "appointment_changed", _("Appointment changed")
    APPOINTMENT_CANCELLED = "appointment_cancelled", _("Appointment cancelled")
    REMINDER = "reminder", _("Reminder two days before")
    REMINDER_EVENING = "reminder_evening", _("Reminder the evening before")
    AFTERCARE_READY = "aftercare_ready", _("Aftercare sheet ready")
    STAFF_PATIENT_CANCELLED = "staff_patient_cancelled", _("Staff: a patient cancelled online")
    STAFF_PATIENT_BOOKED = "staff_patient_booked", _("Staff: a patient booked online")
    STAFF_PATIENT_MOVED = "staff_patient_moved", _("Staff: a patient moved an appointment online")
    WAITLIST_OFFER = "waitlist_offer", _("Waitlist: an earlier time is offered")


# The patient may turn these off with the link in every email; the others answer something
# the patient or the clinic just did, and always go.
REMINDER_KINDS = frozenset({Kind.REMINDER, Kind.REMINDER_EVENING})


class MessageTemplate(models.Model):
    """The clinic's words for one kind of message; subject and body are Django templates
    (messaging/translation.py gives each an English and a French column)."""

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("body"),
        help_text=_(
            'Django template text: {{ first_name }}, {{ start|date:"l j F Y, H:i" }}… '
            "The values each kind receives are listed above."
        ),
    )

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["kind"]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class OutboxMessageQuerySet(models.QuerySet):
    def due(self, now) -> Self:
        """Waiting to go (its time has come, or its retry's), or claimed by a consumer that
        did not finish within its claim (it died)."""
        return self.filter(
            Q(status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now)
            | Q(status=OutboxMessage.Status.SENDING, claimed_until__lt=now)
        )


class OutboxMessage(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    recipient = models.CharField(_("recipient"), max_length=254, help_text=_("An email address or a phone number."))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    calendar = models.TextField(_("calendar invitation"), blank=True)
    calendar_method = models.CharField(_("calendar method"), max_length=20, blank=True)
    # [{"filename": …, "content_type": …, "content": base64}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    send_after = models.DateTimeField(_("due"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    patient = models.ForeignKey(
        "patients.Patient",
        verbose_name=_("patient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    # "appointment:<uuid>": what the message is about, so a move can cancel its reminders.
    about = models.CharField(_("about"), max_length=100, blank=True, db_index=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"


class ChannelChoices(models.Model):
    """Where a patient wants to hear from the clinic. A patient without a row takes the
    defaults: reminders by email, no SMS."""

    class ChangedThrough(models.TextChoices):
        LINK = "link", _("the link in an email")
        STAFF = "staff", _("the clinic")

    patient = models.OneToOneField(
        "patients.Patient", verbose_name=_("patient"), on_delete=models.CASCADE, related_name="channel_choices"
    )
    reminders = models.BooleanField(_("reminders"), default=True)
    sms = models.BooleanField(_("text messages"), default=False)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_through = models.CharField(_("changed through"), max_length=10, choices=ChangedThrough.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("channel choices")
        verbose_name_plural = _("channel choices")

    def __str__(self) -> str:
        return str(self.patient)
