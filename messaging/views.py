"""The reminders opt-out a patient reaches from any email (no sign-in: the signed link says
who), and the staff's switch on the chart."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from clinic.roles import Role, role_required
from messaging import channels
from messaging.forms import ChannelChoicesForm
from patients.access import get_patient_for_user


# The signed link stands for the patient, as a form's token would: mail clients post to it
# from their own "unsubscribe" button (RFC 8058), with no cookie and no CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    patient = channels.patient_of_token(token)
    if patient is None:
        return render(request, "messaging/opt_out_invalid.html", status=400)
    with translation.override(patient.preferred_language or translation.get_language()):
        if request.method == "POST":
            channels.opt_out_of_reminders(patient=patient)
            return render(request, "messaging/opt_out_done.html", {"patient": patient})
        return render(request, "messaging/opt_out.html", {"patient": patient, "token": token})


@require_POST
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def channel_choices(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, pk)
    form = ChannelChoicesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The channel choices could not be read; nothing was changed."))
        return redirect(patient)
    try:
        channels.set_channel_choices(
            patient=patient,
            reminders=form.cleaned_data["reminders"],
            sms=form.cleaned_data["sms"],
            changed_by=request.user,
            seen_changed_at=form.cleaned_data["seen_changed_at"],
        )
    except channels.ChoicesChanged as changed:
        messages.error(request, str(changed))
    else:
        messages.success(request, _("Channel choices saved."))
    return redirect(patient)
