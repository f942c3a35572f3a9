"""Booking, moving and cancelling through scheduling.booking, as the views call it.

It is Monday 2 March 2026, 08:00 in Paris (tests/scheduling/conftest.py); with `derek_works`,
Derek works Monday to Saturday 09:00–18:00."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from scheduling import booking
from scheduling.models import Appointment, AppointmentChange
from tests.factories import AppointmentFactory, PatientFactory, TimeOffFactory, TreatmentPlanFactory
from tests.scheduling.conftest import MONDAY, SUNDAY, TUESDAY, at, works_all_week
from treatments import plans
from treatments.models import TreatmentSession
from treatments.series import plan_series

WEDNESDAY = TUESDAY + timedelta(days=1)


def book(patient, practitioner, room, start, booked_by, *, minutes=30, session=None) -> Appointment:
    return booking.book_appointment(
        patient=patient,
        practitioner=practitioner,
        room=room,
        start=start,
        minutes=minutes,
        booked_by=booked_by,
        session=session,
    )


def refusal(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


def test_booking_saves_the_appointment_and_its_history(derek_works, derek, room1, alice, charlie):
    appointment = book(alice, derek, room1, at(TUESDAY, "10:00"), charlie, minutes=45)

    appointment.refresh_from_db()
    assert (appointment.patient, appointment.practitioner, appointment.room) == (alice, derek, room1)
    assert appointment.start == at(TUESDAY, "10:00")
    assert appointment.end == at(TUESDAY, "10:45")
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.booked_by == charlie
    assert [change.description for change in appointment.changes.all()] == [
        f"Booked Tue 03/03/2026 10:00–10:45 with {derek} in Room 1"
    ]


@pytest.mark.parametrize(("start", "minutes"), [("09:00", 30), ("17:30", 30), ("17:00", 60), ("12:15", 45)])
def test_the_whole_working_day_can_be_booked_to_its_edges(derek_works, derek, room1, alice, charlie, start, minutes):
    appointment = book(alice, derek, room1, at(TUESDAY, start), charlie, minutes=minutes)
    assert Appointment.objects.get() == appointment


# Each refusal: what to set up, when to book, for how long, then the field and words of the refusal.
REFUSALS = {
    "before opening": (None, at(TUESDAY, "08:45"), 30, "start", "does not work Tuesday 03/03 08:45–09:15."),
    "after closing": (None, at(TUESDAY, "17:45"), 30, "start", "does not work Tuesday 03/03 17:45–18:15."),
    "practitioner away": (
        "practitioner",
        at(TUESDAY, "10:30"),
        30,
        "start",
        "Not available: Derek",
    ),
    "room out of use": ("room", at(TUESDAY, "10:30"), 30, "start", "Not available: Room 1"),
    "clinic closed": ("clinic", at(TUESDAY, "10:30"), 30, "start", "Not available: Whole clinic"),
    "ends in the time off": ("clinic", at(TUESDAY, "09:45"), 30, "start", "Not available: Whole clinic"),
    "closed weekday": (None, at(SUNDAY, "10:00"), 30, "start", "The clinic is closed on Sundays."),
    "off the grid": (None, at(TUESDAY, "10:10"), 30, "start", "Book 30, 45 or 60 minutes, starting on a quarter hour."),
    "too short": (None, at(TUESDAY, "10:00"), 20, "minutes", "Book 30, 45 or 60 minutes."),
    "too long": (None, at(TUESDAY, "10:00"), 90, "minutes", "Book 30, 45 or 60 minutes."),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_booking_rules_refuse_with_a_clear_message_and_save_nothing(derek, room1, alice, charlie, case):
    away, start, minutes, field, message = REFUSALS[case]
    works_all_week(derek)
    derek.working_hours.create(weekday=6, start="09:00", end="18:00")  # only the clinic's closing day stops Sunday
    time_off = {"practitioner": {"practitioner": derek}, "room": {"room": room1}, "clinic": {}}
    if away:
        TimeOffFactory(start=at(TUESDAY, "10:00"), end=at(TUESDAY, "12:00"), reason="Training", **time_off[away])

    with pytest.raises(ValidationError) as refused:
        book(alice, derek, room1, start, charlie, minutes=minutes)

    assert message in refusal(refused.value, field)
    assert not Appointment.objects.exists()
    assert not AppointmentChange.objects.exists()


def test_time_off_message_names_who_is_away_and_why(derek_works, derek, room1, alice, charlie):
    TimeOffFactory(practitioner=derek, start=at(TUESDAY, "10:00"), end=at(TUESDAY, "12:00"), reason="Congress")
    with pytest.raises(ValidationError) as refused:
        book(alice, derek, room1, at(TUESDAY, "11:30"), charlie)
    assert refusal(refused.value, "start") == f"Not available: {derek}: 03/03 10:00 – 03/03 12:00, Congress."


def test_booking_right_after_time_off_is_allowed(derek_works, derek, room1, alice, charlie):
    TimeOffFactory(start=at(TUESDAY, "10:00"), end=at(TUESDAY, "12:00"))
    assert book(alice, derek, room1, at(TUESDAY, "12:00"), charlie).start == at(TUESDAY, "12:00")
    assert book(alice, derek, room1, at(TUESDAY, "09:30"), charlie).end == at(TUESDAY, "10:00")


def test_a_time_that_has_passed_is_refused(derek_works, derek, room1, alice, charlie, time_machine):
    time_machine.move_to(at(MONDAY, "11:00"), tick=False)
    with pytest.raises(ValidationError) as refused:
        book(alice, derek, room1, at(MONDAY, "10:45"), charlie)
    assert refusal(refused.value, "start") == "That time has passed."
    assert not Appointment.objects.exists()
    assert book(alice, derek, room1, at(MONDAY, "11:00"), charlie).start == at(MONDAY, "11:00")


def test_only_a_dermatologist_in_a_room_in_use_can_be_booked(derek_works, derek, room1, alice, charlie):
    works_all_week(charlie)
    with pytest.raises(ValidationError) as refused:
        book(alice, charlie, room1, at(TUESDAY, "10:00"), charlie)
    assert refusal(refused.value, "practitioner") == f"{charlie} does not give treatments."
    room1.active = False
    room1.save()
    with pytest.raises(ValidationError) as refused:
        book(alice, derek, room1, at(TUESDAY, "10:00"), charlie)
    assert refusal(refused.value, "room") == "Room 1 is not in use."
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("practitioner", "{derek} is already booked 10:00–10:30."),
        ("room", "Room 1 is already taken 10:00–10:30."),
        ("patient", "Alice Archer already has an appointment 10:00–10:30."),
    ],
)
def test_an_overlap_is_refused_by_who_is_busy(
    derek_works, derek, erin, room1, room2, alice, bob, charlie, who, message
):
    book(alice, derek, room1, at(TUESDAY, "10:00"), charlie)
    clash = {
        "practitioner": (bob, derek, room2),
        "room": (bob, erin, room1),
        "patient": (alice, erin, room2),
    }[who]

    with pytest.raises(booking.SlotTaken, match="already") as taken:
        book(*clash, at(TUESDAY, "10:15"), charlie)

    assert str(taken.value) == message.format(derek=derek)
    assert Appointment.objects.count() == 1


def test_back_to_back_appointments_do_not_clash(derek_works, derek, room1, alice, bob, charlie):
    book(alice, derek, room1, at(TUESDAY, "10:00"), charlie)
    book(bob, derek, room1, at(TUESDAY, "10:30"), charlie)
    book(alice, derek, room1, at(TUESDAY, "09:30"), charlie)
    assert Appointment.objects.count() == 3


@pytest.mark.parametrize("status", [Appointment.Status.CANCELLED, Appointment.Status.NO_SHOW])
def test_an_appointment_no_longer_live_leaves_its_slot_free(derek_works, derek, room1, alice, bob, charlie, status):
    AppointmentFactory(patient=alice, practitioner=derek, room=room1, start=at(TUESDAY, "10:00"), status=status)
    assert book(bob, derek, room1, at(TUESDAY, "10:00"), charlie).status == Appointment.Status.BOOKED


# Moving


def test_moving_keeps_where_the_appointment_was(derek_works, derek, erin, room1, room2, alice, charlie):
    appointment = book(alice, derek, room1, at(TUESDAY, "10:00"), charlie)

    moved = booking.reschedule_appointment(
        appointment=appointment,
        start=at(WEDNESDAY, "11:15"),
        minutes=45,
        practitioner=erin,
        room=room2,
        rescheduled_by=charlie,
    )

    moved.refresh_from_db()
    assert (moved.start, moved.end, moved.practitioner, moved.room) == (
        at(WEDNESDAY, "11:15"),
        at(WEDNESDAY, "12:00"),
        erin,
        room2,
    )
    assert [change.description for change in moved.changes.all()] == [
        f"Booked Tue 03/03/2026 10:00–10:30 with {derek} in Room 1",
        f"Moved from Tue 03/03/2026 10:00–10:30 with {derek} in Room 1 "
        f"to Wed 04/03/2026 11:15–12:00 with {erin} in Room 2",
    ]
    assert Appointment.objects.count() == 1


def test_moving_a_little_may_overlap_its_own_old_time(derek_works, derek, room1, alice, charlie):
    appointment = book(alice, derek, room1, at(TUESDAY, "10:00"), charlie)
    moved = booking.reschedule_appointment(
        appointment=appointment,
        start=at(TUESDAY, "10:15"),
        minutes=60,
        practitioner=derek,
        room=room1,
        rescheduled_by=charlie,
    )
    assert (moved.start, moved.end) == (at(TUESDAY, "10:15"), at(TUESDAY, "11:15"))


@pytest.mark.parametrize(
    ("start", "error", "words"),
    [
        (at(TUESDAY, "18:00"), ValidationError, "does not work"),
        (at(TUESDAY, "10:40"), ValidationError, "starting on a quarter hour"),
        (at(SUNDAY, "10:00"), ValidationError, "The clinic is closed on Sundays."),
        (at(TUESDAY, "14:00"), ValidationError, "Not available: Whole clinic"),
        (at(MONDAY, "07:00"), ValidationError, "That time has passed."),
        (at(TUESDAY, "11:15"), booking.SlotTaken, "is already booked 11:00–11:30."),
    ],
)
def test_moving_is_checked_like_booking(derek_works, derek, room1, room2, alice, bob, charlie, start, error, words):
    TimeOffFactory(start=at(TUESDAY, "14:00"), end=at(TUESDAY, "15:00"))
    appointment = book(alice, derek, room1, at(TUESDAY, "10:00"), charlie)
    book(bob, derek, room2, at(TUESDAY, "11:00"), charlie)

    with pytest.raises(error) as refused:
        booking.reschedule_appointment(
            appointment=appointment, start=start, minutes=30, practitioner=derek, room=room1, rescheduled_by=charlie
        )

    assert words in " ".join(refused.value.messages if error is ValidationError else [str(refused.value)])
    appointment.refresh_from_db()
    assert (appointment.start, appointment.room) == (at(TUESDAY, "10:00"), room1)
    assert appointment.changes.count() == 1  # only "Booked"


def test_moving_an_appointment_to_where_it_already_is_is_refused_and_leaves_no_history(
    derek_works, derek, room1, alice, charlie
):
    appointment = book(alice, derek, room1, at(TUESDAY, "10:00"), charlie)

    with pytest.raises(ValidationError, match="nothing was moved"):
        booking.reschedule_appointment(
            appointment=appointment,
            start=at(TUESDAY, "10:00"),
            minutes=30,
            practitioner=derek,
            room=room1,
            rescheduled_by=charlie,
        )

    assert appointment.changes.count() == 1  # only "Booked"


def test_a_cancelled_appointment_cannot_be_moved(derek_works, derek, room1, alice, charlie):
    appointment = book(alice, derek, room1, at(TUESDAY, "10:00"), charlie)
    booking.cancel_appointment(appointment=appointment, reason="Ill", cancelled_by=charlie)
    appointment.refresh_from_db()
    with pytest.raises(ValidationError, match="A cancelled appointment cannot be moved"):
        booking.reschedule_appointment(
            appointment=appointment,
            start=at(TUESDAY, "11:00"),
            minutes=30,
            practitioner=derek,
            room=room1,
            rescheduled_by=charlie,
        )


# Cancelling


def test_cancelling_needs_a_reason(derek_works, derek, room1, alice, charlie):
    appointment = book(alice, derek, room1, at(TUESDAY, "10:00"), charlie)
    with pytest.raises(ValidationError) as refused:
        booking.cancel_appointment(appointment=appointment, reason="   ", cancelled_by=charlie)
    assert refusal(refused.value, "reason") == "Say why the appointment is cancelled."
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_cancelling_frees_the_slot(derek_works, derek, room1, alice, bob, charlie):
    appointment = book(alice, derek, room1, at(TUESDAY, "10:00"), charlie)
    with pytest.raises(booking.SlotTaken):
        book(bob, derek, room1, at(TUESDAY, "10:00"), charlie)

    booking.cancel_appointment(appointment=appointment, reason=" Patient has a cold ", cancelled_by=charlie)

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancellation_reason == "Patient has a cold"
    assert appointment.changes.last().description == "Cancelled: Patient has a cold"
    again = book(bob, derek, room1, at(TUESDAY, "10:00"), charlie)
    assert list(Appointment.objects.live()) == [again]
    with pytest.raises(ValidationError, match="A cancelled appointment cannot be cancelled"):
        booking.cancel_appointment(appointment=appointment, reason="Twice", cancelled_by=charlie)


# Time zone: Europe/Paris moves to summer time on Sunday 29 March 2026.


def test_after_the_clocks_change_ten_oclock_stays_ten_oclock(derek_works, derek, room1, alice, charlie):
    winter = book(alice, derek, room1, at(date(2026, 3, 27), "10:00"), charlie)
    summer = book(alice, derek, room1, at(date(2026, 3, 30), "10:00"), charlie)

    stored = dict(Appointment.objects.values_list("pk", "start"))
    assert stored[winter.pk] == datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
    assert stored[summer.pk] == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert booking.describe_when(Appointment.objects.get(pk=summer.pk)).startswith("Mon 30/03/2026 10:00–10:30")


# Course sessions


@pytest.fixture
def course(alice, derek):
    """Alice's four fortnightly sessions (7 to 28 days apart) from today, Monday 2 March."""
    return TreatmentPlanFactory(patient=alice, created_by=derek, start_date=MONDAY)


