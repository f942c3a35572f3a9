import uuid
from datetime import date
from decimal import Decimal
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from simple_history.models import HistoricalRecords

from clinic import roles
from treatments.models.catalog import Indication, TreatmentArea, Unit, format_amount
from treatments.models.cocktails import Formulation
from treatments.models.products import Lot

MAX_SPACING_DAYS = 365
SPACING_LIMIT = MaxValueValidator(MAX_SPACING_DAYS, gettext_lazy("At most 365 days."))
MAINTENANCE_LIMITS = [
    MinValueValidator(7, gettext_lazy("Maintenance sessions must be at least 7 days apart.")),
    MaxValueValidator(2 * MAX_SPACING_DAYS, gettext_lazy("At most 730 days.")),
]


def spacing_errors(min_days: int | None, interval_days: int | None, max_days: int | None) -> dict[str, str]:
    """The fields at fault when a course's spacing (days between sessions) is impossible."""
    if not all((min_days, interval_days, max_days)):
        return {}
    if min_days > max_days:
        return {
            "min_days": _("The minimum cannot be more than the maximum."),
            "max_days": _("The maximum cannot be less than the minimum."),
        }
    if not min_days <= interval_days <= max_days:
        return {"interval_days": _("The interval must lie between the minimum and the maximum spacing.")}
    return {}


