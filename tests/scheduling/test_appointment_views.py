"""The scheduling pages as the front desk, the dermatologist and patients use them.

It is Monday 2 March 2026, 08:00 in Paris; with `derek_works`, Derek works Monday to Saturday 09:00–18:00."""

import html
import json
from datetime import UTC, datetime, timedelta

import pytest

from scheduling import booking
from scheduling.models import Appointment
from tests.factories import TimeOffFactory, TreatmentPlanFactory
from tests.scheduling.conftest import MONDAY, TUESDAY, at
from treatments.models import TreatmentSession

UNKNOWN = "00000000-0000-0000-0000-000000000000"


def booking_form(patient, practitioner, room, start="2026-03-03T10:00", minutes=30, session=None) -> dict:
    return {
        "patient": str(patient.pk),
        "practitioner": str(practitioner.pk),
        "room": str(room.pk),
        "start": start,
        "minutes": str(minutes),
        "session": str(session.pk) if session else "",
    }


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def appointment(derek_works, derek, room1, alice, charlie) -> Appointment:
    """Alice with Derek in room 1, Tuesday 10:00–10:30."""
    return booking.book_appointment(
        patient=alice, practitioner=derek, room=room1, start=at(TUESDAY, "10:00"), minutes=30, booked_by=charlie
    )


@pytest.fixture
def todays(derek_works, derek, room2, bob, charlie) -> Appointment:
    """Bob with Derek in room 2, today at 11:00."""
    return booking.book_appointment(
        patient=bob, practitioner=derek, room=room2, start=at(MONDAY, "11:00"), minutes=30, booked_by=charlie
    )


# Access


def pages(appointment) -> list[tuple[str, str]]:
    return [
        ("get", "/schedule/"),
        ("get", "/schedule/?date=2026-03-03&view=rooms"),
        ("get", "/schedule/slots/?date=2026-03-03"),
        ("get", "/appointments/new/"),
        ("post", "/appointments/new/"),
        ("get", "/appointments/patients/?q=Archer"),
        ("get", f"/appointments/{appointment.pk}/"),
        ("get", f"/appointments/{appointment.pk}/reschedule/"),
        ("post", f"/appointments/{appointment.pk}/reschedule/"),
        ("post", f"/appointments/{appointment.pk}/cancel/"),
        ("post", f"/appointments/{appointment.pk}/status/"),
    ]


def form_for(path, appointment, derek, room2) -> dict:
    """Well-formed data for each form, so a refusal comes from access alone."""
    if path.endswith("/new/"):
        return booking_form(appointment.patient, derek, room2, start="2026-03-04T10:00")
    if path.endswith("/reschedule/"):
        return {"practitioner": derek.pk, "room": room2.pk, "start": "2026-03-04T10:00", "minutes": "30"}
    if path.endswith("/cancel/"):
        return {"reason": "No longer needed"}
    return {"action": "no_show"}


@pytest.mark.parametrize("patient", ["alice", "bob"])
def test_patients_are_refused_every_scheduling_page(client, request, appointment, derek, room2, patient):
    """Alice's own appointment included: the portal is the patients' way in, not these pages."""
    client.force_login(request.getfixturevalue(patient).portal_user)
    for method, path in pages(appointment):
        data = form_for(path, appointment, derek, room2) if method == "post" else {}
        response = getattr(client, method)(path, data)
        assert response.status_code == 403, (method, path)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.start == at(TUESDAY, "10:00")
    assert Appointment.objects.count() == 1


def test_anonymous_callers_are_sent_to_sign_in(client, appointment, derek, room2):
    for method, path in pages(appointment):
        data = form_for(path, appointment, derek, room2) if method == "post" else {}
        response = getattr(client, method)(path, data)
        assert response.status_code == 302, (method, path)
        assert response["Location"].startswith("/accounts/login/?next="), (method, path)
    assert Appointment.objects.count() == 1
    assert Appointment.objects.get().status == Appointment.Status.BOOKED


@pytest.mark.parametrize("staff", ["charlie", "derek"])
def test_staff_open_every_scheduling_page(client, request, appointment, staff):
    client.force_login(request.getfixturevalue(staff))
    for method, path in pages(appointment):
        if method == "get":
            assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/appointments/{pk}/"),
        ("get", "/appointments/{pk}/reschedule/"),
        ("post", "/appointments/{pk}/reschedule/"),
        ("post", "/appointments/{pk}/cancel/"),
        ("post", "/appointments/{pk}/status/"),
    ],
)
def test_an_unknown_appointment_is_not_found(client, charlie, method, path):
    client.force_login(charlie)
    response = getattr(client, method)(path.format(pk=UNKNOWN), {"reason": "x", "action": "check_in"})
    assert response.status_code == 404


