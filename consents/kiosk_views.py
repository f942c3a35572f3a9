"""The tablet's pages: the desk opens a signing screen for one patient, the patient signs and
answers on it, the staff member takes it back with their password.

Every page but `open` belongs to the kiosk bound to the browser's session (see
consents.middleware); a token in the address that is not that kiosk's, or a kiosk that
closed or expired, answers the refusal page and records nothing.
"""

from django.contrib import messages
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.http import client_ip, validate_uuid
from clinic.roles import Role, role_required
from consents import intake, kiosk, middleware, signing
from consents.kiosk_forms import UnlockForm
from consents.models import ConsentVersion, IntakeResponse, KioskSession
from consents.signature_forms import signature_forms
from patients.models import Patient

KIOSK_RETURN = "mesoplan_kiosk_return"
STAFF = (Role.FRONT_DESK, Role.DERMATOLOGIST)


def questionnaire_form(kind: str, data=None):
    form_class = intake.IntakeForm if kind == IntakeResponse.Kind.FULL else intake.UpdateForm
    return form_class(data)


def bound_kiosk(request: HttpRequest) -> KioskSession | None:
    token = middleware.bound_token(request)
    if not token:
        return None
    return KioskSession.objects.select_related("patient", "opened_by").filter(token=token).first()


def refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "consents/kiosk_refused.html", {"message": message}, status=409)


def progress(kiosk_session: KioskSession) -> dict:
    done = len(kiosk_session.steps_done)
    return {"number": done + 1, "total": done + len(kiosk_session.steps)}


@require_POST
@role_required(*STAFF)
def open_kiosk(request: HttpRequest) -> HttpResponse:
    """The desk's button (the chart, /today/, the appointment): `patient` is the patient's id,
    `next` where the staff member returns when they take the tablet back."""
    patient = get_object_or_404(Patient.objects.visible_to(request.user), pk=validate_uuid(request.POST.get("patient")))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("patient_chart", args=[patient.pk])
    try:
        opened = kiosk.open_kiosk(patient=patient, opened_by=request.user)
    except kiosk.KioskRefused as refusal:
        messages.info(request, " ".join(refusal.messages))
        return redirect(back)
    middleware.bind(request, token=opened.token, language=patient.preferred_language)
    request.session[KIOSK_RETURN] = back
    return redirect("kiosk:screen")


@require_GET
def screen(request: HttpRequest) -> HttpResponse:
    """What the tablet shows now: the form to sign, the questionnaire, or the locked screen."""
    kiosk_session = bound_kiosk(request)
    if kiosk_session is None:
        return redirect("home")
    step = kiosk.current_step(kiosk_session) if kiosk_session.is_open() else None
    if step is None:
        return render(request, "consents/kiosk_locked.html", {"kiosk": kiosk_session})
    context = {"kiosk": kiosk_session, "patient": kiosk_session.patient, "progress": progress(kiosk_session)}
    if step.version:
        drawn, typed, _posted = signature_forms()
        context |= {"version": step.version, "drawn_form": drawn, "typed_form": typed}
        return render(request, "consents/kiosk_sign.html", context)
    context |= {"kind": step.questionnaire, "form": questionnaire_form(step.questionnaire)}
    return render(request, "consents/kiosk_questionnaire.html", context)


def open_kiosk_of(request: HttpRequest, token: str) -> KioskSession | HttpResponse:
    """The bound kiosk if `token` is its own and it is still open, else the refusal page."""
    kiosk_session = bound_kiosk(request)
    if kiosk_session is None or kiosk_session.token != token:
        return refused(request, _("This signing screen is no longer open. Nothing was recorded."))
    if not kiosk_session.is_open():
        return refused(request, _("This signing screen has closed. Nothing was recorded."))
    return kiosk_session


@require_POST
def sign(request: HttpRequest, token: str) -> HttpResponse:
    kiosk_session = open_kiosk_of(request, token)
    if isinstance(kiosk_session, HttpResponse):
        return kiosk_session
    version = ConsentVersion.objects.filter(pk=request.POST.get("version", "")).first()
    if version is None or {"consent": version.pk} not in kiosk_session.steps:
        return refused(request, _("This form is not among those to sign on this tablet. Nothing was recorded."))
    drawn, typed, posted = signature_forms(request.POST)
    if posted.is_valid():
        try:
            kiosk.sign_at_kiosk(
                kiosk=kiosk_session,
                version=version,
                **posted.signing(),
                ip_address=client_ip(request),
                device=request.headers.get("User-Agent", "")[:300],
            )
        except kiosk.KioskRefused as refusal:
            return refused(request, " ".join(refusal.messages))
        except signing.SigningRefused as refusal:
            posted.add_error(None, " ".join(refusal.messages))
        else:
            return redirect("kiosk:screen")
    context = {
        "kiosk": kiosk_session,
        "patient": kiosk_session.patient,
        "progress": progress(kiosk_session),
        "version": version,
        "drawn_form": drawn,
        "typed_form": typed,
    }
    return render(request, "consents/kiosk_sign.html", context, status=400)


@require_POST
def answer(request: HttpRequest, token: str) -> HttpResponse:
    kiosk_session = open_kiosk_of(request, token)
    if isinstance(kiosk_session, HttpResponse):
        return kiosk_session
    step = kiosk.current_step(kiosk_session)
    if step is None or not step.questionnaire:
        return refused(request, _("The questionnaire is not asked on this tablet now. Nothing was recorded."))
    form = questionnaire_form(step.questionnaire, request.POST)
    if form.is_valid():
        try:
            kiosk.answer_at_kiosk(kiosk=kiosk_session, kind=step.questionnaire, answers=form.cleaned_data)
        except kiosk.KioskRefused as refusal:
            return refused(request, " ".join(refusal.messages))
        return redirect("kiosk:screen")
    context = {
        "kiosk": kiosk_session,
        "patient": kiosk_session.patient,
        "progress": progress(kiosk_session),
        "kind": step.questionnaire,
        "form": form,
    }
    return render(request, "consents/kiosk_questionnaire.html", context, status=400)


@require_http_methods(["GET", "POST"])
def unlock(request: HttpRequest) -> HttpResponse:
    """The staff member takes the tablet back: their password ends kiosk mode."""
    kiosk_session = bound_kiosk(request)
    if kiosk_session is None:
        return redirect("home")
    form = UnlockForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        staff = authenticate(request, username=request.user.get_username(), password=form.cleaned_data["password"])
        if staff is not None and staff.pk == request.user.pk:
            kiosk.end_kiosk(kiosk=kiosk_session, by=request.user)
            middleware.unbind(request)
            back = request.session.pop(KIOSK_RETURN, "") or reverse("patient_chart", args=[kiosk_session.patient_id])
            messages.success(request, _("The tablet is back in your hands."))
            return redirect(back)
        form.add_error("password", _("This is not your password."))
    return render(request, "consents/kiosk_unlock.html", {"kiosk": kiosk_session, "form": form})
