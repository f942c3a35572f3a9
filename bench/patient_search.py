"""How fast the patient list answers with a large registry.

Creates a throwaway test database (SQLite by default; PostgreSQL when DATABASE_URL points
at one), fills it with --patients registered patients, then loads /patients/ the way the
front desk does, with and without search terms, and prints the median and 95th percentile.

    make bench-search                                  # 50,000 patients on SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mesoplan make bench-search
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from clinic.models import User  # noqa: E402
from clinic.roles import Role  # noqa: E402
from patients.models import Patient, name_key, phone_digits  # noqa: E402

FIRST_NAMES = [
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Sarah",
    "Julie",
    "Sophie",
    "Claire",
    "Emma",
    "Lucas",
    "Hugo",
    "Thomas",
    "Karim",
    "Nicolas",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "Faure",
]


def fill_registry(count: int) -> None:
    rng = random.Random(1)
    patients = []
    for index in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if index % 3 == 0:
            last = f"{last}-{rng.choice(LAST_NAMES)}"
        phone = f"06 {index // 10**6:02d} {index // 10**4 % 100:02d} {index // 100 % 100:02d} {index % 100:02d}"
        patients.append(
            Patient(
                first_name=first,
                last_name=last,
                name_key=name_key(first, last),
                phone_digits=phone_digits(phone),
                date_of_birth=date(1950, 1, 1) + timedelta(days=rng.randrange(20000)),
                sex=Patient.Sex.FEMALE,
                phone=phone,
                email=f"{first}.{last}.{index}@example.org".lower(),
            )
        )
    Patient.objects.bulk_create(patients, batch_size=2000)
    # As autovacuum would on a live database: without statistics the planner ignores the indexes.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client: Client, params: dict, runs: int) -> tuple[float, float, int]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get("/patients/", params)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get("/patients/", params)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        fill_registry(args.patients)
        print(f"{connection.vendor}: {args.patients:,} patients created in {time.perf_counter() - started:.1f} s")
        desk = User.objects.create_user("bench.desk")
        desk.groups.add(Group.objects.get(name=Role.FRONT_DESK))
        client = Client()
        client.force_login(desk)
        print(f"{'page':<40} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for label, params in [
            ("/patients/ (first page)", {}),
            ("/patients/?page=500", {"page": 500}),
            ("/patients/?q=martin", {"q": "martin"}),
            ("/patients/?q=sophie dupont", {"q": "sophie dupont"}),
            ("/patients/?q=06 01 23", {"q": "06 01 23"}),
            ("/patients/?q=1985-04-12", {"q": "1985-04-12"}),
            ("/patients/?q=zzzz (no match)", {"q": "zzzz"}),
        ]:
            median, p95, queries = measure(client, params, args.runs)
            print(f"{label:<40} {median:>10.1f} {p95:>8.1f} {queries:>8}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
