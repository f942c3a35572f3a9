import secrets
import uuid
from datetime import datetime, timedelta
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from simple_history.models import HistoricalRecords

from clinic import roles
from treatments.models import FormulationLine, PlanArea

GRID_MINUTES = 15
APPOINTMENT_MINUTES = (30, 45, 60)
LONGEST_APPOINTMENT = timedelta(minutes=max(APPOINTMENT_MINUTES))


class Room(models.Model):
    name = models.CharField(gettext_lazy("name"), max_length=60, unique=True)
    active = models.BooleanField(gettext_lazy("active"), default=True)

    class Meta:
        verbose_name = gettext_lazy("room")
        verbose_name_plural = gettext_lazy("rooms")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    """One interval a practitioner works on a weekday; several per day are allowed."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, gettext_lazy("Monday")
        TUESDAY = 1, gettext_lazy("Tuesday")
        WEDNESDAY = 2, gettext_lazy("Wednesday")
        THURSDAY = 3, gettext_lazy("Thursday")
        FRIDAY = 4, gettext_lazy("Friday")
        SATURDAY = 5, gettext_lazy("Saturday")
        SUNDAY = 6, gettext_lazy("Sunday")

    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("practitioner"),
        on_delete=models.CASCADE,
        related_name="working_hours",
    )
    weekday = models.PositiveSmallIntegerField(gettext_lazy("weekday"), choices=Weekday.choices)
    start = models.TimeField(gettext_lazy("start"))
    end = models.TimeField(gettext_lazy("end"))

    class Meta:
        ordering = ["practitioner", "weekday", "start"]
        verbose_name = gettext_lazy("working hours")
        verbose_name_plural = gettext_lazy("working hours")
        constraints = [models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="hours_start_before_end")]

    def __str__(self) -> str:
        return f"{self.practitioner}: {self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start and self.end and self.start >= self.end:
            raise ValidationError({"end": _("The end must come after the start.")})


class TimeOff(models.Model):
    """A practitioner away, a room out of use, or (with neither) the whole clinic closed."""

    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("practitioner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="time_off",
    )
    room = models.ForeignKey(
        Room,
        verbose_name=gettext_lazy("room"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="time_off",
    )
    start = models.DateTimeField(gettext_lazy("start"))
    end = models.DateTimeField(gettext_lazy("end"))
    reason = models.CharField(gettext_lazy("reason"), max_length=200)

    class Meta:
        ordering = ["start"]
        verbose_name = gettext_lazy("time off")
        verbose_name_plural = gettext_lazy("time off")
        constraints = [models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="time_off_start_before_end")]

    def __str__(self) -> str:
        who = self.practitioner or self.room or _("Whole clinic")
        return f"{who}: {timezone.localtime(self.start):%d/%m %H:%M} – {timezone.localtime(self.end):%d/%m %H:%M}"

    def clean(self) -> None:
        if self.start and self.end and self.start >= self.end:
            raise ValidationError({"end": _("The end must come after the start.")})


class AppointmentQuerySet(roles.PatientRowsQuerySet):
    def own_rows(self, user) -> Self:
        return self.filter(patient__portal_user=user)

    def live(self) -> Self:
        return self.filter(status__in=Appointment.LIVE)

    def overlapping(self, start: datetime, end: datetime) -> Self:
        # Half-open: 10:00–10:30 and 10:30–11:00 do not clash. An appointment lasts at most
        # LONGEST_APPOINTMENT (clean() and booking.py refuse more, and so does PostgreSQL:
        # migration 0004), so one that overlaps starts after `start - LONGEST_APPOINTMENT`:
        # the bound that lets the start index read a few rows instead of every earlier one.
        return self.filter(start__lt=end, start__gt=start - LONGEST_APPOINTMENT, end__gt=start)

    def with_what_to_prepare(self) -> Self:
        """Patient, room, and for a course session its areas and cocktail lines."""
        return self.select_related("patient", "practitioner", "room", "session__plan__formulation").prefetch_related(
            models.Prefetch("session__plan__areas", queryset=PlanArea.objects.select_related("area")),
            models.Prefetch(
                "session__plan__formulation__lines", queryset=FormulationLine.objects.select_related("ingredient")
            ),
        )

    def agenda_of(self, user, day) -> Self:
        """The day's appointments as `user` works them: a dermatologist's own, everyone's for
        the front desk (and for someone who is both)."""
        appointments = self.visible_to(user).on_day(day).exclude(status=Appointment.Status.CANCELLED)
        if not roles.abilities_of(user).see_everyones_day:
            appointments = appointments.filter(practitioner=user)
        return appointments

    def on_day(self, day) -> Self:
        start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        return self.overlapping(start, start + timedelta(days=1))


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", gettext_lazy("Booked")
        CHECKED_IN = "checked_in", gettext_lazy("Checked in")
        DONE = "done", pgettext_lazy("appointment", "Done")
        CANCELLED = "cancelled", gettext_lazy("Cancelled")
        NO_SHOW = "no_show", gettext_lazy("No-show")

    LIVE = [Status.BOOKED, Status.CHECKED_IN, Status.DONE]  # only these may not overlap

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", verbose_name=gettext_lazy("patient"), on_delete=models.PROTECT, related_name="appointments"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("practitioner"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    room = models.ForeignKey(
        Room, verbose_name=gettext_lazy("room"), on_delete=models.PROTECT, related_name="appointments"
    )
    start = models.DateTimeField(gettext_lazy("start"), db_index=True)
    end = models.DateTimeField(gettext_lazy("end"))
    session = models.ForeignKey(
        "treatments.TreatmentSession",
        verbose_name=gettext_lazy("session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    status = models.CharField(gettext_lazy("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("booked by"), on_delete=models.PROTECT, related_name="+"
    )
    cancellation_reason = models.CharField(gettext_lazy("cancellation reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    objects = AppointmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = gettext_lazy("appointment")
        verbose_name_plural = gettext_lazy("appointments")
        ordering = ["start"]
        indexes = [models.Index(fields=["practitioner", "start"], name="appointment_practitioner_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="appointment_start_before_end"),
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(session__isnull=False, status__in=["booked", "checked_in", "done"]),
                name="appointment_one_live_per_session",
            ),
        ]
        # The no-overlap exclusion constraints live in migration 0002 (PostgreSQL only).

    def __str__(self) -> str:
        return _("%(patient)s, %(when)s with %(practitioner)s") % {
            "patient": self.patient.full_name,
            "when": date_format(timezone.localtime(self.start), "d/m/Y H:i"),
            "practitioner": self.practitioner,
        }

    def get_absolute_url(self) -> str:
        return reverse("appointment_detail", args=[self.pk])

    @property
    def minutes(self) -> int:
        return int((self.end - self.start) / timedelta(minutes=1))

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def still_to_see(self) -> bool:
        """Booked or checked in: the patient is yet to be treated (a clinical hold matters)."""
        return self.status in (self.Status.BOOKED, self.Status.CHECKED_IN)

    @property
    def is_today(self) -> bool:
        return timezone.localtime(self.start).date() == timezone.localdate()

    def status_refusal(self, action: str, now: datetime | None = None) -> str:
        """Why the status button `action` (see STATUS_ACTIONS) cannot change this appointment
        now, or "" when it can; scheduling.booking.set_appointment_status asks again under the lock."""
        if action not in STATUS_ACTIONS:
            return _("Unknown action.")
        required, _new_status, description, _label = STATUS_ACTIONS[action]
        if action == "undo_no_show" and self.status != required:
            return _("The appointment is %(status)s, not a no-show: there is nothing to undo.") % {
                "status": self.get_status_display().lower()
            }
        if self.status != required:
            return _("The appointment is %(status)s; it cannot be %(change)s now.") % {
                "status": self.get_status_display().lower(),
                "change": description.lower(),
            }
        now = now or timezone.now()
        if action == "done" and self.session_id:
            return _(
                "A course session's appointment is done when the session is recorded: record it on the session's page."
            )
        if action in ("check_in", "no_show") and not self.is_today:
            return _("Only today's appointments can be checked in or marked as no-show.")
        if action == "no_show" and now < self.start:
            return _("The appointment starts at %(time)s: mark a no-show once it has started.") % {
                "time": date_format(timezone.localtime(self.start), "H:i")
            }
        if action == "undo_no_show" and not self.is_today:
            return _("A no-show can be undone only on the day of the appointment.")
        return ""

    @property
    def status_actions(self) -> list[tuple[str, str]]:
        """The status buttons to offer now, as (action, label)."""
        now = timezone.now()
        return [(action, spec[3]) for action, spec in STATUS_ACTIONS.items() if not self.status_refusal(action, now)]

    def clean(self) -> None:
        if not (self.start and self.end):
            return  # clean_fields() has reported it already
        local = timezone.localtime(self.start)
        if self.minutes not in APPOINTMENT_MINUTES or local.minute % GRID_MINUTES or local.second:
            raise ValidationError({"start": _("Book 30, 45 or 60 minutes, starting on a quarter hour.")})


# What each status button does: from which status, to which, the line it writes in the
# appointment's history, and the button's label. A no-show comes only from booked, so undoing
# it brings the appointment back to booked.
STATUS_ACTIONS = {
    "check_in": (
        Appointment.Status.BOOKED,
        Appointment.Status.CHECKED_IN,
        gettext_lazy("Checked in"),
        gettext_lazy("Check in"),
    ),
    "done": (
        Appointment.Status.CHECKED_IN,
        Appointment.Status.DONE,
        pgettext_lazy("appointment", "Done"),
        pgettext_lazy("appointment", "Done"),
    ),
    "no_show": (
        Appointment.Status.BOOKED,
        Appointment.Status.NO_SHOW,
        gettext_lazy("Marked as no-show"),
        gettext_lazy("No-show"),
    ),
    "undo_no_show": (
        Appointment.Status.NO_SHOW,
        Appointment.Status.BOOKED,
        gettext_lazy("No-show undone"),
        gettext_lazy("Undo the no-show"),
    ),
}


class AppointmentChangeManager(models.Manager):
    """Every line of an appointment's history is written here, as Django's admin writes its
    LogEntry rows through LogEntryManager.log_action."""

    def log(self, appointment: "Appointment", *, by, description: str) -> "AppointmentChange":
        return self.create(appointment=appointment, changed_by=by, description=description[:300])

    def log_each(self, appointments: list["Appointment"], *, by, description: str) -> list["AppointmentChange"]:
        """The same line for many appointments at once (demo and imported history)."""
        return self.bulk_create(
            [
                self.model(appointment=appointment, changed_by=by, description=description[:300])
                for appointment in appointments
            ]
        )


class AppointmentChange(models.Model):
    """The history of an appointment: booked, moved, cancelled, checked in…"""

    appointment = models.ForeignKey(
        Appointment, verbose_name=gettext_lazy("appointment"), on_delete=models.CASCADE, related_name="changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("changed by"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(gettext_lazy("changed at"), default=timezone.now)
    description = models.CharField(gettext_lazy("description"), max_length=300)

    objects = AppointmentChangeManager()

    class Meta:
        verbose_name = gettext_lazy("appointment change")
        verbose_name_plural = gettext_lazy("appointment changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return self.description


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A practitioner's private calendar address; revoking it makes the old address 404."""

    practitioner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("practitioner"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(gettext_lazy("token"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("calendar feed")
        verbose_name_plural = gettext_lazy("calendar feeds")

    def __str__(self) -> str:
        return _("Calendar feed of %(practitioner)s") % {"practitioner": self.practitioner}

    def get_absolute_url(self) -> str:
        return reverse("calendar_feed", args=[self.token])
