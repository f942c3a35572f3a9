"""A clinic at scale for the benchmark; bench/scale_clinic.py says what it holds. Only
bench/settings.py installs it:

    DJANGO_SETTINGS_MODULE=bench.settings python manage.py seed_scale --patients 50000 --years 3
"""

import time as clock

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.scale_clinic import DESK_USERNAME, SCALE_PASSWORD, SEED, data_not_ours, generate
from clinic.models import User


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
        totals = generate(options, replace=seeded, log=self.stdout.write)
        elapsed = clock.perf_counter() - started
        for label, rows in totals.counts.items():
            self.stdout.write(f"  {label:<32} {rows:>9,}")
        self.stdout.write(
            self.style.SUCCESS(f"Generated in {elapsed:.0f} s. Sign in as {DESK_USERNAME} / {SCALE_PASSWORD}.")
        )
