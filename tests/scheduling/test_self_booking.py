"""A patient books and moves their next course session in the portal: a day of its window,
a free time, a short hold, a confirmation; the clinic's notice and the session's window are
kept, the desk cannot take a held slot, and the desk and practitioner are told.

It is Monday 2 March 2026, 08:00 (tests/scheduling/conftest.py). Bob's course had session 1
today; session 2 falls 7 to 28 days later: 9 to 30 March."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from clinic.models import ClinicPolicy
from messaging.models import Kind, OutboxMessage
from scheduling import booking, slot_holds
from scheduling.models import Appointment
from tests.factories import TreatmentPlanFactory
from tests.scheduling.conftest import MONDAY, at
from treatments.models import TreatmentSession

pytestmark = pytest.mark.usefixtures("derek_works", "room1")


@pytest.fixture
def course(bob, derek):
    return TreatmentPlanFactory(patient=bob, created_by=derek, start_date=MONDAY, sessions_done=1)


@pytest.fixture
def second(course) -> TreatmentSession:
    return course.sessions.get(number=2)


@pytest.fixture
def portal(client, bob):
    client.force_login(bob.portal_user)
    return client


def book_url(session) -> str:
    return f"/portal/sessions/{session.pk}/book/"


def slot(start, practitioner) -> str:
    return f"{timezone.localtime(start):%Y-%m-%dT%H:%M}|{practitioner.pk}"


def hold_of(response) -> Appointment:
    assert response.status_code == 302, response.content.decode()[:2000]
    pk = re.fullmatch(r"/portal/holds/([0-9a-f-]+)/", response["Location"]).group(1)
    return Appointment.objects.get(pk=pk)


def test_the_portal_offers_the_next_session_to_book(portal, second):
    page = portal.get("/portal/").content.decode()
    assert "Session 2: to book" in page
    assert "between 9 March and 30 March" in page
    assert book_url(second) in page


def test_the_portals_home_asks_a_few_queries_more_for_what_to_book(portal, second, django_assert_max_num_queries):
    # The policy, the next sessions with their areas, their bookings, and the clinical hold's
    # questions about the next session (safety: allergies, conditions, the course's overrides).
    ClinicPolicy.current()  # the clinic's row, made on first use
    with django_assert_max_num_queries(32):
        response = portal.get("/portal/")
    assert "Session 2: to book" in response.content.decode()


def test_the_days_offered_are_the_sessions_window_and_a_day_shows_its_free_times(portal, second, derek):
    page = portal.get(book_url(second)).content.decode()
    assert "it falls between Monday 9 March and Monday 30 March 2026" in page
    assert "Mon 9 Mar" in page and "Mon 30 Mar" in page
    assert "Sun 8 Mar" not in page and "Tue 31 Mar" not in page
    page = portal.get(book_url(second), {"day": "2026-03-10"}).content.decode()
    assert "Free times on Tuesday 10 March" in page
    assert f'value="2026-03-10T10:00|{derek.pk}"' in page
    assert "10:00 with Derek" in page


def test_a_patient_books_then_confirms_and_the_desk_and_practitioner_are_told(portal, second, derek, charlie):
    already = OutboxMessage.objects.count()  # session 1's aftercare
    response = portal.post(
        book_url(second), {"day": "2026-03-10", "slot": slot(at(MONDAY + timedelta(days=8), "10:00"), derek)}
    )
    hold = hold_of(response)
    assert hold.status == Appointment.Status.PROPOSED
    assert hold.held_until == timezone.now() + timedelta(minutes=10)
    page = portal.get(response["Location"]).content.decode()
    assert "Tuesday 10 March 2026, 10:00–10:30" in page
    assert "We keep this time for you until 08:10." in page
    assert OutboxMessage.objects.count() == already  # a hold tells no one

    response = portal.post(f"/portal/holds/{hold.pk}/confirm/", follow=True)
    assert "Your appointment is booked for Tuesday 10 March 2026 at 10:00 with" in response.content.decode()
    hold.refresh_from_db()
    assert hold.status == Appointment.Status.BOOKED and hold.held_until is None
    second.refresh_from_db()
    assert second.status == TreatmentSession.Status.BOOKED
    assert hold.changes.get().description.startswith("Booked online")
    staff = OutboxMessage.objects.filter(kind=Kind.STAFF_PATIENT_BOOKED)
    assert {charlie.email, derek.email} <= {message.recipient for message in staff}
    assert OutboxMessage.objects.filter(kind=Kind.APPOINTMENT_BOOKED, recipient=second.plan.patient.email).exists()


def test_a_patient_moves_their_booked_session(portal, second, derek, charlie):
    first_time = at(MONDAY + timedelta(days=8), "10:00")
    hold = hold_of(portal.post(book_url(second), {"slot": slot(first_time, derek)}))
    portal.post(f"/portal/holds/{hold.pk}/confirm/")
    page = portal.get("/portal/").content.decode()
    assert f'href="{book_url(second)}">Move' in page

    later = at(MONDAY + timedelta(days=10), "14:30")
    move = hold_of(portal.post(book_url(second), {"day": "2026-03-12", "slot": slot(later, derek)}))
    assert move.moves_id == hold.pk and move.session_id is None
    page = portal.get(f"/portal/holds/{move.pk}/").content.decode()
    assert "Instead of Tuesday 10 March 2026 at 10:00." in page
    response = portal.post(f"/portal/holds/{move.pk}/confirm/", follow=True)
    assert "Your appointment is booked for Thursday 12 March 2026 at 14:30" in response.content.decode()
    moved = Appointment.objects.get(pk=hold.pk)
    assert moved.start == later and moved.status == Appointment.Status.BOOKED
    assert not Appointment.objects.filter(pk=move.pk).exists()
    assert moved.changes.last().description.startswith("Moved online from")
    assert OutboxMessage.objects.filter(kind=Kind.STAFF_PATIENT_MOVED, recipient=charlie.email).exists()
    assert OutboxMessage.objects.filter(kind=Kind.APPOINTMENT_CHANGED).count() == 1


def test_a_slot_outside_the_window_is_refused_with_the_window(portal, second, derek):
    response = portal.post(book_url(second), {"slot": slot(at(MONDAY + timedelta(days=30), "10:00"), derek)})
    assert response.status_code == 400
    assert (
        "Session 2 can be booked online between Monday 9 March and Monday 30 March 2026." in response.content.decode()
    )
    assert not Appointment.objects.exists()


def test_a_day_asked_outside_the_window_or_inside_the_notice_says_why(portal, second, derek):
    outside = portal.get(book_url(second), {"day": "2026-04-20"}).content.decode()
    assert "Session 2 can be booked online between Monday 9 March and Monday 30 March 2026." in outside
    assert 'role="alert"' in outside
    assert "Choose a time on Monday 9 March" in outside  # the first day offered instead
    today = portal.get(book_url(second), {"day": "2026-03-02"}).content.decode()
    assert "Online, appointments are booked at least 24 hours ahead" in today
    offered = portal.get(book_url(second), {"day": "2026-03-10"}).content.decode()
    assert 'role="alert"' not in offered
    for edge in ("0001-01-01", "9999-12-31", "2026-02-30", "soon"):
        assert portal.get(book_url(second), {"day": edge}).status_code == 200


def test_a_slot_inside_the_notice_is_refused_with_the_clinics_number(portal, course, bob, derek, settings):
    settings.CLINIC_PHONE = "01 23 45 67 89"
    ClinicPolicy.objects.update_or_create(pk=1, defaults={"booking_notice_hours": 24 * 10})
    response = portal.post(
        book_url(course.sessions.get(number=2)), {"slot": slot(at(MONDAY + timedelta(days=8), "10:00"), derek)}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Online, appointments are booked at least 240 hours ahead: for an earlier time, please call us on" in text
    assert "01 23 45 67 89." in text
    assert not Appointment.objects.exists()


def test_a_time_taken_meanwhile_is_refused_and_the_day_offered_again(portal, second, derek, charlie, alice, room1):
    start = at(MONDAY + timedelta(days=8), "10:00")
    booking.book_appointment(patient=alice, practitioner=derek, room=room1, start=start, minutes=30, booked_by=charlie)
    response = portal.post(book_url(second), {"day": "2026-03-10", "slot": slot(start, derek)})
    assert response.status_code == 400
    text = response.content.decode()
    assert "This time was taken a moment ago, or is not free: please choose another one." in text
    assert "Free times on Tuesday 10 March" in text


def test_another_patients_session_and_a_later_session_are_not_found(client, alice, course, second, derek):
    client.force_login(alice.portal_user)
    assert client.get(book_url(second)).status_code == 404
    assert (
        client.post(book_url(second), {"slot": slot(at(MONDAY + timedelta(days=8), "10:00"), derek)}).status_code == 404
    )
    client.force_login(course.patient.portal_user)
    assert client.get(book_url(course.sessions.get(number=3))).status_code == 404
    assert not Appointment.objects.exists()


def test_staff_do_not_reach_the_patients_booking_pages(client, charlie, second):
    client.force_login(charlie)
    assert client.get(book_url(second)).status_code == 403


@pytest.mark.parametrize("switch", ["clinic", "patient"])
def test_self_booking_switched_off_offers_nothing_and_books_nothing(portal, second, bob, derek, switch):
    if switch == "clinic":
        ClinicPolicy.objects.update_or_create(pk=1, defaults={"self_booking": False})
    else:
        bob.self_booking = False
        bob.save(update_fields=["self_booking"])
    page = portal.get(book_url(second)).content.decode()
    assert "please call us" in page
    assert "Hold this time" not in page
    response = portal.post(book_url(second), {"slot": slot(at(MONDAY + timedelta(days=8), "10:00"), derek)})
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_a_held_slot_is_refused_to_the_desk_until_the_hold_expires(
    portal, second, derek, charlie, alice, room1, time_machine
):
    start = at(MONDAY + timedelta(days=8), "10:00")
    hold = hold_of(portal.post(book_url(second), {"slot": slot(start, derek)}))
    with pytest.raises(booking.SlotTaken, match="held for a patient confirming it until 08:10"):
        booking.book_appointment(
            patient=alice, practitioner=derek, room=room1, start=start, minutes=30, booked_by=charlie
        )
    with pytest.raises(booking.SlotTaken, match="held for the patient, who is choosing a time online"):
        booking.book_appointment(
            patient=second.plan.patient,
            practitioner=derek,
            room=room1,
            start=start + timedelta(days=1),
            minutes=30,
            booked_by=charlie,
            session=second,
        )

    time_machine.move_to(timezone.now() + timedelta(minutes=11), tick=False)
    response = portal.post(f"/portal/holds/{hold.pk}/confirm/", follow=True)
    assert "This time was held for you until 08:10: please choose one again." in response.content.decode()
    taken = booking.book_appointment(
        patient=alice, practitioner=derek, room=room1, start=start, minutes=30, booked_by=charlie
    )
    assert taken.status == Appointment.Status.BOOKED
    assert not Appointment.objects.filter(pk=hold.pk).exists()


def test_the_job_system_releases_expired_holds(portal, second, derek, time_machine):
    hold = hold_of(portal.post(book_url(second), {"slot": slot(at(MONDAY + timedelta(days=8), "10:00"), derek)}))
    assert slot_holds.release_expired() == []
    time_machine.move_to(timezone.now() + timedelta(minutes=10), tick=False)
    assert slot_holds.release_expired() == [(hold.start, hold.end, derek.pk)]
    assert not Appointment.objects.filter(pk=hold.pk).exists()


def test_choosing_another_time_lets_the_held_one_go(portal, second, derek):
    hold = hold_of(portal.post(book_url(second), {"slot": slot(at(MONDAY + timedelta(days=8), "10:00"), derek)}))
    response = portal.post(f"/portal/holds/{hold.pk}/release/")
    assert response["Location"] == book_url(second)
    assert not Appointment.objects.filter(pk=hold.pk).exists()


def test_a_second_hold_replaces_the_first(portal, second, derek):
    first = hold_of(portal.post(book_url(second), {"slot": slot(at(MONDAY + timedelta(days=8), "10:00"), derek)}))
    other = hold_of(portal.post(book_url(second), {"slot": slot(at(MONDAY + timedelta(days=8), "11:00"), derek)}))
    assert list(Appointment.objects.values_list("pk", flat=True)) == [other.pk]
    assert first.pk != other.pk


def test_confirming_twice_books_once(portal, second, derek):
    hold = hold_of(portal.post(book_url(second), {"slot": slot(at(MONDAY + timedelta(days=8), "10:00"), derek)}))
    portal.post(f"/portal/holds/{hold.pk}/confirm/")
    response = portal.post(f"/portal/holds/{hold.pk}/confirm/", follow=True)
    assert "This appointment is booked already." in response.content.decode()
    assert Appointment.objects.filter(status=Appointment.Status.BOOKED).count() == 1
    assert OutboxMessage.objects.filter(kind=Kind.APPOINTMENT_BOOKED).count() == 1


@pytest.mark.parametrize("value", ["", "yesterday|1", "2026-03-10T10:00|x", "2026-03-10T10:00"])
def test_a_malformed_choice_is_answered_next_to_the_times(portal, second, value):
    response = portal.post(book_url(second), {"slot": value})
    assert response.status_code == 400
    assert "Choose" in response.content.decode()
    assert not Appointment.objects.exists()
