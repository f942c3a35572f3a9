"""A safety block overridden for a whole course, at planning or when a draft is started: the
override is a dermatologist's, in a sentence, on the course's record; it covers that block at
each session of the course, and neither another block nor another course."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.roles import Role
from tests.factories import (
    FormulationFactory,
    PatientConditionFactory,
    PatientFactory,
    TreatmentPlanFactory,
    UserFactory,
    record_visit_of,
)
from tests.migrations import just_before, migrate, old_course
from tests.treatments.test_plan_pages import plan_form
from treatments import holds, plans
from treatments.models import Allergen, Formulation, Ingredient, Override, TreatmentPlan, TreatmentSession
from treatments.overrides import OverrideNeeded

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2026, 3, 2)
REASON = "Pregnancy ruled out by a blood test this morning; her gynaecologist agrees."
PREGNANCY = "Pregnancy or breastfeeding since 26 January 2025."
BLOCK = Override.Rule.BLOCK


@pytest.fixture(autouse=True)
def monday(time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 12, tzinfo=PARIS), tick=False)


@pytest.fixture
def patient(db):
    return PatientFactory(first_name="Inès", last_name="Dupont")


@pytest.fixture
def pregnant(patient):
    PatientConditionFactory(patient=patient, named="Pregnancy or breastfeeding")
    return patient


def refused_keys(call) -> list[str]:
    with pytest.raises(OverrideNeeded) as refused:
        call()
    return refused.value.breaches


def plan_for(patient, derek, **extra) -> TreatmentPlan:
    return TreatmentPlanFactory(patient=patient, created_by=derek, **extra)


def first_session(plan) -> TreatmentSession:
    return plan.sessions.get(number=1)


# --- Planning ---------------------------------------------------------------------------------


def test_a_blocked_course_is_refused_then_planned_with_an_override_for_the_course(pregnant, derek):
    [breach] = refused_keys(lambda: plan_for(pregnant, derek))
    assert (breach.rule, breach.message) == (BLOCK, PREGNANCY)
    assert not TreatmentPlan.objects.exists()
    assert not Formulation.objects.filter(patient=pregnant).exists()  # not even the patient's copy

    plan = plan_for(pregnant, derek, override_reason=REASON, overriding=[breach.key])

    [override] = Override.objects.all()
    assert (override.plan, override.session, override.rule) == (plan, None, BLOCK)
    assert (override.finding, override.reason, override.overridden_by) == (PREGNANCY, REASON, derek)
    assert override.finding_key.startswith("condition:")
    assert plan.formulation.patient == pregnant  # the template's copy was made despite the block


@pytest.mark.parametrize("reason", ["ok", "Fine by me.", "   "])
def test_a_course_override_must_say_why_in_a_sentence(pregnant, derek, reason):
    [breach] = refused_keys(lambda: plan_for(pregnant, derek))

    with pytest.raises((ValidationError, OverrideNeeded)) as refused:
        plan_for(pregnant, derek, override_reason=reason, overriding=[breach.key])

    if isinstance(refused.value, ValidationError):
        assert "in a sentence" in refused.value.message_dict["override_reason"][0]
    assert not TreatmentPlan.objects.exists()
    assert not Override.objects.exists()


def test_only_a_dermatologist_overrides_a_block_for_a_course(pregnant, derek):
    [breach] = refused_keys(lambda: plan_for(pregnant, derek))
    desk = UserFactory(username="desk", role=Role.FRONT_DESK)

    with pytest.raises(ValidationError) as refused:
        plan_for(pregnant, desk, override_reason=REASON, overriding=[breach.key])

    assert refused.value.message_dict["override_reason"] == ["Only a dermatologist may override these rules."]
    assert not TreatmentPlan.objects.exists()


# --- What the override covers ---------------------------------------------------------------------


def overridden_course(patient, derek) -> TreatmentPlan:
    [breach] = refused_keys(lambda: plan_for(patient, derek))
    return plan_for(patient, derek, override_reason=REASON, overriding=[breach.key])


def test_the_courses_sessions_are_recorded_without_asking_again(pregnant, derek, time_machine):
    plan = overridden_course(pregnant, derek)

    first = record_visit_of(first_session(plan), by=derek)
    time_machine.move_to(datetime(2026, 3, 16, 12, tzinfo=PARIS), tick=False)
    second = record_visit_of(plan.sessions.get(number=2), by=derek)

    assert first.status == second.status == TreatmentSession.Status.DONE
    assert Override.objects.count() == 1  # the course's, nothing asked per session


def test_another_course_of_the_patient_is_still_blocked(pregnant, derek):
    earlier = FormulationFactory(patient=pregnant, created_by=derek, ingredients=["Zinc"])
    overridden_course(pregnant, derek)

    [breach] = refused_keys(lambda: plan_for(pregnant, derek, formulation=earlier, indication="hair_loss"))
    assert breach.message == PREGNANCY


def test_a_session_of_a_course_planned_before_is_still_blocked(patient, derek):
    before = plan_for(patient, derek)  # planned before the pregnancy was known
    PatientConditionFactory(patient=patient, named="Pregnancy or breastfeeding")
    overridden_course(patient, derek)

    [breach] = refused_keys(lambda: record_visit_of(first_session(before), by=derek))
    assert (breach.rule, breach.message) == (BLOCK, PREGNANCY)


def test_a_new_block_at_a_session_still_asks_and_only_it(pregnant, derek):
    plan = overridden_course(pregnant, derek)
    pregnant.allergens.add(Allergen.objects.own_allergen_of(Ingredient.objects.get(name="Zinc")))

    [breach] = refused_keys(lambda: record_visit_of(first_session(plan), by=derek))

    assert (breach.rule, breach.message) == (BLOCK, "Allergic to Zinc.")
    recorded = record_visit_of(first_session(plan), by=derek, override_reason=REASON, overriding=[breach.key])
    assert [override.finding for override in recorded.overrides.all()] == ["Allergic to Zinc."]


def test_a_course_override_covers_the_block_when_the_course_resumes(pregnant, derek):
    plan = overridden_course(pregnant, derek)
    plans.stop_plan(plan=plan, reason="The patient travels for a month", stopped_by=derek)

    resumed = plans.resume_plan(plan=plan, reason="The patient is back from her travels", resumed_by=derek)

    assert resumed.status == TreatmentPlan.Status.ACTIVE


# --- Starting a draft -------------------------------------------------------------------------------


def test_a_draft_blocked_since_it_was_planned_starts_only_with_an_override(patient, derek):
    draft = plan_for(patient, derek, status=TreatmentPlan.Status.DRAFT)
    PatientConditionFactory(patient=patient, named="Pregnancy or breastfeeding")

    [breach] = refused_keys(lambda: plans.activate_plan(plan=draft, activated_by=derek))
    draft.refresh_from_db()
    assert draft.status == TreatmentPlan.Status.DRAFT
    with pytest.raises(ValidationError):
        plans.activate_plan(plan=draft, activated_by=derek, override_reason="ok", overriding=[breach.key])
    assert not Override.objects.exists()

    plans.activate_plan(plan=draft, activated_by=derek, override_reason=REASON, overriding=[breach.key])

    draft.refresh_from_db()
    assert draft.status == TreatmentPlan.Status.ACTIVE
    assert draft.overrides.get().session is None
    assert record_visit_of(first_session(draft), by=derek).status == TreatmentSession.Status.DONE


def test_a_draft_overridden_at_planning_starts_without_asking_again(pregnant, derek):
    [breach] = refused_keys(lambda: plan_for(pregnant, derek, status=TreatmentPlan.Status.DRAFT))
    draft = plan_for(
        pregnant, derek, status=TreatmentPlan.Status.DRAFT, override_reason=REASON, overriding=[breach.key]
    )

    plans.activate_plan(plan=draft, activated_by=derek)

    draft.refresh_from_db()
    assert draft.status == TreatmentPlan.Status.ACTIVE
    assert draft.overrides.count() == 1


# --- On the pages -------------------------------------------------------------------------------


def test_the_plan_form_asks_for_the_override_next_to_its_field_and_the_course_shows_it(client, pregnant, derek):
    cocktail = FormulationFactory(patient=pregnant, created_by=derek, ingredients=["Zinc"], total_volume_ml=3)
    client.force_login(derek)

    refused = client.post("/plans/new/", plan_form(pregnant, formulation=str(cocktail.pk)))

    assert refused.status_code == 200
    [error] = refused.context["form"].errors["override_reason"]
    assert error.startswith(f"Refused: {PREGNANCY}")
    keys = refused.context["summary"]["override_keys"]
    assert f'name="overridden_rules" value="{keys}"' in refused.content.decode()
    assert not TreatmentPlan.objects.exists()

    too_short = client.post(
        "/plans/new/", plan_form(pregnant, formulation=str(cocktail.pk), override_reason="ok", overridden_rules=keys)
    )
    assert "in a sentence" in too_short.context["form"].errors["override_reason"][0]
    assert not TreatmentPlan.objects.exists()

    planned = client.post(
        "/plans/new/", plan_form(pregnant, formulation=str(cocktail.pk), override_reason=REASON, overridden_rules=keys)
    )

    plan = TreatmentPlan.objects.get()
    assert planned["Location"] == f"/plans/{plan.pk}/"
    for page in (f"/plans/{plan.pk}/", f"/patients/{pregnant.pk}/"):
        text = client.get(page).content.decode()
        assert "Safety block" in text and REASON in text, page
        assert "for the whole skin rejuvenation course" in text, page
    session_page = client.get(f"/sessions/{first_session(plan).pk}/")
    assert "Blocked, overridden for this course" in session_page.content.decode()
    assert not session_page.context["blocked"]
    assert 'name="override_reason"' not in session_page.content.decode()


def test_starting_a_blocked_draft_shows_the_blocks_and_takes_the_override(client, patient, derek, charlie):
    draft = plan_for(patient, derek, status=TreatmentPlan.Status.DRAFT)
    PatientConditionFactory(patient=patient, named="Pregnancy or breastfeeding")
    url = f"/plans/{draft.pk}/activate/"
    client.force_login(derek)

    refused = client.post(url)

    assert refused.status_code == 200
    text = refused.content.decode()
    assert PREGNANCY in text
    assert refused.context["form"].errors["override_reason"][0].startswith(f"Refused: {PREGNANCY}")
    keys = refused.context["override_keys"]
    assert f'name="overridden_rules" value="{keys}"' in text
    too_short = client.post(url, {"override_reason": "ok", "overridden_rules": keys})
    assert "in a sentence" in too_short.context["form"].errors["override_reason"][0]

    client.force_login(charlie)
    assert client.post(url, {"override_reason": REASON, "overridden_rules": keys}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == TreatmentPlan.Status.DRAFT

    client.force_login(derek)
    started = client.post(url, {"override_reason": REASON, "overridden_rules": keys})

    assert started["Location"] == f"/plans/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.status == TreatmentPlan.Status.ACTIVE
    assert REASON in client.get(started["Location"]).content.decode()


# --- The record's shape ---------------------------------------------------------------------------


def test_only_a_block_is_overridden_for_a_whole_course_and_it_names_the_block(patient, derek):
    plan = plan_for(patient, derek)
    for rule, key in [(Override.Rule.SPACING, "condition:1:ab"), (BLOCK, "")]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Override.objects.create(
                plan=plan, rule=rule, finding="x", finding_key=key, reason=REASON, overridden_by=derek
            )


COURSE_OVERRIDES = ("treatments", "0026_course_overrides")


# Serialized: the catalogue that migrations load comes back for the tests after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_overrides_recorded_before_stay_each_its_sessions(client):
    old = migrate([just_before(COURSE_OVERRIDES)])
    try:
        plan = old_course(old)
        today = timezone.localdate()
        session = old.get_model("treatments", "TreatmentSession").objects.create(
            plan=plan, number=1, earliest_date=today, latest_date=today, target_date=today
        )
        old.get_model("treatments", "Override").objects.create(
            plan=plan,
            session=session,
            rule="spacing",
            finding="Session 2 may be given from 09/03/2026.",
            reason=REASON,
            overridden_by_id=plan.prescriber_id,
        )
    finally:
        migrate([])

    [override] = Override.objects.all()
    assert (override.session_id, override.finding_key, override.is_for_the_course) == (session.pk, "", False)


def test_the_clinical_hold_lifts_for_the_overridden_course_only(patient, derek):
    before = plan_for(patient, derek)
    PatientConditionFactory(patient=patient, named="Pregnancy or breastfeeding")
    overridden = overridden_course(patient, derek)
    today = timezone.localdate()

    assert holds.hold_for(patient, first_session(overridden), on_date=today) is None
    assert holds.hold_for(patient, first_session(before), on_date=today).reasons == (PREGNANCY,)
