"""The registry's own pages: the patient list, archiving and restoring, portal invitations.
The chart and the record's form compose other apps too: they are workday's."""

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clinic.roles import Role, role_required
from patients import invitations, registry
from patients.access import get_patient_for_user
from patients.models import Patient

PATIENTS_PER_PAGE = 25


@require_GET
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def patient_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    show_archived = request.GET.get("show") == "archived"
    patients = Patient.objects.visible_to(request.user)
    patients = patients.archived() if show_archived else patients.active()
    page = Paginator(patients.search(query), PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "patients": page.object_list, "query": query, "show_archived": show_archived}
    if request.htmx and request.htmx.target == "patient-results":
        return render(request, "patients/_patient_results.html", context)
    return render(request, "patients/patient_list.html", context)


@require_POST
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def patient_archive(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, pk)
    registry.archive_patient(patient=patient, archived_by=request.user)
    messages.success(
        request, _("%(name)s is archived: hidden from the list, chart kept.") % {"name": patient.full_name}
    )
    return redirect(patient)


@require_POST
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def patient_restore(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, pk)
    registry.restore_patient(patient=patient, restored_by=request.user)
    messages.success(request, _("%(name)s is back in the patient list.") % {"name": patient.full_name})
    return redirect(patient)


@require_POST
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def patient_invite(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Give the patient a portal account and show the one-time link to send them."""
    patient = get_patient_for_user(request.user, pk)
    account = registry.invite_to_portal(patient=patient, invited_by=request.user)
    if account.has_usable_password():
        messages.info(
            request,
            _("%(name)s already has a portal account (%(username)s).")
            % {"name": patient.full_name, "username": account.username},
        )
        return redirect(patient)
    link = request.build_absolute_uri(invitations.invitation_path(account))
    emailed = invitations.send_invitation(patient=patient, account=account, link=link)
    if emailed:
        message = _(
            "Invitation for %(name)s (sign-in name %(username)s), valid for three days and emailed to %(email)s: "
            "%(link)s"
        )
    else:
        message = _(
            "Invitation for %(name)s (sign-in name %(username)s), valid for three days; give it to the patient: "
            "%(link)s"
        )
    messages.success(
        request,
        message % {"name": patient.full_name, "username": account.username, "email": patient.email, "link": link},
    )
    return redirect(patient)
