"""Correcting what a session gave: the areas and their volumes, and the cocktail version. Each
correction runs the checks of a new recording, keeps the original in words, and saves nothing
when a check refuses. The clock stands still on Monday 2 March 2026, noon in Paris."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import FormulationFactory, PatientFactory, ProductFactory, TreatmentPlanFactory
from treatments.cocktails import LineSpec, revise_formulation
from treatments.models import (
    Allergen,
    Ingredient,
    Override,
    SessionAmendment,
    SessionArea,
    TreatmentArea,
    TreatmentSession,
)
from treatments.overrides import OverrideNeeded
from treatments.plans import AreaVolume
from treatments.records import AdministeredArea, Lot, RecordChanged, amend_session
from workday.visits import record_visit

PARIS = ZoneInfo("Europe/Paris")
REASON = "The volumes were typed from the planned ones, not from the syringe."
OVERRIDE = "Neck treated in the other course by a colleague; same session, discussed with the patient."


@pytest.fixture(autouse=True)
def monday(time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 12, tzinfo=PARIS), tick=False)


def area(name: str) -> TreatmentArea:
    return TreatmentArea.objects.get(name=name)


def given(*areas: tuple[str, ...]) -> list[AdministeredArea]:
    """("Face", "2") is 2 mL on the face by its usual technique; a third item is another technique."""
    return [AdministeredArea(area(name), Decimal(ml), (*how, area(name).technique)[0]) for name, ml, *how in areas]


@pytest.fixture
def patient(db):
    return PatientFactory(first_name="Inès", last_name="Dupont")


@pytest.fixture
def course(patient, derek):
    """Face 2 mL and neck 1 mL planned, of a 4 mL zinc cocktail."""
    return TreatmentPlanFactory(
        patient=patient,
        created_by=derek,
        formulation=FormulationFactory(ingredients=["Zinc"], total_volume_ml=Decimal(4), created_by=derek),
        areas=[AreaVolume(area("Face"), Decimal(2)), AreaVolume(area("Neck"), Decimal(1))],
    )


def recorded(plan, derek, *areas, hour: int = 10) -> TreatmentSession:
    session = plan.sessions.order_by("number").exclude(status=TreatmentSession.Status.DONE).first()
    return record_visit(
        session=session,
        done_at=datetime(2026, 3, 2, hour, tzinfo=PARIS),
        practitioner=derek,
        formulation=plan.formulation,
        areas=given(*areas),
        lots=[Lot(ProductFactory(name="HA vial"), "HA-1", timezone.localdate().replace(year=2027))],
        recorded_by=derek,
    )


@pytest.fixture
def first(course, derek) -> TreatmentSession:
    """Session 1, recorded as face 2 mL only."""
    return recorded(course, derek, ("Face", "2"))


def as_given(session) -> list[tuple[str, Decimal]]:
    return [(row.area.name, row.volume_ml) for row in session.areas.all()]


def version_2(plan, derek, ingredients=("Zinc", "Vitamin C (ascorbic acid)")):
    cocktail = plan.formulation
    return revise_formulation(
        formulation=cocktail,
        name=cocktail.name,
        indication=cocktail.indication,
        total_volume_ml=cocktail.total_volume_ml,
        lines=[
            LineSpec(ingredient, ingredient.typical_amount or Decimal(1), ingredient.unit)
            for ingredient in Ingredient.objects.filter(name__in=ingredients)
        ],
        revised_by=derek,
    )


# --- Areas and volumes --------------------------------------------------------------------------


def test_the_areas_and_volumes_are_corrected_and_the_original_kept_in_words(first, derek):
    amendment = amend_session(session=first, reason=REASON, amended_by=derek, areas=given(("Face", "3"), ("Neck", "1")))

    assert amendment.changes == {"areas": ["Face 2 mL", "Face 3 mL, Neck 1 mL"]}
    assert as_given(first) == [("Face", Decimal("3.00")), ("Neck", Decimal("1.00"))]

    amend_session(session=first, reason=REASON, amended_by=derek, areas=given(("Neck", "1.5")))
    assert as_given(first) == [("Neck", Decimal("1.50"))]
    assert first.amendments.order_by("pk").last().changes["areas"] == ["Face 3 mL, Neck 1 mL", "Neck 1.5 mL"]
    # Clinical rows are never lost: the face as recorded, then corrected, then taken off.
    face = SessionArea.history.filter(session=first, area=area("Face")).order_by("history_date")
    assert [(row.history_type, row.volume_ml, row.history_user) for row in face][-2:] == [
        ("~", Decimal("3.00"), derek),
        ("-", Decimal("3.00"), derek),
    ]


def test_a_changed_technique_shows_in_the_log(first, derek):
    amendment = amend_session(
        session=first, reason=REASON, amended_by=derek, areas=[AdministeredArea(area("Face"), Decimal(2), "papule")]
    )
    assert amendment.changes["areas"] == ["Face 2 mL (nappage)", "Face 2 mL (papule)"]


def test_the_same_areas_again_change_nothing(first, derek):
    with pytest.raises(ValidationError, match="Nothing was changed"):
        amend_session(session=first, reason=REASON, amended_by=derek, areas=given(("Face", "2.00")))


@pytest.mark.parametrize(
    ("areas", "message"),
    [
        ([], "Record the volume injected in at least one area."),
        ([("Face", "2"), ("Scalp", "1")], "Record each of the course's areas once."),
        ([("Face", "3"), ("Neck", "2")], "The areas add up to 5 mL, more than the 4 mL of cocktail prepared."),
        ([("Face", "0.5"), ("Neck", "3.5")], "Neck: 3.5 mL is more than the 3 mL this area takes in a session."),
        ([("Face", "0")], "Record more than 0 mL for each area given."),
        ([("Face", "2", "smeared")], "Choose the technique used in each area."),
    ],
)
def test_areas_a_recording_would_refuse_are_refused_and_nothing_is_saved(first, derek, areas, message):
    with pytest.raises(ValidationError) as refused:
        amend_session(session=first, reason=REASON, amended_by=derek, areas=given(*areas), notes="Corrected too")

    assert refused.value.message_dict["areas"] == [message]
    first.refresh_from_db()
    assert as_given(first) == [("Face", Decimal("2.00"))]
    assert first.notes == ""
    assert not SessionAmendment.objects.exists()


def test_an_area_treated_in_another_course_too_recently_needs_an_override(patient, course, first, derek):
    other = TreatmentPlanFactory(
        patient=patient, created_by=derek, indication="hair_loss", areas=[AreaVolume(area("Neck"), Decimal(1))]
    )
    recorded(other, derek, ("Neck", "1"), hour=11)
    corrected = given(("Face", "2"), ("Neck", "1"))

    with pytest.raises(OverrideNeeded) as refused:
        amend_session(session=first, reason=REASON, amended_by=derek, areas=corrected)

    [breach] = refused.value.breaches
    assert breach.rule == Override.Rule.AREA_SPACING
    assert breach.message.startswith("Neck treated on 02/03/2026 in the patient's hair loss course")
    assert as_given(first) == [("Face", Decimal("2.00"))]

    amend_session(
        session=first,
        reason=REASON,
        amended_by=derek,
        areas=corrected,
        override_reason=OVERRIDE,
        overriding=[breach.key],
    )
    assert as_given(first) == [("Face", Decimal("2.00")), ("Neck", Decimal("1.00"))]
    assert first.overrides.get().rule == Override.Rule.AREA_SPACING


def test_a_correction_begun_before_another_one_does_not_undo_its_areas(first, derek):
    amend_session(session=first, reason=REASON, amended_by=derek, areas=given(("Face", "3")), amendments_seen=0)

    with pytest.raises(RecordChanged):
        amend_session(session=first, reason=REASON, amended_by=derek, areas=given(("Face", "1")), amendments_seen=0)

    assert as_given(first) == [("Face", Decimal("3.00"))]
    assert first.amendments.count() == 1


# --- The cocktail version -----------------------------------------------------------------------


def test_the_version_is_corrected_and_the_log_reads_versions(course, first, derek):
    newer = version_2(course, derek)

    amendment = amend_session(session=first, reason=REASON, amended_by=derek, formulation=newer)

    assert amendment.changes == {"formulation": ["Version 1", "Version 2"]}
    first.refresh_from_db()
    assert first.formulation == newer
    newer.refresh_from_db()
    assert newer.frozen_at is not None  # a record uses it now: it never changes


def test_another_cocktail_than_the_courses_is_refused(patient, first, derek):
    other = FormulationFactory(patient=patient, ingredients=["Zinc"], total_volume_ml=Decimal(4), created_by=derek)

    with pytest.raises(ValidationError) as refused:
        amend_session(session=first, reason=REASON, amended_by=derek, formulation=other)

    assert refused.value.message_dict["formulation"] == ["Choose a version of this course's cocktail."]
    first.refresh_from_db()
    assert first.formulation.version == 1


def test_a_version_the_patient_is_allergic_to_is_blocked_unless_overridden(patient, course, first, derek):
    newer = version_2(course, derek)
    patient.allergens.add(Allergen.objects.own_allergen_of(Ingredient.objects.get(name="Vitamin C (ascorbic acid)")))

    with pytest.raises(OverrideNeeded) as refused:
        amend_session(session=first, reason=REASON, amended_by=derek, formulation=newer)

    [breach] = refused.value.breaches
    assert (breach.rule, breach.message) == (Override.Rule.BLOCK, "Allergic to Vitamin C (ascorbic acid).")
    first.refresh_from_db()
    assert first.formulation.version == 1
    assert not SessionAmendment.objects.exists()


def test_a_version_over_a_lowered_maximum_is_blocked(course, first, derek):
    newer = version_2(course, derek, ingredients=["Zinc"])
    Ingredient.objects.filter(name="Zinc").update(max_per_ml=Decimal("0.001"))

    with pytest.raises(OverrideNeeded) as refused:
        amend_session(session=first, reason=REASON, amended_by=derek, formulation=newer)

    assert [breach.rule for breach in refused.value.breaches] == [Override.Rule.BLOCK]
    assert "per mL" in refused.value.breaches[0].message


def test_a_version_whose_areas_break_its_rules_is_refused_by_its_field(course, first, derek):
    newer = version_2(course, derek, ingredients=["Zinc", "Dutasteride"])

    with pytest.raises(ValidationError) as refused:
        amend_session(session=first, reason=REASON, amended_by=derek, formulation=newer)

    assert refused.value.message_dict["formulation"] == ["Dutasteride is for the scalp only, not the face."]


# --- On the page --------------------------------------------------------------------------------


def amend_form(session, **changes) -> dict:
    data = {
        "done_at": f"{timezone.localtime(session.done_at):%Y-%m-%dT%H:%M}",
        "practitioner": session.practitioner.pk,
        "formulation": session.formulation.pk,
        "reactions": ["none"],
        "reaction_notes": "",
        "notes": "",
        "reason": REASON,
        "amendments_seen": session.amendments.count(),
        "given-TOTAL_FORMS": "2",
        "given-INITIAL_FORMS": "2",
    }
    for index, (name, ml) in enumerate([("Face", "2"), ("Neck", "")]):
        data |= {
            f"given-{index}-area": area(name).pk,
            f"given-{index}-volume_ml": ml,
            f"given-{index}-technique": "nappage",
        }
    return data | changes


def test_the_correction_form_offers_the_areas_and_versions_and_corrects_them(client, course, first, derek):
    newer = version_2(course, derek)
    client.force_login(derek)
    url = f"/sessions/{first.pk}/"

    page = client.get(url).content.decode()
    assert 'name="given-1-volume_ml" value=""' in page  # the neck, not given
    assert "Version 2 — " in page

    corrected = client.post(f"{url}amend/", amend_form(first, **{"given-0-volume_ml": "2.5", "given-1-volume_ml": "1"}))
    assert corrected.status_code == 302
    assert as_given(first) == [("Face", Decimal("2.50")), ("Neck", Decimal("1.00"))]
    client.post(
        f"{url}amend/",
        amend_form(first, formulation=newer.pk, **{"given-1-volume_ml": "1", "given-0-volume_ml": "2.5"}),
    )

    page = client.get(url).content.decode()
    assert "Areas and volumes: “Face 2 mL” → “Face 2.5 mL, Neck 1 mL”" in page
    assert "Cocktail version: “Version 1” → “Version 2”" in page


def test_a_refused_correction_of_the_areas_shows_next_to_them_and_saves_nothing(client, first, derek):
    client.force_login(derek)

    refused = client.post(
        f"/sessions/{first.pk}/amend/", amend_form(first, **{"given-0-volume_ml": "3", "given-1-volume_ml": "2"})
    )

    assert refused.status_code == 400
    assert refused.context["amend_areas"].non_form_errors() == [
        "The areas add up to 5 mL, more than the 4 mL of cocktail prepared."
    ]
    assert "The correction was not saved" in refused.content.decode()
    assert as_given(first) == [("Face", Decimal("2.00"))]
    assert not SessionAmendment.objects.exists()


def test_a_correction_of_the_areas_begun_before_another_one_is_refused(client, first, derek):
    client.force_login(derek)
    opened = amend_form(first, **{"given-0-volume_ml": "1"})
    amend_session(session=first, reason=REASON, amended_by=derek, areas=given(("Face", "3")))

    response = client.post(f"/sessions/{first.pk}/amend/", opened)

    assert response.status_code == 409
    assert as_given(first) == [("Face", Decimal("3.00"))]


def test_the_front_desk_cannot_correct_what_was_given(client, first, charlie):
    client.force_login(charlie)

    response = client.post(f"/sessions/{first.pk}/amend/", amend_form(first, **{"given-0-volume_ml": "3"}))

    assert response.status_code == 403
    assert as_given(first) == [("Face", Decimal("2.00"))]
