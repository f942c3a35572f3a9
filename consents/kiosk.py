"""The tablet at the desk: a member of staff hands it to one patient, who signs what is due
and answers the questionnaire, then hands it back.

A KioskSession lists the steps asked of the patient when it opened (the consent versions to
sign, then the questionnaire). Its token is kept in the Django session of the browser that
opened it (consents.middleware holds that browser to the kiosk's pages) and in every form
it shows, so a page or a POST of a kiosk that closed or expired is refused and records
nothing. The staff member who opened it is the witness of what is signed there.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from secrets import token_urlsafe

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.models import User
from consents import gate, intake, signing
from consents.models import ConsentSignature, ConsentVersion, IntakeResponse, KioskSession
from patients.models import Patient

# Long enough to read a form calmly; short enough that a tablet left on the counter stops
# offering a patient's forms soon.
KIOSK_MINUTES = 30


class KioskRefused(ValidationError):
    """The kiosk cannot open, or has closed or expired: the message says which to the person
    holding the tablet."""


@dataclass(frozen=True)
class Step:
    """One thing asked of the patient: a version to sign, or the questionnaire of a kind."""

    version: ConsentVersion | None = None
    questionnaire: str = ""

    @property
    def key(self) -> dict:
        return {"consent": self.version.pk} if self.version else {"questionnaire": self.questionnaire}


def questionnaire_to_offer(patient: Patient, *, on: date) -> str:
    """The full questionnaire when none is valid; else the short "has anything changed?",
    unless the patient answered one today already ("" then)."""
    if gate.intake_due(patient, on=on):
        return IntakeResponse.Kind.FULL
    answered_today = patient.intake_responses.filter(answered_at__date=on).exists()
    return "" if answered_today else IntakeResponse.Kind.UPDATE


def steps_for(patient: Patient, *, on: date) -> list[Step]:
    steps = [Step(version=version) for version in signing.forms_to_sign(patient, on=on)]
    kind = questionnaire_to_offer(patient, on=on)
    if kind:
        steps.append(Step(questionnaire=kind))
    return steps


def open_kiosk(*, patient: Patient, opened_by: User) -> KioskSession:
    """Start a signing screen for `patient`, witnessed by `opened_by`; refused when there is
    nothing to sign or answer."""
    now = timezone.now()
    steps = steps_for(patient, on=timezone.localdate(now))
    if not steps:
        raise KioskRefused(
            _("%(patient)s has nothing to sign or answer today.") % {"patient": patient.full_name}, code="nothing"
        )
    with transaction.atomic():
        return KioskSession.objects.create(
            token=token_urlsafe(32),
            patient=patient,
            opened_by=opened_by,
            steps=[step.key for step in steps],
            opened_at=now,
            expires_at=now + timedelta(minutes=KIOSK_MINUTES),
        )


def current_step(kiosk: KioskSession) -> Step | None:
    """The first step still to do and still due (a form signed meanwhile elsewhere, in the
    portal or on another tablet, is not asked again); None when all are done."""
    on = timezone.localdate()
    due = {version.pk: version for version in signing.forms_to_sign(kiosk.patient, on=on)}
    for key in kiosk.steps:
        if "consent" in key and key["consent"] in due:
            return Step(version=due[key["consent"]])
        if "questionnaire" in key and questionnaire_to_offer(kiosk.patient, on=on):
            return Step(questionnaire=questionnaire_to_offer(kiosk.patient, on=on))
    return None


def steps_left(kiosk: KioskSession) -> int:
    return len(kiosk.steps)


def locked_open(kiosk: KioskSession) -> KioskSession:
    """The kiosk's row, locked, if it is still open; KioskRefused otherwise (a replayed page)."""
    locked = KioskSession.objects.select_for_update().get(pk=kiosk.pk)
    if locked.closed_at is not None:
        raise KioskRefused(_("This signing screen has closed. Nothing was recorded."), code="closed")
    if not locked.is_open():
        raise KioskRefused(_("This signing screen has expired. Nothing was recorded."), code="expired")
    return locked


def mark_done(kiosk: KioskSession, key: dict, *, now) -> None:
    kiosk.steps = [step for step in kiosk.steps if step != key]
    kiosk.steps_done = [*kiosk.steps_done, key]
    fields = ["steps", "steps_done"]
    if not kiosk.steps:
        kiosk.closed_at, kiosk.outcome = now, KioskSession.Outcome.FINISHED
        fields += ["closed_at", "outcome"]
    kiosk.save(update_fields=fields)


def sign_at_kiosk(
    *,
    kiosk: KioskSession,
    version: ConsentVersion,
    method: str,
    typed_name: str = "",
    drawing: bytes | None = None,
    ip_address: str | None = None,
    device: str = "",
) -> ConsentSignature:
    """The patient signs `version` on the tablet, the staff member who opened it witnessing;
    the step is done, and the kiosk closes after the last. Nothing is recorded when the kiosk
    has closed or expired, or when signing.sign refuses (SigningRefused)."""
    with transaction.atomic():
        locked = locked_open(kiosk)
        key = {"consent": version.pk}
        if key not in locked.steps:
            raise KioskRefused(_("This form is not among those to sign on this tablet."), code="not_a_step")
        signature = signing.sign(
            patient=locked.patient,
            version=version,
            method=method,
            channel=ConsentSignature.Channel.KIOSK,
            recorded_by=locked.opened_by,
            typed_name=typed_name,
            drawing=drawing,
            witnessed_by=locked.opened_by,
            ip_address=ip_address,
            device=device,
        )
        mark_done(locked, key, now=signature.signed_at)
    kiosk.refresh_from_db()
    return signature


def answer_at_kiosk(*, kiosk: KioskSession, kind: str, answers: dict) -> IntakeResponse:
    """The patient's answers to the questionnaire on the tablet, recorded by the staff member
    who opened it; refused as sign_at_kiosk is when the kiosk is no longer open."""
    with transaction.atomic():
        locked = locked_open(kiosk)
        step = next((key for key in locked.steps if "questionnaire" in key), None)
        if step is None:
            raise KioskRefused(_("The questionnaire is already answered on this tablet."), code="not_a_step")
        response = intake.answer(
            patient=locked.patient,
            kind=kind,
            answers=answers,
            channel=ConsentSignature.Channel.KIOSK,
            recorded_by=locked.opened_by,
            language=locked.patient.preferred_language,
        )
        mark_done(locked, step, now=response.answered_at)
    kiosk.refresh_from_db()
    return response


def end_kiosk(*, kiosk: KioskSession, by: User) -> None:
    """The staff member takes the tablet back (after typing their password again): the kiosk
    closes if it had not, so none of its pages can be replayed."""
    with transaction.atomic():
        locked = KioskSession.objects.select_for_update().get(pk=kiosk.pk)
        if locked.closed_at is None:
            locked.closed_at, locked.outcome = timezone.now(), KioskSession.Outcome.ENDED
            locked.save(update_fields=["closed_at", "outcome"])
