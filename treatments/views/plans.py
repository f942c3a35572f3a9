"""Planning a course: the plan form with its live preview, starting a draft (each with the
course's block overrides), the printed plan."""

from decimal import Decimal
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.forms import add_error_by_field
from clinic.http import client_ip, pdf_response, validate_int, validate_uuid
from clinic.roles import Role, role_required
from patients.access import get_patient_for_user
from patients.models import Patient
from treatments import documents, overrides, plans, safety
from treatments.access import get_plan_for_document, get_plan_for_user
from treatments.cocktails import CocktailBlocked
from treatments.forms import OverrideFields, PlanAreaFormSet, PlanForm
from treatments.models import DocumentHandover, Protocol, TreatmentPlan


def plan_forms(request: HttpRequest, patient: Patient, protocol: Protocol | None):
    data = request.POST if request.method == "POST" else None
    initial, area_initial = plans.plan_defaults(patient, protocol)
    form = PlanForm(data, initial=initial, patient=patient)
    areas = PlanAreaFormSet(data, initial=area_initial, prefix="areas")
    return form, areas


def plan_preview_of(form: PlanForm, areas, patient: Patient) -> dict:
    """The side panel for the plan form as it stands (plans.preview_plan decides what it says)."""
    values = form.cleaned_data if form.is_bound else form.initial
    chosen = areas.chosen() if areas.is_bound else [a for a in areas.initial if a["included"]]
    return plans.preview_plan(
        patient=patient,
        values=values,
        areas=[plans.AreaVolume(a["area"], Decimal(str(a["volume_ml"]))) for a in chosen],
        dates_known=not (form.is_bound and any(name in form.errors for name in plans.DATES_NEED)),
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.DERMATOLOGIST)
def plan_new(request: HttpRequest) -> HttpResponse:
    patient = get_patient_for_user(
        request.user, validate_uuid(request.GET.get("patient") or request.POST.get("patient"))
    )
    protocol_id = request.GET.get("protocol") or request.POST.get("protocol")
    protocol = get_object_or_404(Protocol, pk=validate_int(protocol_id)) if protocol_id else None
    form, areas = plan_forms(request, patient, protocol)
    if request.method == "POST":
        form_valid, areas_valid = form.is_valid(), areas.is_valid()
        if form_valid and areas_valid:
            plan = create_plan_from_forms(request, form, areas, patient)
            if plan:
                messages.success(
                    request,
                    ngettext(
                        "The course is planned: %(count)s session.",
                        "The course is planned: %(count)s sessions.",
                        plan.sessions_planned,
                    )
                    % {"count": plan.sessions_planned},
                )
                return redirect(plan)
    context = {
        "patient": patient,
        "protocol": protocol,
        "protocols": Protocol.objects.filter(active=True),
        "form": form,
        "areas": areas,
        "summary": plan_preview_of(form, areas, patient),
    }
    return render(request, "treatments/plan_form.html", context)


def create_plan_from_forms(request: HttpRequest, form: PlanForm, areas, patient: Patient) -> TreatmentPlan | None:
    values = form.cleaned_data
    draft = request.POST.get("action") == "draft"
    try:
        return plans.create_plan(
            patient=patient,
            formulation=values["formulation"],
            areas=[plans.AreaVolume(a["area"], a["volume_ml"]) for a in areas.chosen()],
            start_date=values["start_date"],
            sessions_planned=values["sessions_planned"],
            interval_days=values["interval_days"],
            min_days=values["min_days"],
            max_days=values["max_days"],
            maintenance_interval_days=values["maintenance_interval_days"],
            maintenance_count=values["maintenance_count"],
            protocol=values["protocol"],
            notes=values["notes"],
            status=TreatmentPlan.Status.DRAFT if draft else TreatmentPlan.Status.ACTIVE,
            acknowledgement_reason=values["acknowledgement_reason"],
            override_reason=values["override_reason"],
            overriding=form.overriding(),
            created_by=request.user,
        )
    except overrides.OverrideNeeded as needed:
        ask_for_override(form, needed)
    except CocktailBlocked as blocked:
        form.add_error("formulation", cannot_be_given(blocked))
    except safety.MissingAcknowledgement as missing:
        form.add_error(
            "acknowledgement_reason",
            _("Record why it is safe to go ahead despite: %(warnings)s")
            % {"warnings": " ".join(f.reason for f in missing.findings)},
        )
    except ValidationError as error:
        add_error_by_field(form, error)
    return None


