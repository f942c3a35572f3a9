from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic import roles
from clinic.forms import add_error_by_field
from clinic.roles import Role, role_required
from patients import history, portal, registry
from patients.forms import ConditionForm, EndConditionForm, PatientForm
from patients.models import Patient, PatientCondition
from scheduling.models import Appointment
from treatments import safety
from treatments.models import Formulation, TreatmentPlan

PATIENTS_PER_PAGE = 25


def get_patient_for_user(user, pk: UUID) -> Patient:
    """The patient if `user` may see them; 404 otherwise, so a stranger learns nothing."""
    return get_object_or_404(Patient.objects.visible_to(user), pk=pk)


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


@require_http_methods(["GET", "POST"])
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def patient_new(request: HttpRequest) -> HttpResponse:
    form = PatientForm(
        request.POST if request.method == "POST" else None,
        clinical=roles.is_dermatologist(request.user),
    )
    if form.is_valid():
        patient = registry.register_patient(registered_by=request.user, **form.patient_details())
        messages.success(request, f"{patient.full_name} is registered.")
        return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form, "patient": None})


UPCOMING_ON_CHART = 10


def render_chart(request: HttpRequest, pk: UUID, *, condition_form: ConditionForm | None = None) -> HttpResponse:
    patient = get_object_or_404(
        Patient.objects.visible_to(request.user).select_related(
            "portal_user", "registered_by", "consent_recorded_by", "archived_by"
        ),
        pk=pk,
    )
    context = {
        "patient": patient,
        "upcoming": Appointment.objects.filter(patient=patient, start__gte=timezone.now())
        .live()
        .select_related("practitioner", "room")
        .order_by("start")[:UPCOMING_ON_CHART],
        "plans": TreatmentPlan.objects.visible_to(request.user)
        .filter(patient=patient)
        .select_related("formulation")
        .prefetch_related("sessions"),
    }
    if roles.is_dermatologist(request.user):
        context.update(
            allergy_ingredients=patient.allergy_ingredients.all(),
            conditions=patient.conditions.select_related("contraindication", "recorded_by"),
            findings=safety.check_patient(patient=patient, on_date=timezone.localdate()),
            cocktails=Formulation.objects.visible_to(request.user)
            .current()
            .filter(patient=patient)
            .order_by("-created_at"),
            condition_form=condition_form or ConditionForm(),
            end_condition_form=EndConditionForm(initial={"ended_on": timezone.localdate()}),
        )
    return render(request, "patients/chart.html", context)


@require_GET
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def patient_chart(request: HttpRequest, pk: UUID) -> HttpResponse:
    return render_chart(request, pk)


@require_GET
@role_required(Role.DERMATOLOGIST)
def patient_history(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, pk)
    return render(request, "patients/history.html", {"patient": patient, "entries": history.clinical_history(patient)})


@require_POST
@role_required(Role.DERMATOLOGIST)
def condition_add(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, pk)
    # Built on the patient so that the form checks the dates against the date of birth.
    form = ConditionForm(request.POST, instance=PatientCondition(patient=patient))
    if form.is_valid():
        try:
            condition = registry.record_condition(patient=patient, recorded_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_error_by_field(form, error)
        else:
            messages.success(request, f"Recorded: {condition}.")
            return redirect(patient)
    return render_chart(request, pk, condition_form=form)


@require_POST
@role_required(Role.DERMATOLOGIST)
def condition_end(request: HttpRequest, pk: UUID, condition_id: int) -> HttpResponse:
    patient = get_patient_for_user(request.user, pk)
    condition = get_object_or_404(patient.conditions.select_related("contraindication"), pk=condition_id)
    form = EndConditionForm(request.POST)
    if form.is_valid():
        try:
            registry.end_condition(condition=condition, ended_on=form.cleaned_data["ended_on"], ended_by=request.user)
        except ValidationError as error:
            messages.error(request, f"{condition}: {' '.join(error.messages)}")
        else:
            messages.success(request, f"{condition}: ended on {condition.ended_on:%d/%m/%Y}.")
    else:
        messages.error(request, f"{condition}: enter the date it ended.")
    return redirect(patient)


@require_http_methods(["GET", "POST"])
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def patient_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, pk)
    # A rejected form writes its values onto `patient`; the heading keeps the saved name.
    name_on_record = patient.full_name
    form = PatientForm(
        request.POST if request.method == "POST" else None,
        instance=patient,
        clinical=roles.is_dermatologist(request.user),
    )
    if form.is_valid():
        registry.update_patient(patient=patient, changed_by=request.user, **form.changed_details())
        messages.success(request, "Changes saved.")
        return redirect(patient)
    return render(
        request, "patients/patient_form.html", {"form": form, "patient": patient, "name_on_record": name_on_record}
    )


@require_POST
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def patient_archive(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, pk)
    registry.archive_patient(patient=patient, archived_by=request.user)
    messages.success(request, f"{patient.full_name} is archived: hidden from the list, chart kept.")
    return redirect(patient)


@require_POST
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def patient_restore(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, pk)
    registry.restore_patient(patient=patient, restored_by=request.user)
    messages.success(request, f"{patient.full_name} is back in the patient list.")
    return redirect(patient)


@require_POST
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def patient_invite(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Give the patient a portal account and show the one-time link to send them."""
    patient = get_patient_for_user(request.user, pk)
    account = registry.invite_to_portal(patient=patient, invited_by=request.user)
    if account.has_usable_password():
        messages.info(request, f"{patient.full_name} already has a portal account ({account.username}).")
        return redirect(patient)
    link = portal.invitation_link(request, account)
    if patient.email:
        send_mail(
            f"Your {settings.CLINIC_NAME} patient portal",
            f"Hello {patient.first_name},\n\nYour sign-in name is {account.username}. Choose your password to see "
            f"your appointments and documents:\n{link}\n\nThis link works once, for three days.",
            None,
            [patient.email],
        )
    sent = f" and emailed to {patient.email}" if patient.email else "; give it to the patient"
    messages.success(
        request,
        f"Invitation for {patient.full_name} (sign-in name {account.username}), valid for three days{sent}: {link}",
    )
    return redirect(patient)
