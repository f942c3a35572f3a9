"""From the course page a dermatologist skips one session, with a reason, and resumes a
stopped course: the sessions after a skip are spaced from the last one given, a resumed
course from the day it resumes. The front desk sees what happened but does neither.

It is Monday 2 March 2026, 11:00 in Paris; Alice's fortnightly course (7 to 28 days apart)
started today."""

import html
from datetime import timedelta

import pytest

from scheduling import booking
from scheduling.models import Appointment
from tests.factories import PatientConditionFactory, RoomFactory, TreatmentPlanFactory, record_visit_of
from tests.scheduling.conftest import MONDAY, at, works_all_week
from treatments.models import TreatmentPlan, TreatmentSession
from workday.visits import stop_course

REASON = "Cold sore on the upper lip, wait until it has healed"


@pytest.fixture(autouse=True)
def monday_late_morning(time_machine):
    time_machine.move_to(at(MONDAY, "11:00"), tick=False)


@pytest.fixture
def course(alice, derek, charlie):
    """Session 1 given today at 10:00; session 2 booked in two weeks at 11:00."""
    works_all_week(derek)
    plan = TreatmentPlanFactory(patient=alice, created_by=derek, start_date=MONDAY)
    record_visit_of(plan.sessions.get(number=1), by=derek, done_at=at(MONDAY, "10:00"))
    booking.book_appointment(
        patient=alice,
        practitioner=derek,
        room=RoomFactory(name="Room 1"),
        start=at(MONDAY + timedelta(days=14), "11:00"),
        minutes=30,
        session=plan.sessions.get(number=2),
        booked_by=charlie,
    )
    return plan


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def session(plan, number) -> TreatmentSession:
    return plan.sessions.get(number=number)


def skip(client, user, plan, number, reason=REASON):
    client.force_login(user)
    return client.post(f"/sessions/{session(plan, number).pk}/skip/", {"reason": reason}, follow=True)


def resume(client, user, plan, reason="Delivered in good health, the patient wishes to go on"):
    client.force_login(user)
    return client.post(f"/plans/{plan.pk}/resume/", {"reason": reason}, follow=True)


# Skipping one session


def test_a_skipped_session_shows_its_reason_and_the_next_is_spaced_from_the_last_given(client, derek, course):
    page = skip(client, derek, course, 2)

    text = page_text(page)
    assert "Session 2 is skipped; the sessions after it are spaced from the last one given." in text
    assert "Skipped" in text
    assert REASON in text
    skipped = session(course, 2)
    assert skipped.status == TreatmentSession.Status.SKIPPED
    assert skipped.skip_reason.startswith(REASON)
    # Session 3 now comes 7 to 28 days after session 1 (Monday 2 March), as session 2 would have.
    third = session(course, 3)
    assert (third.earliest_date, third.target_date, third.latest_date) == (
        MONDAY + timedelta(days=7),
        MONDAY + timedelta(days=14),
        MONDAY + timedelta(days=28),
    )


def test_a_skipped_sessions_appointment_is_cancelled_with_the_reason(client, derek, charlie, course):
    skip(client, derek, course, 2)

    appointment = Appointment.objects.get(session=session(course, 2))
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancellation_reason == f"Session 2 is skipped: {REASON}"
    client.force_login(charlie)
    course_page = page_text(client.get(f"/plans/{course.pk}/"))
    assert "Skipped" in course_page
    assert REASON not in course_page, "the reason is clinical"
    assert "Skip session" not in course_page


def test_a_skip_needs_a_reason_in_a_sentence(client, derek, course):
    page = skip(client, derek, course, 2, reason="ok")

    assert "Say why the session is skipped in a sentence (at least 3 words)" in page_text(page)
    assert session(course, 2).status == TreatmentSession.Status.BOOKED
    assert skip(client, derek, course, 2, reason="").status_code == 200
    assert session(course, 2).status == TreatmentSession.Status.BOOKED


def test_a_session_given_cannot_be_skipped(client, derek, course):
    page = skip(client, derek, course, 1)

    assert "Session 1 is done; only a session still to come in an active course can be skipped." in page_text(page)
    assert session(course, 1).status == TreatmentSession.Status.DONE


def test_the_front_desk_cannot_skip_a_session(client, charlie, course):
    assert skip(client, charlie, course, 2).status_code == 403
    assert session(course, 2).status == TreatmentSession.Status.BOOKED


def test_skipping_the_last_session_left_completes_the_course(client, derek, alice):
    plan = TreatmentPlanFactory(patient=alice, created_by=derek, start_date=MONDAY, sessions_planned=2)
    record_visit_of(session(plan, 1), by=derek)

    skip(client, derek, plan, 2)

    plan.refresh_from_db()
    assert plan.status == TreatmentPlan.Status.COMPLETED


def test_a_skipped_session_cannot_be_recorded(client, derek, course):
    skip(client, derek, course, 2)

    page = page_text(client.get(f"/sessions/{session(course, 2).pk}/"))
    assert 'name="done_at"' not in page
    assert "Skip session 3" in page_text(client.get(f"/plans/{course.pk}/"))


# Resuming a stopped course


def test_a_stopped_course_resumes_spaced_from_the_day_it_resumes(client, derek, course, time_machine):
    stop_course(plan=course, reason="Pregnancy announced", stopped_by=derek)
    resumed_day = MONDAY + timedelta(days=240)  # Friday 30 October
    time_machine.move_to(at(resumed_day, "09:00"), tick=False)

    page = resume(client, derek, course)

    text = page_text(page)
    assert "The course is active again; its sessions still to come are spaced from today." in text
    assert f"Resumed on {resumed_day:%d/%m/%Y}: Delivered in good health" in text
    course.refresh_from_db()
    assert course.status == TreatmentPlan.Status.ACTIVE
    assert course.resumed_on == resumed_day
    assert [s.status for s in course.sessions.order_by("number")] == ["done", "planned", "planned", "planned"]
    second, third = session(course, 2), session(course, 3)
    assert (second.earliest_date, second.target_date) == (resumed_day, resumed_day)
    assert third.target_date == resumed_day + timedelta(days=14)
    assert TreatmentSession.objects.awaiting_booking().filter(plan=course).count() == 3
    assert "Book the remaining sessions" in text


def test_resuming_needs_a_dermatologist_a_stopped_course_and_a_sentence(client, derek, charlie, course):
    assert "only a stopped course can be resumed" in page_text(resume(client, derek, course))
    stop_course(plan=course, reason="Pregnancy announced", stopped_by=derek)

    assert resume(client, charlie, course).status_code == 403
    assert "Say why the course is resumed in a sentence" in page_text(resume(client, derek, course, reason="ok"))
    course.refresh_from_db()
    assert course.status == TreatmentPlan.Status.STOPPED
    assert "Resume this course" in page_text(client.get(f"/plans/{course.pk}/"))


def test_a_course_whose_cocktail_is_now_blocked_does_not_resume(client, derek, alice, course):
    stop_course(plan=course, reason="Pregnancy announced", stopped_by=derek)
    PatientConditionFactory(patient=alice, started_on=MONDAY)

    page = resume(client, derek, course)

    assert "The course cannot resume:" in page_text(page)
    course.refresh_from_db()
    assert course.status == TreatmentPlan.Status.STOPPED
    assert not course.sessions.filter(status=TreatmentSession.Status.PLANNED).exists()
