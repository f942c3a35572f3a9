"""Clerks clicking at once: exactly one booking wins, the others get a clean refusal.

Each thread opens its own database connection and closes it at the end; a barrier releases
them together. SQLite queues them with BEGIN IMMEDIATE, PostgreSQL with its exclusion
constraints (see the `concurrent_database` fixture for the SQLite test database)."""

import html
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from clinic.models import User
from clinic.roles import Role
from patients.models import Patient
from scheduling import booking
from scheduling.models import Appointment, AppointmentChange, Room
from tests.factories import (
    PatientFactory,
    ProductFactory,
    RoomFactory,
    TreatmentPlanFactory,
    UserFactory,
    record_visit_of,
)
from tests.races import RACE, race
from tests.scheduling.conftest import TUESDAY, at, works_all_week
from treatments.models import Lot as RegisteredLot
from treatments.models import TreatmentArea, TreatmentPlan, TreatmentSession
from treatments.records import AdministeredArea, amend_session
from workday.visits import stop_course

THREADS = 8
START = at(TUESDAY, "10:00")


def booking_attempt(*, patient: Patient, practitioner: User, room: Room, booked_by: User):
    """Book from scratch in the thread, as a request would: every row read on its own connection."""

    def attempt() -> Appointment:
        return booking.book_appointment(
            patient=Patient.objects.get(pk=patient.pk),
            practitioner=User.objects.get(pk=practitioner.pk),
            room=Room.objects.get(pk=room.pk),
            start=START,
            minutes=30,
            booked_by=User.objects.get(pk=booked_by.pk),
        )

    return attempt


@RACE
@pytest.mark.parametrize("shared", ["practitioner", "room", "patient"])
def test_simultaneous_bookings_of_one_slot_give_one_appointment(concurrent_database, charlie, shared):
    practitioners = [UserFactory(username=f"derm{n}", role=Role.DERMATOLOGIST) for n in range(THREADS)]
    for practitioner in practitioners:
        works_all_week(practitioner)
    rooms = [RoomFactory(name=f"Room {n}") for n in range(THREADS)]
    patients = PatientFactory.create_batch(THREADS)
    # Everyone differs but for the one thing they all want at 10:00.
    if shared == "practitioner":
        practitioners = [practitioners[0]] * THREADS
    elif shared == "room":
        rooms = [rooms[0]] * THREADS
    else:
        patients = [patients[0]] * THREADS

    outcomes = race(
        [
            booking_attempt(patient=patient, practitioner=practitioner, room=room, booked_by=charlie)
            for patient, practitioner, room in zip(patients, practitioners, rooms, strict=True)
        ]
    )

    booked = [outcome for outcome in outcomes if isinstance(outcome, Appointment)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, booking.SlotTaken)]
    assert [o for o in outcomes if o not in booked and o not in refused] == [], "neither booked nor SlotTaken"
    assert len(booked) == 1
    assert len(refused) == THREADS - 1
    [winner] = booked
    assert list(Appointment.objects.values_list("pk", flat=True)) == [winner.pk]
    assert AppointmentChange.objects.count() == 1
    assert {"practitioner": winner.practitioner, "room": winner.room, "patient": winner.patient}[shared] == {
        "practitioner": practitioners[0],
        "room": rooms[0],
        "patient": patients[0],
    }[shared]


@RACE
def test_simultaneous_form_posts_book_once(concurrent_database, derek, charlie):
    works_all_week(derek)
    patients = PatientFactory.create_batch(THREADS)
    rooms = [RoomFactory(name=f"Room {n}") for n in range(THREADS)]
    clients = []
    for _ in range(THREADS):
        desk = Client()
        desk.force_login(charlie)
        clients.append(desk)

    def post(desk, patient, room):
        def attempt():
            return desk.post(
                "/appointments/new/",
                {
                    "patient": str(patient.pk),
                    "practitioner": str(derek.pk),
                    "room": str(room.pk),
                    "start": "2026-03-03T10:00",
                    "minutes": "30",
                },
            )

        return attempt

    outcomes = race([post(*args) for args in zip(clients, patients, rooms, strict=True)])

    errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert errors == [], "a request raised"
    codes = sorted(response.status_code for response in outcomes)
    assert codes == [302] + [409] * (THREADS - 1)
    for response in outcomes:
        if response.status_code == 409:
            page = html.unescape(response.content.decode())
            assert f"{derek} is already booked 10:00–10:30." in page or "booked at that time a moment ago" in page
    appointment = Appointment.objects.get()
    assert (appointment.practitioner, appointment.start) == (derek, START)
    [winner] = [response for response in outcomes if response.status_code == 302]
    assert winner["Location"] == f"/appointments/{appointment.pk}/"


ROUNDS = 4


