"""The patient portal: what a signed-in patient sees of their own record."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clinic.roles import Role, role_required
from patients.models import Patient


@require_GET
@role_required(Role.PATIENT)
def portal_home(request: HttpRequest) -> HttpResponse:
    patient = Patient.objects.visible_to(request.user).first()
    return render(request, "patients/portal.html", {"patient": patient})
