"""What happened after a session besides what was injected: an allergy a severe reaction
suggests, and adverse events, each a record of its own beside the session's immediate reaction."""

from datetime import date
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic import roles
from treatments.models.catalog import Ingredient
from treatments.models.courses import TreatmentSession


class ClinicalRowsQuerySet(roles.PatientRowsQuerySet):
    def own_rows(self, user) -> Self:
        # Clinical findings for the clinic to act on: not shown in the patient's portal.
        return self.none()


class SuspectedAllergyQuerySet(ClinicalRowsQuerySet):
    def pending(self) -> Self:
        return self.filter(status=SuspectedAllergy.Status.PENDING)


class SuspectedAllergy(models.Model):
    """A severe reaction at a session (urticaria, wheeze, anaphylaxis) suggests an allergy to
    what was injected: the cocktail's ingredients are blocked for the patient until a
    dermatologist confirms the allergy (it becomes an Allergy) or dismisses it with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting a dermatologist's decision")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    patient = models.ForeignKey(
        "patients.Patient", verbose_name=_("patient"), on_delete=models.PROTECT, related_name="+"
    )
    session = models.ForeignKey(
        TreatmentSession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="suspected_allergies"
    )
    ingredients = models.ManyToManyField(Ingredient, verbose_name=_("ingredients"), related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    suspected_at = models.DateTimeField(_("suspected at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    dismissal_reason = models.CharField(_("why it is not an allergy"), max_length=500, blank=True)

    objects = SuspectedAllergyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suspected allergy")
        ordering = ["-suspected_at"]
        verbose_name_plural = _("suspected allergies")
        constraints = [
            models.UniqueConstraint(fields=["session"], name="one_suspected_allergy_per_session"),
            models.CheckConstraint(
                condition=~models.Q(status="dismissed") | ~models.Q(dismissal_reason=""),
                name="suspected_allergy_dismissed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return _("Suspected allergy after session %(number)s of %(patient)s's course") % {
            "number": self.session.number,
            "patient": self.patient.full_name,
        }

    def get_absolute_url(self) -> str:
        return reverse("suspected_allergy", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class AdverseEventQuerySet(ClinicalRowsQuerySet):
    def open(self) -> Self:
        return self.filter(outcome__in=AdverseEvent.OPEN)


class AdverseEvent(models.Model):
    """Something that went wrong after a session, noticed then or days later, followed until it
    resolves. The session's immediate reaction stays as it was recorded."""

    class Type(models.TextChoices):
        BRUISING = "bruising", _("Bruising or haematoma")
        SWELLING = "swelling", _("Lasting swelling or pain")
        INFECTION = "infection", _("Infection")
        NODULES = "nodules", _("Nodules or granuloma")
        PIGMENTATION = "pigmentation", _("Change of skin colour")
        ALLERGY = "allergy", _("Allergic reaction")
        VASCULAR = "vascular", _("Blocked blood flow or skin necrosis")
        OTHER = "other", _("Other")

    class Severity(models.TextChoices):
        MILD = "mild", _("Mild")
        MODERATE = "moderate", _("Moderate")
        SEVERE = "severe", _("Severe")

    class Outcome(models.TextChoices):
        ONGOING = "ongoing", _("Ongoing")
        IMPROVING = "improving", _("Improving")
        RESOLVED = "resolved", _("Resolved")
        SEQUELAE = "sequelae", _("Resolved with after-effects")

    OPEN = [Outcome.ONGOING, Outcome.IMPROVING]  # still followed: the dermatologists' list

    session = models.ForeignKey(
        TreatmentSession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="adverse_events"
    )
    onset_date = models.DateField(_("onset"))
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    description = models.TextField(_("what was seen"), max_length=2000, blank=True)
    treatment_given = models.TextField(_("treatment given"), max_length=2000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.ONGOING)
    follow_up_date = models.DateField(_("follow-up"), null=True, blank=True)
    reported_to_vigilance = models.BooleanField(_("reported to the vigilance authority"), default=False)
    vigilance_reference = models.CharField(_("vigilance report reference"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = AdverseEventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("adverse event")
        verbose_name_plural = _("adverse events")
        ordering = ["-onset_date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reported_to_vigilance=False) | ~models.Q(vigilance_reference=""),
                name="adverse_event_report_has_reference",
            ),
            models.CheckConstraint(
                condition=models.Q(follow_up_date__isnull=True) | models.Q(follow_up_date__gte=models.F("onset_date")),
                name="adverse_event_follow_up_after_onset",
            ),
        ]

    def __str__(self) -> str:
        return _("%(type)s after session %(number)s") % {"type": self.get_type_display(), "number": self.session.number}

    def get_absolute_url(self) -> str:
        return reverse("adverse_event_edit", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.outcome in self.OPEN

    def clean(self) -> None:
        errors = {}
        # The onset is checked when the event is recorded: a follow-up cannot change it, and
        # must not be refused over it (say the session's date was corrected since).
        if self._state.adding and (error := onset_error(self.session, self.onset_date)):
            errors["onset_date"] = error
        if self.onset_date and self.follow_up_date and self.follow_up_date < self.onset_date:
            errors["follow_up_date"] = _("The follow-up cannot be before the onset.")
        if self.reported_to_vigilance and not self.vigilance_reference.strip():
            errors["vigilance_reference"] = _("Give the reference of the report to the vigilance authority.")
        if errors:
            raise ValidationError(errors)


def onset_error(session: TreatmentSession, onset: date | None) -> str:
    """An event starts on or after the day of its session, and not in the future."""
    if onset is None or session.done_at is None:
        return ""
    given_on = timezone.localtime(session.done_at).date()
    if onset < given_on:
        return _("The onset cannot be before the session (%(day)s).") % {"day": date_format(given_on, "d/m/Y")}
    if onset > timezone.localdate():
        return _("The onset cannot be in the future.")
    return ""
