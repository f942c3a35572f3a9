"""The gate no session passes without: a valid consent for the course's treatment and a
medical questionnaire answered within the clinic's validity.

Reads only. Recording refuses on what `ensure_ready` names (workday.visits.record_visit);
planning and booking warn with `missing`; the day's pages ask `missing_for_sessions`, a few
queries for the whole day. Whether one signature covers a course on a day is decided by
`covers`, the one place that knows validity, withdrawal and versions: signing asks it too
(consents.signing.forms_to_sign)."""

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clinic.models import ClinicPolicy
from patients.models import Patient
from treatments.models import TreatmentPlan, TreatmentSession

from .models import ConsentForm, ConsentSignature, ConsentVersion, IntakeResponse


@dataclass(frozen=True)
class Missing:
    """One thing a patient still has to do before a session: sign a form, or answer the
    questionnaire. `label` is for the staff."""

    kind: str  # "consent" | "intake"
    label: str
    form: ConsentForm | None = None

    CONSENT = "consent"
    INTAKE = "intake"


@dataclass(frozen=True)
class Readiness:
    """What the desk is shown for one visit: a badge per kind of thing to do, the details."""

    missing: tuple[Missing, ...]

    @property
    def consent_to_sign(self) -> bool:
        return any(m.kind == Missing.CONSENT for m in self.missing)

    @property
    def questionnaire_to_answer(self) -> bool:
        return any(m.kind == Missing.INTAKE for m in self.missing)

    def __bool__(self) -> bool:
        return bool(self.missing)


def readiness(found: Iterable[Missing]) -> Readiness:
    return Readiness(tuple(found))


