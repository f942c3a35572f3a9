"""Booking a whole course from its page, and appointments as calendar files."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from scheduling import booking, courses
from scheduling.models import Appointment, CalendarFeed
from tests.factories import TimeOffFactory, TreatmentPlanFactory
from tests.scheduling.conftest import MONDAY, at
from treatments.models import TreatmentSession


@pytest.fixture
def course(alice, derek, derek_works, room1):
    """Alice's four fortnightly sessions from Monday 2 March, prescribed by Derek."""
    return TreatmentPlanFactory(patient=alice, created_by=derek, start_date=MONDAY)


def test_front_desk_books_a_whole_course_inside_its_windows(client, charlie, course):
    client.force_login(charlie)
    proposal = client.get(f"/plans/{course.pk}/book/", {"practitioner": course.prescriber.pk, "minutes": 30})
    assert proposal.status_code == 200
    assert len(proposal.context["proposals"]) == 4
    assert all(p.slot for p in proposal.context["proposals"])

    response = client.post(
        f"/plans/{course.pk}/book/", {"practitioner": course.prescriber.pk, "minutes": 30, "time_of_day": "afternoon"}
    )

    assert response.status_code == 302
    sessions = list(course.sessions.order_by("number"))
    assert [s.status for s in sessions] == [TreatmentSession.Status.BOOKED] * 4
    days = []
    for session in sessions:
        appointment = session.appointments.get()
        day = appointment.start.astimezone(at(MONDAY, "00:00").tzinfo).date()
        assert session.earliest_date <= day <= session.latest_date
        assert appointment.start.astimezone(at(MONDAY, "00:00").tzinfo).hour >= 12
        days.append(day)
    assert days == sorted(days)


def test_course_bookings_aim_at_each_sessions_target_day_not_the_first_day_allowed(course, derek):
    proposals = courses.propose_course_bookings(plan=course, practitioner=derek, minutes=30)

    days = [proposal.slot.start.astimezone(at(MONDAY, "00:00").tzinfo).date() for proposal in proposals]
    assert days == [MONDAY + timedelta(days=14 * n) for n in range(4)]


def test_a_course_without_a_free_slot_explains_which_session_and_books_nothing(client, charlie, course, derek):
    # Derek is away for the next two months.
    TimeOffFactory(practitioner=derek, start=at(MONDAY, "00:00"), end=at(MONDAY + timedelta(days=60), "00:00"))
    client.force_login(charlie)
    page = client.get(f"/plans/{course.pk}/book/", {"practitioner": derek.pk, "minutes": 30})
    assert "No free slot in this window" in page.content.decode()
    assert "Book all of these" not in page.content.decode()

    refused = client.post(f"/plans/{course.pk}/book/", {"practitioner": derek.pk, "minutes": 30})
    assert refused.status_code == 200
    assert "Session 1 has no free slot between" in refused.content.decode()
    assert not Appointment.objects.exists()


def test_course_booking_is_all_or_nothing(course, charlie, derek, room1, bob):
    proposals = courses.propose_course_bookings(plan=course, practitioner=derek, minutes=30)
    third = proposals[2].slot
    # Someone takes the practitioner's slot for session 3 between proposal and booking.
    booking.book_appointment(
        patient=bob, practitioner=derek, room=room1, start=third.start, minutes=30, booked_by=charlie
    )
    with pytest.raises(courses.CourseNotBookable, match="Session 3"):
        courses.book_course(proposals=proposals, minutes=30, booked_by=charlie)
    assert not Appointment.objects.filter(patient=course.patient).exists()
    assert not course.sessions.filter(status=TreatmentSession.Status.BOOKED).exists()


def test_the_appointment_ics_carries_the_right_times_in_utc(client, alice, derek, derek_works, room1, charlie):
    appointment = booking.book_appointment(
        patient=alice, practitioner=derek, room=room1, start=at(MONDAY, "10:00"), minutes=45, booked_by=charlie
    )
    client.force_login(alice.portal_user)
    response = client.get(f"/appointments/{appointment.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    event = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
    assert event.decoded("dtstart").isoformat() == "2026-03-02T09:00:00+00:00"  # 10:00 in Paris, winter time
    assert event.decoded("dtend").isoformat() == "2026-03-02T09:45:00+00:00"
    assert "Alice" not in str(event.get("summary"))  # the patient's own calendar needs no name
    assert b"DTSTART:20260302T090000Z" in response.content


def test_a_patient_cannot_download_another_patients_appointment(client, alice, bob, derek, derek_works, room1, charlie):
    appointment = booking.book_appointment(
        patient=alice, practitioner=derek, room=room1, start=at(MONDAY, "10:00"), minutes=30, booked_by=charlie
    )
    client.force_login(bob.portal_user)
    assert client.get(f"/appointments/{appointment.pk}/calendar.ics").status_code == 404


def test_practitioner_feed_needs_its_token_and_a_new_address_revokes_the_old(
    client, alice, derek, derek_works, room1, charlie
):
    booking.book_appointment(
        patient=alice, practitioner=derek, room=room1, start=at(MONDAY, "11:00"), minutes=30, booked_by=charlie
    )
    client.force_login(derek)
    client.post("/calendar/")
    old_token = CalendarFeed.objects.get(practitioner=derek).token
    client.logout()

    feed = client.get(f"/calendar/{old_token}.ics")
    assert feed.status_code == 200
    events = list(Calendar.from_ical(feed.content).walk("VEVENT"))
    assert [str(event.get("summary")) for event in events] == ["Alice Archer (30 min)"]
    assert client.get("/calendar/not-the-token.ics").status_code == 404

    client.force_login(derek)
    client.post("/calendar/")
    client.logout()
    assert client.get(f"/calendar/{old_token}.ics").status_code == 404
    new_token = CalendarFeed.objects.get(practitioner=derek).token
    assert client.get(f"/calendar/{new_token}.ics").status_code == 200
