"""What each change to an appointment tells whom: the outbox rows written with the booking,
the move and the cancellation (in their transaction), their invitations parsed back, and
the staff told when a patient cancels online."""

import pytest
from icalendar import Calendar

from clinic.roles import Role
from messaging.models import OutboxMessage
from scheduling import booking
from scheduling.models import Appointment
from tests.factories import PatientFactory, TreatmentPlanFactory, UserFactory, record_visit_of
from tests.scheduling.conftest import MONDAY, TUESDAY, at

WEDNESDAY = TUESDAY.replace(day=4)


@pytest.fixture
def alice_writes(alice):
    alice.email = "alice@example.org"
    alice.save(update_fields=["email"])
    return alice


@pytest.fixture
def book(alice_writes, derek, derek_works, room1, charlie):
    def book(day=WEDNESDAY, clock="10:00", patient=alice_writes):
        return booking.book_appointment(
            patient=patient, practitioner=derek, room=room1, start=at(day, clock), minutes=30, booked_by=charlie
        )

    return book


def move(appointment, *, by, clock="11:00", day=WEDNESDAY, practitioner=None, room=None):
    return booking.reschedule_appointment(
        appointment=appointment,
        start=at(day, clock),
        minutes=30,
        practitioner=practitioner or appointment.practitioner,
        room=room or appointment.room,
        rescheduled_by=by,
    )


def to_patient(appointment, kind) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(about=f"appointment:{appointment.pk}", kind=kind).order_by("pk"))


def event_of(message: OutboxMessage):
    calendar = Calendar.from_ical(message.calendar)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_a_booking_queues_its_confirmation_with_an_invitation(book):
    appointment = book()

    (message,) = to_patient(appointment, "appointment_booked")

    assert message.recipient == "alice@example.org"
    assert message.calendar_method == "REQUEST"
    calendar, event = event_of(message)
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == f"{appointment.pk}@mesoplan"
    assert event.decoded("sequence") == 0
    assert str(event["attendee"]) == "mailto:alice@example.org"


