"""The staff member's day: their appointments with what to prepare, and the day's sheets in one PDF."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clinic.http import pdf_response
from clinic.roles import Role, role_required
from consents import gate
from patients.models import Patient
from scheduling.models import Appointment
from treatments import cocktails, documents, holds
from treatments.models import TreatmentSession

RECORDS_TO_SIGN_LISTED = 20


@require_GET
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK, allow_manager=True)
def today(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    appointments = list(Appointment.objects.agenda_of(user, today).with_what_to_prepare().order_by("start"))
    to_give = cocktails.versions_to_give(appointment.session for appointment in appointments if appointment.session)
    held = holds.holds_for(
        [(a.patient, a.session) for a in appointments if a.still_to_see], on_date=today, cocktails=to_give
    )
    to_do = gate.missing_for_sessions(
        (a.session for a in appointments if a.session and a.still_to_see and not a.session.is_done), on=today
    )
    for appointment in appointments:
        appointment.ready = gate.readiness(to_do.get(appointment.session_id, ()))
        # What to prepare is the version the session is given, not the one the course was planned with.
        appointment.cocktail = to_give.get(appointment.session_id)
        appointment.clinical_hold = held.get((appointment.patient_id, appointment.session_id))
    context = {
        "appointments": appointments,
        "recent_patients": Patient.objects.visible_to(user).active().order_by("-updated_at")[:6],
        "to_sign": TreatmentSession.objects.filter(
            practitioner=user, status=TreatmentSession.Status.DONE, signed_at__isnull=True
        ).select_related("plan__patient", "recorded_by")[:RECORDS_TO_SIGN_LISTED],
    }
    return render(request, "workday/today.html", context)


@require_GET
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK)
def today_print(request: HttpRequest) -> HttpResponse:
    """Today's sheets in one PDF, one per session, in the order of the appointments; a page
    saying so in place of the sheet of a session on clinical hold."""
    appointments = (
        Appointment.objects.agenda_of(request.user, timezone.localdate())
        .live()
        .filter(session__isnull=False)
        .exclude(session__status__in=TreatmentSession.CALLED_OFF)
        .select_related("session__plan__patient", "session__formulation", "session__plan__formulation")
        .order_by("start")
    )
    sessions = [appointment.session for appointment in appointments]
    if not sessions:
        return render(request, "treatments/no_sheet.html", {"today": True})
    to_give = cocktails.versions_to_give(sessions)
    sheets = [documents.aftercare_sheet(session, to_give[session.pk]) for session in sessions]
    return pdf_response(
        request,
        "documents/aftercare.html",
        {"sheets": sheets},
        filename=f"aftercare-{timezone.localdate():%Y-%m-%d}.pdf",
    )
