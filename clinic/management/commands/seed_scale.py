"""A clinic at scale for the benchmark: years of appointments, courses and recorded sessions.

    python manage.py seed_scale --patients 50000 --years 3

Everything goes in with bulk inserts (the write functions would take hours at this size),
but the rows keep the invariants those functions keep: appointments on the 15-minute grid
inside the practitioners' working hours, never overlapping for a practitioner, a room or a
patient while live (PostgreSQL's exclusion constraints would refuse it anyway), a course's
sessions spaced by treatments.series and booked inside their windows, done sessions with
their cocktail frozen, volumes and lot numbers. The random generator is seeded: the same
arguments on the same day give the same clinic.

The rooms, not the number of appointments asked for, set the size: six rooms open about 60
hours a week hold about 150 appointments a day. See docs/performance.md for the arithmetic.
"""

import random
import time as clock
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from clinic.models import User
from clinic.roles import Role
from patients.models import Contraindication, Patient, name_key, phone_digits
from scheduling.models import Appointment, AppointmentChange, Room, TimeOff, WorkingHours
from treatments import plans
from treatments.cocktails import LineSpec, compose_formulation
from treatments.demo import PROTOCOL_TEMPLATES, TEMPLATES, link_protocol_templates
from treatments.models import (
    AftercareTopic,
    Formulation,
    FormulationLine,
    Ingredient,
    PlanArea,
    Protocol,
    SessionArea,
    SessionLot,
    TreatmentArea,
    TreatmentPlan,
    TreatmentSession,
)
from treatments.series import plan_series

# Every account this command makes starts with this; the desk account marks a seeded database.
PREFIX = "scale."
DESK_USERNAME = "scale.desk"
SCALE_PASSWORD = "mesoplan-scale"
BATCH = 5000
SEED = 20240917
# Appointments are booked this far ahead, fewer the further out.
FUTURE_DAYS = 56
ROOM_NAMES = ["Lumière", "Jardin", "Atelier", "Horizon", "Azur", "Verger", "Opale", "Cèdre", "Iris", "Tilleul"]
# Minutes of an appointment and how often each is booked.
LENGTHS = ([30, 45, 60], [60, 25, 15])
# Shifts (minutes from midnight): two patterns with the lunch break staggered, and Saturday mornings.
SHIFTS = [[(8 * 60, 13 * 60), (14 * 60, 19 * 60)], [(9 * 60, 13 * 60 + 30), (14 * 60 + 30, 20 * 60)]]
SATURDAY = [(9 * 60, 14 * 60)]
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
HOLIDAYS = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]


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


class Command(BaseCommand):
    help = "Fill the database with a large, realistic clinic for the benchmark (bulk inserts, PostgreSQL)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--patients", type=int, default=50_000)
        parser.add_argument("--years", type=int, default=3, help="Years of history before today.")
        parser.add_argument("--practitioners", type=int, default=10)
        parser.add_argument("--rooms", type=int, default=6)
        parser.add_argument("--seed", type=int, default=SEED)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete a clinic this command generated before and generate it again.",
        )
        parser.add_argument(
            "--allow-any-database",
            action="store_true",
            help="Run on a database other than PostgreSQL (tests use it with tiny numbers on SQLite).",
        )

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql" and not options["allow_any_database"]:
            raise CommandError(
                f"seed_scale is meant for PostgreSQL (this is {connection.vendor}); "
                "pass --allow-any-database to run it anyway."
            )
        if options["patients"] < 1 or options["years"] < 1 or options["practitioners"] < 1 or options["rooms"] < 1:
            raise CommandError("--patients, --years, --practitioners and --rooms must be at least 1.")
        started = clock.perf_counter()
        seeded = User.objects.filter(username=DESK_USERNAME).exists()
        if seeded and not options["replace"]:
            raise CommandError("This database already holds a generated clinic; pass --replace to generate it again.")
        foreign = data_not_ours()
        if foreign:
            raise CommandError(f"This database holds data seed_scale did not create ({foreign}); it will not touch it.")
        with transaction.atomic():
            if seeded:
                wipe()
                self.stdout.write("Deleted the previously generated clinic.")
            totals = Generator(options, log=self.stdout.write).run()
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would give them later: the planner needs them.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = clock.perf_counter() - started
        for label, rows in totals.counts.items():
            self.stdout.write(f"  {label:<32} {rows:>9,}")
        self.stdout.write(
            self.style.SUCCESS(f"Generated in {elapsed:.0f} s. Sign in as {DESK_USERNAME} / {SCALE_PASSWORD}.")
        )


