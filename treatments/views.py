import csv
from decimal import Decimal
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_weasyprint import WeasyTemplateResponse

from clinic.forms import add_error_by_field
from clinic.models import User
from clinic.roles import Role, role_required
from patients.models import Patient
from patients.views import get_patient_for_user
from scheduling.models import Appointment
from treatments import documents, plans, safety
from treatments.cocktails import CocktailBlocked, compose_formulation, revise_formulation
from treatments.forms import (
    AcknowledgementForm,
    AmendSessionForm,
    FormulationFilterForm,
    FormulationForm,
    LineFormSet,
    LotFormSet,
    PlanAreaFormSet,
    PlanForm,
    RecordSessionForm,
    SessionAreaFormSet,
    StopPlanForm,
)
from treatments.models import (
    DocumentHandover,
    Formulation,
    FormulationLine,
    Indication,
    PlanArea,
    Protocol,
    SessionLot,
    TreatmentArea,
    TreatmentPlan,
    TreatmentSession,
    Unit,
)

RECENT_PATIENT_COCKTAILS = 20
LINES_WITH_INGREDIENTS = Prefetch("lines", queryset=FormulationLine.objects.select_related("ingredient"))


def get_formulation_for_user(user, pk: int) -> Formulation:
    """The formulation if `user` may see it (and its patient); 404 otherwise."""
    formulation = get_object_or_404(
        Formulation.objects.visible_to(user)
        .select_related("patient", "created_by")
        .prefetch_related(LINES_WITH_INGREDIENTS),
        pk=pk,
    )
    if formulation.patient and not Patient.objects.visible_to(user).filter(pk=formulation.patient_id).exists():
        raise Http404
    return formulation


@require_GET
@role_required(Role.DERMATOLOGIST)
def formulation_list(request: HttpRequest) -> HttpResponse:
    filters = FormulationFilterForm(request.GET or None)
    formulations = Formulation.objects.visible_to(request.user).current().prefetch_related(LINES_WITH_INGREDIENTS)
    if filters.is_valid():
        if indication := filters.cleaned_data["indication"]:
            formulations = formulations.filter(indication=indication)
        if ingredient := filters.cleaned_data["ingredient"]:
            formulations = formulations.filter(lines__ingredient=ingredient)
    templates = formulations.templates().order_by("indication", "name")
    patient_cocktails = (
        formulations.filter(patient__in=Patient.objects.visible_to(request.user))
        .select_related("patient")
        .order_by("-created_at")[:RECENT_PATIENT_COCKTAILS]
    )
    context = {"filters": filters, "templates": templates, "patient_cocktails": patient_cocktails}
    return render(request, "treatments/formulation_list.html", context)


def composition_forms(request: HttpRequest, *, initial: dict, initial_lines: list[dict]):
    data = request.POST if request.method == "POST" else None
    form = FormulationForm(data, initial=initial, patients=Patient.objects.visible_to(request.user))
    lines = LineFormSet(data, initial=initial_lines, prefix="lines")
    if data is not None and form.is_valid():
        lines.total_volume_ml = form.cleaned_data["total_volume_ml"]
    return form, lines


def save_composition(form, lines, write) -> Formulation | None:
    """Run `write` once both forms are valid; put refusals next to what caused them."""
    lines_valid = lines.is_valid()  # validated even when the form is not, so every error shows at once
    if not (form.is_valid() and lines_valid):
        return None
    try:
        return write()
    except CocktailBlocked as blocked:
        form.add_error(
            None, "This cocktail cannot be given to this patient: " + " ".join(f.reason for f in blocked.findings)
        )
    except ValidationError as error:
        form.add_error(None, error)
    return None


def lines_of(formulation: Formulation) -> list[dict]:
    return [
        {"ingredient": line.ingredient, "amount": f"{line.amount.normalize():f}", "unit": line.unit}
        for line in formulation.lines.all()
    ]


