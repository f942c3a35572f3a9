"""The status buttons as the front desk presses them: a no-show only once the appointment has
started, confirmed first, undone the same day; a course session's appointment is done only by
recording the session; a no-show leaves the session missed, to book again.

It is Monday 2 March 2026, 08:00 in Paris; with `derek_works`, Derek works Monday to Saturday
09:00–18:00. Alice's course starts today; session 1 is booked today at 10:00."""

import html
from datetime import timedelta

import pytest

from scheduling import booking
from scheduling.models import Appointment
from tests.factories import TreatmentPlanFactory, record_visit_of
from tests.scheduling.conftest import MONDAY, TUESDAY, at
from treatments.models import TreatmentSession


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def course(alice, derek):
    return TreatmentPlanFactory(patient=alice, created_by=derek, start_date=MONDAY)


@pytest.fixture
def session_visit(derek_works, derek, room1, alice, charlie, course) -> Appointment:
    """Alice's session 1, today 10:00–10:30 with Derek."""
    return booking.book_appointment(
        patient=alice,
        practitioner=derek,
        room=room1,
        start=at(MONDAY, "10:00"),
        minutes=30,
        session=course.sessions.get(number=1),
        booked_by=charlie,
    )


@pytest.fixture
def late(time_machine):
    """Twenty minutes into the 10:00 appointment, and Alice has not come."""
    time_machine.move_to(at(MONDAY, "10:20"), tick=False)


def status(client, appointment, action, **extra):
    return client.post(f"/appointments/{appointment.pk}/status/", {"action": action, **extra}, follow=True)


def windows(plan) -> dict:
    return {s.number: (s.earliest_date, s.target_date, s.latest_date) for s in plan.sessions.all()}


def session_of(appointment) -> TreatmentSession:
    return TreatmentSession.objects.get(pk=appointment.session_id)


# No-show: after the start, confirmed first


def test_only_staff_reach_the_no_show_question(client, alice, session_visit, late):
    path = f"/appointments/{session_visit.pk}/no-show/"
    assert client.get(path)["Location"].startswith("/accounts/login/")
    client.force_login(alice.portal_user)
    assert client.get(path).status_code == 403
    assert (
        client.post(f"/appointments/{session_visit.pk}/status/", {"action": "no_show", "confirmed": "yes"}).status_code
        == 403
    )
    session_visit.refresh_from_db()
    assert session_visit.status == Appointment.Status.BOOKED


def test_a_no_show_is_asked_before_it_is_written(client, charlie, session_visit, late):
    client.force_login(charlie)

    today = page_text(client.get("/today/"))
    assert f'href="/appointments/{session_visit.pk}/no-show/?next=/today/"' in today
    asked = client.post(f"/appointments/{session_visit.pk}/status/", {"action": "no_show", "next": "/today/"})
    assert asked["Location"] == f"/appointments/{session_visit.pk}/no-show/?next=/today/"
    session_visit.refresh_from_db()
    assert session_visit.status == Appointment.Status.BOOKED, "nothing is written before the answer"

    question = page_text(client.get(asked["Location"]))
    assert "Mark Alice Archer as a no-show?" in question
    assert "Session 1 of the course will be marked missed, to book again." in question
    answered = client.post(
        f"/appointments/{session_visit.pk}/status/", {"action": "no_show", "confirmed": "yes", "next": "/today/"}
    )

    assert answered["Location"] == "/today/"
    session_visit.refresh_from_db()
    assert session_visit.status == Appointment.Status.NO_SHOW
    assert session_visit.changes.last().description == "Marked as no-show"


def test_a_no_show_before_the_start_time_is_not_offered_and_refused(client, charlie, session_visit, time_machine):
    time_machine.move_to(at(MONDAY, "09:55"), tick=False)
    client.force_login(charlie)

    page = page_text(client.get(f"/appointments/{session_visit.pk}/"))
    assert "Check in" in page
    assert "No-show" not in page
    confirm = client.get(f"/appointments/{session_visit.pk}/no-show/", follow=True)
    assert "The appointment starts at 10:00: mark a no-show once it has started." in page_text(confirm)
    forged = status(client, session_visit, "no_show", confirmed="yes")

    assert "The appointment starts at 10:00: mark a no-show once it has started." in page_text(forged)
    session_visit.refresh_from_db()
    assert session_visit.status == Appointment.Status.BOOKED
    assert session_of(session_visit).status == TreatmentSession.Status.BOOKED


