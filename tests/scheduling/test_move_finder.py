"""The desk moves an appointment with the slot finder: the same free slots as booking, on
the day asked, the appointment's own time counted as free; each slot moves it in one press.
It is Monday 2 March 2026, 08:00 (tests/scheduling/conftest.py)."""

import html
import re
from datetime import timedelta

import pytest

from scheduling import booking
from scheduling.models import Appointment
from scheduling.slots import free_slots
from tests.factories import TreatmentPlanFactory
from tests.scheduling.conftest import MONDAY, TUESDAY, at


@pytest.fixture
def appointment(derek_works, derek, room1, alice, charlie) -> Appointment:
    """Alice with Derek in room 1, Tuesday 10:00–10:30."""
    return booking.book_appointment(
        patient=alice, practitioner=derek, room=room1, start=at(TUESDAY, "10:00"), minutes=30, booked_by=charlie
    )


def finder(client, appointment, **query) -> str:
    query = {f"find-{name}": value for name, value in query.items()}
    return html.unescape(client.get(f"/appointments/{appointment.pk}/reschedule/", query).content.decode())


def offered_starts(page: str) -> list[str]:
    return re.findall(r'type="hidden" name="start" value="([^"]+)"', page)


def test_the_finder_offers_the_free_slots_of_the_appointments_day_its_own_time_included(
    client, charlie, appointment, bob, derek, room1
):
    booking.book_appointment(
        patient=bob, practitioner=derek, room=room1, start=at(TUESDAY, "11:00"), minutes=30, booked_by=charlie
    )
    client.force_login(charlie)
    page = finder(client, appointment)
    starts = offered_starts(page)
    assert "2026-03-03T10:00" in starts  # its own time is free to it
    assert "2026-03-03T11:00" not in starts and "2026-03-03T10:45" not in starts
    expected = [
        f"{slot.start.astimezone(at(TUESDAY, '00:00').tzinfo):%Y-%m-%dT%H:%M}"
        for slot in free_slots(day=TUESDAY, minutes=30, patient=appointment.patient, ignoring=appointment)
    ]
    assert starts == expected
    assert f"{len(expected)} free slots on Tuesday 03/03. Move to:" in page


def test_another_day_length_and_practitioner(client, charlie, appointment, derek, erin):
    client.force_login(charlie)
    page = finder(client, appointment, date="2026-03-04", minutes="60", practitioner=str(erin.pk))
    starts = offered_starts(page)
    assert starts[0] == "2026-03-04T09:00" and starts[-1] == "2026-03-04T17:00"
    assert 'name="minutes" value="60"' in page
    assert f'name="practitioner" value="{derek.pk}"' not in page


def test_a_closed_day_says_so_and_a_bad_day_offers_nothing(client, charlie, appointment):
    client.force_login(charlie)
    assert "No free slot on Sunday 08/03. Try another day." in finder(client, appointment, date="2026-03-08")
    page = finder(client, appointment, date="not a day")
    assert offered_starts(page) == []
    assert "Enter a valid date." in page


def test_pressing_a_slot_moves_the_appointment(client, charlie, appointment, derek, room1):
    client.force_login(charlie)
    page = finder(client, appointment, date="2026-03-05")
    assert "2026-03-05T14:15" in offered_starts(page)
    response = client.post(
        f"/appointments/{appointment.pk}/reschedule/",
        {"start": "2026-03-05T14:15", "minutes": "30", "practitioner": derek.pk, "room": room1.pk},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == at(MONDAY + timedelta(days=3), "14:15")


def test_a_course_sessions_window_is_shown(client, charlie, derek_works, derek, room1, bob):
    plan = TreatmentPlanFactory(patient=bob, created_by=derek, start_date=MONDAY, sessions_done=1)
    second = plan.sessions.get(number=2)
    visit = booking.book_appointment(
        patient=bob,
        practitioner=derek,
        room=room1,
        start=at(MONDAY + timedelta(days=14), "10:00"),
        minutes=30,
        booked_by=charlie,
        session=second,
    )
    client.force_login(charlie)
    assert "Session 2 of the course falls between Monday 09/03 and Monday 30/03/2026." in finder(client, visit)


def test_a_slot_held_online_is_not_offered(client, charlie, appointment, derek, room1, bob):
    Appointment.objects.create(
        patient=bob,
        practitioner=derek,
        room=room1,
        start=at(TUESDAY, "14:00"),
        end=at(TUESDAY, "14:30"),
        status=Appointment.Status.PROPOSED,
        held_until=at(MONDAY, "08:10"),
        booked_by=bob.portal_user,
    )
    client.force_login(charlie)
    starts = offered_starts(finder(client, appointment))
    assert "2026-03-03T14:00" not in starts and "2026-03-03T13:45" not in starts
