"""The chart's consent pages (recording a paper consent, withdrawing one) and the signed
documents, for the staff and for the patient in the portal."""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clinic.forms import add_error_by_field
from clinic.http import content_disposition
from clinic.roles import Role, role_required
from consents import documents, signing
from consents.access import get_signature_for_user
from consents.forms import PaperConsentForm, WithdrawalForm
from consents.models import ConsentSignature
from patients.access import get_patient_for_user


@require_http_methods(["GET", "POST"])
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def paper_consent(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, pk)
    form = PaperConsentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            signature = signing.record_paper(patient=patient, recorded_by=request.user, **form.cleaned_data)
        except signing.SigningRefused as refusal:
            add_error_by_field(form, refusal)
        else:
            messages.success(
                request, _("The paper consent “%(form)s” is recorded.") % {"form": signature.version.title}
            )
            return redirect(patient)
    return render(request, "consents/paper_consent.html", {"patient": patient, "form": form})


def withdrawal(request: HttpRequest, signature: ConsentSignature, *, template: str, done_url: str) -> HttpResponse:
    if signature.withdrawn_at is not None:
        raise Http404
    form = WithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signing.withdraw(signature=signature, by=request.user, **form.cleaned_data)
        except signing.SigningRefused as refusal:
            add_error_by_field(form, refusal)
        else:
            messages.success(request, _("The consent “%(form)s” is withdrawn.") % {"form": signature.version.title})
            return redirect(done_url)
    return render(request, template, {"signature": signature, "patient": signature.patient, "form": form})


@require_http_methods(["GET", "POST"])
@role_required(Role.DERMATOLOGIST)
def withdraw_consent(request: HttpRequest, pk: UUID) -> HttpResponse:
    signature = get_signature_for_user(request.user, pk)
    return withdrawal(
        request, signature, template="consents/withdraw.html", done_url=signature.patient.get_absolute_url()
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.PATIENT)
def portal_withdraw_consent(request: HttpRequest, pk: UUID) -> HttpResponse:
    signature = get_signature_for_user(request.user, pk)
    return withdrawal(request, signature, template="consents/portal_withdraw.html", done_url="/portal/")


def document_response(signature: ConsentSignature) -> HttpResponse:
    """The document kept on the signature, as it was stored: never rendered again."""
    document = ConsentSignature.objects.filter(pk=signature.pk).values_list("document", flat=True).first()
    if not document:
        raise Http404
    response = HttpResponse(bytes(document), content_type=signature.document_type)
    name = documents.file_name(signature)
    if signature.document_type != "application/pdf":
        name = name.rsplit(".", 1)[0] + (".png" if signature.document_type == "image/png" else ".jpg")
    response["Content-Disposition"] = content_disposition(name, attachment=False)
    return response


@require_GET
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def consent_document(request: HttpRequest, pk: UUID) -> HttpResponse:
    return document_response(get_signature_for_user(request.user, pk))


@require_GET
@role_required(Role.PATIENT)
def portal_consent_document(request: HttpRequest, pk: UUID) -> HttpResponse:
    return document_response(get_signature_for_user(request.user, pk))
