"""How long an aftercare sheet takes to render, through the view and through bare WeasyPrint.

    make bench-pdf

Creates a throwaway test database with one patient's course and a recorded session, then
renders that session's sheet 30 times through /sessions/<id>/aftercare.pdf (URL, access
check, queries, template, WeasyPrint) and 30 times as bare WeasyPrint on the same HTML, and
prints the median and 95th percentile of each and their ratio (target: at most 1.5).
"""

import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

import django

django.setup()

import weasyprint  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_weasyprint.utils import DjangoURLFetcher  # noqa: E402

from clinic.models import User  # noqa: E402
from clinic.roles import Role  # noqa: E402
from patients.models import Patient  # noqa: E402
from treatments import documents, plans, records  # noqa: E402
from treatments.cocktails import LineSpec, compose_formulation  # noqa: E402
from treatments.models import Indication, Ingredient, Product, TreatmentArea  # noqa: E402
from workday.visits import record_visit  # noqa: E402

RUNS = 30


def realistic_session(dermatologist: User):
    patient = Patient.objects.create(
        first_name="Camille", last_name="Durand", date_of_birth=date(1986, 4, 12), sex="female"
    )
    cocktail = compose_formulation(
        name="Face revitalisation",
        indication=Indication.REJUVENATION,
        total_volume_ml=Decimal(3),
        lines=[
            LineSpec(Ingredient.objects.get(name=name), Decimal(amount), unit)
            for name, amount, unit in [
                ("Hyaluronic acid, non-cross-linked", "10", "mg/mL"),
                ("Vitamin C (ascorbic acid)", "1", "%"),
                ("Vitamin B5 (dexpanthenol)", "10", "mg"),
                ("Lysine", "5", "mg"),
                ("Zinc", "500", "µg"),
            ]
        ],
        patient=patient,
        created_by=dermatologist,
    )
    plan = plans.create_plan(
        patient=patient,
        formulation=cocktail,
        areas=[plans.AreaVolume(TreatmentArea.objects.get(name=name), Decimal(1)) for name in ("Face", "Periorbital")],
        start_date=timezone.localdate(),
        sessions_planned=4,
        interval_days=14,
        min_days=7,
        max_days=28,
        created_by=dermatologist,
    )
    session = plan.sessions.get(number=1)
    return record_visit(
        session=session,
        done_at=timezone.now(),
        practitioner=dermatologist,
        formulation=cocktail,
        areas=[records.AdministeredArea(a.area, a.volume_ml, a.area.technique) for a in plan.areas.all()],
        lots=[
            records.Lot(
                Product.objects.get_or_create(name="HA vial")[0],
                "HA24-0917",
                timezone.localdate() + timedelta(days=300),
            )
        ],
        recorded_by=dermatologist,
    )


def timed(action) -> list[float]:
    action()  # warm caches (fonts, templates) before measuring
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return sorted(timings)


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        dermatologist = User.objects.create_user("bench.dr")
        dermatologist.groups.add(Group.objects.get(name=Role.DERMATOLOGIST))
        session = realistic_session(dermatologist)
        client = Client()
        client.force_login(dermatologist)
        url = f"/sessions/{session.pk}/aftercare.pdf"

        def through_view():
            response = client.get(url)
            assert response.status_code == 200 and response.content.startswith(b"%PDF")

        html = render_to_string("documents/aftercare.html", {"sheets": [documents.aftercare_sheet(session)]})

        def bare_weasyprint():
            weasyprint.HTML(string=html, base_url="/", url_fetcher=DjangoURLFetcher()).write_pdf()

        view, bare = timed(through_view), timed(bare_weasyprint)
        print(f"Aftercare sheet, {RUNS} renders each, {os.cpu_count()} cores")
        print(f"{'':<22}{'median ms':>10}{'p95 ms':>9}")
        for label, timings in (("through the view", view), ("bare WeasyPrint", bare)):
            print(f"{label:<22}{statistics.median(timings):>10.1f}{timings[int(RUNS * 0.95) - 1]:>9.1f}")
        print(f"ratio (median): {statistics.median(view) / statistics.median(bare):.2f}  (target <= 1.5)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
