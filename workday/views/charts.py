"""The patient's chart: the record, conditions, allergies, cocktails, courses and next
appointments on one page, the forms that change the record, and its history."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic import roles
from clinic.forms import add_error_by_field
from clinic.roles import Role, role_required
from consents import intake
from consents import records as consent_records
from messaging import channels
from patients import registry
from patients.access import get_patient_for_user
from patients.forms import ConditionForm, EndConditionForm
from patients.models import Patient, PatientCondition
from scheduling.models import Appointment
from treatments import allergies, safety
from treatments.models import AdverseEvent, Formulation, Override, SuspectedAllergy, TreatmentPlan, TreatmentSession
from workday import history, patient_records
from workday.forms import PatientRecordForm

UPCOMING_ON_CHART = 10
MESSAGES_ON_CHART = 20
RECORDED_SESSIONS_ON_CHART = 5  # the sessions an adverse event is most likely to follow


@require_http_methods(["GET", "POST"])
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def patient_new(request: HttpRequest) -> HttpResponse:
    form = PatientRecordForm(
        request.POST if request.method == "POST" else None,
        clinical=roles.abilities_of(request.user).see_clinical,
    )
    if form.is_valid():
        patient = patient_records.register_patient(
            registered_by=request.user, allergens=form.chosen_allergies(), **form.patient_details()
        )
        messages.success(request, _("%(name)s is registered.") % {"name": patient.full_name})
        return redirect(patient)
    return render(request, "workday/patient_form.html", {"form": form, "patient": None})


@require_http_methods(["GET", "POST"])
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def patient_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, pk)
    # A rejected form writes its values onto `patient`; the heading keeps the saved name.
    name_on_record = patient.full_name
    form = PatientRecordForm(
        request.POST if request.method == "POST" else None,
        instance=patient,
        clinical=roles.abilities_of(request.user).see_clinical,
    )
    if form.is_valid():
        patient_records.update_patient(
            patient=patient,
            changed_by=request.user,
            allergens=form.chosen_allergies(),
            **form.changed_details(),
        )
        messages.success(request, _("Changes saved."))
        return redirect(patient)
    return render(
        request, "workday/patient_form.html", {"form": form, "patient": patient, "name_on_record": name_on_record}
    )


def render_chart(request: HttpRequest, pk: UUID, *, condition_form: ConditionForm | None = None) -> HttpResponse:
    patient = get_object_or_404(
        Patient.objects.visible_to(request.user).select_related(
            "portal_user", "registered_by", "archived_by", "channel_choices__changed_by"
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
        "consents": consent_records.on_chart(patient),
        "channel_choices": channels.choices_of(patient),
        "sent_messages": patient.messages.order_by("-created_at", "-pk")[:MESSAGES_ON_CHART],
    }
    if roles.abilities_of(request.user).see_clinical:
        context.update(
            allergies=allergies.on_record(patient),
            conditions=patient.conditions.select_related("contraindication", "recorded_by"),
            findings=safety.check_patient(patient=patient, on_date=timezone.localdate()),
            cocktails=Formulation.objects.visible_to(request.user)
            .current()
            .filter(patient=patient)
            .order_by("-created_at"),
            overrides=Override.objects.filter(plan__patient=patient).select_related("overridden_by", "session", "plan"),
            suspected_allergies=SuspectedAllergy.objects.pending()
            .filter(patient=patient)
            .select_related("session")
            .prefetch_related("ingredients"),
            adverse_events=AdverseEvent.objects.filter(session__plan__patient=patient).select_related("session__plan"),
            recorded_sessions=TreatmentSession.objects.filter(
                plan__patient=patient, status=TreatmentSession.Status.DONE
            )
            .select_related("plan")
            .order_by("-done_at")[:RECORDED_SESSIONS_ON_CHART],
            intake=intake.on_chart(patient),
            condition_form=condition_form or ConditionForm(),
            end_condition_form=EndConditionForm(initial={"ended_on": timezone.localdate()}),
        )
    return render(request, "workday/chart.html", context)


@require_GET
@role_required(Role.FRONT_DESK, Role.DERMATOLOGIST)
def patient_chart(request: HttpRequest, pk: UUID) -> HttpResponse:
    return render_chart(request, pk)


@require_GET
@role_required(Role.DERMATOLOGIST)
def patient_history(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, pk)
    return render(request, "workday/history.html", {"patient": patient, "entries": history.clinical_history(patient)})


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
            messages.success(request, _("Recorded: %(condition)s.") % {"condition": condition})
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
            messages.success(
                request,
                _("%(condition)s: ended on %(day)s.")
                % {"condition": condition, "day": date_format(condition.ended_on, "d/m/Y")},
            )
    else:
        messages.error(request, _("%(condition)s: enter the date it ended.") % {"condition": condition})
    return redirect(patient)
