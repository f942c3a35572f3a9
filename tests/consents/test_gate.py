"""The gate: a session is recorded only with a valid consent for its course's treatment and a
questionnaire within the clinic's validity; what is missing is named."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from clinic.models import ClinicPolicy
from consents import gate
from consents.models import ConsentForm, ConsentSignature
from tests.factories import (
    ConsentFormFactory,
    ConsentSignatureFactory,
    ConsentVersionFactory,
    IntakeResponseFactory,
    TreatmentPlanFactory,
    record_visit_of,
)
from treatments.models import Indication, TreatmentSession

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days), time(10)))


@pytest.fixture
def treatment_consent(db):
    ConsentForm.objects.update(active=False)  # the seeded forms are another test's subject
    return ConsentFormFactory(name="Mesotherapy consent")


@pytest.fixture
def course(alice, derek, treatment_consent):
    return TreatmentPlanFactory(patient=alice, created_by=derek, ready=False)


def labels(found: list[gate.Missing]) -> list[str]:
    return [missing.label for missing in found]


def test_a_patient_who_signed_nothing_and_answered_nothing_misses_both(alice, course):
    assert labels(gate.missing(alice, course=course)) == [
        "Consent to treatment not signed: Mesotherapy consent",
        "Medical questionnaire not answered in the last 12 months",
    ]


def test_a_standing_signature_and_a_recent_questionnaire_leave_nothing_missing(alice, course, treatment_consent):
    signature = ConsentSignatureFactory(patient=alice, form=treatment_consent)
    IntakeResponseFactory(patient=alice, answered_at=days_ago(364))

    assert gate.missing(alice, course=course) == []
    assert gate.valid_signature(alice, treatment_consent, course=course, on=timezone.localdate()) == signature
    assert not gate.intake_due(alice, on=timezone.localdate())


def test_a_questionnaire_older_than_the_clinics_validity_is_due_again(alice):
    IntakeResponseFactory(patient=alice, answered_at=days_ago(200))
    assert not gate.intake_due(alice, on=timezone.localdate())

    policy = ClinicPolicy.current()
    policy.intake_valid_months = 6
    policy.save()

    assert gate.intake_due(alice, on=timezone.localdate())


def test_the_short_update_does_not_stand_for_the_full_questionnaire(alice):
    IntakeResponseFactory(patient=alice, kind="update")
    assert gate.intake_due(alice, on=timezone.localdate())


def test_a_withdrawn_consent_no_longer_counts_from_its_withdrawal(alice, course, treatment_consent, derek):
    ConsentSignatureFactory(
        patient=alice,
        form=treatment_consent,
        signed_at=days_ago(30),
        withdrawn_at=days_ago(2),
        withdrawn_by=derek,
        withdrawal_reason="The patient changed her mind.",
    )
    today = timezone.localdate()

    assert gate.valid_signature(alice, treatment_consent, course=course, on=today) is None
    assert gate.valid_signature(alice, treatment_consent, course=course, on=today - timedelta(days=3)) is not None
    assert "Consent to treatment not valid (withdrawn): Mesotherapy consent" in labels(
        gate.missing(alice, course=course)
    )


def test_a_consent_valid_for_months_expires(alice, course, treatment_consent):
    ConsentForm.objects.filter(pk=treatment_consent.pk).update(validity="months", validity_months=12)
    ConsentSignatureFactory(patient=alice, form=treatment_consent, signed_at=days_ago(400))

    assert "Consent to treatment not valid (expired): Mesotherapy consent" in labels(gate.missing(alice, course=course))
    on_a_day_it_stood = timezone.localdate() - timedelta(days=60)
    assert gate.valid_signature(alice, treatment_consent, course=course, on=on_a_day_it_stood) is not None


def test_a_consent_for_one_course_does_not_cover_the_next(alice, derek, course, treatment_consent):
    ConsentForm.objects.filter(pk=treatment_consent.pk).update(validity="course")
    ConsentSignatureFactory(patient=alice, form=treatment_consent, course=course)
    next_course = TreatmentPlanFactory(patient=alice, created_by=derek, ready=False)

    assert gate.valid_signature(alice, treatment_consent, course=course, on=timezone.localdate())
    assert gate.valid_signature(alice, treatment_consent, course=next_course, on=timezone.localdate()) is None


def test_a_new_version_asks_to_sign_again_only_when_it_says_so(alice, course, treatment_consent):
    ConsentSignatureFactory(patient=alice, form=treatment_consent)
    ConsentVersionFactory(form=treatment_consent, requires_new_signature=False)
    assert gate.valid_signature(alice, treatment_consent, course=course, on=timezone.localdate())

    ConsentVersionFactory(form=treatment_consent, requires_new_signature=True)
    assert gate.valid_signature(alice, treatment_consent, course=course, on=timezone.localdate()) is None
    assert "Consent to treatment not valid (a new version is to be signed): Mesotherapy consent" in labels(
        gate.missing(alice, course=course)
    )


def test_a_form_names_the_courses_it_is_for(alice, derek, treatment_consent):
    ConsentForm.objects.filter(pk=treatment_consent.pk).update(indications=[Indication.HAIR_LOSS])
    hair = ConsentFormFactory(name="Hair consent", indications=[Indication.HAIR_LOSS])
    everyone = ConsentFormFactory(name="General consent")
    rejuvenation = TreatmentPlanFactory(patient=alice, created_by=derek, ready=False)

    assert [form.name for form in gate.forms_required_for(rejuvenation)] == ["General consent"]
    rejuvenation.indication = Indication.HAIR_LOSS
    assert {form.name for form in gate.forms_required_for(rejuvenation)} == {
        hair.name,
        everyone.name,
        "Mesotherapy consent",
    }


def test_recording_is_refused_without_a_consent_and_goes_through_with_a_paper_one(alice, derek, charlie, course):
    session = course.sessions.get(number=1)
    IntakeResponseFactory(patient=alice)

    with pytest.raises(gate.ConsentMissing, match="Consent to treatment not signed: Mesotherapy consent"):
        gate.ensure_ready(session, on=timezone.localdate())

    ConsentSignatureFactory(
        patient=alice, form=ConsentForm.objects.get(name="Mesotherapy consent"), recorded_by=charlie
    )
    gate.ensure_ready(session, on=timezone.localdate())
    assert record_visit_of(session, by=derek).status == TreatmentSession.Status.DONE
    assert ConsentSignature.objects.get().method == "paper"


@pytest.mark.parametrize("patients", [1, 6])
def test_a_days_sessions_are_checked_in_a_few_queries(django_assert_num_queries, derek, treatment_consent, patients):
    sessions = []
    for _ in range(patients):
        course = TreatmentPlanFactory(created_by=derek, ready=False)
        ConsentSignatureFactory(patient=course.patient, form=treatment_consent)
        sessions.append(course.sessions.select_related("plan").get(number=1))
    ClinicPolicy.current()

    # forms, their protocols, their versions, signatures, questionnaires, policy
    with django_assert_num_queries(6):
        found = gate.missing_for_sessions(sessions, on=timezone.localdate())

    assert [labels(found[s.pk]) for s in sessions] == [
        ["Medical questionnaire not answered in the last 12 months"]
    ] * patients