def test_a_no_show_marks_the_session_missed_on_the_course_and_the_chart(client, charlie, derek, session_visit, late):
    client.force_login(charlie)
    status(client, session_visit, "no_show", confirmed="yes")

    session = session_of(session_visit)
    assert session.status == TreatmentSession.Status.MISSED
    assert session.booked_for is None
    client.force_login(derek)
    course_page = page_text(client.get(f"/plans/{session.plan_id}/"))
    assert "Missed" in course_page
    assert "Book the remaining sessions" in course_page
    chart = page_text(client.get(f"/patients/{session.plan.patient_id}/"))
    assert "Session 1: Missed" in chart
    assert "session 1 missed" in chart


def test_a_missed_session_is_booked_again_and_spaced_as_not_done(
    derek, derek_works, room1, charlie, session_visit, late
):
    before = {
        s.number: (s.earliest_date, s.target_date, s.latest_date) for s in session_visit.session.plan.sessions.all()
    }
    booking.set_appointment_status(appointment=session_visit, action="no_show", changed_by=charlie)
    missed = session_of(session_visit)
    course = missed.plan
    # Nothing was given: session 2 is spaced from session 1's target day again, as before the booking.
    assert windows(course) == before
    assert TreatmentSession.objects.awaiting_booking().filter(pk=missed.pk).exists()

    again = booking.book_appointment(
        patient=course.patient,
        practitioner=derek,
        room=room1,
        start=at(TUESDAY, "10:00"),
        minutes=30,
        session=missed,
        booked_by=charlie,
    )

    missed.refresh_from_db()
    assert missed.status == TreatmentSession.Status.BOOKED
    assert missed.booked_for == again.start
    assert course.sessions.get(number=2).earliest_date == TUESDAY + timedelta(days=7)


def test_a_patient_marked_no_show_who_comes_late_is_recorded_and_the_visit_done(derek, charlie, session_visit, late):
    booking.set_appointment_status(appointment=session_visit, action="no_show", changed_by=charlie)

    recorded = record_visit_of(session_of(session_visit), by=derek)

    assert recorded.status == TreatmentSession.Status.DONE
    session_visit.refresh_from_db()
    assert session_visit.status == Appointment.Status.DONE
    assert session_visit.changes.last().description == "Done: the session was recorded"


def test_a_no_show_whose_slot_went_to_someone_else_stays_a_no_show(derek, charlie, room1, bob, session_visit, late):
    booking.set_appointment_status(appointment=session_visit, action="no_show", changed_by=charlie)
    Appointment.objects.create(
        patient=bob,
        practitioner=derek,
        room=room1,
        start=at(MONDAY, "10:00"),
        end=at(MONDAY, "10:30"),
        booked_by=charlie,
    )

    record_visit_of(session_of(session_visit), by=derek)

    session_visit.refresh_from_db()
    assert session_visit.status == Appointment.Status.NO_SHOW


# Undoing a no-show, the same day


def test_a_no_show_is_undone_the_same_day(client, charlie, session_visit, late):
    client.force_login(charlie)
    status(client, session_visit, "no_show", confirmed="yes")

    page = page_text(client.get(f"/appointments/{session_visit.pk}/"))
    assert "Undo the no-show" in page
    status(client, session_visit, "undo_no_show")

    session_visit.refresh_from_db()
    assert session_visit.status == Appointment.Status.BOOKED
    assert [change.description for change in session_visit.changes.all()][1:] == ["Marked as no-show", "No-show undone"]
    session = session_of(session_visit)
    assert session.status == TreatmentSession.Status.BOOKED
    assert session.booked_for == session_visit.start
    assert "Check in" in page_text(client.get(f"/appointments/{session_visit.pk}/"))


def test_a_no_show_is_not_undone_another_day(client, charlie, session_visit, late, time_machine):
    client.force_login(charlie)
    status(client, session_visit, "no_show", confirmed="yes")
    time_machine.move_to(at(TUESDAY, "09:00"), tick=False)
    client.force_login(charlie)  # a new day, a new sign-in

    assert "Undo the no-show" not in page_text(client.get(f"/appointments/{session_visit.pk}/"))
    refused = status(client, session_visit, "undo_no_show")

    assert "A no-show can be undone only on the day of the appointment." in page_text(refused)
    session_visit.refresh_from_db()
    assert session_visit.status == Appointment.Status.NO_SHOW
    assert session_of(session_visit).status == TreatmentSession.Status.MISSED


