"""The generated clinic's appointments and its courses of sessions (bench/scale_clinic.py
makes the people, rooms and catalogue they use; see its docstring for the invariants kept).

Schedule is the half of scale_clinic.Generator that books: it reads the staff, rooms,
patients and cocktail templates the other half made (self.practitioners, self.rooms,
self.shifts, self.patients, self.protocols…) and writes appointments, courses, sessions and
their history with bulk inserts.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from scheduling.models import Appointment, AppointmentChange
from treatments import plans
from treatments.models import (
    Formulation,
    FormulationLine,
    Lot,
    PlanArea,
    Product,
    SessionArea,
    SessionLot,
    TreatmentPlan,
    TreatmentSession,
)
from treatments.series import plan_series

BATCH = 5000
# Appointments are booked this far ahead, fewer the further out.
FUTURE_DAYS = 56
# Minutes of an appointment and how often each is booked.
LENGTHS = ([30, 45, 60], [60, 25, 15])
# Past appointments that did not happen, and how often the freed slot was given to someone else.
CANCELLED, NO_SHOW, REBOOKED = 0.07, 0.04, 0.6
CANCEL_REASONS = ["Patient unwell", "Work commitment", "Asked to move it", "Childcare", "Transport strike"]
# Indications weighted as a clinic sees them, and the share of live appointments that are course sessions.
PROTOCOL_WEIGHTS = {
    "Skin rejuvenation": 35,
    "Hair loss": 25,
    "Melasma (tranexamic acid cocktail)": 15,
    "Dark circles": 15,
    "Body / cellulite": 10,
}
COURSE_SHARE = 0.6
PRODUCTS = [
    ("Hyaluronic acid 20 mg/mL, 2 mL vial", "HA"),
    ("Polyvitamin solution, 5 mL ampoule", "VIT"),
    ("Organic silicon 5 %, 5 mL ampoule", "SIL"),
    ("Amino-acid complex, 2 mL ampoule", "AA"),
]

BENCH_REACTIONS = [["none"], ["redness"], ["redness", "swelling"], ["bruising"]]


@dataclass
class Slot:
    """One appointment of the generated schedule, before it becomes a row."""

    day: date
    start: datetime
    minutes: int
    practitioner: int
    room: int
    status: str
    patient: int | None = None
    session: TreatmentSession | None = None
    reason: str = ""


@dataclass
class Totals:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, rows: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + rows


def bulk(model, rows: list, totals: Totals, label: str) -> list:
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    totals.add(label, len(rows))
    return created


class Schedule:
    """The schedule, the courses booked into it and the appointments written from it."""

    # The schedule

    def occupancy(self, day: date) -> float:
        """How full the rooms are: high in the past, thinning out over the weeks ahead."""
        if day <= self.today:
            return 0.9
        return max(0.15, 0.9 - 0.75 * (day - self.today).days / FUTURE_DAYS)

    def make_schedule(self) -> list[Slot]:
        """Sweep each open day on the 15-minute grid: a free room takes an appointment with a
        practitioner who works then and is free, or stays empty a quarter hour."""
        rng = self.rng
        slots = []
        day = self.first_day
        while day <= self.last_day:
            if day.weekday() not in self.closed and day not in self.holidays:
                slots.extend(self.schedule_day(day, rng))
            day += timedelta(days=1)
        # Cancelled and no-show appointments; a cancelled slot is often given to someone else.
        extra = []
        for slot in slots:
            past = slot.start < self.now
            draw = rng.random()
            if draw < CANCELLED:
                slot.status = Appointment.Status.CANCELLED
                slot.reason = rng.choice(CANCEL_REASONS)
                if rng.random() < (REBOOKED if past else 0.3):
                    extra.append(
                        Slot(slot.day, slot.start, slot.minutes, slot.practitioner, slot.room, self.live_status(slot))
                    )
            elif past and draw < CANCELLED + NO_SHOW:
                slot.status = Appointment.Status.NO_SHOW
        slots.extend(extra)
        return slots

    def live_status(self, slot: Slot) -> str:
        end = slot.start + timedelta(minutes=slot.minutes)
        if end <= self.now:
            return Appointment.Status.DONE
        if slot.start <= self.now:
            return Appointment.Status.CHECKED_IN
        return Appointment.Status.BOOKED

    def schedule_day(self, day: date, rng: random.Random) -> list[Slot]:
        working = {
            index: week[day.weekday()]
            for index, week in enumerate(self.shifts)
            if day.weekday() in week and day not in self.away[index]
        }
        if not working:
            return []
        opening = min(start for intervals in working.values() for start, _ in intervals)
        closing = max(end for intervals in working.values() for _, end in intervals)
        practitioner_free = dict.fromkeys(working, 0)
        room_free = [0] * len(self.rooms)
        fill = self.occupancy(day)
        midnight = local_moment(day, 0)
        slots = []
        for minute in range(opening, closing, 15):
            for room in rng.sample(range(len(self.rooms)), len(self.rooms)):
                if room_free[room] > minute:
                    continue
                if rng.random() > fill:
                    room_free[room] = minute + 15
                    continue
                wanted = rng.choices(*LENGTHS)[0]
                for minutes in sorted({wanted, 30}, reverse=True):
                    free = [
                        index
                        for index, intervals in working.items()
                        if practitioner_free[index] <= minute
                        and any(start <= minute and minute + minutes <= end for start, end in intervals)
                    ]
                    if free:
                        break
                if not free:
                    continue
                practitioner = rng.choice(free)
                practitioner_free[practitioner] = room_free[room] = minute + minutes
                start = midnight + timedelta(minutes=minute)
                slot = Slot(day, start, minutes, practitioner, room, "")
                slot.status = self.live_status(slot)
                slots.append(slot)
        return slots

    # Courses of sessions

    def make_courses(self, slots: list[Slot]) -> None:
        """Courses start on random days; each session takes a free live appointment inside
        its window (the prescriber's if there is one), spaced by treatments.series from the
        day the previous one really happened. Patients without a course fill the rest."""
        rng = self.rng
        live = [slot for slot in slots if slot.status in Appointment.LIVE]
        open_by_day = defaultdict(list)
        for slot in live:
            open_by_day[slot.day].append(slot)
        for day_slots in open_by_day.values():
            rng.shuffle(day_slots)
        self.busy_days = defaultdict(set)  # patient index -> days with a live appointment
        names = list(PROTOCOL_WEIGHTS)
        weights = list(PROTOCOL_WEIGHTS.values())
        mean_sessions = sum(
            self.protocols[name][0].sessions * weight for name, weight in PROTOCOL_WEIGHTS.items()
        ) / sum(weights)
        course_count = min(int(len(live) * COURSE_SHARE / mean_sessions), self.patient_count)
        span = (self.last_day - self.first_day).days - 14
        starts = sorted(self.first_day + timedelta(days=rng.randrange(span)) for _ in range(course_count))
        course_patients = rng.sample(range(self.patient_count), course_count)
        formulations, lines, courses, areas, sessions, session_areas, lots = [], [], [], [], [], [], []
        for patient_index, start_date in zip(course_patients, starts, strict=True):
            protocol, template = self.protocols[rng.choices(names, weights)[0]]
            patient = self.patients[patient_index]
            prescriber = rng.randrange(len(self.practitioners))
            formulation = Formulation(
                name=f"{template.name} — {patient.full_name}",
                indication=template.indication,
                patient=patient,
                total_volume_ml=template.total_volume_ml,
                created_by=self.practitioners[prescriber],
                created_at=local_moment(start_date, 8 * 60),
            )
            formulations.append(formulation)
            for line in self.template_lines[template.pk]:
                lines.append(
                    FormulationLine(
                        formulation=formulation, ingredient=line.ingredient, amount=line.amount, unit=line.unit
                    )
                )
            plan = TreatmentPlan(
                patient=patient,
                prescriber=self.practitioners[prescriber],
                protocol=protocol,
                indication=protocol.indication,
                formulation=formulation,
                sessions_planned=protocol.sessions,
                interval_days=protocol.interval_days,
                min_days=protocol.min_days,
                max_days=protocol.max_days,
                maintenance_interval_days=protocol.maintenance_interval_days,
                maintenance_count=protocol.maintenance_count,
                start_date=start_date,
                created_by=self.practitioners[prescriber],
                created_at=local_moment(start_date, 8 * 60),
            )
            courses.append(plan)
            plan_areas = [
                PlanArea(plan=plan, area=area, volume_ml=area.typical_volume_ml)
                for area in protocol.default_areas.all()
            ]
            areas.extend(plan_areas)
            self.book_course(plan, patient_index, prescriber, plan_areas, open_by_day, sessions, session_areas, lots)
        # Appointments that are not course sessions: a consultation or a one-off, any patient
        # who is free that day.
        for slot in slots:
            if slot.patient is None:
                slot.patient = self.free_patient(slot)
        slots[:] = [slot for slot in slots if slot.patient is not None]
        # A cocktail version is frozen from the first session that used it.
        for session in sessions:
            if session.status == TreatmentSession.Status.DONE:
                formulation = session.formulation
                if formulation.frozen_at is None or session.done_at < formulation.frozen_at:
                    formulation.frozen_at = session.done_at
        self.log(f"Courses planned: {len(courses):,}; writing them.")
        bulk(Formulation, formulations, self.totals, "patients' cocktails")
        bulk(FormulationLine, lines, self.totals, "cocktail lines")
        bulk(TreatmentPlan, courses, self.totals, "courses")
        bulk(PlanArea, areas, self.totals, "course areas")
        bulk(TreatmentSession, sessions, self.totals, "course sessions")
        self.totals.add(
            "  of which done", sum(1 for session in sessions if session.status == TreatmentSession.Status.DONE)
        )
        bulk(SessionArea, session_areas, self.totals, "session areas (recorded)")
        bulk(SessionLot, lots, self.totals, "session lots (recorded)")

    def free_patient(self, slot: Slot) -> int | None:
        """A random patient with no other live appointment that day (a cancelled or missed
        appointment blocks nobody); None when everyone is busy, and the slot stays empty."""
        first = self.rng.randrange(self.patient_count)
        for offset in range(self.patient_count):
            candidate = (first + offset) % self.patient_count
            if slot.status not in Appointment.LIVE:
                return candidate
            if slot.day not in self.busy_days[candidate]:
                self.busy_days[candidate].add(slot.day)
                return candidate
        return None

    def book_course(self, plan, patient_index, prescriber, plan_areas, open_by_day, sessions, session_areas, lots):
        rules = plans.rules_of(plan)
        known: dict[int, date] = {}
        made: dict[int, TreatmentSession] = {}
        stopped = False
        while True:
            series = plan_series(rules, plan.start_date, known, strict=False)
            todo = [planned for planned in series if planned.number not in known and planned.number not in made]
            if not todo or stopped:
                break
            planned = todo[0]
            session = TreatmentSession(
                plan=plan,
                number=planned.number,
                maintenance=planned.maintenance,
                target_date=planned.target,
                earliest_date=planned.earliest,
                latest_date=planned.latest,
            )
            made[planned.number] = session
            slot = self.take_slot(planned, patient_index, prescriber, open_by_day)
            if slot is None:
                if planned.latest < self.today - timedelta(days=30):
                    # Never came back: the course was stopped, as the dermatologist would.
                    plan.status = TreatmentPlan.Status.STOPPED
                    plan.stop_reason = f"Did not come back for session {planned.number}"
                    session.status = TreatmentSession.Status.CANCELLED
                    stopped = True
                else:
                    break  # waits to be booked; later sessions depend on its day
                continue
            slot.patient, slot.session = patient_index, session
            session.target_date = slot.day
            known[planned.number] = slot.day
            if slot.status == Appointment.Status.DONE:
                self.record(session, plan, slot, plan_areas, session_areas, lots)
            else:
                # Booked by its live appointment: the session keeps when and with whom.
                session.status = TreatmentSession.Status.BOOKED
                session.booked_for, session.booked_with = slot.start, self.practitioners[slot.practitioner]
        # Sessions still to come keep the dates the series gives them now.
        final = {planned.number: planned for planned in plan_series(rules, plan.start_date, known, strict=False)}
        for number, planned in final.items():
            if number not in made:
                made[number] = TreatmentSession(
                    plan=plan,
                    number=number,
                    maintenance=planned.maintenance,
                    target_date=planned.target,
                    earliest_date=planned.earliest,
                    latest_date=planned.latest,
                    status=TreatmentSession.Status.CANCELLED if stopped else TreatmentSession.Status.PLANNED,
                )
        statuses = {session.status for session in made.values()}
        if plan.status != TreatmentPlan.Status.STOPPED and statuses == {TreatmentSession.Status.DONE}:
            plan.status = TreatmentPlan.Status.COMPLETED
        sessions.extend(made[number] for number in sorted(made))

    def take_slot(self, planned, patient_index, prescriber, open_by_day) -> Slot | None:
        busy = self.busy_days[patient_index]
        span = (planned.latest - planned.earliest).days
        days = sorted(
            (planned.earliest + timedelta(days=n) for n in range(span + 1)), key=lambda d: abs(d - planned.target)
        )
        for day in days:
            if day in busy or day > self.last_day:
                continue
            candidates = open_by_day.get(day)
            if not candidates:
                continue
            choice = next((slot for slot in candidates if slot.practitioner == prescriber), candidates[-1])
            candidates.remove(choice)
            busy.add(day)
            return choice
        return None

    def record(self, session, plan, slot, plan_areas, session_areas, lots) -> None:
        rng = self.rng
        practitioner = self.practitioners[slot.practitioner]
        session.status = TreatmentSession.Status.DONE
        session.done_at = slot.start
        session.practitioner = practitioner
        session.formulation = plan.formulation
        session.reactions = rng.choices(BENCH_REACTIONS, [45, 40, 10, 5])[0]
        session.notes = rng.choice(["", "", "Well tolerated.", "Slight discomfort on the first injections."])
        session.recorded_by = practitioner
        session.recorded_at = slot.start + timedelta(minutes=slot.minutes)
        for planned in plan_areas:
            session_areas.append(
                SessionArea(
                    session=session, area=planned.area, volume_ml=planned.volume_ml, technique=planned.area.technique
                )
            )
        # A new lot of each product every month: a recall finds a month's patients.
        for product, code in rng.sample(PRODUCTS, rng.choice([1, 2, 2, 3])):
            month = slot.day.replace(day=1)
            number = f"{code}{month:%y%m}-{(month.month * 37 + len(code)) % 900 + 100}"
            lots.append(SessionLot(session=session, lot=self.bench_lot(product, number, month + timedelta(days=540))))

    def bench_lot(self, product: str, number: str, expiry: date) -> Lot:
        """The catalogue product and registered lot the benchmark records, each made once."""
        known = self.__dict__.setdefault("registered_lots", {})
        if (product, number) not in known:
            product_row, _ = Product.objects.get_or_create(name=product)
            known[product, number], _ = Lot.objects.get_or_create(
                product=product_row, lot_number=number, defaults={"expiry_date": expiry}
            )
        return known[product, number]

    def write_appointments(self, slots: list[Slot]) -> None:
        appointments, changes = [], []
        rng = self.rng
        for slot in sorted(slots, key=lambda s: s.start):
            practitioner, room = self.practitioners[slot.practitioner], self.rooms[slot.room]
            appointment = Appointment(
                patient=self.patients[slot.patient],
                practitioner=practitioner,
                room=room,
                start=slot.start,
                end=slot.start + timedelta(minutes=slot.minutes),
                session=slot.session,
                status=slot.status,
                booked_by=self.desk,
                cancellation_reason=slot.reason,
            )
            appointments.append(appointment)
            booked_at = slot.start - timedelta(days=rng.randrange(1, 40), minutes=rng.randrange(600))
            local = timezone.localtime(slot.start)
            changes.append(
                AppointmentChange(
                    appointment=appointment,
                    changed_by=self.desk,
                    changed_at=min(booked_at, self.now),
                    description=f"Booked {local:%a %d/%m/%Y %H:%M}–{timezone.localtime(appointment.end):%H:%M} "
                    f"with {practitioner} in {room}",
                )
            )
            if slot.status == Appointment.Status.CANCELLED:
                changes.append(
                    AppointmentChange(
                        appointment=appointment,
                        changed_by=self.desk,
                        changed_at=min(booked_at + (slot.start - booked_at) / 2, self.now),
                        description=f"Cancelled: {slot.reason}",
                    )
                )
            elif slot.status == Appointment.Status.NO_SHOW:
                changes.append(
                    AppointmentChange(
                        appointment=appointment,
                        changed_by=self.desk,
                        changed_at=slot.start,
                        description="Marked as no-show",
                    )
                )
        self.log(f"Appointments planned: {len(appointments):,}; writing them.")
        bulk(Appointment, appointments, self.totals, "appointments")
        for status in Appointment.Status:
            self.totals.add(f"  {status.label.lower()}", sum(1 for a in appointments if a.status == status))
        self.totals.add("  course sessions", sum(1 for a in appointments if a.session is not None))
        bulk(AppointmentChange, changes, self.totals, "appointment changes")


def minute_time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def local_moment(day: date, minutes: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, minute_time(minutes)))