@require_http_methods(["GET", "POST"])
@role_required(Role.DERMATOLOGIST)
def formulation_new(request: HttpRequest) -> HttpResponse:
    patient = None
    if patient_id := request.GET.get("patient") or request.POST.get("patient"):
        patient = get_patient_for_user(request.user, validate_uuid(patient_id))
    starting_point = None
    if from_id := request.GET.get("from"):
        starting_point = get_formulation_for_user(request.user, validate_int(from_id))
    initial = {"patient": patient, "indication": Indication.REJUVENATION}
    initial_lines = []
    if starting_point:
        initial.update(
            name=f"{starting_point.name} — {patient.full_name}" if patient else f"{starting_point.name} (copy)",
            indication=starting_point.indication,
            total_volume_ml=starting_point.total_volume_ml,
            notes=starting_point.notes,
        )
        initial_lines = lines_of(starting_point)
    form, lines = composition_forms(request, initial=initial, initial_lines=initial_lines)
    formulation = save_composition(
        form,
        lines,
        lambda: compose_formulation(
            name=form.cleaned_data["name"],
            indication=form.cleaned_data["indication"],
            total_volume_ml=form.cleaned_data["total_volume_ml"],
            notes=form.cleaned_data["notes"],
            patient=form.cleaned_data["patient"],
            lines=lines.specs(),
            created_by=request.user,
        ),
    )
    if formulation:
        messages.success(request, f"{formulation.name} is saved.")
        return redirect(formulation)
    context = composition_context(request, form, lines, patient=patient, starting_point=starting_point)
    return render(request, "treatments/formulation_form.html", context)


@require_http_methods(["GET", "POST"])
@role_required(Role.DERMATOLOGIST)
def formulation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    formulation = get_formulation_for_user(request.user, pk)
    if formulation.next_versions.exists():
        messages.info(request, "That is an older version; this is the latest.")
        return redirect(formulation.versions()[-1])
    initial = {
        "name": formulation.name,
        "indication": formulation.indication,
        "total_volume_ml": formulation.total_volume_ml,
        "notes": formulation.notes,
        "patient": formulation.patient,
    }
    form, lines = composition_forms(request, initial=initial, initial_lines=lines_of(formulation))
    revised = save_composition(
        form,
        lines,
        lambda: revise_formulation(
            formulation=formulation,
            name=form.cleaned_data["name"],
            indication=form.cleaned_data["indication"],
            total_volume_ml=form.cleaned_data["total_volume_ml"],
            notes=form.cleaned_data["notes"],
            lines=lines.specs(),
            revised_by=request.user,
        ),
    )
    if revised:
        if revised.pk != formulation.pk:
            messages.success(
                request, f"Saved as version {revised.version}; version {formulation.version} stays as it was used."
            )
        else:
            messages.success(request, "Changes saved.")
        return redirect(revised)
    context = composition_context(request, form, lines, patient=formulation.patient, editing=formulation)
    return render(request, "treatments/formulation_form.html", context)


def composition_context(request, form, lines, *, patient, starting_point=None, editing=None) -> dict:
    return {
        "form": form,
        "lines": lines,
        "patient": patient,
        "starting_point": starting_point,
        "editing": editing,
        "templates": Formulation.objects.visible_to(request.user).current().templates().order_by("name")
        if editing is None
        else [],
        "summary": composition_summary(form, lines, patient),
    }


def composition_summary(form, lines, patient) -> dict:
    """What the side panel shows: the lines so far, the volume they declare in mL, what is
    refused, and the safety findings for the patient, recomputed as the dermatologist edits."""
    chosen = lines.chosen_lines()
    findings = []
    if patient:
        findings = safety.check_ingredients_for_patient(
            patient=patient, ingredients=[line["ingredient"] for line in chosen], on_date=timezone.localdate()
        )
    total_volume = form.cleaned_data.get("total_volume_ml") if form.is_bound else form.initial.get("total_volume_ml")
    return {
        "chosen": chosen,
        "ml_total": sum(
            (Decimal(str(line["amount"])) for line in chosen if line.get("unit") == Unit.ML and line.get("amount")),
            Decimal(0),
        ),
        "total_volume": total_volume,
        "problems": lines.line_problems() if lines.is_bound else [],
        "findings": findings,
        "patient_checked": patient is not None,
    }


@require_POST
@role_required(Role.DERMATOLOGIST)
def formulation_preview(request: HttpRequest) -> HttpResponse:
    """The composition panel for the form as it stands (htmx, on every change)."""
    patient = None
    if patient_id := request.POST.get("patient"):
        patient = get_patient_for_user(request.user, validate_uuid(patient_id))
    form, lines = composition_forms(request, initial={}, initial_lines=[])
    lines.is_valid()
    return render(
        request, "treatments/_composition_summary.html", {"summary": composition_summary(form, lines, patient)}
    )