def test_a_no_show_is_not_undone_once_the_session_is_booked_again(client, charlie, derek, room1, session_visit, late):
    client.force_login(charlie)
    status(client, session_visit, "no_show", confirmed="yes")
    booking.book_appointment(
        patient=session_visit.patient,
        practitioner=derek,
        room=room1,
        start=at(TUESDAY, "10:00"),
        minutes=30,
        session=session_of(session_visit),
        booked_by=charlie,
    )

    refused = status(client, session_visit, "undo_no_show")

    assert "Session 1 is booked now: the no-show stands." in page_text(refused)
    session_visit.refresh_from_db()
    assert session_visit.status == Appointment.Status.NO_SHOW


def test_a_no_show_is_not_undone_once_its_slot_is_taken(client, charlie, derek, room1, bob, session_visit, late):
    client.force_login(charlie)
    status(client, session_visit, "no_show", confirmed="yes")
    # The freed slot has started, so booking refuses it: Bob's walk-in is written directly.
    Appointment.objects.create(
        patient=bob,
        practitioner=derek,
        room=room1,
        start=at(MONDAY, "10:00"),
        end=at(MONDAY, "10:30"),
        booked_by=charlie,
    )

    refused = status(client, session_visit, "undo_no_show")

    assert f"{derek} is already booked 10:00–10:30." in page_text(refused)
    session_visit.refresh_from_db()
    assert session_visit.status == Appointment.Status.NO_SHOW


# Done: only recording does it for a course session


def test_the_desk_cannot_mark_a_course_sessions_appointment_done(client, charlie, session_visit, late):
    client.force_login(charlie)
    status(client, session_visit, "check_in")

    page = page_text(client.get(f"/appointments/{session_visit.pk}/"))
    assert 'value="done"' not in page
    assert "Done once the session is recorded" in page
    assert 'value="done"' not in page_text(client.get("/today/"))
    forged = status(client, session_visit, "done")

    assert (
        "A course session's appointment is done when the session is recorded: record it on the session's page."
        in page_text(forged)
    )
    session_visit.refresh_from_db()
    assert session_visit.status == Appointment.Status.CHECKED_IN
    assert session_of(session_visit).status == TreatmentSession.Status.BOOKED


def test_the_dermatologist_is_sent_to_record_the_session_instead(client, charlie, derek, session_visit, late):
    booking.set_appointment_status(appointment=session_visit, action="check_in", changed_by=charlie)
    client.force_login(derek)

    page = page_text(client.get(f"/appointments/{session_visit.pk}/"))

    assert 'value="done"' not in page
    assert f'href="/sessions/{session_visit.session_id}/">Record the session' in page
    record_visit_of(session_of(session_visit), by=derek)
    session_visit.refresh_from_db()
    assert session_visit.status == Appointment.Status.DONE


def test_an_appointment_outside_a_course_is_still_marked_done(client, charlie, derek, derek_works, room1, bob, late):
    visit = booking.book_appointment(
        patient=bob, practitioner=derek, room=room1, start=at(MONDAY, "11:00"), minutes=30, booked_by=charlie
    )
    client.force_login(charlie)
    status(client, visit, "check_in")

    assert 'value="done"' in page_text(client.get(f"/appointments/{visit.pk}/"))
    status(client, visit, "done")

    visit.refresh_from_db()
    assert visit.status == Appointment.Status.DONE


def test_booking_the_rest_of_the_course_books_the_missed_session_first(client, charlie, session_visit, late):
    booking.set_appointment_status(appointment=session_visit, action="no_show", changed_by=charlie)
    course = session_visit.session.plan
    client.force_login(charlie)

    response = client.post(f"/plans/{course.pk}/book/", {"practitioner": course.prescriber.pk, "minutes": 30})

    assert response.status_code == 302
    missed = session_of(session_visit)
    assert missed.status == TreatmentSession.Status.BOOKED
    assert missed.appointments.live().get().start > session_visit.start


def test_stopping_a_course_calls_off_its_missed_session_and_resuming_plans_it_again(
    client, charlie, derek, session_visit, late
):
    booking.set_appointment_status(appointment=session_visit, action="no_show", changed_by=charlie)
    course = session_visit.session.plan
    client.force_login(derek)

    client.post(f"/plans/{course.pk}/stop/", {"reason": "Patient moving abroad"})
    assert session_of(session_visit).status == TreatmentSession.Status.CANCELLED
    client.post(f"/plans/{course.pk}/resume/", {"reason": "Patient stayed in France after all"})

    assert session_of(session_visit).status == TreatmentSession.Status.PLANNED
