"""Courses of sessions: planning one, recording what was injected, correcting a record,
stopping a course. The clock stands still on Monday 2 March 2026, 10:00 in Paris, unless a
test moves it."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from patients.models import Patient
from tests.factories import FormulationFactory, PatientFactory, ProductFactory, TreatmentPlanFactory
from tests.treatments.cocktail_forms import VITAMIN_C, ZINC, ingredient
from treatments.cocktails import LineSpec, revise_formulation
from treatments.models import (
    Formulation,
    FrozenFormulation,
    Override,
    PlanArea,
    Protocol,
    SafetyAcknowledgement,
    SessionAmendment,
    SessionArea,
    SessionLot,
    TreatmentArea,
    TreatmentPlan,
    TreatmentSession,
)
from treatments.overrides import OverrideNeeded
from treatments.plans import AreaVolume, rules_of, stop_plan
from treatments.records import AdministeredArea, Lot, amend_session, record_session
from treatments.safety import MissingAcknowledgement
from treatments.series import plan_series

PARIS = ZoneInfo("Europe/Paris")
TODAY = date(2026, 3, 2)  # a Monday
DONE = TreatmentSession.Status.DONE
PLANNED = TreatmentSession.Status.PLANNED
CANCELLED = TreatmentSession.Status.CANCELLED


def day(text: str) -> date:
    return date.fromisoformat(text)


def at(text: str, hour: int = 10, minute: int = 0) -> datetime:
    """A clinic-local moment: at("2026-03-02") is 10:00 in Paris that day."""
    return datetime.combine(day(text), datetime.min.time()).replace(hour=hour, minute=minute, tzinfo=PARIS)


def area(name: str) -> TreatmentArea:
    return TreatmentArea.objects.get(name=name)


def windows(plan: TreatmentPlan) -> list[tuple]:
    return [
        (s.number, s.status, s.earliest_date, s.target_date, s.latest_date) for s in plan.sessions.order_by("number")
    ]


def session(plan: TreatmentPlan, number: int) -> TreatmentSession:
    return plan.sessions.get(number=number)


def saved() -> dict[str, int]:
    """What a refused request must leave as it found."""
    return {
        model.__name__: model.objects.count()
        for model in (TreatmentPlan, TreatmentSession, PlanArea, Formulation, SafetyAcknowledgement)
    }


def recorded() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (SessionArea, SessionLot, SessionAmendment)}


def vitamin_c(lot_number: str, expiry: str) -> Lot:
    return Lot(ProductFactory(name="Vitamin C 20 %"), lot_number, day(expiry))


def record(session, *, on, by, formulation=None, lots=None, **extra) -> TreatmentSession:
    return record_session(
        session=session,
        done_at=on,
        practitioner=by,
        formulation=formulation or session.plan.formulation,
        areas=[AdministeredArea(area("Face"), Decimal("1.8"), TreatmentArea.Technique.NAPPAGE)],
        lots=[vitamin_c("VC-0412", "2027-06-30")] if lots is None else list(lots),
        recorded_by=by,
        **extra,
    )


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(at("2026-03-02"), tick=False)


@pytest.fixture
def patient(db):
    return PatientFactory(first_name="Inès", last_name="Dupont", date_of_birth=date(1985, 4, 12))


@pytest.fixture
def radiance(derek):
    """A clinic template of vitamin C and zinc, 2 mL a session."""
    return FormulationFactory(name="Radiance", created_by=derek, ingredients=[VITAMIN_C, ZINC])


@pytest.fixture
def plan(patient, radiance, derek):
    """Four fortnightly sessions on the face from today, 7 to 28 days apart."""
    return TreatmentPlanFactory(patient=patient, formulation=radiance, created_by=derek)


# --- Planning a course -----------------------------------------------------------------------


def test_a_course_gets_the_sessions_of_its_series(plan, derek):
    assert windows(plan) == [
        (1, PLANNED, day("2026-03-02"), day("2026-03-02"), day("2026-03-23")),
        (2, PLANNED, day("2026-03-09"), day("2026-03-16"), day("2026-03-30")),
        (3, PLANNED, day("2026-03-23"), day("2026-03-30"), day("2026-04-13")),
        (4, PLANNED, day("2026-04-06"), day("2026-04-13"), day("2026-04-27")),
    ]
    expected = plan_series(rules_of(plan), TODAY)
    assert [(s.target_date, s.earliest_date, s.latest_date) for s in plan.sessions.order_by("number")] == [
        (p.target, p.earliest, p.latest) for p in expected
    ]
    assert not plan.sessions.filter(maintenance=True).exists()
    assert [(a.area.name, a.volume_ml) for a in plan.areas.all()] == [("Face", Decimal(2))]
    assert (plan.status, plan.prescriber, plan.created_by) == (TreatmentPlan.Status.ACTIVE, derek, derek)
    assert plan.indication == "rejuvenation"  # the cocktail's, when none is given


def test_a_course_starting_on_a_closed_day_starts_on_the_next_open_day(patient, radiance, derek, settings):
    settings.CLINIC_CLOSED_WEEKDAYS = frozenset({5, 6})  # closed at weekends
    plan = TreatmentPlanFactory(patient=patient, formulation=radiance, created_by=derek, start_date=day("2026-03-07"))

    assert [s.target_date for s in plan.sessions.order_by("number")] == [
        day("2026-03-09"),
        day("2026-03-23"),
        day("2026-04-06"),
        day("2026-04-20"),
    ]
    assert all(s.latest_date.weekday() < 5 for s in plan.sessions.all())


def test_a_clinic_template_becomes_the_patients_own_copy(plan, patient, radiance):
    own = plan.formulation

    assert own != radiance
    assert own.patient == patient
    assert not own.is_template
    assert own.name == "Radiance — Inès Dupont"
    assert (own.indication, own.total_volume_ml) == (radiance.indication, radiance.total_volume_ml)
    lines = [(line.ingredient, line.amount, line.unit) for line in own.lines.order_by("pk")]
    assert lines == [(line.ingredient, line.amount, line.unit) for line in radiance.lines.order_by("pk")]
    assert [i.name for i, *_ in lines] == [VITAMIN_C, ZINC]
    radiance.refresh_from_db()
    assert radiance.patient is None  # the template stays a template


def test_the_patients_own_cocktail_is_used_as_it_is(patient, derek):
    own = FormulationFactory(name="Inès's mix", patient=patient, created_by=derek, ingredients=[ZINC])

    plan = TreatmentPlanFactory(patient=patient, formulation=own, created_by=derek)

    assert plan.formulation == own
    assert Formulation.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start_date": TODAY - timedelta(days=8)}, "start_date", "A course cannot start more than 7 days ago."),
        ({"sessions_planned": 0}, "sessions_planned", "Plan at least one session."),
        ({"interval_days": 2, "min_days": 2}, "interval_days", "Sessions must be at least 3 days apart."),
        ({"interval_days": 30}, "interval_days", "The interval must lie between the minimum and the maximum spacing."),
        ({"interval_days": 5}, "interval_days", "The interval must lie between the minimum and the maximum spacing."),
        ({"areas": []}, "areas", "Choose at least one area."),
        (
            {"areas": [AreaVolume("Face", Decimal(2)), AreaVolume("Neck", Decimal("1.5"))]},
            "areas",
            "The areas add up to 3.5 mL, more than the cocktail's 2 mL per session.",
        ),
        ({"maintenance_count": 1}, "maintenance_interval_days", "Give the interval of the maintenance sessions."),
    ],
)
def test_a_course_that_breaks_a_rule_is_refused_and_nothing_is_saved(patient, radiance, derek, changes, field, message):
    if "areas" in changes:  # names, so that the parameters need no database
        changes["areas"] = [AreaVolume(area(a.area), a.volume_ml) for a in changes["areas"]]
    before = saved()

    with pytest.raises(ValidationError) as refused:
        TreatmentPlanFactory(patient=patient, formulation=radiance, created_by=derek, **changes)

    assert message in refused.value.message_dict[field]
    assert saved() == before


def test_an_area_planned_at_no_volume_is_refused(patient, radiance, derek):
    """PlanArea says "Plan at least 0.1 mL for an area."; the course must not be saved without it."""
    before = saved()
    with pytest.raises(ValidationError):
        TreatmentPlanFactory(
            patient=patient, formulation=radiance, created_by=derek, areas=[AreaVolume(area("Face"), Decimal(0))]
        )
    assert saved() == before


def test_a_course_may_start_up_to_a_week_ago(patient, radiance, derek):
    plan = TreatmentPlanFactory(patient=patient, formulation=radiance, created_by=derek, start_date=day("2026-02-23"))
    assert session(plan, 1).target_date == day("2026-02-23")


def test_a_course_whose_sessions_would_fall_on_a_closed_day_is_refused(patient, radiance, derek):
    before = saved()
    with pytest.raises(ValidationError) as refused:
        # Exactly six days after a Monday is always a Sunday.
        TreatmentPlanFactory(
            patient=patient, formulation=radiance, created_by=derek, interval_days=6, min_days=6, max_days=6
        )
    assert refused.value.messages == [
        "Session 2: the clinic is closed on every day from 6 to 6 days after session 1. Widen the spacing."
    ]
    assert saved() == before


def test_another_patients_cocktail_is_refused(patient, derek):
    theirs = FormulationFactory(patient=PatientFactory(), created_by=derek, ingredients=[ZINC])
    before = saved()
    with pytest.raises(ValidationError) as refused:
        TreatmentPlanFactory(patient=patient, formulation=theirs, created_by=derek)
    assert refused.value.message_dict == {"formulation": ["That cocktail belongs to another patient."]}
    assert saved() == before


def test_a_course_from_a_protocol_gets_its_maintenance_only_after_the_course(patient, radiance, derek):
    protocol = Protocol.objects.get(name="Skin rejuvenation")  # 4 sessions, then 1 after 182 days
    plan = TreatmentPlanFactory(
        patient=patient,
        formulation=radiance,
        created_by=derek,
        protocol=protocol,
        maintenance_interval_days=protocol.maintenance_interval_days,
        maintenance_count=protocol.maintenance_count,
    )
    assert plan.sessions.count() == 4
    assert plan.protocol == protocol


# --- Safety when planning --------------------------------------------------------------------


def test_an_allergy_to_an_ingredient_blocks_the_course_until_it_is_left_out(patient, radiance, derek):
    patient.allergens.add(ingredient(VITAMIN_C).own_allergen)
    before = saved()

    with pytest.raises(OverrideNeeded) as blocked:
        TreatmentPlanFactory(patient=patient, formulation=radiance, created_by=derek)

    assert [(b.rule, b.message) for b in blocked.value.breaches] == [
        ("block", "Allergic to Vitamin C (ascorbic acid).")
    ]
    assert saved() == before  # not even the patient's copy of the cocktail

    without_it = FormulationFactory(name="Zinc only", created_by=derek, ingredients=[ZINC])
    plan = TreatmentPlanFactory(patient=patient, formulation=without_it, created_by=derek)
    assert plan.sessions.count() == 4
    assert [line.ingredient.name for line in plan.formulation.lines.all()] == [ZINC]


def test_an_allergy_recorded_after_the_patients_cocktail_was_composed_blocks_the_course(patient, derek):
    own = FormulationFactory(patient=patient, created_by=derek, ingredients=[VITAMIN_C, ZINC])
    patient.allergens.add(ingredient(ZINC).own_allergen)
    before = saved()

    with pytest.raises(OverrideNeeded) as blocked:
        TreatmentPlanFactory(patient=patient, formulation=own, created_by=derek)

    assert [breach.message for breach in blocked.value.breaches] == ["Allergic to Zinc."]
    assert saved() == before


def test_a_warning_needs_a_reason_before_the_course_goes_ahead(patient, radiance, derek):
    patient.skin_type = Patient.SkinType.IV
    patient.save()
    before = saved()

    with pytest.raises(MissingAcknowledgement) as missing:
        TreatmentPlanFactory(patient=patient, formulation=radiance, created_by=derek, acknowledgement_reason="  ")

    assert [(f.level, f.reason) for f in missing.value.findings] == [("warn", "Fitzpatrick skin type IV to VI.")]
    assert saved() == before

    plan = TreatmentPlanFactory(
        patient=patient,
        formulation=radiance,
        created_by=derek,
        acknowledgement_reason="  Low concentration; test patch on 20 February without reaction. ",
    )

    acknowledgement = SafetyAcknowledgement.objects.get()
    assert acknowledgement.patient == patient
    assert acknowledgement.formulation == plan.formulation  # the patient's copy, not the template
    assert acknowledgement.acknowledged_by == derek
    assert acknowledgement.reason == "Low concentration; test patch on 20 February without reaction."
    assert acknowledgement.finding == "Fitzpatrick skin type IV to VI."
    assert plan.sessions.count() == 4


def test_an_acknowledgement_covers_one_course_not_the_next(patient, derek):
    patient.skin_type = Patient.SkinType.V
    patient.save()
    own = FormulationFactory(patient=patient, created_by=derek, ingredients=[ZINC])
    first = TreatmentPlanFactory(
        patient=patient, formulation=own, created_by=derek, acknowledgement_reason="Patch test fine after a week."
    )

    with pytest.raises(MissingAcknowledgement):
        TreatmentPlanFactory(patient=patient, formulation=own, created_by=derek)
    second = TreatmentPlanFactory(
        patient=patient, formulation=own, created_by=derek, acknowledgement_reason="Tolerated the whole first course."
    )

    assert list(SafetyAcknowledgement.objects.order_by("acknowledged_at").values_list("plan", "reason")) == [
        (first.pk, "Patch test fine after a week."),
        (second.pk, "Tolerated the whole first course."),
    ]


@pytest.mark.parametrize("reason", ["ok", "Fine.", "as discussed", "ok ok ok"])
def test_a_reason_that_says_nothing_is_refused(patient, derek, reason):
    patient.skin_type = Patient.SkinType.V
    patient.save()
    own = FormulationFactory(patient=patient, created_by=derek, ingredients=[ZINC])

    with pytest.raises(ValidationError) as refused:
        TreatmentPlanFactory(patient=patient, formulation=own, created_by=derek, acknowledgement_reason=reason)

    assert "in a sentence (at least 3 words)" in str(refused.value.message_dict["acknowledgement_reason"])
    assert not SafetyAcknowledgement.objects.exists()
    assert not patient.plans.exists()


# --- Recording a session ---------------------------------------------------------------------


def test_recording_a_session_keeps_what_was_injected_and_freezes_the_cocktail(plan, derek, charlie):
    first = record(session(plan, 1), on=at("2026-03-02", 9, 30), by=derek, notes="Tolerated well")

    first.refresh_from_db()
    assert first.status == DONE
    assert first.done_at == at("2026-03-02", 9, 30)
    assert (first.practitioner, first.recorded_by, first.formulation) == (derek, derek, plan.formulation)
    assert first.recorded_at == at("2026-03-02")
    assert first.notes == "Tolerated well"
    assert [(a.area.name, a.volume_ml, a.technique) for a in first.areas.all()] == [("Face", Decimal("1.8"), "nappage")]
    assert [(use.lot.product.name, use.lot.lot_number, use.lot.expiry_date) for use in first.lots.all()] == [
        ("Vitamin C 20 %", "VC-0412", day("2027-06-30"))
    ]
    cocktail = Formulation.objects.get(pk=plan.formulation.pk)
    assert cocktail.is_frozen
    cocktail.total_volume_ml = Decimal(3)
    with pytest.raises(FrozenFormulation):
        cocktail.save()


def test_a_late_session_moves_the_rest_of_the_course(plan, derek, time_machine):
    record(session(plan, 1), on=at("2026-03-02"), by=derek)
    time_machine.move_to(at("2026-03-21", 12), tick=False)

    record(session(plan, 2), on=at("2026-03-21"), by=derek)  # 5 days after its target, a Saturday

    assert windows(plan) == [
        (1, DONE, day("2026-03-02"), day("2026-03-02"), day("2026-03-23")),
        (2, DONE, day("2026-03-09"), day("2026-03-16"), day("2026-03-30")),  # the plan it was done against
        (3, PLANNED, day("2026-03-28"), day("2026-04-04"), day("2026-04-18")),  # each 5 days later
        (4, PLANNED, day("2026-04-11"), day("2026-04-18"), day("2026-05-02")),
    ]


def test_the_real_day_is_the_clinics_day_not_utcs(plan, derek, time_machine):
    time_machine.move_to(at("2026-03-03", 8), tick=False)
    # 00:30 on Tuesday in Paris is still Monday in UTC: the course is spaced from Tuesday.
    record(session(plan, 1), on=at("2026-03-03", 0, 30), by=derek)
    assert session(plan, 2).target_date == day("2026-03-17")


def test_an_expired_lot_is_refused_by_name_and_nothing_is_recorded(plan, derek):
    expired = vitamin_c("VC-0398", "2026-03-01")
    before = recorded()

    with pytest.raises(ValidationError) as refused:
        record(session(plan, 1), on=at("2026-03-02"), by=derek, lots=[vitamin_c("VC-0412", "2027-06-30"), expired])

    assert refused.value.message_dict == {
        "lots": ["Vitamin C 20 %, lot VC-0398, expired on 01/03/2026: do not use it."]
    }
    assert session(plan, 1).status == PLANNED
    assert recorded() == before
    assert not Formulation.objects.get(pk=plan.formulation.pk).is_frozen

    expiring_today = vitamin_c("VC-0399", "2026-03-02")
    record(session(plan, 1), on=at("2026-03-02"), by=derek, lots=[expiring_today])
    assert session(plan, 1).lots.get().lot.lot_number == "VC-0399"


def test_a_session_already_recorded_is_corrected_by_amendment_not_recorded_again(plan, derek):
    record(session(plan, 1), on=at("2026-03-02", 9), by=derek)
    before = recorded()

    with pytest.raises(ValidationError) as refused:
        record(session(plan, 1), on=at("2026-03-02", 9, 45), by=derek)

    assert refused.value.messages == ["This session is already recorded; correct it with an amendment."]
    assert recorded() == before
    assert session(plan, 1).done_at == at("2026-03-02", 9)


def test_a_cocktail_of_another_lineage_is_refused(plan, patient, derek):
    other = FormulationFactory(name="Hair", patient=patient, created_by=derek, ingredients=[ZINC])

    with pytest.raises(ValidationError) as refused:
        record(session(plan, 1), on=at("2026-03-02"), by=derek, formulation=other)

    assert refused.value.message_dict == {"formulation": ["Choose a version of this course's cocktail."]}
    assert session(plan, 1).status == PLANNED
    assert not Formulation.objects.get(pk=other.pk).is_frozen


def test_a_later_version_of_the_courses_cocktail_is_accepted(plan, derek, time_machine):
    record(session(plan, 1), on=at("2026-03-02"), by=derek)
    version_1 = Formulation.objects.get(pk=plan.formulation.pk)
    version_2 = revise_formulation(
        formulation=version_1,
        name=version_1.name,
        indication=version_1.indication,
        total_volume_ml=Decimal(2),
        lines=[LineSpec(ingredient(ZINC), Decimal(2), "mg")],
        revised_by=derek,
    )
    time_machine.move_to(at("2026-03-16", 12), tick=False)

    second = record(session(plan, 2), on=at("2026-03-16"), by=derek, formulation=version_2)

    assert (second.formulation, second.formulation.version) == (version_2, 2)
    assert Formulation.objects.get(pk=version_2.pk).is_frozen
    assert session(plan, 1).formulation == version_1


def test_a_session_cannot_be_recorded_in_the_future_or_before_the_course(plan, derek):
    with pytest.raises(ValidationError) as future:
        record(session(plan, 1), on=at("2026-03-02", 11), by=derek)
    assert future.value.message_dict == {"done_at": ["A session cannot be recorded in the future."]}

    with pytest.raises(ValidationError) as early:
        record(session(plan, 1), on=at("2026-03-01"), by=derek)
    assert early.value.message_dict == {"done_at": ["This is before the course started."]}

    assert session(plan, 1).status == PLANNED


def test_a_cocktail_blocked_since_planning_is_refused_at_the_session(plan, patient, derek):
    patient.allergens.add(ingredient(ZINC).own_allergen)  # found out after the course was planned

    with pytest.raises(OverrideNeeded) as refused:
        record(session(plan, 1), on=at("2026-03-02"), by=derek)

    assert [breach.rule for breach in refused.value.breaches] == [Override.Rule.BLOCK]
    assert "allerg" in refused.value.breaches[0].message.lower()
    assert session(plan, 1).status == PLANNED
    assert not Formulation.objects.get(pk=plan.formulation.pk).is_frozen


def test_maintenance_follows_the_last_course_session_and_the_course_then_completes(
    patient, radiance, derek, time_machine
):
    plan = TreatmentPlanFactory(
        patient=patient,
        formulation=radiance,
        created_by=derek,
        sessions_planned=2,
        maintenance_interval_days=182,
        maintenance_count=1,
    )
    record(session(plan, 1), on=at("2026-03-02"), by=derek)
    assert plan.sessions.count() == 2

    time_machine.move_to(at("2026-03-16", 12), tick=False)
    record(session(plan, 2), on=at("2026-03-16"), by=derek)

    maintenance = session(plan, 3)
    assert maintenance.maintenance
    # 182 days after the real date of session 2, give or take 14 days.
    assert (maintenance.earliest_date, maintenance.target_date, maintenance.latest_date) == (
        day("2026-08-31"),
        day("2026-09-14"),
        day("2026-09-28"),
    )
    plan.refresh_from_db()
    assert plan.status == TreatmentPlan.Status.ACTIVE

    time_machine.move_to(at("2026-09-14", 12), tick=False)
    record(maintenance, on=at("2026-09-14"), by=derek)
    plan.refresh_from_db()
    assert plan.status == TreatmentPlan.Status.COMPLETED
    assert plan.sessions.count() == 3


def test_a_one_session_course_completes_when_recorded(patient, radiance, derek):
    plan = TreatmentPlanFactory(patient=patient, formulation=radiance, created_by=derek, sessions_planned=1)
    record(session(plan, 1), on=at("2026-03-02"), by=derek)
    plan.refresh_from_db()
    assert plan.status == TreatmentPlan.Status.COMPLETED


def test_a_session_done_on_a_saturday_can_be_recorded_under_strict_spacing(patient, radiance, derek, time_machine):
    """Sessions exactly 8 days apart: a session done on a Saturday puts the next one on a
    Sunday. The session happened all the same, so it must be recordable."""
    plan = TreatmentPlanFactory(
        patient=patient, formulation=radiance, created_by=derek, interval_days=8, min_days=8, max_days=8
    )
    time_machine.move_to(at("2026-03-07", 12), tick=False)

    record(session(plan, 1), on=at("2026-03-07"), by=derek)

    assert session(plan, 1).status == DONE


# --- Correcting a recorded session -----------------------------------------------------------


def test_an_amendment_keeps_what_the_record_said_before(plan, derek, margaret):
    first = record(session(plan, 1), on=at("2026-03-02", 9), by=derek)

    amendment = amend_session(
        session=first,
        reason=" Redness noted after the patient left ",
        amended_by=margaret,
        reactions=[TreatmentSession.Reaction.REDNESS],
        reaction_notes="Both cheeks, faded within the hour",
    )

    assert amendment.changes == {
        "reactions": ["None", "Redness"],
        "reaction_notes": ["", "Both cheeks, faded within the hour"],
    }
    assert (amendment.reason, amendment.amended_by, amendment.session) == (
        "Redness noted after the patient left",
        margaret,
        first,
    )
    first.refresh_from_db()
    assert (first.reactions, first.reaction_notes) == (["redness"], "Both cheeks, faded within the hour")


def test_amending_the_day_of_a_session_moves_the_rest_of_the_course(plan, derek, time_machine):
    first = record(session(plan, 1), on=at("2026-03-02"), by=derek)
    time_machine.move_to(at("2026-03-05", 12), tick=False)

    amendment = amend_session(
        session=first, reason="The wrong day was typed at first", amended_by=derek, done_at=at("2026-03-04")
    )

    # In the clinic's time, to the minute, as a reader of the record expects.
    assert amendment.changes["done_at"] == ["2026-03-02 10:00", "2026-03-04 10:00"]
    assert windows(plan)[1] == (2, PLANNED, day("2026-03-11"), day("2026-03-18"), day("2026-04-01"))


@pytest.mark.parametrize(
    ("reason", "changes", "message"),
    [
        ("   ", {"notes": "Changed"}, "Say why the record is corrected."),
        (
            "Typed in the wrong field",
            {"plan": None, "number": 3},
            "These cannot be amended: number, plan.",
        ),
        ("Typed in the wrong field", {"reactions": ["none"]}, "Nothing was changed."),
        ("Typed in the wrong field", {"done_at": at("2026-03-03")}, "A session cannot be recorded in the future."),
    ],
)
def test_a_refused_amendment_changes_nothing(plan, derek, reason, changes, message):
    first = record(session(plan, 1), on=at("2026-03-02", 9), by=derek, reactions=["none"], notes="As planned")

    with pytest.raises(ValidationError) as refused:
        amend_session(session=first, reason=reason, amended_by=derek, **changes)

    assert message in refused.value.messages
    first.refresh_from_db()
    assert (first.done_at, first.notes, first.practitioner, first.formulation) == (
        at("2026-03-02", 9),
        "As planned",
        derek,
        plan.formulation,
    )
    assert not SessionAmendment.objects.exists()


def test_a_session_not_yet_recorded_cannot_be_amended(plan, derek):
    with pytest.raises(ValidationError) as refused:
        amend_session(session=session(plan, 2), reason="Typed in the wrong field", amended_by=derek, notes="Something")
    assert refused.value.messages == ["Only a recorded session is amended; record this one instead."]
    assert session(plan, 2).notes == ""


def test_a_session_cannot_be_amended_to_before_the_course_started(plan, derek):
    """record_session refuses a day before the course's start; a correction must too."""
    first = record(session(plan, 1), on=at("2026-03-02"), by=derek)

    with pytest.raises(ValidationError):
        amend_session(session=first, reason="Typed in the wrong field", amended_by=derek, done_at=at("2025-03-02"))

    assert session(plan, 1).done_at == at("2026-03-02")
    assert session(plan, 2).target_date == day("2026-03-16")  # not re-spaced into 2025


