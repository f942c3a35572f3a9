"""Calendar files that update: every copy of an appointment (download, feed, email) carries
the same UID and a SEQUENCE that rises with each change of time, practitioner or room and
with its cancellation, so a calendar that imported it files the later copy as an update."""

import pytest
from icalendar import Calendar

from scheduling import booking, calendars
from scheduling.models import Appointment, CalendarFeed
from tests.factories import PatientFactory
from tests.scheduling.conftest import MONDAY, TUESDAY, at


@pytest.fixture
def appointment(alice, derek, derek_works, room1, charlie):
    return booking.book_appointment(
        patient=alice, practitioner=derek, room=room1, start=at(TUESDAY, "10:00"), minutes=30, booked_by=charlie
    )


def parsed(body: bytes) -> tuple[Calendar, dict]:
    calendar = Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return calendar, events[0]


def download(client, appointment) -> tuple[Calendar, dict]:
    response = client.get(f"/appointments/{appointment.pk}/calendar.ics")
    assert response.status_code == 200
    return parsed(response.content)


def test_a_download_is_published_with_its_uid_sequence_stamp_and_status(client, alice, appointment):
    client.force_login(alice.portal_user)

    calendar, event = download(client, appointment)

    assert str(calendar["method"]) == "PUBLISH"
    assert str(event["uid"]) == f"{appointment.pk}@mesoplan"
    assert event.decoded("sequence") == 0
    assert str(event["status"]) == "CONFIRMED"
    assert event.decoded("dtstamp").tzinfo is not None
    assert "organizer" not in event  # a published copy asks nobody to answer


def test_a_move_raises_the_sequence_and_keeps_the_uid(client, alice, appointment, erin, room2, charlie):
    client.force_login(alice.portal_user)
    _, before = download(client, appointment)

    booking.reschedule_appointment(
        appointment=appointment,
        start=at(TUESDAY, "11:00"),
        minutes=30,
        practitioner=appointment.practitioner,
        room=appointment.room,
        rescheduled_by=charlie,
    )
    _, moved = download(client, appointment)
    booking.reschedule_appointment(
        appointment=appointment,
        start=at(TUESDAY, "11:00"),
        minutes=30,
        practitioner=erin,
        room=room2,
        rescheduled_by=charlie,
    )
    _, with_erin = download(client, appointment)

    assert [e.decoded("sequence") for e in (before, moved, with_erin)] == [0, 1, 2]
    assert {str(e["uid"]) for e in (before, moved, with_erin)} == {f"{appointment.pk}@mesoplan"}
    assert moved.decoded("dtstart").isoformat() == "2026-03-03T10:00:00+00:00"
    assert "Erin" in str(with_erin["summary"])


def test_a_status_button_leaves_the_sequence_alone(appointment, charlie, clinic_now, time_machine):
    time_machine.move_to(at(TUESDAY, "09:50"), tick=False)

    booking.set_appointment_status(appointment=appointment, action="check_in", changed_by=charlie)

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CHECKED_IN
    assert appointment.sequence == 0


def test_a_cancelled_download_says_cancelled_with_a_higher_sequence(client, alice, appointment, charlie):
    booking.cancel_appointment(appointment=appointment, reason="Called to cancel", cancelled_by=charlie)
    client.force_login(alice.portal_user)

    _, event = download(client, appointment)

    assert str(event["status"]) == "CANCELLED"
    assert event.decoded("sequence") == 1
    assert not list(event.walk("VALARM"))  # no reminder of an appointment that will not happen


def test_the_patients_file_reminds_them_and_says_how_to_move_or_cancel(client, alice, appointment):
    client.force_login(alice.portal_user)

    _, event = download(client, appointment)

    alarm = next(iter(event.walk("VALARM")))
    assert str(alarm["action"]) == "DISPLAY"
    assert alarm.decoded("trigger").total_seconds() == -24 * 3600
    description = str(event["description"])
    assert "http://127.0.0.1:8000/portal/" in description
    assert "01 23 45 67 89" in description


