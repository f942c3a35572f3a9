"""PostgreSQL refuses overlapping live appointments itself, whoever writes them (migration
0002): per practitioner, per room and per patient. SQLite has no exclusion constraints."""

import pytest
from django.db import IntegrityError, connection, transaction

from scheduling import booking
from scheduling.models import Appointment, AppointmentChange
from tests.factories import AppointmentFactory, PatientFactory, RoomFactory, UserFactory
from tests.scheduling.conftest import TUESDAY, at


@pytest.fixture(autouse=True)
def postgresql_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("Exclusion constraints exist on PostgreSQL only; on SQLite booking.py's locked check guards.")


@pytest.fixture
def existing(derek, room1, alice) -> Appointment:
    """Derek with Alice in room 1, Tuesday 10:00–10:30, written straight to the table."""
    return AppointmentFactory(patient=alice, practitioner=derek, room=room1, start=at(TUESDAY, "10:00"))


def write(**fields) -> Appointment:
    """An appointment created straight through the ORM, bypassing booking.py."""
    fields = {
        "patient": PatientFactory(),
        "practitioner": UserFactory(),
        "room": RoomFactory(),
        "start": at(TUESDAY, "10:15"),
    } | fields
    return AppointmentFactory(**fields)


@pytest.mark.parametrize(
    ("shared", "constraint"),
    [
        ("practitioner", "appointment_practitioner_no_overlap"),
        ("room", "appointment_room_no_overlap"),
        ("patient", "appointment_patient_no_overlap"),
    ],
)
@pytest.mark.parametrize("status", [Appointment.Status.BOOKED, Appointment.Status.CHECKED_IN, Appointment.Status.DONE])
def test_a_live_overlap_is_refused_by_the_database(existing, shared, constraint, status):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        write(**{shared: getattr(existing, shared)}, status=status)
    assert list(Appointment.objects.all()) == [existing]


@pytest.mark.parametrize("shared", ["practitioner", "room", "patient"])
@pytest.mark.parametrize("status", [Appointment.Status.CANCELLED, Appointment.Status.NO_SHOW])
def test_an_appointment_no_longer_live_may_overlap(existing, shared, status):
    write(**{shared: getattr(existing, shared)}, status=status)
    assert Appointment.objects.count() == 2


@pytest.mark.parametrize("shared", ["practitioner", "room", "patient"])
def test_back_to_back_is_not_an_overlap(existing, shared):
    write(**{shared: getattr(existing, shared)}, start=at(TUESDAY, "10:30"))
    write(**{shared: getattr(existing, shared)}, start=at(TUESDAY, "09:30"))
    assert Appointment.objects.count() == 3


def test_cancelling_by_update_then_overlapping_is_allowed_but_reviving_is_not(existing):
    Appointment.objects.filter(pk=existing.pk).update(status=Appointment.Status.CANCELLED)
    write(practitioner=existing.practitioner)
    with pytest.raises(IntegrityError, match="appointment_practitioner_no_overlap"), transaction.atomic():
        Appointment.objects.filter(pk=existing.pk).update(status=Appointment.Status.BOOKED)


@pytest.mark.parametrize(
    ("shared", "message"),
    [
        ("practitioner", "The practitioner was booked at that time a moment ago."),
        ("room", "The room was booked at that time a moment ago."),
        ("patient", "The patient was booked at that time a moment ago."),
    ],
)
def test_a_booking_that_slips_past_the_check_is_refused_cleanly(
    monkeypatch, existing, derek_works, erin, room2, bob, charlie, shared, message
):
    """As when a concurrent booking commits between our check and our insert: the constraint
    refuses, and booking.py turns that into the same clean SlotTaken."""
    monkeypatch.setattr(booking, "ensure_free", lambda appointment: None)
    wanted = {"patient": bob, "practitioner": erin, "room": room2} | {shared: getattr(existing, shared)}

    with pytest.raises(booking.SlotTaken) as taken:
        booking.book_appointment(**wanted, start=at(TUESDAY, "10:15"), minutes=30, booked_by=charlie)

    assert str(taken.value) == message
    assert list(Appointment.objects.all()) == [existing]
    assert not AppointmentChange.objects.exists()


def test_an_appointment_longer_than_an_hour_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError, match="appointment_at_most_an_hour"), transaction.atomic():
        write(end=at(TUESDAY, "11:30"))
    write(end=at(TUESDAY, "11:15"))
    assert Appointment.objects.count() == 1
