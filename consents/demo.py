"""Demo consents and questionnaires, each patient in the state that shows one part of the gate:
Camille Durand signed in the portal and is ready; Thomas Roux has both still to do before his
next appointment; Nicolas Vincent's paper consent and questionnaire are thirteen months old,
past the clinic's twelve; Julie Bernard answered on the tablet that she gets cold sores,
a proposal waiting for the dermatologist; Sophie Martin and Hélène Lefebvre signed on paper
on their course's first day."""

from collections.abc import Callable

from django.utils import timezone

from clinic.models import User
from consents import intake, signing
from consents.gate import add_months
from consents.models import ConsentForm, ConsentSignature, IntakeResponse
from patients.models import Patient
from treatments.models import TreatmentPlan

NO_TO_ALL = {question.key: intake.NO for question in intake.QUESTIONS if question.yes_no}
COLD_SORES = {**NO_TO_ALL, "herpes": intake.YES}

SIGNED_ON_PAPER = [("Sophie", "Martin"), ("Hélène", "Lefebvre"), ("Julie", "Bernard")]
ANSWERED_AT_THE_DESK = {
    ("Sophie", "Martin"): NO_TO_ALL,
    ("Hélène", "Lefebvre"): NO_TO_ALL,
    ("Julie", "Bernard"): COLD_SORES,
}
EXPIRED = ("Nicolas", "Vincent")
EXPIRED_MONTHS_AGO = 13


def seed(*, log: Callable[[str], None]) -> None:
    if ConsentSignature.objects.exists() or IntakeResponse.objects.exists():
        log("Demo consents: already there.")
        return
    desk = User.objects.get(username="desk.demo")
    treatment = ConsentForm.objects.get(purpose=ConsentForm.Purpose.TREATMENT, active=True)
    today = timezone.localdate()

    camille = Patient.objects.get(first_name="Camille", last_name="Durand")
    for version in signing.forms_to_sign(camille):
        signing.sign(
            patient=camille,
            version=version,
            method=ConsentSignature.Method.TYPED,
            channel=ConsentSignature.Channel.PORTAL,
            typed_name=camille.full_name,
            recorded_by=camille.portal_user,
            ip_address="192.0.2.10",
            device="Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1",
        )
    answer(camille, NO_TO_ALL, channel=ConsentSignature.Channel.PORTAL, by=camille.portal_user)

    for first, last in SIGNED_ON_PAPER:
        patient = Patient.objects.get(first_name=first, last_name=last)
        course = TreatmentPlan.objects.filter(patient=patient).order_by("start_date").first()
        signed_on = min(course.start_date, today) if course else today
        signing.record_paper(patient=patient, form=treatment, signed_on=signed_on, recorded_by=desk)
        answer(patient, ANSWERED_AT_THE_DESK[(first, last)], channel=ConsentSignature.Channel.KIOSK, by=desk)

    nicolas = Patient.objects.get(first_name=EXPIRED[0], last_name=EXPIRED[1])
    long_ago = add_months(today, -EXPIRED_MONTHS_AGO)
    signing.record_paper(patient=nicolas, form=treatment, signed_on=long_ago, recorded_by=desk)
    old = answer(nicolas, NO_TO_ALL, channel=ConsentSignature.Channel.PAPER, by=desk)
    # Answered on paper back then: entered as history, as scheduling's demo enters past weeks.
    IntakeResponse.objects.filter(pk=old.pk).update(answered_at=old.answered_at - (today - long_ago))

    log(
        "Demo consents: Camille Durand signed in the portal, Thomas Roux has everything to do, "
        "Nicolas Vincent's consent has expired, Julie Bernard's questionnaire awaits the dermatologist."
    )


def answer(patient: Patient, answers: dict, *, channel: str, by: User) -> IntakeResponse:
    return intake.answer(
        patient=patient,
        kind=IntakeResponse.Kind.FULL,
        answers=answers,
        channel=channel,
        recorded_by=by,
        language=patient.preferred_language,
    )
