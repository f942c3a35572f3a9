"""Times across the clocks' changes in Paris (forward on Sunday 29 March 2026, back on Sunday
25 October 2026): calendar files carry the right instant, the 48-hour reminder counts real
hours, and the evening-before one goes at 18:00 on the clinic's clock that evening."""

from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

from messaging import sending
from messaging.models import OutboxMessage
from scheduling import booking, notices
from tests.scheduling.conftest import at

MONDAY_AFTER_SPRING = date(2026, 3, 30)
MONDAY_AFTER_AUTUMN = date(2026, 10, 26)


@pytest.fixture
def book(alice, derek, derek_works, room1, charlie):
    alice.email = "alice@example.org"
    alice.save(update_fields=["email"])

    def book(day, clock):
        return booking.book_appointment(
            patient=alice, practitioner=derek, room=room1, start=at(day, clock), minutes=30, booked_by=charlie
        )

    return book


def queued(appointment) -> dict[str, str]:
    return {
        m.kind: m.send_after.astimezone(UTC).isoformat()
        for m in OutboxMessage.objects.filter(about=f"appointment:{appointment.pk}", kind__startswith="reminder")
    }


def test_ten_oclock_after_the_spring_change_is_eight_utc_in_every_calendar_file(client, alice, book):
    appointment = book(MONDAY_AFTER_SPRING, "10:00")
    client.force_login(alice.portal_user)

    downloaded = Calendar.from_ical(client.get(f"/appointments/{appointment.pk}/calendar.ics").content)
    emailed = Calendar.from_ical(OutboxMessage.objects.get(kind="appointment_booked").calendar)

    for calendar in (downloaded, emailed):
        (event,) = calendar.walk("VEVENT")
        assert event.decoded("dtstart").isoformat() == "2026-03-30T08:00:00+00:00"
        assert event.decoded("dtend").isoformat() == "2026-03-30T08:30:00+00:00"


def test_reminders_across_the_spring_change(book):
    appointment = book(MONDAY_AFTER_SPRING, "10:00")

    assert queued(appointment) == {
        # 48 real hours before 08:00Z: Saturday 08:00Z, 09:00 on the clinic's winter clock.
        "reminder": "2026-03-28T08:00:00+00:00",
        # 18:00 on Sunday, summer time already.
        "reminder_evening": "2026-03-29T16:00:00+00:00",
    }


def test_reminders_across_the_autumn_change(book, time_machine):
    time_machine.move_to(datetime(2026, 10, 19, 8, 0, tzinfo=UTC), tick=False)
    appointment = book(MONDAY_AFTER_AUTUMN, "10:00")

    assert appointment.start.astimezone(UTC).isoformat() == "2026-10-26T09:00:00+00:00"
    assert queued(appointment) == {
        # 48 real hours before 09:00Z: Saturday 09:00Z, 11:00 on the clinic's summer clock.
        "reminder": "2026-10-24T09:00:00+00:00",
        # 18:00 on Sunday, winter time again.
        "reminder_evening": "2026-10-25T17:00:00+00:00",
    }


@pytest.mark.parametrize(
    ("start", "first", "evening"),
    [
        # The reminders themselves on the day the clocks change.
        ("2026-03-31T08:00:00+00:00", "2026-03-29T08:00:00+00:00", "2026-03-30T16:00:00+00:00"),
        ("2026-10-27T09:00:00+00:00", "2026-10-25T09:00:00+00:00", "2026-10-26T17:00:00+00:00"),
    ],
)
def test_the_reminders_due_count_real_hours(db, start, first, evening):
    due = dict(notices.reminders_due(datetime.fromisoformat(start), now=datetime(2026, 3, 1, tzinfo=UTC)))

    assert due["reminder"].isoformat() == first
    assert due["reminder_evening"].isoformat() == evening


def test_the_spring_reminder_goes_at_its_instant_through_the_mail_server(smtp_server, book, time_machine):
    book(MONDAY_AFTER_SPRING, "10:00")
    sending.drain()  # the confirmation

    time_machine.move_to(datetime(2026, 3, 28, 7, 59, tzinfo=UTC), tick=False)
    sending.drain()
    assert len(smtp_server.messages) == 1
    time_machine.move_to(datetime(2026, 3, 28, 8, 0, tzinfo=UTC), tick=False)
    sending.drain()

    assert len(smtp_server.messages) == 2
    assert OutboxMessage.objects.get(kind="reminder").status == OutboxMessage.Status.SENT
