"""The portal's consent and questionnaire pages: what the patient must sign before their next
appointment, signing it (by typed name without JavaScript, or by drawing), what they signed,
and the medical questionnaire.

The form's text is shown in the patient's preferred language, the one consents.signing
records and hashes, whatever language the rest of the page is in.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clinic.http import client_ip
from clinic.roles import Role, role_required
from consents import gate, intake, signing
from consents.models import ConsentSignature, ConsentVersion, IntakeResponse
from consents.signature_forms import signature_forms
from patients.models import Patient


def own_patient(request: HttpRequest) -> Patient:
    patient = Patient.objects.visible_to(request.user).first()
    if patient is None:
        raise Http404
    return patient


def readable(version: ConsentVersion, patient: Patient) -> dict:
    title, body = signing.signed_text(version, patient.preferred_language)
    return {"version": version, "title": title, "body": body, "language": patient.preferred_language}


@require_GET
@role_required(Role.PATIENT)
def consent_list(request: HttpRequest) -> HttpResponse:
    patient = own_patient(request)
    to_sign = [readable(version, patient) for version in signing.forms_to_sign(patient)]
    signed = (
        ConsentSignature.objects.filter(patient=patient)
        .select_related("version")
        .defer("document", "drawing")
        .order_by("-signed_at")
    )
    for signature in signed:
        signature.title = signing.signed_text(signature.version, signature.language)[0] or signature.version.title
    context = {
        "patient": patient,
        "to_sign": to_sign,
        "signed": signed,
        "questionnaire_due": gate.intake_due(patient, on=timezone.localdate()),
    }
    return render(request, "consents/portal_consents.html", context)


@require_http_methods(["GET", "POST"])
@role_required(Role.PATIENT)
def consent_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """One form to read and sign. Any published version can be read; signing one that is
    not the patient's to sign now (an old version, another's form, one signed already) is
    refused by consents.signing, its message beside the signature."""
    patient = own_patient(request)
    version = get_object_or_404(ConsentVersion.objects.select_related("form"), pk=pk)
    to_sign = version in signing.forms_to_sign(patient)
    data = request.POST if request.method == "POST" else None
    drawn, typed, posted = signature_forms(data)
    if posted is not None and posted.is_valid():
        try:
            signing.sign(
                patient=patient,
                version=version,
                **posted.signing(),
                channel=ConsentSignature.Channel.PORTAL,
                recorded_by=request.user,
                ip_address=client_ip(request),
                device=request.headers.get("User-Agent", "")[:300],
            )
        except signing.SigningRefused as refusal:
            posted.add_error("typed_name" if posted is typed else None, " ".join(refusal.messages))
        else:
            messages.success(
                request,
                _("Thank you: “%(form)s” is signed. Its PDF is among your documents.")
                % {"form": readable(version, patient)["title"]},
            )
            return redirect("portal_consents")
    context = {
        "patient": patient,
        "to_sign": to_sign or posted is not None,
        "drawn_form": drawn,
        "typed_form": typed,
        **readable(version, patient),
    }
    return render(request, "consents/portal_consent.html", context, status=400 if posted is not None else 200)


@require_http_methods(["GET", "POST"])
@role_required(Role.PATIENT)
def questionnaire(request: HttpRequest) -> HttpResponse:
    """The full questionnaire when none is valid, else the short "has anything changed?"."""
    patient = own_patient(request)
    kind = IntakeResponse.Kind.FULL if gate.intake_due(patient, on=timezone.localdate()) else IntakeResponse.Kind.UPDATE
    form_class = intake.IntakeForm if kind == IntakeResponse.Kind.FULL else intake.UpdateForm
    form = form_class(request.POST if request.method == "POST" else None)
    if form.is_valid():
        intake.answer(
            patient=patient,
            kind=kind,
            answers=form.cleaned_data,
            channel=ConsentSignature.Channel.PORTAL,
            recorded_by=request.user,
            language=patient.preferred_language,
        )
        messages.success(request, _("Thank you: your answers are with the clinic. Your dermatologist will read them."))
        return redirect("portal_consents")
    context = {"patient": patient, "kind": kind, "form": form}
    return render(request, "consents/portal_questionnaire.html", context, status=400 if form.is_bound else 200)
