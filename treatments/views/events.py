"""What happens after a session: adverse events (recording one, following it up, the clinic's
open events) and the decision on an allergy a severe reaction suggests."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.forms import add_error_by_field
from clinic.roles import Role, role_required
from treatments import adverse_events, safety
from treatments.access import get_adverse_event_for_user, get_session_for_user, get_suspected_allergy_for_user
from treatments.event_forms import AdverseEventFollowUpForm, AdverseEventForm, DismissSuspectedAllergyForm
from treatments.models import AdverseEvent, SuspectedAllergy


@require_GET
@role_required(Role.DERMATOLOGIST)
def adverse_event_list(request: HttpRequest) -> HttpResponse:
    """The clinic's events still followed, the oldest first: the ones waiting longest."""
    events = (
        AdverseEvent.objects.visible_to(request.user)
        .open()
        .select_related("session__plan__patient", "recorded_by")
        .order_by("onset_date", "created_at")
    )
    return render(request, "treatments/adverse_event_list.html", {"events": events})


@require_http_methods(["GET", "POST"])
@role_required(Role.DERMATOLOGIST)
def adverse_event_new(request: HttpRequest, pk: UUID) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    if not session.is_done:
        messages.error(request, _("Only a recorded session can have adverse events; record the session first."))
        return redirect(session)
    form = AdverseEventForm(request.POST or None, instance=AdverseEvent(session=session))
    if form.is_valid():
        try:
            adverse_events.record_adverse_event(session=session, recorded_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_error_by_field(form, error)
        else:
            messages.success(request, _("The adverse event is recorded."))
            return redirect(session.plan.patient)
    return render(request, "treatments/adverse_event_form.html", {"form": form, "session": session, "event": None})


@require_http_methods(["GET", "POST"])
@role_required(Role.DERMATOLOGIST)
def adverse_event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_adverse_event_for_user(request.user, pk)
    form = AdverseEventFollowUpForm(request.POST or None, instance=get_adverse_event_for_user(request.user, pk))
    if form.is_valid():
        try:
            adverse_events.update_adverse_event(
                event=event, changed_by=request.user, **{field: form.cleaned_data[field] for field in form.changed_data}
            )
        except ValidationError as error:
            add_error_by_field(form, error)
        else:
            messages.success(request, _("The adverse event is updated; its history keeps what it said before."))
            return redirect(event.session.plan.patient)
    context = {"form": form, "session": event.session, "event": event, "history": event.history.all()}
    return render(request, "treatments/adverse_event_form.html", context)


def render_suspicion(request, suspicion: SuspectedAllergy, dismiss_form=None) -> HttpResponse:
    context = {"suspicion": suspicion, "dismiss_form": dismiss_form or DismissSuspectedAllergyForm()}
    return render(request, "treatments/suspected_allergy.html", context)


@require_GET
@role_required(Role.DERMATOLOGIST)
def suspected_allergy(request: HttpRequest, pk: int) -> HttpResponse:
    return render_suspicion(request, get_suspected_allergy_for_user(request.user, pk))


@require_POST
@role_required(Role.DERMATOLOGIST)
def suspected_allergy_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    suspicion = get_suspected_allergy_for_user(request.user, pk)
    try:
        safety.confirm_suspected_allergy(suspicion=suspicion, decided_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(suspicion)
    messages.success(request, _("The allergy is confirmed and on the patient's record."))
    return redirect(suspicion.patient)


@require_POST
@role_required(Role.DERMATOLOGIST)
def suspected_allergy_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    suspicion = get_suspected_allergy_for_user(request.user, pk)
    form = DismissSuspectedAllergyForm(request.POST)
    if form.is_valid():
        try:
            safety.dismiss_suspected_allergy(
                suspicion=suspicion, reason=form.cleaned_data["dismissal_reason"], decided_by=request.user
            )
        except ValidationError as error:
            add_error_by_field(form, error)
        else:
            messages.success(request, _("The suspected allergy is dismissed; the reason stays on record."))
            return redirect(suspicion.patient)
    return render_suspicion(request, suspicion, form)