def windows(plan) -> dict[int, tuple[date, date, date]]:
    return {s.number: (s.earliest_date, s.target_date, s.latest_date) for s in plan.sessions.order_by("number")}


def series_windows(plan, actual: dict[int, date]) -> dict[int, tuple[date, date, date]]:
    return {
        p.number: (p.earliest, p.target, p.latest) for p in plan_series(plans.rules_of(plan), plan.start_date, actual)
    }


def test_booking_a_session_books_it_and_respaces_the_course_from_that_day(
    derek_works, derek, room1, alice, charlie, course
):
    assert windows(course) == series_windows(course, {})
    first = course.sessions.get(number=1)
    thursday = date(2026, 3, 5)
    assert first.target_date != thursday  # the booking moves the anchor

    appointment = book(alice, derek, room1, at(thursday, "10:00"), charlie, session=first)

    first.refresh_from_db()
    assert first.status == TreatmentSession.Status.BOOKED
    assert appointment.session == first
    assert windows(course) == series_windows(course, {1: thursday})
    assert course.sessions.get(number=2).earliest_date == thursday + timedelta(days=7)


def test_cancelling_a_session_appointment_puts_the_session_back(derek_works, derek, room1, alice, charlie, course):
    first = course.sessions.get(number=1)
    appointment = book(alice, derek, room1, at(date(2026, 3, 5), "10:00"), charlie, session=first)

    booking.cancel_appointment(appointment=appointment, reason="Rebooking later", cancelled_by=charlie)

    first.refresh_from_db()
    assert first.status == TreatmentSession.Status.PLANNED
    assert windows(course) == series_windows(course, {})
    again = book(alice, derek, room1, at(date(2026, 3, 6), "10:00"), charlie, session=first)
    assert again.session == first


