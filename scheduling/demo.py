"""Demo rooms, working hours and a realistic spread of appointments, booked like any other."""

import random
from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinic.models import User
from clinic.roles import Role
from patients.models import Patient
from scheduling import booking, waitlist
from scheduling.courses import course_minutes
from scheduling.models import Appointment, AppointmentChange, Room, WorkingHours
from scheduling.slots import free_slots
from treatments.models import TreatmentSession

ROOMS = ["Room 1 (Lumière)", "Room 2 (Jardin)", "Room 3 (Atelier)"]
# Camille (patient.demo) books her next session herself, in the portal.
BOOKS_ONLINE = [("Camille", "Durand")]
# Booked late in their windows, on the waitlist for an earlier time.
WAITING = [("Thomas", "Roux"), ("Sophie", "Martin")]
# Her appointment, early in their windows, is the one to cancel to see the waitlist at work.
CANCELS = ("Léa", "Simon")
WORKDAY = (time(9), time(18))
# Appointments per practitioner and working day: most slots stay free.
PER_DAY = 4
WEEKS = 4


def seed(*, log: Callable[[str], None]) -> None:
    rooms = [Room.objects.get_or_create(name=name)[0] for name in ROOMS]
    dermatologists = list(User.objects.filter(groups__name=Role.DERMATOLOGIST).order_by("username"))
    for dermatologist in dermatologists:
        for weekday in range(5):
            WorkingHours.objects.get_or_create(
                practitioner=dermatologist, weekday=weekday, defaults={"start": WORKDAY[0], "end": WORKDAY[1]}
            )
    if Appointment.objects.exists():
        log(f"Demo schedule: {Appointment.objects.count()} appointments already there.")
        return
    desk = User.objects.get(username="desk.demo")
    book_course_sessions(desk)
    booked = book_spread(desk, rooms, dermatologists)
    history = record_past(desk, rooms, dermatologists)
    log(f"Demo schedule: {len(rooms)} rooms, {booked} upcoming and {history} past appointments.")
    seed_waitlist(desk, log)


def demo_patient(name: tuple[str, str]) -> Patient:
    return Patient.objects.get(first_name=name[0], last_name=name[1])


def next_session_of(patient: Patient) -> TreatmentSession:
    return (
        TreatmentSession.objects.filter(plan__patient=patient, status__in=TreatmentSession.STILL_TO_COME)
        .select_related("plan__prescriber")
        .order_by("number")
        .first()
    )


def book_course_sessions(desk: User) -> None:
    """Every active course's next planned session gets the first free slot in its window,
    but Camille's (she books it in the portal) and those of the patients on the waitlist (the
    last free slot of their window: they wait for an earlier one)."""
    online = {demo_patient(name).pk for name in BOOKS_ONLINE}
    late = {demo_patient(name).pk for name in WAITING}
    sessions = (
        TreatmentSession.objects.awaiting_booking()
        .select_related("plan__patient", "plan__prescriber")
        .order_by("plan", "number")
    )
    seen_plans = set()
    for session in sessions:
        if session.plan_id in seen_plans:
            continue
        seen_plans.add(session.plan_id)
        if session.plan.patient_id in online:
            continue
        first_day = max(session.earliest_date, timezone.localdate())
        days = [first_day + timedelta(days=n) for n in range((session.latest_date - first_day).days + 1)]
        if session.plan.patient_id in late:
            days.reverse()
        minutes = course_minutes(session.plan)
        for day in days:
            slots = [
                s
                for s in free_slots(day=day, minutes=minutes, practitioner=session.plan.prescriber)
                if s.start.hour >= 10
            ]
            if slots:
                try:
                    booking.book_appointment(
                        patient=session.plan.patient,
                        practitioner=slots[0].practitioner,
                        room=slots[0].room,
                        start=slots[0].start,
                        minutes=minutes,
                        session=session,
                        booked_by=desk,
                    )
                    break
                except (booking.SlotTaken, ValidationError):
                    pass


