"""Doses against the catalogue's maximums as they stand on the day, the areas an ingredient is
kept for, and the volumes recorded against the area and what was prepared."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import FormulationFactory, PatientFactory, ProductFactory, TreatmentPlanFactory
from treatments import plans
from treatments.models import Ingredient, Override, TreatmentArea, TreatmentSession
from treatments.overrides import OverrideNeeded
from treatments.records import AdministeredArea, Lot
from treatments.safety import MissingAcknowledgement
from workday.visits import record_visit

REASON = "Strength discussed with the prescriber; the patient tolerated it last course."


def area(name: str) -> TreatmentArea:
    return TreatmentArea.objects.get(name=name)


def record(plan, *, areas=None, **extra) -> TreatmentSession:
    return record_visit(
        session=plan.sessions.get(number=1),
        done_at=timezone.now(),
        practitioner=plan.prescriber,
        formulation=plan.formulation,
        areas=areas or [AdministeredArea(area("Face"), Decimal(2), "nappage")],
        lots=[Lot(ProductFactory(name="HA vial"), "HA-1", timezone.localdate() + timedelta(days=300))],
        recorded_by=plan.prescriber,
        **extra,
    )


def course_of(derek, *ingredients: tuple[str, str, str], volume="2", areas=None):
    cocktail = FormulationFactory(patient=PatientFactory(), created_by=derek, total_volume_ml=Decimal(volume))
    for name, amount, unit in ingredients:
        cocktail.lines.create(ingredient=Ingredient.objects.get(name=name), amount=Decimal(amount), unit=unit)
    return TreatmentPlanFactory(
        patient=cocktail.patient,
        formulation=cocktail,
        created_by=derek,
        areas=areas or [plans.AreaVolume(area("Face"), Decimal(2))],
    )


def test_a_maximum_lowered_after_composing_blocks_the_next_session_until_the_cocktail_is_revised(derek):
    plan = course_of(derek, ("Tranexamic acid", "40", "mg/mL"))
    Ingredient.objects.filter(name="Tranexamic acid").update(max_per_ml=Decimal(20))

    with pytest.raises(OverrideNeeded) as refused:
        record(plan)

    [breach] = refused.value.breaches
    assert breach.rule == Override.Rule.BLOCK
    assert breach.message == "Tranexamic acid: 40 mg/mL is above the maximum per mL (20 mg/mL)."
    assert plan.sessions.get(number=1).status == TreatmentSession.Status.PLANNED


def test_an_ingredient_whose_maximums_were_cleared_needs_an_acknowledgement(derek):
    plan = course_of(derek, ("Zinc", "1", "mg"))
    Ingredient.objects.filter(name="Zinc").update(max_per_session=None)

    with pytest.raises(MissingAcknowledgement) as missing:
        record(plan)
    assert [f.reason for f in missing.value.findings] == [
        "Zinc has no maximum on record: the clinic cleared it. Check the dose."
    ]

    assert record(plan, acknowledgement_reason=REASON).status == TreatmentSession.Status.DONE


def test_dutasteride_is_for_the_scalp_only(derek):
    with pytest.raises(ValidationError) as refused:
        course_of(derek, ("Dutasteride", "0.05", "%"))
    assert refused.value.message_dict["areas"] == ["Dutasteride is for the scalp only, not the face."]

    on_scalp = course_of(derek, ("Dutasteride", "0.05", "%"), areas=[plans.AreaVolume(area("Scalp"), Decimal(2))])
    assert on_scalp.areas.get().area.name == "Scalp"


def test_recorded_volumes_cannot_exceed_what_was_prepared(derek):
    plan = course_of(
        derek,
        ("Zinc", "1", "mg"),
        volume="1",
        areas=[plans.AreaVolume(area("Face"), Decimal("0.5")), plans.AreaVolume(area("Periorbital"), Decimal("0.5"))],
    )

    with pytest.raises(ValidationError) as refused:
        record(
            plan,
            areas=[
                AdministeredArea(area("Face"), Decimal(20), "nappage"),
                AdministeredArea(area("Periorbital"), Decimal(20), "papule"),
            ],
        )

    assert refused.value.message_dict["areas"] == [
        "The areas add up to 40 mL, more than the 1 mL of cocktail prepared."
    ]
    assert not plan.sessions.get(number=1).areas.exists()


def test_a_volume_above_what_the_area_takes_is_refused(derek):
    plan = course_of(derek, ("Zinc", "1", "mg"), volume="10")

    with pytest.raises(ValidationError) as refused:
        record(plan, areas=[AdministeredArea(area("Face"), Decimal(9), "nappage")])

    assert refused.value.message_dict["areas"] == ["Face: 9 mL is more than the 4 mL this area takes in a session."]
