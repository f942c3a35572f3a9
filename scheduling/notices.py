"""What each change to an appointment tells whom. booking.py calls these inside the
transaction that makes the change, so the messages (outbox rows, messaging.outbox) commit
with it or not at all: a refused move queues nothing.

- booked: the confirmation with an invitation (METHOD:REQUEST), and the reminders;
- moved (time, practitioner or room): the updated invitation (same UID, SEQUENCE one higher),
  and the reminders queued again for the new time;
- cancelled: METHOD:CANCEL with STATUS:CANCELLED, and no reminder left to go;
- a status button (checked in, done, no-show): no reminder left to go;
- booked, moved or cancelled by the patient online: the front desk and the practitioner are told.

A patient without an email address gets nothing (notify_patient answers [])."""

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clinic.models import ClinicPolicy, User
from clinic.roles import Role
from messaging import outbox
from messaging.models import Kind
from scheduling import calendars
from scheduling.models import Appointment

REMINDER_KINDS = (Kind.REMINDER, Kind.REMINDER_EVENING)
# A reminder that would go this soon after the booking repeats the confirmation just sent.
NO_REMINDER_WITHIN = timedelta(hours=2)


def about(appointment: Appointment) -> str:
    return f"appointment:{appointment.pk}"


def reminder_policy() -> tuple[int, time]:
    """How many hours before the first reminder goes, and the clinic's local time of the
    evening-before one: the clinic's own choice (clinic.models.ClinicPolicy, in the admin)."""
    policy = ClinicPolicy.current()
    return policy.reminder_hours_before, policy.evening_reminder_at


def reminders_due(start: datetime, *, now: datetime) -> list[tuple[str, datetime]]:
    """The reminders of an appointment starting at `start`, booked or moved at `now`, as
    (kind, when it is due), in UTC. The first comes a number of hours before, counted in
    absolute time (48 hours before a Monday 10:00 is 09:00 on the Saturday when the clocks went
    forward on the Sunday); the other the evening before, at the clinic's local time that
    evening. None falls in the past or within NO_REMINDER_WITHIN of `now`."""
    hours_before, evening_at = reminder_policy()
    start = start.astimezone(UTC)
    # Aware arithmetic in the clinic's zone would count wall-clock hours: UTC counts real ones.
    first = start - timedelta(hours=hours_before)
    clinic = timezone.get_default_timezone()
    day_before = timezone.localtime(start, clinic).date() - timedelta(days=1)
    evening = timezone.make_aware(datetime.combine(day_before, evening_at), clinic).astimezone(UTC)
    return [
        (kind, due)
        for kind, due in ((Kind.REMINDER, first), (Kind.REMINDER_EVENING, evening))
        if now + NO_REMINDER_WITHIN <= due < start
    ]


def appointment_context(appointment: Appointment) -> dict:
    return {
        "first_name": appointment.patient.first_name,
        "start": appointment.start,
        "end": appointment.end,
        "practitioner": str(appointment.practitioner),
        "room": str(appointment.room),
    }


def tell_patient(appointment: Appointment, *, kind: str, method: str, **context) -> None:
    outbox.notify_patient(
        patient=appointment.patient,
        kind=kind,
        context={**appointment_context(appointment), **context},
        about=about(appointment),
        calendar=calendars.invitation(appointment, method=method).decode(),
        calendar_method=method,
    )


def queue_reminders(appointment: Appointment) -> None:
    context = appointment_context(appointment)
    for kind, due in reminders_due(appointment.start, now=timezone.now()):
        outbox.notify_patient(
            patient=appointment.patient, kind=kind, context=context, about=about(appointment), send_after=due
        )


def drop_reminders(appointment: Appointment) -> None:
    outbox.cancel_queued(about=about(appointment), kinds=REMINDER_KINDS)


def booked(appointment: Appointment) -> None:
    tell_patient(appointment, kind=Kind.APPOINTMENT_BOOKED, method=calendars.REQUEST)
    queue_reminders(appointment)


def moved(appointment: Appointment, *, previous_start: datetime) -> None:
    drop_reminders(appointment)
    tell_patient(appointment, kind=Kind.APPOINTMENT_CHANGED, method=calendars.REQUEST, previous_start=previous_start)
    queue_reminders(appointment)


def cancelled(appointment: Appointment, *, online: bool) -> None:
    """The reason the desk typed stays in the clinic (it may speak of the patient's health);
    the patient is told only that they cancelled it themselves, when they did."""
    drop_reminders(appointment)
    with translation.override(appointment.patient.preferred_language or settings.CLINIC_LANGUAGE):
        reason = _("You cancelled it in your patient portal.") if online else ""
    tell_patient(appointment, kind=Kind.APPOINTMENT_CANCELLED, method=calendars.CANCEL, reason=reason)


def status_changed(appointment: Appointment) -> None:
    """Checked in, done or a no-show: whatever reminder is still queued would come too late."""
    if appointment.status != Appointment.Status.BOOKED:
        drop_reminders(appointment)


def front_desk_and_practitioner(appointment: Appointment) -> list[User]:
    desk = User.objects.filter(groups__name=Role.FRONT_DESK, is_active=True).exclude(email="").order_by("pk")
    people = {user.pk: user for user in desk}
    if appointment.practitioner.is_active:
        people.setdefault(appointment.practitioner.pk, appointment.practitioner)
    return list(people.values())


def patient_changed_online(appointment: Appointment, *, kind: str) -> None:
    """The front desk and the practitioner learn that a patient booked, moved or cancelled
    (`kind`: Kind.STAFF_PATIENT_BOOKED, _MOVED or _CANCELLED) in the portal, each in their
    language (notify_staff), with a link to the appointment."""
    link = settings.CLINIC_SITE_URL.rstrip("/") + reverse("appointment_detail", args=[appointment.pk])
    for user in front_desk_and_practitioner(appointment):
        outbox.notify_staff(
            user=user,
            kind=kind,
            context={
                "staff_first_name": user.first_name or user.username,
                "patient_name": appointment.patient.full_name,
                "start": appointment.start,
                "practitioner": str(appointment.practitioner),
                "link": link,
            },
            about=about(appointment),
        )
