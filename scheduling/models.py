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

    def occupying(self, *, now: datetime | None = None) -> Self:
        """What takes its slot: the live appointments and the holds not yet expired (an
        expired hold still in the table is released by the next booking of its slot, or by
        the job system: scheduling/slot_holds.py)."""
        return self.filter(
            Q(status__in=Appointment.LIVE) | Q(status=Appointment.Status.PROPOSED, held_until__gt=now or timezone.now())
        )

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
        appointments = (
            self.visible_to(user)
            .on_day(day)
            .exclude(status__in=[Appointment.Status.CANCELLED, Appointment.Status.PROPOSED])
        )
        if not roles.abilities_of(user).see_everyones_day:
            appointments = appointments.filter(practitioner=user)
        return appointments

    def on_day(self, day) -> Self:
        start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        return self.overlapping(start, start + timedelta(days=1))


class Appointment(models.Model):
    class Status(models.TextChoices):
        # A slot held for a few minutes while a patient confirms it in the portal, or answers
        # a waitlist offer: it occupies the slot as a booking does, until `held_until`.
        PROPOSED = "proposed", gettext_lazy("Held")
        BOOKED = "booked", gettext_lazy("Booked")
        CHECKED_IN = "checked_in", gettext_lazy("Checked in")
        DONE = "done", pgettext_lazy("appointment", "Done")
        CANCELLED = "cancelled", gettext_lazy("Cancelled")
        NO_SHOW = "no_show", gettext_lazy("No-show")

    LIVE = [Status.BOOKED, Status.CHECKED_IN, Status.DONE]
    OCCUPYING = [Status.PROPOSED, *LIVE]  # only these may not overlap

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
    held_until = models.DateTimeField(gettext_lazy("held until"), null=True, blank=True)
    # A hold that would move this (booked) appointment to the hold's time once confirmed.
    moves = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("moves"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="move_holds",
    )
    # iCalendar's SEQUENCE: a calendar that imported the appointment takes a later copy as
    # an update only when this is higher, so every change to its time, practitioner or room,
    # and its cancellation, raises it (scheduling/booking.py), never a status button.
    sequence = models.PositiveIntegerField(gettext_lazy("calendar sequence"), default=0, editable=False)
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
                condition=Q(session__isnull=False, status__in=["proposed", "booked", "checked_in", "done"]),
                name="appointment_one_live_per_session",
            ),
            models.CheckConstraint(
                condition=Q(status="proposed", held_until__isnull=False)
                | (~Q(status="proposed") & Q(held_until__isnull=True, moves__isnull=True)),
                name="appointment_held_until_only_on_holds",
            ),
        ]
        # The no-overlap exclusion constraints live in migrations 0002 and 0008 (PostgreSQL only).

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
    def is_hold(self) -> bool:
        return self.status == self.Status.PROPOSED

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


class TimeOfDay(models.TextChoices):
    ANY = "", gettext_lazy("Any time")
    MORNING = "morning", gettext_lazy("Morning")
    AFTERNOON = "afternoon", gettext_lazy("Afternoon")


def fits_time_of_day(start: datetime, time_of_day: str) -> bool:
    hour = timezone.localtime(start).hour
    if time_of_day == TimeOfDay.MORNING:
        return hour < 12
    if time_of_day == TimeOfDay.AFTERNOON:
        return hour >= 12
    return True


class WaitlistEntry(models.Model):
    """A patient waiting for an earlier slot for a course session, inside its window, on the
    days and at the time of day they prefer (scheduling/waitlist.py offers them)."""

    class Status(models.TextChoices):
        WAITING = "waiting", gettext_lazy("Waiting")
        BOOKED = "booked", gettext_lazy("Booked from an offer")
        LEFT = "left", gettext_lazy("Left the waitlist")

    patient = models.ForeignKey(
        "patients.Patient", verbose_name=gettext_lazy("patient"), on_delete=models.CASCADE, related_name="waitlist"
    )
    session = models.ForeignKey(
        "treatments.TreatmentSession",
        verbose_name=gettext_lazy("session"),
        on_delete=models.CASCADE,
        related_name="waitlist_entries",
    )
    weekdays = models.JSONField(
        gettext_lazy("preferred days"), default=list, blank=True, help_text=gettext_lazy("Empty: any day.")
    )
    time_of_day = models.CharField(
        gettext_lazy("preferred time"), max_length=10, choices=TimeOfDay.choices, default=TimeOfDay.ANY, blank=True
    )
    status = models.CharField(gettext_lazy("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    joined_at = models.DateTimeField(gettext_lazy("joined at"), default=timezone.now)
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("added by"), on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(gettext_lazy("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("waitlist entry")
        verbose_name_plural = gettext_lazy("waitlist")
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session"], condition=Q(status="waiting"), name="waitlist_one_waiting_per_session"
            ),
        ]

    def __str__(self) -> str:
        return _("%(patient)s, session %(number)s") % {"patient": self.patient.full_name, "number": self.session.number}

    def suits(self, start: datetime) -> bool:
        """The patient's preferred days and time of day allow a slot starting at `start`."""
        if self.weekdays and timezone.localtime(start).weekday() not in self.weekdays:
            return False
        return fits_time_of_day(start, self.time_of_day)

    @property
    def weekday_names(self) -> list[str]:
        return [str(WorkingHours.Weekday(day).label) for day in sorted(self.weekdays)]


class WaitlistOffer(models.Model):
    """A freed slot offered to one waiting patient, held for them (`hold`, an appointment in the
    proposed state) until `expires_at`; answered through a signed link (scheduling/waitlist.py)."""

    class Status(models.TextChoices):
        OFFERED = "offered", gettext_lazy("Offered")
        ACCEPTED = "accepted", gettext_lazy("Accepted")
        DECLINED = "declined", gettext_lazy("Declined")
        EXPIRED = "expired", gettext_lazy("Expired")
        WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")

    entry = models.ForeignKey(
        WaitlistEntry, verbose_name=gettext_lazy("waitlist entry"), on_delete=models.CASCADE, related_name="offers"
    )
    # The hold while offered; once accepted, the appointment booked or moved; gone otherwise.
    hold = models.ForeignKey(
        Appointment,
        verbose_name=gettext_lazy("appointment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_offers",
    )
    start = models.DateTimeField(gettext_lazy("start"))
    end = models.DateTimeField(gettext_lazy("end"))
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("practitioner"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(gettext_lazy("status"), max_length=10, choices=Status.choices, default=Status.OFFERED)
    offered_at = models.DateTimeField(gettext_lazy("offered at"), default=timezone.now)
    expires_at = models.DateTimeField(gettext_lazy("expires at"))
    answered_at = models.DateTimeField(gettext_lazy("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("waitlist offer")
        verbose_name_plural = gettext_lazy("waitlist offers")
        ordering = ["-offered_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"], name="waitlist_offer_due_idx")]

    def __str__(self) -> str:
        return _("%(patient)s offered %(when)s") % {
            "patient": self.entry.patient.full_name,
            "when": date_format(timezone.localtime(self.start), "d/m/Y H:i"),
        }