# --- Stopping a course -----------------------------------------------------------------------


def test_stopping_cancels_what_is_left_and_keeps_what_was_done(plan, derek):
    record(session(plan, 1), on=at("2026-03-02", 9), by=derek)

    stopped = stop_plan(plan=plan, reason=" Moving abroad ", stopped_by=derek)

    assert stopped.status == TreatmentPlan.Status.STOPPED
    assert stopped.stop_reason == f"Moving abroad ({derek}, 02/03/2026)"
    assert [(s.number, s.status) for s in plan.sessions.order_by("number")] == [
        (1, DONE),
        (2, CANCELLED),
        (3, CANCELLED),
        (4, CANCELLED),
    ]
    assert session(plan, 1).done_at == at("2026-03-02", 9)
    with pytest.raises(ValidationError) as refused:
        record(session(plan, 2), on=at("2026-03-02"), by=derek)
    assert refused.value.messages == ["The course is stopped; activate it first."]


def test_stopping_needs_a_reason(plan, derek):
    with pytest.raises(ValidationError) as refused:
        stop_plan(plan=plan, reason="  ", stopped_by=derek)
    assert refused.value.message_dict == {"reason": ["Say why the course is stopped."]}
    plan.refresh_from_db()
    assert plan.status == TreatmentPlan.Status.ACTIVE
    assert set(plan.sessions.values_list("status", flat=True)) == {PLANNED}