def test_moving_a_session_appointment_respaces_from_the_new_day(derek_works, derek, room1, alice, charlie, course):
    first = course.sessions.get(number=1)
    appointment = book(alice, derek, room1, at(date(2026, 3, 5), "10:00"), charlie, session=first)

    booking.reschedule_appointment(
        appointment=appointment,
        start=at(date(2026, 3, 10), "10:00"),
        minutes=30,
        practitioner=derek,
        room=room1,
        rescheduled_by=charlie,
    )

    assert windows(course) == series_windows(course, {1: date(2026, 3, 10)})


def test_a_session_outside_its_window_is_refused(derek_works, derek, room1, alice, charlie, course):
    second = course.sessions.get(number=2)
    too_early = second.earliest_date - timedelta(days=1)
    if too_early.weekday() == 6:
        too_early -= timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        book(alice, derek, room1, at(too_early, "10:00"), charlie, session=second)

    assert refusal(refused.value, "start") == (
        f"Session 2 should fall between {second.earliest_date:%d/%m} and {second.latest_date:%d/%m/%Y}."
    )
    second.refresh_from_db()
    assert second.status == TreatmentSession.Status.PLANNED
    assert not Appointment.objects.exists()


def test_a_session_of_another_patients_course_is_refused(derek_works, derek, room1, bob, charlie, course):
    first = course.sessions.get(number=1)
    with pytest.raises(ValidationError) as refused:
        book(bob, derek, room1, at(date(2026, 3, 5), "10:00"), charlie, session=first)
    assert refusal(refused.value, "session") == "That session belongs to another patient's course."
    first.refresh_from_db()
    assert first.status == TreatmentSession.Status.PLANNED
    assert not Appointment.objects.exists()