def seed_waitlist(desk: User, log: Callable[[str], None]) -> None:
    """The patients of WAITING wait for an earlier time, and Léa Simon has an appointment early
    in their windows: cancelled from the desk, its slot is offered to the first of them."""
    sessions = [next_session_of(demo_patient(name)) for name in WAITING]
    for session in sessions:
        waitlist.join(patient=session.plan.patient, session=session, weekdays=[], time_of_day="", joined_by=desk)
    practitioner = sessions[0].plan.prescriber
    minutes = max(course_minutes(session.plan) for session in sessions)
    earliest = max([timezone.localdate() + timedelta(days=2), *(s.booking_window()[0] for s in sessions)])
    latest = min(timezone.localtime(s.booked_for).date() - timedelta(days=1) for s in sessions)
    lea = demo_patient(CANCELS)
    for offset in range((latest - earliest).days + 1):
        day = earliest + timedelta(days=offset)
        free = [
            slot
            for slot in free_slots(day=day, minutes=minutes, practitioner=practitioner, patient=lea)
            if slot.start.hour >= 11 and all(is_free_for(s.plan.patient, slot) for s in sessions)
        ]
        if free:
            visit = booking.book_appointment(
                patient=lea,
                practitioner=practitioner,
                room=free[0].room,
                start=free[0].start,
                minutes=minutes,
                booked_by=desk,
            )
            log(f"Demo waitlist: cancel {lea.full_name}'s appointment of {booking.describe_when(visit)} to offer it.")
            return
    log("Demo waitlist: no free slot early in the waiting patients' windows.")


def is_free_for(patient: Patient, slot) -> bool:
    return not Appointment.objects.occupying().overlapping(slot.start, slot.end).filter(patient=patient).exists()


def book_spread(desk: User, rooms: list[Room], dermatologists: list[User]) -> int:
    rng = random.Random(7)
    patients = list(Patient.objects.active())
    booked = 0
    today = timezone.localdate()
    for offset in range(1, WEEKS * 7 + 1):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5 or day.weekday() in settings.CLINIC_CLOSED_WEEKDAYS:
            continue
        for dermatologist in dermatologists:
            for hour in rng.sample(range(9, 17), PER_DAY):
                start = timezone.make_aware(datetime.combine(day, time(hour, rng.choice([0, 15, 30]))))
                try:
                    booking.book_appointment(
                        patient=rng.choice(patients),
                        practitioner=dermatologist,
                        room=rng.choice(rooms),
                        start=start,
                        minutes=rng.choice([30, 45, 60]),
                        booked_by=desk,
                    )
                    booked += 1
                except (booking.SlotTaken, ValidationError):
                    continue
    return booked


def record_past(desk: User, rooms: list[Room], dermatologists: list[User]) -> int:
    """Past weeks: appointments as they were kept. The booking rules refuse the past, so
    these are entered as history, each with its booking in the change log."""
    rng = random.Random(11)
    patients = list(Patient.objects.active())
    today = timezone.localdate()
    created = []
    for offset in range(WEEKS * 7, 0, -1):
        day = today - timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for index, dermatologist in enumerate(dermatologists):
            for slot, hour in enumerate(sorted(rng.sample(range(9, 17), PER_DAY))):
                start = timezone.make_aware(datetime.combine(day, time(hour)))
                status = rng.choices(
                    [Appointment.Status.DONE, Appointment.Status.NO_SHOW, Appointment.Status.CANCELLED], [17, 1, 2]
                )[0]
                created.append(
                    Appointment(
                        patient=patients[(offset * 7 + index * 3 + slot) % len(patients)],
                        practitioner=dermatologist,
                        room=rooms[index % len(rooms)],
                        start=start,
                        end=start + timedelta(minutes=30),
                        status=status,
                        cancellation_reason="Patient unwell" if status == Appointment.Status.CANCELLED else "",
                        booked_by=desk,
                    )
                )
    Appointment.objects.bulk_create(created)
    AppointmentChange.objects.log_each(created, by=desk, description="Booked")
    return len(created)