@RACE
def test_a_cancel_and_a_move_at_once_never_bring_the_appointment_back(concurrent_database, derek, charlie, room1):
    works_all_week(derek)
    desks = []
    for _ in range(2):
        desk = Client()
        desk.force_login(charlie)
        desks.append(desk)

    for hour in range(9, 9 + ROUNDS):
        appointment = booking.book_appointment(
            patient=PatientFactory(),
            practitioner=derek,
            room=room1,
            start=at(TUESDAY, f"{hour:02d}:00"),
            minutes=30,
            booked_by=charlie,
        )
        later = {
            "practitioner": str(derek.pk),
            "room": str(room1.pk),
            "start": f"2026-03-03T{hour + 5:02d}:00",
            "minutes": "30",
        }
        cancel, move = race(
            [
                lambda pk=appointment.pk: desks[0].post(f"/appointments/{pk}/cancel/", {"reason": "Patient unwell"}),
                lambda pk=appointment.pk, later=later: desks[1].post(f"/appointments/{pk}/reschedule/", later),
            ]
        )

        assert not isinstance(cancel, BaseException) and not isinstance(move, BaseException)
        assert cancel.status_code == 302
        appointment.refresh_from_db()
        assert appointment.status == Appointment.Status.CANCELLED, "the cancel was undone"
        assert appointment.cancellation_reason == "Patient unwell"
        # The move either came first (and the cancel then freed its new slot) or was refused.
        if move.status_code != 302:
            assert move.status_code in (200, 409)
            page = html.unescape(move.content.decode())
            assert "A cancelled appointment cannot be moved." in page or "Someone changed this appointment" in page


@RACE
def test_recording_a_session_while_it_is_booked_keeps_the_record(concurrent_database, derek, charlie, room1):
    works_all_week(derek)
    for round_ in range(ROUNDS):
        # A patient per round: one face course a day is what the clinic allows.
        patient = PatientFactory()
        plan = TreatmentPlanFactory(patient=patient, created_by=derek)
        session = plan.sessions.get(number=1)
        day = max(session.earliest_date, TUESDAY)
        recorded, booked = race(
            [
                lambda session=session: record_visit_of(TreatmentSession.objects.get(pk=session.pk), by=derek),
                lambda session=session, day=day, round_=round_, patient=patient: booking.book_appointment(
                    patient=patient,
                    practitioner=derek,
                    room=room1,
                    start=at(day, f"{10 + round_:02d}:00"),
                    minutes=30,
                    session=TreatmentSession.objects.get(pk=session.pk),
                    booked_by=charlie,
                ),
            ]
        )

        assert isinstance(recorded, TreatmentSession), recorded
        assert isinstance(booked, (Appointment, ValidationError)), booked
        session.refresh_from_db()
        assert session.status == TreatmentSession.Status.DONE, "the record was undone"
        assert session.booked_for is None
        assert not Appointment.objects.filter(session=session).live().exists(), "the patient is still expected"


@RACE
def test_a_cancel_and_a_check_in_at_once_leave_one_of_them(concurrent_database, derek, charlie, room1, clinic_now):
    works_all_week(derek)
    for hour in range(9, 9 + ROUNDS):
        appointment = booking.book_appointment(
            patient=PatientFactory(),
            practitioner=derek,
            room=room1,
            start=at(clinic_now.date(), f"{hour:02d}:00"),
            minutes=30,
            booked_by=charlie,
        )
        cancelled, checked_in = race(
            [
                lambda pk=appointment.pk: booking.cancel_appointment(
                    appointment=Appointment(pk=pk), reason="Patient unwell", cancelled_by=charlie
                ),
                lambda pk=appointment.pk: booking.set_appointment_status(
                    appointment=Appointment(pk=pk), action="check_in", changed_by=charlie
                ),
            ]
        )

        winners = [o for o in (cancelled, checked_in) if isinstance(o, Appointment)]
        refused = [o for o in (cancelled, checked_in) if isinstance(o, ValidationError)]
        assert (len(winners), len(refused)) == (1, 1), (cancelled, checked_in)
        appointment.refresh_from_db()
        assert appointment.status == winners[0].status
        assert appointment.changes.count() == 2  # booked, then the winner's line only


@RACE
def test_a_session_recorded_twice_at_once_is_recorded_once(concurrent_database, derek, alice):
    plan = TreatmentPlanFactory(patient=alice, created_by=derek)
    session = plan.sessions.get(number=1)

    outcomes = race([lambda: record_visit_of(TreatmentSession.objects.get(pk=session.pk), by=derek)] * 2)

    assert sorted(type(o).__name__ for o in outcomes) == ["TreatmentSession", "ValidationError"], outcomes
    assert session.areas.count() == 1
    assert session.lots.count() == 1


@RACE
@pytest.mark.parametrize("second_expiry, recorded", [(date(2027, 6, 30), 2), (date(2027, 7, 31), 1)])
def test_one_new_lot_registered_by_two_recordings_at_once_is_one_lot(
    concurrent_database, derek, alice, bob, second_expiry, recorded
):
    ProductFactory(name="HA vial")
    sessions = [TreatmentPlanFactory(patient=p, created_by=derek).sessions.get(number=1) for p in (alice, bob)]
    expiries = [date(2027, 6, 30), second_expiry]

    outcomes = race(
        [
            lambda s=s, e=e: record_visit_of(
                TreatmentSession.objects.get(pk=s.pk), by=derek, lot_number="NEW-1", expiry=e
            )
            for s, e in zip(sessions, expiries, strict=True)
        ]
    )

    assert RegisteredLot.objects.count() == 1
    assert sum(isinstance(outcome, TreatmentSession) for outcome in outcomes) == recorded, outcomes
    refused = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert all("a lot has one expiry" in " ".join(refusal.messages) for refusal in refused), refused