@require_GET
@role_required(Role.DERMATOLOGIST)
def formulation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    formulation = get_formulation_for_user(request.user, pk)
    findings = []
    if formulation.patient:
        findings = safety.check_formulation_for_patient(
            patient=formulation.patient, formulation=formulation, on_date=timezone.localdate()
        )
    context = {"formulation": formulation, "findings": findings, "versions": formulation.versions()}
    return render(request, "treatments/formulation_detail.html", context)


@require_POST
@role_required(Role.DERMATOLOGIST)
def formulation_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    formulation = get_formulation_for_user(request.user, pk)
    if formulation.patient is None:
        raise Http404
    form = AcknowledgementForm(request.POST)
    if form.is_valid():
        try:
            safety.acknowledge_finding(
                patient=formulation.patient,
                formulation=formulation,
                finding_key=form.cleaned_data["finding_key"],
                reason=form.cleaned_data["reason"],
                acknowledged_by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Warning acknowledged; your reason is on record.")
    else:
        messages.error(request, "Say why it is safe to go ahead before acknowledging the warning.")
    return redirect(formulation)


def validate_uuid(value: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise Http404 from None


def validate_int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def get_plan_for_user(user, pk: UUID) -> TreatmentPlan:
    """The plan if `user` may see it; 404 otherwise."""
    return get_object_or_404(
        TreatmentPlan.objects.visible_to(user).select_related(
            "patient", "prescriber", "protocol", "formulation", "created_by"
        ),
        pk=pk,
    )


def get_session_for_user(user, pk: UUID) -> TreatmentSession:
    return get_object_or_404(
        TreatmentSession.objects.visible_to(user).select_related(
            "plan__patient", "plan__formulation", "practitioner", "formulation", "recorded_by"
        ),
        pk=pk,
    )


def plan_initial(patient: Patient, protocol: Protocol | None) -> tuple[dict, list[dict]]:
    """What the plan form starts from: the protocol's defaults, the patient's latest cocktail
    for that indication (or the protocol's template), today's date."""
    initial = {"start_date": timezone.localdate(), "protocol": protocol}
    default_areas = set()
    if protocol:
        own = (
            Formulation.objects.current()
            .filter(patient=patient, indication=protocol.indication)
            .order_by("-created_at")
            .first()
        )
        initial.update(
            formulation=own or protocol.default_formulation,
            sessions_planned=protocol.sessions,
            interval_days=protocol.interval_days,
            min_days=protocol.min_days,
            max_days=protocol.max_days,
            maintenance_interval_days=protocol.maintenance_interval_days,
            maintenance_count=protocol.maintenance_count,
        )
        default_areas = set(protocol.default_areas.all())
    areas = [
        {"area": area, "included": area in default_areas, "volume_ml": area.typical_volume_ml}
        for area in TreatmentArea.objects.filter(active=True)
    ]
    return initial, areas


def plan_forms(request: HttpRequest, patient: Patient, protocol: Protocol | None):
    data = request.POST if request.method == "POST" else None
    initial, area_initial = plan_initial(patient, protocol)
    form = PlanForm(data, initial=initial, patient=patient)
    areas = PlanAreaFormSet(data, initial=area_initial, prefix="areas")
    return form, areas


def unsaved_plan(form: PlanForm, patient: Patient) -> TreatmentPlan | None:
    """The plan as the form stands, for previewing its dates; None until the dates can be computed."""
    values = form.cleaned_data if form.is_bound else form.initial
    needed = ("start_date", "sessions_planned", "interval_days", "min_days", "max_days")
    if form.is_bound and any(name in form.errors for name in needed):
        return None
    if not all(values.get(name) for name in needed):
        return None
    return TreatmentPlan(
        patient=patient,
        protocol=values.get("protocol"),
        start_date=values["start_date"],
        sessions_planned=values["sessions_planned"],
        interval_days=values["interval_days"],
        min_days=values["min_days"],
        max_days=values["max_days"],
        maintenance_interval_days=values.get("maintenance_interval_days"),
        maintenance_count=values.get("maintenance_count") or 0,
    )


def plan_summary(form: PlanForm, areas, patient: Patient) -> dict:
    """The side panel of the plan form: generated dates, volume check and safety findings."""
    summary = {
        "dates": [],
        "date_problem": "",
        "spacing_warnings": [],
        "findings": [],
        "acknowledged": set(),
        "needs_reason": False,
        "volume": None,
    }
    plan = unsaved_plan(form, patient)
    if plan is not None:
        try:
            plans.check_start_date(plan.start_date)
            summary["dates"] = plans.preview_dates(plan)
        except ValidationError as error:
            summary["date_problem"] = " ".join(error.messages)
        summary["spacing_warnings"] = plans.spacing_warnings(plan)
    elif form.is_bound and form.errors:
        summary["date_problem"] = "Correct the fields marked in red to see the dates."
    values = form.cleaned_data if form.is_bound else form.initial
    formulation = values.get("formulation")
    if formulation:
        findings = safety.check_ingredients_for_patient(
            patient=patient,
            ingredients=[line.ingredient for line in formulation.lines.all()],
            on_date=values.get("start_date") or timezone.localdate(),
        )
        needing = plans.warnings_needing_a_reason(patient=patient, formulation=formulation, findings=findings)
        summary["findings"] = findings
        summary["needs_reason"] = bool(needing)
        summary["acknowledged"] = {f.key for f in findings if not f.is_block} - {f.key for f in needing}
        chosen = areas.chosen() if areas.is_bound else [a for a in areas.initial if a["included"]]
        summary["volume"] = {
            "planned": sum((Decimal(str(a["volume_ml"])) for a in chosen), Decimal(0)),
            "available": formulation.total_volume_ml,
        }
    return summary


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
                messages.success(request, f"The course is planned: {plan.sessions_planned} sessions.")
                return redirect(plan)
    context = {
        "patient": patient,
        "protocol": protocol,
        "protocols": Protocol.objects.filter(active=True),
        "form": form,
        "areas": areas,
        "summary": plan_summary(form, areas, patient),
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
            created_by=request.user,
        )
    except CocktailBlocked as blocked:
        form.add_error("formulation", cannot_be_given(blocked))
    except plans.MissingAcknowledgement as missing:
        form.add_error(
            "acknowledgement_reason",
            "Record why it is safe to go ahead despite: " + " ".join(f.reason for f in missing.findings),
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
    return render(request, "treatments/_plan_summary.html", {"summary": plan_summary(form, areas, patient)})


SESSIONS_WITH_DETAILS = Prefetch(
    "sessions",
    queryset=TreatmentSession.objects.select_related("practitioner").prefetch_related("lots", "appointments"),
)


@require_GET
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK)
def plan_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    plan = get_object_or_404(
        TreatmentPlan.objects.visible_to(request.user)
        .select_related("patient", "prescriber", "protocol", "formulation")
        .prefetch_related(
            SESSIONS_WITH_DETAILS,
            Prefetch("areas", queryset=PlanArea.objects.select_related("area")),
            "formulation__lines__ingredient",
        ),
        pk=pk,
    )
    context = {"plan": plan, "today": timezone.localdate(), "stop_form": StopPlanForm()}
    return render(request, "treatments/plan_detail.html", context)


def get_plan_for_document(user, pk: UUID) -> TreatmentPlan:
    return get_object_or_404(
        TreatmentPlan.objects.visible_to(user)
        .select_related("patient", "formulation", "prescriber")
        .prefetch_related(
            "sessions__appointments",
            Prefetch("areas", queryset=PlanArea.objects.select_related("area")),
            "formulation__lines__ingredient",
        ),
        pk=pk,
    )


@require_GET
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK, Role.PATIENT)
def plan_pdf(request: HttpRequest, pk: UUID) -> HttpResponse:
    plan = get_plan_for_document(request.user, pk)
    record_download(request, document=DocumentHandover.Document.PLAN, plan=plan)
    filename = f"course-plan-{plan.patient.last_name}-{plan.start_date:%Y-%m-%d}.pdf"
    return WeasyTemplateResponse(
        request, "documents/plan.html", documents.plan_document(plan), filename=filename, attachment=False
    )


@require_GET
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK)
def plan_print_preview(request: HttpRequest, pk: UUID) -> HttpResponse:
    plan = get_plan_for_document(request.user, pk)
    return render(request, "documents/plan.html", documents.plan_document(plan) | {"preview": True})