@pytest.mark.parametrize("caller", ["anonymous", "alice", "charlie", "derek"])
@pytest.mark.parametrize("action", ["cancel", "status"])
def test_state_changes_refuse_get(client, request, appointment, caller, action):
    if caller != "anonymous":
        user = request.getfixturevalue(caller)
        client.force_login(getattr(user, "portal_user", None) or user)
    response = client.get(f"/appointments/{appointment.pk}/{action}/", {"reason": "x", "action": "check_in"})
    assert response.status_code == 405
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


# Booking through the form


@pytest.mark.parametrize("staff", ["charlie", "derek"])
def test_staff_book_through_the_form(client, request, derek_works, derek, room1, alice, staff):
    user = request.getfixturevalue(staff)
    client.force_login(user)

    response = client.post(
        "/appointments/new/", booking_form(alice, derek, room1, start="2026-03-03T10:15", minutes=45)
    )

    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/appointments/{appointment.pk}/"
    assert (appointment.patient, appointment.practitioner, appointment.room) == (alice, derek, room1)
    assert (appointment.start, appointment.end) == (at(TUESDAY, "10:15"), at(TUESDAY, "11:00"))
    assert appointment.booked_by == user
    detail = page_text(client.get(response["Location"]))
    assert f"Booked: Tue 03/03/2026 10:15–11:00 with {derek} in Room 1." in detail
    assert "10:15–11:00 (45 minutes)" in detail


def test_the_form_starts_from_a_calendar_cell(client, charlie, derek_works, derek, room1, alice):
    client.force_login(charlie)
    page = client.get(
        "/appointments/new/", {"practitioner": derek.pk, "start": "2026-03-03T10:15", "patient": alice.pk}
    )
    assert page.status_code == 200
    form = page.context["form"]
    assert form["practitioner"].value() == str(derek.pk)
    assert form["start"].value() == "2026-03-03T10:15"
    assert page.context["patient"] == alice


@pytest.fixture
def course(alice, derek):
    return TreatmentPlanFactory(patient=alice, created_by=derek, start_date=MONDAY)


# case: (time off?, form changes, field, words of the refusal)
FORM_REFUSALS = {
    "after closing": (False, {"start": "2026-03-03T17:45"}, "start", "does not work Tuesday 03/03 17:45–18:15."),
    "time off": (True, {"start": "2026-03-03T14:15"}, "start", "Not available: Whole clinic"),
    "in the past": (False, {"start": "2026-03-02T07:45"}, "start", "That time has passed."),
    "on a Sunday": (False, {"start": "2026-03-08T10:00"}, "start", "The clinic is closed on Sundays."),
    "off the grid": (
        False,
        {"start": "2026-03-03T10:10"},
        "start",
        "Book 30, 45 or 60 minutes, starting on a quarter hour.",
    ),
    "twenty minutes": (False, {"minutes": "20"}, "minutes", "Select a valid choice. 20 is not one of the available"),
    "last century": (False, {"start": "1999-03-03T10:00"}, "start", "Enter a date between 2000 and 2100."),
    "not a time": (False, {"start": "tomorrow at ten"}, "start", "Enter a valid date/time."),
    "no patient": (False, {"patient": UNKNOWN}, "patient", "Choose a patient from the search."),
}


@pytest.mark.parametrize("case", list(FORM_REFUSALS))
def test_refused_booking_says_why_and_keeps_what_was_typed(
    client, charlie, derek_works, derek, room1, room2, alice, case
):
    time_off, changes, field, words = FORM_REFUSALS[case]
    if time_off:
        TimeOffFactory(start=at(TUESDAY, "14:00"), end=at(TUESDAY, "15:00"), reason="Fire drill")
    client.force_login(charlie)
    data = booking_form(alice, derek, room2) | changes

    response = client.post("/appointments/new/", data)

    assert response.status_code == 200
    assert any(words in error for error in response.context["form"].errors[field])
    text = page_text(response)
    assert "Nothing was booked." in text
    assert words in text
    form = response.context["form"]
    for name in ("practitioner", "room", "start", "minutes"):
        assert str(form[name].value()) == data[name], name
    assert f'value="{data["start"]}"' in text
    assert f'<option value="{room2.pk}" selected>' in text
    assert not Appointment.objects.exists()