def data_not_ours() -> str:
    """What in the database this command did not make, in words; empty when nothing."""
    ours = User.objects.filter(username__startswith=PREFIX)
    checks = [
        ("accounts", User.objects.exclude(username__startswith=PREFIX)),
        ("patients", Patient.objects.exclude(registered_by__in=ours)),
        ("appointments", Appointment.objects.exclude(booked_by__in=ours)),
        ("courses", TreatmentPlan.objects.exclude(created_by__in=ours)),
        ("cocktails", Formulation.objects.exclude(created_by__in=ours)),
    ]
    return ", ".join(label for label, queryset in checks if queryset.exists())


def wipe() -> None:
    """Delete every row a previous run made (data_not_ours() said there is nothing else):
    everything in the three apps but the catalogues the migrations load. Raw deletes: the
    models refuse to delete used cocktails, rightly so in the application, and these rows
    were never anyone's records. Foreign keys are checked at commit, so order does not matter."""
    Protocol.objects.update(default_formulation=None)
    keep = {Ingredient, TreatmentArea, Protocol, Protocol.default_areas.through, Contraindication, AftercareTopic}
    keep.add(Contraindication.ingredients.through)
    for label in ("patients", "treatments", "scheduling"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model not in keep:
                model.objects.all()._raw_delete(connection.alias)
    # What else points at the accounts (sign-in records, calendar feeds) goes with them.
    User.objects.filter(username__startswith=PREFIX).delete()


def bulk(model, rows: list, totals: Totals, label: str) -> list:
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    totals.add(label, len(rows))
    return created


class Generator:
    def __init__(self, options: dict, log) -> None:
        self.rng = random.Random(options["seed"])
        self.patient_count = options["patients"]
        self.years = options["years"]
        self.practitioner_count = options["practitioners"]
        self.room_count = options["rooms"]
        self.log = log
        self.totals = Totals()
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.first_day = self.today - timedelta(days=365 * self.years)
        self.last_day = self.today + timedelta(days=FUTURE_DAYS)
        self.closed = settings.CLINIC_CLOSED_WEEKDAYS

    def run(self) -> Totals:
        self.make_staff()
        self.make_rooms_and_hours()
        self.make_patients()
        self.make_templates()
        slots = self.make_schedule()
        self.make_courses(slots)
        self.write_appointments(slots)
        return self.totals

    # People and places

    def make_staff(self) -> None:
        from faker import Faker

        self.fake = Faker("fr_FR")
        self.fake.seed_instance(self.rng.randrange(10**9))
        password = make_password(SCALE_PASSWORD)
        self.desk = User(
            username=DESK_USERNAME,
            first_name="Élodie",
            last_name="Marchand",
            password=password,
            email="desk@example.org",
        )
        self.practitioners = [
            User(
                username=f"{PREFIX}dr{number:02d}",
                first_name=self.fake.first_name(),
                last_name=self.fake.last_name(),
                email=f"dr{number:02d}@example.org",
                password=password,
            )
            for number in range(1, self.practitioner_count + 1)
        ]
        bulk(User, [self.desk, *self.practitioners], self.totals, "staff accounts")
        Group.objects.get(name=Role.FRONT_DESK).user_set.add(self.desk)
        Group.objects.get(name=Role.DERMATOLOGIST).user_set.add(*self.practitioners)

    def make_rooms_and_hours(self) -> None:
        names = [f"Room {n} ({ROOM_NAMES[(n - 1) % len(ROOM_NAMES)]})" for n in range(1, self.room_count + 1)]
        bulk(Room, [Room(name=name) for name in names], self.totals, "rooms")
        self.rooms = list(Room.objects.filter(name__in=names).order_by("id"))
        # shifts[practitioner index][weekday] = [(start minute, end minute), ...]
        self.shifts = []
        hours = []
        for index, practitioner in enumerate(self.practitioners):
            week = {}
            for weekday in range(5):
                if weekday != index % 5 and weekday not in self.closed:  # one weekday off each
                    week[weekday] = SHIFTS[index % 2]
            if index % 3 == 0 and 5 not in self.closed:
                week[5] = SATURDAY
            self.shifts.append(week)
            for weekday, intervals in week.items():
                for start, end in intervals:
                    hours.append(
                        WorkingHours(
                            practitioner=practitioner, weekday=weekday, start=minute_time(start), end=minute_time(end)
                        )
                    )
        bulk(WorkingHours, hours, self.totals, "working hours")
        # Each practitioner is away two fortnights a year; the clinic closes on public holidays.
        self.away = defaultdict(set)  # practitioner index -> days
        time_off = []
        for index, practitioner in enumerate(self.practitioners):
            for year_start in range(0, (self.last_day - self.first_day).days, 365):
                for _ in range(2):
                    first = self.first_day + timedelta(days=year_start + self.rng.randrange(350))
                    days = [first + timedelta(days=n) for n in range(14)]
                    self.away[index].update(days)
                    time_off.append(
                        TimeOff(
                            practitioner=practitioner,
                            start=local_moment(days[0], 0),
                            end=local_moment(days[-1] + timedelta(days=1), 0),
                            reason="Holiday",
                        )
                    )
        self.holidays = set()
        for year in range(self.first_day.year, self.last_day.year + 1):
            for month, day in HOLIDAYS:
                holiday = date(year, month, day)
                if self.first_day <= holiday <= self.last_day:
                    self.holidays.add(holiday)
                    time_off.append(
                        TimeOff(
                            start=local_moment(holiday, 0),
                            end=local_moment(holiday + timedelta(days=1), 0),
                            reason="Public holiday",
                        )
                    )
        bulk(TimeOff, time_off, self.totals, "time off")

    def make_patients(self) -> None:
        fake, rng = self.fake, self.rng
        firsts = {
            "female": [fake.first_name_female() for _ in range(400)],
            "male": [fake.first_name_male() for _ in range(400)],
        }
        lasts = [fake.last_name() for _ in range(1500)]
        cities = [(fake.postcode(), fake.city()) for _ in range(300)]
        streets = [fake.street_name() for _ in range(800)]
        rows = []
        for number in range(self.patient_count):
            sex = rng.choices(["female", "male", "other"], [78, 21, 1])[0]
            first = rng.choice(firsts["female" if sex == "other" else sex])
            last = rng.choice(lasts)
            postcode, city = rng.choice(cities)
            born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 56))
            email = f"{fold_ascii(first)}.{fold_ascii(last)}{number}@example.org" if rng.random() < 0.85 else ""
            phone = (
                f"0{rng.choice('67')} {number // 10**6 % 100:02d} {number // 10**4 % 100:02d} "
                f"{number // 100 % 100:02d} {number % 100:02d}"
            )
            rows.append(
                Patient(
                    first_name=first,
                    last_name=last,
                    name_key=name_key(first, last),
                    phone_digits=phone_digits(phone),
                    date_of_birth=born,
                    sex=sex,
                    phone=phone,
                    email=email,
                    address=f"{rng.randrange(1, 180)} {rng.choice(streets)}\n{postcode} {city}",
                    skin_type=rng.choices([1, 2, 3, 4, 5, 6, None], [5, 25, 35, 18, 7, 3, 7])[0],
                    consent_signed_on=self.first_day + timedelta(days=rng.randrange(365 * self.years))
                    if rng.random() < 0.9
                    else None,
                    consent_recorded_by=self.desk,
                    registered_by=self.desk,
                )
            )
        self.patients = bulk(Patient, rows, self.totals, "patients")

    def make_templates(self) -> None:
        """The clinic's five cocktail templates (the demo's, on the migrations' catalogue)."""
        ingredients = {ingredient.name: ingredient for ingredient in Ingredient.objects.all()}
        templates = {}
        for name, indication, volume, lines in TEMPLATES:
            templates[name] = compose_formulation(
                name=name,
                indication=indication,
                total_volume_ml=Decimal(volume),
                lines=[LineSpec(ingredients[ingredient], Decimal(amount), unit) for ingredient, amount, unit in lines],
                created_by=self.practitioners[0],
            )
        self.totals.add("clinic cocktail templates", len(templates))
        link_protocol_templates(templates)
        self.protocols = {
            protocol.name: (protocol, templates[PROTOCOL_TEMPLATES[protocol.name]])
            for protocol in Protocol.objects.filter(name__in=PROTOCOL_TEMPLATES).prefetch_related("default_areas")
        }
        self.template_lines = {
            template.pk: list(template.lines.select_related("ingredient")) for template in templates.values()
        }

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
                session.status = TreatmentSession.Status.BOOKED
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
        session.reaction = rng.choices(["none", "redness", "swelling", "bruising"], [45, 40, 10, 5])[0]
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
            lots.append(
                SessionLot(
                    session=session,
                    product=product,
                    lot_number=f"{code}{month:%y%m}-{(month.month * 37 + len(code)) % 900 + 100}",
                    expiry_date=month + timedelta(days=540),
                )
            )

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


def fold_ascii(text: str) -> str:
    return "".join(c for c in name_key(text, "").strip() if c.isalnum())
