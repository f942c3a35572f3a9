"""Reminders: 48 hours before (absolute hours) and the evening before at the clinic's local
time, from the clinic's own policy; none within 2 hours of the booking or in the past, none
for a cancelled or moved-away appointment (a move queues them again), none after a no-show."""

from datetime import UTC, datetime, time, timedelta

import pytest

from clinic.models import ClinicPolicy
from messaging import sending
from messaging.models import OutboxMessage
from scheduling import booking
from scheduling.models import Appointment
from tests.scheduling.conftest import MONDAY, TUESDAY, at

WEDNESDAY = TUESDAY.replace(day=4)
FRIDAY = TUESDAY.replace(day=6)


@pytest.fixture
def book(alice, derek, derek_works, room1, charlie):
    alice.email = "alice@example.org"
    alice.save(update_fields=["email"])

    def book(day, clock):
        return booking.book_appointment(
            patient=alice, practitioner=derek, room=room1, start=at(day, clock), minutes=30, booked_by=charlie
        )

    return book


def reminders(appointment, status=OutboxMessage.Status.QUEUED) -> dict[str, datetime]:
    return {
        m.kind: m.send_after.astimezone(UTC)
        for m in OutboxMessage.objects.filter(
            about=f"appointment:{appointment.pk}", kind__in=["reminder", "reminder_evening"], status=status
        )
    }


def test_a_booking_days_ahead_queues_both_reminders(book):
    appointment = book(FRIDAY, "10:00")

    assert reminders(appointment) == {
        "reminder": at(WEDNESDAY, "10:00").astimezone(UTC),
        "reminder_evening": at(FRIDAY.replace(day=5), "18:00").astimezone(UTC),
    }


def test_no_reminder_within_two_hours_of_the_booking(book):
    # Booked at 08:00 on Monday: 48 hours before Wednesday 09:00 is Monday 09:00, an hour away.
    appointment = book(WEDNESDAY, "09:00")

    assert set(reminders(appointment)) == {"reminder_evening"}


def test_no_reminder_in_the_past(book):
    # Tomorrow morning: the 48 hours are gone, and so is nothing else but this evening.
    appointment = book(TUESDAY, "10:00")

    assert reminders(appointment) == {"reminder_evening": at(MONDAY, "18:00").astimezone(UTC)}


def test_the_clinic_sets_the_evening_time_and_the_hours_before(book):
    policy = ClinicPolicy.current()
    policy.evening_reminder_at, policy.reminder_hours_before = time(19, 30), 24
    policy.save()

    appointment = book(FRIDAY, "10:00")

    assert reminders(appointment) == {
        "reminder": at(FRIDAY.replace(day=5), "10:00").astimezone(UTC),
        "reminder_evening": at(FRIDAY.replace(day=5), "19:30").astimezone(UTC),
    }


def test_a_move_cancels_the_reminders_and_queues_new_ones(book, charlie):
    appointment = book(FRIDAY, "10:00")

    booking.reschedule_appointment(
        appointment=appointment,
        start=at(FRIDAY.replace(day=7), "11:00"),
        minutes=30,
        practitioner=appointment.practitioner,
        room=appointment.room,
        rescheduled_by=charlie,
    )

    assert reminders(appointment) == {
        "reminder": at(WEDNESDAY.replace(day=5), "11:00").astimezone(UTC),
        "reminder_evening": at(FRIDAY, "18:00").astimezone(UTC),
    }
    assert set(reminders(appointment, OutboxMessage.Status.CANCELLED)) == {"reminder", "reminder_evening"}


def test_a_cancellation_cancels_the_reminders(book, charlie):
    appointment = book(FRIDAY, "10:00")

    booking.cancel_appointment(appointment=appointment, reason="Called to cancel", cancelled_by=charlie)

    assert reminders(appointment) == {}
    assert set(reminders(appointment, OutboxMessage.Status.CANCELLED)) == {"reminder", "reminder_evening"}


def test_a_no_show_gets_no_reminder_still_waiting(book, charlie, time_machine):
    appointment = book(TUESDAY, "10:00")
    time_machine.move_to(at(TUESDAY, "10:10"), tick=False)

    booking.set_appointment_status(appointment=appointment, action="no_show", changed_by=charlie)

    assert reminders(appointment) == {}


def test_a_stopped_course_cancels_its_appointments_reminders(book, charlie):
    appointment = book(FRIDAY, "10:00")

    booking.cancel_open(
        Appointment.objects.filter(pk=appointment.pk), reason="The course was stopped", cancelled_by=charlie
    )

    assert reminders(appointment) == {}
    assert OutboxMessage.objects.filter(kind="appointment_cancelled", about=f"appointment:{appointment.pk}").exists()


# Sent when due, through a real SMTP server (tests/smtp.py), by the periodic drain


def sent_kinds(smtp_server) -> list[str]:
    return [OutboxMessage.objects.get(pk=int(m["Message-ID"].split("-")[1])).kind for m in smtp_server.messages]


def test_each_reminder_goes_at_its_time_and_not_before(smtp_server, book, time_machine):
    appointment = book(FRIDAY, "10:00")
    due = reminders(appointment)
    sending.drain()  # the confirmation
    assert sent_kinds(smtp_server) == ["appointment_booked"]

    time_machine.move_to(due["reminder"] - timedelta(minutes=1), tick=False)
    sending.drain()
    assert sent_kinds(smtp_server) == ["appointment_booked"]
    time_machine.move_to(due["reminder"], tick=False)
    sending.drain()
    time_machine.move_to(due["reminder_evening"], tick=False)
    sending.drain()

    assert sent_kinds(smtp_server) == ["appointment_booked", "reminder", "reminder_evening"]


def test_a_cancelled_appointment_is_not_reminded(smtp_server, book, charlie, time_machine):
    appointment = book(FRIDAY, "10:00")
    booking.cancel_appointment(appointment=appointment, reason="Called to cancel", cancelled_by=charlie)

    time_machine.move_to(at(FRIDAY, "09:00"), tick=False)
    sending.drain()

    assert sorted(sent_kinds(smtp_server)) == ["appointment_booked", "appointment_cancelled"]
