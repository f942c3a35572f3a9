"""The questionnaire: answers become proposals and never change the chart by themselves; a
dermatologist accepts each into the chart (and the safety checks react) or dismisses it."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from consents import intake
from consents.models import IntakeProposal, IntakeResponse
from patients.models import Contraindication, PatientCondition
from tests.factories import FormulationFactory, PatientConditionFactory, UserFactory
from tests.races import RACE, race
from treatments import safety
from treatments.models import Allergy

pytestmark = pytest.mark.django_db

YES_NO = [q.key for q in intake.QUESTIONS if q.yes_no]


def answers(**said) -> dict:
    """No to every question, but what `said` gives."""
    return {key: "no" for key in YES_NO} | said


def answer(patient, by, kind="full", language="en", **said) -> IntakeResponse:
    data = answers(**said) if kind == "full" else said
    return intake.answer(patient=patient, kind=kind, answers=data, channel="portal", recorded_by=by, language=language)


def proposals_of(patient) -> dict:
    return {p.question: p for p in IntakeProposal.objects.filter(patient=patient)}


def test_no_to_everything_proposes_nothing(bob):
    response = answer(bob, bob.portal_user)

    assert response.kind == "full"
    assert response.answers["pregnancy"] == "no"
    assert not IntakeProposal.objects.exists()


def test_each_yes_becomes_a_proposal_and_the_chart_does_not_change(bob):
    answer(
        bob,
        bob.portal_user,
        pregnancy="yes",
        allergies="yes",
        allergies_detail="Zinc",
        medication="yes",
        medication_detail="Levothyrox 50",
        other="Migraines when tired",
    )
    bob.refresh_from_db()

    found = proposals_of(bob)
    assert set(found) == {"pregnancy", "allergies", "medication", "other"}
    assert found["pregnancy"].contraindication.name == "Pregnancy or breastfeeding"
    assert found["allergies"].text == "Zinc"
    assert found["other"].text == "Migraines when tired"
    assert bob.allergies == "" and bob.current_medications == "" and bob.medical_conditions == ""
    assert not PatientCondition.objects.filter(patient=bob).exists()
    assert not Allergy.objects.filter(patient=bob).exists()


def test_a_condition_already_on_the_chart_is_not_proposed_again(bob):
    PatientConditionFactory(patient=bob, named="Keloid or hypertrophic scarring (self or family)", started_on=None)
    answer(bob, bob.portal_user, keloids="yes", herpes="yes")

    assert set(proposals_of(bob)) == {"herpes"}


def test_every_question_needs_an_answer_and_a_yes_its_detail(bob):
    with pytest.raises(ValidationError) as refused:
        answer(bob, bob.portal_user, pregnancy="", allergies="yes")

    errors = refused.value.message_dict
    assert errors["pregnancy"] == ["Please answer yes or no."]
    assert errors["allergies_detail"] == ["Please tell us, in a few words."]
    assert not IntakeResponse.objects.exists()


def test_the_short_update_proposes_what_changed(bob):
    answer(bob, bob.portal_user, kind="update", changes="yes", changes_detail="I started blood thinners")

    assert proposals_of(bob)["changes"].text == "I started blood thinners"


def test_the_questionnaire_speaks_the_patients_words_in_french(bob):
    with translation.override("fr"):
        form = intake.IntakeForm()
        label = str(form.fields["herpes"].label)
    assert label == "Avez-vous des boutons de fièvre (herpès) ?"


def test_accepting_an_allergy_makes_the_cocktails_safety_check_block(bob, derek):
    answer(bob, bob.portal_user, allergies="yes", allergies_detail="Zinc")
    zinc = FormulationFactory(patient=bob, ingredients=["Zinc"], created_by=derek)
    before = safety.check_formulation_for_patient(patient=bob, formulation=zinc, on_date=timezone.localdate())
    assert not any(finding.is_block for finding in before)

    intake.accept(proposal=proposals_of(bob)["allergies"], by=derek)

    bob.refresh_from_db()
    assert bob.allergies == "Zinc"
    after = safety.check_formulation_for_patient(patient=bob, formulation=zinc, on_date=timezone.localdate())
    assert any(finding.is_block and "Zinc" in finding.reason for finding in after)
    assert proposals_of(bob)["allergies"].status == "accepted"


def test_accepting_a_condition_records_it_with_the_day_and_words_of_the_questionnaire(bob, derek):
    answer(bob, bob.portal_user, recent_procedures="yes", recent_procedures_detail="A peel last Tuesday")

    intake.accept(proposal=proposals_of(bob)["recent_procedures"], by=derek)

    condition = PatientCondition.objects.get(patient=bob)
    assert condition.contraindication.name == "Peel, microdermabrasion or other device treatment on the area"
    assert condition.started_on == timezone.localdate()
    assert condition.recorded_by == derek
    assert "A peel last Tuesday" in condition.notes
    findings = safety.check_patient(patient=bob, on_date=timezone.localdate())
    assert any("Peel" in finding.reason for finding in findings)


def test_the_dermatologist_may_record_a_text_answer_as_a_condition(bob, derek):
    answer(bob, bob.portal_user, other="I take warfarin since my operation")
    proposal = proposals_of(bob)["other"]
    anticoagulants = Contraindication.objects.get(name__startswith="Anticoagulant")

    intake.accept(proposal=proposal, by=derek, contraindication=anticoagulants)

    assert PatientCondition.objects.get(patient=bob).contraindication == anticoagulants
    bob.refresh_from_db()
    assert bob.medical_conditions == ""


def test_dismissing_needs_a_note_a_colleague_understands(bob, derek):
    answer(bob, bob.portal_user, herpes="yes")
    proposal = proposals_of(bob)["herpes"]

    with pytest.raises(ValidationError, match="Say why it does not go in the chart in a sentence"):
        intake.dismiss(proposal=proposal, by=derek, note="no")

    intake.dismiss(proposal=proposal, by=derek, note="Asked her: a single cold sore as a child.")
    proposal.refresh_from_db()
    assert proposal.status == "dismissed" and proposal.decided_by == derek
    assert not PatientCondition.objects.filter(patient=bob).exists()


def test_a_decided_proposal_cannot_be_decided_again(bob, derek):
    answer(bob, bob.portal_user, herpes="yes")
    proposal = proposals_of(bob)["herpes"]
    intake.accept(proposal=proposal, by=derek)

    with pytest.raises(intake.ProposalDecided, match="already decided this answer \\(accepted into the chart\\)"):
        intake.dismiss(proposal=proposal, by=derek, note="Asked her: a single cold sore as a child.")


@RACE
def test_two_dermatologists_deciding_one_answer_at_once_one_wins_the_other_is_told(concurrent_database, bob, derek):
    emma = UserFactory(username="emma", role="dermatologist")
    answer(bob, bob.portal_user, allergies="yes", allergies_detail="Zinc")
    pk = proposals_of(bob)["allergies"].pk

    outcomes = race(
        [
            lambda: intake.accept(proposal=IntakeProposal.objects.get(pk=pk), by=derek),
            lambda: intake.dismiss(
                proposal=IntakeProposal.objects.get(pk=pk), by=emma, note="Zinc came up by mistake, she said."
            ),
        ]
    )

    refused = [outcome for outcome in outcomes if isinstance(outcome, intake.ProposalDecided)]
    decided = [outcome for outcome in outcomes if isinstance(outcome, IntakeProposal)]
    assert len(refused) == 1 and len(decided) == 1, outcomes
    proposal = IntakeProposal.objects.get(pk=pk)
    assert proposal.status == decided[0].status
    assert Allergy.objects.filter(patient=bob).exists() == (proposal.status == "accepted")
