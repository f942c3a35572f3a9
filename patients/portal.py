"""The patient portal: what a signed-in patient sees of their own record."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clinic.roles import Role, role_required
from patients.models import Patient
from scheduling.models import Appointment
from treatments.models import TreatmentPlan, TreatmentSession


@require_GET
@role_required(Role.PATIENT)
def portal_home(request: HttpRequest) -> HttpResponse:
    patient = Patient.objects.visible_to(request.user).first()
    upcoming = (
        Appointment.objects.visible_to(request.user)
        .filter(start__gte=timezone.now(), status=Appointment.Status.BOOKED)
        .select_related("practitioner", "room")[:10]
    )
    plans = TreatmentPlan.objects.visible_to(request.user).order_by("-start_date")
    done_sessions = (
        TreatmentSession.objects.visible_to(request.user)
        .filter(status=TreatmentSession.Status.DONE)
        .select_related("plan")
        .order_by("-done_at")
    )
    context = {"patient": patient, "upcoming": upcoming, "plans": plans, "done_sessions": done_sessions}
    return render(request, "patients/portal.html", context)