def test_a_session_is_booked_once(derek_works, derek, room1, alice, charlie, course):
    first = course.sessions.get(number=1)
    book(alice, derek, room1, at(date(2026, 3, 5), "10:00"), charlie, session=first)
    with pytest.raises(booking.SlotTaken, match="Session 1 is already booked"):
        book(alice, derek, room1, at(date(2026, 3, 6), "10:00"), charlie, session=first)
    assert Appointment.objects.count() == 1


def test_other_patients_are_untouched_by_a_session_booking(derek_works, derek, room1, alice, charlie, course):
    other = TreatmentPlanFactory(patient=PatientFactory(), created_by=derek, start_date=MONDAY)
    before = windows(other)
    book(alice, derek, room1, at(date(2026, 3, 5), "10:00"), charlie, session=course.sessions.get(number=1))
    assert windows(other) == before


def booked_days(plan) -> dict[int, date]:
    return {
        a.session.number: timezone.localtime(a.start).date()
        for a in Appointment.objects.live().filter(session__plan=plan).select_related("session")
    }


def assert_course_in_order(plan) -> None:
    """Every booked session on a day inside its own window, and the sessions in their order."""
    days = booked_days(plan)
    for session in plan.sessions.filter(number__in=days):
        assert session.earliest_date <= days[session.number] <= session.latest_date, (
            f"session {session.number} booked {days[session.number]}, window "
            f"{session.earliest_date}–{session.latest_date}"
        )
    assert [days[n] for n in sorted(days)] == sorted(days.values()), f"sessions out of order: {days}"


