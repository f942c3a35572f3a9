from datetime import time

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who signs in: clinic staff or a patient using the portal.

    What someone may do comes from their groups (see clinic.roles), not from this row.
    """

    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language of their pages. Empty: their browser's."),
    )

    class Meta(AbstractUser.Meta):
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ClinicPolicy(models.Model):
    """The clinic's own rules where a value is the clinic's choice, not a fact: one row, which
    the manager edits in the admin and whose history keeps every change."""

    evening_reminder_at = models.TimeField(
        _("evening reminder at"),
        default=time(18),
        help_text=_("Local time of the reminder sent the evening before an appointment."),
    )
    reminder_hours_before = models.PositiveSmallIntegerField(
        _("reminder hours before"),
        default=48,
        validators=[MinValueValidator(3), MaxValueValidator(168)],
        help_text=_("How many hours before an appointment the first reminder is sent."),
    )
    intake_valid_months = models.PositiveSmallIntegerField(
        _("questionnaire valid for (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("A medical questionnaire older than this must be answered again before a session."),
    )
    self_booking = models.BooleanField(
        _("patients book online"),
        default=True,
        help_text=_(
            "Patients with a course book, move and cancel its next session in the portal. "
            "A patient's own record can turn it off for them."
        ),
    )
    booking_notice_hours = models.PositiveSmallIntegerField(
        _("online booking notice (hours)"),
        default=24,
        validators=[MaxValueValidator(336)],
        help_text=_("The portal offers no slot sooner than this; patients call the clinic instead."),
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        _("online booking horizon (days)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("The portal offers no slot further ahead than this."),
    )
    hold_minutes = models.PositiveSmallIntegerField(
        _("minutes a chosen slot is held"),
        default=10,
        validators=[MinValueValidator(2), MaxValueValidator(30)],
        help_text=_("How long the portal keeps a slot for a patient who chose it, until they confirm."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clinic policy")
        verbose_name_plural = _("clinic policy")

    def __str__(self) -> str:
        return str(_("Clinic policy"))

    @classmethod
    def current(cls) -> "ClinicPolicy":
        """The one row, made with the defaults the first time it is asked for."""
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy
