"""One policy on every page and document: the front desk sees the cocktail's name and the
areas, never the doses (what is in the cocktail, its volume, the mL per area), the lot
numbers or the clinical notes; the dermatologist sees them all, and the patient sees the
doses and lots on their own documents."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import AppointmentFactory, FormulationFactory, RoomFactory, record_visit_of
from tests.treatments.cocktail_forms import VITAMIN_C, ZINC
from treatments import plans
from treatments.cocktails import describe_line
from treatments.models import TreatmentArea

PLAN_NOTE = "Watch the scar on the left cheek"
SESSION_NOTE = "Slight bruise at the left temple"
LOT = "LOT-7731"


def text_of(response) -> str:
    if response["Content-Type"] == "application/pdf":
        pages = PdfReader(io.BytesIO(response.content)).pages
        return " ".join(" ".join(page.extract_text().split()) for page in pages)
    return " ".join(response.content.decode().split())


@pytest.fixture
def visit_today(derek, charlie, alice):
    """Alice's first session of a course on the face (2.75 mL of a 3 mL cocktail of vitamin C
    and zinc), booked this morning and recorded with a lot and a note."""
    cocktail = FormulationFactory(
        name="Alice glow", patient=alice, created_by=derek, ingredients=[VITAMIN_C, ZINC], total_volume_ml=3
    )
    plan = plans.create_plan(
        patient=alice,
        formulation=cocktail,
        areas=[plans.AreaVolume(TreatmentArea.objects.get(name="Face"), Decimal("2.75"))],
        start_date=timezone.localdate(),
        sessions_planned=3,
        interval_days=14,
        min_days=7,
        max_days=28,
        notes=PLAN_NOTE,
        created_by=derek,
    )
    session = plan.sessions.get(number=1)
    AppointmentFactory(
        patient=alice,
        practitioner=derek,
        room=RoomFactory(name="Room 1"),
        start=timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0),
        session=session,
        booked_by=charlie,
    )
    return record_visit_of(session, by=derek, lot_number=LOT, notes=SESSION_NOTE)


def doses_of(session) -> list[str]:
    lines = [describe_line(line) for line in session.plan.formulation.lines.select_related("ingredient")]
    return ["2.75 mL", *lines]


PAGES = {
    "course page": lambda session: f"/plans/{session.plan.pk}/",
    "course plan PDF": lambda session: f"/plans/{session.plan.pk}/plan.pdf",
    "course plan preview": lambda session: f"/plans/{session.plan.pk}/print/",
    "aftercare PDF": lambda session: f"/sessions/{session.pk}/aftercare.pdf",
    "aftercare preview": lambda session: f"/sessions/{session.pk}/aftercare/",
    "today": lambda session: "/today/",
    "today's sheets": lambda session: "/today/print/",
}
WITH_LOTS = {"course page", "aftercare PDF", "aftercare preview", "today's sheets"}


@pytest.mark.parametrize("page", PAGES)
def test_the_front_desk_sees_the_cocktail_and_areas_but_no_dose_lot_or_note(client, charlie, visit_today, page):
    client.force_login(charlie)
    text = text_of(client.get(PAGES[page](visit_today)))

    assert "Alice glow" in text
    assert "Face" in text
    for dose in doses_of(visit_today):
        assert dose not in text
    assert LOT not in text
    assert PLAN_NOTE not in text
    assert SESSION_NOTE not in text


@pytest.mark.parametrize("page", PAGES)
def test_the_dermatologist_sees_the_doses_and_lots(client, derek, visit_today, page):
    client.force_login(derek)
    text = text_of(client.get(PAGES[page](visit_today)))

    for dose in doses_of(visit_today):
        assert dose in text
    assert (LOT in text) == (page in WITH_LOTS)
    assert (PLAN_NOTE in text) == (page == "course page")


@pytest.mark.parametrize("page", ["course plan PDF", "aftercare PDF"])
def test_the_patient_sees_the_doses_and_lots_of_their_own_documents(client, alice, visit_today, page):
    client.force_login(alice.portal_user)
    text = text_of(client.get(PAGES[page](visit_today)))

    for dose in doses_of(visit_today):
        assert dose in text
    assert (LOT in text) == (page in WITH_LOTS)
    assert PLAN_NOTE not in text
    assert SESSION_NOTE not in text