@require_POST
@role_required(Role.DERMATOLOGIST)
def plan_preview(request: HttpRequest) -> HttpResponse:
    patient = get_patient_for_user(request.user, validate_uuid(request.POST.get("patient")))
    protocol_id = request.POST.get("protocol")
    protocol = get_object_or_404(Protocol, pk=validate_int(protocol_id)) if protocol_id else None
    form, areas = plan_forms(request, patient, protocol)
    form.is_valid()
    areas.is_valid()
    return render(request, "treatments/_plan_summary.html", {"summary": plan_preview_of(form, areas, patient)})


@require_GET
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK, Role.PATIENT)
def plan_pdf(request: HttpRequest, pk: UUID) -> HttpResponse:
    plan = get_plan_for_document(request.user, pk)
    documents.record_download(
        document=DocumentHandover.Document.PLAN, plan=plan, by=request.user, ip_address=client_ip(request)
    )
    filename = documents.plan_file_name(plan)
    return pdf_response(request, "documents/plan.html", documents.plan_document(plan), filename=filename)


@require_GET
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK)
def plan_print_preview(request: HttpRequest, pk: UUID) -> HttpResponse:
    plan = get_plan_for_document(request.user, pk)
    return render(request, "documents/plan.html", documents.plan_document(plan) | {"preview": True})


@require_http_methods(["GET", "POST"])
@role_required(Role.DERMATOLOGIST)
def plan_activate(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Start a draft course; a block shows here with the override a dermatologist may write."""
    plan = get_plan_for_user(request.user, pk)
    form = OverrideFields(request.POST if request.method == "POST" else None)
    if request.method == "GET" or not form.is_valid():
        return activation_page(request, plan, form)
    try:
        plans.activate_plan(
            plan=plan,
            activated_by=request.user,
            override_reason=form.cleaned_data["override_reason"],
            overriding=form.overriding(),
        )
    except overrides.OverrideNeeded as needed:
        ask_for_override(form, needed)
        return activation_page(request, plan, form, override_keys=needed.keys)
    except safety.MissingAcknowledgement as missing:
        messages.error(
            request,
            _("Acknowledge these warnings on the cocktail's page first: %(warnings)s")
            % {"warnings": " ".join(f.reason for f in missing.findings)},
        )
    except ValidationError as error:
        if "override_reason" in getattr(error, "error_dict", {}):
            add_error_by_field(form, error)
            return activation_page(request, plan, form, override_keys=form.cleaned_data["overridden_rules"])
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The course is started."))
    return redirect(plan)


def activation_page(request: HttpRequest, plan: TreatmentPlan, form: OverrideFields, *, override_keys: str = ""):
    if plan.status != TreatmentPlan.Status.DRAFT:
        messages.error(
            request, _("The course is %(status)s, not a draft.") % {"status": plan.get_status_display().lower()}
        )
        return redirect(plan)
    blocks = overrides.course_block_breaches(plans.activation_findings(plan), plan)
    context = {
        "plan": plan,
        "form": form,
        "blocks": blocks,
        "override_keys": override_keys or " ".join(breach.key for breach in blocks),
    }
    return render(request, "treatments/plan_activate.html", context)


def ask_for_override(form, needed: overrides.OverrideNeeded) -> None:
    form.add_error(
        "override_reason",
        _("Refused: %(breaches)s A dermatologist may go ahead anyway, for this course, by writing why here.")
        % {"breaches": " ".join(breach.message for breach in needed.breaches)},
    )


def cannot_be_given(blocked: CocktailBlocked) -> str:
    return _("This cocktail cannot be given: %(reasons)s") % {
        "reasons": " ".join(finding.reason for finding in blocked.findings)
    }