def test_a_start_at_the_end_of_the_calendar_is_refused_not_a_crash(client, charlie, derek_works, derek, room1, alice):
    """Friday 31 December 9999, 23:45: the half hour would end after the last day datetime knows."""
    client.force_login(charlie)
    client.raise_request_exception = False
    response = client.post("/appointments/new/", booking_form(alice, derek, room1, start="9999-12-31T23:45"))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("session_number", "patient", "field", "words"),
    [
        (2, "alice", "start", "Session 2 should fall between"),
        (1, "bob", "session", "That session is not one of this patient's course sessions still to book."),
    ],
)
def test_a_refused_session_booking_says_why(
    client, request, charlie, derek_works, derek, room1, course, session_number, patient, field, words
):
    session = course.sessions.get(number=session_number)
    client.force_login(charlie)
    data = booking_form(request.getfixturevalue(patient), derek, room1, start="2026-03-05T10:00", session=session)

    response = client.post("/appointments/new/", data)

    assert response.status_code == 200
    assert any(words in error for error in response.context["form"].errors[field])
    assert words in page_text(response)
    assert response.context["form"]["session"].value() == str(session.pk)
    assert not Appointment.objects.exists()
    session.refresh_from_db()
    assert session.status == TreatmentSession.Status.PLANNED


def test_a_taken_slot_answers_409_with_who_is_busy(client, charlie, appointment, derek, room2, bob):
    client.force_login(charlie)
    response = client.post("/appointments/new/", booking_form(bob, derek, room2, start="2026-03-03T10:15"))
    assert response.status_code == 409
    assert f"{derek} is already booked 10:00–10:30." in page_text(response)
    assert response.context["form"]["start"].value() == "2026-03-03T10:15"
    assert Appointment.objects.count() == 1


def test_booking_a_session_through_the_form(client, charlie, derek_works, derek, room1, alice, course):
    first = course.sessions.get(number=1)
    client.force_login(charlie)
    response = client.post("/appointments/new/", booking_form(alice, derek, room1, "2026-03-05T10:00", session=first))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == TreatmentSession.Status.BOOKED
    assert Appointment.objects.get().session == first


# Time zone: Europe/Paris moves to summer time on Sunday 29 March and back on Sunday 25 October 2026.


def test_the_form_reads_the_start_in_clinic_time_after_the_clocks_change(
    client, charlie, derek_works, derek, room1, alice
):
    client.force_login(charlie)
    response = client.post("/appointments/new/", booking_form(alice, derek, room1, start="2026-03-30T10:00"))
    assert response.status_code == 302
    assert Appointment.objects.values_list("start", flat=True).get() == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    detail = page_text(client.get(response["Location"]))
    assert "Monday 30 March 2026, 10:00–10:30" in detail


@pytest.mark.parametrize("start", ["2026-03-29T02:30", "2026-10-25T02:30"])
def test_a_time_that_does_not_exist_or_happens_twice_is_refused_not_a_crash(
    client, charlie, derek_works, derek, room1, alice, start
):
    client.force_login(charlie)
    response = client.post("/appointments/new/", booking_form(alice, derek, room1, start=start))
    assert response.status_code == 200
    [error] = response.context["form"].errors["start"]
    assert "couldn’t be interpreted in time zone Europe/Paris" in error
    assert not Appointment.objects.exists()


# Moving, cancelling, statuses


def test_moving_through_the_form_keeps_history(client, charlie, appointment, derek, erin, room2):
    client.force_login(charlie)
    page = client.get(f"/appointments/{appointment.pk}/reschedule/")
    assert page.context["form"]["start"].value() == datetime(2026, 3, 3, 10, 0)  # clinic time, shown as typed

    response = client.post(
        f"/appointments/{appointment.pk}/reschedule/",
        {"practitioner": erin.pk, "room": room2.pk, "start": "2026-03-04T15:00", "minutes": "60"},
    )

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.start, appointment.end, appointment.practitioner) == (
        at(TUESDAY + timedelta(days=1), "15:00"),
        at(TUESDAY + timedelta(days=1), "16:00"),
        erin,
    )
    detail = page_text(client.get(response["Location"]))
    assert (
        f"Moved from Tue 03/03/2026 10:00–10:30 with {derek} in Room 1 to Wed 04/03/2026 15:00–16:00 with {erin} "
        "in Room 2" in detail
    )


