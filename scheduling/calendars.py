"""Appointments as iCalendar: a practitioner's private feed and one appointment's download."""

from collections.abc import Iterable
from datetime import UTC

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from clinic.models import User
from clinic.sessions import user_deactivated
from scheduling.models import Appointment, CalendarFeed

PRODUCT_ID = "-//Mesoplan//Appointments//EN"


def appointment_calendar(appointment: Appointment, *, for_patient: bool) -> bytes:
    """One appointment to add to a calendar. The patient's copy is in the patient's language,
    whoever downloads it; the staff's in the staff member's."""
    language = appointment.patient.preferred_language if for_patient else translation.get_language()
    with translation.override(language):
        return calendar_of([appointment], name=_("Mesotherapy appointment"), for_patient=for_patient)


def calendar_of(appointments: Iterable[Appointment], *, name: str, for_patient: bool) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for appointment in appointments:
        calendar.add_component(event_of(appointment, for_patient=for_patient))
    return calendar.to_ical()


def event_of(appointment: Appointment, *, for_patient: bool) -> Event:
    event = Event()
    event.add("uid", f"{appointment.pk}@mesoplan")
    # UTC on the wire: every calendar converts it to the reader's own time zone.
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add("dtstamp", appointment.updated_at.astimezone(UTC))
    event.add("location", f"{settings.CLINIC_NAME}, {appointment.room}, {settings.CLINIC_ADDRESS}")
    if for_patient:
        event.add(
            "summary", _("Mesotherapy appointment with %(practitioner)s") % {"practitioner": appointment.practitioner}
        )
        event.add("description", _("To move or cancel it, call %(phone)s.") % {"phone": settings.CLINIC_PHONE})
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
    if appointment.status == Appointment.Status.CANCELLED:
        event.add("status", "CANCELLED")
    return event


def renew_feed(*, practitioner: User) -> CalendarFeed:
    """A new private address for the practitioner's calendar; the old one stops working."""
    with transaction.atomic():
        CalendarFeed.objects.filter(practitioner=practitioner).delete()
        return CalendarFeed.objects.create(practitioner=practitioner)


@receiver(user_deactivated)
def revoke_feed(sender, user: User, **kwargs) -> None:
    """A deactivated practitioner's calendar address stops serving patients' names (404)."""
    CalendarFeed.objects.filter(practitioner=user).delete()