class ConsentMissing(ValidationError):
    """A session may not be recorded: the message names what is missing."""

    def __init__(self, missing: list[Missing]):
        self.missing = missing
        super().__init__(
            _("This session cannot be recorded yet: %(missing)s.") % {"missing": "; ".join(m.label for m in missing)}
        )


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` (negative: back), on the month's last day when it has fewer."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def treatment_forms() -> list[ConsentForm]:
    """The active treatment forms that have a version to sign, each with its protocols and
    versions (newest first) read once."""
    forms = ConsentForm.objects.filter(active=True, purpose=ConsentForm.Purpose.TREATMENT).prefetch_related(
        "protocols", Prefetch("versions", queryset=ConsentVersion.objects.order_by("-number"))
    )
    return [form for form in forms if form.versions.all()]


def applies_to(form: ConsentForm, course: TreatmentPlan) -> bool:
    protocol_ids = {protocol.pk for protocol in form.protocols.all()}
    if not form.indications and not protocol_ids:
        return True
    return course.indication in form.indications or (
        course.protocol_id is not None and course.protocol_id in protocol_ids
    )


def with_versions(form: ConsentForm) -> ConsentForm:
    return ConsentForm.objects.prefetch_related(
        Prefetch("versions", queryset=ConsentVersion.objects.order_by("-number"))
    ).get(pk=form.pk)


def forms_required_for(course: TreatmentPlan, *, forms: list[ConsentForm] | None = None) -> list[ConsentForm]:
    """The active treatment forms the course needs: those naming its indication or its
    protocol, and those naming neither (every course)."""
    return [form for form in (treatment_forms() if forms is None else forms) if applies_to(form, course)]


def signed_version_still_stands(form: ConsentForm, version: ConsentVersion) -> bool:
    """False when a later version of the form asks patients to sign again."""
    return not any(later.number > version.number and later.requires_new_signature for later in form.versions.all())


def refusal(signature: ConsentSignature, form: ConsentForm, *, course: TreatmentPlan, on: date) -> str | None:
    """Why `signature` does not cover `course` on `on`, in the staff's words; None if it does."""
    if timezone.localdate(signature.signed_at) > on:
        return _("signed after that day")
    if signature.withdrawn_at is not None and timezone.localdate(signature.withdrawn_at) <= on:
        return _("withdrawn")
    if form.validity == ConsentForm.Validity.COURSE and signature.course_id != course.pk:
        return _("signed for another course")
    months = form.validity_months if form.validity == ConsentForm.Validity.MONTHS else None
    if months and add_months(timezone.localdate(signature.signed_at), months) <= on:
        return _("expired")
    if not signed_version_still_stands(form, signature.version):
        return _("a new version is to be signed")
    return None


def covers(signature: ConsentSignature, form: ConsentForm, *, course: TreatmentPlan, on: date) -> bool:
    return refusal(signature, form, course=course, on=on) is None


def valid_signature(patient: Patient, form: ConsentForm, *, course: TreatmentPlan, on: date) -> ConsentSignature | None:
    """The patient's signature of `form` that covers `course` on `on` (signed by then, not
    withdrawn, not expired, for this course when the form is per course, of the current
    version when a later one asks to sign again), or None."""
    form = with_versions(form)
    for signature in signatures_of([patient.pk], [form])[patient.pk]:
        if covers(signature, form, course=course, on=on):
            return signature
    return None


def signatures_of(patient_ids: Iterable, forms: list[ConsentForm]) -> dict:
    """Each patient's signatures of `forms`, newest first, in one query."""
    by_patient = defaultdict(list)
    rows = (
        ConsentSignature.objects.filter(patient_id__in=list(patient_ids), version__form__in=[f.pk for f in forms])
        .select_related("version")
        .order_by("-signed_at")
    )
    for signature in rows:
        by_patient[signature.patient_id].append(signature)
    return by_patient


def intake_since(on: date, policy: ClinicPolicy) -> date:
    """The first day a full questionnaire may have been answered on to still count on `on`."""
    return add_months(on, -policy.intake_valid_months)


def last_full_intakes(patient_ids: Iterable, *, on: date) -> dict:
    """The day each patient last answered the full questionnaire, up to `on`, in one query."""
    rows = (
        IntakeResponse.objects.filter(
            patient_id__in=list(patient_ids),
            kind=IntakeResponse.Kind.FULL,
            answered_at__date__lte=on,
        )
        .values("patient_id")
        .annotate(last=Max("answered_at"))
    )
    return {row["patient_id"]: timezone.localdate(row["last"]) for row in rows}


def intake_due(patient: Patient, *, on: date) -> bool:
    """True when the patient has not answered the full questionnaire within the clinic's
    validity (ClinicPolicy.intake_valid_months) before `on`."""
    last = last_full_intakes([patient.pk], on=on).get(patient.pk)
    return last is None or last < intake_since(on, ClinicPolicy.current())


def intake_label(policy: ClinicPolicy) -> str:
    months = policy.intake_valid_months
    return ngettext(
        "Medical questionnaire not answered in the last %(months)d month",
        "Medical questionnaire not answered in the last %(months)d months",
        months,
    ) % {"months": months}


def consent_label(form: ConsentForm, why: str | None) -> str:
    if why is None:
        return _("Consent to treatment not signed: %(form)s") % {"form": form.name}
    return _("Consent to treatment not valid (%(why)s): %(form)s") % {"why": why, "form": form.name}


def what_is_missing(
    *,
    course: TreatmentPlan,
    on: date,
    forms: list[ConsentForm],
    signatures: list[ConsentSignature],
    last_intake: date | None,
    policy: ClinicPolicy,
) -> list[Missing]:
    missing = []
    for form in forms_required_for(course, forms=forms):
        own = [signature for signature in signatures if signature.version.form_id == form.pk]
        reasons = [refusal(signature, form, course=course, on=on) for signature in own]
        if None in reasons:
            continue
        # The newest signature's reason tells the desk most ("expired", "withdrawn").
        missing.append(Missing(Missing.CONSENT, consent_label(form, reasons[0] if reasons else None), form))
    if last_intake is None or last_intake < intake_since(on, policy):
        missing.append(Missing(Missing.INTAKE, intake_label(policy)))
    return missing


def missing(patient: Patient, *, course: TreatmentPlan, on: date | None = None) -> list[Missing]:
    """What the patient must still sign or answer before a session of `course` on `on`
    (today by default)."""
    on = on or timezone.localdate()
    forms = treatment_forms()
    return what_is_missing(
        course=course,
        on=on,
        forms=forms,
        signatures=signatures_of([patient.pk], forms)[patient.pk],
        last_intake=last_full_intakes([patient.pk], on=on).get(patient.pk),
        policy=ClinicPolicy.current(),
    )


def missing_for_sessions(sessions: Iterable[TreatmentSession], *, on: date) -> dict:
    """{session pk: what is missing} for many sessions at once (a day's list), in a few
    queries whatever their number. Each session needs its `plan` read (select_related)."""
    sessions = list(sessions)
    if not sessions:
        return {}
    patient_ids = {session.plan.patient_id for session in sessions}
    forms = treatment_forms()
    signatures = signatures_of(patient_ids, forms)
    last_intakes = last_full_intakes(patient_ids, on=on)
    policy = ClinicPolicy.current()
    return {
        session.pk: what_is_missing(
            course=session.plan,
            on=on,
            forms=forms,
            signatures=signatures[session.plan.patient_id],
            last_intake=last_intakes.get(session.plan.patient_id),
            policy=policy,
        )
        for session in sessions
    }


def ensure_ready(session: TreatmentSession, *, on: date) -> None:
    """Refuse (ConsentMissing, naming each) unless the patient has a valid consent for the
    session's course and a questionnaire within the clinic's validity on `on`."""
    course = session.plan
    if found := missing(course.patient, course=course, on=on):
        raise ConsentMissing(found)


# A draft is a course being planned: planning warns of what its first session will need.
WILL_BE_GIVEN = (TreatmentPlan.Status.ACTIVE, TreatmentPlan.Status.DRAFT)


def next_session(patient: Patient) -> TreatmentSession | None:
    """The patient's next session still to give, in an active course: the one booking and
    the desk prepare for."""
    return (
        TreatmentSession.objects.filter(
            plan__patient=patient,
            plan__status=TreatmentPlan.Status.ACTIVE,
            status__in=TreatmentSession.STILL_TO_COME,
        )
        .select_related("plan__patient")
        .order_by("target_date", "number")
        .first()
    )


def before_session(session: TreatmentSession | None, *, on: date | None = None) -> Readiness:
    """What is missing before `session` (none for no session or one done), on `on` (today)."""
    if session is None or session.is_done or session.plan.status not in WILL_BE_GIVEN:
        return readiness(())
    return readiness(missing(session.plan.patient, course=session.plan, on=on))
