"""A clinic at scale for the benchmark: years of appointments, courses and recorded sessions.

    DJANGO_SETTINGS_MODULE=bench.settings python manage.py seed_scale --patients 50000 --years 3

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
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from bench.scale_schedule import FUTURE_DAYS, Schedule, Totals, bulk, local_moment, minute_time
from clinic.models import User
from clinic.roles import Role
from consents.models import ConsentForm, ConsentSignature, ConsentVersion
from consents.signing import SYSTEM_USERNAME, text_sha256
from patients.models import Contraindication, Patient, name_key, phone_digits
from scheduling.models import Appointment, Room, TimeOff, WorkingHours
from treatments.cocktails import LineSpec, compose_formulation
from treatments.demo import PROTOCOL_TEMPLATES, TEMPLATES, link_protocol_templates
from treatments.models import (
    AftercareTopic,
    Allergen,
    Allergy,
    Formulation,
    Ingredient,
    Protocol,
    TreatmentArea,
    TreatmentPlan,
)

# Every account this command makes starts with this; the desk account marks a seeded database.
PREFIX = "scale."
DESK_USERNAME = "scale.desk"
SCALE_PASSWORD = "mesoplan-scale"
SEED = 20240917
ROOM_NAMES = ["Lumière", "Jardin", "Atelier", "Horizon", "Azur", "Verger", "Opale", "Cèdre", "Iris", "Tilleul"]
# Shifts (minutes from midnight): two patterns with the lunch break staggered, and Saturday mornings.
SHIFTS = [[(8 * 60, 13 * 60), (14 * 60, 19 * 60)], [(9 * 60, 13 * 60 + 30), (14 * 60 + 30, 20 * 60)]]
SATURDAY = [(9 * 60, 14 * 60)]
HOLIDAYS = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]


def data_not_ours() -> str:
    """What in the database this command did not make, in words; empty when nothing."""
    ours = User.objects.filter(username__startswith=PREFIX)
    checks = [
        # The application's own account publishes the seeded consent forms.
        ("accounts", User.objects.exclude(username__startswith=PREFIX).exclude(username=SYSTEM_USERNAME)),
        ("patients", Patient.objects.exclude(registered_by__in=ours)),
        # It records none; one recorded by another account or by no one is someone's, even on its patients.
        ("allergies", Allergy.objects.exclude(recorded_by__in=ours)),
        ("appointments", Appointment.objects.exclude(booked_by__in=ours)),
        ("courses", TreatmentPlan.objects.exclude(created_by__in=ours)),
        ("cocktails", Formulation.objects.exclude(created_by__in=ours)),
    ]
    return ", ".join(label for label, queryset in checks if queryset.exists())


def wipe() -> None:
    """Delete every row a previous run made (data_not_ours() said there is nothing else):
    everything in the three apps but the catalogues the migrations load (allergies and
    conditions are patient data: they go with the patients). Raw deletes: the models refuse
    to delete used cocktails, rightly so in the application, and these rows were never
    anyone's records. Foreign keys are checked at commit, so order does not matter."""
    Protocol.objects.update(default_formulation=None)
    keep = {Ingredient, TreatmentArea, Protocol, Protocol.default_areas.through, Contraindication, AftercareTopic}
    keep |= {Ingredient.contraindications.through, Allergen, Allergen.ingredients.through}
    keep |= {ConsentForm, ConsentForm.protocols.through, ConsentForm.history.model, ConsentVersion}
    for label in ("patients", "treatments", "scheduling", "consents"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model not in keep:
                model.objects.all()._raw_delete(connection.alias)
    # What else points at the accounts (sign-in records, calendar feeds) goes with them.
    User.objects.filter(username__startswith=PREFIX).delete()


def generate(options: dict, *, replace: bool, log) -> Totals:
    """The clinic, in one transaction (after deleting the one generated before when `replace`)."""
    with transaction.atomic():
        if replace:
            wipe()
            log("Deleted the previously generated clinic.")
        totals = Generator(options, log=log).run()
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would give them later: the planner needs them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return totals


class Generator(Schedule):
    """Makes the people, places and catalogue; Schedule books them."""

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
                    registered_by=self.desk,
                )
            )
        self.patients = bulk(Patient, rows, self.totals, "patients")
        self.make_paper_consents()

    def make_paper_consents(self) -> None:
        """Nine patients in ten signed the treatment consent on paper some day of the years
        generated, as the desk records it from the chart."""
        rng = self.rng
        version = ConsentForm.objects.filter(purpose=ConsentForm.Purpose.TREATMENT).earliest("pk").current_version()
        digest = {language: text_sha256(version, language) for language, _name in settings.LANGUAGES}
        rows = [
            ConsentSignature(
                patient=patient,
                version=version,
                language=patient.preferred_language,
                text_sha256=digest[patient.preferred_language],
                method=ConsentSignature.Method.PAPER,
                channel=ConsentSignature.Channel.PAPER,
                signed_at=local_moment(self.first_day + timedelta(days=rng.randrange(365 * self.years)), 0),
                recorded_by=self.desk,
            )
            for patient in self.patients
            if rng.random() < 0.9
        ]
        bulk(ConsentSignature, rows, self.totals, "paper consents")

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


def fold_ascii(text: str) -> str:
    return "".join(c for c in name_key(text, "").strip() if c.isalnum())