@pytest.mark.parametrize("how", ["book", "move"])
def test_an_earlier_session_cannot_land_after_a_later_booked_one(
    derek_works, derek, room1, alice, charlie, course, how
):
    """Session 2 is booked on Tuesday 10 March; putting session 1 on Friday 20 March (inside
    session 1's own window) would leave session 2 ten days before it, outside its re-spaced window."""
    first, second = course.sessions.get(number=1), course.sessions.get(number=2)
    book(alice, derek, room1, at(date(2026, 3, 10), "10:00"), charlie, session=second)
    first.refresh_from_db()
    assert first.earliest_date <= date(2026, 3, 20) <= first.latest_date

    try:
        if how == "book":
            book(alice, derek, room1, at(date(2026, 3, 20), "10:00"), charlie, session=first)
        else:
            appointment = book(alice, derek, room1, at(MONDAY, "10:00"), charlie, session=first)
            assert_course_in_order(course)  # 2 and 10 March: a week apart, fine so far
            booking.reschedule_appointment(
                appointment=appointment,
                start=at(date(2026, 3, 20), "10:00"),
                minutes=30,
                practitioner=derek,
                room=room1,
                rescheduled_by=charlie,
            )
    except ValidationError:
        pass  # refusing is one right answer; then nothing may have moved

    assert_course_in_order(course)


def test_moving_a_session_outside_its_window_is_refused(derek_works, derek, room1, alice, charlie, course):
    first = course.sessions.get(number=1)
    appointment = book(alice, derek, room1, at(date(2026, 3, 5), "10:00"), charlie, session=first)
    first.refresh_from_db()
    too_late = first.latest_date + timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        booking.reschedule_appointment(
            appointment=appointment,
            start=at(too_late, "10:00"),
            minutes=30,
            practitioner=derek,
            room=room1,
            rescheduled_by=charlie,
        )

    assert refusal(refused.value, "start").startswith("Session 1 should fall between 02/03 and")
    assert booked_days(course) == {1: date(2026, 3, 5)}
