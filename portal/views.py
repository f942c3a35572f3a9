"""The patient portal: what a signed-in patient sees of their own care, and how they join
(the invitation itself is patients.invitations)."""

from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clinic.roles import Role, role_required
from consents import records as consent_records
from patients.models import Patient
from scheduling import booking, self_booking
from scheduling.models import Appointment
from treatments.models import TreatmentPlan, TreatmentSession


def can_cancel_online(appointment: Appointment) -> bool:
    hours = settings.PORTAL_CANCEL_HOURS
    return bool(hours) and appointment.start - timezone.now() > timedelta(hours=hours)


@require_GET
@role_required(Role.PATIENT)
def portal_home(request: HttpRequest) -> HttpResponse:
    patient = Patient.objects.visible_to(request.user).first()
    upcoming = list(
        Appointment.objects.visible_to(request.user)
        .filter(start__gte=timezone.now(), status=Appointment.Status.BOOKED)
        .select_related("practitioner", "room")[:10]
    )
    to_book = self_booking.next_sessions(patient) if patient else []
    movable = {found.appointment.pk for found in to_book if found.appointment and found.bookable}
    for appointment in upcoming:
        appointment.cancellable = can_cancel_online(appointment)
        appointment.movable = appointment.pk in movable
    plans = (
        TreatmentPlan.objects.visible_to(request.user)
        .annotate(sessions_done=Count("sessions", filter=Q(sessions__status=TreatmentSession.Status.DONE)))
        .order_by("-start_date")
    )
    done_sessions = (
        TreatmentSession.objects.visible_to(request.user)
        .filter(status=TreatmentSession.Status.DONE)
        .select_related("plan")
        .order_by("-done_at")
    )
    context = {
        "patient": patient,
        "consent_card": consent_records.portal_card(patient) if patient else None,
        "upcoming": upcoming,
        "to_book": [found for found in to_book if found.appointment is None],
        "plans": plans,
        "done_sessions": done_sessions,
        "cancel_hours": settings.PORTAL_CANCEL_HOURS,
        "clinic_phone": settings.CLINIC_PHONE,
    }
    return render(request, "portal/portal.html", context)


@require_POST
@role_required(Role.PATIENT)
def portal_cancel(request: HttpRequest, pk: UUID) -> HttpResponse:
    appointment = get_object_or_404(Appointment.objects.visible_to(request.user), pk=pk)
    if not can_cancel_online(appointment):
        messages.error(request, _("This appointment is too close to cancel online: please call the clinic."))
        return redirect("portal")
    try:
        booking.cancel_appointment(
            appointment=appointment,
            reason=_("Cancelled by the patient in the portal"),
            cancelled_by=request.user,
            online=True,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        when = timezone.localtime(appointment.start)
        messages.success(
            request,
            _("Your appointment of %(day)s at %(time)s is cancelled.")
            % {"day": date_format(when, "l j F Y"), "time": date_format(when, "H:i")},
        )
    return redirect("portal")


class WelcomeView(PasswordResetConfirmView):
    """The invited patient chooses a password, is signed in and lands on the portal."""

    template_name = "portal/welcome.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("portal")
