import sys

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clinic import roles
from clinic.roles import Role, role_required
from patients.models import Patient
from scheduling.models import Appointment


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    if roles.is_staff_member(request.user) or request.user.is_staff:
        return redirect("today")
    if roles.is_patient(request.user):
        return redirect("portal")
    raise PermissionDenied


@require_GET
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK, allow_manager=True)
def today(request: HttpRequest) -> HttpResponse:
    user = request.user
    appointments = Appointment.objects.agenda_of(user, timezone.localdate())
    context = {
        "appointments": appointments.with_what_to_prepare().order_by("start"),
        "recent_patients": Patient.objects.visible_to(user).active().order_by("-updated_at")[:6],
    }
    return render(request, "clinic/today.html", context)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """The page for an unexpected error; when the database is out of reach, a 503 that says
    so. It touches neither the database nor the session, which may be what failed."""
    if isinstance(sys.exc_info()[1], DatabaseError):
        return HttpResponse(loader.render_to_string("503.html"), status=503, headers={"Retry-After": "30"})
    return HttpResponse(loader.render_to_string("500.html"), status=500)
