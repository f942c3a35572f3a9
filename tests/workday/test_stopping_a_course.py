"""Stopping a course from its page calls off what is still to come: its sessions and their
appointments, so nobody expects the patient, prepares their cocktail or prints their sheet."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from scheduling import booking
from scheduling.models import Appointment
from tests.factories import RoomFactory, TreatmentPlanFactory
from tests.scheduling.conftest import MONDAY, NOW, at, works_all_week
from treatments.models import TreatmentSession
from workday.visits import stop_course


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def room1(db):
    return RoomFactory(name="Room 1")


@pytest.fixture
def course(alice, derek, room1, charlie):
    """Alice's fortnightly course from today; session 1 booked at 10:00 today, session 2 in two weeks."""
    works_all_week(derek)
    plan = TreatmentPlanFactory(patient=alice, created_by=derek, start_date=MONDAY)
    for number, start in ((1, at(MONDAY, "10:00")), (2, at(MONDAY + timedelta(days=14), "11:00"))):
        booking.book_appointment(
            patient=alice,
            practitioner=derek,
            room=room1,
            start=start,
            minutes=30,
            session=plan.sessions.get(number=number),
            booked_by=charlie,
        )
    return plan


def stop(client, derek, plan, reason="Pregnancy announced"):
    client.force_login(derek)
    return client.post(f"/plans/{plan.pk}/stop/", {"reason": reason}, follow=True)


def test_stopping_a_course_cancels_its_appointments_with_the_reason(client, derek, charlie, alice, room1, course):
    other_visit = booking.book_appointment(
        patient=alice, practitioner=derek, room=room1, start=at(MONDAY, "15:00"), minutes=30, booked_by=charlie
    )

    page = stop(client, derek, course)

    assert "The course is stopped; sessions not yet done and their appointments are cancelled." in page.content.decode()
    appointments = Appointment.objects.filter(session__plan=course).order_by("start")
    assert [a.status for a in appointments] == [Appointment.Status.CANCELLED] * 2
    client.force_login(charlie)
    for appointment in appointments:
        detail = client.get(f"/appointments/{appointment.pk}/").content.decode()
        assert "Cancelled" in detail
        assert "The course was stopped: Pregnancy announced" in detail
    assert course.sessions.filter(status=TreatmentSession.Status.CANCELLED).count() == 4
    assert not course.sessions.filter(booked_for__isnull=False).exists()
    other_visit.refresh_from_db()
    assert other_visit.status == Appointment.Status.BOOKED, "an appointment outside the course stays"


def test_a_stopped_course_leaves_the_day_the_calendar_and_the_print_batch(client, derek, charlie, alice, course):
    client.force_login(charlie)
    assert "Alice Archer" in client.get("/today/").content.decode()

    stop(client, derek, course)

    client.force_login(charlie)
    assert "Alice Archer" not in client.get("/today/").content.decode()
    for day in (MONDAY, MONDAY + timedelta(days=14)):
        assert "ARCHER" not in client.get(f"/schedule/?date={day:%Y-%m-%d}").content.decode().upper()
    batch = client.get("/today/print/")
    assert batch["Content-Type"].startswith("text/html")
    assert "No course session is booked today." in batch.content.decode()


def test_a_stop_without_a_reason_changes_nothing(client, derek, course):
    page = stop(client, derek, course, reason="   ")

    assert "Say why the course is stopped." in page.content.decode()
    course.refresh_from_db()
    assert course.status == course.Status.ACTIVE
    assert Appointment.objects.filter(session__plan=course, status=Appointment.Status.BOOKED).count() == 2
    assert course.sessions.filter(status=TreatmentSession.Status.BOOKED).count() == 2


def test_the_appointment_history_says_who_cancelled_it_and_why(client, derek, charlie, course):
    stop(client, derek, course)
    appointment = Appointment.objects.filter(session__plan=course).first()
    change = appointment.changes.last()
    assert change.changed_by == derek
    assert change.description == "Cancelled: The course was stopped: Pregnancy announced"


def test_appointments_earlier_today_and_checked_in_are_cancelled_too(client, derek, charlie, course, time_machine):
    first = Appointment.objects.get(session__plan=course, session__number=1)
    booking.set_appointment_status(appointment=first, action="check_in", changed_by=charlie)
    time_machine.move_to(at(MONDAY, "11:00"), tick=False)

    stop(client, derek, course)

    first.refresh_from_db()
    assert first.status == Appointment.Status.CANCELLED
    assert first.cancellation_reason == "The course was stopped: Pregnancy announced"
    client.force_login(charlie)
    assert "Alice Archer" not in client.get("/today/").content.decode()


def test_a_booking_checked_before_the_course_was_stopped_is_refused_when_written(derek, charlie, alice, room1, course):
    checked_earlier = course.sessions.get(number=3)  # as the booking form read it: planned, course active
    stop_course(plan=course, reason="Pregnancy announced", stopped_by=derek)

    with pytest.raises(ValidationError, match="That session is cancelled"):
        booking.book_appointment(
            patient=alice,
            practitioner=derek,
            room=room1,
            start=at(MONDAY + timedelta(days=28), "10:00"),
            minutes=30,
            session=checked_earlier,
            booked_by=charlie,
        )
    assert not Appointment.objects.filter(session=checked_earlier).exists()
    checked_earlier.refresh_from_db()
    assert checked_earlier.status == TreatmentSession.Status.CANCELLED


def test_a_reason_too_long_for_the_appointments_is_refused_and_changes_nothing(client, derek, course):
    page = stop(client, derek, course, reason="x" * 171)

    assert "Ensure this value has at most 170 characters (it has 171)." in page.content.decode()
    course.refresh_from_db()
    assert course.status == course.Status.ACTIVE
    assert Appointment.objects.filter(session__plan=course, status=Appointment.Status.BOOKED).count() == 2