def test_stopping_cancels_booked_sessions_too(plan, derek, time_machine):
    """A course stopped while its next session is booked: that session is no longer due."""
    plan.sessions.filter(number=2).update(status=TreatmentSession.Status.BOOKED)

    stop_plan(plan=plan, reason="Moving abroad", stopped_by=derek)

    assert session(plan, 2).status == CANCELLED
    time_machine.move_to(at("2026-04-01"), tick=False)  # after its window
    assert not session(plan, 2).is_overdue()


# --- Overdue ---------------------------------------------------------------------------------


def test_a_session_is_overdue_once_its_window_has_passed_in_the_clinics_time_zone(plan, derek, time_machine):
    record(session(plan, 1), on=at("2026-03-02"), by=derek)
    second = session(plan, 2)
    assert second.latest_date == day("2026-03-30")

    time_machine.move_to(at("2026-03-30", 23, 50), tick=False)
    assert not second.is_overdue()
    time_machine.move_to(at("2026-03-31", 0, 30), tick=False)  # still 30 March in UTC
    assert second.is_overdue()
    assert not session(plan, 1).is_overdue()  # done


def test_a_done_session_is_never_overdue(plan, derek, time_machine):
    first = record(session(plan, 1), on=at("2026-03-02"), by=derek)
    time_machine.move_to(at("2027-01-01"), tick=False)
    assert not first.is_overdue()
    assert session(plan, 4).is_overdue()
