"""What the chart and the portal say of a patient's consents: each form with where it
stands, and the signed documents. Reads only; the writes are consents.signing."""

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents import gate, signing
from consents.models import ConsentForm, ConsentSignature, ConsentVersion
from patients.models import Patient


@dataclass
class FormState:
    """One form on the chart: its latest signature (withdrawn or not) and what that means today."""

    form: ConsentForm
    version: ConsentVersion | None
    signature: ConsentSignature | None
    state: str  # "signed" | "expired" | "outdated" | "withdrawn" | "to_sign" | "not_signed"
    expires_on: date | None = None
    history: list[ConsentSignature] = field(default_factory=list)
    required: bool = False  # before the next session of the patient's course

    LABELS = {
        "signed": _("Signed"),
        "expired": _("Expired"),
        "outdated": _("An earlier version: to sign again"),
        "withdrawn": _("Withdrawn"),
        "to_sign": _("To sign"),
        "not_signed": _("Not signed"),
    }

    @property
    def label(self) -> str:
        return self.LABELS[self.state]

    @property
    def needs_attention(self) -> bool:
        return self.state in ("to_sign", "expired", "outdated") or (
            self.state == "withdrawn" and self.form.purpose == ConsentForm.Purpose.TREATMENT
        )


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expires_on(signature: ConsentSignature, form: ConsentForm) -> date | None:
    """The day a signature of a form valid for months stops covering sessions."""
    if form.validity != ConsentForm.Validity.MONTHS or not form.validity_months:
        return None
    return add_months(timezone.localdate(signature.signed_at), form.validity_months)


def signatures_of(patient: Patient) -> QuerySet[ConsentSignature]:
    """The patient's signatures without their bytes (documents are read one at a time)."""
    return (
        ConsentSignature.objects.filter(patient=patient)
        .defer("document", "drawing")
        .select_related("version__form", "recorded_by", "witnessed_by", "withdrawn_by")
        .order_by("-signed_at")
    )


def on_chart(patient: Patient, *, on: date | None = None) -> list[FormState]:
    """Every form in use (and any other the patient signed), in the order the staff read them:
    the treatment consent first. Whether a signature covers the next course is the gate's
    rule (`gate.covers`), asked of the signatures read here once."""
    on = on or timezone.localdate()
    return form_states(course=signing.next_course(patient, on=on), signatures=list(signatures_of(patient)), on=on)


def form_states(*, course, signatures: list[ConsentSignature], on: date) -> list[FormState]:
    forms = {
        form.pk: form
        for form in ConsentForm.objects.filter(
            Q(active=True) | Q(pk__in={signature.version.form_id for signature in signatures})
        ).prefetch_related("protocols", Prefetch("versions", queryset=ConsentVersion.objects.order_by("-number")))
    }
    in_use = [
        form
        for form in forms.values()
        if form.active and form.purpose == ConsentForm.Purpose.TREATMENT and form.versions.all()
    ]
    required = {form.pk for form in gate.forms_required_for(course, forms=in_use)} if course else set()
    states = []
    for form in sorted(forms.values(), key=lambda form: (form.purpose != ConsentForm.Purpose.TREATMENT, form.name)):
        history = [signature for signature in signatures if signature.version.form_id == form.pk]
        versions = form.versions.all()
        state = state_of(form, history, course=course, on=on, required=form.pk in required)
        states.append(
            FormState(
                form,
                versions[0] if versions else None,
                history[0] if history else None,
                state,
                expires_on(history[0], form) if history else None,
                history,
                form.pk in required,
            )
        )
    return states


def state_of(form: ConsentForm, history: list[ConsentSignature], *, course, on: date, required: bool) -> str:
    if not history:
        return "to_sign" if required else "not_signed"
    latest = history[0]
    if latest.withdrawn_at is not None and timezone.localdate(latest.withdrawn_at) <= on:
        return "withdrawn"
    expiry = expires_on(latest, form)
    if expiry is not None and expiry <= on:
        return "expired"
    if required:
        if any(gate.covers(signature, form, course=course, on=on) for signature in history):
            return "signed"
        return "to_sign" if gate.signed_version_still_stands(form, latest.version) else "outdated"
    return "signed" if gate.signed_version_still_stands(form, latest.version) else "outdated"


@dataclass(frozen=True)
class PortalCard:
    signed: list[FormState]
    due: list[ConsentVersion]
    questionnaire_due: bool
    documents: list[ConsentSignature]  # the signed consents with a document, newest first


def portal_card(patient: Patient, *, on: date | None = None) -> PortalCard:
    """What the portal's consent card says: what is signed and since when, what is due, and
    whether the medical questionnaire is to be answered (before a session: none planned, not yet)."""
    on = on or timezone.localdate()
    course = signing.next_course(patient, on=on)
    signatures = list(signatures_of(patient))
    states = form_states(course=course, signatures=signatures, on=on)
    return PortalCard(
        signed=[state for state in states if state.state == "signed"],
        due=[state.version for state in states if state.required and state.state != "signed"],
        questionnaire_due=course is not None and gate.intake_due(patient, on=on),
        documents=[signature for signature in signatures if signature.document_type],
    )