def test_confirm_move_cancel_keep_the_uid_and_raise_the_sequence(book, charlie):
    appointment = book()
    move(appointment, by=charlie)
    booking.cancel_appointment(appointment=appointment, reason="Called to cancel", cancelled_by=charlie)

    messages = [
        *to_patient(appointment, "appointment_booked"),
        *to_patient(appointment, "appointment_changed"),
        *to_patient(appointment, "appointment_cancelled"),
    ]

    assert [m.calendar_method for m in messages] == ["REQUEST", "REQUEST", "CANCEL"]
    events = [event_of(m)[1] for m in messages]
    assert {str(e["uid"]) for e in events} == {f"{appointment.pk}@mesoplan"}
    assert [e.decoded("sequence") for e in events] == [0, 1, 2]
    assert [str(e["status"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert events[1].decoded("dtstart").isoformat() == "2026-03-04T10:00:00+00:00"  # 11:00 in Paris


def test_a_new_room_or_practitioner_is_a_change_too(book, charlie, erin, room2):
    appointment = book()
    move(appointment, by=charlie, clock="10:00", room=room2)
    move(appointment, by=charlie, clock="10:00", practitioner=erin)

    changes = to_patient(appointment, "appointment_changed")

    assert [event_of(m)[1].decoded("sequence") for m in changes] == [1, 2]
    assert "Erin" in str(event_of(changes[-1])[1]["summary"])


def test_the_desks_reason_stays_in_the_clinic(book, charlie):
    appointment = book()
    booking.cancel_appointment(appointment=appointment, reason="Pregnant, call back in May", cancelled_by=charlie)

    (message,) = to_patient(appointment, "appointment_cancelled")

    assert "Pregnant" not in message.body_text
    assert "Pregnant" not in message.calendar


def test_a_refused_move_queues_nothing_and_keeps_the_reminders(book, charlie, bob, derek, room1):
    appointment = book()
    booking.book_appointment(
        patient=bob, practitioner=derek, room=room1, start=at(WEDNESDAY, "11:00"), minutes=30, booked_by=charlie
    )

    with pytest.raises(booking.SlotTaken):
        move(appointment, by=charlie)

    assert not to_patient(appointment, "appointment_changed")
    assert {m.status for m in to_patient(appointment, "reminder")} == {OutboxMessage.Status.QUEUED}
    appointment.refresh_from_db()
    assert appointment.sequence == 0


def test_a_patient_without_an_email_is_booked_moved_and_cancelled_without_a_message(derek, derek_works, room1, charlie):
    silent = PatientFactory(first_name="Sam", email="")
    appointment = booking.book_appointment(
        patient=silent, practitioner=derek, room=room1, start=at(WEDNESDAY, "10:00"), minutes=30, booked_by=charlie
    )
    move(appointment, by=charlie)
    booking.cancel_appointment(appointment=appointment, reason="Called", cancelled_by=charlie)

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert not OutboxMessage.objects.exists()


def test_the_patients_messages_are_in_their_language(derek, derek_works, room1, charlie):
    camille = PatientFactory(first_name="Camille", email="camille@example.org", preferred_language="fr")
    appointment = booking.book_appointment(
        patient=camille, practitioner=derek, room=room1, start=at(WEDNESDAY, "10:00"), minutes=30, booked_by=charlie
    )

    (message,) = to_patient(appointment, "appointment_booked")

    assert message.language == "fr"
    assert str(event_of(message)[1]["summary"]).startswith("Rendez-vous de mésothérapie avec")


# A patient cancels online: the front desk and the practitioner are told


@pytest.fixture
def desk_people(charlie, derek):
    charlie.email = "charlie@clinic.example"
    charlie.save(update_fields=["email"])
    derek.email = "derek@clinic.example"
    derek.language = "fr"
    derek.save(update_fields=["email", "language"])
    UserFactory(username="nomail", role=Role.FRONT_DESK, email="")
    UserFactory(username="gone", role=Role.FRONT_DESK, email="gone@clinic.example", is_active=False)
    return charlie, derek


def test_a_patient_who_cancels_online_tells_the_desk_and_the_practitioner_each_in_their_language(
    client, book, alice_writes, desk_people
):
    appointment = book()
    client.force_login(alice_writes.portal_user)

    response = client.post(f"/portal/appointments/{appointment.pk}/cancel/")

    assert response.status_code == 302
    told = {m.recipient: m for m in OutboxMessage.objects.filter(kind="staff_patient_cancelled")}
    assert set(told) == {"charlie@clinic.example", "derek@clinic.example"}
    assert (told["charlie@clinic.example"].language, told["derek@clinic.example"].language) == ("en", "fr")
    assert f"/appointments/{appointment.pk}/" in told["charlie@clinic.example"].body_text
    assert "Alice Archer" in told["derek@clinic.example"].body_text
    (cancelled,) = to_patient(appointment, "appointment_cancelled")
    assert cancelled.calendar_method == "CANCEL"


def test_a_cancellation_at_the_desk_tells_no_staff(book, charlie, desk_people):
    appointment = book()

    booking.cancel_appointment(appointment=appointment, reason="Called to cancel", cancelled_by=charlie)

    assert not OutboxMessage.objects.filter(kind="staff_patient_cancelled").exists()


# After a recorded session


def test_a_recorded_session_tells_the_patient_the_aftercare_is_in_the_portal(alice_writes, derek):
    course = TreatmentPlanFactory(patient=alice_writes, created_by=derek, start_date=MONDAY)

    record_visit_of(course.sessions.get(number=1), by=derek)

    (message,) = OutboxMessage.objects.filter(kind="aftercare_ready")
    assert message.recipient == "alice@example.org"
    assert "/portal/" in message.body_text
    for health_data in ("Zinc", "Face", "LOT-1", "rejuvenation"):
        assert health_data not in message.body_text


# Through a real SMTP server (tests/smtp.py), sent as each change commits


def invitation_parts(message):
    """The text/calendar part's method and the calendar inside, parsed back."""
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar" and not p.get_filename()]
    calendar = Calendar.from_ical(part.get_content())
    (event,) = calendar.walk("VEVENT")
    return part.get_param("method"), str(calendar["method"]), event


def test_confirm_move_cancel_arrive_as_one_event_updated_then_cancelled(
    smtp_server, book, charlie, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book()
    with django_capture_on_commit_callbacks(execute=True):
        move(appointment, by=charlie)
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel_appointment(appointment=appointment, reason="Called to cancel", cancelled_by=charlie)

    assert [m["To"] for m in smtp_server.messages] == ["alice@example.org"] * 3
    parts = [invitation_parts(m) for m in smtp_server.messages]
    assert [(part, inside) for part, inside, _ in parts] == [("REQUEST", "REQUEST")] * 2 + [("CANCEL", "CANCEL")]
    events = [event for *_, event in parts]
    assert {str(e["uid"]) for e in events} == {f"{appointment.pk}@mesoplan"}
    assert [e.decoded("sequence") for e in events] == [0, 1, 2]
    assert str(events[-1]["status"]) == "CANCELLED"


def test_a_refusing_mail_server_neither_undoes_nor_blocks_the_booking(
    smtp_server, book, django_capture_on_commit_callbacks
):
    smtp_server.mode = "refuse"

    with django_capture_on_commit_callbacks(execute=True):
        appointment = book()

    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.BOOKED
    (message,) = to_patient(appointment, "appointment_booked")
    assert (message.status, message.attempts) == (OutboxMessage.Status.QUEUED, 1)
    assert "554" in message.last_error
    assert not smtp_server.messages


def test_the_staff_notice_reaches_a_french_practitioner_in_french(
    smtp_server, client, book, alice_writes, desk_people, django_capture_on_commit_callbacks
):
    appointment = book()
    client.force_login(alice_writes.portal_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/portal/appointments/{appointment.pk}/cancel/")

    to = {m["To"]: m for m in smtp_server.messages}
    french = to["derek@clinic.example"].get_body(preferencelist=("plain",)).get_content()
    english = to["charlie@clinic.example"].get_body(preferencelist=("plain",)).get_content()
    assert french != english
    assert "Alice Archer" in french
    assert "a annulé" in french and "Bonjour Derek" in french
    assert "Hello Charlie" in english


def test_a_french_patient_who_cancels_online_reads_it_in_french(client, derek, derek_works, room1, charlie):
    camille = PatientFactory(
        first_name="Camille",
        email="camille@example.org",
        preferred_language="fr",
        portal_user=UserFactory(username="camille", role=Role.PATIENT),
    )
    appointment = booking.book_appointment(
        patient=camille, practitioner=derek, room=room1, start=at(WEDNESDAY, "10:00"), minutes=30, booked_by=charlie
    )
    client.force_login(camille.portal_user)

    client.post(f"/portal/appointments/{appointment.pk}/cancel/", HTTP_ACCEPT_LANGUAGE="en")

    (message,) = to_patient(appointment, "appointment_cancelled")
    assert "Vous l'avez annulé depuis votre espace patient." in message.body_text