class Protocol(models.Model):
    """A clinic's default course for an indication: the plan form starts from it."""

    name = models.CharField(gettext_lazy("name"), max_length=120, unique=True)
    patient_name = models.CharField(
        gettext_lazy("name for patients"),
        max_length=120,
        blank=True,
        help_text=gettext_lazy("The course's name on the patient's plan, in plain words. Empty: the plan names none."),
    )
    indication = models.CharField(gettext_lazy("indication"), max_length=20, choices=Indication.choices)
    sessions = models.PositiveSmallIntegerField(
        gettext_lazy("sessions"), validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    interval_days = models.PositiveSmallIntegerField(
        gettext_lazy("interval days"), validators=[MinValueValidator(3), SPACING_LIMIT]
    )
    min_days = models.PositiveSmallIntegerField(
        gettext_lazy("minimum days between sessions"),
        validators=[MinValueValidator(3), SPACING_LIMIT],
        help_text=gettext_lazy("Closer sessions warn."),
    )
    max_days = models.PositiveSmallIntegerField(
        gettext_lazy("maximum days between sessions"), validators=[SPACING_LIMIT]
    )
    maintenance_interval_days = models.PositiveSmallIntegerField(
        gettext_lazy("maintenance interval days"), null=True, blank=True, validators=MAINTENANCE_LIMITS
    )
    maintenance_count = models.PositiveSmallIntegerField(
        gettext_lazy("maintenance count"), default=0, validators=[MaxValueValidator(12)]
    )
    default_areas = models.ManyToManyField(
        TreatmentArea, verbose_name=gettext_lazy("default areas"), blank=True, related_name="+"
    )
    default_formulation = models.ForeignKey(
        Formulation,
        verbose_name=gettext_lazy("default formulation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"patient__isnull": True},
        help_text=gettext_lazy("The clinic template a new plan starts from."),
    )
    notes = models.TextField(gettext_lazy("notes"), blank=True)
    active = models.BooleanField(gettext_lazy("active"), default=True)
    # Its history, French included, is registered with its languages (treatments/translation.py).

    class Meta:
        verbose_name = gettext_lazy("protocol")
        verbose_name_plural = gettext_lazy("protocols")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if errors := spacing_errors(self.min_days, self.interval_days, self.max_days):
            raise ValidationError(errors)
        if self.maintenance_count and not self.maintenance_interval_days:
            raise ValidationError({"maintenance_interval_days": _("Give the interval of the maintenance sessions.")})


class TreatmentPlanQuerySet(roles.PatientRowsQuerySet):
    def own_rows(self, user) -> Self:
        # A draft is the dermatologist's work in progress, not yet the patient's plan.
        return self.filter(patient__portal_user=user).exclude(status=TreatmentPlan.Status.DRAFT)


class TreatmentPlan(models.Model):
    """A course of sessions for one patient with one cocktail version."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("course status", "Draft")
        ACTIVE = "active", pgettext_lazy("course status", "Active")
        COMPLETED = "completed", pgettext_lazy("course status", "Completed")
        STOPPED = "stopped", pgettext_lazy("course status", "Stopped")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", verbose_name=gettext_lazy("patient"), on_delete=models.PROTECT, related_name="plans"
    )
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("prescriber"), on_delete=models.PROTECT, related_name="+"
    )
    protocol = models.ForeignKey(
        Protocol,
        verbose_name=gettext_lazy("protocol"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    indication = models.CharField(gettext_lazy("indication"), max_length=20, choices=Indication.choices)
    formulation = models.ForeignKey(
        Formulation, verbose_name=gettext_lazy("formulation"), on_delete=models.PROTECT, related_name="plans"
    )
    sessions_planned = models.PositiveSmallIntegerField(
        gettext_lazy("number of sessions"),
        validators=[MinValueValidator(1, gettext_lazy("Plan at least one session.")), MaxValueValidator(52)],
    )
    interval_days = models.PositiveSmallIntegerField(
        gettext_lazy("interval days"),
        validators=[MinValueValidator(3, gettext_lazy("Sessions must be at least 3 days apart.")), SPACING_LIMIT],
    )
    min_days = models.PositiveSmallIntegerField(
        gettext_lazy("minimum days between sessions"),
        validators=[MinValueValidator(3, gettext_lazy("Sessions must be at least 3 days apart.")), SPACING_LIMIT],
    )
    max_days = models.PositiveSmallIntegerField(
        gettext_lazy("maximum days between sessions"), validators=[SPACING_LIMIT]
    )
    maintenance_interval_days = models.PositiveSmallIntegerField(
        gettext_lazy("maintenance interval days"), null=True, blank=True, validators=MAINTENANCE_LIMITS
    )
    maintenance_count = models.PositiveSmallIntegerField(
        gettext_lazy("maintenance count"), default=0, validators=[MaxValueValidator(12)]
    )
    start_date = models.DateField(gettext_lazy("start date"))
    status = models.CharField(gettext_lazy("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    stop_reason = models.CharField(gettext_lazy("stop reason"), max_length=300, blank=True)
    # A stopped course resumed: its sessions still to come are spaced from this day
    # (treatments.plans.resume_plan); the stop reason stays, for the record.
    resumed_on = models.DateField(gettext_lazy("resumed on"), null=True, blank=True)
    resume_reason = models.CharField(gettext_lazy("why the course was resumed"), max_length=300, blank=True)
    notes = models.TextField(gettext_lazy("notes"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("created at"), default=timezone.now, editable=False)

    objects = TreatmentPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = gettext_lazy("treatment plan")
        verbose_name_plural = gettext_lazy("treatment plans")
        ordering = ["-start_date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_days__lte=models.F("interval_days"))
                & models.Q(interval_days__lte=models.F("max_days")),
                name="plan_interval_within_spacing",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="stopped") | ~models.Q(stop_reason=""), name="plan_stopped_with_reason"
            ),
        ]

    def __str__(self) -> str:
        return _("%(indication)s course for %(patient)s") % {
            "indication": self.get_indication_display(),
            "patient": self.patient.full_name,
        }

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.pk])

    def clean(self) -> None:
        if errors := spacing_errors(self.min_days, self.interval_days, self.max_days):
            raise ValidationError(errors)
        if self.maintenance_count and not self.maintenance_interval_days:
            raise ValidationError({"maintenance_interval_days": _("Give the interval of the maintenance sessions.")})
        if self.status == self.Status.STOPPED and not self.stop_reason:
            raise ValidationError({"stop_reason": _("Say why the course was stopped.")})


class PlanArea(models.Model):
    plan = models.ForeignKey(
        TreatmentPlan, verbose_name=gettext_lazy("plan"), on_delete=models.CASCADE, related_name="areas"
    )
    area = models.ForeignKey(
        TreatmentArea, verbose_name=gettext_lazy("area"), on_delete=models.PROTECT, related_name="+"
    )
    volume_ml = models.DecimalField(
        gettext_lazy("volume per session (mL)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.1"), gettext_lazy("Plan at least 0.1 mL for an area."))],
    )

    class Meta:
        verbose_name = gettext_lazy("plan area")
        verbose_name_plural = gettext_lazy("plan areas")
        ordering = ["area__name"]
        constraints = [models.UniqueConstraint(fields=["plan", "area"], name="plan_area_once")]

    def __str__(self) -> str:
        return f"{self.area}: {format_amount(self.volume_ml, Unit.ML)}"


class TreatmentSessionQuerySet(roles.PatientRowsQuerySet):
    def own_rows(self, user) -> Self:
        # As for their plans: a draft course is not yet the patient's.
        return self.filter(plan__patient__portal_user=user).exclude(plan__status=TreatmentPlan.Status.DRAFT)

    def awaiting_booking(self) -> Self:
        """Sessions an appointment may be made for: planned or missed, in an active course."""
        return self.filter(status__in=TreatmentSession.AWAITING_BOOKING, plan__status=TreatmentPlan.Status.ACTIVE)


class TreatmentSession(models.Model):
    """One planned or done session of a course, and once done, what was injected."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("session status", "Planned")
        BOOKED = "booked", pgettext_lazy("session status", "Booked")
        DONE = "done", pgettext_lazy("session status", "Done")
        CANCELLED = "cancelled", pgettext_lazy("session status", "Cancelled")
        MISSED = "missed", pgettext_lazy("session status", "Missed")
        SKIPPED = "skipped", pgettext_lazy("session status", "Skipped")

    class Reaction(models.TextChoices):
        NONE = "none", gettext_lazy("None")
        REDNESS = "redness", gettext_lazy("Redness")
        SWELLING = "swelling", gettext_lazy("Swelling")
        BRUISING = "bruising", gettext_lazy("Bruising")
        URTICARIA = "urticaria", gettext_lazy("Urticaria (hives)")
        WHEEZE = "wheeze", gettext_lazy("Wheeze")
        ANAPHYLAXIS = "anaphylaxis", gettext_lazy("Anaphylaxis")
        OTHER = "other", gettext_lazy("Other (describe)")

    # Missed (its appointment was a no-show) is to book again, as planned is.
    AWAITING_BOOKING = [Status.PLANNED, Status.MISSED]
    STILL_TO_COME = [*AWAITING_BOOKING, Status.BOOKED]
    CALLED_OFF = [Status.CANCELLED, Status.MISSED, Status.SKIPPED]
    # Signs of an allergy rather than of the injections: they suspend the cocktail's
    # ingredients until a dermatologist decides (treatments.safety.suspect_allergy).
    SEVERE_REACTIONS = [Reaction.URTICARIA, Reaction.WHEEZE, Reaction.ANAPHYLAXIS]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(
        TreatmentPlan, verbose_name=gettext_lazy("plan"), on_delete=models.PROTECT, related_name="sessions"
    )
    number = models.PositiveSmallIntegerField(gettext_lazy("number"))
    maintenance = models.BooleanField(gettext_lazy("maintenance"), default=False)
    target_date = models.DateField(gettext_lazy("target date"))
    earliest_date = models.DateField(gettext_lazy("earliest date"))
    latest_date = models.DateField(gettext_lazy("latest date"))
    status = models.CharField(gettext_lazy("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    skip_reason = models.CharField(gettext_lazy("why the session is skipped"), max_length=300, blank=True)

    done_at = models.DateTimeField(gettext_lazy("done at"), null=True, blank=True)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("practitioner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    formulation = models.ForeignKey(
        Formulation,
        verbose_name=gettext_lazy("formulation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        help_text=gettext_lazy("The cocktail version injected; frozen from then on."),
    )
    # Several signs at once (redness and swelling), as Reaction values in the list's order.
    reactions = models.JSONField(gettext_lazy("immediate reaction"), default=list, blank=True)
    reaction_notes = models.CharField(gettext_lazy("reaction notes"), max_length=300, blank=True)
    notes = models.TextField(gettext_lazy("notes"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(gettext_lazy("recorded at"), null=True, blank=True)
    # The practitioner's own confirmation of the record: at once when they entered it,
    # else when they sign what someone else entered for them.
    signed_at = models.DateTimeField(gettext_lazy("signed at"), null=True, blank=True, editable=False)
    # While booked: when and with whom, as scheduling booked it (treatments.plans.mark_booked),
    # so a course's dates and documents follow its bookings without reading appointments.
    booked_for = models.DateTimeField(gettext_lazy("booked for"), null=True, blank=True, editable=False)
    booked_with = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("booked with"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = TreatmentSessionQuerySet.as_manager()
    # The booking's time and practitioner are the appointment's, which keeps its own history.
    history = HistoricalRecords(excluded_fields=["booked_for", "booked_with"])

    class Meta:
        verbose_name = gettext_lazy("treatment session")
        verbose_name_plural = gettext_lazy("treatment sessions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="session_number_unique"),
            models.CheckConstraint(
                condition=models.Q(earliest_date__lte=models.F("latest_date")), name="session_window_ordered"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done")
                | (
                    models.Q(done_at__isnull=False)
                    & models.Q(practitioner__isnull=False)
                    & models.Q(formulation__isnull=False)
                ),
                name="session_done_is_recorded",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="skipped") | ~models.Q(skip_reason=""), name="session_skipped_with_reason"
            ),
        ]

    def __str__(self) -> str:
        if self.maintenance:
            text = _("Maintenance session %(number)s of %(patient)s's course")
        else:
            text = _("Session %(number)s of %(patient)s's course")
        return text % {"number": self.number, "patient": self.plan.patient.full_name}

    def get_absolute_url(self) -> str:
        return reverse("session_detail", args=[self.pk])

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def awaiting_signature(self) -> bool:
        """Recorded by someone for the practitioner, who has not confirmed it yet."""
        return self.is_done and self.signed_at is None

    @property
    def can_be_recorded(self) -> bool:
        """Still to come (a missed one too: the patient came late), in an active course that
        has started (record_session refuses earlier dates)."""
        plan = self.plan
        return (
            self.status in self.STILL_TO_COME
            and plan.status == plan.Status.ACTIVE
            and plan.start_date <= timezone.localdate()
        )

    @property
    def can_be_skipped(self) -> bool:
        """Still to come in an active course (treatments.plans.skip_session)."""
        return self.status in self.STILL_TO_COME and self.plan.status == TreatmentPlan.Status.ACTIVE

    def is_overdue(self, today=None) -> bool:
        """Its window has passed and it is neither done nor called off, nor booked for a day
        still to come (a booked session's target is its appointment's day)."""
        today = today or timezone.localdate()
        if today <= self.latest_date:
            return False
        return self.status in self.AWAITING_BOOKING or (self.status == self.Status.BOOKED and today > self.target_date)

    def clean(self) -> None:
        if self.status == self.Status.DONE:
            if error := self.reactions_error(self.reactions):
                raise ValidationError({"reactions": error})
            if error := self.reaction_notes_error(self.reactions, self.reaction_notes):
                raise ValidationError({"reaction_notes": error})

    @classmethod
    def reactions_error(cls, reactions: list[str]) -> str:
        """What is wrong with `reactions` as the signs seen right after a session; the record
        and amendment forms ask this too."""
        if not reactions:
            return _("Record the immediate reaction (or none).")
        if not set(reactions) <= set(cls.Reaction.values):
            return _("Choose the reactions from the list.")
        if cls.Reaction.NONE in reactions and len(reactions) > 1:
            return _("“None” cannot go with a reaction: untick one.")
        return ""

    @classmethod
    def reaction_notes_error(cls, reactions: list[str], notes: str) -> str:
        """A reaction other than those listed needs describing; the record form asks this too."""
        if cls.Reaction.OTHER in reactions and not notes.strip():
            return _("Describe the reaction.")
        return ""

    @classmethod
    def ordered_reactions(cls, reactions) -> list[str]:
        """`reactions` in the list's order, each once: the same signs always read the same."""
        chosen = set(reactions)
        return [value for value in cls.Reaction.values if value in chosen]

    @classmethod
    def reaction_labels(cls, reactions: list[str]) -> str:
        """The signs as people read them: "Redness, Swelling"."""
        labels = dict(cls.Reaction.choices)
        return ", ".join(str(labels.get(value, value)) for value in reactions)

    @property
    def reactions_display(self) -> str:
        return self.reaction_labels(self.reactions)

    @property
    def reacted(self) -> bool:
        """Something was seen right after the session."""
        return bool(self.reactions) and self.reactions != [self.Reaction.NONE]

    @property
    def severe_reactions(self) -> list[str]:
        return [value for value in self.reactions if value in self.SEVERE_REACTIONS]

    def booking_window(self, today: date | None = None) -> tuple[date, date]:
        return booking_window(self.earliest_date, self.latest_date, today or timezone.localdate())

    @property
    def booked_day(self) -> date | None:
        return timezone.localtime(self.booked_for).date() if self.booked_for else None

    @property
    def known_day(self) -> date | None:
        """The day it was done, or the day it is booked for; None while only planned."""
        if self.status == self.Status.DONE:
            return timezone.localtime(self.done_at).date()
        if self.status == self.Status.BOOKED:
            return self.booked_day
        return None

    @property
    def is_called_off(self) -> bool:
        """Cancelled, missed or skipped: it has no appointment to prepare and no sheet."""
        return self.status in self.CALLED_OFF

    def why_not_bookable(self) -> str:
        """Why this session can take no appointment: done, cancelled, skipped, or its course
        not active; empty otherwise. One booked already is a clash, which booking reports."""
        if self.status not in self.STILL_TO_COME:
            return _("That session is %(status)s.") % {"status": self.get_status_display().lower()}
        if self.plan.status != TreatmentPlan.Status.ACTIVE:
            return _("That course is not active.")
        return ""


def booking_window(earliest: date, latest: date, today: date) -> tuple[date, date]:
    """The days a session may be booked on: its window, or for an overdue session a window
    of the same length from today, to catch up as soon as possible."""
    if today > latest:
        return today, today + (latest - earliest)
    return earliest, latest


class SessionArea(models.Model):
    session = models.ForeignKey(
        TreatmentSession, verbose_name=gettext_lazy("session"), on_delete=models.PROTECT, related_name="areas"
    )
    area = models.ForeignKey(
        TreatmentArea, verbose_name=gettext_lazy("area"), on_delete=models.PROTECT, related_name="+"
    )
    volume_ml = models.DecimalField(
        gettext_lazy("volume injected (mL)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    technique = models.CharField(gettext_lazy("technique"), max_length=20, choices=TreatmentArea.Technique.choices)

    # A correction changes or takes off an area given: the row as it was stays here, with who.
    history = HistoricalRecords()

    class Meta:
        verbose_name = gettext_lazy("session area")
        verbose_name_plural = gettext_lazy("session areas")
        ordering = ["area__name"]
        constraints = [models.UniqueConstraint(fields=["session", "area"], name="session_area_once")]

    def __str__(self) -> str:
        return f"{self.area}: {format_amount(self.volume_ml, Unit.ML)}, {self.get_technique_display().lower()}"


class SessionLot(models.Model):
    """A lot used in a session: what a recall searches."""

    session = models.ForeignKey(
        TreatmentSession, verbose_name=gettext_lazy("session"), on_delete=models.PROTECT, related_name="lots"
    )
    lot = models.ForeignKey(Lot, verbose_name=gettext_lazy("lot"), on_delete=models.PROTECT, related_name="uses")

    # A correction takes a lot off the record: the use as it was stays here, with who.
    history = HistoricalRecords()

    class Meta:
        verbose_name = gettext_lazy("session lot")
        verbose_name_plural = gettext_lazy("session lots")
        ordering = ["lot__product__name", "lot__normalised_lot_number"]

    def __str__(self) -> str:
        return str(self.lot)


class SessionAmendment(models.Model):
    """A correction of a recorded session; the original values stay in `changes`."""

    session = models.ForeignKey(
        TreatmentSession, verbose_name=gettext_lazy("session"), on_delete=models.PROTECT, related_name="amendments"
    )
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("amended by"), on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField(gettext_lazy("amended at"), default=timezone.now)
    reason = models.CharField(gettext_lazy("reason"), max_length=300)
    changes = models.JSONField(
        gettext_lazy("changes"), help_text=gettext_lazy("Field name to [value before, value after].")
    )

    # What the correction log calls each field it keeps.
    FIELD_LABELS = {
        "done_at": gettext_lazy("Done at"),
        "practitioner": gettext_lazy("Performed by"),
        "formulation": gettext_lazy("Cocktail version"),
        "areas": gettext_lazy("Areas and volumes"),
        "lots": gettext_lazy("Products and lots"),
        "reactions": gettext_lazy("Immediate reaction"),
        "reaction_notes": gettext_lazy("Reaction notes"),
        "notes": gettext_lazy("Notes"),
    }

    class Meta:
        verbose_name = gettext_lazy("session amendment")
        verbose_name_plural = gettext_lazy("session amendments")
        ordering = ["amended_at"]

    def __str__(self) -> str:
        return _("Amendment of %(session)s by %(who)s") % {"session": self.session, "who": self.amended_by}

    @property
    def readable_changes(self) -> list[tuple[str, str, str]]:
        """Each change as the log reads it: the field's label, before, after."""
        return [(self.FIELD_LABELS.get(field, field), before, after) for field, (before, after) in self.changes.items()]