def test_moving_through_the_form_is_checked_like_booking(client, charlie, appointment, todays, derek, room1):
    client.force_login(charlie)
    path = f"/appointments/{appointment.pk}/reschedule/"
    outside = client.post(
        path, {"practitioner": derek.pk, "room": room1.pk, "start": "2026-03-03T18:00", "minutes": 30}
    )
    taken = client.post(path, {"practitioner": derek.pk, "room": room1.pk, "start": "2026-03-02T11:00", "minutes": 30})

    assert outside.status_code == 200
    assert "does not work Tuesday 03/03 18:00–18:30." in page_text(outside)
    assert outside.context["form"]["start"].value() == "2026-03-03T18:00"
    assert taken.status_code == 409
    assert f"{derek} is already booked 11:00–11:30." in page_text(taken)
    appointment.refresh_from_db()
    assert appointment.start == at(TUESDAY, "10:00")
    assert appointment.changes.count() == 1


def test_cancelling_needs_a_reason_then_frees_the_slot(client, charlie, appointment, derek, room1, bob):
    client.force_login(charlie)
    path = f"/appointments/{appointment.pk}/cancel/"

    without = client.post(path, {"reason": "  "}, follow=True)
    assert "Say why the appointment is cancelled." in page_text(without)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED

    response = client.post(path, {"reason": "Flu"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancellation_reason == "Flu"
    assert "Cancelled: Flu" in page_text(client.get(response["Location"]))

    again = client.post("/appointments/new/", booking_form(bob, derek, room1, start="2026-03-03T10:00"))
    assert again.status_code == 302
    assert Appointment.objects.live().get().patient == bob


def test_check_in_then_done_by_post(client, charlie, todays):
    client.force_login(charlie)
    path = f"/appointments/{todays.pk}/status/"

    assert client.post(path, {"action": "check_in"}).status_code == 302
    todays.refresh_from_db()
    assert todays.status == Appointment.Status.CHECKED_IN
    response = client.post(path, {"action": "done", "next": "/today/"})
    assert response["Location"] == "/today/"
    todays.refresh_from_db()
    assert todays.status == Appointment.Status.DONE
    assert [change.description for change in todays.changes.all()][1:] == ["Checked in", "Done"]


@pytest.mark.parametrize(
    ("which", "action", "words"),
    [
        ("todays", "done", "The appointment is booked; it cannot be done now."),
        ("todays", "dance", "Unknown action."),
        ("appointment", "check_in", "Only today's appointments can be checked in or marked as no-show."),
        ("appointment", "no_show", "Only today's appointments can be checked in or marked as no-show."),
    ],
)
def test_a_status_change_out_of_order_is_refused(client, request, charlie, which, action, words):
    target = request.getfixturevalue(which)
    client.force_login(charlie)
    response = client.post(f"/appointments/{target.pk}/status/", {"action": action}, follow=True)
    assert words in page_text(response)
    target.refresh_from_db()
    assert target.status == Appointment.Status.BOOKED
    assert target.changes.count() == 1


# The day calendar and the slot finder


@pytest.mark.parametrize("date", ["garbage", "2026-02-30", "2026-13-01", "03/03/2026"])
def test_a_bad_day_is_not_found_not_a_crash(client, charlie, date):
    client.force_login(charlie)
    client.raise_request_exception = False
    assert client.get("/schedule/", {"date": date}).status_code == 404


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01"])
def test_a_day_at_the_ends_of_the_calendar_is_not_a_crash(client, charlie, derek_works, date):
    """A valid date the calendar cannot show (the day after it, or its midnight in UTC, does not exist)."""
    client.force_login(charlie)
    client.raise_request_exception = False
    assert client.get("/schedule/", {"date": date}).status_code in (200, 404)


def test_the_day_calendar_shows_each_appointment_once_across_its_rows(client, charlie, appointment, derek):
    client.force_login(charlie)
    for view, column in (("", str(derek)), ("rooms", "Room 1")):
        response = client.get("/schedule/", {"date": "2026-03-03", "view": view})
        text = page_text(response)
        assert response.context["appointments"] == [appointment]
        assert f'<th scope="col">{column}</th>' in text
        assert text.count("ARCHER, Alice") == 1
        assert 'rowspan="2"' in text
        assert "10:00–10:30" in text


def test_the_calendar_defaults_to_today(client, charlie, todays):
    client.force_login(charlie)
    response = client.get("/schedule/")
    assert response.context["day"] == MONDAY
    assert response.context["appointments"] == [todays]


def test_slots_are_an_html_fragment_by_default(client, charlie, appointment, derek, room1, room2):
    client.force_login(charlie)
    response = client.get("/schedule/slots/", {"practitioner": derek.pk, "date": "2026-03-03", "minutes": 30})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert text.startswith('<div id="slot-list"')
    assert "<html" not in text
    assert "32 free slots on Tuesday 03/03" in text  # 09:00 to 17:30, but 09:45, 10:00 and 10:15
    assert 'data-start="2026-03-03T09:30"' in text
    assert 'data-start="2026-03-03T10:00"' not in text


def test_slots_as_json(client, charlie, appointment, derek, room1, room2):
    client.force_login(charlie)
    response = client.get(
        "/schedule/slots/",
        {"practitioner": derek.pk, "date": "2026-03-03", "minutes": 60},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["date"] == "2026-03-03"
    starts = [slot["start"] for slot in body["slots"]]
    expected = [f"2026-03-03T{h:02d}:{m:02d}:00+01:00" for h in range(9, 17) for m in (0, 15, 30, 45)]
    expected = [s for s in expected if not "09:15" <= s[11:16] <= "10:15"] + ["2026-03-03T17:00:00+01:00"]
    assert starts == expected
    first = body["slots"][0]
    assert first["practitioner"] == derek.pk
    assert first["room"] == room1.pk
    assert first["end"] == "2026-03-03T10:00:00+01:00"
    assert {slot["room"] for slot in body["slots"]} == {room1.pk}  # room 1 is free at every one of these


def test_slots_after_the_clocks_change_are_in_summer_time(client, charlie, derek_works, derek, room1):
    client.force_login(charlie)
    body = client.get(
        "/schedule/slots/", {"practitioner": derek.pk, "date": "2026-03-30"}, headers={"Accept": "application/json"}
    ).json()
    assert body["slots"][0]["start"] == "2026-03-30T09:00:00+02:00"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date": "garbage"}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({}, "date"),
        ({"date": "2026-03-03", "minutes": "20"}, "minutes"),
        ({"date": "2026-03-03", "practitioner": "999999"}, "practitioner"),
    ],
)
def test_a_bad_slot_query_answers_400_with_its_errors(client, charlie, derek_works, query, field):
    client.force_login(charlie)
    response = client.get("/schedule/slots/", query, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert list(json.loads(response.content)["errors"]) == [field]
    fragment = client.get("/schedule/slots/", query)
    assert fragment.status_code == 400
    assert f"{field}: " in fragment.content.decode()


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01"])
def test_a_slot_query_at_the_ends_of_the_calendar_is_not_a_crash(client, charlie, derek_works, date):
    client.force_login(charlie)
    client.raise_request_exception = False
    response = client.get("/schedule/slots/", {"date": date}, headers={"Accept": "application/json"})
    assert response.status_code in (200, 400)


def test_check_in_and_no_show_are_offered_only_on_the_day(client, charlie, derek, derek_works, room1, alice, bob):
    today = booking.book_appointment(
        patient=alice, practitioner=derek, room=room1, start=at(MONDAY, "10:00"), minutes=30, booked_by=charlie
    )
    tomorrow = booking.book_appointment(
        patient=bob, practitioner=derek, room=room1, start=at(TUESDAY, "10:00"), minutes=30, booked_by=charlie
    )
    client.force_login(charlie)

    assert "Check in" in client.get(f"/appointments/{today.pk}/").content.decode()
    page = client.get(f"/appointments/{tomorrow.pk}/").content.decode()
    assert "Check in" not in page
    assert "No-show" not in page
    assert "Move" in page


def test_a_course_cannot_prefer_a_day_the_clinic_is_closed(client, charlie, alice, derek, derek_works):
    course = TreatmentPlanFactory(patient=alice, created_by=derek, start_date=MONDAY)
    client.force_login(charlie)

    choices = dict(client.get(f"/plans/{course.pk}/book/").context["form"].fields["weekday"].choices)

    assert "Saturday" in choices.values()
    assert "Sunday" not in choices.values()


def test_cancelling_in_the_portal_says_which_appointment_was_cancelled(client, alice, derek, derek_works, room1):
    appointment = booking.book_appointment(
        patient=alice, practitioner=derek, room=room1, start=at(TUESDAY, "15:00"), minutes=30, booked_by=derek
    )
    client.force_login(alice.portal_user)

    response = client.post(f"/portal/appointments/{appointment.pk}/cancel/", follow=True)

    assert "Your appointment of Tuesday 3 March 2026 at 15:00 is cancelled." in response.content.decode()


def test_the_booking_form_offers_only_the_chosen_patients_course_sessions_by_name(client, charlie, derek, bob, course):
    TreatmentPlanFactory(patient=bob, created_by=derek, start_date=MONDAY)
    client.force_login(charlie)

    page = client.get("/appointments/new/", {"patient": course.patient.pk})

    labels = [label for value, label in page.context["form"].fields["session"].choices if value]
    assert labels[0].startswith("Alice Archer: session 1 of the skin rejuvenation course")
    assert len(labels) == 4
    assert not any("Bob" in label for label in labels)