@RACE
def test_recording_while_the_course_is_stopped_keeps_a_coherent_record(concurrent_database, derek):
    for _ in range(ROUNDS):
        plan = TreatmentPlanFactory(created_by=derek)
        session = plan.sessions.get(number=1)
        recorded, stopped = race(
            [
                lambda session=session: record_visit_of(TreatmentSession.objects.get(pk=session.pk), by=derek),
                lambda plan=plan: stop_course(
                    plan=TreatmentPlan.objects.get(pk=plan.pk), reason="Pregnancy", stopped_by=derek
                ),
            ]
        )

        assert isinstance(stopped, TreatmentPlan), stopped
        session.refresh_from_db()
        if isinstance(recorded, TreatmentSession):
            assert session.status == TreatmentSession.Status.DONE, "the stop undid the record"
            assert session.lots.count() == 1
        else:
            assert isinstance(recorded, ValidationError), recorded
            assert session.status == TreatmentSession.Status.CANCELLED
            assert not session.lots.exists()
        assert not plan.sessions.filter(status__in=["planned", "booked"]).exists()


@RACE
def test_a_no_show_and_a_recording_at_once_keep_the_record(concurrent_database, derek, charlie, room1, time_machine):
    """The desk marks a no-show as the patient walks in and is treated: whichever comes first,
    the record stands, the session is done (never missed) and so is its appointment."""
    works_all_week(derek)
    visits = []
    for hour in range(9, 9 + ROUNDS):
        plan = TreatmentPlanFactory(patient=PatientFactory(), created_by=derek, start_date=at(TUESDAY, "09:00").date())
        visits.append(
            booking.book_appointment(
                patient=plan.patient,
                practitioner=derek,
                room=room1,
                start=at(TUESDAY, f"{hour:02d}:00"),
                minutes=30,
                session=plan.sessions.get(number=1),
                booked_by=charlie,
            )
        )
    time_machine.move_to(at(TUESDAY, "17:00"), tick=False)  # every one of them has started

    for visit in visits:
        recorded, marked = race(
            [
                lambda pk=visit.session_id: record_visit_of(TreatmentSession.objects.get(pk=pk), by=derek),
                lambda pk=visit.pk: booking.set_appointment_status(
                    appointment=Appointment(pk=pk), action="no_show", changed_by=charlie
                ),
            ]
        )

        assert isinstance(recorded, TreatmentSession), recorded
        assert isinstance(marked, (Appointment, ValidationError)), marked
        session = TreatmentSession.objects.get(pk=visit.session_id)
        assert session.status == TreatmentSession.Status.DONE, "the no-show undid the record"
        assert session.lots.count() == 1
        visit.refresh_from_db()
        assert visit.status == Appointment.Status.DONE


@RACE
def test_two_corrections_of_one_record_at_once_keep_one_and_tell_the_other(concurrent_database, derek, alice):
    plan = TreatmentPlanFactory(patient=alice, created_by=derek)
    session = record_visit_of(plan.sessions.get(number=1), by=derek)

    def correct(notes):
        return lambda: amend_session(
            session=TreatmentSession.objects.get(pk=session.pk),
            reason="The note was entered on the wrong patient's record",
            amended_by=derek,
            amendments_seen=0,
            notes=notes,
        )

    outcomes = race([correct("Small bruise left cheek"), correct("Redness faded within the hour")])

    assert sorted(type(o).__name__ for o in outcomes) == ["RecordChanged", "SessionAmendment"], outcomes
    winner = next(o for o in outcomes if not isinstance(o, Exception))
    session.refresh_from_db()
    assert session.notes == winner.changes["notes"][1]
    assert session.amendments.count() == 1


@RACE
def test_two_corrections_of_the_areas_given_at_once_keep_one_and_tell_the_other(concurrent_database, derek, alice):
    plan = TreatmentPlanFactory(patient=alice, created_by=derek)
    session = record_visit_of(plan.sessions.get(number=1), by=derek)
    face = TreatmentArea.objects.get(name="Face")

    def correct(volume):
        return lambda: amend_session(
            session=TreatmentSession.objects.get(pk=session.pk),
            reason="The volume was typed from the plan, not read from the syringe",
            amended_by=derek,
            amendments_seen=0,
            areas=[AdministeredArea(face, Decimal(volume), "nappage")],
        )

    outcomes = race([correct("1.5"), correct("1")])

    assert sorted(type(o).__name__ for o in outcomes) == ["RecordChanged", "SessionAmendment"], outcomes
    winner = next(o for o in outcomes if not isinstance(o, Exception))
    assert [f"Face {row.volume_ml.normalize():f} mL" for row in session.areas.all()] == [winner.changes["areas"][1]]
    assert session.amendments.count() == 1
