"""Appointments as iCalendar: a practitioner's private feed, one appointment's download, and
the invitations emailed to the patient. Every copy of an appointment carries the same UID and
its SEQUENCE (scheduling.models.Appointment.sequence), so a calendar that imported it once
takes a later copy as the update it is, and a cancelled one as a cancellation."""

from collections.abc import Iterable
from datetime import UTC, timedelta

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from clinic.models import User
from clinic.sessions import user_deactivated
from scheduling.models import Appointment, CalendarFeed

PRODUCT_ID = "-//Mesoplan//Appointments//EN"
# A download or a feed is published: the reader's calendar shows it as it is. An email asks
# the patient to accept (REQUEST) or withdraws the invitation (CANCEL) (RFC 5546).
PUBLISH, REQUEST, CANCEL = "PUBLISH", "REQUEST", "CANCEL"
# The patient's own calendar reminds them the day before, whatever their application's default.
PATIENT_ALARM_BEFORE = timedelta(days=1)
# A feed keeps what was cancelled this long after its start, so subscribed calendars remove it.
FEED_KEEPS = timedelta(days=30)


def appointment_calendar(appointment: Appointment, *, for_patient: bool) -> bytes:
    """One appointment to add to a calendar. The patient's copy is in the patient's language,
    whoever downloads it; the staff's in the staff member's."""
    language = appointment.patient.preferred_language if for_patient else translation.get_language()
    with translation.override(language):
        return calendar_of([appointment], name=_("Mesotherapy appointment"), for_patient=for_patient)


def invitation(appointment: Appointment, *, method: str) -> bytes:
    """The calendar attached to the patient's email about the appointment, in their language:
    the clinic organises, the patient attends; REQUEST for a booking or a change, CANCEL for a
    cancellation."""
    with translation.override(appointment.patient.preferred_language):
        return calendar_of([appointment], name=_("Mesotherapy appointment"), for_patient=True, method=method)


def feed_appointments(practitioner: User, *, now) -> Iterable[Appointment]:
    """A practitioner's feed: from FEED_KEEPS ago on, the cancelled ones included (as
    cancelled), so a calendar that showed them takes them away."""
    return (
        Appointment.objects.filter(practitioner=practitioner, start__gte=now - FEED_KEEPS)
        .exclude(status=Appointment.Status.PROPOSED)
        .select_related("patient", "room", "practitioner")
    )


def calendar_of(appointments: Iterable[Appointment], *, name: str, for_patient: bool, method: str = PUBLISH) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    for appointment in appointments:
        calendar.add_component(event_of(appointment, for_patient=for_patient, method=method))
    return calendar.to_ical()


def event_of(appointment: Appointment, *, for_patient: bool, method: str = PUBLISH) -> Event:
    event = Event()
    event.add("uid", f"{appointment.pk}@mesoplan")
    event.add("sequence", appointment.sequence)
    # UTC on the wire: every calendar converts it to the reader's own time zone.
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add("dtstamp", appointment.updated_at.astimezone(UTC))
    cancelled = appointment.status == Appointment.Status.CANCELLED or method == CANCEL
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("location", f"{settings.CLINIC_NAME}, {appointment.room}, {settings.CLINIC_ADDRESS}")
    if for_patient:
        event.add(
            "summary", _("Mesotherapy appointment with %(practitioner)s") % {"practitioner": appointment.practitioner}
        )
        where = {"portal": settings.CLINIC_SITE_URL.rstrip("/") + reverse("portal"), "phone": settings.CLINIC_PHONE}
        if cancelled:
            event.add(
                "description",
                _(
                    "This appointment is cancelled. To book another time, go to your patient portal (%(portal)s) "
                    "or call %(phone)s."
                )
                % where,
            )
        else:
            event.add(
                "description",
                _("To move or cancel it, go to your patient portal (%(portal)s) or call %(phone)s.") % where,
            )
            event.add_component(reminder_alarm())
    else:
        event.add(
            "summary",
            _("%(patient)s (%(minutes)s min)")
            % {"patient": appointment.patient.full_name, "minutes": appointment.minutes},
        )
        event.add(
            "description",
            _("%(room)s. Status: %(status)s.") % {"room": appointment.room, "status": appointment.get_status_display()},
        )
    if method != PUBLISH:
        add_people(event, appointment)
    return event


def reminder_alarm() -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -PATIENT_ALARM_BEFORE)
    alarm.add("description", _("Mesotherapy appointment tomorrow"))
    return alarm


def add_people(event: Event, appointment: Appointment) -> None:
    """ORGANIZER the clinic, ATTENDEE the patient: what a calendar needs to file an emailed
    invitation, and its update or cancellation, as the same event."""
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(settings.CLINIC_NAME)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{appointment.patient.email}")
    attendee.params["cn"] = vText(appointment.patient.full_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee)


def renew_feed(*, practitioner: User) -> CalendarFeed:
    """A new private address for the practitioner's calendar; the old one stops working."""
    with transaction.atomic():
        CalendarFeed.objects.filter(practitioner=practitioner).delete()
        return CalendarFeed.objects.create(practitioner=practitioner)


@receiver(user_deactivated)
def revoke_feed(sender, user: User, **kwargs) -> None:
    """A deactivated practitioner's calendar address stops serving patients' names (404)."""
    CalendarFeed.objects.filter(practitioner=user).delete()