@require_POST
@role_required(Role.DERMATOLOGIST)
def plan_stop(request: HttpRequest, pk: UUID) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    form = StopPlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the course is stopped.")
        return redirect(plan)
    try:
        plans.stop_plan(plan=plan, reason=form.cleaned_data["reason"], stopped_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The course is stopped; sessions not yet done are cancelled.")
    return redirect(plan)


@require_POST
@role_required(Role.DERMATOLOGIST)
def plan_activate(request: HttpRequest, pk: UUID) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    try:
        plans.activate_plan(plan=plan, activated_by=request.user)
    except CocktailBlocked as blocked:
        messages.error(request, cannot_be_given(blocked))
    except plans.MissingAcknowledgement as missing:
        messages.error(
            request,
            "Acknowledge these warnings on the cocktail's page first: " + " ".join(f.reason for f in missing.findings),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The course is started.")
    return redirect(plan)


def cannot_be_given(blocked: CocktailBlocked) -> str:
    return "This cocktail cannot be given: " + " ".join(finding.reason for finding in blocked.findings)


def session_forms(request: HttpRequest, session: TreatmentSession):
    data = request.POST if request.method == "POST" else None
    dermatologists = User.objects.filter(groups__name=Role.DERMATOLOGIST).order_by("last_name")
    initial = {
        "done_at": timezone.localtime().replace(second=0, microsecond=0),
        "practitioner": request.user,
        "formulation": session.plan.formulation.versions()[-1],
        "reaction": TreatmentSession.Reaction.NONE,
    }
    record = RecordSessionForm(data, initial=initial, session=session, dermatologists=dermatologists)
    areas = SessionAreaFormSet(
        data,
        prefix="areas",
        initial=[
            {"area": planned.area, "volume_ml": planned.volume_ml, "technique": planned.area.technique}
            for planned in session.plan.areas.select_related("area")
        ],
    )
    lots = LotFormSet(data, prefix="lots")
    return record, areas, lots


@require_http_methods(["GET", "POST"])
@role_required(Role.DERMATOLOGIST)
def session_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    record = areas = lots = None
    if session.can_be_recorded:
        record, areas, lots = session_forms(request, session)
        if request.method == "POST":
            valid = [record.is_valid(), areas.is_valid(), lots.is_valid()]
            if all(valid):
                recorded = record_session_from_forms(request, session, record, areas, lots)
                if recorded:
                    messages.success(request, f"Session {session.number} is recorded.")
                    return redirect(recorded)
    elif request.method == "POST":
        messages.error(request, "This session cannot be recorded now.")
        return redirect(session)
    cocktail = Formulation.objects.prefetch_related(LINES_WITH_INGREDIENTS).get(
        pk=session.formulation_id or session.plan.formulation_id
    )
    findings = safety.check_formulation_for_patient(
        patient=session.plan.patient, formulation=cocktail, on_date=timezone.localdate()
    )
    context = {
        "session": session,
        "plan": session.plan,
        "findings": findings,
        "unacknowledged_warnings": [f for f in findings if not f.is_block and not f.acknowledgement],
        "handovers": session.handovers.select_related("by"),
        "record": record,
        "areas": areas,
        "lots": lots,
        "amend_form": AmendSessionForm(instance=session) if session.is_done else None,
    }
    return render(request, "treatments/session_detail.html", context)


def record_session_from_forms(request, session, record, areas, lots) -> TreatmentSession | None:
    values = record.cleaned_data
    try:
        return plans.record_session(
            session=session,
            done_at=values["done_at"],
            practitioner=values["practitioner"],
            formulation=values["formulation"],
            areas=[plans.AdministeredArea(a["area"], a["volume_ml"], a["technique"]) for a in areas.cleaned_data],
            lots=[plans.Lot(lot["product"], lot["lot_number"], lot["expiry_date"]) for lot in lots.cleaned_data if lot],
            reaction=values["reaction"],
            reaction_notes=values["reaction_notes"],
            notes=values["notes"],
            recorded_by=request.user,
        )
    except CocktailBlocked as blocked:
        record.add_error(
            "formulation", "This cocktail cannot be given: " + " ".join(f.reason for f in blocked.findings)
        )
    except ValidationError as error:
        add_error_by_field(record, error)
    return None


@require_POST
@role_required(Role.DERMATOLOGIST)
def session_amend(request: HttpRequest, pk: UUID) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    form = AmendSessionForm(request.POST, instance=get_session_for_user(request.user, pk))
    if form.is_valid():
        changes = {field: form.cleaned_data[field] for field in form.changed_data if field != "reason"}
        try:
            plans.amend_session(session=session, reason=form.cleaned_data["reason"], amended_by=request.user, **changes)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The record is corrected; the original stays in its history.")
    else:
        messages.error(request, "The correction was not saved: " + " ".join(m for e in form.errors.values() for m in e))
    return redirect(session)


@require_GET
@role_required(Role.DERMATOLOGIST)
def lot_recall(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").replace("\x00", "").strip()[:60]
    lots = SessionLot.objects.none()
    if query:
        lots = (
            SessionLot.objects.filter(
                lot_number__istartswith=query, session__in=TreatmentSession.objects.visible_to(request.user)
            )
            .select_related("session__plan__patient", "session__practitioner")
            .order_by("session__done_at")
        )
    if request.GET.get("format") == "csv" and query:
        return recall_csv(query, lots)
    return render(request, "treatments/lot_recall.html", {"query": query, "lots": lots})


class SpreadsheetSafeWriter:
    """A CSV writer whose cells never start a spreadsheet formula (=, +, -, @)."""

    def __init__(self, stream) -> None:
        self.writer = csv.writer(stream)

    def writerow(self, row) -> None:
        self.writer.writerow([f"'{cell}" if str(cell)[:1] in ("=", "+", "-", "@") else cell for cell in row])


def recall_csv(query: str, lots) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="recall-lot-{slugify(query)}.csv"'
    writer = SpreadsheetSafeWriter(response)
    writer.writerow(
        [
            "Lot",
            "Product",
            "Expiry",
            "Session date",
            "Patient",
            "Date of birth",
            "Phone",
            "Email",
            "Address",
            "Practitioner",
        ]
    )
    for lot in lots:
        session, patient = lot.session, lot.session.plan.patient
        writer.writerow(
            [
                lot.lot_number,
                lot.product,
                lot.expiry_date.isoformat(),
                timezone.localtime(session.done_at).strftime("%Y-%m-%d %H:%M"),
                patient.full_name,
                patient.date_of_birth.isoformat(),
                patient.phone,
                patient.email,
                patient.address.replace("\n", ", "),
                str(session.practitioner),
            ]
        )
    return response


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def record_download(request: HttpRequest, *, document: str, session=None, plan=None) -> None:
    DocumentHandover.objects.create(
        document=document, session=session, plan=plan, by=request.user, ip_address=client_ip(request)
    )


@require_GET
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK, Role.PATIENT)
def aftercare_pdf(request: HttpRequest, pk: UUID) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    if session.status in (TreatmentSession.Status.CANCELLED, TreatmentSession.Status.MISSED):
        return render(request, "treatments/no_sheet.html", {"session": session})
    sheet = documents.aftercare_sheet(session)
    record_download(request, document=DocumentHandover.Document.AFTERCARE, session=session)
    kind = "aftercare" if sheet["done"] else "before-your-session"  # "done": the after-visit version
    filename = f"{kind}-{session.plan.patient.last_name}-{session.number}.pdf"
    return WeasyTemplateResponse(
        request, "documents/aftercare.html", {"sheets": [sheet]}, filename=filename, attachment=False
    )


@require_GET
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK)
def aftercare_preview(request: HttpRequest, pk: UUID) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    if session.status in (TreatmentSession.Status.CANCELLED, TreatmentSession.Status.MISSED):
        return render(request, "treatments/no_sheet.html", {"session": session})
    return render(
        request, "documents/aftercare.html", {"sheets": [documents.aftercare_sheet(session)], "preview": True}
    )


@require_POST
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK)
def aftercare_handed_over(request: HttpRequest, pk: UUID) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    DocumentHandover.objects.create(
        document=DocumentHandover.Document.AFTERCARE,
        channel=DocumentHandover.Channel.PAPER,
        session=session,
        by=request.user,
        ip_address=client_ip(request),
    )
    messages.success(request, "Recorded: the aftercare sheet was handed over on paper.")
    return redirect(request.POST.get("next") if request.POST.get("next") == "/today/" else session)


@require_GET
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK)
def today_print(request: HttpRequest) -> HttpResponse:
    """Today's sheets in one PDF, one per session, in the order of the appointments."""
    appointments = (
        Appointment.objects.agenda_of(request.user, timezone.localdate())
        .live()
        .filter(session__isnull=False)
        .select_related("session__plan__patient", "session__formulation", "session__plan__formulation")
        .order_by("start")
    )
    sessions = [appointment.session for appointment in appointments]
    if not sessions:
        return render(request, "treatments/no_sheet.html", {"today": True})
    sheets = [documents.aftercare_sheet(session) for session in sessions]
    return WeasyTemplateResponse(
        request,
        "documents/aftercare.html",
        {"sheets": sheets},
        filename=f"aftercare-{timezone.localdate():%Y-%m-%d}.pdf",
        attachment=False,
    )