def test_the_staffs_file_has_no_alarm_of_its_own(client, charlie, appointment):
    client.force_login(charlie)

    _, event = download(client, appointment)

    assert not list(event.walk("VALARM"))
    assert "Alice Archer" in str(event["summary"])


def test_the_feed_keeps_a_recent_cancellation_as_cancelled(client, alice, bob, derek, room1, appointment, charlie):
    kept = booking.book_appointment(
        patient=bob, practitioner=derek, room=room1, start=at(MONDAY, "11:00"), minutes=30, booked_by=charlie
    )
    booking.cancel_appointment(appointment=appointment, reason="Called to cancel", cancelled_by=charlie)
    feed = CalendarFeed.objects.create(practitioner=derek)

    response = client.get(f"/calendar/{feed.token}.ics")

    calendar = Calendar.from_ical(response.content)
    assert str(calendar["method"]) == "PUBLISH"
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {f"{appointment.pk}@mesoplan", f"{kept.pk}@mesoplan"}
    cancelled = events[f"{appointment.pk}@mesoplan"]
    assert (str(cancelled["status"]), cancelled.decoded("sequence")) == ("CANCELLED", 1)
    assert str(events[f"{kept.pk}@mesoplan"]["status"]) == "CONFIRMED"


def test_the_feed_forgets_what_was_cancelled_long_ago(client, derek, appointment, charlie, time_machine):
    booking.cancel_appointment(appointment=appointment, reason="Called to cancel", cancelled_by=charlie)
    feed = CalendarFeed.objects.create(practitioner=derek)
    time_machine.move_to(at(TUESDAY, "12:00") + calendars.FEED_KEEPS, tick=False)

    response = client.get(f"/calendar/{feed.token}.ics")

    assert not list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_the_emailed_invitation_names_the_clinic_as_organizer_and_the_patient_as_attendee(appointment, settings):
    settings.DEFAULT_FROM_EMAIL = "desk@clinic.example"
    appointment.patient.email = "alice@example.org"

    calendar, event = parsed(calendars.invitation(appointment, method=calendars.REQUEST))

    assert str(calendar["method"]) == "REQUEST"
    organizer, attendee = event["organizer"], event["attendee"]
    assert str(organizer) == "mailto:desk@clinic.example"
    assert str(organizer.params["cn"]) == settings.CLINIC_NAME
    assert str(attendee) == "mailto:alice@example.org"
    assert str(attendee.params["cn"]) == "Alice Archer"
    assert str(attendee.params["role"]) == "REQ-PARTICIPANT"
    assert str(event["status"]) == "CONFIRMED"


def test_the_cancelling_invitation_is_cancelled(appointment, charlie):
    booking.cancel_appointment(appointment=appointment, reason="Called to cancel", cancelled_by=charlie)
    appointment.refresh_from_db()

    calendar, event = parsed(calendars.invitation(appointment, method=calendars.CANCEL))

    assert str(calendar["method"]) == "CANCEL"
    assert (str(event["status"]), event.decoded("sequence")) == ("CANCELLED", 1)
    description = str(event["description"])
    assert description.startswith("This appointment is cancelled. To book another time, go to your patient portal")
    assert "VALARM" not in calendars.invitation(appointment, method=calendars.CANCEL).decode()


def test_the_invitation_is_in_the_patients_language(derek, derek_works, room1, charlie):
    camille = PatientFactory(first_name="Camille", email="camille@example.org", preferred_language="fr")
    appointment = booking.book_appointment(
        patient=camille, practitioner=derek, room=room1, start=at(TUESDAY, "10:00"), minutes=30, booked_by=charlie
    )

    _, event = parsed(calendars.invitation(appointment, method=calendars.REQUEST))

    assert str(event["summary"]).startswith("Rendez-vous de mésothérapie avec")
    assert str(next(iter(event.walk("VALARM")))["description"]) == "Rendez-vous de mésothérapie demain"
