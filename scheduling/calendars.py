"""Appointments as iCalendar: a practitioner's private feed and one appointment's download."""

from collections.abc import Iterable
from datetime import UTC

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from icalendar import Calendar, Event

from clinic.models import User
from clinic.sessions import user_deactivated
from scheduling.models import Appointment, CalendarFeed

PRODUCT_ID = "-//Mesoplan//Appointments//EN"


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
        event.add("summary", f"Mesotherapy appointment with {appointment.practitioner}")
        event.add("description", f"To move or cancel it, call {settings.CLINIC_PHONE}.")
    else:
        event.add("summary", f"{appointment.patient.full_name} ({appointment.minutes} min)")
        event.add("description", f"{appointment.room}. Status: {appointment.get_status_display()}.")
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
