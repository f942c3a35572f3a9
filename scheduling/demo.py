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
from scheduling import booking
from scheduling.models import Appointment, AppointmentChange, Room, WorkingHours
from scheduling.slots import free_slots
from treatments.models import TreatmentSession

ROOMS = ["Room 1 (Lumière)", "Room 2 (Jardin)", "Room 3 (Atelier)"]
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


def book_course_sessions(desk: User) -> None:
    """Every active course's next planned session gets the first free slot in its window."""
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
        day = max(session.earliest_date, timezone.localdate())
        while day <= session.latest_date:
            slots = [
                s for s in free_slots(day=day, minutes=30, practitioner=session.plan.prescriber) if s.start.hour >= 10
            ]
            if slots:
                try:
                    booking.book_appointment(
                        patient=session.plan.patient,
                        practitioner=slots[0].practitioner,
                        room=slots[0].room,
                        start=slots[0].start,
                        minutes=30,
                        session=session,
                        booked_by=desk,
                    )
                    break
                except (booking.SlotTaken, ValidationError):
                    pass
            day += timedelta(days=1)


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
